"""Issue 11, properties over generated transfers (exportctl.testing.exemption_transfers): the
§ 125.4 exemptions and § 126.4 never grant on unknown facts, never to a § 126.1 destination or
with an ineligible party except where the text says so, and guidelines only ever add conditions.
"""

from __future__ import annotations

import re

import attrs
from hypothesis import Phase, given, settings
from hypothesis import strategies as st
from tests.itar.dod_cases import LAW, ROOT_EXAMPLE

from exportctl.corpus.guidelines import apply_guidelines, load_guidelines
from exportctl.engine.exemptions import decide
from exportctl.inputs.transfers import Party, Transfer
from exportctl.testing import exemption_transfers, fewer_transfer_facts

#: Every exemption of issue 11, and the ways of § 126.4 one by one.
KEYS = [e.key for e in LAW.exemptions if e.key.startswith(("125.4", "126.4"))] + list(
    LAW.exemptions.get("126.4").branch_keys()
)

SOME = settings(
    max_examples=150,
    deadline=None,
    phases=(Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink),
)


def _cases(**kwargs: object) -> st.SearchStrategy[tuple[str, Transfer]]:
    return st.sampled_from(KEYS).flatmap(
        lambda key: st.tuples(st.just(key), exemption_transfers(LAW, key, **kwargs))  # type: ignore[arg-type]
    )


@SOME
@given(
    _cases().flatmap(lambda c: st.tuples(st.just(c[0]), fewer_transfer_facts(c[1]), st.just(c[1])))
)
def test_unknown_facts_never_decide_what_more_facts_would_change(
    case: tuple[str, Transfer, Transfer],
) -> None:
    """Forgetting facts only ever makes an exemption undetermined: if the transfer with fewer
    facts is eligible (or not eligible), so is the complete one — never eligible on an unknown."""
    key, fewer, complete = case
    partial = decide(key, fewer, LAW)
    if partial.status in ("eligible", "not_eligible"):
        assert decide(key, complete, LAW).status == partial.status, [
            (c.name, c.status, c.detail) for c in partial.conditions
        ]
    if partial.status == "undetermined":
        assert partial.open_questions


def _one_fewer(transfer: Transfer) -> list[Transfer]:
    """The transfer with one fact forgotten, for each fact it knows: an answer, a field, the
    party list, a party's flag."""
    out = [
        attrs.evolve(transfer, answers={k: v for k, v in transfer.answers.items() if k != fact})
        for fact in transfer.answers
    ]
    fields = (
        "activity",
        "transfer_kind",
        "to_country",
        "origin_country",
        "recipient_nationalities",
    )
    out += [attrs.evolve(transfer, **{f: None}) for f in fields if getattr(transfer, f) is not None]
    if transfer.parties is not None:
        out.append(attrs.evolve(transfer, parties=None))
        for n, party in enumerate(transfer.parties):
            for flag in ("ddtc_registered", "not_debarred", "eligible_120_16"):
                chain = list(transfer.parties)
                chain[n] = attrs.evolve(party, **{flag: None})
                out.append(attrs.evolve(transfer, parties=tuple(chain)))
    return out


@SOME
@given(_cases(failing=3))
def test_forgetting_any_one_fact_never_decides_otherwise(case: tuple[str, Transfer]) -> None:
    """Every fact of a transfer (drawn to fail a condition one time in four), forgotten in turn:
    the exemption stays as decided or becomes undetermined — an unknown fact never decides."""
    key, complete = case
    full = decide(key, complete, LAW).status
    for fewer in _one_fewer(complete):
        partial = decide(key, fewer, LAW).status
        assert partial in (full, "undetermined"), (key, full, partial, fewer)


@SOME
@given(_cases(complete=False))
def test_eligible_means_every_condition_holds_and_undetermined_asks(
    case: tuple[str, Transfer],
) -> None:
    key, transfer = case
    result = decide(key, transfer, LAW)
    statuses = {c.status for c in result.conditions}
    if result.status == "eligible":
        assert statuses <= {"pass", "lifted"} and result.open_questions == ()
        # § 120.15(f): "22 CFR [insert ITAR exemption] applicable"
        assert result.marking is not None and re.fullmatch(r"22 CFR \S+ applicable", result.marking)
    elif result.status == "undetermined":
        assert "unknown" in statuses and "fail" not in statuses
        assert result.open_questions
        assert {q.id for q in result.open_questions} >= {
            f for c in result.conditions if c.status == "unknown" for f in c.missing
        }
    else:
        assert result.status == "not_eligible" and "fail" in statuses
        assert result.open_questions == ()


