"""The AUKUS exemption (22 CFR 126.7), its Excluded Technology List (22 CFR part 126, Supp. No. 2),
§ 126.1 before any exemption, and the Canadian exemption (22 CFR 126.5): examples, each citing
the paragraph it checks.

Regulatory amounts, dates and row texts are read from the bundled data (exemptions.json, etl.json,
supp1.json), not restated here.
"""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import attrs
import pytest

from exportctl import regulations
from exportctl.corpus.bundle import load_json
from exportctl.corpus.references import USML_CATEGORIES, USMLRef, parse_usml
from exportctl.corpus.regulations import Regulations
from exportctl.corpus.usml import USMLParagraph
from exportctl.engine.authorize import (
    ExemptionResult,
    Requirement,
    authorize,
    check_aukus,
    check_canada,
    proscribed,
)
from exportctl.engine.exclusions import match_row
from exportctl.inputs.items import ContradictoryFacts, FactError
from exportctl.inputs.transfers import (
    ContradictoryPartyFacts,
    Transfer,
    transfer_from_csv_row,
    transfer_from_mapping,
)

#: Dates inside each version of § 126.7 (the versions are read from exemptions.json below).
IFR_DAY = "2025-11-01"  # interim final rule, 89 FR 67270 (2024-09-01 .. 2025-12-29)
FINAL_DAY = "2026-01-15"  # final rule, 90 FR 61053 (from 2025-12-30)
#: The law transfers are parsed under where a test is not about a date (references, countries
#: and questions are checked against it).
PARSE_LAW = regulations(FINAL_DAY)

_DATA = load_json("exemptions.json")
_AUKUS = next(e for e in _DATA["exemptions"] if e["key"] == "126.7")
VERSIONS = {v["id"]: v for v in _AUKUS["versions"]}
IFR = VERSIONS["itar-126.7-ifr-2024"]
FINAL = VERSIONS["itar-126.7-final-2025"]
#: The § 123.15(a) rows, each amount by what it applies to (as the data writes them).
THRESHOLDS = {
    r["id"]: {
        **{k: v for k, v in r.items() if k != "amounts"},
        **{a["applies_to"]: a["amount"] for a in r["amounts"]},
    }
    for r in _DATA["amounts"]["123.15(a)"]["rows"]
}

# --------------------------------------------------------------------------------------------
# Building transfers

US_EXPORTER: dict[str, Any] = {
    "role": "transferor",
    "name": "Acme Radar Inc.",
    "country": "US",
    "kind": "us_person",
    "ddtc_registered": True,
    "not_debarred": True,
    "eligible_120_16": True,
}
AU_AUTHORIZED_USER: dict[str, Any] = {
    "role": "recipient",
    "name": "Southern Cross Avionics Pty Ltd",
    "country": "AU",
    "kind": "other",
    "authorized_user": True,
    "eligible_120_16": True,  # every party of every exemption: § 120.15(b)
}

#: An export that § 126.7 allows under both versions: a registered, eligible U.S. exporter sends
#: an unclassified radar (XI(a)(3)(xviii), not MT) to an Australian Authorized User.
BASE: dict[str, Any] = {
    "transfer_id": "T-BASE",
    "activity": "export",
    "transfer_kind": "article",
    "usml_classification": "XI(a)(3)(xviii)",
    "related_to": [],
    "specially_designed_for": [],
    "from_country": "US",
    "to_country": "AU",
    "transit_countries": [],
    "value_usd": 2_500_000,
    "parties": [US_EXPORTER, AU_AUTHORIZED_USER],
    "answers": {
        "classified": False,
        "anti_tamper_dod_ppp": False,
        "transferor_complies_123_9_b": True,
        "manufacturing_abroad_sme": False,
        # § 126.4 (transfers by or for the U.S. Government), in the law since issue 11: a
        # commercial export is made by neither a department or agency nor a person for one
        "made_by": "other",
    },
}


def make(*, answers: dict[str, Any] | None = None, **fields: Any) -> Transfer:
    """BASE with some fields replaced (``None`` = unknown) and some answers added or changed."""
    raw = copy.deepcopy(BASE)
    raw.update(fields)
    merged = {**raw["answers"], **(answers or {})}
    raw["answers"] = {k: v for k, v in merged.items() if v is not None}
    return transfer_from_mapping(raw, PARSE_LAW)


def without_answer(name: str) -> Transfer:
    raw = copy.deepcopy(BASE)
    del raw["answers"][name]
    return transfer_from_mapping(raw, PARSE_LAW)


def party(base: dict[str, Any], **changes: Any) -> dict[str, Any]:
    out = {**base, **changes}
    return {k: v for k, v in out.items() if v is not None}


def req(result: ExemptionResult, rid: str) -> Requirement:
    found = [r for r in result.requirements if r.id == rid]
    assert len(found) == 1, f"{rid}: {[r.id for r in result.requirements]}"
    return found[0]


def questions(result: Any) -> set[str]:
    return {q.id for q in result.open_questions}


@pytest.fixture(scope="module")
def ifr() -> Regulations:
    return regulations(IFR_DAY)


@pytest.fixture(scope="module")
def final() -> Regulations:
    return regulations(FINAL_DAY)


def test_base_transfer_is_eligible_under_both_versions(
    ifr: Regulations, final: Regulations
) -> None:
    """22 CFR 126.7(a), (b)(1)-(5): every requirement passes."""
    for regs, version in ((ifr, IFR["id"]), (final, FINAL["id"])):
        result = check_aukus(make(), regs)
        assert result.status == "eligible", result.requirements
        assert result.version == version
        assert {r.status for r in result.requirements} == {"pass"}
        assert [r.id for r in result.requirements] == [
            r["id"] for r in VERSIONS[version]["requirements"]
        ]
        assert result.open_questions == () and result.excluded_rows == ()


# --------------------------------------------------------------------------------------------
# Supp. No. 2 to part 126 (ETL), rows 1-28: one transfer each row catches, one close that it
# does not.


def art(ref: str, *, sdf: tuple[str, ...] = (), **answers: Any) -> dict[str, Any]:
    """A defense article described in USML ``ref`` (specially designed for ``sdf``)."""
    return {
        "transfer_kind": "article",
        "usml_classification": ref,
        "specially_designed_for": list(sdf),
        "answers": answers,
    }


def tdata(ref: str, related: tuple[str, ...], **answers: Any) -> dict[str, Any]:
    """Technical data of USML ``ref`` directly related to the articles of ``related``."""
    return {
        "transfer_kind": "technical_data",
        "usml_classification": ref,
        "related_to": list(related),
        "specially_designed_for": [],
        "answers": answers,
    }


def service(ref: str, related: tuple[str, ...], **answers: Any) -> dict[str, Any]:
    return {**tdata(ref, related, **answers), "transfer_kind": "defense_service"}


