"""How a query is read: words, pairs, quoted phrases, glossary stand-ins and related wording."""

from __future__ import annotations

import pytest

from exportctl.search import Glossary, SearchIndex, load_glossary, parse_query
from exportctl.search.query import COMMON_WORDS, STOPWORDS


def kinds(text: str, known: bool | None = None) -> dict[str, str]:
    parsed = parse_query(text, load_glossary(), None if known is None else (lambda _: known))
    return {p.kind: p.expression for p in parsed.parts}


def test_words_pairs_and_stopwords() -> None:
    parts = kinds("radar for the hydrophones")
    assert parts["words"] == '"radar" OR "hydrophones"'
    assert parts["pairs"] == '"radar hydrophones"'
    assert "glossary" not in parts


def test_every_word_is_quoted_so_nothing_is_fts5_syntax() -> None:
    parts = kinds("NOT radar OR sonar NEAR AND* col:x")
    for word in ("not", "radar", "or", "sonar", "near", "and", "col", "x"):
        if word not in STOPWORDS:
            assert f'"{word}"' in parts["words"]


def test_quoted_phrase_is_required_in_every_part() -> None:
    parts = kinds('"image intensifier" goggles')
    assert parts["phrases"] == '"image intensifier"'
    assert parts["words"].startswith('"image intensifier" AND (')


def test_glossary_term_absent_from_the_text_gets_stand_ins() -> None:
    parts = kinds("bulletproof vest", known=False)
    assert parts["glossary"] == '"body armor" OR "ballistic protection"'
    assert "related" not in parts


def test_glossary_term_present_in_the_text_gets_related_wording() -> None:
    parts = kinds("satellite bus", known=True)
    assert parts["related"] == '"spacecraft"'  # "satellites" is the term itself
    assert "glossary" not in parts


def test_common_words_only_count_in_pairs() -> None:
    parts = kinds("fire control equipment")
    assert parts["words"] == '"fire"'
    assert parts["pairs"] == '"fire control" OR "control equipment"'


def test_common_words_are_common_in_the_index(index: SearchIndex) -> None:
    """Each listed word is in >= 1/8 of the paragraphs or > 2/5 of their contexts."""
    con = index.connection
    total = index.document_count
    count = "SELECT count(*) FROM {0} WHERE {0} MATCH ?"
    for word in COMMON_WORDS:
        own = con.execute(count.format("own"), (f'"{word}"',)).fetchone()[0]
        ctx = con.execute(count.format("ctx"), (f'"{word}"',)).fetchone()[0]
        assert own >= total / 8 or ctx > 2 * total / 5, word


@pytest.mark.parametrize("text", ["", "the and of", '""', "-- !!"])
def test_nothing_to_search(text: str) -> None:
    assert parse_query(text, Glossary.empty()).empty


def test_stand_in_or_related_depends_on_the_regime_searched(index: SearchIndex) -> None:
    """The USML never writes "IMU"; the CCL does ("Inertial Measurement Units (IMUs)", 7A003)."""
    in_usml = {p.kind for p in index.parse("IMU", "usml").parts}
    in_ccl = {p.kind for p in index.parse("IMU", "ccl").parts}
    assert "glossary" in in_usml and "related" not in in_usml
    assert "related" in in_ccl and "glossary" not in in_ccl


def test_a_term_known_only_to_the_other_regime_still_stands_in(index: SearchIndex) -> None:
    # XII(e)(9) "Inertial measurement units specially designed for articles in this subchapter"
    top = [h.reference for h in index.search("IMU for a guided missile", regime="usml", limit=5)]
    assert "XII(e)(9)" in top
