"""`exportctl diff`, `exportctl law diff` and `exportctl reform` through click's CliRunner."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from exportctl.cli import main

ROOT = Path(__file__).resolve().parents[1]
TRANSFERS = str(ROOT / "examples" / "transfers.csv")
PARTS = str(ROOT / "examples" / "relocation_parts.csv")


def run(*args: str, input: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), input=input)
    return result.exit_code, result.stdout, result.stderr


def test_transfers_under_etl_eliminated_as_csv() -> None:
    code, out, err = run(
        "diff", TRANSFERS, "--reform", "etl-eliminated", "--as-of", "2026-01-15", "--format", "csv"
    )
    assert code == 1  # some rows changed
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 17
    assert list(rows[0]) == [
        "row",
        "transfer_id",
        "changed",
        "from_outcome",
        "to_outcome",
        "from_exemption",
        "to_exemption",
        "why",
        "from_open_questions",
        "to_open_questions",
        "error_field",
        "error",
        "from_law_id",
        "to_law_id",
        "from_decision_id",
        "to_decision_id",
        "from_as_of",  # issue 14: every record names its dates and reforms
        "to_as_of",
        "reforms",
    ]
    assert {(r["from_as_of"], r["to_as_of"], r["reforms"]) for r in rows} == {
        ("2026-01-15", "2026-01-15", "etl-eliminated: remove every row of etl")
    }
    etl05 = next(r for r in rows if r["transfer_id"] == "ETL-05")
    assert (etl05["changed"], etl05["from_outcome"], etl05["to_outcome"]) == (
        "yes",
        "license_required",
        "exempt",
    )
    assert "126.7: caught only under from by SUPP2-013" in etl05["why"]
    assert {r["from_law_id"] for r in rows} != {r["to_law_id"] for r in rows}
    assert all(r["from_decision_id"] != r["to_decision_id"] for r in rows)
    assert "diffed 17 rows: 4 changed" in err
    assert re.search(r"license_required\s+exempt\s+3\s+yes", err)


def test_items_under_the_relocation_as_jsonl_carry_both_decisions() -> None:
    code, out, _ = run(
        "diff",
        PARTS,
        "--reform",
        "xix-engine-parts-to-ccl",
        "--as-of",
        "2026-01-15",
        "--format",
        "jsonl",
        "--quiet",
    )
    assert code == 1
    lines = [json.loads(line) for line in out.splitlines()]
    assert len(lines) == 8
    first = lines[0]
    assert (first["item_id"], first["from_classification"], first["to_classification"]) == (
        "ENG-01",
        "XIX(f)(5)",
        "9A619.f",
    )
    assert first["decisions"]["from"]["law_id"] == first["from_law_id"]
    assert first["decisions"]["to"]["law_id"] == first["to_law_id"]
    assert first["decisions"]["to"]["classification"]["reference"] == "9A619.f"


def test_dates_diff_and_the_summary() -> None:
    code, out, _ = run(
        "diff",
        TRANSFERS,
        "--from-date",
        "2025-12-29",
        "--to-date",
        "2025-12-30",
        "--summary",
        "--format",
        "csv",
        "--quiet",
    )
    assert code == 1
    matrix = list(csv.DictReader(io.StringIO(out)))
    assert {
        "from_outcome": "license_required",
        "to_outcome": "exempt",
        "rows": "1",
        "changed": "yes",
    } in matrix
    assert sum(int(m["rows"]) for m in matrix) == 17


def test_nothing_changed_exits_0() -> None:
    code, out, _ = run(
        "diff",
        TRANSFERS,
        "--from-date",
        "2026-01-15",
        "--to-date",
        "2026-01-16",
        "--summary",
        "--quiet",
    )
    assert code == 0
    assert "yes" not in out


def test_jsonl_input_and_the_kind_is_detected(tmp_path: Path) -> None:
    path = tmp_path / "items.jsonl"
    path.write_text(
        '{"item_id": "J-1", "item_kind": "system", "usml_candidates": ["XIX(f)(5)"], '
        '"eccn_candidates": [], "answers": {"itar_peculiarly_responsible": true, '
        '"excluded_by_734_3_b": false}}\n',
        encoding="utf-8",
    )
    code, out, _ = run(
        "diff", str(path), "--reform", "xix-engine-parts-to-ccl", "--format", "csv", "--quiet"
    )
    assert code == 1
    (row,) = csv.DictReader(io.StringIO(out))
    assert (row["from_outcome"], row["to_outcome"], row["to_classification"]) == (
        "ITAR",
        "EAR",
        "9A619.f",
    )


def test_error_rows_exit_4_and_keep_their_row(tmp_path: Path) -> None:
    path = tmp_path / "items.csv"
    path.write_text("item_id,usml_candidates\nA,XI(1)\nB,none\n", encoding="utf-8")
    code, out, _ = run(
        "diff", str(path), "--reform", "etl-eliminated", "--format", "csv", "--quiet"
    )
    assert code == 4
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["item_id"] for r in rows] == ["A", "B"]
    assert rows[0]["from_outcome"] == rows[0]["to_outcome"] == "error"
    assert rows[0]["error_field"] == "usml_candidates" and rows[0]["error"].startswith("from: ")


def test_html_report_is_self_contained_and_escaped(tmp_path: Path) -> None:
    source = (ROOT / "examples" / "relocation_parts.csv").read_text("utf-8")
    source = source.replace("ENG-01", "<script>alert(1)</script>", 1)
    path = tmp_path / "parts.csv"
    path.write_text(source, encoding="utf-8")
    report = tmp_path / "report.html"
    code, _, _ = run(
        "diff",
        str(path),
        "--reform",
        "xix-engine-parts-to-ccl",
        "--html",
        str(report),
        "--quiet",
        "--format",
        "csv",
    )
    assert code == 1
    html = report.read_text("utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert "<svg" in html and "<rect" in html and "<style>" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script" not in html.lower()
    for external in ("http://", "https://", "src=", "href=", "@import", "url(", "<link"):
        assert external not in html
    assert "ITAR → EAR" in html and "9A619.f" in html
    assert "Optimizing Innovation Cooperation with Allies and Partners" in html
    assert "5 changed" in html


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        ((), 2, "say what to compare"),
        (
            ("--reform", "etl-eliminated", "--from-date", "2025-01-01", "--to-date", "2025-02-01"),
            2,
            "not both",
        ),
        # issue 14: an unknown reform is an unknown reference (3), not a usage error
        (("--reform", "no-such-reform"), 3, "no bundled reform 'no-such-reform'"),
        (
            ("--from-date", "2020-01-01", "--to-date", "2025-12-30"),
            3,
            "cannot answer for 2020-01-01",
        ),
        (
            ("--from-date", "2025-12-29", "--to-date", "2025-12-30", "--as-of", "2025-12-30"),
            2,
            "--as-of is for reforms",
        ),
    ],
)
def test_usage_errors(args: tuple[str, ...], code: int, message: str) -> None:
    result_code, out, err = run("diff", TRANSFERS, *args)
    assert result_code == code
    assert message in err and out == ""


def test_a_bad_reform_file_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(
        'name = "bad"\ntitle = "t"\n[source]\ndocument = "d"\npage = "1"\nquote = "q"\n'
        '[[change]]\nop = "remove_rows"\nsupplement = "etl"\nrows = [99]\n',
        encoding="utf-8",
    )
    code, out, err = run("diff", TRANSFERS, "--reform-file", str(path))
    assert code == 4 and out == ""
    assert f"{path}, line 10" in err and "no row '99'" in err


def test_stdin_needs_the_kind() -> None:
    text = (ROOT / "examples" / "transfers.csv").read_text("utf-8")
    code, _, err = run("diff", "-", "--reform", "etl-eliminated", input=text)
    assert code == 2 and "--kind" in err
    code, out, _ = run(
        "diff",
        "-",
        "--reform",
        "etl-eliminated",
        "--kind",
        "transfers",
        "--format",
        "csv",
        "--quiet",
        input=text,
    )
    assert code == 1 and len(out.splitlines()) == 18


def test_a_file_that_lists_neither_items_nor_transfers(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("part,what\n1,2\n", encoding="utf-8")
    code, _, err = run("diff", str(path), "--reform", "etl-eliminated")
    assert code == 4 and "cannot tell items from transfers" in err


def test_law_diff_between_dates() -> None:
    code, out, err = run(
        "law", "diff", "--from", "2025-12-29", "--to", "2025-12-30", "--format", "csv"
    )
    assert code == 1
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows == [
        {
            "what": "exemption",
            "ref": "126.7",
            "change": "version in force",
            "before": "itar-126.7-ifr-2024",
            "after": "itar-126.7-final-2025",
            "citation": "22 CFR 126.7",
        }
    ]
    assert "1 differences: exemption 1" in err


def test_law_diff_under_a_reform_and_nothing() -> None:
    code, out, _ = run("law", "diff", "--reform", "xix-engine-parts-to-ccl", "--format", "json")
    assert code == 1
    document = json.loads(out)
    assert [c["ref"] for c in document["changes"]] == ["XIX(f)(3)", "XIX(f)(4)", "XIX(f)(5)"]
    assert document["changes"][2]["citation"] == (
        "22 CFR 121.1, Category XIX(f)(5) → 15 CFR part 774, Supp. No. 1, ECCN 9A619.f"
    )
    assert any(law["side"] == "reform xix-engine-parts-to-ccl" for law in document["laws"])
    code, out, _ = run("law", "diff", "--from", "2026-01-15", "--to", "2026-01-16")
    assert code == 0 and "no difference" in out
    code, _, err = run("law", "diff", "--from", "2026-01-15")
    assert code == 2 and "give both --from and --to" in err


def test_reform_list_and_show() -> None:
    code, out, _ = run("reform", "list", "--format", "csv")
    assert code == 0
    names = [r["name"] for r in csv.DictReader(io.StringIO(out))]
    assert names == [
        "etl-eliminated",
        "etl-simplified",
        "nato-aukus-parity",
        "xix-engine-parts-to-ccl",
    ]
    code, out, _ = run("reform", "show", "etl-simplified", "--format", "json")
    assert code == 0
    shown = json.loads(out)
    assert shown["illustrative"] is True and shown["page"] == "30-35"
    code, out, _ = run("reform", "show", "etl-eliminated", "--toml")
    assert code == 0 and out.startswith("# The Excluded Technology List eliminated")
    assert out == (ROOT / "data" / "reforms" / "etl-eliminated.toml").read_text("utf-8")
    code, _, err = run("reform", "show", "nope")
    assert code == 3 and "no bundled reform 'nope'" in err  # issue 14: unknown reference


def test_the_kind_is_read_from_the_header_the_reader_finds(tmp_path: Path) -> None:
    # The CSV reader takes the first record with a cell that is not blank as the header (blank
    # lines and lines of commas above it are skipped, docs/input.md): `screen` reads this file,
    # so `diff` tells its kind from the same header.
    text = (ROOT / "examples" / "transfers.csv").read_text("utf-8")
    path = tmp_path / "t.csv"
    path.write_text("\n,,,\n  ,\n" + text, encoding="utf-8")
    code, out, err = run("diff", str(path), "--reform", "etl-eliminated", "--format", "csv")
    assert "cannot tell" not in err
    assert code == 1 and len(out.splitlines()) == 18
    plain = tmp_path / "plain.csv"
    plain.write_text(text, encoding="utf-8")
    assert run("diff", str(plain), "--reform", "etl-eliminated", "--format", "csv")[1] == out
