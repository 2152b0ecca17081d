"""Issue 11, engine side: § 125.4(b)(1)-(11), (b)(13), (c) and § 126.4 decided for transfers,
with the conditions they carry (§ 125.4(a), § 120.15, § 125.1(b)) and the exceptions the text
makes — each example pinned to its paragraph, on both sides of every condition and date.

Text: 22 CFR as amended through 2025-10-02 (reference itar/kg); the data files quote it and the
build checks every quote.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

import pytest
from tests.itar.dod_cases import (
    A1,
    DAY,
    EXPORTER,
    KEYS_125_4,
    LAW,
    RECIPIENT,
    C,
    example,
    make,
    raw,
)

import exportctl
from exportctl.core.jsonable import to_jsonable
from exportctl.core.results import combine
from exportctl.corpus.exemptions import RequirementSpec
from exportctl.engine import requirements as registry
from exportctl.engine.authorize import authorize
from exportctl.engine.exemptions import (
    ExemptionResult,
    checklist,
    decide,
    restricted,
    usable_despite_126_1,
)
from exportctl.inputs.transfers import FactError, transfer_from_mapping


def names(result: ExemptionResult, status: str) -> set[str]:
    return {c.name for c in result.conditions if c.status == status}


def own_requirements(key: str) -> Iterator[RequirementSpec]:
    exemption, branch = LAW.exemptions.find(key)
    version = exemption.version_on(LAW.as_of)
    for req in version.requirements:
        keyed = [b for b in req.branches if b.key]
        if keyed:
            for b in keyed:
                if branch is None or b.key == branch:
                    yield from b.requirements
        else:
            yield req


# ----------------------------------------------------------------------------------------------
# Each exemption, eligible on its example; each condition, on both sides


@pytest.mark.parametrize("key", [*KEYS_125_4, "126.4"])
def test_each_exemption_example_is_eligible_with_its_marking(key: str) -> None:
    result = decide(key, transfer_from_mapping(example(key), LAW), LAW)
    assert result.status == "eligible", [(c.name, c.detail) for c in result.conditions]
    assert result.open_questions == ()
    assert {c.status for c in result.conditions} <= {"pass", "lifted"}
    # § 120.15(f): "Certifications consist of clearly marking the package or letter containing
    # the technical data '22 CFR [insert ITAR exemption] applicable.'"
    expected = "22 CFR 126.4(a)(1) applicable" if key == "126.4" else f"22 CFR {key} applicable"
    assert result.marking == expected
    if key.startswith("125.4"):
        assert result.carried == (
            "22 CFR 125.4(a) (itar-125.4(a)-2022)",
            "22 CFR 120.15 (itar-120.15-2022)",
            "22 CFR 125.1(b) (itar-125.1(b)-2022)",
        )
        assert {c.group for c in result.conditions} == {None, "125.4(a)", "120.15", "125.1(b)"}
    else:
        assert result.branch == "126.4(a)(1)"
        assert result.carried == ("22 CFR 120.15 (itar-120.15-2022)",)


def _failing(req: RequirementSpec) -> dict[str, Any]:
    """Changes that make one condition fail, from its parameters in the data."""
    test = req.test
    if test == "transfer_kind":
        return {"transfer_kind": "article"}
    if test == "activity":
        return {"activity": "brokering"}
    if test == "destination":
        return {"to_country": "GB" if "US" in req["countries"] else "US"}
    if test == "fact":
        return {"answers": {req["fact"]: not req["equals"]}}
    if test == "fact_in":
        question = LAW.facts.question(req["fact"])
        return {"answers": {req["fact"]: next(v for v in question.values if v not in req["in"])}}
    if test == "fact_if":
        when, then = req["if"], req["then"]
        return {"answers": {when["fact"]: when["equals"], then["fact"]: not then["equals"]}}
    if test == "nationals_of":
        return {"recipient_nationalities": ["IN"]}  # India: neither NATO nor AU, JP, SE
    if test == "not_proscribed":
        return {"recipient_nationalities": ["IR"]}
    if test == "subset_of":
        return {"answers": {req["fact"]: ["build_to_print", "other"]}}
    if test == "disjoint_from":
        return {"answers": {req["fact"]: ["build_to_print", "engineering_analysis"]}}
    raise AssertionError(f"no failing change for {test}")


def _conditions() -> Iterator[Any]:
    for key in KEYS_125_4:
        for req in own_requirements(key):
            yield pytest.param(key, req, id=f"{key}-{req.name}")


@pytest.mark.parametrize(("key", "req"), list(_conditions()))
def test_each_condition_of_each_125_4_paragraph_on_both_sides(
    key: str, req: RequirementSpec
) -> None:
    """The example meets it (above); changed to fail it, the exemption is not eligible and the
    condition says so, citing its paragraph; its facts forgotten, the exemption is undetermined
    and asks them."""
    failing = decide(key, make(example(key), _failing(req)), LAW)
    assert failing.status == "not_eligible"
    (row,) = [c for c in failing.conditions if c.name == req.name]
    assert row.status == "fail" and row.paragraph == req.id and row.quote == req.quote
    if req.test in ("fact", "fact_in"):
        forgotten = decide(key, make(example(key), answers={req["fact"]: None}), LAW)
        assert forgotten.status == "undetermined"
        # asked first; a condition that applies only if it holds asks its own fact too
        assert forgotten.open_questions[0].id == req["fact"]


def test_125_4_b_9_covers_reexports_and_125_4_c_defense_services() -> None:
    """(b)(9): "exported, reexported, or retransferred"; (c): "Defense services and related
    unclassified technical data"."""
    b9 = example("125.4(b)(9)")
    assert decide("125.4(b)(9)", make(b9, activity="reexport"), LAW).status == "eligible"
    assert decide("125.4(b)(1)", make(example("125.4(b)(1)"), activity="reexport"), LAW).status == (
        "not_eligible"
    )
    c = decide("125.4(c)", make(C, transfer_kind="technical_data", activity="export"), LAW)
    assert c.status == "eligible"


