"""The stored eCFR copies in the data build: reading them, the cross-check, MT, exponents, levels.

None of these tests needs a stored copy: they feed the readers small documents written here (in
the copies' own formats) and the cross-check a copy built from the bundled data.  The test that
compares the bundled USML with the real copy skips when the copy is not on this machine.
"""

from __future__ import annotations

import copy
import hashlib
import json
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tools.databuild import ecfr, exponents, usml, usml_crosscheck  # noqa: E402
from tools.databuild.common import BuildError  # noqa: E402

from exportctl.corpus.bundle import load_json  # noqa: E402

XML = """<?xml version="1.0"?>
<DIV5 N="121" TYPE="PART"><DIV8 N="121.1" TYPE="SECTION">
<HEAD>&#xA7; 121.1 The United States Munitions List.</HEAD>
<P>(a)-(b) [Reserved]</P>
<EXTRACT>
<HD1>Category IV&#x2014;Launch Vehicles
</HD1>
<P>* (a) Rockets, as follows:</P>
<P>(1) Motors having a total impulse capacity equal to or greater than 1.1 &#xD7; 10
<SU>6</SU> N&#xB7;s (MT);</P>
<P>(2) Thrusters (MT for engines of 8.41 &#xD7; 10<E T="51">^</E>5 newton seconds);</P>
<NOTE>
<HED>Note 1 to paragraph (<E T="01">a</E>):</HED>
<P>The first sentence.</P>
<P>(1) a list item inside the note;</P></NOTE>
<P>(b) Radar with moving target indicator (MTI), scaled as RCS to the
<FR>1/4</FR> power, over 3 km
<SU>2</SU>.</P>
<P>(c) Ground vehicles that (MT for those articles designated as such):</P>
<P>(i) Is classified; or</P>
<P>(ii) Is being developed using classified information.</P>
</EXTRACT></DIV8></DIV5>
"""

MARKDOWN = """##### § 121.1 The United States Munitions List. #####

(a)-(b) [Reserved]

Category II—Guns and Armament

(a) Guns and armament, as follows:

\\* (1) Guns, howitzers, artillery, and cannons;

(2) Developmental guns (*i.e.,* funded by the Department of Defense).

Note 1 to paragraph (a)(2):

This paragraph does not control guns and armament:

(a) in production;

(b) determined to be subject to the EAR; or

(c) identified as being developed for both civil and military applications.

Note 2 to paragraph (a)(2):

Note 1 does not apply to defense articles enumerated on the U.S. Munitions List.

(b) Flamethrowers with an effective range greater than or equal to 20 meters.

\\*(c) Kinetic energy weapon systems, 1.1 × 10^6 N·s

[58 FR 39287, July 22, 1993]Editorial Notes: (a) not a paragraph.
"""


