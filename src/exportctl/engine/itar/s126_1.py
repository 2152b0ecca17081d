"""22 CFR 126.1: prohibited exports, imports and sales to or from certain countries.

§ 126.1(a): the exemptions of the subchapter are not available for a country the section names
(a policy of denial, (d)(1); or the paragraph of (d)(2) for that country, unless its policy is
suspended on the date).  A transfer that touches such a country is prohibited before any
exemption is considered; a transfer whose countries are not all known cannot be cleared.
"""

from __future__ import annotations

from exportctl.core.bounded import empty_table, kept_for
from exportctl.core.results import Check, Requirement, make_check
from exportctl.corpus.countries import ProscribedStatus
from exportctl.corpus.exemptions import RequirementSpec
from exportctl.corpus.law import Law
from exportctl.engine.requirements import Context, requirement_test, unknown_countries
from exportctl.inputs.transfers import Transfer

__all__ = ["country_warnings", "proscribed", "proscribed_status"]


def proscribed_status(code: str, law: Law) -> ProscribedStatus:
    """Where ``code`` stands under § 126.1 on the law's date
    (:meth:`~exportctl.corpus.countries.Countries.proscribed_status` of the law's countries):
    worked out once per law and country, every test of a transfer reading the same countries
    (kept by the law's identity, with the law, so an id is never reused while it is here)."""
    table = kept_for(_STATUSES, law, empty_table)
    found = table.get(code)
    if found is None:
        if len(table) >= 1024:
            table.clear()
        found = table[code] = law.countries.proscribed_status(code, law.as_of)
    return found


_STATUSES: dict[int, tuple[Law, dict[str, ProscribedStatus]]] = {}


def proscribed(transfer: Transfer, law: Law) -> tuple[Requirement, ...]:
    """One failing requirement per proscribed country the transfer touches (none: none
    touched), each citing its paragraph of § 126.1."""
    out = []
    for code in transfer.countries():
        if code is None:
            continue
        status = proscribed_status(code, law)
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
            status = proscribed_status(code, law)
            out.extend(w for w in status.warnings if w not in out)
    return tuple(out)


#: What ``not_proscribed`` may read (``of``), and the fact that holds it.
READS = {
    "destination": "to_country",
    "origin": "origin_country",
    "parties": "parties",
    "recipient_nationalities": "recipient_nationalities",
}


def _read(t: Transfer, what: str) -> tuple[list[str], bool]:
    """The countries ``what`` names for the transfer, and whether some are unknown.  A release
    of technical data (or a defense service) to a foreign person reaches every country of the
    person's nationality (§ 120.50(b), § 120.51(b)); for a defense article it is not read."""
    if what == "destination":
        return ([t.to_country] if t.to_country else []), t.to_country is None
    if what == "origin":
        return ([t.origin_country] if t.origin_country else []), t.origin_country is None
    if what == "parties":
        if t.parties is None:
            return [], True
        return [p.country for p in t.parties if p.country], any(
            p.country is None for p in t.parties
        )
    if t.transfer_kind == "article":
        return [], False
    found = list(t.recipient_nationalities or ())
    return found, not found


def _not_proscribed_of(req: RequirementSpec, t: Transfer, law: Law) -> Check:
    """§ 126.1 read for the countries ``of`` names (§ 125.4(a): the destination and the
    recipients' nationalities; § 120.15(c): also the origin and the parties)."""
    codes: list[str] = []
    missing: list[str] = []
    for what in req["of"]:
        found, unknown = _read(t, what)
        codes.extend(c for c in found if c not in codes)
        if unknown:
            missing.append(READS[what])
    facts = {"countries": codes}
    out = []
    for code in codes:
        status = proscribed_status(code, law)
        if status.status in ("policy_of_denial", "country_specific"):
            out.append(f"{code}: {status.status.replace('_', ' ')} ({status.citation})")
    if out:
        return make_check("fail", "; ".join(out), facts)
    if missing:
        return make_check(
            "unknown", f"§ 126.1 is not cleared: needs {', '.join(missing)}", facts, tuple(missing)
        )
    return make_check("pass", f"none of {', '.join(codes)} is proscribed (§ 126.1)", facts)


@requirement_test("not_proscribed")
def not_proscribed(req: RequirementSpec, t: Transfer, law: Law, ctx: Context) -> Check:
    """§ 126.1(a) (and § 126.5(b) "and § 126.1", § 120.15(c)): unavailable for a proscribed
    country, and not granted before every country the transfer touches is known (``of``: only
    the countries named there)."""
    if "of" in req.params:
        return _not_proscribed_of(req, t, law)
    facts = {"countries": list(t.countries())}
    denied = proscribed(t, law)
    if denied:
        return make_check("fail", "; ".join(c.detail for c in denied), facts)
    missing = unknown_countries(t)
    if missing:
        return make_check(
            "unknown", "§ 126.1 is not cleared: not every country is known", facts, tuple(missing)
        )
    return make_check("pass", "no country the transfer touches is proscribed (§ 126.1)", facts)
