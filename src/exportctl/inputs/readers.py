"""Reading user input: bytes in, one record (or one error naming the record) per input record out.

Every reader of user input goes through here: the batch readers of ``exportctl screen`` and
``exportctl authorize`` (:func:`read_csv_rows`, :func:`read_jsonl_rows`) and the single-record
readers of ``exportctl classify --facts`` and ``exportctl aukus check``
(:func:`load_json_document`).

What an *input record* is (see docs/input.md):

* **CSV**: the first non-blank line is the header.  After it, each record the :mod:`csv` module
  reads (strict dialect, lines split as by ``open(..., newline="")``: at ``\\r\\n``, ``\\r`` or
  ``\\n``) is one input record; so is each stretch of lines the module stops reading with an error.
  A record with no text in any cell (a blank line, or only commas) is not an input record.
* **JSON lines**: each line (split at ``\\n`` only) with any non-blank text is one input record.

The readers never raise for a bad *record*: it becomes a :class:`Record` with ``raw=None`` and
an error naming the record, the field and the reason.  A problem with the whole file (it is
empty, has no records, its header repeats or lacks a column, ...) raises :class:`InputFileError`
before the first record is returned.

Bytes are decoded as UTF-8 (a UTF-8 byte-order mark is skipped); a file that starts with a
UTF-16 or UTF-32 byte-order mark is decoded as such.  A byte that is not valid in the encoding
makes its record an error naming the field and the byte; the other records are still read.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import math
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import IO, Any, overload

import attrs

from exportctl.inputs.items import FactError

__all__ = [
    "MAX_DEPTH",
    "MAX_FIELD_CHARS",
    "ColumnMap",
    "ColumnMapError",
    "InputFileError",
    "Record",
    "escape_surrogates",
    "load_json_document",
    "printable",
    "read_csv_rows",
    "read_jsonl_rows",
    "transfer_shape_error",
]

#: The longest cell or JSON string accepted (the :mod:`csv` module's default field size limit).
MAX_FIELD_CHARS = 131_072
#: The deepest nesting of JSON objects and arrays accepted (a transfer needs 3: its parties).
MAX_DEPTH = 16
#: JSON numbers must fit a double (RFC 8259 section 6): about +-1.8e308, at most 309 digits.
_MAX_INT_DIGITS = 309

Source = str | bytes | IO[bytes] | Iterable[str]


class InputFileError(ValueError):
    """A problem with the whole input file, found before any record is decided (exit 4)."""


@attrs.frozen
class Record:
    """One input record: its fields, or (``raw`` is None) the error that names what is wrong.

    ``row`` counts input records from 1 (a CSV header is not a record); ``lines`` are the first
    and last physical line of the file the record was read from.  ``item_id`` is the record's
    identifier as far as it could be read (printable), for error rows.
    """

    row: int
    raw: dict[str, Any] | None
    lines: tuple[int, int]
    error_field: str | None = None
    error: str | None = None
    item_id: str | None = None


#: Each slot's setter of :class:`Record`, bound once, in the order of its fields.
_SET_ROW, _SET_RAW, _SET_LINES, _SET_ERROR_FIELD, _SET_ERROR, _SET_ITEM_ID = (
    Record.__dict__[f.name].__set__ for f in attrs.fields(Record)
)
if tuple(f.name for f in attrs.fields(Record)) != (  # pragma: no cover
    "row", "raw", "lines", "error_field", "error", "item_id"
):
    raise ImportError("Record's fields changed: _read_record writes them in this order")


def _read_record(
    row: int, raw: dict[str, Any], lines: tuple[int, int], item_id: str | None
) -> Record:
    """``Record(row, raw, lines, item_id=item_id)`` (a record read without error): the same
    object, its slots written directly rather than through the generated ``__init__`` of a
    frozen class (which goes through ``object.__setattr__`` field by field)."""
    rec: Record = object.__new__(Record)
    _SET_ROW(rec, row)
    _SET_RAW(rec, raw)
    _SET_LINES(rec, lines)
    _SET_ERROR_FIELD(rec, None)
    _SET_ERROR(rec, None)
    _SET_ITEM_ID(rec, item_id)
    return rec


# --- decoding ------------------------------------------------------------------------------------
_BAD_BYTES = "exportctl.flag-bad-bytes"


def _flag_bad_bytes(exc: UnicodeError) -> tuple[str, int]:
    """Decode each undecodable byte b as the lone surrogate U+DC00+b (a mark, never a character)."""
    if not isinstance(exc, UnicodeDecodeError):  # pragma: no cover - decoding only
        raise exc
    bad = exc.object[exc.start : exc.end]
    return "".join(chr(0xDC00 + b) for b in bad), exc.end


codecs.register_error(_BAD_BYTES, _flag_bad_bytes)

_SURROGATE = re.compile("[\ud800-\udfff]")


def _encoding_of(head: bytes) -> str:
    if head.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return "utf-32"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    return "utf-8-sig"


class _Rejoined(io.RawIOBase):
    """The bytes already read from a stream (to look for a byte-order mark), then the rest."""

    def __init__(self, head: bytes, rest: IO[bytes]) -> None:
        super().__init__()
        self._head = head
        self._rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        if self._head:
            n = min(len(view), len(self._head))
            view[:n] = self._head[:n]
            self._head = self._head[n:]
            return n
        data = self._rest.read(len(view))
        n = len(data)
        view[:n] = data
        return n


class _Text:
    """The lines of a source, decoded; ``encoding`` is known once iteration has started."""

    def __init__(self, source: Source, newline: str, encoding: str | None = None) -> None:
        self._source = source
        self._newline = newline
        #: The encoding the bytes were decoded from (given for text decoded already, e.g. a
        #: piece of a file read by :func:`utf8_line_blocks`).
        self.encoding: str | None = encoding

    def __iter__(self) -> Iterator[str]:
        source = self._source
        if isinstance(source, str):
            yield from io.StringIO(source, newline=self._newline)
            return
        if isinstance(source, (bytes, bytearray)):
            source = io.BytesIO(source)
        if isinstance(source, io.TextIOBase) or not hasattr(source, "read"):
            yield from source  # text already decoded (lines as the caller split them)
            return
        stream: IO[bytes] = source  # type: ignore[assignment]  # it has read(): bytes
        head = b""
        while len(head) < 4:
            more = stream.read(4 - len(head))
            if not more:
                break
            head += more
        encoding = _encoding_of(head)
        self.encoding = {"utf-8-sig": "UTF-8", "utf-16": "UTF-16", "utf-32": "UTF-32"}[encoding]
        text = io.TextIOWrapper(
            io.BufferedReader(_Rejoined(head, stream)),
            encoding=encoding,
            errors=_BAD_BYTES,
            newline=self._newline,
        )
        yield from text

    def bad_bytes(self, text: str) -> str | None:
        """What is wrong with text that holds marked bytes (None when it holds none)."""
        marks = [c for c in _SURROGATE.findall(text)]
        if not marks:
            return None
        if self.encoding is None or any(not 0xDC00 <= ord(c) <= 0xDCFF for c in marks):
            return "contains a lone surrogate, which is not a character"
        shown = " ".join(f"0x{ord(c) - 0xDC00:02X}" for c in marks[:8])
        more = f" and {len(marks) - 8} more" if len(marks) > 8 else ""
        hint = (
            " (is the file saved as Windows-1252 or Latin-1? save it as UTF-8)"
            if self.encoding == "UTF-8" and any(ord(c) >= 0xDC80 for c in marks)
            else ""
        )
        return f"is not valid {self.encoding}: byte {shown}{more}{hint}"


def utf8_line_blocks(stream: IO[bytes], size: int = 1 << 20) -> Iterator[list[str]]:
    """The lines of a UTF-8 byte stream in blocks of about ``size`` bytes: decoded and split as
    :class:`_Text` decodes and splits them with ``newline=""`` (a byte-order mark skipped, a bad
    byte marked, lines split at ``\\r\\n``, ``\\r`` or ``\\n`` and kept with their ends).
    Every block but the last ends with a whole line (a ``\\r`` is held until the next byte shows
    whether a ``\\n`` follows it), so a block never splits a line end.  The reader of a piece of
    a file (``--jobs``) uses it; a test compares its lines with :class:`_Text`'s."""
    decoder = codecs.getincrementaldecoder("utf-8-sig")(errors=_BAD_BYTES)
    pending = ""
    while True:
        data = stream.read(max(size, len(pending)))  # a long line: read ahead, not again
        final = not data
        text = pending + decoder.decode(data, final)
        if not text:
            if final:
                return
            continue  # bytes of a character (or a byte-order mark) not whole yet
        lines = io.StringIO(text, newline="").readlines()
        pending = ""
        if not final and not lines[-1].endswith("\n"):
            pending = lines.pop()  # a line cut short, or a "\r" whose "\n" may come next
        if lines:
            yield lines
        if final:
            return


