"""Batch screening: one decision (or one error) per input record, in order, streaming.

Input is CSV (a header row; the fields of :mod:`exportctl.inputs.items` and one column per answer)
or JSON lines (one facts object per line), read by :mod:`exportctl.inputs.readers` (which defines an
input record precisely). Records are read, decided and yielded one at a time, so memory does not
grow with the file. A record with bad input yields an error result that names the row, the field and
the reason; every other record is still decided. Nothing is merged, split or dropped: the n-th
result is the n-th input record. A problem with the whole file (empty, no records, a repeated or
missing column) raises :class:`~exportctl.inputs.readers.InputFileError` before any row is decided.

Exit status of ``exportctl screen`` (see :func:`exit_status`):
  0 every row decided and classified;  1 some rows undetermined or with questions open;
  4 some rows had input errors or contradictory facts (the others were still decided).
``exportctl authorize`` (:func:`authorize_exit_status`) also gives 6 when some transfer's answer
is no (a license required, or prohibited under 22 CFR 126.1).  See docs/cli.md, "Exit status".

Every output record carries the date and the law it was decided under (:func:`record_stamp`:
``as_of``, ``law_id``, ``reforms``), written after the record's own fields.
"""

from __future__ import annotations

import itertools
import os
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from functools import partial
from typing import TYPE_CHECKING, Any, Generic, Literal, NamedTuple, TypeVar

import attrs

from exportctl.core.bounded import SecondSight
from exportctl.core.provenance import decision_id, decision_ids
from exportctl.corpus.bundle import DataIntegrityError
from exportctl.corpus.law import Law
from exportctl.corpus.regulations import Regulations
from exportctl.corpus.rulesets import RuleSet
from exportctl.engine.classify import classify_keyed, repeat_decision
from exportctl.engine.decision import Decision
from exportctl.inputs.items import (
    FIELDS,
    ContradictoryFacts,
    FactError,
    ItemFacts,
    facts_from_cells,
    facts_from_csv_row,
    facts_from_mapping,
    parse_text,
)
from exportctl.inputs.readers import (
    InputFileError,
    Record,
    escape_surrogates,
    printable,
    read_csv_rows,
    read_jsonl_rows,
    transfer_shape_error,
)

if TYPE_CHECKING:  # annotations only: screen does not import the transfers (or the countries)
    from concurrent.futures import Future

    from exportctl.inputs.transfers import Transfer

__all__ = [
    "EXIT_ERRORS",
    "EXIT_NO",
    "EXIT_OK",
    "EXIT_OPEN",
    "RESULT_COLUMNS",
    "STAMP_COLUMNS",
    "BatchRun",
    "InputFileError",
    "Record",
    "ScreenResult",
    "Summary",
    "Tally",
    "authorize_columns",
    "authorize_transfers",
    "available_cores",
    "decide_rows",
    "decision_status",
    "exit_status",
    "read_csv_rows",
    "read_jsonl_rows",
    "record_stamp",
    "result_row",
    "run_parallel",
    "screen",
]

EXIT_OK = 0
EXIT_OPEN = 1
EXIT_ERRORS = 4
#: The answer is no: not eligible, caught by an ETL row, prohibited under 22 CFR 126.1, a
#: license required (3 is an unknown reference, 5 bundled data failing verification).
EXIT_NO = 6


#: The fields every output record of ``screen`` and ``authorize`` ends with (:func:`record_stamp`).
STAMP_COLUMNS = ("as_of", "law_id", "reforms")


def record_stamp(law: Law) -> tuple[tuple[str, Any], ...]:
    """The fields every output record of a batch carries: the date decided as of, the law's id
    and the reforms applied to the bundled law (in order; none for the law as bundled)."""
    values = (law.as_of.isoformat(), law.id, tuple(law.reforms))
    return tuple(zip(STAMP_COLUMNS, values, strict=True))

Status = Literal["classified", "not_subject", "open", "undetermined", "error"]

#: Columns of a screening result row (CSV/table); JSON lines carry the full decision as well.
RESULT_COLUMNS = (
    "row",
    "item_id",
    "status",
    "jurisdiction",
    "classification",
    "sme",
    "mt",
    "reasons_for_control",
    "open_questions",
    "rules_fired",
    "error_field",
    "error",
    "decision_id",
)


