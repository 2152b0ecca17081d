"""Properties of the exemption engine (22 CFR 126.1, 126.7, 126.5), tested with the hypothesis
kit (exportctl.testing): invariants that must hold for every transfer, not just the examples of
tests/test_aukus.py.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs
from hypothesis import Phase, find, given, settings
from hypothesis import strategies as st

import exportctl
from exportctl.core.jsonable import to_jsonable
from exportctl.corpus.bundle import load_json
from exportctl.corpus.references import USMLRef, parse_usml
from exportctl.engine.authorize import authorize, check_aukus, check_canada
from exportctl.inputs.transfers import (
    PARTY_FLAGS,
    PARTY_ROLES,
    Party,
    Transfer,
    transfer_from_mapping,
)
from exportctl.testing import (
    aukus_countries,
    fewer_transfer_facts,
    party,
    transfers,
)

#: One day under each version of § 126.7: the interim final rule and the final rule.
IFR_REGS = exportctl.regulations("2025-11-01")
FINAL_REGS = exportctl.regulations("2026-01-15")
SNAPSHOTS = {str(r.as_of): r for r in (IFR_REGS, FINAL_REGS)}
#: Drawn by date (a short name in a falsifying example), looked up in SNAPSHOTS.
DAYS = st.sampled_from(sorted(SNAPSHOTS))
AUKUS = aukus_countries(IFR_REGS)

_PHASES = (Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink)
FEW = settings(max_examples=50, deadline=None, phases=_PHASES)
SOME = settings(max_examples=120, deadline=None, phases=_PHASES)


def _on_each_snapshot(**kwargs: Any) -> st.SearchStrategy[tuple[str, Transfer]]:
    return DAYS.flatmap(lambda day: st.tuples(st.just(day), transfers(SNAPSHOTS[day], **kwargs)))


#: Transfers of every sort: partial, complete, and complete ones that stay within AUKUS
#: between eligible parties (where § 126.7 turns on its other requirements).
ANY = st.one_of(
    _on_each_snapshot(),
    _on_each_snapshot(complete=True),
    _on_each_snapshot(complete=True, countries=AUKUS, eligible_parties=True),
)

#: (fewer, complete) pairs: a complete transfer and the same with some facts forgotten.
SHRINKING = st.one_of(
    _on_each_snapshot(complete=True),
    _on_each_snapshot(complete=True, countries=AUKUS, eligible_parties=True),
).flatmap(lambda rt: st.tuples(st.just(rt[0]), fewer_transfer_facts(rt[1]), st.just(rt[1])))


# --------------------------------------------------------------------------------------------
# The kit


@FEW
@given(ANY)
def test_kit_transfers_are_valid_and_round_trip_through_json(pair: tuple[str, Any]) -> None:
    day, transfer = pair
    regs = SNAPSHOTS[day]
    for ref in (transfer.usml_classification, *(transfer.related_to or ())):
        if ref is not None:
            assert regs.usml.exists(ref)
    assert transfer_from_mapping(to_jsonable(transfer), FINAL_REGS) == transfer


@FEW
@given(_on_each_snapshot(complete=True))
def test_kit_complete_transfers_know_every_fact(pair: tuple[str, Transfer]) -> None:
    day, transfer = pair
    regs = SNAPSHOTS[day]
    assert None not in (to_jsonable(transfer) | {"description": ""}).values()
    assert transfer.parties and all(
        None not in attrs.asdict(p, recurse=False).values() for p in transfer.parties
    )
    for result in (check_aukus(transfer, regs), check_canada(transfer, regs)):
        assert result.status in ("eligible", "not_eligible"), result.requirements


@FEW
@given(
    DAYS.flatmap(
        lambda day: st.tuples(
            st.just(day),
            st.sampled_from(PARTY_ROLES).flatmap(
                lambda role: party(
                    role, SNAPSHOTS[day], complete=True, countries=AUKUS, eligible=True
                )
            ),
        )
    )
)
def test_kit_eligible_party_meets_126_7_b_2(pair: tuple[str, Any]) -> None:
    day, p = pair
    regs = SNAPSHOTS[day]
    # A U.S. Government agency is eligible under every version ((b)(2)(ii)).
    agencies = (
        Party("transferor", "US", "us_government"),
        Party("recipient", "US", "us_government"),
    )
    others = [q for q in agencies if q.role != p.role]
    transfer = Transfer("K", parties=(p, *others))
    requirement = next(
        r for r in check_aukus(transfer, regs).requirements if r.id == "22 CFR 126.7(b)(2)"
    )
    assert requirement.status == "pass", requirement.detail


# --------------------------------------------------------------------------------------------
# § 126.7


# --------------------------------------------------------------------------------------------
# What a row catches, read from the data by construction (never by the engine under test)

_USML = {p["ref"]: p for p in load_json("usml.json")["paragraphs"]}
_PARENTS = {p["parent"] for p in _USML.values() if not p["reserved"]}
#: The precise paragraphs: not reserved, without a sub-paragraph that is not reserved.
_LEAVES = tuple(parse_usml(r) for r, p in _USML.items() if not p["reserved"] and r not in _PARENTS)


def _mt_always(ref: USMLRef) -> bool:
    """The nearest annotation at or above the paragraph is "(MT)" without a condition.

    The paragraph's own annotation is read before its parent's: V(f)(4) "Ferrocene derivatives,
    as follows (MT):" but V(f)(4)(xv) "Other ferrocene derivatives … (MT if usable as rocket
    propellant burning rate modifier)" is MT only under its condition (docs/classification.md)."""
    for a in [str(ref), *(str(a) for a in reversed(ref.ancestors()) if a.path)]:
        mt = _USML[a]["mt"]
        if mt:
            return bool(mt.get("designated") == "yes")
    return False


