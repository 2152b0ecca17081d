"""Agreements as input: every field validated against the law (countries, USML paragraphs, the
facts the agreement rules ask), unknown is None, contradictions name the facts and the
paragraph."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

import exportctl
from exportctl.inputs.agreements import (
    Agreement,
    ContradictoryAgreementFacts,
    Period,
    agreement_from_csv_row,
)
from exportctl.inputs.items import FactError


def test_the_facts_are_the_laws(make: Callable[..., Agreement], law25: exportctl.Law) -> None:
    a = make()
    assert set(a.facts) <= set(law25.agreement_rules.facts.questions)
    assert a.kind == "TAA" and a.start_date == dt.date(2025, 1, 1)
    assert a.term == (dt.date(2025, 1, 1), dt.date(2030, 1, 1))


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("kind", "TLA", "is not one of TAA, MLA, WDA"),
        ("territory", ["XX"], "not a country code or name the data knows"),
        ("territory", ["Germany"], "not an ISO 3166-1 alpha-2 code"),
        ("territory", [], "must identify its territory"),
        ("usml_paragraphs", ["XI(a)(99)"], "does not exist in 22 CFR 121.1"),
        ("usml_paragraphs", ["decision:12"], "not decision:<20 hex digits>"),
        ("duration", "ten years", "not an ISO 8601 period"),
        ("duration", "P0Y", "is zero"),
        ("start_date", "01/06/2022", "not a date"),
        ("value", "-5", "cannot be negative"),
        ("dn_tcn_handling", "126.17", "is not one of"),
        (
            "foreign_signatories",
            [{"name": "A", "country": "DE", "kind": "person"}],
            "is not one of company, government, international_organization",
        ),
        ("foreign_signatories", [{"country": "DE"}], "full legal name"),
        ("colour", "red", "is not an agreement field"),
        ("has_us_sublicensees", True, "derived from other facts"),
    ],
)
def test_bad_values_name_the_field(
    make: Callable[..., Agreement], field: str, value: Any, reason: str
) -> None:
    with pytest.raises(FactError) as info:
        make(**{field: value})
    assert info.value.field.split("[")[0].split(".")[0] == field
    assert reason in str(info.value)


def test_unknown_is_none(make: Callable[..., Agreement]) -> None:
    a = make(sme=None, usml_paragraphs=None, value="", territory=None)
    assert a.fact("value") is None and a.territory is None and a.fact("sme") is None


def test_enumerations_and_names_are_read_leniently(make: Callable[..., Agreement]) -> None:
    a = make(
        kind="mla",
        dn_tcn_handling="§ 126.18(a)\u2013(c)",
        territory="nato; jp",
        foreign_signatories="JP:International Organisation:Example Org",
    )
    assert a.kind == "MLA" and a.fact("dn_tcn_handling") == "126.18(a)-(c)"
    assert a.territory is not None and a.territory.written == ("nato", "JP")
    assert a.fact("foreign_signatories")[0].kind == "international_organization"


def test_classification_decisions_stand_for_paragraphs(make: Callable[..., Agreement]) -> None:
    a = make(usml_paragraphs=["decision:0123456789ABCDEF0123", "XI(a)(3)(xviii)"], sme=None)
    assert a.fact("usml_paragraphs") == ("decision:0123456789abcdef0123", "XI(a)(3)(xviii)")
    assert a.fact("sme") is True  # from the asterisk of the paragraph


def test_a_usml_paragraph_before_the_earliest_edition_is_an_error(
    make: Callable[..., Agreement],
) -> None:
    with pytest.raises(FactError, match="cannot be checked on 2022-05-01"):
        make(exportctl.law("2022-05-01"))


@pytest.mark.parametrize(
    ("changes", "citation"),
    [
        (
            {"start_date": "2025-01-01", "duration": "P5Y", "expiration_date": "2031-01-01"},
            "22 CFR 124.7(a)(3)",
        ),
        (
            {"start_date": "2025-01-01", "duration": None, "expiration_date": "2024-12-31"},
            "22 CFR 124.7(a)(3)",
        ),
        ({"sme": False}, "22 CFR 120.36(b)(1)"),
        ({"is_amendment": False, "minor_amendment": True}, "22 CFR 124.1(d)"),
        (
            {"foreign_sublicensees": [{"name": "B", "country": "FR", "kind": "company"}]},
            "22 CFR 124.12(b)(4)",
        ),
        ({"mde": False, "mde_value": 5}, "22 CFR 124.11(a)"),
        (
            {"foreign_signatories": [{"name": "U", "country": "US", "kind": "company"}]},
            "22 CFR 124.1(a)",
        ),
    ],
)
def test_contradictions_name_the_facts_and_the_paragraph(
    make: Callable[..., Agreement], changes: dict[str, Any], citation: str
) -> None:
    with pytest.raises(ContradictoryAgreementFacts) as info:
        make(**changes)
    assert info.value.citation == citation


@pytest.mark.parametrize("expires", ["2030-01-01", "2029-12-31"])
def test_a_duration_and_its_expiration_may_both_be_given(
    make: Callable[..., Agreement], expires: str
) -> None:
    a = make(duration="P5Y", expiration_date=expires)
    assert a.expiration_date == dt.date.fromisoformat(expires)


def test_periods() -> None:
    assert Period(years=10).after(dt.date(2022, 6, 1)) == dt.date(2032, 6, 1)
    assert Period(years=1).after(dt.date(2024, 2, 29)) == dt.date(2025, 2, 28)
    assert Period(months=13).after(dt.date(2024, 1, 31)) == dt.date(2025, 2, 28)
    assert str(Period(years=5, months=6)) == "P5Y6M"


def test_csv_rows(law25: exportctl.Law) -> None:
    row = {
        "agreement_id": "C-1",
        "kind": "TAA",
        "territory": "DE; FR",
        "value": "$2,500,000",
        "foreign_signatories": "DE:company:Rhein Avionik GmbH",
        "sme": "",
        "us_sublicensees": "none",
    }
    a = agreement_from_csv_row(row, law25)
    assert a.territory is not None and a.territory.countries == ("DE", "FR")
    assert a.fact("value") == 2_500_000 and a.fact("sme") is None
    assert a.fact("us_sublicensees") == () and a.fact("has_us_sublicensees") is False
    with pytest.raises(FactError, match="COUNTRY:KIND:NAME"):
        agreement_from_csv_row({**row, "foreign_signatories": "Rhein Avionik GmbH"}, law25)