@attrs.frozen
class ScreenResult:
    row: int
    item_id: str | None
    status: Status
    decision: Decision | None = None
    error_field: str | None = None
    error: str | None = None
    #: The canonical JSON of the facts decided (rows with the same pattern have the same
    #: outcome, trace and output but for their ids); None for an error.
    pattern: str | None = attrs.field(default=None, eq=False, repr=False, kw_only=True)

    @property
    def subject_id(self) -> str | None:
        return self.item_id

    @property
    def decision_id(self) -> str | None:
        return self.decision.decision_id if self.decision is not None else None


@attrs.define
class Summary:
    """Counts by outcome, kept while streaming."""

    counts: Counter[str] = attrs.Factory(Counter)
    rows: int = 0

    def add(self, result: ScreenResult) -> None:
        self.rows += 1
        if result.status == "classified" and result.decision and result.decision.classification:
            c = result.decision.classification
            self.counts["EAR99" if c.regime == "EAR99" else result.decision.jurisdiction] += 1
        else:
            self.counts[result.status] += 1

    def line(self) -> str:
        order = ("ITAR", "EAR", "EAR99", "not_subject", "open", "undetermined", "error")
        parts = [f"{k} {self.counts[k]}" for k in order if self.counts[k]]
        return f"screened {self.rows} rows: " + (", ".join(parts) if parts else "nothing")


def exit_status(summary: Summary) -> int:
    if summary.counts["error"]:
        return EXIT_ERRORS
    if summary.counts["open"] or summary.counts["undetermined"]:
        return EXIT_OPEN
    return EXIT_OK


#: The old form of a record: (row number, fields or None, error or None).
RawRow = tuple[int, dict[str, Any] | None, str | None]
P = TypeVar("P")


def _records(rows: Iterable[Record | RawRow]) -> Iterator[Record]:
    for rec in rows:
        if isinstance(rec, Record):
            yield rec
        else:
            n, raw, error = rec
            yield Record(n, raw, (n, n), None if raw is not None else "row", error)


def _reason(rec: Record) -> str:
    """A reader's error as the row's error text: "field: reason", like every input error."""
    field = rec.error_field or "row"
    reason = rec.error or "cannot be read"
    return reason if reason.startswith(f"{field}: ") else f"{field}: {reason}"


def _item_id(raw: dict[str, Any] | None, key: str = "item_id") -> str | None:
    if raw is None:
        return None
    value = raw.get(key)
    if value is None or isinstance(value, (bool, dict, list)):
        return None
    return printable(value)


def screen(
    rows: Iterable[Record | RawRow],
    regs: Regulations,
    ruleset: RuleSet,
    *,
    csv_form: bool,
    trace: bool = False,
    patterns: PatternTable | None = None,
    parse: Callable[[Any, RuleSet], ItemFacts] | None = None,
) -> BatchRun[ScreenResult]:
    """Decide each record; a bad record becomes an error result naming the row and the field.

    Exactly one result per record, in order: nothing is merged, split or dropped.  ``trace``
    decides with each decision's trace at once (for output that prints it); otherwise a trace
    is computed when read.  CSV rows that differ only in item_id and description are parsed and
    decided once (each gets its own item id and decision id).  The results are decided as they
    are read (a :class:`BatchRun`: an iterator that also knows how to decide any chunk of the
    records, for :func:`run_parallel`).
    """
    return BatchRun(
        partial(
            _screen,
            regs=regs,
            ruleset=ruleset,
            csv_form=csv_form,
            trace=trace,
            table=patterns,
            parse=parse,
        ),
        rows,
        repeats=Repeats(_ID_FIELDS, _screen_ids) if csv_form else None,
        cells=CellsDecider(regs, ruleset, trace) if csv_form else None,
    )


class CellsDecider:
    """Decides a CSV row given as its cells, for a writer that writes a decided row's line
    from its decision alone (no :class:`Record`, no :class:`ScreenResult`): ``decider(header,
    cells)`` is the decision and the canonical JSON of its facts that :func:`screen` gives a
    record of those cells (its ``decision`` and ``pattern``), or None when the row is not
    decided (an error in its facts, or anything raised): the writer then gives the record to
    the batch's own function, which reports the error as it always does."""

    def __init__(self, regs: Regulations, ruleset: RuleSet, trace: bool) -> None:
        self.regs = regs
        self.ruleset = ruleset
        self.trace = trace
        self._law: Law | None = None

    def __call__(
        self, header: Sequence[str], cells: Sequence[str]
    ) -> tuple[Decision, str] | None:
        law = self._law
        if law is None:
            law = self._law = self.regs.with_ruleset(self.ruleset)
        try:
            facts = facts_from_cells(header, cells, self.ruleset)
            return classify_keyed(facts, law, self.trace)
        except DataIntegrityError:
            raise  # no row is decided on unverified data: the whole run stops
        except Exception:
            return None