# (row, facts, caught?, what the case shows)
ETL_CASES: list[tuple[int, dict[str, Any], bool, str]] = [
    # Row 1: "MTCR articles, as annotated on the USML by an 'MT' designation, except for articles
    # described in USML Category VIII(h)(12)"; USML column I through XV, and XX.
    (1, art("IV(h)(12)"), True, "IV(h)(12) post-boost vehicles are MT"),
    (1, art("IV(h)(3)"), False, "IV(h)(3) kinetic kill vehicles carry no MT designation"),
    (1, art("VIII(h)(10)", mt_condition_met=True), True, "conditional MT, condition met"),
    (1, art("VIII(h)(10)", mt_condition_met=False), False, "conditional MT, condition not met"),
    (1, art("VIII(h)(12)", mt_condition_met=True), False, "VIII(h)(12) excepted although MT"),
    (1, tdata("IV(i)", ("IV(a)(1)",)), True, "technical data directly related to MT IV(a)(1)"),
    (1, tdata("IV(i)", ("IV(a)(4)",)), False, "technical data for non-MT anti-tank missiles"),
    (1, service("IV(i)", ("IV(h)(12)",)), True, "defense service directly related to MT"),
    (1, art("XIX(e)", mt_condition_met=True), False, "XIX is outside the column I-XV, XX"),
    # Row 2: anti-tamper per a DoD Program Protection Plan, "not already installed".
    (
        2,
        art("XI(a)(3)(xviii)", anti_tamper_dod_ppp=True, anti_tamper_installed=False),
        True,
        "DoD PPP anti-tamper not yet installed",
    ),
    (
        2,
        art("XI(a)(3)(xviii)", anti_tamper_dod_ppp=True, anti_tamper_installed=True),
        False,
        "anti-tamper already installed in the commodity it protects",
    ),
    (2, art("XI(a)(3)(xviii)", anti_tamper_dod_ppp=False), False, "no DoD PPP anti-tamper"),
    # Row 3: manufacturing know-how directly related to II(d), III(d)(1)-(2), IV(a), (b), (d),
    # (g), (h), X(a)(1)-(2), XIX, or to parts only used in them.
    (
        3,
        tdata("II(k)", ("II(d)",), technical_data_kind="manufacturing_know_how"),
        True,
        "manufacturing know-how for II(d) kinetic energy weapons",
    ),
    (
        3,
        tdata("II(k)", ("II(d)",), technical_data_kind="build_to_print"),
        False,
        "build-to-print data is not manufacturing know-how",
    ),
    (
        3,
        tdata(
            "II(k)",
            ("II(j)(1)",),
            technical_data_kind="manufacturing_know_how",
            know_how_subject_only_used_in_listed_articles=True,
        ),
        True,
        "know-how for a part only used in the listed articles",
    ),
    (
        3,
        tdata(
            "II(k)",
            ("II(j)(1)",),
            technical_data_kind="manufacturing_know_how",
            know_how_subject_only_used_in_listed_articles=False,
        ),
        False,
        "know-how for a part also used elsewhere",
    ),
    (
        3,
        tdata("XIX(g)", ("XIX(b)",), technical_data_kind="manufacturing_know_how"),
        True,
        "manufacturing know-how for XIX engines",
    ),
    # Row 4: II(j)(9)-(11) "that are not an element of an armament, weapon, or military platform".
    (
        4,
        art("II(j)(9)", element_of_armament_weapon_or_platform=False),
        True,
        "stand-alone ammunition handling system",
    ),
    (
        4,
        art("II(j)(9)", element_of_armament_weapon_or_platform=True),
        False,
        "an element of a weapon",
    ),
    # Row 5: cluster munitions and articles specially designed for them.
    (5, art("IV(g)", for_cluster_munitions=True), True, "cluster munition warhead"),
    (5, art("IV(g)", for_cluster_munitions=False), False, "unitary warhead"),
    # Row 6: IV(a)(3), (9), (10), (11), (h)(5); launcher mechanisms for MANPADS.
    (6, art("IV(a)(3)"), True, "IV(a)(3) MANPADS"),
    (6, art("IV(a)(4)"), False, "IV(a)(4) anti-tank missiles are outside the column"),
    (6, art("IV(b)(2)", manpads_launcher_mechanism=True), True, "MANPADS launcher mechanism"),
    (6, art("IV(b)(2)", manpads_launcher_mechanism=False), False, "other launcher mechanism"),
    # Row 7: V(a)(13)(iii) and (iv), (a)(23)(iii), (d)(3); V(i) "other than propellants".
    (7, art("V(a)(13)(iii)"), True, "V(a)(13)(iii) ANF"),
    (7, art("V(a)(13)(ii)"), False, "V(a)(13)(ii) DAAzF is outside the column"),
    (7, art("V(i)", is_propellant=False), True, "developmental explosive, not a propellant"),
    (7, art("V(i)", is_propellant=True), False, "developmental propellant"),
    # Row 8: VI(e), (f)(5), XX(b)(1); articles specially designed for XX(b)(1).
    (8, art("VI(e)"), True, "VI(e) naval nuclear propulsion plant"),
    (8, art("XX(c)", sdf=("XX(b)(1)",)), True, "part specially designed for XX(b)(1)"),
    (8, art("XX(c)", sdf=("XX(b)(2)",)), False, "part specially designed for XX(b)(2)"),
    # Row 9: the F-22 and articles specially designed for it, "other than those also used in
    # aircraft other than the F-22".
    (
        9,
        art("VIII(a)(2)", platform="F-22", used_in_other_platforms=False),
        True,
        "F-22-only article",
    ),
    (
        9,
        art("VIII(a)(2)", platform="F-22", used_in_other_platforms=True),
        False,
        "F-22 article also used in other aircraft",
    ),
    (9, art("VIII(a)(2)", platform="F-35"), False, "another fighter"),
    # Row 10: X(a)(7)(ii) and articles specially designed therefor.
    (10, art("X(a)(7)(ii)"), True, "X(a)(7)(ii) thermal flash protection"),
    (10, art("X(d)(2)", sdf=("X(a)(7)(ii)",)), True, "lens specially designed for X(a)(7)(ii)"),
    (10, art("X(d)(2)", sdf=("X(a)(7)(i)",)), False, "lens specially designed for X(a)(7)(i)"),
    # Row 11: XI(a)(1)(i) or (ii) and directly related technical data.
    (11, art("XI(a)(1)(i)"), True, "XI(a)(1)(i) acoustic array"),
    (11, tdata("XI(d)", ("XI(a)(1)(ii)",)), True, "technical data for XI(a)(1)(ii)"),
    (11, tdata("XI(d)", ("XI(a)(1)(iii)",)), False, "technical data for XI(a)(1)(iii)"),
    # Row 12: classified XI(a)(2) "other than underwater acoustic decoy countermeasures".
    (
        12,
        art("XI(a)(2)", classified=True, underwater_acoustic_decoy_countermeasure=False),
        True,
        "classified",
    ),
    (
        12,
        art("XI(a)(2)", classified=False, underwater_acoustic_decoy_countermeasure=False),
        False,
        "unclassified",
    ),
    (
        12,
        art("XI(a)(2)", classified=True, underwater_acoustic_decoy_countermeasure=True),
        False,
        "classified acoustic decoy",
    ),
    (12, art("XI(c)(1)", sdf=("XI(a)(2)",), classified=True), True, "classified ASIC therefor"),
    # Row 13: classified XI(a)(3)(xviii), classified articles therefor, classified data.
    (13, art("XI(a)(3)(xviii)", classified=True), True, "classified"),
    (13, art("XI(a)(3)(xviii)", classified=False), False, "unclassified"),
    (13, art("XI(c)(2)", sdf=("XI(a)(3)(xviii)",), classified=True), True, "classified PCB"),
    (13, art("XI(c)(2)", sdf=("XI(a)(3)(xviii)",), classified=False), False, "unclassified PCB"),
    (13, tdata("XI(d)", ("XI(a)(3)(xviii)",), classified=True), True, "classified data"),
    (13, tdata("XI(d)", ("XI(a)(3)(xviii)",), classified=False), False, "unclassified data"),
    # Row 14: classified XI(a)(4)(i).
    (14, art("XI(a)(4)(i)", classified=True), True, "classified"),
    (14, art("XI(a)(4)(i)", classified=False), False, "unclassified"),
    # Row 15: classified countermeasure equipment XI(a)(4)(iii).
    (15, art("XI(a)(4)(iii)", classified=True), True, "classified"),
    (15, art("XI(a)(4)(iii)", classified=False), False, "unclassified"),
    # Row 16: classified XI(a)(5)(iii).
    (16, art("XI(a)(5)(iii)", classified=True), True, "classified"),
    (16, art("XI(a)(5)(iii)", classified=False), False, "unclassified"),
    # Row 17: classified XI(b).
    (17, art("XI(b)", classified=True), True, "classified"),
    (17, art("XI(b)", classified=False), False, "unclassified"),
    # Row 18: (1) XI(c)/(d) specially designed for XI(a)(1)(i)-(ii); (2) classified XI(c)/(d)
    # implementing countermeasures for XI(a); (3) classified XI(c) for XIII(b).
    (18, art("XI(c)(1)", sdf=("XI(a)(1)(i)",)), True, "(1) ASIC for XI(a)(1)(i)"),
    (
        18,
        art("XI(c)(1)", sdf=("XI(a)(3)(i)",), classified=False),
        False,
        "unclassified ASIC for XI(a)(3)(i)",
    ),
    (
        18,
        art("XI(c)(1)", sdf=(), classified=True, implements_countermeasures_for_xi_a=True),
        True,
        "(2) classified, implements countermeasures",
    ),
    (
        18,
        art("XI(c)(1)", sdf=(), classified=True, implements_countermeasures_for_xi_a=False),
        False,
        "classified, no countermeasures, not for XIII(b)",
    ),
    (18, art("XI(c)(1)", sdf=("XIII(b)",), classified=True), True, "(3) classified, for XIII(b)"),
    # Row 19: classified XIII(b).
    (19, art("XIII(b)", classified=True), True, "classified"),
    (19, art("XIII(b)", classified=False), False, "unclassified"),
    # Row 20: XIII(d)(2).
    (20, art("XIII(d)(2)"), True, "XIII(d)(2) carbon/carbon billets"),
    (20, art("XIII(d)(1)"), False, "XIII(d)(1) ablative materials are outside the column"),
    # Row 21: XIV(a), (b), (c)(5), (f)(1), (i).
    (21, art("XIV(c)(5)"), True, "XIV(c)(5)"),
    (21, art("XIV(c)(4)"), False, "XIV(c)(4) is outside the column"),
    # Row 22: classified XV(a) or (e).
    (22, art("XV(a)(1)", classified=True), True, "classified"),
    (22, art("XV(a)(1)", classified=False), False, "unclassified"),
    # Row 23: all of XVI.
    (23, art("XVI(b)"), True, "XVI(b) nuclear-effects modeling tools"),
    (23, art("XVII(a)"), False, "XVII is not XVI"),
    # Row 24: classified XVIII specially designed for counter-space operations.
    (24, art("XVIII(a)", classified=True, for_counter_space_operations=True), True, "classified"),
    (
        24,
        art("XVIII(a)", classified=True, for_counter_space_operations=False),
        False,
        "not for counter-space operations",
    ),
    (
        24,
        art("XVIII(a)", classified=False, for_counter_space_operations=True),
        False,
        "unclassified",
    ),
    # Row 25: (1) classified XIX(e), (f)(1), (f)(2) "not already integrated into a complete
    # engine"; (2) classified XIX(f)(7) or (12) for excluded XIX(f)(1) or (2) articles.
    (
        25,
        art("XIX(f)(2)", classified=True, integrated_into_complete_engine=False),
        True,
        "classified hot-section part, loose",
    ),
    (
        25,
        art("XIX(f)(2)", classified=True, integrated_into_complete_engine=True),
        False,
        "already integrated into a complete engine",
    ),
    (25, art("XIX(f)(7)", sdf=("XIX(f)(2)",), classified=True), True, "(2) classified tooling"),
    (25, art("XIX(f)(7)", sdf=("XIX(f)(2)",), classified=False), False, "unclassified tooling"),
    # Row 26: XX(b)(2) and articles specially designed therefor.
    (26, art("XX(b)(2)"), True, "XX(b)(2) quick-reversing motor"),
    (26, art("XX(c)", sdf=("XX(b)(2)",)), True, "part specially designed for XX(b)(2)"),
    (26, art("XX(c)", sdf=("XX(a)(1)",)), False, "part specially designed for a submarine"),
    # Row 27: design methodology, engineering analysis, manufacturing know-how for crewed
    # vessels XX(a), or for XX(b)/(c) articles used only in the listed platforms.
    (
        27,
        tdata("XX(d)", ("XX(a)(1)",), technical_data_kind="design_methodology"),
        True,
        "design methodology for a submarine",
    ),
    (
        27,
        tdata("XX(d)", ("XX(a)(1)",), technical_data_kind="basic_operations_maintenance_training"),
        False,
        "operation and maintenance data",
    ),
    (
        27,
        tdata(
            "XX(d)", ("XX(c)",), technical_data_kind="engineering_analysis", xx_used_only_in=True
        ),
        True,
        "analysis for a part used only in crewed vessels",
    ),
    (
        27,
        tdata(
            "XX(d)", ("XX(c)",), technical_data_kind="engineering_analysis", xx_used_only_in=False
        ),
        False,
        "analysis for a part used elsewhere too",
    ),
    # Row 28: XXI, "unless specifically designated as eligible for the exemption provided at
    # § 126.7 in State's written Category XXI determination".
    (
        28,
        art("XXI(a)", xxi_determination_designates_126_7_eligible=False),
        True,
        "not designated",
    ),
    (
        28,
        art("XXI(a)", xxi_determination_designates_126_7_eligible=True),
        False,
        "designated eligible",
    ),
]


def _etl_transfer(facts: dict[str, Any]) -> Transfer:
    return transfer_from_mapping({"transfer_id": "ETL", **facts}, PARSE_LAW)


@pytest.mark.parametrize(
    ("row", "facts", "expected"),
    [
        pytest.param(
            row,
            facts,
            expected,
            id=f"row{row:02d}-{'caught' if expected else 'not'}-{why.replace(' ', '_')}",
        )
        for row, facts, expected, why in ETL_CASES
    ],
)
def test_etl_row(row: int, facts: dict[str, Any], expected: bool, regs: Regulations) -> None:
    """22 CFR part 126, Supp. No. 2, rows 1-28, each read against a transfer."""
    match = match_row(regs.etl.row(f"SUPP2-{row:03d}"), _etl_transfer(facts), regs.usml)
    assert match.caught is expected, (match.detail, match.missing)
    assert match.missing == ()


def test_etl_table_covers_every_row_both_ways(regs: Regulations) -> None:
    assert len(regs.etl.rows) == 28
    for row in range(1, 29):
        outcomes = {expected for r, _, expected, _ in ETL_CASES if r == row}
        assert outcomes == {True, False}, f"row {row}"


@pytest.mark.parametrize(
    ("row", "facts", "missing"),
    [
        (13, art("XI(a)(3)(xviii)"), ("classified",)),
        (2, art("XI(a)(3)(xviii)", anti_tamper_dod_ppp=True), ("anti_tamper_installed",)),
        (1, art("VIII(h)(10)"), ("mt_condition_met",)),
        (3, tdata("II(k)", ("II(d)",)), ("technical_data_kind",)),  # (+ the only-used question)
        (28, art("XXI(a)"), ("xxi_determination_designates_126_7_eligible",)),
        (11, {**tdata("XI(d)", ()), "related_to": None}, ("related_to",)),
    ],
)
def test_etl_row_unknown_fact_is_open_never_not_caught(
    row: int, facts: dict[str, Any], missing: tuple[str, ...], regs: Regulations
) -> None:
    """Supp. No. 2: a row that turns on an unanswered fact neither catches nor clears."""
    match = match_row(regs.etl.row(f"SUPP2-{row:03d}"), _etl_transfer(facts), regs.usml)
    assert match.caught is None
    assert match.missing[: len(missing)] == missing


