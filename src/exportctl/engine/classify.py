"""Jurisdiction and classification: the ITAR order of review, then the CCL order of review.

ITAR (22 CFR 120.11, 120.41):
  1. A commodity jurisdiction (CJ) determination decides jurisdiction outright.
  2. Each USML paragraph the item may be described in is checked: an enumerated paragraph
     describes it by itself (120.11(a)(1)); a paragraph that uses "specially designed" as a
     control parameter describes it only if the item is caught and not released (120.11(b)(1),
     120.41).  An item described in several paragraphs is classified in an enumerated one rather
     than a "specially designed" catch-all (120.11(b)(2)).
EAR (15 CFR 734.3; Supp. No. 4 to part 774), only for items the USML does not describe:
  3. Items excluded by § 734.3(b) are not subject to the EAR.  A CJ or CCATS that names an ECCN
     or EAR99 decides the classification.
  4. 600-series and 9x515 paragraphs other than catch-alls (Step 3); their ".x" catch-alls with
     the § 772.1 analysis (Step 4); any other ECCN (Step 5); ".y" paragraphs, which cover items
     "not elsewhere specified … in the CCL"; and EAR99 only when every candidate is resolved and
     none describes the item (Step 6).

Fail closed: a fact the next step needs and does not have makes the decision undetermined with
that question open — never EAR99, never a release.  Contradictory facts raise
:class:`~exportctl.core.facts.ContradictoryFacts`; malformed ones
:class:`~exportctl.core.facts.FactError`.
"""

from __future__ import annotations

import json
import os
import re
from functools import lru_cache, partial
from itertools import compress, repeat
from operator import countOf, is_, itemgetter
from typing import Any, Literal

from exportctl.core.bounded import SecondSight
from exportctl.core.facts import Question
from exportctl.core.provenance import decision_id
from exportctl.corpus.ccl import ECCN
from exportctl.corpus.law import Law
from exportctl.corpus.references import (
    ECCNRef,
    ReferenceSyntaxError,
    USMLRef,
    parse_eccn,
    parse_usml,
)
from exportctl.corpus.rulesets import Conflict, RegimeRules, RuleSet
from exportctl.corpus.text import _QUOTES, _sd, enumerates_parts, specially_designed_scope
from exportctl.corpus.usml import UnknownReference, USMLParagraph
from exportctl.engine.decision import (
    FILLED as _FILLED,
)
from exportctl.engine.decision import (
    LAZY_ID,
    LAZY_TRACE,
    Classification,
    Decision,
    Outcome,
    TraceStep,
    make_decision,
    make_step,
)
from exportctl.engine.decision import (
    SET_ID as _SET_ID,
)
from exportctl.engine.relocation import (
    OPEN_BY_MOVE,
    Moved,
    candidate_status,
    moved_note,
    moved_targets,
    relocated_cj,
    split_relocated,
    subject_answer,
)
from exportctl.engine.shared_steps import shared_step
from exportctl.engine.specially_designed import analyse, decide
from exportctl.inputs.items import FIELDS, ContradictoryFacts, FactError, ItemFacts

__all__ = [
    "classify",
    "classify_keyed",
    "classify_traced",
    "classify_uncached",
    "repeat_decision",
]

_Y_REF = re.compile(r"\b(\d[A-E]\d{3})\.y\b")
_Y_THIS = re.compile(r"paragraph \.y of this (?:entry|ECCN)", re.IGNORECASE)
Status = Literal["described", "not_described", "unknown"]


class _Run:
    """The mutable working state of one classification (never leaves this module).

    ``tracing`` False is the fast mode: the same order of review, recording only what the
    outcome needs (the rules fired, the questions, the warnings); every trace step is written
    under ``if run.tracing``, and a rule that fires is recorded by :meth:`fire` whether or not
    the step is traced, so both modes fire the same rules in the same order.

    ``kept`` (every run but the slow reference, :func:`classify_traced`) reads what is kept of
    the law between runs: paragraphs and ECCN entries found before, by the reference's
    identity, each reference's text, the classifications, the conflicts and release claims
    that can hold for the item's kind, the steps of Supp. No. 4 from the law's tables; the
    reference looks every one up.  The same steps and the same decision either way (tests
    compare a traced keyed run and lazily read traces with the reference).  A run in the fast
    mode is always kept.
    """

    __slots__ = (
        "facts",
        "facts_key",
        "fired",
        "kept",
        "moved",
        "questions",
        "regs",
        "rules",
        "steps",
        "tables",
        "tracing",
        "warnings",
    )

    def __init__(
        self,
        facts: ItemFacts,
        tables: _Tables,
        tracing: bool = True,
        facts_key: str = "",
        kept: bool = True,
    ) -> None:
        self.facts = facts
        #: What the law holds, worked out once per law (:func:`_tables`).
        self.tables = tables
        self.regs = tables.law
        self.rules = tables.rules
        self.tracing = tracing
        self.kept = kept
        #: Canonical JSON of the facts (what the decision id hashes with the item id).
        self.facts_key = facts_key
        #: The trace's steps (tracing mode; the fast mode never writes one).
        self.steps: list[TraceStep] = [] if tracing else _NO_STEPS
        self.fired: list[str] = []
        self.questions: list[str] = []
        self.warnings: list[str] = []
        #: Candidate USML paragraphs a reform moved to the CCL (engine/relocation.py); only
        #: ever replaced (by the list :func:`split_relocated` gives), never appended to.
        self.moved: list[Moved] = _NO_MOVES

    def step(
        self,
        rule: str,
        outcome: str,
        facts: dict[str, Any] | None = None,
        detail: str = "",
    ) -> None:
        """One trace step (tracing mode only: callers write ``if run.tracing:``)."""
        self.steps.append(make_step(rule, outcome, facts or {}, detail))

    def shared(self, build: Any, *args: Any) -> None:
        """The trace step ``build(*args)`` (tracing mode only): ``build`` reads nothing but its
        arguments, so a kept run takes the step the law's table keeps for them
        (:mod:`exportctl.engine.shared_steps`); the reference builds every step."""
        if self.kept:
            self.steps.append(shared_step(self.regs, build, *args))
        else:
            self.steps.append(build(*args))

    def fire(self, rule: str) -> None:
        """A rule that decided something (in both modes)."""
        if rule not in self.fired:
            self.fired.append(rule)

    def ask(self, *fact_ids: str) -> None:
        for fid in fact_ids:
            if fid not in self.questions:
                self.questions.append(fid)

    def decision(self, outcome: Outcome, classification: Classification | None) -> Decision:
        t = self.tables
        facts = self.facts
        questions = tuple(map(t.question, self.questions)) if self.questions else ()
        facts_key = self.facts_key
        if not (facts_key or self.tracing):  # the fast mode: the id is computed when read
            return _lazy(
                facts, t, outcome, classification, questions, tuple(self.fired), self.warnings
            )
        law = self.regs
        rules = self.rules
        if facts_key is _TRACE_ONLY:
            ident = ""
        else:
            if not facts_key:
                facts_key = self.facts_key = _facts_key(facts)
            ident = decision_id(facts.item_id, facts_key, law.id, law.as_of)
        return make_decision(
            ident,
            facts.item_id,
            outcome,
            classification,
            tuple(self.steps) if self.tracing else LAZY_TRACE,
            questions,
            tuple(self.fired),
            law.as_of,
            law.id,
            rules.id,
            (*t.warnings, *self.warnings) if self.warnings else t.warnings,
            None if self.tracing else _Later((facts, law)),
        )


#: The fast mode's steps and moves: never written (a step is written only when tracing; the
#: moves are replaced, not appended to).
_NO_STEPS: list[TraceStep] = []
_NO_MOVES: list[Moved] = []


class _Tables:
    """What a decision reads of one law that does not depend on the item, worked out once per
    law (kept by the law's identity, with the law itself, so an id is never reused while it is
    there; the law is a frozen value): its rule set and the plan of it, its date, id and
    warnings, whether a reform moved USML paragraphs, and what one USML candidate gives for an
    item kind (:meth:`one_usml`)."""

    __slots__ = (
        "as_of",
        "ear99_fired",
        "ear_steps",
        "eone",
        "excluded_fired",
        "law",
        "law_id",
        "moves",
        "one",
        "plan",
        "question",
        "rules",
        "rules_id",
        "subject_fact",
        "subject_id",
        "subject_plain",
        "warnings",
    )

    def __init__(self, law: Law) -> None:
        self.law = law
        rules = self.rules = law.ruleset
        self.plan = _plan(rules)
        self.as_of = law.as_of
        self.law_id = law.id
        self.rules_id = rules.id
        self.warnings = law.warnings
        self.question = rules.questions.__getitem__
        self.moves = bool(law.relocations)
        ear = rules.ear
        #: Whether an item is subject to the EAR (§ 734.3(b)): the fact, whether it is an
        #: answer (read as ``facts.answer`` reads one), the rule; steps 3-6 of Supp. No. 4.
        self.subject_fact = ear.subject_fact
        self.subject_plain = ear.subject_fact not in (*FIELDS, "cj_jurisdiction")
        self.subject_id = ear.subject_id
        self.ear_steps: tuple[str, str, str, str] | None = None  # when first read
        #: One USML candidate, by the reference's identity (:func:`_one_usml`).
        self.one: dict[int, _UsmlOne] = {}
        #: One ECCN candidate, by the reference's identity (:func:`_eccn_one`).
        self.eone: dict[int, _EccnOne] = {}
        #: The rules :func:`_plain` fires for an item excluded by § 734.3(b) and for EAR99
        #: without ECCN candidates (when first read).
        self.excluded_fired: tuple[str, ...] = ()
        self.ear99_fired: tuple[str, ...] = ()


_TABLES: dict[int, _Tables] = {}


def _tables(law: Law) -> _Tables:
    found = _TABLES.get(id(law))
    if found is None or found.law is not law:
        if len(_TABLES) >= 64:
            _TABLES.clear()
        found = _TABLES[id(law)] = _Tables(law)
    return found


def _law(law: Law, ruleset: RuleSet | None) -> Law:
    return law if ruleset is None else law.with_ruleset(ruleset)


def classify(
    facts: ItemFacts, law: Law, ruleset: RuleSet | None = None, *, trace: bool = False
) -> Decision:
    """Decide jurisdiction and classification for one item under ``law``; the trace says why.

    ``ruleset`` (optional) decides under another classification rule set: the same as
    ``classify(facts, law.with_ruleset(ruleset))``, and the decision names that law's id.

    The decision is a pure function of the facts and the law (and its date), so decisions of
    items with the same facts (a parts list repeats many) are computed once and reused: only the
    item id and the decision id differ.  :func:`classify_uncached` decides without that memo
    (for tests about the engine itself: the same facts twice must be decided twice);
    ``EXPORTCTL_NO_MEMO=1`` in the environment turns it off for a whole process.

    The decision is made in the fast mode: its :attr:`~Decision.trace` is computed when first
    read, by running the order of review again in tracing mode on the same facts and law (the
    same steps an eager run gives), and its :attr:`~Decision.decision_id` when first read (the
    canonical JSON of the facts hashed then: the same id).  ``trace=True`` builds both at once
    instead (for output that prints every trace: one run rather than two); nothing else differs.
    """
    if ruleset is not None:
        law = law.with_ruleset(ruleset)
    rest = _MEMO_STATS.rest
    if rest and (rest - 1) % _PROBE and not trace:
        # The memo rests (:meth:`_MemoStats.resting`, inlined): decided without it.
        _MEMO_STATS.rest = rest - 1
        tables = _TABLES.get(id(law))
        if tables is None or tables.law is not law:
            tables = _tables(law)
        if facts.cj_jurisdiction is None:
            return _plain(facts, tables)
        run = _Run(facts, tables, False)
        _fast_checks(run)  # then what _fast_review gives
        return _itar(run) or _ear(run)
    return _classify(facts, law, trace, False)[0]


def classify_keyed(facts: ItemFacts, law: Law, trace: bool = False) -> tuple[Decision, str]:
    """:func:`classify`, with the canonical JSON of the facts its decision id hashes (what
    :func:`repeat_decision` needs to give the same decision to another item); the decision id
    is computed at once."""
    return _classify(facts, law, trace, True)


def _classify(facts: ItemFacts, law: Law, trace: bool, keyed: bool) -> tuple[Decision, str]:
    """:func:`classify` (``keyed`` False: the decision id computed when read, and ``""`` for the
    facts' JSON) and :func:`classify_keyed`."""
    stats = _MEMO_STATS
    rest = stats.rest
    if rest and not trace and facts.cj_jurisdiction is None:
        # The memo rests (:meth:`_MemoStats.resting`, inlined) and no CJ: :func:`_fresh`'s
        # :func:`_plain`, inlined (the commonest route of a file of distinct rows).
        rest -= 1
        stats.rest = rest
        if rest % _PROBE:
            facts_key = _facts_key(facts) if keyed else ""
            tables = _TABLES.get(id(law))
            if tables is None or tables.law is not law:
                tables = _tables(law)
            decided = _plain(facts, tables)
            if facts_key:  # classify_keyed: the id now, from the JSON it has
                _SET_ID(decided, decision_id(facts.item_id, facts_key, law.id, law.as_of))
            return decided, facts_key
        key = _memo_key(facts, law) if _MEMO_ON else None
    else:
        key = None if not _MEMO_ON or stats.resting() else _memo_key(facts, law)
    if key is None:
        facts_key = _facts_key(facts) if keyed else ""
        return _fresh(facts, law, trace, facts_key), facts_key
    try:
        memo = _MEMO.get(key)
    except TypeError:  # a field that cannot be hashed (facts built in code): no memo
        facts_key = _facts_key(facts) if keyed else ""
        return _fresh(facts, law, trace, facts_key), facts_key
    if memo is None or memo[2] is not facts.usml_candidates or memo[3] is not facts.eccn_candidates:
        facts_key = _facts_key(facts) if keyed else ""
        core = _fresh(facts, law, trace, facts_key)
        if len(_MEMO) >= _MEMO_SIZE:
            _MEMO.clear()
            _MEMO_STATS.full()
        _MEMO[key] = (core, facts_key, facts.usml_candidates, facts.eccn_candidates)
        return core, facts_key
    _MEMO_STATS.hit()
    core, facts_key = memo[0], memo[1]
    if keyed and not facts_key:  # kept by classify, which left the id to be read
        facts_key = _facts_key(facts)
        _MEMO[key] = (core, facts_key, memo[2], memo[3])
    if trace:
        core.trace  # noqa: B018 - computed once, then shared by every repeat
    if core.item_id == facts.item_id:
        return core, facts_key
    if not facts_key:
        return _repeat(core, LAZY_ID, facts.item_id, facts, law), facts_key
    return repeat_decision(core, facts_key, facts.item_id, facts, law), facts_key


