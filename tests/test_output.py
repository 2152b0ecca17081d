"""Output that is safe to open (issue 7, item 15).

CSV: a cell a spreadsheet would run as a formula gets a leading ``'`` (OWASP, "CSV Injection"),
also after leading spaces; numbers the tool computes are left alone; cells with line breaks are
quoted, so the output reads back one row per record.  Tables: no terminal escape sequences or
control characters.  JSON: controls escaped.  For `screen`, `authorize` and the single-record
commands.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from exportctl.cli import main, output

ROOT = Path(__file__).resolve().parents[1]
DAY = "2025-06-01"
FINAL_DAY = "2026-01-15"

#: What a spreadsheet evaluates: =, +, -, @ after optional whitespace; a leading tab or CR.
FORMULA_TRIGGERS = ["=1+1", "+1+1", "-1+1", "@SUM(A1)", "\t=1", "\r=1", "  =1", " \t+1", "\n-1"]
#: Terminal controls: CSI (ESC [ and C1 CSI), OSC with BEL, a bare ESC, BEL, backspace, C1 NEL.
HOSTILE = "A\x1b[2J\x1b]0;pwned\x07B\x9b31mC\x1bcD\x08E\x85F\u202eG"
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def item(item_id: str, **more: Any) -> str:
    return json.dumps(
        {"item_id": item_id, "item_kind": "end_item", "usml_candidates": ["IV(h)(12)"], **more}
    )


def screen_csv(tmp_path: Path, *records: str) -> list[dict[str, str]]:
    path = write(tmp_path, "in.jsonl", "\n".join(records) + "\n")
    result = CliRunner().invoke(main, ["screen", path, "--format", "csv", "--as-of", DAY])
    # the bytes as written (click's Result.stdout turns \r\n into \n)
    out = result.stdout_bytes.decode("utf-8")
    return list(csv.DictReader(io.StringIO(out, newline="")))


# --- CSV: formulas --------------------------------------------------------------------------------
@pytest.mark.parametrize("text", FORMULA_TRIGGERS)
def test_csv_cell_neutralises_what_a_spreadsheet_would_run(text: str) -> None:
    assert output.csv_cell(text) == "'" + text


@pytest.mark.parametrize("text", ["A-1", "IV(h)(12)", "1-2", "x=y", "", "'=1", "P-100 @ 5"])
def test_csv_cell_leaves_other_text_alone(text: str) -> None:
    assert output.csv_cell(text) == text


@pytest.mark.parametrize("number", [-5, -1.5, 0, 42])
def test_csv_cell_leaves_numbers_the_tool_computes_alone(number: float) -> None:
    # A number is not user-controlled text here: it is written as it is.
    assert output.csv_cell(number) == number
    assert output.render([{"n": number}], "csv") == f"n\n{number}"


def test_csv_cell_neutralises_a_list_that_starts_with_a_formula() -> None:
    assert output.csv_cell(["=1", "b"]) == "'=1; b"


@pytest.mark.parametrize("text", FORMULA_TRIGGERS)
def test_screen_csv_neutralises_identifiers(tmp_path: Path, text: str) -> None:
    rows = screen_csv(tmp_path, item(text))
    assert rows[0]["item_id"] == "'" + text.strip()  # identifiers are read stripped


def test_screen_csv_neutralises_unknown_column_names_in_error_cells(tmp_path: Path) -> None:
    path = write(tmp_path, "p.csv", 'item_id,"=HYPERLINK(""http://x"")"\nA1,1\n')
    _, out, _ = run("screen", path, "--format", "csv", "--as-of", DAY)
    row = next(csv.DictReader(io.StringIO(out)))
    assert row["error_field"] == "'" + '=HYPERLINK("http://x")'
    assert row["error"].startswith("'=HYPERLINK")


def test_screen_csv_neutralises_error_cells_that_start_with_user_text(tmp_path: Path) -> None:
    path = write(tmp_path, "p.csv", "item_id,-cmd\nA1,1\n")
    _, out, _ = run("screen", path, "--format", "csv", "--as-of", DAY)
    row = next(csv.DictReader(io.StringIO(out)))
    assert row["error_field"] == "'-cmd" and row["error"].startswith("'-cmd: ")


def test_authorize_csv_neutralises_identifiers(tmp_path: Path) -> None:
    text = (ROOT / "examples" / "transfers.csv").read_text(encoding="utf-8")
    header, first = text.splitlines()[:2]
    data = f"{header}\n{first.replace('AU-01', '@SUM(1+1)', 1)}\n"
    _, out, _ = run("authorize", write(tmp_path, "t.csv", data), "--format", "csv")
    row = next(csv.DictReader(io.StringIO(out)))
    assert row["transfer_id"] == "'@SUM(1+1)" and row["status"] == "exempt"


def test_classify_csv_neutralises_the_identifier(tmp_path: Path) -> None:
    path = write(tmp_path, "f.json", item("=2+5"))
    code, out, _ = run("classify", "--facts", path, "--format", "csv", "--as-of", DAY)
    row = next(csv.DictReader(io.StringIO(out)))
    assert code == 0 and row["item_id"] == "'=2+5"


def test_aukus_check_csv_neutralises_the_identifier(tmp_path: Path) -> None:
    raw = json.loads((ROOT / "examples" / "aukus_transfer.json").read_text(encoding="utf-8"))
    path = write(tmp_path, "t.json", json.dumps({**raw, "transfer_id": "+cmd|' /C calc'!A0"}))
    code, out, _ = run("aukus", "check", path, "--format", "csv", "--as-of", FINAL_DAY)
    row = next(csv.DictReader(io.StringIO(out)))
    assert code == 0 and row["transfer_id"] == "'+cmd|' /C calc'!A0"


# --- CSV: line breaks read back row for row ------------------------------------------------------
def test_screen_csv_identifiers_with_line_breaks_read_back_row_for_row(tmp_path: Path) -> None:
    ids = ["A\nB", "C\rD", "E\r\nF", 'G"\n,H']
    rows = screen_csv(tmp_path, *(item(i) for i in ids))
    assert [r["item_id"] for r in rows] == ids
    assert [r["row"] for r in rows] == ["1", "2", "3", "4"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(), min_size=1, max_size=5))
def test_render_csv_reads_back_one_row_per_record(ids: list[str]) -> None:
    out = output.render([{"id": i, "n": -1} for i in ids], "csv")
    back = list(csv.reader(io.StringIO(out + "\n", newline="")))
    assert len(back) == len(ids) + 1
    for (cell, n), original in zip(back[1:], ids, strict=True):
        assert n == "-1"
        assert cell in (original, "'" + original)
        assert not re.match(r"\s*[=+\-@]| *[\t\r]", cell)  # nothing left for a spreadsheet to run


# --- tables: no terminal controls ----------------------------------------------------------------
def assert_no_controls(out: str) -> None:
    assert "\x1b" not in out and not CONTROL.search(out), repr(out)


def test_table_cell_removes_escape_sequences_and_controls() -> None:
    assert output.table_cell(HOSTILE) == "ABCDEFG"
    assert output.table_cell("two\nlines\tand\rtab") == "two lines and tab"


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_table_cell_never_holds_a_control_character(text: str) -> None:
    assert_no_controls(output.table_cell(text))


def test_screen_table_strips_terminal_controls(tmp_path: Path) -> None:
    path = write(tmp_path, "in.jsonl", item(HOSTILE) + "\n" + item("X\n1") + "\n")
    code, out, _ = run("screen", path, "--as-of", DAY)
    assert_no_controls(out)
    assert "ABCDEFG" in out and "X 1" in out
    assert code == 0


def test_screen_table_strips_controls_from_error_rows(tmp_path: Path) -> None:
    path = write(tmp_path, "in.jsonl", item(HOSTILE, item_kind="widget") + "\n")
    code, out, _ = run("screen", path, "--as-of", DAY)
    assert_no_controls(out)
    assert "ABCDEFG" in out and "item_kind" in out and code == 4


def test_authorize_table_strips_terminal_controls(tmp_path: Path) -> None:
    raw = json.loads((ROOT / "examples" / "aukus_transfer.json").read_text(encoding="utf-8"))
    path = write(tmp_path, "t.jsonl", json.dumps({**raw, "transfer_id": HOSTILE}) + "\n")
    code, out, _ = run("authorize", path, "--as-of", FINAL_DAY)
    assert_no_controls(out)
    assert "ABCDEFG" in out and code == 0


def test_classify_table_and_trace_strip_terminal_controls(tmp_path: Path) -> None:
    path = write(tmp_path, "f.json", item(HOSTILE))
    code, out, _ = run("classify", "--facts", path, "--explain", "--as-of", DAY)
    assert_no_controls(out)
    assert "ABCDEFG" in out and code == 0


def test_aukus_check_table_strips_terminal_controls(tmp_path: Path) -> None:
    raw = json.loads((ROOT / "examples" / "aukus_transfer.json").read_text(encoding="utf-8"))
    path = write(tmp_path, "t.json", json.dumps({**raw, "transfer_id": HOSTILE}))
    code, out, _ = run("aukus", "check", path, "--explain", "--as-of", FINAL_DAY)
    assert_no_controls(out)
    assert "ABCDEFG" in out and code == 0


def test_error_messages_on_stderr_hold_no_terminal_controls() -> None:
    code, _, err = run("etl", "check", "XI(a)(3)(xviii)", "--fact", HOSTILE + "=yes")
    assert code == 4 and "ABCDEFG: is not a transfer field" in err
    assert_no_controls(err.replace("\n", ""))


# --- JSON: controls escaped -----------------------------------------------------------------------
def test_screen_jsonl_escapes_terminal_controls_and_keeps_the_value(tmp_path: Path) -> None:
    path = write(tmp_path, "in.jsonl", item(HOSTILE) + "\n")
    code, out, _ = run("screen", path, "--format", "jsonl", "--as-of", DAY)
    assert_no_controls(out.replace("\n", ""))
    assert json.loads(out)["item_id"] == HOSTILE and code == 0


def test_classify_json_escapes_terminal_controls_and_keeps_the_value(tmp_path: Path) -> None:
    path = write(tmp_path, "f.json", item(HOSTILE))
    code, out, _ = run("classify", "--facts", path, "--format", "json", "--as-of", DAY)
    assert_no_controls(out.replace("\n", ""))
    assert json.loads(out)["item_id"] == HOSTILE and code == 0