def test_etl_caught_transfer_fails_126_7_b_3(regs: Regulations) -> None:
    """22 CFR 126.7(b)(3): an article identified in Supp. No. 2 is ineligible."""
    result = check_aukus(make(answers={"classified": True}), regs)
    assert result.status == "not_eligible"
    assert req(result, "22 CFR 126.7(b)(3)").status == "fail"
    assert result.excluded_rows == ("SUPP2-013",)


def test_etl_unknown_leaves_126_7_undetermined_with_the_rows_question(regs: Regulations) -> None:
    result = check_aukus(without_answer("classified"), regs)
    assert result.status == "undetermined"
    assert req(result, "22 CFR 126.7(b)(3)").status == "unknown"
    assert questions(result) == {"classified"}


# --------------------------------------------------------------------------------------------
# 22 CFR 126.7(a): the activities


@pytest.mark.parametrize("activity", IFR["requirements"][0]["activities"])
def test_126_7_a_every_listed_activity_is_covered(activity: str, ifr: Regulations) -> None:
    """22 CFR 126.7(a): export, reexport, retransfer, temporary import, defense services,
    brokering."""
    result = check_aukus(make(activity=activity), ifr)
    assert req(result, "22 CFR 126.7(a)").status == "pass"


def test_126_7_a_unknown_activity_is_an_open_question(ifr: Regulations) -> None:
    result = check_aukus(make(activity=None), ifr)
    assert result.status == "undetermined"
    assert req(result, "22 CFR 126.7(a)").status == "unknown"
    assert questions(result) == {"activity"}


# --------------------------------------------------------------------------------------------
# 22 CFR 126.7(b)(1): "to or within the physical territory of Australia, the United Kingdom, or
# the United States"


@pytest.mark.parametrize(
    ("fields", "why"),
    [
        ({"from_country": "US", "to_country": "GB"}, "export to the UK"),
        ({"from_country": "AU", "to_country": "AU", "activity": "retransfer"}, "within Australia"),
        ({"from_country": "GB", "to_country": "AU", "activity": "reexport"}, "UK to Australia"),
        ({"from_country": "AU", "to_country": "US", "activity": "temporary_import"}, "into US"),
    ],
)
def test_126_7_b_1_within_aukus_passes(fields: dict[str, Any], why: str, ifr: Regulations) -> None:
    recipient = party(AU_AUTHORIZED_USER, country=fields["to_country"])
    transferor = party(AU_AUTHORIZED_USER, role="transferor", country=fields["from_country"])
    if fields["from_country"] == "US":
        transferor = US_EXPORTER
    result = check_aukus(make(parties=[transferor, recipient], **fields), ifr)
    assert req(result, "22 CFR 126.7(b)(1)").status == "pass", why
    assert result.status == "eligible", why


@pytest.mark.parametrize(
    ("fields", "why"),
    [
        ({"to_country": "JP"}, "export to Japan"),
        ({"to_country": "CA"}, "export to Canada"),
        ({"from_country": "CA", "to_country": "CA", "activity": "retransfer"}, "within Canada"),
        ({"from_country": "AU", "to_country": "NZ", "activity": "reexport"}, "AU to NZ"),
    ],
)
def test_126_7_b_1_to_or_within_another_country_fails(
    fields: dict[str, Any], why: str, ifr: Regulations
) -> None:
    recipient = party(AU_AUTHORIZED_USER, country=fields["to_country"])
    result = check_aukus(make(parties=[US_EXPORTER, recipient], **fields), ifr)
    assert req(result, "22 CFR 126.7(b)(1)").status == "fail", why
    assert result.status == "not_eligible"


def test_126_7_b_1_intermediate_consignee_in_third_country_fails(ifr: Regulations) -> None:
    consignee = {
        "role": "intermediate_consignee",
        "name": "Lion City Freight",
        "country": "SG",
        "kind": "other",
        "authorized_user": True,
    }
    result = check_aukus(make(parties=[US_EXPORTER, consignee, AU_AUTHORIZED_USER]), ifr)
    assert req(result, "22 CFR 126.7(b)(1)").status == "fail"
    assert result.status == "not_eligible"


def test_126_7_b_1_end_user_outside_aukus_fails(ifr: Regulations) -> None:
    end_user = {"role": "end_user", "country": "JP", "kind": "other", "authorized_user": False}
    result = check_aukus(make(parties=[US_EXPORTER, AU_AUTHORIZED_USER, end_user]), ifr)
    assert req(result, "22 CFR 126.7(b)(1)").status == "fail"


def test_126_7_b_1_unknown_destination_is_open(ifr: Regulations) -> None:
    result = check_aukus(make(to_country=None), ifr)
    assert result.status == "undetermined"
    assert req(result, "22 CFR 126.7(b)(1)").status == "unknown"
    assert "to_country" in questions(result)


# --------------------------------------------------------------------------------------------
# 22 CFR 126.7(b)(2): the parties


def _parties_status(regs: Regulations, *parties: dict[str, Any]) -> tuple[str, str]:
    result = check_aukus(make(parties=list(parties)), regs)
    return req(result, "22 CFR 126.7(b)(2)").status, result.status


def test_126_7_b_2_i_unregistered_us_person_fails(ifr: Regulations, final: Regulations) -> None:
    """(b)(2)(i) requires DDTC registration (§§ 122.1, 129.3)."""
    exporter = party(US_EXPORTER, ddtc_registered=False, authorized_user=False)
    for regs in (ifr, final):
        assert _parties_status(regs, exporter, AU_AUTHORIZED_USER) == ("fail", "not_eligible")


def test_126_7_b_2_i_ifr_debarred_fails_and_120_16_is_not_asked(ifr: Regulations) -> None:
    """Interim rule (b)(2)(i): "registered ... and not debarred under § 127.7".  (b)(2) does not
    ask § 120.16 eligibility then — but § 120.15(b) does, of every exemption ("may not be
    utilized for transactions in which the exporter, any party to the export, ... is generally
    ineligible as set forth in § 120.16"): the exemption is open until it is known (this test
    said "eligible" before § 120.15(b) was read)."""
    debarred = party(US_EXPORTER, not_debarred=False, eligible_120_16=None, authorized_user=False)
    assert _parties_status(ifr, debarred, AU_AUTHORIZED_USER) == ("fail", "not_eligible")
    not_asked = party(US_EXPORTER, eligible_120_16=None)
    assert _parties_status(ifr, not_asked, AU_AUTHORIZED_USER) == ("pass", "undetermined")
    result = check_aukus(make(parties=[not_asked, AU_AUTHORIZED_USER]), ifr)
    assert req(result, "22 CFR 120.15(b)").status == "unknown"
    assert questions(result) == {"eligible_120_16"}


def test_126_7_b_2_i_final_ineligible_under_120_16_fails(final: Regulations) -> None:
    """Final rule (b)(2)(i): "registered ... and eligible under § 120.16"."""
    ineligible = party(US_EXPORTER, eligible_120_16=False, authorized_user=False)
    assert _parties_status(final, ineligible, AU_AUTHORIZED_USER) == ("fail", "not_eligible")
    debarment_not_asked = party(US_EXPORTER, not_debarred=None)
    assert _parties_status(final, debarment_not_asked, AU_AUTHORIZED_USER) == ("pass", "eligible")
    unknown = party(US_EXPORTER, eligible_120_16=None)
    status, overall = _parties_status(final, unknown, AU_AUTHORIZED_USER)
    assert (status, overall) == ("unknown", "undetermined")


def test_126_7_b_2_i_final_debarred_person_is_ineligible_under_120_16(final: Regulations) -> None:
    """Final rule (b)(2)(i) + § 120.16(c): persons "who have been debarred pursuant to part 127
    or 128 ... are generally ineligible".  A U.S. person known to be debarred is therefore not
    "eligible under § 120.16", even when nobody answered the § 120.16 question."""
    debarred = party(US_EXPORTER, not_debarred=False, eligible_120_16=None, authorized_user=False)
    assert _parties_status(final, debarred, AU_AUTHORIZED_USER) == ("fail", "not_eligible")


@pytest.mark.parametrize("kind,country", [("uk_government", "GB"), ("au_government", "AU")])
def test_126_7_b_2_ii_uk_and_au_government_departments(
    kind: str, country: str, ifr: Regulations, final: Regulations
) -> None:
    """(b)(2)(ii): the final rule adds "United Kingdom national-level government department or
    agency, or Australian federal government department or agency"; under the interim rule
    such a department is eligible only as an Authorized User ((b)(2)(iii))."""
    department = {"role": "recipient", "country": country, "kind": kind, "eligible_120_16": True}
    assert _parties_status(final, US_EXPORTER, department) == ("pass", "eligible")
    assert _parties_status(ifr, US_EXPORTER, {**department, "authorized_user": False}) == (
        "fail",
        "not_eligible",
    )
    assert _parties_status(ifr, US_EXPORTER, {**department, "authorized_user": True}) == (
        "pass",
        "eligible",
    )
    assert _parties_status(ifr, US_EXPORTER, department) == ("unknown", "undetermined")


def test_126_7_b_2_ii_us_government_under_both_versions(
    ifr: Regulations, final: Regulations
) -> None:
    agency = {
        "role": "transferor",
        "name": "U.S. Navy",
        "country": "US",
        "kind": "us_government",
        "eligible_120_16": True,
    }
    for regs in (ifr, final):
        assert _parties_status(regs, agency, AU_AUTHORIZED_USER) == ("pass", "eligible")


def test_126_7_b_2_iii_foreign_party_must_be_an_authorized_user(ifr: Regulations) -> None:
    not_listed = party(AU_AUTHORIZED_USER, authorized_user=False)
    assert _parties_status(ifr, US_EXPORTER, not_listed) == ("fail", "not_eligible")
    unknown = party(AU_AUTHORIZED_USER, authorized_user=None)
    result = check_aukus(make(parties=[US_EXPORTER, unknown]), ifr)
    assert result.status == "undetermined" and "authorized_user" in questions(result)


def test_126_7_b_2_iii_broker_needs_129_3_registration(
    ifr: Regulations, final: Regulations
) -> None:
    """(b)(2)(iii): an Authorized User "if engaging in brokering activities, registered with DDTC
    pursuant to § 129.3"."""
    broker = {
        "role": "broker",
        "name": "Thames Defence Brokers",
        "country": "GB",
        "kind": "other",
        "authorized_user": True,
        "eligible_120_16": True,
    }
    for regs in (ifr, final):
        assert _parties_status(
            regs, US_EXPORTER, AU_AUTHORIZED_USER, {**broker, "registered_129_3": True}
        ) == ("pass", "eligible")
        assert _parties_status(
            regs, US_EXPORTER, AU_AUTHORIZED_USER, {**broker, "registered_129_3": False}
        ) == ("fail", "not_eligible")
        assert _parties_status(regs, US_EXPORTER, AU_AUTHORIZED_USER, broker) == (
            "unknown",
            "undetermined",
        )


