"""The ITAR exemptions exportctl decides (data/exemptions/), checked against the text.

Every requirement of 22 CFR 126.7 (each dated version) and 22 CFR 126.5 quotes the text it
implements; the build checks each quote against the reference (``itar/aukus_126_7.json`` for
§ 126.7, whose paragraphs carry the version they were confirmed in, and ``itar/kg`` clauses for
§ 126.5 and § 123.15).  The § 123.15 dollar thresholds must appear in the clause as written.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from exportctl.engine.authorize import REQUIREMENT_TESTS

from .common import DATA, BuildError, read_csv, read_json


def _norm(text: str) -> str:
    return " ".join(text.split())


def _sources(reference: Path) -> dict[str, str]:
    texts = {
        f"clause:{r['clause_id']}": r["text"]
        for r in read_csv(reference / "itar" / "kg" / "nodes_Clause.csv")
    }
    aukus = read_json(reference / "itar" / "aukus_126_7.json")
    for p in aukus["section_126_7"]["paragraphs"]:
        for version in ("IFR_2024", "FINAL_2025"):
            block = p.get(version) or {}
            if block.get("status") != "CONFIRMED_VERBATIM":
                continue
            if block.get("text"):
                texts[f"{p['cite']}:{version}"] = block["text"]
            if block.get("items"):
                texts[f"{p['cite']}:{version}:items"] = " ".join(block["items"].values())
    return texts


def _check(rule: dict[str, Any], texts: dict[str, str], where: str, key: str = "quote") -> None:
    source = texts.get(rule["source"])
    if source is None:
        raise BuildError(f"{where}: no verbatim reference text {rule['source']!r}")
    if _norm(rule[key]) not in _norm(source):
        raise BuildError(f"{where}: {rule[key]!r} is not in {rule['source']}")


def build(reference: Path) -> dict[str, Any]:
    data: dict[str, Any] = read_json(DATA / "exemptions" / "exemptions.json")
    texts = _sources(reference)
    known_facts = set(data["facts"])
    for reading in ("etl.json", "supp1.json"):
        known_facts |= set(read_json(DATA / "errata" / reading)["facts"])
    rules = {r["id"]: r for r in read_json(DATA / "errata" / "regulation_versions.json")["rules"]}
    for version in data["aukus_126_7"]["versions"]:
        rule = rules.get(version["id"])
        dates = (version["effective_from"], version["effective_until"])
        if rule is None or (rule["effective_from"], rule["effective_until"]) != dates:
            raise BuildError(
                f"{version['id']}: its dates {dates} differ from regulation_versions.json"
            )
    for name in ("aukus_126_7", "canada_126_5"):
        for version in data[name]["versions"]:
            for req in version["requirements"]:
                where = f"{version['id']} {req['id']} ({req['test']})"
                _check(req, texts, where)
                for eligible in req.get("eligible", []):
                    _check(eligible, texts, f"{where} {eligible['id']}")
                if req["test"] == "fact" and req["fact"] not in known_facts:
                    raise BuildError(f"{where}: fact {req['fact']} is not defined")
    for rule in data.get("party_implications", []):
        _check(rule, texts, rule["id"])
    for rule in data["canada_126_5"]["not_exempt"]:
        for req in rule.get("requires", []):
            _check(req, texts, f"{rule['id']} requires")
        rule_with_source = {**rule}
        _check(rule_with_source, texts, rule["id"])
        if "unless_quote" in rule:
            _check(rule_with_source, texts, rule["id"], key="unless_quote")
    _check(data["thresholds_123_15"], texts, "123.15(a) destinations")
    for name in ("aukus_126_7", "canada_126_5"):
        for version in data[name]["versions"]:
            for req in version["requirements"]:
                if req["test"] not in REQUIREMENT_TESTS:
                    raise BuildError(f"{version['id']} {req['id']}: unknown test {req['test']!r}")
    for row in data["thresholds_123_15"]["rows"]:
        clause = texts.get(f"clause:{row['clause']}")
        if clause is None or _norm(row["quote"]) not in _norm(clause):
            raise BuildError(f"{row['id']}: quote not in {row['clause']}")
        amounts = [int(a.replace(",", "")) for a in re.findall(r"\$([\d,]+)", row["quote"])]
        stated = [row.get("major_defense_equipment"), row.get("defense_articles_and_services")]
        if sorted(a for a in amounts) != sorted(a for a in stated if a is not None):
            raise BuildError(f"{row['id']}: amounts {stated} differ from the text {amounts}")
    return data
