"""Reading batch files and writing their results (one writer for every batch command)."""

from __future__ import annotations

import codecs
import contextlib
import csv
import errno
import gc
import io
import itertools
import json
import operator
import os
import re
import sys
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from functools import partial
from typing import Any, NamedTuple, TypeVar

import attrs
import click

from exportctl.cli.base import (
    EXIT_INPUT,
    JOBS_KEY,
    fail,
    requested_columns,
)
from exportctl.cli.output import (
    _FORMULA,
    _JSON_RAW_CONTROL,
    csv_cell,
    render,
    table_cell,
    to_jsonable,
)
from exportctl.core.provenance import decision_ids
from exportctl.engine.batch import BatchRun, Tally, run_parallel, tally
from exportctl.inputs import readers
from exportctl.inputs.readers import (
    InputFileError,
    Record,
    escape_surrogates,
    printable,
    read_jsonl_rows,
)

T = TypeVar("T")


def open_input(path: str) -> Any:
    """The input file (or stdin for '-') as bytes: the readers decode it (see readers.py)."""
    if path == "-":
        return click.open_file("-", "rb")
    return open(path, "rb")


def read_records(source: Any, path: str, kind: str, id_column: str) -> Iterable[Record]:
    """The file's records; a problem with the whole file ends the command here (exit 4).

    The first record is read before anything is written, so a file-level error (an empty file,
    a header without records, a repeated or missing column, a column ``--map`` or
    ``--ignore-columns`` names that the file does not have) leaves stdout empty.  The records'
    fields are renamed as ``--map``/``--map-file`` say, the ignored columns dropped (listed once
    on stderr).
    """
    columns = requested_columns()
    id_source = columns.source_of(id_column)
    where = "stdin" if path == "-" else path
    try:
        if kind == "csv":
            rows = CsvRows(source, id_column=id_source, columns=columns, path=path)
            if not columns:
                rows.start()  # the first record: a file-level error ends the command here
                return rows
            records: Iterator[Record] = iter(rows)
        else:
            records = read_jsonl_rows(source, id_field=id_source)
        first = next(records)
    except InputFileError as exc:
        fail(f"{where}: {exc}", EXIT_INPUT)
    if columns.ignore:
        click.echo(
            f"exportctl: ignoring columns: {', '.join(table_cell(c) for c in columns.ignore)}",
            err=True,
        )
    found = itertools.chain([first], records)
    return map(columns.record, found) if columns else found


def named_by_file(result: Any, columns: readers.ColumnMap) -> Any:
    """A result whose error names a renamed field, naming the file's column instead (and the
    field it is read as): ``Part Number (read as item_id): is required ...``."""
    if hasattr(result, "before") and hasattr(result, "after"):
        before = named_by_file(result.before, columns) if result.before is not None else None
        after = named_by_file(result.after, columns) if result.after is not None else None
        if before is result.before and after is result.after:
            return result
        return attrs.evolve(result, before=before, after=after)
    field = getattr(result, "error_field", None)
    if not field:
        return result
    parts = field.split(",")
    if all(columns.source_of(f) == f for f in parts):
        return result
    error = result.error or ""
    for f in parts:
        if error.startswith(f"{f}: "):
            error = f"{columns.original(f)}: {error[len(f) + 2 :]}"
    return attrs.evolve(
        result, error_field=",".join(columns.source_of(f) for f in parts), error=error
    )


def _named_by_file(results: Iterable[Any]) -> Iterable[Any]:
    """The results with errors naming the file's columns (when ``--map`` renamed some)."""
    columns = requested_columns()
    if not columns.renames:
        return results
    fix = partial(named_by_file, columns=columns)
    if isinstance(results, BatchRun):
        decide = results.decide
        return BatchRun(lambda records: map(fix, decide(records)), results.records)
    return map(fix, results)


def fast_csv_rows(
    source: Any, *, id_column: str = "item_id", columns: readers.ColumnMap | None = None
) -> Iterator[Record]:
    """:func:`~exportctl.inputs.readers.read_csv_rows`: the same records and the same errors
    (a test compares the two on arbitrary bytes), with the checks of each cell skipped for a
    record that cannot fail them (see :class:`CsvRows`)."""
    yield from CsvRows(source, id_column=id_column, columns=columns)


#: A checked CSV record not made into a :class:`Record` yet: its number, its line, its cells.
Checked = tuple[int, int, list[str]]


class CsvRows:
    """The records of a CSV file as :func:`~exportctl.inputs.readers.read_csv_rows` reads
    them (iterating gives :class:`Record` values), with the checks of each cell skipped for a
    record that cannot fail them: read from one line (so no cell holds a line break), as many
    cells as the header has columns, no byte that failed to decode (ASCII, or no marked byte)
    and no cell longer than the limit.  Any other record is read by the readers' own code.

    :meth:`entries` gives the same records with each checked one still as its cells (a
    :data:`Checked` tuple), for a writer that reads repeated rows from their cells.  The
    header is read (and checked) when the object is made."""

    def __init__(
        self,
        source: Any,
        *,
        id_column: str = "item_id",
        columns: readers.ColumnMap | None = None,
        path: str | None = None,
    ) -> None:
        self._text = readers._Text(source, newline="")
        self._reader = csv.reader(iter(self._text), strict=True)
        self.header = readers._csv_header(self._reader, self._text, id_column, columns)
        #: The physical lines up to the header's end (blank lines before it included).
        self.header_lines = self._reader.line_num
        self.id_index = self.header.index(id_column)
        #: The file read (None: a stream that cannot be read again, e.g. stdin).
        self.path = path
        self._head: list[Checked | Record] = []
        self._entries = self._read(self._reader, self._text)

    def start(self) -> None:
        """Reads the first record now: a file without records raises here."""
        if not self._head:
            self._head.append(next(self._entries))

    def entries(self) -> Iterator[Checked | Record]:
        """Every record: a checked one as (number, line, cells), any other as its Record."""
        if self._head:
            yield self._head.pop()
        yield from self._entries

    def __iter__(self) -> Iterator[Record]:
        header = self.header
        id_index = self.id_index
        for entry in self.entries():
            if type(entry) is tuple:
                n, line, cells = entry
                yield Record(
                    n,
                    dict(zip(header, cells, strict=True)),
                    (line, line),
                    item_id=printable(cells[id_index]),
                )
            else:
                yield entry  # type: ignore[misc]

    def record(self, entry: Checked | Record) -> Record:
        """An entry as its :class:`Record`."""
        if type(entry) is not tuple:
            return entry  # type: ignore[return-value]
        n, line, cells = entry
        return Record(
            n,
            dict(zip(self.header, cells, strict=True)),
            (line, line),
            item_id=printable(cells[self.id_index]),
        )

    def piece_entries(self, piece: Piece) -> Iterator[Checked | Record]:
        """The entries of a piece of this file (:func:`csv_pieces`): the same as the whole
        file's entries for those records (their row and line numbers counted from the file's
        start)."""
        text, row0, line0, _ = piece
        reader = csv.reader(io.StringIO(text, newline=""), strict=True)
        decoded = readers._Text(text, newline="", encoding=self._text.encoding)
        return self._read(reader, decoded, row0, line0)

    def pieces(self, size: int, first: int | None = None) -> Iterator[Piece] | None:
        """The file's records after the header read again from the file, in pieces of
        ``size`` records (the first of ``first``: :func:`csv_pieces`), or None when the file
        cannot be read again so (stdin, a pipe, or not UTF-8)."""
        path = self.path
        if path is None or path == "-" or self._text.encoding != "UTF-8":
            return None
        if not os.path.isfile(path):
            return None

        source = self._text._source

        def read() -> Iterator[Piece]:
            with open(path, "rb") as fh:
                stream: Any = _Progress(fh, source._bar) if isinstance(source, _Progress) else fh
                blocks = readers.utf8_line_blocks(stream)
                yield from csv_pieces(blocks, self.header_lines, size, first=first)

        return read()

    def _read(
        self, reader: Any, text: readers._Text, n: int = 0, line0: int = 0
    ) -> Iterator[Checked | Record]:
        """The entries ``reader`` reads: ``n`` records and ``line0`` lines come before them
        (a piece of the file, when not 0: then no record at all is not an error)."""
        whole = n == 0
        header = self.header
        id_index = self.id_index
        width = len(header)
        limit = readers.MAX_FIELD_CHARS
        surrogate = readers._SURROGATE.search
        while True:
            before = reader.line_num + line0
            try:
                cells = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                n += 1
                lines = (before + 1, max(reader.line_num + line0, before + 1))
                yield Record(n, None, lines, "row", readers._csv_error(exc, lines))
                continue
            joined = "".join(cells)
            if not joined.strip():
                continue  # a blank line (or only delimiters): not an input record
            n += 1
            after = reader.line_num + line0
            if (
                after == before + 1
                and len(cells) == width
                and len(joined) <= limit
                and (joined.isascii() or surrogate(joined) is None)
            ):
                yield (n, after, cells)
            else:
                yield readers._csv_record(n, (before + 1, after), header, cells, id_index, text)
        if n == 0 and whole:
            raise InputFileError("has a header but no records: nothing to decide")