def test_125_4_c_nationals_of_nato_on_the_date() -> None:
    """§ 125.4(c) "nationals of NATO countries, Australia, Japan and Sweden": Sweden through the
    named countries; Finland only once a NATO member (2023-04-04)."""
    swedish = make(C, recipient_nationalities=["SE"], to_country="SE")
    assert decide("125.4(c)", swedish, LAW).status == "eligible"
    finnish = raw(C, recipient_nationalities=["FI"], to_country="FI")
    before, after = exportctl.law("2023-04-03"), exportctl.law("2023-04-04")
    assert decide("125.4(c)", transfer_from_mapping(finnish, before), before).status == (
        "not_eligible"
    )
    assert decide("125.4(c)", transfer_from_mapping(finnish, after), after).status == "eligible"


# ----------------------------------------------------------------------------------------------
# Dates: both sides of every effective date


@pytest.mark.parametrize("key", KEYS_125_4)
def test_125_4_readings_apply_from_2022_09_06(key: str) -> None:
    """The § 125.4 readings (and the groups they carry) are dated from the effective date of
    the reorganisation of part 120 (87 FR 16396): "with an effective date of September 6, 2022".
    The day before, the data holds no reading: undetermined, never eligible."""
    before, on = exportctl.law("2022-09-05"), exportctl.law("2022-09-06")
    earlier = decide(key, transfer_from_mapping(example(key), before), before)
    assert earlier.status == "undetermined" and earlier.version is None
    assert "no reading" in earlier.note and "2022-09-06" in earlier.note
    assert decide(key, transfer_from_mapping(example(key), on), on).status == "eligible"


def test_126_4_applies_from_2019_04_19_and_its_120_15_group_from_2022_09_06() -> None:
    """§ 126.4 as rewritten by 84 FR 16398 ("On 19 April 2019, the U.S. Department of State's
    Directorate of Defense Trade Controls (DDTC) amended the text of §126.4"); the § 120.15 it
    carries is read from 2022-09-06: in between the exemption stays undetermined."""
    days = {d: exportctl.law(d) for d in ("2019-04-18", "2019-04-19", "2022-09-05", "2022-09-06")}
    status = {
        d: decide("126.4", transfer_from_mapping(example("126.4"), law), law)
        for d, law in days.items()
    }
    assert status["2019-04-18"].status == "undetermined" and status["2019-04-18"].version is None
    for d in ("2019-04-19", "2022-09-05"):
        assert status[d].status == "undetermined" and status[d].version == "itar-126.4-2019"
        (row,) = [c for c in status[d].conditions if c.group == "120.15"]
        assert row.status == "unknown" and "no reading of 22 CFR 120.15" in row.detail
    assert status["2022-09-06"].status == "eligible"


