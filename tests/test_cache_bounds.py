"""The caches a screen keeps by a row's own cell texts stay bounded, whatever the input.

Issue 13 asks for memory flat in the input size.  The candidate-reference caches (the parsed
cells of ``inputs/items.parse_refs`` and their JSON text in ``engine/classify``) are keyed by
the text of a row's cells, so a file of distinct rows adds an entry on most rows; they are
cut at 16,384 entries (a parts list repeats far fewer candidate texts than that), which a file
of distinct rows reaches in its first ~33,000 rows rather than after 130,000.  A parts list's
rows read their candidate cells through a table per field (``items._cell_reader``, bounded
at ``items.CELLS_KEPT``: ``tests/test_fast_cells_read.py``); ``parse_refs`` and its table
are what a transfer's references (``related_to``, ``specially_designed_for``) read."""

from __future__ import annotations

from exportctl.core.bounded import kept_for
from exportctl.corpus.references import parse_eccn
from exportctl.engine import classify
from exportctl.inputs import items

#: The ECCN paragraphs the cells below combine (real 3A001 paragraphs; the parser reads the
#: reference's form, so any combination is a distinct cell text).
_PARAS = ["3A001.a", "3A001.b", "3A001.c", "3A001.d", "3A001.e"]


def _cells(n: int) -> list[str]:
    """``n`` distinct cell texts: a reference and a numbered sub-paragraph of it."""
    return [f"{_PARAS[i % 5]}.{i // 5 + 1};{_PARAS[(i + 1) % 5]}" for i in range(n)]


def test_parsed_cells_stay_under_their_bound() -> None:
    items._REFS.clear()
    seen = 0
    for text in _cells(20_000):
        items.parse_refs("eccn_candidates", text, parse_eccn)
        seen = max(seen, len(items._REFS))
    assert seen == 16_384
    assert len(items._REFS) < 16_384


def test_json_of_parsed_cells_stays_under_its_bound() -> None:
    classify._REFS_JSON.clear()
    classify._REF_JSON.clear()
    seen = 0
    for text in _cells(20_000):
        refs = items.parse_refs("eccn_candidates", text, parse_eccn)
        assert isinstance(refs, tuple) and len(refs) == 2
        assert classify._refs_json(refs) == "[" + ",".join(f'"{r}"' for r in refs) + "]"
        seen = max(seen, len(classify._REFS_JSON), len(classify._REF_JSON))
    assert seen == 16_384


class _Owner:
    """Something a value is worked out for (a law, most often)."""


def test_a_value_per_owner_is_made_once_and_kept_for_at_most_size_owners() -> None:
    made: list[_Owner] = []

    def make(owner: _Owner) -> int:
        made.append(owner)
        return len(made)

    store: dict[int, tuple[object, int]] = {}
    first, second, third = _Owner(), _Owner(), _Owner()
    assert [kept_for(store, o, make, size=2) for o in (first, first, second, first)] == [1, 1, 2, 1]
    assert made == [first, second]
    assert kept_for(store, third, make, size=2) == 3  # a third owner: the store emptied first
    assert list(store) == [id(third)]
    assert kept_for(store, first, make, size=2) == 4  # worked out again


def test_a_value_kept_for_another_owner_under_the_same_id_is_not_given() -> None:
    owner, other = _Owner(), _Owner()
    store: dict[int, tuple[object, str]] = {id(owner): (other, "other's")}  # an id reused
    assert kept_for(store, owner, lambda o: "owner's") == "owner's"
    assert store[id(owner)] == (owner, "owner's")