def test_126_7_b_2_i_us_broker_needs_its_129_3_registration(
    ifr: Regulations, final: Regulations
) -> None:
    """(b)(2)(i): a U.S. person "registered with the applicable [DDTC] registration pursuant to
    §§ 122.1 and 129.3"; for a broker the applicable registration is § 129.3 (part 129), so a
    U.S. broker known not to be registered under § 129.3 is not eligible."""
    broker = {
        "role": "broker",
        "country": "US",
        "kind": "us_person",
        "ddtc_registered": True,
        "not_debarred": True,
        "eligible_120_16": True,
        "authorized_user": False,
        "registered_129_3": False,
    }
    for regs in (ifr, final):
        assert _parties_status(regs, US_EXPORTER, AU_AUTHORIZED_USER, broker)[0] == "fail"


def test_126_7_b_2_unknown_parties_are_open(ifr: Regulations) -> None:
    result = check_aukus(make(parties=None), ifr)
    assert result.status == "undetermined"
    assert "parties" in questions(result)


def test_126_7_b_2_party_of_unknown_kind_is_open_not_ineligible(
    ifr: Regulations, final: Regulations
) -> None:
    """(b)(2): a transferor whose kind is not known, registered with DDTC, not debarred and
    eligible under § 120.16 but not an Authorized User, may be a U.S. person ((b)(2)(i)) or a
    government agency ((b)(2)(ii)): the requirement is open, not failed."""
    unknown_kind = party(US_EXPORTER, kind=None, authorized_user=False)
    for regs in (ifr, final):
        result = check_aukus(make(parties=[unknown_kind, AU_AUTHORIZED_USER]), regs)
        assert req(result, "22 CFR 126.7(b)(2)").status == "unknown"
        assert result.status == "undetermined"


def test_126_7_b_2_known_ineligible_party_fails_before_the_others_are_known(
    ifr: Regulations,
) -> None:
    """(b)(2): "The transferor, recipient, or broker must each be" an eligible party.  A recipient
    known to be none of (i)-(iii) fails the exemption whoever the transferor turns out to be."""
    not_listed = party(AU_AUTHORIZED_USER, authorized_user=False)
    result = check_aukus(make(parties=[not_listed]), ifr)
    assert req(result, "22 CFR 126.7(b)(2)").status == "fail"
    assert result.status == "not_eligible"


# --------------------------------------------------------------------------------------------
# 22 CFR 126.7(b)(4): § 123.15(a) amounts and manufacturing abroad of SME


def _b4(regs: Regulations, **fields: Any) -> str:
    return req(check_aukus(make(**fields), regs), "22 CFR 126.7(b)(4)").status


def test_126_7_b_4_amounts_of_123_15_a_2_for_australia_and_the_uk(ifr: Regulations) -> None:
    """§ 123.15(a)(2) (NATO, Australia, ...): MDE $25M or more, articles/services $100M or more."""
    row = THRESHOLDS["22 CFR 123.15(a)(2)"]
    das, mde = row["defense_articles_and_services"], row["major_defense_equipment"]
    for to, recipient in (
        ("AU", AU_AUTHORIZED_USER),
        ("GB", party(AU_AUTHORIZED_USER, country="GB")),
    ):
        parties = [US_EXPORTER, recipient]
        no = {"major_defense_equipment": False}
        yes = {"major_defense_equipment": True}
        assert _b4(ifr, to_country=to, parties=parties, value_usd=das - 1, answers=no) == "pass"
        assert _b4(ifr, to_country=to, parties=parties, value_usd=das, answers=no) == "fail"
        assert _b4(ifr, to_country=to, parties=parties, value_usd=mde - 1, answers=yes) == "pass"
        assert _b4(ifr, to_country=to, parties=parties, value_usd=mde, answers=yes) == "fail"


def test_126_7_b_4_amounts_of_123_15_a_1_elsewhere(ifr: Regulations) -> None:
    """§ 123.15(a)(1) (other countries): MDE $14M or more, articles/services $50M or more.  The
    transfer fails (b)(1) anyway; the requirement itself reads the (a)(1) amounts."""
    row = THRESHOLDS["22 CFR 123.15(a)(1)"]
    das, mde = row["defense_articles_and_services"], row["major_defense_equipment"]
    no, yes = {"major_defense_equipment": False}, {"major_defense_equipment": True}
    assert _b4(ifr, to_country="SG", value_usd=das - 1, answers=no) == "pass"
    assert _b4(ifr, to_country="SG", value_usd=das, answers=no) == "fail"
    assert _b4(ifr, to_country="SG", value_usd=mde - 1, answers=yes) == "pass"
    assert _b4(ifr, to_country="SG", value_usd=mde, answers=yes) == "fail"


def test_126_7_b_4_amount_of_123_15_a_3_for_category_i_firearms(ifr: Regulations) -> None:
    """§ 123.15(a)(3): Category I(a)-(g), $1,000,000 or more, to any country."""
    amount = THRESHOLDS["22 CFR 123.15(a)(3)"]["defense_articles_and_services"]
    firearm = {"usml_classification": "I(a)", "answers": {"major_defense_equipment": False}}
    assert _b4(ifr, value_usd=amount - 1, **firearm) == "pass"
    assert _b4(ifr, value_usd=amount, **firearm) == "fail"
    assert _b4(ifr, value_usd=amount, usml_classification="II(a)(1)") == "pass"


def test_126_7_b_4_mde_unknown_above_the_mde_amount_is_open(ifr: Regulations) -> None:
    row = THRESHOLDS["22 CFR 123.15(a)(2)"]
    result = check_aukus(make(value_usd=row["major_defense_equipment"]), ifr)
    assert req(result, "22 CFR 126.7(b)(4)").status == "unknown"
    assert questions(result) == {"major_defense_equipment"}
    below = check_aukus(make(value_usd=row["major_defense_equipment"] - 1), ifr)
    assert req(below, "22 CFR 126.7(b)(4)").status == "pass"


def test_126_7_b_4_unknown_value_is_open(ifr: Regulations) -> None:
    result = check_aukus(make(value_usd=None), ifr)
    assert result.status == "undetermined" and questions(result) == {"value_usd"}


def test_126_7_b_4_manufacturing_abroad_of_sme(ifr: Regulations) -> None:
    """(b)(4): "does not involve the manufacturing abroad of significant military equipment"."""
    sme = check_aukus(make(answers={"manufacturing_abroad_sme": True}), ifr)
    assert req(sme, "22 CFR 126.7(b)(4)").status == "fail" and sme.status == "not_eligible"
    unknown = check_aukus(without_answer("manufacturing_abroad_sme"), ifr)
    assert unknown.status == "undetermined"
    assert questions(unknown) == {"manufacturing_abroad_sme"}


# --------------------------------------------------------------------------------------------
# 22 CFR 126.7(b)(5): § 123.9(b)


def test_126_7_b_5_transferor_must_comply_with_123_9_b(
    ifr: Regulations, final: Regulations
) -> None:
    for regs in (ifr, final):
        no = check_aukus(make(answers={"transferor_complies_123_9_b": False}), regs)
        assert req(no, "22 CFR 126.7(b)(5)").status == "fail" and no.status == "not_eligible"
        unknown = check_aukus(without_answer("transferor_complies_123_9_b"), regs)
        assert unknown.status == "undetermined"
        assert questions(unknown) == {"transferor_complies_123_9_b"}
        (q,) = unknown.open_questions
        assert q.citation == "22 CFR 126.7(b)(5)"


def test_undetermined_lists_every_open_fact_and_is_never_eligible(ifr: Regulations) -> None:
    raw = copy.deepcopy(BASE)
    raw["answers"] = {}
    raw["value_usd"] = None
    result = check_aukus(transfer_from_mapping(raw, ifr), ifr)
    assert result.status == "undetermined"
    assert questions(result) == {
        "classified",
        "anti_tamper_dod_ppp",
        "anti_tamper_installed",
        "value_usd",
        "manufacturing_abroad_sme",
        "transferor_complies_123_9_b",
    }
    auth = authorize(transfer_from_mapping(raw, ifr), ifr)
    assert auth.outcome == "undetermined" and auth.exemption is None


def test_a_failure_is_not_eligible_even_with_facts_open(ifr: Regulations) -> None:
    result = check_aukus(make(to_country="JP", value_usd=None), ifr)
    assert result.status == "not_eligible"
    assert result.open_questions == ()


# --------------------------------------------------------------------------------------------
# Dated: § 126.7 exists from 2024-09-01; the final rule applies from 2025-12-30


def test_126_7_not_in_force_on_2024_08_31() -> None:
    regs = regulations("2024-08-31")
    result = check_aukus(make(), regs)
    assert result.status == "not_in_force" and result.version is None
    assert result.requirements == ()
    auth = authorize(make(), regs)
    assert auth.outcome == "license_required" and auth.exemption is None
    assert regs.rule_in_force("22 CFR 126.7").id == "itar-126.7-none"


@pytest.mark.parametrize(
    ("day", "version"),
    [
        ("2024-09-01", "itar-126.7-ifr-2024"),
        ("2025-12-29", "itar-126.7-ifr-2024"),
        ("2025-12-30", "itar-126.7-final-2025"),
    ],
)
def test_126_7_version_by_date(day: str, version: str) -> None:
    regs = regulations(day)
    result = check_aukus(make(), regs)
    assert (result.status, result.version) == ("eligible", version)
    assert regs.rule_in_force("22 CFR 126.7").id == version
    assert authorize(make(), regs).exemption == "126.7"


def test_version_dates_are_those_of_the_data() -> None:
    # each version is in force from its date until the next takes effect (one resolver)
    assert IFR["effective_from"] == "2024-09-01" and FINAL["effective_from"] == "2025-12-30"
    dated = regulations(IFR_DAY).rule_versions["22 CFR 126.7"]
    until = {v.value.id: dated.effective_until(v) for v in dated.versions}
    assert until["itar-126.7-ifr-2024"] == dt.date(2025, 12, 29)
    assert until["itar-126.7-final-2025"] is None


def test_uk_government_department_switches_on_2025_12_30() -> None:
    """(b)(2)(ii) of the final rule: a UK national-level department that is not an Authorized
    User is not eligible on 2025-12-29 and eligible on 2025-12-30."""
    department = {
        "role": "recipient",
        "name": "UK Ministry of Defence",
        "country": "GB",
        "kind": "uk_government",
        "authorized_user": False,
        "eligible_120_16": True,
    }
    transfer = make(to_country="GB", parties=[US_EXPORTER, department])
    before = check_aukus(transfer, regulations("2025-12-29"))
    after = check_aukus(transfer, regulations("2025-12-30"))
    assert (before.status, req(before, "22 CFR 126.7(b)(2)").status) == ("not_eligible", "fail")
    assert (after.status, req(after, "22 CFR 126.7(b)(2)").status) == ("eligible", "pass")


def test_debarment_question_switches_on_2025_12_30() -> None:
    """(b)(2)(i): "not debarred" (interim) became "eligible under § 120.16" (final).

    The exporter is not debarred but ineligible under § 120.16 for another reason (§ 120.16(c):
    e.g. under indictment).  (b)(2)(i) of the interim rule does not ask it — but § 120.15(b)
    bars every exemption "for transactions in which the exporter, any party to the export, ...
    is generally ineligible as set forth in § 120.16", so the exemption fails under both rules
    (this test said "eligible" under the interim rule before § 120.15(b) was read)."""
    exporter = party(US_EXPORTER, not_debarred=True, eligible_120_16=False, authorized_user=False)
    transfer = make(parties=[exporter, AU_AUTHORIZED_USER])
    before = check_aukus(transfer, regulations("2025-12-29"))
    after = check_aukus(transfer, regulations("2025-12-30"))
    assert req(before, "22 CFR 126.7(b)(2)").status == "pass"
    assert req(after, "22 CFR 126.7(b)(2)").status == "fail"
    assert req(before, "22 CFR 120.15(b)").status == "fail"
    assert before.status == after.status == "not_eligible"


