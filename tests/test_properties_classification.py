"""Properties of the classification engine, tested with the hypothesis kit (exportctl.testing).

Each property states an invariant of the order of review (22 CFR 120.11; 15 CFR 734.3 and
Supp. No. 4 to part 774) or of the "specially designed" analysis (22 CFR 120.41; 15 CFR 772.1)
that must hold for *every* set of facts, not just the worked examples.
"""

from __future__ import annotations

import re
from typing import Any

import attrs
from hypothesis import Phase, given, reject, settings
from hypothesis import strategies as st

import exportctl
from exportctl import (
    ContradictoryFacts,
    Decision,
    ItemFacts,
    classify,
    facts_from_mapping,
    load_ruleset,
)
from exportctl.corpus.bundle import load_json
from exportctl.engine.classify import classify_uncached
from exportctl.testing import (
    ECCN_TIERS,
    answers,
    eccn_references,
    fewer_facts,
    item_facts,
    item_kinds,
    more_facts,
    usml_references,
)

REGS = exportctl.regulations("2025-11-01")
RULES = load_ruleset()
EXCLUDED = RULES.ear.subject_fact or "excluded_by_734_3_b"

FACTS = item_facts(REGS, RULES)
COMPLETE = item_facts(REGS, RULES, complete=True)
LOOSE = item_facts(REGS, RULES, allow_contradictions=True)
#: Coherent facts: partial, complete, or nearly complete (a complete item with some facts
#: forgotten); and now and then facts with no coherence guarantee.
ANY_FACTS = st.one_of(FACTS, COMPLETE, COMPLETE.flatmap(fewer_facts), LOOSE)

#: (fewer, more) pairs of facts about one item: partial facts and more of them, and complete
#: facts with some forgotten.
GROWING = st.one_of(
    FACTS.flatmap(lambda f: st.tuples(st.just(f), more_facts(f, REGS, RULES))),
    COMPLETE.flatmap(lambda g: st.tuples(fewer_facts(g), st.just(g))),
)

#: The engine is fast (well under a millisecond per item); the cost is in drawing the facts.
#: No deadline: the first example of a run loads the bundled data and builds the kit's pools.
#: No "explain" phase: on a failure it re-runs the test many times to annotate lines, which
#: takes far longer than the search itself; the shrunk counterexample is what matters.
_PHASES = (Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink)
FEW = settings(max_examples=60, deadline=None, phases=_PHASES)
SOME = settings(max_examples=150, deadline=None, phases=_PHASES)
#: For properties whose counterexamples are rare (a few percent of drawn facts).
MANY = settings(max_examples=300, deadline=None, phases=_PHASES)


def decide(facts: ItemFacts) -> Decision:
    """Classify; facts the engine rejects as contradictory are not an example of anything."""
    try:
        return classify(facts, REGS, RULES)
    except ContradictoryFacts:
        reject()


def fresh(facts: ItemFacts) -> Decision:
    """Classify without the memo: the order of review runs again (for properties about the
    engine, which a memo hit would answer with the first call's object)."""
    try:
        return classify_uncached(facts, REGS, RULES)
    except ContradictoryFacts:
        reject()


def _is_ear99(text: str | None) -> bool:
    return text is not None and text.strip().upper() == "EAR99"


# --------------------------------------------------------------------------------------------
# Rule ids and the sections they name


def _regime_ids() -> set[str]:
    ids: set[str] = set()
    for regime in (RULES.itar, RULES.ear):
        ids.update(r.id for r in regime.catch)
        ids.update(r.id for r in regime.releases)
        ids.update(rid for rid, _ in regime.order_of_review)
        if regime.determination_id:
            ids.add(regime.determination_id)
        if regime.subject_id:
            ids.add(regime.subject_id)
        # The lead-in of paragraph (b) ("… is not specially designed if it"), where the rule
        # set names it.
        release_id = getattr(regime, "release_id", None)
        if release_id:
            ids.add(release_id)
    return ids


#: Paragraphs the engine cites as structure of the order of review (not rule-set data).
STRUCTURAL_IDS = frozenset(
    {
        "22 CFR 120.11(a)",
        "22 CFR 120.11(a)(1)",
        "22 CFR 120.11(a)(2)",
        "22 CFR 120.11(b)(1)",
        "22 CFR 120.11(b)(2)",
        "15 CFR 734.3(a)",
    }
)
RULE_IDS = frozenset(_regime_ids())
CITABLE_IDS = RULE_IDS | STRUCTURAL_IDS

_SECTION = re.compile(r"^(?:22|15) CFR (part \d+, Supp\. No\. \d+|\d+\.\d+)")