def _fresh(facts: ItemFacts, law: Law, trace: bool, facts_key: str) -> Decision:
    """The order of review for facts the memo does not hold (:func:`_plain` when it can; with
    ``facts_key``, the canonical JSON of the facts, its decision id hashed at once)."""
    if trace or facts.cj_jurisdiction is not None:
        return _review(_Run(facts, _tables(law), trace, facts_key))
    decided = _plain(facts, _tables(law))
    if facts_key:  # classify_keyed: the id now, from the JSON it has (not worked out again)
        _SET_ID(decided, decision_id(facts.item_id, facts_key, law.id, law.as_of))
    return decided


def _memo_key(facts: ItemFacts, law: Law) -> tuple[Any, ...] | None:
    """What the memo keeps a decision by: every fact but the item id and the description, the
    date and the law's id; None (no memo) unless every answer is True or False under a text key.

    The lists of candidates count by identity (the parser gives one tuple to every row that
    names the same candidates; the memo keeps the tuples with the decision, so an id is never
    reused while it is there), the answers as their keys and their values in the order given
    (the same facts in another order are decided again: the same decision)."""
    answers = facts.answers
    keys: tuple[Any, ...] = ()
    values: tuple[Any, ...] = ()
    if answers:
        values = tuple(answers.values())
        if not _BOOL_ONLY.issuperset(map(type, values)):
            return None  # 1, 0 or None are no yes/no (facts built in code): no memo
        keys = tuple(answers)
        if not _STR_ONLY.issuperset(map(type, keys)):
            return None
    usml, eccn = facts.usml_candidates, facts.eccn_candidates
    if not (usml is None or type(usml) is tuple) or not (eccn is None or type(eccn) is tuple):
        return None  # a list (facts built in code) may change under the same identity
    return (
        facts.item_kind,
        id(usml),
        id(eccn),
        facts.cj_jurisdiction,
        facts.cj_classification,
        facts.cj_reference,
        facts.ccats_classification,
        keys,
        values,
        law.as_of,
        law.id,
    )


_BOOL_ONLY = frozenset({bool})
_STR_ONLY = frozenset({str})


def repeat_decision(
    core: Decision, facts_key: str, item_id: str, facts: ItemFacts, law: Law
) -> Decision:
    """The decision ``core`` made, for an item with the same facts but for its id (and
    description): the same outcome and trace (the trace reads only the facts in the key), under
    ``item_id`` and its own decision id.  ``facts_key`` is the canonical JSON of the facts
    (:func:`classify_keyed`); ``facts`` (any item's with those facts) computes the trace if it
    is read and ``core``'s has not been."""
    return _repeat(core, decision_id(item_id, facts_key, law.id, law.as_of), item_id, facts, law)


def _repeat(core: Decision, ident: str, item_id: str, facts: ItemFacts, law: Law) -> Decision:
    """:func:`repeat_decision` with its id (or ``LAZY_ID``: computed from ``facts``, which
    then carry ``item_id``, when read)."""
    shared = core.trace_read  # the trace, once read, is every repeat's
    later = None if shared and ident is not LAZY_ID else _Later((facts, law))
    return make_decision(
        ident,
        item_id,
        core.jurisdiction,
        core.classification,
        core.trace if shared else LAZY_TRACE,
        core.open_questions,
        core.rules_fired,
        core.as_of,
        core.law_id,
        core.ruleset,
        core.warnings,
        None if shared else later,
        None if ident is not LAZY_ID else later.ident,  # type: ignore[union-attr]
    )


class _Later(tuple[Any, ...]):
    """What a decision made in the fast mode computes when it is read: its trace (the same run
    in tracing mode) and its id (the facts' canonical JSON hashed with the item id, the law's
    id and the date).  The pair ``(facts, law)``: made as a tuple is, without a Python
    ``__init__``."""

    __slots__ = ()

    def __call__(self) -> tuple[TraceStep, ...]:
        return _trace_of(self[0], self[1])

    def ident(self) -> str:
        facts, law = self
        return decision_id(facts.item_id, _facts_key(facts), law.id, law.as_of)


def classify_uncached(facts: ItemFacts, law: Law, ruleset: RuleSet | None = None) -> Decision:
    """:func:`classify` without the memo: the order of review runs again on every call.

    Same result as :func:`classify` (a property test states it); use it where a test is about
    the engine — determinism, order independence — so that a second call cannot just return
    the first call's object.  It neither reads nor fills the memo.  Its trace is read lazily
    too.
    """
    return _decide(facts, _law(law, ruleset), False)


def classify_traced(facts: ItemFacts, law: Law, ruleset: RuleSet | None = None) -> Decision:
    """The slow reference: the order of review in tracing mode, the trace built as it goes,
    without the memo.  The same decision as :func:`classify` (tests compare the two, trace
    included); for output that prints every trace anyway (a JSON record per item) it saves
    running the order of review twice."""
    return _decide(facts, _law(law, ruleset), True)


def _decide(facts: ItemFacts, law: Law, tracing: bool) -> Decision:
    if not tracing and facts.cj_jurisdiction is None:
        return _plain(facts, _tables(law))
    return _review(_Run(facts, _tables(law), tracing, kept=not tracing))


def _review(run: _Run) -> Decision:
    if not run.tracing:
        return _fast_review(run)
    plan = run.tables.plan
    if run.kept and plan.plain:
        holds, warned = _claimed(run.facts, plan)
        if not holds:
            # No conflict holds (what _fast_checks reads from the plan): of the two checks
            # below, only the steps of the releases claimed for a kind they do not apply to
            # (with the warnings _claimed gives, the same) and the CJ fields are read.
            if warned:
                _note_inapplicable_releases(run, warned)
            if run.facts.cj_classification is not None:
                _check_cj(run)
            return _itar(run) or _ear(run)
    _check_conflicts(run)
    _note_inapplicable_releases(run)
    return _itar(run) or _ear(run)


def _fast_review(run: _Run) -> Decision:
    """:func:`_review` in the fast mode."""
    _fast_checks(run)
    if run.facts.cj_jurisdiction is None:  # what _itar gives without a CJ
        return _itar_review(run) or _ear(run)
    return _itar(run) or _ear(run)


def _fast_checks(run: _Run) -> None:
    """:func:`_check_conflicts` then :func:`_note_inapplicable_releases` in the fast mode: the
    same errors and warnings (tests compare the two), read from the plan of the rule set — for
    the item's kind, the answers the conflicts that can hold for it read and, for each regime
    whose releases do not apply to it, the answers that claim a release; which of those are
    yes decides whether a conflict holds (then the slow check raises, with its words) and which
    warnings the regimes give (kept by the kind and the yes answers: :class:`_KindChecks`)."""
    f = run.facts
    plan = run.tables.plan
    if not plan.plain:
        _general_checks(run, plan)
        return
    holds, warnings = _claimed(f, plan)
    if holds:
        _check_conflicts(run)  # raises, with the words of the slow path
    if warnings:
        run.warnings.extend(warnings)
    if f.cj_classification is not None:
        _check_cj(run)


def _claimed(f: ItemFacts, plan: _Plan) -> tuple[bool, tuple[str, ...]]:
    """What :func:`_fast_checks` reads of a plain plan: whether a conflict holds for the item
    and the warnings of the releases it claims that do not apply to its kind."""
    answers = f.answers
    if answers:
        kind = f.item_kind
        reading = plan.kinds.get(kind)
        if reading is None:
            reading = plan.kinds_for(kind)
        if reading.facts:
            # The facts answered yes, as the facts answered with a true value (any of those
            # not True, from facts built in code, is read one by one); each fact read once.
            said = tuple(filter(answers.get, reading.unique))
            if not said or all(map(is_, map(answers.get, said), repeat(True))):
                found = reading.said.get(said)
                if found is None:
                    return reading.said_yes(said)
                return found
            yes = tuple(map(is_, map(answers.get, reading.facts), repeat(True)))
            found = reading.found.get(yes)
            if found is None:
                return reading.find(yes)
            return found
    result: tuple[bool, tuple[str, ...]] = _NOTHING
    return result


def _plain(facts: ItemFacts, t: _Tables) -> Decision:
    """:func:`_fast_review` for an item without a CJ determination, its commonest routes read
    from what the law's tables hold, without the working state of a run: the USML candidates
    unknown, none, or one that describes the item's kind without "specially designed"
    (:func:`_one_usml`); then (none) whether the item is subject to the EAR (§ 734.3) and the
    ECCN candidates unknown, none, or one that describes the item's kind without "specially
    designed" (:func:`_eccn_one`).  The same decision, field for field: any other route (a
    conflict, a CJ classification, several candidates, "specially designed" to analyse, a
    CCATS, a plan that reads structured fields, a paragraph not met yet) is the run's, from
    the step where it leaves these routes (tests compare both with the tracing run)."""
    plan = t.plan
    if not plan.plain or facts.cj_classification is not None:
        return _fast_review(_Run(facts, t, False))
    holds, warned = _claimed(facts, plan)
    if holds:
        return _fast_review(_Run(facts, t, False))  # raises, with the words of the slow path
    usml = facts.usml_candidates
    if usml is None:  # 22 CFR 120.11(a): which paragraphs may describe it is not known
        return _lazy(facts, t, "undetermined", None, (t.question("usml_candidates"),), (), warned)
    kind = facts.item_kind
    if usml:
        if len(usml) == 1:  # described in it without "specially designed" (22 CFR 120.11(a)(1))
            ref = usml[0]
            one = t.one.get(id(ref))
            if one is not None and one[0] is ref:
                if kind in one[2]:
                    return _lazy(facts, t, "ITAR", one[3], (), _ENUMERATED, warned)
                if kind is not None and not t.moves and one[1].admits_kind(kind):
                    found = _one_analysed(facts, t, one[1], warned)
                    if found is not None:
                        return found
        else:  # several, each described without "specially designed" (22 CFR 120.11(b)(2))
            found = _several(facts, t, usml, kind, warned)
            if found is not None:
                return found
        run = _resumed(facts, t, warned, ())
        return _itar_review(run) or _ear(run)
    # No USML paragraph describes it (22 CFR 120.11(a)): is it subject to the EAR (_fast_ear)?
    fact = t.subject_fact
    if not (fact and t.subject_plain):
        return _ear(_resumed(facts, t, warned, _NOT_USML))
    excluded = facts.answers.get(fact)
    if excluded is None:
        return _lazy(facts, t, "undetermined", None, (t.question(fact),), _NOT_USML, warned)
    if excluded:
        fired = t.excluded_fired or _excluded_fired(t)
        return _lazy(facts, t, "not_subject", None, (), fired, warned)
    # Subject to the EAR (15 CFR 734.3(a)): the CCL's order of review (_ear_review).
    eccn = facts.eccn_candidates
    if eccn is None and facts.ccats_classification is None:
        question = (t.question("eccn_candidates"),)
        return _lazy(facts, t, "EAR", None, question, _SUBJECT, warned)
    if eccn is not None and not eccn and facts.ccats_classification is None:
        fired = t.ear99_fired or _ear99_fired(t)  # Step 6: no ECCN describes the item
        return _lazy(facts, t, "EAR", _EAR99, (), fired, warned)
    if eccn is not None and len(eccn) == 1 and facts.ccats_classification is None:
        eref = eccn[0]
        paragraph = t.eone.get(id(eref))
        if paragraph is None or paragraph[0] is not eref:
            paragraph = _eccn_one(facts, t, eref)
        if kind in paragraph[1]:
            warnings = (*warned, *paragraph[4]) if paragraph[4] else warned
            return _lazy(facts, t, "EAR", paragraph[3], (), paragraph[2], warnings)
        if kind in paragraph[5]:
            return _eccn_analysed(facts, t, paragraph, warned)
    return _ear_review(_resumed(facts, t, warned, _SUBJECT))


#: The rules fired on the routes of :func:`_plain`.
_ENUMERATED = ("22 CFR 120.11(a)(1)",)
_PREFERRED = ("22 CFR 120.11(a)(1)", "22 CFR 120.11(b)(2)")
_NOT_USML = ("22 CFR 120.11(a)",)
_SUBJECT = ("22 CFR 120.11(a)", "15 CFR 734.3(a)")


def _several(
    facts: ItemFacts, t: _Tables, usml: Any, kind: str | None, warned: tuple[str, ...]
) -> Decision | None:
    """:func:`_usml_several` read from the law's tables for several USML candidates in as
    many distinct paragraphs (:func:`_one_usml`; an item kind given, no reform moved a
    paragraph), reviewed in the regulation's order: a paragraph that describes the kind without
    "specially designed" describes the item (22 CFR 120.11(a)(1)); any other is described,
    open or not by the analysis without its trace (as :func:`_one_analysed` reads it, 120.41);
    then the first enumerated entry rather than a catch-all (120.11(b)(2)), an open paragraph
    of the group that decides (ITAR, which paragraph open), open questions (undetermined), or
    none described (120.11(a): the run goes on to the EAR from there).  None (the run
    decides) for any other candidates and a paragraph that enumerates parts the analysis
    releases (:func:`_enumerated_itself`).  The classification is the run's
    (:func:`_kept_usml_classification`)."""
    entries = _table_entries(t, usml, kind)
    if entries is None:
        return None
    found, plain_all = entries
    # In the regulation's order (each entry keeps its paragraph's place).
    found.sort(key=_IN_ORDER)
    if not plain_all:  # one does not describe the kind without "specially designed"
        return _several_analysed(facts, t, found, kind, warned)
    plain = [one[1] for one in found]
    if len(set(map(id, plain))) != len(plain):
        return None  # one paragraph named twice: the run's lists count it as the run does
    # Each described without "specially designed" (22 CFR 120.11(a)(1)): the first enumerated
    # entry of the regulation's order rather than a catch-all (120.11(b)(2)).
    for chosen in plain:
        if not chosen.is_catch_all:
            break
    else:  # catch-alls alone (none in the bundled editions): the run's
        return None
    made = _kept_usml_classification(chosen, plain)
    return _lazy(facts, t, "ITAR", made, (), _PREFERRED, warned)


