"""22 CFR 124.11 and 123.15: congressional certification and the wait after it.  The § 123.15(a)
amounts are the law's (its exemptions' amounts); the figures here are read from the regulation
text in the reference (the 123.15 file is checked against it by the data build and its own
tests), on both sides of each amount, and the set of (a)(2) is dated (Sweden from 2024-03-07)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

import exportctl
from exportctl.engine.agreements import AgreementPlan

MDE_A1, MDE_A2 = 14_000_000, 25_000_000  # § 123.15(a)(1), (a)(2): "... or more"
TOTAL_A1, TOTAL_A2 = 50_000_000, 100_000_000
JP = [{"name": "Kansai Denshi K.K.", "country": "JP", "kind": "company"}]
SG = [{"name": "Lion City Systems", "country": "SG", "kind": "company"}]
SE = [{"name": "Nordic Sensors AB", "country": "SE", "kind": "company"}]

MFG = "22 CFR 124.11(a) (manufacturing abroad of SME)"
MDE = "22 CFR 124.11(a) (export of MDE)"
VALUE = "22 CFR 123.15(a) (agreement value)"


def test_amounts_are_the_laws(law25: exportctl.Law) -> None:
    rows = {r["id"]: r for r in law25.exemptions.amounts["123.15(a)"]["rows"]}
    a1 = {a["applies_to"]: a["amount"] for a in rows["22 CFR 123.15(a)(1)"]["amounts"]}
    a2 = {a["applies_to"]: a["amount"] for a in rows["22 CFR 123.15(a)(2)"]["amounts"]}
    assert (a1["major_defense_equipment"], a2["major_defense_equipment"]) == (MDE_A1, MDE_A2)
    assert "$25,000,000 or more" in rows["22 CFR 123.15(a)(2)"]["quote"]


@pytest.mark.parametrize("value", [0, 1, 900_000_000])
def test_manufacturing_abroad_of_sme_regardless_of_value(
    planned: Callable[..., AgreementPlan], value: int
) -> None:
    p = planned(
        kind="MLA",
        manufacturing_abroad=True,
        value=value,
        territory=["JP"],
        foreign_signatories=JP,
        us_verification_access=True,
    )
    item = p.item(MFG)
    assert item.status == "required" and "regardless of dollar value" in item.detail
    assert p.item("22 CFR 124.11(b)").facts["wait_days"] == 15  # Japan: § 124.11(b)


def test_no_certification_without_sme(planned: Callable[..., AgreementPlan]) -> None:
    p = planned(
        manufacturing_abroad=True,
        usml_paragraphs=["XI(c)(1)"],
        sme=False,
        us_verification_access=True,
    )
    assert p.item(MFG).status == "not_required"
    assert p.item("22 CFR 124.11(b)").status == "not_required"


@pytest.mark.parametrize(
    ("territory", "parties", "amount", "wait"),
    [(["JP"], JP, MDE_A2, 15), (["SG"], SG, MDE_A1, 30)],
)
@pytest.mark.parametrize("below", [True, False])
def test_mde_at_the_123_15_amount_for_the_territory(
    planned: Callable[..., AgreementPlan],
    territory: list[str],
    parties: list[dict[str, str]],
    amount: int,
    wait: int,
    below: bool,
) -> None:
    value = amount - 1 if below else amount
    p = planned(mde=True, mde_value=value, territory=territory, foreign_signatories=parties)
    item = p.item(MDE)
    assert item.status == ("not_required" if below else "required")
    assert f"${amount:,} or more" in item.detail
    b = p.item("22 CFR 124.11(b)")
    if below:
        assert b.status == "not_required"
    else:
        assert b.status == "required" and b.facts["wait_days"] == wait
        assert f"at least {wait} calendar days" in b.detail


@pytest.mark.parametrize(
    ("day", "wait", "amount"), [("2024-03-06", 30, MDE_A1), ("2024-03-07", 15, MDE_A2)]
)
def test_sweden_before_and_after_its_accession(
    planned: Callable[..., AgreementPlan], day: str, wait: int, amount: int
) -> None:
    law = exportctl.law(day)  # before 2024-03-25 the data holds no USML: name a decision
    p = planned(
        law,
        mde=True,
        mde_value=MDE_A2,
        territory=["SE"],
        foreign_signatories=SE,
        start_date=day,
        duration="P5Y",
        sme=True,
        usml_paragraphs=["decision:0123456789abcdef0123"],
    )
    assert p.item(MDE).status == "required"
    assert f"${amount:,} or more" in p.item(MDE).detail
    assert p.item("22 CFR 124.11(b)").facts["wait_days"] == wait


def test_a_term_started_before_swedens_accession_waits_30_days(
    planned: Callable[..., AgreementPlan],
) -> None:
    # the plan's date is after the accession, but the term includes days before it
    p = planned(
        mde=True,
        mde_value=MDE_A2,
        territory=["SE"],
        foreign_signatories=SE,
        start_date="2024-01-01",
        duration="P5Y",
    )
    assert p.item("22 CFR 124.11(b)").facts["wait_days"] == 30
    assert "SE on 2024-01-01" in p.item("22 CFR 124.11(b)").detail


def test_unknown_mde_value_is_asked(planned: Callable[..., AgreementPlan]) -> None:
    p = planned(mde=True, mde_value=None)
    assert p.item(MDE).status == "unknown" and "mde_value" in p.item(MDE).missing
    assert p.status == "incomplete"


def test_which_amount_unknown_still_decides_when_both_agree(
    planned: Callable[..., AgreementPlan],
) -> None:
    # a party whose country is not known: (a)(1) or (a)(2); a value reaching both decides
    unknown = [{"name": "Somebody", "kind": "company"}]
    high = planned(mde=True, mde_value=MDE_A2, foreign_signatories=unknown)
    assert high.item(MDE).status == "required"
    low = planned(mde=True, mde_value=MDE_A1 - 1, foreign_signatories=unknown)
    assert low.item(MDE).status == "not_required"
    middle = planned(mde=True, mde_value=MDE_A1, foreign_signatories=unknown)
    assert middle.item(MDE).status == "unknown"


@pytest.mark.parametrize(
    ("value", "status"), [(TOTAL_A2 - 1, "not_required"), (TOTAL_A2, "to_confirm")]
)
def test_agreement_value_is_flagged_never_settled(
    planned: Callable[..., AgreementPlan], value: int, status: str
) -> None:
    p = planned(value=value)  # Germany: the (a)(2) amount
    item = p.item(VALUE)
    assert item.status == status
    if status == "to_confirm":
        assert "confirm with DDTC" in item.detail
        assert p.status == "complete"  # a flag, not an unknown


def test_124_11_c_dsp_83_for_exports_under_an_exemption(
    planned: Callable[..., AgreementPlan],
) -> None:
    p = planned(
        kind="MLA",
        manufacturing_abroad=True,
        territory=["JP"],
        foreign_signatories=JP,
        exports_under_exemption=True,
        us_verification_access=True,
    )
    parties = [s.party for s in p.signatures if s.citation == "22 CFR 124.11(c)"]
    assert parties == ["Acme Radar Inc.", "the foreign consignee", "the end-user"]
