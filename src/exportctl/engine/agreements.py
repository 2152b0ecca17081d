"""Planning an agreement under 22 CFR part 124: what it must say, who signs, what is certified,
what is filed when, and the amendments it will need over its term.

:func:`plan` reads one :class:`~exportctl.inputs.agreements.Agreement` under one
:class:`~exportctl.corpus.law.Law` (its agreement rules, its dated country sets, its § 123.15
amounts, its § 126.1 statuses) and returns an :class:`AgreementPlan`:

1. § 126.1 first: a proscribed country in the territory (on any date of the term) or among the
   foreign parties is flagged with its paragraph, and the plan is ``not_approvable``.
2. The territory as it must be written (§ 124.7(a)(4)), and the amendments it needs as countries
   join a set it follows (§ 124.1(c)).
3. Every rule of every section that applies to the agreement's kind, one evaluator module per
   section (``engine/itar/s124_*.py``, ``s126_18.py``): information, clauses and statements
   (checked against drafts when given), signatures, certifications and waits, filings and their
   due dates, conditions, DDTC guidance (labelled as such).

A plan is ``complete`` only when nothing is unknown: every fact a rule reads is known and § 126.1
is cleared for every country.  Results support, and do not replace, DDTC's approval.

:func:`nato_alliance` is the Defense Innovation Board's "NATO Alliance" recommendation as a change
of the law's data (data/reforms/nato-alliance.json): the agreement rules gain a territory
selection resolved at each date of the term; :func:`compare` plans an agreement under two laws.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, Literal

import attrs

from exportctl.core.facts import ContradictoryFacts, FactError, Question
from exportctl.core.jsonable import to_jsonable
from exportctl.core.provenance import canonical_json, content_hash, decision_id
from exportctl.core.results import Requirement
from exportctl.corpus.agreements import TerritorySelection
from exportctl.corpus.bundle import DataIntegrityError
from exportctl.corpus.law import Law
from exportctl.engine.itar import (
    s124_1,
    s124_4,
    s124_7,
    s124_8,
    s124_9,
    s124_10,
    s124_11,
    s124_12,
    s124_14,
    s126_18,
)
from exportctl.engine.itar.part124 import (
    Context,
    Item,
    SectionResult,
    Signature,
    TerritoryPlan,
    country_name,
)
from exportctl.engine.itar.s124_1 import Amendment
from exportctl.inputs.agreements import (
    Agreement,
    agreement_from_csv_row,
    agreement_from_mapping,
    validate_agreement,
)
from exportctl.inputs.readers import Record, escape_surrogates, printable

__all__ = [
    "AGREEMENT_REFORMS",
    "NATO_ALLIANCE",
    "PLAN_COLUMNS",
    "AgreementPlan",
    "Comparison",
    "Difference",
    "PartyLine",
    "PlanResult",
    "compare",
    "nato_alliance",
    "plan",
    "plan_records",
    "plan_row",
    "proscribed",
]

NATO_ALLIANCE = "nato-alliance"

#: The bundled files a plan reads (a date after their text's "as of" is warned about).
_WARNED_FILES = ("agreements.json", "countries.json", "exemptions.json", "usml")

Status = Literal["complete", "incomplete", "not_approvable"]

#: The evaluators, in the order of the plan (one per section of part 124, and § 126.18).
EVALUATORS: tuple[Callable[[Context], SectionResult], ...] = (
    s124_1.evaluate_124_1,
    s124_7.evaluate_124_7,
    s124_8.evaluate_124_8,
    s124_9.evaluate_124_9,
    s124_14.evaluate_124_14,
    s124_10.evaluate_124_10,
    s124_11.evaluate_124_11,
    s124_12.evaluate_124_12,
    s124_4.evaluate_124_4_to_6,
    s126_18.evaluate_126_18,
)


@attrs.frozen
class PartyLine:
    """A party of the agreement and the documents it signs."""

    role: str
    name: str
    country: str | None
    kind: str | None
    signs: tuple[str, ...]


@attrs.frozen
class Difference:
    """Where the DIB report's description differs from part 124 (from the scenario's data)."""

    topic: str
    claim: str
    regulation: tuple[str, ...]
    finding: str


@attrs.frozen
class AgreementPlan:
    """The plan for one agreement under one law on one date."""

    plan_id: str
    agreement_id: str
    kind: str | None
    status: Status
    as_of: dt.date
    law_id: str
    reforms: tuple[str, ...]
    applicant: str
    parties: tuple[PartyLine, ...]
    territory: TerritoryPlan | None
    amendments: tuple[Amendment, ...]
    covered_without_amendment: tuple[str, ...]
    signatures: tuple[Signature, ...]
    items: tuple[Item, ...]
    proscribed: tuple[Requirement, ...]
    open_questions: tuple[Question, ...]
    warnings: tuple[str, ...]
    notes: tuple[str, ...]
    derived: Mapping[str, str] = attrs.field(factory=dict)
    provisos: tuple[str, ...] = ()
    differences: tuple[Difference, ...] = ()

    @property
    def complete(self) -> bool:
        """Nothing is unknown and nothing blocks approval."""
        return self.status == "complete"

    @property
    def approvable(self) -> bool | None:
        """False when something blocks approval (§ 126.1 …); None while facts are open."""
        if self.status == "not_approvable":
            return False
        return True if self.status == "complete" else None

    def item(self, rule: str) -> Item:
        """The plan's line for one rule, by its id (``22 CFR 124.8(a)(1)``)."""
        for i in self.items:
            if i.rule == rule:
                return i
        raise KeyError(f"the plan has no line for {rule!r}")

    def of_type(self, *types: str) -> tuple[Item, ...]:
        return tuple(i for i in self.items if i.type in types)

    def required(self, *types: str) -> tuple[Item, ...]:
        return tuple(i for i in self.of_type(*types) if i.status not in ("not_required",))

    @property
    def draft_problems(self) -> tuple[Item, ...]:
        """Required statements a draft given does not hold word for word."""
        return tuple(i for i in self.items if i.draft in ("missing", "altered"))

    def to_dict(self) -> dict[str, Any]:
        record: dict[str, Any] = to_jsonable(self)
        record["complete"] = self.complete
        return record