def test_the_catch_builder_reads_mt_as_documented() -> None:
    # docs/classification.md: V(c)(3)(i) is MT through V(c)(3) "(MT)"; V(f)(4)(xv)'s own "MT if …"
    # governs under V(f)(4) "(MT)" (a hypothesis draw once built it as always MT).
    assert _mt_always(parse_usml("V(c)(3)(i)")) is True
    assert _mt_always(parse_usml("V(f)(4)(xv)")) is False


@attrs.frozen
class _Catch:
    """A transfer a row catches, built from the row's data: its kind, the paragraphs it may be
    of (the article's, or for data and services the related articles'), and the other facts."""

    row: str
    kind: str
    usml: tuple[USMLRef, ...]
    related: tuple[USMLRef, ...]
    designed_for: tuple[USMLRef, ...]
    answers: tuple[tuple[str, Any], ...]


def _catches(supplement: str, column: str | None) -> tuple[_Catch, ...]:
    out = []
    for row in load_json(supplement)["rows"]:
        if column is not None and not (row.get("excluded_from") or {}).get(column):
            continue
        scope = [parse_usml(u) for u in row["usml_refs"]]
        in_scope = [leaf for leaf in _LEAVES if any(leaf.is_within(u) for u in scope)]
        for entry in row["entries"]:
            for kind in sorted(entry["applies_to"]):
                # The conditions on the articles read the article itself, or for technical data
                # and defense services the articles they are directly related to.
                subjects = list(in_scope if kind == "article" else _LEAVES)
                answers: dict[str, Any] = {}
                designed_for: tuple[USMLRef, ...] = ()
                related: tuple[USMLRef, ...] = ()
                for cond in entry["conditions"]:
                    refs = [parse_usml(r) for r in cond.get("refs", ())]
                    if cond["test"] == "described_in":
                        subjects = [s for s in subjects if any(s.is_within(r) for r in refs)]
                    elif cond["test"] == "not_described_in":
                        subjects = [s for s in subjects if not any(s.is_within(r) for r in refs)]
                    elif cond["test"] == "mt_designated":
                        subjects = [s for s in subjects if _mt_always(s)]
                    elif cond["test"] == "specially_designed_for":
                        designed_for = (refs[0],)
                    elif cond["test"] == "related_to":
                        related = (refs[0],)
                    else:
                        answers[cond["fact"]] = cond["in"][0] if cond.get("in") else cond["equals"]
                if kind == "article":
                    usml, related_to = tuple(subjects), related or (_LEAVES[0],)
                else:
                    data = [u for u in in_scope if _USML[str(u)]["is_technical_data"]]
                    usml, related_to = tuple(data), (tuple(subjects) if not related else related)
                if usml and related_to:
                    out.append(
                        _Catch(
                            row["id"],
                            kind,
                            usml,
                            related_to,
                            designed_for,
                            tuple(sorted(answers.items())),
                        )
                    )
    return tuple(out)


