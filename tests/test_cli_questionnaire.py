"""The interactive questionnaire (`exportctl classify` without --facts) asks for a CJ or a CCATS
first (issue 7, item 8): a determination decides before any review question is asked, and a
blank answer means "there is none" (docs/facts.md)."""

from __future__ import annotations

import re

from click.testing import CliRunner

from exportctl.cli import main


def _run(answers: list[str]) -> tuple[int, str, list[str]]:
    result = CliRunner().invoke(
        main,
        ["classify", "--as-of", "2025-10-01", "--format", "json"],
        input="\n".join(answers) + "\n",
    )
    asked = re.findall(r"^  (\w+) \(", result.stderr, flags=re.MULTILINE)
    return result.exit_code, result.stdout, asked


def test_the_cj_is_asked_first_and_decides() -> None:
    # 22 CFR 120.4: a CJ finding the item subject to the EAR and naming EAR99 decides; no
    # USML or CCL review question is asked.
    code, out, asked = _run(["EAR", "EAR99", "CJ 0001-25"])
    assert asked == ["cj_jurisdiction", "cj_classification", "cj_reference"]
    assert code == 0 and '"EAR99"' in out and '"22 CFR 120.4(a)"' in out


def test_a_cj_finding_itar_decides_without_a_review() -> None:
    code, out, asked = _run(["ITAR", "XI(a)(3)(xviii)", ""])
    assert asked[0] == "cj_jurisdiction" and "usml_candidates" not in asked
    assert code == 0 and '"XI(a)(3)(xviii)"' in out


def test_without_a_cj_the_ccats_is_asked_next() -> None:
    # blank CJ = none; then the CCATS (15 CFR 748.3(e)), before the order of review
    code, out, asked = _run(["", "3A001.a.1", "none", "no"])
    assert asked == [
        "cj_jurisdiction",
        "ccats_classification",
        "usml_candidates",
        "excluded_by_734_3_b",
    ]
    assert code == 0 and '"3A001.a.1"' in out and '"15 CFR 748.3(e)"' in out


def test_blank_cj_and_ccats_mean_none_and_the_review_goes_on() -> None:
    code, _, asked = _run(["", "", "", ""])
    assert asked[:3] == ["cj_jurisdiction", "ccats_classification", "usml_candidates"]
    assert code == 1  # questions left open: never a decision from blanks


def test_a_bad_answer_is_asked_again() -> None:
    code, out, asked = _run(["maybe", "EAR", "EAR99", ""])
    assert asked[:2] == ["cj_jurisdiction", "cj_jurisdiction"]
    assert code == 0 and '"EAR99"' in out