# --------------------------------------------------------------------------------------------
# § 126.1


def proscribed(ctx: Context) -> tuple[tuple[Requirement, ...], tuple[str, ...]]:
    """§ 126.1 for every country of the territory (on every date of the term it covers it) and
    every foreign party: a failing requirement per proscribed country with its paragraph, and the
    facts still needed to clear the others."""
    law = ctx.law
    agreement = ctx.agreement
    where: dict[str, list[str]] = {}
    missing: list[str] = []
    if ctx.territory is None:
        missing.append("territory")
    else:
        for code in sorted(ctx.territory.every_country()):
            where.setdefault(code, []).append("territory")
    for fact in ("foreign_signatories", "foreign_sublicensees"):
        parties = agreement.fact(fact)
        if parties is None:
            missing.append(fact)
            continue
        for party in parties:
            if party.country is None:
                missing.append(fact)
            else:
                where.setdefault(party.country, []).append(f"{party.role} {party.name}")
    term = ctx.term
    out = []
    for code, places in where.items():
        first = ctx.territory.reference_date if ctx.territory is not None else None
        start = min(d for d in (ctx.as_of, first, term[0] if term else None) if d is not None)
        end = max(d for d in (ctx.as_of, term[1] if term else None) if d is not None)
        dated = law.countries.itar_126_1.get(code)
        if dated is None:
            continue
        days = {start} | {d for d in dated.changes() if start < d <= end}
        hits = []
        citation = ""
        for day in sorted(days):
            status = law.countries.proscribed_status(code, day)
            if status.status in ("policy_of_denial", "country_specific"):
                citation = status.citation
                hits.append(f"{day}: {status.status.replace('_', ' ')}")
                hits += [f"warning: {w}" for w in status.warnings]
        if hits:
            detail = (
                f"{country_name(law, code)} ({', '.join(places)}) is proscribed under "
                f"{citation} on dates of the term ({'; '.join(dict.fromkeys(hits))}); the "
                "agreement cannot be approved with it"
            )
            out.append(Requirement(citation, "fail", {"country": code, "where": places}, detail))
    return tuple(out), tuple(dict.fromkeys(missing))


