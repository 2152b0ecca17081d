"""Reading batch files and writing their results (one writer for every batch command)."""

from __future__ import annotations

import contextlib
import itertools
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

import attrs
import click

from exportctl.cli.base import (
    EXIT_INPUT,
    fail,
)
from exportctl.cli.output import (
    CsvWriter,
    csv_cell,
    json_text,
    render,
)
from exportctl.inputs.readers import (
    InputFileError,
    Record,
    read_csv_rows,
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
    a header without records, a repeated or missing column) leaves stdout empty.
    """
    if kind == "csv":
        records = read_csv_rows(source, id_column=id_column)
    else:
        records = read_jsonl_rows(source, id_field=id_column)
    try:
        first = next(records)
    except InputFileError as exc:
        fail(f"{'stdin' if path == '-' else path}: {exc}", EXIT_INPUT)
    return itertools.chain([first], records)


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
    flat row of a result, and the full record a JSON line carries (under ``record_key``)."""

    columns: Sequence[str]
    table_columns: Sequence[str]
    row_of: Callable[[Any], dict[str, Any]]
    record_key: str
    record_of: Callable[[Any], dict[str, Any] | None]


def write_results(
    results: Iterable[Any], fmt: str, layout: BatchLayout, on_result: Callable[[Any], None]
) -> int:
    """Write every result as it comes (a table in blocks of 200 rows, CSV, or JSON lines with
    the full record): the one writer of every batch command.  Returns the number of rows."""
    columns = list(layout.columns)
    block: list[dict[str, Any]] = []
    out = sys.stdout
    writer = CsvWriter(out)
    if fmt == "csv":
        writer.writerow(columns)
    rows = 0
    for result in results:
        rows += 1
        on_result(result)
        row = layout.row_of(result)
        if fmt == "jsonl":
            record = layout.record_of(result)
            if record is not None:
                row[layout.record_key] = record
            out.write(json_text(row) + "\n")
        elif fmt == "csv":
            writer.writerow([csv_cell(row.get(c)) for c in columns])
        else:
            block.append(row)
            if len(block) >= 200:
                out.write(render(block, "table", layout.table_columns, max_width=40) + "\n")
                block = []
    if fmt == "table" and (block or rows == 0):
        out.write(render(block, "table", layout.table_columns, max_width=40) + "\n")
    return rows