# ----------------------------------------------------------------------------------------------
# § 126.1 destinations and ineligible parties: barred, except where the text says otherwise

IRAN = {"to_country": "IR", "recipient_nationalities": ["IR"]}


@pytest.mark.parametrize("key", [k for k in KEYS_125_4 if k != "125.4(b)(13)"])
def test_a_126_1_destination_bars_every_125_4_exemption(key: str) -> None:
    """§ 125.4(a): "The exemptions, except for paragraph (b)(13) of this section, do not apply to
    exports to proscribed destinations under §126.1 of this subchapter"."""
    result = decide(key, make(example(key), IRAN), LAW)
    assert result.status == "not_eligible"
    assert "not_to_126_1_destination" in names(result, "fail")


def test_125_4_b_13_is_not_barred_by_a_126_1_destination_or_an_ineligible_person() -> None:
    """§ 125.4(a) "except for paragraph (b)(13)"; § 120.15(b), (c) are lifted by our reading
    (§ 125.1(a): public-domain information is not subject to the subchapter) — but not the
    registration of § 120.15(a)."""
    debarred = {**RECIPIENT, "not_debarred": False, "eligible_120_16": False}
    transfer = make(
        example("125.4(b)(13)"), IRAN, parties=[EXPORTER, {**debarred, "country": "IR"}]
    )
    result = decide("125.4(b)(13)", transfer, LAW)
    assert result.status == "eligible"
    assert names(result, "lifted") == {
        "not_to_126_1_destination",
        "no_ineligible_person",
        "no_ineligible_participant",
        "not_proscribed_origin_or_destination",
    }
    reading = next(c for c in result.conditions if c.name == "no_ineligible_participant")
    assert "a reading" in reading.exception and "22 CFR 125.1(a)" in reading.exception
    unregistered = {**EXPORTER, "ddtc_registered": False}
    transfer = make(
        example("125.4(b)(13)"),
        IRAN,
        parties=[unregistered, RECIPIENT],
        answers={"exempt_from_registration_122_1_b": False},
    )
    assert decide("125.4(b)(13)", transfer, LAW).status == "not_eligible"
    # the other side: the same parties bar § 125.4(b)(1)
    b1 = make(example("125.4(b)(1)"), parties=[EXPORTER, debarred])
    assert decide("125.4(b)(1)", b1, LAW).status == "not_eligible"


def test_a_us_government_recipient_lifts_120_15_c_but_not_125_4_a() -> None:
    """§ 126.1(a)(3) "When the recipient is a U.S. Government department or agency" lifts
    § 120.15(c) for every exemption — § 125.4(a) still bars the § 125.4 exemptions."""
    result = decide(
        "125.4(b)(1)",
        make(example("125.4(b)(1)"), IRAN, answers={"recipient_is_usg_department": True}),
        LAW,
    )
    assert result.status == "not_eligible"
    assert "not_proscribed_origin_or_destination" in names(result, "lifted")
    assert names(result, "fail") == {"not_to_126_1_destination"}


def test_126_4_a_1_may_be_used_for_a_126_1_country_and_a_4_may_not() -> None:
    """§ 126.1(a)(2)(i): "§ 126.4(a)(1) or (3)" may be utilized; (a)(4) is not named."""
    to_iran = make(
        A1, to_country="IR", parties=[A1["parties"][0], {**A1["parties"][1], "country": "IR"}]
    )
    a1 = decide("126.4", to_iran, LAW)
    assert (a1.status, a1.branch) == ("eligible", "126.4(a)(1)")
    security_cooperation = {
        "usg_purpose": "security_cooperation",
        "program_authorized_by_law_presidential_control": True,
        "security_cooperation_aim": "access",
        "end_use_retransfer_assurances_obtained": True,
        "recipient_aware_of_126_4_f": True,
        "unauthorized_change_in_end_use_or_end_user": False,
    }
    # to a foreign recipient: § 126.1(a)(3) (a U.S. Government recipient) does not lift it
    foreign = {**security_cooperation, "recipient_is_usg_department": False}
    to_iran_a4 = make(A1, to_country="IR", answers=foreign)
    barred = decide("126.4(a)(4)", to_iran_a4, LAW)
    assert barred.status == "not_eligible"
    assert names(barred, "fail") == {"not_proscribed_origin_or_destination"}
    assert decide("126.4(a)(4)", make(A1, answers=security_cooperation), LAW).status == "eligible"