# --- printable values ----------------------------------------------------------------------------
def printable(value: Any) -> str | None:
    """A value as text that can be written anywhere: lone surrogates (bad bytes) become escapes."""
    if value is None:
        return None
    text = value if isinstance(value, str) else str(value)
    if text.isascii():  # no surrogate to escape
        return text.strip() or None
    return _SURROGATE.sub(_escape_surrogate, text).strip() or None


@overload
def escape_surrogates(text: str) -> str: ...
@overload
def escape_surrogates(text: None) -> None: ...
def escape_surrogates(text: str | None) -> str | None:
    """Text with any lone surrogate (a bad byte) written as an escape, so it can be output."""
    return _SURROGATE.sub(_escape_surrogate, text) if text else text


def _escape_surrogate(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code - 0xDC00:02x}" if 0xDC00 <= code <= 0xDCFF else f"\\u{code:04x}"


def _show(text: str, limit: int = 40) -> str:
    """A short, quoted, escaped view of user text for a message."""
    shown = printable(text) or ""
    if len(shown) > limit:
        shown = shown[:limit] + "..."
    return repr(shown)


# --- column mapping ------------------------------------------------------------------------------
class ColumnMapError(ValueError):
    """A column mapping that cannot be applied whatever the file holds (a usage error)."""


