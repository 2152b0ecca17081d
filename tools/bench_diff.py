"""Benchmark: ``exportctl diff`` against one ``screen`` / ``authorize`` of the same rows.

Run with `nox -s bench` (or `python tools/bench_diff.py [--rows N]`).  It writes N rows (default
100,000), each with its own id, cycled from examples/parts_list.csv with
examples/relocation_parts.csv, and from examples/transfers.csv; runs, in fresh processes,
``screen`` then ``diff --reform xix-engine-parts-to-ccl`` over the items, and ``authorize`` then
``diff --reform etl-eliminated`` over the transfers (and, on the smaller file, ``diff --reform
nato-aukus-parity``, whose reformed side holds one more exemption); and prints the wall time of
each, the ratio diff / one decision run, and the peak memory (RSS) — for a tenth of the rows
too, to show that memory does not grow with the file (the diff streams).  It asserts nothing:
speed is measured here, never asserted in a unit test.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
AS_OF = "2026-01-15"
#: The command line, run from the source tree (or the installed package) in a fresh process.
CLI = [sys.executable, "-c", "import sys; from exportctl.cli import main; sys.exit(main())"]


def _write(sources: tuple[Path, ...], target: Path, id_column: str, n: int) -> None:
    rows: list[dict[str, str]] = []
    for source in sources:
        with source.open(newline="", encoding="utf-8") as fh:
            rows.extend(csv.DictReader(fh))
    with target.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        for i, row in enumerate(itertools.islice(itertools.cycle(rows), n)):
            writer.writerow({**row, id_column: f"{row[id_column]}-{i}"})


def _run(args: list[str], out: Path) -> tuple[float, float, int]:
    """Wall time (s), peak RSS (MiB) and exit status of one command."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    t0 = time.perf_counter()
    with out.open("w", encoding="utf-8") as fh:
        proc = subprocess.Popen([*CLI, *args], stdout=fh, stderr=subprocess.DEVNULL, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - t0
    return elapsed, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status)


def measure(kind: str, path: Path, reform: str, n: int, tmp: Path) -> None:
    single = "screen" if kind == "items" else "authorize"
    common = ["--format", "csv", "--as-of", AS_OF, "--quiet", "--exit-zero"]
    t1, m1, s1 = _run([single, str(path), *common], tmp / f"{kind}-single.csv")
    t2, m2, s2 = _run(["diff", str(path), "--reform", reform, *common], tmp / f"{kind}-diff.csv")
    print(
        f"{kind}, {n:,} rows: exportctl {single} {t1:.2f} s (exit {s1}, peak RSS {m1:.0f} MiB); "
        f"exportctl diff --reform {reform} {t2:.2f} s (exit {s2}, peak RSS {m2:.0f} MiB); "
        f"diff / {single} = {t2 / t1:.2f}x"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        for kind, source, id_column, reform in (
            (
                "items",
                (EXAMPLES / "parts_list.csv", EXAMPLES / "relocation_parts.csv"),
                "item_id",
                "xix-engine-parts-to-ccl",
            ),
            ("transfers", (EXAMPLES / "transfers.csv",), "transfer_id", "etl-eliminated"),
        ):
            for n in (args.rows // 10, args.rows):
                path = tmp / f"{kind}-{n}.csv"
                _write(source, path, id_column, n)
                measure(kind, path, reform, n, tmp)
            if kind == "transfers":
                # etl-eliminated makes the reformed side cheaper (no row to read); a reform that
                # adds an exemption makes it dearer: measured too, on the smaller file.
                n = args.rows // 10
                measure(kind, tmp / f"{kind}-{n}.csv", "nato-aukus-parity", n, tmp)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