# --------------------------------------------------------------------------------------------
# 22 CFR 126.1 before any exemption


def test_126_1_d_1_china_is_prohibited_before_any_exemption(ifr: Regulations) -> None:
    end_user = {"role": "end_user", "country": "CN", "kind": "other", "authorized_user": True}
    transfer = make(parties=[US_EXPORTER, AU_AUTHORIZED_USER, end_user])
    auth = authorize(transfer, ifr)
    assert auth.outcome == "prohibited" and auth.exemption is None
    assert [p.id for p in auth.proscribed] == ["22 CFR 126.1(d)(1)"]
    assert auth.exemptions == ()


def test_126_1_d_1_transit_through_china_is_prohibited(ifr: Regulations) -> None:
    auth = authorize(make(transit_countries=["CN"]), ifr)
    assert auth.outcome == "prohibited"
    assert [p.facts["country"] for p in auth.proscribed] == ["CN"]


@pytest.mark.parametrize(
    ("country", "citation"), [("RU", "22 CFR 126.1(l)"), ("IQ", "22 CFR 126.1(f)")]
)
def test_126_1_d_2_country_is_prohibited_before_any_exemption(
    country: str, citation: str, ifr: Regulations
) -> None:
    recipient = party(AU_AUTHORIZED_USER, country=country)
    auth = authorize(make(to_country=country, parties=[US_EXPORTER, recipient]), ifr)
    assert auth.outcome == "prohibited"
    assert [p.id for p in auth.proscribed] == [citation]


def test_126_1_r_cyprus_during_its_suspension_is_not_prohibited() -> None:
    """22 CFR 126.1(r): the policy of denial for Cyprus is suspended (dates from the data)."""
    cyprus = _cyprus_suspensions()
    during = dt.date.fromisoformat(cyprus[0]["from"]) + dt.timedelta(days=30)
    before = dt.date.fromisoformat(cyprus[0]["from"]) - dt.timedelta(days=1)
    recipient = party(AU_AUTHORIZED_USER, country="CY")
    transfer = make(to_country="CY", parties=[US_EXPORTER, recipient])
    suspended = authorize(transfer, regulations(during))
    assert suspended.outcome == "license_required" and suspended.proscribed == ()
    assert proscribed(transfer, regulations(during)) == ()
    assert {e.exemption: e.status for e in suspended.exemptions}["126.7"] == "not_eligible"
    assert authorize(transfer, regulations(before)).outcome == "prohibited"


def _cyprus_suspensions() -> list[dict[str, Any]]:
    countries = load_json("countries.json")["itar_126_1"]["d2"]["countries"]
    (cy,) = [c for c in countries if c["iso2"] == "CY"]
    suspensions: list[dict[str, Any]] = cy["suspensions"]
    return suspensions


# --------------------------------------------------------------------------------------------
# 22 CFR 126.5: Canada

#: § 126.5(b) is "subject to meeting the requirements of this subchapter, to include ... 120.16":
#: every party is known eligible under § 120.16.
CA_RECIPIENT: dict[str, Any] = {
    "role": "recipient",
    "name": "Maple Aero Ltd.",
    "country": "CA",
    "kind": "canadian_registered_person",
    "eligible_120_16": True,
}
#: Answers to the Supp. No. 1 rows whose 126.5 column reads every USML category.
CA_ANSWERS: dict[str, Any] = {
    "congressional_notification_required": False,
    "for_nuclear_weapons_strategic_delivery_system": False,
}


def canada(**fields: Any) -> Transfer:
    answers = {**CA_ANSWERS, **fields.pop("answers", {})}
    defaults: dict[str, Any] = {
        "transfer_id": "T-CA",
        "usml_classification": "VIII(h)(1)",
        "to_country": "CA",
        "parties": [US_EXPORTER, CA_RECIPIENT],
        "answers": answers,
    }
    return make(**{**defaults, **fields})


def test_126_5_b_export_to_canadian_registered_person_is_eligible(ifr: Regulations) -> None:
    result = check_canada(canada(), ifr)
    assert result.status == "eligible", result.requirements
    auth = authorize(canada(), ifr)
    assert (auth.outcome, auth.exemption) == ("exempt", "126.5")


def test_126_5_b_canadian_government_end_use_is_eligible(ifr: Regulations) -> None:
    dnd = {
        "role": "recipient",
        "country": "CA",
        "kind": "canadian_government",
        "eligible_120_16": True,
    }
    assert check_canada(canada(parties=[US_EXPORTER, dnd]), ifr).status == "eligible"


def test_126_5_b_transit_of_a_third_country_fails(ifr: Regulations) -> None:
    """126.5(b): "Except ... for exports that transit third countries"."""
    result = check_canada(canada(transit_countries=["MX"]), ifr)
    assert result.status == "not_eligible"
    assert any(r.status == "fail" and "transits MX" in r.detail for r in result.requirements)


def test_126_5_b_classified_fails(ifr: Regulations) -> None:
    """126.5(b): "unclassified defense articles and defense services"."""
    result = check_canada(canada(answers={"classified": True}), ifr)
    assert result.status == "not_eligible"


NOT_FOR_RETURN = {"for_return_to_united_states": False}


def test_126_5_b_end_user_not_canadian_registered_fails(ifr: Regulations) -> None:
    """126.5(b): "for end-use in Canada by Canadian Federal or Provincial governmental
    authorities ... or by a Canadian-registered person, or for return to the United States"."""
    other = party(CA_RECIPIENT, kind="other")
    result = check_canada(canada(parties=[US_EXPORTER, other], answers=NOT_FOR_RETURN), ifr)
    assert result.status == "not_eligible"


def test_126_5_b_for_return_to_the_united_states(ifr: Regulations) -> None:
    """126.5(b) "or for return to the United States": end use by others is then no obstacle;
    while that is not known the exemption is undetermined and asks it."""
    other = party(CA_RECIPIENT, kind="other")
    returning = {"for_return_to_united_states": True}
    assert check_canada(canada(parties=[US_EXPORTER, other], answers=returning), ifr).status == (
        "eligible"
    )
    unknown = check_canada(canada(parties=[US_EXPORTER, other]), ifr)
    assert unknown.status == "undetermined"
    assert questions(unknown) == {"for_return_to_united_states"}


def test_126_5_b_named_end_user_must_itself_be_eligible(ifr: Regulations) -> None:
    """126.5(b): the end use must be by a Canadian government authority or a Canadian-registered
    person; a Canadian-registered consignee passing the article to an end user that is neither
    does not make the end use eligible."""
    end_user = {"role": "end_user", "country": "CA", "kind": "other"}
    transfer = canada(parties=[US_EXPORTER, CA_RECIPIENT, end_user], answers=NOT_FOR_RETURN)
    assert check_canada(transfer, ifr).status == "not_eligible"


def test_supp1_row_39_nuclear_powered_vessel_excluded_from_126_5(regs: Regulations) -> None:
    """Supp. No. 1, row 39 (VI(a) "Nuclear powered vessels", 126.5 column marked): excluded;
    a conventionally powered warship is not."""
    row = regs.supp1.row("S1-039")
    assert "126.5" in row.excluded_from
    sme_ok = {"sme_non_transfer_and_use_assurances": True}
    nuclear = canada(
        usml_classification="VI(a)", answers={"nuclear_powered_vessel": True, **sme_ok}
    )
    conventional = canada(
        usml_classification="VI(a)", answers={"nuclear_powered_vessel": False, **sme_ok}
    )
    assert match_row(row, nuclear, regs.usml).caught is True
    assert match_row(row, conventional, regs.usml).caught is False
    assert check_canada(nuclear, regs).status == "not_eligible"
    assert check_canada(conventional, regs).status == "eligible"


@pytest.mark.parametrize("activity", ["reexport", "retransfer"])
def test_126_5_d_reexport_needs_ddtc_approval(activity: str, ifr: Regulations) -> None:
    """126.5(d): reexport/retransfer "must in all instances have the prior approval" of DDTC."""
    ca_holder = party(CA_RECIPIENT, role="transferor")
    other_ca = party(CA_RECIPIENT, name="Prairie Systems Inc.")
    result = check_canada(
        canada(activity=activity, from_country="CA", parties=[ca_holder, other_ca]), ifr
    )
    assert result.status == "not_eligible"
    assert req(result, "22 CFR 126.5(d)").status == "fail"


def test_126_5_d_reexport_to_the_united_states_needs_no_ddtc_approval(ifr: Regulations) -> None:
    """126.5(d): "from Canada to another destination, except the United States"."""
    ca_holder = party(CA_RECIPIENT, role="transferor")
    result = check_canada(
        canada(
            activity="reexport",
            from_country="CA",
            to_country="US",
            parties=[ca_holder, US_EXPORTER],
        ),
        ifr,
    )
    assert req(result, "22 CFR 126.5(d)").status != "fail"


def test_126_5_b_sme_needs_non_transfer_and_use_assurances(ifr: Regulations) -> None:
    """126.5(b): "the requirement to obtain non-transfer and use assurances for all significant
    military equipment"; XI(a)(3)(i) is SME."""
    assert ifr.usml_paragraph("XI(a)(3)(i)").sme
    sme = {"usml_classification": "XI(a)(3)(i)"}
    unknown = check_canada(canada(**sme), ifr)
    assert unknown.status == "undetermined"
    assert questions(unknown) == {"sme_non_transfer_and_use_assurances"}
    assured = {"sme_non_transfer_and_use_assurances": True}
    assert check_canada(canada(**sme, answers=assured), ifr).status == "eligible"
    refused = {"sme_non_transfer_and_use_assurances": False}
    assert check_canada(canada(**sme, answers=refused), ifr).status == "not_eligible"


def test_126_5_a_temporary_import_of_canadian_origin_article(ifr: Regulations) -> None:
    """126.5(a): temporary import and return to Canada of Canadian-origin unclassified articles;
    "All other temporary imports shall be in accordance with §§ 123.3 and 123.4"."""
    fields = {
        "activity": "temporary_import",
        "from_country": "CA",
        "to_country": "US",
        "parties": [party(CA_RECIPIENT, role="transferor"), party(US_EXPORTER, role="recipient")],
    }
    origin = check_canada(canada(**fields, answers={"canadian_origin_temporary_use": True}), ifr)
    assert req(origin, "22 CFR 126.5(a)").status == "pass"
    other = check_canada(canada(**fields, answers={"canadian_origin_temporary_use": False}), ifr)
    assert req(other, "22 CFR 126.5(a)").status == "fail" and other.status == "not_eligible"
    # (a) is its own exemption: the import comes *into* the United States, so the terms of (b)
    # for exports to Canada (destination Canada, end use in Canada) do not apply to it.
    assert origin.status == "eligible", [(r.id, r.status, r.detail) for r in origin.requirements]
    assert authorize(
        canada(**fields, answers={"canadian_origin_temporary_use": True}), ifr
    ).outcome == ("exempt")