def _section(citation: str) -> str | None:
    m = _SECTION.match(citation.strip())
    return m.group(0) if m else None


def _known_sections() -> frozenset[str]:
    citations: list[str] = [*CITABLE_IDS]
    citations += [q.citation for q in RULES.questions.values()]
    citations += [c.citation for c in RULES.conflicts]
    citations += [e["citation"] for e in load_json("exemptions.json")["exemptions"]]
    out = set()
    for text in citations:
        for part in text.split(";"):
            sec = _section(part)
            if sec is not None:
                out.add(sec)
    return frozenset(out)


KNOWN_SECTIONS = _known_sections()

RELEASES = {r.id: r for regime in (RULES.itar, RULES.ear) for r in regime.releases}


# --------------------------------------------------------------------------------------------
# The kit itself


@FEW
@given(ANY_FACTS)
def test_kit_references_are_real(facts: ItemFacts) -> None:
    """The kit draws only real, describing paragraphs (22 CFR 121.1; 15 CFR part 774 Supp. 1)."""
    for ref in facts.usml_candidates or ():
        p = REGS.usml.get(ref)
        assert not p.reserved and not p.is_x_paragraph
    for eref in facts.eccn_candidates or ():
        assert REGS.ccl.exists(eref)
    assert set(facts.answers) <= RULES.answer_facts


@SOME
@given(st.one_of(FACTS, COMPLETE))
def test_kit_facts_are_never_contradictory(facts: ItemFacts) -> None:
    """item_facts() is coherent: the engine never raises ContradictoryFacts or FactError."""
    classify(facts, REGS, RULES)


@FEW
@given(GROWING)
def test_kit_more_facts_only_adds(pair: tuple[ItemFacts, ItemFacts]) -> None:
    """more_facts(f) keeps every known fact of f, fewer_facts(g) only forgets; both coherent."""
    f, g = pair
    known_f, known_g = f.known(), g.known()
    for key, value in known_f.items():
        assert known_g[key] == value
    assert (f.item_id, f.description) == (g.item_id, g.description)
    classify(f, REGS, RULES)
    classify(g, REGS, RULES)


@FEW
@given(COMPLETE)
def test_kit_complete_facts_answer_every_question(facts: ItemFacts) -> None:
    """complete=True: every question of the rule set has an answer."""
    assert set(facts.answers) == RULES.answer_facts
    assert facts.item_kind in RULES.item_kinds
    assert isinstance(facts.usml_candidates, tuple) and isinstance(facts.eccn_candidates, tuple)


@FEW
@given(
    item_kinds(RULES),
    usml_references(REGS, specially_designed=True),
    usml_references(REGS, enumerated=True, technical_data=False),
    st.sampled_from(ECCN_TIERS).flatmap(
        lambda t: st.tuples(st.just(t), eccn_references(REGS, tier=t))
    ),
    answers(RULES, known={"fastener_class"}),
)
def test_kit_filters(
    kind: str, sd: Any, enum: Any, tiered: tuple[str, Any], given_answers: dict[str, bool]
) -> None:
    """The filters of the reference strategies keep what they say they keep."""
    assert kind in RULES.item_kinds
    assert REGS.usml.get(sd).specially_designed_scope in ("item", "parts")
    p = REGS.usml.get(enum)
    assert p.specially_designed_scope == "none" and not p.is_technical_data
    tier, eref = tiered
    entry = REGS.ccl.get(eref)
    military = entry.is_600_series or entry.is_9x515
    head = eref.path[0] if eref.path else None
    expected = (
        "other"
        if not military
        else {"x": ".x", "y": ".y"}.get(head or "", "600/9x515 non-catch-all")
    )
    assert tier == expected
    assert "fastener_class" in given_answers


# --------------------------------------------------------------------------------------------
# Fail closed