ETL_CATCHES = _catches("etl.json", None)
SUPP1_CATCHES = _catches("supp1.json", "126.5")


def _caught(transfer: Transfer, catch: _Catch, data: st.DataObject) -> Transfer:
    """The transfer, made into one ``catch.row`` catches (its other facts kept)."""
    related: tuple[USMLRef, ...] = transfer.related_to or ()
    if catch.kind != "article" or catch.related != (_LEAVES[0],):
        related = (data.draw(st.sampled_from(catch.related), label="related"),)
    return attrs.evolve(
        transfer,
        transfer_kind=catch.kind,
        usml_classification=data.draw(st.sampled_from(catch.usml), label="usml"),
        related_to=related,
        specially_designed_for=catch.designed_for or transfer.specially_designed_for,
        answers={**transfer.answers, **dict(catch.answers)},
    )


def test_every_row_of_the_etl_and_of_supp1_for_126_5_can_be_built_to_catch() -> None:
    """The constructions cover every ETL row, and every Supp. No. 1 row marked for § 126.5
    whose conditions the data spells out."""
    assert {c.row for c in ETL_CATCHES} == {r["id"] for r in load_json("etl.json")["rows"]}
    assert len({c.row for c in SUPP1_CATCHES}) > 20


@SOME
@given(ANY, st.sampled_from(ETL_CATCHES), st.data())
def test_nothing_caught_by_an_etl_row_is_eligible(
    pair: tuple[str, Transfer], catch: _Catch, data: st.DataObject
) -> None:
    """22 CFR 126.7(b)(3): an article, data or service identified in Supp. No. 2 is ineligible —
    the transfer is made to meet one row's terms, read from the data."""
    day, transfer = pair
    regs = SNAPSHOTS[day]
    caught = _caught(transfer, catch, data)
    result = check_aukus(caught, regs)
    assert result.status == "not_eligible"
    assert catch.row in result.excluded_rows
    assert authorize(caught, regs).exemption != "126.7"


@SOME
@given(ANY)
def test_nothing_outside_aukus_territory_is_eligible(pair: tuple[str, Transfer]) -> None:
    """22 CFR 126.7(b)(1): to or within Australia, the United Kingdom or the United States."""
    day, transfer = pair
    regs = SNAPSHOTS[day]
    outside = {c for c in transfer.countries() if c is not None and c not in AUKUS}
    if outside:
        assert check_aukus(transfer, regs).status == "not_eligible"


@SOME
@given(
    DAYS.flatmap(
        lambda day: st.tuples(
            st.just(day),
            transfers(SNAPSHOTS[day]),
            st.sampled_from(PARTY_ROLES).flatmap(
                lambda role: party(role, SNAPSHOTS[day], eligible=False)
            ),
            st.integers(0, 5),
        )
    )
)
def test_an_ineligible_party_anywhere_makes_it_not_eligible(
    case: tuple[str, Transfer, Any, int],
) -> None:
    """22 CFR 126.7(a), (b)(2): "between or among" eligible parties only; a party that is none
    of (b)(2)(i)-(iii) on known facts fails the exemption, whoever else is (or is not yet) known."""
    day, transfer, bad, at = case
    regs = SNAPSHOTS[day]
    chain = list(transfer.parties or ())
    chain.insert(min(at, len(chain)), bad)
    result = check_aukus(attrs.evolve(transfer, parties=tuple(chain)), regs)
    assert result.status == "not_eligible", [
        (r.id, r.status, r.detail) for r in result.requirements
    ]


