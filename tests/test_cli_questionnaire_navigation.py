"""The questionnaire's navigation (issue 14, item 5): back/undo, '?' (the regulation text of the
paragraphs a question tests), 'why' (the trace steps waiting for the answer), --save FILE and
--facts FILE to resume, --no-questions — on a realistic item: the F/A-18E/F wing fold actuator
of examples/classify_wing_fold_actuator.json (USML VIII(h)(4) by 22 CFR 120.41(a)(2))."""

from __future__ import annotations

import json
import os
import re
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from exportctl.cli import main

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "classify_wing_fold_actuator.json"
ARGS = [
    "classify",
    "--as-of",
    "2025-10-01",
    "--item-id",
    "P-1101",
    "--description",
    "Wing fold actuator, F/A-18E/F outer wing panel",
]

#: The example's facts, answered one question at a time (no CJ, no CCATS).
ANSWERS = [
    "",  # cj_jurisdiction: none
    "",  # ccats_classification: none
    "VIII(h)(4); VIII(h)(1)",  # usml_candidates
    "component",  # item_kind
    "no",  # itar_peculiarly_responsible
    "yes",  # itar_for_use_in_defense_article
    "no",  # fastener_class
    "no",  # same_function_form_fit_as_peer
    "no",  # itar_developed_for_both
    "no",  # developed_general_purpose
]


def _run(args: list[str], answers: list[str]) -> Result:
    return CliRunner().invoke(main, args, input="".join(a + "\n" for a in answers))


def _asked(result: Result) -> list[str]:
    return re.findall(r"^  (\w+) \(", result.stderr, flags=re.MULTILINE)


def _example_facts() -> dict[str, object]:
    raw = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    return {k: v for k, v in raw.items() if v is not None}


def test_answering_every_question_decides_as_the_example_facts_file() -> None:
    result = _run([*ARGS, "--format", "json"], ANSWERS)
    assert result.exit_code == 0, result.stderr
    record = json.loads(result.stdout)
    assert record["classification"]["reference"] == "VIII(h)(4)"
    assert "22 CFR 120.41(a)(2)" in record["rules_fired"]
    assert _asked(result)[:4] == [
        "cj_jurisdiction",
        "ccats_classification",
        "usml_candidates",
        "item_kind",
    ]


def test_back_undoes_the_last_answer_and_asks_it_again() -> None:
    # a wrong "yes" to § 120.41(a)(1), undone, then the right answers
    answers = [*ANSWERS[:4], "yes", "back", *ANSWERS[4:]]
    result = _run([*ARGS, "--format", "json"], answers)
    assert result.exit_code == 0, result.stderr
    assert "(undone: the question is asked again)" in result.stderr
    asked = _asked(result)
    i = asked.index("itar_peculiarly_responsible")
    assert asked[i : i + 3] == [
        "itar_peculiarly_responsible",  # "yes": caught by § 120.41(a)(1) ...
        "fastener_class",  # ... so the releases are asked next; "back" typed here
        "itar_peculiarly_responsible",
    ]
    record = json.loads(result.stdout)
    assert record["classification"]["reference"] == "VIII(h)(4)"
    # the undone "yes" left nothing: the answer decided is the second one
    assert record["decision_id"] == json.loads(_run([*ARGS, "--format", "json"], ANSWERS).stdout)[
        "decision_id"
    ]


def test_undo_also_goes_back_over_a_determination_question() -> None:
    result = _run(ARGS, ["undo", "", "back", "", "", "quit"])
    assert "(nothing to undo)" in result.stderr
    assert _asked(result)[:4] == [
        "cj_jurisdiction",  # undo: nothing to undo
        "cj_jurisdiction",  # blank: no CJ
        "ccats_classification",  # back: the CJ question again
        "cj_jurisdiction",
    ]


def test_question_mark_shows_the_regulation_text_from_the_law_data() -> None:
    answers = [*ANSWERS[:2], "?", *ANSWERS[2:4], "?", "quit"]
    result = _run(ARGS, answers)
    # at usml_candidates: the order of review, 22 CFR 120.11(a)
    assert "22 CFR 120.11(a)(1):\n    \u201cEnumerated in a category\u201d" in result.stderr
    # at itar_peculiarly_responsible: the catch paragraph 22 CFR 120.41(a)(1)
    assert (
        "22 CFR 120.41(a)(1):\n    \u201cAs a result of development, has properties peculiarly "
        "responsible for achieving or exceeding the controlled performance levels"
    ) in result.stderr
    # '?' answers nothing: the same question is asked again
    asked = _asked(result)
    assert asked.count("usml_candidates") == 2 and asked.count("itar_peculiarly_responsible") == 2