@attrs.frozen
class Repeats:
    """What a batch's CSV rows of one fact pattern share, for a writer that writes the rows
    of a pattern without deciding them again: two rows whose cells are the same but for the
    ``free`` fields (the id, the description) have the same result but for their row number,
    their id and their decision id; ``ids(result)`` gives the decision id of any other id with
    the facts of ``result`` (None: the result is not a decision that other rows share)."""

    free: tuple[str, ...]
    ids: Callable[[Any], Callable[[str], str] | None]


def _screen_ids(result: ScreenResult) -> Callable[[str], str] | None:
    d = result.decision
    if d is None or result.pattern is None:
        return None
    return decision_ids(result.pattern, d.law_id, d.as_of)


def _screen(
    rows: Iterable[Record | RawRow],
    *,
    regs: Regulations,
    ruleset: RuleSet,
    csv_form: bool,
    trace: bool,
    table: PatternTable | None = None,
    parse: Callable[[Any, RuleSet], ItemFacts] | None = None,
) -> Iterator[ScreenResult]:
    law = regs.with_ruleset(ruleset)
    if parse is None:  # a diff gives both sides one parse (engine/diff.py, _ParsedOnce)
        parse = facts_from_csv_row if csv_form else facts_from_mapping
    patterns: _Patterns[_Pattern] = _Patterns() if table is None else table.items
    for rec in _records(rows):
        n, raw = rec.row, rec.raw
        if raw is None:
            field = rec.error_field or "row"
            yield ScreenResult(n, rec.item_id, "error", error_field=field, error=_reason(rec))
            continue
        item_id = _item_id(raw)
        key: tuple[Any, ...] | None = None
        if csv_form and not patterns.resting():
            key = tuple([(k, v) for k, v in raw.items() if k not in _ID_FIELDS])
            pattern = patterns.get(key)
            if pattern is not None:
                yield pattern.again(n, item_id, law)
                continue
        facts: ItemFacts | None = None
        try:
            facts = parse(raw, ruleset)
            decision, facts_key = classify_keyed(facts, law, trace)
        except FactError as exc:
            yield _remember(
                patterns,
                key,
                facts,
                ScreenResult(n, item_id, "error", error_field=exc.field, error=str(exc)),
            )
            continue
        except ContradictoryFacts as exc:
            yield _remember(patterns, key, facts, _contradiction(n, item_id, exc))
            continue
        except DataIntegrityError:
            raise  # no row is decided on unverified data: the whole run stops
        except Exception as exc:
            yield ScreenResult(n, item_id, "error", error_field="row", error=_internal(exc))
            continue
        if key is not None:
            patterns.keep(key, _Pattern(facts, decision, facts_key, None))
        yield ScreenResult(
            n, decision.item_id, _status(decision), decision, pattern=facts_key
        )


_ID_FIELDS = ("item_id", "description")


def _contradiction(n: int, item_id: str | None, exc: ContradictoryFacts) -> ScreenResult:
    return ScreenResult(
        n,
        item_id,
        "error",
        error_field=",".join(exc.facts),
        error=f"contradictory facts: {exc.reason} [{exc.citation}]",
    )


@attrs.frozen
class _Pattern:
    """What the first CSV row of a fact pattern gave: its facts and decision (with the
    canonical JSON of the facts), or the error the engine found in those facts (which names no
    item id, so every row of the pattern has it)."""

    facts: ItemFacts | None
    decision: Decision | None
    facts_key: str
    error: ScreenResult | None

    def again(self, n: int, item_id: str | None, law: Law) -> ScreenResult:
        """The result of another row with these facts (row ``n``, its own item id)."""
        if item_id is None:
            error = FactError("item_id", "is required (a part number or other identifier)")
            return ScreenResult(n, None, "error", error_field=error.field, error=str(error))
        if self.error is not None:
            return attrs.evolve(self.error, row=n, item_id=item_id)
        assert self.decision is not None and self.facts is not None
        decision = repeat_decision(self.decision, self.facts_key, item_id, self.facts, law)
        return ScreenResult(
            n, item_id, _status(decision), decision, pattern=self.facts_key
        )


def _remember(
    patterns: _Patterns[_Pattern],
    key: tuple[Any, ...] | None,
    facts: ItemFacts | None,
    result: ScreenResult,
) -> ScreenResult:
    """An error for a CSV row: kept for the rows with the same facts when the engine (not the
    parser, whose errors may be about the id) found it."""
    if key is not None and facts is not None:
        patterns.keep(key, _Pattern(facts, None, "", result))
    return result


