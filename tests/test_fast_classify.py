"""classify's fast mode (issue 13) decides as the tracing run, field for field, on any facts.

The fast mode takes shortcuts the tracing run does not (one candidate without the general
lists, conflicts and release claims worked out once per item kind, classifications kept between
decisions, the decision id computed when read); the tracing run (``classify_traced``) keeps the
general steps.  Every test here compares the two on facts neither chose: facts from the testing
kit (coherent, complete, or contradictory), rows like a parts list's with every answer yes, no
or unknown at random (ECCN candidates drawn tier by tier, a conflict's facts forced now and
then), the benchmark's distinct rows, repeats of those under other item ids (the memo), and
facts built in code the parsers never give (1 for yes, a list that changes, one paragraph named
by two equal references).  Never a speed assertion.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tools import bench

import exportctl
from exportctl.core.facts import ContradictoryFacts, FactError
from exportctl.core.provenance import canonical_json, decision_id
from exportctl.engine import classify as engine
from exportctl.engine import decision as decision_module
from exportctl.engine.decision import Decision
from exportctl.inputs.items import ItemFacts
from exportctl.testing import item_facts

LAW = exportctl.law("2025-11-01")
RULES = LAW.ruleset
SOME = settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)

#: Paragraphs to draw candidates from: every USML paragraph that describes items, and the ECCN
#: paragraphs of every tier (600 series, 9x515, .x, .y, others, product group E).
USML = [str(p.ref) for p in LAW.usml.paragraphs if not p.reserved and not p.is_x_paragraph]
ECCNS = [
    str(i.ref)
    for e in LAW.ccl.eccns
    if not e.subject_to_itar_placeholder
    for i in e.items
    if not i.reserved
]


def _tier(ref: str) -> str:
    entry = LAW.ccl.get(ref)
    head = exportctl.parse_eccn(ref).path[:1]
    if entry.is_600_series or entry.is_9x515:
        return {("x",): "x", ("y",): "y"}.get(head, "3")
    return "E" if exportctl.parse_eccn(ref).product_group == "E" else "5"


#: The ECCN paragraphs by their tier in the order of review (600 series and 9x515 other than
#: catch-alls, their .x and .y paragraphs, the rest, technology): each tier as likely as any.
TIERS: dict[str, list[str]] = {}
for _ref in ECCNS:
    TIERS.setdefault(_tier(_ref), []).append(_ref)
ECCN_REFS = st.sampled_from(sorted(TIERS)).flatmap(lambda t: st.sampled_from(TIERS[t]))


def _text(refs: list[str]) -> str:
    return ";".join(refs) if refs else "none"


@st.composite
def rows(draw: st.DrawFn) -> dict[str, str]:
    """A parts-list row as a user writes it: any kind (or none), zero to three candidates of
    each list (or unknown), determinations now and then, each answer yes, no or blank."""
    row: dict[str, str] = {"item_id": draw(st.sampled_from(["P-1", "P-2", "X"]))}
    row["item_kind"] = draw(st.sampled_from(["", *RULES.item_kinds]))
    usml = draw(st.one_of(st.none(), st.lists(st.sampled_from(USML), max_size=3)))
    if usml is not None:
        row["usml_candidates"] = _text(usml)
    eccn = draw(st.one_of(st.none(), st.lists(ECCN_REFS, max_size=3)))
    if eccn is not None:
        row["eccn_candidates"] = _text(eccn)
    cj = draw(st.sampled_from(["", "", "", "ITAR", "EAR"]))
    if cj:
        row["cj_jurisdiction"] = cj
        pool = USML if cj == "ITAR" else [*ECCNS, "EAR99"]
        row["cj_classification"] = draw(st.one_of(st.just(""), st.sampled_from(pool)))
        row["cj_reference"] = draw(st.sampled_from(["", "CJ-1"]))
    if draw(st.integers(0, 9)) == 0:
        row["ccats_classification"] = draw(st.sampled_from([*ECCNS[:50], "EAR99"]))
    for fact in sorted(RULES.answer_facts):
        row[fact] = draw(st.sampled_from(["", "yes", "no"]))
    if draw(st.integers(0, 3)) == 0:  # now and then the facts of a conflict, all yes
        conflict = draw(st.sampled_from(RULES.conflicts))
        row.update(dict.fromkeys((*conflict.any_true, *conflict.all_true), "yes"))
    return row


def facts_of(row: dict[str, str]) -> ItemFacts | None:
    try:
        return exportctl.facts_from_csv_row(row, RULES)
    except FactError:
        return None


def distinct_facts(n: int, seed: int, law: exportctl.Law = LAW) -> Iterator[ItemFacts]:
    """The facts of the benchmark's first ``n`` distinct rows under ``law`` (every route:
    determinations, CCATS, candidates of every tier, answers at random), the rows the reader
    refuses left out."""
    for row in bench.distinct_parts(n, seed=seed, as_of=str(law.as_of)):
        facts = facts_of(row)
        if facts is not None:
            yield facts


def outcome(decide: Any, facts: ItemFacts) -> Any:
    try:
        return decide(facts, LAW)
    except (FactError, ContradictoryFacts) as exc:
        return (type(exc).__name__, str(exc))


def same(fast: Any, eager: Any, lazy: bool = True) -> None:
    """Every field of the record (the error and its words, when there is one); ``lazy``: the
    fast decision's trace is not computed until read."""
    if isinstance(eager, tuple):
        assert fast == eager
        return
    assert isinstance(fast, Decision) and isinstance(eager, Decision)
    assert not (lazy and fast.trace_read)
    assert (fast.jurisdiction, fast.classification) == (eager.jurisdiction, eager.classification)
    assert fast.open_questions == eager.open_questions
    assert fast.rules_fired == eager.rules_fired
    assert fast.warnings == eager.warnings
    assert (fast.as_of, fast.law_id, fast.ruleset) == (eager.as_of, eager.law_id, eager.ruleset)
    assert fast.decision_id == eager.decision_id
    assert not (lazy and fast.trace_read)  # reading the id does not compute the trace
    assert fast.trace == eager.trace
    assert fast == eager and fast.to_dict() == eager.to_dict()


