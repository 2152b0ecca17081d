"""``exportctl search``, ``usml search``, ``eccn search``: ranked search over the USML and the CCL.

(``usml search`` and ``eccn search`` are added to their groups by :mod:`~exportctl.cli.lookups`:
this module does not import the look-ups, so ``screen``, which reads its suggestions, does not.)

A thin layer over :mod:`exportctl.search`: the index of the editions in force on ``--as-of``
(:func:`exportctl.search.index_for`), one row per hit with the paragraph's path (category ->
paragraph), its SME/MT designations or the reasons for control that apply to it, and the words
that matched.  Search finds paragraphs to read; it decides nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import click

from exportctl.cli.base import EXIT_USAGE, common_options, fail, handles_errors, law_for, main
from exportctl.cli.output import render

if TYPE_CHECKING:  # the search package is imported when a search runs (start-up of screen)
    from exportctl.corpus.law import Law
    from exportctl.search import Hit, Suggestion

__all__ = [
    "SEARCH_NOTICE",
    "hit_record",
    "path_text",
    "search_command",
    "suggestion_cell",
    "suggestion_record",
    "suggestions_for",
]

SEARCH_NOTICE = (
    "Search results are paragraphs to read, ranked by how well their words match the query; "
    "they are not a classification and no decision rests on them."
)

#: The columns of a hit in CSV output (JSON has these and the glossary matches).
CSV_COLUMNS = (
    "rank",
    "regime",
    "kind",
    "reference",
    "path",
    "score",
    "sme",
    "mt",
    "reasons_for_control",
    "country_chart_columns",
    "eccn",
    "eccn_reasons_for_control",
    "matched",
    "matched_context",
    "glossary",
    "citation",
    "text",
)
TABLE_COLUMNS = ("rank", "reference", "path", "controls", "matched", "text")


def path_text(path: tuple[str, ...]) -> str:
    """A paragraph's path as people read it: ``Category XI — … → XI(a) → XI(a)(3)``."""
    return " → ".join(path)


def _controls(hit: Hit) -> str:
    """SME/MT of a USML paragraph, or the reasons for control that apply to a CCL paragraph."""
    if hit.regime == "usml":
        if hit.kind == "category":
            return ""
        flags = ["SME" if hit.sme else "not SME"]
        if hit.mt:
            flags.append(hit.mt)
        return ", ".join(flags)
    text = ", ".join(hit.reasons_for_control) or "no reason listed"
    if hit.reasons_for_control != hit.eccn_reasons_for_control:
        text += f" (ECCN {hit.eccn}: {', '.join(hit.eccn_reasons_for_control) or 'none'})"
    return text


def _glossary(hit: Hit) -> list[str]:
    return [f"{g.term} → {', '.join(g.expansions)}" for g in hit.glossary]


def hit_record(rank: int, hit: Hit) -> dict[str, Any]:
    """One hit as a flat record (every output format reads from it)."""
    return {
        "rank": rank,
        "regime": hit.regime,
        "kind": hit.kind,
        "reference": hit.reference,
        "path": path_text(hit.path),
        "score": hit.score,
        "sme": hit.sme,
        "mt": hit.mt,
        "reasons_for_control": list(hit.reasons_for_control) if hit.regime == "ccl" else None,
        "country_chart_columns": list(hit.country_chart_columns) if hit.regime == "ccl" else None,
        "eccn": hit.eccn,
        "eccn_reasons_for_control": list(hit.eccn_reasons_for_control)
        if hit.regime == "ccl"
        else None,
        "controls": _controls(hit),
        "matched": list(hit.matched),
        "matched_context": list(hit.matched_context),
        "glossary": _glossary(hit),
        "citation": hit.citation,
        "text": hit.text,
    }


