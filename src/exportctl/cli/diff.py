"""``exportctl diff``: a parts list or a transfer list decided under two laws, row by row.

The two laws are today's law (or the law on ``--as-of``) and the same law with reforms applied
(``--reform NAME``, a bundled scenario; ``--reform-file FILE``, a reform file; several apply in
turn), or the law on two dates (``--from-date``, ``--to-date``).  One output row per input row:
both outcomes, ``changed``, why, both law ids and both decision ids; a summary of transitions
goes to stderr (``--summary`` prints it instead of the rows); ``--html FILE`` writes a
self-contained report.  Exit status: 0 no row changed, 1 some rows changed, 4 some rows had
input errors (on either side), 2 bad usage.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import sys
from collections.abc import Callable, Iterable, Iterator
from functools import partial
from typing import Any

import attrs
import click

from exportctl.cli.base import (
    EXIT_INPUT,
    EXIT_NOT_FOUND,
    EXIT_USAGE,
    Date,
    batch_options,
    fail,
    main,
    requested_columns,
    warn,
)
from exportctl.cli.batch import (
    TRANSFER_CHUNK,
    BatchLayout,
    open_input,
    read_records,
    requested_jobs,
    with_progress,
    write_results,
)
from exportctl.cli.output import render
from exportctl.cli.report import HtmlReport
from exportctl.core.dated import OutsideCoverage
from exportctl.corpus.law import Law, law
from exportctl.corpus.reforms import (
    Reform,
    ReformError,
    apply_reforms,
    bundled_reform,
    bundled_reforms,
    load_reform,
)
from exportctl.engine import diff as diffing
from exportctl.engine.batch import EXIT_ERRORS, EXIT_OK, EXIT_OPEN, BatchRun, run_parallel

__all__ = ["diff_command", "laws_for", "reforms_for"]

EXIT_CHANGED = EXIT_OPEN

_COMMON = (
    "why",
    "from_open_questions",
    "to_open_questions",
    "error_field",
    "error",
    "from_law_id",
    "to_law_id",
    "from_decision_id",
    "to_decision_id",
)
ITEM_COLUMNS = (
    "row",
    "item_id",
    "changed",
    "from_outcome",
    "to_outcome",
    "from_classification",
    "to_classification",
    *_COMMON,
)
TRANSFER_COLUMNS = (
    "row",
    "transfer_id",
    "changed",
    "from_outcome",
    "to_outcome",
    "from_exemption",
    "to_exemption",
    *_COMMON,
)


def _questions(decision: Any) -> list[str]:
    return [q.id for q in decision.open_questions] if decision is not None else []


def _error(row: diffing.DiffRow) -> tuple[str | None, str | None]:
    for side, result in (("from", row.before), ("to", row.after)):
        if result.status == "error":
            return result.error_field, f"{side}: {result.error}"
    return None, None


def item_row(row: diffing.DiffRow) -> dict[str, Any]:
    a, b = row.from_decision, row.to_decision
    return _row(
        row,
        "item_id",
        "classification",
        a.classification.reference if a and a.classification else None,
        b.classification.reference if b and b.classification else None,
    )


def transfer_row(row: diffing.DiffRow) -> dict[str, Any]:
    a, b = row.from_decision, row.to_decision
    return _row(
        row, "transfer_id", "exemption", a.exemption if a else None, b.exemption if b else None
    )


def _row(
    row: diffing.DiffRow, id_column: str, what: str, before: Any, after: Any
) -> dict[str, Any]:
    """One diff row: both outcomes, what each side decided (``what``: the classification or the
    exemption), why it changed, the open questions, any input error and both ids."""
    a, b = row.from_decision, row.to_decision
    field, error = _error(row)
    return {
        "row": row.row,
        id_column: row.subject_id,
        "changed": row.changed,
        "from_outcome": row.from_outcome,
        "to_outcome": row.to_outcome,
        f"from_{what}": before,
        f"to_{what}": after,
        "why": list(row.why),
        "from_open_questions": _questions(a),
        "to_open_questions": _questions(b),
        "error_field": field,
        "error": error,
        "from_law_id": row.from_law_id,
        "to_law_id": row.to_law_id,
        "from_decision_id": a.decision_id if a else None,
        "to_decision_id": b.decision_id if b else None,
    }


def _records(row: diffing.DiffRow) -> dict[str, Any]:
    a, b = row.from_decision, row.to_decision
    return {"from": a.to_dict() if a else None, "to": b.to_dict() if b else None}


def layout(kind: str, *, report: bool = True) -> BatchLayout:
    """The diff's rows of ``kind``; with ``report`` false, a worker under ``--jobs`` sends back
    only each row's outcomes (:meth:`~exportctl.engine.diff.DiffRow.outcomes`: what the
    summary counts), else a changed row in full (the HTML report lists it)."""
    items = kind == "items"
    columns = ITEM_COLUMNS if items else TRANSFER_COLUMNS
    return BatchLayout(
        columns=columns,
        table_columns=columns[:8],
        row_of=item_row if items else transfer_row,
        record_key="decisions",
        record_of=_records,
        # A transfer is decided under two laws, each checking every exemption: chunks of
        # transfers, as authorize's (a chunk of 1,000 left two pieces for the workers of a
        # few thousand transfers, and the first one, a tenth, decided before they start).
        chunk=1000 if items else TRANSFER_CHUNK,
        tally_of=None if report else diffing.DiffRow.outcomes,
    )


# --------------------------------------------------------------------------------------------
# The two laws


def reforms_for(names: tuple[str, ...], files: tuple[str, ...], base: Law) -> list[Reform]:
    """The reforms named (bundled scenarios first, then files), each validated against ``base``
    as the ones before it left it; a problem ends the command with its message."""
    reforms: list[Reform] = []
    current = base
    for name in names:
        if name not in bundled_reforms():
            fail(
                f"no bundled reform {name!r}; bundled: {', '.join(bundled_reforms())} "
                "(or give a file with --reform-file)",
                EXIT_NOT_FOUND,
            )
        try:
            reform = bundled_reform(name, current)
        except ReformError as exc:
            fail(str(exc), EXIT_INPUT)
        current = reform.apply(current)
        reforms.append(reform)
    for path in files:
        try:
            reform = load_reform(path, current)
        except ReformError as exc:
            fail(f"bad reform: {exc}", EXIT_INPUT)
        current = reform.apply(current)
        reforms.append(reform)
    return reforms


def laws_for(
    names: tuple[str, ...],
    files: tuple[str, ...],
    as_of: dt.date | None,
    from_date: dt.date | None,
    to_date: dt.date | None,
) -> tuple[Law, Law, list[Reform]]:
    """The two laws to compare, from the command line's options (usage errors end it)."""
    if names or files:
        if from_date or to_date:
            fail("give either reforms (--reform, --reform-file) or two dates, not both", EXIT_USAGE)
        before = law(as_of)
        reforms = reforms_for(names, files, before)
        after = apply_reforms(before, reforms)
    elif from_date and to_date:
        if as_of is not None:
            fail(
                "--as-of is for reforms; with two dates give --from-date and --to-date", EXIT_USAGE
            )
        before, after, reforms = law(from_date), law(to_date), []
    else:
        fail(
            "say what to compare: --reform NAME (or --reform-file FILE), or --from-date D1 "
            "--to-date D2",
            EXIT_USAGE,
        )
        raise AssertionError("unreachable")  # pragma: no cover
    for side in (before, after):
        try:
            side.edition("usml")
            side.edition("ccl")
        except OutsideCoverage as exc:
            fail(str(exc), EXIT_NOT_FOUND)
    return before, after, reforms


