"""Benchmark of exportctl.search: cold build, cache load, index size, warm query latency.

Usage:  python tools/bench_search.py [--repeat N]

It prints measurements and asserts nothing (speed is never asserted in a unit test).  Warm
latency is measured over every description in tests/search/queries.json, searched in the
USML, in the CCL and in both, after one untimed pass; wall-clock and CPU time are both shown
because the machine may be shared (CPU time is what the search itself costs).  The goal
(issue 12) is under 20 ms warm on a 2-core machine.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))
from exportctl import law  # noqa: E402
from exportctl.search import (  # noqa: E402
    CACHE_ENV,
    SearchIndex,
    build_index,
    edition_key,
    suggest,
)
from tools.search_quality import load_queries  # noqa: E402


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _line(name: str, wall: list[float], cpu: list[float]) -> str:
    return (
        f"{name:<22} n={len(wall):<4} wall p50 {statistics.median(wall):6.2f} ms  "
        f"p95 {_pct(wall, 0.95):6.2f} ms  max {max(wall):6.2f} ms   "
        f"cpu p50 {statistics.median(cpu):6.2f} ms  p95 {_pct(cpu, 0.95):6.2f} ms"
    )


def _time(fn: object, repeat: int) -> tuple[list[float], list[float]]:
    wall, cpu = [], []
    for _ in range(repeat):
        w0, c0 = time.perf_counter(), time.process_time()
        fn()  # type: ignore[operator]
        wall.append((time.perf_counter() - w0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
    return wall, cpu


def _cli_runs(cache: str, runs: int = 3) -> list[float]:
    """Wall time of `exportctl search` in a new process with the index already cached."""
    code = "from exportctl.cli import main; main(['search', 'thermal imaging camera core'])"
    env = {**os.environ, CACHE_ENV: cache, "PYTHONPATH": str(ROOT / "src")}
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, check=False)
        out.append((time.perf_counter() - start) * 1000)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="timed passes over the queries")
    args = parser.parse_args(argv)
    usml, ccl = law().usml, law().ccl

    builds = [
        build_index(usml, ccl, edition_key="bench", cache=False).build_seconds * 1000
        for _ in range(3)
    ]
    index: SearchIndex = build_index(usml, ccl, edition_key="bench", cache=False)
    print(
        f"documents              {index.document_count} ({len(usml)} USML paragraphs, "
        f"{len(ccl)} ECCNs, glossary of {len(index.glossary)} entries)"
    )
    print(
        f"cold build (no cache)  median {statistics.median(builds):.0f} ms "
        f"(runs: {', '.join(f'{b:.0f}' for b in builds)})"
    )
    print(f"index size             {index.size_bytes / 1024 / 1024:.1f} MiB (SQLite, in memory)")

    with tempfile.TemporaryDirectory() as tmp:
        os.environ[CACHE_ENV] = tmp
        first = build_index(usml, ccl, edition_key=edition_key(law()))
        loads = []
        for _ in range(3):
            again = build_index(usml, ccl, edition_key=edition_key(law()))
            assert again.origin == "cache"
            loads.append(again.build_seconds * 1000)
        assert first.cache_path is not None
        size = Path(first.cache_path).stat().st_size
        print(
            f"cache write + build    {first.build_seconds * 1000:.0f} ms; "
            f"file {size / 1024 / 1024:.1f} MiB"
        )
        print(
            f"cache load (hash check, read into memory)  median {statistics.median(loads):.0f} ms"
        )
        cli = _cli_runs(tmp)
        print(
            "exportctl search, new process, cache warm (start-up, law, index, query)  "
            f"median {statistics.median(cli):.0f} ms (runs: {', '.join(f'{c:.0f}' for c in cli)})"
        )
        del os.environ[CACHE_ENV]

    queries = [q.query for q in load_queries()]
    for q in queries:  # warm-up
        index.search(q)
    print(f"\nwarm query latency over {len(queries)} descriptions x {args.repeat} passes:")
    for regime in ("usml", "ccl", "both"):
        wall: list[float] = []
        cpu: list[float] = []
        for q in queries:
            w, c = _time(
                lambda q=q, r=regime: index.search(q, regime=r, limit=10),
                args.repeat,
            )
            wall += w
            cpu += c
        print(_line(f"search {regime}", wall, cpu))
    wall, cpu = [], []
    for q in queries:
        w, c = _time(lambda q=q: suggest(index, q, limit=3), args.repeat)
        wall += w
        cpu += c
    print(_line("suggest (both, 3+3)", wall, cpu))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
