"""Batch output is the same bytes on the fast path as on the slow one (issue 13).

The slow reference here is the batch as it was before the fast path: every record read by the
readers' own code, each row parsed and decided afresh in tracing mode (no memo, no fact
patterns), each line written by the generic writers of cli/output.py (CsvWriter and csv_cell,
json_text over to_jsonable).  The commands' output (``--jobs 1`` and ``--jobs 2``) must equal it
byte for byte, on the example files, their JSON lines forms, generated distinct rows and
repeated rows (with ids missing and descriptions changed).  Nothing here measures speed.
"""

from __future__ import annotations

import concurrent.futures
import csv
import io
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from tools import bench

import exportctl
from exportctl.cli import main
from exportctl.cli.batch import (
    csv_line,
    fast_csv_cell,
    fast_csv_rows,
    json_text_fast,
)
from exportctl.cli.output import CsvWriter, csv_cell, json_text
from exportctl.core.facts import ContradictoryFacts, FactError
from exportctl.core.jsonable import to_jsonable
from exportctl.engine import batch
from exportctl.engine.authorize import authorize
from exportctl.engine.classify import classify_traced
from exportctl.inputs.items import facts_from_csv_row, facts_from_mapping
from exportctl.inputs.readers import Record, read_csv_rows, read_jsonl_rows
from exportctl.inputs.transfers import transfer_from_csv_row, transfer_from_mapping

ROOT = Path(__file__).resolve().parents[1]
DAYS = ("2025-06-01", "2026-01-15")


# --- the slow reference ----------------------------------------------------------------------


def _records(path: Path, kind: str, id_column: str) -> Iterator[Record]:
    with path.open("rb") as fh:
        data = fh.read()
    reader = read_csv_rows if kind == "csv" else read_jsonl_rows
    if kind == "csv":
        yield from read_csv_rows(io.BytesIO(data), id_column=id_column)
    else:
        yield from reader(io.BytesIO(data), id_field=id_column)  # type: ignore[call-arg]


def _error(rec: Record) -> dict[str, Any]:
    return {"field": rec.error_field or "row", "error": batch._reason(rec)}


def reference_screen(path: Path, kind: str, law: exportctl.Law) -> Iterator[batch.ScreenResult]:
    rules = law.ruleset
    for rec in _records(path, kind, "item_id"):
        if rec.raw is None:
            e = _error(rec)
            yield batch.ScreenResult(rec.row, rec.item_id, "error", None, e["field"], e["error"])
            continue
        item_id = batch._item_id(rec.raw)
        try:
            parse = facts_from_csv_row if kind == "csv" else facts_from_mapping
            decision = classify_traced(parse(rec.raw, rules), law)
        except FactError as exc:
            yield batch.ScreenResult(rec.row, item_id, "error", None, exc.field, str(exc))
            continue
        except ContradictoryFacts as exc:
            yield batch._contradiction(rec.row, item_id, exc)
            continue
        yield batch.ScreenResult(rec.row, decision.item_id, batch._status(decision), decision)


def reference_authorize(
    path: Path, kind: str, law: exportctl.Law
) -> Iterator[batch.AuthorizeResult]:
    for rec in _records(path, kind, "transfer_id"):
        if rec.raw is None:
            e = _error(rec)
            yield batch.AuthorizeResult(rec.row, rec.item_id, "error", None, e["field"], e["error"])
            continue
        transfer_id = batch._item_id(rec.raw, "transfer_id")
        try:
            if kind != "csv":
                shape = batch.transfer_shape_error(rec.raw)
                if shape is not None:
                    raise shape
            parse = transfer_from_csv_row if kind == "csv" else transfer_from_mapping
            result = authorize(parse(rec.raw, law), law)
        except FactError as exc:
            yield batch.AuthorizeResult(rec.row, transfer_id, "error", None, exc.field, str(exc))
            continue
        except ContradictoryFacts as exc:
            yield batch.AuthorizeResult(
                rec.row,
                transfer_id,
                "error",
                None,
                ",".join(exc.facts),
                f"contradictory facts: {exc.reason} [{exc.citation}]",
            )
            continue
        yield batch.AuthorizeResult(rec.row, result.transfer_id, result.outcome, result)


