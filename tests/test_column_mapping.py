"""Column mapping for batch files: --map, --map-file, --ignore-columns (issue 14, item 2).

An ERP extract with its own column names and extra columns, read with a mapping, gives the
same output bytes as the file in exportctl's own columns; without the mapping (or the ignore)
every row stays an error: an unknown column is never passed over silently.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from exportctl.cli import main

ROOT = Path(__file__).resolve().parents[1]
PARTS = ROOT / "examples" / "parts_list.csv"
TRANSFERS = ROOT / "examples" / "transfers.csv"
AGREEMENTS = ROOT / "examples" / "agreements" / "agreements.csv"
DAY = "2026-01-15"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def erp_copy(src: Path, dst: Path, renames: dict[str, str], extra: dict[str, str]) -> Path:
    """``src`` with columns renamed (field -> ERP name) and extra columns appended."""
    with src.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    header = [renames.get(c, c) for c in rows[0]] + list(extra)
    with dst.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(header)
        for i, row in enumerate(rows):
            w.writerow([*row.values(), *(f"{v}{i}" for v in extra.values())])
    return dst


@pytest.mark.parametrize(
    ("command", "source", "id_column"),
    [
        (("screen",), PARTS, "item_id"),
        (("authorize",), TRANSFERS, "transfer_id"),
        (("agreement", "plan"), AGREEMENTS, "agreement_id"),
        (
            ("diff", "--from-date", "2025-12-29", "--to-date", "2025-12-30"),
            TRANSFERS,
            "transfer_id",
        ),
    ],
)
@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_a_mapped_extract_gives_the_same_bytes(
    tmp_path: Path, command: tuple[str, ...], source: Path, id_column: str, fmt: str
) -> None:
    erp = erp_copy(
        source,
        tmp_path / "erp.csv",
        {id_column: "Part Number", "description": "Description"},
        {"qty": "1", "supplier": "ACME "},
    )
    date = () if command[0] == "diff" else ("--as-of", DAY)
    base = (*command, "--format", fmt, *date)
    code0, out0, _ = run(*base, str(source))
    code, out, err = run(
        *base,
        str(erp),
        "--map",
        f"Part Number={id_column}",
        "--map",
        "Description = description",
        "--ignore-columns",
        "qty, supplier",
    )
    assert (code, out) == (code0, out0)
    assert err.count("exportctl: ignoring columns: qty, supplier") == 1
    # The same with a mapping file.
    mapping = tmp_path / "map.csv"
    mapping.write_text(
        f"column,field\nPart Number,{id_column}\nDescription,description\nqty,\nsupplier,\n",
        encoding="utf-8",
    )
    code2, out2, _ = run(*base, str(erp), "--map-file", str(mapping))
    assert (code2, out2) == (code0, out0)


def test_unknown_columns_stay_an_error_of_every_row(tmp_path: Path) -> None:
    erp = erp_copy(PARTS, tmp_path / "erp.csv", {"item_id": "Part Number"}, {"qty": "1"})
    code, out, _ = run(
        "screen", str(erp), "--map", "Part Number=item_id", "--format", "csv", "--as-of", DAY
    )
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 4 and len(rows) == 45
    assert all(r["status"] == "error" and "qty" in r["error"] for r in rows)
    # A misspelt answer column is the same: never read past.
    erp = erp_copy(PARTS, tmp_path / "typo.csv", {"fastener_class": "fastner_class"}, {})
    code, out, _ = run("screen", str(erp), "--format", "csv", "--as-of", DAY)
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 4 and all("fastner_class" in r["error"] for r in rows)


def test_errors_name_the_files_column(tmp_path: Path) -> None:
    path = tmp_path / "erp.csv"
    path.write_text(
        "Part Number,Kind,Candidates\nA-1,part,IV(h)(1)\n,part,IV(h)(1)\nA-3,gadget,\n",
        encoding="utf-8",
    )
    mapping = ("--map", "Part Number=item_id", "--map", "Kind=item_kind")
    mapping += ("--map", "Candidates=usml_candidates")
    for jobs in ("1", "2"):
        code, out, _ = run("screen", str(path), *mapping, "--format", "csv", "-j", jobs)
        rows = list(csv.DictReader(io.StringIO(out)))
        assert code == 4
        assert rows[0]["status"] != "error"
        assert rows[1]["error_field"] == "Part Number"
        assert rows[1]["error"].startswith("Part Number (read as item_id): ")
        assert rows[2]["error_field"] == "Kind"
        assert rows[2]["error"].startswith("Kind (read as item_kind): ")
        assert rows[2]["item_id"] == "A-3"


def test_json_lines_keys_are_mapped(tmp_path: Path) -> None:
    path = tmp_path / "erp.jsonl"
    path.write_text(
        json.dumps({"pn": "J-1", "item_kind": "part", "usml_candidates": ["IV(h)(1)"], "qty": 3})
        + "\n"
        + json.dumps({"item_kind": "part", "qty": 1})
        + "\n",
        encoding="utf-8",
    )
    code, out, err = run(
        "screen", str(path), "--map", "pn=item_id", "--ignore-columns", "qty", "--format", "jsonl"
    )
    rows = [json.loads(line) for line in out.splitlines()]
    assert rows[0]["item_id"] == "J-1" and rows[0]["status"] != "error"
    assert rows[1]["error_field"] == "pn" and rows[1]["error"].startswith("pn (read as item_id)")
    assert code == 4 and "ignoring columns: qty" in err


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("--map", "Part No=item_id"), 4, "has no column 'Part No'"),
        (("--ignore-columns", "qtty"), 4, "has no column 'qtty'"),
        (("--map", "description=item_id"), 4, "would both be read as 'item_id'"),
        (("--map", "Part Number"), 2, "give COLUMN=FIELD"),
        (("--map", "=item_id"), 2, "both non-blank"),
        (("--map", "item_id=x", "--map", "item_id=y"), 2, "more than once"),
        (("--map", "qty=x", "--ignore-columns", "qty"), 2, "both mapped"),
    ],
)
def test_a_mapping_that_cannot_apply_decides_nothing(
    tmp_path: Path, args: tuple[str, ...], code: int, message: str
) -> None:
    path = tmp_path / "p.csv"
    path.write_text("item_id,description,qty\nA,thing,1\n", encoding="utf-8")
    got, out, err = run("screen", str(path), *args)
    assert got == code and out == "" and message in err


def test_a_bad_mapping_file_is_a_usage_error(tmp_path: Path) -> None:
    bad = tmp_path / "map.csv"
    bad.write_text("from,to\nA,item_id\n", encoding="utf-8")
    code, out, err = run("screen", str(PARTS), "--map-file", str(bad))
    assert code == 2 and out == "" and "header column,field" in err
    bad.write_text("column,field\nA,item_id,extra\n", encoding="utf-8")
    code, _, err = run("screen", str(PARTS), "--map-file", str(bad))
    assert code == 2 and "row 2" in err


def test_worker_processes_name_the_files_column_too(tmp_path: Path) -> None:
    """--jobs 2 over three chunks of 1,000 records: the same bytes as one process, errors named
    by the file's column in the workers as here."""
    erp = erp_copy(PARTS, tmp_path / "one.csv", {"item_id": "Part Number"}, {"qty": "1"})
    lines = erp.read_text(encoding="utf-8").splitlines()
    header, body = lines[0], lines[1:]
    rows = [body[i % len(body)] for i in range(2100)]
    for i in range(0, len(rows), 97):
        rows[i] = "," + rows[i].split(",", 1)[1]  # no part number: an error of that row
    big = tmp_path / "big.csv"
    big.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    args = ("screen", str(big), "--map", "Part Number=item_id", "--ignore-columns", "qty")
    outs = {}
    for jobs in ("1", "2"):
        code, out, _ = run(*args, "--format", "csv", "--as-of", DAY, "-j", jobs)
        outs[jobs] = (code, out)
    assert outs["1"] == outs["2"]
    got = list(csv.DictReader(io.StringIO(outs["2"][1])))
    assert len(got) == 2100
    missing = [r for r in got if r["error_field"] == "Part Number"]
    assert len(missing) == len(range(0, 2100, 97))
    assert all(r["error"].startswith("Part Number (read as item_id): ") for r in missing)
