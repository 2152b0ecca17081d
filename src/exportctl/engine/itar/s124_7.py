"""22 CFR 124.7: the information every manufacturing license and technical assistance agreement
must include, (a)(1)-(4), and which of it the input does not give yet; the territory as it must
be written; DDTC's guidance on the term (labelled guidance, never regulation).

§ 124.7(a)(4): "The agreement must specifically identify the countries or areas in which
manufacturing, production, processing, sale, or other form of transfer to be licensed."  Part 124
has no group selection today: a territory given as a named set (``nato``, 22 CFR 120.23(a)) is
written as the countries of the set on the first day of the term, and a country that joins the
set during the term is not in it until an amendment adds it (§ 124.1(c)).  A reform may give the
agreement rules a :class:`~exportctl.corpus.agreements.TerritorySelection` (the DIB's "NATO
Alliance"): the territory is then written as the selection and covers the set's members on each
date of the term.  An explicit list that names every member of a set on the first day is read as
following the set (the plan says so).
"""

from __future__ import annotations

import datetime as dt

import attrs

from exportctl.core.dated import OutsideCoverage
from exportctl.corpus.law import Law
from exportctl.engine.itar.part124 import (
    Accession,
    Context,
    Item,
    SectionResult,
    TerritoryPlan,
    country_name,
    evaluate,
    section_rules,
)
from exportctl.inputs.agreements import TERRITORY_SETS, Agreement, Period

__all__ = ["GUIDANCE_TERM", "evaluate_124_7", "resolve_territory"]

#: The DDTC guideline on the term (data/law/itar/124_7.json), by its id.
GUIDANCE_TERM = "DDTC guidelines: ten-year term"
GUIDANCE_NO_SELECTION = "DDTC practice: no NATO Alliance selection"

_SET_CITATIONS = {key: cite for key, cite in TERRITORY_SETS.values()}


def _accessions(law: Law, key: str, after: dt.date, until: dt.date) -> tuple[Accession, ...]:
    """Countries that join set ``key`` after ``after`` and on or before ``until``."""
    dated = law.countries.membership(key)
    out = []
    try:
        before = dated.value_at(after)
    except OutsideCoverage:
        return ()
    for version in dated.versions:
        day = version.effective_from
        if day is None or not after < day <= until:
            continue
        for code in sorted(version.value - before):
            out.append(Accession(code, law.countries.get(code).name, day, key))
        before = version.value
    return tuple(out)


def resolve_territory(agreement: Agreement, law: Law) -> TerritoryPlan | None:
    """The territory of ``agreement`` under ``law``'s agreement rules (None when unknown)."""
    territory = agreement.territory
    if territory is None:
        return None
    start = agreement.start_date
    reference = start or law.as_of
    missing: list[str] = [] if start is not None else ["start_date"]
    explicit = set(territory.countries)
    follows = list(territory.sets)
    notes: list[str] = []
    for key in dict.fromkeys(k for k, _ in TERRITORY_SETS.values()):
        if key in follows:
            continue
        try:
            members = law.countries.members(key, reference)
        except OutsideCoverage:
            continue
        if members and members <= explicit:
            follows.append(key)
            notes.append(
                f"the territory names every member of {key} on {reference}: it is read as "
                f"following {key} ({_SET_CITATIONS[key]}) over the term"
            )
    at_start = set(explicit)
    for key in follows:
        at_start |= law.countries.members(key, reference)
    term = agreement.term
    accessions: list[Accession] = []
    if term is None:
        if follows:  # the accessions during the term need its dates
            missing += [f for f in ("start_date", "duration") if agreement.fact(f) is None]
            if agreement.fact("expiration_date") is not None and "duration" in missing:
                missing.remove("duration")
    else:
        for key in follows:
            accessions += [
                a for a in _accessions(law, key, reference, term[1]) if a.country not in at_start
            ]
    selections = [
        s
        for key in follows
        if (s := law.agreement_rules.selection(key, agreement.kind)) is not None
    ]
    selected_sets = {s.country_set for s in selections}
    if selections:
        inside: set[str] = set()
        for key in selected_sets:
            inside |= law.countries.members(key, reference)
        written = (
            *(s.name for s in selections),
            *(country_name(law, c) for c in sorted(explicit - inside)),
        )
    else:
        written = tuple(country_name(law, c) for c in sorted(at_start))
    sets = ", ".join(follows)
    if selections:
        detail = (
            f"written as {', '.join(s.name for s in selections)} (a selection the law's "
            f"agreement rules hold: reform {', '.join(s.reform for s in selections)}), covering "
            f"the members of {sets} on each date of the term ({len(at_start)} countries on "
            f"{reference})"
        )
    elif follows:
        detail = (
            f"written country by country: the {len(at_start)} countries of the territory on "
            f"{reference} ({sets} as {', '.join(_SET_CITATIONS[k] for k in follows)} defines "
            "it, with its members on that date); part 124 has no group selection (§ 124.7(a)(4))"
        )
    else:
        detail = f"written country by country ({len(at_start)} countries)"
    if notes:
        detail += "; " + "; ".join(notes)
    return TerritoryPlan(
        written=written,
        selection=", ".join(s.name for s in selections) or None,
        follows=tuple(follows),
        countries_at_start=tuple(sorted(at_start)),
        accessions=tuple(accessions),
        reference_date=reference,
        citation="22 CFR 124.7(a)(4)",
        detail=detail,
        missing=tuple(dict.fromkeys(missing)),
        resolved_through=tuple(_SET_CITATIONS[k] for k in follows),
    )