PROSCRIBED = ("CN", "IR", "KP", "SY", "CU", "VE")
#: § 126.1(a)(2): "(i) § 126.4(a)(1) or (3); (ii) § 126.4(b)(1)" may be utilized.
UNCONDITIONAL = {"126.4(a)(1)", "126.4(a)(3)", "126.4(b)(1)"}


@SOME
@given(_cases(), st.sampled_from(PROSCRIBED), st.sampled_from(("to_country", "origin_country")))
def test_a_126_1_country_never_qualifies_except_where_the_text_says(
    case: tuple[str, Transfer], country: str, field: str
) -> None:
    """§ 125.4(a): "The exemptions, except for paragraph (b)(13) of this section, do not apply
    to exports to proscribed destinations under §126.1"; § 120.15(c): "… originating in or for
    export to any proscribed countries …, except as provided in § 126.1": § 126.1(a)(2) names
    § 126.4(a)(1), (3), (b)(1), and (a)(2), (b)(2) "when the export is destined for Russia and in
    support of government space cooperation"; (a)(3) "When the recipient is a U.S. Government
    department or agency"."""
    key, transfer = case
    moved = attrs.evolve(transfer, **{field: country})
    result = decide(key, moved, LAW)
    if result.status != "eligible" or key == "125.4(b)(13)":
        return
    usg_recipient = moved.answer("recipient_is_usg_department") is True
    if field == "to_country" or not usg_recipient:
        # § 125.4(a) bars the destination whoever the recipient; only § 126.4 is left
        assert key.startswith("126.4"), (key, field, result.conditions)
    assert result.branch in UNCONDITIONAL or usg_recipient, (key, result.branch, country)


@SOME
@given(_cases(), st.sampled_from(("not_debarred", "eligible_120_16")))
def test_an_ineligible_party_never_qualifies_except_where_the_text_says(
    case: tuple[str, Transfer], flag: str
) -> None:
    """§ 120.15(b): "… generally ineligible as set forth in § 120.16, unless prior written
    authorization has been granted by the Directorate of Defense Trade Controls"; § 125.4(a): "…
    except for paragraph (b)(13) … or for persons considered generally ineligible under
    § 120.16" (no proviso for the § 125.4 exemptions)."""
    key, transfer = case
    parties = transfer.parties or ()
    # debarred (and so ineligible, § 120.16(c)), or not debarred yet ineligible
    debarred = flag == "not_debarred"
    bad = Party("end_user", "GB", "other", "Ineligible Ltd", None, not debarred, False)
    changed = attrs.evolve(transfer, parties=(*parties, bad))
    result = decide(key, changed, LAW)
    if result.status == "eligible":
        authorized = changed.answer("ddtc_prior_written_authorization_120_15_b") is True
        assert key == "125.4(b)(13)" or (key.startswith("126.4") and authorized), key


GUIDED = apply_guidelines(LAW, load_guidelines(ROOT_EXAMPLE, LAW))


@SOME
@given(_cases(), st.data())
def test_guidelines_only_add_conditions(case: tuple[str, Transfer], data: st.DataObject) -> None:
    """Whatever the guidelines' questions are answered, an exemption the regulation does not
    grant is not granted with them."""
    key, transfer = case
    questions = [q.id for q in GUIDED.exemptions.guidelines.questions()]
    answers = {q: data.draw(st.sampled_from((True, False, None))) for q in questions}
    guided = attrs.evolve(
        transfer,
        answers={**transfer.answers, **{k: v for k, v in answers.items() if v is not None}},
    )
    plain = decide(key, transfer, LAW).status
    with_guidelines = decide(key, guided, GUIDED).status
    if with_guidelines == "eligible":
        assert plain == "eligible"
    if plain == "not_eligible":
        assert with_guidelines == "not_eligible"


def _statuses(key: str) -> set[str]:
    seen: set[str] = set()

    @settings(
        max_examples=40, derandomize=True, database=None, deadline=None, phases=(Phase.generate,)
    )
    @given(exemption_transfers(LAW, key))
    def draw(transfer: Transfer) -> None:
        seen.add(decide(key, transfer, LAW).status)

    draw()
    return seen


def test_the_kit_reaches_both_statuses_of_every_exemption() -> None:
    """The strategy draws, for each exemption and way, transfers that meet its conditions and
    transfers that fail them (derandomized: the same draws every run)."""
    for key in KEYS:
        assert {"eligible", "not_eligible"} <= _statuses(key), key
