"""Reading batch files and writing their results (one writer for every batch command)."""

from __future__ import annotations

import contextlib
import csv
import itertools
import json
import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import partial
from typing import Any

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
from exportctl.engine.batch import BatchRun, Tally, run_parallel, tally
from exportctl.inputs import readers
from exportctl.inputs.readers import (
    InputFileError,
    Record,
    escape_surrogates,
    printable,
    read_jsonl_rows,
)


def open_input(path: str) -> Any:
    """The input file (or stdin for '-') as bytes: the readers decode it (see readers.py)."""
    if path == "-":
        return click.open_file("-", "rb")
    return open(path, "rb")


def read_records(source: Any, path: str, kind: str, id_column: str) -> Iterator[Record]:
    """The file's records; a problem with the whole file ends the command here (exit 4).

    The first record is read before anything is written, so a file-level error (an empty file,
    a header without records, a repeated or missing column, a column ``--map`` or
    ``--ignore-columns`` names that the file does not have) leaves stdout empty.  The records'
    fields are renamed as ``--map``/``--map-file`` say, the ignored columns dropped (listed once
    on stderr).
    """
    columns = requested_columns()
    id_source = columns.source_of(id_column)
    if kind == "csv":
        records = fast_csv_rows(source, id_column=id_source, columns=columns)
    else:
        records = read_jsonl_rows(source, id_field=id_source)
    try:
        first = next(records)
    except InputFileError as exc:
        fail(f"{'stdin' if path == '-' else path}: {exc}", EXIT_INPUT)
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
    record that cannot fail them: read from one line (so no cell holds a line break), as many
    cells as the header has columns, no byte that failed to decode (ASCII, or no marked byte)
    and no cell longer than the limit.  Any other record is read by the readers' own code."""
    text = readers._Text(source, newline="")
    reader = csv.reader(iter(text), strict=True)
    header = readers._csv_header(reader, text, id_column, columns)
    id_index = header.index(id_column)
    width = len(header)
    surrogate = readers._SURROGATE.search
    n = 0
    while True:
        before = reader.line_num
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            n += 1
            lines = (before + 1, max(reader.line_num, before + 1))
            yield Record(n, None, lines, "row", readers._csv_error(exc, lines))
            continue
        joined = "".join(cells)
        if not joined.strip():
            continue  # a blank line (or only delimiters): not an input record
        n += 1
        after = reader.line_num
        if (
            after == before + 1
            and len(cells) == width
            and len(joined) <= readers.MAX_FIELD_CHARS
            and (joined.isascii() or surrogate(joined) is None)
        ):
            yield Record(
                n,
                dict(zip(header, cells, strict=True)),
                (after, after),
                item_id=printable(cells[id_index]),
            )
        else:
            yield readers._csv_record(n, (before + 1, after), header, cells, id_index, text)
    if n == 0:
        raise InputFileError("has a header but no records: nothing to decide")


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
    into text by N worker processes (:func:`~exportctl.engine.batch.run_parallel`) and written
    here in order: the same bytes.  ``on_result`` then gets each result's
    :class:`~exportctl.engine.batch.Tally` (its row, status, jurisdiction and classification).
    """
    results = _named_by_file(results)
    jobs = requested_jobs()
    if jobs > 1 and isinstance(results, BatchRun):
        return write_parallel(results, fmt, layout, on_result, jobs)
    out = sys.stdout
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
    work = ChunkWriter(results.decide, layout, fmt)
    for payload, tallies in run_parallel(results.records, work, jobs, chunk_size=chunk_size):
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


class ChunkWriter:
    """Decides a chunk of records and writes its results: the text of its CSV or JSON lines
    (or, for a table, its rows), with a :class:`~exportctl.engine.batch.Tally` of each result.
    One per worker process (it keeps the lines of the fact patterns it has seen)."""

    def __init__(
        self, decide: Callable[[Iterable[Any]], Iterator[Any]], layout: BatchLayout, fmt: str
    ) -> None:
        self.decide = decide
        self.layout = layout
        self.fmt = fmt
        self._lines: LineMaker | None = None

    def __call__(self, records: list[Any]) -> tuple[Any, list[Tally]]:
        results = list(self.decide(records))
        tallies = [tally(r) for r in results]
        if self.fmt not in ("csv", "jsonl"):
            return [self.layout.row_of(r) for r in results], tallies
        if self._lines is None:
            self._lines = LineMaker(self.layout, self.fmt)
        return "".join([self._lines(r) for r in results]), tallies


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
        record_of=_authorization_record,
        stamp=stamp,
    )


def _authorization_record(result: Any) -> dict[str, Any] | None:
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

    def __call__(self, result: Any) -> str:
        line = self._line(result)
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


def _quoted_line(cells: Sequence[Any]) -> str:
    _ALL.writerow(cells)
    return _captured.pop()


def csv_line(cells: Sequence[Any]) -> str:
    """One CSV line as :class:`~exportctl.cli.output.CsvWriter` writes it (every cell quoted
    when one holds a carriage return)."""
    writer = _ALL if any(type(c) is str and "\r" in c for c in cells) else _MINIMAL
    writer.writerow(cells)
    return _captured.pop()


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


def json_text_fast(value: Any) -> str:
    """:func:`~exportctl.cli.output.json_text` (no indent) of plain JSON values, without its
    generic walk: values json cannot write go through ``to_jsonable``; the escapes of bad bytes
    and of controls a terminal acts on are made only where there may be any."""
    text: str = _JSON(value)
    if text.isascii() and "\x7f" not in text:
        return text
    return _JSON_RAW_CONTROL.sub(_json_escape, escape_surrogates(text))


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