def _table_entries(
    t: _Tables, usml: Any, kind: str | None
) -> tuple[list[Any], bool] | None:
    """The law's table entry (:attr:`_Tables.one`) of each USML candidate, and whether each
    describes ``kind`` without "specially designed"; None when one is not there (the run
    decides)."""
    table = t.one
    found = []
    plain = True
    for ref in usml:
        one = table.get(id(ref))
        if one is None or one[0] is not ref:
            return None
        if kind not in one[2]:
            plain = False
        found.append(one)
    return found, plain


def _several_analysed(
    facts: ItemFacts, t: _Tables, found: list[Any], kind: str | None, warned: tuple[str, ...]
) -> Decision | None:
    """:func:`_several` when a candidate does not describe the kind without "specially
    designed" (see there); ``found`` is each candidate's table entry (:func:`_table_entries`),
    in the regulation's order."""
    paragraphs = [(one[1], kind in one[2]) for one in found]
    if kind is None or t.moves or len({id(p) for p, _ in paragraphs}) != len(paragraphs):
        return None  # one paragraph named twice: the run's lists count it as the run does
    fired: list[str] = []
    asked: list[str] = []
    status: list[Status] = []
    analysis: tuple[str, tuple[str, ...], tuple[str, ...]] | None = None
    for p, plain in paragraphs:
        if plain:  # 22 CFR 120.11(a)(1)
            if "22 CFR 120.11(a)(1)" not in fired:
                fired.append("22 CFR 120.11(a)(1)")
            status.append("described")
            continue
        if not p.admits_kind(kind):
            return None  # the run raises, with its words
        if analysis is None:
            analysis = decide(t.rules.itar, facts)
        sd, missing, rules = analysis
        for rule in rules:
            if rule not in fired:
                fired.append(rule)
        if sd == "specially_designed":
            rule = "22 CFR 120.11(a)(2)" if p.is_catch_all else "22 CFR 120.11(b)(1)"
            if rule not in fired:
                fired.append(rule)
            status.append("described")
        elif sd == "not_specially_designed":
            if p.specially_designed_scope == "parts" and _enumerates_parts(p.text):
                return None
            status.append("not_described")
        else:
            for fact in missing:
                if fact not in asked:
                    asked.append(fact)
            status.append("unknown")
    questions = tuple(map(t.question, asked)) if asked else ()
    described = [
        p for (p, _), found in zip(paragraphs, status, strict=True) if found == "described"
    ]
    if not described:
        if "unknown" in status:
            return _lazy(facts, t, "undetermined", None, questions, tuple(fired), warned)
        if "22 CFR 120.11(a)" not in fired:
            fired.append("22 CFR 120.11(a)")
        return _ear(_resumed(facts, t, warned, tuple(fired)))
    for catch_all in (False, True):
        # The group's open paragraphs and the first described, in one pass.
        open_: list[str] = []
        chosen = None
        for (p, _), state in zip(paragraphs, status, strict=True):
            if bool(p.is_catch_all) is not catch_all:
                continue
            if state == "unknown":
                open_.append(p.designation)
            elif state == "described" and chosen is None:
                chosen = p
        if open_:
            warning = (
                "the item is described on the USML, but which paragraph classifies it "
                "depends on the open questions for " + ", ".join(open_)
            )
            return _lazy(facts, t, "ITAR", None, questions, tuple(fired), (*warned, warning))
        if chosen is None:
            continue
        made = _kept_usml_classification(chosen, described)
        if len(described) > 1 and not catch_all and "22 CFR 120.11(b)(2)" not in fired:
            fired.append("22 CFR 120.11(b)(2)")
        return _lazy(facts, t, "ITAR", made, questions, tuple(fired), warned)
    raise AssertionError("unreachable: a described paragraph is in one of the groups")


def _one_analysed(
    facts: ItemFacts, t: _Tables, p: USMLParagraph, warned: tuple[str, ...]
) -> Decision | None:
    """What :func:`_itar_review` gives for one USML candidate ``p`` that admits the item's
    kind (given) but describes it only if it is "specially designed" (22 CFR 120.11(b)(1),
    120.41; no reform moved a paragraph): the analysis without its trace
    (:func:`~exportctl.engine.specially_designed.decide`, as :func:`_usml_candidate` reads
    it), then described (22 CFR 120.11(a)(2) for a catch-all, else (b)(1): ITAR, classified
    in it), open (undetermined, its questions) or not described (22 CFR 120.11(a): the run
    goes on to the EAR from there).  None (the run decides) for a paragraph that enumerates
    parts the analysis releases (:func:`_enumerated_itself`).  The classification is the
    run's (:func:`_kept_usml_classification`)."""
    sd, missing, fired = decide(t.rules.itar, facts)
    if sd == "specially_designed":
        made = _kept_usml_classification(p, [])
        rule = "22 CFR 120.11(a)(2)" if p.is_catch_all else "22 CFR 120.11(b)(1)"
        described = tuple(dict.fromkeys((*fired, rule)))
        return _lazy(facts, t, "ITAR", made, (), described, warned)
    if sd == "not_specially_designed":
        if p.specially_designed_scope == "parts" and _enumerates_parts(p.text):
            return None
        run = _resumed(facts, t, warned, tuple(dict.fromkeys((*fired, "22 CFR 120.11(a)"))))
        return _ear(run)
    questions = tuple(map(t.question, dict.fromkeys(missing)))
    return _lazy(facts, t, "undetermined", None, questions, tuple(dict.fromkeys(fired)), warned)


def _excluded_fired(t: _Tables) -> tuple[str, ...]:
    """The rules fired for an item on no USML paragraph and excluded by § 734.3(b)."""
    found = t.excluded_fired = tuple(dict.fromkeys((*_NOT_USML, t.subject_id or "")))
    return found


def _ear99_fired(t: _Tables) -> tuple[str, ...]:
    """The rules fired for an item subject to the EAR without ECCN candidates (EAR99)."""
    step6 = (t.ear_steps or _ear_steps(t))[3]
    found = t.ear99_fired = tuple(dict.fromkeys((*_SUBJECT, step6)))
    return found


def _resumed(
    facts: ItemFacts, t: _Tables, warned: tuple[str, ...], fired: tuple[str, ...]
) -> _Run:
    """The run of :func:`_plain`'s item at the step where it leaves the routes read from the
    tables: the warnings and the rules fired so far."""
    run = _Run(facts, t, False)
    if warned:
        run.warnings.extend(warned)
    if fired:
        run.fired.extend(fired)
    return run


def _lazy(
    facts: ItemFacts,
    t: _Tables,
    outcome: Outcome,
    classification: Classification | None,
    questions: tuple[Question, ...],
    fired: tuple[str, ...],
    warned: tuple[str, ...] | list[str],
) -> Decision:
    """A decision of the fast mode: its trace and its id computed when read."""
    later = _Later((facts, t.law))
    # decision.FILLED: make_decision without its call (engine/decision.py), when it can be.
    made: Any = (make_decision if _FILLED is None else _FILLED)(
        LAZY_ID,
        facts.item_id,
        outcome,
        classification,
        LAZY_TRACE,
        questions,
        fired,
        t.as_of,
        t.law_id,
        t.rules_id,
        (*t.warnings, *warned) if warned else t.warnings,
        later,
        later.ident,
    )
    if _FILLED is not None:
        made.__class__ = Decision
    decision: Decision = made
    return decision


_ANY_KIND: frozenset[Any] = frozenset()
#: What :func:`_eccn_one` keeps of one ECCN candidate.
_EccnOne = tuple[Any, frozenset[Any], tuple[str, ...], Any, Any, frozenset[Any], str]


#: The tier of a 600-series or 9x515 paragraph by its first letter (any other: Step 3).
_MILITARY_TIERS = {"x": "4", "y": "y"}


def _eccn_one(facts: ItemFacts, t: _Tables, ref: Any) -> _EccnOne:
    """What one ECCN candidate gives in :func:`_plain` (what :func:`_one_eccn` gives with
    :func:`_eccn_candidate`), kept in the law's tables by the reference's identity: the
    reference, the item kinds (None for no kind) it describes without "specially designed",
    the rules then fired, the classification and the warning of an entry that lists no reason
    for control; then the item kinds it describes only if the item is "specially designed"
    (:func:`_eccn_analysed`) and the step of Supp. No. 4 to part 774 that reviews it.  Built
    from the paragraph found (:data:`_ECCNS`, looked up by :func:`_eccn` with ``facts`` the
    first time); for a reference that names no paragraph an item of the kind of ``facts`` may
    be described in, no kind (the run raises, with its words)."""
    found = _ECCNS.get(id(ref))
    if found is None or found[0] is not ref or found[1] is not t.law:
        if type(ref) is not ECCNRef:
            return _NO_ECCN_ONE
        try:
            _eccn(_Run(facts, t, False), ref, "eccn_candidates")
        except (FactError, ContradictoryFacts):
            return _NO_ECCN_ONE
        found = _ECCNS[id(ref)]
    entry, text = found[2], found[3]
    scope = "none" if ref.product_group == "E" else _text_scope(text)
    release_kinds = t.rules.ear.release_kinds
    kinds = frozenset(
        kind
        for kind in (None, *t.rules.item_kinds)
        if (kind is None or entry.admits_kind(kind))
        and (
            scope == "none"
            or (scope == "parts" and kind is not None and kind not in release_kinds)
        )
    )
    # Any other kind the entry admits is described only if "specially designed" (the
    # analysis of _eccn_candidate); no kind: the run's.
    analysed = frozenset(
        kind for kind in t.rules.item_kinds if kind not in kinds and entry.admits_kind(kind)
    )
    rule = _eccn_rule(entry, ref, *(t.ear_steps or _ear_steps(t)))
    fired = tuple(dict.fromkeys((*_SUBJECT, rule)))
    reasons = _reasons(entry, ref)
    warning = () if entry.reasons_for_control else (_no_reasons(entry, t.as_of),)
    classification = _make_ear_classification(entry, ref, (), reasons)
    one = (ref, kinds, fired, classification, warning, analysed, rule)
    if len(t.eone) >= 16384:
        t.eone.clear()
    t.eone[id(ref)] = one
    return one


#: What :func:`_eccn_one` gives for a reference the run decides.
_NO_ECCN_ONE: _EccnOne = (None, _ANY_KIND, (), None, (), _ANY_KIND, "")


def _eccn_analysed(
    facts: ItemFacts, t: _Tables, one: _EccnOne, warned: tuple[str, ...]
) -> Decision:
    """What :func:`_one_eccn` gives for one ECCN candidate (:func:`_eccn_one`) that describes
    the item's kind (given) only if it is "specially designed" (15 CFR part 774, Supp. No. 4,
    (a)(4)(i)-(ii); 15 CFR 772.1): the analysis without its trace
    (:func:`~exportctl.engine.specially_designed.decide`, as :func:`_eccn_candidate` reads
    it), then described (classified in it, by its step), not described (EAR99, Step 6: no
    other candidate) or open (its questions, the classification waits)."""
    sd, missing, rules = decide(t.rules.ear, facts)
    if sd == "specially_designed":
        fired = tuple(dict.fromkeys((*_SUBJECT, *rules, one[6])))
        warnings = (*warned, *one[4]) if one[4] else warned
        return _lazy(facts, t, "EAR", one[3], (), fired, warnings)
    if sd == "not_specially_designed":
        step6 = (t.ear_steps or _ear_steps(t))[3]
        fired = tuple(dict.fromkeys((*_SUBJECT, *rules, step6)))
        return _lazy(facts, t, "EAR", _EAR99, (), fired, warned)
    questions = tuple(map(t.question, dict.fromkeys(missing)))
    fired = tuple(dict.fromkeys((*_SUBJECT, *rules)))
    return _lazy(facts, t, "EAR", None, questions, fired, warned)


#: What :meth:`_KindChecks.find` gives when no conflict holds and no release is claimed.
_NOTHING: Any = (False, ())


class _KindChecks:
    """What :func:`_fast_checks` reads for one item kind of a plain plan: the answers the
    conflicts that can hold for the kind read, then (a kind given) the claimable answers of each
    regime whose releases do not apply to it, in one tuple; and by which of those are yes,
    whether a conflict holds and the warnings (the same as :meth:`_Plan.holds_for` and
    :meth:`_Plan.warned_for` give)."""

    __slots__ = ("claims", "conflict_facts", "facts", "found", "kind", "plan", "said", "unique")

    def __init__(self, plan: _Plan, kind: str | None) -> None:
        self.plan = plan
        self.kind = kind
        reads = plan.reads.get(kind)
        if reads is None:
            reads = plan.reads_for(kind)
        self.conflict_facts, claims = reads
        self.claims = claims if kind is not None else ()
        self.facts = self.conflict_facts + tuple(
            fact for _, claimable in self.claims for fact in claimable
        )
        #: The same facts, each once (in the order of their first place there).
        self.unique = tuple(dict.fromkeys(self.facts))
        self.found: dict[tuple[bool, ...], tuple[bool, tuple[str, ...]]] = {}
        #: The same, by the facts (of :attr:`unique`, in order) answered yes.
        self.said: dict[tuple[str, ...], tuple[bool, tuple[str, ...]]] = {}

    def said_yes(self, said: tuple[str, ...]) -> tuple[bool, tuple[str, ...]]:
        """What :meth:`find` gives when the facts ``said`` (of :attr:`unique`) are yes and no
        other."""
        yes = tuple([fact in said for fact in self.facts])
        found = self.found.get(yes)
        if found is None:
            found = self.find(yes)
        if len(self.said) >= 65536:
            self.said.clear()
        self.said[said] = found
        return found

    def find(self, yes: tuple[bool, ...]) -> tuple[bool, tuple[str, ...]]:
        plan, kind = self.plan, self.kind
        n = len(self.conflict_facts)
        holds = False
        if n:
            key = (kind, yes[:n])
            found = plan.holds.get(key)
            holds = plan.holds_for(key) if found is None else found
        warnings = []
        at = n
        for index, claimable in self.claims:
            part = yes[at : at + len(claimable)]
            at += len(claimable)
            if True in part:
                claim = (kind, index, part)
                warning = plan.warned.get(claim)
                warnings.append(plan.warned_for(claim) if warning is None else warning)
        result = (holds, tuple(warnings)) if holds or warnings else _NOTHING
        if len(self.found) >= 65536:
            self.found.clear()
        self.found[yes] = result
        return result


