"""``exportctl screen``: a parts list, one decision per input record."""

from __future__ import annotations

import datetime as dt
import sys

import click

from exportctl.cli.base import (
    EXIT_USAGE,
    batch_options,
    fail,
    law_for,
    main,
    ruleset_option,
)
from exportctl.cli.batch import (
    BatchLayout,
    open_input,
    read_records,
    with_progress,
    write_results,
)
from exportctl.cli.output import decision_record
from exportctl.corpus.regulations import regulations
from exportctl.corpus.rulesets import load_ruleset
from exportctl.engine import batch as screening


@main.command("screen")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, allow_dash=True))
@batch_options
@ruleset_option
def screen_command(
    file: str,
    fmt: str,
    input_format: str,
    as_of: dt.date | None,
    quiet: bool,
    exit_zero: bool,
    ruleset_id: str | None,
) -> None:
    """Screen a parts list (CSV or JSON lines): one output row per input row, in order.

    Rows with bad input are reported as errors naming the field; the other rows are still
    decided.  A summary (counts by outcome) goes to stderr.  Exit status: 0 every row
    classified, 1 some rows undetermined or with questions open, 4 some rows had input errors.
    """
    regs = law_for(as_of) if not quiet else regulations(as_of)
    try:
        rules = load_ruleset(ruleset_id)
    except KeyError as exc:
        fail(str(exc).strip("'\""), EXIT_USAGE)
    kind = input_format
    if kind == "auto":
        kind = "jsonl" if file.endswith((".jsonl", ".ndjson", ".json")) else "csv"
    summary = screening.Summary()
    with open_input(file) as fh, with_progress(fh, file, quiet) as source:
        records = read_records(source, file, kind, "item_id")
        results = screening.screen(records, regs, rules, csv_form=kind == "csv")
        write_results(results, fmt, SCREEN_LAYOUT, summary.add)
    if not quiet:
        click.echo(f"exportctl: {summary.line()}", err=True)
    sys.exit(0 if exit_zero else screening.exit_status(summary))



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


SCREEN_LAYOUT = BatchLayout(
    columns=screening.RESULT_COLUMNS,
    table_columns=_TABLE_COLUMNS,
    row_of=screening.result_row,
    record_key="decision",
    record_of=lambda r: decision_record(r.decision) if r.decision is not None else None,
)
