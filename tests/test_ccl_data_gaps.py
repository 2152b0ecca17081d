"""Gaps the search work found in the CCL data (issue 12 item 5), each fixed in the build or shown
to be what the regulation says.

* Related Controls: carried from the references (``related_controls`` and its edition), the 2025
  text where the 2026-07-23 parse cut the paragraph short or has none.
* 0A502 has no item paragraphs in the edition of 2026-07-23 (its heading points to a list that
  reference does not carry), and its paragraphs are in its heading in 2025.
* 4A611, 5A611, 6A611 have no reasons for control: their headings send the items to 3A611
  (and 7A611); they control nothing themselves.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import exportctl
from exportctl.corpus.bundle import load_json

NEW, OLD = "2026-08-01", "2025-06-01"


def test_related_controls_are_carried() -> None:
    e = exportctl.law(NEW).ccl.get("0A502")
    # ecfr-2026-07-23/ccl.json, 0A502 relatedControls.
    assert isinstance(e.related_controls, str)
    assert e.related_controls.startswith(
        "(1) See USML Category I for shotguns described therein. (2) See ECCN 0A508 for "
        "semi-automatic shotguns."
    )
    assert e.related_controls_edition == "E-2026-07-23"
    old = exportctl.law(OLD).ccl.get("0A502")
    # ccl_supp1_part774_fulltext_2025.json, 0A502: "*Related Controls:* (1) See USML Category I
    # for shotguns that are fully automatic."
    assert isinstance(old.related_controls, str)
    assert old.related_controls.startswith(
        "(1) See USML Category I for shotguns that are fully automatic."
    )
    assert old.related_controls_edition == "E-2025"
    assert "Related Definitions" not in old.related_controls


def test_a_cut_off_related_controls_paragraph_is_read_from_2025() -> None:
    # 7B101: the 2026-07-23 parse stops after "(1) See also 2B119 to 2B122, 7B003, 7B102, and
    # 7B994."; the 2025 text goes on "(2) This entry includes: inertial measurement unit (IMU
    # module) tester; ...".
    e = exportctl.law(NEW).ccl.get("7B101")
    assert e.related_controls_edition == "E-2025"
    assert e.related_controls is not None and (
        e.related_controls.startswith("(1) See also 2B119 to 2B122, 7B003, 7B102, and 7B994.")
    )
    assert "inertial measurement unit (IMU module) tester" in e.related_controls
    problems = load_json("ccl.json")["problems_accepted"]
    assert any("cut off by that parse" in p and "7B101" in p for p in problems)


def test_n_a_is_no_related_controls() -> None:
    raw = {e["eccn"]: e for e in load_json("ccl.json")["eccns"]}
    assert all(e["related_controls"] != "N/A" for e in raw.values())
    # 0A981's Related Controls read "N/A" in the 2026-07-23 reference.
    assert raw["0A981"]["related_controls"] is None


def test_0a502_has_no_item_paragraphs_in_2026() -> None:
    new = exportctl.law(NEW).ccl.get("0A502")
    assert new.heading.endswith("as follows (see List of Items controlled).")
    assert new.items == ()
    raw = {e["eccn"]: e for e in load_json("ccl.json")["eccns"]}["0A502"]
    assert raw["items"] is None and raw["items_in_heading"] is False
    # Its rows name paragraphs the reference does not carry: ".c, .d, and .e".
    assert any(".c, .d, and .e" in r.control for r in new.license_requirements)
    old = {e["eccn"]: e for e in load_json("ccl-2025.json")["eccns"]}["0A502"]
    assert old["items_in_heading"] is True  # "The list of items controlled is contained in the
    assert old["heading"].startswith("Shotguns;")  # ECCN heading." (2025), a heading that lists


@pytest.mark.parametrize("eccn", ["4A611", "5A611", "6A611"])
def test_pointer_entries_have_no_reasons_of_their_own(eccn: str) -> None:
    e = exportctl.law(NEW).ccl.get(eccn)
    assert "are controlled by ECCN 3A611." in e.heading
    assert e.reasons_for_control == () and e.license_requirements == () and e.items == ()
    target = exportctl.law(NEW).ccl.get("3A611")
    assert target.reasons_for_control == ("NS", "RS", "AT", "UN")


def test_the_build_reads_related_controls_from_the_2025_text(reference: Path) -> None:
    from tools.databuild import ccl

    details = (
        "List of Items Controlled\n\n*Related Controls:* (1) See ECCN 0A508.\n(2) See ECCN "
        "0A509.\n\n*Related Definitions:* N/A\n\n*Items:*\n\na. Something."
    )
    assert ccl._related_2025(details) == "(1) See ECCN 0A508. (2) See ECCN 0A509."
    assert ccl._related_2025("*Related Controls:* N/A\n\n*Related Definitions:* N/A") is None
    # Not delimited: nothing is taken rather than the items with it.
    assert ccl._related_2025("*Related Controls:* (1) See 0A508.\n\na. Items") is None
    built = ccl.build(reference)
    by_eccn = {r["eccn"]: r for r in built["eccns"]}
    assert by_eccn["3A611"]["related_controls"].startswith(
        "(1) Electronic items that are enumerated in USML Category XI"
    )


def test_a_classification_without_reasons_for_control_is_flagged() -> None:
    # 4A611's heading sends its items to 3A611 and it has no Reason for Control line of its own:
    # a determination naming it is kept, with a warning that no reasons are listed.
    law = exportctl.law(NEW)
    d = exportctl.classify(
        exportctl.ItemFacts(item_id="P", cj_jurisdiction="EAR", cj_classification="4A611"), law
    )
    assert d.classification is not None and d.classification.reasons_for_control == ()
    assert any("ECCN 4A611 lists no Reason for Control" in w for w in d.warnings)
    e = exportctl.classify(
        exportctl.ItemFacts(item_id="P", cj_jurisdiction="EAR", cj_classification="3A611.a"), law
    )
    assert not any("lists no Reason for Control" in w for w in e.warnings)
