"""ITAR exemptions for a transfer: § 126.1 first, then § 126.7 (AUKUS) and § 126.5 (Canada).

1. 22 CFR 126.1: a transfer that touches a proscribed country is denied (or subject to the
   case-by-case review the paragraph describes) before any exemption is considered; § 126.1(a)
   makes the exemptions unavailable.
2. Each exemption is decided as of a date with the version of its rule in force then (the AUKUS
   exemption does not exist before 2024-09-01; the interim final rule applies from 2024-09-01,
   the final rule from 2025-12-30).  Every requirement passes, fails or stays unknown; the
   exemption is ``eligible`` only when every requirement passes, ``not_eligible`` when one fails,
   and ``undetermined`` otherwise — never eligible on unknown facts.
3. Excluded items: the rows of Supp. No. 2 (ETL) for § 126.7(b)(3), and the rows of Supp. No. 1
   marked for § 126.5 — each row read by :mod:`exportctl.engine.exclusions`.
4. Fail closed: no exemption is granted while a country the transfer touches is unknown
   (§ 126.1 is not cleared), while a party is debarred or ineligible under § 120.16
   (§ 120.15(b)), or while the transferor or the recipient is missing from the party list; a
   USML reference above the leaf (``XI``, ``XI(a)``) leaves open every row and amount that
   could apply to a paragraph beneath it.  Transfers are checked as the parsers check them
   (:func:`exportctl.inputs.transfers.validate_transfer`): a reference that names nothing, or a
   party both debarred and eligible, is an error.

The requirement texts, versions, and the § 123.15 thresholds are data (data/exemptions/).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, Literal

import attrs

from exportctl.core import provenance
from exportctl.core.jsonable import to_jsonable
from exportctl.corpus.law import Law
from exportctl.corpus.references import USMLRef, parse_usml
from exportctl.corpus.rulesets import Question
from exportctl.engine.exclusions import RowMatch, match_rows
from exportctl.inputs.transfers import (
    Party,
    Transfer,
    precise_paragraphs,
    reference_within,
    validate_transfer,
)

__all__ = [
    "Authorization",
    "ExemptionResult",
    "Requirement",
    "authorize",
    "check_aukus",
    "check_aukus_after_126_1",
    "check_canada",
    "proscribed",
]

Status = Literal["pass", "fail", "unknown"]
ExemptionStatus = Literal["eligible", "not_eligible", "undetermined", "not_in_force"]
Outcome = Literal["exempt", "license_required", "prohibited", "undetermined"]


@attrs.frozen
class Requirement:
    """One requirement of an exemption, as decided for one transfer."""

    id: str
    status: Status
    facts: dict[str, Any] = attrs.field(factory=dict)
    detail: str = ""


@attrs.frozen
class ExemptionResult:
    exemption: str
    citation: str
    version: str | None
    status: ExemptionStatus
    requirements: tuple[Requirement, ...]
    excluded_rows: tuple[str, ...]
    open_questions: tuple[Question, ...]
    note: str = ""


@attrs.frozen
class Authorization:
    """The outcome for one transfer: which exemption (if any) is available, and why."""

    decision_id: str
    transfer_id: str
    outcome: Outcome
    exemption: str | None
    proscribed: tuple[Requirement, ...]
    exemptions: tuple[ExemptionResult, ...]
    open_questions: tuple[Question, ...]
    as_of: dt.date
    law_id: str
    warnings: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        record: dict[str, Any] = to_jsonable(self)
        return record




def _question(fact: str, law: Law) -> Question:
    """The question for a fact the requirements need (a party's flag is asked as ``party.<flag>``
    in the data, and named by its flag)."""
    found = law.facts.get(fact)
    if found is not None:
        return found
    party = law.facts.get(f"party.{fact}")
    return attrs.evolve(party, id=fact) if party is not None else law.facts.question(fact)


# --------------------------------------------------------------------------------------------
# 22 CFR 126.1


def proscribed(transfer: Transfer, regs: Law) -> tuple[Requirement, ...]:
    """One failing requirement per proscribed country the transfer touches (none: not touched)."""
    out = []
    for code in transfer.countries():
        if code is None:
            continue
        status = regs.countries.proscribed_status(code, regs.as_of)
        if status.status in ("policy_of_denial", "country_specific"):
            detail = f"{code}: {status.status.replace('_', ' ')}"
            if status.detail:
                detail += f" (case-by-case: {status.detail})"
            detail += "".join(f"; warning: {w}" for w in status.warnings)
            out.append(Requirement(status.citation, "fail", {"country": code}, detail))
    return tuple(out)


def _country_warnings(transfer: Transfer, regs: Law) -> tuple[str, ...]:
    """What the data cannot tell about the countries the transfer touches on the date (e.g. a
    § 126.1(r) suspension known only up to an earlier date)."""
    out: list[str] = []
    for code in transfer.countries():
        if code is not None:
            status = regs.countries.proscribed_status(code, regs.as_of)
            out.extend(w for w in status.warnings if w not in out)
    return tuple(out)


# --------------------------------------------------------------------------------------------
# Requirements


def _flag(party: Party, name: str, implications: list[dict[str, Any]]) -> bool | None:
    """A party's flag, or what another flag implies for it (e.g. a debarred person is not
    eligible under § 120.16(c))."""
    value = party.flag(name)
    if value is not None:
        return value
    for rule in implications:
        if name in rule["then"] and all(party.flag(k) == v for k, v in rule["if"].items()):
            implied: bool = rule["then"][name]
            return implied
    return None


def _party_eligible(
    party: Party, options: list[dict[str, Any]], implications: list[dict[str, Any]]
) -> tuple[Status, list[str], str]:
    """Does one party fit any of the eligible kinds of § 126.7(b)(2)?"""
    missing: list[str] = []
    for option in options:
        if party.kind is not None and party.kind not in option["kinds"]:
            continue
        needs = dict(option.get("needs", {}))
        if party.role == "broker":
            needs.update(option.get("brokers_need", {}))
        values = {k: _flag(party, k, implications) for k in needs}
        if party.kind is not None and all(values[k] == v for k, v in needs.items()):
            return "pass", [], f"{party.label}: {option['id']}"
        if not any(values[k] is not None and values[k] != v for k, v in needs.items()):
            # The option may still hold: its unknown flags (or the party's kind) are needed.
            if party.kind is None and "parties" not in missing:
                missing.append("parties")
            missing.extend(k for k, v in values.items() if v is None and k not in missing)
    if missing:
        return "unknown", missing, f"{party.label}: needs {', '.join(missing)}"
    return "fail", [], f"{party.label} is none of the eligible parties"


def _parties(
    req: dict[str, Any], transfer: Transfer, regs: Law
) -> tuple[Status, list[str], str]:
    if transfer.parties is None:
        return "unknown", ["parties"], "the parties are not known"
    status: Status = "pass"
    missing: list[str] = []
    details = []
    for party in transfer.parties:
        s, m, d = _party_eligible(
            party, req["eligible"], regs.exemption_data.get("party_implications", [])
        )
        details.append(d)
        if s == "fail":
            return "fail", [], d
        if s == "unknown":
            status = "unknown"
            missing.extend(x for x in m if x not in missing)
    roles = {p.role for p in transfer.parties}
    if not {"transferor", "recipient"} <= roles:
        return "unknown", [*missing, "parties"], "a transferor and a recipient are needed"
    return status, missing, "; ".join(details)


def _unknown_countries(transfer: Transfer) -> list[str]:
    """The facts still needed to know every country the transfer touches."""
    missing = [
        f
        for f, v in (
            ("from_country", transfer.from_country),
            ("to_country", transfer.to_country),
            ("transit_countries", transfer.transit_countries),
            ("parties", transfer.parties),
        )
        if v is None
    ]
    if "parties" not in missing and any(p.country is None for p in transfer.parties or ()):
        missing.append("parties")
    return missing


def _territory(
    req: dict[str, Any], transfer: Transfer, regs: Law
) -> tuple[Status, list[str], str]:
    allowed = regs.countries.members(req["country_set"], regs.as_of)
    countries = transfer.countries()
    outside = sorted({c for c in countries if c is not None and c not in allowed})
    if outside:
        return "fail", [], f"touches {', '.join(outside)}, outside {', '.join(sorted(allowed))}"
    missing = _unknown_countries(transfer)
    if missing:
        return "unknown", missing, "not every country of the transfer is known"
    return "pass", [], f"all within {', '.join(sorted(allowed))}"


def _thresholds(transfer: Transfer, regs: Law) -> tuple[Status, list[str], str]:
    """§ 123.15(a): would the value require congressional certification?"""
    thresholds = regs.exemption_data["thresholds_123_15"]
    if transfer.to_country in thresholds["not_for_destinations"]:
        return "pass", [], thresholds["not_for_destinations_reason"]
    rows = thresholds["rows"]
    applicable = []
    maybe = []  # rows that apply to some of the paragraphs a vague reference stands for
    for row in rows:
        if "usml_within" in row:
            ref = transfer.usml_classification
            if ref is None:
                return "unknown", ["usml_classification"], "§ 123.15(a)(3) depends on the paragraph"
            within = {reference_within(ref, _ref(r)) for r in row["usml_within"]}
            if True in within:
                applicable.append(row)
            elif None in within:
                maybe.append(row)
        elif transfer.to_country is None:
            return "unknown", ["to_country"], "the thresholds depend on the destination"
        else:
            group = regs.countries.members("itar_123_15_a_2", regs.as_of)
            in_group = transfer.to_country in group
            if (row["destinations"] == "itar_123_15_a_2") == in_group:
                applicable.append(row)
    if transfer.value_usd is None:
        return "unknown", ["value_usd"], "the value is needed"
    mde = transfer.answer("major_defense_equipment")
    for row in applicable:
        limits = [row["defense_articles_and_services"]]
        if "major_defense_equipment" in row:
            if mde is None and transfer.value_usd >= row["major_defense_equipment"]:
                return "unknown", ["major_defense_equipment"], f"{row['id']} depends on MDE"
            if mde:
                limits = [row["major_defense_equipment"]]
        if transfer.value_usd >= min(limits):
            return "fail", [], f"${transfer.value_usd:,} reaches {row['id']} (${min(limits):,})"
    for row in maybe:
        amount = min(v for k, v in row.items() if k in _AMOUNTS)
        if transfer.value_usd >= amount:
            return (
                "unknown",
                ["usml_classification"],
                f"${transfer.value_usd:,} reaches {row['id']} (${amount:,}) if the article is in "
                f"{', '.join(row['usml_within'])}: {transfer.usml_classification} stands for some "
                "paragraph beneath it — which one?",
            )
    return "pass", [], f"${transfer.value_usd:,} is below the § 123.15(a) amounts"


_AMOUNTS = ("defense_articles_and_services", "major_defense_equipment")


def _ref(text: str) -> USMLRef:
    return parse_usml(text)


@attrs.frozen
class _Check:
    """What one requirement test found (before it becomes a :class:`Requirement`)."""

    status: Status
    detail: str
    facts: dict[str, Any] = attrs.field(factory=dict)
    missing: tuple[str, ...] = ()
    excluded: tuple[str, ...] = ()


Rows = dict[str, tuple[RowMatch, ...]]


def _member(field: str, value: str | None, allowed: list[str], known: str) -> _Check:
    """The value of ``field`` is one of ``allowed`` (unknown while the value is unknown)."""
    facts = {field: value}
    if value is None:
        return _Check("unknown", f"the {known} is not known", facts, (field,))
    if value in allowed:
        return _Check("pass", f"{value} is covered", facts)
    return _Check("fail", f"{value} is not covered ({', '.join(allowed)})", facts)


def _check_activity(req: dict[str, Any], t: Transfer, regs: Law, rows: Rows) -> _Check:
    return _member("activity", t.activity, req["activities"], "activity")


def _check_destination(req: dict[str, Any], t: Transfer, regs: Law, rows: Rows) -> _Check:
    return _member("to_country", t.to_country, req["countries"], "destination")


def _check_territory(req: dict[str, Any], t: Transfer, regs: Law, rows: Rows) -> _Check:
    status, missing, detail = _territory(req, t, regs)
    return _Check(status, detail, {"countries": list(t.countries())}, tuple(missing))


def _check_parties(req: dict[str, Any], t: Transfer, regs: Law, rows: Rows) -> _Check:
    status, missing, detail = _parties(req, t, regs)
    return _Check(status, detail, {"parties": [p.label for p in t.parties or ()]}, tuple(missing))


def _check_supplement(req: dict[str, Any], t: Transfer, regs: Law, rows: Rows) -> _Check:
    matches = rows[req["supplement"]]
    caught = [m for m in matches if m.caught is True]
    unknown = [m for m in matches if m.caught is None]
    facts = {"usml_classification": str(t.usml_classification)}
    if caught:
        return _Check(
            "fail",
            "caught by " + ", ".join(m.row.citation for m in caught),
            facts,
            excluded=tuple(m.row.id for m in caught),
        )
    if unknown:
        missing = tuple(dict.fromkeys(f for m in unknown for f in m.missing))
        return _Check(
            "unknown", "open for " + ", ".join(m.row.citation for m in unknown), facts, missing
        )
    return _Check("pass", "no row catches the transfer", facts)


def _check_value(req: dict[str, Any], t: Transfer, regs: Law, rows: Rows) -> _Check:
    sme = t.answer("manufacturing_abroad_sme")
    facts = {
        "value_usd": t.value_usd,
        "major_defense_equipment": t.answer("major_defense_equipment"),
        "manufacturing_abroad_sme": sme,
    }
    status, missing, detail = _thresholds(t, regs)
    if status == "fail":
        return _Check(status, detail, facts)
    if sme is True:
        return _Check("fail", "involves manufacturing abroad of SME", facts)
    if sme is None:
        return _Check("unknown", detail, facts, (*missing, "manufacturing_abroad_sme"))
    return _Check(status, detail, facts, tuple(missing))


def _check_no_transit(req: dict[str, Any], t: Transfer, regs: Law, rows: Rows) -> _Check:
    facts = {"transit_countries": t.transit_countries}
    if t.transit_countries is None:
        return _Check("unknown", "transit is not known", facts, ("transit_countries",))
    if t.transit_countries:
        return _Check("fail", f"transits {', '.join(t.transit_countries)}", facts)
    return _Check("pass", "no transit of third countries", facts)


def _check_end_users(req: dict[str, Any], t: Transfer, regs: Law, rows: Rows) -> _Check:
    parties = t.parties or ()
    ends = [p for p in parties if p.role == "end_user"] or [
        p for p in parties if p.role == "recipient"
    ]
    returning = t.answer(req["unless_fact"])
    facts = {"end_users": [p.label for p in ends], req["unless_fact"]: returning}
    kinds = [p.kind for p in ends]
    if returning is True:
        return _Check("pass", "for return to the United States", facts)
    if ends and all(k in req["kinds"] for k in kinds):
        return _Check("pass", "every end user is a Canadian government or registrant", facts)
    if any(k is not None and k not in req["kinds"] for k in kinds) and returning is False:
        return _Check("fail", "an end user is not a Canadian government or registrant", facts)
    missing = (["parties"] if not ends or None in kinds else []) + (
        [req["unless_fact"]] if returning is None else []
    )
    return _Check(
        "unknown", "the end users (or return to the U.S.) are not known", facts, tuple(missing)
    )


def _check_sme(req: dict[str, Any], t: Transfer, regs: Law, rows: Rows) -> _Check:
    ref = t.usml_classification
    # A reference above the leaf stands for some paragraph beneath it: SME if all of them are.
    leaves = precise_paragraphs(regs.usml, ref) if ref is not None else ()
    smes = {regs.usml.get(p).sme for p in leaves}
    value = t.answer(req["fact"])
    sme = next(iter(smes)) if len(smes) == 1 else None
    facts = {"sme": sme, req["fact"]: value}
    if ref is None or not smes:
        return _Check(
            "unknown", "SME depends on the USML paragraph", facts, ("usml_classification",)
        )
    if sme is False:
        return _Check("pass", "not significant military equipment", facts)
    if value is True:
        return _Check("pass", "SME assurances", facts)
    if sme is None:
        missing = ("usml_classification", *([] if value is False else [req["fact"]]))
        return _Check(
            "unknown",
            f"{ref} stands for some paragraph beneath it, some of them SME: which paragraph?",
            facts,
            missing,
        )
    if value is None:
        return _Check("unknown", "SME: assurances needed", facts, (req["fact"],))
    return _Check("fail", "SME assurances", facts)


def _check_not_proscribed(
    req: dict[str, Any], t: Transfer, regs: Law, rows: Rows
) -> _Check:
    """§ 126.1(a) (and § 126.5(b) "and § 126.1"): the exemption is unavailable for a proscribed
    country, and cannot be granted before every country the transfer touches is known."""
    facts = {"countries": list(t.countries())}
    denied = proscribed(t, regs)
    if denied:
        return _Check("fail", "; ".join(r.detail for r in denied), facts)
    missing = _unknown_countries(t)
    if missing:
        return _Check(
            "unknown", "§ 126.1 is not cleared: not every country is known", facts, tuple(missing)
        )
    return _Check("pass", "no country the transfer touches is proscribed (§ 126.1)", facts)


def _check_no_ineligible_party(
    req: dict[str, Any], t: Transfer, regs: Law, rows: Rows
) -> _Check:
    """§ 120.15(b): no exemption for a transaction in which a party is generally ineligible as
    set forth in § 120.16 (debarred, or ineligible).  ``require_known`` flags must be known for
    every party; ``roles`` must be present."""
    facts = {"parties": [p.label for p in t.parties or ()]}
    if t.parties is None:
        return _Check("unknown", "the parties are not known", facts, ("parties",))
    missing: list[str] = []
    implications = regs.exemption_data.get("party_implications", [])
    for party in t.parties:
        for flag, bad in req["ineligible_if"].items():
            if _flag(party, flag, implications) == bad:
                return _Check(
                    "fail", f"{party.label}: {flag} = {'yes' if bad else 'no'} (§ 120.16)", facts
                )
        missing.extend(
            f for f in req["require_known"] if _flag(party, f, implications) is None
        )
    absent = [r for r in req["roles"] if r not in {p.role for p in t.parties}]
    if absent:
        missing.append("parties")
    if missing:
        detail = f"needs {', '.join(dict.fromkeys(missing))}" + (
            f" (no {' or '.join(absent)} is named)" if absent else ""
        )
        return _Check("unknown", detail, facts, tuple(dict.fromkeys(missing)))
    return _Check("pass", "no party is debarred or ineligible under § 120.16", facts)


def _check_fact(req: dict[str, Any], t: Transfer, regs: Law, rows: Rows) -> _Check:
    value = t.answer(req["fact"])
    facts = {req["fact"]: value}
    if value is None:
        return _Check("unknown", "not known", facts, (req["fact"],))
    return _Check("pass" if value == req["equals"] else "fail", f"{req['fact']} = {value}", facts)


#: The requirement tests the data may name (data/exemptions/exemptions.json, "test").
_CHECKS: dict[str, Callable[[dict[str, Any], Transfer, Law, Rows], _Check]] = {
    "activity": _check_activity,
    "territory": _check_territory,
    "parties": _check_parties,
    "not_on_supplement": _check_supplement,
    "value_and_sme_manufacturing": _check_value,
    "destination": _check_destination,
    "no_transit": _check_no_transit,
    "end_users": _check_end_users,
    "sme_assurances": _check_sme,
    "not_proscribed": _check_not_proscribed,
    "no_ineligible_party": _check_no_ineligible_party,
    "fact": _check_fact,
}


#: The requirement tests the data may name; the data build rejects any other.
REQUIREMENT_TESTS = frozenset(_CHECKS)


def _requirement(
    req: dict[str, Any], transfer: Transfer, regs: Law, supplement_rows: Rows
) -> tuple[Requirement, list[str], tuple[str, ...]]:
    check = _CHECKS.get(req["test"])
    if check is None:  # pragma: no cover - the data build admits only the tests above
        raise ValueError(f"unknown requirement test {req['test']!r}")
    found = check(req, transfer, regs, supplement_rows)
    return (
        Requirement(req["id"], found.status, found.facts, found.detail),
        list(found.missing),
        found.excluded,
    )


#: Requirement tests every paragraph of an exemption shares (e.g. § 126.5(a) and (b)).
_EVERY_PARAGRAPH = frozenset({"not_on_supplement", "not_proscribed", "no_ineligible_party"})


def _exemption(
    name: str,
    key: str,
    transfer: Transfer,
    regs: Law,
    supplement_rows: dict[str, tuple[RowMatch, ...]],
) -> ExemptionResult:
    spec = regs.exemption_data[key]
    version = next(
        (
            v
            for v in spec["versions"]
            if (
                v["effective_from"] is None
                or dt.date.fromisoformat(v["effective_from"]) <= regs.as_of
            )
            and (
                v["effective_until"] is None
                or regs.as_of <= dt.date.fromisoformat(v["effective_until"])
            )
        ),
        None,
    )
    if version is None:
        return ExemptionResult(
            name,
            spec["citation"],
            None,
            "not_in_force",
            (),
            (),
            (),
            f"{spec['citation']} is not in force on {regs.as_of}",
        )
    requirements = []
    missing: list[str] = []
    excluded: list[str] = []
    if transfer.activity is None and any("unless_fact" in b for b in spec.get("not_exempt", [])):
        # Which paragraph applies (e.g. § 126.5(a) for a temporary import, (b) otherwise) turns
        # on the activity: ask it first rather than judge one paragraph that may not apply.
        # What every paragraph requires settles it when it fails: a row of the supplement that
        # excludes the item, a proscribed country (§ 126.1), an ineligible party (§ 120.15(b)).
        for req in version["requirements"]:
            if req["test"] in _EVERY_PARAGRAPH:
                result, _, rows = _requirement(req, transfer, regs, supplement_rows)
                if result.status == "fail":
                    return ExemptionResult(
                        name,
                        spec["citation"],
                        version["id"],
                        "not_eligible",
                        (result,),
                        rows,
                        (),
                        version.get("modelled", ""),
                    )
        unknown = Requirement(
            spec["citation"],
            "unknown",
            {"activity": None},
            "which paragraph applies depends on the activity",
        )
        return ExemptionResult(
            name,
            spec["citation"],
            version["id"],
            "undetermined",
            (unknown,),
            (),
            (_question("activity", regs),),
            version.get("modelled", ""),
        )
    own_path = False  # a paragraph of its own (e.g. § 126.5(a)) decides instead of the rest
    for blocked in spec.get("not_exempt", []):
        if transfer.activity not in blocked["activities"]:
            continue
        if transfer.to_country in blocked.get("except_to_countries", ()):
            requirements.append(
                Requirement(
                    blocked["id"],
                    "pass",
                    {"to_country": transfer.to_country},
                    "to the United States: no DDTC approval needed",
                )
            )
            continue
        unless = transfer.answer(blocked["unless_fact"]) if "unless_fact" in blocked else False
        if unless is False:
            requirements.append(
                Requirement(
                    blocked["id"],
                    "fail",
                    {"activity": transfer.activity},
                    "needs DDTC approval or a license",
                )
            )
            continue
        own_path = True
        path_facts: dict[str, Any] = {blocked["unless_fact"]: unless}
        path_status: Status = "pass" if unless else "unknown"
        details = [blocked.get("unless_quote", "") if unless else "not known"]
        if unless is None:
            missing.append(blocked["unless_fact"])
        for req in blocked.get("requires", []):
            result, needed, rows = _requirement(req, transfer, regs, supplement_rows)
            path_facts.update(result.facts)
            details.append(result.detail)
            excluded.extend(rows)
            missing.extend(f for f in needed if f not in missing)
            if result.status == "fail":
                path_status = "fail"
            elif result.status == "unknown" and path_status == "pass":
                path_status = "unknown"
        requirements.append(Requirement(blocked["id"], path_status, path_facts, "; ".join(details)))
    for req in [] if own_path else version["requirements"]:
        if req["test"] == "activity" and any(r.status == "pass" for r in requirements):
            continue  # the activity is covered by the paragraph that passed above
        result, needed, rows = _requirement(req, transfer, regs, supplement_rows)
        requirements.append(result)
        missing.extend(f for f in needed if f not in missing)
        excluded.extend(rows)
    statuses = {r.status for r in requirements}
    status: ExemptionStatus = (
        "not_eligible"
        if "fail" in statuses
        else "undetermined"
        if "unknown" in statuses
        else "eligible"
    )
    return ExemptionResult(
        name,
        spec["citation"],
        version["id"],
        status,
        tuple(requirements),
        tuple(excluded),
        tuple(_question(f, regs) for f in missing) if status == "undetermined" else (),
        version.get("modelled", ""),
    )


def _supplement_rows(transfer: Transfer, regs: Law) -> dict[str, tuple[RowMatch, ...]]:
    return {
        "etl": match_rows(regs.etl, transfer, regs.usml),
        "supp1": match_rows(regs.supp1, transfer, regs.usml, column="126.5"),
    }


def check_aukus(transfer: Transfer, regs: Law) -> ExemptionResult:
    """§ 126.7 alone (without § 126.1): the AUKUS exemption's requirements for one transfer."""
    validate_transfer(transfer, regs)
    return _exemption("126.7", "aukus_126_7", transfer, regs, _supplement_rows(transfer, regs))


