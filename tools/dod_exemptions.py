"""Organisation guidelines for DoD-certified exemptions (the file check) and the
condition-by-condition table of the law data (docs/dod-exemptions.md).

Usage:  python tools/dod_exemptions.py check FILE.toml    validate a guidelines file
        python tools/dod_exemptions.py table              print the checklist table

The guidelines format and its validator live in the library (:mod:`exportctl.corpus.guidelines`:
one implementation, errors naming the line); ``exportctl exemptions check --guidelines FILE``
applies a file at run time.  This tool reads the law files as data (``data/law``, not the built
bundle) so that the table and the check work on a checkout before the build.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from exportctl.corpus.guidelines import (
    CONFIRMERS,
    FORMAT,
    Condition,
    GuidelineError,
    Guidelines,
    GuidelinesInvalid,
    check_guidelines,
)

__all__ = [
    "CONFIRMERS",
    "FORMAT",
    "Condition",
    "GuidelineError",
    "Guidelines",
    "GuidelinesInvalid",
    "check_guidelines",
    "checklist_markdown",
    "checklist_rows",
    "law_facts",
    "load_guidelines",
    "read_law",
]

ROOT = Path(__file__).resolve().parents[1]
LAW = ROOT / "data" / "law"

#: The readings of issue 11 (the DoD-certified exemptions, the other § 125.4 paragraphs and the
#: condition groups they carry): the table of docs/dod-exemptions.md lists these.
ISSUE_11 = ("125.4", "126.4", "120.15", "125.1")


def load_guidelines(text: str, law: Mapping[str, Mapping[str, Mapping[str, Any]]]) -> Guidelines:
    """The guidelines, or :class:`GuidelinesInvalid` naming every error and its line."""
    found, errors = check_guidelines(text, law)
    if found is None:
        raise GuidelinesInvalid(errors)
    return found


# ------------------------------------------------------------------------------------------
# What the law offers (from data/law), and the checklist table


def read_law(root: Path = LAW, keys: tuple[str, ...] = ISSUE_11) -> dict[str, dict[str, Any]]:
    """The exemption and condition-group files whose key starts with one of ``keys``, by
    ``kind:key`` (read only; the build's checker verifies the quotes)."""
    out: dict[str, dict[str, Any]] = {}
    for path in sorted(root.rglob("*.json")):
        if (root / "sources") in path.parents:
            continue
        data = json.loads(path.read_text(encoding="utf-8"))
        if data["kind"] in ("exemption", "conditions") and data["key"].startswith(keys):
            out[f"{data['kind']}:{data['key']}"] = data
    return out


def requirements(node: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
    """Every requirement of a version (or a branch), depth first, shared groups included."""
    for req in node.get("requirements", []):
        yield req
        for branch in req.get("branches", []):
            yield from requirements(branch)
    for group in node.get("shared", {}).values():
        yield from requirements({"requirements": group})


def branch_keys(exemption: Mapping[str, Any]) -> list[str]:
    return [
        b["key"]
        for v in exemption["versions"]
        for r in requirements(v)
        for b in r.get("branches", [])
        if "key" in b
    ]


def law_facts(law: Mapping[str, Mapping[str, Any]]) -> dict[str, dict[str, dict[str, Any]]]:
    """Exemption key (and branch key) -> the facts it reads: its own and its carried groups'."""
    groups = {d["key"]: d for k, d in law.items() if k.startswith("conditions:")}
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for name, data in law.items():
        if not name.startswith("exemption:"):
            continue
        facts = dict(data.get("facts", {}))
        for carried in data.get("carries", []):
            facts.update(groups[carried].get("facts", {}))
        for key in (data["key"], *branch_keys(data)):
            out[key] = facts
    return out


def _params(req: Mapping[str, Any]) -> str:
    skip = {"name", "id", "test", "reads", "confirmed_by", "source", "quote", "because", "note",
            "branches"}
    return ", ".join(
        f"{k}={json.dumps(v, ensure_ascii=False)}" for k, v in req.items() if k not in skip
    )


def _natural(text: str) -> list[Any]:
    """'125.4(b)(10)' after '125.4(b)(9)'."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text)]


def _leaves(
    reqs: list[dict[str, Any]], where: str
) -> Iterator[tuple[str, dict[str, Any]]]:
    for req in reqs:
        if req["test"] == "any_of":
            for branch in req["branches"]:
                inner = branch.get("key") or f"{where} {branch['id'].removeprefix('22 CFR ')}"
                yield from _leaves(branch["requirements"], inner.strip())
        elif req["test"] == "shared":
            yield "", {**req, "where": where}
        else:
            yield where, req


def checklist_rows(law: Mapping[str, Mapping[str, Any]]) -> list[tuple[str, ...]]:
    """(exemption, branch, paragraph, condition, test and parameters, facts, confirmed by) for
    every leaf requirement of every exemption and condition group; a shared group's
    requirements are listed once, under the name of the group."""
    rows: list[tuple[str, ...]] = []
    kinds = ("exemption:", "conditions:")  # part 124's agreement rules have no checklist
    ordered = sorted(
        (k for k in law if k.startswith(kinds)),
        key=lambda k: (not k.startswith("exemption:"), _natural(k)),
    )
    for name in ordered:
        data = law[name]
        owner = data["key"] if data["kind"] == "exemption" else f"[group {data['key']}]"
        for version in data["versions"]:
            found = list(_leaves(version["requirements"], ""))
            for ref, group in version.get("shared", {}).items():
                found.extend(_leaves(group, f"shared {ref}"))
            for where, req in found:
                if req["test"] == "shared":
                    rows.append((owner, req["where"] or "all", req["id"].removeprefix("22 CFR "),
                                 req["name"], f"shared {req['ref']}", "", ""))
                    continue
                rows.append((
                    owner,
                    where or "all",
                    req["id"].removeprefix("22 CFR "),
                    req["name"],
                    f"{req['test']}({_params(req)})",
                    ", ".join(req.get("reads", [])),
                    req["confirmed_by"],
                ))
    return rows


def checklist_markdown(law: Mapping[str, Mapping[str, Any]]) -> str:
    head = (
        "| exemption | branch | paragraph | condition | test | facts | confirmed by |\n"
        "|---|---|---|---|---|---|---|"
    )
    body = "\n".join("| " + " | ".join(c.replace("|", "\\|") for c in row) + " |"
                     for row in checklist_rows(law))
    return f"{head}\n{body}\n"


def main(argv: list[str]) -> int:
    law = read_law()
    if argv[:1] == ["table"]:
        sys.stdout.write(checklist_markdown(law))
        return 0
    if len(argv) == 2 and argv[0] == "check":
        path = Path(argv[1])
        found, errors = check_guidelines(path.read_text(encoding="utf-8"), law_facts(law))
        for error in errors:
            print(f"{path}:{error}", file=sys.stderr)
        if found is not None:
            print(f"{path}: {len(found.conditions)} conditions, sha256 {found.sha256}")
        return 1 if errors else 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