def _general_checks(run: _Run, plan: _Plan) -> None:
    """:func:`_fast_checks` for a rule set whose conflicts or claims read a structured field:
    the conflicts that can hold for the kind and the regimes whose releases do not apply to it,
    worked out once per kind."""
    f = run.facts
    kind = f.item_kind
    checks = plan.conflicts.get(kind)
    if checks is None:
        checks = plan.conflicts_for(kind)
    claims = plan.claims.get(kind)
    if claims is None:
        claims = plan.claims_for(kind)
    answer = f.answer
    for c in checks:
        if c.kinds:
            if any(map(is_, map(answer, c.any_true), repeat(True))):
                _check_conflicts(run)  # raises, with the words of the slow path
        elif all(map(is_, map(answer, c.all_true), repeat(True))):
            _check_conflicts(run)
    if claims and kind is not None:
        for regime, claimable in claims:
            claimed = [*compress(claimable, map(is_, map(answer, claimable), repeat(True)))]
            if claimed:
                run.warnings.append(_claim_warning(kind, claimed, regime))
    if f.cj_classification is not None:
        _check_cj(run)


def _trace_of(facts: ItemFacts, law: Law) -> tuple[TraceStep, ...]:
    """The trace of a decision made in the fast mode: the same run, in tracing mode (its
    decision id, which the decision read has, is not computed again)."""
    return _review(_Run(facts, _tables(law), True, _TRACE_ONLY)).trace


#: The facts key of a run made for its trace alone: its decision gets no id.
_TRACE_ONLY = "\x00trace only"


class _MemoStats:
    """Whether the memo pays: when it fills up with (almost) no repeat among its decisions,
    it rests for a while (facts are then decided without looking there: the same decisions,
    without the cost of keeping them), then tries again.  While it rests, one call in
    :data:`_PROBE` still goes through the memo (looked up and kept): a repeat among those ends
    the rest at once (a parts list of repeated patterns after a run of distinct facts).  Each
    rest that ends in another fill without a repeat doubles the next one (from 4 to 64 times
    the memo's size): a long stream of distinct facts pays for filling the memo less and less
    often; a fill with repeats starts again from the shortest rest."""

    __slots__ = ("hits", "pause", "rest")

    def __init__(self) -> None:
        self.hits = 0
        self.rest = 0
        #: The length of the next rest, in times the memo's size.
        self.pause = _FIRST_REST

    def full(self) -> None:
        if self.hits * 100 < _MEMO_SIZE:
            self.rest = self.pause * _MEMO_SIZE
            self.pause = min(2 * self.pause, _LONGEST_REST)
        else:
            self.pause = _FIRST_REST
        self.hits = 0

    def resting(self) -> bool:
        if self.rest:
            self.rest -= 1
            return self.rest % _PROBE != 0
        return False

    def hit(self) -> None:
        self.hits += 1
        self.rest = 0


#: While the memo rests, one call in this many is looked up there all the same.
_PROBE = 16
#: Decisions (with the canonical JSON of their facts, or "" until an id is asked for, and the
#: candidate lists they were made for) by :func:`_memo_key`.
_MEMO: dict[tuple[Any, ...], tuple[Decision, str, Any, Any]] = {}
_MEMO_SIZE = 8192
#: The first and the longest rest of the memo (:class:`_MemoStats`), in times its size.
_FIRST_REST = 4
_LONGEST_REST = 64
_MEMO_STATS = _MemoStats()
#: ``EXPORTCTL_NO_MEMO=1`` in the environment (read at import) turns the memo off for the whole
#: process: every call decides afresh (the ``nox -s mutants`` session sets it, so that a mutant
#: is never hidden behind a decision the memo kept from an earlier run).
_MEMO_ON = not os.environ.get("EXPORTCTL_NO_MEMO")

def _canonical_encoder() -> Any:
    """canonical_json (:mod:`exportctl.core.provenance`) with its encoder built once: the same
    text (sorted keys, no white space, no ASCII escapes, ``str`` for other values), without the
    check for circular references the plain values of a decision never need."""
    c_make_encoder = getattr(json.encoder, "c_make_encoder", None)
    if c_make_encoder is None:  # pragma: no cover - CPython has the C encoder
        encode = json.JSONEncoder(
            sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str
        ).encode
        return encode
    chunks = c_make_encoder(
        None, str, json.encoder.encode_basestring, None, ":", ",", True, False, True
    )
    return lambda value: "".join(chunks(value, 0))


_CANONICAL = _canonical_encoder()


def _facts_key(facts: ItemFacts) -> str:
    """Canonical JSON of the facts a decision depends on, besides the item id: the same text as
    ``canonical_json(facts.known())`` (a property test states it).

    Written from pieces kept between calls: each question id seen so far with the text of
    ``"id":true`` and ``"id":false``, each list of candidates as JSON; the pieces are sorted as
    texts, which sorts them by their keys (a key is learnt only when its characters all sort
    after the closing quote and need no escape, so a key that begins another sorts first as it
    does in ``sort_keys``).  Anything else (an answer that is not yes or no, a key that is no
    such text) is written by the generic encoder."""
    answers = facts.answers
    if answers:
        if countOf(map(type, answers.values()), bool) != len(answers):
            return _generic_facts_key(facts)  # 1, 0 or None are no yes/no (facts built in code)
        try:
            parts = list(map(_PIECES.__getitem__, answers.items()))
        except (KeyError, TypeError):
            # A question not seen before (learn it), or keys the pieces cannot write (a
            # structured field's name, a key with a character that sorts before the quote).
            if not _learn(answers):
                return _generic_facts_key(facts)
            parts = list(map(_PIECES.__getitem__, answers.items()))
        add = parts.append
    else:
        parts = []
        add = parts.append
    value: Any = facts.item_kind
    if value is not None:  # the piece of a kind's text kept (what _kind_piece writes)
        piece = _KIND_PIECES.get(value) if type(value) is str else None
        add(piece if piece is not None else _kind_piece(value))
    # A list of candidates' JSON found by the tuple's identity here (_refs_json, inlined).
    if (value := facts.usml_candidates) is not None:
        found = _REFS_JSON.get(id(value))
        add(
            '"usml_candidates":'
            + (found[1] if found is not None and found[0] is value else _refs_json(value))
        )
    if (value := facts.eccn_candidates) is not None:
        found = _REFS_JSON.get(id(value))
        add(
            '"eccn_candidates":'
            + (found[1] if found is not None and found[0] is value else _refs_json(value))
        )
    if (value := facts.cj_jurisdiction) is not None:
        add('"cj_jurisdiction":' + _value_json(value))
    if (value := facts.cj_classification) is not None:
        add('"cj_classification":' + _value_json(value))
    if (value := facts.cj_reference) is not None:
        add('"cj_reference":' + _value_json(value))
    if (value := facts.ccats_classification) is not None:
        add('"ccats_classification":' + _value_json(value))
    parts.sort()
    return "{" + ",".join(parts) + "}"


def _generic_facts_key(facts: ItemFacts) -> str:
    known: dict[str, Any] = {}
    if facts.item_kind is not None:
        known["item_kind"] = facts.item_kind
    if facts.usml_candidates is not None:
        known["usml_candidates"] = [str(v) for v in facts.usml_candidates]
    if facts.eccn_candidates is not None:
        known["eccn_candidates"] = [str(v) for v in facts.eccn_candidates]
    if facts.cj_jurisdiction is not None:
        known["cj_jurisdiction"] = facts.cj_jurisdiction
    if facts.cj_classification is not None:
        known["cj_classification"] = facts.cj_classification
    if facts.cj_reference is not None:
        known["cj_reference"] = facts.cj_reference
    if facts.ccats_classification is not None:
        known["ccats_classification"] = facts.ccats_classification
    if facts.answers:
        known.update(facts.answers)
    result: str = _CANONICAL(known)
    return result


#: The structured fields a facts key may hold, in the order their names sort.
_STRUCTURED = (
    "ccats_classification",
    "cj_classification",
    "cj_jurisdiction",
    "cj_reference",
    "eccn_candidates",
    "item_kind",
    "usml_candidates",
)
_STRUCTURED_NAMES = frozenset(_STRUCTURED)

#: The JSON of each question id answered so far with a yes and with a no answer, by the pair
#: (id, answer): ``("fastener_class", True)`` gives ``'"fastener_class":true'``.
_PIECES: dict[tuple[str, bool], str] = {}


def _learn(answers: Any) -> bool:
    """Add the keys of ``answers`` to :data:`_PIECES`; False when they cannot be written from
    it (a key that is no text, a structured field's name, a key with a character that sorts
    before the closing quote or is escaped, an answer that is not True or False)."""
    if not all(
        type(k) is str and _PLAIN_KEY.fullmatch(k) and k not in _STRUCTURED_NAMES
        and (v is True or v is False)
        for k, v in answers.items()
    ):
        return False
    if len(_PIECES) > 2048:  # facts built in code with many made-up keys: start again
        _PIECES.clear()
    for k in answers:
        text = _CANONICAL(k)
        _PIECES[(k, True)] = text + ":true"
        _PIECES[(k, False)] = text + ":false"
    return True


#: A key whose piece sorts as the key does: every character after the quote (U+0022) and no
#: backslash (the only characters from there on that the encoder escapes).
_PLAIN_KEY = re.compile(r"[^\x00-\x22\\]+")


def _kind_piece(value: Any) -> str:
    """The piece of an item kind (``"item_kind":`` and its JSON), kept for a kind's text (at
    most 256: the rule set's kinds, as facts built in code may give others)."""
    piece = '"item_kind":' + _value_json(value)
    if type(value) is str:
        if len(_KIND_PIECES) >= 256:
            _KIND_PIECES.clear()
        _KIND_PIECES[value] = piece
    return piece


#: The piece of each item kind met so far, by its text (:func:`_kind_piece`).
_KIND_PIECES: dict[str, str] = {}


def _value_json(value: Any) -> str:
    if type(value) is str:
        text: str = _STRING_JSON(value)
        return text
    result: str = _CANONICAL(value)
    return result


_STRING_JSON: Any = json.encoder.encode_basestring  # what the canonical encoder writes for text

#: The JSON list of a tuple of candidate references, by the tuple's identity (the parser gives
#: one tuple to every row that names the same candidates; the tuple is kept with its text, so an
#: id is never reused while it is here).
_REFS_JSON: dict[int, tuple[tuple[Any, ...], str]] = {}
#: The JSON text of one reference, by its identity (the parsers keep one object per text).
_REF_JSON: dict[int, tuple[Any, str, str]] = {}


def _ref_text(ref: Any) -> str:
    """The JSON text of one reference (``str(ref)`` quoted), kept by its identity."""
    one = _REF_JSON.get(id(ref))
    if one is None or one[0] is not ref:
        one = _ref_kept(ref)
    return one[1]


def _ref_str(ref: Any) -> str:
    """``str(ref)``, kept by the reference's identity (with its JSON text)."""
    one = _REF_JSON.get(id(ref))
    if one is None or one[0] is not ref:
        one = _ref_kept(ref)
    return one[2]


def _ref_kept(ref: Any) -> tuple[Any, str, str]:
    text = str(ref)
    one = (ref, _STRING_JSON(text), text)
    if len(_REF_JSON) >= 16384:
        _REF_JSON.clear()
    _REF_JSON[id(ref)] = one
    return one


def _refs_json(refs: tuple[Any, ...]) -> str:
    found = _REFS_JSON.get(id(refs))
    if found is not None and found[0] is refs:
        return found[1]
    text = "[" + ",".join(map(_ref_text, refs)) + "]"
    if type(refs) is tuple:
        if len(_REFS_JSON) >= 16384:
            _REFS_JSON.clear()
        _REFS_JSON[id(refs)] = (refs, text)
    return text


# --------------------------------------------------------------------------------------------
# Conflicts


def _check_conflicts(run: _Run) -> None:
    """Facts that cannot all be true (each conflict of the rule set quotes why), and CJ fields
    that cannot be read.  A CJ that disagrees with the user's own review is no conflict: the
    determination prevails (22 CFR 120.4), see :func:`_itar`."""
    f, rules = run.facts, run.rules
    plan = _plan(rules)
    # The conflicts read answers only (when none of their facts is a structured field): with no
    # answer, none holds.
    if f.answers or not plan.plain:
        answer = f.answers.get if plan.plain else f.answer
        # Kept: only the conflicts that can hold for the kind (worked out once per kind); the
        # reference reads every conflict, and tests compare the two.
        checks = plan.conflicts.get(f.item_kind) if run.kept else rules.conflicts
        if checks is None:
            checks = plan.conflicts_for(f.item_kind)
        for c in checks:
            if c.kinds:
                if f.item_kind is None or f.item_kind not in c.kinds:
                    continue
                true = {k: True for k in c.any_true if answer(k) is True}
                if true:
                    raise ContradictoryFacts(
                        c.id,
                        c.citation,
                        {"item_kind": f.item_kind, **true},
                        c.message.format(item_kind=f.item_kind),
                    )
            elif c.all_true and all(answer(k) is True for k in c.all_true):
                raise ContradictoryFacts(
                    c.id, c.citation, {k: True for k in c.all_true}, c.message
                )
    if f.cj_classification is not None:
        _check_cj(run)


