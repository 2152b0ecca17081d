"""22 CFR 124.10: who signs the DSP-83 and when; the foreign government only for classified
articles (or when DDTC asks); never a signature from each country of the territory."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from exportctl.engine.agreements import AgreementPlan

TWO = [
    {"name": "Nordic Sensors AB", "country": "SE", "kind": "company"},
    {"name": "Rhein Avionik GmbH", "country": "DE", "kind": "company"},
]


def _signers(p: AgreementPlan, document: str, status: str = "required") -> list[str]:
    return [s.party for s in p.signatures if s.document == document and s.status == status]


@pytest.mark.parametrize(
    ("sme", "classified", "dsp83"),
    [(True, False, True), (False, True, True), (False, False, False)],
)
def test_dsp_83_for_sme_or_classified(
    planned: Callable[..., AgreementPlan], sme: bool, classified: bool, dsp83: bool
) -> None:
    p = planned(
        usml_paragraphs=["XI(c)(1)"], sme=sme, classified=classified, foreign_signatories=TWO
    )
    item = p.item("22 CFR 124.10(a) (DSP-83)")
    assert (item.status == "required") is dsp83
    expected = [
        "Acme Radar Inc.",
        "Nordic Sensors AB (SE, company)",
        "Rhein Avionik GmbH (DE, company)",
    ]
    assert _signers(p, "DSP-83")[:3] == (expected if dsp83 else [])
    if not dsp83:  # DDTC may still ask: a possibility, never a requirement
        assert p.item("22 CFR 124.10(a) (DDTC may require a DSP-83)").status == "possible"
        assert set(_signers(p, "DSP-83", "possible")) >= set(expected)


@pytest.mark.parametrize("classified", [True, False])
def test_foreign_government_signs_only_for_classified(
    planned: Callable[..., AgreementPlan], classified: bool
) -> None:
    p = planned(classified=classified, foreign_signatories=TWO)
    governments = [s for s in p.signatures if s.signer == "foreign_government"]
    required = [s.party for s in governments if s.status == "required"]
    if classified:
        assert required == ["the government of Germany (DE)", "the government of Sweden (SE)"]
        assert {s.alternative for s in governments} == {"diplomatic_note"}
        assert all(s.citation == "22 CFR 124.10(a)" for s in governments)
    else:
        assert required == []
        assert {s.status for s in governments} == {"possible"}


def test_no_signature_from_each_nation_of_a_nato_territory(
    planned: Callable[..., AgreementPlan],
) -> None:
    p = planned(
        territory=["nato"],
        classified=True,
        foreign_signatories=TWO,
        start_date="2022-06-01",
        duration="P10Y",
    )
    assert p.territory is not None and len(p.territory.every_country()) == 32
    governments = {s.party for s in p.signatures if s.signer == "foreign_government"}
    assert governments == {"the government of Germany (DE)", "the government of Sweden (SE)"}
    assert len({s.party for s in p.signatures}) == 5  # applicant, 2 parties, 2 governments


def test_signing_the_agreement_itself_is_ddtc_practice(
    planned: Callable[..., AgreementPlan],
) -> None:
    p = planned(foreign_signatories=TWO)
    agreement = [s for s in p.signatures if s.document == "agreement"]
    assert {s.authority for s in agreement} == {"ddtc_guidance"}
    assert {s.citation for s in agreement} == {"DDTC practice: parties sign before use"}


@pytest.mark.parametrize(("signed", "rule"), [(True, "(b)(1)"), (False, "(b)(2)")])
def test_when_the_dsp_83_is_filed(
    planned: Callable[..., AgreementPlan], signed: bool, rule: str
) -> None:
    p = planned(signed_before_submission=signed)
    assert p.item(f"22 CFR 124.10{rule}").status == "required"
    other = "(b)(2)" if rule == "(b)(1)" else "(b)(1)"
    assert p.item(f"22 CFR 124.10{other}").status == "not_required"
    assert p.item("22 CFR 124.10(b) (note)").detail.endswith("before any transfer")


def test_unknown_signatories_are_asked(planned: Callable[..., AgreementPlan]) -> None:
    p = planned(foreign_signatories=None)
    assert "each foreign signatory (not known yet)" in _signers(p, "DSP-83")
    assert "foreign_signatories" in {q.id for q in p.open_questions}
    assert p.status == "incomplete"
