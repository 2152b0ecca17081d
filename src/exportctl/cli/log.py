"""``exportctl log``: read an audit log (``show``, ``export``) and re-decide what it holds
(``verify``) — docs/audit-log.md.

``log verify`` exit status: 0 no logged decision would change, 1 some would change, 4 a logged
decision cannot be read or decided again (or the file is not an audit log), 2 usage, 5 bundled
data that fails verification.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from typing import Any

import click

from exportctl.audit import COLUMNS, AuditLog, Entry, LogError, verify
from exportctl.cli.base import EXIT_INPUT, EXIT_USAGE, Date, fail, main
from exportctl.cli.batch import csv_line, json_line
from exportctl.cli.diff import reforms_for
from exportctl.cli.output import key_values, render, table_cell
from exportctl.corpus.law import Law, law
from exportctl.corpus.reforms import apply_reforms

__all__ = ["log_group"]

EXIT_CHANGED = 1


def _open(path: str) -> AuditLog:
    try:
        return AuditLog(path, readonly=True)
    except LogError as exc:
        fail(str(exc), EXIT_INPUT)
        raise AssertionError("unreachable") from exc  # pragma: no cover


def _when(value: str | None, option: str) -> str | None:
    """A time for --since/--until: a date (YYYY-MM-DD, from its midnight UTC) or an ISO 8601
    time (UTC when it names no offset), as the log's text compares."""
    if value is None:
        return None
    try:
        if len(value) == 10:
            return dt.date.fromisoformat(value).isoformat()
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        fail(
            f"{option} {value!r}: give a date (2026-01-31) or a time (2026-01-31T14:00:00Z)",
            EXIT_USAGE,
        )
        raise AssertionError("unreachable") from None  # pragma: no cover
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).isoformat(timespec="microseconds")


@main.group("log")
def log_group() -> None:
    """The audit log that --log FILE.db writes: show it, export it, re-check it."""


_SHOW_COLUMNS = (
    "seq",
    "logged_at",
    "actor",
    "command",
    "kind",
    "subject_id",
    "outcome",
    "as_of",
    "law_id",
    "decision_id",
)


def _selection(func: Any) -> Any:
    for option in reversed(
        (
            click.option(
                "--decision",
                "decision_id",
                default=None,
                metavar="ID",
                help="Only the decisions with this decision id (or id prefix).",
            ),
            click.option(
                "--since", default=None, help="Only decisions logged at or after this date/time."
            ),
            click.option(
                "--until", default=None, help="Only decisions logged before this date/time."
            ),
        )
    ):
        func = option(func)
    return func


def _entries(path: str, decision_id: str | None, since: str | None, until: str | None) -> Any:
    log = _open(path)
    return log, log.entries(
        decision_id=decision_id,
        since=_when(since, "--since"),
        until=_when(until, "--until"),
    )


@log_group.command("show")
@click.argument("file", type=click.Path(dir_okay=False))
@_selection
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "jsonl"]),
    default="table",
    show_default=True,
    help="A table (one line per decision; with --decision every field), JSON or JSON lines.",
)
def log_show(
    file: str, decision_id: str | None, since: str | None, until: str | None, fmt: str
) -> None:
    """Show the decisions logged in FILE, oldest first.

    With --decision ID the table shows every field of each matching decision: the facts, the
    options, the record with its trace.  Exit status: 0 (also when nothing matches), 4 not an
    audit log.
    """
    log, entries = _entries(file, decision_id, since, until)
    with log:
        rows = [e.as_row() for e in _read(entries)]
    if fmt == "json":
        click.echo(render([], "json", document=rows))
    elif fmt == "jsonl":
        for row in rows:
            click.echo(json.dumps(row, ensure_ascii=False, sort_keys=True))
    elif decision_id is not None:
        for row in rows:
            fields = [
                (k, json.dumps(v, ensure_ascii=False) if isinstance(v, (dict, list)) else v)
                for k, v in row.items()
            ]
            click.echo(render(key_values(fields), "table", max_width=100))
            click.echo("")
        if not rows:
            click.echo(f"no logged decision with id {table_cell(decision_id)}")
    else:
        click.echo(render(rows, "table", _SHOW_COLUMNS, max_width=40))
    if fmt == "table":
        click.echo(f"exportctl: {len(rows)} logged decision(s) in {file}", err=True)


def _read(entries: Any) -> list[Entry]:
    try:
        return list(entries)
    except LogError as exc:
        fail(str(exc), EXIT_INPUT)
        raise AssertionError("unreachable") from exc  # pragma: no cover


@log_group.command("export")
@click.argument("file", type=click.Path(dir_okay=False))
@_selection
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "jsonl"]),
    default="jsonl",
    show_default=True,
    help="CSV (the facts, options, record and reforms as JSON text) or JSON lines.",
)
def log_export(
    file: str, decision_id: str | None, since: str | None, until: str | None, fmt: str
) -> None:
    """Write every logged decision (every field) to stdout: CSV or JSON lines, oldest first."""
    log, entries = _entries(file, decision_id, since, until)
    out = sys.stdout
    with log:
        if fmt == "csv":
            out.write(csv_line(list(COLUMNS)))
        try:
            for entry in entries:
                row = entry.as_row()
                if fmt == "csv":
                    cells = [
                        json.dumps(v, ensure_ascii=False, sort_keys=True)
                        if isinstance(v, (dict, list))
                        else v
                        for v in (row[c] for c in COLUMNS)
                    ]
                    out.write(csv_line(cells))
                else:
                    out.write(json_line(row))
        except LogError as exc:
            fail(str(exc), EXIT_INPUT)