def describe_laws(before: Law, after: Law, reforms: list[Reform]) -> list[tuple[str, str]]:
    """The two laws, as a report names them: ids, dates, reforms and their sources."""
    out = [
        ("from", f"law {before.id} as of {before.as_of} (bundled)"),
        (
            "to",
            f"law {after.id} as of {after.as_of}"
            + (f" with {', '.join(r.name for r in reforms)}" if reforms else " (bundled)"),
        ),
    ]
    for r in reforms:
        label = " (illustrative)" if r.illustrative and "illustrative" not in r.title else ""
        out.append((f"reform {r.name}", f"{r.title}{label}"))
        out.append(
            (
                "  source",
                f"{r.source.document}, {r.source.section + ', ' if r.source.section else ''}"
                f"p. {r.source.page}: \u201c{r.source.quote}\u201d",
            )
        )
        for change in r.changes():
            out.append(("  change", change))
    return out


# --------------------------------------------------------------------------------------------
# Reading the file


def _first_json_line(path: str) -> str:
    with open(path, "rb") as fh:
        for raw in fh:
            text = raw.decode("utf-8-sig", errors="replace").strip()
            if text:
                return text
    return ""


def _csv_header(path: str) -> list[str]:
    """The header as the CSV reader finds it (inputs/readers.py: the first record with a
    cell that is not blank, so blank lines and lines of commas above it are skipped), or no
    fields when the file cannot be read that far as CSV (the reader then names the error)."""
    with open(path, encoding="utf-8-sig", errors="replace", newline="") as fh:
        try:
            for cells in csv.reader(fh):
                if any(c.strip() for c in cells):
                    return cells
        except csv.Error:
            pass
    return []


