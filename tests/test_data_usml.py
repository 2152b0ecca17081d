"""Integrity of the rebuilt USML (22 CFR 121.1) and known flags, each pinned to its paragraph."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

import exportctl
from exportctl.dataset import load_json
from exportctl.references import LEVEL_KINDS, USML_CATEGORIES, ordinal

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
            kind = LEVEL_KINDS[kid.ref.level - 1]
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


def test_search_ranks_relevant_paragraph_first(regs: exportctl.Regulations) -> None:
    hits = regs.usml.search("flamethrowers effective range")
    assert hits and hits[0].paragraph.designation == "II(b)"


def test_every_erratum_was_applied() -> None:
    ids = set()
    for path in sorted((ROOT / "data" / "errata" / "usml").glob("cat_*.json")):
        ids |= {e["id"] for e in json.loads(path.read_text(encoding="utf-8"))["errata"]}
    assert ids, "no USML errata found"
    assert set(load_json("usml.json")["errata_applied"]) == ids
