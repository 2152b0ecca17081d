"""The command line's shared parts: the command group, common options, errors and exit statuses.

Every command takes ``--format`` and ``--as-of YYYY-MM-DD``; errors go to stderr with a non-zero
exit status and say what was wrong and what would be accepted.

One exit-status contract for every command (docs/cli.md, "Exit status"):

====  ============================================================================================
0     decided / clear (eligible, exempt, nothing caught, classified, found, no change)
1     open questions: the facts do not yet decide (undetermined); for diff, law diff and log
      verify: differences found
2     usage: a malformed option, argument or reference, an option that is not accepted here
3     unknown reference: the USML paragraph, ECCN, country, exemption, reform ... does not exist
4     input errors: a bad or contradictory input file, row or fact (in a batch: some rows)
5     the bundled data failed verification against MANIFEST.json: nothing decided
6     the answer is no: not eligible, caught by an ETL row, prohibited under 22 CFR 126.1, a
      license required, an agreement not approvable
====  ============================================================================================

A batch reports the first that applies of 4, 6, 1, 0: input errors first (nothing about those
rows is known), then a refusal (it stays a refusal whatever the open rows turn out), then open
questions.  6 is the first number the other statuses leave free: 3 ("no such
reference") was also "not eligible" before, so a typo and a legal answer looked the same.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from functools import wraps
from typing import Any, TypeVar

import click

from exportctl.cli.output import (
    FORMATS,
    key_values,
    render,
    table_cell,
)
from exportctl.core.dated import OutsideCoverage
from exportctl.corpus.bundle import DataIntegrityError
from exportctl.corpus.references import ReferenceSyntaxError
from exportctl.corpus.regulations import Regulations, regulations
from exportctl.corpus.usml import UnknownReference
from exportctl.engine import batch as screening
from exportctl.inputs.items import ContradictoryFacts, FactError
from exportctl.inputs.readers import ColumnMap, ColumnMapError, column_map_file

F = TypeVar("F", bound=Callable[..., Any])

EXIT_OK = screening.EXIT_OK  # decided / clear
EXIT_OPEN = screening.EXIT_OPEN  # open questions (diff, law diff, log verify: differences)
EXIT_USAGE = 2
EXIT_NOT_FOUND = 3  # an unknown reference, never an answer
EXIT_INPUT = screening.EXIT_ERRORS
EXIT_DATA = 5  # the bundled data failed verification against MANIFEST.json: nothing decided
EXIT_NO = screening.EXIT_NO  # the answer is no (not eligible, caught, prohibited, license)


class Date(click.ParamType):  # type: ignore[type-arg,unused-ignore]
    name = "DATE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            self.fail(f"{value!r} is not a date; use YYYY-MM-DD, e.g. 2025-12-30", param, ctx)


def common_options(func: F) -> F:
    """--format and --as-of, shared by every look-up command."""
    func = click.option(
        "--as-of",
        "as_of",
        type=Date(),
        default=None,
        help="Decide as of this date (YYYY-MM-DD); default today.",
    )(func)
    func = click.option(
        "--format",
        "fmt",
        type=click.Choice(FORMATS),
        default="table",
        show_default=True,
        help="Output for people (table) or machines (json, csv).",
    )(func)
    return func


def fail(message: str, code: int) -> None:
    click.echo(f"exportctl: error: {table_cell(message)}", err=True)
    sys.exit(code)


def _not_found() -> tuple[type[Exception], ...]:
    """The errors that name a reference that does not exist.  (An ``except`` clause reads this
    only when an error reaches it, so a command that never reads the countries does not
    import them.)"""
    from exportctl.corpus.countries import UnknownCountry

    return (UnknownReference, UnknownCountry, KeyError)


def handles_errors(func: F) -> F:
    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except ReferenceSyntaxError as exc:
            fail(str(exc), EXIT_USAGE)
        except _not_found() as exc:
            fail(str(exc).strip("'\""), EXIT_NOT_FOUND)
        except OutsideCoverage as exc:
            fail(str(exc), EXIT_NOT_FOUND)
        except FactError as exc:
            fail(f"bad input: {exc}", EXIT_INPUT)
        except ContradictoryFacts as exc:
            fail(str(exc), EXIT_INPUT)
        return None

    return wrapper  # type: ignore[return-value]


def emit_record(record: dict[str, Any], fmt: str) -> None:
    """One record: a field/value table for people, one JSON object or one CSV row for machines."""
    if fmt == "table":
        click.echo(render(key_values(record.items()), "table", max_width=100))
    else:
        click.echo(render([record], fmt, document=record if fmt == "json" else None))


def law_for(as_of: dt.date | None, *, quiet: bool = False) -> Regulations:
    """The law on ``as_of``, its warnings on stderr (grouped, :func:`warn`)."""
    regs = regulations(as_of)
    warn(regs.warnings, quiet=quiet)
    return regs


#: A dataset older than the date asked, as :attr:`~exportctl.corpus.law.Law.warnings` says it.
_STALE = re.compile(
    r"^(?P<file>.+?): its regulation text is as of (?P<text>\d{4}-\d{2}-\d{2}); amendments "
    r"after that date are not in the data \(asked as of (?P<asked>\d{4}-\d{2}-\d{2})\)$"
)


def grouped_warnings(warnings: Iterable[str]) -> tuple[list[str], list[str]]:
    """The warnings as lines, one per kind: the datasets older than the date asked in one line
    (``data older than the date asked (2026-12-06): usml-2025-09-15.json (2025-10-02), ...``),
    and every other warning once, in order."""
    stale: dict[str, list[str]] = {}
    other: list[str] = []
    for w in dict.fromkeys(warnings):
        m = _STALE.match(w)
        if m is None:
            other.append(w)
        else:
            stale.setdefault(m["asked"], []).append(f"{m['file']} (text as of {m['text']})")
    lines = [
        f"data older than the date asked ({asked}): {', '.join(files)}; amendments after "
        "those dates are not in the data"
        for asked, files in stale.items()
    ]
    return lines, other


def warn(warnings: Iterable[str], *, quiet: bool = False) -> None:
    """Warnings on stderr, one line per kind.  ``quiet`` silences the others, never the
    warning that the data is older than the date asked."""
    stale, other = grouped_warnings(warnings)
    for line in (*stale, *(() if quiet else other)):
        click.echo(f"exportctl: warning: {table_cell(line)}", err=True)


#: Each command of ``exportctl`` and the modules of :mod:`exportctl.cli` that make it: the first
#: defines it, the others add subcommands to its group (``etl check``).  A
#: command's modules are imported when it is looked up (run, its help asked for, completed), so
#: a command does not pay for importing the others (tests/test_cli_lazy.py checks this table
#: against the commands the modules define).
COMMAND_MODULES: dict[str, tuple[str, ...]] = {
    "agreement": ("agreements",),
    "aukus": ("exemptions",),
    "authorize": ("exemptions",),
    "classify": ("classify",),
    "country": ("lookups",),
    "diff": ("diff",),
    "eccn": ("lookups",),
    "etl": ("lookups", "exemptions"),
    "exemptions": ("exemptions",),
    "law": ("lawcmd",),
    "log": ("log",),
    "reform": ("lawcmd",),
    "screen": ("screen",),
    "search": ("search",),
    "usml": ("lookups",),
}


class _Main(click.Group):
    """The command group: each command's module is imported when the command is looked up
    (:data:`COMMAND_MODULES`); bundled data that fails verification ends any command cleanly."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *COMMAND_MODULES})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        import importlib

        for module in COMMAND_MODULES.get(cmd_name, ()):
            importlib.import_module(f"exportctl.cli.{module}")
        return super().get_command(ctx, cmd_name)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except DataIntegrityError as exc:
            fail(str(exc), EXIT_DATA)


