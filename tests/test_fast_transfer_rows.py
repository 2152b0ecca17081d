"""A CSV transfer row read with the shortcuts of ``transfer_from_csv_row`` (a role's cells
taken at once, the commonest yes/no cells read from a table) is the transfer the general
reading gives (every yes/no cell through ``parse_bool``, a role a party when one of its cells
is neither missing nor blank), errors included (issue 13).  Never a speed assertion here.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tools import bench

import exportctl
from exportctl.core.facts import ContradictoryFacts, FactError
from exportctl.inputs import transfers as tr
from exportctl.inputs.items import parse_bool

ROOT = Path(__file__).resolve().parents[1]
LAW = exportctl.law("2025-06-01")
HEADER = bench.header_of(bench.TRANSFERS)


def _general(row: Mapping[str, Any], law: exportctl.Law) -> tr.Transfer:
    """``transfer_from_csv_row`` as written before the shortcuts."""
    if None in row:
        raise FactError("row", "has more cells than the header has columns")
    parties = []
    for role, cols in tr._CSV_PARTY_COLUMNS:
        values = {f: row.get(c) for f, c in cols}
        if any(v not in (None, "") for v in values.values()):
            parties.append(tr._party({"role": role, **values}, role, law))
    answers = {k: v for k, v in row.items() if k not in tr._NOT_ANSWERS}
    has_party_columns = any(c in row for c in tr._CSV_PARTY_FIELDS)
    return tr._transfer(row, tuple(parties) if has_party_columns else None, answers, law)


def _outcome(read: Callable[[], tr.Transfer]) -> Any:
    try:
        return read()
    except (FactError, ContradictoryFacts) as exc:
        return (type(exc).__name__, str(exc), getattr(exc, "field", None))


def _same(row: Mapping[str, Any], monkeypatch: pytest.MonkeyPatch) -> Any:
    fast = _outcome(lambda: tr.transfer_from_csv_row(row, LAW))
    with monkeypatch.context() as m:
        m.setattr(tr, "_YES_NO", {})  # every yes/no cell through parse_bool
        general = _outcome(lambda: _general(row, LAW))
    assert fast == general, row.get("transfer_id")
    return fast


def test_the_yes_no_table_reads_as_parse_bool() -> None:
    assert tr._YES_NO  # the shortcut is the one used
    for cell, value in tr._YES_NO.items():
        assert parse_bool("f", cell) is value
        assert tr._yes_no(cell, "f") is value
    for cell in ("Yes", " no", "TRUE", "n", "maybe", 1, True, False, 0, [], "ſ"):
        assert _outcome(lambda c=cell: tr._yes_no(c, "f", lambda f: f"x.{f}")) == _outcome(  # type: ignore[misc]
            lambda c=cell: parse_bool("x.f", c)  # type: ignore[misc]
        )


def test_the_examples_read_alike(monkeypatch: pytest.MonkeyPatch) -> None:
    with open(ROOT / "examples" / "transfers.csv", newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            assert isinstance(_same(row, monkeypatch), tr.Transfer)


def test_distinct_transfers_read_alike(monkeypatch: pytest.MonkeyPatch) -> None:
    parties = set()
    for row in bench.distinct_transfers(300):
        found = _same(row, monkeypatch)
        if isinstance(found, tr.Transfer):
            parties.add(len(found.parties or ()))
    assert len(parties) >= 2  # transfers with several numbers of parties


CELLS = st.sampled_from([None, "", " ", "yes", "no", "Yes", "NO", " yes ", "y", "maybe", "GB"])


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_rows_with_any_party_cells_read_alike(data: st.DataObject) -> None:
    base = next(iter(bench.distinct_transfers(1, seed=data.draw(st.integers(0, 50)))))
    row = dict(base)
    for _, cols in tr._CSV_PARTY_COLUMNS:
        for _, column in cols:
            if data.draw(st.booleans()):
                row[column] = data.draw(CELLS)  # type: ignore[assignment]
    for column in ("classified", "anti_tamper_installed"):
        row[column] = data.draw(CELLS)  # type: ignore[assignment]
    with pytest.MonkeyPatch.context() as m:
        _same(row, m)
