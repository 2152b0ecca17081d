"""The fast paths of issue 13 give what the slow paths give (never a speed assertion here).

* classify decides in a fast mode and computes the trace when it is read: every field, the trace
  included, equals the eager tracing run's (classify_traced), and the trace is not computed until
  something reads it;
* the decision id's facts JSON, jsonable and the supplement-row index equal the generic
  functions they stand in for;
* the lazily built USML gives the paragraphs an eager build gives;
* ``import exportctl`` imports no command line, table, testing or metadata module.
"""

from __future__ import annotations

import pickle
import subprocess
import sys
from typing import Any

import attrs
import pytest
from hypothesis import Phase, given, settings
from hypothesis import strategies as st

import exportctl
from exportctl.core.facts import ContradictoryFacts, FactError
from exportctl.core.jsonable import to_jsonable
from exportctl.core.provenance import canonical_json
from exportctl.corpus.bundle import load_json
from exportctl.corpus.usml import _paragraph, usml_from_data
from exportctl.engine import classify as engine
from exportctl.engine.authorize import authorize
from exportctl.engine.decision import jsonable
from exportctl.engine.exclusions import _index, applicable_matches, match_row, match_rows
from exportctl.inputs.items import ItemFacts
from exportctl.testing import item_facts, reforms, transfers

LAW = exportctl.law("2025-11-01")
FINAL = exportctl.law("2026-01-15")
_PHASES = (Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink)
SOME = settings(max_examples=150, deadline=None, phases=_PHASES)

FACTS = st.one_of(
    item_facts(LAW),
    item_facts(LAW, complete=True),
    item_facts(LAW, allow_contradictions=True),
)


def outcome(decide: object, facts: ItemFacts) -> object:
    try:
        return decide(facts, LAW)  # type: ignore[operator]
    except (FactError, ContradictoryFacts) as exc:
        return (type(exc).__name__, str(exc))


@SOME
@given(FACTS)
def test_fast_mode_decides_as_the_tracing_run(facts: ItemFacts) -> None:
    eager = outcome(engine.classify_traced, facts)
    fast = outcome(engine.classify_uncached, facts)
    if isinstance(eager, tuple):
        assert fast == eager  # the same error, the same words
        return
    assert isinstance(fast, exportctl.Decision) and isinstance(eager, exportctl.Decision)
    assert not fast.trace_read  # the fast mode built no trace
    for field in ("decision_id", "jurisdiction", "classification", "open_questions"):
        assert getattr(fast, field) == getattr(eager, field)
    assert fast.rules_fired == eager.rules_fired and fast.warnings == eager.warnings
    assert not fast.trace_read  # reading the outcome does not compute the trace
    assert fast.trace == eager.trace and fast.trace_read
    assert fast == eager and fast.to_dict() == eager.to_dict()


@SOME
@given(FACTS, st.text(min_size=1, max_size=6))
def test_memo_repeat_has_its_own_ids_and_the_same_trace(facts: ItemFacts, other: str) -> None:
    first = outcome(exportctl.classify, facts)
    if isinstance(first, tuple):
        return
    renamed = attrs.evolve(facts, item_id=facts.item_id + other)
    again = exportctl.classify(renamed, LAW)  # the memo's decision, under another id
    eager = engine.classify_traced(renamed, LAW)
    assert again == eager and again.item_id == renamed.item_id
    assert again.decision_id != first.decision_id  # type: ignore[attr-defined]


def test_lazy_trace_survives_pickling_and_evolve() -> None:
    facts = exportctl.facts_from_mapping(
        {"item_id": "P-1", "item_kind": "part", "usml_candidates": ["VIII(h)(1)"]}, LAW.ruleset
    )
    eager = engine.classify_traced(facts, LAW)
    for read in (pickle.loads, lambda d: d):
        decision = engine.classify_uncached(facts, LAW)
        copied = read(pickle.dumps(decision)) if read is pickle.loads else decision
        assert copied.trace == eager.trace and copied == eager
    assert to_jsonable(engine.classify_uncached(facts, LAW)) == to_jsonable(eager)
    assert "trace" in repr(engine.classify_uncached(facts, LAW))
    assert len(eager.trace) > 1  # a real trace: the paragraph, then the analysis


@SOME
@given(FACTS)
def test_facts_json_is_canonical_json_of_the_known_facts(facts: ItemFacts) -> None:
    assert engine._facts_key(facts) == canonical_json(facts.known())


def test_facts_json_of_odd_values() -> None:
    odd = ItemFacts(
        "X", item_kind="part", cj_reference='a"b\\c\u2028\x00é', answers={"z": True, "a": 1}
    )
    assert engine._facts_key(odd) == canonical_json(odd.known())


@pytest.mark.parametrize(
    "answers",
    [
        {"item_kind": True},  # an answer under a structured field's name
        {"cj_reference": '"x"', "fastener_class": True},
        {"fastener_class": None},
        {"fastener_class": 1, "development_documents": False},
        {"a new question": False, "fastener_class": True},
    ],
)
def test_facts_json_of_answers_the_pieces_do_not_write(answers: dict[Any, Any]) -> None:
    for kind in (None, "part"):
        odd = ItemFacts("X", item_kind=kind, usml_candidates=(), answers=answers)
        assert engine._facts_key(odd) == canonical_json(odd.known())


DAYS = st.sampled_from([LAW, FINAL])