def _print_version(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    """``--version``: the installed version (read from the package metadata only when asked)."""
    if not value or ctx.resilient_parsing:
        return
    import exportctl

    click.echo(f"exportctl, version {exportctl.__version__}")
    ctx.exit()


@click.group(cls=_Main, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_print_version,
    help="Show the version and exit.",
)
def main() -> None:
    """U.S. export-control classification (ITAR/EAR) as cited, dated rules.

    Results support, and do not replace, an official determination by DDTC or BIS.
    """



def ruleset_option(func: F) -> F:
    return click.option(
        "--ruleset",
        "ruleset_id",
        default=None,
        help="Decide under this bundled rule set (default: today's rules, 'baseline').",
    )(func)



BATCH_FORMATS = ("table", "csv", "jsonl")


#: Where ``--jobs`` leaves the number of worker processes (the root context's meta).
JOBS_KEY = "exportctl.jobs"


def _store_jobs(ctx: click.Context, param: click.Parameter, value: int | None) -> int | None:
    ctx.find_root().meta[JOBS_KEY] = value or screening.available_cores()
    return value


#: Where ``--map``, ``--map-file`` and ``--ignore-columns`` leave their values (root meta).
COLUMNS_KEY = "exportctl.columns"


def _store_columns(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    ctx.find_root().meta.setdefault(COLUMNS_KEY, {})[param.name] = value
    return value


def column_options(func: F) -> F:
    """``--map COLUMN=FIELD`` (repeatable), ``--map-file FILE`` and ``--ignore-columns A,B``:
    how the columns of a batch file become the fields exportctl reads (docs/input.md)."""
    for option in reversed(
        (
            click.option(
                "--map",
                "map",
                multiple=True,
                metavar="COLUMN=FIELD",
                expose_value=False,
                callback=_store_columns,
                help="Read the file's COLUMN as FIELD, e.g. --map 'Part Number=item_id' "
                "(repeatable).",
            ),
            click.option(
                "--map-file",
                "map_file",
                type=click.Path(exists=True, dir_okay=False),
                default=None,
                expose_value=False,
                callback=_store_columns,
                help="A mapping file: CSV with the header column,field (a blank field ignores "
                "the column).",
            ),
            click.option(
                "--ignore-columns",
                "ignore_columns",
                default=None,
                metavar="A,B",
                expose_value=False,
                callback=_store_columns,
                help="Columns of the file not to read (listed once on stderr).  Any other "
                "column exportctl does not know stays an error.",
            ),
        )
    ):
        func = option(func)
    return func


def requested_columns() -> ColumnMap:
    """The column mapping the options asked for (none outside a batch command); a mapping that
    cannot be applied ends the command (exit 2)."""
    ctx = click.get_current_context(silent=True)
    given: dict[str, Any] = ctx.find_root().meta.get(COLUMNS_KEY, {}) if ctx is not None else {}
    try:
        base = column_map_file(given["map_file"]) if given.get("map_file") else ColumnMap()
        renames = list(base.renames)
        for item in given.get("map") or ():
            source, sep, target = str(item).rpartition("=")
            if not sep:
                raise ColumnMapError(
                    f"--map {item!r}: give COLUMN=FIELD, e.g. 'Part Number=item_id'"
                )
            renames.append((source.strip(), target.strip()))
        ignore = list(base.ignore)
        ignore += [c.strip() for c in (given.get("ignore_columns") or "").split(",") if c.strip()]
        return ColumnMap(tuple(renames), tuple(dict.fromkeys(ignore)))
    except ColumnMapError as exc:
        fail(str(exc), EXIT_USAGE)
        raise AssertionError("unreachable") from None  # pragma: no cover


def batch_options(func: F) -> F:
    """The options every batch command shares: formats, date, quiet, exit-zero, columns."""
    func = column_options(func)
    for option in reversed(
        (
            click.option(
                "--format",
                "fmt",
                type=click.Choice(BATCH_FORMATS),
                default="table",
                show_default=True,
                help="Output: a table for people, CSV or JSON lines for machines.",
            ),
            click.option(
                "--input-format",
                type=click.Choice(["auto", "csv", "jsonl"]),
                default="auto",
                show_default=True,
                help="How FILE is written (auto: by its extension).",
            ),
            click.option(
                "--as-of",
                "as_of",
                type=Date(),
                default=None,
                help="Decide as of this date (YYYY-MM-DD); default today.",
            ),
            click.option(
                "--quiet",
                is_flag=True,
                help="No summary or progress on stderr (a warning that the data is older "
                "than the date asked is still given).",
            ),
            click.option(
                "--jobs",
                "-j",
                type=click.IntRange(min=0),
                default=0,
                expose_value=False,
                callback=_store_jobs,
                help="Worker processes deciding the rows (default 0: one per core this process "
                "may use; 1: this process alone).  The output is the same, in order.",
            ),
            click.option(
                "--exit-zero",
                is_flag=True,
                help="Exit 0 whatever the outcome (report only, e.g. for a demo).",
            ),
        )
    ):
        func = option(func)
    return func



def file_name(file: Any) -> str:
    name = getattr(file, "name", "")
    return name if isinstance(name, str) else ""




# --- the audit log (--log FILE.db, --actor) ---------------------------------------------------

#: Where ``--log`` and ``--actor`` leave their values (the root context's meta).
LOG_KEY = "exportctl.log"
ACTOR_KEY = "exportctl.actor"


def _store_meta(key: str) -> Callable[[click.Context, click.Parameter, Any], Any]:
    def store(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
        if value is not None:
            ctx.find_root().meta[key] = value
        return value

    return store


def log_options(func: F) -> F:
    """``--log FILE.db`` and ``--actor NAME``: append every decision to an audit log."""
    func = click.option(
        "--actor",
        default=None,
        metavar="NAME",
        expose_value=False,
        callback=_store_meta(ACTOR_KEY),
        help="Who asked for the decisions, as the audit log records it (with --log).",
    )(func)
    func = click.option(
        "--log",
        "log_file",
        type=click.Path(dir_okay=False),
        default=None,
        metavar="FILE.db",
        expose_value=False,
        callback=_store_meta(LOG_KEY),
        help="Append every decision (facts, outcome, trace, law id, date) to this SQLite audit "
        "log (created if needed; docs/audit-log.md).  With --log a batch runs in one process.",
    )(func)
    return func


class DecisionLog:
    """The audit log a command writes to: entries buffered and committed every
    :data:`~exportctl.audit.COMMIT_ROWS` (and at the end)."""

    def __init__(self, log: Any) -> None:
        self.log = log
        self.batch = log.writer()
        self.held: dict[int, dict[str, Any] | None] = {}

    def add(self, entry: Any) -> None:
        self.batch.add(entry)

    def keep(self, records: Any) -> Any:
        """The records, passed through: each one's fields are held until its result is logged."""
        for rec in records:
            self.held[rec.row] = rec.raw
            yield rec

    def facts(self, row: int) -> dict[str, Any] | None:
        return self.held.pop(row, None)


@contextlib.contextmanager
def decision_log(command: str) -> Iterator[DecisionLog | None]:
    """The audit log ``--log`` names, open for ``command`` (None without --log).  A batch with
    --log runs in this process: the log is written here, in input order."""
    ctx = click.get_current_context()
    meta = ctx.find_root().meta
    path = meta.get(LOG_KEY)
    if not path:
        yield None
        return
    from exportctl.audit import AuditLog, LogError

    meta[JOBS_KEY] = 1
    try:
        log = AuditLog(path, actor=meta.get(ACTOR_KEY), command=command)
    except LogError as exc:
        fail(f"--log: {exc}", EXIT_USAGE)
    logged = DecisionLog(log)
    finished = False
    try:
        yield logged
        finished = True
    except SystemExit:
        finished = True
        raise
    finally:
        try:
            logged.batch.flush()
        finally:
            log.close(finished=finished)


def with_log(
    log: DecisionLog | None,
    on_result: Callable[[Any], None],
    entry_of: Callable[[Any, dict[str, Any]], Any],
) -> Callable[[Any], None]:
    """``on_result`` for a batch writer, also logging each result that holds a decision
    (``entry_of(result, its input fields)``; None for a row that is not a decision)."""
    if log is None:
        return on_result

    def both(result: Any) -> None:
        on_result(result)
        facts = log.facts(result.row)
        if facts is not None:
            entry = entry_of(result, facts)
            if entry is not None:
                log.add(entry)

    return both
