"""What a change of the law changes: the same inputs decided under two laws, row by row, and the
two laws compared part by part.

``diff_items`` and ``diff_transfers`` read the records of one batch file once and decide each
under both laws with the engine's own batch functions (:func:`exportctl.engine.batch.screen`,
:func:`exportctl.engine.batch.authorize_transfers`), side by side: the two streams advance in
step (:func:`itertools.tee` keeps at most one record between them), so memory does not grow
with the file.  Each input record yields exactly one :class:`DiffRow`: both outcomes, both
decisions (each naming its law's id), ``changed``, and *why* — the rules fired (or the
supplement rows, exemption versions and requirements that decided) on one side and not the
other, or else the first step of the trace where the two decisions part.

The two laws are any two :class:`~exportctl.corpus.law.Law` values: the bundled law and a
reform of it (:mod:`exportctl.corpus.reforms`), or the bundled law on two dates.

``law_changes`` lists what differs between two laws: USML paragraphs, ECCNs, rows of the
supplements, members of country sets, the amounts of § 123.15, exemptions and their versions,
the rule set, and the paragraphs a reform moved — each with its citation.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from functools import partial
from typing import Any, Literal, NamedTuple

import attrs

from exportctl.core.dated import OutsideCoverage
from exportctl.core.provenance import canonical_json
from exportctl.corpus.law import Law
from exportctl.corpus.references import parse_usml
from exportctl.corpus.rulesets import RuleSet
from exportctl.corpus.supplements import Supplement
from exportctl.engine.batch import (
    AuthorizeResult,
    BatchRun,
    PatternTable,
    RawRow,
    ScreenResult,
    authorize_transfers,
    screen,
)
from exportctl.inputs.items import ItemFacts, facts_from_csv_row, facts_from_mapping
from exportctl.inputs.readers import Record

__all__ = [
    "DiffRow",
    "LawChange",
    "Outcomes",
    "Transitions",
    "diff_items",
    "diff_transfers",
    "item_outcome",
    "law_changes",
    "transfer_outcome",
]

Kind = Literal["items", "transfers"]


@attrs.frozen
class DiffRow:
    """One input record decided under both laws (``before`` under the first, ``after`` under
    the second): the two outcomes, whether anything a user acts on changed, and why."""

    row: int
    subject_id: str | None
    kind: Kind
    before: Any
    after: Any
    from_outcome: str
    to_outcome: str
    changed: bool
    why: tuple[str, ...]
    from_law_id: str
    to_law_id: str

    def tally(self) -> DiffRow:
        """What a summary and a report read of this row, for a row decided in a worker process:
        the row itself when it changed (the report shows it), else without its two results."""
        return self if self.changed else attrs.evolve(self, before=None, after=None)

    def outcomes(self) -> Outcomes:
        """What the transition matrix reads of this row (:meth:`Transitions.add`), for a row
        decided in a worker process when nothing else reads it (no report)."""
        return Outcomes(self.row, self.from_outcome, self.to_outcome, self.changed)

    @property
    def from_decision(self) -> Any:
        return _decision(self.before)

    @property
    def to_decision(self) -> Any:
        return _decision(self.after)


class Outcomes(NamedTuple):
    """A row's two outcomes and whether it changed: what :class:`Transitions` counts (a tuple,
    so that a worker's rows cost little to send)."""

    row: int
    from_outcome: str
    to_outcome: str
    changed: bool


def _decision(result: Any) -> Any:
    return result.decision if isinstance(result, ScreenResult) else result.authorization


# --------------------------------------------------------------------------------------------
# Items (screen)


def item_outcome(result: ScreenResult) -> str:
    """The outcome of a screening row for the transition matrix: ``ITAR``, ``EAR``, ``EAR99``
    (classified), ``ITAR, open`` / ``EAR, open`` (jurisdiction decided, classification open),
    ``not_subject``, ``undetermined`` or ``error``."""
    d = result.decision
    if result.status == "classified" and d is not None and d.classification is not None:
        return "EAR99" if d.classification.regime == "EAR99" else d.jurisdiction
    if result.status == "open" and d is not None:
        return f"{d.jurisdiction}, open"
    return result.status


