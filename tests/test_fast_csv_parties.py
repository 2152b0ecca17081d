"""A CSV row's party read from its cells (``_csv_party``: the role's cells in column order, the
checks its fixed columns cannot fail left out) is the party ``_party`` reads from the same
cells as a mapping, errors included — for the parties of the bench's distinct transfers and
for generated cells (bad countries and kinds, any yes/no cell, contradictory flags) (issue 13).
tests/test_fast_transfer_rows.py compares whole rows.  Never a speed assertion here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tools import bench

import exportctl
from exportctl.core.facts import ContradictoryFacts, FactError
from exportctl.inputs import transfers as tr

LAW = exportctl.law("2025-06-01")
FINAL = exportctl.law("2026-01-15")


def _outcome(read: Callable[[], tr.Party]) -> Any:
    try:
        return read()
    except (FactError, ContradictoryFacts) as exc:
        return (type(exc).__name__, str(exc), getattr(exc, "field", None))


def _same(role: str, cells: list[Any], law: exportctl.Law) -> Any:
    fields = ("country", "kind", *tr.PARTY_FLAGS)
    raw = {"role": role, **dict(zip(fields, cells, strict=True))}
    fast = _outcome(lambda: tr._csv_party(role, cells, law))
    assert fast == _outcome(lambda: tr._party(raw, role, law)), (role, cells)
    return fast


def test_the_fast_reading_is_the_one_used() -> None:
    assert tr._CSV_PARTY_FAST
    assert set(tr._CSV_ROLE_CHOICES) == set(tr.CSV_ROLES)


@pytest.mark.parametrize("law", [LAW, FINAL], ids=["2025-06-01", "2026-01-15"])
def test_the_parties_of_distinct_transfers_read_alike(law: exportctl.Law) -> None:
    kinds = set()
    for row in bench.distinct_transfers(300):
        for role, _, columns in tr._CSV_PARTIES:
            cells = [row.get(c) for c in columns]
            if any(c not in (None, "") for c in cells):
                found = _same(role, cells, law)
                kinds.add(type(found).__name__)
    assert "Party" in kinds


COUNTRIES = st.sampled_from([None, "", "GB", "au", " US ", "XX", "G", "IR", "CU", 7, "ſS"])
KINDS = st.sampled_from([None, "", "us_person", "US Government", "uk-government", "robot"])
FLAGS = st.sampled_from([None, "", "yes", "no", "Yes", " NO ", "y", "true", "maybe", "1"])


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(tr.CSV_ROLES),
    COUNTRIES,
    KINDS,
    st.lists(FLAGS, min_size=len(tr.PARTY_FLAGS), max_size=len(tr.PARTY_FLAGS)),
)
def test_generated_cells_read_alike(role: str, country: Any, kind: Any, flags: list[Any]) -> None:
    _same(role, [country, kind, *flags], LAW)


def test_contradictory_flags_raise_alike() -> None:
    flags = dict.fromkeys(tr.PARTY_FLAGS, "yes")
    flags["not_debarred"] = "no"
    found = _same("recipient", ["GB", "us_person", *flags.values()], LAW)
    assert found[0] == "ContradictoryPartyFacts"