FACTS = st.one_of(
    rows().map(facts_of).filter(lambda f: f is not None),
    item_facts(LAW),
    item_facts(LAW, complete=True),
    item_facts(LAW, allow_contradictions=True),
)


@SOME
@given(FACTS)
def test_fast_mode_is_the_tracing_run(facts: ItemFacts) -> None:
    same(outcome(engine.classify_uncached, facts), outcome(engine.classify_traced, facts))


@SOME
@given(FACTS, st.sampled_from(["", "-2", "é"]))
def test_memo_and_repeats_are_the_tracing_run(facts: ItemFacts, suffix: str) -> None:
    """classify (the memo, its repeats under another id, and classify_keyed's eager id) gives
    what the tracing run gives for each item."""
    renamed = attrs.evolve(facts, item_id=facts.item_id + suffix)
    for item in (facts, renamed, facts):
        # the memo hands the same item its own (trace read) decision again: not lazy then
        same(outcome(exportctl.classify, item), outcome(engine.classify_traced, item), False)
    eager = outcome(engine.classify_traced, renamed)
    keyed = outcome(lambda f, law: engine.classify_keyed(f, law)[0], renamed)
    if isinstance(eager, Decision):
        assert keyed == eager and keyed.decision_id == eager.decision_id
        _, facts_key = engine.classify_keyed(renamed, LAW)
        assert facts_key == canonical_json(renamed.known())
        assert eager.decision_id == decision_id(
            renamed.item_id, canonical_json(renamed.known()), LAW.id, LAW.as_of
        )


def test_a_parts_list_of_distinct_rows_decides_as_the_tracing_run() -> None:
    """The benchmark's distinct rows (every route: determinations, CCATS, candidates of every
    tier, answers at random), decided in the fast mode and traced."""
    seen = 0
    for facts in distinct_facts(600, seed=41):
        seen += 1
        same(outcome(engine.classify_uncached, facts), outcome(engine.classify_traced, facts))
    assert seen > 500


@SOME
@given(
    st.dictionaries(
        st.sampled_from(sorted(RULES.answer_facts)),
        st.one_of(st.booleans(), st.sampled_from([0, 1, 1.0, None, "yes"])),
        max_size=6,
    ),
    st.sampled_from([None, "part", "end_item"]),
    st.sampled_from([None, (), ("VIII(h)(1)",)]),
)
def test_facts_key_is_the_canonical_json(
    answers: dict[str, Any], kind: str | None, usml: tuple[str, ...] | None
) -> None:
    refs = None if usml is None else tuple(exportctl.parse_usml(r) for r in usml)
    facts = ItemFacts("X", item_kind=kind, usml_candidates=refs, answers=answers)
    assert engine._facts_key(facts) == canonical_json(facts.known())
    # the same answers in another order: the same text
    turned = ItemFacts(
        "X", item_kind=kind, usml_candidates=refs, answers=dict(reversed(answers.items()))
    )
    assert engine._facts_key(turned) == canonical_json(facts.known())


@pytest.mark.parametrize(
    "answers",
    [
        # keys one of which begins another, with a character before, at and after the quote
        {"a": True, "a!": False, "a b": True, "a#": False, "ab": True},
        {"a\\": True, "a": False, "a]": True},  # a backslash is escaped: generic
        {"fastener_class": True, "fastener": False, "fastener_class_2": True},
        {"item_kind": False, "fastener_class": True},  # a structured field's name
        {"z\u00e9": True, "z": False, "z\u2028": True, "\u00e9": False},
    ],
)
def test_facts_key_sorts_its_pieces_as_the_keys(answers: dict[Any, bool]) -> None:
    for kind in (None, "part"):
        for order in (answers, dict(reversed(answers.items()))):
            facts = ItemFacts("X", item_kind=kind, cj_reference="R", answers=order)
            assert engine._facts_key(facts) == canonical_json(facts.known())


def test_a_lazy_id_is_read_once_and_survives_pickling() -> None:
    import pickle

    facts = exportctl.facts_from_mapping(
        {"item_id": "P-9", "item_kind": "part", "usml_candidates": ["VIII(h)(1)"]}, RULES
    )
    eager = engine.classify_traced(facts, LAW)
    fast = engine.classify_uncached(facts, LAW)
    assert pickle.loads(pickle.dumps(fast)).decision_id == eager.decision_id
    again = engine.classify_uncached(facts, LAW)
    assert again.decision_id == eager.decision_id and again.reid is None  # computed, then kept
    assert attrs.evolve(engine.classify_uncached(facts, LAW), item_id="Q").decision_id == (
        eager.decision_id  # evolve copies the record's id as read
    )


