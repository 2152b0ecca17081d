"""Organisation guidelines for DoD-certified exemptions: the file format's validator, and the
condition-by-condition table of the law data (docs/dod-exemptions.md).

Usage:  python tools/dod_exemptions.py check FILE.toml    validate a guidelines file
        python tools/dod_exemptions.py table              print the checklist table

A guidelines file (TOML, format ``exportctl-guidelines/1``) lists the extra conditions a DoD
component or a company requires on top of the regulation's: each with an id, its text, who
confirms it (``exporter`` or ``dod_official``), the exemptions it applies to, and either a yes/no
``question`` or a ``fact`` of the law it reads (with ``equals`` or ``in``), and the source it
comes from.  :func:`check_guidelines` is pure: it takes the file's text and what the law offers
(the exemption keys and the facts each can read) and returns the parsed guidelines and every
error, each naming its line.  The runtime loader (``--guidelines FILE``) comes with the engine.

TOML was chosen over a line-oriented format because people edit these files by hand and TOML
gives strings, lists and booleans without a home-made grammar; ``tomllib`` reports syntax errors
with their line, and for semantic errors this module keeps a line map (the line of each
``[[condition]]`` header and of each ``key =`` in it).  A value that is not on a ``key =`` line
of its own (a dotted key, an inline table) is reported at its table's header line.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
LAW = ROOT / "data" / "law"

FORMAT = "exportctl-guidelines/1"
CONFIRMERS = ("exporter", "dod_official")
_ID = re.compile(r"[a-z0-9][a-z0-9-]*")
_TOML_LINE = re.compile(r"at line (\d+)")
_HEADER = re.compile(r"^\s*(\[\[?)\s*([A-Za-z0-9_.-]+)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r"""^\s*([A-Za-z0-9_-]+|"[^"]*"|'[^']*')\s*=""")

ROOT_KEYS = {"format", "guidelines", "source", "condition"}
GUIDELINES_KEYS = {"id": True, "title": True, "issuer": True, "illustrative": False,
                   "notice": False, "as_of": False}
SOURCE_KEYS = {"id": True, "title": True, "url": False, "reference": False, "tag": False,
               "note": False}
CONDITION_KEYS = {"id": True, "applies_to": True, "text": True, "confirmed_by": True,
                  "question": False, "fact": False, "equals": False, "in": False,
                  "source": True, "quote": True, "see": False}


@dataclass(frozen=True)
class GuidelineError:
    """One problem in a guidelines file, at a line (1-based)."""

    line: int
    field: str
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.field}: {self.reason}"


@dataclass(frozen=True)
class Condition:
    id: str
    applies_to: tuple[str, ...]
    text: str
    confirmed_by: str
    question: str | None
    fact: str | None
    equals: Any
    within: tuple[Any, ...] | None
    source: str
    quote: str
    see: tuple[str, ...]
    line: int


@dataclass(frozen=True)
class Guidelines:
    id: str
    title: str
    issuer: str
    illustrative: bool
    sha256: str
    conditions: tuple[Condition, ...]
    sources: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)


class GuidelinesInvalid(ValueError):
    """A guidelines file that does not validate; ``errors`` names every problem and its line."""

    def __init__(self, errors: list[GuidelineError]) -> None:
        super().__init__("\n".join(str(e) for e in errors))
        self.errors = errors


# ------------------------------------------------------------------------------------------
# Line map


@dataclass
class _Table:
    line: int
    keys: dict[str, int] = field(default_factory=dict)


@dataclass
class _LineMap:
    root: _Table = field(default_factory=lambda: _Table(1))
    tables: dict[str, _Table] = field(default_factory=dict)
    arrays: dict[str, list[_Table]] = field(default_factory=dict)

    def line(self, table: str | None, index: int | None = None, key: str | None = None) -> int:
        where = self.root
        if table is not None and index is None:
            where = self.tables.get(table, self.root)
        elif table is not None and index is not None:
            entries = self.arrays.get(table, [])
            where = entries[index] if index < len(entries) else self.root
        if key is not None and key in where.keys:
            return where.keys[key]
        return where.line


def _line_map(text: str) -> _LineMap:
    """Where each table header and each ``key =`` is (skipping multi-line strings)."""
    out = _LineMap()
    current = out.root
    in_string: str | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        if in_string is not None:
            if raw.count(in_string) % 2 == 1:
                in_string = None
            continue
        header = _HEADER.match(raw)
        key = None if header else _KEY.match(raw)
        if header:
            current = _Table(number)
            if header.group(1) == "[[":
                out.arrays.setdefault(header.group(2), []).append(current)
            else:
                out.tables[header.group(2)] = current
        elif key:
            name = key.group(1).strip("\"'")
            current.keys.setdefault(name, number)
        for delimiter in ('"""', "'''"):
            if raw.count(delimiter) % 2 == 1:
                in_string = delimiter
                break
    return out