def test_why_shows_the_paragraph_being_tested_and_the_candidate() -> None:
    result = _run(ARGS, [*ANSWERS[:4], "why", "quit"])
    block = result.stderr.split("itar_peculiarly_responsible is needed for:")[1]
    assert "22 CFR 120.41(a)(1): unknown — 'specially designed' for VIII(h)(1)" in block
    assert "22 CFR 120.41(a)(1): unknown — 'specially designed' for VIII(h)(4)" in block


def test_save_then_resume_from_the_facts_file(tmp_path: Path) -> None:
    saved = tmp_path / "p-1101.json"
    first = _run([*ARGS, "--save", str(saved)], [*ANSWERS[:5], "quit"])
    assert first.exit_code == 1  # questions left open
    partial = json.loads(saved.read_text(encoding="utf-8"))
    assert partial["usml_candidates"] == ["VIII(h)(4)", "VIII(h)(1)"]
    assert partial["answers"] == {"itar_peculiarly_responsible": False}
    # resume: the CJ and CCATS questions are not asked again; the rest is
    second = _run(
        [
            "classify",
            "--as-of",
            "2025-10-01",
            "--facts",
            str(saved),
            "--questions",
            "--save",
            str(saved),
            "--format",
            "json",
        ],
        ANSWERS[5:],
    )
    assert second.exit_code == 0, second.stderr
    assert _asked(second) == [
        "itar_for_use_in_defense_article",
        "fastener_class",
        "same_function_form_fit_as_peer",
        "itar_developed_for_both",
        "developed_general_purpose",
    ]
    assert json.loads(second.stdout)["classification"]["reference"] == "VIII(h)(4)"
    # the saved file is the example facts file (its blank fields left out)
    assert json.loads(saved.read_text(encoding="utf-8")) == _example_facts()


def test_no_questions_decides_the_facts_file_as_it_is(tmp_path: Path) -> None:
    partial = tmp_path / "partial.json"
    partial.write_text(
        json.dumps({"item_id": "P-1101", "usml_candidates": ["VIII(h)(4)"]}), encoding="utf-8"
    )
    for flag in (["--no-questions"], []):  # not a terminal: no questions unless --questions
        result = _run(
            ["classify", "--as-of", "2025-10-01", "--facts", str(partial), *flag], ["component"]
        )
        assert result.exit_code == 1 and _asked(result) == []


def test_an_interactive_decision_is_logged_with_the_answers_as_facts(tmp_path: Path) -> None:
    db = tmp_path / "log.db"
    result = _run([*ARGS, "--log", str(db), "--actor", "j.doe"], ANSWERS)
    assert result.exit_code == 0, result.stderr
    runner = CliRunner()
    shown = runner.invoke(main, ["log", "show", str(db), "--format", "json"])
    (entry,) = json.loads(shown.stdout)
    assert entry["facts"] == _example_facts() and entry["actor"] == "j.doe"
    assert entry["outcome"] == "ITAR VIII(h)(4)" and entry["command"] == "classify"
    assert runner.invoke(main, ["log", "verify", str(db)]).exit_code == 0


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
def test_at_a_terminal_facts_resume_with_the_questions_still_open(tmp_path: Path) -> None:
    """Through a pseudo-terminal: --facts FILE with stdin a terminal asks what is still open."""
    partial = tmp_path / "partial.json"
    facts = _example_facts()
    answers = dict(facts["answers"])  # type: ignore[call-overload]
    del answers["itar_for_use_in_defense_article"]
    partial.write_text(json.dumps({**facts, "answers": answers}), encoding="utf-8")
    leader, follower = os.openpty()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from exportctl.cli import main; main()",
            "classify",
            "--as-of",
            "2025-10-01",
            "--facts",
            str(partial),
            "--format",
            "json",
        ],
        stdin=follower,
        stdout=subprocess.PIPE,
        stderr=follower,
    )
    os.close(follower)
    seen = b""
    deadline = time.monotonic() + 120
    try:
        while b"itar_for_use_in_defense_article (" not in seen:
            assert time.monotonic() < deadline and proc.poll() is None, seen.decode()
            ready, _, _ = select.select([leader], [], [], 0.5)
            if ready:
                seen += os.read(leader, 4096)
        os.write(leader, b"why\n")
        while seen.count(b"itar_for_use_in_defense_article (") < 2:  # asked again after why
            assert time.monotonic() < deadline, seen.decode()
            ready, _, _ = select.select([leader], [], [], 0.5)
            if ready:
                seen += os.read(leader, 4096)
        os.write(leader, b"yes\n")
        out, _ = proc.communicate(timeout=120)
    finally:
        os.close(leader)
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0
    assert json.loads(out)["classification"]["reference"] == "VIII(h)(4)"
    text = seen.decode("utf-8", "replace")
    assert "22 CFR 120.41(a)(2): unknown" in text