def test_the_memo_tells_a_yes_from_a_one() -> None:
    """True and 1 are equal in Python and hash alike, but 1 is no yes (facts built in code):
    the memo must not give the facts with 1 the decision (and decision id) of the facts with
    True, nor the other way round."""
    refs = (exportctl.parse_usml("VIII(h)(1)"),)
    answers: list[dict[str, Any]] = [
        {"itar_developed_for_both": True, "developed_general_purpose": True},
        {"itar_developed_for_both": 1, "developed_general_purpose": 1},
        {"itar_peculiarly_responsible": True},
        {"itar_peculiarly_responsible": 1},
    ]
    for told in answers:
        for item_id in ("M-1", "M-2"):
            facts = ItemFacts(item_id, item_kind="part", usml_candidates=refs, answers=told)
            same(outcome(exportctl.classify, facts), outcome(engine.classify_traced, facts), False)


def test_the_memo_does_not_keep_a_list_that_changes() -> None:
    """Candidates given as a list (facts built in code) may change between two calls under the
    same identity: each call is decided on what the list holds then."""
    refs = [exportctl.parse_usml("VIII(h)(1)")]
    facts = ItemFacts("L-1", item_kind="part", usml_candidates=refs, answers={})  # type: ignore[arg-type]
    first = outcome(exportctl.classify, facts)
    refs[0] = exportctl.parse_usml("IV(a)")
    same(outcome(exportctl.classify, facts), outcome(engine.classify_traced, facts), False)
    assert first != outcome(engine.classify_traced, facts)


def test_equal_references_given_twice_are_one_candidate() -> None:
    """Facts built in code may name one paragraph twice with two equal reference objects: one
    candidate, as the tracing run reads it (by the reference's text)."""
    enumerated = next(
        p.ref
        for p in LAW.usml.paragraphs
        if not (p.reserved or p.is_x_paragraph or p.is_catch_all or p.is_technical_data)
        and p.specially_designed_scope == "none"
    )
    for one in (exportctl.parse_usml("VIII(h)(1)"), enumerated):
        twin = attrs.evolve(one)
        assert twin == one and twin is not one
        for kind in ("part", "end_item", None):
            facts = ItemFacts(
                "T-1",
                item_kind=kind,
                usml_candidates=(one, twin),
                answers={"itar_for_use_in_defense_article": True},
            )
            eager = outcome(engine.classify_traced, facts)
            same(outcome(engine.classify_uncached, facts), eager)


def test_reasons_for_control_are_each_paragraphs_own() -> None:
    """Two paragraphs of one ECCN with different reasons for control, decided one after the
    other: each classification carries its own paragraph's reasons."""
    pairs = []
    for entry in LAW.ccl.eccns:
        if entry.subject_to_itar_placeholder:
            continue
        refs = [i.ref for i in entry.items if not i.reserved and i.ref.product_group != "E"]
        by_reasons = {entry.reasons_for_control_for(r): r for r in refs}
        if len(by_reasons) > 1:
            pairs.append(list(by_reasons.values())[:2])
    assert pairs  # e.g. 9A610: MT applies to .t, .u, .v and .w only
    for refs in pairs[:40]:
        for ref in refs:
            facts = ItemFacts(
                "R-1",
                item_kind="end_item",
                usml_candidates=(),
                eccn_candidates=(ref,),
                answers={"excluded_by_734_3_b": False, "ear_peculiarly_responsible": True},
            )
            same(outcome(engine.classify_uncached, facts), outcome(engine.classify_traced, facts))


def test_the_scope_of_every_control_text_is_the_one_definitions() -> None:
    """The engine reads a CCL control text without "specially designed" as "none" at once;
    on every control text of every bundled CCL edition (and each with quotation marks and an
    "(MT …)" annotation around its words) that is what specially_designed_scope reads."""
    from exportctl.corpus.text import specially_designed_scope

    seen = 0
    for as_of in ("2025-06-01", "2026-08-01"):  # each CCL edition bundled
        law = exportctl.law(as_of)
        for entry in law.ccl.eccns:
            if entry.subject_to_itar_placeholder:
                continue
            for item in entry.items:
                text = engine._control_text(entry, item.ref)
                for variant in (
                    text,
                    text.replace("specially designed", "“specially” designed"),
                    text.replace("specially designed", "specially (MT for x)designed"),
                ):
                    seen += 1
                    assert engine._text_scope(variant) == specially_designed_scope(variant)
    assert seen > 10_000


def test_the_reach_of_specially_designed_is_read_whole_without_therefor() -> None:
    """specially_designed_scope reads a text without the word "therefor" whole (the clause it
    takes out ends with that word): the same reading as taking the clause out, on every USML
    paragraph and CCL control text of every bundled edition, and on each with its "therefor"
    in capitals, with the word taken out, and with a "specially designed" added."""
    from exportctl.corpus import text as readings

    def taken_out(text: str) -> str:  # the reading with the clause always taken out
        plain = readings.without_mt_annotations(text).translate(readings._QUOTES)
        therefor = readings._therefor()
        if readings._sd().search(therefor.sub("", plain)):
            return "item"
        return "parts" if therefor.search(plain) else "none"

    texts: set[str] = set()
    for as_of in ("2025-06-01", "2026-08-01"):  # each USML and CCL edition bundled
        law = exportctl.law(as_of)
        texts.update(p.text or "" for p in law.usml.paragraphs)
        for entry in law.ccl.eccns:
            texts.update(engine._control_text(entry, i.ref) for i in entry.items)
    scopes: set[str] = set()
    for text in sorted(texts):
        for variant in (
            text,
            text.replace("therefor", "THEREFOR"),
            text.replace("therefor", "for it"),
            text + " and specially designed parts therefor",
            text.replace("specially designed", "“specially designed”"),
        ):
            scope = readings.specially_designed_scope.__wrapped__(variant)
            assert scope == taken_out(variant), variant
            scopes.add(scope)
    assert scopes == {"none", "parts", "item"}