def _classification(result: ScreenResult) -> str | None:
    d = result.decision
    if d is None or d.classification is None:
        return None
    return d.classification.reference


def _error(result: Any) -> str:
    return f"{result.error_field}: {result.error}" if result.error_field else str(result.error)


def _errors_why(a: Any, b: Any) -> tuple[str, ...] | None:
    """Why, when either side is an error row (None when neither is)."""
    if a.status != "error" and b.status != "error":
        return None
    if a.status == "error" and b.status == "error":
        return (
            ()
            if (a.error_field, a.error) == (b.error_field, b.error)
            else (
                f"from: error ({_error(a)})",
                f"to: error ({_error(b)})",
            )
        )
    return (f"from: error ({_error(a)})",) if a.status == "error" else (f"to: error ({_error(b)})",)


def _fired(a: tuple[str, ...], b: tuple[str, ...]) -> list[str]:
    out = []
    only_a = [r for r in a if r not in b]
    only_b = [r for r in b if r not in a]
    if only_a:
        out.append("fired only under from: " + "; ".join(only_a))
    if only_b:
        out.append("fired only under to: " + "; ".join(only_b))
    return out


def _parting_step(a: Any, b: Any) -> str | None:
    """The first step of the two traces that differs, as "step n: rule outcome → rule outcome"."""
    for n, (x, y) in enumerate(itertools.zip_longest(a.trace, b.trace), start=1):
        if x == y:
            continue
        left = f"{x.rule} {x.outcome}" if x is not None else "(no step)"
        right = f"{y.rule} {y.outcome}" if y is not None else "(no step)"
        if left == right:
            left, right = f"{left} ({x.detail})", f"{right} ({y.detail})"
        return f"step {n}: {left} → {right}"
    return None


def item_why(a: ScreenResult, b: ScreenResult) -> tuple[str, ...]:
    """Why two screening results of the same record differ (empty when nothing a user acts on
    differs: outcome, classification, open questions, rules fired)."""
    errors = _errors_why(a, b)
    if errors is not None:
        return errors
    da, db = a.decision, b.decision
    assert da is not None and db is not None
    qa = tuple(q.id for q in da.open_questions)
    qb = tuple(q.id for q in db.open_questions)
    same = (
        da.jurisdiction == db.jurisdiction
        and da.classification == db.classification
        and qa == qb
        and da.rules_fired == db.rules_fired
    )
    if same:
        return ()
    out: list[str] = []
    ca, cb = _classification(a), _classification(b)
    if ca != cb or da.jurisdiction != db.jurisdiction:
        out.append(
            f"{da.jurisdiction} {ca or '(no classification)'} → "
            f"{db.jurisdiction} {cb or '(no classification)'}"
        )
    out.extend(_fired(da.rules_fired, db.rules_fired))
    if da.rules_fired == db.rules_fired:
        step = _parting_step(da, db)
        if step:
            out.append(step)
    if qa != qb:
        out.append(f"open questions: {', '.join(qa) or 'none'} → {', '.join(qb) or 'none'}")
    return tuple(out)


def _sides(
    records: Iterable[Record | RawRow],
) -> tuple[Iterator[Record | RawRow], Iterator[Record | RawRow]]:
    first, second = itertools.tee(records, 2)
    return first, second


def diff_items(
    records: Iterable[Record | RawRow], before: Law, after: Law, *, csv_form: bool
) -> BatchRun[DiffRow]:
    """Each item record screened under ``before`` and under ``after`` (each law's own rule set),
    one :class:`DiffRow` per record, in order, streaming (a :class:`BatchRun`: ``--jobs`` may
    decide chunks of the records in worker processes)."""
    tables = (PatternTable(), PatternTable())  # kept from chunk to chunk (--jobs)
    return BatchRun(
        partial(_diff_items, before=before, after=after, csv_form=csv_form, tables=tables),
        records,
    )