@SOME
@given(ANY)
def test_eligible_means_every_requirement_passes(pair: tuple[str, Transfer]) -> None:
    day, transfer = pair
    regs = SNAPSHOTS[day]
    for result in (check_aukus(transfer, regs), check_canada(transfer, regs)):
        if result.status == "eligible":
            assert result.requirements
            assert {r.status for r in result.requirements} == {"pass"}
            assert result.open_questions == () and result.excluded_rows == ()
        elif result.status == "undetermined":
            assert "unknown" in {r.status for r in result.requirements}
            assert "fail" not in {r.status for r in result.requirements}
            assert result.open_questions


@SOME
@given(SHRINKING)
def test_forgetting_facts_never_makes_a_transfer_eligible(
    case: tuple[str, Transfer, Transfer],
) -> None:
    """Unknown facts never yield "eligible": if the transfer with fewer facts known is eligible
    (or not eligible), so is the complete one — forgetting can only make it undetermined."""
    day, fewer, complete = case
    regs = SNAPSHOTS[day]
    for check in (check_aukus, check_canada):
        partial, full = check(fewer, regs), check(complete, regs)
        if partial.status in ("eligible", "not_eligible"):
            assert full.status == partial.status, (
                check.__name__,
                [(r.id, r.status, r.detail) for r in partial.requirements],
                [(r.id, r.status, r.detail) for r in full.requirements],
            )
    partial_outcome = authorize(fewer, regs).outcome
    if partial_outcome != "undetermined":
        assert authorize(complete, regs).outcome == partial_outcome


@FEW
@given(ANY)
def test_decisions_are_deterministic(pair: tuple[str, Transfer]) -> None:
    day, transfer = pair
    regs = SNAPSHOTS[day]
    first = authorize(transfer, regs)
    again = authorize(transfer, exportctl.regulations(regs.as_of))
    rebuilt = authorize(transfer_from_mapping(to_jsonable(transfer), regs), regs)
    assert first == again == rebuilt
    assert first.decision_id == again.decision_id == rebuilt.decision_id


# --------------------------------------------------------------------------------------------
# Dates

_AUKUS_VERSIONS = [
    v
    for e in load_json("exemptions.json")["exemptions"]
    if e["key"] == "126.7"
    for v in e["versions"]
    if v["in_force"]
]
_START = min(dt.date.fromisoformat(v["effective_from"]) for v in _AUKUS_VERSIONS)
_ELIGIBLE = transfer_from_mapping(
    {
        "transfer_id": "T-DATED",
        "activity": "export",
        "transfer_kind": "article",
        "usml_classification": "XI(a)(3)(xviii)",
        "related_to": [],
        "specially_designed_for": [],
        "from_country": "US",
        "to_country": "AU",
        "transit_countries": [],
        "value_usd": 2_500_000,
        "parties": [
            {
                "role": "transferor",
                "country": "US",
                "kind": "us_person",
                "ddtc_registered": True,
                "not_debarred": True,
                "eligible_120_16": True,
            },
            {
                "role": "recipient",
                "country": "AU",
                "kind": "other",
                "authorized_user": True,
                "eligible_120_16": True,  # § 120.15(b): every party
            },
        ],
        "answers": {
            "classified": False,
            "anti_tamper_dod_ppp": False,
            "transferor_complies_123_9_b": True,
            "manufacturing_abroad_sme": False,
        },
    },
    FINAL_REGS,
)


def _in_force(version: dict[str, Any], day: dt.date) -> bool:
    # in force from its date until the next version (as the data lists them) takes effect
    starts = [dt.date.fromisoformat(v["effective_from"]) for v in _AUKUS_VERSIONS]
    start = dt.date.fromisoformat(version["effective_from"])
    later = [s for s in starts if s > start]
    return start <= day and (not later or day < min(later))