def _check_cj(run: _Run) -> None:
    """The CJ fields can be read (part of :func:`_check_conflicts`)."""
    f, rules = run.facts, run.rules
    assert f.cj_classification is not None
    if f.cj_jurisdiction is None:
        raise FactError(
            "cj_jurisdiction", "is needed when cj_classification is given (ITAR or EAR)"
        )
    if f.cj_jurisdiction == "ITAR":
        try:
            parse_usml(f.cj_classification)
        except ReferenceSyntaxError as exc:
            # 22 CFR 120.12(a): the determination is "whether a particular article or service is
            # covered by the U.S. Munitions List in part 121": found covered, it is placed in
            # the USML, never in an ECCN.
            raise ContradictoryFacts(
                "cj-itar-not-usml",
                rules.itar.determination_id,
                {"cj_jurisdiction": "ITAR", "cj_classification": f.cj_classification},
                "a CJ that finds the item subject to the ITAR places it in a USML paragraph",
            ) from exc


def _note_inapplicable_releases(run: _Run, warned: tuple[str, ...] = ()) -> None:
    """A release claimed for a kind of item paragraph (b) does not apply to is no conflict
    (an end-item may well have been developed as a general purpose commodity; wire and solder
    may be materials), but it is never applied: say so in the trace and as a warning.
    ``warned``: those warnings, as :func:`_claimed` gives them (not written again)."""
    f = run.facts
    if f.item_kind is None:
        return
    plan = run.tables.plan if run.kept else _plan(run.rules)  # the same plan, kept with the law
    if not f.answers and plan.plain:
        return  # no answer claims a release
    answer = f.answers.get if plan.plain else f.answer
    # Kept: the regimes whose releases do not apply to the kind (worked out once per kind).
    claims = plan.claims.get(f.item_kind) if run.kept else plan.claimable
    if claims is None:
        claims = plan.claims_for(f.item_kind)
    for regime, claimable in claims:
        if f.item_kind in regime.release_kinds:
            continue
        claimed = [fact for fact in claimable if answer(fact) is True]
        if claimed:
            if run.tracing:
                run.shared(_claim_step, regime.release_id, f.item_kind, (*claimed,))
            if not warned:
                run.warnings.append(_claim_warning(f.item_kind, claimed, regime))
    if warned:
        run.warnings.extend(warned)


def _claim_step(release_id: str, kind: str, claimed: tuple[str, ...]) -> TraceStep:
    """A release claimed (the answers ``claimed`` yes) for a kind it does not apply to."""
    return make_step(
        release_id,
        "not applicable",
        {"item_kind": kind, **{k: True for k in claimed}},
        _claim_detail(kind),
    )


def _claim_detail(kind: str) -> str:
    return (
        "paragraph (b) releases only a part, component, accessory, attachment, or "
        f"software; not applied to an item of kind {kind}"
    )


def _claim_warning(kind: str, claimed: list[str], regime: RegimeRules) -> str:
    return f"{', '.join(claimed)} answered yes: {_claim_detail(kind)} [{regime.release_id}]"


class _Plan:
    """What the order of review reads of a rule set, worked out once per rule set (kept with
    the rule set itself, so an id is never reused): for each regime, the answers that claim a
    release of paragraph (b) and are no catch test (sorted), what
    :func:`_note_inapplicable_releases` reads; and whether every fact the conflicts and those
    claims read is an answer (no structured field), so that ``facts.answers.get`` reads it as
    ``facts.answer`` does."""

    __slots__ = (
        "claimable",
        "claims",
        "conflicts",
        "holds",
        "kinds",
        "plain",
        "reads",
        "rules",
        "warned",
    )

    def __init__(self, rules: RuleSet) -> None:
        self.rules = rules
        self.claimable = tuple(
            (
                regime,
                tuple(
                    sorted(
                        {
                            t.fact
                            for r in regime.releases
                            for t in r.tests
                            if t.fact in rules.answer_facts
                            and not any(
                                t.fact == c.fact for rule in regime.catch for c in rule.tests
                            )
                        }
                    )
                ),
            )
            for regime in (rules.itar, rules.ear)
        )
        read = {k for c in rules.conflicts for k in (*c.any_true, *c.all_true)}
        read.update(fact for _, facts in self.claimable for fact in facts)
        self.plain = not (read & {*FIELDS, "cj_jurisdiction"})
        #: By item kind: the conflicts that can hold for it, in the rule set's order (one of
        #: kinds that names the kind, or one of facts that all must be yes).
        self.conflicts: dict[str | None, tuple[Conflict, ...]] = {}
        #: By item kind: the regimes whose releases do not apply to it, with their claimable
        #: answers (what :func:`_note_inapplicable_releases` reads).
        self.claims: dict[str | None, tuple[tuple[RegimeRules, tuple[str, ...]], ...]] = {}
        #: By item kind (plain plans, :func:`_fast_checks`): the answers the conflicts that can
        #: hold for it read, and for each regime whose releases do not apply to it its index in
        #: :attr:`claimable` and its claimable answers.
        self.reads: dict[
            str | None, tuple[tuple[str, ...], tuple[tuple[int, tuple[str, ...]], ...]]
        ] = {}
        #: Whether a conflict holds, by the kind and which of its answers are yes.
        self.holds: dict[tuple[Any, ...], bool] = {}
        #: The warning of a regime's claimed releases, by the kind, the regime's index and which
        #: of its claimable answers are yes.
        self.warned: dict[tuple[Any, ...], str] = {}
        #: By item kind (plain plans, :func:`_fast_checks`): what is read, in one tuple.
        self.kinds: dict[str | None, _KindChecks] = {}

    def conflicts_for(self, kind: str | None) -> tuple[Conflict, ...]:
        found = self.conflicts[kind] = tuple(
            c
            for c in self.rules.conflicts
            if ((kind is not None and kind in c.kinds) if c.kinds else c.all_true)
        )
        return found

    def claims_for(self, kind: str | None) -> tuple[tuple[RegimeRules, tuple[str, ...]], ...]:
        found = self.claims[kind] = tuple(
            (regime, claimable)
            for regime, claimable in self.claimable
            if kind not in regime.release_kinds
        )
        return found


    def reads_for(
        self, kind: str | None
    ) -> tuple[tuple[str, ...], tuple[tuple[int, tuple[str, ...]], ...]]:
        checks = self.conflicts.get(kind)
        if checks is None:
            checks = self.conflicts_for(kind)
        facts = tuple(sorted({k for c in checks for k in (*c.any_true, *c.all_true)}))
        claims = tuple(
            (index, claimable)
            for index, (regime, claimable) in enumerate(self.claimable)
            if kind not in regime.release_kinds
        )
        found = self.reads[kind] = (facts, claims)
        return found

    def kinds_for(self, kind: str | None) -> _KindChecks:
        found = self.kinds[kind] = _KindChecks(self, kind)
        return found

    def holds_for(self, key: tuple[Any, ...]) -> bool:
        """Whether a conflict holds for ``key`` (the kind, and which answers of
        :meth:`reads_for` are yes): what :func:`_check_conflicts` reads."""
        kind, yes = key
        true = dict(zip(self.reads[kind][0], yes, strict=True))
        checks = self.conflicts[kind]
        holds = any(
            any(true[k] for k in c.any_true) if c.kinds else all(true[k] for k in c.all_true)
            for c in checks
        )
        if len(self.holds) >= 65536:
            self.holds.clear()
        self.holds[key] = holds
        return holds

    def warned_for(self, key: tuple[Any, ...]) -> str:
        """The warning of :func:`_note_inapplicable_releases` for ``key`` (the kind, the
        regime's index, which of its claimable answers are yes)."""
        kind, index, yes = key
        regime, claimable = self.claimable[index]
        warning = _claim_warning(kind, [*compress(claimable, yes)], regime)
        if len(self.warned) >= 65536:
            self.warned.clear()
        self.warned[key] = warning
        return warning


_PLANS: dict[int, _Plan] = {}


def _plan(rules: RuleSet) -> _Plan:
    found = _PLANS.get(id(rules))
    if found is None or found.rules is not rules:
        if len(_PLANS) >= 64:
            _PLANS.clear()
        found = _PLANS[id(rules)] = _Plan(rules)
    return found


# --------------------------------------------------------------------------------------------
# ITAR


def _usml_paragraph(run: _Run, ref: USMLRef | str, field: str) -> USMLParagraph:
    usml = run.regs.usml
    if run.kept:  # a paragraph found before, by the reference's identity
        found = _PARAGRAPHS.get(id(ref))
        if found is not None and found[0] is ref and found[1] is usml:
            return found[2]
    try:
        p = usml.get(ref)
    except (UnknownReference, ReferenceSyntaxError) as exc:
        raise FactError(field, str(exc)) from exc
    if p.reserved:
        raise FactError(field, f"USML {p.designation} is [Reserved]; it describes no item")
    if p.is_x_paragraph:
        raise FactError(
            field,
            f"USML {p.designation} covers items subject to the EAR licensed with defense articles; "
            f"it does not describe an item (name the ECCN instead)",
        )
    if run.kept and type(ref) is USMLRef:
        if len(_PARAGRAPHS) >= 16384:
            _PARAGRAPHS.clear()
        _PARAGRAPHS[id(ref)] = (ref, usml, p)
    return p


#: Paragraphs that describe items, by the identity of the reference that named them (kept
#: with the reference and the USML they were found in, so an id is never reused while here).
_PARAGRAPHS: dict[int, tuple[USMLRef, Any, USMLParagraph]] = {}


@lru_cache(maxsize=8192)
def _ref_order(ref: USMLRef) -> tuple[int, ...]:
    return ref.sort_key()


def _kept_order(p: USMLParagraph) -> tuple[int, ...]:
    """:func:`_paragraph_order`, kept by the paragraph's identity (with the paragraph)."""
    found = _ORDERS.get(id(p))
    if found is not None and found[0] is p:
        return found[1]
    order = _paragraph_order(p)
    if len(_ORDERS) >= 16384:
        _ORDERS.clear()
    _ORDERS[id(p)] = (p, order)
    return order


_ORDERS: dict[int, tuple[USMLParagraph, tuple[int, ...]]] = {}


def _paragraph_order(p: USMLParagraph) -> tuple[int, ...]:
    """The regulation's order of paragraphs (22 CFR 121.1 as printed)."""
    return _ref_order(p.ref)


def _usml_classification(
    run: _Run, p: USMLParagraph, others: list[USMLParagraph]
) -> Classification:
    """The classification in ``p`` (described also in ``others``); in fast mode kept for each
    paragraph object and the designations of the others (a Classification is a frozen value)."""
    if run.kept:
        return _kept_usml_classification(p, others)
    return _make_usml_classification(p, others)


def _kept_usml_classification(p: USMLParagraph, others: list[USMLParagraph]) -> Classification:
    """:func:`_make_usml_classification`, kept by the paragraph object and the designations of
    the others (all it reads) from the second time that key is met."""
    also = tuple([o.designation for o in others if o is not p])
    key = (id(p), also)
    found = _CLASSIFICATIONS.get(key)
    if found is not None and found[0] is p:
        return found[1]
    made = _usml_classification_in(p, also)
    if not _CLASSIFICATIONS_SEEN.again(key):
        return made
    if len(_CLASSIFICATIONS) >= 16384:
        _CLASSIFICATIONS.clear()
    _CLASSIFICATIONS[key] = (p, made)
    return made


_CLASSIFICATIONS: dict[tuple[int, tuple[str, ...]], tuple[USMLParagraph, Classification]] = {}
#: The other candidates are a row's: a classification is kept from the second time its key is
#: met (:mod:`exportctl.core.bounded`), so distinct rows do not fill the cache.
_CLASSIFICATIONS_SEEN = SecondSight(16384)


def _make_usml_classification(p: USMLParagraph, others: list[USMLParagraph]) -> Classification:
    return _usml_classification_in(p, tuple(o.designation for o in others if o is not p))


def _usml_classification_in(p: USMLParagraph, also: tuple[str, ...]) -> Classification:
    """The classification in ``p``, also described in the paragraphs ``also`` designates."""
    mt = None
    if p.mt is not None:
        mt = "yes" if p.mt.designated == "yes" else f"if: {p.mt.condition}"
    return Classification(
        regime="USML",
        reference=p.designation,
        citation=p.citation,
        significant_military_equipment=p.sme,
        mt=mt,
        also_described_in=also,
    )


def _set_aside(run: _Run, cj_rule: str) -> None:
    """Record, in the trace and as a warning, the facts a CJ determination prevails over.

    22 CFR 120.4(a): the commodity jurisdiction procedure decides "whether an article or
    service is covered by the U.S. Munitions List"; 120.12(a): DDTC "shall provide a
    determination of whether a particular article or service is covered by the U.S. Munitions
    List".  A user's own review that disagrees is not a contradiction of facts: the
    determination decides, and the review is set aside.  An item found to be on the USML that no
    paragraph enumerates is possible: Category XXI covers articles with "a critical military or
    intelligence advantage" (120.12(c)).
    """
    f = run.facts
    aside: dict[str, Any] = {}
    # Each reference's text (str) kept by its identity (_ref_str); the CJ's paragraph read once.
    if f.cj_jurisdiction == "ITAR":
        if f.usml_candidates == ():
            aside["usml_candidates"] = "none"
        elif f.usml_candidates and (
            f.cj_classification is None
            or _canonical_usml(f.cj_classification) not in map(_ref_str, f.usml_candidates)
        ):
            aside["usml_candidates"] = [*map(_ref_str, f.usml_candidates)]
        if f.eccn_candidates:
            aside["eccn_candidates"] = [*map(_ref_str, f.eccn_candidates)]
        if f.ccats_classification is not None:
            aside["ccats_classification"] = f.ccats_classification
    elif f.cj_jurisdiction == "EAR" and f.usml_candidates:
        aside["usml_candidates"] = [*map(_ref_str, f.usml_candidates)]
    if not aside:
        return
    named = ", ".join(aside)
    detail = (
        f"the CJ determination ({f.cj_jurisdiction}) prevails over {named}, which "
        + ("is" if len(aside) == 1 else "are")
        + " set aside"
        + (
            "; an item on the USML that no paragraph enumerates may be in Category XXI "
            "(22 CFR 120.12(c))"
            if aside.get("usml_candidates") == "none"
            else ""
        )
    )
    if run.tracing:
        run.step(
            cj_rule,
            "prevails",
            {"cj_jurisdiction": f.cj_jurisdiction, **aside},
            detail,
        )
    run.warnings.append(f"{detail} [{cj_rule}]")