class _ParsedOnce:
    """The facts of a record for both sides of a diff whose laws read one rule set: the side
    decided second gets what the first side's parse of the same row gave (the facts, or the
    error raised again), instead of parsing the row again.  ``zip`` advances the first side,
    then the second, and both read the very same row (``itertools.tee``); a parse reads only
    the row and the rule set, and facts are frozen."""

    def __init__(self, parse: Callable[[Any, RuleSet], ItemFacts]) -> None:
        self.parse = parse
        self._raw: Any = None
        self._ruleset: RuleSet | None = None
        self._facts: ItemFacts | None = None
        self._error: Exception | None = None

    def __call__(self, raw: Any, ruleset: RuleSet) -> ItemFacts:
        if raw is self._raw and ruleset is self._ruleset:
            facts, error = self._facts, self._error
            self._raw = self._facts = self._error = None  # once: the other side's row
            if error is not None:
                raise error
            assert facts is not None
            return facts
        self._raw, self._ruleset = raw, ruleset
        try:
            self._facts, self._error = self.parse(raw, ruleset), None
        except Exception as exc:
            self._facts, self._error = None, exc
            raise
        return self._facts


def _diff_items(
    records: Iterable[Record | RawRow],
    *,
    before: Law,
    after: Law,
    csv_form: bool,
    tables: tuple[PatternTable, PatternTable] | None = None,
) -> Iterator[DiffRow]:
    first, second = _sides(records)
    ta, tb = tables or (None, None)
    rules_a, rules_b = before.ruleset, after.ruleset
    parse = (
        _ParsedOnce(facts_from_csv_row if csv_form else facts_from_mapping)
        if rules_a is rules_b
        else None
    )
    left = screen(first, before, rules_a, csv_form=csv_form, patterns=ta, parse=parse)
    right = screen(second, after, rules_b, csv_form=csv_form, patterns=tb, parse=parse)
    for a, b in zip(left, right, strict=True):
        fa, fb = item_outcome(a), item_outcome(b)
        why = item_why(a, b)
        changed = fa != fb or _classification(a) != _classification(b)
        yield DiffRow(
            a.row, a.item_id or b.item_id, "items", a, b, fa, fb, changed, why, before.id, after.id
        )


# --------------------------------------------------------------------------------------------
# Transfers (authorize)


def transfer_outcome(result: AuthorizeResult) -> str:
    """The outcome of an authorization row: exempt, license_required, prohibited,
    undetermined or error."""
    return result.status


def _exemption(result: AuthorizeResult) -> str | None:
    a = result.authorization
    return a.exemption if a is not None else None


def _numbered(requirements: Iterable[Any]) -> dict[tuple[str, int], Any]:
    """Requirements by (paragraph, occurrence): a paragraph may carry several requirements
    (§ 126.5(b) has its destination, transit and Supp. No. 1 tests), paired in order."""
    seen: Counter[str] = Counter()
    out = {}
    for r in requirements:
        out[(r.id, seen[r.id])] = r
        seen[r.id] += 1
    return out


