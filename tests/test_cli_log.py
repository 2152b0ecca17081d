"""``--log FILE.db`` on the deciding commands and ``exportctl log show|export|verify`` (issue 14,
item 6), through click's runner on the bundled examples."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from exportctl.audit import COLUMNS

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


def _invoke(*args: str) -> Result:
    from exportctl.cli import main

    return CliRunner().invoke(main, [str(a) for a in args])


def _logged(db: Path) -> list[dict[str, Any]]:
    result = _invoke("log", "show", db, "--format", "json")
    assert result.exit_code == 0, result.stderr
    rows: list[dict[str, Any]] = json.loads(result.stdout)
    return rows


@pytest.fixture(scope="module")
def transfers_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("log") / "transfers.db"
    result = _invoke(
        "authorize", EXAMPLES / "transfers.csv", "--as-of", "2026-01-15", "--format", "csv",
        "--log", db, "--actor", "compliance-1",
    )  # fmt: skip
    # 6: the example holds transfers that need a license or are prohibited (docs/cli.md).
    assert result.exit_code == 6, result.stderr
    return db


def test_the_log_does_not_change_the_output_and_holds_every_decided_row(tmp_path: Path) -> None:
    db = tmp_path / "parts.db"
    args = ["screen", EXAMPLES / "parts_list.csv", "--as-of", "2025-10-01", "--format", "csv"]
    plain = _invoke(*args, "--jobs", "2")
    logged = _invoke(*args, "--jobs", "2", "--log", db)
    assert logged.exit_code == plain.exit_code and logged.stdout == plain.stdout
    out = list(csv.DictReader(io.StringIO(plain.stdout)))
    decided = [r for r in out if r["decision_id"]]
    rows = _logged(db)
    # one logged decision per decided row, in input order, with the same decision ids
    assert [r["decision_id"] for r in rows] == [r["decision_id"] for r in decided]
    assert [r["subject_id"] for r in rows] == [r["item_id"] for r in decided]
    assert {(r["as_of"], r["facts_form"], r["command"]) for r in rows} == {
        ("2025-10-01", "csv", "screen")
    }
    assert all(r["law_id"] and r["record"]["trace"] for r in rows)


def test_authorize_logs_the_actor_and_each_authorization(transfers_db: Path) -> None:
    rows = _logged(transfers_db)
    with open(EXAMPLES / "transfers.csv", newline="", encoding="utf-8") as fh:
        ids = [r["transfer_id"] for r in csv.DictReader(fh)]
    assert [r["subject_id"] for r in rows] == ids
    assert {r["actor"] for r in rows} == {"compliance-1"}
    etl05 = next(r for r in rows if r["subject_id"] == "ETL-05")
    assert etl05["outcome"] == "license_required" and etl05["facts"]["transfer_id"] == "ETL-05"


def test_verify_on_an_unchanged_law_reports_nothing(transfers_db: Path) -> None:
    result = _invoke("log", "verify", transfers_db)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert "verified 17 logged decision(s)" in result.stderr and "0 would change" in result.stderr


def test_verify_under_a_reform_lists_what_diff_lists(transfers_db: Path) -> None:
    # the same question asked two ways: `diff --reform` on the file, `log verify --reform` on
    # the decisions logged from it
    verify = _invoke("log", "verify", transfers_db, "--reform", "etl-eliminated", "--format", "csv")
    assert verify.exit_code == 1, verify.stderr
    changed = list(csv.DictReader(io.StringIO(verify.stdout)))
    diff = _invoke(
        "diff", EXAMPLES / "transfers.csv", "--reform", "etl-eliminated",
        "--as-of", "2026-01-15", "--format", "csv",
    )  # fmt: skip
    diffed = [r["transfer_id"] for r in csv.DictReader(io.StringIO(diff.stdout))
              if r["changed"] == "yes"]  # fmt: skip
    assert [r["subject_id"] for r in changed] == diffed == ["ETL-05", "ETL-06", "ETL-07", "UND-15"]
    etl05 = changed[0]
    assert etl05["logged_outcome"] == "license_required"
    assert etl05["now_outcome"] == "exempt 126.7 (eligible: 126.7)"
    assert "22 CFR 126.7(b)(3) → fail" in etl05["why"] and "row 13" in etl05["why"]
    assert etl05["logged_law_id"] != etl05["now_law_id"]


def test_verify_reform_options_are_the_diff_command_s(transfers_db: Path) -> None:
    unknown = _invoke("log", "verify", transfers_db, "--reform", "no-such-scenario")
    assert unknown.exit_code == 3 and "no bundled reform 'no-such-scenario'" in unknown.stderr


def test_a_decision_that_cannot_be_decided_again_exits_4(tmp_path: Path) -> None:
    db = tmp_path / "one.db"
    result = _invoke(
        "classify", "--facts", EXAMPLES / "classify_wing_fold_actuator.json",
        "--as-of", "2025-10-01", "--log", db,
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    with sqlite3.connect(db) as con:
        con.execute("""UPDATE decisions SET facts = '{"item_id": "P-1", "item_kind": "gizmo"}'""")
    verify = _invoke("log", "verify", db)
    assert verify.exit_code == 4
    assert "cannot be decided again: its facts no longer read" in verify.stderr
    assert "gizmo" in verify.stderr


def test_show_one_decision_and_select_by_time(transfers_db: Path) -> None:
    first = _logged(transfers_db)[0]
    one = _invoke("log", "show", transfers_db, "--decision", first["decision_id"][:12])
    assert one.exit_code == 0
    assert first["decision_id"] in one.stdout and '"trace"' not in one.stdout
    assert "proscribed" in one.stdout  # the full record, field by field
    assert _invoke("log", "show", transfers_db, "--since", "2999-01-01", "--format", "json").stdout
    assert json.loads(
        _invoke("log", "show", transfers_db, "--since", "2999-01-01", "--format", "json").stdout
    ) == []
    assert len(json.loads(_invoke(
        "log", "show", transfers_db, "--until", "2999-01-01T00:00:00Z", "--format", "json"
    ).stdout)) == 17  # fmt: skip
    bad = _invoke("log", "show", transfers_db, "--since", "last tuesday")
    assert bad.exit_code == 2 and "give a date" in bad.stderr


def test_export_csv_and_jsonl(transfers_db: Path) -> None:
    as_csv = _invoke("log", "export", transfers_db, "--format", "csv")
    limit = csv.field_size_limit(10_000_000)  # a record with its trace is a long cell
    try:
        rows = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    finally:
        csv.field_size_limit(limit)
    assert list(rows[0]) == list(COLUMNS) and len(rows) == 17
    assert json.loads(rows[0]["record"])["decision_id"] == rows[0]["decision_id"]
    lines = _invoke("log", "export", transfers_db, "--format", "jsonl").stdout.splitlines()
    assert [json.loads(line)["decision_id"] for line in lines] == [r["decision_id"] for r in rows]


def test_exemptions_check_and_agreement_plan_are_logged(tmp_path: Path) -> None:
    db = tmp_path / "more.db"
    aukus = EXAMPLES / "aukus_transfer.json"
    taa = EXAMPLES / "agreements" / "taa-nato-2022.json"
    for args in (
        ("exemptions", "check", aukus, "--as-of", "2026-01-15"),
        ("exemptions", "check", "--exemption", "126.7", aukus, "--as-of", "2026-01-15"),
        ("agreement", "plan", taa, "--as-of", "2025-11-01"),
        ("agreement", "plan", taa, "--as-of", "2025-11-01", "--reform", "nato-alliance"),
    ):
        result = _invoke(*args, "--log", db)
        assert result.exit_code == 0, (args, result.stderr)
    rows = _logged(db)
    assert [(r["command"], r["kind"]) for r in rows] == [
        ("exemptions check", "exemption"),
        ("exemptions check", "exemption"),
        ("agreement plan", "agreement"),
        ("agreement plan", "agreement"),
    ]
    assert rows[0]["outcome"].startswith("all: exempt 126.7")
    assert rows[1]["outcome"] == "126.7: eligible" and rows[1]["options"]["exemption"] == "126.7"
    assert rows[2]["options"]["reform"] is None and rows[2]["reforms"] == []
    assert rows[3]["options"]["reform"] == "nato-alliance" and rows[3]["reforms"]
    assert _invoke("log", "verify", db).exit_code == 0


def test_a_file_that_is_not_a_log(tmp_path: Path) -> None:
    text = tmp_path / "notes.db"
    text.write_text("these are my notes, not a database\n" * 50, encoding="utf-8")
    assert _invoke("log", "show", text).exit_code == 4
    assert _invoke("log", "verify", text).exit_code == 4
    assert _invoke("log", "show", tmp_path / "missing.db").exit_code == 4
    written = _invoke(
        "classify", "--facts", EXAMPLES / "classify_wing_fold_actuator.json", "--log", text
    )
    assert written.exit_code == 2 and "--log:" in written.stderr