def _canonical_usml(text: str) -> str:
    try:
        return str(parse_usml(text))
    except ReferenceSyntaxError:
        return text


def _itar(run: _Run) -> Decision | None:
    f = run.facts
    if f.cj_jurisdiction is not None:
        decided = _itar_cj(run)
        if decided is not _REVIEW:
            found: Decision | None = decided
            return found
    return _itar_review(run)


#: What :func:`_itar_cj` gives when no CJ decided (the USML is reviewed).
_REVIEW: Any = object()


def _itar_cj(run: _Run) -> Any:
    """A CJ determination (22 CFR 120.4): the decision (ITAR), None (EAR: the USML is not
    reviewed) or :data:`_REVIEW`."""
    f = run.facts
    cj_rule = run.rules.itar.determination_id
    _set_aside(run, cj_rule)
    if f.cj_jurisdiction == "ITAR":
        if f.cj_classification is None:
            if run.tracing:
                run.step(
                    cj_rule,
                    "ITAR",
                    {"cj_jurisdiction": "ITAR", "cj_reference": f.cj_reference},
                    "the CJ determination decides jurisdiction; it names no USML paragraph",
                )
            run.fire(cj_rule)
            return run.decision("ITAR", None)
        p = _usml_paragraph(run, f.cj_classification, "cj_classification")
        relocated_cj(run, p)
        if run.tracing:
            run.step(
                cj_rule,
                "ITAR",
                {
                    "cj_jurisdiction": "ITAR",
                    "cj_classification": p.designation,
                    "cj_reference": f.cj_reference,
                },
                "a commodity jurisdiction determination decides jurisdiction outright",
            )
        run.fire(cj_rule)
        return run.decision("ITAR", _usml_classification(run, p, []))
    if f.cj_jurisdiction == "EAR":
        if run.tracing:
            run.step(
                cj_rule,
                "EAR",
                {"cj_jurisdiction": "EAR", "cj_reference": f.cj_reference},
                "the CJ determination found the item subject to the EAR; the USML is not reviewed",
            )
        run.fire(cj_rule)
        if f.item_kind in run.rules.itar.release_kinds:
            cj_release = next(
                (
                    r
                    for r in run.rules.itar.releases
                    if any(t.fact == "cj_jurisdiction" for t in r.tests)
                ),
                None,
            )
            if cj_release is not None:
                if run.tracing:
                    run.step(
                        cj_release.id,
                        "releases",
                        {"cj_jurisdiction": "EAR", "item_kind": f.item_kind},
                        "subject to the EAR pursuant to a commodity jurisdiction determination: "
                        "not 'specially designed' for any USML paragraph",
                    )
                run.fire(cj_release.id)
        return None
    return _REVIEW


def _itar_review(run: _Run) -> Decision | None:
    """The USML candidates (22 CFR 120.11)."""
    f = run.facts
    if f.usml_candidates is None:
        if run.tracing:
            run.shared(_usml_unknown_step)
        run.ask("usml_candidates")
        return run.decision("undetermined", None)
    if not f.usml_candidates:
        if run.tracing:
            run.shared(_usml_none_step)
        run.fire("22 CFR 120.11(a)")
        return None

    if len(f.usml_candidates) == 1 and run.kept:
        # One candidate (fast mode, or a kept traced run): what the general steps below give
        # for it when no reform moved a paragraph off the USML, without their lists (the
        # reference takes the general steps, and tests compare the two).
        ref = f.usml_candidates[0]
        if run.tracing:  # the paragraph alone (its step is written by _usml_candidate)
            p = _usml_paragraph(run, ref, "usml_candidates")
        else:
            one = run.tables.one.get(id(ref))
            if one is None or one[0] is not ref:
                one = _one_usml(run, ref)
            p = one[1]
            if f.item_kind in one[2]:  # described without "specially designed"
                fired = run.fired
                if "22 CFR 120.11(a)(1)" not in fired:
                    fired.append("22 CFR 120.11(a)(1)")
                return run.decision("ITAR", one[3])
        found = _usml_candidate(run, p)
        if not run.tables.moves:
            if found == "described":
                return run.decision("ITAR", _usml_classification(run, p, [p]))
            if found == "unknown":
                return run.decision("undetermined", None)
            if run.tracing:
                run.shared(_usml_one_not_described_step, p.designation)
            run.fire("22 CFR 120.11(a)")
            return None
        paragraphs = [p]
        status = {p.designation: found}
    # Candidates in the regulation's own order: the outcome never depends on how they were listed.
    elif len(f.usml_candidates) == 1:
        paragraphs = [_usml_paragraph(run, f.usml_candidates[0], "usml_candidates")]
    elif not run.kept:
        paragraphs = sorted(
            {
                str(r): _usml_paragraph(run, r, "usml_candidates") for r in f.usml_candidates
            }.values(),
            key=_paragraph_order,
        )
    else:  # the same, with each reference's text and each paragraph's place kept
        paragraphs = sorted(
            {
                _ref_text(r): _usml_paragraph(run, r, "usml_candidates")
                for r in f.usml_candidates
            }.values(),
            key=_kept_order,
        )
        if not (run.tracing or run.tables.moves):
            return _usml_several(run, paragraphs)
    if len(f.usml_candidates) != 1 or not run.kept:
        status = {p.designation: _usml_candidate(run, p) for p in paragraphs}
    paragraphs, run.moved = split_relocated(run, paragraphs, status)
    described = [p for p in paragraphs if status[p.designation] == "described"]
    if not described:
        if any(status[p.designation] == "unknown" for p in paragraphs):
            return run.decision("undetermined", None)
        if run.tracing:
            run.step(
                "22 CFR 120.11(a)",
                "not described",
                {"usml_candidates": [p.designation for p in paragraphs]},
                _NONE_DESCRIBES + moved_note(run.moved),
            )
        run.fire("22 CFR 120.11(a)")
        return None
    # 120.11(b)(2): an enumerated entry rather than a "specially designed" catch-all.
    for group in (
        [p for p in paragraphs if not p.is_catch_all],
        [p for p in paragraphs if p.is_catch_all],
    ):
        if any(status[p.designation] == "unknown" for p in group):
            run.warnings.append(
                "the item is described on the USML, but which paragraph classifies it depends on "
                "the open questions for "
                + ", ".join(p.designation for p in group if status[p.designation] == "unknown")
            )
            return run.decision("ITAR", None)
        chosen = [p for p in group if status[p.designation] == "described"]
        if chosen:
            if len(described) > 1:
                if run.tracing:
                    run.step(
                        "22 CFR 120.11(b)(2)",
                        "enumerated entry preferred"
                        if not chosen[0].is_catch_all
                        else "classified",
                        {"described_in": [p.designation for p in described]},
                        f"classified in {chosen[0].designation}",
                    )
                if not chosen[0].is_catch_all:
                    run.fire("22 CFR 120.11(b)(2)")
            return run.decision("ITAR", _usml_classification(run, chosen[0], described))
    raise AssertionError("unreachable: a described paragraph is in one of the groups")


#: The detail of the step that finds no candidate USML paragraph describes the item.
_NONE_DESCRIBES = "none of the candidate USML paragraphs describes the item"


# The steps of the USML's review that read only their arguments (each cites its paragraph;
# a kept run shares them between decisions: _Run.shared).


def _usml_unknown_step() -> TraceStep:
    return make_step(
        "22 CFR 120.11(a)",
        "unknown",
        {"usml_candidates": None},
        "which USML paragraphs may describe the item is not known",
    )


def _usml_none_step() -> TraceStep:
    return make_step(
        "22 CFR 120.11(a)",
        "not described",
        {"usml_candidates": "none"},
        "no USML paragraph describes the item",
    )


def _usml_one_not_described_step(designation: str) -> TraceStep:
    """22 CFR 120.11(a): the one candidate (no paragraph moved) does not describe the item."""
    return make_step(
        "22 CFR 120.11(a)", "not described", {"usml_candidates": [designation]}, _NONE_DESCRIBES
    )


def _usml_parts_unknown_step(designation: str) -> TraceStep:
    return make_step(
        "22 CFR 120.11(b)(1)",
        "unknown",
        {"usml_candidate": designation, "item_kind": None},
        f"{designation} enumerates an item and reaches its parts by 'specially "
        f"designed': the kind of item decides which applies",
    )


def _usml_described_step(designation: str, kind: str | None) -> TraceStep:
    return make_step(
        "22 CFR 120.11(a)(1)",
        "described",
        {"usml_candidate": designation, "item_kind": kind},
        f"{designation} describes the item without 'specially designed'",
    )


def _usml_analysis_step(designation: str, parts: bool) -> TraceStep:
    return make_step(
        "22 CFR 120.11(b)(1)",
        "specially designed analysis",
        {"usml_candidate": designation},
        f"{designation} uses 'specially designed' as a control parameter"
        + (" for the parts it reaches" if parts else ""),
    )


def _usml_caught_step(rule: str, designation: str) -> TraceStep:
    return make_step(
        rule,
        "described",
        {"usml_candidate": designation},
        f"caught and not released: described in {designation}",
    )


def _usml_several(run: _Run, paragraphs: list[USMLParagraph]) -> Decision | None:
    """The general steps of :func:`_itar_review` for several candidates (fast mode) when no
    reform moved a paragraph off the USML (nothing is then split off): each candidate reviewed
    in the regulation's order, then the enumerated entry rather than a catch-all (22 CFR
    120.11(b)(2)), without the lists and dictionaries the general steps build; a paragraph
    that describes an item of the kind without "specially designed" (:func:`_one_usml`, kept
    by the paragraph's own reference) is described at once."""
    kind = run.facts.item_kind
    table = run.tables.one
    fired = run.fired
    status: dict[str, Status] = {}
    for p in paragraphs:
        ref = p.ref
        one = table.get(id(ref))
        if one is None or one[0] is not ref:
            one = _one_usml(run, ref)
        if one[1] is p and kind in one[2]:
            if "22 CFR 120.11(a)(1)" not in fired:
                fired.append("22 CFR 120.11(a)(1)")
            status[p.designation] = "described"
        else:
            status[p.designation] = _usml_candidate(run, p)
    described = [p for p in paragraphs if status[p.designation] == "described"]
    if not described:
        if "unknown" in status.values():
            return run.decision("undetermined", None)
        run.fire("22 CFR 120.11(a)")
        return None
    for catch_all in (False, True):
        chosen = None
        for p in paragraphs:
            if (not p.is_catch_all) is catch_all:  # in the other group
                continue
            found = status[p.designation]
            if found == "unknown":
                run.warnings.append(
                    "the item is described on the USML, but which paragraph classifies it "
                    "depends on the open questions for "
                    + ", ".join(
                        q.designation
                        for q in paragraphs
                        if (not q.is_catch_all) is not catch_all
                        and status[q.designation] == "unknown"
                    )
                )
                return run.decision("ITAR", None)
            if found == "described" and chosen is None:
                chosen = p
        if chosen is not None:
            if len(described) > 1 and not catch_all:
                run.fire("22 CFR 120.11(b)(2)")
            return run.decision("ITAR", _usml_classification(run, chosen, described))
    raise AssertionError("unreachable: a described paragraph is in one of the groups")


def _one_usml(run: _Run, ref: Any) -> _UsmlOne:
    """What one USML candidate gives (fast mode), kept in the law's tables by the reference's
    identity: the reference, its paragraph, the item kinds of the rule set it describes without
    "specially designed" (what :func:`_usml_candidate` then gives, firing 22 CFR 120.11(a)(1)
    and reading no answer; none when a reform moved a paragraph), the classification it
    then gives and the paragraph's place in the regulation's order (:func:`_kept_order`).
    A reference that names no paragraph an item may be described in raises as
    before, and is not kept."""
    p = _usml_paragraph(run, ref, "usml_candidates")
    scope = p.specially_designed_scope
    release_kinds = run.rules.itar.release_kinds
    kinds = frozenset(
        kind
        for kind in run.rules.item_kinds
        if not run.tables.moves
        and p.admits_kind(kind)
        and (
            scope == "none"
            or p.is_technical_data
            or kind == "technical_data"
            or (scope == "parts" and kind not in release_kinds)
        )
    )
    one = (ref, p, kinds, _usml_classification(run, p, [p]) if kinds else None, _kept_order(p))
    if type(ref) is USMLRef:
        table = run.tables.one
        if len(table) >= 16384:
            table.clear()
        table[id(ref)] = one
    return one


#: What :func:`_one_usml` keeps of one USML candidate.
_UsmlOne = tuple[Any, USMLParagraph, frozenset[Any], Any, tuple[int, ...]]
#: The place of a candidate's paragraph in the regulation's order, from what _one_usml keeps.
_IN_ORDER = itemgetter(4)