# ------------------------------------------------------------------------------------------
# Validation


def _check_keys(
    data: Mapping[str, Any],
    spec: Mapping[str, bool],
    where: str,
    line: Any,
    errors: list[GuidelineError],
) -> None:
    for key in data:
        if key not in spec:
            errors.append(GuidelineError(line(key), f"{where}.{key}", "unknown key"))
    for key, required in spec.items():
        if required and key not in data:
            errors.append(GuidelineError(line(None), f"{where}.{key}", "is required"))


def _text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _value_fits(value: Any, spec: Mapping[str, Any]) -> str | None:
    """Why ``value`` cannot be a value of the fact ``spec`` (None when it can)."""
    kind = spec.get("type")
    if kind == "bool":
        return None if isinstance(value, bool) else "must be true or false (a yes/no fact)"
    if kind in ("enum", "list"):
        values = spec.get("values", [])
        return None if value in values else f"must be one of {', '.join(values)}"
    if kind == "structural":
        return "a structural fact cannot be compared here; ask a question instead"
    return None


def check_guidelines(
    text: str, law: Mapping[str, Mapping[str, Mapping[str, Any]]]
) -> tuple[Guidelines | None, list[GuidelineError]]:
    """Validate a guidelines file.

    ``law`` maps each exemption key (or branch key, e.g. ``126.4(b)(2)``) a condition may apply
    to, to the facts that exemption reads (name -> its definition with ``type`` and, for enums,
    ``values``).  Returns the guidelines (None when there are errors) and every error found.
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = _TOML_LINE.search(str(exc))
        return None, [GuidelineError(int(found.group(1)) if found else 1, "toml", str(exc))]
    lines = _line_map(text)
    errors: list[GuidelineError] = []

    _check_keys(data, dict.fromkeys(ROOT_KEYS, False), "file", lambda k: lines.line(None, None, k),
                errors)
    if data.get("format") != FORMAT:
        errors.append(GuidelineError(lines.line(None, None, "format"), "format",
                                     f"must be {FORMAT!r}"))

    head = data.get("guidelines")
    if not isinstance(head, dict):
        errors.append(GuidelineError(1, "guidelines", "a [guidelines] table is required"))
        head = {}
    else:
        _check_keys(head, GUIDELINES_KEYS, "guidelines",
                    lambda k: lines.line("guidelines", None, k), errors)
        for key in ("id", "title", "issuer"):
            if key in head and not _text(head[key]):
                errors.append(GuidelineError(lines.line("guidelines", None, key),
                                             f"guidelines.{key}", "must be a non-empty string"))
        if "id" in head and _text(head["id"]) and not _ID.fullmatch(head["id"]):
            errors.append(GuidelineError(lines.line("guidelines", None, "id"), "guidelines.id",
                                         "use lower-case letters, digits and '-'"))
        if "illustrative" in head and not isinstance(head["illustrative"], bool):
            errors.append(GuidelineError(lines.line("guidelines", None, "illustrative"),
                                         "guidelines.illustrative", "must be true or false"))

    sources: dict[str, dict[str, Any]] = {}
    raw_sources = data.get("source", [])
    if not isinstance(raw_sources, list):
        errors.append(GuidelineError(lines.line(None, None, "source"), "source",
                                     "use [[source]] tables"))
        raw_sources = []
    for n, src in enumerate(raw_sources):
        where = f"source[{n + 1}]"

        def sline(key: str | None, n: int = n) -> int:
            return lines.line("source", n, key)

        if not isinstance(src, dict):
            errors.append(GuidelineError(sline(None), where, "must be a table"))
            continue
        _check_keys(src, SOURCE_KEYS, where, sline, errors)
        sid = src.get("id")
        if not (isinstance(sid, str) and _ID.fullmatch(sid)):
            errors.append(GuidelineError(sline("id"), f"{where}.id",
                                         "use lower-case letters, digits and '-'"))
        elif sid in sources:
            errors.append(GuidelineError(sline("id"), f"{where}.id", f"{sid!r} is used twice"))
        else:
            sources[sid] = src
        for key in ("title", "url", "reference", "tag", "note"):
            if key in src and not _text(src[key]):
                errors.append(GuidelineError(sline(key), f"{where}.{key}",
                                             "must be a non-empty string"))
        if "url" not in src and "reference" not in src:
            errors.append(GuidelineError(sline(None), where, "needs a 'url' or a 'reference'"))

    conditions: list[Condition] = []
    raw_conditions = data.get("condition", [])
    if not isinstance(raw_conditions, list) or not raw_conditions:
        errors.append(GuidelineError(lines.line(None, None, "condition"), "condition",
                                     "at least one [[condition]] table is required"))
        raw_conditions = []
    seen: set[str] = set()
    for n, cond in enumerate(raw_conditions):
        parsed = _condition(cond, n, lines, law, sources, seen, errors)
        if parsed is not None:
            conditions.append(parsed)

    if errors:
        return None, sorted(errors, key=lambda e: e.line)
    return (
        Guidelines(
            id=head["id"],
            title=head["title"],
            issuer=head["issuer"],
            illustrative=bool(head.get("illustrative", False)),
            sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
            conditions=tuple(conditions),
            sources=sources,
        ),
        [],
    )


def _condition(
    cond: Any,
    n: int,
    lines: _LineMap,
    law: Mapping[str, Mapping[str, Mapping[str, Any]]],
    sources: Mapping[str, Any],
    seen: set[str],
    errors: list[GuidelineError],
) -> Condition | None:
    where = f"condition[{n + 1}]"

    def line(key: str | None) -> int:
        return lines.line("condition", n, key)

    def err(key: str | None, reason: str) -> None:
        errors.append(GuidelineError(line(key), f"{where}.{key}" if key else where, reason))

    if not isinstance(cond, dict):
        err(None, "must be a table")
        return None
    before = len(errors)
    _check_keys(cond, CONDITION_KEYS, where, line, errors)
    cid = cond.get("id")
    if isinstance(cid, str) and _ID.fullmatch(cid):
        where = f"condition {cid!r}"
        if cid in seen:
            err("id", "is used twice")
        seen.add(cid)
    elif "id" in cond:
        err("id", "use lower-case letters, digits and '-'")
    for key in ("text", "quote"):
        if key in cond and not _text(cond[key]):
            err(key, "must be a non-empty string")
    if "confirmed_by" in cond and cond["confirmed_by"] not in CONFIRMERS:
        err("confirmed_by", f"must be one of {', '.join(CONFIRMERS)}")
    applies = cond.get("applies_to")
    if "applies_to" in cond:
        if not (isinstance(applies, list) and applies and all(isinstance(a, str) for a in applies)):
            err("applies_to", "must be a non-empty list of exemption keys, e.g. [\"125.4(b)(1)\"]")
            applies = []
        for key in applies:
            if key not in law:
                known = ", ".join(sorted(law))
                err("applies_to", f"{key!r} is not an exemption of the law ({known})")
    else:
        applies = []
    has_question, has_fact = "question" in cond, "fact" in cond
    if has_question == has_fact:
        err(None, "give either a yes/no 'question' or a 'fact' it reads (not both)")
    if has_question:
        question = cond["question"]
        if not (_text(question) and question.rstrip().endswith("?")):
            err("question", "must be a yes/no question ending with '?'")
        for key in ("equals", "in"):
            if key in cond:
                err(key, "only with 'fact'")
    if has_fact:
        fact = cond["fact"]
        if ("equals" in cond) == ("in" in cond):
            err("fact", "give 'equals' or 'in' with the fact")
        for key in applies:
            spec = law.get(key, {}).get(fact) if isinstance(fact, str) else None
            if key in law and spec is None:
                err("fact", f"{fact!r} is not a fact {key} reads")
            elif spec is not None:
                values = [cond["equals"]] if "equals" in cond else cond.get("in")
                if not isinstance(values, list) or not values:
                    err("in", "must be a non-empty list")
                    continue
                for value in values:
                    why = _value_fits(value, spec)
                    if why:
                        err("equals" if "equals" in cond else "in", f"{value!r} {why}")
    src = cond.get("source")
    if "source" in cond and src not in sources:
        err("source", f"{src!r} is not a [[source]] id")
    see = cond.get("see", [])
    if not (isinstance(see, list) and all(s in sources for s in see)):
        err("see", "must list [[source]] ids")
        see = []
    if len(errors) > before:
        return None
    within = cond.get("in")
    return Condition(
        id=cond["id"],
        applies_to=tuple(applies),
        text=cond["text"],
        confirmed_by=cond["confirmed_by"],
        question=cond.get("question"),
        fact=cond.get("fact"),
        equals=cond.get("equals"),
        within=tuple(within) if isinstance(within, list) else None,
        source=cond["source"],
        quote=cond["quote"],
        see=tuple(see),
        line=line(None),
    )


def load_guidelines(text: str, law: Mapping[str, Mapping[str, Mapping[str, Any]]]) -> Guidelines:
    """The guidelines, or :class:`GuidelinesInvalid` naming every error and its line."""
    found, errors = check_guidelines(text, law)
    if found is None:
        raise GuidelinesInvalid(errors)
    return found


# ------------------------------------------------------------------------------------------
# What the law offers (from data/law), and the checklist table


def read_law(root: Path = LAW) -> dict[str, dict[str, Any]]:
    """The law files by ``kind:key`` (read only; the build's checker verifies the quotes)."""
    out: dict[str, dict[str, Any]] = {}
    for path in sorted(root.rglob("*.json")):
        if (root / "sources") in path.parents:
            continue
        data = json.loads(path.read_text(encoding="utf-8"))
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