def test_126_5_a_unknown_origin_leaves_a_temporary_import_open(ifr: Regulations) -> None:
    """126.5(a): while it is not known whether the temporarily imported article is of Canadian
    origin, the Canadian exemption is undetermined — not refused on (b)'s list of activities."""
    fields = {
        "activity": "temporary_import",
        "from_country": "CA",
        "to_country": "US",
        "parties": [party(CA_RECIPIENT, role="transferor"), party(US_EXPORTER, role="recipient")],
    }
    result = check_canada(canada(**fields), ifr)
    assert result.status == "undetermined", [
        (r.id, r.status, r.detail) for r in result.requirements
    ]
    assert "canadian_origin_temporary_use" in questions(result)


@pytest.mark.parametrize(
    ("change", "why"),
    [
        ({"transfer_kind": "defense_service"}, "defense_service is not covered"),
        ({"from_country": "GB"}, "GB is not covered (CA)"),
        ({"to_country": "GB"}, "GB is not covered (US)"),
    ],
)
def test_126_5_a_is_a_temporary_import_of_articles_from_canada_into_the_united_states(
    ifr: Regulations, change: dict[str, Any], why: str
) -> None:
    """126.5(a): "the temporary import ... of any unclassified defense articles that originate in
    Canada for temporary use in the United States and return to Canada".  The answer "of
    Canadian origin, for temporary use" does not make a defense service, an import from the UK,
    or an import into the UK eligible (a fuzz draw found GB -> GB services 'exempt')."""
    fields = {
        "activity": "temporary_import",
        "from_country": "CA",
        "to_country": "US",
        "parties": [party(CA_RECIPIENT, role="transferor"), party(US_EXPORTER, role="recipient")],
        "answers": {"canadian_origin_temporary_use": True},
    }
    assert check_canada(canada(**fields), ifr).status == "eligible"
    result = check_canada(canada(**{**fields, **change}), ifr)
    assert result.status == "not_eligible"
    assert why in req(result, "22 CFR 126.5(a)").detail
    assert authorize(canada(**{**fields, **change}), ifr).outcome != "exempt"


def test_126_5_a_unknown_kind_or_origin_stays_open(ifr: Regulations) -> None:
    fields = {
        "activity": "temporary_import",
        "to_country": "US",
        "parties": [party(CA_RECIPIENT, role="transferor"), party(US_EXPORTER, role="recipient")],
        "answers": {"canadian_origin_temporary_use": True},
    }
    result = check_canada(canada(**fields, from_country=None), ifr)
    assert result.status == "undetermined" and "from_country" in questions(result)


def test_126_5_export_to_australia_is_not_canadian(ifr: Regulations) -> None:
    assert check_canada(make(), ifr).status == "not_eligible"


def test_126_5_b_covers_exports_to_canada_only(ifr: Regulations) -> None:
    """126.5(b): "the permanent and temporary export to Canada without a license"; "for return to
    the United States" is an end use of such an export, not a second destination.  A shipment
    from Australia to a U.S. company is no export to Canada."""
    recipient = party(US_EXPORTER, role="recipient")
    au_sender = party(AU_AUTHORIZED_USER, role="transferor")
    transfer = canada(from_country="AU", to_country="US", parties=[au_sender, recipient])
    assert check_canada(transfer, ifr).status == "not_eligible"


def test_126_5_b_end_user_requirement_open_while_destination_unknown(ifr: Regulations) -> None:
    """126.5(b) "or for return to the United States": while the destination is unknown the
    end-user requirement cannot fail on a U.S. recipient — the engine itself passes it once the
    destination is the United States (adding a fact must not turn a failure into a pass)."""
    recipient = party(US_EXPORTER, role="recipient")
    transfer = canada(to_country=None, parties=[US_EXPORTER, recipient])
    end_user = [r for r in check_canada(transfer, ifr).requirements if "end_users" in r.facts]
    assert [r.status for r in end_user] == ["unknown"]


# ============================================================================================
# Fail closed on every input: vague, missing, malformed or contradictory facts never give an
# exemption.


def _leaves(regs: Regulations, ref: USMLRef) -> list[USMLParagraph]:
    """The precise paragraphs beneath ``ref`` (or ``ref`` itself), read from the bundled USML:
    not reserved, and without a sub-paragraph that is not reserved."""
    beneath = [p for p in regs.usml.paragraphs if p.ref.is_within(ref) and not p.reserved]
    parents = {p.parent for p in beneath}
    return [p for p in beneath if p.ref not in parents]


def _with(facts: dict[str, Any], **changes: Any) -> Transfer:
    """BASE overlaid with a case's facts (its answers added to BASE's)."""
    fields = {k: v for k, v in {**facts, **changes}.items() if k != "answers"}
    return make(**fields, answers={**facts.get("answers", {}), **changes.get("answers", {})})


# --------------------------------------------------------------------------------------------
# A USML reference must exist, and a reference above the leaf stands for "some paragraph beneath"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("usml_classification", "XI(a)(3)(xl)"),
        ("usml_classification", "IV(z)"),
        ("usml_classification", "XI(a)(3)(xviii)(A)"),
        ("related_to", ["XI(a)(3)(xl)"]),
        ("related_to", "XI(a)(3)(i);IV(z)"),
        ("specially_designed_for", ["IV(z)"]),
        ("specially_designed_for", ["XI(a)(3)(i)", "XI(a)(3)(xl)"]),
    ],
)
def test_a_usml_reference_that_does_not_exist_is_an_input_error(field: str, value: Any) -> None:
    """22 CFR 121.1 as bundled: a well-formed reference that names no paragraph is bad input,
    named by its field — never read as "outside every ETL row"."""
    with pytest.raises(FactError) as exc:
        make(**{field: value})
    assert exc.value.field == field
    assert "does not exist" in str(exc.value)


def test_a_reserved_usml_paragraph_is_an_input_error(regs: Regulations) -> None:
    """A reserved paragraph describes no article: every one of them is refused."""
    reserved = [p.ref for p in regs.usml.paragraphs if p.reserved and p.range_end is None]
    assert reserved
    for ref in reserved:
        for field, value in (("usml_classification", str(ref)), ("related_to", [str(ref)])):
            with pytest.raises(FactError) as exc:
                make(**{field: value})
            assert exc.value.field == field and "reserved" in str(exc.value), ref


def test_a_csv_row_with_a_reference_that_does_not_exist_is_an_input_error() -> None:
    with pytest.raises(FactError) as exc:
        transfer_from_csv_row({"transfer_id": "C", "usml_classification": "IV(z)"}, PARSE_LAW)
    assert exc.value.field == "usml_classification"
    row = {"transfer_id": "C", "usml_classification": "XI(d)", "related_to": "XI(a)(3)(xl)"}
    with pytest.raises(FactError) as exc:
        transfer_from_csv_row(row, regulations(IFR_DAY))
    assert exc.value.field == "related_to"


@pytest.mark.parametrize("check", [check_aukus, check_canada, authorize])
def test_the_engine_refuses_a_reference_that_names_nothing(check: Any, ifr: Regulations) -> None:
    """A transfer built in code is checked like a parsed one."""
    for field, value in (
        ("usml_classification", USMLRef("IV", ("z",))),
        ("related_to", (USMLRef("XI", ("a", "3", "xl")),)),
        ("specially_designed_for", (USMLRef("IV", ("z",)),)),
    ):
        with pytest.raises(FactError) as exc:
            check(attrs.evolve(make(), **{field: value}), ifr)
        assert exc.value.field == field


@pytest.mark.parametrize("ref", ["XI(a)", "XI", "XI(a)(3)"])
def test_a_classified_radar_given_above_its_paragraph_is_not_eligible(
    ref: str, ifr: Regulations
) -> None:
    """Supp. No. 2, row 13 catches classified XI(a)(3)(xviii) radars.  Entered as a parent or
    the category, the radar may be that paragraph: § 126.7 stays undetermined and asks which
    paragraph — it is never eligible."""
    exact = check_aukus(make(answers={"classified": True}), ifr)
    assert exact.status == "not_eligible" and "SUPP2-013" in exact.excluded_rows
    vague = check_aukus(make(usml_classification=ref, answers={"classified": True}), ifr)
    assert vague.status == "undetermined"
    assert req(vague, "22 CFR 126.7(b)(3)").status == "unknown"
    (question,) = [q for q in vague.open_questions if q.id == "usml_classification"]
    assert "last sub-paragraph" in question.text
    assert authorize(make(usml_classification=ref, answers={"classified": True}), ifr).outcome == (
        "undetermined"
    )


def _vague_cases() -> list[Any]:
    """Every ETL example a row catches, with one of its USML references replaced by each
    reference above it (a parent paragraph or the category)."""
    out = []
    for row, facts, expected, why in ETL_CASES:
        if not expected:
            continue
        refs: list[tuple[str, int | None, str]] = [
            ("usml_classification", None, facts["usml_classification"])
        ]
        for field in ("related_to", "specially_designed_for"):
            refs += [(field, n, r) for n, r in enumerate(facts.get(field) or ())]
        for field, n, text in refs:
            for above in parse_usml(text).ancestors():
                value: Any = str(above)
                if n is not None:
                    value = list(facts[field])
                    value[n] = str(above)
                out.append(
                    pytest.param(row, facts, field, value, id=f"row{row:02d}-{why}-{field}={above}")
                )
    return out


@pytest.mark.parametrize(("row", "facts", "field", "value"), _vague_cases())
def test_every_etl_row_stays_open_for_a_reference_above_a_paragraph_it_catches(
    row: int, facts: dict[str, Any], field: str, value: Any, regs: Regulations
) -> None:
    """A reference above the leaf stands for some paragraph beneath it — here one the row
    catches — so the row is caught or open (asking which paragraph), never "not caught"; and
    § 126.7(b)(3) never passes."""
    transfer = _with(facts, **{field: value})
    match = match_row(regs.etl.row(f"SUPP2-{row:03d}"), transfer, regs.usml)
    assert match.caught is not False, match.detail
    if match.caught is None:
        assert field in match.missing, match.missing
    result = check_aukus(transfer, regs)
    assert req(result, "22 CFR 126.7(b)(3)").status != "pass"
    assert result.status != "eligible"


@pytest.mark.parametrize("supplement", ["etl", "supp1"])
def test_every_row_stays_open_for_every_reference_above_its_column(
    supplement: str, regs: Regulations
) -> None:
    """Supp. No. 2 and Supp. No. 1: for every row, every paragraph or category above a
    paragraph of the row's USML column may stand for a paragraph the row names: with nothing
    else known the row is open (or caught), never "not caught"."""
    rows = regs.etl.rows if supplement == "etl" else regs.supp1.rows
    wrong = []
    for row in rows:
        kinds = sorted({k for e in row.entries for k in e.applies_to})
        for ref in row.usml_refs:
            for above in ref.ancestors():
                for kind in kinds:
                    transfer = Transfer("V", transfer_kind=kind, usml_classification=above)
                    match = match_row(row, transfer, regs.usml)
                    if match.caught is False or (
                        match.caught is None and "usml_classification" not in match.missing
                    ):
                        wrong.append((row.id, str(ref), str(above), kind, match.caught))
    assert wrong == []