# --------------------------------------------------------------------------------------------
# The plan


def _parties(agreement: Agreement, signatures: tuple[Signature, ...]) -> tuple[PartyLine, ...]:
    lines = [
        PartyLine(
            "applicant",
            agreement.applicant_name or "the U.S. applicant",
            "US",
            "company",
            tuple(dict.fromkeys(s.document for s in signatures if s.signer == "applicant")),
        )
    ]
    for fact in ("foreign_signatories", "foreign_sublicensees", "us_sublicensees"):
        for p in agreement.fact(fact) or ():
            signs = tuple(
                dict.fromkeys(
                    s.document
                    for s in signatures
                    if fact == "foreign_signatories"
                    and s.signer in ("foreign_party", "foreign_signatories")
                    and s.party == p.label
                )
            )
            lines.append(
                PartyLine(
                    p.role,
                    p.name,
                    p.country or ("US" if fact == "us_sublicensees" else None),
                    p.kind,
                    signs,
                )
            )
    return tuple(lines)


def _questions(law: Law, facts: list[str]) -> tuple[Question, ...]:
    """The questions for the facts still needed (a derived fact asks the fact it is derived
    from: ``has_us_sublicensees`` asks ``us_sublicensees``)."""
    rules = law.agreement_rules
    asked = []
    for fact in facts:
        derived = rules.derived_facts.get(fact)
        asked.append(derived.split()[0] if derived else fact)
    return tuple(rules.facts.question(f) for f in dict.fromkeys(asked))


def _reserved_notes(law: Law) -> tuple[list[str], list[str]]:
    notes, warnings = [], []
    for section in law.agreement_rules.sections:
        if section.reserved is None:
            continue
        since = dt.date.fromisoformat(section.reserved["since"])
        notes.append(
            f"{section.citation} is {section.title} since {since} "
            f"({section.reserved.get('federal_register', '')}): the reexport to dual/third-"
            "country national employees it held is now 22 CFR 126.18(d)"
        )
        if law.as_of < since:
            warnings.append(
                f"{section.citation} was in force on {law.as_of}; its former text is not in "
                "the data, so the plan cannot apply it"
            )
    return notes, warnings


def _differences(law: Law) -> tuple[Difference, ...]:
    rules = law.agreement_rules
    reforms = {s.reform for s in rules.selections}
    out = []
    for name in sorted(reforms):
        scenario = rules.scenarios.get(name) or {}
        for d in scenario.get("differs_from_part_124", ()):
            out.append(
                Difference(
                    d["topic"],
                    d["claim"]["quote"],
                    tuple(f"{r['citation']}: \u201c{r['quote']}\u201d" for r in d["regulation"]),
                    d["finding"],
                )
            )
    return tuple(out)