@MANY
@given(ANY_FACTS)
def test_missing_facts_never_give_ear99_or_not_subject(facts: ItemFacts) -> None:
    """EAR99 and "not subject to the EAR" only on known facts (fail closed).

    EAR99 (15 CFR 734.3(c); Supp. No. 4 to part 774, (a)(6)) needs the USML reviewed
    (22 CFR 120.11(a)), the item subject to the EAR (§ 734.3(b) answered "no") and the CCL
    reviewed (eccn_candidates answered) — unless a determination settles it: a CJ finding the
    item subject to the EAR (22 CFR 120.4) settles the USML review and § 734.3(b); a CJ or CCATS
    (15 CFR 748.3(e)) naming EAR99 settles the classification.  "Not subject" (§ 734.3(b))
    needs § 734.3(b) answered "yes" and the USML reviewed.
    """
    d = decide(facts)
    cj_ear = facts.cj_jurisdiction == "EAR"
    if d.classification is not None and d.classification.regime == "EAR99":
        assert d.jurisdiction == "EAR"
        named = (cj_ear and _is_ear99(facts.cj_classification)) or _is_ear99(
            facts.ccats_classification
        )
        if not named:
            assert facts.usml_candidates is not None or cj_ear, "EAR99 without a USML review"
            assert facts.eccn_candidates is not None, "EAR99 without a CCL review"
            assert facts.answer(EXCLUDED) is False or cj_ear, "EAR99 with § 734.3(b) open"
    if d.jurisdiction == "not_subject":
        assert facts.answer(EXCLUDED) is True
        assert facts.usml_candidates is not None or cj_ear


@MANY
@given(ANY_FACTS)
def test_fired_releases_rest_on_known_facts(facts: ItemFacts) -> None:
    """A release in rules_fired has every fact it tests known (22 CFR 120.41(b); 772.1 (b)).

    Missing facts never produce a release: a release paragraph the engine reports as fired
    must have been read from known facts only, never from a fact still unknown.
    """
    d = decide(facts)
    for rid in d.rules_fired:
        if rid in RELEASES:
            unknown = [t.fact for t in RELEASES[rid].tests if facts.answer(t.fact) is None]
            assert not unknown, f"{rid} fired with {unknown} unknown"


@MANY
@given(ANY_FACTS)
def test_a_release_holds_only_when_all_its_tests_hold(facts: ItemFacts) -> None:
    """A step that "releases" has every test known and met (22 CFR 120.41(b); 772.1 (b)).

    Release (b)(4)/(b)(5) also needs the contemporaneous documents (Note 2 to 120.41(b);
    Note to 772.1 (b)(4)-(b)(6)): a release never holds on an unknown.
    """
    d = decide(facts)
    for step in d.trace:
        if step.outcome == "releases":
            rule = RELEASES[step.rule]
            for test in rule.tests:
                assert facts.answer(test.fact) == test.equals, (step.rule, test.fact)


# --------------------------------------------------------------------------------------------
# Monotonicity


@MANY
@given(GROWING)
def test_adding_facts_never_changes_a_definite_answer(pair: tuple[ItemFacts, ItemFacts]) -> None:
    """More facts never turn one definite answer into a different one.

    The order of review (22 CFR 120.11; Supp. No. 4 to part 774) only ever waits for facts it
    does not have; it never decides on a guess.  So once jurisdiction (or the classification)
    is decided, learning more can only confirm it — or show the facts to be contradictory.
    """
    f, g = pair
    d = classify(f, REGS, RULES)
    e = decide(g)
    if d.jurisdiction != "undetermined":
        assert e.jurisdiction == d.jurisdiction
    if d.classification is not None:
        assert e.classification is not None and (
            e.classification.reference == d.classification.reference
        )


# --------------------------------------------------------------------------------------------
# Order independence


def _reordered_answers(facts: ItemFacts) -> st.SearchStrategy[list[ItemFacts]]:
    """The same facts with the answers in reverse order, and in a random order."""
    items = list(facts.answers.items())
    reversed_ = attrs.evolve(facts, answers=dict(reversed(items)))
    return st.permutations(items).map(lambda p: [reversed_, attrs.evolve(facts, answers=dict(p))])


@SOME
@given(ANY_FACTS.flatmap(lambda f: st.tuples(st.just(f), _reordered_answers(f))))
def test_order_of_answers_does_not_matter(pair: tuple[ItemFacts, list[ItemFacts]]) -> None:
    """The order of the answers is not a fact: the same decision, the same decision_id.

    A decision is a record of the facts, the data and the rule set (its id hashes them); how a
    CSV's columns or a JSON object's keys happen to be ordered is none of these.  Each ordering
    is decided afresh (the memo's key ignores the order, so it would hide a difference).
    """
    f, others = pair
    d = fresh(f)
    for g in others:
        e = classify_uncached(g, REGS, RULES)
        assert (e.jurisdiction, e.classification) == (d.jurisdiction, d.classification)
        assert e.decision_id == d.decision_id
        assert e == d


def _reorderings(facts: ItemFacts, field: str) -> st.SearchStrategy[list[ItemFacts]]:
    """The same facts with the candidates in ``field`` reversed, and in a random order."""
    refs: tuple[Any, ...] | None = getattr(facts, field)
    if refs is None:
        return st.just([facts])
    reversed_ = facts.with_answer(field, tuple(reversed(refs)))
    return st.permutations(list(refs)).map(
        lambda p: [reversed_, facts.with_answer(field, tuple(p))]
    )


