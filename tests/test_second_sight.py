"""Caches keyed by a row's values keep an entry from the second time its key is met.

Issue 13 asks for memory flat in the input size (1M rows within 1.2x of 100k rows).  The fact
patterns of a screen (``engine/batch._Patterns``), their CSV cells (``cli/screen._ScreenLines``:
now kept by outcome, which distinct rows share) and the classifications kept by a row's other
candidates (``engine/classify``) met a new key on most rows of a file of distinct rows and filled
over hundreds of thousands of rows: the peak grew with the file.  They now keep an entry only
when its key comes again (:class:`exportctl.core.bounded.SecondSight`); the pattern table keeps
its first 256 patterns at once (a chunk that the next repeats is decided once:
``tests/test_jobs_diff.py``)."""

from __future__ import annotations

import gc
import weakref
from collections import Counter
from collections.abc import Hashable
from pathlib import Path

import pytest
from click.testing import CliRunner
from tools import bench

from exportctl.cli import main
from exportctl.cli import screen as screen_cli
from exportctl.core.bounded import SecondSight
from exportctl.engine import batch, classify


def test_a_key_is_kept_from_its_second_sight() -> None:
    seen = SecondSight(3)
    assert [seen.again(k) for k in ("a", "a", "b", "a", "b")] == [False, True, False, True, True]
    assert len(seen) == 2


def test_the_first_sights_are_forgotten_after_size_of_them() -> None:
    seen = SecondSight(3)
    assert [seen.again(k) for k in ("a", "b", "c")] == [False, False, False]
    # The fourth first sight starts again: "a" is new once more, "d" is remembered.
    assert [seen.again(k) for k in ("d", "a", "d")] == [False, False, True]
    assert len(seen) == 2


class _Key:
    def __init__(self, n: int) -> None:
        self.n = n

    def __hash__(self) -> int:
        return self.n

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Key) and other.n == self.n


def test_only_the_hash_of_a_key_is_kept() -> None:
    seen = SecondSight(8)
    key = _Key(12345)
    ref = weakref.ref(key)
    assert seen.again(key) is False
    del key
    gc.collect()
    assert ref() is None  # the key itself is not kept alive
    assert seen.again(_Key(12345)) is True


def test_the_first_patterns_are_kept_at_once_the_others_at_their_second_row() -> None:
    table: batch._Patterns[str] = batch._Patterns(size=8, at_once=2)
    table.keep(("a",), "a")
    table.keep(("b",), "b")
    assert table.get(("a",)) == "a" and table.get(("b",)) == "b"  # the first two: at once
    table.keep(("x",), "first")
    assert table.get(("x",)) is None  # met once: not kept
    table.keep(("x",), "second")
    assert table.get(("x",)) == "second"
    table.keep(("y",), "y")
    assert table.get(("y",)) is None


@pytest.fixture()
def parts(tmp_path: Path) -> Path:
    """Distinct rows (as the bench makes them) and a few repeated example rows."""
    rows = list(bench.distinct_parts(400, seed=11))
    rows += list(bench.repeated(bench.example_rows(bench.PARTS), 60, "item_id"))
    path = tmp_path / "parts.csv"
    bench.write_csv(path, bench.header_of(bench.PARTS), rows)
    return path


def test_the_caches_keep_only_keys_met_again(
    parts: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    met: Counter[tuple[int, Hashable]] = Counter()
    again = SecondSight.again

    def counted(self: SecondSight, key: Hashable) -> bool:
        met[(id(self), key)] += 1
        return again(self, key)

    monkeypatch.setattr(SecondSight, "again", counted)
    lines: list[screen_cli._ScreenLines] = []
    init = screen_cli._ScreenLines.__init__

    def kept(self: screen_cli._ScreenLines) -> None:
        init(self)
        lines.append(self)

    monkeypatch.setattr(screen_cli._ScreenLines, "__init__", kept)
    for cache, sight in (
        (classify._CLASSIFICATIONS, classify._CLASSIFICATIONS_SEEN),
        (classify._EAR_CLASSIFICATIONS, classify._EAR_CLASSIFICATIONS_SEEN),
    ):
        cache.clear()
        sight._seen.clear()
    # Nor decided before: a decision the memo holds from an earlier test (the example rows under
    # the same law) is not classified again, and its classification would not be kept here.
    classify._MEMO.clear()
    args = ["screen", str(parts), "--format", "csv", "--as-of", bench.AS_OF, "--jobs", "1"]
    result = CliRunner().invoke(main, [*args, "--exit-zero", "--quiet"])
    assert result.exit_code == 0, result.output
    assert sum(1 for line in result.output.splitlines() if line[:1].isdigit()) == 460

    def twice(sight: SecondSight, keys: list[Hashable]) -> None:
        for key in keys:
            assert met[(id(sight), key)] >= 2, key

    twice(classify._CLASSIFICATIONS_SEEN, list(classify._CLASSIFICATIONS))
    twice(classify._EAR_CLASSIFICATIONS_SEEN, list(classify._EAR_CLASSIFICATIONS))
    assert classify._CLASSIFICATIONS  # the repeated rows' classifications were kept
    assert len(lines) == 1
    # The CSV cells' texts are kept by outcome (the classification; the questions and rules
    # fired), not by the row's facts: distinct rows share them, the last a few dozen times.
    assert 0 < len(lines[0]._heads) < 460
    assert 0 < len(lines[0]._rests) < 460 // 4
