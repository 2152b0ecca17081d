"""The data build of the agreement rules (tools/databuild/agreements.py): what it bundles, and
what it refuses."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from tools.databuild import agreements
from tools.databuild.common import BuildError

from exportctl.corpus.bundle import load_json

ROOT = Path(__file__).resolve().parents[2]
ITAR = ROOT / "data" / "law" / "itar"
SETS = agreements._country_sets()
AMOUNTS = json.loads((ITAR / "123_15.json").read_text(encoding="utf-8"))


def section(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((ITAR / name).read_text(encoding="utf-8"))
    return data


def test_bundled_agreement_rules() -> None:
    raw = load_json("agreements.json")
    keys = [s["key"] for s in raw["sections"]]
    assert keys == [
        "124.1",
        "124.4",
        "124.5",
        "124.6",
        "124.7",
        "124.8",
        "124.9",
        "124.10",
        "124.11",
        "124.12",
        "124.14",
        "124.16",
        "126.18",
    ]
    assert sum(len(s["rules"]) for s in raw["sections"]) == 116
    assert raw["text_as_of"] == "2025-10-02"
    assert raw["scenarios"]["nato-alliance"]["file"] == "data/reforms/nato-alliance.json"
    manifest = load_json("MANIFEST.json")["files"]["agreements.json"]
    assert manifest["as_of"] == "2025-10-02"
    assert set(manifest["inputs"]) == set(agreements.INPUTS)


def _rule(data: dict[str, Any], rule_id: str) -> dict[str, Any]:
    return next(r for r in data["rules"] if r["id"] == rule_id)


def _spoil_guideline(d: dict[str, Any]) -> None:
    _rule(d, "DDTC guidelines: ten-year term")["authority"] = "regulation"


def _spoil_regulation(d: dict[str, Any]) -> None:
    _rule(d, "22 CFR 124.7(a)(3)")["type"] = "guideline"


def _spoil_fact(d: dict[str, Any]) -> None:
    _rule(d, "22 CFR 124.7(a)(4)")["asks"] = ["territories"]


def _spoil_when(d: dict[str, Any]) -> None:
    _rule(d, "22 CFR 124.7(a)(1)")["when"] = {"colour": ["red"]}


@pytest.mark.parametrize(
    ("spoil", "message"),
    [
        (_spoil_guideline, "a guideline is DDTC guidance"),
        (_spoil_regulation, "a guideline is DDTC guidance"),
        (_spoil_fact, "not declared"),
        (_spoil_when, "not declared"),
    ],
)
def test_124_7_spoiled(spoil: Callable[[dict[str, Any]], None], message: str) -> None:
    data = copy.deepcopy(section("124_7.json"))
    agreements.check_section("124_7.json", data, SETS, AMOUNTS)  # as it is: accepted
    spoil(data)
    with pytest.raises(BuildError, match=message):
        agreements.check_section("124_7.json", data, SETS, AMOUNTS)


def test_a_figure_not_written_in_its_quote_is_refused() -> None:
    data = copy.deepcopy(section("124_6.json"))
    data["rules"][0]["deadline"]["days"] = 31
    with pytest.raises(BuildError, match="does not say days = 31"):
        agreements.check_section("124_6.json", data, SETS, AMOUNTS)
    data["rules"][0]["deadline"]["written"] = "31 days"
    with pytest.raises(BuildError, match="not written in the quote"):
        agreements.check_section("124_6.json", data, SETS, AMOUNTS)


def test_sets_rules_and_amounts_must_exist() -> None:
    data = copy.deepcopy(section("124_11.json"))
    _rule(data, "22 CFR 124.11(b)")["wait"][0]["when"] = {"countries_within": "nordic"}
    with pytest.raises(BuildError, match="no country set 'nordic'"):
        agreements.check_section("124_11.json", data, SETS, AMOUNTS)
    data = copy.deepcopy(section("124_11.json"))
    _rule(data, "22 CFR 123.15(b)")["when"] = {"requires": "22 CFR 124.11(z)"}
    with pytest.raises(BuildError, match="requires names no rule"):
        agreements.check_section("124_11.json", data, SETS, AMOUNTS)
    data = copy.deepcopy(section("124_11.json"))
    rule = _rule(data, "22 CFR 124.11(a) (export of MDE)")
    rule["thresholds_by_reference"]["amounts"][0]["amount_from"]["field"] = "satellites"
    with pytest.raises(BuildError, match="is not an amount of"):
        agreements.check_section("124_11.json", data, SETS, AMOUNTS)


def test_the_scenario_quotes_are_checked(reference: Path, tmp_path: Path) -> None:
    data = json.loads((ROOT / "data" / "reforms" / "nato-alliance.json").read_text("utf-8"))
    data["differs_from_part_124"][0]["claim"]["quote"] = "Each nation must sign every TAA."
    path = tmp_path / "nato-alliance.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(BuildError, match="Each nation must sign"):
        agreements._scenario(reference, path, {"TAA", "MLA", "WDA"}, SETS)
