"""The CCL data build (tools/databuild/ccl.py) against the reference files, with pinned facts.

Each fact cites where it was read in ../shared/reference/ear/:
``E-2026`` = ``ecfr-2026-07-23/ccl.json`` (entries[].eccn ...), ``E-2025`` =
``ccl_supp1_part774_fulltext_2025.json`` (category -> product_groups -> eccn[].details).
"""

from __future__ import annotations

import json
import shutil
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tools.databuild import ccl  # noqa: E402
from tools.databuild.common import DEFAULT_REFERENCE, BuildError  # noqa: E402

from exportctl.corpus.references import parse_eccn  # noqa: E402  (src/ is put on sys.path by .common)

if not (DEFAULT_REFERENCE / "ear").is_dir():
    pytest.skip(
        "the reference files (../shared/reference) are not beside this checkout",
        allow_module_level=True,
    )

EDITIONS = {ccl.E2026, ccl.E2025}


@pytest.fixture(scope="module")
def built() -> dict[str, Any]:
    return ccl.build(DEFAULT_REFERENCE)


@pytest.fixture(scope="module")
def by_eccn(built: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {e["eccn"]: e for e in built["eccns"]}


def _item(record: dict[str, Any], ref: str) -> dict[str, Any]:
    items: list[dict[str, Any]] = record["items"] or []
    for item in items:
        if item["ref"] == ref:
            return item
    raise AssertionError(f"{ref} is not among the items of {record['eccn']}")


# --- shape and integrity -------------------------------------------------------------------


def test_editions(built: dict[str, Any]) -> None:
    # E-2026: ccl.json "ecfrIssueDate": "2026-07-23"; E-2025: SOURCES.md, committed 2025-07-11.
    assert built["editions"][ccl.E2026]["as_of"] == "2026-07-23"
    assert built["editions"][ccl.E2025]["as_of"] == "2025-07-11"
    assert "2025-01-16" in built["editions"][ccl.E2025]["note"]


def test_counts_per_edition_and_union(built: dict[str, Any]) -> None:
    # E-2026: "entryCount": 633.  E-2025: 606 entries = 605 ECCNs + the "Technical Note" on APP
    # (SOURCES.md).  Union 638 = the count of the EyeWarnYou manifest cited in SOURCES.md.
    eccns = built["eccns"]
    assert len(eccns) == 638
    assert sum(ccl.E2026 in e["in_editions"] for e in eccns) == 633
    assert sum(ccl.E2025 in e["in_editions"] for e in eccns) == 605
    assert {e["eccn"] for e in eccns if e["in_editions"] == [ccl.E2025]} == {
        "0D614", "2B352", "3D006", "3E002", "8D001",
    }  # fmt: skip


def test_sorted_and_unique(built: dict[str, Any]) -> None:
    names = [e["eccn"] for e in built["eccns"]]
    assert names == sorted(names)
    assert [n for n, k in Counter(names).items() if k > 1] == []
    keys = [(e["category"], e["product_group"], e["eccn"][2:]) for e in built["eccns"]]
    assert keys == sorted(keys)


def test_every_item_ref_parses_and_its_parent_comes_first(built: dict[str, Any]) -> None:
    refs: Counter[str] = Counter()
    for record in built["eccns"]:
        seen = {record["eccn"]}
        for item in record["items"] or []:
            ref = parse_eccn(item["ref"])
            assert str(ref) == item["ref"]
            assert ref.eccn == record["eccn"]
            assert item["label"] == ref.path[-1]
            parent = ref.parent
            assert parent is not None and item["parent"] == str(parent)
            assert item["parent"] in seen, item["ref"]
            assert item["is_catch_all"] == ref.is_catch_all
            assert item["is_y"] == ref.is_y_paragraph
            seen.add(item["ref"])
            refs[item["ref"]] += 1
    assert [r for r, k in refs.items() if k > 1] == []
    assert len(refs) > 5000


def test_editions_are_recorded_per_field(built: dict[str, Any]) -> None:
    for record in built["eccns"]:
        assert record["in_editions"] and set(record["in_editions"]) <= EDITIONS
        assert record["heading_edition"] in record["in_editions"]
        assert record["heading"]
        for key in ("reasons_edition", "license_requirements_edition", "items_edition"):
            assert record[key] is None or record[key] in record["in_editions"], (
                record["eccn"],
                key,
            )
        assert (record["items"] is None) == (record["items_edition"] is None)
        assert (record["reasons_edition"] is None) == (record["reasons_raw"] is None)
        assert set(record["reasons_for_control"]) <= ccl.REASON_CODES
        columns = {c for row in record["license_requirements"] for c in row["columns"]}
        assert record["country_chart_columns"] == sorted(columns)
        assert columns <= ccl.CHART_COLUMNS


def test_items_come_from_both_editions(built: dict[str, Any]) -> None:
    used = Counter(e["items_edition"] for e in built["eccns"] if e["items"])
    assert used[ccl.E2026] > 50
    assert used[ccl.E2025] > 250
    # E-2026 has item paragraphs only for "deepCategories": ["1", "3", "4", "5"].
    assert {e["category"] for e in built["eccns"] if e["items_edition"] == ccl.E2026} <= set("1345")


def test_deterministic(built: dict[str, Any]) -> None:
    again = ccl.build(DEFAULT_REFERENCE)
    assert json.dumps(again, ensure_ascii=False) == json.dumps(built, ensure_ascii=False)


# --- pinned facts --------------------------------------------------------------------------


def test_9a610_is_600_series_with_catch_all_and_y(by_eccn: dict[str, dict[str, Any]]) -> None:
    # E-2025 9A610 List of Items Controlled: 'x. "Parts," "components," "accessories," and
    # "attachments" that are "specially designed" for a commodity enumerated ... in ECCN 9A610',
    # 'y. Specific "parts," ...' and 'y.1. Aircraft tires;'.
    record = by_eccn["9A610"]
    assert record["is_600_series"] and not record["is_9x515"]
    x = _item(record, "9A610.x")
    assert x["is_catch_all"] and not x["is_y"]
    assert x["text"].startswith('"Parts," "components," "accessories," and "attachments"')
    y = _item(record, "9A610.y")
    assert y["is_y"] and not y["is_catch_all"]
    assert _item(record, "9A610.y.1")["text"] == "Aircraft tires;"
    assert _item(record, "9A610.y.1")["is_y"]
    # "c.-d. [Reserved]" and "k. through s. [Reserved]" expand to reserved paragraphs.
    assert (
        _item(record, "9A610.d")["reserved"] and _item(record, "9A610.d")["reserved_range"] == "c-d"
    )
    assert _item(record, "9A610.s")["reserved_range"] == "k-s"
    # "w.1. Pneumatic hydraulic, ..." has no "w." paragraph of its own.
    assert _item(record, "9A610.w")["implicit"] and _item(record, "9A610.w")["text"] is None
    # E-2026 9A610 "reasonForControl": "NS, RS, MT, AT, UN".
    assert record["reasons_for_control"] == ["NS", "RS", "MT", "AT", "UN"]
    assert record["reasons_edition"] == ccl.E2026
    assert record["country_chart_columns"] == ["AT1", "MT1", "NS1", "RS1"]


def test_9x515(by_eccn: dict[str, dict[str, Any]], built: dict[str, Any]) -> None:
    # SOURCES.md: 4 9x515 ECCNs (9A515, 9B515, 9D515, 9E515); no 9C515 in either edition.
    assert sorted(e["eccn"] for e in built["eccns"] if e["is_9x515"]) == [
        "9A515", "9B515", "9D515", "9E515",
    ]  # fmt: skip
    record = by_eccn["9A515"]
    assert not record["is_600_series"]
    # E-2025 9A515: 'x. "Parts," "components," "accessories" and "attachments" that are
    # "specially designed" for defense articles described in USML Category XV ...'.
    assert _item(record, "9A515.x")["is_catch_all"]
    assert _item(record, "9A515.x.1")["is_catch_all"]
    # E-2025 9A515 reads "i. through w. [RESERVED]" and then "w. ..." with text.
    w = _item(record, "9A515.w")
    assert w["text"].startswith(
        '"Parts," "components," "accessories," and "attachments" that would'
    )
    assert _item(record, "9A515.v")["reserved"]


def test_600_series_count(built: dict[str, Any]) -> None:
    # SOURCES.md: 73 "600 series" ECCNs in E-2025; E-2026 adds the pointer entries 4A611, 5A611,
    # 6A611 ("... are controlled by ECCN 3A611").
    series = {e["eccn"] for e in built["eccns"] if e["is_600_series"]}
    assert all(name[2] == "6" for name in series)
    assert sum(ccl.E2025 in e["in_editions"] for e in built["eccns"] if e["is_600_series"]) == 73
    assert {"4A611", "5A611", "6A611"} <= series
    assert len(series) == 76


def test_catch_all_only_in_600_series_and_9x515(built: dict[str, Any]) -> None:
    for record in built["eccns"]:
        for item in record["items"] or []:
            if item["is_catch_all"]:
                assert record["is_600_series"] or record["is_9x515"], item["ref"]
    # 0A501 (firearms, not 600 series) has .x and .y: E-2025 0A501 'x. "Parts" and "components"
    # that are "specially designed" ...' and 'y.7. Firearms manufactured from 1890 to 1898 ...'.
    firearms = {e["eccn"]: e for e in built["eccns"]}["0A501"]
    assert not _item(firearms, "0A501.x")["is_catch_all"]
    assert _item(firearms, "0A501.y.7")["is_y"]


def test_3a001(by_eccn: dict[str, dict[str, Any]]) -> None:
    # E-2026 3A001 "reasonForControl": "NS, RS, MT, NP, AT".
    record = by_eccn["3A001"]
    assert {"NS", "MT"} <= set(record["reasons_for_control"])
    assert record["reasons_for_control"] == ["NS", "RS", "MT", "NP", "AT"]
    # E-2026 3A001 countryChart: "NS Column 1.", "NS Column 2.", "RS Column 1.", "MT Column 1.",
    # "NP Column 1.", "AT Column 1." (and two RS rows pointing to § 742.6(a)(6)(iii)).
    assert record["country_chart_columns"] == ["AT1", "MT1", "NP1", "NS1", "NS2", "RS1"]
    # Both editions read "z.1.a", "z.1.b", ... with no "z.1." paragraph.
    assert _item(record, "3A001.z.1")["implicit"]
    assert _item(record, "3A001.z.1.a")["text"].endswith("civil telecommunications applications;")
    # E-2026 3A001 items: a.5.a.5 "A resolution of 16 bit or more with a “sample rate” greater
    # than 65 MSPS;", followed by its notes "For the purposes of 3A001.a.5.a:" ...
    leaf = _item(record, "3A001.a.5.a.5")
    assert leaf["parent"] == "3A001.a.5.a"
    assert "For the purposes of 3A001.a.5.a:" in leaf["notes"]
    assert "For the purposes" not in leaf["text"]


def test_notes_are_kept_out_of_item_text(by_eccn: dict[str, dict[str, Any]]) -> None:
    # E-2025 0A501: 'a. Non-automatic and non-semi-automatic firearms equal to .50 caliber
    # (12.7 mm) or less.' followed by '*Note 1 to paragraph 0A501.a:*' on 'Combination pistols'.
    item = _item(by_eccn["0A501"], "0A501.a")
    assert item["text"] == (
        "Non-automatic and non-semi-automatic firearms equal to .50 caliber (12.7 mm) or less."
    )
    assert any(
        "'Combination pistols' are controlled under ECCN 0A501.a" in n for n in item["notes"]
    )
    assert not any("*" in n for n in item["notes"])


def test_0a501_reasons_follow_the_newer_edition(by_eccn: dict[str, dict[str, Any]]) -> None:
    # SOURCES.md: 0A501 Reason for Control is "NS, RS, FC, CC, UN, AT" in E-2025 but
    # "NS, RS, FC, UN, AT" (no CC) in E-2026.
    record = by_eccn["0A501"]
    assert record["reasons_for_control"] == ["NS", "RS", "FC", "UN", "AT"]
    assert record["reasons_edition"] == ccl.E2026


def test_itar_placeholders(by_eccn: dict[str, dict[str, Any]]) -> None:
    # E-2026 9A007 heading: "Solid rocket propulsion systems. (These items are “subject to the
    # ITAR.” See 22 CFR parts 120 through 130.)"
    assert by_eccn["9A007"]["subject_to_itar_placeholder"]
    assert by_eccn["9A007"]["items"] is None
    # 7D103 reads "(This entry is “subject to the ITAR.” ...)".
    assert by_eccn["7D103"]["subject_to_itar_placeholder"]
    # 1C355 mentions the ITAR only in passing ('not controlled by ECCN 1C350 or "subject to the
    # ITAR"'), and 9D001 only for some items in 9A101.b.
    assert not by_eccn["1C355"]["subject_to_itar_placeholder"]
    assert not by_eccn["9D001"]["subject_to_itar_placeholder"]
    assert not by_eccn["9A610"]["subject_to_itar_placeholder"]


def test_entries_swallowed_in_the_newer_edition(by_eccn: dict[str, dict[str, Any]]) -> None:
    # E-2026 3E001 "reasonForControl": "NS, AT" and its heading ends with "... 3E002 “ Technology ”
    # according to the General Technology Note ..."; E-2025 3E001 reads "*Reason for Control:* NS,
    # MT, NP, RS, AT".
    record = by_eccn["3E001"]
    assert record["reasons_for_control"] == ["NS", "MT", "NP", "RS", "AT"]
    assert record["heading_edition"] == ccl.E2025
    assert "3E002" not in record["heading"]
    assert record["in_editions"] == [ccl.E2026, ccl.E2025]
    # E-2026 3D005 countryChart: NS Column 1, AT Column 1, NS Column 2 (from 3D006), AT Column 1.
    assert by_eccn["3D005"]["country_chart_columns"] == ["AT1", "NS1"]
    # E-2025 3D006: "NS applies to entire entry | NS Column 2".
    assert by_eccn["3D006"]["country_chart_columns"] == ["AT1", "NS2"]


def test_newer_paragraph_lists_are_checked_against_the_older(
    by_eccn: dict[str, dict[str, Any]],
) -> None:
    # E-2026 1A001 items hold only {"paragraph": "b", "text": "[Reserved]"}; E-2025 1A001 has
    # "a. Seals, gaskets, sealants or fuel bladders, ..." and "b. [Reserved]".
    record = by_eccn["1A001"]
    assert record["items_edition"] == ccl.E2025
    assert [i["ref"] for i in record["items"]] == ["1A001.a", "1A001.b"]
    assert record["items"][0]["text"].startswith("Seals, gaskets, sealants or fuel bladders")
    # E-2026 1C230 takes the lettered exclusions of a note for paragraphs; E-2025 1C230 reads
    # "*Items:* The list of items controlled is contained in the ECCN heading."
    assert by_eccn["1C230"]["items"] == [] and by_eccn["1C230"]["items_in_heading"]


def test_irregular_designations_are_kept(by_eccn: dict[str, dict[str, Any]]) -> None:
    # Both editions read 1A607 "f.2.1. Materials specified by USML Category XIV (a) or (b)".
    item = _item(by_eccn["1A607"], "1A607.f.2.1")
    assert item["parent"] == "1A607.f.2"


def test_undesignated_list_of_items(by_eccn: dict[str, dict[str, Any]]) -> None:
    # E-2025 0C606: '*Items:* Materials "specially designed" for commodities enumerated or
    # otherwise described in ECCN 0A606 ...' (no paragraph designations).
    record = by_eccn["0C606"]
    assert record["items"] == []
    assert record["items_text"].startswith('Materials "specially designed" for commodities')


def test_1c351_bare_column(by_eccn: dict[str, dict[str, Any]]) -> None:
    # E-2026 1C351 countryChart: {"control": "AT applies to entire entry", "countryChart":
    # "Column 1."}: read as AT1 and reported.
    assert "AT1" in by_eccn["1C351"]["country_chart_columns"]


def test_problems_accepted(built: dict[str, Any]) -> None:
    problems = built["problems_accepted"]
    assert all(isinstance(p, str) and p for p in problems)
    text = "\n".join(problems)
    for needle in ("3E001: its E-2026-07-23 entry also holds 3E002", "9A515 (E-2025)", "1C351"):
        assert needle in text


# --- failing loudly ------------------------------------------------------------------------


def _copy_reference(tmp_path: Path) -> Path:
    target = tmp_path / "reference"
    for relative in (ccl.CCL_2026, ccl.CCL_2025):
        (target / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(DEFAULT_REFERENCE / relative, target / relative)
    return target


def test_a_paragraph_out_of_sequence_fails_the_build(tmp_path: Path) -> None:
    reference = _copy_reference(tmp_path)
    path = reference / ccl.CCL_2025
    payload = json.loads(path.read_text(encoding="utf-8"))
    for category in payload:
        for group in category["product_groups"]:
            for entry in group["eccn"]:
                if entry["code"] == "9A610":
                    assert "\n\nb. L-100 aircraft" in entry["details"]
                    entry["details"] = entry["details"].replace(
                        "\n\nb. L-100 aircraft", "\n\nd. L-100 aircraft"
                    )
    path.write_text(json.dumps(payload), encoding="utf-8")
    with pytest.raises(BuildError, match=r"9A610: .*d skips from"):
        ccl.build(reference)


def test_an_unknown_reason_code_fails_the_build(tmp_path: Path) -> None:
    reference = _copy_reference(tmp_path)
    path = reference / ccl.CCL_2026
    payload = json.loads(path.read_text(encoding="utf-8"))
    for entry in payload["entries"]:
        if entry["eccn"] == "9A610":
            entry["reasonForControl"] = "NS, XQ, AT"
    path.write_text(json.dumps(payload), encoding="utf-8")
    with pytest.raises(BuildError, match="XQ"):
        ccl.build(reference)