_VERIFY_COLUMNS = (
    "seq",
    "decision_id",
    "kind",
    "subject_id",
    "logged_as_of",
    "logged_outcome",
    "now_as_of",
    "now_outcome",
    "why",
    "logged_law_id",
    "now_law_id",
)


@log_group.command("verify")
@click.argument("file", type=click.Path(dir_okay=False))
@_selection
@click.option(
    "--as-of",
    "as_of",
    type=Date(),
    default=None,
    help="Decide every logged decision under the law on this date (default: each its own date).",
)
@click.option(
    "--reform",
    "reform_names",
    multiple=True,
    metavar="NAME",
    help="Decide under a bundled scenario applied to the law (exportctl reform list).",
)
@click.option(
    "--reform-file",
    "reform_files",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False),
    help="Decide under a reform file (TOML, docs/scenarios.md), applied after the named ones.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "jsonl"]),
    default="table",
    show_default=True,
    help="The decisions that would change: a table, CSV or JSON lines.",
)
@click.option("--quiet", is_flag=True, help="No summary on stderr.")
def log_verify(
    file: str,
    decision_id: str | None,
    since: str | None,
    until: str | None,
    as_of: dt.date | None,
    reform_names: tuple[str, ...],
    reform_files: tuple[str, ...],
    fmt: str,
    quiet: bool,
) -> None:
    """Decide every logged decision again from its stored facts under the law bundled now — on
    its own date, on --as-of D, or with reforms — and list those whose outcome would differ,
    with why (the first trace step or condition that differs, the rules fired on one side).

    \b
    exportctl log verify decisions.db                        # the law now, each decision's date
    exportctl log verify decisions.db --as-of 2026-06-01     # the law on that date
    exportctl log verify decisions.db --reform xix-engine-parts-to-ccl

    Exit status: 0 no logged decision would change, 1 some would change, 4 a logged decision
    cannot be read or decided again, 2 usage, 5 bundled data that fails verification.
    """
    laws: dict[str, Law] = {}

    def law_on(day: str) -> Law:
        when = as_of.isoformat() if as_of is not None else day
        found = laws.get(when)
        if found is None:
            base = law(dt.date.fromisoformat(when))
            if reform_names or reform_files:
                base = apply_reforms(base, reforms_for(reform_names, reform_files, base))
            found = laws[when] = base
        return found

    unverifiable: list[tuple[Entry, str]] = []
    log, entries = _entries(file, decision_id, since, until)
    checked = 0

    def counted(items: Any) -> Any:
        nonlocal checked
        for item in items:
            checked += 1
            yield item

    rows: list[dict[str, Any]] = []
    with log:
        try:
            for d in verify(counted(entries), law_on, lambda e, why: unverifiable.append((e, why))):
                rows.append(
                    {
                        "seq": d.entry.seq,
                        "decision_id": d.entry.decision_id,
                        "kind": d.entry.kind,
                        "subject_id": d.entry.subject_id,
                        "logged_as_of": d.entry.as_of,
                        "logged_outcome": d.entry.outcome,
                        "now_as_of": d.as_of,
                        "now_outcome": d.outcome,
                        "why": list(d.why),
                        "logged_law_id": d.entry.law_id,
                        "now_law_id": d.law_id,
                    }
                )
        except LogError as exc:
            fail(str(exc), EXIT_INPUT)
    if fmt == "csv":
        sys.stdout.write(csv_line(list(_VERIFY_COLUMNS)))
        for row in rows:
            sys.stdout.write(csv_line([row[c] for c in _VERIFY_COLUMNS]))
    elif fmt == "jsonl":
        for row in rows:
            sys.stdout.write(json_line(row))
    elif rows:
        click.echo(render(rows, "table", _VERIFY_COLUMNS[:9], max_width=40))
    for entry, why in unverifiable:
        click.echo(
            f"exportctl: error: decision {entry.decision_id} (seq {entry.seq}, "
            f"{entry.kind} {table_cell(entry.subject_id)}) cannot be decided again: "
            f"{table_cell(why)}",
            err=True,
        )
    if not quiet:
        under = f"the law of {as_of}" if as_of else "the law now bundled for each decision's date"
        if reform_names or reform_files:
            under += " with " + ", ".join((*reform_names, *reform_files))
        click.echo(
            f"exportctl: verified {checked} logged decision(s) under {under}: "
            f"{len(rows)} would change, {len(unverifiable)} could not be decided again",
            err=True,
        )
    sys.exit(EXIT_INPUT if unverifiable else EXIT_CHANGED if rows else 0)
