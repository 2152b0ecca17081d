"""``exportctl law diff`` (what differs between two laws) and ``exportctl reform`` (the bundled
scenarios: list them, show one with its source and changes, or print its file to copy)."""

from __future__ import annotations

import datetime as dt
import sys

import click

from exportctl.cli.base import (
    EXIT_NOT_FOUND,
    EXIT_USAGE,
    Date,
    common_options,
    emit_record,
    fail,
    handles_errors,
    main,
)
from exportctl.cli.diff import describe_laws, laws_for
from exportctl.cli.output import key_values, render, to_jsonable
from exportctl.corpus.reforms import (
    ReformError,
    bundled_reform,
    bundled_reform_text,
    bundled_reforms,
)
from exportctl.engine.diff import law_changes

__all__ = ["law_diff", "law_group", "reform_group"]


@main.group("law")
def law_group() -> None:
    """The law itself: what differs between two dates, or between today's law and a reform."""


@law_group.command("diff")
@click.option("--from", "from_date", type=Date(), default=None, help="The law on this date …")
@click.option("--to", "to_date", type=Date(), default=None, help="… against the law on this date.")
@click.option(
    "--reform",
    "reform_names",
    multiple=True,
    metavar="NAME",
    help="Compare the law (on --as-of) with this bundled scenario applied (repeatable).",
)
@click.option(
    "--reform-file",
    "reform_files",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False),
    help="Compare with this reform file applied (after the named ones).",
)
@common_options
@handles_errors
def law_diff(
    from_date: dt.date | None,
    to_date: dt.date | None,
    reform_names: tuple[str, ...],
    reform_files: tuple[str, ...],
    fmt: str,
    as_of: dt.date | None,
) -> None:
    """Which USML paragraphs, ECCNs, ETL and Supp. No. 1 rows, country-set members, § 123.15
    amounts, exemption versions and rule-set questions differ between two laws, with citations.

    \b
    exportctl law diff --from 2025-09-14 --to 2025-09-15
    exportctl law diff --reform xix-engine-parts-to-ccl --as-of 2026-01-15

    Exit status: 0 nothing differs, 1 something differs.
    """
    if (from_date is None) != (to_date is None):
        fail("give both --from and --to (or a reform)", EXIT_USAGE)
    before, after, reforms = laws_for(reform_names, reform_files, as_of, from_date, to_date)
    changes = law_changes(before, after)
    laws = describe_laws(before, after, reforms)
    rows = [to_jsonable(c) for c in changes]
    columns = ["what", "ref", "change", "before", "after", "citation"]
    if fmt == "json":
        document = {"laws": [{"side": k, "value": v} for k, v in laws], "changes": rows}
        click.echo(render([], "json", document=document))
    elif fmt == "csv":
        click.echo(render(rows, "csv", columns))
    else:
        click.echo(render(key_values(laws), "table", max_width=100))
        click.echo("")
        if rows:
            click.echo(render(rows, "table", columns, max_width=48))
        else:
            click.echo("no difference")
    counts: dict[str, int] = {}
    for c in changes:
        counts[c.what] = counts.get(c.what, 0) + 1
    summary = ", ".join(f"{k} {v}" for k, v in counts.items()) or "nothing"
    click.echo(f"exportctl: {len(changes)} differences: {summary}", err=True)
    sys.exit(1 if changes else 0)


@main.group("reform")
def reform_group() -> None:
    """The reform scenarios bundled with exportctl (data/reforms/*.toml)."""


@reform_group.command("list")
@common_options
def reform_list(fmt: str, as_of: dt.date | None) -> None:
    """Every bundled scenario: its name, title, source and whether it is illustrative."""
    rows = []
    for name in bundled_reforms():
        r = bundled_reform(name)
        rows.append(
            {
                "name": r.name,
                "illustrative": r.illustrative,
                "title": r.title,
                "source": f"{r.source.section}, p. {r.source.page}",
            }
        )
    click.echo(render(rows, fmt, ["name", "illustrative", "title", "source"], max_width=60))


@reform_group.command("show")
@click.argument("name")
@click.option("--toml", "as_toml", is_flag=True, help="Print the scenario's file as written.")
@common_options
@handles_errors
def reform_show(name: str, as_toml: bool, fmt: str, as_of: dt.date | None) -> None:
    """One bundled scenario: title, source (document, page, quote), its changes; or its file
    (--toml) to copy and edit, then use with --reform-file."""
    try:
        if as_toml:
            click.echo(bundled_reform_text(name), nl=False)
            return
        r = bundled_reform(name)
    except ReformError as exc:
        fail(str(exc), EXIT_NOT_FOUND if name not in bundled_reforms() else EXIT_USAGE)
        return
    record = {
        "name": r.name,
        "title": r.title,
        "illustrative": r.illustrative,
        "note": r.note,
        "document": r.source.document,
        "section": r.source.section,
        "page": r.source.page,
        "quote": r.source.quote,
        "changes": list(r.changes()),
    }
    emit_record(record, fmt)