def transfer_why(a: AuthorizeResult, b: AuthorizeResult) -> tuple[str, ...]:
    """Why two authorizations of the same transfer differ: § 126.1, then each exemption (present
    on one side only, its version, its status, the supplement rows that caught the transfer,
    each requirement whose status differs)."""
    errors = _errors_why(a, b)
    if errors is not None:
        return errors
    x, y = a.authorization, b.authorization
    assert x is not None and y is not None
    out: list[str] = []
    px = [p.detail for p in x.proscribed]
    py = [p.detail for p in y.proscribed]
    if px != py:
        out.append(
            f"22 CFR 126.1: {'; '.join(px) or 'not prohibited'} → "
            f"{'; '.join(py) or 'not prohibited'}"
        )
    ex = {e.exemption: e for e in x.exemptions}
    ey = {e.exemption: e for e in y.exemptions}
    for key in dict.fromkeys([*ex, *ey]):
        before, after = ex.get(key), ey.get(key)
        if before is None:
            assert after is not None
            out.append(f"{key}: only under to ({after.status})")
            continue
        if after is None:
            out.append(f"{key}: only under from ({before.status})")
            continue
        if before.version != after.version:
            out.append(f"{key}: version {before.version or 'none'} → {after.version or 'none'}")
        if before.status != after.status:
            out.append(f"{key}: {before.status} → {after.status}")
        rows_x = [r for r in before.excluded_rows if r not in after.excluded_rows]
        rows_y = [r for r in after.excluded_rows if r not in before.excluded_rows]
        if rows_x:
            out.append(f"{key}: caught only under from by {', '.join(rows_x)}")
        if rows_y:
            out.append(f"{key}: caught only under to by {', '.join(rows_y)}")
        ry = _numbered(after.requirements)
        for number, r in _numbered(before.requirements).items():
            other = ry.get(number)
            if other is not None and other.status != r.status:
                out.append(f"{key} {r.id}: {r.status} → {other.status}")
    if not out and x.outcome != y.outcome:  # pragma: no cover - an outcome follows from the above
        out.append(f"{x.outcome} → {y.outcome}")
    return tuple(out)


def _moved_notes(transfer_refs: Iterable[str], law: Law) -> list[str]:
    """A transfer of an article a reform moved off the USML: authorize still reads its USML
    paragraph (the ITAR exemptions as if it were a defense article); say so."""
    notes = []
    for ref in transfer_refs:
        moved = law.relocated(ref)
        if moved is not None:
            notes.append(
                f"USML {ref}: {moved.rule.removeprefix('reform ')} — under the reform the article "
                "is subject to the EAR; the ITAR outcome shown reads it as a defense article "
                "(EAR licensing is not modelled)"
            )
    return notes


def _transfer_refs(raw: Mapping[str, Any] | None) -> list[str]:
    if raw is None:
        return []
    value = raw.get("usml_classification")
    if not isinstance(value, str) or not value.strip():
        return []
    try:
        return [str(parse_usml(value.strip()))]
    except ValueError:
        return []


def diff_transfers(
    records: Iterable[Record | RawRow], before: Law, after: Law, *, csv_form: bool
) -> BatchRun[DiffRow]:
    """Each transfer record authorized under ``before`` and under ``after``, one
    :class:`DiffRow` per record, in order, streaming (a :class:`BatchRun`, as
    :func:`diff_items`)."""
    tables = (PatternTable(), PatternTable())  # kept from chunk to chunk (--jobs)
    return BatchRun(
        partial(_diff_transfers, before=before, after=after, csv_form=csv_form, tables=tables),
        records,
    )


def _diff_transfers(
    records: Iterable[Record | RawRow],
    *,
    before: Law,
    after: Law,
    csv_form: bool,
    tables: tuple[PatternTable, PatternTable] | None = None,
) -> Iterator[DiffRow]:
    first, second = _sides(records)
    moves = bool(after.relocations) or bool(before.relocations)
    if moves:
        first, kept = itertools.tee(first, 2)
    ta, tb = tables or (None, None)
    left = authorize_transfers(first, before, csv_form=csv_form, patterns=ta)
    right = authorize_transfers(second, after, csv_form=csv_form, patterns=tb)
    for a, b in zip(left, right, strict=True):
        why = list(transfer_why(a, b))
        if moves:
            record = next(kept)
            raw = record.raw if isinstance(record, Record) else record[1]
            why += _moved_notes(_transfer_refs(raw), after)
        changed = a.status != b.status or _exemption(a) != _exemption(b)
        yield DiffRow(
            a.row,
            a.transfer_id or b.transfer_id,
            "transfers",
            a,
            b,
            transfer_outcome(a),
            transfer_outcome(b),
            changed,
            tuple(why),
            before.id,
            after.id,
        )


# --------------------------------------------------------------------------------------------
# The transition matrix