def test_the_reasons_of_every_paragraph_are_read_from_its_rows() -> None:
    """The reasons for control of a paragraph read from the scopes of the License Requirements
    rows (corpus/ccl.py ``_reasons_for``) are those read from the rows' statuses
    (``controls_for``), on every paragraph of every bundled CCL edition."""
    from exportctl.corpus import ccl

    seen = narrowed = 0
    for as_of in ("2025-06-01", "2026-08-01"):  # each CCL edition bundled
        law = exportctl.law(as_of)
        for entry in law.ccl.eccns:
            for ref in (entry.ref, *(item.ref for item in entry.items)):
                seen += 1
                reasons = entry.reasons_for_control_for(ref)
                assert reasons == ccl._reasons_from_controls(entry, ref), ref
                narrowed += reasons != entry.reasons_for_control
    assert seen > 10_000 and narrowed > 500


@settings(max_examples=400, deadline=None)
@given(
    st.sampled_from([None, *RULES.item_kinds]),
    st.dictionaries(
        st.sampled_from(sorted(RULES.answer_facts)),
        st.one_of(st.booleans(), st.sampled_from([0, 1, "yes"])),
    ),
    st.sampled_from([None, "ITAR", "EAR"]),
)
def test_specially_designed_without_its_trace_is_the_analysis(
    kind: str | None, answers: dict[str, Any], cj: Any
) -> None:
    """decide (the fast mode's reading of 120.41 / 772.1) gives analyse's status, the facts it
    still needs and the rules it fired, for both regimes, on any kind and answers (1 and 0 for
    yes and no as facts built in code give them, a CJ for the release of 120.41(b)(1))."""
    from exportctl.engine.specially_designed import analyse, decide

    facts = ItemFacts("S-1", item_kind=kind, cj_jurisdiction=cj, answers=answers)
    # and a regime whose catch paragraphs each need several facts (a reform may write one)
    joint = attrs.evolve(
        RULES.ear,
        catch=tuple(
            attrs.evolve(c, tests=(*RULES.ear.releases[2 + i].tests[::-1], *c.tests))
            for i, c in enumerate(RULES.ear.catch)
        ),
    )
    for regime in (RULES.itar, RULES.ear, joint):
        for tracing in (False, True):
            result = analyse(regime, facts, "X", tracing)
            assert decide(regime, facts) == (result.status, result.missing, result.fired)


def test_one_row_decided_under_two_laws_is_each_laws_decision() -> None:
    """The same parsed facts (the same reference objects) decided under two laws one after the
    other — two CCL editions, two USML editions — give each law's own decision: nothing the fast
    mode keeps for a paragraph of one law is read for the other's."""
    laws = (exportctl.law("2025-06-01"), exportctl.law("2026-08-01"))
    assert laws[0].edition("ccl").file != laws[1].edition("ccl").file
    seen = differ = 0
    for row in bench.distinct_parts(400, seed=43, as_of="2025-06-01"):
        facts = facts_of(row)
        if facts is None:
            continue
        seen += 1
        got = []
        for law in (*laws, *laws[::-1]):
            fast = _outcome_under(engine.classify_uncached, facts, law)
            same(fast, _outcome_under(engine.classify_traced, facts, law))
            got.append(fast)
        differ += isinstance(got[0], Decision) and isinstance(got[1], Decision) and (
            got[0].classification != got[1].classification
        )
    assert seen > 300 and differ > 0
    # ECCN paragraphs whose reasons for control, citation or reach of "specially designed"
    # differ between the two CCL editions, each named by one reference object for both laws
    changed = [
        i.ref
        for e in laws[0].ccl.eccns
        if not e.subject_to_itar_placeholder and laws[1].ccl.exists(e.ref)
        for i in e.items
        if not i.reserved
        and laws[1].ccl.exists(i.ref)
        and (
            e.reasons_for_control_for(i.ref),
            e.citation,
            engine._text_scope(engine._control_text(e, i.ref)),
        )
        != (
            (e2 := laws[1].ccl.get(i.ref)).reasons_for_control_for(i.ref),
            e2.citation,
            engine._text_scope(engine._control_text(e2, i.ref)),
        )
    ]
    assert changed  # e.g. 0A501.a
    for ref in changed:
        facts = ItemFacts(
            "C-1",
            item_kind="technical_data" if ref.product_group == "E" else "end_item",
            usml_candidates=(),
            eccn_candidates=(ref,),
            answers={"excluded_by_734_3_b": False, "ear_peculiarly_responsible": True},
        )
        got = []
        for law in (*laws, *laws[::-1]):
            fast = _outcome_under(engine.classify_uncached, facts, law)
            same(fast, _outcome_under(engine.classify_traced, facts, law))
            got.append(fast)
        assert got[0] != got[1]


def _outcome_under(decide: Any, facts: ItemFacts, law: Any) -> Any:
    try:
        return decide(facts, law)
    except (FactError, ContradictoryFacts) as exc:
        return (type(exc).__name__, str(exc))