def _record_ends(buf: list[str], final: bool) -> Iterator[int]:
    """The line after each record the :mod:`csv` module reads in ``buf`` (whole lines from a
    record's start), negated (a blank record is given as is, not negated: it is no input record),
    up to the last it reads whole: when ``final`` is false, a record the module stops at the end
    of ``buf`` (it needs the next lines, or they may change the error) is left out."""
    reader = csv.reader(buf, strict=True)
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error:
            if not final and reader.line_num >= len(buf):
                return  # the end of the block: the next lines may finish this record
            yield -reader.line_num
            continue
        yield reader.line_num if not "".join(cells).strip() else -reader.line_num


#: What ``str.strip()`` strips (a test compares it with ``str.isspace``) and the delimiter: a
#: line without quotes holding only these is blank (its cells joined are only whitespace).
_BLANK = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000,"
)


def _plain_lines(buf: list[str]) -> bool:
    """Whether the :mod:`csv` module reads each of these lines as one record of its cells split
    at the commas: no quote, no NUL, no line longer than the longest cell accepted (a longer one
    may be an error)."""
    if not buf:
        return False
    text = "".join(buf)
    return '"' not in text and "\x00" not in text and max(map(len, buf)) <= readers.MAX_FIELD_CHARS


#: A piece of a CSV file's records (:func:`csv_pieces`): its text (whole lines, starting at a
#: record's start), the records and the physical lines before it, and the records it holds.
Piece = tuple[str, int, int, int]


def csv_pieces(
    blocks: Iterable[list[str]], skip: int, size: int, *, first: int | None = None
) -> Iterator[Piece]:
    """The records of a CSV file's lines (``blocks`` of whole lines, as
    :func:`~exportctl.inputs.readers.utf8_line_blocks` gives them) after its first ``skip``
    lines (the header), cut into pieces of ``size`` input records (the last one may hold
    fewer; the first ``first``, when given), each starting where a record starts: a reader of
    each piece alone reads the records a reader of the whole file reads there (the file is cut
    only where the :mod:`csv` module, reading the whole file, has just finished a record).

    The records are counted as the readers count them (a blank line is none, a stretch of lines
    the module stops reading with an error is one), so each piece knows the row number of its
    first record.  A record that the end of a block may cut short (the module reads past the
    block's last line, or stops there with an error) is read again with the next block's lines.
    """
    it = iter(blocks)
    carry: list[str] = []
    row0 = 0
    line0 = 0  # the physical lines before carry
    final = False
    target = first or size
    while not final:
        buf = list(carry)
        added = 0
        while added < max(1, len(carry)):  # at least as many new lines as carried ones
            block = next(it, None)
            if block is None:
                final = True
                break
            buf.extend(block)
            added += len(block)
        if skip:
            k = min(skip, len(buf))
            del buf[:k]
            skip -= k
            line0 += k
        start = 0
        count = 0
        if _plain_lines(buf):
            # No quote: each line is one record, or blank (only spaces and commas).
            for end, line in enumerate(buf, start=1):
                if line.strip(_BLANK) and (count := count + 1) >= target:
                    yield "".join(buf[start:end]), row0, line0 + start, count
                    row0 += count
                    start = end
                    count = 0
                    target = size
            ends: Iterator[int] = iter(())
        else:
            ends = _record_ends(buf, final)
        for end in ends:
            if end < 0:
                count += 1  # a record (the cut may follow it)
            if count >= target:
                yield "".join(buf[start : abs(end)]), row0, line0 + start, count
                row0 += count
                start = abs(end)
                count = 0
                target = size
        if final:
            if count:
                yield "".join(buf[start:]), row0, line0 + start, count
            return
        carry = buf[start:]
        line0 += start


class _Progress:
    """A binary stream that moves a progress bar as it is read."""

    def __init__(self, stream: Any, bar: Any) -> None:
        self._stream = stream
        self._bar = bar

    def read(self, size: int = -1) -> bytes:
        data: bytes = self._stream.read(size)
        self._bar.update(len(data))
        return data


@contextlib.contextmanager
def with_progress(fh: Any, path: str, quiet: bool) -> Iterator[Any]:
    """The input, with a progress bar on stderr for long inputs read from a terminal."""
    stderr = sys.stderr
    if quiet or path == "-" or not stderr.isatty() or os.path.getsize(path) < 1_000_000:
        yield fh
        return
    with click.progressbar(length=os.path.getsize(path), label="reading", file=stderr) as bar:
        yield _Progress(fh, bar)


@attrs.frozen
class BatchLayout:
    """How one batch command's results become rows: the CSV columns, the table's columns, the
    flat row of a result, and the full record a JSON line carries (under ``record_key``).

    ``line_of`` (optional) writes one result's CSV or JSON line directly, the same text the
    generic path writes from ``row_of``/``record_of`` (tests compare the two); it returns None
    for a result it leaves to the generic path.
    """

    columns: Sequence[str]
    table_columns: Sequence[str]
    row_of: Callable[[Any], dict[str, Any]]
    record_key: str
    record_of: Callable[[Any], dict[str, Any] | None]
    line_of: Callable[[Any, str], str | None] | None = None
    #: Whether rows of one fact pattern share their line but for the row, the id and the
    #: decision id (False when a row carries something of its own record, e.g. suggestions).
    patterned: bool = True
    #: Fields every record carries after its own (the date and the law decided under:
    #: :func:`~exportctl.engine.batch.record_stamp`); a table shows them in a footer.
    stamp: tuple[tuple[str, Any], ...] = ()
    #: Records a worker decides at a time under ``--jobs`` (a transfer costs milliseconds, a
    #: part tens of microseconds: chunks of like cost keep both workers busy to the end).
    chunk: int = 1000
    #: What a worker under ``--jobs`` sends back of each result for ``on_result`` (None:
    #: :func:`~exportctl.engine.batch.tally`): a command whose ``on_result`` reads less of a
    #: result may send less.
    tally_of: Callable[[Any], Any] | None = None
    #: Writes the line of a CSV row decided from its cells (``decided_of(row, decision,
    #: facts_key, fmt, end)``: the line and the row's tally, or None), the same text
    #: ``line_of``/``row_of`` write for the result :func:`~exportctl.engine.batch.screen` gives
    #: that row (tests compare the two); a JSON line ends with ``end`` in place of its closing
    #: ``}`` and line end (the stamp's fields, ``}`` and the line end), a CSV line with ``end``
    #: in place of its line end (the stamp's cells as the minimal writer writes them and the
    #: line end; a line quoted whole is None); None: every row goes through its result.
    decided_of: Callable[[int, Any, str, str, str], tuple[str, Any] | None] | None = None

    @property
    def header(self) -> list[str]:
        """The CSV header: the columns, then the stamp's fields."""
        return [*self.columns, *(k for k, _ in self.stamp)]


def footer(layout: BatchLayout) -> str:
    """The line under a table: the stamp's fields (``as_of 2026-01-15; law_id ...; reforms
    none``)."""
    parts = []
    for key, value in layout.stamp:
        text = table_cell(value) if value not in ((), [], None, "") else "none"
        parts.append(f"{key} {text}")
    return "; ".join(parts)


