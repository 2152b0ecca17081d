"""Benchmark: start-up time (import to first look-up, in a fresh process) and look-up rates.

Run with `nox -s bench`.  It prints measurements; it asserts nothing (speed is measured, not
asserted in unit tests).
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

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


def main() -> int:
    times = cold_start()
    print(
        f"import exportctl -> first USML look-up (fresh process, {len(times)} runs): "
        f"median {statistics.median(times):.1f} ms, min {min(times):.1f} ms"
    )
    import exportctl

    regs = exportctl.regulations("2025-06-01")
    refs = [str(p.ref) for p in regs.usml.paragraphs]
    n = 0
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < 1.0:
        for ref in refs:
            regs.usml.get(ref)
        n += len(refs)
    rate = n / (time.perf_counter() - t0)
    print(f"USML look-ups by reference string: {rate:,.0f}/s")
    t0 = time.perf_counter()
    regs.usml.search("radar electronic counter-countermeasures")
    print(f"first USML search (builds the index): {(time.perf_counter() - t0) * 1000:.1f} ms")
    t0 = time.perf_counter()
    for _ in range(100):
        regs.usml.search("radar electronic counter-countermeasures")
    print(f"USML search: {(time.perf_counter() - t0) * 10:.2f} ms each")
    t0 = time.perf_counter()
    len(regs.ccl)
    print(f"CCL load: {(time.perf_counter() - t0) * 1000:.1f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
