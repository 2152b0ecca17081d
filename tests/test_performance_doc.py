"""docs/performance.md's process-pool example runs, and writes what `exportctl screen` writes."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner
from tools import bench

from exportctl.cli import main

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "performance.md"
MARK = "<!-- example: decide_rows with a process pool -->"


def example() -> str:
    text = DOC.read_text(encoding="utf-8")
    found = re.search(re.escape(MARK) + r"\s*```python\n(.*?)```", text, re.DOTALL)
    assert found, f"{DOC.name} has no example after {MARK}"
    return found.group(1)


def test_the_process_pool_example_writes_the_commands_output(tmp_path: Path) -> None:
    script = tmp_path / "screen_pool.py"
    script.write_text(example(), encoding="utf-8")
    parts = tmp_path / "parts.csv"
    # Three chunks of the example's 1,000 rows: distinct facts, then the example list repeated.
    rows = list(bench.distinct_parts(1500, seed=11))
    rows += bench.repeated(bench.example_rows(bench.PARTS), 1000, "item_id")
    bench.write_csv(parts, bench.header_of(bench.PARTS), rows)
    for path in (ROOT / "examples" / "parts_list.csv", parts):
        ran = subprocess.run(
            [sys.executable, str(script), str(path), "2025-06-01"],
            check=True,
            capture_output=True,
            text=True,
            cwd=tmp_path,
        )
        cli = CliRunner().invoke(
            main, ["screen", str(path), "--format", "csv", "--as-of", "2025-06-01", "-j", "1"]
        )
        assert ran.stdout == cli.stdout
        assert len(ran.stdout.splitlines()) == 1 + len(bench.example_rows(path))