def test_category_i_value_entered_as_the_category_does_not_skip_123_15_a_3(
    ifr: Regulations,
) -> None:
    """§ 123.15(a)(3): "Category I paragraphs (a) through (g) ... in an amount of $1,000,000 or
    more".  A $2M transfer of "Category I" may be such a firearm: § 126.7(b)(4) is open (which
    paragraph?), not passed; below the amount it passes whatever the paragraph."""
    row = THRESHOLDS["22 CFR 123.15(a)(3)"]
    amount = row["defense_articles_and_services"]
    within = [parse_usml(r) for r in row["usml_within"]]
    above = {a for r in within for a in r.ancestors()}
    assert above == {USMLRef("I")}
    for ref in above:
        vague = check_aukus(make(usml_classification=str(ref), value_usd=amount), ifr)
        assert req(vague, "22 CFR 126.7(b)(4)").status == "unknown"
        assert "usml_classification" in questions(vague)
        assert vague.status == "undetermined"
        below = check_aukus(make(usml_classification=str(ref), value_usd=amount - 1), ifr)
        assert req(below, "22 CFR 126.7(b)(4)").status == "pass"
    for ref in within:  # each paragraph of (a)-(g) (but reserved (f)), even a parent, reaches it
        if ifr.usml.get(ref).reserved:
            continue
        at = check_aukus(make(usml_classification=str(ref), value_usd=amount), ifr)
        assert req(at, "22 CFR 126.7(b)(4)").status == "fail", ref


def test_126_5_sme_is_open_for_a_reference_above_an_sme_paragraph(ifr: Regulations) -> None:
    """§ 126.5(b): non-transfer and use assurances "for all significant military equipment".
    A category or a parent paragraph with an SME paragraph beneath it may be SME: without the
    assurances the requirement is never passed; with them it passes."""
    vague = [
        ref
        for ref in [USMLRef(c) for c in USML_CATEGORIES] + [p.ref for p in ifr.usml.paragraphs]
        if any(leaf.sme for leaf in _leaves(ifr, ref))
        and [leaf.ref for leaf in _leaves(ifr, ref)] != [ref]
    ]
    assert len(vague) > 21
    wrong = []
    for ref in vague:
        transfer = canada(usml_classification=str(ref))
        sme = [r for r in check_canada(transfer, ifr).requirements if "sme" in r.facts]
        if [r.status for r in sme] != ["unknown"]:
            wrong.append(str(ref))
    assert wrong == []
    assured = canada(
        usml_classification="XI(a)", answers={"sme_non_transfer_and_use_assurances": True}
    )
    sme = [r for r in check_canada(assured, ifr).requirements if "sme" in r.facts]
    assert [r.status for r in sme] == ["pass"]


# --------------------------------------------------------------------------------------------
# § 126.1 must be cleared before any exemption: every country the transfer touches is known

#: An AUKUS transfer along a chain: a UK intermediate consignee and an Australian end user,
#: both Authorized Users.
AUKUS_CHAIN: list[dict[str, Any]] = [
    US_EXPORTER,
    AU_AUTHORIZED_USER,
    {
        "role": "intermediate_consignee",
        "country": "GB",
        "kind": "other",
        "authorized_user": True,
        "eligible_120_16": True,
    },
    {
        "role": "end_user",
        "country": "AU",
        "kind": "other",
        "authorized_user": True,
        "eligible_120_16": True,
    },
    {
        "role": "broker",
        "country": "GB",
        "kind": "other",
        "authorized_user": True,
        "registered_129_3": True,
        "eligible_120_16": True,
    },
]
#: The same for Canada: a Canadian-registered consignee and a Canadian government end user.
CANADA_CHAIN: list[dict[str, Any]] = [
    US_EXPORTER,
    CA_RECIPIENT,
    {
        "role": "intermediate_consignee",
        "country": "CA",
        "kind": "canadian_registered_person",
        "eligible_120_16": True,
    },
    {"role": "end_user", "country": "CA", "kind": "canadian_government", "eligible_120_16": True},
    {"role": "broker", "country": "US", "kind": "us_person", "eligible_120_16": True},
]


def _chain(which: str, **fields: Any) -> Transfer:
    if which == "126.7":
        return make(**{"parties": AUKUS_CHAIN, **fields})
    return canada(**{"parties": CANADA_CHAIN, **fields})


def _slots() -> list[Any]:
    out = []
    for which, chain in (("126.7", AUKUS_CHAIN), ("126.5", CANADA_CHAIN)):
        for field in ("from_country", "to_country", "transit_countries", "parties"):
            out.append(pytest.param(which, field, None, field, id=f"{which}-{field}"))
        for n, p in enumerate(chain):
            out.append(pytest.param(which, "parties", n, "parties", id=f"{which}-{p['role']}"))
    return out


@pytest.mark.parametrize(("which", "field", "n", "question"), _slots())
def test_no_exemption_while_a_country_of_the_transfer_is_unknown(
    which: str, field: str, n: int | None, question: str, ifr: Regulations
) -> None:
    """22 CFR 126.1(a): "The exemptions provided in this subchapter do not apply with respect to
    defense articles or defense services originating in or for export to any proscribed
    countries" — so no exemption before every country the transfer touches (from, to, transit,
    the party list, every party's country) is known.  Each slot blanked in turn."""
    known = _chain(which)
    assert authorize(known, ifr).outcome == "exempt"
    assert authorize(known, ifr).exemption == which
    if n is None:
        blank = _chain(which, **{field: None})
    else:
        chain = [dict(p) for p in (AUKUS_CHAIN if which == "126.7" else CANADA_CHAIN)]
        chain[n]["country"] = None
        blank = _chain(
            which, parties=[{k: v for k, v in p.items() if v is not None} for p in chain]
        )
    auth = authorize(blank, ifr)
    assert auth.outcome == "undetermined" and auth.exemption is None
    assert question in {q.id for q in auth.open_questions}
    check = check_aukus if which == "126.7" else check_canada
    assert check(blank, ifr).status != "eligible"


def test_126_5_b_transit_unknown_is_open_not_read_as_no_transit(ifr: Regulations) -> None:
    """126.5(b): "Except ... for exports that transit third countries": an unknown transit is
    asked, never taken for "no transit"."""
    result = check_canada(canada(transit_countries=None), ifr)
    (transit,) = [r for r in result.requirements if set(r.facts) == {"transit_countries"}]
    assert transit.status == "unknown"
    assert result.status == "undetermined" and "transit_countries" in questions(result)


# --------------------------------------------------------------------------------------------
# § 120.16: a debarred or ineligible party; contradictory party facts


@pytest.mark.parametrize("n", range(len(AUKUS_CHAIN)))
def test_a_debarred_party_said_to_be_eligible_under_120_16_is_an_input_error(n: int) -> None:
    """§ 120.16(c): persons "who have been debarred pursuant to part 127 or 128 of this
    subchapter ... are generally ineligible"; the one way round it is DDTC's prior written
    authorization (§ 120.15(b)), which no exemption gives.  Debarred and eligible cannot both
    hold: an error naming both facts and the paragraph, not a pass."""
    chain = [dict(p) for p in AUKUS_CHAIN]
    chain[n].update(not_debarred=False, eligible_120_16=True)
    with pytest.raises(ContradictoryPartyFacts) as exc:
        make(parties=chain)
    error = exc.value
    assert isinstance(error, FactError) and isinstance(error, ContradictoryFacts)
    assert error.field == f"parties[{n}].not_debarred,parties[{n}].eligible_120_16"
    assert error.citation == "22 CFR 120.16(c)" and "120.16(c)" in str(error)
    # Built in code, the same party is refused by the engine.
    transfer = make(parties=AUKUS_CHAIN)
    bad = list(transfer.parties or ())
    bad[n] = attrs.evolve(bad[n], not_debarred=False, eligible_120_16=True)
    for check in (check_aukus, check_canada, authorize):
        with pytest.raises(ContradictoryPartyFacts):
            check(attrs.evolve(transfer, parties=tuple(bad)), PARSE_LAW)
    # Not contradictory: debarment not known, or ineligible for another reason (§ 120.16(c)).
    chain[n].update(not_debarred=None, eligible_120_16=True)
    make(parties=[{k: v for k, v in p.items() if v is not None} for p in chain])
    chain[n].update(not_debarred=True, eligible_120_16=False)
    make(parties=chain)


@pytest.mark.parametrize("role", ["transferor", "recipient", "broker", "end_user"])
def test_a_csv_row_with_a_debarred_eligible_party_names_both_columns(role: str) -> None:
    row = {
        "transfer_id": "C",
        f"{role}_country": "US",
        f"{role}_not_debarred": "no",
        f"{role}_eligible_120_16": "yes",
    }
    with pytest.raises(ContradictoryPartyFacts) as exc:
        transfer_from_csv_row(row, PARSE_LAW)
    assert exc.value.field == f"{role}.not_debarred,{role}.eligible_120_16"


def _ineligible_cases() -> list[Any]:
    out = []
    for which, chain in (("126.7", AUKUS_CHAIN), ("126.5", CANADA_CHAIN)):
        for n, p in enumerate(chain):
            for flags in (
                {"not_debarred": False, "eligible_120_16": None},
                {"eligible_120_16": False},
            ):
                for day in (IFR_DAY, FINAL_DAY):
                    name = "debarred" if "not_debarred" in flags else "ineligible"
                    out.append(
                        pytest.param(which, n, flags, day, id=f"{which}-{p['role']}-{name}-{day}")
                    )
    return out


@pytest.mark.parametrize(("which", "n", "flags", "day"), _ineligible_cases())
def test_a_debarred_or_ineligible_party_is_never_eligible(
    which: str, n: int, flags: dict[str, Any], day: str
) -> None:
    """§ 120.15(b): "Exemptions provided in this subchapter may not be utilized for transactions
    in which the exporter, any party to the export, ... is generally ineligible as set forth in
    § 120.16" — for every exemption, every party, under both rules of § 126.7."""
    regs = regulations(day)
    known = _chain(which)
    assert authorize(known, regs).outcome == "exempt"
    chain = [dict(p) for p in (AUKUS_CHAIN if which == "126.7" else CANADA_CHAIN)]
    chain[n].update(flags)
    bad = _chain(which, parties=[{k: v for k, v in p.items() if v is not None} for p in chain])
    check = check_aukus if which == "126.7" else check_canada
    assert check(bad, regs).status == "not_eligible"
    assert authorize(bad, regs).outcome == "license_required"


@pytest.mark.parametrize("which", ["126.7", "126.5"])
@pytest.mark.parametrize("role", ["transferor", "recipient"])
def test_no_exemption_without_a_transferor_and_a_recipient(
    which: str, role: str, ifr: Regulations
) -> None:
    """The party list is taken as complete (docs/aukus.md): an exemption cannot be decided
    without the transferor (the exporter) and the recipient — the list is asked for again."""
    chain = [p for p in (AUKUS_CHAIN if which == "126.7" else CANADA_CHAIN) if p["role"] != role]
    check = check_aukus if which == "126.7" else check_canada
    result = check(_chain(which, parties=chain), ifr)
    assert result.status == "undetermined"
    assert "parties" in questions(result)


# --------------------------------------------------------------------------------------------
# An unknown transfer kind; rows that also catch directly related data and services


def test_an_unknown_transfer_kind_leaves_the_etl_open(ifr: Regulations) -> None:
    """Supp. No. 2 rows catch articles "and directly related technical data and defense
    services": while the kind is unknown a classified radar is not eligible."""
    result = check_aukus(make(transfer_kind=None, answers={"classified": True}), ifr)
    assert result.status == "undetermined"
    assert req(result, "22 CFR 126.7(b)(3)").status == "unknown"
    assert "transfer_kind" in questions(result)


