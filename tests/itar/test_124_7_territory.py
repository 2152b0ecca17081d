"""22 CFR 124.7: the information every TAA and MLA must include, the territory as it must be
written (§ 124.7(a)(4)), and the amendments a territory following NATO needs over its term
(§ 124.1(c)); DDTC's ten-year term is guidance, never regulation.

NATO membership dates are the law's country data (22 CFR 120.23(a) with the dated accessions of
nato_members.json): Finland 2023-04-04, Sweden 2024-03-07.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import exportctl
from exportctl.engine.agreements import AgreementPlan

FI, SE = dt.date(2023, 4, 4), dt.date(2024, 3, 7)
#: The 30 members of NATO on 2022-06-01, as 22 CFR 120.23(a) lists them (amended through
#: 2025-10-02) less Finland and Sweden, which acceded later.
NATO_2022 = {
    "AL",
    "BE",
    "BG",
    "CA",
    "HR",
    "CZ",
    "DK",
    "EE",
    "FR",
    "DE",
    "GR",
    "HU",
    "IS",
    "IT",
    "LV",
    "LT",
    "LU",
    "ME",
    "NL",
    "MK",
    "NO",
    "PL",
    "PT",
    "RO",
    "SK",
    "SI",
    "ES",
    "TR",
    "GB",
    "US",
}


def test_the_30_members_are_those_120_23_a_names_less_finland_and_sweden(
    reference: Path,
) -> None:
    with (reference / "itar" / "kg" / "nodes_Clause.csv").open(newline="", encoding="utf-8") as fh:
        text = next(r["text"] for r in csv.DictReader(fh) if r["clause_id"] == "SEC-120.23(a)")
    law = exportctl.law("2022-06-01")
    names = {law.countries.get(c).name for c in NATO_2022}
    for name in names | {"Finland", "Sweden"}:
        assert name.replace("Türkiye", "Turkey") in text, name
    assert len(NATO_2022) == 30


def test_taa_from_2022_for_ten_years_needs_amendments_for_finland_and_sweden(
    planned: Callable[..., AgreementPlan],
) -> None:
    p = planned(territory=["nato"], start_date="2022-06-01", duration="P10Y")
    assert p.territory is not None and p.territory.selection is None
    assert set(p.territory.countries_at_start) == NATO_2022
    assert len(p.territory.written) == 30 and p.territory.selection is None
    assert [(m.country, m.date, m.citation) for m in p.amendments] == [
        ("FI", FI, "22 CFR 124.1(c)"),
        ("SE", SE, "22 CFR 124.1(c)"),
    ]
    why = p.amendments[0].why
    assert "22 CFR 124.1(d)" in why and "not a minor amendment" in why
    assert p.amendments[0].quote.startswith("Amendments. Changes to the scope of approved")


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        ("2023-04-03", ["FI", "SE"]),  # the day before Finland's accession: both to add
        ("2023-04-04", ["SE"]),  # Finland is a member on the first day: listed, not amended
        ("2024-03-06", ["SE"]),
        ("2024-03-07", []),  # Sweden a member on the first day
    ],
)
def test_accessions_on_each_side_of_the_first_day(
    planned: Callable[..., AgreementPlan], start: str, expected: list[str]
) -> None:
    p = planned(territory=["nato"], start_date=start, duration="P10Y")
    assert [m.country for m in p.amendments] == expected
    assert p.territory is not None and p.territory.written
    assert len(p.territory.countries_at_start) == 32 - len(expected)


@pytest.mark.parametrize(
    ("duration", "expected"),
    [("P306D", []), ("P307D", ["FI"])],  # 2022-06-01 + 307 days = 2023-04-04, Finland's day
)
def test_accessions_on_each_side_of_the_last_day(
    planned: Callable[..., AgreementPlan], duration: str, expected: list[str]
) -> None:
    p = planned(territory=["nato"], start_date="2022-06-01", duration=duration)
    assert [m.country for m in p.amendments] == expected


def test_an_explicit_list_of_every_member_follows_nato(
    planned: Callable[..., AgreementPlan],
) -> None:
    p = planned(territory=sorted(NATO_2022), start_date="2022-06-01", duration="P10Y")
    assert p.territory is not None and p.territory.follows == ("nato",)
    assert [m.country for m in p.amendments] == ["FI", "SE"]
    assert "every member of nato" in p.territory.detail
    short = planned(territory=sorted(NATO_2022 - {"IS"}), start_date="2022-06-01", duration="P10Y")
    assert short.territory is not None and short.territory.follows == ()
    assert short.amendments == ()


def test_territory_names_nato_alliance_and_codes(make: Callable[..., Any]) -> None:
    a = make(territory="NATO Alliance; au")
    assert a.territory.sets == ("nato",) and a.territory.countries == ("AU",)


def test_required_information_and_what_the_input_does_not_give(
    planned: Callable[..., AgreementPlan],
) -> None:
    p = planned()
    for n in range(1, 5):
        item = p.item(f"22 CFR 124.7(a)({n})")
        assert item.status == "given" and item.authority == "regulation", n
        assert item.quote.startswith("The agreement must")
    gaps = planned(usml_paragraphs=None, defense_articles=None, technical_data=None)
    a1 = gaps.item("22 CFR 124.7(a)(1)")
    assert a1.status == "missing" and a1.missing == ("defense_articles", "usml_paragraphs")
    assert gaps.item("22 CFR 124.7(a)(2)").missing == ("technical_data",)
    assert gaps.status == "incomplete" and not gaps.complete
    assert {"defense_articles", "usml_paragraphs", "technical_data"} <= {
        q.id for q in gaps.open_questions
    }


def test_duration_or_expiration_specifies_the_term(planned: Callable[..., AgreementPlan]) -> None:
    by_date = planned(duration=None, expiration_date="2030-01-01")
    assert by_date.item("22 CFR 124.7(a)(3)").status == "given"
    neither = planned(duration=None)
    assert neither.item("22 CFR 124.7(a)(3)").status == "missing"
    assert neither.status == "incomplete"


def test_territory_unknown_is_missing(planned: Callable[..., AgreementPlan]) -> None:
    p = planned(territory=None)
    assert p.item("22 CFR 124.7(a)(4)").status == "missing"
    assert p.territory is None and p.status == "incomplete"


@pytest.mark.parametrize(("duration", "warned"), [("P10Y", False), ("P10Y1D", True)])
def test_ten_year_term_is_ddtc_guidance_on_each_side(
    planned: Callable[..., AgreementPlan], duration: str, warned: bool
) -> None:
    p = planned(duration=duration)
    item = p.item("DDTC guidelines: ten-year term")
    assert item.authority == "ddtc_guidance" and item.status == "guidance"
    assert item.citation == "DDTC guidelines: ten-year term"  # never a CFR paragraph
    assert any("DDTC guidance, not regulation" in w for w in p.warnings) is warned
    assert p.status == "complete"  # guidance warns, it does not block a plan


def test_no_nato_alliance_selection_today(planned: Callable[..., AgreementPlan]) -> None:
    p = planned(territory=["nato"])
    item = p.item("DDTC practice: no NATO Alliance selection")
    assert item.authority == "ddtc_guidance"
    assert "written country by country" in item.detail