def _run(query: str, regime: str, limit: int, fmt: str, as_of: dt.date | None) -> None:
    from exportctl.search import SearchError, index_for

    law = law_for(as_of)
    index = index_for(law)
    try:
        hits = index.search(query, regime=regime, limit=limit)  # type: ignore[arg-type]
    except SearchError as exc:
        fail(str(exc), EXIT_USAGE)
    records = [hit_record(n, h) for n, h in enumerate(hits, start=1)]
    if not records:
        where = {"usml": "USML paragraph", "ccl": "CCL entry", "both": "USML or CCL paragraph"}
        click.echo(f"exportctl: no {where[regime]} matches {query!r}", err=True)
    if fmt == "json":
        document = {
            "query": query,
            "regime": regime,
            "as_of": law.as_of,
            "law_id": law.id,
            "editions": {d: law.edition(d).file for d in ("usml", "ccl")},
            "edition_key": index.edition_key,
            "notice": SEARCH_NOTICE,
            "hits": [{k: v for k, v in r.items() if k != "controls"} for r in records],
        }
        click.echo(render([], "json", document=document))
    elif fmt == "csv":
        click.echo(render(records, "csv", CSV_COLUMNS))
    else:
        rows = [
            {
                **r,
                "matched": ", ".join(dict.fromkeys([*r["matched"], *r["matched_context"]])),
                "text": r["text"][:300],
            }
            for r in records
        ]
        if rows:
            click.echo(render(rows, "table", TABLE_COLUMNS, max_width=40))
            click.echo(f"exportctl: {SEARCH_NOTICE}", err=True)
    if index.cache_path is None and index.cache_note:
        click.echo(f"exportctl: note: search {index.cache_note}", err=True)


_REGIME = click.Choice(["usml", "ccl", "both"])


@main.command("search")
@click.argument("query")
@click.option(
    "--regime",
    type=_REGIME,
    default="both",
    show_default=True,
    help="Search the USML, the CCL, or both.",
)
@click.option("--limit", type=click.IntRange(1, 200), default=10, show_default=True)
@common_options
@handles_errors
def search_command(query: str, regime: str, limit: int, fmt: str, as_of: dt.date | None) -> None:
    """Find the USML paragraphs and CCL entries whose words match QUERY.

    Words are stemmed ("torpedo" finds "Torpedoes"), "quoted phrases" must appear as written,
    and a glossary adds the regulations' wording for abbreviations and everyday words (IMU,
    NVG, "bulletproof vest").  Each hit shows its path (category -> paragraph), its SME/MT
    designations or the reasons for control that apply to it, and the words that matched.
    --as-of picks the editions searched.  Results are paragraphs to read, not a classification.
    """
    _run(query, regime, limit, fmt, as_of)


@click.command("search")
@click.argument("text")
@click.option("--limit", type=click.IntRange(1, 200), default=10, show_default=True)
@common_options
@handles_errors
def usml_search(text: str, limit: int, fmt: str, as_of: dt.date | None) -> None:
    """Find the USML paragraphs whose words match TEXT (see `exportctl search`)."""
    _run(text, "usml", limit, fmt, as_of)


@click.command("search")
@click.argument("text")
@click.option("--limit", type=click.IntRange(1, 200), default=10, show_default=True)
@common_options
@handles_errors
def eccn_search(text: str, limit: int, fmt: str, as_of: dt.date | None) -> None:
    """Find the CCL entries and item paragraphs whose words match TEXT (see `exportctl search`)."""
    _run(text, "ccl", limit, fmt, as_of)


# --- suggestions (screen --suggest, the questionnaire) ---------------------------------------


def suggestion_record(s: Suggestion) -> dict[str, Any]:
    """One suggestion as JSON: it says what it is (``kind: "suggestion"``)."""
    return {
        "kind": s.kind,
        "regime": s.regime,
        "reference": s.reference,
        "score": s.score,
        "path": path_text(s.path),
        "citation": s.citation,
        "matched": list(s.matched),
    }


def suggestion_cell(found: tuple[Suggestion, ...]) -> str:
    """Suggestions of one regime as one cell: ``XII(c)(2) [score 12.3]; …``."""
    return "; ".join(f"{s.reference} [score {s.score:.1f}]" for s in found)


def suggestions_for(law: Law, description: str, limit: int = 3) -> tuple[Suggestion, ...]:
    """The suggestions of :func:`exportctl.search.suggest` in the law's editions."""
    from exportctl.search import index_for, suggest

    return suggest(index_for(law), description, limit=limit)