def plan(
    agreement: Agreement, law: Law, *, drafts: Mapping[str, str] | None = None
) -> AgreementPlan:
    """The plan for ``agreement`` under ``law`` (drafts by document: ``agreement``,
    ``transmittal_letter``, each checked for the statements it must hold)."""
    agreement = validate_agreement(agreement, law)
    territory = s124_7.resolve_territory(agreement, law)
    ctx = Context(agreement, law, territory, dict(drafts or {}))
    denied, unclear = proscribed(ctx)
    items: list[Item] = []
    signatures: list[Signature] = []
    warnings: list[str] = [w for w in law.warnings if w.startswith(_WARNED_FILES)]
    for evaluator in EVALUATORS:
        result = evaluator(ctx)
        items += result.items
        signatures += result.signatures
        warnings += result.warnings
    amendments, covered = s124_1.amendments(ctx)
    notes, reserved_warnings = _reserved_notes(law)
    warnings += reserved_warnings
    if territory is not None and territory.follows and agreement.term is not None:
        horizon = law.statutes.components["countries"].as_of
        if horizon is not None and agreement.term[1] > horizon:
            warnings.append(
                f"country memberships are known up to {horizon}: a state joining "
                f"{', '.join(territory.follows)} after that date is not in the data (under "
                "today's rules each would need an amendment too)"
            )
    for code in sorted(territory.every_country() if territory else ()):
        for w in law.countries.proscribed_status(code, law.as_of).warnings:
            if w not in warnings:
                warnings.append(w)
    open_facts = [f for i in items if i.open for f in i.missing]
    open_facts += list(territory.missing if territory else ())
    open_facts += list(unclear)
    blocked = bool(denied) or any(i.status == "fail" for i in items)
    unknown_items = any(i.open for i in items)
    status: Status
    if blocked:
        status = "not_approvable"
    elif unknown_items or open_facts:
        status = "incomplete"
    else:
        status = "complete"
    if agreement.provisos:
        notes.append("provisos (recorded as given): " + "; ".join(agreement.provisos))
    facts_key = canonical_json(to_jsonable(agreement, every_field=True))
    return AgreementPlan(
        plan_id=decision_id(agreement.agreement_id, facts_key, law.id, law.as_of),
        agreement_id=agreement.agreement_id,
        kind=agreement.kind,
        status=status,
        as_of=law.as_of,
        law_id=law.id,
        reforms=law.reforms,
        applicant=agreement.applicant_name or "the U.S. applicant",
        parties=_parties(agreement, tuple(signatures)),
        territory=territory,
        amendments=amendments,
        covered_without_amendment=covered,
        signatures=tuple(signatures),
        items=tuple(items),
        proscribed=denied,
        open_questions=_questions(law, open_facts),
        warnings=tuple(dict.fromkeys(warnings)),
        notes=tuple(notes),
        derived=dict(agreement.derived),
        provisos=agreement.provisos,
        differences=_differences(law),
    )


# --------------------------------------------------------------------------------------------
# The "NATO Alliance" reform, and plans side by side


def nato_alliance(law: Law) -> Law:
    """The law with the DIB's "NATO Alliance" selection (data/reforms/nato-alliance.json, as the
    law bundles it): a TAA's territory may be written as "NATO Alliance", standing for the members
    of NATO (22 CFR 120.23(a)) on each date of the term, and a member joining during the term
    needs no amendment.  Everything else is today's part 124 (the scenario's ``unchanged``)."""
    rules = law.agreement_rules
    scenario = rules.scenario(NATO_ALLIANCE)
    change = next(c for c in scenario["changes"] if c["op"] == "allow_territory_selection")
    selection = TerritorySelection(
        name=change["selection"],
        country_set=change["country_set"],
        kinds=tuple(scenario["applies_to"]["kinds"]),
        resolved_through=change["resolved_through"],
        amendment_on_accession=not any(
            c["op"] == "no_amendment_for_accession" for c in scenario["changes"]
        ),
        reform=scenario["name"],
        source=change["source"],
        quote=change["quote"],
        replaces=change.get("replaces", ""),
    )
    if selection in rules.selections:
        return law
    label = f"reform {NATO_ALLIANCE} ({content_hash(canonical_json(to_jsonable(selection)))})"
    component = law.statutes.components["agreement_rules"].changed(
        label, lambda current: current.with_selection(selection)
    )
    return Law(law.as_of, law.statutes.replace(label, components={"agreement_rules": component}))