def _term_detail(agreement: Agreement) -> str:
    term = agreement.term
    if term is None:
        return ""
    duration = agreement.fact("duration")
    length = f" ({duration})" if isinstance(duration, Period) else ""
    return f"term {term[0]} to {term[1]}{length}"


def evaluate_124_7(ctx: Context) -> SectionResult:
    """§ 124.7(a)(1)-(4) and the transmittal letter's reasons for a proposed variation; the DDTC
    guidance on the term, labelled as guidance."""
    items: list[Item] = []
    warnings: list[str] = []
    agreement = ctx.agreement
    for rule in section_rules(ctx, "124.7"):
        item = evaluate(ctx, rule)
        if rule.id == "22 CFR 124.7(a)(4)" and ctx.territory is not None and item.status == "given":
            item = attrs.evolve(
                item,
                detail=ctx.territory.detail,
                facts={"territory": list(ctx.territory.written)},
            )
        elif rule.id == "22 CFR 124.7(a)(3)" and item.status in ("given", "missing"):
            term = agreement.term
            if term is not None:
                # the duration or the expiration date specifies it; one is enough
                item = attrs.evolve(
                    item,
                    status="given",
                    missing=(),
                    detail=_term_detail(agreement) + (f"; {rule.note}" if rule.note else ""),
                    facts={"start_date": term[0], "expiration_date": term[1]},
                )
        elif rule.id == GUIDANCE_TERM and item.status == "guidance":
            item, warning = _ten_years(ctx, item, rule.get("limit") or {})
            if warning:
                warnings.append(warning)
        elif (
            rule.id == "DDTC guidelines: duration with a specific date"
            and item.status == "guidance"
        ):
            expires = agreement.expiration_date
            item = attrs.evolve(
                item,
                detail=(
                    f"state the expiration as a specific date: {expires}"
                    if expires is not None
                    else "state the expiration as a specific date (not known yet)"
                ),
            )
        elif rule.id == GUIDANCE_NO_SELECTION and item.status == "guidance":
            item = _no_selection(ctx, item)
        items.append(item)
    return SectionResult(tuple(items), (), tuple(warnings))


def _ten_years(ctx: Context, item: Item, limit: dict[str, object]) -> tuple[Item, str | None]:
    """DDTC guidance (not part 124): the expiration may not exceed ten years.  Read as: the
    expiration date no later than the same day ten years after the start of the term."""
    years = limit.get("years")
    term = ctx.term
    if not isinstance(years, int) or term is None:
        return attrs.evolve(item, detail="DDTC guidance: the term is not known yet"), None
    latest = Period(years=years).after(term[0])
    facts = {"expiration_date": term[1], "latest_under_guidance": latest}
    if term[1] > latest:
        warning = (
            f"DDTC guidance, not regulation: the term ends {term[1]}, more than {years} years "
            f"after it starts ({term[0]}); DDTC's guidelines say an approved agreement's "
            f"expiration 'cannot exceed 10 years' (part 124 sets no maximum, § 124.7(a)(3))"
        )
        return attrs.evolve(item, detail=warning, facts=facts), warning
    return (
        attrs.evolve(
            item,
            detail=f"DDTC guidance: the term ends {term[1]}, within {years} years of its start",
            facts=facts,
        ),
        None,
    )


def _no_selection(ctx: Context, item: Item) -> Item:
    territory = ctx.territory
    if territory is not None and territory.selection is not None:
        return attrs.evolve(
            item,
            status="not_required",
            detail=f"the law's agreement rules hold the selection {territory.selection} "
            "(a reform): the territory is written as that selection",
        )
    if territory is not None and territory.follows:
        return attrs.evolve(
            item,
            detail="no 'NATO Alliance' selection exists today: the territory is written "
            "country by country, and a country joining during the term needs an amendment",
        )
    return attrs.evolve(item, detail="the territory names countries only")
