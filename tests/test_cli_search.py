"""Finding the paragraph from the command line (issue 12): `search`, `usml search`, `eccn search`,
browsing (`usml show XI`, `eccn show 3A001 --tree`, `eccn show 5A992.c`), `screen --suggest` and
the questionnaire's suggestions.  Search and suggestions never change a decision.

Expected paragraphs are quoted from the bundled 22 CFR 121.1 and 15 CFR part 774 Supp. No. 1.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any

from click.testing import CliRunner

import exportctl
from exportctl.cli import main
from exportctl.engine.batch import RESULT_COLUMNS, STAMP_COLUMNS
from exportctl.search import SUGGESTION_NOTICE, edition_key

NEW, OLD = "2026-08-01", "2025-06-01"


def run(*args: str, input: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), input=input)
    return result.exit_code, result.stdout, result.stderr


def search_json(*args: str) -> dict[str, Any]:
    code, out, err = run(*args, "--format", "json")
    assert code == 0, err
    doc: dict[str, Any] = json.loads(out)
    return doc


# --- search ------------------------------------------------------------------------------------


def test_search_shows_path_flags_and_matched_words() -> None:
    doc = search_json("search", "torpedo", "--as-of", NEW)
    top = doc["hits"][0]
    # IV(a)(7) "Torpedoes;" under IV(a), an SME paragraph of Category IV (found by stemming).
    assert top["reference"] == "IV(a)(7)" and top["regime"] == "usml"
    assert top["path"].startswith("Category IV — ") and top["path"].endswith(
        " → IV(a) → IV(a)(7)"
    )
    assert top["sme"] is True and top["matched"] == ["torpedoes"]
    assert top["citation"] == "22 CFR 121.1, Category IV(a)(7)"
    assert doc["as_of"] == NEW and doc["law_id"] == exportctl.law(NEW).id
    assert doc["edition_key"] == edition_key(exportctl.law(NEW))
    assert "no decision rests on them" in doc["notice"]


def test_ccl_hits_show_the_reasons_that_apply_to_the_paragraph() -> None:
    doc = search_json("eccn", "search", "mass market encryption", "--as-of", NEW, "--limit", "1")
    (hit,) = doc["hits"]
    # 5A992.c "Commodities classified as mass market encryption commodities in accordance with
    # § 740.17(b) of the EAR." -- AT only: RS applies to 5A992.z.1 and .z.2.
    assert hit["reference"] == "5A992.c" and hit["path"] == "CCL Category 5 → 5A992 → 5A992.c"
    assert hit["reasons_for_control"] == ["AT"] and hit["country_chart_columns"] == ["AT1"]
    assert hit["eccn_reasons_for_control"] == ["RS", "AT"]
    assert {"mass", "market", "encryption"} <= set(hit["matched"])


def test_glossary_terms_are_shown_with_their_expansions() -> None:
    doc = search_json("usml", "search", "IMU", "--as-of", NEW, "--limit", "1")
    # XII(e)(9): "inertial measurement units" (IMU is not a word of the USML).
    hit = doc["hits"][0]
    assert hit["reference"] == "XII(e)(9)"
    glossary = hit["glossary"]
    assert any(g.startswith("imu → ") and "inertial measurement units" in g for g in glossary)


def test_regimes_are_kept_apart() -> None:
    assert {h["regime"] for h in search_json("usml", "search", "radar")["hits"]} == {"usml"}
    assert {h["regime"] for h in search_json("eccn", "search", "radar")["hits"]} == {"ccl"}
    ccl_only = search_json("search", "radar", "--regime", "ccl")["hits"]
    assert {h["regime"] for h in ccl_only} == {"ccl"}


def test_as_of_picks_the_edition_searched() -> None:
    # IV(c)(2) "Improvised Explosive Devices (IEDs)." is in the USML from 2025-09-15 (90 FR 5594).
    new = search_json("usml", "search", "improvised explosive devices", "--as-of", NEW)
    old = search_json("usml", "search", "improvised explosive devices", "--as-of", OLD)
    assert new["hits"][0]["reference"] == "IV(c)(2)"
    assert "IV(c)(2)" not in [h["reference"] for h in old["hits"]]
    assert new["edition_key"] != old["edition_key"]


def test_search_csv_and_table() -> None:
    code, out, _ = run("usml", "search", "flamethrowers", "--format", "csv", "--as-of", NEW)
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and rows[0]["reference"] == "II(b)"
    assert rows[0]["path"] == "Category II — Guns and Armament → II(b)"
    assert rows[0]["matched"] == "flamethrowers" and rows[0]["sme"] in ("yes", "no")
    code, out, err = run("search", "flamethrowers", "--as-of", NEW)
    assert code == 0 and "II(b)" in out and "Guns and Armament" in out
    assert "not a classification" in err


def test_nothing_found_is_said_on_stderr() -> None:
    code, out, err = run("usml", "search", "zzqqxx", "--format", "json", "--as-of", NEW)
    assert code == 0 and json.loads(out)["hits"] == []
    assert "no USML paragraph matches 'zzqqxx'" in err


def test_bad_options_are_usage_errors() -> None:
    code, _, err = run("search", "radar", "--regime", "itar")
    assert code == 2 and "itar" in err
    code, _, err = run("search", "radar", "--limit", "0")
    assert code == 2


def test_a_date_before_the_data_is_refused() -> None:
    code, _, err = run("search", "radar", "--as-of", "2020-01-01")
    assert code == 3 and "error" in err


# --- browse ------------------------------------------------------------------------------------


def test_usml_show_a_category_prints_its_tree() -> None:
    doc = search_json("usml", "show", "XI", "--as-of", NEW)
    assert doc["category"] == "XI" and doc["title"] == "Military Electronics"
    tree = {r["reference"]: r for r in doc["tree"]}
    assert tree["XI(a)"]["depth"] == 1 and tree["XI(a)(3)(xviii)"]["depth"] == 3
    # XI(a)(3) carries the asterisk: XI(a)(3)(xviii) is SME (§ 120.10(c)).
    assert tree["XI(a)(3)(xviii)"]["sme"] is True
    assert tree["XI(a)(3)(xviii)"]["text"].startswith("Radar having electronic protection")
    assert doc["paragraphs"] == len(doc["tree"])
    code, out, _ = run("usml", "show", "Cat. XI", "--as-of", NEW)
    assert code == 0 and "Military Electronics" in out and "XI(a)(3)(xviii)" in out
    code, out, _ = run("usml", "show", "XI", "--format", "csv", "--as-of", NEW)
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows[0]["reference"] == "XI(a)" and len(rows) == len(doc["tree"])


def test_usml_show_a_paragraph_prints_the_tree_beneath() -> None:
    doc = search_json("usml", "show", "XI(a)(3)", "--as-of", NEW)
    assert doc["reference"] == "XI(a)(3)"
    refs = [r["reference"] for r in doc["tree"]]
    assert refs[0] == "XI(a)(3)(i)" and "XI(a)(3)(xviii)" in refs
    assert all(r.startswith("XI(a)(3)(") for r in refs)
    assert {r["depth"] for r in doc["tree"]} >= {1}
    code, out, _ = run("usml", "show", "XI(a)(3)", "--as-of", NEW)
    assert code == 0 and "XI(a)(3)(xviii)" in out
    assert "Radar having electronic protection" in out


def test_usml_show_an_unknown_category_exit_3() -> None:
    code, _, err = run("usml", "show", "XXV")
    assert code in (2, 3) and "error" in err


def test_eccn_show_a_paragraph_prints_its_own_reasons() -> None:
    doc = search_json("eccn", "show", "5A992.c", "--as-of", NEW)
    assert doc["item"] == "5A992.c"
    assert doc["reasons_for_control"] == ["AT"] and doc["country_chart_columns"] == ["AT1"]
    assert doc["eccn_reasons_for_control"] == ["RS", "AT"]
    rows = {r["control"]: r for r in doc["license_requirements"]}
    rs = rows["RS applies to items controlled by 5A992.z.1"]
    assert rs["applies"] is False and rs["status"] == "not named"
    assert rows["AT applies to entire entry"]["applies"] is True
    z = search_json("eccn", "show", "5A992.z.1", "--as-of", NEW)
    assert z["reasons_for_control"] == ["RS", "AT"]
    code, out, _ = run("eccn", "show", "5A992.c", "--as-of", NEW)
    assert code == 0 and "does not apply" in out and "RS applies to items controlled" in out


def test_eccn_show_fails_closed_on_rows_in_words() -> None:
    # 0A502: "NS applies to shotguns with a barrel length less than 18 inches (45.72 cm)".
    doc = search_json("eccn", "show", "0A502", "--as-of", NEW)
    ns = next(r for r in doc["license_requirements"] if r["control"].startswith("NS applies"))
    assert ns["applies"] is True and ns["status"] == "unread" and ns["note"]
    assert set(doc["reasons_for_control"]) == set(doc["eccn_reasons_for_control"])


def test_eccn_show_tree_lists_item_paragraphs_with_text() -> None:
    doc = search_json("eccn", "show", "3A001", "--tree", "--as-of", NEW)
    tree = {r["reference"]: r for r in doc["tree"]}
    assert tree["3A001.a"]["depth"] == 1 and tree["3A001.a.1"]["depth"] == 2
    assert tree["3A001.a.1"]["text"]
    assert len(doc["tree"]) == doc["items"]
    sub = search_json("eccn", "show", "3A001.b", "--tree", "--as-of", NEW)
    assert sub["tree"] and all(r["reference"].startswith("3A001.b.") for r in sub["tree"])
    code, out, _ = run("eccn", "show", "3A001", "--tree", "--format", "csv", "--as-of", NEW)
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and rows[0]["reference"] == "3A001.a" and rows[0]["text"]
    code, out, _ = run("eccn", "show", "3A001", "--tree", "--as-of", NEW)
    assert code == 0 and "3A001.a.1" in out
    code, out, _ = run("eccn", "show", "3A001", "--as-of", NEW)
    assert "3A001.a.1\n" not in out  # without --tree, no tree


# --- screen --suggest ----------------------------------------------------------------------------

HEADER = "item_id,description,item_kind,usml_candidates,eccn_candidates,excluded_by_734_3_b\n"
ROWS = (
    "S1,gen 3 night vision goggles for the police,end_item,,,\n"  # nothing reviewed yet
    "S2,,end_item,,,\n"  # no description: nothing to suggest
    "S3,post-boost vehicle,end_item,IV(h)(12),,\n"  # decided: no suggestions
    "S4,thermal imaging camera core,component,none,,no\n"  # USML reviewed: ECCNs only
    "S5,bad reference,part,XI(1),,\n"  # input error: reported, no suggestions
)


def screen(tmp_path: Path, fmt: str, *extra: str) -> tuple[int, str, str]:
    path = tmp_path / "parts.csv"
    path.write_text(HEADER + ROWS, encoding="utf-8")
    return run("screen", str(path), "--format", fmt, "--as-of", NEW, *extra)


def test_suggestions_never_change_a_decision(tmp_path: Path) -> None:
    plain_code, plain, _ = screen(tmp_path, "jsonl")
    code, suggested, _ = screen(tmp_path, "jsonl", "--suggest")
    assert code == plain_code
    before = [json.loads(line) for line in plain.splitlines()]
    after = [json.loads(line) for line in suggested.splitlines()]
    assert len(before) == len(after) == 5
    for a, b in zip(before, after, strict=True):
        assert {k: b[k] for k in RESULT_COLUMNS} == {k: a[k] for k in RESULT_COLUMNS}
        assert b.get("decision") == a.get("decision")
    csv_plain = list(csv.DictReader(io.StringIO(screen(tmp_path, "csv")[1])))
    csv_suggested = list(csv.DictReader(io.StringIO(screen(tmp_path, "csv", "--suggest")[1])))
    for a, b in zip(csv_plain, csv_suggested, strict=True):
        # issue 14: both end with the stamp (as_of, law_id, reforms), the same law
        assert {k: b[k] for k in (*RESULT_COLUMNS, *STAMP_COLUMNS)} == a


def test_suggestions_are_labelled_in_json_lines(tmp_path: Path) -> None:
    _, out, err = screen(tmp_path, "jsonl", "--suggest")
    rows = [json.loads(line) for line in out.splitlines()]
    s1 = rows[0]["suggestions"]
    assert s1["kind"] == "suggestion" and s1["notice"] == SUGGESTION_NOTICE
    assert rows[0]["status"] == "undetermined"  # the decision rests on nothing suggested
    # XII(c)(1) "Night vision devices ..." is what a reader of the USML checks first.
    assert any(s["reference"].startswith("XII(c)(1)") for s in s1["usml"])
    assert all(s["kind"] == "suggestion" for s in [*s1["usml"], *s1["eccn"]])
    assert len(s1["usml"]) in (1, 2, 3) and len(s1["eccn"]) in (1, 2, 3)
    assert rows[1]["suggestions"] is None  # no description
    assert rows[2]["suggestions"] is None  # decided (IV(h)(12))
    assert "usml" not in rows[3]["suggestions"]  # USML reviewed ("none")
    assert rows[3]["suggestions"]["eccn"][0]["reference"].startswith("6A003")
    assert rows[4]["status"] == "error" and rows[4]["suggestions"] is None
    assert "not a classification" in err


def test_suggestion_columns_in_csv_and_table(tmp_path: Path) -> None:
    _, out, _ = screen(tmp_path, "csv", "--suggest")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert re.match(r"XII\(c\)\(1\)\S* \[score \d+\.\d\]", rows[0]["suggested_usml"])
    assert rows[0]["suggested_eccn"] and rows[1]["suggested_usml"] == ""
    assert rows[3]["suggested_usml"] == "" and rows[3]["suggested_eccn"].startswith("6A003")
    _, out, _ = screen(tmp_path, "csv")
    assert "suggested_usml" not in out  # only when asked for
    _, out, err = screen(tmp_path, "table", "--suggest")
    assert "suggested_usml" in out and "XII(c)(1)" in out
    assert "not a classification" in err


# --- the questionnaire ---------------------------------------------------------------------------


def ask(answers: list[str], *extra: str) -> tuple[int, str, str]:
    return run(
        "classify",
        "--as-of",
        NEW,
        "--format",
        "json",
        *extra,
        input="\n".join(answers) + "\n",
    )


def asked(err: str) -> list[str]:
    return re.findall(r"^  (\w+) \(", err, flags=re.MULTILINE)


def test_the_questionnaire_offers_suggestions_for_a_description() -> None:
    _, _, err = ask(["", "", "none", "no"], "--description", "thermal imaging camera core")
    assert "Suggestions for 'thermal imaging camera core'" in err and SUGGESTION_NOTICE in err
    assert re.search(r"^    XII\(", err, flags=re.MULTILINE)  # USML suggestions
    assert asked(err)[:3] == ["cj_jurisdiction", "ccats_classification", "usml_candidates"]
    # The ECCN question that follows gets ECCN suggestions: 6A003.b.4 (cameras).
    assert "eccn_candidates" in asked(err)
    assert re.search(r"^    6A003", err, flags=re.MULTILINE)


def test_the_questionnaire_asks_for_a_description_first() -> None:
    # Without a description it says how to get suggestions; words typed at the prompt are
    # taken as the description (not as references), and the question is asked again.
    _, _, err = ask(["", "", "thermal imaging camera core", "none"])
    assert "no description of the item yet" in err
    assert asked(err)[:4] == [
        "cj_jurisdiction",
        "ccats_classification",
        "usml_candidates",
        "usml_candidates",
    ]
    assert "Suggestions for 'thermal imaging camera core'" in err
    assert "not accepted" not in err


def test_the_questionnaire_decides_the_same_with_or_without_suggestions() -> None:
    answers = ["", "", "none", "no", "6A003.b.4", "", "", "", "", "", ""]
    _, plain, _ = ask(answers)
    _, suggested, _ = ask(answers, "--description", "thermal imaging camera core")
    a, b = json.loads(plain), json.loads(suggested)
    for key in ("jurisdiction", "classification", "open_questions", "rules_fired", "trace"):
        assert a[key] == b[key], key


def test_a_malformed_reference_is_still_refused() -> None:
    _, _, err = ask(["", "", "XI(1)", "none"])
    assert "not accepted" in err and "Suggestions for" not in err