def requested_jobs() -> int:
    """The worker processes ``--jobs`` asked for (1 outside a batch command)."""
    ctx = click.get_current_context(silent=True)
    jobs = ctx.find_root().meta.get(JOBS_KEY) if ctx is not None else None
    return int(jobs) if jobs else 1


def write_results(
    results: Iterable[Any], fmt: str, layout: BatchLayout, on_result: Callable[[Any], None]
) -> int:
    """Write every result as it comes (a table in blocks of 200 rows, CSV, or JSON lines with
    the full record): the one writer of every batch command.  Returns the number of rows.

    With ``--jobs N`` (N > 1) and results that know how to decide their records (a
    :class:`~exportctl.engine.batch.BatchRun`), chunks of the records are decided and written
    into text by N worker processes and written here in order: the same bytes.  The workers
    read a CSV file's records themselves, in pieces this process cuts (:func:`csv_pieces`,
    :func:`in_workers`); other records are read here and sent to them
    (:func:`~exportctl.engine.batch.run_parallel`).  ``on_result`` then gets each result's
    :class:`~exportctl.engine.batch.Tally` (its row, status, jurisdiction and classification).
    """
    results = _named_by_file(results)
    jobs = requested_jobs()
    lane = _lane_of(results, fmt, layout)
    if jobs > 1 and isinstance(results, BatchRun):
        return write_parallel(results, fmt, layout, on_result, jobs, chunk_size=layout.chunk)
    out = sys.stdout
    with steady_collector() as settled:
        if lane is not None:
            if fmt == "csv":
                out.write(csv_line(layout.header))
            return lane().write(settled(lane.rows.entries()), out.write, on_result)
        return _write_each(settled(results), fmt, layout, on_result, out)


def _write_each(
    results: Iterable[Any], fmt: str, layout: BatchLayout, on_result: Callable[[Any], None],
    out: Any,
) -> int:
    """:func:`write_results` in this process of results that are not a lane's."""
    if fmt == "csv":
        out.write(csv_line(layout.header))
    rows = 0
    block: list[dict[str, Any]] = []
    lines = LineMaker(layout, fmt) if fmt in ("csv", "jsonl") else None
    for result in results:
        rows += 1
        on_result(result)
        if lines is not None:
            out.write(lines(result))
            continue
        block.append(layout.row_of(result))
        if len(block) >= 200:
            out.write(render(block, "table", layout.table_columns, max_width=40) + "\n")
            block = []
    if fmt == "table" and (block or rows == 0):
        out.write(render(block, "table", layout.table_columns, max_width=40) + "\n")
    if fmt == "table" and layout.stamp:
        out.write(footer(layout) + "\n")
    return rows


#: Rows after which :func:`steady_collector` leaves what is alive out of the collector's passes.
SETTLED_AFTER = 1000
#: The collector's thresholds of its older generations while a batch is written (the
#: interpreter's defaults are 10 and 10).
BATCH_GC_THRESHOLDS = (50, 50)


@contextlib.contextmanager
def steady_collector() -> Iterator[Callable[[Iterable[T]], Iterator[T]]]:
    """The cyclic collector while this process writes a batch: ``settled(items)`` gives the
    items, and after the first :data:`SETTLED_AFTER` of them leaves every object alive then
    (the law and the parts of it the first rows read, the modules, the caches) out of the
    collector's passes (``gc.freeze``); the older generations are collected less often.  A
    batch of distinct rows makes few cycles (a few hundred objects in 20,000 rows, found by
    the young generation's passes) while its full passes walked every object of the law
    (about a tenth of the CPU time of ``screen --jobs 1``).  Restored on the way out (the
    objects frozen here are given back to the collector); nothing is changed when the
    collector is off or objects were already frozen."""
    thresholds = gc.get_threshold()
    touched = gc.isenabled() and gc.get_freeze_count() == 0
    frozen = [False]

    def settled(items: Iterable[T]) -> Iterator[T]:
        found = iter(items)
        yield from itertools.islice(found, SETTLED_AFTER)
        if touched:
            gc.freeze()
            frozen[0] = True
        yield from found

    if touched:
        older = thresholds[1:]
        gc.set_threshold(
            thresholds[0], *(max(t, b) for t, b in zip(older, BATCH_GC_THRESHOLDS, strict=True))
        )
    try:
        yield settled
    finally:
        if touched:
            gc.set_threshold(*thresholds)
            if frozen[0]:
                gc.unfreeze()