def reference_output(command: str, path: Path, kind: str, fmt: str, day: str) -> str:
    law = exportctl.law(day)
    out = io.StringIO()
    writer = CsvWriter(out)
    if command == "screen":
        columns: tuple[str, ...] = batch.RESULT_COLUMNS
        results: Iterator[Any] = reference_screen(path, kind, law)
    else:
        columns = batch.authorize_columns(law)
        results = reference_authorize(path, kind, law)
    # Issue 14: every record ends with the date and the law decided under (as_of, law_id, reforms).
    stamp = dict(batch.record_stamp(law))
    if fmt == "csv":
        writer.writerow([*columns, *stamp])
    for result in results:
        if command == "screen":
            row = batch.result_row(result)
            if result.decision is not None:
                row["decision"] = result.decision.to_dict()
        else:
            row = batch.authorize_row(result, law)
            if result.authorization is not None:
                row["authorization"] = to_jsonable(result.authorization)
        row.update(stamp)
        if fmt == "csv":
            writer.writerow([csv_cell(row.get(c)) for c in [*columns, *stamp]])
        else:
            out.write(json_text(row) + "\n")
    return out.getvalue()


# --- inputs ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("inputs")
    files = {
        "parts.csv": ROOT / "examples" / "parts_list.csv",
        "transfers.csv": ROOT / "examples" / "transfers.csv",
    }
    bench.write_csv(tmp / "dparts.csv", bench.header_of(bench.PARTS), bench.distinct_parts(150))
    bench.write_csv(
        tmp / "dtransfers.csv", bench.header_of(bench.TRANSFERS), bench.distinct_transfers(80)
    )
    parts = list(bench.repeated(bench.example_rows(bench.PARTS), 120, "item_id"))
    transfers = list(bench.repeated(bench.example_rows(bench.TRANSFERS), 60, "transfer_id"))
    for rows, key in ((parts, "item_id"), (transfers, "transfer_id")):
        for i in range(0, len(rows), 17):
            rows[i][key] = ""  # the id is the parser's: a repeat without one is an error
        for i in range(3, len(rows), 13):
            rows[i]["description"] = f"another description {i}"
    bench.write_csv(tmp / "rparts.csv", bench.header_of(bench.PARTS), parts)
    bench.write_csv(tmp / "rtransfers.csv", bench.header_of(bench.TRANSFERS), transfers)
    files.update({name: tmp / name for name in ("dparts.csv", "dtransfers.csv")})
    files.update({name: tmp / name for name in ("rparts.csv", "rtransfers.csv")})
    for name in list(files):
        convert = bench.part_as_json if "parts" in name else bench.transfer_as_json
        jsonl = tmp / name.replace(".csv", ".jsonl")
        with jsonl.open("w", encoding="utf-8") as fh:
            for row in bench.example_rows(files[name]):
                fh.write(json.dumps(convert(row)) + "\n")
        files[jsonl.name] = jsonl
    return files


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


NAMES = ["parts", "dparts", "rparts", "transfers", "dtransfers", "rtransfers"]


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("kind", ["csv", "jsonl"])
@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_batch_output_is_the_slow_paths_bytes(
    inputs: dict[str, Path], name: str, kind: str, fmt: str
) -> None:
    command = "screen" if "parts" in name else "authorize"
    path = inputs[f"{name}.{kind}"]
    for day in DAYS:
        _, out, _ = run(command, str(path), "--format", fmt, "--as-of", day, "--quiet", "-j", "1")
        assert out == reference_output(command, path, kind, fmt, day)


def test_batch_table_is_the_same_with_jobs(inputs: dict[str, Path]) -> None:
    for name in ("rparts.csv", "dtransfers.csv"):
        command = "screen" if "parts" in name else "authorize"
        args = [command, str(inputs[name]), "--as-of", DAYS[1], "--quiet"]
        assert run(*args, "-j", "1") == run(*args, "-j", "2")


