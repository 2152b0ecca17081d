"""``exportctl diff --jobs N`` (issue 13): the workers decide each row under both laws and send
back the bytes of its line and, for the summary, what the summary reads of the row — its two
outcomes (:class:`~exportctl.engine.diff.Outcomes`), or, with ``--html``, a changed row in
full (the report lists it).  The output, the summary, the transition matrix and the report are
the bytes of one process.  Nothing here measures speed.
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest
from click.testing import CliRunner
from tests.test_fast_batch import counted_pools
from tools import bench

import exportctl
from exportctl.cli import batch as cli_batch
from exportctl.cli import diff as cli_diff
from exportctl.cli import main
from exportctl.cli.batch import BatchLayout, ChunkWriter
from exportctl.corpus.reforms import bundled_reform
from exportctl.engine import batch as engine_batch
from exportctl.engine import diff as diffing
from exportctl.engine.diff import DiffRow, Outcomes, Transitions
from exportctl.inputs.readers import read_csv_rows

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
DAY = "2026-01-15"
forked = pytest.mark.skipif(not hasattr(os, "fork"), reason="the workers are forked")


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


# --- what a worker sends back for the summary -------------------------------------------------


def _diffs() -> list[list[DiffRow]]:
    """Diff rows of the examples and of generated distinct rows under three reforms and across
    the final rule of 2025-12-30 (rows that change, rows that do not, error rows)."""
    today = exportctl.law(DAY)
    law = exportctl.law(bench.AS_OF)
    parts = _csv_bytes(bench.header_of(bench.PARTS), bench.distinct_parts(300, seed=17))
    transfers = _csv_bytes(bench.header_of(bench.TRANSFERS), bench.distinct_transfers(60, seed=17))
    moved = "xix-engine-parts-to-ccl"
    cases = [
        ((EXAMPLES / "transfers.csv").read_bytes(), "transfers", today, "etl-eliminated"),
        ((EXAMPLES / "transfers.csv").read_bytes(), "transfers", today, "nato-aukus-parity"),
        ((EXAMPLES / "relocation_parts.csv").read_bytes(), "items", today, moved),
        ((EXAMPLES / "parts_list.csv").read_bytes(), "items", today, moved),
        (parts, "items", law, moved),
        (transfers, "transfers", law, "etl-eliminated"),
    ]
    out = []
    for data, kind, before, reform in cases:
        records = list(read_csv_rows(data, id_column=ID_COLUMNS[kind]))
        after = bundled_reform(reform).apply(before)
        run_diff = diffing.diff_items if kind == "items" else diffing.diff_transfers
        out.append(list(run_diff(records, before, after, csv_form=True)))
    dated = list(read_csv_rows(cases[0][0], id_column="transfer_id"))
    first, final = exportctl.law("2025-12-29"), exportctl.law("2025-12-30")
    out.append(list(diffing.diff_transfers(dated, first, final, csv_form=True)))
    return out


ID_COLUMNS = {"items": "item_id", "transfers": "transfer_id"}


def _csv_bytes(header: list[str], rows: Iterable[dict[str, str]]) -> bytes:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue().encode("utf-8")


@pytest.fixture(scope="module")
def diffs() -> list[list[DiffRow]]:
    return _diffs()


def test_the_outcomes_are_counted_as_the_rows(diffs: list[list[DiffRow]]) -> None:
    """A row's outcomes (what a worker sends without a report) are its own, and the transition
    matrix counted from them is the one counted from the rows."""
    changed = errors = 0
    for rows in diffs:
        whole, counted = Transitions(), Transitions()
        for r in rows:
            o = r.outcomes()
            assert type(o) is Outcomes
            assert (o.row, o.from_outcome, o.to_outcome, o.changed) == (
                r.row,
                r.from_outcome,
                r.to_outcome,
                r.changed,
            )
            whole.add(r)
            counted.add(o)
        assert counted == whole
        assert counted.matrix() == whole.matrix() and counted.line() == whole.line()
        changed += whole.changed
        errors += whole.errors
    assert changed > 10  # rows that changed were counted, and rows with an error
    assert errors > 0


# --- the command --------------------------------------------------------------------------


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """The diff's chunks made 20 rows (so that a small file gives the workers many pieces);
    gives the tallies the workers sent back."""
    layout = cli_diff.layout
    sent: list[Any] = []

    def small(kind: str, *, report: bool = True) -> BatchLayout:
        return attrs.evolve(layout(kind, report=report), chunk=20)

    in_workers = cli_batch.in_workers

    def counted(items: Any, work: Any, jobs: int) -> Iterator[Any]:
        for payload, tallies in in_workers(items, work, jobs):
            sent.extend(tallies)
            yield payload, tallies

    monkeypatch.setattr(cli_diff, "layout", small)
    monkeypatch.setattr(cli_batch, "in_workers", counted)
    return sent


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Distinct parts and transfers (some of which the reforms change) with the examples'
    rows mixed in."""
    tmp = tmp_path_factory.mktemp("diffjobs")
    parts = list(bench.distinct_parts(150, seed=23))
    parts += bench.repeated(bench.example_rows(EXAMPLES / "relocation_parts.csv"), 40, "item_id")
    bench.write_csv(tmp / "parts.csv", bench.header_of(bench.PARTS), parts)
    transfers = list(bench.distinct_transfers(100, seed=23))
    transfers += bench.repeated(bench.example_rows(bench.TRANSFERS), 40, "transfer_id")
    bench.write_csv(tmp / "transfers.csv", bench.header_of(bench.TRANSFERS), transfers)
    return {"items": tmp / "parts.csv", "transfers": tmp / "transfers.csv"}


