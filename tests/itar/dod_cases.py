"""Shared cases of the issue 11 tests: eligible example transfers for each § 125.4 paragraph
and for § 126.4(a)(1), each quoting its paragraph (22 CFR as amended through 2025-10-02)."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import exportctl
from exportctl.inputs.transfers import Transfer, transfer_from_mapping

__all__ = [
    "A1",
    "B10",
    "DAY",
    "EXPORTER",
    "KEYS_125_4",
    "LAW",
    "OWN",
    "RECIPIENT",
    "ROOT_EXAMPLE",
    "TECHNICAL_DATA",
    "C",
    "example",
    "make",
    "raw",
]

DAY = "2025-11-01"
LAW = exportctl.law(DAY)

#: The illustrative organisation guidelines shipped with the examples.
ROOT_EXAMPLE = (
    Path(__file__).resolve().parents[2] / "examples" / "guidelines" / "dod-component-example.toml"
)

EXPORTER: dict[str, Any] = {
    "role": "transferor",
    "name": "Acme Radar",
    "country": "US",
    "kind": "us_person",
    "ddtc_registered": True,
    "not_debarred": True,
    "eligible_120_16": True,
}
RECIPIENT: dict[str, Any] = {
    "role": "recipient",
    "name": "Thames Defence",
    "country": "GB",
    "kind": "other",
    "eligible_120_16": True,
}

#: Technical data exported from the United States to the United Kingdom, of U.S. origin, to
#: British nationals, between eligible parties, meeting § 125.4(a) (not for offshore production,
#: unclassified), § 120.15 (a registered exporter, eligible parties, no § 126.1 country) and
#: § 125.1(b) (not for foreign production or technical assistance).
TECHNICAL_DATA: dict[str, Any] = {
    "transfer_id": "T-DOD",
    "activity": "export",
    "transfer_kind": "technical_data",
    "from_country": "US",
    "to_country": "GB",
    "transit_countries": [],
    "origin_country": "US",
    "recipient_nationalities": ["GB"],
    "parties": [EXPORTER, RECIPIENT],
    "answers": {
        "for_offshore_procurement_or_production": False,
        "classified": False,
        "for_foreign_production_or_technical_assistance": False,
        # § 126.4: a commercial export is made by neither a department nor a person for one
        "made_by": "other",
    },
}

#: What each § 125.4 paragraph adds, quoted from the text (22 CFR 125.4 as amended through
#: 2025-10-02); each makes the technical-data export above eligible under that paragraph.
OWN: dict[str, dict[str, Any]] = {
    # "(1) Technical data, including classified information, to be disclosed pursuant to an
    # official written request or directive from the U.S. Department of Defense;"
    "125.4(b)(1)": {
        "dod_official_written_request_or_directive": True,
        "disclosure_within_dod_request": True,
    },
    # "(2) Technical data, including classified information, in furtherance of a manufacturing
    # license or technical assistance agreement approved by the Department of State under part
    # 124 of this subchapter and which meet the requirements of § 124.3 of this subchapter;"
    "125.4(b)(2)": {"in_furtherance_of_approved_part_124_agreement": True, "meets_124_3": True},
    # "(3) Technical data, including classified information, in furtherance of a contract between
    # the exporter and an agency of the U.S. Government, if the contract provides for the export
    # of the data and such data does not disclose the details of design, development,
    # production, or manufacture of any defense article;"
    "125.4(b)(3)": {
        "exporter_usg_contract": True,
        "in_furtherance_of_usg_contract": True,
        "usg_contract_provides_for_export": True,
        "discloses_design_development_production_manufacture": False,
    },
    # "(4) Copies of technical data, including classified information, previously authorized for
    # export to the same recipient. Revised copies of such technical data are also exempt if they
    # pertain to the identical defense article, and if the revisions are solely editorial …"
    "125.4(b)(4)": {"copy_previously_authorized_same_recipient": True, "revised_copy": False},
    # "(5) Technical data, including classified information, in the form of basic operations,
    # maintenance, and training information relating to a defense article lawfully exported or
    # authorized for export to the same recipient. Intermediate or depot-level repair and
    # maintenance information may be exported only under a license or agreement …"
    "125.4(b)(5)": {
        "basic_operations_maintenance_training_information": True,
        "article_lawfully_exported_to_same_recipient": True,
        "intermediate_or_depot_level_repair_information": False,
    },
    # "(6) Technical data related to firearms not in excess of caliber .50 and ammunition for
    # such weapons, except detailed design, development, production or manufacturing information;"
    "125.4(b)(6)": {
        "firearms_up_to_caliber_50_or_their_ammunition": True,
        "detailed_design_development_production_manufacturing_information": False,
    },
    # "(7) Technical data, including classified information, being returned to the original
    # source of import;"
    "125.4(b)(7)": {"returned_to_original_source_of_import": True},
    # "(8) Technical data directly related to classified information which has been previously
    # exported or authorized for export in accordance with this part to the same recipient, and
    # which does not disclose the details of the design, development, production, or
    # manufacture of any defense article;"
    "125.4(b)(8)": {
        "directly_related_to_classified_previously_exported_same_recipient": True,
        "discloses_design_development_production_manufacture": False,
    },
    # "(9) Technical data, including classified information, and software sent or taken by a U.S.
    # person who is an employee of a U.S. corporation or a U.S. Government agency to a U.S.
    # person employed by that U.S. corporation or to a U.S. Government agency outside the
    # United States …" (the text as amended: travellers and their employers, (i)-(v))
    "125.4(b)(9)": {
        "b9_traveller": "us_person",
        "travelling_or_on_temporary_assignment_abroad": True,
        "foreign_persons_separately_authorized": True,
        "possessed_only_by_us_or_authorized_foreign_persons": True,
        "sufficient_security_precautions": True,
        "b9_individual_employer": "us_person_direct",
        "for_foreign_production_or_defense_services": False,
    },
    # "(11) Technical data for which the exporter, pursuant to an arrangement with the Department
    # of Defense, Department of Energy or NASA which requires such exports, has been granted an
    # exemption in writing from the licensing provisions of this part by the Directorate of
    # Defense Trade Controls."
    "125.4(b)(11)": {
        "arrangement_with_dod_doe_nasa_requiring_exports": True,
        "ddtc_granted_exemption_in_writing": True,
    },
    # "(13) Technical data approved for public release (i.e., unlimited distribution) by the
    # cognizant U.S. Government department or agency or Office of Freedom of Information and
    # Security Review."
    "125.4(b)(13)": {"approved_for_public_release": True},
}

#: § 125.4(b)(10): "Disclosures of unclassified technical data in the U.S. by U.S. institutions
#: of higher learning to foreign persons who are their bona fide and full time regular
#: employees …" — a release in the United States, to a British national who lives there.
B10: dict[str, Any] = {
    "to_country": "US",
    "parties": [
        {**EXPORTER, "name": "State University"},
        {**RECIPIENT, "country": "US", "name": "Research engineer"},
    ],
    "answers": {
        "discloser_us_institution_of_higher_learning": True,
        "recipient_bona_fide_full_time_regular_employee": True,
        "employee_permanent_abode_in_us": True,
        "employee_informed_in_writing": True,
    },
}

#: § 125.4(c): "Defense services and related unclassified technical data are exempt from the
#: licensing requirements of this subchapter when they are to be furnished to nationals of NATO
#: countries, Australia, Japan and Sweden, for the purposes of responding to a written request
#: from the Department of Defense for a quote or bid proposal. Such exports must be pursuant to
#: an official written request or directive from an authorized official of the U.S. Department
#: of Defense … limited to § 120.43 (f) (g), and (h) …"
C: dict[str, Any] = {
    "transfer_kind": "defense_service",
    "activity": "defense_service",
    "to_country": "JP",
    "recipient_nationalities": ["JP"],
    "parties": [EXPORTER, {**RECIPIENT, "country": "JP", "name": "Kanto Heavy"}],
    "answers": {
        "dod_written_request_for_quote_or_bid": True,
        "dod_authorized_official_written_request_or_directive": True,
        "scope_120_43": ["build_to_print", "basic_research"],
    },
}

#: § 126.4(a)(1): "… when made by a department or agency of the U.S. Government … (1) For
#: official use by a department or agency of the U.S. Government … (i) By employees of the U.S.
#: Government acting within their official capacity" — an article sent by a department to its
#: own employees abroad.
A1: dict[str, Any] = {
    "transfer_kind": "article",
    "parties": [
        {**EXPORTER, "kind": "us_government", "name": "Department of the Navy"},
        {**RECIPIENT, "kind": "us_government", "name": "Naval attaché office"},
    ],
    "answers": {
        "made_by": "usg_department",
        "usg_transmittal_agent_for_private_party": False,
        "usg_purpose": "official_use",
        "official_use_by": "usg_employees",
        "mtcr_annex_item": False,
        "otherwise_prohibited_or_inconsistent_with_embargoes": False,
    },
}


def raw(
    *layers: dict[str, Any], answers: dict[str, Any] | None = None, **fields: Any
) -> dict[str, Any]:
    """TECHNICAL_DATA with layers of fields (and answers) on top; None forgets a fact."""
    out = copy.deepcopy(TECHNICAL_DATA)
    for layer in (*layers, {**fields, "answers": answers or {}}):
        layer = copy.deepcopy(layer)
        more = layer.pop("answers", {})
        out.update(layer)
        out["answers"] = {**out["answers"], **more}
    out["answers"] = {k: v for k, v in out["answers"].items() if v is not None}
    return {k: v for k, v in out.items() if v is not None or k == "answers"}


def make(*layers: dict[str, Any], law: exportctl.Law = LAW, **kw: Any) -> Transfer:
    return transfer_from_mapping(raw(*layers, **kw), law)


def example(key: str) -> dict[str, Any]:
    """The eligible example of an exemption (or branch)."""
    if key == "125.4(b)(10)":
        return raw(B10)
    if key == "125.4(c)":
        return raw(C)
    if key in ("126.4", "126.4(a)(1)"):
        return raw(A1)
    return raw({"answers": OWN[key]})


KEYS_125_4 = [*OWN, "125.4(b)(10)", "125.4(c)"]