@attrs.frozen
class ColumnMap:
    """How the columns of a user's file (an ERP or PLM extract) become the fields exportctl
    reads: ``renames`` pairs (column in the file, field read), ``ignore`` columns dropped.

    Every column named must be in the file, and every other column is read as it is (an unknown
    one stays an error of each row: a misspelt answer never passes unnoticed).  Errors about a
    renamed field name the file's column (:meth:`original`).
    """

    renames: tuple[tuple[str, str], ...] = ()
    ignore: tuple[str, ...] = ()

    def __attrs_post_init__(self) -> None:
        sources = [s for s, _ in self.renames]
        targets = [t for _, t in self.renames]
        for names, what in ((sources, "column"), (targets, "field")):
            twice = sorted({n for n in names if names.count(n) > 1})
            if twice:
                raise ColumnMapError(
                    f"--map names the {what} {', '.join(map(repr, twice))} more than once"
                )
        both = sorted(set(sources) & set(self.ignore))
        if both:
            raise ColumnMapError(
                f"column {', '.join(map(repr, both))} is both mapped (--map) and ignored "
                "(--ignore-columns)"
            )
        for source, target in self.renames:
            if not source.strip() or not target.strip():
                raise ColumnMapError(
                    f"--map {source}={target}: give COLUMN=FIELD, both non-blank"
                )

    def __bool__(self) -> bool:
        return bool(self.renames or self.ignore)

    def source_of(self, field: str) -> str:
        """The file's column read as ``field`` (``field`` itself when not renamed)."""
        for source, target in self.renames:
            if target == field:
                return source
        return field

    def field_of(self, column: str) -> str | None:
        """The field a column of the file is read as (None: ignored)."""
        if column in self.ignore:
            return None
        for source, target in self.renames:
            if source == column:
                return target
        return column

    def original(self, field: str) -> str:
        """How an error names ``field``: the file's column, and the field it is read as."""
        source = self.source_of(field)
        return field if source == field else f"{source} (read as {field})"

    def check_header(self, header: Iterable[str]) -> None:
        """Raises :class:`InputFileError` when a column named is not in the file, or when two
        columns would be read as the same field."""
        columns = list(header)
        missing = [s for s, _ in self.renames if s not in columns]
        missing += [c for c in self.ignore if c not in columns]
        if missing:
            raise InputFileError(
                f"has no column {', '.join(map(_show, missing))} (named by --map, --map-file or "
                f"--ignore-columns); its columns are {', '.join(_show(c, 30) for c in columns)}"
            )
        read: dict[str, str] = {}
        for column in columns:
            field = self.field_of(column)
            if field is None:
                continue
            if field in read:
                raise InputFileError(
                    f"columns {_show(read[field])} and {_show(column)} would both be read as "
                    f"{field!r}; which value to read is unknown"
                )
            read[field] = column

    def record(self, rec: Record) -> Record:
        """The record with its fields renamed and the ignored ones dropped."""
        if rec.raw is None:
            return rec
        raw = {}
        for key, value in rec.raw.items():
            field = self.field_of(key)
            if field is not None:
                raw[field] = value
        return attrs.evolve(rec, raw=raw)