def counted_pools(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The worker counts of the process pools started while the test runs (--jobs imports the
    pool from concurrent.futures when it starts workers)."""
    pools: list[int] = []

    class Counted(concurrent.futures.ProcessPoolExecutor):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            pools.append(kwargs["max_workers"])
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", Counted)
    return pools


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Inputs of more than two chunks of 1,000 records (so that --jobs 2 starts workers)."""
    tmp = tmp_path_factory.mktemp("big")
    parts = list(bench.distinct_parts(1400, seed=3))
    parts += list(bench.repeated(bench.example_rows(bench.PARTS), 900, "item_id"))
    bench.write_csv(tmp / "parts.csv", bench.header_of(bench.PARTS), parts)
    transfers = list(bench.distinct_transfers(1100, seed=3))
    transfers += list(bench.repeated(bench.example_rows(bench.TRANSFERS), 1000, "transfer_id"))
    bench.write_csv(tmp / "transfers.csv", bench.header_of(bench.TRANSFERS), transfers)
    return {"screen": tmp / "parts.csv", "authorize": tmp / "transfers.csv"}


@pytest.mark.skipif(not hasattr(os, "fork"), reason="the workers are forked")
@pytest.mark.parametrize("command", ["screen", "authorize"])
def test_jobs_give_the_same_bytes_in_order(
    big: dict[str, Path], command: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    pools = counted_pools(monkeypatch)
    formats = ("csv", "jsonl", "table") if command == "screen" else ("csv",)
    for fmt in formats:
        pools.clear()
        args = [command, str(big[command]), "--format", fmt, "--as-of", DAYS[1]]
        one = run(*args, "--jobs", "1")
        assert pools == []  # one process
        two = run(*args, "--jobs", "2")
        assert pools == [2]  # two workers decided the rows
        assert two == one  # the exit status, every byte of the output and the summary
        if fmt == "csv":
            assert len(one[1].splitlines()) == (2301 if command == "screen" else 2101)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="the workers are forked")
def test_jobs_split_a_few_hundred_transfers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A transfer costs milliseconds: 150 of them are worth two workers (in chunks of 50), and
    give the same bytes as one process."""
    pools = counted_pools(monkeypatch)
    path = tmp_path / "transfers.csv"
    bench.write_csv(
        path, bench.header_of(bench.TRANSFERS), bench.distinct_transfers(150, seed=5)
    )
    args = ["authorize", str(path), "--format", "csv", "--as-of", DAYS[1]]
    one = run(*args, "--jobs", "1")
    assert pools == []
    two = run(*args, "--jobs", "2")
    assert pools == [2]
    assert two == one
    assert len(one[1].splitlines()) == 151


# --- the pieces ------------------------------------------------------------------------------


def test_run_parallel_keeps_the_order_and_raises_at_the_chunk() -> None:
    offset = 1000  # a closure: the forked workers inherit it

    def work(chunk: list[int]) -> list[int]:
        if 77 in chunk:
            raise ValueError("seventy-seven")
        return [n + offset for n in chunk]

    got = [n for part in batch.run_parallel(range(70), work, 2, chunk_size=3) for n in part]
    assert got == [n + offset for n in range(70)]
    seen: list[int] = []
    with pytest.raises(ValueError, match="seventy-seven"):
        for part in batch.run_parallel(range(100), work, 2, chunk_size=5):
            seen.extend(part)
    assert seen == [n + offset for n in range(75)]  # every chunk before the failing one
    assert list(batch.run_parallel([], work, 2)) == []
    assert list(batch.run_parallel(range(4), work, 1, chunk_size=3)) == [[1000, 1001, 1002], [1003]]


TEXT = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["=1+1", " -2", "@x", "\tA", "\r", "a\rb", "a,b", 'q"q', "\x7f", "\x9b[2J",
                     "\udc80", "\u202e", "\u2028", "é", "yes", "", "§ 120.11", "a\u2014b\x85"]),
)
VALUES = st.one_of(
    TEXT, st.none(), st.booleans(), st.integers(), st.lists(TEXT, max_size=3),
    st.floats(allow_nan=False),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(VALUES, min_size=1, max_size=6))
def test_line_writers_write_the_generic_writers_text(cells: list[Any]) -> None:
    buffer = io.StringIO()
    CsvWriter(buffer).writerow([csv_cell(c) for c in cells])
    assert csv_line([fast_csv_cell(c) for c in cells]) == buffer.getvalue()
    record = {"cells": cells, "nested": {"x": cells[0], "t": tuple(cells)}}
    assert json_text_fast(record) == json_text(record)


CSV_TOKENS = [
    b",", b'"', b'""', b"\n", b"\r", b"\r\n", b" ", b"A1", b"IV(h)(12)", b"none", b"yes",
    b"\xe9", b"\xff", b"\xc3", b"\xe2\x80", b"\x00", b"=", b"\t", b"\xef\xbb\xbf", b"\xed\xa0\x80",
]  # fmt: skip
HEADERS = [b"item_id,description,x\n", b"item_id,b\r\n", b"", b"\xef\xbb\xbfitem_id,a\n",
           b"\xff\xfei\x00d\x00", b"a,a\n", b"item_id,,x\n"]  # fmt: skip


def _read(reader: Any, data: bytes) -> Any:
    try:
        return list(reader(io.BytesIO(data), id_column="item_id"))
    except Exception as exc:  # the file-level errors must be the same too
        return (type(exc), str(exc))


@settings(max_examples=400, deadline=None)
@given(
    st.sampled_from(HEADERS),
    st.lists(st.one_of(st.sampled_from(CSV_TOKENS), st.binary(max_size=3)), max_size=40),
)
def test_fast_csv_reader_reads_what_the_reader_reads(header: bytes, tokens: list[bytes]) -> None:
    data = header + b"".join(tokens)
    assert _read(fast_csv_rows, data) == _read(read_csv_rows, data)


def test_fast_csv_reader_on_a_long_cell() -> None:
    data = b"item_id,a\nA1," + b"x" * 131_073 + b"\nA2,y\n"
    assert _read(fast_csv_rows, data) == _read(read_csv_rows, data)


# --- decide_rows -----------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["items", "transfers"])
def test_decide_rows_gives_the_commands_lines(kind: str) -> None:
    path = ROOT / "examples" / ("parts_list.csv" if kind == "items" else "transfers.csv")
    command = "screen" if kind == "items" else "authorize"
    law = exportctl.law(DAYS[1])
    with path.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    for fmt in ("csv", "jsonl"):
        _, out, _ = run(command, str(path), "--format", fmt, "--as-of", DAYS[1], "--quiet")
        lines = out.splitlines(keepends=True)
        body = lines[1:] if fmt == "csv" else lines
        # Two partitions, numbered from their offsets: the same lines as one run.
        half = len(rows) // 2
        got = list(exportctl.decide_rows(rows[:half], law, kind=kind, fmt=fmt, csv_form=True))
        got += exportctl.decide_rows(
            rows[half:], law, kind=kind, fmt=fmt, csv_form=True, start=half + 1
        )
        assert got == body
        records = list(exportctl.decide_rows(rows, law, kind=kind, csv_form=True))
        if fmt == "jsonl":
            assert [json_text_fast(r) + "\n" for r in records] == body


def test_decide_rows_never_raises_for_a_row() -> None:
    law = exportctl.law(DAYS[0])
    out = list(exportctl.decide_rows([{"item_id": "A"}, "not a row", {}], law, fmt="row"))  # type: ignore[list-item]
    assert [r["row"] for r in out] == [1, 2, 3]
    assert out[0]["status"] == "undetermined"
    assert out[1]["status"] == "error" and out[1]["error_field"] == "row"
    assert out[2]["status"] == "error" and out[2]["error_field"] == "item_id"
    with pytest.raises(ValueError, match="kind"):
        list(exportctl.decide_rows([], law, kind="agreements"))  # type: ignore[arg-type]


def test_tables_that_rest_give_the_same_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Small tables, so that distinct rows fill them without a repeat (they rest) before the
    # repeated rows come: the output does not depend on whether a pattern was looked up.
    from exportctl.engine import classify

    monkeypatch.setattr(batch._Patterns, "SIZE", 40)
    monkeypatch.setattr(classify, "_MEMO_SIZE", 40)
    monkeypatch.setattr(classify, "_MEMO_STATS", classify._MemoStats())
    rows = list(bench.distinct_parts(120, seed=5))
    rows += bench.repeated(bench.example_rows(bench.PARTS), 400, "item_id")
    rows += bench.distinct_parts(60, seed=6)
    bench.write_csv(tmp_path / "parts.csv", bench.header_of(bench.PARTS), rows)
    transfers = list(bench.distinct_transfers(60, seed=5))
    transfers += bench.repeated(bench.example_rows(bench.TRANSFERS), 300, "transfer_id")
    bench.write_csv(tmp_path / "transfers.csv", bench.header_of(bench.TRANSFERS), transfers)
    for command, name in (("screen", "parts.csv"), ("authorize", "transfers.csv")):
        path = tmp_path / name
        for fmt in ("csv", "jsonl"):
            _, out, _ = run(command, str(path), "--format", fmt, "--as-of", DAYS[0], "-j", "1")
            assert out == reference_output(command, path, "csv", fmt, DAYS[0])


@pytest.mark.skipif(not hasattr(os, "fork"), reason="the workers are forked")
@pytest.mark.parametrize(
    ("source", "reform"), [("screen", "xix-engine-parts-to-ccl"), ("authorize", "etl-eliminated")]
)
def test_diff_jobs_give_the_same_bytes_and_report(
    big: dict[str, Path],
    source: str,
    reform: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """exportctl diff under --jobs 2: the same rows, summary, transition matrix and HTML report
    as one process (the report's changed rows come back from the workers)."""
    pools = counted_pools(monkeypatch)
    outputs = []
    for jobs in ("1", "2"):
        html = tmp_path / f"report-{jobs}.html"
        args = ["diff", str(big[source]), "--reform", reform, "--as-of", DAYS[1]]
        code, out, err = run(*args, "--format", "csv", "--html", str(html), "--jobs", jobs)
        outputs.append((code, out, err, html.read_text("utf-8")))
    assert pools == [2]
    assert outputs[0] == outputs[1]
    assert len(outputs[0][1].splitlines()) == (2301 if source == "screen" else 2101)


# --- repeated rows written from their cells (the pattern lane) --------------------------------


def _lane_file(path: Path, n: int) -> None:
    """The example parts list cycled to ``n`` rows, with the rows a pattern's line must not
    be used for (or must be used for with care) mixed in: ids the writers change (formula
    neutralising, quotes, commas, spaces at the ends, non-ASCII, braces), missing and repeated
    ids, changed descriptions, a changed fact cell, an unreadable answer, bad bytes, a row
    with a cell too many and a row with a line break in a cell."""
    header = bench.header_of(bench.PARTS)
    rows = list(bench.repeated(bench.example_rows(bench.PARTS), n, "item_id"))
    ids = {
        3: "=cmd|' /C calc'!A0",
        4: "-P-4",
        5: "+P5",
        6: "@P6",
        7: " P 7 ",
        8: 'Q"uote,comma',
        9: "É-9",
        10: "",
        11: "{0}{1}{2}",
        12: "%s%d",
        13: "P\t13",
        14: "'P14",
    }
    for i, row in enumerate(rows):
        change = ids.get(i % 40)
        if change is not None:
            row["item_id"] = change
        if i % 40 == 15:
            row["description"] = f"another description {i}"
        if i % 40 == 16:
            row["item_id"] = rows[i - 1]["item_id"]
        if i % 40 == 17:  # another fact: another pattern (or an error)
            row["usml_candidates"] = "VIII(h)(1)" if row["usml_candidates"] else "none"
        if i % 40 == 18:
            row["itar_enumerated_article"] = "maybe"
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    lines = out.getvalue().encode("utf-8").split(b"\n")
    for i in range(19, n, 40):
        lines[i + 1] = lines[i + 1].replace(b",", b"\xff,", 1)  # a bad byte in the id
    for i in range(20, n, 40):
        lines[i + 1] = lines[i + 1] + b",extra"
    for i in range(21, n, 40):
        lines[i + 1] = lines[i + 1].replace(b"-", b"\xe9", 1)  # Latin-1 in the id
    lines.insert(n // 2, b'B-1,"two\nlines",part' + b"," * (len(header) - 3))
    path.write_bytes(b"\n".join(lines))


@pytest.fixture(scope="module")
def lane_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("lane") / "parts.csv"
    _lane_file(path, 2600)  # three chunks: --jobs 2 starts workers
    return path


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_rows_written_from_their_pattern_are_the_slow_paths_bytes(
    lane_file: Path, fmt: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from exportctl.cli import batch as writer

    lanes: list[Any] = []
    write = writer.PatternLane.write

    def counted(self: Any, *args: Any, **kwargs: Any) -> int:
        lanes.append(self)
        rows: int = write(self, *args, **kwargs)
        return rows

    monkeypatch.setattr(writer.PatternLane, "write", counted)
    for day in DAYS:
        lanes.clear()
        code, out, _ = run(
            "screen", str(lane_file), "--format", fmt, "--as-of", day, "--quiet", "-j", "1"
        )
        assert out == reference_output("screen", lane_file, "csv", fmt, day)
        assert len(lanes) == 1
        assert lanes[0].written > 1500  # most rows came from their pattern's line
        assert code == 4  # the rows with errors


@pytest.mark.skipif(not hasattr(os, "fork"), reason="the workers are forked")
@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_rows_written_from_their_pattern_are_the_same_with_jobs(
    lane_file: Path, fmt: str
) -> None:
    args = ["screen", str(lane_file), "--format", fmt, "--as-of", DAYS[1]]
    assert run(*args, "-j", "2") == run(*args, "-j", "1")


@settings(max_examples=500, deadline=None)
@given(
    st.one_of(
        st.text(max_size=8),
        st.text(alphabet=st.characters(max_codepoint=0x7F), max_size=8),
        st.sampled_from(["P-1", "a b", "=1", "-1", "+1", "@1", " a", "a ", "{x}", "a,b", 'a"b']),
    )
)
def test_a_safe_id_is_written_as_it_is_read(text: str) -> None:
    from exportctl.cli.batch import safe_id, text_cell
    from exportctl.inputs.items import parse_text
    from exportctl.inputs.readers import printable

    if not safe_id(text):
        return
    assert text_cell(text) == text == csv_cell(text)
    assert csv_line([text]) == text + "\n"
    assert json_text_fast(text) == json_text(text) == f'"{text}"'
    assert printable(text) == text == parse_text("item_id", text)


@given(st.text(max_size=10), st.text(max_size=40), st.dates())
def test_decision_ids_of_a_pattern_are_decision_ids(subject: str, facts: str, day: Any) -> None:
    from exportctl.core.provenance import decision_id, decision_ids

    subject = subject.encode("utf-8", "replace").decode("utf-8")
    facts = facts.encode("utf-8", "replace").decode("utf-8")
    assert decision_ids(facts, "law1", day)(subject) == decision_id(subject, facts, "law1", day)


@settings(max_examples=500, deadline=None)
@given(st.lists(TEXT, min_size=1, max_size=6))
def test_plain_csv_text_is_the_writers_text(cells: list[str]) -> None:
    from exportctl.cli.batch import plain_csv_text

    text = plain_csv_text(cells)
    if text is not None:
        buffer = io.StringIO()
        CsvWriter(buffer).writerow([csv_cell(c) for c in cells])
        assert text + "\n" == buffer.getvalue()


#: Cells of the characters plain_csv_text looks at: commas, quotes, spaces, formula characters
#: at a cell's start or inside it, controls, DEL, non-ASCII, a bad byte.
_PLAIN_CELL = st.lists(
    st.sampled_from(
        ["a", "Z", "1", " ", ",", '"', "=", "+", "-", "@", "\t", "\r", "\n", "\x7f", "\x00",
         "\x1f", "~", "!", "#", "é", "\u2028", "\udcff", "XI(a)(10)", "15 CFR part 774"]
    ),
    max_size=5,
).map("".join)


@settings(max_examples=1000, deadline=None)
@given(st.lists(_PLAIN_CELL, min_size=1, max_size=6))
def test_plain_csv_text_is_its_regular_expressions_reading(cells: list[str]) -> None:
    """plain_csv_text reads a line by string methods: it gives a text exactly when the
    regular expression of plain text (``_NOT_PLAIN``: printable ASCII without a quote, no
    cell starting with a formula character) finds nothing, and that text is the writer's."""
    from exportctl.cli.batch import _NOT_PLAIN, plain_csv_text

    text = ",".join(cells)
    plain = text.count(",") == len(cells) - 1 and _NOT_PLAIN.search(text) is None and text
    assert plain_csv_text(cells) == (text if plain else None)
    if plain:
        buffer = io.StringIO()
        CsvWriter(buffer).writerow([csv_cell(c) for c in cells])
        assert text + "\n" == buffer.getvalue()


def test_plain_csv_text_on_cells_that_need_writing() -> None:
    from exportctl.cli.batch import plain_csv_text

    assert plain_csv_text(["classified", "ITAR", "XI(a)(10)", "yes"]) == (
        "classified,ITAR,XI(a)(10),yes"
    )
    assert plain_csv_text(["a-b", "x@y", "1+1", "a=b"]) == "a-b,x@y,1+1,a=b"  # not at a start
    for cells in (["a", "-1"], ["a", "  =1"], ["@x"], ["a", '"'], ["a\x7f"], ["é"], ["a\tb"],
                  ["a,b", "c"], [""]):
        assert plain_csv_text(cells) is None, cells


@pytest.mark.skipif(not hasattr(os, "fork"), reason="the workers are forked")
def test_a_file_of_repeated_rows_is_written_by_one_process(
    tmp_path: Path, lane_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--jobs 2 on a parts list whose first chunk is mostly rows written from their pattern's
    line: no worker is started (reading is the work), the same bytes; a file of mixed rows
    still goes to the workers."""
    pools = counted_pools(monkeypatch)
    path = tmp_path / "parts.csv"
    rows = bench.repeated(bench.example_rows(bench.PARTS), 2500, "item_id")
    bench.write_csv(path, bench.header_of(bench.PARTS), rows)
    for fmt in ("csv", "jsonl"):
        args = ["screen", str(path), "--format", fmt, "--as-of", DAYS[0]]
        one = run(*args, "-j", "1")
        assert run(*args, "-j", "2") == one
        assert pools == []
        assert len(one[1].splitlines()) == (2501 if fmt == "csv" else 2500)
    args = ["screen", str(lane_file), "--format", "csv", "--as-of", DAYS[0], "-j", "2"]
    run(*args)
    assert pools == [2]


def test_rows_written_from_their_pattern_count_in_the_summary(
    lane_file: Path, tmp_path: Path
) -> None:
    """The summary and the exit status count every row written from its pattern's line: the
    same as a run that reads every record (``--log`` holds each record: no pattern lane)."""
    args = ["screen", str(lane_file), "--format", "csv", "--as-of", DAYS[1], "-j", "1"]
    code, out, err = run(*args)
    logged = run(*args, "--log", str(tmp_path / "log.db"))
    summary = [line for line in err.splitlines() if "screened" in line]
    assert len(summary) == 1 and summary[0].startswith("exportctl: screened 2601 rows: ")
    assert (code, out, summary) == (
        logged[0],
        logged[1],
        [line for line in logged[2].splitlines() if "screened" in line],
    )