def _usml_candidate(run: _Run, p: USMLParagraph) -> Status:
    f = run.facts
    # Technical data sits only in a category's technical-data paragraph; software may sit there
    # too (22 CFR 120.40(g)); commodities never do.
    # Technical data is described in a category's technical data paragraph ("Technical data
    # (see § 120.33 …) and defense services … directly related to the defense articles …") or
    # where a paragraph names it (XIII(i) "Signature reduction software, and technical data as
    # follows"; XVII(a)); a technical data paragraph describes technical data, defense services
    # and software (120.33(a)(4)), never a commodity.
    if f.item_kind is not None and not p.admits_kind(f.item_kind):
        raise ContradictoryFacts(
            "kind-vs-paragraph",
            p.citation,
            {"item_kind": f.item_kind, "usml_candidates": p.designation},
            "technical data is described only in a category's technical data paragraph or a "
            "paragraph that names technical data, and a technical data paragraph describes only "
            "technical data, defense services and software",
        )
    scope = p.specially_designed_scope
    if scope == "parts" and f.item_kind is None:
        if run.tracing:
            run.shared(_usml_parts_unknown_step, p.designation)
        run.ask("item_kind")
        return "unknown"
    enumerated = (
        scope == "none"
        or p.is_technical_data
        or f.item_kind == "technical_data"
        or (scope == "parts" and f.item_kind not in run.rules.itar.release_kinds)
    )
    if enumerated:
        if run.tracing:
            run.shared(_usml_described_step, p.designation, f.item_kind)
        run.fire("22 CFR 120.11(a)(1)")
        return "described"
    if run.tracing:
        run.shared(_usml_analysis_step, p.designation, scope == "parts")
        result = analyse(run.rules.itar, f, p.designation)
        run.steps.extend(result.steps)
        sd, missing, fired = result.status, result.missing, result.fired
    else:
        sd, missing, fired = decide(run.rules.itar, f)
    for r in fired:
        run.fire(r)
    if sd == "specially_designed":
        rule = "22 CFR 120.11(a)(2)" if p.is_catch_all else "22 CFR 120.11(b)(1)"
        if run.tracing:
            run.shared(_usml_caught_step, rule, p.designation)
        run.fire(rule)
        return "described"
    if sd == "not_specially_designed":
        if scope == "parts" and _enumerates_parts(p.text):
            return _enumerated_itself(
                run, p.designation, "22 CFR 120.11(a)(1)", "itar_enumerated_article"
            )
        return "not_described"
    run.ask(*missing)
    return "unknown"


@lru_cache(maxsize=4096)
def _enumerates_parts(text: str) -> bool:
    """:func:`~exportctl.corpus.text.enumerates_parts`, kept for each paragraph's text."""
    return enumerates_parts(text)


def _enumerated_itself(run: _Run, designation: str, rule: str, fact: str) -> Status:
    """A paragraph that enumerates components and catches only their parts by "specially
    designed" (III(d)(11) "Safing, arming, and fuzing components … and specially designed parts
    therefor"): a release of 22 CFR 120.41(b) frees a part, never the enumerated component
    itself (fail closed: the release holds only once the item is known not to be it)."""
    answer = run.facts.answer(fact)
    if answer is True:
        if run.tracing:
            run.step(
                rule,
                "described",
                {"candidate": designation, fact: True},
                f"the item is the article {designation} enumerates; a release of a part does "
                "not reach it",
            )
        run.fire(rule)
        return "described"
    if answer is None:
        if run.tracing:
            run.step(
                rule,
                "unknown",
                {"candidate": designation, fact: None},
                f"released as a part of what {designation} enumerates, unless the item is that "
                "enumerated article itself",
            )
        run.ask(fact)
        return "unknown"
    return "not_described"


# --------------------------------------------------------------------------------------------
# EAR


def _eccn(run: _Run, ref: ECCNRef, field: str) -> tuple[ECCN, str]:
    """The ECCN entry and the control text of the paragraph: the heading, the lead-ins above
    the paragraph ("… as follows:") and its own text.

    In fast mode a paragraph found before under the same law is taken again by the reference's
    identity (only the kind of item is checked again); the reference looks every one up."""
    if run.kept:
        found = _ECCNS.get(id(ref))
        if found is not None and found[0] is ref and found[1] is run.regs:
            entry = found[2]
            kind = run.facts.item_kind
            if kind is not None and not entry.admits_kind(kind):
                _eccn_entry(run, ref, field)  # raises, with the words of the slow path
            return entry, found[3]
        entry, text = _eccn_entry(run, ref, field)
        if type(ref) is ECCNRef:
            if len(_ECCNS) >= 16384:
                _ECCNS.clear()
            _ECCNS[id(ref)] = (ref, run.regs, entry, text)
        return entry, text
    return _eccn_entry(run, ref, field)


#: ECCN paragraphs found before (fast mode), by the identity of the reference that named them:
#: the reference and the law (kept here, so an id is never reused while it is here), the entry
#: and the control text.
_ECCNS: dict[int, tuple[ECCNRef, Law, ECCN, str]] = {}


def _eccn_entry(run: _Run, ref: ECCNRef, field: str) -> tuple[ECCN, str]:
    """:func:`_eccn`, looked up."""
    try:
        entry = run.regs.ccl.get(ref)
    except UnknownReference as exc:
        raise FactError(field, str(exc)) from exc
    if entry.subject_to_itar_placeholder:
        raise FactError(
            field,
            f"ECCN {entry.eccn} is a placeholder: its items are subject to the ITAR "
            f"({entry.heading[:80]}…); review the USML instead",
        )
    kind = run.facts.item_kind
    if kind is not None and not entry.admits_kind(kind):
        raise ContradictoryFacts(
            "kind-vs-product-group",
            "15 CFR part 774, Supp. No. 4, (a)(2)",
            {"item_kind": kind, "eccn_candidates": str(ref)},
            "technology is classified only in product group E, and product group E holds only "
            "technology",
        )
    if not ref.path:
        return entry, entry.heading
    if not entry.items:
        raise FactError(
            field,
            f"ECCN {entry.eccn} has no designated item paragraphs in the bundled CCL; name the "
            f"ECCN alone ({entry.eccn})",
        )
    try:
        item = entry.item(ref)
    except UnknownReference as exc:
        raise FactError(field, str(exc)) from exc
    if item.reserved:
        raise FactError(field, f"{ref} is [Reserved]; it describes no item")
    return entry, _control_text(entry, ref)


@lru_cache(maxsize=65536)
def _control_text(entry: ECCN, ref: ECCNRef) -> str:
    texts = [entry.heading]
    for depth in range(1, len(ref.path) + 1):
        try:
            texts.append(entry.item(ECCNRef(ref.eccn, ref.path[:depth])).text or "")
        except UnknownReference:
            continue
    return "\n".join(texts)


@lru_cache(maxsize=65536)
def _text_scope(text: str) -> Literal["none", "parts", "item"]:
    """:func:`~exportctl.corpus.text.specially_designed_scope`, kept for every control text
    of the CCL (a screen of distinct items reads more texts than that function keeps).

    Most control texts never say "specially designed": those are "none" at once.  That
    function reads the text without its "(MT …)" annotations and quotation marks, and both its
    readings ("specially designed" as a control parameter, or in "… specially designed parts
    therefor") need the words "specially designed" there; a text with no "(MT" is its own text
    without annotations, so without the words in the text with its quotation marks removed, it
    reads "none" (a test compares the two on every control text of every bundled CCL)."""
    if "(MT" not in text:
        plain = _unquoted(text) if _HAS_QUOTE.search(text) else text
        if _sd().search(plain) is None:
            return "none"
    return specially_designed_scope(text)


#: Any of the quotation marks specially_designed_scope removes (``_QUOTES`` maps each to None).
_HAS_QUOTE = re.compile("[" + re.escape("".join(map(chr, _QUOTES))) + "]")
#: The same marks, each a text.
_QUOTE_MARKS = tuple(map(chr, _QUOTES))


def _unquoted(text: str) -> str:
    """``text.translate(_QUOTES)`` (every quotation mark removed): each mark removed by its own
    ``replace``, a scan of the text in C (``translate`` looks every character up in the table;
    removing one mark makes no other, so the order does not matter)."""
    for mark in _QUOTE_MARKS:
        if mark in text:
            text = text.replace(mark, "")
    return text


@lru_cache(maxsize=4096)
def _excluded_y(entry: ECCN, ref: ECCNRef) -> frozenset[str]:
    """The .y paragraphs a catch-all excludes ("not elsewhere specified … in 9A610.y",
    "in paragraph .y of this entry"), read from the .x paragraph and its sub-paragraphs."""
    texts = [i.text or "" for i in entry.items if i.ref.path[:1] == ref.path[:1]] or [entry.heading]
    found: set[str] = set()
    for text in texts:
        found.update(_Y_REF.findall(text))
        if _Y_THIS.search(text):
            found.add(entry.eccn)
    return frozenset(found)


def _ear_classification(
    run: _Run, entry: ECCN, ref: ECCNRef, others: list[ECCNRef]
) -> Classification:
    if not entry.reasons_for_control:
        # A data gap or a pointer entry (4A611: "... are controlled by ECCN 3A611."): never let
        # an empty list read as "controlled for no reason".
        run.warnings.append(_no_reasons(entry, run.regs.as_of))
    if not others or (len(others) == 1 and others[0] is ref):  # described in it alone
        also: tuple[str, ...] = ()
    else:
        also = tuple(str(o) for o in others if o != ref)
    if not run.kept:
        return _make_ear_classification(entry, ref, also, entry.reasons_for_control_for(ref))
    key = (id(entry), id(ref), also)
    found = _EAR_CLASSIFICATIONS.get(key)
    if found is not None and found[0] is entry and found[1] is ref:
        return found[2]
    made = _make_ear_classification(entry, ref, also, _reasons(entry, ref))
    if not _EAR_CLASSIFICATIONS_SEEN.again(key):
        return made
    if len(_EAR_CLASSIFICATIONS) >= 16384:
        _EAR_CLASSIFICATIONS.clear()
    _EAR_CLASSIFICATIONS[key] = (entry, ref, made)
    return made


#: The classification in an ECCN paragraph, by the identities of the entry and the reference
#: (both kept with it, so an id is never reused while it is here) and the other paragraphs.
_EAR_CLASSIFICATIONS: dict[tuple[int, int, tuple[str, ...]], tuple[ECCN, ECCNRef, Classification]]
_EAR_CLASSIFICATIONS = {}
_EAR_CLASSIFICATIONS_SEEN = SecondSight(16384)


def _no_reasons(entry: ECCN, as_of: Any) -> str:
    """The warning of a classification in an entry that lists no Reason for Control."""
    return (
        f"ECCN {entry.eccn} lists no Reason for Control in the CCL in force on "
        f"{as_of} (its heading: {entry.heading[:120]!r}); read the entry and the "
        f"ECCN it points to before relying on this classification [{entry.citation}]"
    )


def _make_ear_classification(
    entry: ECCN, ref: ECCNRef, also: tuple[str, ...], reasons: tuple[str, ...]
) -> Classification:
    return Classification(
        regime="CCL",
        reference=str(ref),
        citation=entry.citation,
        # The reasons of the License Requirements rows that apply to this paragraph (9A610.x:
        # "MT applies to 9A610.t, .u, .v, and .w" leaves MT out), not the whole ECCN's line.
        reasons_for_control=reasons,
        also_described_in=also,
    )


def _reasons(entry: ECCN, ref: ECCNRef) -> tuple[str, ...]:
    """``entry.reasons_for_control_for(ref)``, kept by the identities of the entry and the
    reference (both kept with it) whatever other paragraphs describe the item too."""
    found = _REASONS.get((id(entry), id(ref)))
    if found is not None and found[0] is entry and found[1] is ref:
        return found[2]
    reasons = entry.reasons_for_control_for(ref)
    if len(_REASONS) >= 16384:
        _REASONS.clear()
    _REASONS[(id(entry), id(ref))] = (entry, ref, reasons)
    return reasons


_REASONS: dict[tuple[int, int], tuple[ECCN, ECCNRef, tuple[str, ...]]] = {}


def _steps(ear: RegimeRules) -> tuple[str, str, str, str]:
    """Steps 3-6 of Supp. No. 4 to part 774 in the rule set's order of review (kept for each
    regime's rules)."""
    found = _STEPS.get(id(ear))
    if found is None or found[0] is not ear:
        step3, step4, step5, step6 = [
            rid for rid, _ in ear.order_of_review if "Supp. No. 4" in rid
        ]
        if len(_STEPS) >= 64:
            _STEPS.clear()
        found = _STEPS[id(ear)] = (ear, (step3, step4, step5, step6))
    return found[1]


_STEPS: dict[int, tuple[RegimeRules, tuple[str, str, str, str]]] = {}


def _ear99(run: _Run, rule: str, detail: str, facts: dict[str, Any]) -> Decision:
    if run.tracing:
        run.step(rule, "EAR99", facts, detail)
    run.fire(rule)
    return run.decision("EAR", _EAR99)


_EAR99 = Classification("EAR99", "EAR99", "15 CFR 734.3(c)")


def _determined(run: _Run, text: str, field: str, rule: str) -> Decision:
    """A CJ or CCATS that names the ECCN (or EAR99) decides the classification."""
    if text.upper() == "EAR99":
        return _ear99(run, rule, "the determination designates the item EAR99", {field: "EAR99"})
    try:
        ref = parse_eccn(text)
    except ReferenceSyntaxError as exc:
        raise FactError(field, f"{exc}; or EAR99") from exc
    entry, _ = _eccn(run, ref, field)
    if run.tracing:
        run.step(rule, "classified", {field: str(ref)}, "the determination names the ECCN")
    run.fire(rule)
    return run.decision("EAR", _ear_classification(run, entry, ref, []))


def _fast_ear(run: _Run) -> Decision:
    """:func:`_ear` in the fast mode for an item without a CJ and no paragraph moved off the
    USML: whether it is subject to the EAR (§ 734.3), read with what the law's tables hold,
    then the CCL's order of review (:func:`_ear_review`)."""
    f = run.facts
    t = run.tables
    fact = t.subject_fact
    if not fact:
        excluded = None
    elif t.subject_plain:  # an answer: what f.answer reads for it
        excluded = f.answers.get(fact)
    else:
        excluded = f.answer(fact)
    if excluded is None:
        run.ask(fact or "")
        return run.decision("undetermined", None)
    fired = run.fired
    if excluded:
        rule = t.subject_id or ""
        if rule not in fired:
            fired.append(rule)
        return run.decision("not_subject", None)
    if "15 CFR 734.3(a)" not in fired:
        fired.append("15 CFR 734.3(a)")
    return _ear_review(run)


