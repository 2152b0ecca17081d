"""Turning library values into rows for people (tables) and machines (JSON, CSV).

Output is safe to open, whatever the input held:

* **CSV**: a text cell that a spreadsheet would run as a formula -- one that starts with ``=``,
  ``+``, ``-`` or ``@`` (after any leading whitespace, which spreadsheets strip), or with a tab or
  a carriage return -- is written with a single quote ``'`` in front (OWASP, "CSV Injection").
  Numbers the tool computes (row numbers, scores) are written as they are.  Cells with line
  breaks (``\\n`` or ``\\r``) are quoted, so the output reads back one row per record.
* **Tables** (for terminals): escape sequences and control characters (C0, DEL, C1) and the
  Unicode bidirectional controls are removed from every cell; a tab or line break becomes a
  space.
* **JSON**: control characters (and the bidirectional controls) are escaped (``\\u001b``,
  ``\\u009b``); the value read back is the same.

Input bytes that could not be decoded never reach the output as such: they are written as
``\\xNN`` escapes.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from exportctl.core.jsonable import to_jsonable
from exportctl.inputs.readers import escape_surrogates

__all__ = ["FORMATS", "CsvWriter", "csv_cell", "json_text", "render", "table_cell", "to_jsonable"]


FORMATS = ("table", "json", "csv")


def _cell(value: Any) -> str:
    value = to_jsonable(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return "; ".join(_cell(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


#: A cell a spreadsheet would evaluate: =, +, - or @ after optional whitespace; or a leading
#: tab or carriage return (after optional spaces).
_FORMULA = re.compile(r"^\s*[=+\-@]|^ *[\t\r]")

#: Terminal escape sequences: CSI (ESC [ or the C1 CSI), OSC (ESC ]) up to its terminator,
#: DCS/SOS/PM/APC strings, and two-character ESC sequences.
_ESCAPE_SEQUENCE = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?"
    r"|(?:\x1b\]|\x9d)[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
    r"|(?:\x1b[PX^_]|[\x90\x98\x9e\x9f])[^\x1b\x9c]*(?:\x1b\\|\x9c)?"
    r"|\x1b[ -~]?"
)
#: C0 and C1 controls, DEL, and the Unicode bidirectional formatting characters.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
#: Characters json.dumps(ensure_ascii=False) leaves raw that a terminal may act on (C1, DEL, the
#: line separators and the bidirectional controls).
_JSON_RAW_CONTROL = re.compile(r"[\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]")


def csv_cell(value: Any) -> Any:
    """One CSV cell: numbers as they are; text neutralised if a spreadsheet would run it."""
    value = to_jsonable(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)):
        return value
    text = escape_surrogates(_cell(value))
    return "'" + text if _FORMULA.match(text) else text


class CsvWriter:
    """csv.writer with ``\n`` line ends that also quotes cells holding a carriage return.

    With ``lineterminator="\n"`` the csv module quotes a cell with ``\n`` but not one with a bare
    ``\r``, which a reader then takes for a line end: such a row is written with every cell
    quoted, so the output reads back one row per record.
    """

    def __init__(self, stream: Any) -> None:
        self._minimal = csv.writer(stream, lineterminator="\n")
        self._all = csv.writer(stream, lineterminator="\n", quoting=csv.QUOTE_ALL)

    def writerow(self, cells: Sequence[Any]) -> None:
        if any(isinstance(c, str) and "\r" in c for c in cells):
            self._all.writerow(cells)
        else:
            self._minimal.writerow(cells)


def table_cell(value: Any) -> str:
    """One table cell for a terminal: no escape sequences or control characters."""
    text = escape_surrogates(_cell(value))
    text = _ESCAPE_SEQUENCE.sub("", text)
    return _CONTROL.sub(lambda m: " " if m.group() in "\t\n\r" else "", text)


def json_text(value: Any, *, indent: int | None = None) -> str:
    """JSON text of a value; controls a terminal may act on are escaped (the value is the same)."""
    text = json.dumps(to_jsonable(value), ensure_ascii=False, indent=indent)
    return _JSON_RAW_CONTROL.sub(lambda m: f"\\u{ord(m.group()):04x}", escape_surrogates(text))


def render(
    rows: Sequence[Mapping[str, Any]],
    fmt: str,
    columns: Sequence[str] | None = None,
    *,
    document: Any = None,
    max_width: int | None = 80,
) -> str:
    """Rows as a table, CSV, or JSON (``document`` replaces the rows in JSON when given)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    cols = list(columns or (rows[0].keys() if rows else []))
    if fmt == "json":
        payload = document if document is not None else [{c: r.get(c) for c in cols} for r in rows]
        return json_text(payload, indent=2)
    if fmt == "csv":
        buf = io.StringIO()
        writer = CsvWriter(buf)
        writer.writerow([csv_cell(c) for c in cols])
        for r in rows:
            writer.writerow([csv_cell(r.get(c)) for c in cols])
        return buf.getvalue().rstrip("\n")
    body = [[table_cell(r.get(c)) for c in cols] for r in rows]
    headers = [table_cell(c) for c in cols]
    from tabulate import tabulate  # only for a table: importing it costs ~40 ms of start-up

    table: str = tabulate(body, headers=headers, tablefmt="simple", maxcolwidths=max_width)
    return table


def key_values(pairs: Iterable[tuple[str, Any]]) -> list[dict[str, Any]]:
    """A vertical 'field | value' table for one record."""
    return [{"field": k, "value": _cell(v)} for k, v in pairs]


def decision_record(decision: Any) -> dict[str, Any]:
    """A decision as one JSON object (everything, including the trace)."""
    record: dict[str, Any] = decision.to_dict()
    return record


def trace_rows(decision: Any) -> list[dict[str, Any]]:
    """The trace of a decision as table rows: step, rule (CFR paragraph), outcome, facts, why."""
    return [
        {
            "step": n,
            "rule": s.rule,
            "outcome": s.outcome,
            "facts": ", ".join(f"{k}={_cell(v) or '?'}" for k, v in s.facts.items()),
            "why": s.detail,
        }
        for n, s in enumerate(decision.trace, start=1)
    ]