def _file(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# --- reading the copies -------------------------------------------------------------------------


def test_xml_stream_reads_paragraphs_notes_and_superscripts(tmp_path: Path) -> None:
    stream, titles = ecfr.xml_stream(_file(tmp_path, "p.xml", XML))
    assert titles == {"IV": "Launch Vehicles"}
    paragraphs = [e for e in stream if e["kind"] == "paragraph"]
    assert [(e["label"], e["sme_marked"]) for e in paragraphs] == [
        ("a", True),
        ("1", False),
        ("2", False),
        ("b", False),
        ("c", False),
        ("i", False),
        ("ii", False),
    ]
    # <SU>6</SU> after a line break, and <E T="51">^</E>5, are exponents: 10⁶, 10⁵.
    assert "equal to or greater than 1.1 × 10⁶ N·s (MT);" in paragraphs[1]["text"]
    assert "8.41 × 10⁵ newton seconds" in paragraphs[2]["text"]
    assert "RCS to the 1/4 power, over 3 km²." in paragraphs[3]["text"]
    note = next(e for e in stream if e["kind"] == "note")
    assert note["heading"] == "Note 1 to paragraph (a)"
    assert note["text"] == "The first sentence. (1) a list item inside the note;"


def test_xml_mt_flag_ignores_mti(tmp_path: Path) -> None:
    stream, _ = ecfr.xml_stream(_file(tmp_path, "p.xml", XML))
    flags = {e["label"]: e["mt_flag"] for e in stream if e["kind"] == "paragraph"}
    assert flags["1"] and flags["c"]
    assert not flags["b"]  # "(MTI)" is a moving target indicator, not "(MT …)"


def test_markdown_stream_keeps_note_lists_inside_notes(tmp_path: Path) -> None:
    stream, titles = ecfr.markdown_stream(_file(tmp_path, "s.md", MARKDOWN))
    assert titles == {"II": "Guns and Armament"}
    kinds = [(e["kind"], e.get("label")) for e in stream]
    assert kinds == [
        ("paragraph", "a"),
        ("paragraph", "1"),
        ("paragraph", "2"),
        ("note", None),  # its (a), (b), (c) stay in the note: they start after "armament:"
        ("note", None),
        ("paragraph", "b"),  # not a continuation of the note's list: a paragraph again
        ("paragraph", "c"),
    ]
    notes = [e for e in stream if e["kind"] == "note"]
    assert notes[0]["text"].endswith("(c) identified as being developed for both civil and "
                                      "military applications.")  # fmt: skip
    paragraphs = {e["label"]: e for e in stream if e["kind"] == "paragraph"}
    assert paragraphs["1"]["sme_marked"] and paragraphs["c"]["sme_marked"]
    assert (
        paragraphs["2"]["text"] == "Developmental guns (i.e., funded by the Department of Defense)."
    )
    assert paragraphs["c"]["text"].endswith("1.1 × 10⁶ N·s")  # the caret is an exponent
    assert "Editorial" not in json.dumps(stream)  # reading stops at the source citation


def test_a_copy_is_verified_by_its_hash(tmp_path: Path) -> None:
    name = "ecfr-xml-part121-2026-06-25"
    assert ecfr.find_copy(name, tmp_path) is None  # absent: skipped, not an error
    _file(tmp_path, ecfr.stored_copies()[name]["file"], "<not the copy/>")
    with pytest.raises(BuildError, match="SHA-256"):
        ecfr.find_copy(name, tmp_path)


def test_stored_copies_record_url_commit_and_hash() -> None:
    for name, spec in ecfr.stored_copies().items():
        assert spec["url"].startswith("https://github.com/") and spec["commit"] in spec["url"]
        assert len(spec["sha256"]) == 64, name


# --- MT parentheticals and irregular levels ------------------------------------------------------


def test_mt_parenthetical_runs_to_its_own_closing_bracket() -> None:
    text = (
        "Withstand thermal shock (MT if usable in UAVs and usable in protecting against nuclear "
        "effects (e.g., Electromagnetic Pulse (EMP), X-rays). See note 2 to paragraph "
        "(a)(3)(xxix) of this category);"
    )
    (found,) = usml.mt_parentheticals(text)
    assert found.startswith("MT if usable") and found.endswith("(a)(3)(xxix) of this category")
    assert usml.mt_parentheticals("Radar (MTI) and (MT)") == ["MTI", "MT"]
    with pytest.raises(BuildError, match="unbalanced"):
        usml.mt_parentheticals("(MT if (never closed")


def _element(eid: str, label: str, text: str) -> dict[str, Any]:
    return {
        "id": eid,
        "kind": "paragraph",
        "category": "XIII",
        "label": label,
        "range_end": None,
        "text": text,
        "sme_marked": False,
        "mt_flag": False,
        "reserved": False,
        "sources": [eid],
    }


def test_irregular_level_is_placed_only_where_declared() -> None:
    # A category whose (a) has sub-paragraphs (i), (ii) as XIII(f) has, then (b).
    stream = [
        _element("a", "a", "Any article enumerated in this category that:"),
        _element("ai", "i", "Is classified;"),
        _element("aii", "ii", "Is being developed using classified information."),
        _element("b", "b", "Concealment and deception equipment."),
    ]
    paragraphs, problems = usml.rebuild([dict(e) for e in stream], {"XIII(a)": "roman"})
    assert problems == []
    assert [p["ref"] for p in paragraphs] == ["XIII(a)", "XIII(a)(i)", "XIII(a)(ii)", "XIII(b)"]
    assert usml.check_sequences(paragraphs, {"XIII(a)": "roman"}) == []
    _, problems = usml.rebuild([dict(e) for e in stream])  # undeclared: (i) fits nowhere
    assert any("(i) does not continue" in p for p in problems)


# --- the cross-check ----------------------------------------------------------------------------


def _edition() -> dict[str, Any]:
    return copy.deepcopy(load_json("usml.json"))


def _check_with(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    theirs: list[dict[str, Any]],
    explained: list[Any],
) -> str:
    monkeypatch.setattr(ecfr, "find_copy", lambda name, directory: tmp_path / "copy.xml")
    monkeypatch.setattr(usml_crosscheck, "ecfr_paragraphs", lambda path: theirs)
    listed = _file(tmp_path, "ecfr_check.json", json.dumps({"differences": explained}))
    monkeypatch.setattr(usml_crosscheck, "EXPLAINED", listed)
    return usml_crosscheck.check(_edition(), tmp_path)


def test_crosscheck_passes_when_every_difference_is_explained(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    theirs = _edition()["paragraphs"]
    message = _check_with(monkeypatch, tmp_path, theirs, [])
    assert "0 differences" in message


def test_crosscheck_fails_on_an_unexplained_difference(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    theirs = _edition()["paragraphs"]
    target = next(p for p in theirs if p["ref"] == "XIX(f)(2)")
    target["text"] = target["text"].replace("related cooled structures; high", "x; high")
    with pytest.raises(BuildError, match=r"XIX\(f\)\(2\) text"):
        _check_with(monkeypatch, tmp_path, theirs, [])


def test_crosscheck_compares_sme_and_mt_too(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    theirs = _edition()["paragraphs"]
    target = next(p for p in theirs if p["ref"] == "XI(c)(11)(vii)")
    target["mt"] = None
    target["sme_marked"] = True
    with pytest.raises(BuildError) as failure:
        _check_with(monkeypatch, tmp_path, theirs, [])
    assert "XI(c)(11)(vii) sme_marked" in str(failure.value)
    assert "XI(c)(11)(vii) mt" in str(failure.value)


def test_crosscheck_fails_on_an_explanation_that_explains_nothing(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    stale = {"ref": "I(a)", "field": "text", "ours": "x", "ecfr": "y", "why": "-", "evidence": "-"}
    with pytest.raises(BuildError, match="no longer exists"):
        _check_with(monkeypatch, tmp_path, _edition()["paragraphs"], [stale])


def test_crosscheck_is_skipped_without_the_copy(tmp_path: Path) -> None:
    message = usml_crosscheck.check(_edition(), tmp_path)
    assert message.startswith("eCFR cross-check skipped")


def test_bundled_usml_against_the_stored_ecfr_copy() -> None:
    if ecfr.find_copy(usml_crosscheck.COPY, None) is None:
        pytest.skip(f"stored copy {usml_crosscheck.COPY} is not in {ecfr.default_dir()}")
    message = usml_crosscheck.check(_edition(), None)
    assert "1200 paragraphs compared" in message and "each explained" in message


# --- exponent rules -----------------------------------------------------------------------------


def test_exponent_rules_check_their_examples() -> None:
    spec = exponents.load()
    assert exponents.restore(spec, "8.41 × 105 Ns; 7 × 10 6 N/m 2 ; 10−14 J") == (
        "8.41 × 10⁵ Ns; 7 × 10⁶ N/m²; 10⁻¹⁴ J"
    )
    # chemical subscripts and plain numbers are left alone
    untouched = "(N 2 O 4 /NO 2 ) in 3% sodium chloride, 8 inches × 8 inches"
    assert exponents.restore(spec, untouched) == untouched
    assert exponents.leftovers(spec, "8.41 × 105 Ns")  # what the detectors look for


def test_an_exponent_rule_that_breaks_its_example_fails_the_build(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    spec = json.loads(exponents.RULES_FILE.read_text(encoding="utf-8"))
    spec["rules"][0]["examples"].append({"flat": "5 × 106 Gy", "restored": "5 × 106 Gy"})
    broken = _file(tmp_path, "exponents.json", json.dumps(spec, ensure_ascii=False))
    monkeypatch.setattr(exponents, "RULES_FILE", broken)
    with pytest.raises(BuildError, match="EXP-1"):
        exponents.load()


def test_stored_copy_hash_matches_the_recorded_upstream_manifest() -> None:
    # draygada/Caddy packages/classification/data/ecfr/manifest.json records this sha256 for
    # title-22-part-121.xml (bytes 240319); the build pins the same value.
    spec = ecfr.stored_copies()["ecfr-xml-part121-2026-06-25"]
    assert spec["sha256"] == "3137d0b14c0f2e1878918cd1b29f11d5afa733696895d6fef59927f8c6d9fba5"
    assert spec["bytes"] == 240319
    path = ecfr.find_copy("ecfr-xml-part121-2026-06-25", None)
    if path is not None:
        assert hashlib.sha256(path.read_bytes()).hexdigest() == spec["sha256"]
