"""``exportctl diff --summary --jobs N`` (issue 13: ``--jobs`` for diff): the transition matrix
of rows decided by N worker processes, each sending back a row's two outcomes (with ``--html``,
a changed row in full), is the matrix, the report and the exit status of one process.  Nothing
here measures speed.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest
from click.testing import CliRunner
from tests.test_fast_batch import counted_pools
from tools import bench

from exportctl.cli import diff as cli_diff
from exportctl.cli import main
from exportctl.cli.batch import BatchLayout
from exportctl.engine.diff import DiffRow, Outcomes

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
DAY = "2026-01-15"
forked = pytest.mark.skipif(not hasattr(os, "fork"), reason="the workers are forked")


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Distinct parts and transfers (some of which the reforms change), the examples mixed in."""
    tmp = tmp_path_factory.mktemp("summaryjobs")
    parts = list(bench.distinct_parts(120, seed=29))
    parts += bench.repeated(bench.example_rows(EXAMPLES / "relocation_parts.csv"), 30, "item_id")
    bench.write_csv(tmp / "parts.csv", bench.header_of(bench.PARTS), parts)
    transfers = list(bench.distinct_transfers(60, seed=29))
    transfers += bench.repeated(bench.example_rows(bench.TRANSFERS), 30, "transfer_id")
    bench.write_csv(tmp / "transfers.csv", bench.header_of(bench.TRANSFERS), transfers)
    return {"items": tmp / "parts.csv", "transfers": tmp / "transfers.csv"}


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """The diff's chunks made 20 rows (so that a small file gives the workers many chunks);
    gives what came back from each chunk, in order."""
    layout = cli_diff.layout
    back: list[Any] = []

    def small(kind: str, *, report: bool = True) -> BatchLayout:
        return attrs.evolve(layout(kind, report=report), chunk=20)

    run_parallel = cli_diff.run_parallel

    def counted(*args: Any, **kwargs: Any) -> Iterator[Any]:
        for chunk in run_parallel(*args, **kwargs):
            back.extend(chunk)
            yield chunk

    monkeypatch.setattr(cli_diff, "layout", small)
    monkeypatch.setattr(cli_diff, "run_parallel", counted)
    return back


#: Rows in each input (the distinct rows and the examples' rows repeated).
ROWS = {"items": 150, "transfers": 90}

CASES = [
    ("items", "xix-engine-parts-to-ccl"),
    ("transfers", "etl-eliminated"),
    ("transfers", "nato-aukus-parity"),
]


@forked
@pytest.mark.parametrize(("kind", "reform"), CASES)
@pytest.mark.parametrize("fmt", ["csv", "jsonl", "table"])
def test_the_summary_of_workers_is_the_summary_of_one_process(
    inputs: dict[str, Path],
    kind: str,
    reform: str,
    fmt: str,
    sent: list[Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pools = counted_pools(monkeypatch)
    args = ["diff", str(inputs[kind]), "--reform", reform, "--as-of", DAY, "--summary"]
    one = run(*args, "--format", fmt, "--jobs", "1")
    assert pools == [] and sent == []  # one process: no worker, nothing sent
    two = run(*args, "--format", fmt, "--jobs", "2")
    assert pools == [2]  # two workers decided the rows ...
    assert two == one  # ... and the exit status, the matrix and the summary line are the same
    assert {type(t) for t in sent} == {Outcomes}  # ... each row sent as its outcomes alone,
    assert len(sent) == ROWS[kind]  # every row once
    changed = re.search(r"diffed (\d+) rows: (\d+) changed", one[2])
    assert changed is not None and int(changed[1]) == ROWS[kind] and int(changed[2]) > 0
    assert one[0] in (1, 4)  # rows changed (4: and some rows had input errors)


@forked
@pytest.mark.parametrize(("kind", "reform"), CASES[:2])
def test_with_a_report_the_workers_send_the_changed_rows_whole(
    inputs: dict[str, Path],
    kind: str,
    reform: str,
    sent: list[Any],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    pools = counted_pools(monkeypatch)
    args = ["diff", str(inputs[kind]), "--reform", reform, "--as-of", DAY, "--summary"]
    reports = []
    outs = []
    for jobs in ("1", "2"):
        html = tmp_path / f"report-{jobs}.html"
        outs.append(run(*args, "--html", str(html), "--jobs", jobs))
        reports.append(html.read_bytes())
    assert pools == [2]
    assert outs[0] == outs[1] and reports[0] == reports[1]
    whole = [t for t in sent if type(t) is DiffRow]
    assert whole and all(t.changed for t in whole)  # the changed rows, in full
    assert all(not t.changed for t in sent if type(t) is Outcomes)  # the rest as outcomes
    assert b"<tr" in reports[0]  # the report lists changed rows