REFORMS = {
    "items": ("xix-engine-parts-to-ccl",),
    "transfers": ("etl-eliminated", "nato-aukus-parity"),
}


@forked
@pytest.mark.parametrize(
    ("kind", "reform"), [(k, r) for k, reforms in REFORMS.items() for r in reforms]
)
@pytest.mark.parametrize("fmt", ["csv", "jsonl", "table"])
def test_workers_send_the_outcomes_and_the_bytes_are_one_process(
    inputs: dict[str, Path],
    kind: str,
    reform: str,
    fmt: str,
    small_chunks: list[Any],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    pools = counted_pools(monkeypatch)
    args = ["diff", str(inputs[kind]), "--reform", reform, "--as-of", DAY, "--format", fmt]
    one = run(*args, "--jobs", "1")
    assert pools == [] and small_chunks == []
    two = run(*args, "--jobs", "2")
    assert pools == [2]
    assert two == one  # the exit status, every byte of the rows, the summary and the matrix
    assert len(small_chunks) > 100  # the workers decided most rows ...
    assert {type(t) for t in small_chunks} == {Outcomes}  # ... and sent their outcomes only
    changed = re.search(r"diffed (\d+) rows: (\d+) changed", one[2])
    assert changed is not None and int(changed[2]) > 0  # some rows changed
    if fmt != "csv":
        return
    # With a report, a changed row comes back in full (the report lists it): the same report.
    reports = []
    for jobs in ("1", "2"):
        small_chunks.clear()
        html = tmp_path / f"report-{jobs}.html"
        got = run(*args, "--html", str(html), "--jobs", jobs)
        assert got == one
        reports.append(html.read_bytes())
    assert reports[0] == reports[1]
    assert DiffRow in {type(t) for t in small_chunks}
    full = [t for t in small_chunks if type(t) is DiffRow and t.changed]
    assert full and all(t.before is not None and t.after is not None for t in full)


@forked
def test_a_few_hundred_transfers_are_split_between_the_workers(
    inputs: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A transfer decided under two laws costs milliseconds: the diff's chunks of transfers are
    authorize's (:data:`~exportctl.cli.batch.TRANSFER_CHUNK`), so that 140 of them are decided
    by two workers (not by this process alone, as chunks of 1,000 would have it)."""
    pools = counted_pools(monkeypatch)
    args = ["diff", str(inputs["transfers"]), "--reform", "etl-eliminated", "--as-of", DAY]
    one = run(*args, "--format", "csv", "--jobs", "1")
    two = run(*args, "--format", "csv", "--jobs", "2")
    assert pools == [2]
    assert two == one
    assert len(one[1].splitlines()) == 141


# --- the summary (``--summary``): the workers send each row's outcomes -------------------------


@pytest.fixture
def sent(small_chunks: list[Any], monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """The diff's chunks made 20 rows (:func:`small_chunks`); gives what came back from each
    chunk the workers of ``--summary`` decided (``cli.diff.run_parallel``), in order."""
    back: list[Any] = []
    run_parallel = engine_batch.run_parallel  # what cli.diff imported

    def counted(*args: Any, **kwargs: Any) -> Iterator[Any]:
        for chunk in run_parallel(*args, **kwargs):
            back.extend(chunk)
            yield chunk

    monkeypatch.setattr(cli_diff, "run_parallel", counted)
    return back


#: Rows in each input of :func:`inputs` (distinct rows and the examples' rows).
ROWS = {"items": 190, "transfers": 140}

SUMMARY_CASES = [
    ("items", "xix-engine-parts-to-ccl"),
    ("transfers", "etl-eliminated"),
    ("transfers", "nato-aukus-parity"),
]


@forked
@pytest.mark.parametrize(("kind", "reform"), SUMMARY_CASES)
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
@pytest.mark.parametrize(("kind", "reform"), SUMMARY_CASES[:2])
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


# --- a chunk's results are written as they are decided ----------------------------------------


def test_a_chunk_writer_writes_each_result_before_the_next_is_decided() -> None:
    """A worker's chunk writer tallies and writes each result as it comes, never holding the
    chunk's results (a diff row holds two decisions, an authorization hundreds of conditions)."""
    events: list[str] = []

    @attrs.frozen
    class Result:
        n: int

        def tally(self) -> str:
            events.append(f"tally {self.n}")
            return f"t{self.n}"

    def decide(records: Any) -> Iterator[Result]:
        for n in records:
            events.append(f"decide {n}")
            yield Result(n)

    def line_of(result: Any, fmt: str) -> str:
        events.append(f"write {result.n}")
        return f"{result.n}\n"

    def row_of(result: Any) -> dict[str, Any]:
        events.append(f"write {result.n}")
        return {"n": result.n}

    layout = BatchLayout(
        columns=("n",), table_columns=("n",), row_of=row_of, record_key="r",
        record_of=lambda r: None, line_of=line_of,
    )  # fmt: skip
    for fmt, payload in (("csv", "1\n2\n3\n"), ("table", [{"n": 1}, {"n": 2}, {"n": 3}])):
        events.clear()
        assert ChunkWriter(decide, layout, fmt)([1, 2, 3]) == (payload, ["t1", "t2", "t3"])
        assert events == [f"{e} {n}" for n in (1, 2, 3) for e in ("decide", "tally", "write")]
    # A layout's own tally (the diff's outcomes) is what the writer sends.
    events.clear()
    own = attrs.evolve(layout, tally_of=lambda r: ("own", r.n))
    assert ChunkWriter(decide, own, "csv")([4])[1] == [("own", 4)]
    assert "tally 4" not in events


# --- a worker's chunks share the patterns already decided ---------------------------------------


def _counted(monkeypatch: pytest.MonkeyPatch, module: Any, name: str) -> list[int]:
    calls: list[int] = []
    real = getattr(module, name)

    def counting(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, counting)
    return calls


@pytest.mark.parametrize(
    ("kind", "example", "reform"),
    [
        ("transfers", "transfers.csv", "etl-eliminated"),
        ("items", "parts_list.csv", "xix-engine-parts-to-ccl"),
    ],
)
def test_a_pattern_decided_in_one_chunk_is_not_decided_again_in_the_next(
    monkeypatch: pytest.MonkeyPatch, kind: str, example: str, reform: str
) -> None:
    """``diff --jobs`` hands each worker chunk after chunk of one ``BatchRun``: a row whose
    facts an earlier chunk decided is not decided again (as in one call over the whole file),
    and the rows are the rows of one call.  (With a table per chunk, a file of a few patterns in
    chunks of 50 transfers was decided about four times over.)"""
    from exportctl.engine import authorize as authorizing
    from exportctl.engine import batch as engine_batch

    before = exportctl.law(DAY)
    after = bundled_reform(reform).apply(before)
    data = (EXAMPLES / example).read_bytes()
    records = list(read_csv_rows(data, id_column=ID_COLUMNS[kind]))
    # The same rows again, with new ids and row numbers: the second chunk repeats the first.
    id_column = ID_COLUMNS[kind]
    again = [
        attrs.evolve(r, row=r.row + len(records), raw={**r.raw, id_column: f"{r.raw[id_column]}-2"})
        for r in records
        if r.raw is not None
    ]
    run = diffing.diff_transfers if kind == "transfers" else diffing.diff_items
    whole = [_line(row) for row in run(records + again, before, after, csv_form=True)]
    if kind == "transfers":
        calls = _counted(monkeypatch, authorizing, "authorize_checked")
    else:
        calls = _counted(monkeypatch, engine_batch, "classify_keyed")
    chunked = run(records + again, before, after, csv_form=True)
    first = [_line(row) for row in chunked.decide(records)]
    decided = len(calls)
    second = [_line(row) for row in chunked.decide(again)]
    assert decided > 0
    assert len(calls) == decided  # nothing of the second chunk decided again
    assert first + second == whole


def _line(row: DiffRow) -> tuple[Any, ...]:
    """The row's output line (its cells, decision ids included) and its row number."""
    return row.row, cli_diff.layout(row.kind).row_of(row)
