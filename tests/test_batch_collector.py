"""The cyclic collector while one process writes a batch (issue 13, ``cli/batch.steady_collector``).

``exportctl screen`` and ``authorize`` with ``--jobs 1`` leave the objects alive after the first
rows (the law, the parts of it those rows read, the modules) out of the collector's passes
(``gc.freeze``) and collect the older generations less often; on the way out everything is as
it was.  Output cannot depend on the collector; these tests pin that the settings are made at
the row they are made at, that they are undone, that nothing is touched when the caller turned
the collector off or froze objects itself, and that the output is the same bytes with the
settings left alone.  Nothing here measures speed.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from tools import bench

from exportctl.cli import batch as cli_batch
from exportctl.cli import main
from exportctl.engine import batch as screening

ROWS = cli_batch.SETTLED_AFTER + 150


@pytest.fixture()
def parts(tmp_path: Path) -> Path:
    path = tmp_path / "parts.csv"
    bench.write_csv(path, bench.header_of(bench.PARTS), bench.distinct_parts(ROWS, seed=11))
    return path


def _screen(path: Path, fmt: str) -> Any:
    args = ["screen", str(path), "--format", fmt, "--as-of", "2025-06-01", "--jobs", "1"]
    return CliRunner().invoke(main, args)


@pytest.mark.parametrize("fmt", ["csv", "table"])
def test_screen_freezes_after_the_first_rows_and_restores(
    fmt: str, parts: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert gc.isenabled() and gc.get_freeze_count() == 0
    before = gc.get_threshold()
    seen: list[tuple[int, int, tuple[int, ...]]] = []
    real = screening.Summary.add

    def add(self: Any, result: Any) -> None:
        seen.append((result.row, gc.get_freeze_count(), gc.get_threshold()))
        real(self, result)

    monkeypatch.setattr(screening.Summary, "add", add)
    result = _screen(parts, fmt)
    assert result.exit_code in (0, 1, 4), result.output
    assert len(seen) == ROWS
    settled = cli_batch.SETTLED_AFTER
    # A row's tally is given after its line is written, and the (N+1)-th row is read after the
    # N-th is written: up to row N nothing is frozen, from row N+1 the law is.
    assert all(frozen == 0 for row, frozen, _ in seen if row <= settled)
    assert all(frozen > 1000 for row, frozen, _ in seen if row > settled)
    older = tuple(max(t, b) for t, b in zip(before[1:], cli_batch.BATCH_GC_THRESHOLDS, strict=True))
    assert all(t == (before[0], *older) for _, _, t in seen)
    assert older != before[1:]  # the defaults are 10 and 10
    # and on the way out, as it was
    assert gc.get_freeze_count() == 0 and gc.get_threshold() == before


def test_the_output_is_the_same_without_the_settings(
    parts: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tuned = {fmt: _screen(parts, fmt) for fmt in ("csv",)}

    def untouched() -> Any:
        from contextlib import nullcontext

        return nullcontext(lambda items: iter(items))

    monkeypatch.setattr(cli_batch, "steady_collector", untouched)
    for fmt, result in tuned.items():
        plain = _screen(parts, fmt)
        assert (result.stdout, result.stderr, result.exit_code) == (
            plain.stdout,
            plain.stderr,
            plain.exit_code,
        )


def _drain(items: Iterator[int]) -> list[tuple[int, int]]:
    return [(i, gc.get_freeze_count()) for i in items]


def test_nothing_is_touched_with_the_collector_off() -> None:
    before = gc.get_threshold()
    gc.disable()
    try:
        with cli_batch.steady_collector() as settled:
            seen = _drain(settled(iter(range(cli_batch.SETTLED_AFTER + 5))))
            assert gc.get_threshold() == before
        assert all(frozen == 0 for _, frozen in seen)
    finally:
        gc.enable()
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0


def test_objects_frozen_by_the_caller_stay_frozen() -> None:
    before = gc.get_threshold()
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        with cli_batch.steady_collector() as settled:
            _drain(settled(iter(range(cli_batch.SETTLED_AFTER + 5))))
            assert gc.get_threshold() == before
        assert gc.get_freeze_count() >= frozen  # not given back by the writer
    finally:
        gc.unfreeze()
    assert gc.get_threshold() == before


def test_a_batch_ended_early_restores_the_collector() -> None:
    before = gc.get_threshold()
    with pytest.raises(RuntimeError), cli_batch.steady_collector() as settled:
        for i in settled(iter(range(cli_batch.SETTLED_AFTER + 5))):
            if i == cli_batch.SETTLED_AFTER + 1:
                assert gc.get_freeze_count() > 0
                raise RuntimeError("stopped")
    assert gc.get_freeze_count() == 0 and gc.get_threshold() == before