def check_aukus_after_126_1(
    transfer: Transfer, regs: Law
) -> tuple[tuple[Requirement, ...], ExemptionResult | None]:
    """§ 126.1 first (§ 126.1(a): exemptions do not apply to proscribed destinations), then
    § 126.7: the failing § 126.1 requirements, or none and the § 126.7 result."""
    validate_transfer(transfer, regs)
    denied = proscribed(transfer, regs)
    if denied:
        return denied, None
    return (), check_aukus(transfer, regs)


def check_canada(transfer: Transfer, regs: Law) -> ExemptionResult:
    """§ 126.5 (with the § 126.1 and § 120.16 terms § 126.5(b) recalls) for one transfer."""
    validate_transfer(transfer, regs)
    return _exemption("126.5", "canada_126_5", transfer, regs, _supplement_rows(transfer, regs))


def authorize(transfer: Transfer, regs: Law) -> Authorization:
    """§ 126.1, then every modelled exemption: which one is available, or that a license is
    needed, or that the facts do not yet tell."""
    validate_transfer(transfer, regs)
    denied = proscribed(transfer, regs)
    warnings = (*regs.warnings, *_country_warnings(transfer, regs))
    decision_id = provenance.decision_id(
        transfer.transfer_id,
        provenance.canonical_json(to_jsonable(transfer)),
        regs.id,
        regs.as_of,
    )
    if denied:
        return Authorization(
            decision_id,
            transfer.transfer_id,
            "prohibited",
            None,
            denied,
            (),
            (),
            regs.as_of,
            regs.id,
            warnings,
        )
    rows = _supplement_rows(transfer, regs)
    results = (
        _exemption("126.7", "aukus_126_7", transfer, regs, rows),
        _exemption("126.5", "canada_126_5", transfer, regs, rows),
    )
    eligible = [r for r in results if r.status == "eligible"]
    questions: list[Question] = []
    for r in results:
        questions.extend(q for q in r.open_questions if q.id not in {x.id for x in questions})
    unknown_countries = _unknown_countries(transfer)
    if eligible and not unknown_countries:
        outcome: Outcome = "exempt"
    elif any(r.status == "undetermined" for r in results) and not eligible:
        outcome = "undetermined"
    elif unknown_countries:
        # § 126.1 is not cleared while a country the transfer touches is unknown: it may
        # prohibit the transfer outright (§ 126.1(a): no exemption applies then).
        outcome = "undetermined"
        eligible = []
        questions.extend(
            _question(f, regs)
            for f in dict.fromkeys(unknown_countries)
            if f not in {q.id for q in questions}
        )
    else:
        outcome = "license_required"
    return Authorization(
        decision_id,
        transfer.transfer_id,
        outcome,
        eligible[0].exemption if eligible else None,
        (),
        results,
        tuple(questions) if outcome == "undetermined" else (),
        regs.as_of,
        regs.id,
        warnings,
    )