@attrs.frozen
class Comparison:
    """One agreement planned under today's law and under a reform, side by side."""

    agreement_id: str
    today: AgreementPlan
    reform: AgreementPlan
    rows: tuple[Mapping[str, Any], ...]
    differences: tuple[Difference, ...]

    def to_dict(self) -> dict[str, Any]:
        record: dict[str, Any] = {
            "agreement_id": self.agreement_id,
            "rows": to_jsonable(self.rows),
            "differences": to_jsonable(self.differences),
            "today": self.today.to_dict(),
            "reform": self.reform.to_dict(),
        }
        return record


def _signature_lines(p: AgreementPlan) -> list[str]:
    return [
        f"{s.document}: {s.party}"
        + (" (possible)" if s.status == "possible" else "")
        + (" (guidance)" if s.authority == "ddtc_guidance" else "")
        for s in p.signatures
    ]


def _government_signatures(p: AgreementPlan) -> str:
    required = [
        s for s in p.signatures if s.signer == "foreign_government" and s.status == "required"
    ]
    countries = len(p.territory.every_country()) if p.territory else 0
    return (
        f"{len(required)} required ({', '.join(s.party for s in required) or 'none'}), for "
        f"{countries} countries the territory covers over the term: part 124 asks a foreign "
        "government to sign only a classified agreement's DSP-83 (22 CFR 124.10(a))"
    )


def compare(
    agreement: Agreement, today: Law, reform: Law, *, drafts: Mapping[str, str] | None = None
) -> Comparison:
    """Plan ``agreement`` under ``today`` and under ``reform``: the country listing, the
    amendments over the term, the signatures — and where the reform's source describes part 124
    differently from what it says (from the scenario's data, not modelled)."""
    a = plan(agreement, today, drafts=drafts)
    b = plan(agreement, reform, drafts=drafts)

    def amend(p: AgreementPlan) -> list[str]:
        return [f"{m.country_name} ({m.country}) {m.date}, {m.citation}" for m in p.amendments]

    rows = (
        {
            "aspect": "territory as written",
            "today": list(a.territory.written) if a.territory else None,
            "reform": list(b.territory.written) if b.territory else None,
        },
        {
            "aspect": "amendments over the term",
            "today": amend(a) or ["none"],
            "reform": amend(b) or list(b.covered_without_amendment) or ["none"],
        },
        {"aspect": "signatures", "today": _signature_lines(a), "reform": _signature_lines(b)},
        {
            "aspect": "government signatures required",
            "today": _government_signatures(a),
            "reform": _government_signatures(b),
        },
        {"aspect": "status", "today": a.status, "reform": b.status},
    )
    return Comparison(agreement.agreement_id, a, b, rows, b.differences)


#: The reforms of the agreement rules, by name (the reform registry takes them over when the
#: reform machinery is merged).
AGREEMENT_REFORMS: dict[str, Callable[[Law], Law]] = {NATO_ALLIANCE: nato_alliance}


# --------------------------------------------------------------------------------------------
# Batches: one plan (or one error) per input record


@attrs.frozen
class PlanResult:
    """One input record's plan, comparison, or error."""

    row: int
    agreement_id: str | None
    status: str
    plan: AgreementPlan | None = None
    comparison: Comparison | None = None
    error_field: str | None = None
    error: str | None = None


