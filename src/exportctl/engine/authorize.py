"""ITAR exemptions for a transfer: § 126.1 first, then every exemption the law holds.

1. 22 CFR 126.1: a transfer that touches a proscribed country is denied (or subject to the
   case-by-case review the paragraph describes) before any exemption is considered; § 126.1(a)
   makes the exemptions unavailable.
2. Every exemption of the law (:attr:`exportctl.corpus.law.Law.exemptions`: § 126.5 and § 126.7
   today, each a data file of ``data/law/itar/``) is decided by
   :func:`exportctl.engine.exemptions.evaluate` with the version in force on the law's date.
3. The outcome: ``exempt`` (the first eligible exemption in the CFR's order, and every eligible
   one listed), ``license_required`` (every exemption fails), ``prohibited`` (§ 126.1), or
   ``undetermined`` with the questions that would decide it.

§ 126.1(a) names exemptions that "may be utilized" nevertheless — § 126.4(a)(1), (a)(3), (b)(1);
(a)(2), (b)(2) for Russia in support of government space cooperation; any exemption when the
recipient is a U.S. Government department or agency — and § 125.4(a) excepts § 125.4(b)(13):
for a transfer touching a proscribed country those exemptions (as their condition groups'
exceptions say, :func:`~exportctl.engine.exemptions.usable_despite_126_1`) are decided, and the
outcome is ``exempt`` when one is eligible, ``undetermined`` while one is open, ``prohibited``
otherwise.

Fail closed: no exemption is granted while § 126.1 is not cleared (a country the transfer
touches is unknown), while a party is debarred or ineligible under § 120.16 (§ 120.15(b)), or
while the transferor or the recipient is missing from the party list; a USML reference above the
leaf (``XI``, ``XI(a)``) leaves open every row and amount that could apply to a paragraph beneath
it.  Transfers are checked as the parsers check them
(:func:`exportctl.inputs.transfers.validate_transfer`): a reference that names nothing, or a
party both debarred and eligible, is an error.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

import attrs

from exportctl.core import provenance
from exportctl.core.facts import Question
from exportctl.core.results import Requirement
from exportctl.corpus.law import Law
from exportctl.engine.decision import jsonable
from exportctl.engine.exemptions import (
    ExemptionResult,
    evaluate,
    question,
    usable_despite_126_1,
)
from exportctl.engine.itar.s126_1 import country_warnings, proscribed
from exportctl.engine.requirements import Context, unknown_countries
from exportctl.inputs.transfers import Transfer, validate_transfer

__all__ = [
    "Authorization",
    "ExemptionResult",
    "Requirement",
    "authorize",
    "authorize_checked",
    "check_aukus",
    "check_aukus_after_126_1",
    "check_canada",
    "check_exemption",
    "proscribed",
]

Outcome = Literal["exempt", "license_required", "prohibited", "undetermined"]


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
    eligible: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        record: dict[str, Any] = jsonable(self)  # to_jsonable's values, walked faster
        return record

    def result(self, key: str) -> ExemptionResult | None:
        """The result of one exemption (by its paragraph, e.g. ``126.7``), if decided."""
        return next((e for e in self.exemptions if e.exemption == key), None)


def check_exemption(key: str, transfer: Transfer, law: Law) -> ExemptionResult:
    """One exemption of the law alone (without § 126.1), by its paragraph (``126.7``)."""
    validate_transfer(transfer, law)
    return evaluate(law.exemptions.get(key), transfer, law, Context(transfer, law))


def check_aukus(transfer: Transfer, law: Law) -> ExemptionResult:
    """§ 126.7 alone (without § 126.1): the AUKUS exemption's requirements for one transfer."""
    return check_exemption("126.7", transfer, law)


def check_canada(transfer: Transfer, law: Law) -> ExemptionResult:
    """§ 126.5 alone (without § 126.1)."""
    return check_exemption("126.5", transfer, law)


def check_aukus_after_126_1(
    transfer: Transfer, law: Law
) -> tuple[tuple[Requirement, ...], ExemptionResult | None]:
    """§ 126.1 first (§ 126.1(a): exemptions do not apply to proscribed destinations), then
    § 126.7: the failing § 126.1 requirements, or none and the § 126.7 result."""
    validate_transfer(transfer, law)
    denied = proscribed(transfer, law)
    if denied:
        return denied, None
    return (), check_aukus(transfer, law)


def authorize(transfer: Transfer, law: Law) -> Authorization:
    """§ 126.1, then every exemption the law holds: which one is available, or that a license
    is needed, or that the facts do not yet tell."""
    validate_transfer(transfer, law)
    return authorize_checked(transfer, law)


def transfer_key(transfer: Transfer) -> str:
    """Canonical JSON of the transfer (what its decision id hashes)."""
    return provenance.canonical_json(jsonable(transfer))


def authorize_checked(transfer: Transfer, law: Law) -> Authorization:
    """:func:`authorize` for a transfer the parsers have checked against ``law`` already
    (:func:`~exportctl.inputs.transfers.validate_transfer`): the batch reads each row once."""
    denied = proscribed(transfer, law)
    warnings = (*law.warnings, *country_warnings(transfer, law))
    decision_id = provenance.decision_id(
        transfer.transfer_id, transfer_key(transfer), law.id, law.as_of
    )
    if denied:
        # § 126.1(a)(2)-(3) (and § 125.4(a) for § 125.4(b)(13)) let some exemptions be used
        # nevertheless: decide those; any other is unavailable (issue 11).
        ctx = Context(transfer, law)
        excepted = tuple(
            evaluate(e, transfer, law, ctx) for e in law.exemptions if usable_despite_126_1(e, law)
        )
        allowed = tuple(r.exemption for r in excepted if r.status == "eligible")
        unknown = unknown_countries(transfer)
        if allowed and not unknown:
            return Authorization(
                decision_id,
                transfer.transfer_id,
                "exempt",
                allowed[0],
                denied,
                excepted,
                (),
                law.as_of,
                law.id,
                warnings,
                allowed,
            )
        if allowed or any(r.status == "undetermined" for r in excepted):
            asked = [q for r in excepted for q in r.open_questions]
            asked += [question(f, law) for f in unknown]
            return Authorization(
                decision_id,
                transfer.transfer_id,
                "undetermined",
                None,
                denied,
                excepted,
                tuple({q.id: q for q in asked}.values()),
                law.as_of,
                law.id,
                warnings,
            )
        return Authorization(
            decision_id,
            transfer.transfer_id,
            "prohibited",
            None,
            denied,
            (),
            (),
            law.as_of,
            law.id,
            warnings,
        )
    ctx = Context(transfer, law)
    results = tuple(evaluate(e, transfer, law, ctx) for e in law.exemptions)
    eligible = [r for r in results if r.status == "eligible"]
    questions: list[Question] = []
    seen: set[str] = set()
    for r in results:
        for q in r.open_questions:
            if q.id not in seen:
                seen.add(q.id)
                questions.append(q)
    unknown = unknown_countries(transfer)
    if eligible and not unknown:
        outcome: Outcome = "exempt"
    elif any(r.status == "undetermined" for r in results) and not eligible:
        outcome = "undetermined"
    elif unknown:
        # § 126.1 is not cleared while a country the transfer touches is unknown: it may
        # prohibit the transfer outright (§ 126.1(a): no exemption applies then).
        outcome = "undetermined"
        eligible = []
        questions.extend(
            question(f, law) for f in dict.fromkeys(unknown) if f not in {q.id for q in questions}
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
        law.as_of,
        law.id,
        warnings,
        tuple(r.exemption for r in eligible),
    )
