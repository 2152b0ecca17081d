"""--jobs with workers that read their own pieces of the input file (issue 13).

Under ``--jobs N`` this process only cuts a CSV file into pieces where records start, counting
them (:func:`~exportctl.cli.batch.csv_pieces`); each worker reads its pieces itself
(:meth:`~exportctl.cli.batch.CsvRows.piece_entries`) and gives back its lines' bytes.  The
output must be the bytes of one process (``--jobs 1``), every input record one output row, every
error naming its own row and lines: on the awkward files a user may have (quoted line breaks,
a byte-order mark, CRLF, blank lines, bad rows, a last line without a line end, an unclosed
quote), with pieces of a few records and blocks of a few dozen bytes so that many pieces are
cut, records straddle blocks, and workers really decide them.  Nothing here measures speed.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.test_fast_batch import counted_pools
from tools import bench

from exportctl.cli import batch as cli_batch
from exportctl.cli import main
from exportctl.cli.batch import CsvRows, csv_pieces
from exportctl.inputs import readers
from exportctl.inputs.readers import InputFileError, Record, read_csv_rows, utf8_line_blocks

DAY = "2026-01-15"
forked = pytest.mark.skipif(not hasattr(os, "fork"), reason="the workers are forked")


# --- the pieces of a file read alone are the file read whole ----------------------------------

TOKENS = [
    b",", b'"', b'""', b"\n", b"\r", b"\r\n", b" ", b"A1", b"P-2", b"none", b"yes", b"x,y",
    b'"a\nb"', b'"c\r\nd",', b'"q""q"', b"\xe9", b"\xff", b"\xc3", b"\xe2\x80", b"\xc3\xa9",
    b"\x00", b"\t", b"\xef\xbb\xbf", "\u2028".encode(), b",,\n",
]  # fmt: skip
HEADERS = [b"item_id,description,x\n", b"item_id,b\r\n", b"\xef\xbb\xbfitem_id,a\n",
           b"\n\n , \nitem_id,a\r", b'"item_id","a"\n']  # fmt: skip


def _read_whole(data: bytes) -> list[Any]:
    """The file's entries as one reader reads them (a file-level error raised)."""
    rows = CsvRows(io.BytesIO(data))
    return [rows.record(e) for e in rows.entries()]


def _whole(data: bytes) -> list[Any] | None:
    """The file's entries as one reader reads them (None: a file-level error)."""
    try:
        return _read_whole(data)
    except InputFileError:
        return None


def _pieced(data: bytes, size: int, block: int, first: int | None = None) -> list[Any]:
    rows = CsvRows(io.BytesIO(data))
    pieces = list(
        csv_pieces(utf8_line_blocks(io.BytesIO(data), block), rows.header_lines, size, first=first)
    )
    found = []
    for piece in pieces:
        entries = [rows.record(e) for e in rows.piece_entries(piece)]
        assert len(entries) == piece[3]  # the count the cutter gave is what the worker reads
        assert not entries or entries[0].row == piece[1] + 1
        found += entries
    return found


@settings(max_examples=500, deadline=None)
@given(
    st.sampled_from(HEADERS),
    st.lists(st.one_of(st.sampled_from(TOKENS), st.binary(max_size=3)), max_size=60),
    st.integers(1, 4),
    st.integers(1, 40),
    st.one_of(st.none(), st.integers(1, 3)),
)
def test_pieces_read_alone_are_the_file_read_whole(
    header: bytes, tokens: list[bytes], size: int, block: int, first: int | None
) -> None:
    data = header + b"".join(tokens)
    whole = _whole(data)
    if whole is None:
        return  # no records: the command ends before any piece is cut
    assert _pieced(data, size, block, first) == whole


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(TOKENS), st.binary(max_size=4)), max_size=60),
       st.integers(1, 30))  # fmt: skip
def test_line_blocks_are_the_readers_lines(tokens: list[bytes], size: int) -> None:
    data = b"".join(tokens)
    lines = list(readers._Text(io.BytesIO(data), newline=""))
    blocks = list(utf8_line_blocks(io.BytesIO(data), size))
    assert [line for block in blocks for line in block] == lines  # no line cut by a block


