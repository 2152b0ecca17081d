"""`exportctl exemptions list / show / check` and `authorize --exemption / --guidelines`
through click's CliRunner (issue 11)."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from tests.itar.dod_cases import LAW, ROOT_EXAMPLE, example, raw

from exportctl.cli import main

DAY = "2025-11-01"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def write(tmp_path: Path, name: str, value: Any) -> str:
    path = tmp_path / name
    path.write_text(json.dumps(value) if not isinstance(value, str) else value, encoding="utf-8")
    return str(path)


# ----------------------------------------------------------------------------------------------
# list, show


def test_list_names_every_exemption_of_the_law_with_the_facts_it_needs() -> None:
    code, out, _ = run("exemptions", "list", "--as-of", DAY, "--format", "json")
    assert code == 0
    rows = {r["exemption"]: r for r in json.loads(out)["exemptions"]}
    assert list(rows) == [e.key for e in LAW.exemptions]
    b1 = rows["125.4(b)(1)"]
    assert b1["paragraph"] == "22 CFR 125.4(b)(1)" and b1["certified_by"] == "DoD"
    assert "dod_official_written_request_or_directive" in b1["facts"]
    assert "origin_country" in b1["carried_facts"]  # § 120.15(c), carried
    assert rows["126.4"]["branches"][0] == "126.4(a)(1)"
    code, table, _ = run("exemptions", "list", "--as-of", DAY)
    assert code == 0 and "125.4(b)(13)" in table and "126.7" in table


def test_show_prints_each_condition_its_quote_and_who_confirms_it() -> None:
    code, out, _ = run("exemptions", "show", "125.4(b)(1)", "--as-of", DAY, "--format", "json")
    assert code == 0
    doc = json.loads(out)
    assert doc["marking"] == "22 CFR 125.4(b)(1) applicable"
    by_name = {c["condition"]: c for c in doc["conditions"]}
    request = by_name["dod_written_request"]
    assert (
        request["confirmed_by"] == "dod_official" and request["paragraph"] == "22 CFR 125.4(b)(1)"
    )
    assert request["quote"] == (
        "pursuant to an official written request or directive from the U.S. Department of Defense"
    )
    assert by_name["registered_before_use"]["from"] == "120.15"
    code, table, _ = run("exemptions", "show", "125.4(b)(1)", "--as-of", DAY)
    assert code == 0 and "dod_official" in table and "exporter" in table


def test_show_a_branch_and_the_exceptions_of_the_text() -> None:
    code, out, _ = run("exemptions", "show", "126.4(b)(1)", "--as-of", DAY, "--format", "json")
    assert code == 0
    doc = json.loads(out)
    assert doc["exemption"] == "22 CFR 126.4, branch 126.4(b)(1)"
    assert doc["marking"] == "22 CFR 126.4(b)(1) applicable"
    (c,) = [
        r for r in doc["conditions"] if r["condition"] == "not_proscribed_origin_or_destination"
    ]
    assert any("126.1(a)(2)(ii)" in n for n in c["not_when"])


def test_show_an_unknown_exemption_exits_3_naming_what_the_law_holds() -> None:
    code, out, err = run("exemptions", "show", "125.4(b)(12)", "--as-of", DAY)
    assert code == 3 and out == ""
    assert "125.4(b)(12)" in err and "125.4(b)(13)" in err


# ----------------------------------------------------------------------------------------------
# check


def test_check_exit_statuses(tmp_path: Path) -> None:
    eligible = write(tmp_path, "e.json", example("125.4(b)(1)"))
    code, out, _ = run(
        "exemptions", "check", "--exemption", "125.4(b)(1)", eligible, "--as-of", DAY
    )
    assert code == 0 and "eligible" in out and "22 CFR 125.4(b)(1) applicable" in out
    open_ = write(tmp_path, "o.json", raw(example("125.4(b)(1)"), answers={"classified": None}))
    code, out, _ = run("exemptions", "check", "--exemption", "125.4(b)(1)", open_, "--as-of", DAY)
    assert code == 1 and "classified" in out
    failing = write(tmp_path, "f.json", raw(example("125.4(b)(1)"), to_country="IR"))
    code, out, _ = run("exemptions", "check", "--exemption", "125.4(b)(1)", failing, "--as-of", DAY)
    assert code == 6 and "not_eligible" in out  # issue 14: the answer is no (was 3)


def test_check_every_exemption_of_a_transfer(tmp_path: Path) -> None:
    path = write(tmp_path, "e.json", example("125.4(b)(1)"))
    code, out, _ = run("exemptions", "check", path, "--as-of", DAY, "--format", "csv")
    assert code == 0
    rows = {r["exemption"]: r for r in csv.DictReader(io.StringIO(out))}
    assert rows["22 CFR 125.4(b)(1)"]["status"] == "eligible"
    assert rows["22 CFR 125.4(b)(2)"]["status"] == "undetermined"
    assert "in_furtherance_of_approved_part_124_agreement" in rows["22 CFR 125.4(b)(2)"]["open"]
    assert rows["22 CFR 126.4"]["status"] == "not_eligible"


@pytest.mark.parametrize("suffix", [".md", ".json"])
def test_check_writes_a_certification_record(tmp_path: Path, suffix: str) -> None:
    transfer = write(tmp_path, "t.json", example("125.4(b)(1)"))
    record = tmp_path / f"record{suffix}"
    code, _, err = run(
        "exemptions",
        "check",
        "--exemption",
        "125.4(b)(1)",
        transfer,
        "--as-of",
        DAY,
        "--record",
        str(record),
    )
    assert code == 0 and "wrote the certification record" in err
    text = record.read_text(encoding="utf-8")
    if suffix == ".json":
        doc = json.loads(text)
        assert doc["marking"]["text"] == "22 CFR 125.4(b)(1) applicable"
        assert doc["law"]["as_of"] == DAY and doc["status"] == "eligible"
    else:
        assert "“22 CFR 125.4(b)(1) applicable”" in text and "## Signatures" in text


def test_a_record_needs_one_exemption_and_a_known_format(tmp_path: Path) -> None:
    transfer = write(tmp_path, "t.json", example("125.4(b)(1)"))
    code, _, err = run("exemptions", "check", transfer, "--record", str(tmp_path / "r.md"))
    assert code == 2 and "--exemption" in err
    code, _, err = run(
        "exemptions",
        "check",
        "--exemption",
        "125.4(b)(1)",
        transfer,
        "--record",
        str(tmp_path / "r.html"),
    )
    assert code == 2 and "FILE.md" in err


def test_check_with_guidelines_names_the_file_and_its_hash(tmp_path: Path) -> None:
    answers = {
        "certifier-responsible-for-program": True,
        "certification-letter": True,
        "government-program": True,
        "b1-explicit-written-authorization": True,
        "b1-not-a-contract-claim": True,
    }
    transfer = write(tmp_path, "t.json", raw(example("125.4(b)(1)"), answers=answers))
    code, out, _ = run(
        "exemptions",
        "check",
        "--exemption",
        "125.4(b)(1)",
        transfer,
        "--as-of",
        DAY,
        "--guidelines",
        str(ROOT_EXAMPLE),
        "--format",
        "json",
    )
    assert code == 0
    doc = json.loads(out)
    assert doc["guidelines"]["sha256"] == hashlib.sha256(ROOT_EXAMPLE.read_bytes()).hexdigest()
    assert doc["law_id"] != LAW.id
    # without the guidelines, their answers are not questions of the law
    code, _, err = run("exemptions", "check", "--exemption", "125.4(b)(1)", transfer)
    assert code == 4 and "--guidelines FILE" in err


def test_a_bad_guidelines_file_exits_4_naming_the_line(tmp_path: Path) -> None:
    bad = ROOT_EXAMPLE.read_text(encoding="utf-8").replace(
        'format = "exportctl-guidelines/1"', 'format = "x"'
    )
    guidelines = write(tmp_path, "g.toml", bad)
    transfer = write(tmp_path, "t.json", example("125.4(b)(1)"))
    code, out, err = run(
        "exemptions", "check", "--exemption", "125.4(b)(1)", transfer, "--guidelines", guidelines
    )
    line = bad.splitlines().index('format = "x"') + 1
    assert code == 4 and out == ""
    assert f"g.toml:line {line}: format: must be 'exportctl-guidelines/1'" in err


# ----------------------------------------------------------------------------------------------
# authorize


def _jsonl(tmp_path: Path, *transfers: dict[str, Any]) -> str:
    return write(tmp_path, "t.jsonl", "".join(json.dumps(t) + "\n" for t in transfers))


def test_authorize_table_lists_the_exemptions_that_apply(tmp_path: Path) -> None:
    path = _jsonl(
        tmp_path,
        {**example("125.4(b)(1)"), "transfer_id": "B1"},
        {
            **raw(example("125.4(b)(1)"), answers={"disclosure_within_dod_request": None}),
            "transfer_id": "OPEN",
        },
    )
    code, out, _ = run("authorize", path, "--as-of", DAY, "--quiet")
    assert code == 1
    lines = out.splitlines()
    assert "exemptions" in lines[0] and "itar_125_4_b_1" not in lines[0]
    assert "eligible: 125.4(b)(1)" in out
    assert "open: 125.4(b)(1) (1:" in out


def test_authorize_under_some_exemptions_only(tmp_path: Path) -> None:
    path = _jsonl(tmp_path, {**example("125.4(b)(1)"), "transfer_id": "B1"})
    code, out, _ = run(
        "authorize",
        path,
        "--as-of",
        DAY,
        "--quiet",
        "--format",
        "csv",
        "--exemption",
        "126.7",
        "--exemption",
        "125.4(b)(1)",
    )
    (row,) = csv.DictReader(io.StringIO(out))
    assert code == 0 and row["outcome"] == "exempt" and row["exemption"] == "22 CFR 125.4(b)(1)"
    assert [c for c in row if c.startswith("itar_") or c.startswith("aukus")] == [
        "itar_125_4_b_1",
        "aukus_126_7",
    ]
    code, _, err = run("authorize", path, "--exemption", "999.9", "--quiet")
    assert code == 3 and "999.9" in err


def test_authorize_with_guidelines(tmp_path: Path) -> None:
    path = _jsonl(tmp_path, {**example("125.4(b)(1)"), "transfer_id": "B1"})
    code, out, _ = run(
        "authorize",
        path,
        "--as-of",
        DAY,
        "--quiet",
        "--format",
        "jsonl",
        "--guidelines",
        str(ROOT_EXAMPLE),
        "--exemption",
        "125.4(b)(1)",
    )
    (record,) = [json.loads(line) for line in out.splitlines()]
    assert code == 1 and record["outcome"] == "undetermined"
    (result,) = record["authorization"]["exemptions"]
    assert result["guidelines"]["id"] == "dod-component-example"
    assert "certification-letter" in record["open_questions"]