#: How many transfer patterns a batch of ``authorize`` keeps (each a whole authorization).
AUTHORIZE_PATTERNS = 128


class _Patterns(Generic[P]):
    """The fact patterns of a batch's CSV rows, by the row's cells but the id and description
    (at most 4,096).  The first ``at_once`` (256) patterns are kept when first decided (a parts
    list of a few patterns, or a chunk that the next repeats, is decided once per pattern);
    beyond them a pattern is kept from the second row that has it on, so a file of distinct
    rows holds at most ``at_once`` patterns however long it is (:mod:`exportctl.core.bounded`).
    A batch whose rows do not repeat stops looking for a while when the table fills up without
    a repeat, and tries again later: the same results either way."""

    SIZE = 4096
    AT_ONCE = 256

    def __init__(self, size: int = SIZE, at_once: int = AT_ONCE) -> None:
        self.size = size
        self.at_once = at_once
        self._found: dict[tuple[Any, ...], P] = {}
        self._seen = SecondSight(size)
        self._hits = 0
        self._rest = 0

    def resting(self) -> bool:
        if self._rest:
            self._rest -= 1
            return True
        return False

    def get(self, key: tuple[Any, ...]) -> P | None:
        found = self._found.get(key)
        if found is not None:
            self._hits += 1
        return found

    def keep(self, key: tuple[Any, ...], pattern: P) -> None:
        if len(self._found) >= self.at_once and not self._seen.again(key):
            return
        if len(self._found) >= self.size:
            self._found.clear()
            if self._hits * 100 < self.size:
                self._rest = 4 * self.size
            self._hits = 0
        self._found[key] = pattern


class PatternTable:
    """The fact patterns already decided, kept from one call of :func:`screen` /
    :func:`authorize_transfers` to the next under one law: a caller that decides a file in
    chunks (``diff --jobs``, whose worker decides chunk after chunk) passes the same table to
    each call, and a pattern met in an earlier chunk is not decided again, as in one call over
    the whole file.  The results are the same with or without it."""

    def __init__(self) -> None:
        self.items: _Patterns[_Pattern] = _Patterns()
        self.transfers: _Patterns[tuple[Transfer, Any, AuthorizeResult | None, int]] = _Patterns(
            AUTHORIZE_PATTERNS
        )


def _internal(exc: Exception) -> str:
    """An unexpected failure on one row: reported on that row, never a lost row."""
    detail = escape_surrogates(str(exc))
    return f"internal error, please report it with this row: {type(exc).__name__}: {detail}"


def decision_status(decision: Decision) -> Status:
    """A classification's status: classified, open (a jurisdiction without a classification),
    undetermined or not_subject (the rows of ``screen``, the output of ``classify``)."""
    return _status(decision)


def _status(decision: Decision) -> Status:
    if decision.jurisdiction == "undetermined":
        return "undetermined"
    if decision.jurisdiction == "not_subject":
        return "not_subject"
    return "classified" if decision.classification is not None else "open"


def result_row(result: ScreenResult) -> dict[str, Any]:
    """One flat output row (the columns of RESULT_COLUMNS)."""
    d = result.decision
    c = d.classification if d else None
    return {
        "row": result.row,
        "item_id": result.item_id,
        "status": result.status,
        "jurisdiction": d.jurisdiction if d else None,
        "classification": c.reference if c else None,
        "sme": c.significant_military_equipment if c and c.regime == "USML" else None,
        "mt": (c.mt if c.mt in (None, "yes") else "conditional") if c else None,
        "reasons_for_control": list(c.reasons_for_control) if c else [],
        "open_questions": [q.id for q in d.open_questions] if d else [],
        "rules_fired": list(d.rules_fired) if d else [],
        "error_field": escape_surrogates(result.error_field),
        "error": escape_surrogates(result.error),
        "decision_id": d.decision_id if d else None,
    }


def csv_header_problems(header: Iterable[str], ruleset: RuleSet) -> list[str]:
    """Columns the rule set does not know (reported on every row by the answers parser too)."""
    known = set(FIELDS) | ruleset.answer_facts
    return [h for h in header if h not in known]


# --- transfers ---------------------------------------------------------------------------------

