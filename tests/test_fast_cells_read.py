"""The candidate cells and answer cells of a CSV row, read through tables kept per field and per
column (issue 13), give what the general reading gives.

``inputs/items`` reads a ``usml_candidates`` or ``eccn_candidates`` cell through a bounded table
of that field's parsed cell texts (``_cell_reader``), and the answer cells of a row read by its
cells (``facts_from_cells``) through each column's table of usual cells.  Compared here with the
uncached reading of a cell (``_parse_refs``) and with the row read as a mapping
(``facts_from_csv_row``, which reads answers by its own loop), on the example parts list, on
generated distinct rows (tools/bench.py) and on generated cells; the tables are checked to stay
within their bound.  Nothing here measures speed.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.test_fast_screen_cells import _REF_TEXT
from tools import bench

import exportctl
from exportctl.core.facts import ContradictoryFacts, FactError
from exportctl.corpus.eccn_references import parse_eccn
from exportctl.corpus.references import parse_usml
from exportctl.inputs import items
from exportctl.inputs.items import facts_from_cells, facts_from_csv_row

LAW = exportctl.law("2025-06-01")

#: Each candidate field: its reader (kept table) and its parser.
_FIELDS = [
    ("usml_candidates", items._usml_cells, parse_usml),
    ("eccn_candidates", items._eccn_cells, parse_eccn),
]


def _outcome(read: Any, *args: Any) -> Any:
    """What ``read(*args)`` gives, or the error it raises (type, field, message)."""
    try:
        return read(*args)
    except (FactError, ContradictoryFacts) as exc:
        return type(exc), getattr(exc, "field", None), str(exc)


def _rows() -> Iterator[dict[str, str]]:
    yield from bench.example_rows(bench.PARTS)
    yield from bench.distinct_parts(400, seed=41)


def _check_cell(field: str, reader: Any, parse: Any, text: Any) -> None:
    """The reader's value of a cell, read twice (the second time from its table when kept), is
    the uncached reading's: the same references (equal, in order) or the same error."""
    expected = _outcome(items._parse_refs, field, text, parse)
    assert _outcome(reader, text) == expected
    assert _outcome(reader, text) == expected


@pytest.mark.parametrize(("field", "reader", "parse"), _FIELDS)
def test_candidate_cells_of_real_and_generated_rows_read_as_uncached(
    field: str, reader: Any, parse: Any
) -> None:
    texts = [row[field] for row in _rows()]
    assert len(set(texts)) > 100  # distinct cells, not one pattern
    for text in texts:
        _check_cell(field, reader, parse, text)
        _check_cell(field, reader, parse, f" {text} ")


_CELL_TEXT = _REF_TEXT | st.text(max_size=8)


@settings(max_examples=400, deadline=None)
@given(_CELL_TEXT, st.sampled_from(_FIELDS))
def test_any_candidate_cell_reads_as_uncached(text: str, field_reader: Any) -> None:
    _check_cell(*field_reader, text)


@pytest.mark.parametrize(("field", "reader", "parse"), _FIELDS)
def test_values_that_are_no_text_read_as_uncached(field: str, reader: Any, parse: Any) -> None:
    """JSON input gives lists, None, numbers: read as the general reading reads them (not kept)."""
    for value in (None, [], ["XI(a)(10)"], ("3A001.a", "3A001.a"), 7, {"a": 1}, True):
        before = len(reader.table)
        assert _outcome(reader, value) == _outcome(items._parse_refs, field, value, parse)
        assert len(reader.table) == before


def test_a_fields_table_stays_within_its_bound() -> None:
    """More distinct texts than the bound: the table never holds more than the bound, and a text
    read after the table was emptied is read again, the same."""
    reader = items._eccn_cells
    reader.table.clear()
    paras = ["3A001.a", "3A001.b", "3A001.c", "3A001.d", "3A001.e"]
    texts = [f"{paras[i % 5]}.{i // 5 + 1};{paras[(i + 1) % 5]}" for i in range(20_000)]
    seen = 0
    for text in texts:
        reader(text)
        seen = max(seen, len(reader.table))
    assert seen == items.CELLS_KEPT
    assert len(reader.table) < items.CELLS_KEPT
    assert reader(texts[0]) == items._parse_refs("eccn_candidates", texts[0], parse_eccn)


# --- answer cells ------------------------------------------------------------------------------


def _same_facts(header: list[str], cells: list[str]) -> Any:
    fast = _outcome(facts_from_cells, header, cells, LAW.ruleset)
    slow = _outcome(facts_from_csv_row, dict(zip(header, cells, strict=True)), LAW.ruleset)
    assert fast == slow
    if type(fast) is not tuple:
        # the answers in the order of the columns (a dict compares equal in any order)
        assert list(fast.answers.items()) == list(slow.answers.items())
    return fast


def test_answer_cells_of_real_and_generated_rows_read_as_the_rows_answers() -> None:
    rows = list(_rows())
    header = list(rows[0])
    read = [_same_facts(header, [row[c] for c in header]) for row in rows]
    answered = [f for f in read if type(f) is not tuple and f.answers]
    assert len(answered) > 100
    assert any(False in f.answers.values() for f in answered)
    assert any(True in f.answers.values() for f in answered)


#: The cells read through a column's table, and cells that are not (read by the general loop,
#: or refused): a row gets at most one of the second kind, most rows none.
_USUAL = st.sampled_from(["", "yes", "no", "Yes", "NO", "TRUE", "false", "y", "N", "1", "0", "t"])
_UNUSUAL = st.sampled_from([" yes", "no ", "perhaps", "YES ", "\tno", "maybe"])


@settings(max_examples=400, deadline=None)
@given(st.data())
def test_any_answer_cells_read_as_the_rows_answers(data: st.DataObject) -> None:
    rows = list(bench.example_rows(bench.PARTS))
    header = list(rows[0])
    answers = [c for c in header if c in LAW.ruleset.answer_facts]
    header = data.draw(st.permutations(header))
    row = dict(data.draw(st.sampled_from(rows)))
    for column in answers:
        row[column] = data.draw(_USUAL)
    if data.draw(st.integers(0, 3)) == 0:
        row[data.draw(st.sampled_from(answers))] = data.draw(_UNUSUAL)
    _same_facts(header, [row[c] for c in header])


# --- kind cells --------------------------------------------------------------------------------

_KIND = st.sampled_from(
    ["", " ", "part", "Part", " PART ", "end-item", "end item", "End_Item", "software",
     "firmware", "technical-data", "spaceship", "parts", "é", "\udcff"]
) | st.text(max_size=5)


@settings(max_examples=300, deadline=None)
@given(st.lists(_KIND, min_size=1, max_size=6), st.booleans())
def test_kind_cells_read_as_the_rows_kind(kinds: list[str], fresh: bool) -> None:
    """Rows of one header with these kind cells (read again: from the plan's table) give the
    kind, or the error, the row read as a mapping gives."""
    first = next(iter(bench.example_rows(bench.PARTS)))
    header = list(first) if not fresh else list(first)[::-1]
    for kind in [*kinds, *kinds]:
        _same_facts(header, [kind if c == "item_kind" else first[c] for c in header])