@attrs.define
class Transitions:
    """Counts of (from outcome, to outcome), kept while streaming."""

    counts: Counter[tuple[str, str]] = attrs.Factory(Counter)
    rows: int = 0
    changed: int = 0
    errors: int = 0

    def add(self, row: DiffRow | Outcomes) -> None:
        self.rows += 1
        self.changed += row.changed
        self.errors += "error" in (row.from_outcome, row.to_outcome)
        self.counts[(row.from_outcome, row.to_outcome)] += 1

    def matrix(self) -> list[dict[str, Any]]:
        """One row per transition, the most frequent first."""
        return [
            {"from_outcome": a, "to_outcome": b, "rows": n, "changed": a != b}
            for (a, b), n in sorted(self.counts.items(), key=lambda kv: (-kv[1], kv[0]))
        ]

    def line(self) -> str:
        return f"diffed {self.rows} rows: {self.changed} changed"


# --------------------------------------------------------------------------------------------
# The two laws compared


@attrs.frozen
class LawChange:
    """One difference between two laws: what (``usml``, ``eccn``, ``etl``, ``supp1``,
    ``country_set``, ``amount``, ``exemption``, ``ruleset``, ``relocation``), which one, how it
    changed, the two values, and the citation."""

    what: str
    ref: str
    change: str
    before: str
    after: str
    citation: str


def _edition_digest(law: Law, dataset: str) -> str | None:
    try:
        return str(law.statutes.editions[dataset].value_at(law.as_of).digest)
    except OutsideCoverage:
        return None


def _usml_changes(a: Law, b: Law) -> Iterator[LawChange]:
    if _edition_digest(a, "usml") == _edition_digest(b, "usml"):
        return
    pa = {str(p.ref): p for p in a.usml.paragraphs}
    pb = {str(p.ref): p for p in b.usml.paragraphs}
    for ref in sorted(pa.keys() | pb.keys(), key=lambda r: parse_usml(r).sort_key()):
        x, y = pa.get(ref), pb.get(ref)
        if x is None:
            assert y is not None
            yield LawChange("usml", y.designation, "added", "", y.text, y.citation)
        elif y is None:
            yield LawChange("usml", x.designation, "removed", x.text, "", x.citation)
        elif (x.text, x.sme_marked, x.mt_marked, x.reserved) != (
            y.text,
            y.sme_marked,
            y.mt_marked,
            y.reserved,
        ):
            what = "text changed" if x.text != y.text else "marks changed"
            before = x.text + (" [SME]" if x.sme_marked else "")
            after = y.text + (" [SME]" if y.sme_marked else "")
            yield LawChange("usml", y.designation, what, before, after, y.citation)


def _relocation_changes(a: Law, b: Law) -> Iterator[LawChange]:
    ra, rb = a.relocations, b.relocations
    for ref in sorted(ra.keys() | rb.keys(), key=lambda r: parse_usml(r).sort_key()):
        x, y = ra.get(ref), rb.get(ref)
        if x == y:
            continue
        moved = y or x
        assert moved is not None
        citation = f"22 CFR 121.1, Category {ref} → 15 CFR part 774, Supp. No. 1, ECCN {moved.eccn}"
        if y is not None:
            yield LawChange(
                "relocation",
                ref,
                f"moved to the CCL ({y.reform})",
                f"USML {ref}",
                f"ECCN {y.eccn}",
                citation,
            )
        else:
            assert x is not None
            yield LawChange(
                "relocation",
                ref,
                f"back on the USML ({x.reform})",
                f"ECCN {x.eccn}",
                f"USML {ref}",
                citation,
            )


