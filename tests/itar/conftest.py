"""Fixtures for the part 124 tests: the law of 2025-11-01 and a complete TAA to vary."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

import pytest

import exportctl
from exportctl.engine.agreements import AgreementPlan, plan
from exportctl.inputs.agreements import Agreement, agreement_from_mapping

#: Leave a fact out of the base agreement.
DROP = object()

#: A complete TAA: one German company, territory Germany, five years from 2025-01-01,
#: technical data and defense services for an SME paragraph, nothing classified, no MDE.
BASE: dict[str, Any] = {
    "agreement_id": "TAA-T",
    "kind": "TAA",
    "applicant_name": "Acme Radar Inc.",
    "applicant_registered": True,
    "applicant_registration_number": "M-12345",
    "foreign_signatories": [{"name": "Rhein Avionik GmbH", "country": "DE", "kind": "company"}],
    "foreign_sublicensees": [],
    "us_sublicensees": [],
    "grants_sublicense_rights": False,
    "usml_paragraphs": ["XI(a)(3)(xviii)"],
    "defense_articles": ["AN/XYZ-1 radar receiver"],
    "technical_data": True,
    "defense_services": True,
    "manufacturing_abroad": False,
    "classified": False,
    "mde": False,
    "territory": ["DE"],
    "start_date": "2025-01-01",
    "duration": "P5Y",
    "value": 2_500_000,
    "dn_tcn_handling": "none",
    "usg_contract": "none",
    "security_classification": "unclassified",
    "patent_secrecy_order": False,
    "fms_financing": False,
    "proposed_variations": False,
    "is_amendment": False,
    "signed_before_submission": False,
    "exports_under_exemption": False,
}


@pytest.fixture(scope="session")
def law25() -> exportctl.Law:
    return exportctl.law("2025-11-01")


@pytest.fixture(scope="session")
def make(law25: exportctl.Law) -> Callable[..., Agreement]:
    def _make(law: exportctl.Law | None = None, **changes: Any) -> Agreement:
        raw = {k: v for k, v in {**BASE, **changes}.items() if v is not DROP}
        return agreement_from_mapping(raw, law or law25)

    return _make


@pytest.fixture(scope="session")
def planned(make: Callable[..., Agreement], law25: exportctl.Law) -> Callable[..., AgreementPlan]:
    def _planned(
        law: exportctl.Law | None = None,
        drafts: Mapping[str, str] | None = None,
        **changes: Any,
    ) -> AgreementPlan:
        return plan(make(law, **changes), law or law25, drafts=drafts)

    return _planned


@pytest.fixture(scope="session")
def day() -> Callable[[str], dt.date]:
    return dt.date.fromisoformat
