"""Properties of the exemption engine (22 CFR 126.1, 126.7, 126.5), tested with the hypothesis
kit (exportctl.testing): invariants that must hold for every transfer, not just the examples of
tests/test_aukus.py.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs
from hypothesis import Phase, given, settings
from hypothesis import strategies as st

import exportctl
from exportctl.dataset import load_json
from exportctl.exclusions import match_rows
from exportctl.exemptions import authorize, check_aukus, check_canada
from exportctl.output import to_jsonable
from exportctl.testing import (
    aukus_countries,
    fewer_transfer_facts,
    party,
    transfers,
)
from exportctl.transfers import PARTY_ROLES, Party, Transfer, transfer_from_mapping

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
    assert transfer_from_mapping(to_jsonable(transfer)) == transfer


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


@SOME
@given(ANY)
def test_nothing_caught_by_an_etl_row_is_eligible(pair: tuple[str, Transfer]) -> None:
    """22 CFR 126.7(b)(3): an article, data or service identified in Supp. No. 2 is ineligible."""
    day, transfer = pair
    regs = SNAPSHOTS[day]
    caught = [m.row.id for m in match_rows(regs.etl, transfer, regs.usml) if m.caught is True]
    if caught:
        result = check_aukus(transfer, regs)
        assert result.status == "not_eligible"
        assert set(caught) <= set(result.excluded_rows)
        assert authorize(transfer, regs).exemption != "126.7"


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
    rebuilt = authorize(transfer_from_mapping(to_jsonable(transfer)), regs)
    assert first == again == rebuilt
    assert first.decision_id == again.decision_id == rebuilt.decision_id


# --------------------------------------------------------------------------------------------
# Dates

_AUKUS_VERSIONS = load_json("exemptions.json")["aukus_126_7"]["versions"]
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
            {"role": "recipient", "country": "AU", "kind": "other", "authorized_user": True},
        ],
        "answers": {
            "classified": False,
            "anti_tamper_dod_ppp": False,
            "transferor_complies_123_9_b": True,
            "manufacturing_abroad_sme": False,
        },
    }
)


def _in_force(version: dict[str, Any], day: dt.date) -> bool:
    start, end = version["effective_from"], version["effective_until"]
    return (start is None or dt.date.fromisoformat(start) <= day) and (
        end is None or day <= dt.date.fromisoformat(end)
    )


@SOME
@given(
    st.one_of(
        st.dates(dt.date(2015, 1, 1), dt.date(2035, 12, 31)),
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


@SOME
@given(ANY)
def test_126_1_comes_before_any_exemption(pair: tuple[str, Transfer]) -> None:
    day, transfer = pair
    regs = SNAPSHOTS[day]
    denied = {
        c
        for c in transfer.countries()
        if c is not None
        and regs.countries.proscribed_status(c, regs.as_of).status
        in ("policy_of_denial", "country_specific")
    }
    auth = authorize(transfer, regs)
    assert (auth.outcome == "prohibited") == bool(denied)
    if denied:
        assert auth.exemption is None and auth.exemptions == ()
        assert {p.facts["country"] for p in auth.proscribed} == denied


@SOME
@given(ANY)
def test_nothing_caught_by_a_supp1_row_for_126_5_is_eligible_under_it(
    pair: tuple[str, Transfer],
) -> None:
    """22 CFR 126.5(b): "Except as provided in Supplement No. 1 to part 126"."""
    day, transfer = pair
    regs = SNAPSHOTS[day]
    caught = match_rows(regs.supp1, transfer, regs.usml, column="126.5")
    if any(m.caught is True for m in caught):
        assert check_canada(transfer, regs).status == "not_eligible"