def test_classify_while_the_memo_rests_is_the_tracing_run(monkeypatch: pytest.MonkeyPatch) -> None:
    """Distinct facts fill the memo without a repeat, and it rests: ``classify`` then decides
    each item without it, by a shorter way in (the law's tables found at once).  The benchmark's
    distinct rows decided that way, each as the tracing run decides it, and one call in
    :data:`engine._PROBE` still through the memo."""
    monkeypatch.setattr(engine._MEMO_STATS, "rest", 10**6)
    kept = dict(engine._MEMO)
    seen = 0
    for row in bench.distinct_parts(400, seed=43, as_of=str(LAW.as_of)):
        facts = facts_of(row)
        if facts is None:
            continue
        seen += 1
        same(outcome(exportctl.classify, facts), outcome(engine.classify_traced, facts))
    assert seen > 300
    assert engine._MEMO_STATS.rest == 10**6 - seen
    probed = {k for k in engine._MEMO if k not in kept}
    assert 0 < len(probed) <= seen // engine._PROBE + 1


def test_several_usml_candidates_are_decided_as_the_tracing_run() -> None:
    """Two or three USML candidates (fast mode: each reviewed, then an enumerated entry rather
    than a catch-all, 22 CFR 120.11(b)(2)): catch-alls and enumerated paragraphs together, every
    item kind, the item caught, released or open, as the tracing run decides them."""
    usable = [p for p in LAW.usml.paragraphs if not p.reserved and not p.is_x_paragraph]
    catch = [p for p in usable if p.is_catch_all][:: 3]
    sd = [p for p in usable if not p.is_catch_all and p.specially_designed_scope != "none"]
    plain = [p for p in usable if p.specially_designed_scope == "none"][:: 50][:4]
    pool = [*catch, *sd[:: 20][:4], *plain]
    assert len(catch) >= 4 and len(pool) >= 10
    answers: list[dict[str, bool]] = [
        {},
        {"itar_peculiarly_responsible": True},
        {"itar_peculiarly_responsible": False, "itar_for_use_in_defense_article": True},
        {"itar_peculiarly_responsible": False, "itar_for_use_in_defense_article": False},
        {"itar_for_use_in_defense_article": True, "fastener_class": True},
        {"itar_for_use_in_defense_article": True, "fastener_class": False},
    ]
    seen = 0
    kinds: list[str | None] = [None, *RULES.item_kinds]
    for i, a in enumerate(pool):
        for b in pool[i + 1 :]:
            for n, kind in enumerate(kinds):
                for told in answers[(i + n) % 3 :: 2]:
                    third = [pool[(i + n) % len(pool)].ref] if n % 4 == 0 else []
                    facts = ItemFacts(
                        item_id="P-1",
                        item_kind=kind,
                        usml_candidates=(a.ref, b.ref, *third),
                        eccn_candidates=(),
                        answers={"excluded_by_734_3_b": False, **told},
                    )
                    fast = outcome(engine.classify_uncached, facts)
                    same(fast, outcome(engine.classify_traced, facts))
                    seen += isinstance(fast, Decision)
    assert seen > 1000


def _plain_facts() -> list[ItemFacts]:
    """Facts for every route :func:`engine._plain` reads from the law's tables and for the
    steps where it leaves them: USML candidates unknown, none, one described without
    "specially designed" (or one to analyse, or two); then subject to the EAR unknown, no or
    yes; then ECCN candidates unknown, none, one of each tier (or two), a CCATS now and then;
    every item kind and none; release claims that do not apply to the kind, a conflict."""
    enumerated = [
        p.ref for p in LAW.usml.paragraphs if p.specially_designed_scope == "none"
    ][::40][:3]
    analysed = [p.ref for p in LAW.usml.paragraphs if p.is_catch_all][:1]
    eccns = [exportctl.parse_eccn(TIERS[t][0]) for t in sorted(TIERS)]
    # entries that list no Reason for Control (a warning with the classification)
    eccns += [
        exportctl.parse_eccn(e.eccn)
        for e in LAW.ccl.eccns
        if not e.reasons_for_control and not e.subject_to_itar_placeholder and not e.items
    ][:3]
    usmls: list[Any] = [None, (), *((r,) for r in enumerated + analysed), tuple(enumerated[:2])]
    eccn_lists: list[Any] = [None, (), *((r,) for r in eccns), tuple(eccns[:2])]
    said: list[dict[str, bool]] = [
        {},
        {"excluded_by_734_3_b": True},
        {"excluded_by_734_3_b": False},
        {"excluded_by_734_3_b": False, "itar_peculiarly_responsible": True},
        {"excluded_by_734_3_b": False, **dict.fromkeys(RULES.conflicts[0].any_true, True)},
        {"excluded_by_734_3_b": False, "itar_for_use_in_defense_article": False},
    ]
    kinds: list[str | None] = [None, *RULES.item_kinds]
    found = []
    n = 0
    for usml in usmls:
        for eccn in eccn_lists:
            for kind in kinds:
                n += 1
                found.append(
                    ItemFacts(
                        item_id=f"P-{n}",
                        item_kind=kind,
                        usml_candidates=usml,
                        eccn_candidates=eccn,
                        ccats_classification="EAR99" if n % 13 == 0 else None,
                        answers=said[n % len(said)],
                    )
                )
    return found