@SOME
@given(
    st.one_of(
        # from the earliest date the bundled law covers (the USML edition of 2024-03-25)
        st.dates(dt.date(2024, 3, 25), dt.date(2035, 12, 31)),
        st.dates(dt.date(2024, 8, 25), dt.date(2024, 9, 7)),
        st.dates(dt.date(2025, 12, 23), dt.date(2026, 1, 6)),
    )
)
def test_exactly_one_version_of_126_7_from_2024_09_01_and_none_before(day: dt.date) -> None:
    assert _START == dt.date(2024, 9, 1)
    in_force = [v["id"] for v in _AUKUS_VERSIONS if _in_force(v, day)]
    regs = exportctl.regulations(day)
    result = check_aukus(_ELIGIBLE, regs)
    if day < _START:
        assert in_force == []
        assert (result.status, result.version) == ("not_in_force", None)
        assert regs.rule_in_force("22 CFR 126.7").id == "itar-126.7-none"
    else:
        assert len(in_force) == 1
        assert (result.status, result.version) == ("eligible", in_force[0])
        assert regs.rule_in_force("22 CFR 126.7").id == in_force[0]


# --------------------------------------------------------------------------------------------
# § 126.1 first; § 126.5


_POLICY = load_json("countries.json")["itar_126_1"]


def _proscribed_on(code: str, day: dt.date) -> bool:
    """22 CFR 126.1(d) as the data lists it: Table 1 (policy of denial) always; Table 2 unless
    one of the country's dated suspensions covers the day."""
    if code in {c["iso2"] for c in _POLICY["d1"]["countries"]}:
        return True
    for c in _POLICY["d2"]["countries"]:
        if c["iso2"] == code:
            return not any(
                dt.date.fromisoformat(w["from"]) <= day <= dt.date.fromisoformat(w["to"])
                for w in c.get("suspensions", ())
            )
    return False


#: The exemptions the text lets be used although § 126.1 proscribes a country of the transfer:
#: § 126.1(a)(2) "Transfers by or for the U.S. Government pursuant to the following sections: (i)
#: § 126.4(a)(1) or (3); (ii) § 126.4(b)(1); or (iii) § 126.4(a)(2) or (b)(2) when the export is
#: destined for Russia …", (a)(3) "When the recipient is a U.S. Government department or agency";
#: § 125.4(a) "The exemptions, except for paragraph (b)(13) of this section, do not apply to
#: exports to proscribed destinations under § 126.1".  Every other exemption of the law either
#: carries § 125.4(a)'s limit with no exception (the other § 125.4 paragraphs) or reads § 126.1
#: itself (§ 126.5, § 126.7).
DESPITE_126_1 = {"126.4", "125.4(b)(13)"}


@SOME
@given(ANY)
def test_126_1_comes_before_any_exemption(pair: tuple[str, Transfer]) -> None:
    """22 CFR 126.1(a): a transfer touching a proscribed country is prohibited — unless one of
    the exemptions § 126.1(a) (or § 125.4(a), for § 125.4(b)(13)) lets be used nevertheless
    applies (``exempt``) or may apply (``undetermined``); no other exemption is considered.
    (Before issue 11 the law held none of them and this test read "prohibited iff proscribed".)"""
    day, transfer = pair
    regs = SNAPSHOTS[day]
    denied = {c for c in transfer.countries() if c is not None and _proscribed_on(c, regs.as_of)}
    auth = authorize(transfer, regs)
    if not denied:
        assert auth.outcome != "prohibited" and auth.proscribed == ()
        return
    assert {p.facts["country"] for p in auth.proscribed} == denied
    assert {e.exemption for e in auth.exemptions} <= DESPITE_126_1
    if auth.outcome == "prohibited":
        assert auth.exemption is None and auth.exemptions == ()
    elif auth.outcome == "exempt":
        assert auth.exemption in DESPITE_126_1 and set(auth.eligible) <= DESPITE_126_1
        assert auth.result(auth.exemption).status == "eligible"  # type: ignore[union-attr]
    else:
        assert auth.outcome == "undetermined" and auth.open_questions
        assert any(e.status in ("eligible", "undetermined") for e in auth.exemptions)