def test_126_4_a_2_to_russia_only_in_support_of_government_space_cooperation() -> None:
    """§ 126.1(a)(2)(iii): "§ 126.4(a)(2) or (b)(2) when the export is destined for Russia and in
    support of government space cooperation" — yes: eligible; no: barred; unknown: open."""
    cooperative = {
        "usg_purpose": "cooperative_program",
        "agreement_provides_for_transfer": True,
        "agreement_type": "binding_international_agreement",
        "unauthorized_change_in_end_use_or_end_user": False,
    }
    base = raw(A1, to_country="RU", answers={**cooperative, "recipient_is_usg_department": False})
    for space, status in ((True, "eligible"), (False, "not_eligible"), (None, "undetermined")):
        t = transfer_from_mapping(
            raw(base, answers={"russia_government_space_cooperation": space}), LAW
        )
        result = decide("126.4(a)(2)", t, LAW)
        assert result.status == status, space
        if space is None:
            assert [q.id for q in result.open_questions] == ["russia_government_space_cooperation"]
    # the same cooperative program elsewhere needs no such support
    assert decide("126.4(a)(2)", make(A1, answers=cooperative), LAW).status == "eligible"


def test_126_4_ineligible_party_needs_ddtcs_prior_written_authorization() -> None:
    """§ 120.15(b): "… generally ineligible as set forth in § 120.16, unless prior written
    authorization has been granted by the Directorate of Defense Trade Controls"."""
    parties = [A1["parties"][0], {**A1["parties"][1], "eligible_120_16": False}]
    for granted, status in ((True, "eligible"), (False, "not_eligible"), (None, "undetermined")):
        t = make(
            A1, parties=parties, answers={"ddtc_prior_written_authorization_120_15_b": granted}
        )
        result = decide("126.4", t, LAW)
        assert result.status == status, granted
    assert "ddtc_prior_written_authorization_120_15_b" in {
        q.id for q in decide("126.4", make(A1, parties=parties), LAW).open_questions
    }


def test_the_offshore_limit_of_125_4_a_is_lifted_for_125_4_c_only() -> None:
    """§ 125.4(a): "… producing defense articles offshore (see § 124.13), except as authorized
    under § 125.4(c)"."""
    offshore = {"for_offshore_procurement_or_production": True}
    assert decide("125.4(c)", make(C, answers=offshore), LAW).status == "eligible"
    b1 = decide("125.4(b)(1)", make(example("125.4(b)(1)"), answers=offshore), LAW)
    assert names(b1, "fail") == {"not_offshore_procurement_or_production"}


def test_120_15_a_registration_and_its_122_1_b_exemption() -> None:
    """§ 120.15(a) "Persons otherwise required to register … must do so prior to utilization of
    an exemption"; § 122.1(b)(1) "Officers and employees of the U.S. Government acting in an
    official capacity" are not required to."""
    unregistered = [{**EXPORTER, "ddtc_registered": False}, RECIPIENT]
    for exempt, status in ((True, "eligible"), (False, "not_eligible"), (None, "undetermined")):
        t = make(
            example("125.4(b)(1)"),
            parties=unregistered,
            answers={"exempt_from_registration_122_1_b": exempt},
        )
        assert decide("125.4(b)(1)", t, LAW).status == status, exempt


def test_125_1_b_foreign_production_needs_ddtc_approval() -> None:
    """§ 125.1(b): "… may not be used for foreign production purposes or for technical
    assistance unless the approval of the Directorate of Defense Trade Controls has been
    obtained."""
    used = {"for_foreign_production_or_technical_assistance": True}
    for approved, status in ((True, "eligible"), (False, "not_eligible"), (None, "undetermined")):
        t = make(example("125.4(b)(1)"), answers={**used, "ddtc_approval_125_1_b": approved})
        assert decide("125.4(b)(1)", t, LAW).status == status, approved
    unknown = make(
        example("125.4(b)(1)"), answers={"for_foreign_production_or_technical_assistance": None}
    )
    result = decide("125.4(b)(1)", unknown, LAW)
    assert result.status == "undetermined"
    assert [q.id for q in result.open_questions] == [
        "for_foreign_production_or_technical_assistance",
        "ddtc_approval_125_1_b",
    ]