def detect_kind(path: str, input_format: str) -> str:
    """``items`` or ``transfers``, from the CSV header or the first JSON line's fields."""
    if path == "-":
        fail("reading stdin: say what it holds with --kind items or --kind transfers", EXIT_USAGE)
    fields: list[str] = []
    if input_format == "jsonl":
        try:
            value = json.loads(_first_json_line(path))
        except json.JSONDecodeError:
            value = None
        fields = list(value) if isinstance(value, dict) else []
    else:
        fields = _csv_header(path)
    columns = requested_columns()
    fields = [columns.field_of(f) or "" for f in fields]  # as --map renames them
    if "transfer_id" in fields:
        return "transfers"
    if "item_id" in fields:
        return "items"
    fail(
        f"{path}: cannot tell items from transfers (no item_id or transfer_id in its first "
        "record); say it with --kind items or --kind transfers",
        EXIT_INPUT,
    )
    raise AssertionError("unreachable")  # pragma: no cover


def _input_kind(path: str, input_format: str) -> str:
    if input_format != "auto":
        return input_format
    return "jsonl" if path.endswith((".jsonl", ".ndjson", ".json")) else "csv"


@main.command("diff")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, allow_dash=True))
@click.option(
    "--reform",
    "reform_names",
    multiple=True,
    metavar="NAME",
    help="A bundled scenario (exportctl reform list); repeat to apply several in turn.",
)
@click.option(
    "--reform-file",
    "reform_files",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False),
    help="A reform file (TOML, docs/scenarios.md), applied after the named ones.",
)
@click.option("--from-date", type=Date(), default=None, help="Compare the law on this date …")
@click.option("--to-date", type=Date(), default=None, help="… with the law on this date.")
@click.option(
    "--kind",
    type=click.Choice(["auto", "items", "transfers"]),
    default="auto",
    show_default=True,
    help="What FILE lists (auto: item_id or transfer_id in its first record).",
)
@click.option(
    "--summary",
    is_flag=True,
    help="Print the transition matrix (from outcome, to outcome, rows) instead of the rows.",
)
@click.option(
    "--html",
    "html_path",
    type=click.Path(dir_okay=False, writable=True),
    default=None,
    help="Also write a self-contained HTML report (chart and changed rows) to this file.",
)
@batch_options
def diff_command(
    file: str,
    reform_names: tuple[str, ...],
    reform_files: tuple[str, ...],
    from_date: dt.date | None,
    to_date: dt.date | None,
    kind: str,
    summary: bool,
    html_path: str | None,
    fmt: str,
    input_format: str,
    as_of: dt.date | None,
    quiet: bool,
    exit_zero: bool,
) -> None:
    """Decide every row of FILE (a parts list or a transfer list, CSV or JSON lines) under two
    laws and show what changes: one output row per input row with both outcomes, whether it
    changed, and why.

    \b
    exportctl diff transfers.csv --reform etl-eliminated --as-of 2026-01-15
    exportctl diff parts.csv --reform xix-engine-parts-to-ccl --html report.html
    exportctl diff transfers.csv --from-date 2025-12-29 --to-date 2025-12-30

    Exit status: 0 no row changed, 1 some rows changed, 4 some rows had input errors.
    """
    before, after, reforms = laws_for(reform_names, reform_files, as_of, from_date, to_date)
    source_kind = _input_kind(file, input_format)
    what = kind if kind != "auto" else detect_kind(file, source_kind)
    warn((*before.warnings, *after.warnings), quiet=quiet)
    transitions = diffing.Transitions()
    title = _title(what, before, after, reforms)
    report = HtmlReport(title, describe_laws(before, after, reforms), what) if html_path else None

    def seen(row: diffing.DiffRow | diffing.Outcomes) -> None:
        transitions.add(row)
        if report is not None and isinstance(row, diffing.DiffRow):
            report.add(row)  # the workers send a report its changed rows in full

    with open_input(file) as fh, with_progress(fh, file, quiet) as source:
        records = read_records(
            source, file, source_kind, "item_id" if what == "items" else "transfer_id"
        )
        run = diffing.diff_items if what == "items" else diffing.diff_transfers
        rows = run(records, before, after, csv_form=source_kind == "csv")
        if summary:
            chunk = layout(what).chunk
            for row in summarised(rows, report=report is not None, chunk=chunk):
                seen(row)
            matrix = transitions.matrix()
            click.echo(_jsonl(matrix) if fmt == "jsonl" else render(matrix, fmt))
        else:
            stamp = (
                ("from_as_of", before.as_of.isoformat()),
                ("to_as_of", after.as_of.isoformat()),
                ("reforms", tuple(after.reforms)),
            )
            shape = layout(what, report=report is not None)
            write_results(rows, fmt, attrs.evolve(shape, stamp=stamp), seen)
    if report is not None and html_path is not None:
        report.write(html_path, transitions)
    if not quiet:
        click.echo(f"exportctl: {title}: {transitions.line()}", err=True)
        if not summary:
            click.echo(render(transitions.matrix(), "table"), err=True)
    sys.exit(0 if exit_zero else exit_status(transitions))