def _unknown_country(transfer: Transfer) -> bool:
    return (
        None in (transfer.from_country, transfer.to_country, transfer.transit_countries)
        or transfer.parties is None
        or any(p.country is None for p in transfer.parties)
    )


@SOME
@given(st.one_of(ANY, SHRINKING.map(lambda c: (c[0], c[1]))))
def test_no_exemption_while_a_country_of_the_transfer_is_unknown(
    pair: tuple[str, Transfer],
) -> None:
    """22 CFR 126.1(a): the exemptions do not apply to a proscribed country, so none is granted
    while a country the transfer touches (from, to, transit, the party list, a party) is
    unknown."""
    day, transfer = pair
    regs = SNAPSHOTS[day]
    if _unknown_country(transfer):
        assert authorize(transfer, regs).outcome != "exempt"
        assert check_canada(transfer, regs).status != "eligible"
        assert check_aukus(transfer, regs).status != "eligible"


#: What the data lets an ineligible party's transaction have, read from the bundled files (not
#: the engine): § 125.4(b)(13) — § 125.4(a) "The exemptions, except for paragraph (b)(13) of this
#: section, do not apply … for persons considered generally ineligible under § 120.16" — and,
#: with DDTC's prior written authorization (§ 120.15(b): "… is generally ineligible as set forth
#: in § 120.16, unless prior written authorization has been granted by the Directorate of Defense
#: Trade Controls"), the exemptions that carry § 120.15 without § 125.4(a) (whose limit has no
#: such proviso).
_EXEMPTIONS = load_json("exemptions.json")["exemptions"]
WITH_DDTC_AUTHORIZATION = {
    e["key"]
    for e in _EXEMPTIONS
    if "120.15" in e.get("carries", ()) and "125.4(a)" not in e.get("carries", ())
}


@SOME
@given(ANY)
def test_a_debarred_or_ineligible_party_is_never_exempt(pair: tuple[str, Transfer]) -> None:
    """22 CFR 120.15(b): no exemption for a transaction in which a party is generally ineligible
    as set forth in § 120.16 (debarred, § 120.16(c), or otherwise ineligible) — but for
    § 125.4(b)(13), and for an exemption § 120.15(b)'s proviso reaches once DDTC has given its
    prior written authorization (see :data:`WITH_DDTC_AUTHORIZATION`).  (Before issue 11 the law
    held neither and this test read "never exempt".)"""
    day, transfer = pair
    regs = SNAPSHOTS[day]
    if any(p.not_debarred is False or p.eligible_120_16 is False for p in transfer.parties or ()):
        auth = authorize(transfer, regs)
        allowed = {"125.4(b)(13)"}
        if transfer.answer("ddtc_prior_written_authorization_120_15_b") is True:
            allowed |= WITH_DDTC_AUTHORIZATION
        assert auth.outcome != "exempt" or set(auth.eligible) <= allowed, auth.eligible
        assert check_canada(transfer, regs).status == "not_eligible"
        assert check_aukus(transfer, regs).status in ("not_eligible", "not_in_force")


@SOME
@given(ANY, st.sampled_from(SUPP1_CATCHES), st.data())
def test_nothing_caught_by_a_supp1_row_for_126_5_is_eligible_under_it(
    pair: tuple[str, Transfer], catch: _Catch, data: st.DataObject
) -> None:
    """22 CFR 126.5(b): "Except as provided in Supplement No. 1 to part 126" — the transfer is
    made to meet one row's terms, read from the data."""
    day, transfer = pair
    regs = SNAPSHOTS[day]
    caught = _caught(transfer, catch, data)
    result = check_canada(caught, regs)
    assert result.status == "not_eligible"
    assert authorize(caught, regs).exemption != "126.5"


# --------------------------------------------------------------------------------------------
# The kit reaches the cases that matter