def _ear(run: _Run) -> Decision:
    if not (run.tracing or run.moved) and run.facts.cj_jurisdiction is None:
        return _fast_ear(run)
    f, ear = run.facts, run.rules.ear
    if f.cj_jurisdiction == "EAR" and f.cj_classification is not None:
        return _determined(
            run, f.cj_classification, "cj_classification", run.rules.itar.determination_id
        )
    if f.cj_jurisdiction != "EAR":
        excluded = f.answer(ear.subject_fact) if ear.subject_fact else None
        if run.moved:
            excluded = subject_answer(
                run, run.moved, excluded, ear.subject_id or "15 CFR 734.3(b)"
            )
            if excluded == OPEN_BY_MOVE:  # the questions on the moved paragraph are asked
                return run.decision("undetermined", None)
        if excluded is None:
            if run.tracing:
                run.shared(_subject_unknown_step, ear.subject_id, ear.subject_fact)
            run.ask(ear.subject_fact or "")
            return run.decision("undetermined", None)
        if excluded:
            if run.tracing:
                run.shared(_not_subject_step, ear.subject_id, ear.subject_fact)
            run.fire(ear.subject_id or "")
            return run.decision("not_subject", None)
        if run.tracing:
            run.shared(_subject_step, ear.subject_fact)
        run.fire("15 CFR 734.3(a)")
    return _ear_review(run)


# The steps of the EAR's review that read only their arguments (each cites its paragraph; a
# kept run shares them between decisions: _Run.shared).


def _subject_unknown_step(subject_id: str | None, subject_fact: str | None) -> TraceStep:
    return make_step(
        subject_id or "15 CFR 734.3(b)",
        "unknown",
        {subject_fact or "": None},
        "whether the item is subject to the EAR at all is not known",
    )


def _not_subject_step(subject_id: str | None, subject_fact: str | None) -> TraceStep:
    return make_step(
        subject_id or "",
        "not subject to the EAR",
        {subject_fact or "": True},
        "neither on the USML nor subject to the EAR",
    )


def _subject_step(subject_fact: str | None) -> TraceStep:
    return make_step(
        "15 CFR 734.3(a)",
        "subject to the EAR",
        {subject_fact or "": False},
        "not described on the USML and not excluded by § 734.3(b)",
    )


def _eccn_unknown_step(step3: str) -> TraceStep:
    return make_step(
        step3,
        "unknown",
        {"eccn_candidates": None},
        "which ECCN paragraphs may describe the item is not known",
    )


#: What the tier of a described ECCN paragraph says of it (Supp. No. 4 to part 774).
_TIER_DETAILS = {
    "3": "a 600-series/9x515 paragraph other than a catch-all trumps other ECCNs",
    "4": "caught by the 600-series/9x515 catch-all and not released",
    "5": "described in an ECCN outside the 600 series and 9x515",
    "y": "described in a .y paragraph and not elsewhere on the CCL",
}


def _eccn_classified_step(rule: str, name: str, tier: str) -> TraceStep:
    return make_step(rule, "classified", {"eccn": name}, _TIER_DETAILS[tier])


#: The detail of each outcome of an ECCN candidate's review (:func:`_eccn_candidate`), the
#: candidate's text in place of ``{name}``.
_ECCN_DETAILS = {
    "unknown": "{name} reaches the parts of what it describes by 'specially designed': the "
    "kind of item decides which applies",
    "described": "{name} describes the item without 'specially designed'",
    "specially designed analysis": "{name} uses 'specially designed' (15 CFR part 774, Supp. "
    "No. 4, (a)(4)(i)-(ii))",
    "not described": "not 'specially designed' for {name}: not within its scope",
}


def _eccn_step(rule: str, outcome: str, name: str, *kind: str | None) -> TraceStep:
    """A step of an ECCN candidate's review; ``kind`` (the item's kind, None too) given for
    the outcomes whose facts read it."""
    facts = {"eccn_candidate": name, "item_kind": kind[0]} if kind else {"eccn_candidate": name}
    return make_step(rule, outcome, facts, _ECCN_DETAILS[outcome].format(name=name))


def _ear_steps(tables: _Tables) -> tuple[str, str, str, str]:
    found = tables.ear_steps = _steps(tables.rules.ear)
    return found


def _ear_review(run: _Run) -> Decision:
    """The CCL's order of review for an item subject to the EAR: a CCATS, then steps 3-6 of
    Supp. No. 4 to part 774."""
    f, ear = run.facts, run.rules.ear
    if f.ccats_classification is not None:
        return _determined(
            run, f.ccats_classification, "ccats_classification", ear.determination_id
        )
    # Steps 3-6 of Supp. No. 4 to part 774, in the rule set's order.
    step3, step4, step5, step6 = (
        run.tables.ear_steps or _ear_steps(run.tables)
        if run.kept
        else [rid for rid, _ in ear.order_of_review if "Supp. No. 4" in rid]
    )
    if f.eccn_candidates is None:
        if run.tracing:
            run.shared(_eccn_unknown_step, step3)
        run.ask("eccn_candidates")
        return run.decision("EAR", None)
    targets = moved_targets(run, run.moved) if run.moved else {}
    if not f.eccn_candidates and not targets:
        if run.tracing:  # EAR99 (Step 6): no ECCN describes the item
            run.shared(_no_eccn_step, step6)
        run.fire(step6)
        return run.decision("EAR", _EAR99)

    if len(f.eccn_candidates) == 1 and not targets:
        if not run.tracing:
            return _one_eccn(run, f.eccn_candidates[0], step3, step4, step5, step6)
        if run.kept:
            return _one_eccn_traced(run, f.eccn_candidates[0], step3, step4, step5, step6)

    tiers: dict[str, list[tuple[ECCNRef, ECCN, str]]] = {"3": [], "4": [], "5": [], "y": []}
    # Candidates in the CCL's own order: the outcome never depends on how they were listed.
    # (Fast mode: each reference's text kept; without targets every one is listed.)
    by_text = _ref_str if run.kept else str
    for ref in sorted(set(f.eccn_candidates) | set(targets), key=by_text):
        listed = not targets or ref in f.eccn_candidates
        entry, text = _eccn(run, ref, "eccn_candidates") if listed else (targets[ref][0], "")
        military = entry.is_600_series or entry.is_9x515
        head = ref.path[0] if ref.path else None
        tier = "5" if not military else _MILITARY_TIERS.get(head or "", "3")
        tiers[tier].append((ref, entry, text))

    results: dict[str, list[tuple[ECCNRef, ECCN, Status]]] = {k: [] for k in tiers}
    rule_for = {"3": step3, "4": step4, "5": step5, "y": step5}
    for tier, items in tiers.items():
        for ref, entry, text in items:
            if targets or run.tracing:
                review = partial(_eccn_candidate, run, ref, text, rule_for[tier])
                status = candidate_status(ref, targets, review, ref in f.eccn_candidates)
            else:  # what candidate_status gives for a candidate no move targets
                status = _eccn_candidate(run, ref, text, rule_for[tier])
            results[tier].append((ref, entry, status))

    described_y = {ref.eccn for ref, _, s in results["y"] if s == "described"}
    kept4 = []
    for ref, entry, status in results["4"]:
        excluded_by = sorted(_excluded_y(entry, ref) & described_y)
        if status == "described" and excluded_by:
            if run.tracing:
                run.step(
                    step4,
                    "set aside",
                    {"eccn_candidate": str(ref)},
                    f"{ref} excludes items specified in "
                    f"{', '.join(e + '.y' for e in excluded_by)}",
                )
            run.fire(step4)
            continue
        kept4.append((ref, entry, status))
    results["4"] = kept4

    for tier in ("3", "4", "5", "y"):
        if not results[tier] and not run.tracing:
            continue  # nothing described, nothing pending
        described = [(r, e) for r, e, s in results[tier] if s == "described"]
        pending = [r for r, _, s in results[tier] if s == "unknown"]
        if described and not pending:
            ref, entry = described[0]
            if run.tracing:
                run.shared(_eccn_classified_step, rule_for[tier], by_text(ref), tier)
            run.fire(rule_for[tier])
            return run.decision(
                "EAR", _ear_classification(run, entry, ref, [r for r, _ in described])
            )
        if described or pending:
            if run.tracing:
                run.step(
                    rule_for[tier],
                    "open",
                    {"pending": [str(r) for r in pending]},
                    _OPEN_DETAIL,
                )
            return run.decision("EAR", None)
    return _ear99(
        run,
        step6,
        _NONE_DESCRIBES_EAR,
        {"eccn_candidates": [str(r) for r in f.eccn_candidates]} if run.tracing else {},
    )


#: The details of the steps that leave the classification open, and that find no candidate
#: ECCN describes the item (Supp. No. 4 to part 774, steps 3-6).
_OPEN_DETAIL = "the classification waits for the open questions on these paragraphs"
_NONE_DESCRIBES_EAR = "every candidate ECCN was reviewed and none describes the item"


def _one_eccn_traced(
    run: _Run, ref: ECCNRef, step3: str, step4: str, step5: str, step6: str
) -> Decision:
    """One ECCN candidate, none a move targets, in a kept traced run: the steps and the
    decision the tiers of :func:`_ear_review` give for it, without their lists — its tier's
    step reviews it (:func:`_eccn_rule`);
    classified in it when described (a lone .x paragraph is never set aside: no .y paragraph
    is described with it), open when its review is, else EAR99 (Step 6).  The reference takes
    the tiers, and tests compare the two."""
    entry, text = _eccn(run, ref, "eccn_candidates")
    rule = _eccn_rule(entry, ref, step3, step4, step5, step6)
    if entry.is_600_series or entry.is_9x515:  # the tier's words in the classified step
        tier = _MILITARY_TIERS.get((ref.path[0] if ref.path else None) or "", "3")
    else:
        tier = "5"
    status = _eccn_candidate(run, ref, text, rule)
    if status == "described":
        run.shared(_eccn_classified_step, rule, _ref_str(ref), tier)
        run.fire(rule)
        return run.decision("EAR", _ear_classification(run, entry, ref, [ref]))
    if status == "unknown":
        run.shared(_eccn_open_step, rule, _ref_str(ref))
        return run.decision("EAR", None)
    return _ear99(run, step6, _NONE_DESCRIBES_EAR, {"eccn_candidates": [_ref_str(ref)]})


def _no_eccn_step(step6: str) -> TraceStep:
    """Step 6 of Supp. No. 4 to part 774 when no ECCN paragraph is a candidate."""
    return make_step(step6, "EAR99", {"eccn_candidates": "none"}, "no ECCN describes the item")


def _eccn_open_step(rule: str, name: str) -> TraceStep:
    """The one candidate's review is open (its tier's step)."""
    return make_step(rule, "open", {"pending": [name]}, _OPEN_DETAIL)


def _one_eccn(
    run: _Run, ref: ECCNRef, step3: str, step4: str, step5: str, step6: str
) -> Decision:
    """One ECCN candidate, none a move targets (fast mode): what the tiers of :func:`_ear` give
    for it — classified in it when described (a lone .x paragraph is never set aside: no .y
    paragraph is described with it), open when its review is, else EAR99 (Step 6)."""
    entry, text = _eccn(run, ref, "eccn_candidates")
    rule = _eccn_rule(entry, ref, step3, step4, step5, step6)
    status = _eccn_candidate(run, ref, text, rule)
    if status == "described":
        run.fire(rule)
        return run.decision("EAR", _ear_classification(run, entry, ref, [ref]))
    if status == "unknown":
        return run.decision("EAR", None)
    return _ear99(run, step6, "every candidate ECCN was reviewed and none describes the item", {})


def _eccn_rule(
    entry: ECCN, ref: ECCNRef, step3: str, step4: str, step5: str, step6: str
) -> str:
    """The step of Supp. No. 4 to part 774 that reviews a lone candidate: a 600-series or
    9x515 paragraph other than a catch-all (Step 3), its .x catch-all (Step 4), its .y
    paragraph or any other ECCN (Step 5)."""
    if entry.is_600_series or entry.is_9x515:
        head = ref.path[0] if ref.path else None
        return step4 if head == "x" else step5 if head == "y" else step3
    return step5


def _eccn_candidate(run: _Run, ref: ECCNRef, text: str, rule: str) -> Status:
    # In a technology (E) paragraph, "specially designed" qualifies the commodities the
    # technology is for, not the technology: the paragraph is read as enumerated.
    scope = "none" if ref.product_group == "E" else _text_scope(text)
    kind = run.facts.item_kind
    # The reference's text in the trace (kept by its identity in a kept run).
    name = (_ref_str(ref) if run.kept else str(ref)) if run.tracing else ""
    if scope == "parts" and kind is None:
        if run.tracing:
            run.shared(_eccn_step, rule, "unknown", name, None)
        run.ask("item_kind")
        return "unknown"
    if scope == "none" or (scope == "parts" and kind not in run.rules.ear.release_kinds):
        if run.tracing:
            run.shared(_eccn_step, rule, "described", name, kind)
        return "described"
    if run.tracing:
        run.shared(_eccn_step, rule, "specially designed analysis", name)
        result = analyse(run.rules.ear, run.facts, name)
        run.steps.extend(result.steps)
        sd, missing, fired = result.status, result.missing, result.fired
    else:
        sd, missing, fired = decide(run.rules.ear, run.facts)
    for r in fired:
        run.fire(r)
    if sd == "specially_designed":
        return "described"
    if sd == "not_specially_designed":
        if run.tracing:
            run.shared(_eccn_step, rule, "not described", name)
        return "not_described"
    run.ask(*missing)
    return "unknown"
