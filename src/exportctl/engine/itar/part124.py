"""What the part 124 evaluators share: the plan's items, the context of one agreement under one
law, the three-valued reading of a rule's ``when``, dated country sets over the term, and the
draft-text check.

Every rule of the law's agreement rules (:attr:`exportctl.corpus.law.Law.agreement_rules`) is
read here the same way: it applies when its section applies to the agreement's kind and every key
of its ``when`` holds (docs/agreements.md, "Rule vocabulary"), three-valued — ``True``,
``False``, or ``None`` with the facts still needed.  An unknown is never read as a yes or a no.

Country sets are dated (NATO accessions): a set is evaluated on every date of the term on which
its membership changes (and on the plan's date), never on one day standing for the others.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import attrs

from exportctl.core.comparators import compare
from exportctl.corpus.agreements import AgreementRule, AgreementSection
from exportctl.corpus.law import Law
from exportctl.inputs.agreements import Agreement

__all__ = [
    "APPLICABILITY_TESTS",
    "Accession",
    "Context",
    "DraftFinding",
    "Item",
    "SectionResult",
    "Signature",
    "TerritoryPlan",
    "Tri",
    "and3",
    "applicability_test",
    "check_statement",
    "country_name",
    "describe_when",
    "evaluate",
    "member_on",
    "membership_dates",
    "normalise_text",
    "or3",
    "section_rules",
    "signatures_for",
    "statement_items",
    "with_draft",
]

Tri = bool | None

#: Statuses of an item: what a rule asks of this agreement.
#:   required / not_required / unknown — a clause, statement, filing, signature, certification;
#:   given / missing — information the agreement must describe, and whether the input gives it;
#:   met / not_met — a condition (§ 126.18, § 124.14(a));
#:   possible — DDTC may ask for it (discretionary); to_confirm — flagged, not settled;
#:   guidance — DDTC guidance (never regulation); fail — the agreement cannot be approved so.
STATUSES = (
    "required",
    "not_required",
    "unknown",
    "given",
    "missing",
    "met",
    "not_met",
    "possible",
    "to_confirm",
    "guidance",
    "fail",
)


@attrs.frozen
class Item:
    """One line of the plan: a rule, what it asks of this agreement, and why."""

    rule: str
    citation: str
    section: str
    type: str
    status: str
    authority: str
    detail: str = ""
    document: str | None = None
    statement: str | None = None
    missing: tuple[str, ...] = ()
    facts: Mapping[str, Any] = attrs.field(factory=dict)
    due: dt.date | None = None
    draft: str | None = None
    draft_detail: str = ""
    quote: str = ""
    source: str = ""

    @property
    def open(self) -> bool:
        """Unknown: the plan cannot be complete while it stays so."""
        return self.status in ("unknown", "missing")


@attrs.frozen
class Signature:
    """Who signs which document, under which paragraph."""

    document: str
    signer: str
    party: str
    citation: str
    status: str
    authority: str
    alternative: str | None = None
    note: str = ""
    quote: str = ""


@attrs.frozen
class Accession:
    """A country that joins a set the territory follows, during the term."""

    country: str
    country_name: str
    date: dt.date
    country_set: str


@attrs.frozen
class TerritoryPlan:
    """The territory: how it must be written, what it covers on each date of the term."""

    written: tuple[str, ...]
    selection: str | None
    follows: tuple[str, ...]
    countries_at_start: tuple[str, ...]
    accessions: tuple[Accession, ...]
    reference_date: dt.date | None
    citation: str
    detail: str = ""
    missing: tuple[str, ...] = ()
    resolved_through: tuple[str, ...] = ()

    def covered_on(self, day: dt.date) -> frozenset[str]:
        """The countries the territory covers on ``day`` (with every accession that joined by
        then: by amendment under today's rules, by the selection under a reform)."""
        out = set(self.countries_at_start)
        out |= {a.country for a in self.accessions if a.date <= day}
        return frozenset(out)

    def every_country(self) -> frozenset[str]:
        return frozenset(self.countries_at_start) | {a.country for a in self.accessions}


@attrs.frozen
class DraftFinding:
    """Whether a draft holds one required statement: present, missing or altered."""

    status: str
    detail: str = ""


def and3(values: Iterable[Tri]) -> Tri:
    """All must hold: False if any is False, else None if any is unknown, else True."""
    seen = list(values)
    if any(v is False for v in seen):
        return False
    if any(v is None for v in seen):
        return None
    return True


def or3(values: Iterable[Tri]) -> Tri:
    """One must hold: True if any is True, else None if any is unknown, else False."""
    seen = list(values)
    if any(v is True for v in seen):
        return True
    if any(v is None for v in seen):
        return None
    return False


# --------------------------------------------------------------------------------------------
# Dated country sets


def member_on(law: Law, key: str, code: str, day: dt.date) -> Tri:
    """Is ``code`` in country set ``key`` on ``day``?  A union set is a member when any of its
    sets is; None only when the data cannot answer (a set outside its coverage) and no other
    set of the union settles it."""
    cset = law.countries.sets[key]
    if cset.since is not None and day < cset.since:
        return False
    own: Tri = False
    if cset.coverage_from is not None and day < cset.coverage_from and cset.members:
        own = None  # the set's own list does not speak for that date
    elif any(m.iso2 == code and (m.since is None or m.since <= day) for m in cset.members):
        own = True
    return or3([own, *(member_on(law, base, code, day) for base in cset.union_of)])


def membership_dates(law: Law, key: str, start: dt.date, end: dt.date) -> tuple[dt.date, ...]:
    """``start`` and every date from ``start`` to ``end`` on which set ``key`` (or a set it is
    the union of) changes or its data's coverage begins: the dates on which membership must be
    evaluated to know it on every date of the period."""
    out = {start}

    def visit(k: str) -> None:
        cset = law.countries.sets[k]
        for d in (
            *(m.since for m in cset.members),
            cset.coverage_from,
            cset.since,
        ):
            if d is not None and start < d <= end:
                out.add(d)
        for base in cset.union_of:
            visit(base)

    visit(key)
    return tuple(sorted(out))


# --------------------------------------------------------------------------------------------
# The context of one agreement under one law

#: Tests a rule's own parameters add to its ``when`` (e.g. the amounts of § 123.15 a
#: certification of § 124.11(a) reads by reference), by parameter name.
APPLICABILITY_TESTS: dict[
    str, Callable[[Context, AgreementRule], tuple[Tri, tuple[str, ...], str]]
] = {}


def applicability_test(
    param: str,
) -> Callable[
    [Callable[[Context, AgreementRule], tuple[Tri, tuple[str, ...], str]]],
    Callable[[Context, AgreementRule], tuple[Tri, tuple[str, ...], str]],
]:
    """Register what a rule carrying ``param`` needs besides its ``when``."""

    def register(
        func: Callable[[Context, AgreementRule], tuple[Tri, tuple[str, ...], str]],
    ) -> Callable[[Context, AgreementRule], tuple[Tri, tuple[str, ...], str]]:
        APPLICABILITY_TESTS[param] = func
        return func

    return register


@attrs.frozen(eq=False)
class Context:
    """One agreement under one law: its facts, its term, its territory."""

    agreement: Agreement
    law: Law
    territory: TerritoryPlan | None
    #: Draft texts to check for the statements each document must contain, by document
    #: ("agreement", "transmittal_letter").
    drafts: Mapping[str, str] = attrs.field(factory=dict)

    @property
    def as_of(self) -> dt.date:
        return self.law.as_of

    @property
    def term(self) -> tuple[dt.date, dt.date] | None:
        return self.agreement.term

    def fact(self, name: str) -> Any:
        return self.agreement.fact(name)

    def section_applies(self, section: AgreementSection) -> Tri:
        kind = self.agreement.kind
        if not section.applies_to:
            return False
        return None if kind is None else kind in section.applies_to

    def applies(self, rule: AgreementRule) -> tuple[Tri, tuple[str, ...], str]:
        """Does the rule apply to this agreement?  (applies, facts still needed, why)"""
        section = self.law.agreement_rules.section(rule.section)
        in_section = self.section_applies(section)
        missing: list[str] = [] if in_section is not None else ["kind"]
        value, more = self.when(rule.when)
        missing += more
        results: list[Tri] = [in_section, value]
        details = []
        for param, test in APPLICABILITY_TESTS.items():
            if rule.get(param) is not None:
                extra, needs, why = test(self, rule)
                results.append(extra)
                missing += needs
                if why:
                    details.append(why)
        outcome = and3(results)
        needed = tuple(dict.fromkeys(missing)) if outcome is None else ()
        return outcome, needed, "; ".join(details)

    def when(self, cond: Mapping[str, Any]) -> tuple[Tri, tuple[str, ...]]:
        """A ``when`` condition, three-valued, with the facts an unknown needs."""
        results: list[Tri] = []
        missing: list[str] = []
        for key, value in cond.items():
            if key in ("any", "all"):
                subs = [self.when(c) for c in value]
                results.append((or3 if key == "any" else and3)(r for r, _ in subs))
                missing += [m for _, ms in subs for m in ms]
            elif key == "not":
                sub, ms = self.when(value)
                results.append(None if sub is None else not sub)
                missing += ms
            elif key == "fact":
                given = self.fact(value)
                if given is None:
                    results.append(None)
                    missing.append(value)
                else:
                    results.append(compare(given, cond["amount"], cond["comparator"]))
            elif key in ("amount", "comparator", "source", "quote"):
                continue
            elif key == "countries_within":
                within, ms, _ = self.countries_within(value)
                results.append(within)
                missing += ms
            elif key in ("requires", "requires_any"):
                ids = [value] if key == "requires" else list(value)
                subs2 = [self.applies(self.law.agreement_rules.rule(i)) for i in ids]
                results.append(or3(r for r, _, _ in subs2))
                missing += [m for _, ms2, _ in subs2 for m in ms2]
            else:
                given = self.fact(key)
                if given is None:
                    results.append(None)
                    missing.append(key)
                elif isinstance(value, list):
                    results.append(given in value)
                else:
                    results.append(given == value)
        outcome = and3(results)
        return outcome, tuple(dict.fromkeys(missing)) if outcome is None else ()

    # Countries ---------------------------------------------------------------------------
    def evaluation_dates(self, key: str) -> tuple[dt.date, ...]:
        """The plan's date and every date of the term on which set ``key`` or the territory
        changes (without a known term: the plan's date and every later change in the data)."""
        term = self.term
        if term is None:
            start, end = self.as_of, dt.date.max
        else:
            start, end = term
        dates = set(membership_dates(self.law, key, start, end)) | {self.as_of}
        if self.territory is not None:
            dates |= {a.date for a in self.territory.accessions if start <= a.date <= end}
        return tuple(sorted(dates))

    def countries_within(self, key: str) -> tuple[Tri, tuple[str, ...], str]:
        """Is every country of the territory and of every foreign party in set ``key`` on
        every date the plan evaluates?  (within, facts needed, why)"""
        missing: list[str] = []
        if self.territory is None:
            missing.append("territory")
        parties = self.agreement.parties()
        if parties is None:
            missing += [
                f
                for f in ("foreign_signatories", "foreign_sublicensees")
                if self.agreement.fact(f) is None
            ]
        party_codes = [p.country for p in parties or ()]
        if any(c is None for c in party_codes):
            missing.append("foreign_signatories")
        results: list[Tri] = []
        outside: list[str] = []
        for day in self.evaluation_dates(key):
            codes = set(c for c in party_codes if c is not None)
            if self.territory is not None:
                codes |= self.territory.covered_on(day)
            for code in sorted(codes):
                member = member_on(self.law, key, code, day)
                results.append(member)
                if member is False:
                    outside.append(f"{code} on {day}")
        if missing:
            results.append(None)
        outcome = and3(results)
        if outcome is False:
            why = f"not within {key}: " + ", ".join(dict.fromkeys(outside))
        elif outcome is True:
            why = f"every country of the territory and of the foreign parties is within {key}"
        else:
            why = f"whether every country is within {key} is not known"
        return outcome, tuple(dict.fromkeys(missing)) if outcome is None else (), why


# --------------------------------------------------------------------------------------------
# Drafts: is each required statement in the text?

_QUOTES = re.compile("[\"'`\u2018\u2019\u201a\u201b\u201c\u201d\u201e\u201f\u00b4\u2032\u2033]")
_BROKEN_HYPHEN = re.compile(r"(\w)-\s+(\w)")


def normalise_text(text: str) -> str:
    """White space folded, quotation marks removed, and the reference's line-break artefacts
    ("sub- licensees", "DSP- 83") joined: how a draft and a statement are compared."""
    text = _QUOTES.sub("", text.replace("\u00a0", " "))
    text = " ".join(text.split())
    return _BROKEN_HYPHEN.sub(r"\1-\2", text)


def _pattern(statement: str, placeholders: Iterable[str]) -> re.Pattern[str]:
    norm = normalise_text(statement)
    holes = sorted({normalise_text(p) for p in placeholders if p}, key=len, reverse=True)
    parts = [norm]
    for hole in holes:
        parts = [piece for part in parts for piece in _split_keep(part, hole)]
    regex = "".join(r"(?:.{1,200}?)" if p in holes else re.escape(p) for p in parts)
    return re.compile(regex.replace(r"\ ", r"\s*"), re.DOTALL)


def _split_keep(text: str, hole: str) -> list[str]:
    if hole not in text:
        return [text]
    out: list[str] = []
    pieces = text.split(hole)
    for n, piece in enumerate(pieces):
        if piece:
            out.append(piece)
        if n + 1 < len(pieces):
            out.append(hole)
    return out


def check_statement(draft: str, statement: str, placeholders: Iterable[str] = ()) -> DraftFinding:
    """Is ``statement`` in ``draft``, word for word (white space and quotation marks aside, any
    placeholder filled in)?  Otherwise: ``altered`` when most of its words are there in one
    place (with the words that differ), ``missing`` when they are not."""
    text = normalise_text(draft)
    holes = list(placeholders)
    if _pattern(statement, holes).search(text):
        return DraftFinding("present", "the statement is in the draft as the regulation writes it")
    hole_words = {w for h in holes for w in normalise_text(h).split()}
    wanted = [w for w in normalise_text(statement).split() if w not in hole_words]
    words = text.split()
    if not wanted or not words:
        return DraftFinding("missing", "the draft does not contain the statement")
    matcher = difflib.SequenceMatcher(None, words, wanted, autojunk=False)
    longest = matcher.find_longest_match(0, len(words), 0, len(wanted))
    if longest.size < 4:
        return DraftFinding("missing", "the draft does not contain the statement")
    lo = max(0, longest.a - longest.b - len(wanted) // 2)
    hi = min(len(words), longest.a + (len(wanted) - longest.b) + len(wanted) // 2)
    window = words[lo:hi]
    near = difflib.SequenceMatcher(None, window, wanted, autojunk=False)
    matched = sum(b.size for b in near.get_matching_blocks())
    if matched < 0.6 * len(wanted):
        return DraftFinding("missing", "the draft does not contain the statement")
    # the window around the statement: as many words before its first match as the statement
    # has before it, as many after its last
    blocks = [b for b in near.get_matching_blocks() if b.size]
    first, last = blocks[0], blocks[-1]
    window = window[
        max(0, first.a - first.b) : last.a + last.size + (len(wanted) - last.b - last.size)
    ]
    near = difflib.SequenceMatcher(None, window, wanted, autojunk=False)
    changes = []
    core = [op for op in near.get_opcodes() if op[0] != "equal"]
    for tag, i1, i2, j1, j2 in core[:5]:
        said = " ".join(window[i1:i2])
        should = " ".join(wanted[j1:j2])
        if tag == "replace":
            changes.append(f"{said!r} where the regulation writes {should!r}")
        elif tag == "delete":
            changes.append(f"{said!r} added")
        else:
            changes.append(f"{should!r} left out")
    detail = "; ".join(changes) if changes else "the words differ"
    return DraftFinding("altered", f"the statement is in the draft with changes: {detail}")


# --------------------------------------------------------------------------------------------
# One rule, read generically (the section evaluators refine what their rules need)


def describe_when(cond: Mapping[str, Any]) -> str:
    """A ``when`` in words (for a rule that does not apply: why not)."""
    parts = []
    for key, value in cond.items():
        if key in ("any", "all"):
            joined = f" {'or' if key == 'any' else 'and'} ".join(describe_when(c) for c in value)
            parts.append(f"({joined})")
        elif key == "not":
            parts.append(f"not ({describe_when(value)})")
        elif key == "fact":
            parts.append(f"{value} ${cond['amount']:,} {cond['comparator']}")
        elif key in ("amount", "comparator", "source", "quote"):
            continue
        elif key == "countries_within":
            parts.append(f"every country within {value}")
        elif key == "requires":
            parts.append(f"{value} applies")
        elif key == "requires_any":
            parts.append(f"one of {', '.join(value)} applies")
        elif isinstance(value, list):
            parts.append(f"{key} is {' or '.join(map(str, value))}")
        else:
            parts.append(f"{key} = {str(value).lower() if isinstance(value, bool) else value}")
    return " and ".join(parts) if parts else "always"


def _requires(ctx: Context, requires: Mapping[str, Any]) -> tuple[Tri, tuple[str, ...], str]:
    results: list[Tri] = []
    missing: list[str] = []
    failed: list[str] = []
    for fact, wanted in requires.items():
        given = ctx.fact(fact)
        if given is None:
            results.append(None)
            missing.append(fact)
            continue
        ok = given in wanted if isinstance(wanted, list) else given == wanted
        results.append(ok)
        if not ok:
            failed.append(f"{fact} is {given!r}, the paragraph needs {wanted!r}")
    outcome = and3(results)
    return outcome, tuple(missing) if outcome is None else (), "; ".join(failed)


def evaluate(ctx: Context, rule: AgreementRule) -> Item:
    """A rule as the plan reads it before any section-specific refinement."""
    applies, missing, why = ctx.applies(rule)
    item = Item(
        rule=rule.id,
        citation=rule.citation,
        section=rule.section,
        type=rule.type,
        status="unknown",
        authority=rule.authority,
        document=rule.document,
        statement=rule.statement,
        quote=rule.quote,
        source=rule.source,
    )
    if applies is False:
        return attrs.evolve(
            item,
            status="not_required",
            detail=why or f"applies only when {describe_when(rule.when)}",
        )
    if applies is None:
        return attrs.evolve(
            item,
            missing=missing,
            detail=why or f"applies when {describe_when(rule.when)}: not known yet",
        )
    if rule.type == "guideline":
        return attrs.evolve(item, status="guidance", detail=rule.note)
    if rule.type == "information":
        absent = tuple(f for f in rule.asks if ctx.fact(f) is None)
        given = {f: ctx.fact(f) for f in rule.asks if ctx.fact(f) is not None}
        if absent:
            return attrs.evolve(
                item,
                status="missing",
                missing=absent,
                facts=given,
                detail=f"the input does not give {', '.join(absent)}",
            )
        if not rule.asks:
            return attrs.evolve(item, status="required", detail=rule.note or why)
        return attrs.evolve(item, status="given", facts=given, detail=rule.note or why)
    if rule.type == "condition":
        requires = rule.get("requires")
        if isinstance(requires, Mapping):
            met, needs, failed = _requires(ctx, requires)
            if met is None:
                return attrs.evolve(item, missing=needs, detail="not known whether it is met")
            return attrs.evolve(
                item,
                status="met" if met else "not_met",
                detail=failed or rule.note or "met",
            )
        return attrs.evolve(item, status="required", detail=rule.note or why)
    if rule.type == "signature" and rule.discretionary:
        return attrs.evolve(item, status="possible", detail=rule.note or why)
    if rule.type == "certification" and rule.get("status") == "to_confirm":
        return attrs.evolve(item, status="to_confirm", detail=why or rule.note)
    return attrs.evolve(item, status="required", detail=why or rule.note)


@attrs.frozen
class SectionResult:
    """What one section's evaluator found: items, signatures, warnings."""

    items: tuple[Item, ...] = ()
    signatures: tuple[Signature, ...] = ()
    warnings: tuple[str, ...] = ()


def section_rules(ctx: Context, key: str) -> tuple[AgreementRule, ...]:
    """The rules of one section of the law's agreement rules (none if the law has no such
    section)."""
    try:
        return ctx.law.agreement_rules.section(key).rules
    except KeyError:
        return ()


def country_name(law: Law, code: str) -> str:
    return f"{law.countries.get(code).name} ({code})"


def with_draft(ctx: Context, rule: AgreementRule, item: Item) -> tuple[Item, str | None]:
    """The item with the draft's finding for its statement (when a draft of its document is
    given), and a warning when the words in force on the plan's date are not in the data."""
    text = ctx.drafts.get(rule.document or "")
    if text is None or not rule.statement or item.status not in ("required", "guidance"):
        return item, None
    amended = rule.get("amended") or {}
    effective = amended.get("effective")
    if effective and ctx.as_of < dt.date.fromisoformat(effective):
        warning = (
            f"{rule.id}: its words as quoted are in force from {effective}; the wording in force "
            f"on {ctx.as_of} is not in the data, so the draft's clause was not checked word for "
            "word"
        )
        return attrs.evolve(item, draft="not_checked", draft_detail=warning), warning
    finding = check_statement(text, rule.statement, rule.placeholders)
    return attrs.evolve(item, draft=finding.status, draft_detail=finding.detail), None


def statement_items(ctx: Context, key: str) -> SectionResult:
    """The clauses and statements of one section, each checked against its draft if given."""
    items: list[Item] = []
    warnings: list[str] = []
    for rule in section_rules(ctx, key):
        item, warning = with_draft(ctx, rule, evaluate(ctx, rule))
        if rule.statement is None and rule.type in ("clause", "statement"):
            if item.status == "required" and rule.get("note"):
                item = attrs.evolve(item, detail=rule.note)
        items.append(item)
        if warning:
            warnings.append(warning)
    return SectionResult(tuple(items), (), tuple(warnings))


#: How each signer the data names is shown (the parties of the agreement fill in the names).
_SIGNERS = {
    "foreign_end_user": "the foreign end-user",
    "foreign_consignee": "the foreign consignee",
    "end_user": "the end-user",
    "employee": "each dual/third-country national employee concerned",
}


def signatures_for(ctx: Context, rule: AgreementRule, item: Item) -> tuple[Signature, ...]:
    """The signatures a signature rule (or a guideline naming signers) asks, one per signer:
    the applicant, each foreign signatory, each foreign government — never one per country of
    the territory (part 124 asks for none)."""
    if item.status in ("not_required", "unknown") or not rule.signers:
        return ()
    applicant = ctx.agreement.applicant_name or "the U.S. applicant"
    signatories = ctx.agreement.fact("foreign_signatories")
    out: list[Signature] = []

    def add(signer: str, party: str) -> None:
        out.append(
            Signature(
                document=rule.document or "agreement",
                signer=signer,
                party=party,
                citation=rule.citation,
                status=item.status,
                authority=rule.authority,
                alternative=rule.get("alternative"),
                note=rule.note,
                quote=rule.quote,
            )
        )

    for signer in rule.signers:
        if signer == "applicant":
            add(signer, applicant)
        elif signer in ("foreign_party", "foreign_signatories"):
            if signatories is None:
                add(signer, "each foreign signatory (not known yet)")
            for p in signatories or ():
                add(signer, p.label)
        elif signer == "foreign_government":
            countries = sorted({p.country for p in signatories or () if p.country})
            if signatories is None or any(p.country is None for p in signatories):
                add(signer, "the government of each foreign party (countries not known yet)")
            for code in countries:
                add(signer, f"the government of {country_name(ctx.law, code)}")
        else:
            add(signer, _SIGNERS.get(signer, signer))
    return tuple(out)
