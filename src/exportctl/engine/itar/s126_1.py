"""22 CFR 126.1: prohibited exports, imports and sales to or from certain countries.

§ 126.1(a): the exemptions of the subchapter are not available for a country the section names
(a policy of denial, (d)(1); or the paragraph of (d)(2) for that country, unless its policy is
suspended on the date).  A transfer that touches such a country is prohibited before any
exemption is considered; a transfer whose countries are not all known cannot be cleared.
"""

from __future__ import annotations

from exportctl.core.results import Check, Requirement
from exportctl.corpus.exemptions import RequirementSpec
from exportctl.corpus.law import Law
from exportctl.engine.requirements import Context, requirement_test, unknown_countries
from exportctl.inputs.transfers import Transfer

__all__ = ["country_warnings", "proscribed"]


def proscribed(transfer: Transfer, law: Law) -> tuple[Requirement, ...]:
    """One failing requirement per proscribed country the transfer touches (none: none
    touched), each citing its paragraph of § 126.1."""
    out = []
    for code in transfer.countries():
        if code is None:
            continue
        status = law.countries.proscribed_status(code, law.as_of)
        if status.status in ("policy_of_denial", "country_specific"):
            detail = f"{code}: {status.status.replace('_', ' ')}"
            if status.detail:
                detail += f" (case-by-case: {status.detail})"
            detail += "".join(f"; warning: {w}" for w in status.warnings)
            out.append(Requirement(status.citation, "fail", {"country": code}, detail))
    return tuple(out)


def country_warnings(transfer: Transfer, law: Law) -> tuple[str, ...]:
    """What the data cannot tell about the countries the transfer touches on the date (e.g. a
    § 126.1(r) suspension known only up to an earlier date)."""
    out: list[str] = []
    for code in transfer.countries():
        if code is not None:
            status = law.countries.proscribed_status(code, law.as_of)
            out.extend(w for w in status.warnings if w not in out)
    return tuple(out)


@requirement_test("not_proscribed")
def not_proscribed(req: RequirementSpec, t: Transfer, law: Law, ctx: Context) -> Check:
    """§ 126.1(a) (and § 126.5(b) "and § 126.1", § 120.15(c)): unavailable for a proscribed
    country, and not granted before every country the transfer touches is known."""
    facts = {"countries": list(t.countries())}
    denied = proscribed(t, law)
    if denied:
        return Check("fail", "; ".join(c.detail for c in denied), facts)
    missing = unknown_countries(t)
    if missing:
        return Check(
            "unknown", "§ 126.1 is not cleared: not every country is known", facts, tuple(missing)
        )
    return Check("pass", "no country the transfer touches is proscribed (§ 126.1)", facts)