def column_map_file(path: str) -> ColumnMap:
    """A mapping file (docs/input.md, "Column mapping"): CSV, UTF-8, header ``column,field``;
    each row reads the file's ``column`` as ``field``, a blank ``field`` ignores the column."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.reader(fh, strict=True))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise ColumnMapError(f"--map-file {path}: cannot be read ({exc})") from None
    rows = [r for r in rows if any(c.strip() for c in r)]
    if not rows or [c.strip() for c in rows[0]] != ["column", "field"]:
        raise ColumnMapError(f"--map-file {path}: the first line must be the header column,field")
    renames: list[tuple[str, str]] = []
    ignore: list[str] = []
    for n, row in enumerate(rows[1:], start=2):
        if len(row) != 2 or not row[0].strip():
            raise ColumnMapError(
                f"--map-file {path}, row {n}: expected two cells, a column and a field "
                "(blank to ignore the column)"
            )
        if row[1].strip():
            renames.append((row[0].strip(), row[1].strip()))
        else:
            ignore.append(row[0].strip())
    return ColumnMap(tuple(renames), tuple(ignore))


# --- CSV -----------------------------------------------------------------------------------------
def read_csv_rows(
    source: Source, *, id_column: str = "item_id", columns: ColumnMap | None = None
) -> Iterator[Record]:
    """One :class:`Record` per input record of a CSV file (see the module docstring).

    The header must name ``id_column``, every column once, and no column may be blank; the file
    must hold at least one record.  Otherwise :class:`InputFileError` is raised before the first
    record is returned.  ``columns`` (a mapping) is checked against the header; the records keep
    the file's column names (errors name them; :meth:`ColumnMap.record` renames a record).
    """
    text = _Text(source, newline="")
    reader = csv.reader(iter(text), strict=True)
    header = _csv_header(reader, text, id_column, columns)
    id_index = header.index(id_column)
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
            yield Record(n, None, lines, "row", _csv_error(exc, lines))
            continue
        if all(not c.strip() for c in cells):
            continue  # a blank line (or only delimiters): not an input record
        n += 1
        lines = (before + 1, reader.line_num)
        yield _csv_record(n, lines, header, cells, id_index, text)
    if n == 0:
        raise InputFileError("has a header but no records: nothing to decide")


def _lines_text(lines: tuple[int, int]) -> str:
    return f"line {lines[0]}" if lines[0] == lines[1] else f"lines {lines[0]}-{lines[1]}"


def _csv_error(exc: csv.Error, lines: tuple[int, int]) -> str:
    message = str(exc)
    if "field larger than field limit" in message:
        reason = f"a cell is longer than {MAX_FIELD_CHARS:,} characters"
    elif "unexpected end of data" in message:
        reason = "a quoted cell is never closed: the quote swallows every line after it"
    elif "expected after" in message:
        reason = (
            'a closing quote is followed by text (a quote inside a cell is written "")'
            ": the quote may have swallowed the lines after it"
        )
    elif "new-line character" in message:
        reason = "a line break inside an unquoted cell"
    else:
        reason = f"cannot be read as CSV ({message})"
    return f"{reason} ({_lines_text(lines)}); nothing in these lines was decided"


def _csv_header(
    reader: Any, text: _Text, id_column: str, columns: ColumnMap | None = None
) -> list[str]:
    while True:
        try:
            header: list[str] = next(reader)
        except StopIteration:
            raise InputFileError("is empty: no header and no records") from None
        except csv.Error as exc:
            raise InputFileError(f"the header cannot be read as CSV ({exc})") from None
        if any(c.strip() for c in header):
            break
    where = f"the header (line {reader.line_num})"
    problems = text.bad_bytes("".join(header))
    if problems:
        raise InputFileError(f"{where} {problems}")
    if any("\x00" in c for c in header):
        raise InputFileError(
            f"{where} contains NUL characters: is the file UTF-16 without a byte-order mark? "
            "Save it as UTF-8"
        )
    if any("\n" in c or "\r" in c for c in header):
        raise InputFileError(f"{where} has a column name with a line break in it")
    if columns:
        columns.check_header(header)
    if id_column not in header:
        hint = " (the file looks tab-separated; use commas)" if "\t" in "".join(header) else ""
        raise InputFileError(
            f"{where} has no {id_column} column{hint}: is the first line a header? "
            f"It reads {', '.join(_show(c, 20) for c in header[:4])}"
            + (", ..." if len(header) > 4 else "")
        )
    blank = [str(i) for i, c in enumerate(header, start=1) if not c.strip()]
    if blank:
        raise InputFileError(
            f"{where}: column {', '.join(blank)} has no name (a trailing or doubled comma?)"
        )
    seen: dict[str, list[int]] = {}
    for i, name in enumerate(header, start=1):
        seen.setdefault(name, []).append(i)
    repeated = {k: v for k, v in seen.items() if len(v) > 1}
    if repeated:
        named = "; ".join(
            f"{_show(k)} (columns {', '.join(map(str, v))})" for k, v in repeated.items()
        )
        raise InputFileError(
            f"{where} names a column more than once: {named}; which value to read is unknown"
        )
    return header


def _csv_record(
    n: int,
    lines: tuple[int, int],
    header: list[str],
    cells: list[str],
    id_index: int,
    text: _Text,
) -> Record:
    item_id = printable(cells[id_index]) if id_index < len(cells) else None
    where = _lines_text(lines)
    for name, cell in zip(header, cells, strict=False):
        if "\n" in cell or "\r" in cell:
            return Record(
                n,
                None,
                lines,
                name,
                f"contains a line break ({where}): a quote that is not closed swallows the "
                "lines after it, so line breaks are not accepted in CSV cells; "
                "nothing in these lines was decided",
                item_id,
            )
    if len(cells) != len(header):
        hint = ""
        if len(cells) > len(header) and not any(c.strip() for c in cells[len(header) :]):
            hint = " (the extra cells are empty: a trailing comma?)"
        elif len(cells) < len(header):
            hint = " (a comma too few, or a row cut short?)"
        return Record(
            n,
            None,
            lines,
            "row",
            f"has {len(cells)} cells but the header has {len(header)} columns{hint} ({where}); "
            "which value belongs to which column is unknown",
            item_id,
        )
    for name, cell in zip(header, cells, strict=True):
        problem = text.bad_bytes(cell)
        if problem:
            return Record(n, None, lines, name, f"{problem} ({where})", item_id)
        if len(cell) > MAX_FIELD_CHARS:
            return Record(
                n, None, lines, name, f"is longer than {MAX_FIELD_CHARS:,} characters", item_id
            )
    return Record(n, dict(zip(header, cells, strict=True)), lines, item_id=item_id)


# --- JSON ----------------------------------------------------------------------------------------
class _Rejected:
    """A JSON value the reader refuses (kept in place so the error can name its field)."""

    def __init__(self, reason: str) -> None:
        self.reason = reason


class _Object(dict[str, Any]):
    """A JSON object that remembers the keys it was given more than once."""

    duplicates: tuple[str, ...] = ()


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj = _Object()
    repeated: list[str] = []
    for key, value in pairs:
        if key in obj and key not in repeated:
            repeated.append(key)
        obj[key] = value
    obj.duplicates = tuple(repeated)
    return obj


def _constant(name: str) -> _Rejected:
    return _Rejected(f"{name} is not a number JSON allows (RFC 8259 section 6)")


def _float(text: str) -> float | _Rejected:
    value = float(text)
    if not math.isfinite(value):
        return _Rejected(
            f"{_show(text, 20)} is too large for a JSON number (at most about 1.8e308)"
        )
    return value


def _int(text: str) -> int | _Rejected:
    if len(text.lstrip("-")) > _MAX_INT_DIGITS:
        return _Rejected(
            f"an integer of {len(text.lstrip('-')):,} digits is too large for a JSON number "
            "(at most about 1.8e308)"
        )
    return int(text)


def _decode_json(
    text: str, syntax_field: str, decode: Callable[[str], Any] | None = None
) -> Any:
    """The JSON value of ``text`` (``decode``: a :class:`_Counting` decoder's, which decodes
    as ``json.loads`` with these hooks does), or the error naming ``syntax_field``."""
    try:
        if decode is None or text.startswith("\ufeff"):  # json.loads' own error for a BOM
            return json.loads(
                text,
                object_pairs_hook=_object,
                parse_constant=_constant,
                parse_float=_float,
                parse_int=_int,
            )
        return decode(text)
    except json.JSONDecodeError as exc:
        raise FactError(
            syntax_field, f"not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno})"
        ) from None
    except RecursionError:
        raise FactError(syntax_field, f"JSON nested more than {MAX_DEPTH} levels deep") from None


class _Counting:
    """A JSON decoder made once per file, decoding as :func:`_decode_json`'s hooks do, that
    counts the values :func:`_json_problem` finds at fault without a walk: an object given a
    key more than once (the only kind kept as an :class:`_Object`; any other object is a
    plain ``dict``) and a number refused (a :class:`_Rejected`).  A line decoded without
    either, in :func:`_plain_json_text`, has no problem and only plain values."""

    def __init__(self) -> None:
        #: The objects with a repeated key and the numbers refused, decoded so far.
        self.flagged = 0
        self.decode: Callable[[str], Any] = json.JSONDecoder(
            object_pairs_hook=self._object,
            parse_constant=self._constant,
            parse_float=self._float,
            parse_int=self._int,
        ).decode

    def _object(self, pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        obj = dict(pairs)
        if len(obj) == len(pairs):
            return obj
        self.flagged += 1
        return _object(pairs)

    def _counted(self, value: Any) -> Any:
        if type(value) is _Rejected:
            self.flagged += 1
        return value

    def _constant(self, name: str) -> _Rejected:
        return self._counted(_constant(name))  # type: ignore[no-any-return]

    def _float(self, text: str) -> float | _Rejected:
        return self._counted(_float(text))  # type: ignore[no-any-return]

    def _int(self, text: str) -> int | _Rejected:
        return self._counted(_int(text))  # type: ignore[no-any-return]


def _plain_json_text(text: str) -> bool:
    """Whether no string of this JSON text (key or value) can hold a lone surrogate or be
    longer than :data:`MAX_FIELD_CHARS`, and no value be nested deeper than
    :data:`MAX_DEPTH`: the text holds no surrogate and no ``\\u`` escape (which may write
    one), is no longer than the limit (a string decoded is no longer than its text), and has
    fewer than :data:`MAX_DEPTH` brackets that open an object or array (a value sits at most
    one deeper than the containers around it)."""
    return (
        len(text) <= MAX_FIELD_CHARS
        and "\\u" not in text
        and (text.isascii() or _SURROGATE.search(text) is None)
        and text.count("{") + text.count("[") < MAX_DEPTH
    )


def _path(parent: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{parent}[{key}]"
    shown = printable(key) or repr(key)
    return f"{parent}.{shown}" if parent else shown


def _json_problem(value: Any, text: _Text, line: str | None) -> FactError | None:
    """The first problem of a decoded JSON value, in document order, naming its field."""
    bytes_problem = text.bad_bytes(line) if line is not None else None
    stack: list[tuple[str, Any, int]] = [("", value, 1)]
    while stack:
        path, node, depth = stack.pop()
        field = path or "row"
        if depth > MAX_DEPTH:
            return FactError(field, f"JSON nested more than {MAX_DEPTH} levels deep")
        if isinstance(node, _Rejected):
            return FactError(field, node.reason)
        if isinstance(node, str):
            if _SURROGATE.search(node):
                return FactError(
                    field,
                    bytes_problem
                    or "contains a lone surrogate (an escape such as \\ud800 that is not "
                    "half of a pair), which is not a character",
                )
            if len(node) > MAX_FIELD_CHARS:
                return FactError(field, f"is longer than {MAX_FIELD_CHARS:,} characters")
            continue
        children: list[tuple[str, Any, int]] = []
        if isinstance(node, dict):
            duplicates = getattr(node, "duplicates", ())
            if duplicates:
                return FactError(
                    _path(path, duplicates[0]),
                    "is given more than once in the same JSON object; which value to read "
                    "is unknown",
                )
            for key, child in node.items():
                key_path = _path(path, key)
                if _SURROGATE.search(key) or len(key) > MAX_FIELD_CHARS:
                    children.append((key_path, key, depth + 1))
                children.append((key_path, child, depth + 1))
        elif isinstance(node, list):
            children = [(_path(path, i), child, depth + 1) for i, child in enumerate(node)]
        stack.extend(reversed(children))
    if bytes_problem:  # bad bytes outside any string: the JSON cannot have parsed
        return FactError("row", bytes_problem)
    return None


def _plain(value: Any) -> Any:
    """A decoded JSON value with plain dicts (the reader's object class removed)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def read_jsonl_rows(source: Source, *, id_field: str = "item_id") -> Iterator[Record]:
    """One :class:`Record` per input record of a JSON lines file (see the module docstring).

    Lines are split at ``\\n`` only: a carriage return or other line separator inside a line
    stays in it.  A file with no record raises :class:`InputFileError`.
    """
    text = _Text(source, newline="\n")
    decoder = _Counting()
    n = 0
    for line_no, line in enumerate(text, start=1):
        if not line.strip():
            continue
        if n == 0 and "\x00" in line:
            raise InputFileError(
                f"line {line_no} contains NUL characters: is the file UTF-16 without a "
                "byte-order mark? Save it as UTF-8"
            )
        n += 1
        yield _jsonl_record(n, line_no, line, text, id_field, decoder)
    if n == 0:
        raise InputFileError("is empty: no records")


def _jsonl_record(
    n: int,
    line_no: int,
    line: str,
    text: _Text,
    id_field: str,
    decoder: _Counting | None = None,
) -> Record:
    """The record of a JSON line; ``decoder`` given (the file's), a line it decodes without a
    flagged value, in :func:`_plain_json_text`, is taken without :func:`_json_problem`'s walk
    and :func:`_plain`'s copy (it has no problem, and its objects are plain dicts)."""
    lines = (line_no, line_no)
    flagged = decoder.flagged if decoder is not None else -1
    try:
        value = _decode_json(line, "row", decoder.decode if decoder is not None else None)
    except FactError as exc:
        reason = text.bad_bytes(line) or exc.reason
        return Record(n, None, lines, exc.field, reason)
    item_id = _id_of(value, id_field)
    plain = decoder is not None and decoder.flagged == flagged and _plain_json_text(line)
    problem = None if plain else _json_problem(value, text, line)
    if problem is not None:
        return Record(n, None, lines, problem.field, problem.reason, item_id)
    if not isinstance(value, dict):
        return Record(n, None, lines, "row", "each line must be a JSON object of facts", item_id)
    return _read_record(n, value if plain else _plain(value), lines, item_id)


def _id_of(value: Any, id_field: str) -> str | None:
    """The record's identifier for an error row, when it is plain text or a number."""
    if not isinstance(value, dict):
        return None
    found = value.get(id_field)
    if isinstance(found, bool) or not isinstance(found, (str, int, float)):
        return None
    return printable(found)


def load_json_document(source: bytes | IO[bytes], what: str, name: str = "") -> Any:
    """One JSON document (a facts or transfer file), read with the batch readers' rules.

    Raises :class:`FactError` naming ``what`` (for the document) or the field at fault.
    """
    text = _Text(source, newline="")
    content = "".join(text)
    label = f"{name} " if name else ""
    if not content.strip():
        raise FactError(what, f"{label}is empty: expected a JSON object")
    if "\x00" in content:
        raise FactError(
            what,
            f"{label}contains NUL characters: is it UTF-16 without a byte-order mark? "
            "Save it as UTF-8",
        )
    try:
        value = _decode_json(content, what)
    except FactError as exc:
        problem = text.bad_bytes(content)
        raise FactError(what, f"{label}{problem or exc.reason}") from None
    problem_ = _json_problem(value, text, content)
    if problem_ is not None:
        field = what if problem_.field == "row" else problem_.field
        raise FactError(field, problem_.reason)
    if not isinstance(value, dict):
        raise FactError(what, f"{label}must hold one JSON object, not {type(value).__name__}")
    return _plain(value)


def transfer_shape_error(raw: Mapping[str, Any]) -> FactError | None:
    """A transfer object whose parties or answers have the wrong JSON type (else None)."""
    parties = raw.get("parties")
    if parties is not None:
        if not isinstance(parties, list):
            return FactError("parties", f"expected a list of party objects, got {_kind(parties)}")
        for i, party in enumerate(parties):
            if not isinstance(party, dict):
                return FactError(f"parties[{i}]", f"expected a party object, got {_kind(party)}")
    answers = raw.get("answers")
    if answers is not None and not isinstance(answers, dict):
        return FactError(
            "answers", f"expected an object of question id: answer, got {_kind(answers)}"
        )
    return None


def _kind(value: Any) -> str:
    names = {bool: "true/false", str: "text", int: "a number", float: "a number", list: "a list"}
    return names.get(type(value), type(value).__name__)
