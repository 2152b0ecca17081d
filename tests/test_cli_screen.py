"""`exportctl classify` and `exportctl screen` through click's CliRunner."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner

import exportctl
from exportctl.cli import main

HEADER = (
    "item_id,description,item_kind,usml_candidates,eccn_candidates,excluded_by_734_3_b,"
    "itar_for_use_in_defense_article,fastener_class\n"
)
ROWS = [
    "A1,post-boost vehicle,end_item,IV(h)(12),,,,\n",  # 22 CFR 121.1 IV(h)(12) (MT), enumerated
    "A2,wing panel screw,part,VIII(h)(1),none,no,yes,yes\n",  # released by 120.41(b)(2)
    "A3,bad reference,part,XI(1),,,,\n",  # malformed paragraph
    "A4,unknown part,part,,,,,\n",  # nothing known: undetermined
    "A5,end item claiming the (a)(2) catch,end_item,VIII(h)(1),,,yes,\n",  # contradiction
]


def run(*args: str, input: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), input=input)
    return result.exit_code, result.stdout, result.stderr


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_screen_one_output_row_per_input_row_in_order(tmp_path: Path) -> None:
    path = write(tmp_path, "parts.csv", HEADER + "".join(ROWS))
    code, out, err = run("screen", path, "--format", "csv", "--as-of", "2025-06-01")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["item_id"] for r in rows] == ["A1", "A2", "A3", "A4", "A5"]
    assert [r["row"] for r in rows] == ["1", "2", "3", "4", "5"]
    assert rows[0]["classification"] == "IV(h)(12)" and rows[0]["jurisdiction"] == "ITAR"
    assert rows[1]["classification"] == "EAR99"
    assert rows[2]["status"] == "error" and rows[2]["error_field"] == "usml_candidates"
    assert rows[3]["status"] == "undetermined" and rows[3]["open_questions"] == "usml_candidates"
    assert rows[4]["status"] == "error" and "120.41(a)(2)" in rows[4]["error"]
    assert code == 4  # some rows had input errors; the others were still decided
    assert "screened 5 rows" in err and "error 2" in err


def test_screen_exit_1_when_only_open_questions(tmp_path: Path) -> None:
    path = write(tmp_path, "parts.csv", HEADER + ROWS[0] + ROWS[3])
    code, _, _ = run("screen", path, "--format", "csv", "--as-of", "2025-06-01")
    assert code == 1


def test_screen_exit_0_when_all_classified(tmp_path: Path) -> None:
    path = write(tmp_path, "parts.csv", HEADER + ROWS[0] + ROWS[1])
    code, out, _ = run("screen", path, "--as-of", "2025-06-01")
    assert code == 0 and "IV(h)(12)" in out


def test_screen_unknown_column_names_it_on_every_row(tmp_path: Path) -> None:
    path = write(tmp_path, "parts.csv", "item_id,colour\nA1,red\nA2,blue\n")
    code, out, _ = run("screen", path, "--format", "csv", "--as-of", "2025-06-01")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 2 and all(r["error_field"] == "colour" for r in rows)
    assert code == 4


def test_screen_jsonl_in_and_out(tmp_path: Path) -> None:
    lines = [
        json.dumps({"item_id": "J1", "item_kind": "end_item", "usml_candidates": ["IV(h)(12)"]}),
        "{not json",
        json.dumps(
            {
                "item_id": "J3",
                "usml_candidates": "none",
                "eccn_candidates": "none",
                "answers": {"excluded_by_734_3_b": False},
            }
        ),
    ]
    path = write(tmp_path, "parts.jsonl", "\n".join(lines) + "\n")
    code, out, _ = run("screen", path, "--format", "jsonl", "--as-of", "2025-06-01")
    docs = [json.loads(line) for line in out.splitlines()]
    assert [d["row"] for d in docs] == [1, 2, 3]
    assert docs[0]["decision"]["classification"]["reference"] == "IV(h)(12)"
    assert docs[1]["status"] == "error" and "not valid JSON" in docs[1]["error"]
    assert docs[2]["classification"] == "EAR99"
    assert code == 4


def test_classify_with_facts_file_and_explain(tmp_path: Path) -> None:
    facts = {
        "item_id": "WFA-1",
        "item_kind": "part",
        "usml_candidates": ["VIII(h)(1)"],
        "answers": {
            "itar_for_use_in_defense_article": True,
            "fastener_class": False,
            "same_function_form_fit_as_peer": False,
            "itar_developed_for_both": False,
            "developed_general_purpose": False,
        },
    }
    path = write(tmp_path, "f.json", json.dumps(facts))
    code, out, _ = run("classify", "--facts", path, "--explain", "--as-of", "2025-06-01")
    assert code == 0
    assert "ITAR VIII(h)(1)" in out
    assert "22 CFR 120.41(a)(2)" in out and "catches" in out  # the trace names the catch


def test_classify_json_is_a_decision_record(tmp_path: Path) -> None:
    path = write(tmp_path, "f.json", json.dumps({"item_id": "X", "usml_candidates": ["IV(h)(12)"]}))
    code, out, _ = run("classify", "--facts", path, "--format", "json", "--as-of", "2025-06-01")
    doc = json.loads(out)
    assert code == 0 and doc["jurisdiction"] == "ITAR"
    assert doc["classification"]["mt"] == "yes" and doc["ruleset"] == "baseline"
    assert doc["as_of"] == "2025-06-01" and doc["law_id"] == exportctl.law("2025-06-01").id


def test_classify_interactive_asks_only_what_is_needed() -> None:
    # no CJ, no CCATS (asked first, blank = none); usml_candidates, then item_kind (the
    # paragraph uses "specially designed"), then (a)(1)…
    answers = "\n".join(
        ["", "", "VIII(h)(1)", "part", "", "yes", "no", "no", "", "no", "no", "", ""]
    )
    _, out, err = run("classify", "--as-of", "2025-06-01", input=answers + "\n")
    assert "[22 CFR 120.11(a)]" in err and "[22 CFR 120.40]" in err
    assert "22 CFR 120.41(a)(2)" in err
    assert "jurisdiction" in out


def test_classify_bad_facts_file_exit_4(tmp_path: Path) -> None:
    path = write(tmp_path, "f.json", json.dumps({"item_id": "X", "item_kind": "widget"}))
    code, _, err = run("classify", "--facts", path)
    assert code == 4 and "item_kind" in err and "end_item" in err


def test_unexpected_failure_stays_on_its_row(tmp_path: Path, monkeypatch: Any) -> None:
    # Whatever goes wrong with one row, every input row still yields exactly one output row.
    from exportctl.engine import batch as screening

    real = screening.classify_keyed  # what the batch calls for each row's facts

    def flaky(facts: Any, *args: Any) -> Any:
        if facts.item_id == "A2":
            raise RuntimeError("boom")
        return real(facts, *args)

    monkeypatch.setattr(screening, "classify_keyed", flaky)
    path = write(tmp_path, "parts.csv", HEADER + ROWS[0] + ROWS[1] + ROWS[0].replace("A1", "A3"))
    code, out, _ = run("screen", path, "--format", "csv", "--as-of", "2025-06-01")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["item_id"] for r in rows] == ["A1", "A2", "A3"]
    assert rows[1]["status"] == "error" and "internal error" in rows[1]["error"]
    assert rows[2]["classification"] == "IV(h)(12)" and code == 4
