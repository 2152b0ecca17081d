"""The exemptions of the law, built from their files in data/law/ (one per paragraph group).

Every file of kind "exemption" under ``data/law/<regime>/`` becomes an exemption of the bundled
law, every file of kind "conditions" a condition group the exemptions carry (§ 125.4(a),
§ 120.15, § 125.1(b)); files under ``data/law/pending/`` (if any) are readings whose evaluators
are not built yet and are checked (their quotes) but not bundled.  The build checks, for every
exemption and group: every quote against its source (:mod:`.lawdata`); every requirement test —
in branches, shared groups and the conditions of exceptions too — is one the engine's registry
knows; requirement names are unique in their file; versions take effect on increasing dates;
every fact a requirement reads (``fact``, ``unless_fact``, ``if``/``then``, ``reads``) is a
question of the law; every ``shared`` reference exists; every group an exemption carries exists;
every exception names an exemption or branch the law holds and requirements the group has; every
amount with its comparator is written in its quote.  Nobody lists the exemptions: the engine,
the CLI's columns, the testing kit and this build find them in the files.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from exportctl.corpus.exemptions import cfr_order
from exportctl.engine.requirements import REQUIREMENT_TESTS

from . import lawdata
from .common import DATA, BuildError, read_json

PENDING = DATA / "law" / "pending"


def _bundled(path: Path) -> bool:
    return PENDING not in path.parents and (DATA / "law" / "sources") not in path.parents


def _walk(reqs: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for req in reqs:
        yield req
        for branch in req.get("branches", ()):
            yield from _walk(branch.get("requirements", []))


def _requirements(node: dict[str, Any]) -> list[dict[str, Any]]:
    """Every requirement of a version: its own (branches included), its paths' and its shared
    groups'."""
    out = list(_walk(node.get("requirements", [])))
    for path in node.get("paths", ()):
        out.extend(_walk(path.get("requires", [])))
    for group in node.get("shared", {}).values():
        out.extend(_walk(group))
    return out


def _facts_read(req: dict[str, Any]) -> list[str]:
    found = [req.get("fact"), req.get("unless_fact")]
    for part in ("if", "then"):
        if isinstance(req.get(part), dict):
            found.append(req[part].get("fact"))
    found.extend(req.get("reads", ()))
    return [f for f in found if isinstance(f, str) and f]


def _check_requirement(where: str, req: dict[str, Any], known: set[str]) -> None:
    if req.get("test") not in REQUIREMENT_TESTS:
        raise BuildError(
            f"{where}: unknown test {req.get('test')!r}; the engine knows "
            f"{', '.join(sorted(REQUIREMENT_TESTS))}"
        )
    for fact in _facts_read(req):
        if fact not in known:
            raise BuildError(f"{where}: fact {fact!r} is not a question of the law")


def _check_reading(name: str, data: dict[str, Any], facts: set[str]) -> set[str]:
    """What exemptions and condition groups share: dated versions, known tests and facts,
    unique names, shared references.  Returns the requirement names."""
    if "versions" not in data:
        raise BuildError(f"{name}: needs 'versions'")
    starts = [v.get("effective_from") for v in data["versions"]]
    if any(s is None for s in starts[1:]) or [s for s in starts if s] != sorted(
        s for s in starts if s
    ):
        raise BuildError(f"{name}: versions must take effect on increasing dates")
    known = facts | set(data.get("facts", {}))
    names: set[str] = set()
    for version in data["versions"]:
        seen: set[str] = set()
        for req in _requirements(version):
            where = f"{name} {version['id']} {req.get('id')} ({req.get('test')})"
            _check_requirement(where, req, known)
            if req.get("name"):
                if req["name"] in seen:
                    raise BuildError(f"{where}: the name {req['name']!r} is used twice")
                seen.add(req["name"])
            if req.get("test") == "shared" and req.get("ref") not in version.get("shared", {}):
                raise BuildError(f"{where}: no shared group {req.get('ref')!r} in the version")
        names |= seen
    for path in data.get("paths", ()):
        if path.get("unless_fact") and path["unless_fact"] not in known:
            raise BuildError(f"{name} {path['id']}: fact {path['unless_fact']!r} is undefined")
    return names


