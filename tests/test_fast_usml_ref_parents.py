"""A USML reference's parent and ancestors, made without checking again what the reference's
own making checked (``corpus.references._checked``, issue 13: parsing transfers), are the
references ``USMLRef(category, path[:n])`` makes: equal, same hash, text and repr, of the same
class with the same fields, for every paragraph of both bundled editions and generated
references; and a reference a transfer names that does not exist still names the paragraph
above it (or the category) in its error.  Never a speed assertion here.
"""

from __future__ import annotations

import attrs
import pytest
from hypothesis import given, settings
from tests.test_fast_precise_paragraphs import BUILT, REFS

import exportctl
from exportctl.core.facts import FactError
from exportctl.corpus.references import USMLRef, parse_usml
from exportctl.inputs.transfers import transfer_from_mapping

LAW = exportctl.law("2025-06-01")


def _same_ref(got: USMLRef | None, category: str, path: tuple[str, ...]) -> None:
    want = USMLRef(category, path)
    assert type(got) is USMLRef
    assert got == want and hash(got) == hash(want)
    assert (str(got), repr(got)) == (str(want), repr(want))
    assert attrs.asdict(got) == {"category": category, "path": path}


def _same_parents(ref: USMLRef) -> int:
    if not ref.path:
        assert ref.parent is None
    else:
        _same_ref(ref.parent, ref.category, ref.path[:-1])
    ancestors = ref.ancestors()
    assert len(ancestors) == len(ref.path)
    for n, ancestor in enumerate(ancestors):
        _same_ref(ancestor, ref.category, ref.path[:n])
    return len(ancestors)


def test_the_fields_are_those_the_parent_is_made_with() -> None:
    assert [f.name for f in attrs.fields(USMLRef)] == ["category", "path"]


@pytest.mark.parametrize("name", sorted(BUILT))
def test_every_paragraphs_parent_and_ancestors(name: str) -> None:
    assert sum(_same_parents(p.ref) for p in BUILT[name].paragraphs) > 2000


@settings(max_examples=300, deadline=None)
@given(REFS)
def test_generated_references(ref: USMLRef) -> None:
    _same_parents(ref)
    _same_parents(parse_usml(str(ref)))


@pytest.mark.parametrize(
    ("text", "where"),
    [("XI(a)(3)(xcix)", "XI(a)(3)"), ("XI(z)", "XI"), ("IV(h)(99)", "IV(h)")],
)
def test_a_reference_that_does_not_exist_names_the_paragraph_above_it(
    text: str, where: str
) -> None:
    raw = {"transfer_id": "T-1", "activity": "export", "usml_classification": text}
    with pytest.raises(FactError) as caught:
        transfer_from_mapping(raw, LAW)
    assert caught.value.field == "usml_classification"
    assert caught.value.reason == (
        f"USML {text} does not exist in 22 CFR 121.1 (as bundled); see `exportctl usml show "
        f"{where}` for the paragraphs there"
    )
