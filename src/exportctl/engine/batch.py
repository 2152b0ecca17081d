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
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from typing import Any, Literal

import attrs

from exportctl.corpus.bundle import DataIntegrityError
from exportctl.corpus.law import Law
from exportctl.corpus.regulations import Regulations
from exportctl.corpus.rulesets import RuleSet
from exportctl.engine.classify import classify
from exportctl.engine.decision import Decision
from exportctl.inputs.items import (
    FIELDS,
    ContradictoryFacts,
    FactError,
    ItemFacts,
    facts_from_csv_row,
    facts_from_mapping,
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

__all__ = [
    "EXIT_ERRORS",
    "EXIT_OK",
    "EXIT_OPEN",
    "InputFileError",
    "Record",
    "ScreenResult",
    "Summary",
    "exit_status",
    "read_csv_rows",
    "read_jsonl_rows",
    "result_row",
    "screen",
]

EXIT_OK = 0
EXIT_OPEN = 1
EXIT_ERRORS = 4

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
    rows: Iterable[Record | RawRow], regs: Regulations, ruleset: RuleSet, *, csv_form: bool
) -> Iterator[ScreenResult]:
    """Decide each record; a bad record becomes an error result naming the row and the field.

    Exactly one result per record, in order: nothing is merged, split or dropped.
    """
    parse = facts_from_csv_row if csv_form else facts_from_mapping
    templates: dict[tuple[Any, ...], ItemFacts] = {}
    for rec in _records(rows):
        n, raw = rec.row, rec.raw
        if raw is None:
            field = rec.error_field or "row"
            yield ScreenResult(n, rec.item_id, "error", error_field=field, error=_reason(rec))
            continue
        item_id = _item_id(raw)
        try:
            facts = _parse_row(raw, ruleset, parse, templates, csv_form)
            decision = classify(facts, regs, ruleset)
        except FactError as exc:
            yield ScreenResult(n, item_id, "error", error_field=exc.field, error=str(exc))
            continue
        except ContradictoryFacts as exc:
            yield ScreenResult(
                n,
                item_id,
                "error",
                error_field=",".join(exc.facts),
                error=f"contradictory facts: {exc.reason} [{exc.citation}]",
            )
            continue
        except DataIntegrityError:
            raise  # no row is decided on unverified data: the whole run stops
        except Exception as exc:
            yield ScreenResult(n, item_id, "error", error_field="row", error=_internal(exc))
            continue
        yield ScreenResult(n, decision.item_id, _status(decision), decision)


def _parse_row(
    raw: dict[str, Any],
    ruleset: RuleSet,
    parse: Any,
    templates: dict[tuple[Any, ...], ItemFacts],
    csv_form: bool,
) -> ItemFacts:
    """Parse a row; CSV rows that differ only in item_id/description share one parse."""
    if not csv_form:
        facts: ItemFacts = parse(raw, ruleset)
        return facts
    key = tuple((k, v) for k, v in raw.items() if k not in ("item_id", "description"))
    template = templates.get(key)
    if template is None:
        facts = parse(raw, ruleset)
        if len(templates) >= 4096:
            templates.clear()
        templates[key] = facts
        return facts
    item_id = _item_id(raw)
    if item_id is None:
        raise FactError("item_id", "is required (a part number or other identifier)")
    return attrs.evolve(
        template, item_id=item_id, description=(raw.get("description") or "").strip()
    )


def _internal(exc: Exception) -> str:
    """An unexpected failure on one row: reported on that row, never a lost row."""
    detail = escape_surrogates(str(exc))
    return f"internal error, please report it with this row: {type(exc).__name__}: {detail}"


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


def authorize_transfers(
    rows: Iterable[Record | RawRow], regs: Regulations, *, csv_form: bool
) -> Iterator[AuthorizeResult]:
    """Decide each transfer record (§ 126.1, § 126.7, § 126.5); bad records become error results.

    Exactly one result per record, in order: nothing is merged, split or dropped.
    """
    from exportctl.engine.authorize import authorize
    from exportctl.inputs.transfers import transfer_from_csv_row, transfer_from_mapping

    for rec in _records(rows):
        n, raw = rec.row, rec.raw
        if raw is None:
            field = rec.error_field or "row"
            yield AuthorizeResult(n, rec.item_id, "error", error_field=field, error=_reason(rec))
            continue
        transfer_id = _item_id(raw, "transfer_id")
        try:
            if not csv_form:
                shape = transfer_shape_error(raw)
                if shape is not None:
                    raise shape
            transfer = (
                transfer_from_csv_row(raw, regs) if csv_form else transfer_from_mapping(raw, regs)
            )
            result = authorize(transfer, regs)
        except FactError as exc:
            yield AuthorizeResult(n, transfer_id, "error", error_field=exc.field, error=str(exc))
            continue
        except ContradictoryFacts as exc:
            yield AuthorizeResult(
                n,
                transfer_id,
                "error",
                error_field=",".join(exc.facts),
                error=f"contradictory facts: {exc.reason} [{exc.citation}]",
            )
            continue
        except DataIntegrityError:
            raise  # no row is decided on unverified data: the whole run stops
        except Exception as exc:
            yield AuthorizeResult(n, transfer_id, "error", error_field="row", error=_internal(exc))
            continue
        yield AuthorizeResult(n, result.transfer_id, result.outcome, result)


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


def authorize_exit_status(counts: Counter[str]) -> int:
    if counts["error"]:
        return EXIT_ERRORS
    if counts["undetermined"]:
        return EXIT_OPEN
    return EXIT_OK
