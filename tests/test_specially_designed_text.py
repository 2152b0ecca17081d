"""The reading of "specially designed" in a paragraph's words (specially_designed.py), on the
regulation's own texts.  The bundled data records the result (built with these functions);
these tests call the functions themselves."""

from __future__ import annotations

import pytest

from exportctl.corpus.bundle import load_json
from exportctl.corpus.text import specially_designed_scope, without_mt_annotations

RAW = {p["ref"]: p for p in load_json("usml.json")["paragraphs"]}
scope = specially_designed_scope.__wrapped__  # the function, not its cache


def test_an_mt_annotation_is_removed_with_its_nested_brackets() -> None:
    text = RAW["XIII(i)"]["text"]  # "(MT for software … (see note to paragraph (d) …) …)"
    assert (
        without_mt_annotations(text)
        == "Signature reduction software, and technical data as follows :"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Liquid fuels, as follows (MT):", "Liquid fuels, as follows :"),
        ("A (MT if x (y) z) b (MT) c", "A  b  c"),
        ("No annotation (see (a))", "No annotation (see (a))"),
        ("(MT) first", " first"),
        ("Unclosed (MT if (a", "Unclosed "),
        ("(MTCR) is not an annotation", "(MTCR) is not an annotation"),
        ("", ""),
    ],
)
def test_without_mt_annotations(text: str, expected: str) -> None:
    assert without_mt_annotations(text) == expected


@pytest.mark.parametrize(
    ("ref", "expected"),
    [
        ("IV(h)(21)", "none"),  # "specially designed" only inside "(MT for …)"
        ("VII(c)", "none"),
        ("XIII(i)", "none"),
        ("IV(h)(20)", "parts"),  # "… and specially designed parts and components therefor"
        ("VIII(h)(3)", "parts"),
        ("IV(h)(1)", "item"),  # "… systems … specially designed for articles …"
        ("I(a)", "none"),
    ],
)
def test_scope_of_real_paragraphs(ref: str, expected: str) -> None:
    assert scope(RAW[ref]["text"]) == expected


def test_scope_of_every_top_level_paragraph_matches_the_data() -> None:
    """A top-level paragraph has no lead-in above it: the data records its own scope."""
    for ref, p in RAW.items():
        if p["level"] == 1:
            assert scope(p["text"]) == p["specially_designed_scope"], ref
