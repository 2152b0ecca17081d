"""Properties of reforms, over generated reforms (exportctl.testing.reforms) and generated items and
transfers: fail closed under every reform, a reform never releases what the bundled law holds on
the USML, reformed laws and their decisions never share an id with the law they came from.
"""

from __future__ import annotations

from hypothesis import Phase, given, settings
from hypothesis import strategies as st

import exportctl
from exportctl import ContradictoryFacts, Decision, ItemFacts, Law, classify
from exportctl.corpus.reforms import Reform, RelocateUSML
from exportctl.testing import (
    fewer_facts,
    fewer_transfer_facts,
    item_facts,
    laws,
    reform_pairs,
    reforms,
    transfers,
)

#: One law under each version of § 126.7 and each USML edition the CCL data covers.
BASES = (exportctl.law("2025-06-01"), exportctl.law("2025-11-01"), exportctl.law("2026-01-15"))
EXCLUDED = "excluded_by_734_3_b"

_PHASES = (Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink)
FEW = settings(max_examples=40, deadline=None, phases=_PHASES)
SOME = settings(max_examples=100, deadline=None, phases=_PHASES)


def decide(facts: ItemFacts, law: Law) -> Decision | None:
    try:
        return classify(facts, law)
    except ContradictoryFacts:  # pragma: no cover - the kit draws coherent facts
        return None


@st.composite
def reformed_items(draw: st.DrawFn) -> tuple[Law, Law, ItemFacts, ItemFacts]:
    """(base, reformed, fewer, complete): complete facts about an item, the same with some
    forgotten, and a reform that, half the time, moves one of the item's USML candidates."""
    base = draw(st.sampled_from(BASES))
    complete = draw(item_facts(base, base.ruleset, complete=True))
    fewer = draw(fewer_facts(complete))
    reform = draw(reforms(base, usml=complete.usml_candidates or ()))
    return base, reform.apply(base), fewer, complete


@SOME
@given(reformed_items())
def test_missing_facts_never_give_ear99_or_not_subject_under_any_reform(
    case: tuple[Law, Law, ItemFacts, ItemFacts],
) -> None:
    """Fail closed under every reform: EAR99 needs the USML and the CCL reviewed and § 734.3(b)
    answered "no" (unless a determination names it); "not subject" needs § 734.3(b) answered."""
    _, law, fewer, _ = case
    for facts in case[2:]:
        d = decide(facts, law)
        if d is None:
            continue
        if d.classification is not None and d.classification.regime == "EAR99":
            named = "EAR99" in {
                (facts.cj_classification or "").upper(),
                (facts.ccats_classification or "").upper(),
            }
            if not named:
                assert facts.usml_candidates is not None or facts.cj_jurisdiction == "EAR"
                assert facts.eccn_candidates is not None and (
                    facts.answer(EXCLUDED) is False or facts.cj_jurisdiction == "EAR"
                )
        if d.jurisdiction == "not_subject":
            assert facts.answer(EXCLUDED) is True
    del fewer


@SOME
@given(reformed_items())
def test_adding_facts_never_changes_a_definite_answer_under_any_reform(
    case: tuple[Law, Law, ItemFacts, ItemFacts],
) -> None:
    """A reform never turns "unknown" into a release: what the reformed law decides on fewer
    facts, it decides the same way on all of them."""
    _, law, fewer, complete = case
    d, e = decide(fewer, law), decide(complete, law)
    if d is None or e is None:
        return
    if d.jurisdiction != "undetermined":
        assert e.jurisdiction == d.jurisdiction
    if d.classification is not None:
        assert e.classification is not None and (
            e.classification.reference == d.classification.reference
        )


