"""A CSV transfer row's answer columns and whether it has a party's column, read once per
header (``inputs.transfers._csv_layout``, issue 13: parsing transfers), give the transfer (or
the error) the general reading gives (``tests.test_fast_transfer_rows._general``: every column
of the row tested against the columns that are not answers), whatever the header: columns
left out, in any order, unknown columns, no party column; rows of several headers read in
turn; at most 64 headers kept.  Never a speed assertion here.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.test_fast_transfer_rows import HEADER, _same
from tools import bench

from exportctl.inputs import transfers as tr

ROWS = list(bench.distinct_transfers(40, seed=7))
EXTRA = ["remarks", "classified ", "parties", "recipient_name"]


def _row(base: dict[str, str], columns: list[str]) -> dict[str, str]:
    return {c: base.get(c, "no") for c in columns}


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(0, len(ROWS) - 1),
            st.permutations(HEADER).flatmap(
                lambda cols: st.lists(st.sampled_from(cols + EXTRA), unique=True)
            ),
        ),
        min_size=1,
        max_size=4,
    )
)
def test_rows_of_any_header_read_alike(picks: list[tuple[int, list[str]]]) -> None:
    with pytest.MonkeyPatch.context() as m:
        for n, columns in picks:
            _same(_row(ROWS[n], ["transfer_id", *columns]), m)


@pytest.mark.parametrize(
    "columns",
    [
        HEADER,
        list(reversed(HEADER)),
        [c for c in HEADER if not c.startswith(("transferor_", "recipient_"))],
        [c for c in HEADER if c not in tr._CSV_PARTY_FIELD_SET],
        [*HEADER, "remarks"],
    ],
)
def test_the_example_headers_read_alike(columns: list[str]) -> None:
    with pytest.MonkeyPatch.context() as m:
        found = [_same(_row(row, columns), m) for row in ROWS[:10]]
    assert found


def test_at_most_64_headers_are_kept() -> None:
    with pytest.MonkeyPatch.context() as m:
        for n in range(70):
            _same(_row(ROWS[0], [*HEADER, f"extra_{n}"]), m)
            assert 0 < len(tr._CSV_LAYOUTS) <= 64