def _assert_same_outcome(d: Decision, e: Decision) -> None:
    assert e.jurisdiction == d.jurisdiction
    ref_d = d.classification.reference if d.classification else None
    ref_e = e.classification.reference if e.classification else None
    assert ref_e == ref_d, "the classification depends on the order of the candidates"
    assert e.classification == d.classification


@MANY
@given(
    st.one_of(FACTS, COMPLETE).flatmap(
        lambda f: st.tuples(st.just(f), _reorderings(f, "usml_candidates"))
    )
)
def test_order_of_usml_candidates_does_not_matter(
    pair: tuple[ItemFacts, list[ItemFacts]],
) -> None:
    """The order USML candidates are listed in is not a fact (22 CFR 120.11(a), (b)(2)).

    120.11(b)(2) prefers an enumerated entry to a "specially designed" catch-all; nothing in
    120.11 prefers the paragraph a user happened to write first.  Same jurisdiction, same
    classification record (paragraph, SME/MT flags, the other paragraphs that describe it).
    """
    f, others = pair
    d = classify(f, REGS, RULES)
    for g in others:
        _assert_same_outcome(d, classify(g, REGS, RULES))


@MANY
@given(
    st.one_of(FACTS, COMPLETE).flatmap(
        lambda f: st.tuples(st.just(f), _reorderings(f, "eccn_candidates"))
    )
)
def test_order_of_eccn_candidates_does_not_matter(
    pair: tuple[ItemFacts, list[ItemFacts]],
) -> None:
    """The order ECCN candidates are listed in is not a fact (Supp. No. 4 to part 774, (a)).

    The CCL order of review ranks 600-series/9x515 paragraphs, their catch-alls, other ECCNs
    and ".y" paragraphs; within a rank nothing prefers the paragraph a user wrote first.
    """
    f, others = pair
    d = classify(f, REGS, RULES)
    for g in others:
        _assert_same_outcome(d, classify(g, REGS, RULES))


@FEW
@given(
    st.lists(ANY_FACTS, min_size=2, max_size=5, unique_by=lambda f: f.item_id).flatmap(
        lambda rows: st.tuples(st.just(rows), st.permutations(rows))
    )
)
def test_order_of_rows_does_not_matter(pair: tuple[list[ItemFacts], list[ItemFacts]]) -> None:
    """Each item is classified on its own facts: the order of a batch changes nothing.

    The order of review (22 CFR 120.11; Supp. No. 4 to part 774) reads one item's facts; no
    decision may depend on which items were classified before it.
    """
    rows, shuffled = pair

    def alone(facts: ItemFacts) -> Decision | str:
        """The item decided on its own, by the engine, without the memo."""
        try:
            return classify_uncached(facts, REGS, RULES)
        except ContradictoryFacts as exc:
            return f"contradictory: {exc.conflict}"

    def run(batch: list[ItemFacts]) -> dict[str, Decision | str]:
        out: dict[str, Decision | str] = {}
        for facts in batch:
            try:
                out[facts.item_id] = classify(facts, REGS, RULES)
            except ContradictoryFacts as exc:
                out[facts.item_id] = f"contradictory: {exc.conflict}"
        return out

    expected = {facts.item_id: alone(facts) for facts in rows}
    assert run(rows) == expected
    assert run(shuffled) == expected


@SOME
@given(ANY_FACTS, st.text(min_size=1, max_size=8), st.sampled_from(("", "Other description")))
def test_the_memo_returns_what_the_engine_decides(
    facts: ItemFacts, other_id: str, description: str
) -> None:
    """classify (memoised) == classify_uncached, also when the memo was filled by another item
    with the same facts (another id and description): the memo's key holds every fact a
    decision depends on, and only the item id and decision id are adapted."""
    twin = attrs.evolve(facts, item_id=f"twin-{other_id}", description=description)
    try:
        classify(twin, REGS, RULES)  # fill the memo with the twin's decision
    except ContradictoryFacts:
        reject()
    assert classify(facts, REGS, RULES) == classify_uncached(facts, REGS, RULES)


# --------------------------------------------------------------------------------------------
# Citations and data