def test_classified_data_needs_the_nispom_and_the_transmittal_certification() -> None:
    """§ 125.4(a): "Transmission of classified information must comply with the requirements of
    the Department of Defense National Industrial Security Program Operating Manual … and the
    exporter must certify to the transmittal authority …"."""
    classified = {"classified": True}
    open_ = decide("125.4(b)(1)", make(example("125.4(b)(1)"), answers=classified), LAW)
    assert open_.status == "undetermined"
    assert {q.id for q in open_.open_questions} == {
        "classified_transmission_per_nispom",
        "certified_to_transmittal_authority",
    }
    met = {
        **classified,
        "classified_transmission_per_nispom": True,
        "certified_to_transmittal_authority": True,
    }
    assert decide("125.4(b)(1)", make(example("125.4(b)(1)"), answers=met), LAW).status == (
        "eligible"
    )
    unmet = {**met, "certified_to_transmittal_authority": False}
    assert decide("125.4(b)(1)", make(example("125.4(b)(1)"), answers=unmet), LAW).status == (
        "not_eligible"
    )


def test_usable_despite_126_1_are_the_exemptions_the_text_names() -> None:
    """§ 126.1(a)(2) names § 126.4(a)(1), (3), (b)(1), and (a)(2), (b)(2) for Russia; § 125.4(a)
    excepts (b)(13); § 126.5 and § 126.7 read § 126.1 themselves."""
    found = {e.key for e in LAW.exemptions if usable_despite_126_1(e, LAW)}
    assert found == {"125.4(b)(13)", "126.4"}


def test_authorize_a_126_1_destination_both_sides() -> None:
    """authorize: a transfer to Iran is prohibited — unless an exemption the text lets be used
    applies (§ 125.4(b)(13): exempt) or may (undetermined, with its questions)."""
    b13 = authorize(make(example("125.4(b)(13)"), IRAN), LAW)
    assert (b13.outcome, b13.exemption) == ("exempt", "125.4(b)(13)")
    assert [p.facts["country"] for p in b13.proscribed] == ["IR"]
    assert {e.exemption for e in b13.exemptions} == {"125.4(b)(13)", "126.4"}
    not_public = {"approved_for_public_release": False}
    b1 = authorize(make(example("125.4(b)(1)"), IRAN, answers=not_public), LAW)
    assert (b1.outcome, b1.exemptions) == ("prohibited", ())
    # while (b)(13) or § 126.4 may apply, a § 126.1 destination leaves the transfer open
    for forgotten, asked in (("approved_for_public_release", {}), ("made_by", not_public)):
        open_ = authorize(
            make(example("125.4(b)(1)"), IRAN, answers={**asked, forgotten: None}), LAW
        )
        assert open_.outcome == "undetermined" and open_.exemption is None
        assert forgotten in {q.id for q in open_.open_questions}
    a1 = authorize(make(A1, to_country="IR"), LAW)
    assert (a1.outcome, a1.exemption) == ("exempt", "126.4")


# ----------------------------------------------------------------------------------------------
# Structure: each paragraph decided once; every condition cited


