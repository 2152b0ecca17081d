"""The data build checks the issue 11 format (tools/databuild/exemptions.py): tests in branches,
shared groups and exceptions, requirement names, carried groups and exceptions."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from tools.databuild import exemptions as build
from tools.databuild.common import BuildError

LAW = Path(__file__).resolve().parents[2] / "data" / "law" / "itar"
DATA = LAW.parents[1]
#: The facts the build knows besides a file's own: the transfer's and the supplements'.
FACTS = set(json.loads((LAW.parent / "facts" / "transfer.json").read_text())["facts"]) | {
    f
    for reading in ("etl.json", "supp1.json")
    for f in json.loads((DATA / "errata" / reading).read_text())["facts"]
}


def load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((LAW / name).read_text(encoding="utf-8"))
    return data


def _all() -> tuple[dict[str, tuple[str, dict[str, Any]]], list[dict[str, Any]]]:
    groups: dict[str, tuple[str, dict[str, Any]]] = {}
    exemptions = []
    for path in sorted(LAW.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        if data["kind"] == "conditions":
            groups[data["key"]] = (path.name, data)
        elif data["kind"] == "exemption":
            exemptions.append({**data, "file": path.name})
    return groups, exemptions


def test_the_bundled_files_pass_the_checks() -> None:
    groups, exemptions = _all()
    assert sorted(groups) == ["120.15", "125.1(b)", "125.4(a)"]
    for e in exemptions:
        build._check_exemption(e["file"], e, FACTS)
    build._check_groups(groups, exemptions, FACTS)


def test_an_unknown_test_in_a_branch_is_refused() -> None:
    data = load("126_4.json")
    data["versions"][0]["requirements"][0]["branches"][0]["requirements"][0]["test"] = "magic"
    with pytest.raises(BuildError, match="unknown test 'magic'"):
        build._check_exemption("126_4.json", data, FACTS)


def test_a_fact_no_file_defines_is_refused() -> None:
    data = load("125_4_b_1.json")
    data["versions"][0]["requirements"][2]["reads"] = ["a_fact_nobody_asks"]
    with pytest.raises(BuildError, match="a_fact_nobody_asks"):
        build._check_exemption("125_4_b_1.json", data, FACTS)


def test_a_name_used_twice_and_a_missing_shared_group_are_refused() -> None:
    data = load("125_4_b_1.json")
    reqs = data["versions"][0]["requirements"]
    reqs[1]["name"] = reqs[0]["name"]
    with pytest.raises(BuildError, match="used twice"):
        build._check_exemption("125_4_b_1.json", data, FACTS)
    data = load("126_4.json")
    data["versions"][0]["shared"].pop("a1_official_use")
    with pytest.raises(BuildError, match="no shared group 'a1_official_use'"):
        build._check_exemption("126_4.json", data, FACTS)


def test_a_carried_group_must_exist_and_its_exceptions_name_what_the_law_holds() -> None:
    groups = {"120.15": ("120_15.json", load("120_15.json"))}
    b13 = {**load("125_4_b_13.json"), "file": "125_4_b_13.json"}
    with pytest.raises(BuildError, match=r"carries '125\.4\(a\)'"):
        build._check_groups(groups, [b13], FACTS)
    b126_4 = {**load("126_4.json"), "file": "126_4.json"}
    bad = copy.deepcopy(groups)
    bad["120.15"][1]["exceptions"][0]["lifts"] = ["no_such_requirement"]
    with pytest.raises(BuildError, match="no_such_requirement"):
        build._check_groups(bad, [b126_4], FACTS)
    bad = copy.deepcopy(groups)
    bad["120.15"][1]["exceptions"][0]["for"] = "126.4(z)"
    with pytest.raises(BuildError, match="names no exemption or branch"):
        build._check_groups(bad, [b126_4], FACTS)
    every, exemptions = _all()
    del every["120.15"][1]["exceptions"][-1]["reason"]
    with pytest.raises(BuildError, match="a reading needs its 'reason'"):
        build._check_groups(every, exemptions, FACTS)
