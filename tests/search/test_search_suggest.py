"""Suggestions for a description: labelled as suggestions, never a classification."""

from __future__ import annotations

import attrs
import pytest

from exportctl.engine.decision import Classification, Decision
from exportctl.search import SUGGESTION_NOTICE, SearchIndex, Suggestion, suggest


def test_suggestions_are_labelled_and_split_by_regime(index: SearchIndex) -> None:
    found = suggest(index, "gen 3 night vision goggles for the police", limit=3)
    assert found
    assert all(isinstance(s, Suggestion) for s in found)
    assert all(s.kind == "suggestion" and s.notice == SUGGESTION_NOTICE for s in found)
    regimes = [s.regime for s in found]
    assert regimes == sorted(regimes, key=["usml", "ccl"].index)  # USML first, then CCL
    assert regimes.count("usml") <= 3 and regimes.count("ccl") <= 3
    # XII(c)(1)(i) "Employing an autogated third generation image intensifier tube ..."
    assert any(s.reference.startswith("XII(c)(1)") for s in found if s.regime == "usml")


def test_ccl_suggestions_name_each_eccn_once(index: SearchIndex) -> None:
    found = [s for s in suggest(index, "image intensifier tube", limit=3) if s.regime == "ccl"]
    eccns = [s.eccn for s in found]
    assert len(eccns) == len(set(eccns)) and all(eccns)


def test_usml_suggestions_do_not_repeat_a_paragraph_and_its_parent(index: SearchIndex) -> None:
    from exportctl.corpus.references import parse_usml

    found = [s for s in suggest(index, "night vision goggles", limit=3) if s.regime == "usml"]
    refs = [parse_usml(s.reference) for s in found]
    for a in refs:
        for b in refs:
            assert a == b or not a.is_within(b)


@pytest.mark.parametrize("text", ["", "   ", "the of"])
def test_nothing_to_suggest(index: SearchIndex, text: str) -> None:
    assert suggest(index, text) == ()


def test_limit_below_one_suggests_nothing(index: SearchIndex) -> None:
    assert suggest(index, "torpedo", limit=0) == ()


def test_a_suggestion_is_not_a_decision_type() -> None:
    """Nothing a decision holds can be a Suggestion, and a Suggestion has no status."""
    names = {f.name for f in attrs.fields(Suggestion)}
    assert "status" not in names and "jurisdiction" not in names
    assert not issubclass(Suggestion, (Classification, Decision))
    for cls in (Classification, Decision):
        for field in attrs.fields(cls):
            assert "Suggestion" not in str(field.type)