def write_parallel(
    results: BatchRun[Any],
    fmt: str,
    layout: BatchLayout,
    on_result: Callable[[Any], None],
    jobs: int,
    chunk_size: int = 1000,
) -> int:
    """:func:`write_results` with the records decided and written by ``jobs`` processes."""
    out = sys.stdout
    if fmt == "csv":
        out.write(csv_line(layout.header))
    rows = 0
    block: list[dict[str, Any]] = []
    lane = _lane_of(results, fmt, layout)
    work = ChunkWriter(results.decide, layout, fmt, lane)
    chunks: Iterable[tuple[Any, list[Any]]]
    rows_read: Any = results.records
    pieces = (
        rows_read.pieces(chunk_size, first=chunk_size if lane else max(1, chunk_size // 10))
        if isinstance(rows_read, CsvRows) and _FORKS
        else None
    )
    if pieces is not None:
        # Each worker reads its own pieces of the file (this process only cuts the file
        # where records start and counts them) and gives back its lines' text, encoded as
        # stdout encodes it when it can be written to stdout's bytes.
        raw = _raw_stdout(out) if fmt in ("csv", "jsonl") else None
        piece_writer = PieceWriter(rows_read, work, lane is not None, raw)
        spool = False
        if raw is not None:
            out.flush()  # the header, before the bytes written after it
            out = _BytesOut(raw[0])
            spool = out.fd is not None
        chunks = _write_pieces(piece_writer, pieces, jobs, spool=spool)
    elif lane is not None:
        # The first chunk is written here (the workers forked after it inherit its patterns
        # and the parts of the law it read).  When most of its rows were written from their
        # pattern's line, reading the file is the work: workers would only add the cost of
        # sending them the rows, and this process writes the rest too.
        entries = lane.rows.entries()
        head = list(itertools.islice(entries, chunk_size))
        first = work(head)
        if work.written() >= 0.8 * len(head):
            rest: Iterator[Any] = map(work, _slices(entries, chunk_size))
        else:
            rest = run_parallel(entries, work, jobs, chunk_size=chunk_size)
        chunks = itertools.chain([first], rest)
    else:
        chunks = run_parallel(results.records, work, jobs, chunk_size=chunk_size)
    for payload, tallies in chunks:
        for t in tallies:
            on_result(t)
        rows += len(tallies)
        if fmt in ("csv", "jsonl"):
            out.write(payload)
            continue
        block.extend(payload)
        while len(block) >= 200:
            out.write(render(block[:200], "table", layout.table_columns, max_width=40) + "\n")
            block = block[200:]
    if fmt == "table" and (block or rows == 0):
        out.write(render(block, "table", layout.table_columns, max_width=40) + "\n")
    if fmt == "table" and layout.stamp:
        out.write(footer(layout) + "\n")
    return rows


#: Whether worker processes are forked here (they inherit the law, the layout and the reader).
_FORKS = hasattr(os, "fork")


class PieceWriter:
    """Reads a piece of a CSV file (:meth:`CsvRows.piece_entries`) and writes its records'
    lines (a :class:`ChunkWriter`): what a worker does under ``--jobs``.  With ``raw`` (stdout's
    bytes, its encoding and its errors: :func:`_raw_stdout`) the text is given back encoded
    (bytes cost little to send between processes; text is encoded and decoded on the way)."""

    def __init__(
        self, rows: CsvRows, work: ChunkWriter, entries: bool, raw: tuple[Any, str, str] | None
    ) -> None:
        self.rows = rows
        self.work = work
        self.entries = entries  # the writer takes entries (a lane), else records
        self.encoding = raw[1:] if raw is not None else None

    def __call__(self, piece: Piece) -> tuple[Any, list[Any]]:
        return self.write(self._chunk(piece))

    def _chunk(self, piece: Piece) -> list[Any]:
        found = self.rows.piece_entries(piece)
        return list(found) if self.entries else list(map(self.rows.record, found))

    def parts(self, piece: Piece) -> tuple[list[Any], list[Any]]:
        """A piece's lines (texts, not joined nor encoded) and tallies."""
        return self.work.parts(self._chunk(piece))

    def write(self, chunk: list[Any]) -> tuple[Any, list[Any]]:
        """A chunk's text (encoded, with ``raw``) and tallies."""
        payload, tallies = self.work(chunk)
        if self.encoding is not None:
            payload = payload.encode(*self.encoding)
        return payload, tallies


def _raw_stdout(out: Any) -> tuple[Any, str, str] | None:
    """Stdout's bytes, its encoding and errors, when text written to stdout is written to them
    encoded so and nothing else (no line ends translated): else None."""
    buffer = getattr(out, "buffer", None)
    encoding = getattr(out, "encoding", None)
    errors = getattr(out, "errors", None) or "strict"
    if buffer is None or not isinstance(encoding, str) or os.linesep != "\n":
        return None
    try:
        if codecs.lookup(encoding).name != "utf-8":
            return None  # a stateful or unusual codec: the text layer writes it
    except LookupError:
        return None
    return buffer, encoding, errors


class Spooled(NamedTuple):
    """A worker's chunk of bytes left in a file of the spool (:class:`_Spooler`): its path
    and its size."""

    path: str
    size: int


#: A worker's chunk of at least this many bytes is left in a file of the spool, not sent
#: through the pool's pipe (a pipe holds 64 KiB: a larger chunk is sent in many writes).
SPOOL_MIN = 1 << 16


class _Spooler:
    """A worker's :class:`PieceWriter` whose chunks of bytes (of at least :data:`SPOOL_MIN`)
    are written to a file of ``folder`` and given back as their :class:`Spooled` path and
    size: the command's own process copies them to stdout in the kernel (:class:`_BytesOut`)
    instead of receiving them through the pool's pipe, unpickling them and writing them (on
    2,000 distinct transfers in JSON lines, 411 MB)."""

    def __init__(self, work: PieceWriter, folder: str) -> None:
        self.work = work
        self.folder = folder
        self._numbers = itertools.count()

    def __call__(self, piece: Piece) -> tuple[Any, list[Any]]:
        work = self.work
        payload: Any
        if isinstance(work, PieceWriter) and work.encoding is not None:
            texts, tallies = work.parts(piece)
            encoding = work.encoding

            def joined() -> bytes:  # what ``work(piece)`` gives
                return "".join(texts).encode(*encoding)

            if sum(map(len, texts)) >= max(SPOOL_MIN, STREAM_LINE * len(texts)):
                # Long lines: written one by one as they are encoded (never joined into the
                # chunk's text, a copy of every byte); on an error (a character the encoding
                # cannot write) the joined text raises it, at the same place.
                return self._spool((t.encode(*encoding) for t in texts), joined, tallies)
            payload = joined()
        else:
            payload, tallies = work(piece)
        if type(payload) is not bytes or len(payload) < SPOOL_MIN:
            return payload, tallies
        return self._spool((payload,), lambda: payload, tallies)

    def _spool(
        self, blobs: Iterable[bytes], payload: Callable[[], bytes], tallies: list[Any]
    ) -> tuple[Any, list[Any]]:
        """``blobs`` written to a file of the spool, given back as its :class:`Spooled`; on a
        full disk, a folder removed or bytes that cannot be made, ``payload()`` (the same
        bytes, through the pipe), and no file is left."""
        # A worker's own name (its pid) and number: workers never write the same file.
        path = os.path.join(self.folder, f"{os.getpid()}-{next(self._numbers)}")
        size = 0
        try:
            with open(path, "wb") as fh:
                for data in blobs:
                    fh.write(data)
                    size += len(data)
        except (OSError, UnicodeError):
            with contextlib.suppress(OSError):
                os.unlink(path)
            return payload(), tallies
        return Spooled(path, size), tallies


#: Lines at least this long on average (in characters) are written to the spool one by one
#: (:meth:`_Spooler._spool`): copying such a line into the chunk's text costs more than a
#: write of its own (an authorization's JSON line is ~200 KB; a screened row's ~1 KB, joined).
STREAM_LINE = 4096


class _BytesOut:
    """Writes bytes to a binary stream (the pieces' encoded text), and a :class:`Spooled`
    chunk's file, which it then removes: copied by the kernel to the stream's file (``fd``,
    None when it has none) after what the stream holds, else read and written."""

    def __init__(self, buffer: Any) -> None:
        self.buffer = buffer
        self.fd: int | None = None
        with contextlib.suppress(AttributeError, OSError, ValueError):
            fd = buffer.fileno()
            os.fstat(fd)
            self.fd = fd if hasattr(os, "sendfile") else None

    def write(self, payload: bytes | Spooled) -> None:
        if type(payload) is not Spooled:
            self.buffer.write(payload)
            return
        path, size = payload
        try:
            with open(path, "rb") as fh:
                sent = 0
                if self.fd is not None:
                    self.buffer.flush()  # what the stream holds goes first
                    sent = _send(self.fd, fh.fileno(), size)
                if sent < size:  # no kernel copy to this file (or no file): read and write
                    fh.seek(sent)
                    self.buffer.write(fh.read())
        finally:
            os.unlink(path)


#: What ``os.sendfile`` fails with for a file it cannot write to (a file opened to append, a
#: terminal, a non-blocking pipe that is full; on macOS anything but a socket): the bytes not
#: sent are then written.
_NO_SENDFILE = frozenset(
    {
        errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EAGAIN, errno.EXDEV,
        errno.ENOTSOCK,
    }
)  # fmt: skip


def _send(out_fd: int, in_fd: int, size: int) -> int:
    """Copies ``size`` bytes of ``in_fd`` (from its start) to ``out_fd`` in the kernel;
    returns the bytes copied (fewer when the kernel cannot copy to ``out_fd``: see
    :data:`_NO_SENDFILE`; any other error is raised, as a write would raise it)."""
    sent = 0
    while sent < size:
        try:
            n = os.sendfile(out_fd, in_fd, sent, size - sent)
        except OSError as exc:
            if exc.errno in _NO_SENDFILE:
                return sent
            raise
        if n == 0:
            return sent
        sent += n
    return sent


def _write_pieces(
    work: PieceWriter, pieces: Iterator[Piece], jobs: int, *, spool: bool = False
) -> Iterator[tuple[Any, list[Any]]]:
    """Each piece's text and tallies, in order: the first written here (the workers forked
    after it inherit the parts of the law it read, and for a lane its patterns); then, unless
    most of its rows were written from their pattern's line (then reading the file is the work
    and this process writes the rest too) or a single piece is left, the others by ``jobs``
    worker processes.  With ``spool`` the workers leave their chunks of bytes in files of a
    private folder (:class:`_Spooler`), removed at the end."""
    head = next(pieces, None)
    if head is None:
        return
    yield work(head)
    if work.entries and work.work.written() >= 0.8 * head[3]:
        # This process reads the rest from the reader it read the header with (each record
        # read once, not cut into pieces and read again).
        if isinstance(pieces, Generator):
            pieces.close()
        entries = work.rows.entries()
        for _ in itertools.islice(entries, head[3]):
            pass  # the first piece's records, written above
        yield from map(work.write, _slices(entries, head[3]))
        return
    ahead = list(itertools.islice(pieces, 2))
    if len(ahead) < 2:  # one piece left: not worth starting workers
        yield from map(work, ahead)
        return
    if not spool:
        yield from in_workers(itertools.chain(ahead, pieces), work, jobs)
        return
    import shutil
    import tempfile

    try:
        folder = tempfile.mkdtemp(prefix="exportctl-jobs-")
    except OSError:  # no temporary directory to write to: the bytes go through the pipe
        yield from in_workers(itertools.chain(ahead, pieces), work, jobs)
        return
    try:
        yield from in_workers(itertools.chain(ahead, pieces), _Spooler(work, folder), jobs)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


#: The work of each pool, by token: forked workers find it here (it need not be picklable).
_POOL_WORK: dict[int, Callable[[Any], Any]] = {}
_POOL_TOKENS = itertools.count(1)


def _pool_call(token: int, item: Any) -> Any:
    return _POOL_WORK[token](item)


def in_workers(items: Iterable[Any], work: Callable[[Any], Any], jobs: int) -> Iterator[Any]:
    """``work(item)`` for each item, in ``jobs`` forked worker processes, in order; at most
    ``2 * jobs`` items are read ahead of the one given back (memory stays flat).  An exception
    in ``work`` is raised here, at its item."""
    import multiprocessing

    # Imported here: concurrent.futures.process imports multiprocessing, subprocess, socket
    # and logging, needed only for --jobs > 1.
    from concurrent.futures import Future, ProcessPoolExecutor

    token = next(_POOL_TOKENS)
    _POOL_WORK[token] = work
    pending: deque[Future[Any]] = deque()
    # The objects alive now (the law, the reader, the caches the first piece filled) are left
    # out of the collector's passes until the workers are done: a forked worker's collections
    # then neither walk them nor write to their pages (which would copy each page it shares).
    # The workers' older generations are collected as seldom as one process's are while it
    # writes a batch (:func:`steady_collector`): they inherit the thresholds set here.
    thresholds = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(
        thresholds[0],
        *(max(t, b) for t, b in zip(thresholds[1:], BATCH_GC_THRESHOLDS, strict=True)),
    )
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
            for item in items:
                pending.append(pool.submit(_pool_call, token, item))
                while len(pending) > 2 * jobs:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()
        for future in pending:
            future.cancel()
        _POOL_WORK.pop(token, None)


def _slices(items: Iterator[Any], size: int) -> Iterator[list[Any]]:
    while True:
        chunk = list(itertools.islice(items, size))
        if not chunk:
            return
        yield chunk


class ChunkWriter:
    """Decides a chunk of records and writes its results: the text of its CSV or JSON lines
    (or, for a table, its rows), with a :class:`~exportctl.engine.batch.Tally` of each result.
    One per worker process (it keeps the lines of the fact patterns it has seen)."""

    def __init__(
        self,
        decide: Callable[[Iterable[Any]], Iterator[Any]],
        layout: BatchLayout,
        fmt: str,
        lane: LaneMaker | None = None,
    ) -> None:
        self.decide = decide
        self.layout = layout
        self.fmt = fmt
        self._lines: LineMaker | None = None
        self._make_lane = lane
        self._lane: PatternLane | None = None

    def written(self) -> int:
        """The rows this process wrote from their pattern's line so far."""
        return self._lane.written if self._lane is not None else 0

    def __call__(self, records: list[Any]) -> tuple[Any, list[Any]]:
        payload, tallies = self.parts(records)
        if self.fmt in ("csv", "jsonl") or self._make_lane is not None:
            return "".join(payload), tallies
        return payload, tallies

    def parts(self, records: list[Any]) -> tuple[list[Any], list[Any]]:
        """The chunk's lines (CSV or JSON lines: texts to be joined; a table: its rows) and
        tallies."""
        tally_of = self.layout.tally_of or tally
        text: list[str] = []
        tallies: list[Any] = []
        if self._make_lane is not None:
            # Entries of a CSV file (cells or records): repeated rows written from their cells.
            if self._lane is None:
                self._lane = self._make_lane()
            self._lane.write(records, text.append, tallies.append, tally_of)
            return text, tallies
        # Each result is written and tallied as it is decided, then let go: a chunk's results
        # are never all held at once (a diff row holds two decisions, an authorization hundreds
        # of conditions; holding a chunk of them made the worker's memory and its collector's
        # passes grow with the chunk).
        keep = tallies.append
        if self.fmt not in ("csv", "jsonl"):
            row_of = self.layout.row_of
            rows: list[dict[str, Any]] = []
            for r in self.decide(records):
                keep(tally_of(r))
                rows.append(row_of(r))
            return rows, tallies
        if self._lines is None:
            self._lines = LineMaker(self.layout, self.fmt)
        line_of = self._lines
        add = text.append
        for r in self.decide(records):
            keep(tally_of(r))
            add(line_of(r))
        return text, tallies


# --- rows of one fact pattern, written from their cells -----------------------------------------

#: An id written as it is read in every format (a CSV cell needing no quotes and no formula
#: neutralising, a JSON string needing no escape, text the parser does not strip): printable
#: ASCII but for the quote, the backslash and the comma, not starting with a formula character,
#: with no space at either end.  Any other id takes the generic path.
_ID_MIDDLE = "".join(chr(c) for c in range(0x20, 0x7F) if chr(c) not in '"\\,')
_ID_FIRST = "".join(c for c in _ID_MIDDLE if c not in " =+-@")
_ID_LAST = _ID_MIDDLE.replace(" ", "")
_SAFE_ID = re.compile(
    f"[{re.escape(_ID_FIRST)}](?:[{re.escape(_ID_MIDDLE)}]*[{re.escape(_ID_LAST)}])?"
)


def safe_id(text: str) -> bool:
    """Whether an id is written as it is read (see ``_SAFE_ID``)."""
    return _SAFE_ID.fullmatch(text) is not None


#: :func:`safe_id` as the match (None: not safe), for a caller that cannot afford the call.
safe_id_match: Callable[[str], re.Match[str] | None] = _SAFE_ID.fullmatch


class _Known:
    """The line of every row of one fact pattern: its pieces around the row number, the id
    and the decision id (:func:`line_pieces`), the function giving the decision id of an id,
    and the result's tally."""

    __slots__ = ("decision", "ids", "pieces", "status")

    def __init__(self, pieces: tuple[str, ...], ids: Callable[[str], str], tally: Tally) -> None:
        self.pieces = pieces
        self.ids = ids
        self.status = tally.status
        self.decision = tally.decision


#: A pattern seen once (its first row's number, id, decision id and line), and a pattern whose
#: rows are always written by the generic path (an error, or a line the format cannot hold).
_Seen = tuple[int, str, str, str]
_NEVER: Any = object()


def fill(pieces: tuple[str, ...], row: int, item: str, did: str) -> str:
    """A pattern's line (:func:`line_pieces`) for one row: its number, id and decision id."""
    if len(pieces) == 2:  # CSV
        return f"{row},{item},{pieces[0]}{did}{pieces[1]}"
    p0, p1, p2, p3, p4, p5 = pieces
    return f"{p0}{row}{p1}{item}{p2}{did}{p3}{did}{p4}{item}{p5}"


def line_pieces(fmt: str, row: int, item: str, did: str, line: str) -> tuple[str, ...] | None:
    """The pieces of ``line``, the line of a decided row with a safe id, around its row
    number, id and decision id, at the places the batch layout writes them (CSV: the first,
    second and last of the row's own cells; JSON lines: ``row``, ``item_id`` and
    ``decision_id`` at the start of the record and of its decision): ``fill`` of the pieces
    and the row's values is ``line``.  None when the line is not so."""
    pieces: tuple[str, ...]
    if fmt == "csv":
        head = f"{row},{item},"
        if not line.startswith(head):
            return None
        rest = line[len(head) :]
        i = rest.rfind(did)
        if i < 0:
            return None
        pieces = (rest[:i], rest[i + len(did) :])
    else:
        head = '{"row": '
        after_row = f', "item_id": "{item}"'
        marker = (
            f'"decision_id": "{did}", "decision": {{"decision_id": "{did}", "item_id": "{item}"'
        )
        if not line.startswith(head + str(row) + after_row):
            return None
        rest = line[len(head) + len(str(row)) + len(after_row) :]
        i = rest.find(marker)
        if i < 0:
            return None
        pieces = (
            head,
            ', "item_id": "',
            '"' + rest[:i] + '"decision_id": "',
            '", "decision": {"decision_id": "',
            '", "item_id": "',
            '"' + rest[i + len(marker) :],
        )
    return pieces if fill(pieces, row, item, did) == line else None


class PatternLane:
    """Writes a batch's CSV entries (:meth:`CsvRows.entries`): a row whose cells but the free
    ones (:class:`~exportctl.engine.batch.Repeats`) are those of two rows decided before, and
    whose id is safe (:func:`safe_id`), is written from the pattern's line with its own row
    number, id and decision id, without a record or a decision; every other row is decided by
    the batch's own function and written by the :class:`LineMaker`.  The same bytes either
    way: a pattern's line is kept only when the lines of its first two rows with safe ids are
    the format filled with their own values (and the decision ids the function gives).

    At most 4,096 patterns are kept; a file whose rows do not repeat stops looking for a while
    when the table fills up without a repeat (the same output either way)."""

    SIZE = 4096

    def __init__(self, rows: CsvRows, batch: BatchRun[Any], lines: LineMaker, fmt: str) -> None:
        assert batch.repeats is not None
        self.rows = rows
        self.lines = lines
        self.fmt = fmt
        self.ids = batch.repeats.ids
        header = rows.header
        keep = [i for i, name in enumerate(header) if name not in batch.repeats.free]
        self.key_of: Callable[[list[str]], Any] = (
            operator.itemgetter(*keep) if keep else (lambda cells: ())
        )
        self.table: dict[Any, Any] = {}
        self.hits = 0
        self.rest = 0
        self._written = 0
        self._feed: deque[Record] = deque()
        self._decided = batch.decide(_fed(self._feed))
        #: Decides a row from its cells, when the batch and the layout can write its line from
        #: the decision alone (no record, no result): see :meth:`LineMaker.decided`.
        cells = getattr(batch, "cells", None)
        self._cells = cells if lines.layout.decided_of is not None else None
        #: ``lines.decided`` without its call: the layout's own function and its last two
        #: arguments (the format and the line's end).
        self._decided_of = lines.layout.decided_of

    def write(
        self,
        entries: Iterable[Checked | Record],
        write: Callable[[str], Any],
        on_result: Callable[[Any], None],
        tally_of: Callable[[Any], Any] | None = None,
    ) -> int:
        """Writes each entry's line; ``on_result`` gets each result (or, for a row written from
        its pattern, its :class:`~exportctl.engine.batch.Tally`; ``tally_of`` makes the tally
        of a decided result too).  Returns the number of rows."""
        rows = 0
        table = self.table
        key_of = self.key_of
        id_index = self.rows.id_index
        safe = _SAFE_ID.fullmatch
        csv_out = self.fmt == "csv"
        to_record = self.rows.record
        feed = self._feed
        decided = self._decided
        lines = self.lines
        cells_decider = self._cells
        decided_of = self._decided_of
        line_fmt = lines.fmt
        line_end = lines.decided_end
        header = self.rows.header
        size = self.SIZE
        for entry in entries:
            rows += 1
            key = known = None
            if type(entry) is tuple:
                if self.rest:
                    self.rest -= 1
                else:
                    key = key_of(entry[2])
                    known = table.get(key)
                    if type(known) is _Known:
                        item = entry[2][id_index]
                        if safe(item):
                            p = known.pieces
                            if csv_out:
                                write(f"{entry[0]},{item},{p[0]}{known.ids(item)}{p[1]}")
                            else:
                                did = known.ids(item)
                                write(
                                    f"{p[0]}{entry[0]}{p[1]}{item}{p[2]}{did}{p[3]}{did}{p[4]}"
                                    f"{item}{p[5]}"
                                )
                            on_result(Tally(entry[0], known.status, known.decision))
                            self.hits += 1
                            continue
                if cells_decider is not None and decided_of is not None:
                    # Decided from its cells and written from its decision: the line and the
                    # tally its result would give (no record, no result object), as
                    # lines.decided writes them.
                    found = cells_decider(header, entry[2])
                    made = (
                        decided_of(entry[0], found[0], found[1], line_fmt, line_end)
                        if found is not None
                        else None
                    )
                    if made is not None:
                        line, row_tally = made
                        write(line)
                        on_result(row_tally)
                        if key is not None:
                            d = found[0]
                            item = d.item_id
                            if (
                                known is None
                                and len(table) < size
                                and item is not None
                                and safe(item) is not None
                            ):
                                # _learn's first row of a pattern, without its call
                                table[key] = (entry[0], item, d.decision_id, line)
                            else:
                                self._learn(
                                    key, known, entry[0], item, d.decision_id, line, row_tally,
                                    _ids_of, found,
                                )
                        continue
            feed.append(to_record(entry))
            result = next(decided)
            line = lines(result)
            write(line)
            on_result(tally_of(result) if tally_of is not None else result)
            if key is not None:
                self._learn(
                    key, known, result.row, result.subject_id, result.decision_id, line, result,
                    self.ids, result,
                )
        return rows

    @property
    def written(self) -> int:
        """The rows written from a pattern's line so far."""
        return self._written + self.hits

    def _learn(
        self,
        key: Any,
        found: Any,
        row: int,
        item: str | None,
        did: str | None,
        line: str,
        result: Any,
        ids_of: Callable[[Any], Callable[[str], str] | None],
        source: Any,
    ) -> None:
        """Learns a pattern's line from a row decided by the general path (``result``: its
        result, of which the tally is made) or from its cells (``result``: its tally);
        ``found`` is what the table held for ``key`` when the row was read (nothing changes
        it while the row is decided); ``ids_of(source)`` gives the decision id of any other
        id with the row's facts (asked only at a pattern's second row)."""
        table = self.table
        if found is _NEVER or type(found) is _Known:
            return
        if item is None or _SAFE_ID.fullmatch(item) is None:
            return  # about this row's id: the next row of the pattern may tell
        if found is None:
            # The first row of a pattern: kept as it is (most rows of a file of distinct facts
            # are the only row of their pattern).
            if len(table) >= self.SIZE:
                table.clear()
                if self.hits * 100 < self.SIZE:
                    self.rest = 4 * self.SIZE
                self._written += self.hits
                self.hits = 0
            table[key] = (row, item, did, line)
            return
        first_row, first, first_did, first_line = found
        if first == item:
            return  # the same id again: another id is needed to tell where ids go
        ids = ids_of(source)
        pieces = line_pieces(self.fmt, row, item, did, line) if ids is not None and did else None
        if (
            ids is None
            or pieces is None
            or ids(item) != did
            or ids(first) != first_did
            or fill(pieces, first_row, first, first_did) != first_line
        ):
            table[key] = _NEVER
        else:
            table[key] = _Known(pieces, ids, result if type(result) is Tally else tally(result))


def _ids_of(found: tuple[Any, str]) -> Callable[[str], str] | None:
    """The decision id of any id with the facts of a row decided from its cells (its decision
    and the canonical JSON of its facts)."""
    decision, facts_key = found
    return decision_ids(facts_key, decision.law_id, decision.as_of) if facts_key else None


def _fed(feed: deque[Record]) -> Iterator[Record]:
    """The records given to a batch's function one at a time (each is decided before the
    next is taken)."""
    while True:
        yield feed.popleft()


@attrs.frozen
class LaneMaker:
    """Makes the :class:`PatternLane` of a batch (one per process: a worker makes its own)."""

    rows: CsvRows
    batch: BatchRun[Any]
    layout: BatchLayout
    fmt: str

    def __call__(self) -> PatternLane:
        return PatternLane(self.rows, self.batch, LineMaker(self.layout, self.fmt), self.fmt)


def _lane_of(results: Any, fmt: str, layout: BatchLayout) -> LaneMaker | None:
    """The lane of a batch whose repeated rows may be written from their cells: CSV or JSON
    lines out, CSV entries in (not renamed, not held by a log or for suggestions), results
    that say how their rows repeat, a layout whose rows of one pattern share their line."""
    if (
        fmt in ("csv", "jsonl")
        and isinstance(results, BatchRun)
        and results.repeats is not None
        and isinstance(results.records, CsvRows)
        and layout.patterned
    ):
        return LaneMaker(results.records, results, layout, fmt)
    return None


def batch_layout(kind: str, law: Any) -> BatchLayout:
    """The layout of ``exportctl screen`` (``kind="items"``) or ``exportctl authorize``
    (``"transfers"``) under ``law``: its columns and the lines it writes."""
    from exportctl.engine import batch as screening

    stamp = screening.record_stamp(law)
    if kind == "items":
        from exportctl.cli.screen import screen_layout

        return attrs.evolve(screen_layout(), stamp=stamp)
    columns = screening.authorize_columns(law)
    return BatchLayout(
        columns=columns,
        table_columns=columns,
        row_of=partial(screening.authorize_row, law=law),
        record_key="authorization",
        record_of=authorization_record,
        stamp=stamp,
        chunk=TRANSFER_CHUNK,
    )


#: Transfers a worker decides at a time under ``--jobs``: ~0.2 s of work in CSV, ~1 s in JSON
#: lines (each checked against every exemption), so that a few thousand transfers still split
#: evenly over the workers (chunks of 1,000 gave three chunks to two workers).
TRANSFER_CHUNK = 50


def authorization_record(result: Any) -> dict[str, Any] | None:
    record: dict[str, Any] | None = (
        result.authorization.to_dict() if result.authorization is not None else None
    )
    return record


class LineMaker:
    """One result's output line (CSV or JSON lines), as :func:`write_results` writes it: the
    layout's own ``line_of`` when it has one, else the flat row (and the record) written by
    :func:`csv_line` or :func:`json_line`."""

    def __init__(self, layout: BatchLayout, fmt: str) -> None:
        self.layout = layout
        self.fmt = fmt
        self.columns = list(layout.columns)
        # The stamp's text, written after each line's own fields: for CSV as the writer would
        # write the cells in each of its two quoting modes, for JSON as the end of the object.
        cells = [fast_csv_cell(v) for _, v in layout.stamp]
        self._csv_stamp = (
            ("," + _minimal_line(cells)[:-1], "," + _quoted_line(cells)[:-1]) if cells else None
        )
        self._json_stamp = (
            ", " + json_text_fast(dict(layout.stamp))[1:] + "\n" if layout.stamp else None
        )
        #: What ends a CSV line of cells written as they are, after the row's own cells.
        self._csv_end = self._csv_stamp[0] + "\n" if self._csv_stamp is not None else "\n"
        #: What ends a JSON line after the record's own fields (the stamp's, the closing "}").
        self._json_end = self._json_stamp if self._json_stamp is not None else "}\n"
        #: What :meth:`decided` gives the layout's ``decided_of`` as the end of a line.
        self.decided_end = self._json_end if fmt == "jsonl" else self._csv_end
        self._middles: dict[Any, list[Any]] = {}
        self._templates: dict[Any, JsonTemplate | None] = {}
        self._template_chars = 0
        # A result of a fact pattern writes the pattern's line with its own row number, id and
        # decision id: the first, second and last columns.
        self._patterned = (
            layout.patterned
            and len(self.columns) > 3
            and self.columns[0] == "row"
            and self.columns[-1] == "decision_id"
        )

    def decided(self, row: int, decision: Any, facts_key: str) -> tuple[str, Any] | None:
        """The line (with the stamp) and the tally of a CSV row decided from its cells
        (:class:`~exportctl.engine.batch.CellsDecider`), or None when the layout writes no such
        line (then the row's result is written by :meth:`__call__`)."""
        decided_of = self.layout.decided_of
        if decided_of is None:
            return None
        # A JSON line is written with the stamp's fields at its end (not copied twice more to
        # put them there); a CSV line ends with the stamp's cells as the minimal writer writes
        # them (a line quoted whole is left to the generic path).
        return decided_of(row, decision, facts_key, self.fmt, self.decided_end)

    def __call__(self, result: Any) -> str:
        return self._stamped(self._line(result))

    def _stamped(self, line: str) -> str:
        if self._csv_stamp is not None and self.fmt == "csv":
            # Every CSV line starts with its row number: quoted only when the writer quoted
            # every cell (a cell held a carriage return), and so must the stamp's be.
            return line[:-1] + self._csv_stamp[line.startswith('"')] + "\n"
        if self._json_stamp is not None and self.fmt == "jsonl":
            return line[:-2] + self._json_stamp  # the object's closing "}" and the line end
        return line

    def _line(self, result: Any) -> str:
        layout = self.layout
        if layout.line_of is not None:
            line = layout.line_of(result, self.fmt)
            if line is not None:
                return line
        pattern = getattr(result, "pattern", None)
        if pattern is not None and self._patterned and result.subject_id is not None:
            line = self._pattern_line(result, pattern)
            if line is not None:
                return line
        row = layout.row_of(result)
        if self.fmt == "jsonl":
            if layout.record_of is authorization_record and row and layout.record_key not in row:
                # An authorization's record is written from the texts of its pieces (the same
                # text: engine.authorize.record_text), after the row's own fields.
                a = result.authorization
                if a is not None:
                    from exportctl.engine.authorize import record_text

                    key = json_text_fast(layout.record_key)
                    text = record_text(a, json_text_fast)
                    return f"{json_text_fast(row)[:-1]}, {key}: {text}}}\n"
            record = layout.record_of(result)
            if record is not None:
                row[layout.record_key] = record
            return json_line(row)
        return csv_line([fast_csv_cell(row.get(c)) for c in self.columns])

    def _pattern_line(self, result: Any, pattern: Any) -> str | None:
        if self.fmt == "csv":
            middle = self._middles.get(pattern)
            if middle is None:
                row = self.layout.row_of(result)
                middle = [fast_csv_cell(row.get(c)) for c in self.columns[2:-1]]
                if len(self._middles) >= 4096:
                    self._middles.clear()
                self._middles[pattern] = middle
            return csv_line(
                [result.row, text_cell(result.subject_id), *middle, result.decision_id]
            )
        template = self._templates.get(pattern, _NO_TEMPLATE)
        if template is _NO_TEMPLATE:
            # A pattern's first row is written whole; its template is made at its second.
            if len(self._templates) >= 1024:
                self._templates.clear()
                self._template_chars = 0
            self._templates[pattern] = _SEEN_ONCE
            return None
        if template is _SEEN_ONCE:
            template = self._template(result)
            size = template.size if template is not None else 0
            # At most 1,024 templates and about 32 million characters of them (an
            # authorization's line runs to hundreds of kilobytes): memory stays flat.
            if len(self._templates) >= 1024 or self._template_chars + size > 32_000_000:
                self._templates.clear()
                self._template_chars = 0
            self._templates[pattern] = template
            self._template_chars += size
        if template is None:
            return None
        line: str = template.fill(result.row, result.subject_id, result.decision_id)
        return line

    def _template(self, result: Any) -> JsonTemplate | None:
        id_column = self.columns[1]
        row = self.layout.row_of(result)
        record = self.layout.record_of(result)
        if record is None:
            return None
        for values in (row, record):  # only keys the line has (else no template)
            for key, slot in (("row", ROW_SLOT), (id_column, ITEM_SLOT), ("decision_id", ID_SLOT)):
                if key in values and (values is row or key != "row"):
                    values[key] = slot
        row[self.layout.record_key] = record
        return JsonTemplate.of(row, {ROW_SLOT: 1, ITEM_SLOT: 2, ID_SLOT: 2})


_NO_TEMPLATE: Any = object()
_SEEN_ONCE: Any = object()


# --- the text of one line: the same as the generic writers (CsvWriter, json_text), faster ------

_captured: list[str] = []


class _Capture:
    """A file for csv.writer that keeps what it is given."""

    write = _captured.append


_MINIMAL = csv.writer(_Capture(), lineterminator="\n")
_ALL = csv.writer(_Capture(), lineterminator="\n", quoting=csv.QUOTE_ALL)


def _minimal_line(cells: Sequence[Any]) -> str:
    _MINIMAL.writerow(cells)
    return _captured.pop()


def minimal_csv_text(cells: Sequence[Any]) -> str | None:
    """The text :func:`csv_line` writes of ``cells`` in a line whose other cells it writes as
    they are (without a line end): each cell is written on its own, quoted if it needs to be;
    None when a cell holds a carriage return (then the writer quotes the whole line)."""
    if any(type(c) is str and "\r" in c for c in cells):
        return None
    # Written with an empty cell after them (and that cell's comma and the line end taken
    # off): a line of one empty cell alone is written '""'.
    return _minimal_line([*cells, ""])[:-2]


def _quoted_line(cells: Sequence[Any]) -> str:
    _ALL.writerow(cells)
    return _captured.pop()


def csv_line(cells: Sequence[Any]) -> str:
    """One CSV line as :class:`~exportctl.cli.output.CsvWriter` writes it (every cell quoted
    when one holds a carriage return)."""
    writer = _ALL if any(type(c) is str and "\r" in c for c in cells) else _MINIMAL
    writer.writerow(cells)
    return _captured.pop()


#: Text a CSV writer writes as it is and csv_cell leaves alone: printable ASCII without a quote
#: (commas are counted by the caller), no cell starting with a formula character.
_NOT_PLAIN = re.compile(r'[^\x20\x21\x23-\x7e]|(?:^|,) *[=+\-@]')
#: The second half of ``_NOT_PLAIN``: a cell starting (after spaces) with a formula character.
_FORMULA_CELL = re.compile(r"(?:^|,) *[=+\-@]")


def plain_csv_text(cells: list[str]) -> str | None:
    """The text of text cells as :func:`csv_line` writes their :func:`csv_cell` (without the
    line end), when no cell needs quotes or neutralising (else None)."""
    text = ",".join(cells)
    if text.count(",") != len(cells) - 1:
        return None
    # _NOT_PLAIN.search(text) is None, by the string methods: printable ASCII (for ASCII,
    # isprintable() is exactly \x20-\x7e) without a quote, and a formula character looked for
    # at a cell's start only when there is one (a regular expression trying both halves at
    # every character costs more than the rest of the line; tests/test_fast_batch.py compares).
    if not (text.isascii() and text.isprintable()) or '"' in text:
        return None
    if (
        ("=" in text or "+" in text or "-" in text or "@" in text)
        and _FORMULA_CELL.search(text) is not None
    ):
        return None
    return text if text else None  # a row of one empty cell is written '""'



def text_cell(text: str) -> str:
    """:func:`~exportctl.cli.output.csv_cell` of a text value."""
    if not text.isascii():
        text = escape_surrogates(text)
    return "'" + text if _FORMULA.match(text) else text


def fast_csv_cell(value: Any) -> Any:
    """:func:`~exportctl.cli.output.csv_cell`, with text, yes/no, numbers, None and lists of
    text written directly (anything else by ``csv_cell`` itself)."""
    kind = type(value)
    if kind is str:
        return text_cell(value)
    if value is None:
        return ""
    if kind is bool:
        return "yes" if value else "no"
    if kind is int or kind is float:
        return value
    if kind is list and all(type(v) is str for v in value):
        return text_cell("; ".join(value))
    return csv_cell(value)


def _jsonable_default(value: Any) -> Any:
    return to_jsonable(value)


_JSON = json.JSONEncoder(ensure_ascii=False, default=_jsonable_default).encode
#: The encoder ``_JSON`` makes for each value (the C one of the json module, with the same
#: separators, escapes and ``default``), made once: without the circular-reference check,
#: which a record (plain values, no cycle) never needs.  None without the C module.
_C_MAKE_ENCODER: Any = getattr(json.encoder, "c_make_encoder", None)
_C_JSON: Any = (
    _C_MAKE_ENCODER(
        None, _jsonable_default, json.encoder.encode_basestring, None, ": ", ", ", False,
        False, True,
    )
    if _C_MAKE_ENCODER is not None
    else None
)


def _encode(value: Any) -> str:
    """``_JSON(value)``: the same text (a test compares them)."""
    if _C_JSON is None or type(value) is str:
        text: str = _JSON(value)
        return text
    return "".join(_C_JSON(value, 0))


#: The JSON module's text of a value as a list of pieces (``"".join(json_pieces(value, 0))``
#: is :func:`raw_json`'s text): the C encoder called without :func:`_encode` around it.
json_pieces: Callable[[Any, int], Sequence[str]] = (
    _C_JSON if _C_JSON is not None else (lambda value, _level: [_JSON(value)])
)
#: The JSON text of a string, as the encoder writes it (no escape of non-ASCII characters).
string_json: Callable[[str], str] = json.encoder.encode_basestring
#: The JSON module's text of a value before :func:`escaped_json` (``json_text_fast`` is the
#: two): the text of a dict or list is its pieces' texts joined, so a line may be written piece
#: by piece and escaped once.
raw_json = _encode


def json_text_fast(value: Any) -> str:
    """:func:`~exportctl.cli.output.json_text` (no indent) of plain JSON values, without its
    generic walk: values json cannot write go through ``to_jsonable``; the escapes of bad bytes
    and of controls a terminal acts on are made only where there may be any."""
    return escaped_json(_encode(value))


def escaped_json(text: str) -> str:
    """JSON text with the escapes :func:`~exportctl.cli.output.json_text` makes after the
    encoder (bad bytes, controls a terminal acts on), looked for only where there may be any."""
    if text.isascii():
        if "\x7f" not in text:
            return text
    elif _ESCAPED.search(_non_ascii(text)) is None:
        return text
    return _JSON_RAW_CONTROL.sub(_json_escape, escape_surrogates(text))


#: What json_text escapes after the encoder: lone surrogates (bad bytes) and the controls of
#: ``_JSON_RAW_CONTROL``.
_ESCAPED = re.compile("[\ud800-\udfff]|" + _JSON_RAW_CONTROL.pattern)
_ASCII_BUT_DEL = bytes(range(0x7F))


def _non_ascii(text: str) -> str:
    """The characters of ``text`` that are not ASCII (and any DEL), in order: what needs a
    look for escapes (one pass of the codec and of ``bytes.translate`` rather than of a regular
    expression over the whole text)."""
    rest = text.encode("utf-8", "surrogatepass").translate(None, _ASCII_BUT_DEL)
    return rest.decode("utf-8", "surrogatepass")


def _json_escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def json_line(value: Any) -> str:
    """One JSON line (the record and a line end)."""
    return json_text_fast(value) + "\n"


#: Stand-ins for the values that differ between rows of one fact pattern (NUL characters: JSON
#: writes them as \u0000 escapes, which no id the tool writes contains).
ROW_SLOT = "\x00exportctl:row\x00"
ITEM_SLOT = "\x00exportctl:item_id\x00"
ID_SLOT = "\x00exportctl:decision_id\x00"
_SLOT_TEXT = {json.dumps(s): s for s in (ROW_SLOT, ITEM_SLOT, ID_SLOT)}
_SLOT_RE = re.compile("|".join(re.escape(t) for t in _SLOT_TEXT))


@attrs.frozen
class JsonTemplate:
    """A JSON line with stand-ins for the row number, the item id and the decision id: the
    line of every row of one fact pattern, filled with each row's own values."""

    pieces: tuple[str, ...]
    slots: tuple[str, ...]

    @classmethod
    def of(cls, value: Any, counts: dict[str, int]) -> JsonTemplate | None:
        """The template of ``value`` (plain JSON values holding the stand-ins), or None when
        the stand-ins do not appear exactly ``counts`` times (then the line is written whole)."""
        text = json_line(value)
        pieces: list[str] = []
        slots: list[str] = []
        start = 0
        for match in _SLOT_RE.finditer(text):
            pieces.append(text[start : match.start()])
            slots.append(_SLOT_TEXT[match.group()])
            start = match.end()
        pieces.append(text[start:])
        if {s: slots.count(s) for s in counts} != counts or len(slots) != sum(counts.values()):
            return None
        return cls(tuple(pieces), tuple(slots))

    @property
    def size(self) -> int:
        """The characters it holds."""
        return sum(len(p) for p in self.pieces)

    def fill(self, row: int, item_id: str, decision_id: str) -> str:
        values = {
            ROW_SLOT: str(row),
            ITEM_SLOT: json_text_fast(item_id),
            ID_SLOT: json_text_fast(decision_id),
        }
        out = [self.pieces[0]]
        for slot, piece in zip(self.slots, self.pieces[1:], strict=True):
            out.append(values[slot])
            out.append(piece)
        return "".join(out)