@SOME
@given(ANY_FACTS)
def test_every_classification_exists_in_the_data(facts: ItemFacts) -> None:
    """A classification names a paragraph of the data snapshot, or EAR99.

    A USML paragraph of 22 CFR 121.1 as bundled (never [Reserved], never an (x) paragraph, with
    jurisdiction ITAR), an ECCN paragraph of Supp. No. 1 to 15 CFR part 774 as bundled (with
    jurisdiction EAR), or EAR99 (15 CFR 734.3(c)).
    """
    d = decide(facts)
    c = d.classification
    if c is None:
        return
    if c.regime == "USML":
        p = REGS.usml.get(c.reference)
        assert not p.reserved and not p.is_x_paragraph
        assert d.jurisdiction == "ITAR"
    elif c.regime == "CCL":
        assert REGS.ccl.exists(c.reference), c.reference
        assert d.jurisdiction == "EAR"
    else:
        assert (c.reference, d.jurisdiction) == ("EAR99", "EAR")


@MANY
@given(ANY_FACTS)
def test_every_trace_step_cites_a_known_paragraph(facts: ItemFacts) -> None:
    """Every step of the trace cites a CFR paragraph of the rule set or of the order of review.

    A step names "22 CFR …" or "15 CFR …"; if it names a section the rule set or the bundled
    data knows (120.4, 120.11, 120.41, 734.3, 748.3, 772.1, part 774 Supp. No. 4, …), the
    citation is a rule id of the rule set or one of the engine's structural ids
    (22 CFR 120.11(a), (a)(1), (a)(2), (b)(1), (b)(2); 15 CFR 734.3(a)).
    """
    d = decide(facts)
    for rid in d.rules_fired:
        assert rid in CITABLE_IDS, f"rules_fired names {rid!r}, which is no rule id"
    for step in d.trace:
        assert step.rule.startswith(("22 CFR ", "15 CFR ")), step.rule
        section = _section(step.rule)
        assert section is not None, f"{step.rule!r} is not a CFR section citation"
        if section in KNOWN_SECTIONS:
            assert step.rule in CITABLE_IDS, f"{step.rule!r} ({step.outcome}) is no rule id"


# --------------------------------------------------------------------------------------------
# Determinism and open questions


def _as_mapping(facts: ItemFacts) -> dict[str, Any]:
    def refs(value: tuple[Any, ...] | None) -> list[str] | None:
        return None if value is None else [str(v) for v in value]

    return {
        "item_id": facts.item_id,
        "description": facts.description,
        "item_kind": facts.item_kind,
        "usml_candidates": refs(facts.usml_candidates),
        "eccn_candidates": refs(facts.eccn_candidates),
        "cj_jurisdiction": facts.cj_jurisdiction,
        "cj_classification": facts.cj_classification,
        "cj_reference": facts.cj_reference,
        "ccats_classification": facts.ccats_classification,
        "answers": dict(facts.answers),
    }


@SOME
@given(ANY_FACTS)
def test_decisions_are_deterministic(facts: ItemFacts) -> None:
    """Same facts, data and rule set: the same decision and decision_id, however built.

    The decision_id names the facts, the data version, the rule set and the date; a decision
    is a record others rely on and must be reproducible from its inputs.
    """
    d = fresh(facts)
    assert classify_uncached(facts, REGS, RULES) == d
    rebuilt = facts_from_mapping(_as_mapping(facts), RULES)
    again = classify_uncached(rebuilt, exportctl.regulations(REGS.as_of), load_ruleset(RULES.id))
    assert again.decision_id == d.decision_id
    assert (again.jurisdiction, again.classification, again.trace) == (
        d.jurisdiction,
        d.classification,
        d.trace,
    )
    assert again == d


@SOME
@given(ANY_FACTS)
def test_undetermined_always_asks_a_question_of_the_rule_set(facts: ItemFacts) -> None:
    """Fail closed, and say why: "undetermined" comes with the question that would go on.

    Every open question is a question of the rule set (with its citation), so a person can
    answer it.
    """
    d = decide(facts)
    if d.jurisdiction == "undetermined":
        assert d.open_questions
    for q in d.open_questions:
        assert q.id in RULES.questions
        assert q == RULES.question(q.id)


@FEW
@given(COMPLETE)
def test_complete_facts_always_decide(facts: ItemFacts) -> None:
    """With every fact known the order of review runs to its end (120.11; Supp. No. 4 (a)(6)).

    Jurisdiction is decided, and an item subject to the EAR gets an ECCN or EAR99; only a CJ
    that names no USML paragraph leaves an ITAR item without one.
    """
    d = classify(facts, REGS, RULES)
    assert d.jurisdiction != "undetermined"
    assert not d.open_questions
    if d.jurisdiction == "EAR":
        assert d.classification is not None and d.classification.regime in ("CCL", "EAR99")
    if d.jurisdiction == "ITAR" and d.classification is None:
        assert facts.cj_jurisdiction == "ITAR" and facts.cj_classification is None
