"""The ``exportctl`` command: a thin click layer over the library (no rule logic here).

Every command takes ``--format table|json|csv`` and ``--as-of YYYY-MM-DD``; errors go to stderr
with a non-zero exit status and say what was wrong and what would be accepted.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

import click

from . import __version__
from .countries import OutsideCoverage, UnknownCountry
from .output import FORMATS, key_values, render, to_jsonable
from .references import ReferenceSyntaxError, parse_eccn
from .regulations import Regulations, regulations
from .usml import UnknownReference

F = TypeVar("F", bound=Callable[..., Any])

EXIT_USAGE = 2
EXIT_NOT_FOUND = 3


class _Date(click.ParamType):  # type: ignore[type-arg,unused-ignore]
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
        type=_Date(),
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


def _fail(message: str, code: int) -> None:
    click.echo(f"exportctl: error: {message}", err=True)
    sys.exit(code)


def handles_errors(func: F) -> F:
    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except ReferenceSyntaxError as exc:
            _fail(str(exc), EXIT_USAGE)
        except (UnknownReference, UnknownCountry, KeyError) as exc:
            _fail(str(exc).strip("'\""), EXIT_NOT_FOUND)
        except OutsideCoverage as exc:
            _fail(str(exc), EXIT_NOT_FOUND)
        return None

    return wrapper  # type: ignore[return-value]


def _emit_record(record: dict[str, Any], fmt: str) -> None:
    """One record: a field/value table for people, one JSON object or one CSV row for machines."""
    if fmt == "table":
        click.echo(render(key_values(record.items()), "table", max_width=100))
    else:
        click.echo(render([record], fmt, document=record if fmt == "json" else None))


def _snapshot(as_of: dt.date | None) -> Regulations:
    regs = regulations(as_of)
    for w in regs.warnings:
        click.echo(f"exportctl: warning: {w}", err=True)
    return regs


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="exportctl")
def main() -> None:
    """U.S. export-control classification (ITAR/EAR) as cited, dated rules.

    Results support, and do not replace, an official determination by DDTC or BIS.
    """


# --- usml ------------------------------------------------------------------------------------
@main.group()
def usml() -> None:
    """Look up the U.S. Munitions List (22 CFR 121.1)."""


@usml.command("show")
@click.argument("ref")
@common_options
@handles_errors
def usml_show(ref: str, fmt: str, as_of: dt.date | None) -> None:
    """Show one USML paragraph, e.g. 'XI(a)(3)(xviii)' or 'Cat. IV(h)(1)'."""
    regs = _snapshot(as_of)
    p = regs.usml.get(ref)
    children = regs.usml.children_of(p.ref) if not p.range_end else ()
    record = {
        "reference": p.designation,
        "citation": p.citation,
        "text": p.text,
        "parent": str(p.parent),
        "significant_military_equipment": p.sme,
        "sme_asterisk_on": str(p.sme_from) if p.sme_from else None,
        "mt": (p.mt.designated + (f" ({p.mt.condition})" if p.mt.condition else ""))
        if p.mt
        else None,
        "reserved": p.reserved,
        "specially_designed_control": p.uses_specially_designed,
        "catch_all": p.is_catch_all,
        "children": [str(c.designation) for c in children],
        "notes": [f"{n.heading}: {n.text}" for n in p.notes],
        "data_version": regs.data_version,
        "as_of": regs.as_of,
    }
    _emit_record(record, fmt)


@usml.command("search")
@click.argument("text")
@click.option("--limit", type=click.IntRange(1, 200), default=10, show_default=True)
@common_options
@handles_errors
def usml_search(text: str, limit: int, fmt: str, as_of: dt.date | None) -> None:
    """Rank USML paragraphs by how well their text matches TEXT."""
    regs = _snapshot(as_of)
    hits = regs.usml.search(text, limit=limit)
    rows = [
        {
            "reference": h.paragraph.designation,
            "score": h.score,
            "sme": h.paragraph.sme,
            "text": h.paragraph.text,
        }
        for h in hits
    ]
    if not rows:
        click.echo(f"exportctl: no USML paragraph matches {text!r}", err=True)
    click.echo(render(rows, fmt, ["reference", "score", "sme", "text"]))


# --- eccn ------------------------------------------------------------------------------------
@main.group()
def eccn() -> None:
    """Look up the Commerce Control List (15 CFR part 774, Supp. No. 1)."""


@eccn.command("show")
@click.argument("ref")
@common_options
@handles_errors
def eccn_show(ref: str, fmt: str, as_of: dt.date | None) -> None:
    """Show one ECCN, e.g. '9A610', or one of its item paragraphs, e.g. '3A001.a.1'."""
    regs = _snapshot(as_of)
    parsed = parse_eccn(ref)
    e = regs.ccl.get(parsed)
    item = e.item(parsed) if parsed.path else None
    record = {
        "eccn": e.eccn,
        "citation": e.citation,
        "heading": e.heading,
        "item": str(item.ref) if item else None,
        "item_text": item.text if item else None,
        "reasons_for_control": list(e.reasons_for_control),
        "country_chart_columns": list(e.country_chart_columns),
        "600_series": e.is_600_series,
        "9x515": e.is_9x515,
        "items": len(e.items),
        "edition": e.heading_edition,
        "items_edition": e.items_edition,
        "data_version": regs.data_version,
        "as_of": regs.as_of,
    }
    _emit_record(record, fmt)


# --- etl -------------------------------------------------------------------------------------
@main.group()
def etl() -> None:
    """The Excluded Technology List of the AUKUS exemption (22 CFR part 126, Supp. No. 2)."""


@etl.command("list")
@common_options
@handles_errors
def etl_list(fmt: str, as_of: dt.date | None) -> None:
    """List the ETL rows with their expanded USML references and what they turn on."""
    regs = _snapshot(as_of)
    rows = [
        {
            "row": r.row,
            "usml": r.usml_column,
            "references": [str(u) for u in r.usml_refs],
            "turns_on": list(r.condition_kinds),
            "text": r.text,
        }
        for r in regs.etl.rows
    ]
    if fmt == "json":
        click.echo(render(rows, fmt, document=to_jsonable(regs.etl.rows)))
    else:
        click.echo(render(rows, fmt, ["row", "usml", "turns_on", "text"], max_width=60))


# --- country ---------------------------------------------------------------------------------
@main.group()
def country() -> None:
    """Countries: memberships on a date, § 126.1 status, EAR groups and chart."""


@country.command("show")
@click.argument("code")
@common_options
@handles_errors
def country_show(code: str, fmt: str, as_of: dt.date | None) -> None:
    """Show one country by ISO 3166-1 alpha-2 code (e.g. GB) or name."""
    regs = _snapshot(as_of)
    p = regs.country(code)
    record = {
        "iso2": p.country.iso2,
        "name": p.country.name,
        "ear_name": p.country.ear_name,
        "as_of": p.as_of,
        "memberships": list(p.memberships),
        "nato_since": p.nato_since,
        "itar_126_1": f"{p.itar_126_1.status} ({p.itar_126_1.citation})"
        + (f": {p.itar_126_1.detail}" if p.itar_126_1.detail else ""),
        "ear_country_groups": list(p.ear_country_groups),
        "country_chart_marks": list(p.country_chart_marks),
        "country_chart_footnotes": list(p.country_chart_footnotes),
        "warnings": list(p.warnings),
        "data_version": regs.data_version,
    }
    _emit_record(record, fmt)


if __name__ == "__main__":  # pragma: no cover
    main()
