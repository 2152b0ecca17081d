"""Look-ups: ``usml show``, ``eccn show``, ``etl list`` and ``country show``.

``usml show`` prints a category or a paragraph with the tree beneath it; ``eccn show`` an ECCN
or one of its paragraphs with the reasons for control and Country Chart columns that apply to
that paragraph (and, with ``--tree``, the paragraphs beneath).  The search commands of these
groups are in :mod:`exportctl.cli.search`.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from typing import Any

import click

from exportctl.cli.base import (
    common_options,
    emit_record,
    handles_errors,
    law_for,
    main,
)
from exportctl.cli.output import (
    key_values,
    render,
    table_cell,
    to_jsonable,
)
from exportctl.cli.search import eccn_search, usml_search
from exportctl.corpus.ccl import ECCN, ParagraphControl
from exportctl.corpus.references import ECCNRef, parse_eccn, parse_usml
from exportctl.corpus.regulations import Regulations
from exportctl.corpus.usml import USMLParagraph


# --- usml ------------------------------------------------------------------------------------
@main.group()
def usml() -> None:
    """Look up the U.S. Munitions List (22 CFR 121.1)."""


def _tree_lines(rows: list[dict[str, Any]]) -> list[str]:
    """A tree for a terminal: each paragraph on its own line(s), indented by its depth."""
    lines: list[str] = []
    for r in rows:
        indent = "  " * (r["depth"] - 1)
        flags = " ".join(f for f in (r.get("flags") or "",) if f)
        head = f"{indent}{r['reference']}" + (f" [{flags}]" if flags else "")
        text = table_cell(r["text"] if r["text"] is not None else "(no text of its own)")
        wrapped = textwrap.wrap(
            text,
            width=max(40, 110 - len(indent)),
            initial_indent=f"{indent}  ",
            subsequent_indent=f"{indent}  ",
        )
        lines.append(table_cell(head))
        lines.extend(wrapped or [f"{indent}  "])
    return lines


def _usml_flags(p: USMLParagraph) -> str:
    flags = []
    if p.sme_marked:
        flags.append("*SME")
    if p.mt_marked:
        flags.append("MT" + (f" {p.mt_marked.condition}" if p.mt_marked.condition else ""))
    if p.reserved:
        flags.append("reserved")
    return ", ".join(flags)


def _usml_tree(
    regs: Regulations, paragraphs: tuple[USMLParagraph, ...], top: int
) -> list[dict[str, Any]]:
    return [
        {
            "reference": p.designation,
            "depth": len(p.ref.path) - top,
            "sme": p.sme,
            "mt": (p.mt.designated + (f" ({p.mt.condition})" if p.mt.condition else ""))
            if p.mt
            else None,
            "reserved": p.reserved,
            "flags": _usml_flags(p),
            "text": p.text,
        }
        for p in paragraphs
    ]


_TREE_COLUMNS = ("reference", "depth", "sme", "mt", "reserved", "text")


def _usml_category(regs: Regulations, roman: str, fmt: str) -> None:
    """A whole category: its title, its notes and every paragraph beneath it."""
    category = regs.usml.category(roman)
    tree = _usml_tree(regs, tuple(p for p in regs.usml.paragraphs if p.category == roman), 0)
    if fmt == "csv":
        click.echo(render(tree, "csv", _TREE_COLUMNS))
        return
    record = {
        "category": category.roman,
        "title": category.title,
        "citation": f"22 CFR 121.1, Category {category.roman}",
        "notes": [f"{n.heading}: {n.text}" for n in category.notes],
        "paragraphs": len(tree),
        "law_id": regs.id,
        "as_of": regs.as_of,
    }
    if fmt == "json":
        click.echo(render([], "json", document={**record, "tree": tree}))
        return
    click.echo(render(key_values(record.items()), "table", max_width=100))
    click.echo("")
    click.echo("\n".join(_tree_lines(tree)))


@usml.command("show")
@click.argument("ref")
@common_options
@handles_errors
def usml_show(ref: str, fmt: str, as_of: dt.date | None) -> None:
    """Show a USML category or paragraph and the tree beneath it, e.g. 'XI', 'XI(a)' or
    'Cat. XI(a)(3)(xviii)'."""
    regs = law_for(as_of)
    parsed = parse_usml(ref)
    if not parsed.path:
        _usml_category(regs, parsed.category, fmt)
        return
    p = regs.usml.get(parsed)
    children = regs.usml.children_of(p.ref) if not p.range_end else ()
    below = regs.usml.descendants_of(p.ref) if not p.range_end else ()
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
    tree = _usml_tree(regs, below, len(p.ref.path))
    if fmt == "json":
        click.echo(render([], "json", document={**record, "tree": tree}))
        return
    emit_record(record, fmt)
    if fmt == "table" and tree:
        click.echo("")
        click.echo("\n".join(_tree_lines(tree)))


# --- eccn ------------------------------------------------------------------------------------
@main.group()
def eccn() -> None:
    """Look up the Commerce Control List (15 CFR part 774, Supp. No. 1)."""


def _control_row(c: ParagraphControl) -> dict[str, Any]:
    return {
        "reason": c.reason,
        "applies": c.applies,
        "status": c.status,
        "note": c.note,
        "control": c.control,
        "country_chart": c.country_chart,
        "columns": list(c.columns),
    }


_STATUS_WORDS = {
    "entire entry": "applies: entire entry",
    "named": "applies: the row names this paragraph",
    "in part": "applies in part",
    "conditional": "applies, with a condition",
    "unread": "applies",
    "excepted": "does not apply: excepted",
    "not named": "does not apply: the row names other paragraphs",
}


def _eccn_tree(e: ECCN, parsed: ECCNRef) -> list[dict[str, Any]]:
    return [
        {
            "reference": str(item.ref),
            "depth": depth,
            "reserved": item.reserved,
            "reasons_for_control": list(e.reasons_for_control_for(item.ref)),
            "flags": ", ".join(
                [*(["reserved"] if item.reserved else []), *e.reasons_for_control_for(item.ref)]
            ),
            "text": item.text,
            "notes": list(item.notes),
        }
        for depth, item in e.tree(parsed)
    ]


@eccn.command("show")
@click.argument("ref")
@click.option(
    "--tree", "show_tree", is_flag=True, help="Also list the item paragraphs beneath, with text."
)
@common_options
@handles_errors
def eccn_show(ref: str, show_tree: bool, fmt: str, as_of: dt.date | None) -> None:
    """Show one ECCN, e.g. '9A610', or one of its item paragraphs, e.g. '5A992.c'.

    The reasons for control and Country Chart columns are those that apply to the paragraph
    shown: each row of the ECCN's License Requirements table is read for it (a row whose
    scope is written in words is shown as applying, with a note).  --tree lists the item
    paragraphs beneath, with their text.
    """
    regs = law_for(as_of)
    parsed = parse_eccn(ref)
    e = regs.ccl.get(parsed)
    item = e.item(parsed) if parsed.path else None
    controls = e.controls_for(parsed)
    record = {
        "eccn": e.eccn,
        "citation": e.citation if item is None else f"{e.citation} (paragraph {item.ref})",
        "heading": e.heading,
        "item": str(item.ref) if item else None,
        "item_text": item.text if item else None,
        "reasons_for_control": list(e.reasons_for_control_for(parsed)),
        "country_chart_columns": list(e.country_chart_columns_for(parsed)),
        "eccn_reasons_for_control": list(e.reasons_for_control),
        "eccn_country_chart_columns": list(e.country_chart_columns),
        "license_requirements": [_control_row(c) for c in controls],
        "related_controls": e.related_controls,
        "600_series": e.is_600_series,
        "9x515": e.is_9x515,
        "items": len(e.items),
        "edition": e.heading_edition,
        "items_edition": e.items_edition,
        "law_id": regs.id,
        "as_of": regs.as_of,
    }
    tree = _eccn_tree(e, parsed) if show_tree else []
    if fmt == "json":
        click.echo(render([], "json", document={**record, **({"tree": tree} if show_tree else {})}))
        return
    if fmt == "csv":
        if show_tree:
            click.echo(
                render(
                    tree, "csv", ("reference", "depth", "reserved", "reasons_for_control", "text")
                )
            )
        else:
            flat = {
                **record,
                "license_requirements": [
                    f"{c.control} [{c.country_chart or ''}]: {_STATUS_WORDS[c.status]}"
                    for c in controls
                ],
            }
            click.echo(render([flat], "csv"))
        return
    shown = {k: v for k, v in record.items() if k != "license_requirements"}
    click.echo(render(key_values(shown.items()), "table", max_width=100))
    if controls:
        click.echo("")
        rows = [
            {
                "reason": c.reason or "",
                "for this paragraph" if item else "for the ECCN": _STATUS_WORDS[c.status]
                + (f" ({c.note})" if c.note else ""),
                "country chart": ", ".join(c.columns) or (c.country_chart or ""),
                "license requirement": c.control,
            }
            for c in controls
        ]
        click.echo(render(rows, "table", max_width=45))
    if tree:
        click.echo("")
        click.echo("\n".join(_tree_lines(tree)))


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


# ``usml search`` and ``eccn search`` live with ``exportctl search`` (cli/search.py).
usml.add_command(usml_search)
eccn.add_command(eccn_search)
