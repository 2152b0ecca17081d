"""Rule sets (data/rulesets/*.json): checked against the regulation text they quote.

A rule set holds the regulatory content of the classification rules — the questions, the catch
and release paragraphs of "specially designed" (22 CFR 120.41, 15 CFR 772.1), which item kinds
they apply to, the order-of-review paragraphs — so that the engine can decide the same items under
another rule set (a proposed reform, another date).  Every rule quotes its clause; the build
checks that the quote is in the reference text of that clause.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from .common import DATA, BuildError, read_csv, read_json

FACT_FIELDS = {"cj_jurisdiction"}  # structured facts rules may test besides the questions


def _norm(text: str) -> str:
    return " ".join(text.split())


def _ear_sections(reference: Path) -> dict[str, str]:
    text = (reference / "ear" / "ear_regulation_texts.md").read_text(encoding="utf-8")
    sections: dict[str, str] = {}
    for block in re.split(r"\n(?=## )", text):
        heading = block.splitlines()[0]
        sections[heading] = _norm(block)
    return sections


def _check_quote(
    rule: dict[str, Any],
    where: str,
    clauses: dict[str, str],
    notes: dict[str, str],
    sections: dict[str, str],
) -> None:
    quote = _norm(rule["quote"])
    if "clause" in rule:
        source = clauses.get(rule["clause"])
    elif "note" in rule:
        source = notes.get(rule["note"])
    elif "section" in rule:
        source = next((t for h, t in sections.items() if h.startswith(rule["section"])), None)
    else:
        raise BuildError(f"{where}: names no clause, note or section to check its quote against")
    if source is None:
        named = rule.get("clause") or rule.get("note") or rule.get("section")
        raise BuildError(f"{where}: the reference has no {named}")
    if quote not in _norm(source):
        raise BuildError(f"{where}: quote {rule['quote']!r} is not in the reference text")


def check_ruleset(ruleset: dict[str, Any], reference: Path) -> None:
    clauses = {
        r["clause_id"]: r["text"] for r in read_csv(reference / "itar" / "kg" / "nodes_Clause.csv")
    }
    notes = {
        r["note_id"]: r["text"] for r in read_csv(reference / "itar" / "kg" / "nodes_Note.csv")
    }
    sections = _ear_sections(reference)
    name = ruleset["id"]
    kinds = set(ruleset["item_kinds"])
    facts = set(ruleset["questions"]) | FACT_FIELDS
    for regime in ("itar", "ear"):
        block = ruleset[regime]
        quoted = [
            *block.get("order_of_review", []),
            *block["catch"],
            *block["releases"],
            block["release_kinds"],
            *block.get("notes", []),
        ]
        for key in ("cj", "subject"):
            if key in block:
                quoted.append(block[key])
        for rule in quoted:
            _check_quote(rule, f"{name}.{regime} {rule.get('id', '')}", clauses, notes, sections)
        for rule in [*block["catch"], *block["releases"]]:
            for cond in rule.get("all", [{"fact": rule.get("fact")}]):
                if cond["fact"] not in facts:
                    raise BuildError(f"{name}.{regime} {rule['id']}: unknown fact {cond['fact']}")
            bad = set(rule.get("kinds", [])) - kinds
            if bad:
                raise BuildError(f"{name}.{regime} {rule['id']}: unknown item kinds {bad}")
        if set(block["release_kinds"]["kinds"]) - kinds:
            raise BuildError(f"{name}.{regime}: unknown release kinds")
    for conflict in ruleset["conflicts"]:
        for fact in [*conflict.get("any_true", []), *conflict.get("all_true", [])]:
            if fact not in facts:
                raise BuildError(f"{name} conflict {conflict['id']}: unknown fact {fact}")
        bad_kinds = set(conflict.get("when_kind_in", [])) - kinds
        if bad_kinds:
            raise BuildError(f"{name} conflict {conflict['id']}: unknown item kinds {bad_kinds}")
        if not conflict.get("justification", "").strip():
            raise BuildError(f"{name} conflict {conflict['id']}: quotes no justification")


def build(reference: Path) -> dict[str, Any]:
    rulesets = {}
    for path in sorted((DATA / "rulesets").glob("*.json")):
        ruleset = read_json(path)
        if ruleset["id"] != path.stem:
            raise BuildError(f"{path.name}: id {ruleset['id']!r} does not match the file name")
        check_ruleset(ruleset, reference)
        rulesets[ruleset["id"]] = ruleset
    if "baseline" not in rulesets:
        raise BuildError("data/rulesets/baseline.json (today's rules) is missing")
    return {"default": "baseline", "rulesets": rulesets}