def _eccn_changes(a: Law, b: Law) -> Iterator[LawChange]:
    if _edition_digest(a, "ccl") == _edition_digest(b, "ccl"):
        return
    ea = {e.eccn: e for e in a.ccl.eccns}
    eb = {e.eccn: e for e in b.ccl.eccns}
    for key in sorted(ea.keys() | eb.keys()):
        x, y = ea.get(key), eb.get(key)
        if x is None:
            assert y is not None
            yield LawChange("eccn", key, "added", "", y.heading, y.citation)
            continue
        if y is None:
            yield LawChange("eccn", key, "removed", x.heading, "", x.citation)
            continue
        if x.heading != y.heading:
            yield LawChange("eccn", key, "heading changed", x.heading, y.heading, y.citation)
        if x.reasons_for_control != y.reasons_for_control:
            yield LawChange(
                "eccn",
                key,
                "reasons for control changed",
                ", ".join(x.reasons_for_control),
                ", ".join(y.reasons_for_control),
                y.citation,
            )
        ia = {str(i.ref): i for i in x.items}
        ib = {str(i.ref): i for i in y.items}
        for ref in sorted(ia.keys() | ib.keys()):
            i, j = ia.get(ref), ib.get(ref)
            if i is None:
                yield LawChange(
                    "eccn", ref, "paragraph added", "", (j.text if j else "") or "", y.citation
                )
            elif j is None:
                yield LawChange("eccn", ref, "paragraph removed", i.text or "", "", y.citation)
            elif (i.text, i.reserved) != (j.text, j.reserved):
                yield LawChange(
                    "eccn", ref, "paragraph changed", i.text or "", j.text or "", y.citation
                )


def _row_key(row: Any) -> str:
    return canonical_json(
        {"text": row.text, "refs": [str(r) for r in row.usml_refs], "entries": repr(row.entries)}
    )


def _supplement_changes(name: str, a: Supplement, b: Supplement) -> Iterator[LawChange]:
    if a is b:
        return
    ra = {r.id: r for r in a.rows}
    rb = {r.id: r for r in b.rows}
    for key in sorted(ra.keys() | rb.keys()):
        x, y = ra.get(key), rb.get(key)
        if x is None:
            assert y is not None
            yield LawChange(name, key, "added", "", y.text, y.citation)
        elif y is None:
            yield LawChange(name, key, "removed", x.text, "", x.citation)
        elif _row_key(x) != _row_key(y):
            yield LawChange(name, key, "changed", x.text, y.text, y.citation)


def _members(law: Law, key: str) -> frozenset[str] | None:
    try:
        return law.members(key)
    except (OutsideCoverage, KeyError):
        return None


def _set_changes(a: Law, b: Law) -> Iterator[LawChange]:
    sa, sb = a.countries.sets, b.countries.sets
    for key in sorted(sa.keys() | sb.keys()):
        x, y = _members(a, key), _members(b, key)
        cset = sb.get(key) or sa[key]
        citation = cset.citation or cset.source
        if key not in sa:
            yield LawChange("country_set", key, "added", "", ", ".join(sorted(y or ())), citation)
            continue
        if key not in sb:
            yield LawChange("country_set", key, "removed", ", ".join(sorted(x or ())), "", citation)
            continue
        if x == y:
            continue
        joined = sorted((y or frozenset()) - (x or frozenset()))
        left = sorted((x or frozenset()) - (y or frozenset()))
        if joined:
            yield LawChange("country_set", key, "members added", "", ", ".join(joined), citation)
        if left:
            yield LawChange("country_set", key, "members removed", ", ".join(left), "", citation)


def _amount_changes(a: Law, b: Law) -> Iterator[LawChange]:
    ta, tb = a.exemptions.amounts, b.exemptions.amounts
    for key in sorted(ta.keys() | tb.keys()):
        rows_a = {r["id"]: r for r in ta.get(key, {}).get("rows", ())}
        rows_b = {r["id"]: r for r in tb.get(key, {}).get("rows", ())}
        for rid in sorted(rows_a.keys() | rows_b.keys()):
            amounts_a = {x["applies_to"]: x for x in rows_a.get(rid, {}).get("amounts", ())}
            amounts_b = {x["applies_to"]: x for x in rows_b.get(rid, {}).get("amounts", ())}
            for kind in sorted(amounts_a.keys() | amounts_b.keys()):
                x, y = amounts_a.get(kind), amounts_b.get(kind)
                shown_x = f"${x['amount']:,} {x['comparator']}" if x else ""
                shown_y = f"${y['amount']:,} {y['comparator']}" if y else ""
                if shown_x != shown_y:
                    yield LawChange("amount", f"{rid} ({kind})", "changed", shown_x, shown_y, rid)


