"""Ranked search over the USML and the CCL: the cases issue 12 reported, and how a query is read.

Each expected paragraph is quoted from the bundled 22 CFR 121.1 or 15 CFR part 774 Supp. No. 1.
The naive search these replace found nothing for "torpedo", "simulator", "IMU", "NVG",
"machine gun" and "bulletproof vest", and ranked nuclear thermal propulsion (XV(e)(11)(iii))
first for "thermal imaging camera core".
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import exportctl
from exportctl import law
from exportctl.search import SearchError, SearchIndex, index_for
from exportctl.search.documents import split_mt


def refs(index: SearchIndex, query: str, regime: str = "usml", limit: int = 5) -> list[str]:
    return [h.reference for h in index.search(query, regime=regime, limit=limit)]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("query", "expected", "why"),
    [
        # IV(a)(7) "Torpedoes;" -- found through the porter stemmer.
        ("torpedo", "IV(a)(7)", "stemming"),
        # IX(b) "Simulators, as follows:" and its sub-paragraphs.
        ("simulator", "IX(b)", "stemming"),
        # XII(e)(9) "Inertial measurement units specially designed for articles in this
        # subchapter" -- the glossary spells IMU out (15 CFR 774, 7A003 Technical Note).
        ("IMU", "XII(e)(9)", "glossary"),
        # XII(c)(1) "Binoculars, bioculars, monoculars, goggles, or head or helmet-mounted
        # imaging systems ..." with (c)(1)(i) "... image intensifier tube".
        ("NVG", "XII(c)(1)", "glossary"),
        # I(b) "Fully automatic firearms to .50 caliber (12.7 mm) inclusive."
        ("machine gun", "I(b)", "glossary"),
        # X(a)(1) "Body armor providing a protection level equal to or greater than NIJ RF3"
        ("bulletproof vest", "X(a)(1)", "glossary"),
        # XI(a)(3)(xviii) "Radar having electronic protection or electronic
        # counter-countermeasures (ECCM) ..."
        ("ECCM radar", "XI(a)(3)(xviii)", "abbreviation in the text"),
    ],
)
def test_reported_queries_find_their_paragraph_first(
    index: SearchIndex, query: str, expected: str, why: str
) -> None:
    hits = index.search(query, regime="usml", limit=3)
    assert hits, f"{query!r} finds nothing ({why})"
    assert hits[0].reference == expected or hits[0].reference.startswith(expected + "("), [
        h.reference for h in hits
    ]


def test_thermal_imaging_camera_core_finds_infrared_cameras_not_nuclear_propulsion(
    index: SearchIndex,
) -> None:
    # XII(e)(4) "Night vision or infrared cameras (e.g., camera core) specially designed for
    # articles in this subchapter"; XV(e)(11)(iii) "Nuclear thermal propulsion systems".
    top = refs(index, "thermal imaging camera core", limit=3)
    assert "XII(e)(4)" in top
    assert "XV(e)(11)(iii)" not in refs(index, "thermal imaging camera core", limit=10)


def test_ccl_search_exists_and_finds_ccl_paragraphs(index: SearchIndex) -> None:
    # 5A992.c "Commodities classified as mass market encryption commodities in accordance
    # with § 740.17(b) of the EAR."
    hits = index.search("mass market encryption", regime="ccl", limit=3)
    assert hits[0].reference == "5A992.c"
    assert all(h.regime == "ccl" for h in hits)


def test_eccn_code_finds_its_entry(index: SearchIndex) -> None:
    assert any(h.eccn == "3A001" for h in index.search("3A001", regime="ccl", limit=5))


@pytest.mark.parametrize("regime", ["usml", "ccl"])
def test_regime_filter(index: SearchIndex, regime: str) -> None:
    hits = index.search("night vision image intensifier", regime=regime, limit=10)  # type: ignore[arg-type]
    assert hits and all(h.regime == regime for h in hits)


def test_both_regimes_mix(index: SearchIndex) -> None:
    hits = index.search("image intensifier tube", regime="both", limit=20)
    assert {h.regime for h in hits} == {"usml", "ccl"}


def test_quoted_phrase_is_required(index: SearchIndex) -> None:
    hits = index.search('"camera core" infrared', regime="both", limit=10)
    assert hits
    for h in hits:
        assert "camera" in h.matched + h.matched_context and "core" in h.matched + h.matched_context
    # Without the quotes, paragraphs with only "infrared" come too.
    loose = index.search("camera core infrared", regime="both", limit=10)
    assert len(loose) > len(hits)


def test_quoted_glossary_term_is_satisfied_by_its_expansion(index: SearchIndex) -> None:
    # "IMU" never appears in the USML; its expansion "inertial measurement units" does.
    assert refs(index, '"IMU"')[0] == "XII(e)(9)"


def test_search_ranks_relevant_paragraph_first(regs: exportctl.Regulations) -> None:
    # Moved from tests/test_data_usml.py (the naive UnitedStatesMunitionsList.search is gone):
    # II(b) "Flamethrowers with an effective range greater than or equal to 20 meters."
    hits = index_for(regs).search("flamethrowers effective range", regime="usml")
    assert hits and hits[0].reference == "II(b)"


def test_hit_carries_path_flags_citation_and_what_matched(index: SearchIndex) -> None:
    hit = index.search("ECCM radar", regime="usml", limit=1)[0]
    assert hit.path == (
        "Category XI — Military Electronics",
        "XI(a)",
        "XI(a)(3)",
        "XI(a)(3)(xviii)",
    )
    # XI(a)(3) is marked with an asterisk: SME for everything beneath it (§ 120.36).
    assert hit.sme is True and hit.mt is None
    assert hit.citation == "22 CFR 121.1, Category XI(a)(3)(xviii)"
    assert {"radar", "eccm"} <= set(hit.matched)
    assert [(g.term, g.entry_id) for g in hit.glossary] == [("eccm", "eccm")]
    assert hit.kind == "paragraph" and hit.eccn is None


def test_usml_mt_designation_is_reported(index: SearchIndex) -> None:
    # IV(a)(1) "Rockets, SLVs, and missiles capable of delivering at least a 500-kg payload to
    # a range of at least 300 km (MT);"
    hit = next(h for h in index.search("500-kg payload 300 km rockets", "usml", 10)
               if h.reference == "IV(a)(1)")
    assert hit.mt == "MT" and hit.sme is True


def test_ccl_hit_names_its_eccn_and_reasons(index: SearchIndex) -> None:
    hit = index.search("mass market encryption", regime="ccl", limit=1)[0]
    assert hit.eccn == "5A992" and hit.kind == "item"
    assert hit.eccn_reasons_for_control == ("RS", "AT")
    # ... of which only AT applies to 5A992.c: "RS applies to items controlled by 5A992.z.1"
    # (and .z.2); "AT applies to entire entry" (AT Column 1).
    assert hit.reasons_for_control == ("AT",) and hit.country_chart_columns == ("AT1",)
    assert hit.path == ("CCL Category 5", "5A992", "5A992.c")
    assert hit.citation == "15 CFR part 774, Supp. No. 1, ECCN 5A992.c"


def test_mt_clause_is_searched_as_a_note_not_as_the_paragraph(index: SearchIndex) -> None:
    # XIII(h)(3) "Thermal batteries (MT if designed or modified for rockets, SLVs, missiles,
    # drones, or UAVs ...)": its own words are "Thermal batteries".
    assert refs(index, "thermal batteries")[0] == "XIII(h)(3)"
    # "drones" alone must not rank it first only because of its MT clause.
    assert refs(index, "drones", limit=1) != ["XIII(h)(3)"]


@pytest.mark.parametrize("query", ["", "   ", "the of and", '""', '" "', "*", "()"])
def test_queries_with_nothing_to_look_for_find_nothing(index: SearchIndex, query: str) -> None:
    assert index.search(query) == ()


def test_bad_arguments_are_clear_errors(index: SearchIndex) -> None:
    with pytest.raises(SearchError, match="regime"):
        index.search("radar", regime="itar")  # type: ignore[arg-type]
    with pytest.raises(SearchError, match="limit"):
        index.search("radar", limit=0)


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=60), st.sampled_from(["usml", "ccl", "both"]), st.integers(1, 15))
def test_any_text_is_a_safe_query(index: SearchIndex, text: str, regime: str, limit: int) -> None:
    """No input is read as FTS5 syntax: nothing raises, results are ranked and filtered."""
    hits = index.search(text, regime=regime, limit=limit)  # type: ignore[arg-type]
    assert len(hits) <= limit
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert regime == "both" or all(h.regime == regime for h in hits)
    assert len({(h.regime, h.reference) for h in hits}) == len(hits)


_PARAGRAPHS = {
    p.designation: split_mt(p.text)[0]
    for p in law().usml.paragraphs
    if not p.reserved and len(p.text) > 40
}


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(sorted(_PARAGRAPHS)))
def test_a_paragraphs_own_text_finds_it(index: SearchIndex, designation: str) -> None:
    """Searching a paragraph's own words, quoted, finds that paragraph among the hits."""
    hits = index.search(f'"{_PARAGRAPHS[designation]}"', regime="usml", limit=50)
    assert designation in [h.reference for h in hits]
