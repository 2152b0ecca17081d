"""The bench's ``diff --jobs`` figures (tools/bench.py): the command line they run, the CPU time
they split between the command's own process and its workers, and the same-bytes check.  The
bench's own logic only: no timing is asserted."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from tools import bench

forked = pytest.mark.skipif(not hasattr(os, "fork"), reason="the workers are forked")


def test_head_rows_keeps_the_header_and_the_first_rows(tmp_path: Path) -> None:
    source, target = tmp_path / "all.csv", tmp_path / "head.csv"
    rows = [{"item_id": f"P-{i}", "description": f"part {i}"} for i in range(10)]
    bench.write_csv(source, ["item_id", "description"], rows)
    bench.head_rows(source, target, 3)
    assert target.read_text("utf-8") == "item_id,description\nP-0,part 0\nP-1,part 1\nP-2,part 2\n"


@forked
def test_the_diff_jobs_figure_runs_both_and_splits_the_cpu(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "transfers.csv"
    bench.write_csv(
        path, bench.header_of(bench.TRANSFERS), bench.distinct_transfers(110, seed=9)
    )
    args = ["diff", str(path), "--reform", "etl-eliminated", "--as-of", bench.AS_OF, "--quiet"]
    args += ["--format", "csv"]
    one = bench.jobs_run([*args, "--exit-zero"], 1, tmp_path / "one.out", tmp_path)
    assert one.workers_cpu == 0.0 and one.own_cpu > 0  # one process, no workers
    two = bench.jobs_run([*args, "--exit-zero"], 2, tmp_path / "two.out", tmp_path)
    assert two.workers_cpu > 0  # 110 transfers: chunks of 50 go to two workers
    assert (tmp_path / "one.out").read_bytes() == (tmp_path / "two.out").read_bytes()
    assert len((tmp_path / "one.out").read_text("utf-8").splitlines()) == 111
    bench.diff_jobs_figure("transfers", path, 1, tmp_path)
    line = capsys.readouterr().out
    assert line.startswith("jobs diff transfers distinct")
    assert "110 rows, --reform etl-eliminated, jsonl out, same bytes: yes" in line
    cpu = re.search(r"--jobs 2 ([\d.]+) s in its own process \+ ([\d.]+) s in workers", line)
    assert cpu is not None and float(cpu[2]) > 0


@forked
def test_the_jobs_figure_alternates_both_and_splits_the_cpu(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``jobs authorize distinct``: both runs' outputs compared, and the CPU time of the command's
    own process and of its workers printed (workers' CPU near one process's, the own process's
    small, is what gives about 0.5 on two free cores)."""
    path = tmp_path / "transfers.csv"
    bench.write_csv(path, bench.header_of(bench.TRANSFERS), bench.distinct_transfers(110, seed=4))
    bench.jobs_figure("authorize distinct", path, 1, tmp_path)
    line = capsys.readouterr().out
    assert line.startswith("jobs authorize distinct")
    assert "jsonl out, same bytes: yes" in line
    cpu = re.search(
        r"CPU --jobs 1 ([\d.]+) s, --jobs 2 ([\d.]+) s in its own process \+ ([\d.]+) s in workers",
        line,
    )
    assert cpu is not None and float(cpu[1]) > 0 and float(cpu[3]) > 0  # workers decide most
    assert (tmp_path / "jobs1.out").read_bytes() == (tmp_path / "jobs2.out").read_bytes()
    assert len((tmp_path / "jobs1.out").read_text("utf-8").splitlines()) == 110