def _check_exemption(name: str, data: dict[str, Any], facts: set[str]) -> None:
    for key in ("column", "versions"):
        if key not in data:
            raise BuildError(f"{name}: an exemption needs {key!r}")
    _check_reading(name, data, facts)


def _branch_keys(data: dict[str, Any]) -> set[str]:
    return {
        b["key"]
        for v in data["versions"]
        for r in _requirements(v)
        for b in r.get("branches", ())
        if b.get("key")
    }


def _check_groups(
    groups: dict[str, tuple[str, dict[str, Any]]],
    exemptions: list[dict[str, Any]],
    facts: set[str],
) -> None:
    """Every carried group exists; every exception names a holder and requirements it has."""
    holders = {"*"}
    for e in exemptions:
        holders |= {e["key"], *_branch_keys(e)}
        for key in e.get("carries", ()):
            if key not in groups:
                raise BuildError(
                    f"{e['file']}: carries {key!r}, which no file of kind 'conditions' defines"
                )
    for key, (name, data) in groups.items():
        names = _check_reading(name, data, facts)
        known = facts | set(data.get("facts", {}))
        for n, exc in enumerate(data.get("exceptions", ())):
            where = f"{name} exceptions[{n}] (for {exc.get('for')})"
            if exc.get("for") not in holders:
                raise BuildError(f"{where}: names no exemption or branch the law holds")
            unknown = set(exc.get("lifts", ())) - names
            if unknown:
                raise BuildError(f"{where}: lifts {sorted(unknown)}, not requirements of {key}")
            if exc.get("authority") not in ("regulation", "reading"):
                raise BuildError(f"{where}: authority must be 'regulation' or 'reading'")
            if exc.get("authority") == "reading" and not exc.get("reason"):
                raise BuildError(f"{where}: a reading needs its 'reason'")
            for req in _walk(exc.get("when", [])):
                _check_requirement(f"{where} when {req.get('name')}", req, known)


def build(reference: Path) -> dict[str, Any]:
    lawdata.check_all(reference)  # every quote of every law file, pending ones included
    files = [p for p in lawdata.law_files() if _bundled(p)]
    loaded = [(p, lawdata.check_file(reference, p)) for p in files]
    facts: dict[str, Any] = {}
    for _, data in loaded:
        if data["kind"] == "facts":
            facts.update(data["facts"])
    supplement_facts: set[str] = set()
    for reading in ("etl.json", "supp1.json"):
        supplement_facts |= set(read_json(DATA / "errata" / reading)["facts"])
    known = set(facts) | supplement_facts
    exemptions = []
    groups: dict[str, tuple[str, dict[str, Any]]] = {}
    amounts: dict[str, Any] = {}
    implications: list[dict[str, Any]] = []
    for path, data in loaded:
        name = path.relative_to(DATA / "law").as_posix()
        if data["kind"] == "exemption":
            _check_exemption(name, data, known)
            exemptions.append({**data, "file": f"data/law/{name}"})
        elif data["kind"] == "conditions":
            groups[data["key"]] = (name, {**data, "file": f"data/law/{name}"})
        elif data["kind"] == "amounts":
            amounts[data["key"]] = data
        elif data["kind"] == "implications":
            implications.extend(data["implications"])
    _check_groups(groups, exemptions, known)
    columns = [e["column"] for e in exemptions]
    if len(columns) != len(set(columns)):
        raise BuildError(f"two exemptions share a batch column: {sorted(columns)}")
    exemptions.sort(key=lambda e: cfr_order(e["key"]))
    return {
        "what": "The exemptions of the law, one entry per file of data/law (see docs/law-data.md).",
        "exemptions": exemptions,
        "conditions": [data for _, data in sorted(groups.values(), key=lambda g: g[1]["key"])],
        "amounts": amounts,
        "implications": implications,
        "facts": facts,
    }
