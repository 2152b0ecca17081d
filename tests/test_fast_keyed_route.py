"""The untraced route of ``classify_keyed`` (what ``screen`` calls for each CSV row) against
the slow reference: the route taken while the memo rests (its probes included), the pieces of
the facts' JSON kept by the kind's text and the candidates' identity, and the control texts
read without their quotation marks."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.test_fast_classify import distinct_facts

import exportctl
from exportctl.core.facts import ContradictoryFacts, FactError
from exportctl.core.provenance import canonical_json, decision_id
from exportctl.corpus.text import _QUOTES
from exportctl.engine import classify as engine
from exportctl.inputs.items import ItemFacts

LAW = exportctl.law("2025-06-01")
RULES = LAW.ruleset


def _outcome(facts: ItemFacts, keyed: bool) -> Any:
    """The decision (id and trace read) and the facts' JSON, or the error, of ``facts``: by
    ``classify_keyed`` or by the slow reference (``classify_traced``, its JSON canonical)."""
    try:
        if keyed:
            decision, facts_key = engine.classify_keyed(facts, LAW)
        else:
            decision, facts_key = engine.classify_traced(facts, LAW), canonical_json(facts.known())
    except (FactError, ContradictoryFacts) as exc:
        return type(exc).__name__, str(exc)
    return decision, decision.decision_id, decision.trace, facts_key


@pytest.mark.parametrize("rest", [10**6, 40, 17])
def test_keyed_rows_while_the_memo_rests_are_the_reference(
    monkeypatch: pytest.MonkeyPatch, rest: int
) -> None:
    """The benchmark's distinct rows by ``classify_keyed`` while the memo rests (the route
    that decides an item without a CJ at once), through its probes (one call in ``_PROBE``)
    and past the end of the rest: decision, id, trace and the facts' JSON of each are the
    reference's, and the rest counts every call down."""
    monkeypatch.setattr(engine._MEMO_STATS, "rest", rest)
    seen = 0
    for facts in distinct_facts(250, seed=71, law=LAW):
        seen += 1
        assert _outcome(facts, True) == _outcome(facts, False)
    assert seen > 200
    assert engine._MEMO_STATS.rest == max(rest - seen, 0)


def test_keyed_ids_hash_the_canonical_json() -> None:
    """An id written at once by the resting route is the hash of the canonical JSON of the
    facts (computed here with the provenance module alone)."""
    for facts in distinct_facts(60, seed=73, law=LAW):
        if facts.cj_jurisdiction is not None:
            continue
        try:
            decision, facts_key = engine.classify_keyed(facts, LAW)
        except ContradictoryFacts:
            continue
        expected = decision_id(facts.item_id, canonical_json(facts.known()), LAW.id, LAW.as_of)
        assert (facts_key, decision.decision_id) == (canonical_json(facts.known()), expected)


@settings(max_examples=60, deadline=None)
@given(
    kind=st.one_of(
        st.sampled_from([*RULES.item_kinds, "Part", "part\u2028", 'a"b', "\u00e9"]),
        st.integers(0, 3),
    ),
    usml=st.sampled_from([None, (), ("VIII(h)(1)",), ("VIII(h)(1)", "XI(a)(1)")]),
    eccn=st.sampled_from([None, (), ("3A001.a.1",), ("0A999.a", "3A001.a.1")]),
    as_list=st.booleans(),
)
def test_facts_key_pieces_kept_by_kind_and_candidates(
    kind: Any, usml: tuple[str, ...] | None, eccn: tuple[str, ...] | None, as_list: bool
) -> None:
    """The kind's piece kept by its text (the rule set's kinds and any other text or value
    facts built in code give) and the candidates' JSON found by the tuple's identity: the
    canonical JSON, twice (kept the second time), with the candidates as a tuple or a list."""
    refs = None if usml is None else tuple(exportctl.parse_usml(r) for r in usml)
    erefs = None if eccn is None else tuple(exportctl.parse_eccn(r) for r in eccn)
    if as_list:
        refs = None if refs is None else list(refs)  # type: ignore[assignment]
        erefs = None if erefs is None else list(erefs)  # type: ignore[assignment]
    facts = ItemFacts(
        "X", item_kind=kind, usml_candidates=refs, eccn_candidates=erefs, answers={"b": True}
    )
    for _ in range(2):
        assert engine._facts_key(facts) == canonical_json(facts.known())


_MARKS = "".join(map(chr, _QUOTES))


@given(st.lists(st.one_of(st.sampled_from(list(_MARKS)), st.text(max_size=4)), max_size=12))
def test_unquoted_is_translate(pieces: list[str]) -> None:
    """Each quotation mark removed by its own ``replace`` gives what ``translate`` gives."""
    text = "".join(pieces)
    assert engine._unquoted(text) == text.translate(_QUOTES)


def test_unquoted_control_texts() -> None:
    """Every control text of the bundled CCL with a quotation mark, read without them as
    ``translate`` reads it."""
    read = 0
    for entry in LAW.ccl.eccns:
        for item in entry.items:
            text = item.text or ""
            if engine._HAS_QUOTE.search(text):
                read += 1
                assert engine._unquoted(text) == text.translate(_QUOTES)
    assert read > 50