def _forgotten(fewer: Transfer, full: Transfer) -> int:
    """How many facts of ``full`` are unknown in ``fewer`` (a field, the party list, a party's
    country, kind or flag, an answer)."""
    n = sum(
        getattr(fewer, f) is None and getattr(full, f) is not None
        for f in (
            "activity",
            "transfer_kind",
            "usml_classification",
            "related_to",
            "specially_designed_for",
            "from_country",
            "to_country",
            "transit_countries",
            "value_usd",
        )
    )
    n += len(set(full.answers) - set(fewer.answers))
    if fewer.parties is None:
        return n + (full.parties is not None)
    for a, b in zip(fewer.parties, full.parties or (), strict=True):
        n += sum(
            getattr(a, f) is None and getattr(b, f) is not None
            for f in ("country", "kind", *PARTY_FLAGS)
        )
    return n


def _shares(strategy: st.SearchStrategy[Any], n: int, **hits: Any) -> dict[str, float]:
    """For each named predicate, the share of ``n`` drawn examples it holds for — derandomized,
    so the same examples (and the same shares) every run."""
    counts = dict.fromkeys(hits, 0)
    drawn: list[int] = []

    @settings(
        max_examples=n,
        derandomize=True,
        database=None,
        deadline=None,
        phases=(Phase.generate,),
    )
    @given(strategy)
    def draw(example: Any) -> None:
        drawn.append(1)
        for name, hit in hits.items():
            counts[name] += bool(hit(example))

    draw()
    return {name: count / len(drawn) for name, count in counts.items()}


_PAIRS = transfers(IFR_REGS, complete=True).flatmap(
    lambda t: st.tuples(fewer_transfer_facts(t), st.just(t))
)


def _vaguer(pair: tuple[Transfer, Transfer]) -> bool:
    vague, precise = pair[0].usml_classification, pair[1].usml_classification
    if vague is None or precise is None or vague == precise:
        return False
    assert precise.is_within(vague)
    return True


def test_kit_forgets_single_facts_and_makes_references_vaguer_regularly() -> None:
    """fewer_transfer_facts forgets exactly one fact regularly — the case where one missing
    fact must still keep an exemption undetermined — including one party's country or flag;
    or it replaces a USML reference by the paragraph or category above it."""
    shares = _shares(
        _PAIRS,
        300,
        one=lambda p: _forgotten(*p) == 1,
        one_of_a_party=lambda p: _forgotten(*p) == 1 and p[0].parties != p[1].parties,
        vaguer=_vaguer,
    )
    assert shares["one"] >= 0.2 and shares["one_of_a_party"] >= 0.03, shares
    assert shares["vaguer"] >= 0.05, shares


def test_kit_reaches_126_5_regularly() -> None:
    """transfers() goes from the United States to Canada between U.S. and Canadian parties
    regularly; complete ones are eligible under § 126.5 now and then, most are not."""
    shares = _shares(
        transfers(IFR_REGS, complete=True),
        400,
        to_canada=lambda t: (t.from_country, t.to_country) == ("US", "CA"),
        registrant=lambda t: (
            t.to_country == "CA"
            and any(p.kind == "canadian_registered_person" for p in t.parties or ())
        ),
        eligible=lambda t: check_canada(t, IFR_REGS).status == "eligible",
    )
    # The strategy sends about a quarter of its transfers from the United States to Canada (a
    # third of the modes, five in seven of its paths); the bounds leave room for the draw, which
    # any change of the law's data reshuffles (the examples are derandomized, not fixed).
    assert shares["to_canada"] >= 0.15 and shares["registrant"] >= 0.08, shares
    assert shares["eligible"] <= 0.5, shares
    # and it reaches an eligible one (searched for, not left to the share of a fixed draw)
    found = find(
        transfers(IFR_REGS, complete=True),
        lambda t: check_canada(t, IFR_REGS).status == "eligible",
        settings=settings(max_examples=2000, database=None, deadline=None),
    )
    # § 126.5(b): an export to Canada; § 126.5(a): a temporary import from Canada into the
    # United States.  (This assertion once failed on a draw from GB to GB under (a): a false
    # release, fixed in the data of § 126.5(a).)
    into_us = (found.from_country, found.to_country) == ("CA", "US")
    assert found.to_country == "CA" or (found.activity == "temporary_import" and into_us), found
