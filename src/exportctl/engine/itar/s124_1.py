"""22 CFR 124.1: approval before entry into force (a), classified agreements forwarded to DSS
(b), amendments (c) and minor amendments (d) — and the amendments the territory will need over
the term.

A territory written as a list of countries does not grow.  A country that joins a set the
territory follows (NATO, 22 CFR 120.23(a): "and any state not included here that has deposited
an instrument of accession") is outside the approved territory until an amendment adds it, and
that amendment is submitted for approval: § 124.1(c) ("Changes to the scope of approved
agreements … must be submitted for approval"), not a minor amendment under § 124.1(d), which
covers only amendments that do not affect "the clauses or information which must be included in
such agreements because of the requirements of this part" — and the territory is such information
(§ 124.7(a)(4)).  Under a territory selection a reform adds, the selection covers the new member
from its accession and no amendment is needed.
"""

from __future__ import annotations

import datetime as dt

import attrs

from exportctl.engine.itar.part124 import Context, Item, SectionResult, evaluate, section_rules

__all__ = ["Amendment", "amendments", "evaluate_124_1"]

AMENDMENT_RULE = "22 CFR 124.1(c)"
MINOR_RULE = "22 CFR 124.1(d)"


@attrs.frozen
class Amendment:
    """An amendment the agreement will need during its term, and why."""

    date: dt.date
    country: str
    country_name: str
    country_set: str
    citation: str
    why: str
    quote: str
    source: str


def amendments(ctx: Context) -> tuple[tuple[Amendment, ...], tuple[str, ...]]:
    """The amendments the territory needs over the term (and what is covered without one)."""
    territory = ctx.territory
    if territory is None or not territory.accessions:
        return (), ()
    rules = ctx.law.agreement_rules
    major = rules.rule(AMENDMENT_RULE)
    minor = rules.rule(MINOR_RULE)
    out = []
    covered = []
    for a in territory.accessions:
        selection = rules.selection(a.country_set, ctx.agreement.kind)
        if selection is not None and not selection.amendment_on_accession:
            covered.append(
                f"{a.country_name} ({a.country}) joins {a.country_set} on {a.date}: covered by "
                f"the selection {selection.name} from that date, without an amendment (reform "
                f"{selection.reform})"
            )
            continue
        why = (
            f"{a.country_name} joins {a.country_set} on {a.date}; the territory as written "
            f"(§ 124.7(a)(4)) does not include it, so adding it changes the scope of the "
            f"approved agreement and must be submitted for approval ({major.citation}); it is "
            f"not a minor amendment ({minor.citation}: only amendments that do not affect "
            f"'the clauses or information which must be included')"
        )
        out.append(
            Amendment(
                a.date,
                a.country,
                a.country_name,
                a.country_set,
                major.citation,
                why,
                major.quote,
                major.source,
            )
        )
    return tuple(out), tuple(covered)


def evaluate_124_1(ctx: Context) -> SectionResult:
    """§ 124.1(a)-(d) for this agreement (the amendments over the term: :func:`amendments`)."""
    items: list[Item] = []
    warnings: list[str] = []
    agreement = ctx.agreement
    for rule in section_rules(ctx, "124.1"):
        item = evaluate(ctx, rule)
        deadline = rule.get("deadline")
        if item.status == "required" and deadline:
            concluded = agreement.fact("concluded_date")
            if concluded is not None:
                due = concluded + dt.timedelta(days=deadline["days"])
                item = attrs.evolve(
                    item,
                    due=due,
                    detail=f"one copy due by {due} ({deadline['written']} after it was "
                    f"concluded on {concluded})",
                )
            else:
                item = attrs.evolve(
                    item,
                    detail=f"one copy due within {deadline['written']} after it is concluded",
                )
        items.append(item)
    approval, start = agreement.fact("approval_date"), agreement.start_date
    if approval is not None and start is not None and start < approval:
        warnings.append(
            f"the term starts {start}, before DDTC's approval of {approval}: the agreement "
            "may not enter into force without the prior written approval of DDTC "
            "(22 CFR 124.1(a))"
        )
    return SectionResult(tuple(items), (), tuple(warnings))