def authorize_columns(law: Law) -> tuple[str, ...]:
    """Columns of an authorization result row (CSV/table): one per exemption the law holds
    (named by the exemption's ``column``), found in the law, never listed here."""
    return (
        "row",
        "transfer_id",
        "status",
        "outcome",
        "exemption",
        "citation",
        *(e.column for e in law.exemptions),
        "excluded_rows",
        "proscribed",
        "open_questions",
        "error_field",
        "error",
        "decision_id",
    )


@attrs.frozen
class AuthorizeResult:
    row: int
    transfer_id: str | None
    status: Literal["exempt", "license_required", "prohibited", "undetermined", "error"]
    authorization: Any = None
    error_field: str | None = None
    error: str | None = None
    #: A number shared by the rows of one CSV fact pattern (the same output but for the row
    #: number, the transfer id and the decision id); None for an error or a row of its own.
    pattern: int | None = attrs.field(default=None, eq=False, repr=False, kw_only=True)

    @property
    def subject_id(self) -> str | None:
        return self.transfer_id

    @property
    def decision_id(self) -> str | None:
        return self.authorization.decision_id if self.authorization is not None else None


def authorize_transfers(
    rows: Iterable[Record | RawRow],
    regs: Regulations,
    *,
    csv_form: bool,
    patterns: PatternTable | None = None,
    rows_read: bool = False,
) -> BatchRun[AuthorizeResult]:
    """Decide each transfer record (§ 126.1, § 126.7, § 126.5); bad records become error results.

    Exactly one result per record, in order: nothing is merged, split or dropped.  CSV rows
    that differ only in transfer_id and description are parsed and decided once (each gets
    its own transfer id and decision id).  Decided as they are read (a :class:`BatchRun`).
    ``rows_read``: the caller reads every exemption's rows (a JSON lines record), so each is
    decided in full at once (``authorize_checked(..., rows=True)``; the same results).
    """
    return BatchRun(
        partial(
            _authorize_transfers, regs=regs, csv_form=csv_form, table=patterns, rows_read=rows_read
        ),
        rows,
    )


def _authorize_transfers(
    rows: Iterable[Record | RawRow],
    *,
    regs: Regulations,
    csv_form: bool,
    table: PatternTable | None = None,
    rows_read: bool = False,
) -> Iterator[AuthorizeResult]:
    from exportctl.engine.authorize import authorize_checked, transfer_key
    from exportctl.inputs.transfers import transfer_from_csv_row, transfer_from_mapping

    # An authorization holds every condition of every exemption (hundreds of rows): keep
    # fewer of them than of classifications, so memory stays flat in the input size.
    patterns: _Patterns[tuple[Transfer, Any, AuthorizeResult | None, int]] = (
        _Patterns(AUTHORIZE_PATTERNS) if table is None else table.transfers
    )
    for rec in _records(rows):
        n, raw = rec.row, rec.raw
        if raw is None:
            field = rec.error_field or "row"
            yield AuthorizeResult(n, rec.item_id, "error", error_field=field, error=_reason(rec))
            continue
        transfer_id = _item_id(raw, "transfer_id")
        key: tuple[Any, ...] | None = None
        transfer: Transfer | None = None
        try:
            if csv_form and not patterns.resting():
                key = tuple([(k, v) for k, v in raw.items() if k not in _TRANSFER_ID_FIELDS])
                pattern = patterns.get(key)
                if pattern is not None:
                    yield _again(n, raw, pattern, regs, transfer_key)
                    continue
            else:
                shape = transfer_shape_error(raw)
                if shape is not None:
                    raise shape
            transfer = (
                transfer_from_csv_row(raw, regs) if csv_form else transfer_from_mapping(raw, regs)
            )
            result = authorize_checked(transfer, regs, rows=rows_read)
        except FactError as exc:
            error = AuthorizeResult(n, transfer_id, "error", error_field=exc.field, error=str(exc))
            _keep(patterns, key, transfer, None, error)
            yield error
            continue
        except ContradictoryFacts as exc:
            error = AuthorizeResult(
                n,
                transfer_id,
                "error",
                error_field=",".join(exc.facts),
                error=f"contradictory facts: {exc.reason} [{exc.citation}]",
            )
            _keep(patterns, key, transfer, None, error)
            yield error
            continue
        except DataIntegrityError:
            raise  # no row is decided on unverified data: the whole run stops
        except Exception as exc:
            yield AuthorizeResult(n, transfer_id, "error", error_field="row", error=_internal(exc))
            continue
        number = _keep(patterns, key, transfer, result, None)
        yield AuthorizeResult(n, result.transfer_id, result.outcome, result, pattern=number)


_TRANSFER_ID_FIELDS = ("transfer_id", "description")