@pytest.mark.parametrize(
    ("row", "facts"),
    [
        pytest.param(row, facts, id=f"row{row:02d}-{why}")
        for row, facts, expected, why in ETL_CASES
        if expected
    ],
)
def test_every_row_a_case_of_which_it_catches_is_open_for_an_unknown_kind(
    row: int, facts: dict[str, Any], regs: Regulations
) -> None:
    """The kind may be the one the row caught: the row is caught or open, never "not caught"."""
    match = match_row(regs.etl.row(f"SUPP2-{row:03d}"), _with(facts, transfer_kind=None), regs.usml)
    assert match.caught is not False
    if match.caught is None:
        assert "transfer_kind" in match.missing


def _related_cases() -> list[Any]:
    """Each article an ETL row catches whose text adds "and directly related technical data and
    defense services" (or "classified, directly related"), as technical data and as a defense
    service of the category's technical-data paragraph within the row's column."""
    etl = regulations(IFR_DAY).etl
    usml = regulations(IFR_DAY).usml
    out = []
    for row, facts, expected, _why in ETL_CASES:
        text = etl.row(f"SUPP2-{row:03d}").text
        if not expected or facts["transfer_kind"] != "article" or facts["specially_designed_for"]:
            continue
        if "directly related technical data and defense services" not in text:
            continue
        ref = parse_usml(facts["usml_classification"])
        data = [
            p.ref
            for p in usml.paragraphs
            if p.is_technical_data
            and p.ref.category == ref.category
            and any(p.ref.is_within(u) for u in etl.row(f"SUPP2-{row:03d}").usml_refs)
        ]
        for kind in ("technical_data", "defense_service"):
            for d in data:
                related = {
                    **facts,
                    "transfer_kind": kind,
                    "usml_classification": str(d),
                    "related_to": [str(ref)],
                }
                out.append(pytest.param(row, related, id=f"row{row:02d}-{kind}-{d}-for-{ref}"))
    return out


@pytest.mark.parametrize(("row", "facts"), _related_cases())
def test_every_row_catches_the_directly_related_technical_data_and_defense_services(
    row: int, facts: dict[str, Any], regs: Regulations
) -> None:
    """Supp. No. 2: "...; and directly related technical data and defense services" — e.g. row
    23, "Articles described in USML Category XVI; and directly related technical data and
    defense services": data and services for an article a row catches are caught too."""
    match = match_row(regs.etl.row(f"SUPP2-{row:03d}"), _etl_transfer(facts), regs.usml)
    assert match.caught is True, (match.detail, match.missing)


def test_row_23_catches_technical_data_and_services_for_category_xvi(regs: Regulations) -> None:
    rows = {row for row, _ in (p.values for p in _related_cases())}
    assert {1, 11, 13, 20, 21, 23} <= rows
    for kind in ("technical_data", "defense_service"):
        transfer = _etl_transfer(tdata("XVI(e)", ("XVI(b)",)) | {"transfer_kind": kind})
        assert match_row(regs.etl.row("SUPP2-023"), transfer, regs.usml).caught is True


# --------------------------------------------------------------------------------------------
# Malformed values: country codes, amounts, answers, parties


@pytest.mark.parametrize("code", ["uſ", "ß", "ＵＳ", "U S", "us.", "U1", "USA", "Ü"])
@pytest.mark.parametrize("field", ["from_country", "to_country", "transit_countries", "party"])
def test_country_codes_are_two_ascii_letters(code: str, field: str) -> None:
    """ISO 3166-1 alpha-2: two ASCII letters.  Python's str.upper() maps "ſ" to "S" and "ß" to
    "SS" (South Sudan, § 126.1(w)): neither may become a country."""
    if field == "party":
        with pytest.raises(FactError) as exc:
            make(parties=[US_EXPORTER, party(AU_AUTHORIZED_USER, country=code)])
        assert exc.value.field == "parties[1].country"
        return
    with pytest.raises(FactError) as exc:
        make(**{field: [code] if field == "transit_countries" else code})
    assert exc.value.field == field


@pytest.mark.parametrize(
    ("value", "dollars"),
    [
        ("4800", 4800),
        ("4,800", 4800),
        ("$4,800", 4800),
        ("4800.00", 4800),
        (" $ 4,800,000.99 ", 4_800_000),
        (4800, 4800),
        (4800.0, 4800),
        ("999999.99", 999_999),
        ("0", 0),
    ],
)
def test_amounts_in_whole_dollars(value: Any, dollars: int) -> None:
    """Cents are dropped: a § 123.15 amount is whole dollars, so "reaches $1,000,000" is
    unchanged ($999,999.99 does not reach it)."""
    assert make(value_usd=value).value_usd == dollars


@pytest.mark.parametrize(
    "value",
    [
        "4,8",
        "48,00",
        "4,80,000",
        "4.800,00",
        "1e6",
        "1e400",
        "NaN",
        "Infinity",
        "-4800",
        "$-4800",
        "-0.5",
        "4800 USD",
        "٤٨٠٠",
        "",
        float("nan"),
        float("inf"),
        float("-inf"),
        -1,
        -0.01,
        True,
        10**30,
        str(10**30),
        "9" * 5000,
        [4800],
        {"usd": 4800},
    ],
)
def test_an_amount_that_is_not_one_is_an_input_error(value: Any) -> None:
    """ "4,8" is not $48, NaN and Infinity are no amounts, and an amount must fit the output
    (a signed 64-bit integer)."""
    if value == "":
        assert make(value_usd=value).value_usd is None  # blank: unknown
        return
    with pytest.raises(FactError) as exc:
        make(value_usd=value)
    assert exc.value.field == "value_usd"
    with pytest.raises(FactError) as exc:
        transfer_from_csv_row({"transfer_id": "C", "value_usd": str(value)}, PARSE_LAW)
    assert exc.value.field == "value_usd"


@pytest.mark.parametrize("answers", [False, [], 0, 1, "classified", ["classified"], True])
def test_answers_that_are_not_an_object_are_an_input_error(answers: Any) -> None:
    raw = copy.deepcopy(BASE)
    raw["answers"] = answers
    with pytest.raises(FactError) as exc:
        transfer_from_mapping(raw, PARSE_LAW)
    assert exc.value.field == "answers"


def test_null_answers_are_no_answers_and_a_conflicting_duplicate_is_an_error() -> None:
    raw = copy.deepcopy(BASE)
    raw["answers"] = None
    assert transfer_from_mapping(raw, PARSE_LAW).answers == {}
    raw = copy.deepcopy(BASE)
    raw["classified"] = True  # also answered False in "answers"
    with pytest.raises(FactError) as exc:
        transfer_from_mapping(raw, PARSE_LAW)
    assert exc.value.field == "classified"


@pytest.mark.parametrize("bad", ["recipient", 7, None, ["recipient"]])
def test_a_party_that_is_not_an_object_is_an_input_error(bad: Any) -> None:
    with pytest.raises(FactError) as exc:
        make(parties=[US_EXPORTER, bad])
    assert exc.value.field == "parties[1]"


# --------------------------------------------------------------------------------------------
# § 126.1(r): Cyprus, on both sides of each dated suspension


def _cyprus_windows() -> list[tuple[dt.date, dt.date]]:
    return [
        (dt.date.fromisoformat(w["from"]), dt.date.fromisoformat(w["to"]))
        for w in _cyprus_suspensions()
    ]


def test_126_1_r_cyprus_suspension_starts_and_ends_on_its_dates() -> None:
    """§ 126.1(r)(2): "From October 1, 2024, through September 30, 2025, the policy of denial,
    and the status of Cyprus as a proscribed destination is suspended" — suspended on the first
    and the last day, proscribed the day before the first (the windows run back to back)."""
    windows = _cyprus_windows()
    text = _cyprus_suspensions()[0]["text"]
    assert text.startswith("From October 1, 2024, through September 30, 2025,")
    assert windows[0] == (dt.date(2024, 10, 1), dt.date(2025, 9, 30))
    recipient = party(AU_AUTHORIZED_USER, country="CY")
    transfer = make(to_country="CY", parties=[US_EXPORTER, recipient])
    first = windows[0][0]
    assert authorize(transfer, regulations(first - dt.timedelta(days=1))).outcome == "prohibited"
    for start, end in windows:
        for day in (start, end):
            auth = authorize(transfer, regulations(day))
            assert auth.outcome == "license_required" and auth.proscribed == (), day
    for later in (windows[-1][1] + dt.timedelta(days=1), dt.date(2030, 1, 1)):
        assert authorize(transfer, regulations(later)).outcome == "prohibited"


def test_126_1_r_after_the_last_known_suspension_warns_that_a_renewal_is_not_in_the_data() -> None:
    """The data knows the suspension through its last window only: later, Cyprus is read as
    proscribed (fail closed), and the decision says a renewal is not in the data."""
    last = _cyprus_windows()[-1][1]
    recipient = party(AU_AUTHORIZED_USER, country="CY")
    transfer = make(to_country="CY", parties=[US_EXPORTER, recipient])
    after = authorize(transfer, regulations(last + dt.timedelta(days=1)))
    assert after.outcome == "prohibited"
    renewal = [w for w in after.warnings if "renewal" in w]
    assert len(renewal) == 1 and str(last) in renewal[0]
    assert "renewal" in after.proscribed[0].detail
    on_last_day = authorize(transfer, regulations(last))
    assert not [w for w in on_last_day.warnings if "renewal" in w]
    elsewhere = authorize(make(), regulations(last + dt.timedelta(days=1)))
    assert not [w for w in elsewhere.warnings if "renewal" in w]


@pytest.mark.parametrize("day", [IFR_DAY, FINAL_DAY])
def test_120_15_b_every_party_must_be_known_eligible_under_120_16(day: str) -> None:
    """§ 120.15(b) bars every exemption when "the exporter, any party to the export, any source
    or manufacturer, broker, or other participant" is generally ineligible under § 120.16: an
    Authorized User whose § 120.16 eligibility is not known leaves § 126.7 open, under both
    rules (and § 126.5 the same); known eligible, it passes."""
    regs = regulations(day)
    unknown = party(AU_AUTHORIZED_USER, eligible_120_16=None)
    result = check_aukus(make(parties=[US_EXPORTER, unknown]), regs)
    assert result.status == "undetermined"
    assert req(result, "22 CFR 120.15(b)").status == "unknown"
    assert questions(result) == {"eligible_120_16"}
    assert req(check_aukus(make(), regs), "22 CFR 120.15(b)").status == "pass"
    ca_unknown = party(CA_RECIPIENT, eligible_120_16=None)
    canadian = check_canada(canada(parties=[US_EXPORTER, ca_unknown]), regs)
    assert canadian.status == "undetermined" and questions(canadian) == {"eligible_120_16"}


def test_126_5_an_ineligible_party_fails_whatever_the_activity(ifr: Regulations) -> None:
    """§ 126.5's paragraphs turn on the activity ((a) temporary import, (b) export), which is
    asked first — but § 120.15(b) bars every paragraph, so a debarred party settles it."""
    debarred = party(CA_RECIPIENT, not_debarred=False, eligible_120_16=None)
    result = check_canada(canada(activity=None, parties=[US_EXPORTER, debarred]), ifr)
    assert result.status == "not_eligible"
    open_activity = check_canada(canada(activity=None), ifr)
    assert open_activity.status == "undetermined" and questions(open_activity) == {"activity"}
