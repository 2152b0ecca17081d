"""Look-ups: ``usml``, ``eccn``, ``etl list`` and ``country``."""

from __future__ import annotations

import datetime as dt

import click

from exportctl.cli.base import (
    common_options,
    emit_record,
    handles_errors,
    law_for,
    main,
)
from exportctl.cli.output import (
    render,
    to_jsonable,
)
from exportctl.corpus.references import parse_eccn


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
    regs = law_for(as_of)
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
        "mt_annotation_on": str(p.mt_from) if p.mt_from else None,
        "reserved": p.reserved,
        "specially_designed_control": p.specially_designed_control,
        "specially_designed_scope": p.specially_designed_scope,
        "catch_all": p.is_catch_all,
        "children": [str(c.designation) for c in children],
        "notes": [f"{n.heading}: {n.text}" for n in p.notes],
        "law_id": regs.id,
        "as_of": regs.as_of,
    }
    emit_record(record, fmt)


@usml.command("search")
@click.argument("text")
@click.option("--limit", type=click.IntRange(1, 200), default=10, show_default=True)
@common_options
@handles_errors
def usml_search(text: str, limit: int, fmt: str, as_of: dt.date | None) -> None:
    """Rank USML paragraphs by how well their text matches TEXT."""
    regs = law_for(as_of)
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
    regs = law_for(as_of)
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
        "law_id": regs.id,
        "as_of": regs.as_of,
    }
    emit_record(record, fmt)


# --- etl -------------------------------------------------------------------------------------
@main.group()
def etl() -> None:
    """The Excluded Technology List of the AUKUS exemption (22 CFR part 126, Supp. No. 2)."""


@etl.command("list")
@common_options
@handles_errors
def etl_list(fmt: str, as_of: dt.date | None) -> None:
    """List the ETL rows with their expanded USML references and what they turn on."""
    regs = law_for(as_of)
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
    regs = law_for(as_of)
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
        "law_id": regs.id,
    }
    emit_record(record, fmt)


# --- classify ----------------------------------------------------------------------------------
