"""Benchmark: start-up, look-ups, classification throughput, and `exportctl screen` end to end.

Run with `nox -s bench` (or `python tools/bench.py [--rows N]`).  It prints measurements and
asserts nothing: speed is measured here, never asserted in a unit test.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import attrs

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "parts_list.csv"

COLD = (
    "import time; t0 = time.perf_counter(); import exportctl; "
    "r = exportctl.regulations('2025-06-01'); p = r.usml_paragraph('XI(a)(3)(xviii)'); "
    "t1 = time.perf_counter(); print(f'{(t1 - t0) * 1000:.1f}')"
)


def cold_start(runs: int = 5) -> list[float]:
    out = []
    for _ in range(runs):
        res = subprocess.run(
            [sys.executable, "-c", COLD], check=True, capture_output=True, text=True
        )
        out.append(float(res.stdout.strip()))
    return out


def example_rows() -> list[dict[str, str]]:
    with EXAMPLES.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def lookups() -> None:
    import exportctl

    regs = exportctl.regulations("2025-06-01")
    refs = [str(p.ref) for p in regs.usml.paragraphs]
    n = 0
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < 1.0:
        for ref in refs:
            regs.usml.get(ref)
        n += len(refs)
    print(f"USML look-ups by reference string: {n / (time.perf_counter() - t0):,.0f}/s")
    t0 = time.perf_counter()
    regs.usml.search("radar electronic counter-countermeasures")
    print(f"first USML search (builds the index): {(time.perf_counter() - t0) * 1000:.1f} ms")
    t0 = time.perf_counter()
    len(regs.ccl)
    print(f"CCL load: {(time.perf_counter() - t0) * 1000:.1f} ms")


def classify_rate(rows: list[dict[str, str]]) -> None:
    import exportctl

    regs = exportctl.regulations("2025-06-01")
    rules = exportctl.load_ruleset()
    facts = []
    for row in rows:
        try:
            facts.append(exportctl.facts_from_csv_row(row, rules))
        except exportctl.FactError:
            continue
    # Distinct facts: every item differs in a field that is part of the decision's key, so
    # each decision is computed in full (no reuse of a repeated pattern).
    distinct = [
        attrs.evolve(f, item_id=f"{f.item_id}-{i}", cj_reference=f"bench-{i}")
        for i, f in enumerate(itertools.islice(itertools.cycle(facts), 50_000))
    ]
    t0 = time.perf_counter()
    for f in distinct:
        exportctl.classify(f, regs, rules)
    elapsed = time.perf_counter() - t0
    print(
        f"classify, 50,000 distinct facts (in-process, every decision computed): "
        f"{len(distinct) / elapsed:,.0f} items/s"
    )
    repeated = [
        attrs.evolve(f, item_id=f"{f.item_id}-{i}")
        for i, f in enumerate(itertools.islice(itertools.cycle(facts), 50_000))
    ]
    t0 = time.perf_counter()
    for f in repeated:
        exportctl.classify(f, regs, rules)
    elapsed = time.perf_counter() - t0
    print(
        f"classify, {len(facts)} fact patterns repeated over 50,000 items (repeats reuse the "
        f"decision, only the ids differ): {50_000 / elapsed:,.0f} items/s"
    )
    t0 = time.perf_counter()
    for row in itertools.islice(itertools.cycle(rows), 50_000):
        try:
            exportctl.classify(exportctl.facts_from_csv_row(row, rules), regs, rules)
        except (exportctl.FactError, exportctl.ContradictoryFacts):
            pass
    elapsed = time.perf_counter() - t0
    print(f"parse + classify (in-process): {50_000 / elapsed:,.0f} items/s")


def screen_end_to_end(rows: list[dict[str, str]], n: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "parts.csv"
        with path.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
            writer.writeheader()
            for i, row in enumerate(itertools.islice(itertools.cycle(rows), n)):
                writer.writerow({**row, "item_id": f"{row['item_id']}-{i}"})
        for fmt in ("csv", "jsonl"):
            t0 = time.perf_counter()
            with open(Path(tmp) / f"out.{fmt}", "w", encoding="utf-8") as out:
                proc = subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "exportctl.cli",
                        "screen",
                        str(path),
                        "--format",
                        fmt,
                        "--as-of",
                        "2025-06-01",
                        "--quiet",
                    ],
                    stdout=out,
                    stderr=subprocess.DEVNULL,
                )
                _, status, usage = os.wait4(proc.pid, 0)
            elapsed = time.perf_counter() - t0
            print(
                f"exportctl screen {n:,} rows --format {fmt}: {elapsed:.2f} s "
                f"({n / elapsed:,.0f} rows/s), exit {os.waitstatus_to_exitcode(status)}, "
                f"peak RSS {usage.ru_maxrss / 1024:.0f} MiB"
            )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    times = cold_start()
    print(
        f"import exportctl -> first USML look-up (fresh process, {len(times)} runs): "
        f"median {statistics.median(times):.1f} ms, min {min(times):.1f} ms"
    )
    lookups()
    rows = example_rows()
    classify_rate(rows)
    screen_end_to_end(rows, args.rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