@SOME
@given(reformed_items())
def test_a_reform_never_releases_what_the_bundled_law_holds_on_the_usml(
    case: tuple[Law, Law, ItemFacts, ItemFacts],
) -> None:
    """An item the bundled law holds on the USML is, under any reform, still on it, or in an
    ECCN paragraph, or open, or undetermined — never EAR99, never "not subject"."""
    base, law, _, complete = case
    before, after = decide(complete, base), decide(complete, law)
    if before is None or after is None or before.jurisdiction != "ITAR":
        return
    assert after.jurisdiction != "not_subject"
    assert after.classification is None or after.classification.regime != "EAR99"


@FEW
@given(st.data())
def test_an_item_a_relocation_meets_is_never_ear99(data: st.DataObject) -> None:
    """Every reform here moves one of the item's own candidates: the relocation is met."""
    base = data.draw(st.sampled_from(BASES[1:]))
    facts = data.draw(
        item_facts(base, base.ruleset, complete=True).filter(lambda f: bool(f.usml_candidates))
    )
    reform = data.draw(
        reforms(base, usml=facts.usml_candidates or (), scenarios=False).filter(
            lambda r: any(isinstance(op, RelocateUSML) for op in r.operations)
        )
    )
    before, after = decide(facts, base), decide(facts, reform.apply(base))
    if before is None or after is None:
        return
    if before.jurisdiction in ("ITAR", "undetermined"):
        assert after.jurisdiction != "not_subject"
        assert after.classification is None or after.classification.regime != "EAR99"


@SOME
@given(st.data())
def test_forgetting_transfer_facts_never_makes_it_exempt_under_any_reform(
    data: st.DataObject,
) -> None:
    base = data.draw(st.sampled_from(BASES))
    complete = data.draw(transfers(base, complete=True))
    fewer = data.draw(fewer_transfer_facts(complete))
    law = data.draw(reforms(base)).apply(base)
    partial = exportctl.authorize(fewer, law)
    if partial.outcome != "undetermined":
        full = exportctl.authorize(complete, law)
        assert full.outcome == partial.outcome
        # Several exemptions may be eligible once every fact is known (the first in the CFR's
        # order is named); the one found eligible on fewer facts stays eligible.
        assert set(partial.eligible) <= set(full.eligible)
        if partial.exemption is not None:
            assert partial.exemption in full.eligible


@SOME
@given(st.data())
def test_no_reform_makes_a_126_1_prohibited_transfer_exempt(data: st.DataObject) -> None:
    base = data.draw(st.sampled_from(BASES))
    transfer = data.draw(transfers(base))
    law = data.draw(reforms(base)).apply(base)
    if exportctl.authorize(transfer, base).outcome == "prohibited":
        assert exportctl.authorize(transfer, law).outcome == "prohibited"


@SOME
@given(reform_pairs(laws(dates=("2025-06-01", "2025-12-30", "2026-01-15"))), st.data())
def test_reformed_laws_and_their_decisions_never_share_an_id(
    pair: tuple[Law, Law], data: st.DataObject
) -> None:
    baseline, reformed = pair
    assert reformed.id != baseline.id and reformed.reforms and not baseline.reforms
    transfer = data.draw(transfers(baseline))
    a, b = exportctl.authorize(transfer, baseline), exportctl.authorize(transfer, reformed)
    assert (a.law_id, b.law_id) == (baseline.id, reformed.id)
    assert a.decision_id != b.decision_id
    facts = data.draw(item_facts(baseline, baseline.ruleset))
    d, e = decide(facts, baseline), decide(facts, reformed)
    if d is not None and e is not None:
        assert d.decision_id != e.decision_id


@FEW
@given(st.data())
def test_generated_reforms_apply_and_compose(data: st.DataObject) -> None:
    base = data.draw(st.sampled_from(BASES))
    first: Reform = data.draw(reforms(base))
    once = first.apply(base)
    second: Reform = data.draw(reforms(once, scenarios=False))
    twice = second.apply(once)
    assert len({base.id, once.id, twice.id}) == 3
    assert twice.reforms[: len(once.reforms)] == once.reforms
