"""The command line, through click's CliRunner: output formats, --as-of, errors and exit codes."""

from __future__ import annotations

import csv
import io
import json

from click.testing import CliRunner

import exportctl
from exportctl.cli import main


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_version() -> None:
    code, out, _ = run("--version")
    assert code == 0 and exportctl.__version__ in out


def test_help_on_every_command() -> None:
    for args in (
        ["--help"],
        ["usml", "--help"],
        ["usml", "show", "--help"],
        ["usml", "search", "--help"],
        ["eccn", "show", "--help"],
        ["etl", "list", "--help"],
        ["country", "show", "--help"],
    ):
        code, out, _ = run(*args)
        assert code == 0 and "Usage" in out, args


def test_usml_show_json() -> None:
    code, out, _ = run(
        "usml", "show", "Cat. XI(a)(3)(xviii)", "--format", "json", "--as-of", "2025-01-15"
    )
    assert code == 0
    doc = json.loads(out)
    assert doc["reference"] == "XI(a)(3)(xviii)"
    assert doc["significant_military_equipment"] is True
    assert doc["as_of"] == "2025-01-15"
    assert doc["law_id"] == exportctl.law("2025-01-15").id


def test_usml_show_table_and_csv() -> None:
    code, out, _ = run("usml", "show", "IV(a)", "--as-of", "2025-01-15")
    assert code == 0 and "Rockets" in out
    code, out, _ = run("usml", "show", "IV(a)", "--format", "csv", "--as-of", "2025-01-15")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows[0]["reference"] == "IV(a)"


def test_usml_search() -> None:
    code, out, _ = run("usml", "search", "flamethrowers", "--format", "csv")
    assert code == 0
    assert next(iter(csv.DictReader(io.StringIO(out))))["reference"] == "II(b)"


def test_malformed_reference_is_a_usage_error() -> None:
    code, out, err = run("usml", "show", "XI(1)")
    assert code == 2 and out == ""
    assert "level 1" in err and "lower-case letters" in err


def test_unknown_reference_exit_3() -> None:
    code, _, err = run("usml", "show", "XI(a)(99)")
    assert code == 3 and "does not exist" in err


def test_bad_date() -> None:
    code, _, err = run("usml", "show", "I(a)", "--as-of", "2025-13-01")
    assert code == 2 and "YYYY-MM-DD" in err


def test_date_past_horizon_warns() -> None:
    code, _, err = run("usml", "show", "I(a)", "--as-of", "2030-01-01")
    assert code == 0 and "warning" in err and "as of" in err


def test_etl_list_formats() -> None:
    code, out, _ = run("etl", "list", "--format", "json", "--as-of", "2025-01-15")
    assert code == 0 and len(json.loads(out)) == 28
    code, out, _ = run("etl", "list", "--format", "csv", "--as-of", "2025-01-15")
    assert len(list(csv.DictReader(io.StringIO(out)))) == 28


def test_country_show() -> None:
    code, out, _ = run("country", "show", "SE", "--format", "json", "--as-of", "2024-03-06")
    doc = json.loads(out)
    assert code == 0 and "nato" not in doc["memberships"]
    code, out, _ = run("country", "show", "SE", "--format", "json", "--as-of", "2024-03-07")
    assert "nato" in json.loads(out)["memberships"]


def test_unknown_country() -> None:
    code, _, err = run("country", "show", "ZZ")
    assert code == 3 and "ISO 3166" in err


def test_eccn_show() -> None:
    code, out, _ = run("eccn", "show", "9A610", "--format", "json", "--as-of", "2026-08-01")
    doc = json.loads(out)
    assert code == 0 and doc["600_series"] is True


def test_eccn_malformed() -> None:
    code, _, err = run("eccn", "show", "9Z610")
    assert code == 2 and "ECCN" in err
