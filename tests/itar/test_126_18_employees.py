"""22 CFR 126.18(a)-(d): dual and third-country national employees, with the (d)(2) set
evaluated on every date of the term (NATO dated; the EU list known from 2020-02-01)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

import exportctl
from exportctl.engine.agreements import AgreementPlan

D = {
    "dn_tcn_handling": "126.18(d)",
    "dn_tcn_regular_employees": True,
    "dn_tcn_permanent_hardware": False,
    "dn_tcn_locations": ["DE"],
}


def _d(
    planned: Callable[..., AgreementPlan], law: exportctl.Law | None = None, **changes: Any
) -> AgreementPlan:
    return planned(law, **{**D, **changes})


def test_nationals_of_nato_and_eu_countries_are_covered(
    planned: Callable[..., AgreementPlan],
) -> None:
    p = _d(planned, dn_tcn_nationalities=["FR", "SE"], start_date="2022-06-01", duration="P10Y")
    item = p.item("22 CFR 126.18(d)(2)")
    assert item.status == "met"
    # Sweden is in the set as an EU member before its NATO accession, and as both from then
    assert "SE: in as eu from 2022-06-01; in as nato and eu from 2024-03-07" in item.detail
    assert p.item("22 CFR 126.18(d)").status == "met"
    assert p.status == "complete"


@pytest.mark.parametrize(("start", "status"), [("2020-03-26", "not_met"), ("2020-03-27", "met")])
def test_north_macedonia_on_each_side_of_its_accession(
    planned: Callable[..., AgreementPlan], start: str, status: str
) -> None:
    # North Macedonia: NATO from 2020-03-27, not in the EU; the EU list is known from 2020-02-01
    p = _d(planned, dn_tcn_nationalities=["MK"], start_date=start, duration="P2Y")
    item = p.item("22 CFR 126.18(d)(2)")
    assert item.status == status
    if status == "not_met":
        assert "MK: not in from 2020-03-26; in as nato from 2020-03-27" in item.detail
        assert any("cannot be handled under 126.18(d)" in w for w in p.warnings)


def test_a_date_the_eu_list_does_not_cover_is_unknown(
    planned: Callable[..., AgreementPlan],
) -> None:
    # Austria: EU, not NATO; the data's EU list starts 2020-02-01
    p = _d(planned, dn_tcn_nationalities=["AT"], start_date="2019-06-01", duration="P2Y")
    item = p.item("22 CFR 126.18(d)(2)")
    assert item.status == "unknown" and p.status == "incomplete"
    assert "AT: not known from 2019-06-01; in as eu from 2020-02-01" in item.detail


def test_other_nationals_are_not_covered(planned: Callable[..., AgreementPlan]) -> None:
    p = _d(planned, dn_tcn_nationalities=["FR", "UA"])
    assert p.item("22 CFR 126.18(d)(2)").status == "not_met"
    assert p.status == "complete"  # a finding about the route, not an unknown


def test_named_countries_australia_japan_new_zealand_switzerland(
    planned: Callable[..., AgreementPlan],
) -> None:
    p = _d(planned, dn_tcn_nationalities=["AU", "JP", "NZ", "CH"])
    assert p.item("22 CFR 126.18(d)(2)").status == "met"


def test_locations_may_be_the_united_states(planned: Callable[..., AgreementPlan]) -> None:
    assert (
        _d(planned, dn_tcn_nationalities=["FR"], dn_tcn_locations=["US", "DE"])
        .item("22 CFR 126.18(d)(3)")
        .status
        == "met"
    )
    assert (
        _d(planned, dn_tcn_nationalities=["FR"], dn_tcn_locations=["IN"])
        .item("22 CFR 126.18(d)(3)")
        .status
        == "not_met"
    )


def test_d_is_for_unclassified_articles_and_no_permanent_hardware(
    planned: Callable[..., AgreementPlan],
) -> None:
    p = _d(planned, dn_tcn_nationalities=["FR"], classified=True)
    assert p.item("22 CFR 126.18(d)").status == "not_met"
    q = _d(planned, dn_tcn_nationalities=["FR"], dn_tcn_permanent_hardware=True)
    assert q.item("22 CFR 126.18(d)(5)").status == "not_met"


def test_no_nda_for_employees_of_a_signatory(planned: Callable[..., AgreementPlan]) -> None:
    p = _d(planned, dn_tcn_nationalities=["FR"])
    assert p.item("22 CFR 126.18(d)(4)").status == "not_required"
    assert not [s for s in p.signatures if s.document == "non_disclosure_agreement"]


def test_a_to_c_with_screening_and_nda(planned: Callable[..., AgreementPlan]) -> None:
    p = planned(
        dn_tcn_handling="126.18(a)-(c)",
        domestic_law_prevents_126_18_d=True,
        dn_tcn_regular_employees=True,
        dn_tcn_clearance_or_screening="126.18(c)(2)",
    )
    assert p.item("22 CFR 126.18(a)").status == "met"
    assert p.item("22 CFR 126.18(c)(2)").status == "required"
    assert p.item("22 CFR 126.18(c)(1)").status == "not_required"
    nda = [s for s in p.signatures if s.document == "non_disclosure_agreement"]
    assert [s.citation for s in nda] == ["22 CFR 126.18(c)(2)"]
    neither = planned(
        dn_tcn_handling="126.18(a)-(c)",
        domestic_law_prevents_126_18_d=True,
        dn_tcn_regular_employees=True,
        dn_tcn_clearance_or_screening="neither",
    )
    assert neither.item("22 CFR 126.18(c)").status == "not_met"


def test_before_124_16_was_reserved_the_plan_does_not_apply_126_18(
    planned: Callable[..., AgreementPlan],
) -> None:
    law = exportctl.law("2016-08-31")
    p = _d(
        planned,
        law,
        dn_tcn_nationalities=["FR"],
        start_date="2016-09-15",
        usml_paragraphs=["decision:0123456789abcdef0123"],
        sme=True,
    )
    assert p.item("22 CFR 126.18(d)(2)").status == "unknown"
    assert any("22 CFR 124.16 was in force on 2016-08-31" in w for w in p.warnings)
    assert any("[Reserved] since 2016-09-01" in n for n in p.notes)
    after = _d(
        planned,
        exportctl.law("2016-09-01"),
        dn_tcn_nationalities=["FR"],
        start_date="2016-09-15",
        usml_paragraphs=["decision:0123456789abcdef0123"],
        sme=True,
    )
    assert after.item("22 CFR 126.18(d)(1)").status == "met"