@SOME
@given(DAYS.flatmap(lambda law: st.tuples(st.just(law), transfers(law))))
def test_jsonable_is_to_jsonable(pair: tuple[exportctl.Law, exportctl.Transfer]) -> None:
    law, transfer = pair
    assert jsonable(transfer) == to_jsonable(transfer)
    try:
        result = authorize(transfer, law)
    except (FactError, ContradictoryFacts):
        return
    assert result.to_dict() == to_jsonable(result)


@SOME
@given(DAYS.flatmap(lambda law: st.tuples(st.just(law), transfers(law))))
def test_only_the_rows_that_cannot_apply_are_skipped(
    pair: tuple[exportctl.Law, exportctl.Transfer],
) -> None:
    law, transfer = pair
    for supplement, column in ((law.etl, None), (law.supp1, "126.5"), (law.supp1, None)):
        every = match_rows(supplement, transfer, law.usml, column=column)
        assert applicable_matches(supplement, transfer, law.usml, column) == tuple(
            m for m in every if m.caught is not False
        )


def test_an_etl_row_is_read_for_its_own_category() -> None:
    # 22 CFR part 126, Supp. No. 2: a row whose USML column names no paragraph of Category XI
    # (or only paragraphs under XI(b), XI(c), ...) cannot catch an XI(a) article; it is not read.
    xi = exportctl.transfer_from_mapping(
        {"transfer_id": "T", "transfer_kind": "article", "usml_classification": "XI(a)(3)(i)"},
        FINAL,
    )
    read = _index(FINAL.etl, None).rows_for(xi.usml_classification)  # type: ignore[arg-type]
    assert 0 < len(read) < len(FINAL.etl.rows)
    assert all(
        any(r.category == "XI" and r.path[:1] in ((), ("a",)) for r in row.usml_refs)
        for row in read
    )
    skipped = [row for row in FINAL.etl.rows if row not in read]
    assert all(match_row(row, xi, FINAL.usml).caught is False for row in skipped)
    assert {m.row.id for m in applicable_matches(FINAL.etl, xi, FINAL.usml)} <= {
        row.id for row in read
    }


@pytest.mark.parametrize("name", ["usml.json", "usml-2024-03-25.json"])
def test_usml_built_lazily_is_the_usml_built_at_once(name: str) -> None:
    raw = load_json(name)
    lazy = usml_from_data(raw)
    by_ref = {p["ref"]: p for p in raw["paragraphs"]}
    for entry in raw["paragraphs"][::37]:  # one at a time, before the whole list is built
        assert lazy.get(entry["ref"]) == _paragraph(entry, by_ref)
    first = lazy.get(raw["paragraphs"][0]["ref"])
    eager = tuple(_paragraph(p, by_ref) for p in raw["paragraphs"])
    assert lazy.paragraphs == eager and len(lazy) == len(eager)
    assert lazy.paragraphs[0] is first  # the paragraph looked up first is the one kept
    assert lazy.get(first.ref) is first


def test_import_exportctl_stays_small() -> None:
    code = (
        "import sys, exportctl\n"
        "exportctl.law('2025-06-01').usml_paragraph('XI(a)(3)(xviii)')\n"
        "print(' '.join(sorted(sys.modules)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    loaded = set(out.stdout.split())
    for heavy in ("click", "tabulate", "hypothesis", "importlib.metadata", "exportctl.cli",
                  "exportctl.engine", "exportctl.corpus.ccl", "exportctl.search"):
        assert heavy not in loaded, heavy
    assert "exportctl.corpus.usml" in loaded  # what the look-up needs, and no more


REFS = st.sampled_from(
    [exportctl.parse_usml(r) for r in ("XI", "XI(a)", "XI(a)(3)", "XI(a)(3)(i)", "XI(c)",
                                        "XI(c)(4)", "IV", "IV(h)(12)", "XII(e)(11)")]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(REFS, max_size=4).map(tuple), st.lists(REFS, max_size=4).map(tuple))
def test_within_any_is_reference_within_over_every_pair(refs: Any, targets: Any) -> None:
    from exportctl.engine.exclusions import _within_any
    from exportctl.inputs.transfers import reference_within

    values = {reference_within(r, t) for r in refs for t in targets}
    expected = True if True in values else None if None in values else False
    assert _within_any(refs, targets) is expected


@st.composite
def _reformed(draw: st.DrawFn) -> tuple[exportctl.Law, ItemFacts]:
    """An item and a reform that, half the time, moves one of its USML candidates to the CCL."""
    facts = draw(st.one_of(item_facts(LAW), item_facts(LAW, complete=True)))
    reform = draw(reforms(LAW, usml=facts.usml_candidates or ()))
    return reform.apply(LAW), facts


@SOME
@given(_reformed())
def test_fast_mode_decides_as_the_tracing_run_under_a_reform(
    case: tuple[exportctl.Law, ItemFacts],
) -> None:
    """The steps a reform adds (a USML paragraph relocated to the CCL, § 734.3(b) not applied to
    it, a CJ that predates the move) fire the same rules with and without the trace."""
    law, facts = case

    def run(decide: Any) -> Any:
        try:
            return decide(facts, law)
        except (FactError, ContradictoryFacts) as exc:
            return (type(exc).__name__, str(exc))

    eager, fast = run(engine.classify_traced), run(engine.classify_uncached)
    if isinstance(eager, tuple):
        assert fast == eager
        return
    assert fast.rules_fired == eager.rules_fired and fast.warnings == eager.warnings
    assert fast.trace == eager.trace and fast == eager