def test_each_carried_requirement_is_decided_once_per_transfer(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """§ 120.15(a) is carried by 14 exemptions; authorize decides it once for a transfer."""
    calls: list[str] = []
    original = registry.REQUIREMENT_TESTS["registered"]

    def counting(req: Any, t: Any, law: Any, ctx: Any) -> Any:
        calls.append(req.name)
        return original(req, t, law, ctx)

    monkeypatch.setitem(registry.REQUIREMENT_TESTS, "registered", counting)
    carriers = [e.key for e in LAW.exemptions if "120.15" in e.carries]
    assert len(carriers) == 14
    authorize(make(example("125.4(b)(1)")), LAW)
    assert calls == ["registered_before_use"]


def test_no_exemption_reads_a_paragraph_of_120_15_both_itself_and_through_the_group() -> None:
    """§ 126.5 and § 126.7 read § 120.15(b) themselves and do not carry the group (see
    docs/dod-exemptions.md); the § 125.4 exemptions and § 126.4 carry it and do not read it."""
    group = {r.id for r in LAW.exemptions.group("120.15").versions.versions[0].value.walk()}
    for e in LAW.exemptions:
        own = {
            r.id
            for v in e.versions.versions
            for r in v.value.walk()
            if r.id.startswith("22 CFR 120.15")
        }
        if "120.15" in e.carries:
            assert not own & group, e.key
        elif own:
            assert e.key in ("126.5", "126.7") and own == {"22 CFR 120.15(b)"}, e.key


@pytest.mark.parametrize("key", [*KEYS_125_4, "126.4"])
def test_every_condition_decided_cites_a_paragraph_of_the_law_and_quotes_it(key: str) -> None:
    result = decide(key, transfer_from_mapping(example(key), LAW), LAW)
    items = {(i.paragraph, i.name) for i in checklist(LAW.exemptions.get(key), LAW)}
    for c in result.conditions:
        assert c.paragraph.startswith("22 CFR 12") and c.quote, c.name
        assert (c.paragraph, c.name) in items, c.name
        assert c.confirmed_by in ("exporter", "dod_official")


def test_the_checklist_of_a_branch_is_its_own_and_the_carried_conditions() -> None:
    items = checklist(LAW.exemptions.get("126.4"), LAW, "126.4(b)(1)")
    own = [i.name for i in items if i.group is None]
    assert own[:4] == [
        "b_1.for_department",
        "b_1.activity",
        "b_1.to_department",
        "b_1.at_its_request",
    ]
    assert {i.branch for i in items if i.group is None} == {"126.4(b)(1)", ""}
    (c) = next(i for i in items if i.name == "not_proscribed_origin_or_destination")
    assert any(n.startswith("not for 126.4(b)(1):") for n in c.exceptions)


# ----------------------------------------------------------------------------------------------
# Transfers: the new structural facts are validated against the law


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("origin_country", "XX", "XX"),
        ("recipient_nationalities", [], "cannot be empty"),
        ("recipient_nationalities", "none", "cannot be empty"),
        ("recipient_nationalities", ["GB", "Narnia"], "ISO 3166"),
    ],
)
def test_bad_structural_facts_are_errors_naming_the_field(
    field: str, value: Any, reason: str
) -> None:
    with pytest.raises(FactError, match=reason) as caught:
        transfer_from_mapping(raw(**{field: value}), LAW)
    assert caught.value.field == field


def test_list_answers_and_csv_rows() -> None:
    t = make(C, answers={"scope_120_43": "build_to_print; basic_research"})
    assert t.answers["scope_120_43"] == ("build_to_print", "basic_research")
    with pytest.raises(FactError, match="scope_120_43"):
        make(C, answers={"scope_120_43": ["build_to_print", "secret_sauce"]})
    row = {
        "transfer_id": "R1",
        "origin_country": "US",
        "recipient_nationalities": "GB;AU",
        "to_country": "GB",
    }
    from exportctl.inputs.transfers import transfer_from_csv_row

    parsed = transfer_from_csv_row(row, LAW)
    assert (parsed.origin_country, parsed.recipient_nationalities) == ("US", ("GB", "AU"))


def test_a_guideline_answer_without_the_guidelines_is_an_error_with_a_hint() -> None:
    with pytest.raises(FactError, match="--guidelines FILE"):
        make(example("125.4(b)(1)"), answers={"certification-letter": True})


def test_authorize_under_some_exemptions_only() -> None:
    only = restricted(LAW, ["126.7", "125.4(b)(1)"])
    assert only.id != LAW.id and [e.key for e in only.exemptions] == ["125.4(b)(1)", "126.7"]
    decided = authorize(make(example("125.4(b)(1)")), only)
    assert [e.exemption for e in decided.exemptions] == ["125.4(b)(1)", "126.7"]
    with pytest.raises(KeyError, match="999"):
        restricted(LAW, ["999"])


def test_statuses_combine_as_the_regulation_reads_them() -> None:
    """Every result joins its conditions by the one rule (any fail fails, else any unknown)."""
    for key in KEYS_125_4:
        result = decide(key, make(example(key), answers={"classified": None}), LAW)
        statuses = [c.status for c in result.conditions if c.status != "lifted"]
        assert {"pass": "eligible", "fail": "not_eligible", "unknown": "undetermined"}[
            combine(statuses)  # type: ignore[arg-type]
        ] == result.status


def test_results_are_json_values() -> None:
    result = decide("126.4", transfer_from_mapping(example("126.4"), LAW), LAW)
    record = json.loads(json.dumps(to_jsonable(result)))
    assert record["branch"] == "126.4(a)(1)"
    assert [b["key"] for b in record["branches"]] == [
        "126.4(a)(1)",
        "126.4(a)(2)",
        "126.4(a)(3)",
        "126.4(a)(4)",
        "126.4(b)(1)",
        "126.4(b)(2)",
        "126.4(c)",
    ]
    assert dt.date.fromisoformat(DAY) == LAW.as_of
