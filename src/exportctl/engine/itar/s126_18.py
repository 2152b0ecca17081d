"""22 CFR 126.18(a)-(d): how a foreign party's dual-national and third-country-national
employees may receive the agreement's unclassified defense articles, technical data and defense
services.

* (a)-(c): where (d) "cannot be implemented because of applicable domestic laws": regular
  employees, unclassified articles, within the country, with procedures against diversion —
  a host-nation security clearance ((c)(1)) or screening and a Non-Disclosure Agreement
  ((c)(2)).
* (d): "Nationals exclusively of countries that are members of NATO, the European Union,
  Australia, Japan, New Zealand, or Switzerland" ((d)(2)) within those countries or the United
  States ((d)(3)), regular employees ((d)(1)), no permanent transfer of hardware ((d)(5)), a
  Non-Disclosure Agreement unless the employer is a signatory or sublicensee ((d)(4)).

The set of (d)(2) is dated (NATO accessions; the EU list from its coverage date): every
nationality is evaluated on every date of the term on which the set changes, and the plan says
on which dates it is met, under which membership (a Swedish national is in the set as an EU
national before 2024-03-07, and also as a NATO national from then).  An employee not covered
on some date of the term cannot be handled under (d) on that date: the plan says so (listing
the employees in the agreement under § 124.8(a)(5) for DDTC's approval is the other route).

§ 124.16, where this reexport lived before, is reserved since 2016-09-01 (the data's
``reserved.since``): for a plan dated earlier, (a)-(d) are not evaluated (the former text is not
in the data).
"""

from __future__ import annotations

import datetime as dt

import attrs

from exportctl.corpus.agreements import AgreementRule
from exportctl.engine.itar.part124 import (
    Context,
    Item,
    SectionResult,
    Signature,
    Tri,
    and3,
    evaluate,
    member_on,
    membership_dates,
    section_rules,
    signatures_for,
)

__all__ = ["evaluate_126_18", "set_coverage"]


def _bases(ctx: Context, key: str, code: str, day: dt.date) -> list[str]:
    """The sets of a union through which ``code`` is a member on ``day`` (e.g. ["eu"])."""
    cset = ctx.law.countries.sets[key]
    out = [b for b in cset.union_of if member_on(ctx.law, b, code, day)]
    if any(m.iso2 == code for m in cset.members):
        out.append(code)
    return out


def set_coverage(
    ctx: Context,
    key: str,
    codes: tuple[str, ...],
    start: dt.date,
    end: dt.date,
    or_country: str | None = None,
) -> tuple[Tri, str]:
    """Is every country of ``codes`` in set ``key`` (or is ``or_country``) on every date from
    ``start`` to ``end``?  With the periods and the memberships that make it so."""
    dates = membership_dates(ctx.law, key, start, end)
    results: list[Tri] = []
    lines = []
    for code in codes:
        if code == or_country:
            results.append(True)
            lines.append(f"{code}: the United States")
            continue
        spans: list[str] = []
        previous: tuple[Tri, tuple[str, ...]] | None = None
        for day in dates:
            member = member_on(ctx.law, key, code, day)
            results.append(member)
            why = tuple(_bases(ctx, key, code, day)) if member else ()
            if (member, why) != previous:
                state = "in" if member else "not in" if member is False else "not known"
                spans.append(f"{state}{' as ' + ' and '.join(why) if why else ''} from {day}")
                previous = (member, why)
        lines.append(f"{code}: " + "; ".join(spans))
    return and3(results), " | ".join(lines)


def _dated_test(ctx: Context, rule: AgreementRule, item: Item) -> Item:
    fact = rule.get("fact")
    codes = ctx.fact(fact)
    term = ctx.term
    missing = [f for f, v in ((fact, codes), ("start_date", ctx.agreement.start_date)) if v is None]
    if term is None and not missing:
        missing.append("duration")
    if missing:
        return attrs.evolve(
            item,
            status="unknown",
            missing=tuple(missing),
            detail="evaluated on every date of the term: the facts are not known yet",
        )
    assert term is not None
    ok, detail = set_coverage(
        ctx, rule.get("country_set"), tuple(codes), *term, or_country=rule.get("or_country")
    )
    status = {True: "met", False: "not_met", None: "unknown"}[ok]
    return attrs.evolve(
        item,
        status=status,
        detail=f"{term[0]} to {term[1]}: {detail}",
        missing=(fact,) if ok is None else (),
    )


def evaluate_126_18(ctx: Context) -> SectionResult:
    items: list[Item] = []
    signatures: list[Signature] = []
    warnings: list[str] = []
    rules = ctx.law.agreement_rules
    reserved = None
    try:
        reserved = rules.section("124.16").reserved
    except KeyError:
        pass
    since = dt.date.fromisoformat(reserved["since"]) if reserved else None
    for rule in section_rules(ctx, "126.18"):
        item = evaluate(ctx, rule)
        if since is not None and ctx.as_of < since and item.status not in ("not_required",):
            item = attrs.evolve(
                item,
                status="unknown",
                detail=f"before {since} the reexport to dual/third-country national employees "
                "was 22 CFR 124.16 (now reserved), whose text is not in the data",
            )
        elif rule.get("test") in ("nationals_of", "territory") and item.status == "required":
            item = _dated_test(ctx, rule, item)
        elif rule.get("unless") and item.status == "required":
            roles = rule.get("unless").get("employer_role", [])
            item = attrs.evolve(
                item,
                status="not_required",
                detail=f"the employees are the foreign parties' ({' or '.join(roles)}) and "
                "their employer is a signatory or sublicensee to the agreement",
            )
        items.append(item)
        signatures += signatures_for(ctx, rule, item)
    handling = ctx.fact("dn_tcn_handling")
    failed = [i for i in items if i.status == "not_met"]
    if handling in ("126.18(a)-(c)", "126.18(d)") and failed:
        warnings.append(
            f"dual/third-country national employees cannot be handled under {handling} as "
            f"given ({'; '.join(f'{i.rule}: {i.detail}' for i in failed)}): list them in the "
            "agreement for DDTC's approval (22 CFR 124.8(a)(5), 'as specifically authorized in "
            "this agreement') or keep them from access"
        )
    return SectionResult(tuple(items), tuple(signatures), tuple(warnings))