def summarised(
    rows: BatchRun[diffing.DiffRow], *, report: bool, chunk: int
) -> Iterator[diffing.DiffRow | diffing.Outcomes]:
    """What ``--summary`` counts of each row, in order.  In one process, the rows themselves;
    under ``--jobs N`` (N > 1), chunks of ``chunk`` records decided by N worker processes
    (:func:`~exportctl.engine.batch.run_parallel`), each sending back what the transition
    matrix reads of a row (:meth:`~exportctl.engine.diff.DiffRow.outcomes`) or, for ``--html``,
    a changed row in full (the report lists it): the same matrix and report as one process."""
    jobs = requested_jobs()
    if jobs <= 1:
        yield from rows
        return
    work = partial(_summary_chunk, rows.decide, report)
    for counted in run_parallel(rows.records, work, jobs, chunk_size=chunk):
        yield from counted


def _summary_chunk(
    decide: Callable[[Iterable[Any]], Iterator[diffing.DiffRow]],
    report: bool,
    records: Iterable[Any],
) -> list[diffing.DiffRow | diffing.Outcomes]:
    """A worker's chunk for ``--summary``: each row's outcomes, a changed row whole for a
    report."""
    return [row if report and row.changed else row.outcomes() for row in decide(records)]


def _jsonl(matrix: list[dict[str, Any]]) -> str:
    from exportctl.cli.output import json_text

    return "\n".join(json_text(m) for m in matrix)


def _title(kind: str, before: Law, after: Law, reforms: list[Reform]) -> str:
    if reforms:
        return f"{kind} under {', '.join(r.name for r in reforms)} (as of {before.as_of})"
    return f"{kind} on {before.as_of} and on {after.as_of}"


def exit_status(transitions: diffing.Transitions) -> int:
    if transitions.errors:
        return EXIT_ERRORS
    return EXIT_CHANGED if transitions.changed else EXIT_OK
