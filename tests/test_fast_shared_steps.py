"""Trace steps shared between decisions, and the maker of a step (issue 13: the traced route).

A traced run other than the slow reference takes the steps that read only their arguments from
a table kept per law (``engine/shared_steps``), by the builder and its arguments; every step is
made by ``engine.decision.make_step`` (a plain class of TraceStep's layout made a TraceStep).
These tests compare both with what they stand for on data neither chose: every shared step
with its builder called afresh, the keyed traced run with the reference on rows whose facts
outside a step's key are changed after the step was kept (the item kind, each answer, the other
candidates), and the maker with attrs' own ``__init__``.  Never a speed assertion.
"""

from __future__ import annotations

import copy
import pickle
from collections.abc import Iterator
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.test_fast_classify import FACTS, LAW, RULES, SOME, distinct_facts, facts_of
from tests.test_fast_traced import _both, _example_facts, _traced_keyed

import exportctl
from exportctl.engine import classify as engine
from exportctl.engine import decision, shared_steps
from exportctl.engine.decision import TraceStep, make_step
from exportctl.inputs.items import ItemFacts

#: The date the benchmark's rows are generated for here.
JUNE = exportctl.law("2025-06-01")


def _varied(facts: ItemFacts) -> Iterator[ItemFacts]:
    """The same item with one fact outside what a step reads of it changed at a time: the
    kind, each answer (yes, no, unknown), the candidates of the other regime."""
    for kind in (None, *RULES.item_kinds):
        if kind != facts.item_kind:
            yield attrs.evolve(facts, item_kind=kind)
    for fact in sorted(RULES.answer_facts):
        for value in (True, False, None):
            if facts.answers.get(fact) is not value:
                answers = {k: v for k, v in facts.answers.items() if k != fact}
                if value is not None:
                    answers[fact] = value
                yield attrs.evolve(facts, answers=answers)
    yield attrs.evolve(facts, eccn_candidates=())
    yield attrs.evolve(facts, usml_candidates=())


def test_every_shared_step_is_what_its_builder_gives_for_its_key() -> None:
    """After the benchmark's distinct rows, each step of the law's table equals its builder
    called afresh with the arguments of its key (the key is the builder and its arguments)."""
    table = shared_steps.steps_for(LAW)
    table.clear()
    for facts in distinct_facts(400, seed=71, law=JUNE):
        try:
            _traced_keyed(facts, LAW)
        except (exportctl.FactError, exportctl.ContradictoryFacts):
            continue
    assert len(table) > 50
    builders = set()
    for (build, *args), step in table.items():
        builders.add(build.__name__)
        assert step == build(*args)
        assert type(step) is TraceStep
    assert {"_usml_described_step", "_claim_step", "_subject_step"} <= builders


def test_a_kept_step_is_shared_by_the_rows_that_read_the_same() -> None:
    """Two rows that differ only in their id and an answer no step reads share the step
    object (the shared path is the one taken), and each is the reference."""
    facts = facts_of(
        {"item_id": "A", "item_kind": "part", "usml_candidates": "", "eccn_candidates": "5A991"}
    )
    assert facts is not None and facts.item_kind == "part"
    first = _traced_keyed(facts, LAW)
    second = _traced_keyed(attrs.evolve(facts, item_id="B"), LAW)
    assert first.trace and all(a is b for a, b in zip(first.trace, second.trace, strict=True))
    _both(facts)


def test_a_record_given_out_does_not_reach_a_shared_step() -> None:
    """``Decision.to_dict`` gives each step's facts as a dict of its own: a caller that changes
    the record it was given changes neither the step (shared with other decisions) nor the
    record of another decision that shares it."""
    facts = facts_of(
        {"item_id": "A", "item_kind": "part", "usml_candidates": "", "eccn_candidates": "5A991"}
    )
    assert facts is not None and facts.item_kind == "part"
    first = _traced_keyed(facts, LAW)
    second = _traced_keyed(attrs.evolve(facts, item_id="B"), LAW)
    assert first.trace[0] is second.trace[0]  # shared
    before = copy.deepcopy(second.to_dict()["trace"])
    given_out = first.to_dict()
    for step in given_out["trace"]:
        step["facts"]["changed by a caller"] = True
    assert second.to_dict()["trace"] == before
    assert all("changed by a caller" not in s.facts for s in first.trace)


@pytest.mark.parametrize("seed", [73, 79])
def test_facts_outside_a_key_changed_after_it_was_kept_give_the_reference(seed: int) -> None:
    """Each distinct row is traced (its steps kept), then the same row with one fact outside
    the keys changed at a time is traced from the warm table: each the reference, trace and
    all (a key that left out something a step reads gives the first row's step here)."""
    seen = 0
    for facts in distinct_facts(40, seed=seed, law=JUNE):
        _both(facts)
        for varied in _varied(facts):
            seen += 1
            _both(varied)
    assert seen > 1000


@SOME
@given(FACTS, st.data())
def test_any_facts_varied_after_their_steps_were_kept_give_the_reference(
    facts: ItemFacts, data: st.DataObject
) -> None:
    _both(facts)
    _both(data.draw(st.sampled_from(list(_varied(facts)))))


def test_the_table_is_kept_per_law_and_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    """A law's table is its own (another law's steps are never read for it), and it is emptied
    when full."""
    other = exportctl.law("2025-06-01")
    assert shared_steps.steps_for(other) is not shared_steps.steps_for(LAW)
    assert shared_steps.steps_for(LAW) is shared_steps.steps_for(LAW)
    monkeypatch.setattr(shared_steps, "STEPS_KEPT", 8)
    table = shared_steps.steps_for(LAW)
    table.clear()
    for facts in distinct_facts(60, seed=83, law=JUNE):
        for law in (LAW, other):
            _both(facts, law)
        assert len(table) <= 8


def _example_steps() -> list[TraceStep]:
    steps = []
    for facts in _example_facts():
        try:
            steps.extend(engine.classify_traced(facts, LAW).trace)
        except (exportctl.FactError, exportctl.ContradictoryFacts):
            continue
    return steps


def _fields(step: TraceStep) -> tuple[Any, ...]:
    return (step.rule, step.outcome, step.facts, step.detail)


def _same_step(made: TraceStep, reference: TraceStep) -> None:
    assert type(made) is TraceStep
    assert _fields(made) == _fields(reference)
    assert made == reference and repr(made) == repr(reference)
    assert pickle.loads(pickle.dumps(made)) == reference
    assert copy.deepcopy(made) == reference
    assert attrs.evolve(made, detail="x") == attrs.evolve(reference, detail="x")
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        made.rule = "changed"  # type: ignore[misc]


def test_make_step_is_the_plain_class_made_a_trace_step() -> None:
    """On this Python the fast maker is the one used (else this test says so)."""
    assert make_step is decision._filled_step


def test_made_steps_are_attrs_steps_on_the_examples() -> None:
    steps = _example_steps()
    assert len(steps) > 30
    for s in steps:
        _same_step(make_step(*_fields(s)), TraceStep(*_fields(s)))


@SOME
@given(
    st.text(),
    st.text(),
    st.dictionaries(st.text(), st.none() | st.booleans() | st.integers() | st.text()),
    st.text(),
)
def test_made_steps_are_attrs_steps(rule: str, outcome: str, facts: Any, detail: str) -> None:
    _same_step(make_step(rule, outcome, facts, detail), TraceStep(rule, outcome, facts, detail))
    _same_step(
        decision._step_by_init(rule, outcome, facts, detail),
        TraceStep(rule, outcome, facts, detail),
    )
