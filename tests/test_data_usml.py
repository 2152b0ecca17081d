"""Integrity of the rebuilt USML (22 CFR 121.1) and known flags, each pinned to its paragraph."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

import exportctl
from exportctl.corpus.bundle import load_json
from exportctl.corpus.references import USML_CATEGORIES, designation_kind, ordinal
from exportctl.corpus.usml import UnknownReference

ROOT = Path(__file__).resolve().parents[1]


def test_all_21_categories(regs: exportctl.Regulations) -> None:
    assert tuple(c.roman for c in regs.usml.categories) == USML_CATEGORIES
    assert {p.category for p in regs.usml.paragraphs} == set(USML_CATEGORIES)


def test_every_source_row_is_accounted_for() -> None:
    # The reference has 1,181 USML entries; each ends up in a paragraph, a note, or a logged drop.
    raw = load_json("usml.json")
    assert raw["source_rows"] == 1181
    used = {s for p in raw["paragraphs"] for s in p["sources"]}
    used |= {s for p in raw["paragraphs"] for n in p["notes"] for s in n["sources"]}
    kg_rows = {s for s in used if s.startswith("USML-")}
    assert len(kg_rows) >= 1181 - 5  # a handful of rows are dropped by logged errata
    assert len(raw["paragraphs"]) > 1150


def test_no_duplicate_references(regs: exportctl.Regulations) -> None:
    counts = Counter(str(p.ref) for p in regs.usml.paragraphs)
    assert [r for r, n in counts.items() if n > 1] == []


def test_every_parent_exists(regs: exportctl.Regulations) -> None:
    for p in regs.usml.paragraphs:
        if p.parent.path:
            assert regs.usml.get(p.parent).ref == p.parent, p.designation


def test_children_run_in_order(regs: exportctl.Regulations) -> None:
    """Under each parent the designations run (a), (b), … with no gap (reserved ranges count)."""
    by_parent: dict[str, list[exportctl.USMLParagraph]] = {}
    for p in regs.usml.paragraphs:
        by_parent.setdefault(str(p.parent), []).append(p)
    for parent, kids in by_parent.items():
        expected = 1
        for kid in kids:
            kind = designation_kind(kid.ref.level, kid.ref.path[-1])
            assert ordinal(kid.ref.path[-1], kind) == expected, (parent, kid.designation)
            end = kid.range_end or kid.ref.path[-1]
            expected = ordinal(end, kind) + 1


def test_no_acronym_or_fragment_designations(regs: exportctl.Regulations) -> None:
    # The reference had ids such as XI(a)(3)(xviii)(ECCM) and IV(d)(7)(h)(12): none survive.
    for p in regs.usml.paragraphs:
        assert "ECCM" not in str(p.ref) and "MT" not in str(p.ref)
    assert not regs.usml.exists("IV(d)(7)(h)(12)")
    assert regs.usml.get("IV(h)(12)").text.startswith("Post-boost vehicles")


@pytest.mark.parametrize(
    ("ref", "starts"),
    [
        ("XI(c)", "Parts, components, accessories, attachments"),  # lost under XI(a)(5)(12)
        ("XI(d)", "Technical data"),
        ("VIII(h)(2)", "Rotorcraft gearboxes"),  # recovered from NOTE-0077
        ("VIII(h)(3)", "Tail boom folding systems"),  # recovered from NOTE-0078
        ("VIII(i)", "Technical data"),  # recovered from NOTE-0079
        ("II(b)", "Flamethrowers"),  # recovered from NOTE-0015
        ("XIII(g)", ""),
    ],
)
def test_recovered_paragraphs(regs: exportctl.Regulations, ref: str, starts: str) -> None:
    assert regs.usml.get(ref).text.startswith(starts)


def test_notes_are_not_paragraphs(regs: exportctl.Regulations) -> None:
    # The reference's II(b) row ("determined to be subject to the EAR via a commodity
    # jurisdiction determination") was note text of Note 1 to II(a)(5).
    assert "commodity jurisdiction" not in regs.usml.get("II(b)").text
    notes = " ".join(n.text for n in regs.usml.get("II(a)(5)").notes)
    assert "determined to be subject to the EAR via a commodity jurisdiction" in notes


@pytest.mark.parametrize(
    ("ref", "sme", "marked_on"),
    [
        ("I(a)", True, "I(a)"),  # 22 CFR 121.1 Cat. I: *(a) Firearms using caseless ammunition
        ("I(g)", False, None),  # Cat. I(g) barrels, receivers … carry no asterisk
        ("IV(a)(1)", True, "IV(a)"),  # Cat. IV *(a): the asterisk covers every article beneath
        ("IV(a)(12)", True, "IV(a)"),
        ("XI(a)(3)(xviii)", True, "XI(a)(3)"),  # Cat. XI *(a)(3) radar systems
        ("VIII(a)(1)", True, "VIII(a)(1)"),  # Cat. VIII *(a)(1) bombers
        ("VIII(a)(10)", False, None),  # Cat. VIII (a)(10) target drones: no asterisk
    ],
)
def test_sme_flags(regs: exportctl.Regulations, ref: str, sme: bool, marked_on: str | None) -> None:
    p = regs.usml.get(ref)
    assert p.sme is sme
    assert (str(p.sme_from) if p.sme_from else None) == marked_on


@pytest.mark.parametrize(
    ("ref", "designated", "condition_contains"),
    [
        ("IV(a)(1)", "yes", None),  # Cat. IV(a)(1) rockets … at least 500 kg to 300 km (MT)
        ("IV(h)(12)", "yes", None),  # Cat. IV(h)(12) post-boost vehicles (MT)
        ("V(a)(15)(i)", "yes", None),  # Cat. V(a)(15)(i) HMX (MT)
        ("IV(h)(4)", "conditional", "thrust vector"),  # "(MT for those thrust vector …)"
        ("VIII(a)", "conditional", "aircraft"),  # "(MT if the aircraft, excluding manned …)"
    ],
)
def test_mt_designations(
    regs: exportctl.Regulations, ref: str, designated: str, condition_contains: str | None
) -> None:
    mt = regs.usml.get(ref).mt
    assert mt is not None and mt.designated == designated
    if condition_contains:
        assert mt.condition is not None and condition_contains in mt.condition


def test_no_mt_on_plain_paragraph(regs: exportctl.Regulations) -> None:
    assert regs.usml.get("I(a)").mt is None  # Cat. I(a) has no MT designation


def test_reserved_range_lookup(regs: exportctl.Regulations) -> None:
    # Cat. I "(j)-(w) [Reserved]": any paragraph inside the range resolves to the range.
    p = regs.usml.get("I(k)")
    assert p.designation == "I(j)-(w)" and p.reserved


def test_derived_properties(regs: exportctl.Regulations) -> None:
    assert regs.usml.get("I(x)").is_x_paragraph
    assert regs.usml.get("XI(d)").is_technical_data
    assert regs.usml.get("I(g)").specially_designed_control  # "… specially designed for …"
    assert not regs.usml.get("I(a)").specially_designed_control
    assert regs.usml.get("I(h)(3)").is_catch_all  # "Parts and components specially designed …"
    # IV(h)(18) "Specially designed parts and components for articles controlled in (a) …"
    assert regs.usml.get("IV(h)(18)").is_catch_all
    assert not regs.usml.get("VIII(h)(2)").is_catch_all  # enumerates rotorcraft gearboxes …
    assert regs.usml.get("VIII(h)(2)").includes_specially_designed_parts  # … "and parts therefor"


def test_ancestors_and_children(regs: exportctl.Regulations) -> None:
    anc = [p.designation for p in regs.usml.ancestors_of("XI(a)(3)(xviii)")]
    assert anc == ["XI(a)", "XI(a)(3)"]
    kids = [p.designation for p in regs.usml.children_of("II(j)(10)")]
    assert kids == [f"II(j)(10)({r})" for r in ("i", "ii", "iii", "iv", "v")]


def test_every_erratum_was_applied() -> None:
    ids = set()
    for path in sorted((ROOT / "data" / "errata" / "usml").glob("cat_*.json")):
        ids |= {e["id"] for e in json.loads(path.read_text(encoding="utf-8"))["errata"]}
    assert ids, "no USML errata found"
    assert set(load_json("usml.json")["errata_applied"]) == ids


# --- issue 7 item 17: defects found against the eCFR copy of 22 CFR part 121 (2026-06-25) ------


@pytest.mark.parametrize(
    ("ref", "text"),
    [
        # eCFR: "* (f) Any article enumerated in this category that …: (i) Is classified; (ii) …"
        ("XIII(f)(i)", "Is classified;"),
        ("XIII(f)(ii)", "Contains classified software directly related to defense articles"),
        ("XIII(f)(iii)", "Is being developed using classified information."),
    ],
)
def test_xiii_f_keeps_the_regulations_own_designations(
    regs: exportctl.Regulations, ref: str, text: str
) -> None:
    paragraph = regs.usml.get(ref)
    assert paragraph.text.startswith(text)
    assert paragraph.sme and paragraph.sme_from is not None  # the asterisk of XIII(f)
    assert str(paragraph.sme_from) == "XIII(f)"


def test_xiii_f_has_no_numbered_sub_paragraphs(regs: exportctl.Regulations) -> None:
    assert [str(c) for c in regs.usml.get("XIII(f)").children] == [
        "XIII(f)(i)",
        "XIII(f)(ii)",
        "XIII(f)(iii)",
    ]
    for wrong in ("XIII(f)(1)", "XIII(f)(iv)"):
        with pytest.raises(UnknownReference):
            regs.usml.get(wrong)


@pytest.mark.parametrize(
    ("ref", "condition_starts", "condition_ends"),
    [
        # "(MT if usable in rockets, … nuclear effects (e.g., Electromagnetic Pulse (EMP), …).
        # See note 2 to paragraph (a)(3)(xxix) of this category)": brackets nest two deep
        (
            "XI(c)(11)(vii)",
            "MT if usable in rockets",
            "See note 2 to paragraph (a)(3)(xxix) of this category",
        ),
        # "(MT for software … a range (see note to paragraph (d) of this category) greater …)"
        (
            "XIII(i)",
            "MT for software specially designed",
            "databases specially designed for analysis of signature reduction",
        ),
    ],
)
def test_mt_parentheticals_with_nested_brackets(
    regs: exportctl.Regulations, ref: str, condition_starts: str, condition_ends: str
) -> None:
    mt = regs.usml.get(ref).mt
    assert mt is not None and mt.designated == "conditional"
    assert mt.condition is not None and (
        mt.condition.startswith(condition_starts) and mt.condition.endswith(condition_ends)
    )


def test_mti_is_not_an_mt_designation(regs: exportctl.Regulations) -> None:
    # XI(a)(3)(xvii) "moving target indicator (MTI)": no "(MT …)" parenthetical.
    assert regs.usml.get("XI(a)(3)(xvii)").mt is None


@pytest.mark.parametrize(
    ("ref", "words"),
    [
        ("IV(d)(2)", "equal to or greater than 1.1 × 10⁶ N·s (MT)"),
        ("IV(d)(3)", "8.41 × 10⁵ N·s, but less than 1.1 × 10⁶ N·s (MT)"),
        ("XI(c)(11)(vii)", "greater than 4.184 × 10⁶ J/m² accompanied"),
        ("XV(e)(12)", "equal to or greater than 8.41 × 10⁵ newton seconds"),
        ("V(f)(17)", "more than 250 m²/g"),
        ("XI(a)(3)(v)", "greater than 50 Wm²;"),
        ("XI(a)(3)(x)", "less than or equal to 16 degrees² that"),
        ("XIII(e)(2)", "(≤40 lb/ft²)"),
        ("XIII(m)(9)", "(7.85 g/cm³)"),
    ],
)
def test_exponents_are_superscripts(regs: exportctl.Regulations, ref: str, words: str) -> None:
    assert words in regs.usml.get(ref).text


def test_no_flattened_power_of_ten_anywhere() -> None:
    for name in ("usml.json", "usml-2024-03-25.json"):
        for p in load_json(name)["paragraphs"]:
            for text in (p["text"], *(n["text"] for n in p["notes"])):
                assert not re.search(r"[×x] ?10(?:\d|\^)", text), (name, p["ref"], text)
                assert not re.search(r"(?:J/m|lb/ft|g/cm|kg/m|km|Wm|CV)[23]\b", text), (
                    name,
                    p["ref"],
                )


def test_xix_f_2_reads_structures(regs: exportctl.Regulations) -> None:
    # eCFR: "high pressure turbine blades, vanes, disks, and related cooled structures;"
    text = regs.usml.get("XIX(f)(2)").text
    assert "high pressure turbine blades, vanes, disks, and related cooled structures;" in text
    assert "related cooled structure;" not in text