def _keep(
    patterns: _Patterns[tuple[Transfer, Any, AuthorizeResult | None, int]],
    key: tuple[Any, ...] | None,
    transfer: Transfer | None,
    result: Any,
    error: AuthorizeResult | None,
) -> int | None:
    """What the first CSV row of a pattern gave, once it parsed (an error after parsing is the
    engine's, about the facts, never the id), and the pattern's number."""
    if key is None or transfer is None:
        return None
    number = next(_PATTERN_NUMBERS)
    patterns.keep(key, (transfer, result, error, number))
    return number


_PATTERN_NUMBERS = itertools.count(1)


def _again(
    n: int,
    raw: dict[str, Any],
    pattern: tuple[Transfer, Any, AuthorizeResult | None, int],
    law: Law,
    transfer_key: Any,
) -> AuthorizeResult:
    """Another CSV row of a pattern: the parser's reading of its id and description, the rest
    as the first row of the pattern was read and decided."""
    template, decided, error, number = pattern
    transfer_id = parse_text("transfer_id", raw.get("transfer_id"))
    if transfer_id is None:
        missing = FactError("transfer_id", "is required")
        return AuthorizeResult(
            n, _item_id(raw, "transfer_id"), "error", error_field=missing.field, error=str(missing)
        )
    if error is not None:
        return attrs.evolve(error, row=n, transfer_id=_item_id(raw, "transfer_id"))
    transfer = attrs.evolve(
        template,
        transfer_id=transfer_id,
        description=parse_text("description", raw.get("description")) or "",
    )
    result = attrs.evolve(
        decided,
        transfer_id=transfer_id,
        decision_id=decision_id(transfer_id, transfer_key(transfer), law.id, law.as_of),
    )
    return AuthorizeResult(n, transfer_id, result.outcome, result, pattern=number)


def authorize_row(result: AuthorizeResult, law: Law) -> dict[str, Any]:
    """One flat output row: the outcome, each exemption's status in its column, the rows of a
    supplement that exclude the transfer (``126.7: SUPP2-013``)."""
    a = result.authorization
    by_key = {e.exemption: e for e in a.exemptions} if a else {}
    row: dict[str, Any] = {
        "row": result.row,
        "transfer_id": result.transfer_id,
        "status": result.status,
        "outcome": a.outcome if a else None,
        "exemption": f"22 CFR {a.exemption}" if a and a.exemption else None,
        "citation": authorization_citation(a) if a else [],
    }
    for e in law.exemptions:
        found = by_key.get(e.key)
        row[e.column] = found.status if found else None
    row.update(
        {
            "excluded_rows": [f"{k}: {r}" for k, e in by_key.items() for r in e.excluded_rows],
            "proscribed": [p.detail for p in a.proscribed] if a else [],
            "open_questions": [q.id for q in a.open_questions] if a else [],
            "error_field": escape_surrogates(result.error_field),
            "error": escape_surrogates(result.error),
            "decision_id": a.decision_id if a else None,
        }
    )
    return row


def authorization_citation(a: Any) -> list[str]:
    """The paragraphs an authorization's outcome rests on: the exemption found (exempt); the
    § 126.1 paragraphs that prohibit it (prohibited); the exemptions not eligible (license
    required); the § 126.1 paragraphs and exemptions still open (undetermined)."""
    if a.outcome == "exempt" and a.exemption:
        return [f"22 CFR {a.exemption}"]
    if a.outcome == "prohibited":
        return list(dict.fromkeys(p.id for p in a.proscribed if p.status == "fail"))
    if a.outcome == "license_required":
        return list(dict.fromkeys(e.citation for e in a.exemptions if e.status == "not_eligible"))
    still_open = [p.id for p in a.proscribed if p.status != "pass"]
    still_open += [e.citation for e in a.exemptions if e.status == "undetermined"]
    return list(dict.fromkeys(still_open))


def authorize_exit_status(counts: Counter[str]) -> int:
    """4 some rows had input errors; else 6 some need a license or are prohibited; else 1 some
    undetermined; else 0 (docs/cli.md: a refusal stays one whatever the open rows turn out)."""
    if counts["error"]:
        return EXIT_ERRORS
    if counts["license_required"] or counts["prohibited"]:
        return EXIT_NO
    if counts["undetermined"]:
        return EXIT_OPEN
    return EXIT_OK


# --- many processes -----------------------------------------------------------------------------

R = TypeVar("R")
T = TypeVar("T")