def _version(exemption: Any, law: Law) -> Any:
    try:
        return exemption.version_on(law.as_of)
    except OutsideCoverage:
        return None


def _exemption_changes(a: Law, b: Law) -> Iterator[LawChange]:
    ea = {e.key: e for e in a.exemptions}
    eb = {e.key: e for e in b.exemptions}
    for key in dict.fromkeys([*ea, *eb]):
        x, y = ea.get(key), eb.get(key)
        if x is None:
            assert y is not None
            yield LawChange("exemption", key, "added", "", y.title, y.citation)
            continue
        if y is None:
            yield LawChange("exemption", key, "removed", x.title, "", x.citation)
            continue
        vx, vy = _version(x, a), _version(y, b)
        idx = vx.id if vx is not None else "none"
        idy = vy.id if vy is not None else "none"
        if idx != idy:
            yield LawChange("exemption", key, "version in force", idx, idy, y.citation)
            continue
        if vx is None or vy is None:
            continue
        rx = {r.id: r for r in vx.requirements}
        ry = {r.id: r for r in vy.requirements}
        for rid in dict.fromkeys([*rx, *ry]):
            p, q = rx.get(rid), ry.get(rid)
            if p is None:
                yield LawChange(
                    "exemption", f"{key} {rid}", "requirement added", "", q.test if q else "", rid
                )
            elif q is None:
                yield LawChange("exemption", f"{key} {rid}", "requirement removed", p.test, "", rid)
            elif dict(p.params) != dict(q.params) or p.test != q.test:
                changed = sorted(
                    k
                    for k in p.params.keys() | q.params.keys()
                    if p.params.get(k) != q.params.get(k)
                )
                yield LawChange(
                    "exemption",
                    f"{key} {rid}",
                    "requirement changed",
                    "; ".join(f"{k}={p.params.get(k)}" for k in changed),
                    "; ".join(f"{k}={q.params.get(k)}" for k in changed),
                    rid,
                )


def _tests(rule: Any) -> str:
    return "; ".join(f"{t.fact}={t.equals}" for t in rule.tests) if rule is not None else ""


def _ruleset_changes(a: Law, b: Law) -> Iterator[LawChange]:
    x, y = a.ruleset, b.ruleset
    if x is y:
        return
    for qid in dict.fromkeys([*x.questions, *y.questions]):
        p, q = x.questions.get(qid), y.questions.get(qid)
        if p == q:
            continue
        citation = q.citation if q is not None else p.citation if p is not None else ""
        yield LawChange(
            "ruleset",
            qid,
            "question changed",
            f"{p.text} [{p.citation}]" if p else "",
            f"{q.text} [{q.citation}]" if q else "",
            citation,
        )
    for rx_rules, ry_rules in ((x.itar, y.itar), (x.ear, y.ear)):
        rx = {r.id: r for r in rx_rules.releases}
        ry = {r.id: r for r in ry_rules.releases}
        for rid in dict.fromkeys([*rx, *ry]):
            p2, q2 = rx.get(rid), ry.get(rid)
            if p2 == q2:
                continue
            what = (
                "release removed"
                if q2 is None
                else "release added"
                if p2 is None
                else "release changed"
            )
            yield LawChange("ruleset", rid, what, _tests(p2), _tests(q2), rid)


def law_changes(a: Law, b: Law) -> list[LawChange]:
    """Everything that differs between law ``a`` (on its date) and law ``b`` (on its date)."""
    out: list[LawChange] = []
    out.extend(_usml_changes(a, b))
    out.extend(_relocation_changes(a, b))
    out.extend(_eccn_changes(a, b))
    out.extend(_supplement_changes("etl", a.etl, b.etl))
    out.extend(_supplement_changes("supp1", a.supp1, b.supp1))
    out.extend(_set_changes(a, b))
    out.extend(_amount_changes(a, b))
    out.extend(_exemption_changes(a, b))
    out.extend(_ruleset_changes(a, b))
    return out
