"""The exemptions of the law, built from their files in data/law/ (one per paragraph group).

Every file of kind "exemption" under ``data/law/<regime>/`` becomes an exemption of the bundled
law; files under ``data/law/pending/`` are readings whose evaluators are not built yet and are
checked (their quotes) but not bundled.  The build checks, for every exemption: every quote
against its source (:mod:`.lawdata`); every requirement test is one the engine's registry knows;
versions take effect on increasing dates; every fact a requirement reads is a question of the law;
every amount with its comparator is written in its quote.  Nobody lists the exemptions: the
engine, the CLI's columns, the testing kit and this build find them in the files.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from exportctl.corpus.exemptions import cfr_order
from exportctl.engine.requirements import REQUIREMENT_TESTS

from . import lawdata
from .common import DATA, BuildError, read_json

PENDING = DATA / "law" / "pending"


def _bundled(path: Path) -> bool:
    return PENDING not in path.parents and (DATA / "law" / "sources") not in path.parents


def _requirements(node: dict[str, Any]) -> list[dict[str, Any]]:
    out = list(node.get("requirements", ()))
    for path in node.get("paths", ()):
        out.extend(path.get("requires", ()))
    return out


def _check_exemption(name: str, data: dict[str, Any], facts: set[str]) -> None:
    for key in ("column", "versions"):
        if key not in data:
            raise BuildError(f"{name}: an exemption needs {key!r}")
    starts = [v.get("effective_from") for v in data["versions"]]
    if any(s is None for s in starts[1:]) or [s for s in starts if s] != sorted(
        s for s in starts if s
    ):
        raise BuildError(f"{name}: versions must take effect on increasing dates")
    own = set(data.get("facts", {}))
    for version in data["versions"]:
        for req in _requirements(version):
            where = f"{name} {version['id']} {req.get('id')} ({req.get('test')})"
            if req.get("test") not in REQUIREMENT_TESTS:
                raise BuildError(
                    f"{where}: unknown test {req.get('test')!r}; the engine knows "
                    f"{', '.join(sorted(REQUIREMENT_TESTS))}"
                )
            for fact in (req.get("fact"), req.get("unless_fact")):
                if fact and fact not in facts | own:
                    raise BuildError(f"{where}: fact {fact!r} is not a question of the law")
    for path in data.get("paths", ()):
        for req in path.get("requires", ()):
            if req.get("test") not in REQUIREMENT_TESTS:
                raise BuildError(f"{name} {path['id']}: unknown test {req.get('test')!r}")
        if path.get("unless_fact") and path["unless_fact"] not in facts | own:
            raise BuildError(f"{name} {path['id']}: fact {path['unless_fact']!r} is undefined")


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
    amounts: dict[str, Any] = {}
    implications: list[dict[str, Any]] = []
    for path, data in loaded:
        name = path.relative_to(DATA / "law").as_posix()
        if data["kind"] == "exemption":
            _check_exemption(name, data, known)
            exemptions.append({**data, "file": f"data/law/{name}"})
        elif data["kind"] == "amounts":
            amounts[data["key"]] = data
        elif data["kind"] == "implications":
            implications.extend(data["implications"])
    columns = [e["column"] for e in exemptions]
    if len(columns) != len(set(columns)):
        raise BuildError(f"two exemptions share a batch column: {sorted(columns)}")
    exemptions.sort(key=lambda e: cfr_order(e["key"]))
    return {
        "what": "The exemptions of the law, one entry per file of data/law (see docs/law-data.md).",
        "exemptions": exemptions,
        "amounts": amounts,
        "implications": implications,
        "facts": facts,
    }
