"""The reader of a CSV row's cells made for its header (``inputs/items._cells_reader``) and the
facts it builds (``_filled``) give what the general reading gives (issue 13).

``facts_from_cells`` reads a row by a function made for its header (each field's cell by its
index, each answer cell by one look-up); the facts are built by writing a plain class's slots
and assigning its class.  Compared here with the row read as a mapping
(``facts_from_csv_row``, through ``test_fast_cells_read._same_facts``) under headers with no,
one or two answer columns and fields missing (the id too), with candidate texts crossed between
the two candidate columns after each was read in its own, and the facts built against attrs'
own ``__init__`` on the example parts list and generated distinct rows.  Nothing here measures
speed.
"""

from __future__ import annotations

from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.test_fast_cells_read import LAW, _outcome, _rows, _same_facts
from tests.test_fast_screen_cells import _CELL

from exportctl.inputs import items
from exportctl.inputs.items import FIELDS, ItemFacts, facts_from_cells, facts_from_csv_row

_ROWS = list(_rows())
_QUESTIONS = [c for c in _ROWS[0] if c in LAW.ruleset.answer_facts]


def _facts(row: dict[str, str]) -> ItemFacts | None:
    try:
        return facts_from_csv_row(row, LAW.ruleset)
    except items.FactError:
        return None


def test_facts_built_by_their_slots_are_attrs_facts() -> None:
    """Each row's field values built by ``_filled`` and by attrs' ``__init__``: the same class,
    the same value in every field (the very objects), equal, with the same repr."""
    assert items._new_facts is items._filled  # this Python assigns the class: the path tested
    names = [f.name for f in attrs.fields(ItemFacts)]
    built = [f for f in map(_facts, _ROWS) if f is not None]
    assert len({f.cj_reference for f in built}) > 1 and len(built) > 300
    for facts in built:
        values = [getattr(facts, name) for name in names]
        made = items._filled(*values)
        assert type(made) is ItemFacts
        assert all(getattr(made, n) is v for n, v in zip(names, values, strict=True))
        assert made == ItemFacts(*values)
        assert repr(made) == repr(ItemFacts(*values))
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        built[0].item_id = "x"  # type: ignore[misc]


def _header(answers: list[str], dropped: tuple[str, ...]) -> list[str]:
    return [*(f for f in FIELDS if f not in dropped), *answers]


@pytest.mark.parametrize("answers", [[], _QUESTIONS[:1], _QUESTIONS[3:5][::-1]])
@pytest.mark.parametrize(
    "dropped", [(), ("item_id",), ("description", "eccn_candidates"), ("usml_candidates",)]
)
def test_rows_under_headers_of_few_answers_read_as_the_rows_mapping(
    answers: list[str], dropped: tuple[str, ...]
) -> None:
    header = _header(answers, dropped)
    read = [_same_facts(header, [row[c] for c in header]) for row in _ROWS[::3]]
    if "item_id" in dropped:
        assert all(type(f) is tuple for f in read)  # the id is required: every row refused
    else:
        assert sum(type(f) is not tuple for f in read) > 100


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_any_cells_under_headers_of_few_answers_read_as_the_rows_mapping(
    data: st.DataObject,
) -> None:
    answers = data.draw(st.lists(st.sampled_from(_QUESTIONS), max_size=3, unique=True))
    dropped = tuple(data.draw(st.lists(st.sampled_from(FIELDS), max_size=3, unique=True)))
    header = data.draw(st.permutations(_header(answers, dropped)))
    for _ in range(data.draw(st.integers(1, 3))):
        _same_facts(header, data.draw(st.lists(_CELL, min_size=len(header), max_size=len(header))))


def _uncached_facts(header: list[str], cells: list[str]) -> Any:
    """The row read as a mapping with both candidate tables emptied first (each cell parsed)."""
    items._USML_KEPT.clear()
    items._ECCN_KEPT.clear()
    return _outcome(facts_from_csv_row, dict(zip(header, cells, strict=True)), LAW.ruleset)


def test_candidate_texts_crossed_between_the_columns_read_as_the_rows_mapping() -> None:
    """A text read first by the cells' reader in one candidate column (kept by it in that
    column's table) and then written in the other is read as that other column reads it (a
    USML text refused as an ECCN, ...), as the row read with no table reads it."""
    header = list(_ROWS[0])
    usml, eccn = header.index("usml_candidates"), header.index("eccn_candidates")
    refused = 0
    for row in _ROWS[:200]:
        cells = [row[c] for c in header]
        crossed = list(cells)
        crossed[usml], crossed[eccn] = cells[eccn], cells[usml]
        for read in (cells, crossed):
            items._USML_KEPT.clear()
            items._ECCN_KEPT.clear()
            _outcome(facts_from_cells, header, cells, LAW.ruleset)  # kept by the reader
            fast = _outcome(facts_from_cells, header, read, LAW.ruleset)
            assert fast == _uncached_facts(header, read)
        refused += type(fast) is tuple
    assert refused > 100
