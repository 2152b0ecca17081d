"""The classification case file, tests/cases/classification.json, run through the engine.

Each case pins one paragraph of the regulations (or one BIS/DDTC guidance example) to an expected
decision.  The file is meant to be read and extended by a compliance officer; one case is::

    {"name": "...",                      # unique; the pytest id
     "source": "22 CFR 120.41(b)(2)",    # the paragraph or guidance example it pins
     "as_of": "2025-10-01",              # the date the regulations are read on
     "note": "...",                      # optional: why the expectation is what it is
     "facts": {...},                     # JSON form of the facts (see exportctl.inputs.items);
                                         #   "none" in a candidate list = no paragraph describes it
     "expect": {
        "jurisdiction": "ITAR" | "EAR" | "not_subject" | "undetermined",
        "classification": "VIII(h)(1)" | "9A610.x" | "EAR99" | null,
        "rules_fired_include": [...],    # CFR rule ids that must be among decision.rules_fired
        "open_questions": [...]}}        # optional: exactly these question ids are open (any
                                         #   order); when absent, no question may be open

A case whose facts cannot all be true expects an error instead::

    "expect": {"raises": "ContradictoryFacts", "conflict": "b4-and-b5"}

The expectations come from the regulations, not from the engine: a failing case is a disagreement
to look at, never something to edit away.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest

import exportctl
import exportctl.inputs.items

ROOT = Path(__file__).resolve().parents[1]
CASES_FILE = ROOT / "tests" / "cases" / "classification.json"
EXAMPLES = ROOT / "examples"

CASES: list[dict[str, Any]] = json.loads(CASES_FILE.read_text(encoding="utf-8"))
OUTCOMES = {"ITAR", "EAR", "not_subject", "undetermined"}


def _explain(decision: exportctl.Decision) -> str:
    c = decision.classification
    lines = [
        f"decision: {decision.jurisdiction} {c.reference if c else None}",
        f"rules fired: {list(decision.rules_fired)}",
        f"open questions: {[q.id for q in decision.open_questions]}",
        "trace:",
    ]
    lines += [f"  {s.rule} | {s.outcome} | {s.detail}" for s in decision.trace]
    return "\n".join(lines)


def test_case_file_is_well_formed() -> None:
    names = [c["name"] for c in CASES]
    assert len(names) == len(set(names)), "case names must be unique"
    rules = exportctl.load_ruleset()
    for case in CASES:
        assert {"name", "source", "as_of", "facts", "expect"} <= set(case), case.get("name")
        assert case["source"].strip(), case["name"]
        expect = case["expect"]
        if "raises" in expect:
            continue
        assert expect["jurisdiction"] in OUTCOMES, case["name"]
        assert "classification" in expect, case["name"]
        for qid in expect.get("open_questions", ()):
            assert qid in rules.questions, f"{case['name']}: unknown question {qid!r}"


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_case(case: dict[str, Any]) -> None:
    rules = exportctl.load_ruleset()
    regs = exportctl.regulations(case["as_of"])
    expect = case["expect"]

    if "raises" in expect:
        error = getattr(exportctl, expect["raises"])
        with pytest.raises(error) as info:
            exportctl.classify(exportctl.facts_from_mapping(case["facts"], rules), regs)
        if "conflict" in expect:
            assert info.value.conflict == expect["conflict"]
        return

    facts = exportctl.facts_from_mapping(case["facts"], rules)
    decision = exportctl.classify(facts, regs)
    why = f"{case['source']}\n{_explain(decision)}"

    assert decision.jurisdiction == expect["jurisdiction"], why
    got = decision.classification.reference if decision.classification else None
    assert got == expect["classification"], why
    missing = [r for r in expect.get("rules_fired_include", ()) if r not in decision.rules_fired]
    assert not missing, f"rules expected to fire but did not: {missing}\n{why}"
    open_ids = sorted(q.id for q in decision.open_questions)
    assert open_ids == sorted(expect.get("open_questions", ())), why


def test_example_parts_list_parses_and_classifies() -> None:
    rules = exportctl.load_ruleset()
    regs = exportctl.regulations("2025-10-01")
    with (EXAMPLES / "parts_list.csv").open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        header = reader.fieldnames or []
        assert header[: len(exportctl.inputs.items.FIELDS)] == list(exportctl.inputs.items.FIELDS)
        assert set(header[len(exportctl.inputs.items.FIELDS) :]) == set(rules.answer_facts)
        rows = list(reader)
    assert 30 <= len(rows) <= 45
    for row in rows:
        decision = exportctl.classify(exportctl.facts_from_csv_row(row, rules), regs)
        assert decision.item_id == row["item_id"]


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("classify_*.json")), ids=lambda p: p.name)
def test_example_facts_files_classify(path: Path) -> None:
    raw = json.loads(path.read_text(encoding="utf-8"))
    facts = exportctl.facts_from_mapping(raw, exportctl.load_ruleset())
    decision = exportctl.classify(facts, exportctl.regulations("2025-10-01"))
    # What examples/README.md says of each file (22 CFR 120.41 and its notes).
    assert decision.decided and decision.classification is not None and (
        decision.classification.reference == EXAMPLE_CLASSIFICATIONS[path.name]
    )


EXAMPLE_CLASSIFICATIONS = {
    # 120.41(a)(2) catches it, no release: VIII(h)(4)
    "classify_wing_fold_actuator.json": "VIII(h)(4)",
    # 22 CFR 120.41, Note 1 to (a)(1): caught by (a)(1), XX(a)(5)
    "classify_swimmer_delivery_vehicle.json": "XX(a)(5)",
    # released by 120.41(b)(2) and 15 CFR 772.1 (b)(2): EAR99
    "classify_hi_lok_fastener.json": "EAR99",
}
