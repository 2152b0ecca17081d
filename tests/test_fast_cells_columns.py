"""A CSV row read by its cells (``facts_from_cells``) under a header that lacks some of the item's
fields gives what the row read as a mapping gives (issue 13).

The header's plan reads a field without a column as a None added after the cells, and skips
adding it when every field has a column (``_CellsPlan.every_field``); a candidate cell is looked
up in its field's table before the reader is called.  Compared here with
``facts_from_csv_row`` (through ``test_fast_cells_read._same_facts``) on the example parts list
and on generated distinct rows, under headers with fields dropped and columns reordered.
Nothing here measures speed.
"""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st
from tests.test_fast_cells_read import _rows, _same_facts

from exportctl.inputs.items import FIELDS

_ROWS = list(_rows())
_DROPPABLE = [f for f in FIELDS if f != "item_id"]


def _read_without(dropped: list[str], order: list[int] | None = None) -> None:
    header = [c for c in _ROWS[0] if c not in dropped]
    if order is not None:
        header = [header[i] for i in order]
    for row in _ROWS[:: 7 if order is not None else 1]:
        _same_facts(header, [row[c] for c in header])


def test_rows_read_without_each_field_as_the_rows_mapping() -> None:
    for field in _DROPPABLE:
        _read_without([field])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(_DROPPABLE), unique=True), st.randoms(use_true_random=False))
def test_rows_read_without_some_fields_as_the_rows_mapping(
    dropped: list[str], rnd: random.Random
) -> None:
    width = len([c for c in _ROWS[0] if c not in dropped])
    order = list(range(width))
    rnd.shuffle(order)
    _read_without(dropped, order)
