"""``exportctl screen``: a parts list, one decision per input record."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable, Iterable, Iterator
from functools import partial
from typing import Any, Literal, cast

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
    escaped_json,
    json_line,
    json_pieces,
    minimal_csv_text,
    open_input,
    plain_csv_text,
    raw_json,
    read_records,
    safe_id_match,
    string_json,
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

    #: Texts kept in each table of :meth:`_csv_head` and :meth:`_csv_rest` (emptied when full).
    KEPT = 8192

    def __init__(self) -> None:
        #: The CSV text of a decision's status, jurisdiction and classification cells, with its
        #: status and tally, by what they are made of (:meth:`_csv_head`).
        self._heads: dict[tuple[Any, ...], _Head] = {}
        #: The CSV text of its open questions, rules fired and (empty) error cells, by the
        #: questions' ids and the rules (:meth:`_csv_rest`).
        self._rests: dict[tuple[tuple[str, ...], tuple[str, ...]], str | None] = {}
        self._jsonl: dict[str, JsonTemplate | None] = {}  # _ONCE: one row seen
        #: The JSON line of a decided row written from texts kept between rows (None: off).
        self._text: _RowText | None = _RowText() if _RowText.fits() else None

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
        self, row: int, d: Decision, facts_key: str, fmt: str, end: str = "}\n"
    ) -> tuple[str, screening.Tally] | None:
        """The line and the tally of a row decided from its cells (``BatchLayout.decided_of``):
        the line :meth:`__call__` writes for its result, ``ScreenResult(row, d.item_id,
        status, d, pattern=facts_key)``, without making that result; a JSON line ends with
        ``end`` in place of its closing ``}`` and line end, a CSV line with ``end`` in place
        of its line end (the stamp's fields written in the line, not added to a copy of it;
        None for a CSV line the writer quotes whole, whose stamp is quoted too)."""
        if fmt == "csv":
            return self._csv(row, d.item_id, d, end)
        if fmt != "jsonl" or not facts_key:
            return None
        status = screening.decision_status(d)
        jsonl = self._jsonl_line(row, d.item_id, status, d, facts_key, end)
        if jsonl is None:
            return None
        return jsonl, _new_tally((row, status, screening.decision_tally(d)))

    def _csv(
        self, row: int, item: str, d: Decision, end: str
    ) -> tuple[str, screening.Tally] | None:
        """:meth:`decided` of a CSV line: the texts of its cells kept between rows (the cells
        of a CSV line are written each on its own, so their texts joined by commas are the
        line's), else the line written by :func:`csv_line`."""
        try:
            # What the first cells, the status and the tally are made of: the jurisdiction
            # and the classification's regime, reference, SME, MT and reasons for control.
            c = d.classification
            key: tuple[Any, ...] = (
                (d.jurisdiction,)
                if c is None
                else (
                    d.jurisdiction,
                    c.regime,
                    c.reference,
                    c.significant_military_equipment,
                    c.mt,
                    c.reasons_for_control,
                )
            )
            head = self._heads.get(key)
            if head is None:
                head = self._csv_head(d, key)
            # The last cells are made of the open questions' ids and the rules fired.
            questions = d.open_questions
            rest_key = (tuple([q.id for q in questions]) if questions else (), d.rules_fired)
            rest = self._rests.get(rest_key)
            if rest is None:
                rest = self._csv_rest(d, rest_key)
        except TypeError:  # a value that is not hashed (a list for a tuple): written whole
            head = (None, screening.decision_status(d), screening.decision_tally(d))
            rest = None
        if head[0] is not None and rest is not None and safe_id_match(item) is not None:
            line = f"{row},{item},{head[0]},{rest},{d.decision_id}{end}"
        else:
            line = _general_csv(row, item, _middle_csv(head[1], d), d)
            if end != "\n":
                if line.startswith('"'):
                    return None  # every cell quoted, and so the stamp's: the generic path
                line = line[:-1] + end
        return line, _new_tally((row, head[1], head[2]))

    def _csv_head(self, d: Decision, key: tuple[Any, ...]) -> _Head:
        """The text of a decision's status, jurisdiction, classification, SME, MT and reasons
        for control cells (None: a cell to quote or neutralise), its status and its tally:
        made of the decision's jurisdiction and its classification's regime, reference, SME,
        MT and reasons (``key``, :meth:`_csv`; tests/test_fast_screen_lines.py varies every
        field of a decision and of its classification)."""
        status = screening.decision_status(d)
        head = (plain_csv_text(_middle_cells(status, d)[:6]), status, screening.decision_tally(d))
        _kept(self._heads, key, head, self.KEPT)
        return head

    def _csv_rest(self, d: Decision, key: tuple[tuple[str, ...], tuple[str, ...]]) -> str | None:
        """The text of a decision's open questions, rules fired, error field and error cells
        (the last two empty on a decided row), as the writer writes them (the rules fired
        hold commas: quoted); None when a cell holds a carriage return (the line is quoted
        whole).  Made of the questions' ids and the rules fired alone."""
        cells = _middle_cells("", d)[6:]
        rest = minimal_csv_text(list(map(text_cell, cells)))
        _kept(self._rests, key, rest, self.KEPT)
        return rest

    def _csv_line(
        self, row: int, item: str, status: str, d: Decision, pattern: str | None
    ) -> str:
        if status == screening.decision_status(d):
            made = self._csv(row, item, d, "\n")
            if made is not None:
                return made[0]
        return _general_csv(row, item, _middle_csv(status, d), d)

    def _jsonl_line(
        self, row: int, item: str, status: str, d: Decision, pattern: str, end: str = "}\n"
    ) -> str | None:
        template = self._jsonl.get(pattern, _MISSING)
        if template is _MISSING:
            # The first row of a pattern is written whole; the second makes the template (most
            # rows of a file of distinct facts have a pattern of their own).
            if len(self._jsonl) >= 1024:
                self._jsonl.clear()
            self._jsonl[pattern] = _ONCE
            text = self._text(row, item, status, d, end) if self._text is not None else None
            if text is not None:
                return text
            return _ended(json_line(_decided_row(row, item, status, d)), end)
        if template is _ONCE:
            record = _decided_row(ROW_SLOT, ITEM_SLOT, status, d, ID_SLOT)  # type: ignore[arg-type]
            template = JsonTemplate.of(record, {ROW_SLOT: 1, ITEM_SLOT: 2, ID_SLOT: 2})
            self._jsonl[pattern] = template
        if template is None:
            return None
        return _ended(template.fill(row, item, d.decision_id), end)


#: The text of a decision's first CSV cells (None: not written as they are), its status and its
#: tally (:meth:`_ScreenLines._csv_head`).
_Head = tuple[str | None, str, screening.DecisionTally]
#: ``screening.Tally(*values)`` without the named tuple's own ``__new__`` (a Python function).
_new_tally = cast(
    Callable[[tuple[int, str, screening.DecisionTally]], screening.Tally],
    partial(tuple.__new__, screening.Tally),
)


def _kept(table: dict[Any, Any], key: Any, value: Any, size: int) -> None:
    if len(table) >= size:
        table.clear()
    table[key] = value


def _general_csv(row: int, item: str, middle: str | list[Any], d: Decision) -> str:
    """The CSV line of a decided row whose id or cells are not written as they are."""
    cells = middle.split(",") if type(middle) is str else middle
    return csv_line([row, text_cell(item), *cells, d.decision_id])


def _ended(line: str, end: str) -> str:
    """A JSON line ending with ``end`` in place of its closing ``}`` and line end."""
    return line if end == "}\n" else line[:-2] + end


_MISSING: Any = object()
_ONCE: Any = JsonTemplate((), ())


def _middle_csv(status: str, d: Decision) -> str | list[Any]:
    """The CSV cells of a decided row between the item id and the decision id: their text
    when no cell needs quotes or neutralising (:func:`plain_csv_text`), else the cells."""
    cells = _middle_cells(status, d)
    text = plain_csv_text(cells)
    # Else each cell as csv_cell writes its value (these texts are what fast_csv_cell writes
    # for the values of result_row: yes/no, "" for None, lists joined with "; "), quoted by
    # the line's writer (a rules-fired cell holds commas: "15 CFR part 774, Supp. No. 4, …").
    return text if text is not None else list(map(text_cell, cells))


def _middle_cells(status: str, d: Decision) -> list[str]:
    """The texts of the CSV cells of a decided row between the item id and the decision id:
    the status, jurisdiction, classification, SME, MT, reasons for control, open questions,
    rules fired, error field and error (the last two empty)."""
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
    return cells


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


class _RowText:
    """The JSON line of a decided row (:func:`_decided_row` as :func:`json_line` writes it)
    written as text: the JSON module's text of each piece, joined as the encoder joins a dict's
    items (``{"key": value, …}``) and a list's (``[value, …]``), with the escapes
    :func:`json_text_fast` makes on the whole line made piece by piece (they are made character
    by character).  The texts of what many decisions share are kept between rows, escaped: a
    classification's (by its fields), a trace step's rule, outcome and detail, a question's (by
    the object), the rules fired, the law's part of the record (date, law id, rule set) and each
    warning (the law's own warnings are on every row, a row's own on some), a status, a
    jurisdiction and a summary.  Used only while the record is the one it writes: the fields
    of the decision and its parts are those it names (:meth:`fits`), and the first lines it
    writes are checked against the general writer's (a difference turns it off for the run)."""

    SIZE = 4096
    CHECKS = 16

    def __init__(self) -> None:
        self._classifications: dict[tuple[Any, ...], tuple[str, str]] = {}
        #: A trace step's text up to its facts, by its rule and outcome.
        self._step_heads: dict[tuple[str, str], str] = {}
        #: A trace step's text after its facts (its detail), by the detail.
        self._details: dict[str, str] = {}
        self._questions: dict[int, tuple[Any, str, str]] = {}
        self._rules: dict[tuple[str, ...], str] = {}
        self._tails: dict[tuple[Any, ...], str] = {}
        self._heads: dict[tuple[Any, ...], str] = {}
        self._warnings: dict[str, str] = {}
        self._words: dict[str, str] = {}
        self._checks = self.CHECKS
        self.on = True

    @staticmethod
    def fits() -> bool:
        """Whether the classes a record is written from have the fields this writer reads."""
        from exportctl.engine.decision import Classification, TraceStep

        names = (
            tuple(f.name for f in attrs.fields(Decision)),
            tuple(f.name for f in attrs.fields(Classification)),
            tuple(f.name for f in attrs.fields(TraceStep)),
        )
        return names == _RECORD_FIELDS

    def __call__(
        self, row: int, item: str, status: str, d: Decision, end: str = "}\n"
    ) -> str | None:
        """The line (ending with ``end`` in place of the record's closing ``}`` and line
        end), or None while this writer is off."""
        if not self.on:
            return None
        line = self._line(row, item, status, d, end)
        if self._checks:
            # The first lines: the general writer's text, or this writer stays off.
            self._checks -= 1
            if line != _ended(json_line(_decided_row(row, item, status, d)), end):
                self.on = False
                return None
        return line

    def _line(
        self, row: int, item: str, status: str, d: Decision, end: str = "}\n"
    ) -> str:
        # Every piece is escaped on its own (the escapes are made character by character, so
        # the pieces' escaped texts joined are the whole line's): a piece kept between rows is
        # escaped once, when kept; a row's own piece (its id, a trace step's facts) is looked
        # at alone, most often found plain ASCII at once.
        c = d.classification
        row_cls, record_cls = self._classification(c)
        if d.open_questions:
            questions = [self._question(q) for q in d.open_questions]
            question_ids = ", ".join([q[1] for q in questions])
            question_records = ", ".join([q[2] for q in questions])
        else:
            question_ids = question_records = ""
        rules = self._rules.get(d.rules_fired)
        if rules is None:
            rules = escaped_json(raw_json(list(d.rules_fired)))
            self._keep(self._rules, d.rules_fired, rules)
        tail = self._tails.get((d.as_of, d.law_id, d.ruleset, d.warnings))
        if tail is None:
            tail = self._tail(d)
        words = self._words
        heads = self._step_heads
        details = self._details
        pieces = json_pieces
        steps = []
        for s in d.trace:
            head = heads.get((s.rule, s.outcome))
            if head is None:
                head = self._step_head(s.rule, s.outcome)
            detail = details.get(s.detail)
            if detail is None:
                detail = self._detail(s.detail)
            facts = "".join(pieces(s.facts, 0))
            if not facts.isascii() or "\x7f" in facts:
                facts = escaped_json(facts)
            steps.append(f"{head}{facts}{detail}")
        # escaped_json's own first look, made here (most ids need no escape)
        item_text = string_json(item)
        if not item_text.isascii() or "\x7f" in item_text:
            item_text = escaped_json(item_text)
        record_item = (
            item_text if d.item_id is item else escaped_json(string_json(d.item_id))
        )
        did = string_json(d.decision_id)
        if not did.isascii() or "\x7f" in did:
            did = escaped_json(did)
        jurisdiction = words.get(d.jurisdiction)
        if jurisdiction is None:
            jurisdiction = self._word(d.jurisdiction)
        status_text = words.get(status)
        if status_text is None:
            status_text = self._word(status)
        summary_value = d.summary
        summary = words.get(summary_value)
        if summary is None:
            summary = self._word(summary_value)
        return (
            f'{{"row": {row}, "item_id": {item_text}, "status": {status_text}, '
            f'"jurisdiction": {jurisdiction}, {row_cls}, "open_questions": '
            f'[{question_ids}], "rules_fired": {rules}, '
            f'"error_field": null, "error": null, "decision_id": {did}, "decision": '
            f'{{"decision_id": {did}, "item_id": {record_item}, "jurisdiction": '
            f'{jurisdiction}, "classification": {record_cls}, "trace": [{", ".join(steps)}], '
            f'"open_questions": [{question_records}], "rules_fired": '
            f'{rules}{tail}, "summary": {summary}}}{end}'
        )

    def _step_head(self, rule: str, outcome: str) -> str:
        """A trace step's text before its facts: its rule and outcome, escaped."""
        head = escaped_json(
            f'{{"rule": {string_json(rule)}, "outcome": {string_json(outcome)}, "facts": '
        )
        self._keep(self._step_heads, (rule, outcome), head)
        return head

    def _detail(self, detail: str) -> str:
        """A trace step's text after its facts: its detail and the step's closing brace."""
        text = escaped_json(f', "detail": {string_json(detail)}}}')
        self._keep(self._details, detail, text)
        return text

    def _word(self, text: str) -> str:
        """A short text many rows share (a status, a jurisdiction, a summary) as JSON."""
        found = escaped_json(string_json(text))
        self._keep(self._words, text, found)
        return found

    def _tail(self, d: Decision) -> str:
        """The record's law part: its date, law id, rule set and warnings (the law's own
        warnings, on every row, and the row's), each warning's text kept by its text."""
        key = (d.as_of, d.law_id, d.ruleset, d.warnings)
        tail = self._tails.get(key)
        if tail is not None:
            return tail
        head_key = key[:3]
        head = self._heads.get(head_key)
        if head is None:
            head = escaped_json(
                f', "as_of": {raw_json(d.as_of.isoformat())}, "law_id": {raw_json(d.law_id)}'
                f', "ruleset": {raw_json(d.ruleset)}, "warnings": '
            )
            self._keep(self._heads, head_key, head)
        texts = self._warnings
        shown = []
        for w in d.warnings:
            text = texts.get(w)
            if text is None:
                text = escaped_json(raw_json(w))
                self._keep(texts, w, text)
            shown.append(text)
        tail = f"{head}[{', '.join(shown)}]"
        self._keep(self._tails, key, tail)
        return tail

    def _classification(self, c: Any) -> tuple[str, str]:
        if c is None:
            return _NO_CLASSIFICATION
        key = (
            c.regime,
            c.reference,
            c.citation,
            c.significant_military_equipment,
            c.mt,
            c.reasons_for_control,
            c.also_described_in,
        )
        found = self._classifications.get(key)
        if found is None:
            found = _classification_texts(c)
            self._keep(self._classifications, key, found)
        return found

    def _question(self, q: Any) -> tuple[Any, str, str]:
        found = self._questions.get(id(q))
        if found is None or found[0] is not q:
            record = {"id": q.id, "text": q.text, "citation": q.citation, "type": q.type}
            found = (q, escaped_json(raw_json(q.id)), escaped_json(raw_json(record)))
            self._keep(self._questions, id(q), found)
        return found

    def _keep(self, table: dict[Any, Any], key: Any, value: Any) -> None:
        if len(table) >= self.SIZE:
            table.clear()
        table[key] = value


#: The fields of Decision, Classification and TraceStep that _RowText writes a record from.
_RECORD_FIELDS = (
    (
        "decision_id",
        "item_id",
        "jurisdiction",
        "classification",
        "trace",
        "open_questions",
        "rules_fired",
        "as_of",
        "law_id",
        "ruleset",
        "warnings",
        "retrace",
        "reid",
    ),
    (
        "regime",
        "reference",
        "citation",
        "significant_military_equipment",
        "mt",
        "reasons_for_control",
        "also_described_in",
    ),
    ("rule", "outcome", "facts", "detail"),
)
_NO_CLASSIFICATION = (
    '"classification": null, "sme": null, "mt": null, "reasons_for_control": []',
    "null",
)


def _classification_texts(c: Any) -> tuple[str, str]:
    """The escaped JSON texts of a classification in a row (its ``classification``, ``sme``,
    ``mt`` and ``reasons_for_control`` fields, without braces) and in the decision's record,
    written as the json module writes the two dicts (:func:`_decided_row` and
    ``Classification``'s record): each value's own text (:func:`_value_json`) joined as the
    encoder joins a dict's items and a list's."""
    sme = c.significant_military_equipment if c.regime == "USML" else None
    mt = c.mt if c.mt in (None, "yes") else "conditional"
    reasons = _list_json(c.reasons_for_control)
    row = (
        f'"classification": {_value_json(c.reference)}, "sme": {_value_json(sme)}, '
        f'"mt": {_value_json(mt)}, "reasons_for_control": {reasons}'
    )
    record = (
        f'{{"regime": {_value_json(c.regime)}, "reference": {_value_json(c.reference)}, '
        f'"citation": {_value_json(c.citation)}, "significant_military_equipment": '
        f"{_value_json(c.significant_military_equipment)}, "
        f'"mt": {_value_json(c.mt)}, "reasons_for_control": {reasons}, '
        f'"also_described_in": {_list_json(c.also_described_in)}}}'
    )
    return escaped_json(row), escaped_json(record)


def _value_json(value: Any) -> str:
    """The json module's text of a value (:func:`raw_json`), a text, None or a boolean
    written directly."""
    if type(value) is str:
        return string_json(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    return raw_json(value)


def _list_json(values: Any) -> str:
    """The json module's text of ``list(values)``: its items' texts joined by ", "."""
    return f"[{', '.join(map(_value_json, values))}]"


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