def test_a_quoted_line_break_across_blocks_is_one_record() -> None:
    """A cell holding line breaks, cut by the end of a block: the record is read again with the
    next block's lines, and stays one record (an error naming its lines)."""
    data = b'item_id,a\nP1,x\nP2,"one\ntwo\r\nthree"\nP3,y\n\nP4,z'
    whole = _read_whole(data)
    assert [(r.row, r.lines, r.error_field) for r in whole] == [
        (1, (2, 2), None), (2, (3, 5), "a"), (3, (6, 6), None), (4, (8, 8), None),
    ]  # fmt: skip
    for block in range(1, len(data) + 1):
        for size in (1, 2, 5):
            assert _pieced(data, size, block) == whole


def test_an_unclosed_quote_swallows_the_rest_as_one_record() -> None:
    data = b'item_id,a\r\nP1,x\r\nP2,"never closed\r\nP3,y\r\n' + b"P,z\r\n" * 50
    whole = _read_whole(data)
    assert [(r.row, r.lines) for r in whole] == [(1, (2, 2)), (2, (3, 54))]
    assert whole[1].raw is None and "never closed" in (whole[1].error or "")
    for block in (1, 7, 64, 4096):
        assert _pieced(data, 1, block) == whole


def test_a_line_longer_than_a_cell_may_be_is_one_error_record() -> None:
    """A line of spaces longer than the longest cell accepted is an error record (the csv
    module stops at the limit), not a blank line: counted as one record in its piece."""
    long = b" " * (readers.MAX_FIELD_CHARS + 1)
    data = b"item_id,a\nP1,x\n" + long + b"\nP2,y\n,\nP3," + long + b"\nP4,z\n"
    whole = _read_whole(data)
    assert [(r.row, r.raw is None) for r in whole] == [
        (1, False), (2, True), (3, False), (4, True), (5, False),
    ]  # fmt: skip
    for size in (1, 2, 3):
        assert _pieced(data, size, 4096) == whole


# --- the commands: --jobs 2 against --jobs 1 --------------------------------------------------