def test_the_routes_read_from_the_tables_are_the_tracing_run() -> None:
    """``_plain`` (classify's fast mode for an item without a CJ): every route it reads from
    the law's tables and every step where it leaves them for the run, each decided twice (the
    first time fills the tables, the second reads them), as the tracing run decides it; and the
    benchmark's distinct rows.  Most items are decided without a run."""
    tables = engine._tables(LAW)
    runs = 0
    made = engine._Run

    def counted(*args: Any, **kwargs: Any) -> Any:
        nonlocal runs
        runs += 1
        return made(*args, **kwargs)

    rows = (facts_of(r) for r in bench.distinct_parts(300, seed=47, as_of=str(LAW.as_of)))
    items = [*_plain_facts(), *(f for f in rows if f is not None and f.cj_jurisdiction is None)]
    decided = 0
    for facts in items:
        eager = outcome(engine.classify_traced, facts)
        for _ in range(2):
            engine._Run = counted  # type: ignore[misc]
            try:
                fast = outcome(lambda f, law: engine._plain(f, tables), facts)
            finally:
                engine._Run = made  # type: ignore[misc]
            same(fast, eager)
        decided += isinstance(eager, Decision)
    assert decided > 800
    assert runs < decided  # the tables decide most of them (the second time at least)


def test_make_decision_is_the_classs_own_init() -> None:
    """A decision made field by field (the engine's constructor) is the Decision its attrs
    ``__init__`` makes: the same class, every field, equality, repr, pickling; both ways of
    filling the slots."""
    import datetime as dt
    import pickle

    from exportctl.engine import decision as module

    q = RULES.questions["usml_candidates"]
    values: tuple[Any, ...] = (
        "d-1",
        "P-1",
        "EAR",
        engine._EAR99,
        (module.TraceStep("r", "o", {"a": 1}, "d"),),
        (q,),
        ("15 CFR 734.3(a)",),
        dt.date(2025, 6, 1),
        "law-1",
        "rules-1",
        ("w",),
    )
    init = Decision(*values)
    assert module.make_decision is module._filled  # this Python assigns the layout
    for make in (module._filled, module._set_slots):
        made = make(*values, None, None)
        assert type(made) is Decision
        assert attrs.astuple(made, recurse=False) == attrs.astuple(init, recurse=False)
        assert made == init and repr(made) == repr(init)
        assert pickle.loads(pickle.dumps(made)) == init
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            made.item_id = "P-2"  # type: ignore[misc]