def plan_records(
    records: Iterable[Record],
    law: Law,
    *,
    csv_form: bool,
    reform: Law | None = None,
    comparing: bool = False,
) -> Iterator[PlanResult]:
    """Plan each record (under ``reform`` when given; both laws side by side when
    ``comparing``); a bad record becomes an error result naming the row and the field.
    Exactly one result per record, in order."""
    for rec in records:
        if rec.raw is None:
            field = rec.error_field or "row"
            reason = rec.error or "cannot be read"
            if not reason.startswith(f"{field}: "):
                reason = f"{field}: {reason}"
            yield PlanResult(rec.row, rec.item_id, "error", error_field=field, error=reason)
            continue
        raw_id = rec.raw.get("agreement_id")
        agreement_id = printable(raw_id) if isinstance(raw_id, (str, int)) else None
        try:
            agreement = (
                agreement_from_csv_row(rec.raw, law)
                if csv_form
                else agreement_from_mapping(rec.raw, law)
            )
            if comparing:
                other = reform if reform is not None else nato_alliance(law)
                comparison = compare(agreement, law, other)
                yield PlanResult(
                    rec.row,
                    agreement.agreement_id,
                    comparison.today.status,
                    comparison.today,
                    comparison,
                )
                continue
            result = plan(agreement, reform if reform is not None else law)
        except ContradictoryFacts as exc:
            yield PlanResult(
                rec.row,
                agreement_id,
                "error",
                error_field=",".join(exc.facts),
                error=f"contradictory facts: {exc.reason} [{exc.citation}]",
            )
            continue
        except FactError as exc:
            yield PlanResult(rec.row, agreement_id, "error", error_field=exc.field, error=str(exc))
            continue
        except DataIntegrityError:
            raise  # no row is planned on unverified data: the whole run stops
        except Exception as exc:  # one row's failure is reported on that row, never lost
            detail = escape_surrogates(str(exc))
            yield PlanResult(
                rec.row,
                agreement_id,
                "error",
                error_field="row",
                error=f"internal error, please report it with this row: "
                f"{type(exc).__name__}: {detail}",
            )
            continue
        yield PlanResult(rec.row, result.agreement_id, result.status, result)


#: Columns of a plan row (CSV, table; JSON lines carry the whole plan too).
PLAN_COLUMNS = (
    "row",
    "agreement_id",
    "status",
    "kind",
    "territory",
    "amendments",
    "signatures",
    "certifications",
    "filings",
    "clauses",
    "proscribed",
    "open_questions",
    "warnings",
    "reform_status",
    "reform_territory",
    "reform_amendments",
    "error_field",
    "error",
    "plan_id",
)


def _signatures_cell(p: AgreementPlan) -> list[str]:
    return [
        f"{s.document}: {s.party} [{s.citation}"
        + (", possible" if s.status == "possible" else "")
        + (", DDTC guidance" if s.authority == "ddtc_guidance" else "")
        + "]"
        for s in p.signatures
    ]


def plan_row(result: PlanResult) -> dict[str, Any]:
    """One flat output row of a plan (the columns of :data:`PLAN_COLUMNS`)."""
    p = result.plan
    c = result.comparison
    row: dict[str, Any] = {
        "row": result.row,
        "agreement_id": result.agreement_id,
        "status": result.status,
        "kind": p.kind if p else None,
        "territory": list(p.territory.written) if p and p.territory else [],
        "amendments": [f"{m.country} {m.date} ({m.citation})" for m in p.amendments] if p else [],
        "signatures": _signatures_cell(p) if p else [],
        "certifications": [
            f"{i.rule}: {i.status}" + (f" ({i.detail})" if i.facts.get("wait_days") else "")
            for i in p.required("certification")
        ]
        if p
        else [],
        "filings": [
            f"{i.rule}: {'due ' + str(i.due) if i.due else i.status}" for i in p.required("filing")
        ]
        if p
        else [],
        "clauses": [
            f"{i.rule}: {i.status}" + (f", draft {i.draft}" if i.draft else "")
            for i in p.required("clause")
            if i.statement is not None
        ]
        if p
        else [],
        "proscribed": [r.detail for r in p.proscribed] if p else [],
        "open_questions": [q.id for q in p.open_questions] if p else [],
        "warnings": list(p.warnings) if p else [],
        "reform_status": c.reform.status if c else None,
        "reform_territory": list(c.reform.territory.written) if c and c.reform.territory else [],
        "reform_amendments": [f"{m.country} {m.date} ({m.citation})" for m in c.reform.amendments]
        if c
        else [],
        "error_field": escape_surrogates(result.error_field),
        "error": escape_surrogates(result.error),
        "plan_id": p.plan_id if p else None,
    }
    return row
