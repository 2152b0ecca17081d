"""One exit-status contract for every command (issue 14, item 4; docs/cli.md, "Exit status").

0 decided / clear, 1 open questions (diff, law diff: differences found), 2 usage, 3 unknown
reference, 4 input errors, 5 bundled data failing verification, 6 the answer is no.  Each
command is run on a real case of each status it can give; a decision's output has a ``status``
and a citation, a § 126.1 refusal too.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from exportctl.cli import base, main
from exportctl.engine import batch

ROOT = Path(__file__).resolve().parents[1]
EX = ROOT / "examples"
DAY = "2026-01-15"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def test_the_statuses_are_distinct_and_documented() -> None:
    codes = {
        "ok": base.EXIT_OK,
        "open": base.EXIT_OPEN,
        "usage": base.EXIT_USAGE,
        "not_found": base.EXIT_NOT_FOUND,
        "input": base.EXIT_INPUT,
        "data": base.EXIT_DATA,
        "no": base.EXIT_NO,
    }
    assert codes == {"ok": 0, "open": 1, "usage": 2, "not_found": 3, "input": 4, "data": 5, "no": 6}
    assert batch.EXIT_NO == 6
    table = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    documented = re.findall(r"^\| \*\*(\d)\*\* \|", table, flags=re.M)
    assert documented == ["0", "1", "2", "3", "4", "5", "6"]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert re.findall(r"^\| \*\*(\d)\*\* \|", readme, flags=re.M) == documented
    assert "| `log verify` |" in table


# --- look-ups ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (("usml", "show", "XI(a)(3)(xviii)"), 0),
        (("usml", "show", "XI(a)(99)"), 3),
        (("usml", "show", "Cat. IV(z"), 2),
        (("eccn", "show", "9A610"), 0),
        (("eccn", "show", "9A999"), 3),
        (("country", "show", "GB"), 0),
        (("country", "show", "QQ"), 3),
        (("exemptions", "show", "999.9"), 3),
        (("reform", "show", "no-such-reform"), 3),
        (("usml", "show", "I(a)", "--as-of", "someday"), 2),
    ],
)
def test_look_ups(args: tuple[str, ...], code: int) -> None:
    assert run(*args)[0] == code


# --- classify, screen ------------------------------------------------------------------------


def test_classify(tmp_path: Path) -> None:
    code, out, _ = run(
        "classify", "--facts", str(EX / "classify_wing_fold_actuator.json"), "--format", "json"
    )
    record = json.loads(out)
    assert code == 0 and record["status"] == "classified"
    assert record["classification"]["citation"].startswith("22 CFR 121.1")
    open_ = tmp_path / "open.json"
    open_.write_text(json.dumps({"item_id": "X", "item_kind": "part"}), encoding="utf-8")
    code, out, _ = run("classify", "--facts", str(open_), "--format", "csv")
    assert code == 1 and next(csv.DictReader(io.StringIO(out)))["status"] == "undetermined"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"item_id": "X", "item_kind": "gadget"}), encoding="utf-8")
    assert run("classify", "--facts", str(bad))[0] == 4
    code, _, err = run("classify", "--facts", str(open_), "--ruleset", "nope")
    assert code == 3 and "nope" in err


def _subset(tmp_path: Path, source: Path, id_column: str, ids: list[str]) -> str:
    with source.open(newline="", encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r[id_column] in ids]
    path = tmp_path / f"{'-'.join(ids)}.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    return str(path)


def test_screen(tmp_path: Path) -> None:
    parts = EX / "parts_list.csv"
    assert run("screen", _subset(tmp_path, parts, "item_id", ["P-1001", "P-1002"]))[0] == 0
    assert run("screen", str(parts))[0] == 1  # undetermined rows
    bad = tmp_path / "bad.csv"
    bad.write_text("item_id,item_kind\nA,gadget\nB,part\n", encoding="utf-8")
    assert run("screen", str(bad))[0] == 4
    assert run("screen", str(parts), "--ruleset", "nope")[0] == 3
    assert run("screen", str(parts), "--exit-zero")[0] == 0


# --- transfers -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ids", "code"),
    [
        (["AU-01", "GB-02"], 0),  # exempt
        (["AU-01", "UND-15"], 1),  # undetermined
        (["AU-01", "ETL-05"], 6),  # license required
        (["AU-01", "CN-10"], 6),  # prohibited, 22 CFR 126.1
        (["UND-15", "CN-10"], 6),  # a refusal stays one whatever the open rows turn out
    ],
)
def test_authorize(tmp_path: Path, ids: list[str], code: int) -> None:
    path = _subset(tmp_path, EX / "transfers.csv", "transfer_id", ids)
    got, out, _ = run("authorize", path, "--as-of", DAY, "--format", "csv")
    assert got == code
    for row in csv.DictReader(io.StringIO(out)):
        assert row["status"] and row["citation"]


def test_authorize_errors_and_unknown_exemption(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("transfer_id,activity\nT,fly\n", encoding="utf-8")
    assert run("authorize", str(bad), "--as-of", DAY)[0] == 4
    transfers = str(EX / "transfers.csv")
    assert run("authorize", transfers, "--exemption", "999.9")[0] == 3


def _transfer(tmp_path: Path, **changes: object) -> str:
    raw = json.loads((EX / "aukus_transfer.json").read_text(encoding="utf-8"))
    raw.update(changes)
    path = tmp_path / "t.json"
    path.write_text(json.dumps(raw), encoding="utf-8")
    return str(path)


def test_aukus_check(tmp_path: Path) -> None:
    raw = json.loads((EX / "aukus_transfer.json").read_text(encoding="utf-8"))
    code, out, _ = run(
        "aukus", "check", str(EX / "aukus_transfer.json"), "--as-of", DAY, "--format", "json"
    )
    record = json.loads(out)
    assert code == 0 and record["status"] == "eligible" and record["citation"] == "22 CFR 126.7"
    caught = _transfer(
        tmp_path,
        usml_classification="XI(a)(3)(xviii)",
        answers={**raw["answers"], "classified": True},
    )
    code, out, _ = run("aukus", "check", caught, "--as-of", DAY, "--format", "csv")
    row = next(csv.DictReader(io.StringIO(out)))
    assert code == 6 and row["status"] == "not_eligible" and "SUPP2-013" in row["etl_rows_matched"]
    open_ = _transfer(tmp_path, answers={**raw["answers"], "classified": None})
    assert run("aukus", "check", open_, "--as-of", DAY)[0] == 1
    bad = _transfer(tmp_path, transfer_kind="gadget")
    assert run("aukus", "check", bad, "--as-of", DAY)[0] == 4


@pytest.mark.parametrize("fmt", ["json", "csv", "table"])
def test_aukus_check_126_1_refusal_has_status_and_citation(tmp_path: Path, fmt: str) -> None:
    """22 CFR 126.1(d)(1): China, a transit country here, is under a policy of denial."""
    path = _transfer(tmp_path, transit_countries=["CN"])
    code, out, _ = run("aukus", "check", path, "--as-of", DAY, "--format", fmt)
    assert code == 6
    if fmt == "json":
        record = json.loads(out)
    elif fmt == "csv":
        record = next(csv.DictReader(io.StringIO(out)))
    else:
        record = dict(
            re.split(r"\s{2,}", line.strip(), maxsplit=1) for line in out.splitlines()[2:]
        )
    assert record["status"] == "prohibited"
    assert "22 CFR 126.1(d)(1)" in str(record["citation"])
    assert "22 CFR 126.1(d)(1): CN" in str(record["proscribed_126_1"])


@pytest.mark.parametrize(
    ("facts", "code"),
    [
        (
            (
                "--fact",
                "classified=no",
                "--fact",
                "anti_tamper_dod_ppp=no",
                "--fact",
                "anti_tamper_installed=no",
            ),
            0,
        ),
        ((), 1),
        (("--fact", "classified=yes"), 6),
    ],
)
def test_etl_check(facts: tuple[str, ...], code: int) -> None:
    got, out, _ = run("etl", "check", "XI(a)(3)(xviii)", *facts, "--format", "json", "--as-of", DAY)
    assert got == code
    rows = json.loads(out)
    assert all(r["status"] in ("caught", "open", "not_caught") for r in rows)
    assert all(r["citation"] == "22 CFR part 126, Supplement No. 2" for r in rows)
    assert run("etl", "check", "XI(a)(99)", "--as-of", DAY)[0] == 3


def test_exemptions_check(tmp_path: Path) -> None:
    aukus = str(EX / "aukus_transfer.json")
    code, out, _ = run("exemptions", "check", aukus, "--as-of", DAY, "--format", "json")
    record = json.loads(out)
    assert code == 0 and record["status"] == "exempt" and record["citation"] == ["22 CFR 126.7"]
    code, out, _ = run(
        "exemptions", "check", "--exemption", "126.5", aukus, "--as-of", DAY, "--format", "json"
    )
    record = json.loads(out)
    assert code == 6 and record["status"] == "not_eligible"
    assert record["citation"] == "22 CFR 126.5"
    refused = _transfer(tmp_path, transit_countries=["CN"])
    code, out, _ = run("exemptions", "check", refused, "--as-of", DAY, "--format", "json")
    record = json.loads(out)
    assert code == 6 and record["status"] == "prohibited"
    assert record["citation"] == ["22 CFR 126.1(d)(1)"]
    assert run("exemptions", "check", "--exemption", "999.9", aukus)[0] == 3


# --- agreements, diffs -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ids", "code"),
    [
        (["TAA-2022-017"], 0),
        (["TAA-2026-001"], 1),
        (["TAA-2025-009"], 6),  # 22 CFR 126.1: China
        (["TAA-2026-001", "TAA-2025-009"], 6),
    ],
)
def test_agreement_plan(tmp_path: Path, ids: list[str], code: int) -> None:
    path = _subset(tmp_path, EX / "agreements" / "agreements.csv", "agreement_id", ids)
    assert run("agreement", "plan", path, "--as-of", DAY)[0] == code


def test_diff_and_law_diff(tmp_path: Path) -> None:
    transfers = str(EX / "transfers.csv")
    dates = ("--from-date", "2025-12-29", "--to-date", "2025-12-30")
    assert run("diff", transfers, *dates)[0] == 1  # GB-03 changes
    same = _subset(tmp_path, EX / "transfers.csv", "transfer_id", ["AU-01", "CN-10"])
    assert run("diff", same, *dates)[0] == 0
    bad = tmp_path / "bad.csv"
    bad.write_text("transfer_id,activity\nT,fly\n", encoding="utf-8")
    assert run("diff", str(bad), *dates)[0] == 4
    assert run("diff", transfers, "--reform", "no-such-reform")[0] == 3
    assert run("law", "diff", "--from", "2025-12-29", "--to", "2025-12-30")[0] == 1
    assert run("law", "diff", "--from", "2026-01-14", "--to", "2026-01-15")[0] == 0