def test_several_candidates_read_from_the_tables_are_the_tracing_run(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Several USML candidates read from the law's tables (``_several``): enumerated entries,
    paragraphs that reach parts or items by "specially designed" and catch-alls, two or three,
    in either order, one paragraph named twice, every item kind and none, the item caught,
    released, open or told nothing, a release claim that warns, ECCN candidates for the EAR;
    each decided three times by ``_plain`` (the first fills the tables) as the tracing run
    decides it.  Once the tables hold them: classified in the first enumerated entry rather
    than a catch-all (22 CFR 120.11(b)(2)), in the one paragraph described, described but which
    paragraph open, and open, without a run; described in none, on to the EAR in one run."""
    tables = engine._tables(LAW)
    usable = [p for p in LAW.usml.paragraphs if not p.reserved and not p.is_x_paragraph]
    enumerated = [p.ref for p in usable if p.specially_designed_scope == "none"][::45][:4]
    catch = [p.ref for p in usable if p.is_catch_all][::7][:3]
    parts = [
        p.ref
        for p in usable
        if not p.is_catch_all
        and p.specially_designed_scope != "none"
        and not engine._enumerates_parts(p.text)
    ][::20][:3]
    listed = [
        p.ref
        for p in usable
        if p.specially_designed_scope == "parts" and engine._enumerates_parts(p.text)
    ][:1]
    data = [p.ref for p in usable if p.is_technical_data][::9][:2]
    pool = [*enumerated, *catch, *parts, *listed, *data]
    lists: list[tuple[Any, ...]] = []
    for i, a in enumerate(pool):
        for b in pool[i + 1 :]:
            lists += [(a, b), (b, a)]
    lists += [(catch[0], catch[1], enumerated[0]), (parts[0], catch[0], parts[1])]
    lists += [(parts[0], enumerated[0], parts[1]), (enumerated[2], parts[2], parts[1])]
    lists += [(enumerated[0], enumerated[0])]
    lists += [(enumerated[1], exportctl.parse_usml(str(enumerated[1])))]
    said: list[dict[str, bool]] = [
        {},
        {"itar_peculiarly_responsible": True},
        {"itar_peculiarly_responsible": False, "itar_for_use_in_defense_article": True},
        {"itar_peculiarly_responsible": False, "itar_for_use_in_defense_article": False},
        {"itar_for_use_in_defense_article": True, "fastener_class": False},
        {"itar_peculiarly_responsible": True, "itar_enumerated_article": True},
    ]
    eccns: list[Any] = [(), None, *((exportctl.parse_eccn(TIERS[t][0]),) for t in sorted(TIERS))]
    ways: dict[tuple[str, bool, bool, int], int] = {}
    which_open = both_open = alone = 0
    kinds: list[str | None] = [None, *RULES.item_kinds]
    n = 0
    for usml in lists:
        for kind in kinds:
            n += 1
            facts = ItemFacts(
                item_id=f"P-{n}",
                item_kind=kind,
                usml_candidates=usml,
                eccn_candidates=eccns[n % len(eccns)],
                answers={"excluded_by_734_3_b": n % 7 == 0, **said[n % len(said)]},
            )
            fast, runs = _decided_by_tables(facts, monkeypatch)
            one = tables.one
            if isinstance(fast, Decision) and len(set(usml)) > 1:
                if all(kind in one[id(r)][2] for r in usml):
                    assert not runs  # enumerated entries alone: classified in the first
                    alone += 1
            if isinstance(fast, Decision):
                c = fast.classification
                key = (
                    fast.jurisdiction,
                    c is not None and bool(c.also_described_in),
                    "22 CFR 120.11(b)(2)" in fast.rules_fired,
                    runs,
                )
                ways[key] = ways.get(key, 0) + 1
                # described on the USML, which paragraph open (a warning), without a run
                which_open += c is None and fast.jurisdiction == "ITAR" and not runs
                # two paragraphs of the deciding group open, both named
                both_open += any(w.count(", ") == 1 for w in fast.warnings) and not runs
    assert which_open > 5 and both_open > 2 and alone > 30
    assert ways.get(("ITAR", True, True, 0), 0) > 50  # an enumerated entry preferred
    assert ways.get(("ITAR", False, False, 0), 0) > 50  # one described, or which one open
    assert ways.get(("undetermined", False, False, 0), 0) > 20
    assert sum(v for (j, _, _, r), v in ways.items() if j != "ITAR" and r == 1) > 20
    assert sum(v for (_, _, _, r), v in ways.items() if r) > 100  # no kind, a paragraph twice


def test_one_candidate_to_analyse_read_from_the_tables_is_the_tracing_run(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """One USML candidate that describes the item's kind only if it is "specially designed"
    (``_one_analysed``): catch-alls (22 CFR 120.11(a)(2)) and paragraphs that reach parts or
    items by it (120.11(b)(1)), every item kind and none, the item caught, released, open, or
    told nothing; then ECCN candidates of every tier for the EAR.  Each decided three times by
    ``_plain`` (the first fills the tables) as the tracing run decides it; once the tables hold
    them, described and open items are decided without a run, items not described go on to
    the EAR in one run, and a paragraph that enumerates the parts the analysis releases
    leaves for the run."""
    usable = [p for p in LAW.usml.paragraphs if not p.reserved and not p.is_x_paragraph]
    catch = [p.ref for p in usable if p.is_catch_all][::4]
    parts = [p for p in usable if not p.is_catch_all and p.specially_designed_scope == "parts"]
    listed = [p.ref for p in parts if engine._enumerates_parts(p.text)][::6][:3]
    other = [p.ref for p in parts if not engine._enumerates_parts(p.text)][::15][:3]
    whole = [
        p.ref
        for p in usable
        if not p.is_catch_all and p.specially_designed_scope == "item"
    ][::15][:3]
    assert listed and other and whole
    answers: list[dict[str, bool]] = [
        {},
        {"itar_peculiarly_responsible": True},
        {"itar_peculiarly_responsible": False, "itar_for_use_in_defense_article": True},
        {"itar_peculiarly_responsible": False, "itar_for_use_in_defense_article": False},
        {"itar_for_use_in_defense_article": True, "fastener_class": True},
        {"itar_for_use_in_defense_article": True, "fastener_class": False},
        {"itar_peculiarly_responsible": True, "itar_enumerated_article": True},
    ]
    eccns: list[Any] = [(), None, *((exportctl.parse_eccn(TIERS[t][0]),) for t in sorted(TIERS))]
    ways: dict[tuple[str, int], int] = {}
    kinds: list[str | None] = [None, *RULES.item_kinds]
    n = 0
    for ref in [*catch, *listed, *other, *whole]:
        for kind in kinds:
            for told in answers:
                n += 1
                facts = ItemFacts(
                    item_id=f"P-{n}",
                    item_kind=kind,
                    usml_candidates=(ref,),
                    eccn_candidates=eccns[n % len(eccns)],
                    answers={"excluded_by_734_3_b": n % 5 == 0, **told},
                )
                fast, runs = _decided_by_tables(facts, monkeypatch)
                if isinstance(fast, Decision):
                    key = (fast.jurisdiction, runs)
                    ways[key] = ways.get(key, 0) + 1
    # described (ITAR) and open (undetermined) without a run; not described: one run, the EAR's
    assert ways.get(("ITAR", 0), 0) > 50 and ways.get(("undetermined", 0), 0) > 50
    assert ways.get(("EAR", 1), 0) > 20 and ways.get(("not_subject", 1), 0) > 5
    assert sum(v for (_, r), v in ways.items() if r == 1) > 30


def test_decisions_made_by_each_slots_setter_are_the_tracing_run(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Where this Python could not assign a Decision's ``__class__`` (``decision.FILLED`` None),
    the fast mode's decisions are made by ``make_decision``'s setters: the same decisions."""
    from exportctl.engine import decision as module

    assert engine._FILLED is module.FILLED is module._Filled  # this Python assigns the layout
    items = _plain_facts()[::3]
    monkeypatch.setattr(engine, "_FILLED", None)
    monkeypatch.setattr(engine, "make_decision", module._set_slots)
    for facts in items:
        same(outcome(engine.classify_uncached, facts), outcome(engine.classify_traced, facts))


def test_the_memo_rests_longer_after_each_fill_without_a_repeat(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Each fill of the memo without repeats doubles its next rest, from 4 to 64 times its
    size; a fill with repeats (1 % or more) starts again from the shortest; decisions made
    while it rests are the tracing run's (see above)."""
    monkeypatch.setattr(engine, "_MEMO_SIZE", 100)
    stats = engine._MemoStats()
    rests = []
    for _ in range(7):
        stats.full()
        rests.append(stats.rest)
    assert rests == [400, 800, 1600, 3200, 6400, 6400, 6400]
    stats.hit()
    assert stats.rest == 0
    stats.full()  # one repeat in a fill of 100: enough
    stats.full()
    assert stats.rest == 400


def _decided_by_tables(
    facts: ItemFacts, monkeypatch: pytest.MonkeyPatch, times: int = 3, decide: Any = None
) -> tuple[Any, int]:
    """``facts`` decided ``times`` times by ``_plain`` (the first time fills the law's tables)
    or ``decide``, each the tracing run's decision; what the last gave and the runs it made."""
    tables = engine._tables(LAW)
    if decide is None:
        decide = lambda f, law: engine._plain(f, tables)  # noqa: E731
    eager = outcome(engine.classify_traced, facts)
    made = engine._Run
    runs = 0

    def counted(*args: Any, **kwargs: Any) -> Any:
        nonlocal runs
        runs += 1
        return made(*args, **kwargs)

    for _ in range(times):
        runs = 0
        monkeypatch.setattr(engine, "_Run", counted)
        fast = outcome(decide, facts)
        monkeypatch.setattr(engine, "_Run", made)
        same(fast, eager)
    return fast, runs


#: Answers to the EAR's catch and release questions (15 CFR 772.1 'specially designed'): caught,
#: released, not caught, open, told nothing.
EAR_TOLD: list[dict[str, bool]] = [
    {},
    {"ear_peculiarly_responsible": True},
    {"ear_peculiarly_responsible": False, "ear_for_use_in_described_item": True},
    {"ear_peculiarly_responsible": False, "ear_for_use_in_described_item": False},
    {"ear_for_use_in_described_item": True, "fastener_class": True},
    {"ear_peculiarly_responsible": True, "ear_identified_non_sd_or_ear99": False},
    {"ear_peculiarly_responsible": True, "developed_general_purpose": True},
]


def test_one_eccn_to_analyse_read_from_the_tables_is_the_tracing_run(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """One ECCN candidate that describes the item's kind only if it is "specially designed"
    (``_eccn_analysed``): paragraphs that say "specially designed" of the item or of the parts
    they reach, in each tier, every item kind and none, the item caught, released, not caught,
    open or told nothing; each decided three times by ``_plain`` as the tracing run decides it.
    Classified, EAR99 and open without a run, the first time too (the law's tables are filled
    at the first sight of a paragraph); a kind the paragraph does not admit is the run's (it
    raises, with its words)."""
    picked: list[Any] = []
    for refs in TIERS.values():
        scoped: dict[str, list[Any]] = {}
        for text in refs:
            ref = exportctl.parse_eccn(text)
            entry = LAW.ccl.get(ref)
            scope = engine._text_scope(engine._control_text(entry, ref)) if ref.path else "x"
            scoped.setdefault(scope, []).append(ref)
        picked += scoped.get("item", [])[::60][:2] + scoped.get("parts", [])[::60][:2]
    assert len(picked) > 6
    ways: dict[tuple[str, bool, int], int] = {}
    n = 0
    for ref in picked:
        for kind in [None, *RULES.item_kinds]:
            for told in EAR_TOLD:
                n += 1
                facts = ItemFacts(
                    item_id=f"P-{n}",
                    item_kind=kind,
                    usml_candidates=(),
                    eccn_candidates=(ref,),
                    answers={"excluded_by_734_3_b": False, **told},
                )
                fast, runs = _decided_by_tables(facts, monkeypatch)
                if isinstance(fast, Decision):
                    c = fast.classification
                    key = (fast.jurisdiction, c is not None and c.regime == "EAR99", runs)
                    ways[key] = ways.get(key, 0) + 1
                else:
                    assert runs == 1
    assert ways.get(("EAR", False, 0), 0) > 100  # classified in it, or open
    assert ways.get(("EAR", True, 0), 0) > 50  # not specially designed: EAR99
    assert sum(v for (_, _, r), v in ways.items() if r) < sum(ways.values()) // 8


def _keyed(facts: ItemFacts, law: Any) -> Decision:
    """``classify_keyed``'s decision, its facts' JSON the canonical JSON and its id hashed at
    once (the id's slot holds it before it is read)."""
    made, facts_key = engine.classify_keyed(facts, law)
    assert facts_key == canonical_json(facts.known())
    assert decision_module._ID_SLOT.__get__(made, Decision) is not decision_module.LAZY_ID
    return made


def test_classify_keyed_reads_the_tables_and_hashes_the_id_at_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``classify_keyed`` (a screened CSV row) while the memo rests: an item without a CJ is
    decided from the law's tables as ``_plain`` decides it, without a run on its commonest
    routes, its id hashed at once from the facts' JSON it gives; every route of ``_plain``,
    the benchmark's distinct rows (determinations too) and repeats of them, each as the tracing
    run decides it, the trace not computed until read."""
    monkeypatch.setattr(engine._MEMO_STATS, "rest", 10**6)
    rows = (facts_of(r) for r in bench.distinct_parts(300, seed=53, as_of=str(LAW.as_of)))
    items = [*_plain_facts(), *(f for f in rows if f is not None)]
    decided = without_run = 0
    for facts in items:
        fast, runs = _decided_by_tables(facts, monkeypatch, 2, _keyed)
        if isinstance(fast, Decision):
            decided += 1
            without_run += runs == 0 and facts.cj_jurisdiction is None
    assert decided > 800
    assert without_run > decided // 2