class BatchRun(Iterator[R], Generic[R]):
    """The results of a batch, decided as they are read, and the function that decides them:
    ``decide(records)`` gives the results of any run of records (each record carries its row
    number), so a writer may hand chunks of the records to worker processes
    (:func:`run_parallel`) and get the same results."""

    def __init__(
        self,
        decide: Callable[[Iterable[Record | RawRow]], Iterator[R]],
        records: Iterable[Any],
        *,
        repeats: Repeats | None = None,
        cells: CellsDecider | None = None,
    ) -> None:
        self.decide = decide
        self.records = records
        #: How rows of one fact pattern share their results (None: not known).
        self.repeats = repeats
        #: How a CSV row given as its cells is decided without its record (None: not so).
        self.cells = cells
        self._results: Iterator[R] | None = None

    def __iter__(self) -> BatchRun[R]:
        return self

    def __next__(self) -> R:
        if self._results is None:
            self._results = self.decide(self.records)
        return next(self._results)


def available_cores() -> int:
    """The cores this process may run on (the default of ``--jobs``)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)  # pragma: no cover - every Linux has sched_getaffinity


#: The work of each parallel run, by token: worker processes forked from this one find it here
#: (so it need not be picklable: a closure, a lambda, a layout holding the law).
_WORK: dict[int, Callable[[Any], Any]] = {}
_TOKENS = itertools.count(1)


def _call(token: int, chunk: Any) -> Any:
    return _WORK[token](chunk)


def run_parallel(
    records: Iterable[T],
    work: Callable[[list[T]], R],
    jobs: int,
    *,
    chunk_size: int = 1000,
) -> Iterator[R]:
    """``work(chunk)`` for consecutive chunks of ``records``, in ``jobs`` worker processes; the
    values in the order of the chunks.

    At most ``2 * jobs`` chunks are read ahead of the one being written, so memory stays flat
    in the input size.  Input shorter than two chunks, or ``jobs`` 1, is worked in this process
    (no worker is started); otherwise the first ``chunk_size // 50`` records (at least one) are
    worked in this process before the workers are forked, so that they inherit what it built.
    Where processes fork (Linux, macOS with the fork method) ``work``
    may be any callable: the workers inherit it; elsewhere it must be picklable (a module-level
    function, or a ``functools.partial`` of one).  An exception in ``work`` is raised here, at
    its chunk.  The batch commands (``screen``, ``authorize``, ``--jobs``) and any other batch
    writer (``diff``) share this one function.
    """
    chunks = _chunks(records, chunk_size)
    head = list(itertools.islice(chunks, 2))
    if jobs <= 1 or len(head) < 2:
        for chunk in itertools.chain(head, chunks):
            yield work(chunk)
        return
    # The first few records are worked here before the workers are forked: they inherit what
    # that built (the parts of the law a rule read, caches) instead of each building it again.
    first = max(1, chunk_size // 50)
    yield work(head[0][:first])
    head[0] = head[0][first:]
    if not head[0]:
        del head[0]
    import multiprocessing

    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    token = next(_TOKENS)
    _WORK[token] = work
    submit_work: Callable[[Any], Any] = (
        partial(_call, token) if context.get_start_method() == "fork" else work
    )
    pending: deque[Future[R]] = deque()
    try:
        # Imported here: concurrent.futures.process imports multiprocessing, subprocess, socket
        # and logging (~40 ms of every batch command's start-up), needed only for --jobs > 1.
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
            for chunk in itertools.chain(head, chunks):
                pending.append(pool.submit(submit_work, chunk))
                while len(pending) > 2 * jobs:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
    finally:
        for future in pending:
            future.cancel()
        _WORK.pop(token, None)


def _chunks(records: Iterable[T], size: int) -> Iterator[list[T]]:
    it = iter(records)
    while True:
        chunk = list(itertools.islice(it, size))
        if not chunk:
            return
        yield chunk


class Tally(NamedTuple):
    """What a summary reads of one result (``row``, ``status`` and, for a decision, its
    ``jurisdiction`` and its classification's ``regime`` and ``reference``): the stand-in a
    parallel writer gives its ``on_result`` for each result decided in a worker process.
    Tuples, so that a chunk's tallies cost little to send between processes."""

    row: int
    status: str
    decision: DecisionTally | None = None


class DecisionTally(NamedTuple):
    """What a summary reads of a decision: its jurisdiction and classification."""

    jurisdiction: str
    classification: ClassificationTally | None


class ClassificationTally(NamedTuple):
    """What a summary reads of a classification: its regime and reference."""

    regime: str
    reference: str


_DECISION_TALLIES: dict[tuple[str, str | None, str | None], DecisionTally] = {}


def tally(result: Any) -> Any:
    """What ``on_result`` is given for a result decided in a worker process: the result's own
    ``tally()`` if it has one (a diff row), else the :class:`Tally` of a screening or
    authorization result."""
    own = getattr(result, "tally", None)
    if callable(own):
        return own()
    decision = getattr(result, "decision", None)
    if decision is None:
        return Tally(result.row, result.status)
    return Tally(result.row, result.status, decision_tally(decision))


def decision_tally(decision: Decision) -> DecisionTally:
    """What a summary reads of a decision (one object per outcome)."""
    c = decision.classification
    key = (decision.jurisdiction, c.regime if c else None, c.reference if c else None)
    found = _DECISION_TALLIES.get(key)
    if found is None:
        # One object per outcome: the tallies of a chunk are sent with each outcome once.
        if len(_DECISION_TALLIES) >= 4096:
            _DECISION_TALLIES.clear()
        found = _DECISION_TALLIES[key] = DecisionTally(
            decision.jurisdiction, ClassificationTally(c.regime, c.reference) if c else None
        )
    return found


# --- deciding rows anywhere ----------------------------------------------------------------------

Kind = Literal["items", "transfers"]
RowFormat = Literal["record", "row", "csv", "jsonl"]


def decide_rows(
    rows: Iterable[Mapping[str, Any]],
    law: Law,
    *,
    kind: Kind = "items",
    fmt: RowFormat = "record",
    csv_form: bool = False,
    start: int = 1,
    ruleset: RuleSet | None = None,
) -> Iterator[Any]:
    """Decide each row and yield its output, one per row, in order: the rows of
    ``exportctl screen`` (``kind="items"``) or ``exportctl authorize`` (``kind="transfers"``)
    for any engine that maps a function over partitions of a table (a process pool, Spark's
    ``mapInPandas``, Dask's ``map_partitions``).  See docs/performance.md.

    ``rows`` are mappings of field to value: a CSV reader's rows (``csv_form=True``: text
    cells, lists separated by ``;``, answers as columns) or JSON objects (the JSON lines form).
    Rows are numbered from ``start`` (give each partition its offset so that numbers stay
    unique).  ``fmt``:

    * ``"record"``: the JSON-lines object as a dict of plain JSON values (the flat row, and the
      full decision under ``"decision"`` or the authorization under ``"authorization"``);
    * ``"row"``: the flat row (the CSV columns: :data:`RESULT_COLUMNS` for items,
      :func:`authorize_columns` for transfers);
    * ``"csv"`` or ``"jsonl"``: the output line as the command writes it (text ending in a line
      break; these two import the command line's writers).

    A bad row gives an error row naming its field, never an exception; the law is read as it
    is given (the same law in every partition gives the same output as one process).  The
    file-level checks of the command's readers (encoding, header, line breaks in cells) are
    the caller's: rows come here already read.
    """
    records = (
        Record(n, dict(row), (n, n))
        if isinstance(row, Mapping)
        else Record(n, None, (n, n), "row", f"expected a mapping, not {type(row).__name__}")
        for n, row in enumerate(rows, start)
    )
    results: Iterable[Any]
    decided = law.with_ruleset(ruleset) if kind == "items" and ruleset is not None else law
    if kind == "items":
        results = screen(
            records,
            law,
            ruleset or law.ruleset,
            csv_form=csv_form,
            trace=fmt in ("record", "jsonl"),
        )
    elif kind == "transfers":
        results = authorize_transfers(records, law, csv_form=csv_form)
    else:
        raise ValueError(f"kind {kind!r}: expected 'items' or 'transfers'")
    if fmt in ("csv", "jsonl"):
        from exportctl.cli.batch import LineMaker, batch_layout

        lines = LineMaker(batch_layout(kind, decided), fmt)
        for result in results:
            yield lines(result)
        return
    if fmt not in ("record", "row"):
        raise ValueError(f"fmt {fmt!r}: expected 'record', 'row', 'csv' or 'jsonl'")
    stamp = dict(record_stamp(decided))
    for result in results:
        if isinstance(result, ScreenResult):
            row = result_row(result)
            if fmt == "record" and result.decision is not None:
                row["decision"] = result.decision.to_dict()
        else:
            row = authorize_row(result, law)
            if fmt == "record" and result.authorization is not None:
                row["authorization"] = result.authorization.to_dict()
        row.update(stamp)
        yield row
