"""The precise paragraphs a USML reference stands for (``inputs.transfers.precise_paragraphs``),
read from the edition's data without building its paragraphs (``corpus.usml.unreserved_texts``,
issue 13: start-up of ``authorize``), are the leaves the built paragraphs give: every category,
paragraph and reserved paragraph of both bundled editions, read from the verified bytes and from
the parsed file, the references of the example and generated transfers, and generated references
(most of them naming nothing).  The expected leaves are worked out here from the built
:class:`~exportctl.corpus.usml.USMLParagraph` objects (``ref.is_within``, ``parent``,
``reserved``), not by the code under test.  Never a speed assertion here.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tools import bench

from exportctl.corpus.bundle import load_json
from exportctl.corpus.references import USML_CATEGORIES, USMLRef, parse_usml
from exportctl.corpus.usml import (
    UnitedStatesMunitionsList,
    unreserved_texts,
    usml_from_bundle,
    usml_from_data,
)
from exportctl.inputs.transfers import precise_paragraphs

EDITIONS = ["usml.json", "usml-2024-03-25.json"]
#: Every paragraph built, once per edition: what the expected leaves are read from.
BUILT = {name: usml_from_data(load_json(name)) for name in EDITIONS}
for _built in BUILT.values():
    assert len(_built.paragraphs) > 1000


def _expected(built: UnitedStatesMunitionsList, ref: USMLRef) -> tuple[USMLRef, ...]:
    """The paragraphs not reserved that lie within ``ref`` and have no such paragraph beneath
    them, in the list's order (the reading before this change, from the built paragraphs)."""
    beneath = [p for p in built.paragraphs if not p.reserved and p.ref.is_within(ref)]
    parents = {p.parent for p in beneath}
    return tuple(p.ref for p in beneath if p.ref not in parents)


def _every_ref(built: UnitedStatesMunitionsList) -> Iterator[USMLRef]:
    yield from (USMLRef(c) for c in USML_CATEGORIES)
    yield from (p.ref for p in built.paragraphs)


def _fresh(name: str, source: str) -> UnitedStatesMunitionsList:
    """A list of edition ``name`` none of whose paragraphs is built, from its verified bytes
    or its parsed file; read from its data (not from paragraphs)."""
    usml = usml_from_bundle(name) if source == "bytes" else usml_from_data(load_json(name))
    assert usml._pending is not None and not usml._pending.built
    return usml


def _same_for(
    usml: UnitedStatesMunitionsList, built: UnitedStatesMunitionsList, refs: list[USMLRef]
) -> None:
    for ref in refs:
        assert precise_paragraphs(usml, ref) == _expected(built, ref), str(ref)


@pytest.mark.parametrize("source", ["bytes", "parsed"])
@pytest.mark.parametrize("name", EDITIONS)
def test_every_reference_of_an_edition_stands_for_the_leaves_of_its_paragraphs(
    name: str, source: str
) -> None:
    built = BUILT[name]
    refs = list(_every_ref(built))
    usml = _fresh(name, source)
    texts = unreserved_texts(usml)
    assert texts is not None and len(texts) == sum(not p.reserved for p in built.paragraphs)
    _same_for(usml, built, refs)
    # the answers were read from the data: no paragraph was built for them
    assert usml._pending is not None and not usml._pending.built
    # leaves, parents, categories and reserved paragraphs all occur among them
    leaves = [r for r in refs if _expected(built, r) == (r,)]
    assert 500 < len(leaves) < len(refs) - 100
    assert any(_expected(built, r) == () for r in refs)  # a reserved paragraph


@pytest.mark.parametrize("name", EDITIONS)
def test_a_list_whose_paragraphs_are_built_is_read_from_them(name: str) -> None:
    usml = usml_from_data(load_json(name))
    assert len(usml.paragraphs) > 1000  # every paragraph built
    assert unreserved_texts(usml) is None
    _same_for(usml, BUILT[name], list(_every_ref(BUILT[name])))


@pytest.mark.parametrize("field", ["ref", "parent"])
def test_a_text_not_canonical_reads_the_paragraphs(field: str) -> None:
    """A reference the data writes otherwise than its canonical text (``XI (a)``) is not read
    as text: the list falls back to its paragraphs, and gives the same leaves."""
    raw = copy.deepcopy(load_json("usml.json"))
    target = next(p for p in raw["paragraphs"] if p["ref"] == "XI(a)(3)")
    children = [p for p in raw["paragraphs"] if p["parent"] == "XI(a)(3)"]
    assert children
    if field == "ref":
        target["ref"] = "XI (a)(3)"
    else:
        children[0]["parent"] = "XI (a)(3)"
    usml = usml_from_data(raw)
    assert unreserved_texts(usml) is None
    refs = [parse_usml(t) for t in ("XI", "XI(a)", "XI(a)(3)", children[0]["ref"])]
    built = usml_from_data(raw)
    _same_for(usml, built, refs)


def _transfer_refs() -> list[USMLRef]:
    refs = []
    for row in [*bench.example_rows(bench.TRANSFERS), *bench.distinct_transfers(300)]:
        for column in ("usml_classification", "related_to", "specially_designed_for"):
            for text in (row.get(column) or "").split(";"):
                text = text.strip()
                if text and text != "none":
                    refs.append(parse_usml(text))
    return refs


def test_the_references_of_example_and_generated_transfers() -> None:
    refs = _transfer_refs()
    assert len(refs) > 300
    for name in EDITIONS:
        _same_for(_fresh(name, "bytes"), BUILT[name], refs)


#: Labels of each level (1 CFR 21.11: letters, numbers, roman numerals, upper-case letters).
_LEVELS = (("a", "b", "c", "h", "x"), ("1", "2", "3", "11"), ("i", "ii", "xviii"), ("A", "B"))
REFS = st.builds(
    lambda category, depth, picks: USMLRef(
        category,
        tuple(level[n % len(level)] for level, n in zip(_LEVELS[:depth], picks, strict=False)),
    ),
    st.sampled_from(USML_CATEGORIES),
    st.integers(0, len(_LEVELS)),
    st.lists(st.integers(0, 9), min_size=len(_LEVELS), max_size=len(_LEVELS)),
)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(EDITIONS), st.lists(REFS, min_size=1, max_size=5))
def test_generated_references(name: str, refs: list[USMLRef]) -> None:
    _same_for(_fresh(name, "bytes"), BUILT[name], refs)
