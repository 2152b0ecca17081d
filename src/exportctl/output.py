"""Turning library values into rows for people (tables) and machines (JSON, CSV)."""

from __future__ import annotations

import csv
import datetime as dt
import enum
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs
from tabulate import tabulate

from .references import ECCNRef, USMLRef

__all__ = ["FORMATS", "render", "to_jsonable"]

FORMATS = ("table", "json", "csv")


def to_jsonable(value: Any) -> Any:
    """attrs instances, references, dates, enums and containers as plain JSON values."""
    if isinstance(value, (USMLRef, ECCNRef)):
        return str(value)
    if attrs.has(type(value)):
        return {
            f.name.lstrip("_"): to_jsonable(getattr(value, f.name))
            for f in attrs.fields(type(value))
            if f.repr is not False
        }
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Mapping):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (frozenset, set)):
        return sorted(to_jsonable(v) for v in value)
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    return value


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
        return json.dumps(to_jsonable(payload), ensure_ascii=False, indent=2)
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(cols)
        for r in rows:
            writer.writerow([_cell(r.get(c)) for c in cols])
        return buf.getvalue().rstrip("\n")
    body = [[_cell(r.get(c)) for c in cols] for r in rows]
    table: str = tabulate(body, headers=cols, tablefmt="simple", maxcolwidths=max_width)
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
