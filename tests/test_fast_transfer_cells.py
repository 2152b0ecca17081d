"""A CSV transfer row read with the cells kept by ``transfer_from_csv_row`` (each column's cell
texts read before under the same law, a party by its role's cells) is the transfer the general
reading gives (``_party`` and ``_transfer`` with nothing kept, every yes/no cell through
``parse_bool``), errors included, whatever rows were read before it, under whichever law: the
examples, the bench's distinct transfers, and generated rows whose cells move between columns,
turn bad and change one at a time (issue 13).  Never a speed assertion here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.test_fast_transfer_rows import _general
from tools import bench

import exportctl
from exportctl.core.dated import OutsideCoverage
from exportctl.core.facts import ContradictoryFacts, FactError
from exportctl.inputs import transfers as tr

LAWS = (exportctl.law("2025-06-01"), exportctl.law("2026-01-15"), exportctl.law("2020-06-01"))


def _outcome(read: Callable[[], tr.Transfer]) -> Any:
    """The transfer, or the error (a date before the data's USML is one too)."""
    try:
        return read()
    except (FactError, ContradictoryFacts, OutsideCoverage) as exc:
        return (type(exc).__name__, str(exc), getattr(exc, "field", None))


def _same(row: Mapping[str, Any], law: exportctl.Law) -> Any:
    kept = _outcome(lambda: tr.transfer_from_csv_row(row, law))
    with pytest.MonkeyPatch.context() as m:
        m.setattr(tr, "_YES_NO", {})  # every yes/no cell through parse_bool
        m.setattr(tr, "_CSV_CELLS", {})  # nothing kept
        general = _outcome(lambda: _general(row, law))
    assert kept == general, (row.get("transfer_id"), law.as_of)
    return kept


def _rows(source: str) -> list[dict[str, str]]:
    if source == "examples":
        return bench.example_rows(bench.TRANSFERS)
    return list(bench.distinct_transfers(300))


@pytest.mark.parametrize("source", ["examples", "distinct"])
def test_real_rows_read_alike_twice_under_each_law(
    source: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tr, "_CSV_CELLS", {})
    rows = list(_rows(source))
    kinds = set()
    for law in LAWS:
        for _ in range(2):  # read and kept, then read from what is kept
            kinds.update(type(_same(row, law)).__name__ for row in rows)
    assert "Transfer" in kinds
    assert tr._CSV_CELLS  # the kept reading is the one compared


#: Cells that read under some columns and not others (a country, a kind, a yes/no, a USML
#: paragraph, a list, an amount) and bad ones.
CELLS = st.sampled_from(
    [
        "",
        " ",
        "none",
        "GB",
        "au",
        "XX",
        "yes",
        "no",
        "maybe",
        "us_person",
        "other",
        "robot",
        "export",
        "article",
        "XI(a)(3)(i)",
        "XI(z)",
        "XI",
        "GB; AU",
        "4800",
        "$4,800",
        "-3",
        "999999999999999999999",
        "basic_operations_maintenance_training",
    ]
)


@settings(max_examples=120, deadline=None)
@given(st.data())
def test_generated_rows_read_alike_whatever_was_read_before(data: st.DataObject) -> None:
    """A sequence of rows, each one cell off a distinct transfer's, read with one set of kept
    cells: a text kept for a column is never taken for another, nor under another law, and a
    bad cell raises its error each time."""
    rows = list(bench.distinct_transfers(6, seed=data.draw(st.integers(0, 50))))
    columns = sorted(rows[0])
    with pytest.MonkeyPatch.context() as m:
        m.setattr(tr, "_CSV_CELLS", {})
        for _ in range(data.draw(st.integers(1, 8))):
            row = dict(data.draw(st.sampled_from(rows)))
            for column in data.draw(st.lists(st.sampled_from(columns), max_size=3)):
                row[column] = data.draw(CELLS)
            _same(row, data.draw(st.sampled_from(LAWS)))


def test_a_party_is_kept_by_its_own_cells_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """The kept party of a role is read again when one of its cells changes, and kept when a
    cell outside its role changes (the tuple of its cells is all that it reads)."""
    monkeypatch.setattr(tr, "_CSV_CELLS", {})
    law = LAWS[0]
    row = next(r for r in bench.distinct_transfers(50) if r["recipient_country"])
    first = _same(row, law)
    assert isinstance(first, tr.Transfer)
    for column, cell in (("transferor_kind", "other"), ("recipient_kind", "robot")):
        for changed in ({**row, column: cell}, {**row, "recipient_not_debarred": "no"}):
            _same(changed, law)
    recipient = next(p for p in first.parties or () if p.role == "recipient")
    again = _same({**row, "to_country": "CA", "classified": "yes"}, law)
    assert recipient in again.parties


def test_the_kept_cells_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tr, "_CSV_CELLS", {})
    monkeypatch.setattr(tr, "CELLS_KEPT", 5)
    law = LAWS[0]
    for row in bench.distinct_transfers(60):
        _same(row, law)
    kept = tr._csv_cells(law)
    tables = [*kept.fields.values(), *kept.answers.values(), *kept.parties.values()]
    assert max(map(len, tables)) <= 5
    assert max(map(len, tables)) >= 1


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0123456789", max_size=25) | st.sampled_from(["٣", "²", "1_000", "+1"]))
def test_an_amount_of_plain_digits_reads_as_the_pattern_reads_it(cell: str) -> None:
    """Plain digits (read at once) read as the same cell after a space (read by the pattern,
    which strips it): the same amount, or an error for both (its message shows the cell)."""
    plain = _outcome(lambda: tr._value("value_usd", cell))
    spaced = _outcome(lambda: tr._value("value_usd", f" {cell}"))
    assert plain == spaced or (type(plain) is tuple and plain[0] == spaced[0] == "FactError")
