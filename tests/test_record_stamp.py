"""Every batch record names its date, law and reforms; warnings one line per kind; --quiet
keeps the warning that the data is older than the date asked (issue 14, item 3)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import exportctl
from exportctl.cli import main
from exportctl.cli.base import grouped_warnings

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


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_screen_records_carry_the_law_of_their_decision(jobs: str) -> None:
    _, out, _ = run("screen", str(PARTS), "--format", "jsonl", "--as-of", DAY, "-j", jobs)
    records = [json.loads(line) for line in out.splitlines()]
    assert len(records) == 45
    for r in records:
        assert list(r)[-3:] == ["as_of", "law_id", "reforms"]
        assert (r["as_of"], r["reforms"]) == (DAY, [])
        assert r["law_id"] == r["decision"]["law_id"] == exportctl.law(DAY).id
    _, out, _ = run("screen", str(PARTS), "--format", "csv", "--as-of", DAY, "-j", jobs)
    rows = list(csv.DictReader(io.StringIO(out)))
    assert {(r["as_of"], r["law_id"], r["reforms"]) for r in rows} == {
        (DAY, exportctl.law(DAY).id, "")
    }


def test_a_rule_set_is_the_law_decided_under() -> None:
    _, out, _ = run(
        "screen", str(PARTS), "--format", "jsonl", "--as-of", DAY, "--ruleset", "baseline"
    )
    for line in out.splitlines():
        r = json.loads(line)
        if r["decision"] is not None:
            assert r["law_id"] == r["decision"]["law_id"]


def test_authorize_records_carry_as_of_law_id_and_citation() -> None:
    _, out, _ = run("authorize", str(TRANSFERS), "--format", "jsonl", "--as-of", DAY)
    records = [json.loads(line) for line in out.splitlines()]
    assert len(records) == 17
    for r in records:
        assert (r["as_of"], r["reforms"]) == (DAY, [])
        assert r["law_id"] == r["authorization"]["law_id"]
        assert r["citation"], r  # every outcome names the paragraphs it rests on
        if r["status"] == "prohibited":
            assert all(c.startswith("22 CFR 126.1") for c in r["citation"])
        if r["status"] == "exempt":
            assert r["citation"] == [r["exemption"]]


def test_diff_records_name_both_dates_and_the_reforms() -> None:
    _, out, _ = run(
        "diff", str(TRANSFERS), "--reform", "etl-eliminated", "--as-of", DAY, "--format", "jsonl"
    )
    for line in out.splitlines():
        r = json.loads(line)
        assert (r["from_as_of"], r["to_as_of"]) == (DAY, DAY)
        assert r["reforms"] == ["etl-eliminated: remove every row of etl"]


def test_agreement_plan_records_carry_the_stamp() -> None:
    _, out, _ = run("agreement", "plan", str(AGREEMENTS), "--format", "csv", "--as-of", DAY)
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows and {(r["as_of"], r["law_id"]) for r in rows} == {(DAY, exportctl.law(DAY).id)}


@pytest.mark.parametrize(
    "args",
    [
        ("screen", str(PARTS)),
        ("authorize", str(TRANSFERS)),
        ("agreement", "plan", str(AGREEMENTS)),
    ],
)
def test_tables_show_the_stamp_in_a_footer(args: tuple[str, ...]) -> None:
    _, out, _ = run(*args, "--as-of", DAY)
    assert out.splitlines()[-1] == f"as_of {DAY}; law_id {exportctl.law(DAY).id}; reforms none"


def test_diff_table_footer_names_the_reform() -> None:
    _, out, _ = run("diff", str(TRANSFERS), "--reform", "etl-eliminated", "--as-of", DAY)
    assert out.splitlines()[-1] == (
        f"from_as_of {DAY}; to_as_of {DAY}; reforms etl-eliminated: remove every row of etl"
    )


def test_staleness_is_one_line_and_quiet_keeps_it() -> None:
    later = "2030-01-01"
    stale = exportctl.law(later).warnings
    assert len(stale) > 2  # several datasets are older than 2030
    code, _, err = run("usml", "show", "I(a)", "--as-of", later)
    lines = err.splitlines()
    assert code == 0 and len(lines) == 1
    assert lines[0].startswith(f"exportctl: warning: data older than the date asked ({later}): ")
    assert "usml.json (text as of 2025-10-02)" in lines[0]
    for args in (("screen", str(PARTS)), ("authorize", str(TRANSFERS))):
        _, _, err = run(*args, "--as-of", later, "--quiet", "--format", "csv")
        assert err.splitlines() == lines  # no summary, no progress: only the warning
        _, _, err = run(*args, "--as-of", later, "--format", "csv")
        assert err.splitlines()[0] == lines[0] and len(err.splitlines()) == 2  # + the summary


def test_no_warning_when_the_data_covers_the_date() -> None:
    _, _, err = run("screen", str(PARTS), "--as-of", "2024-03-25", "--format", "csv")
    assert "warning" not in err


def test_other_warnings_are_kept_once_each() -> None:
    stale, other = grouped_warnings(
        [
            "a.json: its regulation text is as of 2025-10-02; amendments after that date are not "
            "in the data (asked as of 2026-01-01)",
            "country XX: something",
            "country XX: something",
            "b.json: its regulation text is as of 2025-12-30; amendments after that date are not "
            "in the data (asked as of 2026-01-01)",
        ]
    )
    assert stale == [
        "data older than the date asked (2026-01-01): a.json (text as of 2025-10-02), b.json "
        "(text as of 2025-12-30); amendments after those dates are not in the data"
    ]
    assert other == ["country XX: something"]
