"""Invariants of agreement plans, over agreements drawn by ``exportctl.testing.agreements``:

* the "NATO Alliance" reform never needs more amendments than today's rules;
* a § 126.1 country in the territory or among the foreign parties is never approvable;
* membership is evaluated at every date of the term (checked against every single day);
* unknown facts never give a complete plan.
"""

from __future__ import annotations

import datetime as dt

import attrs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import exportctl
from exportctl.core.dated import OutsideCoverage
from exportctl.engine.agreements import nato_alliance, plan
from exportctl.inputs.agreements import Agreement, Period, Territory, agreement_from_mapping
from exportctl.testing import agreements, fewer_agreement_facts

LAW = exportctl.law("2025-11-01")
REFORM = nato_alliance(LAW)
SETTINGS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
#: § 126.1(d)(1) countries, read from the law's country data.
DENIED = tuple(
    sorted(
        code
        for code, dated in LAW.countries.itar_126_1.items()
        if dated.value_at(LAW.as_of).citation == "22 CFR 126.1(d)(1)"
    )
)


@SETTINGS
@given(agreements(LAW))
def test_reform_never_needs_more_amendments(agreement: Agreement) -> None:
    today = plan(agreement, LAW)
    reform = plan(agreement, REFORM)
    assert len(reform.amendments) <= len(today.amendments)
    # and it changes nothing but the territory's writing: the same paragraphs decided the same
    assert [(i.rule, i.status) for i in today.items if "NATO Alliance" not in i.rule] == [
        (i.rule, i.status) for i in reform.items if "NATO Alliance" not in i.rule
    ]


@SETTINGS
@given(
    agreements(LAW, complete=True, kinds=("TAA",)),
    st.dates(dt.date(2021, 1, 1), dt.date(2023, 4, 3)),
    st.lists(st.sampled_from(("AU", "FI", "SE", "JP")), max_size=2, unique=True),
)
def test_a_nato_taa_through_an_accession_needs_none_under_the_reform(
    agreement: Agreement, start: dt.date, listed: list[str]
) -> None:
    facts = {
        **agreement.facts,
        "territory": Territory(tuple(listed), ("nato",)),
        "start_date": start,
        "duration": Period(years=3),
    }
    agreement = attrs.evolve(agreement, facts=facts)
    end = Period(years=3).after(start)
    # the members that join during the term and the territory does not list (the data's dates)
    joining = {
        m.iso2
        for m in LAW.countries.sets["nato"].members
        if m.since is not None and start < m.since <= end and m.iso2 not in listed
    }
    today = plan(agreement, LAW)
    reform = plan(agreement, REFORM)
    assert {m.country for m in today.amendments} == joining and "FI" in joining | set(listed)
    assert reform.amendments == ()
    assert {c.split("(")[1][:2] for c in reform.covered_without_amendment} == joining


@SETTINGS
@given(agreements(LAW), st.sampled_from(DENIED), st.sampled_from(("territory", "signatory")))
def test_a_126_1_country_is_never_approvable(
    agreement: Agreement, country: str, where: str
) -> None:
    raw = {"agreement_id": agreement.agreement_id, "kind": agreement.kind}
    facts = dict(agreement.facts)
    if where == "territory":
        territory = facts.get("territory")
        codes = list(territory.written) if territory is not None else []
        raw["territory"] = [*codes, country]
    else:
        raw["foreign_signatories"] = [{"name": "X", "country": country, "kind": "company"}]
    for name in ("start_date", "duration", "foreign_sublicensees", "territory"):
        if name not in raw and facts.get(name) is not None:
            value = facts[name]
            raw[name] = (
                list(value.written)
                if name == "territory"
                else [{"name": p.name, "country": p.country, "kind": p.kind} for p in value]
                if name == "foreign_sublicensees"
                else str(value)
                if name == "duration"
                else value.isoformat()
            )
    result = plan(agreement_from_mapping(raw, LAW), LAW)
    assert result.status == "not_approvable" and result.approvable is False
    assert country in {r.facts["country"] for r in result.proscribed}
    assert all(r.id.startswith("22 CFR 126.1") and r.status == "fail" for r in result.proscribed)
    assert plan(agreement_from_mapping(raw, LAW), REFORM).status == "not_approvable"


def _in_126_18_d_2(code: str, day: dt.date) -> bool | None:
    """Every day checked on its own, through the law's members() (NATO, the EU, the named)."""
    if code in ("AU", "JP", "NZ", "CH") or code in LAW.countries.members("nato", day):
        return True
    try:
        return code in LAW.countries.members("eu", day)
    except OutsideCoverage:
        return None


@SETTINGS
@given(agreements(LAW, complete=True, kinds=("TAA", "MLA"), start_from=dt.date(2019, 1, 1)))
def test_membership_is_evaluated_at_every_date_of_the_term(agreement: Agreement) -> None:
    raw_handling = "126.18(d)"
    facts = {**agreement.facts, "dn_tcn_handling": raw_handling, "classified": False}
    agreement = Agreement(agreement.agreement_id, facts=facts)
    term = agreement.term
    assert term is not None and term[0] <= term[1]
    result = plan(agreement, LAW).item("22 CFR 126.18(d)(2)")
    days = [term[0] + dt.timedelta(days=n) for n in range((term[1] - term[0]).days + 1)]
    each = [_in_126_18_d_2(c, d) for c in facts["dn_tcn_nationalities"] for d in days]
    expected = "not_met" if False in each else "unknown" if None in each else "met"
    assert result.status == expected, result.detail


@SETTINGS
@given(st.data())
def test_unknown_facts_never_give_a_complete_plan(data: st.DataObject) -> None:
    agreement = data.draw(agreements(LAW, complete=True))
    fewer = data.draw(fewer_agreement_facts(agreement))
    result = plan(fewer, LAW)
    if result.status == "complete":
        assert not result.open_questions
        assert not any(i.status in ("unknown", "missing") for i in result.items)
    forgotten = set(agreement.facts) - set(fewer.facts)
    # the information every TAA and MLA must include (§ 124.7(a), as the law's data asks it)
    asked = {
        f
        for r in LAW.agreement_rules.section("124.7").rules
        if r.type == "information"
        for f in r.asks
    } | {"kind", "territory"}
    if agreement.kind in ("TAA", "MLA") and forgotten & (asked - {"expiration_date"}):
        assert result.status != "complete", sorted(forgotten & asked)
