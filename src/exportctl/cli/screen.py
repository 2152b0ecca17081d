"""``exportctl screen``: a parts list, one decision per input record."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Iterable, Iterator
from typing import Any, Literal

import attrs
import click

from exportctl.cli.base import (
    EXIT_NOT_FOUND,
    batch_options,
    decision_log,
    fail,
    law_for,
    log_options,
    main,
    ruleset_option,
    with_log,
)
from exportctl.cli.batch import (
    ID_SLOT,
    ITEM_SLOT,
    ROW_SLOT,
    BatchLayout,
    JsonTemplate,
    csv_line,
    json_line,
    open_input,
    plain_csv_text,
    read_records,
    safe_id,
    text_cell,
    with_progress,
    write_results,
)
from exportctl.cli.output import decision_record
from exportctl.cli.search import suggestion_cell, suggestion_record, suggestions_for
from exportctl.corpus.law import Law
from exportctl.corpus.rulesets import RuleSet, load_ruleset
from exportctl.engine import batch as screening
from exportctl.engine.decision import Decision
from exportctl.inputs.items import (
    ContradictoryFacts,
    FactError,
    facts_from_csv_row,
    facts_from_mapping,
)
from exportctl.inputs.readers import Record
from exportctl.search import SUGGESTION_NOTICE, Suggestion


@main.command("screen")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, allow_dash=True))
@batch_options
@ruleset_option
@log_options
@click.option(
    "--suggest",
    is_flag=True,
    help="For undecided rows with a description and no USML/ECCN candidates: add the "
    "paragraphs a text search suggests reading (marked as suggestions; no decision changes).",
)
def screen_command(
    file: str,
    fmt: str,
    input_format: str,
    as_of: dt.date | None,
    quiet: bool,
    exit_zero: bool,
    ruleset_id: str | None,
    suggest: bool,
) -> None:
    """Screen a parts list (CSV or JSON lines): one output row per input row, in order.

    Rows with bad input are reported as errors naming the field; the other rows are still
    decided.  A summary (counts by outcome) goes to stderr.  Every record carries as_of, law_id
    and reforms (a table shows them in a footer).  Exit status (docs/cli.md): 0 every row
    classified, 1 some rows undetermined or with questions open, 4 some rows had input errors.

    With --suggest, a row left undecided whose USML (or ECCN) candidates are unknown and that
    has a description gets the top three USML paragraphs (ECCNs) a search of the regulations'
    wording finds for it, with their scores: columns suggested_usml and suggested_eccn, or a
    "suggestions" object (kind "suggestion") in JSON lines.  They are pointers to read; the
    decision is the same with and without them.
    """
    regs = law_for(as_of, quiet=quiet)
    try:
        rules = load_ruleset(ruleset_id)
    except KeyError as exc:
        fail(str(exc).strip("'\""), EXIT_NOT_FOUND)
    kind = input_format
    if kind == "auto":
        kind = "jsonl" if file.endswith((".jsonl", ".ndjson", ".json")) else "csv"
    summary = screening.Summary()
    with (
        decision_log("screen") as log,
        open_input(file) as fh,
        with_progress(fh, file, quiet) as source,
    ):
        records = read_records(source, file, kind, "item_id")
        if log is not None:
            records = log.keep(records)
        layout = screen_layout()
        if suggest:
            suggester = _Suggester(regs, rules, kind == "csv", fmt)
            records = suggester.keep(records)
            layout = suggester.layout()
        layout = attrs.evolve(layout, stamp=screening.record_stamp(regs.with_ruleset(rules)))
        results: Iterable[screening.ScreenResult] = screening.screen(
            records, regs, rules, csv_form=kind == "csv", trace=fmt == "jsonl"
        )
        if suggest:
            # Suggestions are made in this process, from the records it holds: no workers.
            results = iter(results)
        write_results(results, fmt, layout, with_log(log, summary.add, _entry(kind)))
    if not quiet:
        click.echo(f"exportctl: {summary.line()}", err=True)
        if suggest:
            click.echo(f"exportctl: suggested_usml/suggested_eccn: {SUGGESTION_NOTICE}", err=True)
    sys.exit(0 if exit_zero else screening.exit_status(summary))



def _entry(kind: str) -> Any:
    """The audit-log entry of a screened row (--log): its decision and its input fields."""
    from exportctl.audit import entry_for_decision

    form: Literal["csv", "json"] = "csv" if kind == "csv" else "json"

    def entry(result: screening.ScreenResult, facts: dict[str, Any]) -> Any:
        if result.decision is None:
            return None
        return entry_for_decision(result.decision, facts, command="screen", facts_form=form)

    return entry


_TABLE_COLUMNS = (
    "row",
    "item_id",
    "status",
    "jurisdiction",
    "classification",
    "sme",
    "mt",
    "open_questions",
    "error",
)


def _record(result: screening.ScreenResult) -> dict[str, Any] | None:
    return decision_record(result.decision) if result.decision is not None else None


class _ScreenLines:
    """The CSV or JSON line of a decided row, written directly (the same text as the generic
    path: ``result_row`` and ``decision_record`` through the batch writer).  Rows with the same
    fact pattern share everything but the row number, the item id and the decision id: the
    rest of their line is made once per pattern."""

    def __init__(self) -> None:
        self._csv: dict[str, str | list[Any]] = {}
        self._jsonl: dict[str, JsonTemplate | None] = {}  # _ONCE: one row seen

    def __call__(self, result: screening.ScreenResult, fmt: str) -> str | None:
        d = result.decision
        if d is None or result.item_id is None:
            return None  # errors: the generic path
        if fmt == "csv":
            return self._csv_line(result.row, result.item_id, result.status, d, result.pattern)
        if fmt != "jsonl":
            return None
        if result.pattern is None:
            return None
        return self._jsonl_line(result.row, result.item_id, result.status, d, result.pattern)

    def decided(
        self, row: int, d: Decision, facts_key: str, fmt: str
    ) -> tuple[str, screening.Tally] | None:
        """The line and the tally of a row decided from its cells (``BatchLayout.decided_of``):
        the line :meth:`__call__` writes for its result, ``ScreenResult(row, d.item_id,
        status, d, pattern=facts_key)``, without making that result."""
        status = screening.decision_status(d)
        line: str | None
        if fmt == "csv":
            line = self._csv_line(row, d.item_id, status, d, facts_key)
        elif fmt == "jsonl" and facts_key:
            line = self._jsonl_line(row, d.item_id, status, d, facts_key)
        else:
            return None
        if line is None:
            return None
        return line, screening.Tally(row, status, screening.decision_tally(d))

    def _csv_line(
        self, row: int, item: str, status: str, d: Decision, pattern: str | None
    ) -> str:
        middle = self._csv.get(pattern) if pattern is not None else None
        if middle is None:
            middle = _middle_csv(status, d)
            if pattern is not None:
                if len(self._csv) >= 4096:
                    self._csv.clear()
                self._csv[pattern] = middle
        if type(middle) is str and safe_id(item):
            return f"{row},{item},{middle},{d.decision_id}\n"
        if type(middle) is str:
            middle = middle.split(",")
        return csv_line([row, text_cell(item), *middle, d.decision_id])

    def _jsonl_line(
        self, row: int, item: str, status: str, d: Decision, pattern: str
    ) -> str | None:
        template = self._jsonl.get(pattern, _MISSING)
        if template is _MISSING:
            # The first row of a pattern is written whole; the second makes the template (most
            # rows of a file of distinct facts have a pattern of their own).
            if len(self._jsonl) >= 1024:
                self._jsonl.clear()
            self._jsonl[pattern] = _ONCE
            return json_line(_decided_row(row, item, status, d))
        if template is _ONCE:
            record = _decided_row(ROW_SLOT, ITEM_SLOT, status, d, ID_SLOT)  # type: ignore[arg-type]
            template = JsonTemplate.of(record, {ROW_SLOT: 1, ITEM_SLOT: 2, ID_SLOT: 2})
            self._jsonl[pattern] = template
        if template is None:
            return None
        line: str = template.fill(row, item, d.decision_id)
        return line


_MISSING: Any = object()
_ONCE: Any = JsonTemplate((), ())


def _middle_csv(status: str, d: Decision) -> str | list[Any]:
    """The CSV cells of a decided row between the item id and the decision id: their text
    when no cell needs quotes or neutralising (:func:`plain_csv_text`), else the cells."""
    c = d.classification
    if c is None:
        ref = sme = mt = reasons = ""
    else:
        ref = c.reference
        sme = ("yes" if c.significant_military_equipment else "no") if c.regime == "USML" else ""
        mt = "" if c.mt is None else "yes" if c.mt == "yes" else "conditional"
        reasons = "; ".join(c.reasons_for_control)
    questions = "; ".join([q.id for q in d.open_questions])
    cells = [status, d.jurisdiction, ref, sme, mt, reasons, questions]
    cells += ["; ".join(d.rules_fired), "", ""]  # no error on a decided row
    text = plain_csv_text(cells)
    # Else each cell as csv_cell writes its value (these texts are what fast_csv_cell writes
    # for the values of result_row: yes/no, "" for None, lists joined with "; "), quoted by
    # the line's writer (a rules-fired cell holds commas: "15 CFR part 774, Supp. No. 4, …").
    return text if text is not None else list(map(text_cell, cells))


def _middle(result: screening.ScreenResult) -> list[Any]:
    """The cells of a decided row between the item id and the decision id."""
    row = screening.result_row(result)
    return [row[c] for c in screening.RESULT_COLUMNS[2:-1]]


def _jsonl_row(result: screening.ScreenResult) -> dict[str, Any]:
    row = screening.result_row(result)
    record = _record(result)
    if record is not None:
        row["decision"] = record
    return row


def _decided_row(
    row: int, item: str, status: str, d: Decision, did: str | None = None
) -> dict[str, Any]:
    """:func:`_jsonl_row` of a decided row's result (``result_row`` and the decision's record,
    the decision id ``did`` in both when given), from the decision alone."""
    c = d.classification
    decision_id = d.decision_id if did is None else did
    record = d.to_dict()
    if did is not None:
        record.update(decision_id=did, item_id=item)
    return {
        "row": row,
        "item_id": item,
        "status": status,
        "jurisdiction": d.jurisdiction,
        "classification": c.reference if c else None,
        "sme": c.significant_military_equipment if c and c.regime == "USML" else None,
        "mt": (c.mt if c.mt in (None, "yes") else "conditional") if c else None,
        "reasons_for_control": list(c.reasons_for_control) if c else [],
        "open_questions": [q.id for q in d.open_questions],
        "rules_fired": list(d.rules_fired),
        "error_field": None,
        "error": None,
        "decision_id": decision_id,
        "decision": record,
    }


SCREEN_LAYOUT = BatchLayout(
    columns=screening.RESULT_COLUMNS,
    table_columns=_TABLE_COLUMNS,
    row_of=screening.result_row,
    record_key="decision",
    record_of=_record,
)


# --- --suggest -------------------------------------------------------------------------------


class _Suggester:
    """Suggestions for the rows a screen leaves undecided (the decisions are not touched).

    The input records pass through :meth:`keep`, which holds each record's fields until its
    result is written; a result that is undecided (undetermined, or a jurisdiction without a
    classification), whose facts leave the USML or the ECCN candidates unknown and that has a
    description, gets the suggestions of that regime.
    """

    def __init__(self, regs: Law, rules: RuleSet, csv_form: bool, fmt: str) -> None:
        self.regs, self.rules, self.csv_form, self.fmt = regs, rules, csv_form, fmt
        self.held: dict[int, dict[str, Any] | None] = {}

    def keep(self, records: Iterable[Record]) -> Iterator[Record]:
        for rec in records:
            self.held[rec.row] = rec.raw
            yield rec

    def suggestions(self, result: screening.ScreenResult) -> dict[str, tuple[Suggestion, ...]]:
        raw = self.held.pop(result.row, None)
        if raw is None or result.status not in ("undetermined", "open"):
            return {}
        try:
            parse = facts_from_csv_row if self.csv_form else facts_from_mapping
            facts = parse(raw, self.rules)
        except (FactError, ContradictoryFacts):
            return {}
        if not facts.description.strip():
            return {}
        found = suggestions_for(self.regs, facts.description)
        out: dict[str, tuple[Suggestion, ...]] = {}
        if facts.usml_candidates is None:
            out["usml"] = tuple(s for s in found if s.regime == "usml")
        if facts.eccn_candidates is None:
            out["eccn"] = tuple(s for s in found if s.regime == "ccl")
        return out

    def row(self, result: screening.ScreenResult) -> dict[str, Any]:
        row = screening.result_row(result)
        found = self.suggestions(result)
        if self.fmt == "jsonl":
            row["suggestions"] = (
                {
                    "kind": "suggestion",
                    "notice": SUGGESTION_NOTICE,
                    **{k: [suggestion_record(s) for s in v] for k, v in found.items()},
                }
                if found
                else None
            )
        else:
            row["suggested_usml"] = suggestion_cell(found["usml"]) if "usml" in found else None
            row["suggested_eccn"] = suggestion_cell(found["eccn"]) if "eccn" in found else None
        return row

    def layout(self) -> BatchLayout:
        extra = () if self.fmt == "jsonl" else ("suggested_usml", "suggested_eccn")
        return attrs.evolve(
            SCREEN_LAYOUT,
            columns=(*SCREEN_LAYOUT.columns, *extra),
            table_columns=(*SCREEN_LAYOUT.table_columns, *extra),
            row_of=self.row,
            patterned=False,  # suggestions come from each row's own description
        )


def screen_layout() -> BatchLayout:
    """The screen command's layout, with its direct line writer (one per run: it keeps the
    lines of the fact patterns it has seen)."""
    lines = _ScreenLines()
    return attrs.evolve(SCREEN_LAYOUT, line_of=lines, decided_of=lines.decided)
