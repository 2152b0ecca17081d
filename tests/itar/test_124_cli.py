"""`exportctl agreement plan` through click's CliRunner: one agreement (table, JSON, CSV), the
draft check, --reform and --compare, batches (one plan row per input row), bad input."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from exportctl.cli import main

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "agreements"
TAA = EXAMPLES / "taa-nato-2022.json"
DRAFT = EXAMPLES / "draft-taa.txt"
BATCH = EXAMPLES / "agreements.csv"
DAY = "2025-11-01"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["agreement", "plan", *args])
    return result.exit_code, result.stdout, result.stderr


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_the_example_plan(tmp_path: Path) -> None:
    code, out, _ = run(str(TAA), "--as-of", DAY)
    assert code == 0, out
    assert "status        complete" in out
    assert "2023-04-04  Finland    22 CFR 124.1(c)" in out
    assert "2024-03-07  Sweden     22 CFR 124.1(c)" in out
    assert "DDTC guidance (not regulation)" in out
    assert "22 CFR 124.16 is [Reserved] since 2016-09-01" in out


def test_json_output_carries_the_whole_plan() -> None:
    code, out, _ = run(str(TAA), "--as-of", DAY, "--format", "json")
    assert code == 0
    plan: dict[str, Any] = json.loads(out)
    assert plan["status"] == "complete" and plan["complete"] is True
    assert [(a["country"], a["date"]) for a in plan["amendments"]] == [
        ("FI", "2023-04-04"),
        ("SE", "2024-03-07"),
    ]
    assert len(plan["territory"]["written"]) == 30
    by_rule = {i["rule"]: i for i in plan["items"]}
    assert by_rule["22 CFR 124.6"]["due"] == "2032-05-02"
    assert by_rule["DDTC guidelines: ten-year term"]["authority"] == "ddtc_guidance"


def test_the_draft_with_one_statement_altered_exits_1() -> None:
    code, out, _ = run(str(TAA), "--as-of", DAY, "--text", str(DRAFT))
    assert code == 1
    assert "the statement is in the draft with changes: 'unreasonably' added" in out
    assert out.count("present") == 5


def test_compare_shows_today_and_the_reform() -> None:
    code, out, _ = run(str(TAA), "--as-of", DAY, "--compare")
    assert code == 0
    assert "NATO Alliance" in out and "Finland (FI) 2023-04-04, 22 CFR 124.1(c)" in out
    assert "This requires an execution signature from" in out  # the report's claim, quoted
    assert "does not model the claim" in out
    code, out, _ = run(str(TAA), "--as-of", DAY, "--compare", "--format", "json")
    data = json.loads(out)
    assert data["reform"]["amendments"] == [] and len(data["today"]["amendments"]) == 2
    assert {d["topic"] for d in data["differences"]} >= {"signatures", "territory listing"}


def test_reform_plans_under_the_reformed_law() -> None:
    code, out, _ = run(str(TAA), "--as-of", DAY, "--reform", "nato-alliance", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["territory"]["written"] == ["NATO Alliance"]
    assert data["reforms"][0].startswith("reform nato-alliance")


def test_batch_one_row_per_input_row(tmp_path: Path) -> None:
    code, out, err = run(str(BATCH), "--as-of", DAY, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    with BATCH.open(newline="", encoding="utf-8") as fh:
        given = list(csv.DictReader(fh))
    assert [r["agreement_id"] for r in rows] == [r["agreement_id"] for r in given]
    assert [r["status"] for r in rows] == ["complete", "complete", "not_approvable", "incomplete"]
    assert code == 6  # one agreement is not approvable (22 CFR 126.1); issue 14: was 3
    assert "planned 4 agreements" in err
    assert "22 CFR 126.1(d)(1)" in rows[2]["proscribed"]


def test_batch_errors_name_row_and_field(tmp_path: Path) -> None:
    lines = [
        json.dumps({"agreement_id": "A", "kind": "TAA", "territory": ["DE"]}),
        json.dumps({"agreement_id": "B", "kind": "TAA", "territory": ["XX"]}),
        "{not json",
        json.dumps(
            {
                "agreement_id": "D",
                "kind": "TAA",
                "start_date": "2025-01-01",
                "duration": "P1Y",
                "expiration_date": "2030-01-01",
            }
        ),
    ]
    path = write(tmp_path, "a.jsonl", "\n".join(lines) + "\n")
    code, out, _ = run(path, "--as-of", DAY, "--format", "jsonl")
    rows = [json.loads(line) for line in out.splitlines()]
    assert [r["row"] for r in rows] == [1, 2, 3, 4]
    assert [r["status"] for r in rows] == ["incomplete", "error", "error", "error"]
    assert rows[1]["error_field"] == "territory" and "XX" in rows[1]["error"]
    assert "22 CFR 124.7(a)(3)" in rows[3]["error"]
    assert rows[0]["plan"]["status"] == "incomplete"
    assert code == 4


def test_bad_single_input_exits_4(tmp_path: Path) -> None:
    path = write(tmp_path, "bad.json", json.dumps({"agreement_id": "X", "kind": "ABC"}))
    code, _, err = run(path)
    assert code == 4 and "kind" in err and "TAA, MLA, WDA" in err
    path = write(tmp_path, "bad2.json", json.dumps({"agreement_id": "X", "colour": "red"}))
    code, _, err = run(path)
    assert code == 4 and "colour" in err


def test_drafts_are_for_one_agreement(tmp_path: Path) -> None:
    code, _, err = run(str(BATCH), "--text", str(DRAFT))
    assert code == 2 and "--text" in err


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_single_plan_as_one_row(fmt: str) -> None:
    code, out, _ = run(str(TAA), "--as-of", DAY, "--format", fmt)
    assert code == 0
    if fmt == "csv":
        (row,) = list(csv.DictReader(io.StringIO(out)))
        assert (
            row["amendments"] == "FI 2023-04-04 (22 CFR 124.1(c)); SE 2024-03-07 (22 CFR 124.1(c))"
        )
    else:
        assert json.loads(out)["plan"]["agreement_id"] == "TAA-2022-017"