@pytest.fixture
def small_pieces(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Pieces of 7 records read in blocks of 97 bytes (so that records straddle blocks and many
    pieces go to the workers); gives the list of pieces the workers were handed."""
    handed: list[Any] = []
    write_parallel = cli_batch.write_parallel
    line_blocks = readers.utf8_line_blocks
    in_workers = cli_batch.in_workers

    def small(*args: Any, chunk_size: int = 1000) -> int:
        return write_parallel(*args, chunk_size=7)

    def counted(items: Any, work: Any, jobs: int) -> Iterator[Any]:
        def each() -> Iterator[Any]:
            for item in items:
                handed.append(item)
                yield item

        return in_workers(each(), work, jobs)

    monkeypatch.setattr(cli_batch, "write_parallel", small)
    monkeypatch.setattr(readers, "utf8_line_blocks", lambda stream, size=0: line_blocks(stream, 97))
    monkeypatch.setattr(cli_batch, "in_workers", counted)
    return handed


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def _csv_text(header: list[str], rows: list[dict[str, str]], eol: str) -> list[str]:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, lineterminator=eol)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().split(eol)[:-1]


def awkward_csv(
    example: Path, rows: list[dict[str, str]], id_column: str, *, bom: bool, crlf: bool,
    last_eol: bool, unclosed: bool = False, sparse: int = 1,
) -> bytes:  # fmt: skip
    """A CSV file of ``rows`` (the columns of ``example``) with what users' files hold mixed
    in: blank lines (before the header too, and lines of commas), cells with commas and quotes,
    cells with line breaks (quoted: an error row spanning lines), a closing quote followed by
    text, a row with a cell too many and one with too few, a bad byte, a byte-order mark, CRLF
    line ends, no line end after the last line, and an unclosed quote near the end (``sparse``
    times fewer of each)."""
    header = bench.header_of(example)
    width = len(header)
    eol = "\r\n" if crlf else "\n"
    lines = _csv_text(header, rows, eol)
    body = lines[1:]
    blank = "," * (width - 1)
    out: list[str] = ["", " , ", lines[0], ""]
    for i, line in enumerate(body):
        out.append(line)
        if i % (11 * sparse) == 3:
            out += ["", blank, "   "]
        if i % (13 * sparse) == 5:
            out.append(f'Q-{i},"a, ""quoted"" part",' + "," * (width - 3))
        if i % (17 * sparse) == 7:
            out.append(f'L-{i},"two{eol}lines",' + "," * (width - 3))
        if i % (19 * sparse) == 2:
            out.append(f'E-{i},"closed"then text,' + "," * (width - 3))
        if i % (23 * sparse) == 9:
            out += [line + ",extra", f"S-{i},short"]
        if i % (29 * sparse) == 4:
            out.append(f"B\udcff-{i}" + "," * (width - 1))
    if unclosed:
        out.insert(len(out) - 3, f'U-1,"never closed,{"," * (width - 3)}')
    text = eol.join(out) + (eol if last_eol else "")
    data = text.encode("utf-8", "surrogateescape")
    return (b"\xef\xbb\xbf" if bom else b"") + data


def _parts(n: int) -> list[dict[str, str]]:
    rows = list(bench.distinct_parts(n, seed=11))
    rows += bench.repeated(bench.example_rows(bench.PARTS), n // 3, "item_id")
    return rows


def _transfers(n: int) -> list[dict[str, str]]:
    rows = list(bench.distinct_transfers(n, seed=11))
    rows += bench.repeated(bench.example_rows(bench.TRANSFERS), n // 3, "transfer_id")
    return rows


VARIANTS = {
    "plain": {"bom": False, "crlf": False, "last_eol": True},
    "bom-crlf-no-last-eol": {"bom": True, "crlf": True, "last_eol": False},
    "unclosed-quote": {"bom": False, "crlf": True, "last_eol": True, "unclosed": True},
}


@pytest.fixture(scope="module")
def awkward(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("awkward")
    files = {}
    parts, transfers = _parts(90), _transfers(30)
    for variant, options in VARIANTS.items():
        for command, example, rows, key in (
            ("screen", bench.PARTS, parts, "item_id"),
            ("authorize", bench.TRANSFERS, transfers, "transfer_id"),
        ):
            path = tmp / f"{command}-{variant}.csv"
            path.write_bytes(awkward_csv(example, rows, key, **options))  # type: ignore[arg-type]
            files[f"{command}-{variant}"] = path
    return files


ID_COLUMNS = {"screen": "item_id", "authorize": "transfer_id"}


def _records(path: Path, id_column: str) -> list[Record]:
    with path.open("rb") as fh:
        return list(read_csv_rows(fh, id_column=id_column))


def _check_rows(out: str, fmt: str, records: list[Record]) -> None:
    """One output row per input record, in order, each with its record's row number; an error
    row names the lines of its record."""
    if fmt == "csv":
        got = list(csv.DictReader(io.StringIO(out)))
        rows = [int(r["row"]) for r in got]
    else:
        got = [json.loads(line) for line in out.splitlines()]
        rows = [r["row"] for r in got]
    assert rows == [r.row for r in records]
    for line, rec in zip(got, records, strict=True):
        if rec.raw is None:
            lines = rec.lines
            where = f"line {lines[0]}" if lines[0] == lines[1] else f"lines {lines[0]}-{lines[1]}"
            assert where in str(line), (line, rec)


@forked
@pytest.mark.parametrize("variant", list(VARIANTS))
@pytest.mark.parametrize("command", ["screen", "authorize"])
@pytest.mark.parametrize("fmt", ["csv", "jsonl", "table"])
def test_jobs_read_pieces_and_give_the_same_bytes(
    awkward: dict[str, Path],
    command: str,
    variant: str,
    fmt: str,
    small_pieces: list[Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pools = counted_pools(monkeypatch)
    path = awkward[f"{command}-{variant}"]
    args = [command, str(path), "--format", fmt, "--as-of", DAY]
    one = run(*args, "--jobs", "1")
    assert pools == [] and small_pieces == []
    two = run(*args, "--jobs", "2")
    assert pools == [2]
    assert len(small_pieces) >= 5  # the workers read many pieces of the file themselves
    assert two == one  # the exit status, every byte of the output and the summary
    if fmt != "table":
        _check_rows(one[1], fmt, _records(path, ID_COLUMNS[command]))


@forked
@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_diff_jobs_read_pieces_and_give_the_same_bytes(
    awkward: dict[str, Path], fmt: str, small_pieces: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    pools = counted_pools(monkeypatch)
    for command, kind, reform in (
        ("screen", "items", "xix-engine-parts-to-ccl"),
        ("authorize", "transfers", "etl-eliminated"),
    ):
        pools.clear()
        small_pieces.clear()
        path = awkward[f"{command}-bom-crlf-no-last-eol"]
        args = ["diff", str(path), "--kind", kind, "--reform", reform, "--as-of", DAY]
        args += ["--format", fmt]
        one = run(*args, "--jobs", "1")
        two = run(*args, "--jobs", "2")
        assert pools == [2] and len(small_pieces) >= 5
        assert two == one
        _check_rows(one[1], fmt, _records(path, ID_COLUMNS[command]))


@forked
def test_the_first_rows_of_a_piece_are_numbered_from_the_file(
    tmp_path: Path, small_pieces: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Error rows decided in a worker name the row and lines of the whole file: a file whose
    every fourth record has a line break in a cell, between blank lines."""
    pools = counted_pools(monkeypatch)
    header = bench.header_of(bench.PARTS)
    rows = list(bench.distinct_parts(60, seed=2))
    lines = _csv_text(header, rows, "\n")
    out = [lines[0]]
    for i, line in enumerate(lines[1:]):
        out.append(line)
        if i % 4 == 0:
            out += ["", f'L-{i},"a\nb",' + "," * (len(header) - 3), ""]
    path = tmp_path / "parts.csv"
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    _, got, _ = run("screen", str(path), "--format", "csv", "--as-of", DAY, "--jobs", "2")
    assert pools == [2] and len(small_pieces) >= 5
    errors = [r for r in csv.DictReader(io.StringIO(got)) if r["item_id"].startswith("L-")]
    assert len(errors) == 15
    for k, row in enumerate(errors):
        i = 4 * k  # the i-th part, then a blank line, then the part with a line break
        assert int(row["row"]) == i + k + 2
        # Line 1 the header, then each part one line, each insert four (the blank lines, the
        # part's two): the part's first line follows the blank line after part i.
        first = 1 + (i + 1) + 4 * k + 2
        assert re.search(rf"\(lines {first}-{first + 1}\)", row["error"]), row


@forked
def test_jsonl_input_and_stdin_give_the_same_bytes(
    tmp_path: Path, small_pieces: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """JSON lines input (and a CSV file read from stdin) cannot be cut by this process: the
    records are read here and sent to the workers, as before; the same bytes still."""
    pools = counted_pools(monkeypatch)
    rows = [bench.part_as_json(r) for r in _parts(40)]
    lines = [json.dumps(r) for r in rows]
    lines[5:5] = ["", "   ", "{not json", "[1, 2]", '{"item_id": "X\\ud800"}']
    data = b"\xef\xbb\xbf" + "\r\n".join(lines).encode("utf-8")
    path = tmp_path / "parts.jsonl"
    path.write_bytes(data)
    for fmt in ("csv", "jsonl"):
        pools.clear()
        args = ["screen", str(path), "--format", fmt, "--as-of", DAY]
        one = run(*args, "--jobs", "1")
        two = run(*args, "--jobs", "2")
        assert pools == [2]
        assert two == one
        got = one[1].splitlines()
        assert len(got) == len(rows) + 3 + (fmt == "csv")  # blank lines are not records
    csv_path = tmp_path / "parts.csv"
    csv_path.write_bytes(awkward_csv(bench.PARTS, _parts(30), "item_id", **VARIANTS["plain"]))
    data = csv_path.read_bytes()
    small_pieces.clear()
    pools.clear()
    outs = []
    for jobs in ("1", "2"):
        args = ["screen", "-", "--format", "csv", "--as-of", DAY, "-j", jobs]
        result = CliRunner().invoke(main, args, input=data)
        outs.append((result.exit_code, result.stdout, result.stderr))
    assert pools == [2] and small_pieces == []  # stdin: read here, not cut into pieces
    assert outs[0] == outs[1]


def test_blank_is_what_strip_strips_and_the_comma() -> None:
    spaces = {chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()}
    assert set(cli_batch._BLANK) == spaces | {","}


@forked
def test_a_file_of_repeated_rows_is_written_by_one_process_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A parts list whose first chunk is mostly rows written from their pattern's line: the
    command's own process reads on from its reader after the first piece (no workers), and the
    bytes are one process's, with blank lines, bad rows and quoted line breaks mixed in."""
    pools = counted_pools(monkeypatch)
    rows = list(bench.repeated(bench.example_rows(bench.PARTS), 2600, "item_id"))
    data = awkward_csv(bench.PARTS, rows, "item_id", sparse=20, **VARIANTS["bom-crlf-no-last-eol"])
    path = tmp_path / "parts.csv"
    path.write_bytes(data)
    for fmt in ("csv", "jsonl"):
        args = ["screen", str(path), "--format", fmt, "--as-of", DAY]
        one = run(*args, "--jobs", "1")
        two = run(*args, "--jobs", "2")
        assert pools == []
        assert two == one
        _check_rows(one[1], fmt, _records(path, "item_id"))
