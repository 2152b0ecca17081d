"""Real editions (issue 8 item 3, data side): the USML before 2025-09-15 and the CCL of 2025.

Each fact is pinned to the stored copy it was read in: ``MD-2024`` is the eCFR Markdown copy of
22 CFR 121.1 (MichalOpoka/ecfr @ b0650bb, captured between 2024-03-25 and 2024-11-26); ``XML-2026``
the eCFR XML of part 121 retrieved 2026-06-25 (draygada/Caddy @ bed4c4d).
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tools.databuild import editions  # noqa: E402

from exportctl.corpus.bundle import load_json  # noqa: E402
from exportctl.corpus.references import designation_kind, ordinal, parse_usml  # noqa: E402

DATA = ROOT / "src" / "exportctl" / "data"
OLD_USML = "usml-2024-03-25.json"


@pytest.fixture(scope="module")
def old() -> dict[str, Any]:
    data: dict[str, Any] = load_json(OLD_USML)
    return data


@pytest.fixture(scope="module")
def old_by_ref(old: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {p["ref"]: p for p in old["paragraphs"]}


@pytest.fixture(scope="module")
def new_by_ref() -> dict[str, dict[str, Any]]:
    return {p["ref"]: p for p in load_json("usml.json")["paragraphs"]}


# --- the USML edition before 2025-09-15 ---------------------------------------------------------


def test_same_schema_as_the_current_edition(old: dict[str, Any]) -> None:
    new = load_json("usml.json")
    assert set(old) == set(new)
    keys = set(new["paragraphs"][0])
    assert all(set(p) == keys for p in old["paragraphs"])
    assert [c["category"] for c in old["categories"]] == [c["category"] for c in new["categories"]]
    assert old["source_rows"] == 1168  # designated blocks of MD-2024 (one is a note's text)


def test_children_run_in_order(old: dict[str, Any]) -> None:
    by_parent: dict[str, list[dict[str, Any]]] = {}
    for p in old["paragraphs"]:
        by_parent.setdefault(p["parent"], []).append(p)
        assert parse_usml(p["ref"]).level == p["level"]
    for parent, kids in by_parent.items():
        expected = 1
        for kid in kids:
            kind = designation_kind(kid["level"], kid["label"])
            assert ordinal(kid["label"], kind) == expected, (parent, kid["ref"])
            expected = ordinal(kid["range_end"] or kid["label"], kind) + 1


def test_every_erratum_of_the_edition_was_applied(old: dict[str, Any]) -> None:
    ids = set()
    for path in sorted((ROOT / "data" / "errata" / "usml-2024-03-25").glob("cat_*.json")):
        ids |= {e["id"] for e in json.loads(path.read_text(encoding="utf-8"))["errata"]}
    assert ids and set(old["errata_applied"]) == ids


@pytest.mark.parametrize(
    ("ref", "before", "after"),
    [
        # Body armor levels: MD-2024 "NIJ Type IV"; XML-2026 (90 FR 5594) "NIJ RF3".
        ("X(a)(1)", "protection level equal to or greater than NIJ Type IV;",
         "protection level equal to or greater than NIJ RF3;"),
        # XIX(d): MD-2024 one list of engines; XML-2026 "The following engines:" with (1), (2).
        ("XIX(d)", "GE38, AGT1500, CTS800, MT7, T55, HPW3000, GE3000, T408, and T700 engines.",
         "The following engines:"),
        # XIII(b)(4): the cross-domain office renamed.
        ("XIII(b)(4)", "Unified Cross Domain Management Office (UCDMO) Control List",
         "National Cross Domain Strategy and Management Office (NCDSMO) Control List"),
        # XI(c)(5)(i): the capacitor voltage.
        ("XI(c)(5)(i)", "greater than one hundred twenty-five volts (125 V)",
         "greater than five hundred volts (500 V)"),
    ],
)  # fmt: skip
def test_text_that_changed_on_2025_09_15(
    old_by_ref: dict[str, dict[str, Any]],
    new_by_ref: dict[str, dict[str, Any]],
    ref: str,
    before: str,
    after: str,
) -> None:
    assert before in old_by_ref[ref]["text"] and before not in new_by_ref[ref]["text"]
    assert after in new_by_ref[ref]["text"] and after not in old_by_ref[ref]["text"]


def test_paragraphs_added_and_removed_on_2025_09_15(
    old_by_ref: dict[str, dict[str, Any]], new_by_ref: dict[str, dict[str, Any]]
) -> None:
    # MD-2024 "(b)-(c) [Reserved]" in Category X; XML-2026 "(b) Developmental exoskeletons …"
    assert old_by_ref["X(b)"]["designation"] == "X(b)-(c)" and old_by_ref["X(b)"]["reserved"]
    assert new_by_ref["X(b)"]["text"].startswith("Developmental exoskeletons")
    # MD-2024 XX(b)(2) "Electric motors … that have the following: (i) Power output …"
    assert "XX(b)(2)(i)" in old_by_ref and "XX(b)(2)(i)" not in new_by_ref
    # XML-2026 adds XX(a)(9), (10) uncrewed vessels
    assert "XX(a)(10)" in new_by_ref and "XX(a)(10)" not in old_by_ref


def test_unchanged_paragraphs_read_alike(
    old_by_ref: dict[str, dict[str, Any]], new_by_ref: dict[str, dict[str, Any]]
) -> None:
    for ref in ("I(a)", "IV(d)(2)", "XI(a)(3)(xviii)", "XV(e)(12)"):
        assert old_by_ref[ref]["text"] == new_by_ref[ref]["text"], ref
        assert old_by_ref[ref]["sme"] == new_by_ref[ref]["sme"]
        assert old_by_ref[ref]["mt"] == new_by_ref[ref]["mt"]


def test_derived_fields_of_the_old_edition(old_by_ref: dict[str, dict[str, Any]]) -> None:
    # MD-2024 "\\* (f) Any article enumerated in this category that (MT for those articles …):"
    f = old_by_ref["XIII(f)"]
    assert f["sme_marked"] and f["mt"]["designated"] == "conditional"
    assert old_by_ref[f["children"][0]]["text"] == "Is classified;"
    assert old_by_ref["XIII(f)(ii)"]["sme_from"] == "XIII(f)"
    # MD-2024 IV(c) "Apparatus and devices … (MT for those systems enumerated in paragraphs
    # (a)(1), (a)(2), and (b)(1) of this category)."
    assert old_by_ref["IV(c)"]["mt"]["condition"].startswith("MT for those systems enumerated")
    assert old_by_ref["I(h)(3)"]["is_catch_all"]
    assert old_by_ref["XI(d)"]["is_technical_data"]


def test_old_edition_repairs(old_by_ref: dict[str, dict[str, Any]]) -> None:
    # MD-2024 lacks "(h)-(w) [Reserved]" in XVIII: inserted so that (x) keeps its place.
    assert old_by_ref["XVIII(h)"]["designation"] == "XVIII(h)-(w)"
    # MD-2024 "Note 4 to paragraph (e):" then "(1) A determination …": note text, not XV(e)(1).
    notes = [n for n in old_by_ref["XV(e)"]["notes"] if n["heading"] == "Note 4 to paragraph (e)"]
    assert notes and notes[0]["text"].startswith("(1) A determination that a specific article")
    assert old_by_ref["XV(e)(1)"]["text"].startswith("Antenna systems specially designed")
    # MD-2024 "scaled to RCS values as RCS to the1/4 power": the lost space restored.
    assert "RCS to the 1/4 power;" in old_by_ref["XI(a)(3)(vii)"]["text"]
    assert old_by_ref["XI(e)"]["reserved"]  # "(e)-(w) [Reserved];"


def test_usml_edition_diff_counts() -> None:
    diff = editions.usml_diff(load_json(OLD_USML), load_json("usml.json"))
    counts = {k: len(v) for k, v in diff.items()}
    assert counts == {
        "added": 36,
        "removed": 4,
        "text_changed": 48,
        "sme_changed": 0,
        "mt_changed": 1,
    }


# --- the CCL of 2025 alone ----------------------------------------------------------------------


def test_ccl_2025_is_the_2025_text_alone() -> None:
    ccl = load_json("ccl-2025.json")
    assert set(ccl["editions"]) == {"E-2025"}
    assert len(ccl["eccns"]) == 605  # shared/reference/ear/SOURCES.md: 605 ECCNs
    for e in ccl["eccns"]:
        assert e["in_editions"] == ["E-2025"]
        for field in ("heading_edition", "reasons_edition", "items_edition"):
            assert e[field] in ("E-2025", None), (e["eccn"], field)


def test_ccl_editions_differ_where_the_ear_changed() -> None:
    old = {e["eccn"]: e for e in load_json("ccl-2025.json")["eccns"]}
    new = {e["eccn"]: e for e in load_json("ccl.json")["eccns"]}
    # shared/reference/ear/SOURCES.md: "0A501 Reason for Control is 'NS, RS, FC, CC, UN, AT' in
    # E-2025 but 'NS, RS, FC, UN, AT' (no CC) in E-2026".
    assert "CC" in old["0A501"]["reasons_for_control"]
    assert "CC" not in new["0A501"]["reasons_for_control"]
    diff = editions.ccl_diff(load_json("ccl-2025.json"), load_json("ccl.json"))
    # 15 changed: the nine others once counted (3A001, 9A620, 1A006, …) differed only because
    # the 2025 parse lost their Reason for Control (read again since; see tools/databuild/ccl.py).
    assert (len(diff["added"]), len(diff["removed"]), len(diff["changed"])) == (33, 0, 15)
    assert len(diff["added_placeholders"]) == 29


# --- editions in regulations.json and the manifest ----------------------------------------------


def test_editions_cover_their_dates_without_gap() -> None:
    eds = load_json("regulations.json")["editions"]
    assert [e["file"] for e in eds["usml"]] == [OLD_USML, "usml.json"]
    assert [e["file"] for e in eds["ccl"]] == ["ccl-2025.json", "ccl.json"]
    assert eds["usml"][0]["effective_until"] == "2025-09-14"
    assert eds["usml"][1]["effective_from"] == "2025-09-15"  # 90 FR 5594
    assert "90 FR 5594" in eds["usml"][1]["federal_register"]
    assert eds["ccl"][0]["effective_from"] == "2025-01-16"  # SOURCES.md bracket
    assert eds["ccl"][0]["as_of"] == "2025-07-11"
    for dataset in ("usml", "ccl"):
        assert eds[dataset][-1]["effective_until"] is None
        for e in eds[dataset]:
            assert (DATA / e["file"]).is_file()
            assert e["effective_from"] <= e["as_of"] or dataset == "usml"


def test_manifest_lists_every_edition_with_its_hash() -> None:
    manifest = load_json("MANIFEST.json")
    assert set(manifest["editions"]) == {OLD_USML, "ccl-2025.json"}
    for name, info in {**manifest["files"], **manifest["editions"]}.items():
        digest = hashlib.sha256((DATA / name).read_bytes()).hexdigest()
        assert digest == info["sha256"], name
        assert info["as_of"] and info["inputs"], name
    # the horizon is today's editions', not that of a superseded one
    assert manifest["horizon"] == min(f["as_of"] for f in manifest["files"].values())
    assert manifest["editions"][OLD_USML]["inputs"] == {
        "stored-copy:ecfr-md-121.1-2024": (
            "e7f500ed789c7e96a5c276101e4e638551e27540bda6bc5e2d9c97ef2a29eade"
        )
    }


def test_edition_files_ship_in_the_wheel() -> None:
    # pyproject: [tool.setuptools.package-data] exportctl = ["py.typed", "data/*.json"]
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert '"data/*.json"' in text
    for name in (OLD_USML, "ccl-2025.json"):
        assert (DATA / name).suffix == ".json" and (DATA / name).parent == DATA
