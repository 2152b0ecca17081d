"""The agreement rules of part 124 and § 126.18 (data/law/<regime>/*.json of kind
"agreement_rules"), checked and emitted as agreements.json, with the reform scenarios they serve.

Every quote is checked against its source by :mod:`.lawdata` (as for every law file).  On top of
that, this build checks what the planner relies on (docs/agreements.md, "Rule vocabulary"):

* every rule has a known ``type`` and ``authority``; a ``guideline`` is DDTC guidance and nothing
  else is; rule ids are unique across the files;
* every fact a ``when``, a ``requires`` or an ``asks`` names is declared (with its question) in
  the file's ``facts`` or ``derived_facts``, and a fact is declared the same way in every file;
* every ``countries_within`` / ``country_set`` names a country set of the law's country data;
* every ``requires`` / ``requires_any`` names a rule of the same file;
* every ``deadline`` / ``wait`` / ``limit`` figure is written in its quote as ``written`` says;
* every amount a rule reads by reference (``thresholds_by_reference``) is a row and a field of
  the § 123.15(a) amounts file;
* a reserved section carries its date.

The scenario files of ``data/reforms/*.json`` that change the agreement rules (``applies_to``
kinds, an ``allow_territory_selection`` change) are checked quote by quote and bundled under
``scenarios``: the library's reform functions read them from the law, never from the repository.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from exportctl.corpus.exemptions import cfr_order

from . import lawdata
from .common import DATA, BuildError, read_json

#: Reference files the agreement rules are checked against (their hashes go into the manifest).
INPUTS = [
    "itar/kg/nodes_Clause.csv",
    "itar/kg/nodes_Section.csv",
    "itar/kg/nodes_Note.csv",
    "itar/agreements_exemptions_sources.md",
    "../seeds/dib-innovation-cooperation-with-allies-report.txt",
]

REFORMS = DATA / "reforms"
TYPES = frozenset(
    {
        "clause",
        "information",
        "statement",
        "filing",
        "signature",
        "certification",
        "guideline",
        "condition",
    }
)
AUTHORITIES = frozenset({"regulation", "ddtc_guidance"})
#: Keys of a ``when`` condition that are grammar, not facts (docs/agreements.md).
GRAMMAR = frozenset(
    {
        "any",
        "all",
        "not",
        "fact",
        "amount",
        "comparator",
        "source",
        "quote",
        "countries_within",
        "requires",
        "requires_any",
    }
)
_NUMBER_WORDS = {"one": 1, "five": 5, "fifteen": 15, "thirty": 30, "sixty": 60, "ten": 10}
_FIGURE = re.compile(r"^(\d+|[a-z]+) (calendar days|days|years|year)$")


def _bundled(path: Path) -> bool:
    law = DATA / "law"
    return (law / "pending") not in path.parents and (law / "sources") not in path.parents


def _facts_in(when: Any, where: str, rule_ids: set[str], sets: set[str]) -> list[str]:
    """The facts a ``when`` names; grammar errors raise BuildError."""
    if not isinstance(when, dict):
        raise BuildError(f"{where}: 'when' must be an object")
    out: list[str] = []
    for key, value in when.items():
        if key in ("any", "all"):
            if not isinstance(value, list) or not value:
                raise BuildError(f"{where}: {key!r} needs a non-empty list of conditions")
            for sub in value:
                out += _facts_in(sub, where, rule_ids, sets)
        elif key == "not":
            out += _facts_in(value, where, rule_ids, sets)
        elif key == "fact":
            out.append(value)
        elif key == "countries_within":
            if value not in sets:
                raise BuildError(f"{where}: countries_within names no country set {value!r}")
        elif key == "requires":
            if value not in rule_ids:
                raise BuildError(f"{where}: requires names no rule of its file: {value!r}")
        elif key == "requires_any":
            missing = [v for v in value if v not in rule_ids]
            if missing:
                raise BuildError(f"{where}: requires_any names no rule of its file: {missing}")
        elif key in GRAMMAR:
            continue
        else:
            out.append(key)
    return out


def _check_figure(where: str, node: dict[str, Any], quote: str) -> None:
    """A deadline/wait/limit: its figure as the quote writes it, and the number it means."""
    written = node.get("written")
    if not isinstance(written, str) or lawdata.norm(written) not in lawdata.norm(quote):
        raise BuildError(f"{where}: figure {written!r} is not written in the quote")
    match = _FIGURE.match(written)
    if match is None:
        raise BuildError(f"{where}: cannot read the figure {written!r}")
    number, unit = match.groups()
    value = int(number) if number.isdigit() else _NUMBER_WORDS.get(number)
    key = "years" if unit.startswith("year") else "days"
    if value is None or node.get(key) != value:
        raise BuildError(f"{where}: {written!r} does not say {key} = {node.get(key)!r}")


def _country_sets() -> set[str]:
    sets = set(read_json(DATA / "errata" / "country_sets.json")["sets"])
    return sets | {"nato", "eu"}


def _check_thresholds(where: str, rule: dict[str, Any], amounts: dict[str, Any]) -> None:
    ref = rule.get("thresholds_by_reference")
    if ref is None:
        return
    rows = {row["id"]: row for row in amounts["rows"]}
    for n, amount in enumerate(ref["amounts"]):
        source = amount["amount_from"]
        row = rows.get(source["row"])
        if row is None or not any(a["applies_to"] == source["field"] for a in row["amounts"]):
            raise BuildError(
                f"{where}.amounts[{n}]: {source['row']} {source['field']} is not an amount of "
                f"data/law/itar/123_15.json"
            )
        if ref["comparator"] not in {a["comparator"] for a in row["amounts"]}:
            raise BuildError(f"{where}: comparator {ref['comparator']!r} is not {row['id']}'s")


def check_section(name: str, data: dict[str, Any], sets: set[str], amounts: dict[str, Any]) -> None:
    """What the planner relies on in one file of kind "agreement_rules"."""
    for key in ("applies_to", "rules", "facts", "text_as_of"):
        if key not in data:
            raise BuildError(f"{name}: an agreement_rules file needs {key!r}")
    if data.get("reserved") is not None:
        dt.date.fromisoformat(data["reserved"]["since"])
    declared = set(data["facts"]) | set(data.get("derived_facts", {}))
    ids = [r["id"] for r in data["rules"]]
    if len(ids) != len(set(ids)):
        raise BuildError(f"{name}: a rule id is used twice")
    rule_ids = set(ids)
    for rule in data["rules"]:
        where = f"{name} {rule.get('id')}"
        if rule.get("type") not in TYPES:
            raise BuildError(f"{where}: type {rule.get('type')!r} is not one of {sorted(TYPES)}")
        if rule.get("authority") not in AUTHORITIES:
            raise BuildError(f"{where}: authority must be one of {sorted(AUTHORITIES)}")
        if (rule["type"] == "guideline") != (rule["authority"] == "ddtc_guidance"):
            raise BuildError(f"{where}: a guideline is DDTC guidance, and only a guideline is")
        facts = _facts_in(rule.get("when", {}), where, rule_ids, sets)
        facts += list(rule.get("asks", ()))
        requires = rule.get("requires")
        if isinstance(requires, dict):
            facts += list(requires)
        if rule.get("fact"):
            facts.append(rule["fact"])
        undeclared = [f for f in facts if f not in declared]
        if undeclared:
            raise BuildError(f"{where}: facts {undeclared} are not declared in the file")
        if rule.get("country_set") and rule["country_set"] not in sets:
            raise BuildError(f"{where}: no country set {rule['country_set']!r}")
        if rule.get("deadline"):
            _check_figure(f"{where} deadline", rule["deadline"], rule["quote"])
        for n, wait in enumerate(rule.get("wait", ())):
            _check_figure(f"{where} wait[{n}]", wait, rule["quote"])
            _facts_in(wait.get("when", {}), where, rule_ids, sets)
        if rule.get("limit"):
            _check_figure(f"{where} limit", rule["limit"], rule["quote"])
        for n, deadline in enumerate(rule.get("statement_deadlines", ())):
            _check_figure(f"{where} statement_deadlines[{n}]", deadline, rule["quote"])
        _check_thresholds(where, rule, amounts)


def _scenario(reference: Path, path: Path, kinds: set[str], sets: set[str]) -> dict[str, Any]:
    """One reform scenario of the agreement rules, every quote checked."""
    data: dict[str, Any] = read_json(path)
    name = f"reforms/{path.name}"
    for where, node in lawdata._quoted_nodes(data, name):
        lawdata.check_quote(reference, where, node.get("source"), node.get("quote"))
    if data.get("name") != path.stem:
        raise BuildError(f"{name}: 'name' must be the file's name, {path.stem!r}")
    wrong = set(data["applies_to"]["kinds"]) - kinds
    if wrong:
        raise BuildError(f"{name}: applies_to names kinds no agreement rule knows: {wrong}")
    for change in data["changes"]:
        if change["op"] == "allow_territory_selection" and change["country_set"] not in sets:
            raise BuildError(f"{name}: no country set {change['country_set']!r}")
    return data


def build(reference: Path) -> dict[str, Any]:
    """Every agreement rule file (checked) and the scenarios that change them."""
    files = [p for p in lawdata.law_files() if _bundled(p)]
    sets = _country_sets()
    amounts = read_json(DATA / "law" / "itar" / "123_15.json")
    sections: list[dict[str, Any]] = []
    facts: dict[str, Any] = {}
    derived: dict[str, str] = {}
    seen: dict[str, str] = {}
    for path in files:
        data = lawdata.check_file(reference, path)
        if data["kind"] != "agreement_rules":
            continue
        name = path.relative_to(DATA / "law").as_posix()
        check_section(name, data, sets, amounts)
        for rule in data["rules"]:
            if rule["id"] in seen:
                raise BuildError(f"{name}: rule {rule['id']!r} is also in {seen[rule['id']]}")
            seen[rule["id"]] = name
        for fact, spec in data["facts"].items():
            if facts.setdefault(fact, spec) != spec:
                raise BuildError(f"{name}: fact {fact!r} is declared differently elsewhere")
        derived.update(data.get("derived_facts", {}))
        sections.append({**data, "file": f"data/law/{name}"})
    if not sections:
        raise BuildError("no agreement_rules file in data/law")
    sections.sort(key=lambda s: cfr_order(s["key"]))
    kinds = {k for s in sections for k in s["applies_to"]}
    scenarios = {}
    for path in sorted(REFORMS.glob("*.json")) if REFORMS.is_dir() else []:
        if read_json(path).get("kind") == "exemption":
            continue  # an exemption a reform adds (data/reforms/*.exemption.json), not a scenario
        scenario = _scenario(reference, path, kinds, sets)
        scenarios[scenario["name"]] = {**scenario, "file": f"data/reforms/{path.name}"}
    return {
        "what": (
            "The agreement rules of 22 CFR part 124 and 126.18(a)-(d), one entry per file of "
            "data/law of kind agreement_rules (docs/agreements.md), and the reform scenarios "
            "of data/reforms that change them."
        ),
        "text_as_of": max(s["text_as_of"] for s in sections),
        "sections": sections,
        "facts": facts,
        "derived_facts": derived,
        "scenarios": scenarios,
    }
