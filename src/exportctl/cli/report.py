"""``exportctl diff --html FILE``: a self-contained HTML report of a diff.

One file, readable offline: inline CSS, an inline SVG chart of the transitions (from outcome to
outcome, one bar per transition, its count), the transition matrix, the two laws compared (ids,
dates, reforms with their sources) and the rows that changed, each with why.  No script, no
network, no external asset; every value from the input is escaped.  The changed rows kept are
capped (:data:`MAX_ROWS`; the report says how many more there were), so memory stays flat
however long the input.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from exportctl.engine.diff import DiffRow, Transitions

__all__ = ["MAX_ROWS", "HtmlReport"]

#: The most changed rows a report lists (the count of the others is given).
MAX_ROWS = 2000

_CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2em auto;
max-width:72em;color:#1b1f23;padding:0 1em}
h1{font-size:1.5em;margin-bottom:.2em}h2{font-size:1.15em;margin-top:1.6em}
table{border-collapse:collapse;width:100%;margin:.5em 0}
th,td{border:1px solid #d0d7de;padding:.3em .5em;text-align:left;vertical-align:top}
th{background:#f3f5f7}td.n{text-align:right;font-variant-numeric:tabular-nums}
.changed{background:#fff4e5}.note{color:#57606a;font-size:.92em}
.laws td:first-child{white-space:nowrap;font-weight:600}
ul.why{margin:0;padding-left:1.1em}
svg text{font:12px system-ui,sans-serif}
"""


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


class HtmlReport:
    """Collects what a report needs while the diff streams; :meth:`write` writes the file."""

    def __init__(self, title: str, laws: Sequence[tuple[str, str]], kind: str) -> None:
        self.title = title
        self.laws = list(laws)
        self.kind = kind
        self.rows: list[DiffRow] = []
        self.more = 0

    def add(self, row: DiffRow) -> None:
        if not row.changed:
            return
        if len(self.rows) < MAX_ROWS:
            self.rows.append(row)
        else:
            self.more += 1

    def render(self, transitions: Transitions) -> str:
        parts = [
            "<!DOCTYPE html>",
            '<html lang="en"><head><meta charset="utf-8">',
            f"<title>{_e(self.title)}</title>",
            f"<style>{_CSS}</style></head><body>",
            f"<h1>{_e(self.title)}</h1>",
            f'<p class="note">{transitions.rows:,} {_e(self.kind)} decided under both laws; '
            f"<strong>{transitions.changed:,} changed</strong>; "
            f"{transitions.errors:,} with an input error on either side. Results are an aid to, "
            "not a substitute for, an official determination by DDTC or BIS.</p>",
            "<h2>The two laws</h2>",
            '<table class="laws">',
            *(f"<tr><td>{_e(k)}</td><td>{_e(v)}</td></tr>" for k, v in self.laws),
            "</table>",
            "<h2>Transitions</h2>",
            _chart(transitions.matrix()),
            _matrix(transitions.matrix()),
            f"<h2>Changed rows ({transitions.changed:,})</h2>",
            _changed(self.rows, self.kind),
        ]
        if self.more:
            parts.append(
                f'<p class="note">{self.more:,} more changed rows are not listed here (the report '
                f"lists the first {MAX_ROWS:,}); the CSV or JSON lines output has every row.</p>"
            )
        parts.append("</body></html>\n")
        return "\n".join(parts)

    def write(self, path: str | Path, transitions: Transitions) -> None:
        Path(path).write_text(self.render(transitions), encoding="utf-8")


def _matrix(matrix: Iterable[dict[str, Any]]) -> str:
    rows = [
        f'<tr class="{"changed" if m["changed"] else ""}"><td>{_e(m["from_outcome"])}</td>'
        f'<td>{_e(m["to_outcome"])}</td><td class="n">{m["rows"]:,}</td></tr>'
        for m in matrix
    ]
    return (
        "<table><tr><th>from outcome</th><th>to outcome</th><th>rows</th></tr>"
        + "".join(rows)
        + "</table>"
    )


def _chart(matrix: Sequence[dict[str, Any]]) -> str:
    """A horizontal bar per transition (changed ones in orange), labelled with its count."""
    if not matrix:
        return '<p class="note">No rows.</p>'
    label_width, bar_width, height = 300, 420, 22
    top = max(m["rows"] for m in matrix)
    total_height = height * len(matrix) + 10
    bars = []
    for n, m in enumerate(matrix):
        y = 5 + n * height
        width = max(1, round(bar_width * m["rows"] / top))
        color = "#f0883e" if m["changed"] else "#8c959f"
        label = f"{m['from_outcome']} → {m['to_outcome']}"
        bars.append(
            f'<text x="{label_width - 8}" y="{y + 15}" text-anchor="end">{_e(label)}</text>'
            f'<rect x="{label_width}" y="{y + 3}" width="{width}" height="{height - 6}" '
            f'fill="{color}"><title>{_e(label)}: {m["rows"]:,}</title></rect>'
            f'<text x="{label_width + width + 6}" y="{y + 15}">{m["rows"]:,}</text>'
        )
    return (
        f'<svg role="img" aria-label="transitions" width="{label_width + bar_width + 80}" '
        f'height="{total_height}" viewBox="0 0 {label_width + bar_width + 80} {total_height}">'
        + "".join(bars)
        + "</svg>"
    )


def _changed(rows: Sequence[DiffRow], kind: str) -> str:
    if not rows:
        return '<p class="note">No row changed.</p>'
    what = "classification" if kind == "items" else "exemption"
    head = (
        "<tr><th>row</th><th>id</th><th>from</th><th>to</th>"
        f"<th>from {what}</th><th>to {what}</th><th>why</th></tr>"
    )
    body = []
    for r in rows:
        before, after = _detail(r.before, kind), _detail(r.after, kind)
        why = "".join(f"<li>{_e(w)}</li>" for w in r.why)
        body.append(
            f'<tr><td class="n">{r.row}</td><td>{_e(r.subject_id)}</td>'
            f"<td>{_e(r.from_outcome)}</td><td>{_e(r.to_outcome)}</td>"
            f"<td>{_e(before)}</td><td>{_e(after)}</td>"
            f'<td><ul class="why">{why}</ul></td></tr>'
        )
    return "<table>" + head + "".join(body) + "</table>"


def _detail(result: Any, kind: str) -> str:
    if kind == "items":
        d = getattr(result, "decision", None)
        c = d.classification if d is not None else None
        return c.reference if c is not None else ""
    a = getattr(result, "authorization", None)
    return a.exemption or "" if a is not None else ""
