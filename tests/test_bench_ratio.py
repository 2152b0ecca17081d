"""The bench's ratio figures (tools/bench.py ``ratio``): the best command wall over the best
plain read wall of the rounds, not the best of the rounds' ratios (a plain read slowed by the
machine flattered its round's ratio).  The bench's own arithmetic only, on walls given by a
stand-in for ``measure``: no timing is asserted."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from tools import bench


def test_the_ratio_is_the_best_command_over_the_best_plain_read(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # Three rounds, each a plain read then the command: the second round's plain read is slow
    # (1.50 s), which made its round's ratio 4.20 / 1.50 = 2.80 the best of the ratios.
    walls: Iterator[float] = iter([1.05, 4.30, 1.50, 4.20, 1.00, 4.40])

    def measured(argv: Sequence[str], out: object = None, src: object = None) -> tuple[
        float, float, int
    ]:
        return next(walls), 80.0, 0

    monkeypatch.setattr(bench, "measure", measured)
    monkeypatch.setattr(bench, "has_jobs_cached", lambda src: True)
    bench.ratio("screen distinct csv", tmp_path / "x.csv", ["screen"], 3, [("now", None)])
    line = capsys.readouterr().out
    assert line.split()[3] == "x4.20"  # 4.20 s / 1.00 s, not 2.80
    assert "(best 4.20 s vs best 1.00 s plain of 3 rounds, exit 0, peak 80 MiB)" in line
    with pytest.raises(StopIteration):
        next(walls)  # every round measured both
