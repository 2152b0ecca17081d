"""Fail closed on every input (issue 7, items 9-14): every input record yields exactly one output
row, in order; a bad record is an error naming the row, the field and the reason; a bad file is
an input error (exit 4) before any row is decided.  Nothing crashes, nothing is merged, split or
dropped -- in `exportctl screen`, `exportctl authorize` and the single-record readers
(`classify --facts`, `aukus check`).

Through click's CliRunner, so each test also holds for the command a user runs.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from exportctl.cli import main

ROOT = Path(__file__).resolve().parents[1]
DAY = "2025-06-01"
FINAL_DAY = "2026-01-15"  # the final rule of 22 CFR 126.7

# --- screen (item facts) ------------------------------------------------------------------------
HEADER = (
    "item_id,description,item_kind,usml_candidates,eccn_candidates,excluded_by_734_3_b,"
    "itar_for_use_in_defense_article,fastener_class"
)
#: 22 CFR 121.1 IV(h)(12): enumerated, ITAR whatever else is said.
ITAR_ROW = "A1,post-boost vehicle,end_item,IV(h)(12),,,,"
#: Released from VIII(h)(1) by 22 CFR 120.41(b)(2) (a fastener), no ECCN: EAR99.
EAR99_ROW = "A2,wing panel screw,part,VIII(h)(1),none,no,yes,yes"
#: The same screw with its fastener answer "no": not released, stays ITAR VIII(h)(1) or open.
NOT_FASTENER = "A2,wing panel screw,part,VIII(h)(1),none,no,yes,no"


def run(*args: str, input: bytes | str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), input=input)
    return result.exit_code, result.stdout, result.stderr


def write(tmp_path: Path, name: str, data: bytes | str) -> str:
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return str(path)


def screen(tmp_path: Path, data: bytes | str, name: str = "parts.csv") -> Any:
    """(exit status, output rows as dicts, stderr) of `exportctl screen FILE --format csv`."""
    code, out, err = run("screen", write(tmp_path, name, data), "--format", "csv", "--as-of", DAY)
    return code, list(csv.DictReader(io.StringIO(out))), err


def lines(*rows: str) -> str:
    return "".join(r + "\n" for r in rows)


def assert_file_error(code: int, out: str, err: str, *words: str) -> None:
    """A file-level input error: exit 4, nothing decided (no output at all), the reason said."""
    assert code == 4, (code, out, err)
    assert out == "", out
    assert "exportctl: error:" in err and "Traceback" not in err
    for word in words:
        assert word in err, (word, err)


# --- 9. duplicate column names: a file-level error before any row is decided --------------------
@pytest.mark.parametrize(
    ("header", "row", "column"),
    [
        # fastener_class twice: "no" then "yes".  Last-wins released the screw to EAR99 (exit 0).
        (HEADER + ",fastener_class", NOT_FASTENER + ",yes", "fastener_class"),
        # the same answer twice with the same value is still refused: the file is ambiguous.
        (HEADER + ",fastener_class", EAR99_ROW + ",yes", "fastener_class"),
        # a structured field repeated
        ("item_id,usml_candidates,usml_candidates", "A1,IV(h)(12),none", "usml_candidates"),
        # the identifier repeated
        ("item_id,item_id,usml_candidates", "A1,A9,IV(h)(12)", "item_id"),
    ],
)
def test_screen_duplicate_columns_are_a_file_error(
    tmp_path: Path, header: str, row: str, column: str
) -> None:
    code, out, err = run(
        "screen", write(tmp_path, "p.csv", lines(header, row)), "--format", "csv", "--as-of", DAY
    )
    assert_file_error(code, out, err, repr(column), "more than once")


def test_screen_duplicate_columns_name_every_repeated_column_and_position(tmp_path: Path) -> None:
    header = "item_id,fastener_class,usml_candidates,fastener_class,usml_candidates"
    code, out, err = run(
        "screen", write(tmp_path, "p.csv", lines(header, "A1,no,IV(h)(12),yes,none")), "--quiet"
    )
    assert_file_error(code, out, err, "'fastener_class' (columns 2, 4)")
    assert "'usml_candidates' (columns 3, 5)" in err


def test_authorize_duplicate_columns_are_a_file_error(tmp_path: Path) -> None:
    # to_country twice: JP then AU.  Last-wins made a transfer to Japan an exempt § 126.7 one.
    header, row = _transfer_csv()
    data = lines(header + ",to_country", row.replace(",AU,none,", ",JP,none,", 1) + ",AU")
    code, out, err = run("authorize", write(tmp_path, "t.csv", data), "--as-of", FINAL_DAY)
    assert_file_error(code, out, err, "'to_country'", "more than once")


def _transfer_csv() -> tuple[str, str]:
    """The header and the AU-01 row of examples/transfers.csv (exempt under § 126.7)."""
    text = (ROOT / "examples" / "transfers.csv").read_text(encoding="utf-8")
    header, first = text.splitlines()[:2]
    return header, first


# --- 10. a row with fewer or more cells than the header: an error on that row ---------------------
@pytest.mark.parametrize(
    ("row", "cells"),
    [
        # one cell too few: excluded_by_734_3_b is missing, every later value shifts left
        ("A2,wing panel screw,part,VIII(h)(1),none,yes,yes", 7),
        # cut short after the candidates (fewer: the rest used to default to blank)
        ("A2,wing panel screw,part,VIII(h)(1)", 4),
        # one cell too many (used to crash: unhashable type: 'list')
        (EAR99_ROW + ",yes", 9),
        # a trailing comma: an extra empty cell
        (EAR99_ROW + ",", 9),
    ],
)
def test_screen_row_with_wrong_cell_count_is_an_error_on_that_row(
    tmp_path: Path, row: str, cells: int
) -> None:
    code, rows, _ = screen(tmp_path, lines(HEADER, ITAR_ROW, row, ITAR_ROW.replace("A1", "A3")))
    assert [r["row"] for r in rows] == ["1", "2", "3"]
    assert [r["item_id"] for r in rows] == ["A1", "A2", "A3"]
    assert rows[1]["status"] == "error" and rows[1]["error_field"] == "row"
    assert f"has {cells} cells but the header has 8 columns" in rows[1]["error"]
    assert "line 3" in rows[1]["error"]
    assert rows[1]["classification"] == "" and "internal error" not in rows[1]["error"]
    assert rows[0]["classification"] == rows[2]["classification"] == "IV(h)(12)"
    assert code == 4


def test_screen_trailing_comma_on_every_line_is_an_error_on_every_row(tmp_path: Path) -> None:
    code, rows, _ = screen(tmp_path, lines(HEADER, ITAR_ROW + ",", EAR99_ROW + ","))
    assert [r["status"] for r in rows] == ["error", "error"]
    assert all("trailing comma" in r["error"] for r in rows)
    assert code == 4


def test_screen_trailing_comma_in_the_header_too_is_a_file_error(tmp_path: Path) -> None:
    data = lines(HEADER + ",", ITAR_ROW + ",", EAR99_ROW + ",")
    code, out, err = run("screen", write(tmp_path, "p.csv", data), "--as-of", DAY)
    assert_file_error(code, out, err, "column 9 has no name")


@pytest.mark.parametrize("cut", [3, 20])
def test_authorize_row_with_fewer_cells_is_an_error_on_that_row(tmp_path: Path, cut: int) -> None:
    header, row = _transfer_csv()
    short = ",".join(row.split(",")[:-cut])
    data = lines(header, row, short, row.replace("AU-01", "AU-03", 1))
    code, out, _ = run("authorize", write(tmp_path, "t.csv", data), "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["transfer_id"] for r in rows] == ["AU-01", "AU-01", "AU-03"]
    assert [r["status"] for r in rows] == ["exempt", "error", "exempt"]
    assert "cells but the header has" in rows[1]["error"] and rows[1]["error_field"] == "row"
    assert code == 4


# --- 11. bytes that are not UTF-8; UTF-16 ---------------------------------------------------------
@pytest.mark.parametrize(
    ("bad", "shown"),
    [
        ("café".encode("latin-1"), "0xE9"),  # Latin-1 é
        ("“screw”".encode("cp1252"), "0x93"),  # Windows-1252 curly quotes
        (b"\xc3\x28", "0xC3"),  # an invalid continuation byte
        (b"\xed\xa0\x80", "0xED"),  # an encoded surrogate (not UTF-8)
        (b"\xff\xfe", "0xFF"),
    ],
)
def test_screen_bad_bytes_are_an_error_on_their_row_only(
    tmp_path: Path, bad: bytes, shown: str
) -> None:
    filler = [ITAR_ROW.replace("A1", f"F{i}") for i in range(200)]  # > 8 KB before the bad row
    data = (
        lines(HEADER, *filler).encode()
        + b"B1,wing panel "
        + bad
        + b",part,VIII(h)(1),none,no,yes,yes\n"
        + lines(EAR99_ROW).encode()
    )
    code, rows, _ = screen(tmp_path, data)
    assert len(rows) == 202
    assert all(r["classification"] == "IV(h)(12)" for r in rows[:200])
    bad_row = rows[200]
    assert (bad_row["row"], bad_row["item_id"], bad_row["status"]) == ("201", "B1", "error")
    assert bad_row["error_field"] == "description"
    assert "not valid UTF-8" in bad_row["error"] and shown in bad_row["error"]
    assert rows[201]["classification"] == "EAR99"
    assert code == 4


def test_screen_bad_byte_in_the_identifier_is_shown_escaped(tmp_path: Path) -> None:
    data = lines(HEADER).encode() + b"P-\xe9,x,part,VIII(h)(1),none,no,yes,yes\n"
    code, rows, _ = screen(tmp_path, data)
    assert rows[0]["item_id"] == "P-\\xe9" and rows[0]["error_field"] == "item_id"
    assert code == 4


def test_screen_truncated_multibyte_character_at_the_end_is_an_error(tmp_path: Path) -> None:
    data = lines(HEADER, EAR99_ROW).encode() + b"A3,x,part,VIII(h)(1),none,no,yes,\xe2\x80"
    code, rows, _ = screen(tmp_path, data)
    assert [r["status"] for r in rows] == ["classified", "error"]
    assert rows[1]["error_field"] == "fastener_class" and "0xE2 0x80" in rows[1]["error"]
    assert code == 4


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-8-sig"])
def test_screen_reads_a_file_with_a_byte_order_mark(tmp_path: Path, codec: str) -> None:
    bom = {"utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE}.get(codec, b"")
    data = bom + lines(HEADER, ITAR_ROW, "A2,vis à vis,part,VIII(h)(1),none,no,yes,yes").encode(
        codec
    )
    code, rows, _ = screen(tmp_path, data)
    assert [(r["item_id"], r["classification"]) for r in rows] == [
        ("A1", "IV(h)(12)"),
        ("A2", "EAR99"),
    ]
    assert code == 0


def test_screen_utf16_without_byte_order_mark_is_a_file_error(tmp_path: Path) -> None:
    data = lines(HEADER, ITAR_ROW).encode("utf-16-le")
    code, out, err = run("screen", write(tmp_path, "p.csv", data), "--as-of", DAY)
    assert_file_error(code, out, err, "UTF-16")


def test_screen_jsonl_bad_bytes_name_the_field(tmp_path: Path) -> None:
    good = json.dumps({"item_id": "J1", "item_kind": "end_item", "usml_candidates": ["IV(h)(12)"]})
    data = (
        good.encode()
        + b"\n"
        + b'{"item_id": "J2", "description": "caf\xe9", "usml_candidates": ["IV(h)(12)"]}\n'
        + good.replace("J1", "J3").encode()
        + b"\n"
    )
    code, out, _ = run("screen", write(tmp_path, "p.jsonl", data), "--format", "jsonl")
    docs = [json.loads(line) for line in out.splitlines()]
    assert [(d["item_id"], d["status"]) for d in docs] == [
        ("J1", "classified"),
        ("J2", "error"),
        ("J3", "classified"),
    ]
    assert docs[1]["error_field"] == "description" and "0xE9" in docs[1]["error"]
    assert code == 4


def test_authorize_bad_bytes_are_an_error_on_their_row_only(tmp_path: Path) -> None:
    header, row = _transfer_csv()
    bad = row.replace("AU-01", "AU-02", 1).replace("Australian", "Austr\xe4lian")
    data = lines(header, row).encode() + bad.encode("latin-1") + b"\n" + lines(row).encode()
    code, out, _ = run("authorize", write(tmp_path, "t.csv", data), "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [(r["transfer_id"], r["status"]) for r in rows] == [
        ("AU-01", "exempt"),
        ("AU-02", "error"),
        ("AU-01", "exempt"),
    ]
    assert rows[1]["error_field"] == "description" and "0xE4" in rows[1]["error"]
    assert code == 4


# --- 12. limits: each a clear error on its row (or file), never a traceback or a lost row ---------
def assert_row_error(row: dict[str, Any], field: str, *words: str) -> None:
    assert row["status"] == "error", row
    assert row["error_field"] == field, row
    assert "internal error" not in row["error"]
    for word in words:
        assert word in row["error"], (word, row["error"])


def test_screen_field_over_the_csv_limit_is_an_error_on_its_row(tmp_path: Path) -> None:
    long_row = "A9," + "x" * 131_073 + ",part,VIII(h)(1),none,no,yes,yes"
    code, rows, _ = screen(tmp_path, lines(HEADER, ITAR_ROW, long_row, EAR99_ROW))
    assert [r["row"] for r in rows] == ["1", "2", "3"]
    assert_row_error(rows[1], "row", "longer than 131,072 characters", "line 3")
    assert rows[2]["classification"] == "EAR99"
    assert code == 4


def test_screen_field_at_the_csv_limit_is_read(tmp_path: Path) -> None:
    at_limit = "A9," + "x" * 131_072 + ",part,VIII(h)(1),none,no,yes,yes"
    code, rows, _ = screen(tmp_path, lines(HEADER, at_limit))
    assert rows[0]["classification"] == "EAR99" and code == 0


def test_screen_unbalanced_quote_swallowing_rows_is_an_error_naming_the_lines(
    tmp_path: Path,
) -> None:
    # The quote opened in A1's description closes in A4's: csv reads lines 2-4 as one record.
    # Old code decided it as A1 and lost A3 and A4 without a word.
    data = lines(
        HEADER,
        'A1,"bad,end_item,IV(h)(12),,,,',
        "A3,x,part,VIII(h)(1),none,no,yes,yes",
        'A4,x",part,VIII(h)(1),none,no,yes,yes',
        EAR99_ROW,
    )
    code, rows, _ = screen(tmp_path, data)
    assert [r["item_id"] for r in rows] == ["A1", "A2"]
    assert_row_error(rows[0], "description", "line break", "lines 2-4", "nothing in these lines")
    assert rows[1]["classification"] == "EAR99"
    assert code == 4


@pytest.mark.parametrize(
    ("rows_text", "words", "ids"),
    [
        # the quote is never closed: every line after it is swallowed, and the error says so
        (['A1,"bad,end_item,IV(h)(12),,,,', EAR99_ROW], ("never closed", "lines 2-4"), [""]),
        # a closing quote followed by text: an error on that line, the next line is read
        (
            ['A1,"bad" screw,part,VIII(h)(1),none,no,yes,yes'],
            ("closing quote", "line 2"),
            ["", "Z1"],
        ),
    ],
)
def test_screen_quote_errors_are_errors_on_the_record(
    tmp_path: Path, rows_text: list[str], words: tuple[str, ...], ids: list[str]
) -> None:
    code, rows, _ = screen(tmp_path, lines(HEADER, *rows_text, ITAR_ROW.replace("A1", "Z1")))
    assert [r["item_id"] for r in rows] == ids
    assert_row_error(rows[0], "row", *words)
    assert code == 4


def test_screen_quoted_line_break_is_an_error_on_the_one_record(tmp_path: Path) -> None:
    data = lines(HEADER, 'A1,"two\nlines",end_item,IV(h)(12),,,,', EAR99_ROW)
    code, rows, _ = screen(tmp_path, data)
    assert [r["item_id"] for r in rows] == ["A1", "A2"]
    assert_row_error(rows[0], "description", "lines 2-3")
    assert code == 4


def test_screen_missing_header_is_a_file_error(tmp_path: Path) -> None:
    # The first data row used to be taken as the header: that row was lost.
    code, out, err = run(
        "screen", write(tmp_path, "p.csv", lines(ITAR_ROW, EAR99_ROW)), "--as-of", DAY
    )
    assert_file_error(code, out, err, "no item_id column", "is the first line a header")


def test_authorize_missing_header_is_a_file_error(tmp_path: Path) -> None:
    _, row = _transfer_csv()
    code, out, err = run("authorize", write(tmp_path, "t.csv", lines(row, row)))
    assert_file_error(code, out, err, "no transfer_id column")


def _jsonl(tmp_path: Path, command: str, *records: str, day: str = DAY) -> Any:
    path = write(tmp_path, "in.jsonl", "\n".join(records) + "\n")
    code, out, err = run(command, path, "--format", "jsonl", "--as-of", day)
    return code, [json.loads(line) for line in out.splitlines()], err


GOOD_ITEM = json.dumps({"item_id": "J1", "item_kind": "end_item", "usml_candidates": ["IV(h)(12)"]})


@pytest.mark.parametrize(
    ("record", "field", "words"),
    [
        ('{"item_id": "X", "answers": ' + "[" * 1000 + "]" * 1000 + "}", "row", ("nested",)),
        ('{"item_id": "X", "cj_reference": ' + "9" * 5000 + "}", "cj_reference", ("5,000 digits",)),
        ('{"item_id": "X", "description": "\\ud800"}', "description", ("lone surrogate",)),
        ('{"item_id": "X\\udce9", "usml_candidates": "none"}', "item_id", ("lone surrogate",)),
        ('{"item_id": "X", "description": NaN}', "description", ("NaN",)),
        ('{"item_id": "X", "description": -Infinity}', "description", ("-Infinity",)),
        ('{"item_id": "X", "cj_reference": 1e400}', "cj_reference", ("too large",)),
        ('{"item_id": "X", "description": "' + "d" * 131_073 + '"}', "description", ("131,072",)),
    ],
)
def test_screen_jsonl_limits_are_errors_on_their_row(
    tmp_path: Path, record: str, field: str, words: tuple[str, ...]
) -> None:
    code, docs, err = _jsonl(tmp_path, "screen", GOOD_ITEM, record, GOOD_ITEM.replace("J1", "J3"))
    assert "Traceback" not in err
    assert [d["row"] for d in docs] == [1, 2, 3]
    assert [d["status"] for d in docs] == ["classified", "error", "classified"]
    assert_row_error(docs[1], field, *words)
    assert code == 4


def test_screen_jsonl_nesting_deeper_than_the_limit_is_an_error_naming_the_path(
    tmp_path: Path,
) -> None:
    record = '{"item_id": "X", "answers": ' + '{"a": ' * 30 + "1" + "}" * 30 + "}"
    code, docs, _ = _jsonl(tmp_path, "screen", record)
    assert docs[0]["status"] == "error" and "nested more than 16 levels" in docs[0]["error"]
    assert docs[0]["error_field"].startswith("answers.a.a") and code == 4


def test_screen_jsonl_lone_surrogate_never_reaches_the_output_raw(tmp_path: Path) -> None:
    code, docs, _ = _jsonl(tmp_path, "screen", '{"item_id": "X\\ud800", "usml_candidates": "none"}')
    assert docs[0]["item_id"] == "X\\ud800" and code == 4


def test_screen_jsonl_bare_carriage_return_inside_a_line_is_one_record(tmp_path: Path) -> None:
    # JSON allows \r as whitespace; a reader that splits lines at \r made two broken records.
    record = '{"item_id": "J2",\r "item_kind": "end_item",\r "usml_candidates": ["IV(h)(12)"]}'
    code, docs, _ = _jsonl(tmp_path, "screen", GOOD_ITEM, record)
    assert [(d["row"], d["item_id"], d["classification"]) for d in docs] == [
        (1, "J1", "IV(h)(12)"),
        (2, "J2", "IV(h)(12)"),
    ]
    assert code == 0


def test_screen_jsonl_crlf_line_ends_are_read(tmp_path: Path) -> None:
    data = (GOOD_ITEM + "\r\n" + GOOD_ITEM.replace("J1", "J2") + "\r\n").encode()
    code, out, _ = run("screen", write(tmp_path, "p.jsonl", data), "--format", "csv")
    assert [r["item_id"] for r in csv.DictReader(io.StringIO(out))] == ["J1", "J2"]
    assert code == 0


EXAMPLE_TRANSFER: dict[str, Any] = json.loads(
    (ROOT / "examples" / "aukus_transfer.json").read_text(encoding="utf-8")
)


def transfer(**changes: Any) -> str:
    return json.dumps({**EXAMPLE_TRANSFER, **changes})


@pytest.mark.parametrize(
    ("record", "field", "words"),
    [
        (transfer(value_usd="@NaN@").replace('"@NaN@"', "NaN"), "value_usd", ("NaN",)),
        (transfer(value_usd="@").replace('"@"', "Infinity"), "value_usd", ("Infinity",)),
        (transfer(value_usd="@").replace('"@"', "1e400"), "value_usd", ("too large",)),
        (transfer(value_usd="@").replace('"@"', "9" * 5000), "value_usd", ("5,000 digits",)),
        (transfer(parties=[EXAMPLE_TRANSFER["parties"][0], "AU"]), "parties[1]", ("party object",)),
        (transfer(parties=[None]), "parties[0]", ("party object",)),
        (transfer(parties="AU"), "parties", ("list of party objects",)),
        (transfer(answers=5), "answers", ("object",)),
        (transfer(answers=[["classified", False]]), "answers", ("object",)),
        (transfer(description="\udce9"), "description", ("lone surrogate",)),
    ],
)
def test_authorize_jsonl_limits_are_errors_on_their_row(
    tmp_path: Path, record: str, field: str, words: tuple[str, ...]
) -> None:
    good = transfer()
    code, docs, err = _jsonl(tmp_path, "authorize", good, record, good, day=FINAL_DAY)
    assert "Traceback" not in err
    assert [d["status"] for d in docs] == ["exempt", "error", "exempt"]
    assert_row_error(docs[1], field, *words)
    assert code == 4


# --- 13. an empty or header-only file is an input error -------------------------------------------
@pytest.mark.parametrize(
    ("name", "data", "words"),
    [
        ("p.csv", b"", ("is empty",)),
        ("p.csv", b"\n\n  \n", ("is empty",)),
        ("p.csv", codecs.BOM_UTF8, ("is empty",)),
        ("p.csv", (HEADER + "\n").encode(), ("header but no records",)),
        ("p.csv", (HEADER + "\n\n,,,,,,,\n").encode(), ("header but no records",)),
        ("p.jsonl", b"", ("is empty",)),
        ("p.jsonl", b"\n \n\r\n", ("is empty",)),
    ],
)
@pytest.mark.parametrize("fmt", ["csv", "table", "jsonl"])
def test_screen_empty_or_header_only_file_is_an_input_error(
    tmp_path: Path, name: str, data: bytes, words: tuple[str, ...], fmt: str
) -> None:
    code, out, err = run("screen", write(tmp_path, name, data), "--format", fmt)
    assert_file_error(code, out, err, *words)


@pytest.mark.parametrize(
    ("name", "data"),
    [("t.csv", b""), ("t.csv", (_transfer_csv()[0] + "\n").encode()), ("t.jsonl", b"\n")],
)
def test_authorize_empty_or_header_only_file_is_an_input_error(
    tmp_path: Path, name: str, data: bytes
) -> None:
    code, out, err = run("authorize", write(tmp_path, name, data), "--format", "csv")
    assert_file_error(code, out, err)


def test_screen_empty_stdin_is_an_input_error() -> None:
    code, out, err = run("screen", "-", "--format", "csv", input=b"")
    assert_file_error(code, out, err, "stdin", "is empty")


def test_screen_reads_bytes_from_stdin() -> None:
    data = lines(HEADER, ITAR_ROW).encode("utf-16")
    code, out, _ = run("screen", "-", "--format", "csv", "--as-of", DAY, input=data)
    assert [r["item_id"] for r in csv.DictReader(io.StringIO(out))] == ["A1"] and code == 0


# --- 14. answers of the wrong type; a key given twice --------------------------------------------
@pytest.mark.parametrize(
    "answers", ["false", "[]", "0", '""', "true", '[["fastener_class", true]]']
)
def test_screen_jsonl_answers_that_are_not_an_object_are_an_error(
    tmp_path: Path, answers: str
) -> None:
    record = (
        '{"item_id": "S1", "item_kind": "part", "usml_candidates": ["VIII(h)(1)"], '
        f'"answers": {answers}}}'
    )
    code, docs, _ = _jsonl(tmp_path, "screen", record)
    assert_row_error(docs[0], "answers", "expected an object")
    assert code == 4


def test_screen_jsonl_answers_null_means_no_answers(tmp_path: Path) -> None:
    record = '{"item_id": "S1", "item_kind": "end_item", "usml_candidates": ["IV(h)(12)"], '
    code, docs, _ = _jsonl(tmp_path, "screen", record + '"answers": null}')
    assert docs[0]["classification"] == "IV(h)(12)" and code == 0


_SCREW = '{"item_id": "S1", "item_kind": "part", "usml_candidates": ["VIII(h)(1)"], '


@pytest.mark.parametrize(
    ("record", "field", "words"),
    [
        # the screw's candidates given twice: "VIII(h)(1)" then "none" (last-wins: EAR99)
        (
            _SCREW + '"usml_candidates": "none", "eccn_candidates": "none", '
            '"answers": {"excluded_by_734_3_b": false}}',
            "usml_candidates",
            "more than once",
        ),
        # an answer given twice inside answers: "no", then "yes" (last-wins: released)
        (
            _SCREW + '"eccn_candidates": "none", "answers": {"excluded_by_734_3_b": false, '
            '"itar_for_use_in_defense_article": true, "fastener_class": false, '
            '"fastener_class": true}}',
            "answers.fastener_class",
            "more than once",
        ),
        # an answer given at the top level ("no") and in answers ("yes")
        (
            _SCREW + '"eccn_candidates": "none", "fastener_class": false, "answers": '
            '{"excluded_by_734_3_b": false, "itar_for_use_in_defense_article": true, '
            '"fastener_class": true}}',
            "fastener_class",
            "both at the top level and in answers",
        ),
        # the identifier twice
        (
            '{"item_id": "S1", "item_id": "S2", "usml_candidates": ["IV(h)(12)"]}',
            "item_id",
            "more than once",
        ),
    ],
)
def test_screen_jsonl_key_given_twice_is_an_error(
    tmp_path: Path, record: str, field: str, words: str
) -> None:
    code, docs, _ = _jsonl(tmp_path, "screen", record)
    assert_row_error(docs[0], field, words)
    assert docs[0]["classification"] is None
    assert code == 4


def test_authorize_jsonl_key_given_twice_is_an_error_naming_the_path(tmp_path: Path) -> None:
    # a party's country given twice (CN, then AU): last-wins hid the § 126.1 country
    text = transfer().replace('"country": "AU"', '"country": "CN", "country": "AU"')
    code, docs, _ = _jsonl(tmp_path, "authorize", text, day=FINAL_DAY)
    assert_row_error(docs[0], "parties[1].country", "more than once")
    assert code == 4


def test_screen_jsonl_identifier_true_is_not_the_text_true(tmp_path: Path) -> None:
    code, docs, _ = _jsonl(
        tmp_path, "screen", '{"item_id": true, "usml_candidates": ["IV(h)(12)"]}'
    )
    assert_row_error(docs[0], "item_id", "expected text")
    assert docs[0]["item_id"] is None and code == 4


# --- the single-record readers: classify --facts FILE, aukus check FILE --------------------------
FACTS = {"item_id": "X", "item_kind": "part", "usml_candidates": ["VIII(h)(1)"]}


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b'{"item_id": "X", "item_id": "Y", "usml_candidates": ["IV(h)(12)"]}', ("item_id",)),
        (
            b'{"item_id": "X", "usml_candidates": ["IV(h)(12)"], "answers": '
            b'{"fastener_class": true, "fastener_class": false}}',
            ("answers.fastener_class", "more than once"),
        ),
        (json.dumps({**FACTS, "answers": False}).encode(), ("answers", "got false")),
        (json.dumps({**FACTS, "answers": []}).encode(), ("answers", "got []")),
        (json.dumps({**FACTS, "answers": 0}).encode(), ("answers", "got 0")),
        (b'{"item_id": "caf\xe9", "usml_candidates": ["IV(h)(12)"]}', ("item_id", "0xE9")),
        (b'{"item_id": "X", "cj_reference": ' + b"1" * 5000 + b"}", ("cj_reference",)),
        (b'{"item_id": "X", "answers": ' + b"[" * 1000 + b"]" * 1000 + b"}", ("nested",)),
        (b'{"item_id": "X", "description": NaN}', ("description", "NaN")),
        (b'{"item_id": "X\\ud800"}', ("item_id", "lone surrogate")),
        (b"", ("empty",)),
        (b"[1, 2]", ("one JSON object",)),
        (json.dumps(FACTS).encode("utf-16-le"), ("UTF-16",)),
    ],
)
def test_classify_facts_file_bad_input_exits_4_naming_the_field(
    tmp_path: Path, data: bytes, words: tuple[str, ...]
) -> None:
    code, out, err = run("classify", "--facts", write(tmp_path, "f.json", data), "--as-of", DAY)
    assert code == 4, (code, out, err)
    assert out == "" and "Traceback" not in err
    for word in words:
        assert word in err, (word, err)


def test_classify_facts_file_with_byte_order_mark_is_read(tmp_path: Path) -> None:
    facts = {"item_id": "X", "usml_candidates": ["IV(h)(12)"]}
    for codec in ("utf-16", "utf-8-sig"):
        path = write(tmp_path, "f.json", json.dumps(facts).encode(codec))
        code, out, _ = run("classify", "--facts", path, "--format", "json", "--as-of", DAY)
        assert code == 0 and json.loads(out)["classification"]["reference"] == "IV(h)(12)"


@pytest.mark.parametrize(
    ("text", "words"),
    [
        # the destination given twice: JP, then AU (last-wins made it eligible)
        (
            transfer(to_country="JP")[:-1] + ', "to_country": "AU"}',
            ("to_country", "more than once"),
        ),
        (transfer(parties=[EXAMPLE_TRANSFER["parties"][0], 7]), ("parties[1]", "party object")),
        (transfer(answers=[]), ("answers", "object")),
        (transfer(value_usd="@").replace('"@"', "NaN"), ("value_usd", "NaN")),
        (transfer(value_usd="@").replace('"@"', "1e400"), ("value_usd", "too large")),
    ],
)
def test_aukus_check_bad_input_exits_4_naming_the_field(
    tmp_path: Path, text: str, words: tuple[str, ...]
) -> None:
    code, out, err = run("aukus", "check", write(tmp_path, "t.json", text), "--as-of", FINAL_DAY)
    assert code == 4, (code, out, err)
    assert out == "" and "Traceback" not in err
    for word in words:
        assert word in err, (word, err)


def test_aukus_check_bad_bytes_exit_4_naming_the_field(tmp_path: Path) -> None:
    data = transfer(description="AESA modules, \u00e9t\u00e9").encode("latin-1", "replace")
    data = data.replace(b"\\u00e9", b"\xe9")
    code, out, err = run("aukus", "check", write(tmp_path, "t.json", data), "--as-of", FINAL_DAY)
    assert code == 4 and out == "" and "description" in err and "0xE9" in err
