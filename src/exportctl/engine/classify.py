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

import os
import re
from functools import lru_cache, partial
from typing import Any, Literal

import attrs

from exportctl.core.provenance import canonical_json, decision_id
from exportctl.corpus.ccl import ECCN
from exportctl.corpus.law import Law
from exportctl.corpus.references import (
    ECCNRef,
    ReferenceSyntaxError,
    USMLRef,
    parse_eccn,
    parse_usml,
)
from exportctl.corpus.rulesets import RuleSet
from exportctl.corpus.text import specially_designed_scope
from exportctl.corpus.usml import UnknownReference, USMLParagraph
from exportctl.engine.decision import Classification, Decision, Outcome, TraceStep
from exportctl.engine.relocation import (
    Moved,
    candidate_status,
    moved_note,
    moved_targets,
    relocated_cj,
    split_relocated,
    subject_answer,
)
from exportctl.engine.specially_designed import analyse
from exportctl.inputs.items import ContradictoryFacts, FactError, ItemFacts

__all__ = ["classify", "classify_uncached"]

_Y_REF = re.compile(r"\b(\d[A-E]\d{3})\.y\b")
_Y_THIS = re.compile(r"paragraph \.y of this (?:entry|ECCN)", re.IGNORECASE)
Status = Literal["described", "not_described", "unknown"]


@attrs.define
class _Run:
    """The mutable working state of one classification (never leaves this module)."""

    facts: ItemFacts
    regs: Law
    rules: RuleSet
    steps: list[TraceStep] = attrs.Factory(list)
    fired: list[str] = attrs.Factory(list)
    questions: list[str] = attrs.Factory(list)
    warnings: list[str] = attrs.Factory(list)
    #: Candidate USML paragraphs a reform moved to the CCL (engine/relocation.py).
    moved: list[Moved] = attrs.Factory(list)

    def step(
        self,
        rule: str,
        outcome: str,
        facts: dict[str, Any] | None = None,
        detail: str = "",
        fired: bool = False,
    ) -> None:
        self.steps.append(TraceStep(rule, outcome, facts or {}, detail))
        if fired and rule not in self.fired:
            self.fired.append(rule)

    def ask(self, *fact_ids: str) -> None:
        for fid in fact_ids:
            if fid not in self.questions:
                self.questions.append(fid)

    def decision(self, outcome: Outcome, classification: Classification | None) -> Decision:
        return Decision(
            decision_id=_decision_id(self.facts, self.regs),
            item_id=self.facts.item_id,
            jurisdiction=outcome,
            classification=classification,
            trace=tuple(self.steps),
            open_questions=tuple(self.rules.question(q) for q in self.questions),
            rules_fired=tuple(self.fired),
            as_of=self.regs.as_of,
            law_id=self.regs.id,
            ruleset=self.rules.id,
            warnings=(*self.regs.warnings, *self.warnings),
        )


def _law(law: Law, ruleset: RuleSet | None) -> Law:
    return law if ruleset is None else law.with_ruleset(ruleset)


def classify(facts: ItemFacts, law: Law, ruleset: RuleSet | None = None) -> Decision:
    """Decide jurisdiction and classification for one item under ``law``; the trace says why.

    ``ruleset`` (optional) decides under another classification rule set: the same as
    ``classify(facts, law.with_ruleset(ruleset))``, and the decision names that law's id.

    The decision is a pure function of the facts and the law (and its date), so decisions of
    items with the same facts (a parts list repeats many) are computed once and reused: only the
    item id and the decision id differ.  :func:`classify_uncached` decides without that memo
    (for tests about the engine itself: the same facts twice must be decided twice);
    ``EXPORTCTL_NO_MEMO=1`` in the environment turns it off for a whole process.
    """
    regs = _law(law, ruleset)
    if not _MEMO_ON:
        return _decide(facts, regs)
    key = (
        facts.item_kind,
        facts.usml_candidates,
        facts.eccn_candidates,
        facts.cj_jurisdiction,
        facts.cj_classification,
        facts.cj_reference,
        facts.ccats_classification,
        frozenset(facts.answers.items()),
        regs.as_of,
        regs.id,
    )
    memo = _MEMO.get(key)
    if memo is None:
        memo = (_decide(facts, regs), _facts_key(facts))
        if len(_MEMO) >= _MEMO_SIZE:
            _MEMO.clear()
        _MEMO[key] = memo
    core, facts_key = memo
    if core.item_id == facts.item_id:
        return core
    return attrs.evolve(
        core,
        item_id=facts.item_id,
        decision_id=decision_id(facts.item_id, facts_key, regs.id, regs.as_of),
    )


def classify_uncached(facts: ItemFacts, law: Law, ruleset: RuleSet | None = None) -> Decision:
    """:func:`classify` without the memo: the order of review runs again on every call.

    Same result as :func:`classify` (a property test states it); use it where a test is about
    the engine — determinism, order independence — so that a second call cannot just return
    the first call's object.  It neither reads nor fills the memo.
    """
    return _decide(facts, _law(law, ruleset))


def _decide(facts: ItemFacts, law: Law) -> Decision:
    run = _Run(facts, law, law.ruleset)
    _check_conflicts(run)
    _note_inapplicable_releases(run)
    return _itar(run) or _ear(run)


_MEMO: dict[tuple[Any, ...], tuple[Decision, str]] = {}
_MEMO_SIZE = 8192
#: ``EXPORTCTL_NO_MEMO=1`` in the environment (read at import) turns the memo off for the whole
#: process: every call decides afresh (the ``nox -s mutants`` session sets it, so that a mutant
#: is never hidden behind a decision the memo kept from an earlier run).
_MEMO_ON = not os.environ.get("EXPORTCTL_NO_MEMO")


def _facts_key(facts: ItemFacts) -> str:
    """Canonical JSON of the facts a decision depends on, besides the item id."""
    return canonical_json(facts.known())


def _decision_id(facts: ItemFacts, law: Law) -> str:
    """Same facts, law and date: same id (a hash, stable across processes); another law (a
    reform, another edition) or another date: another id."""
    return decision_id(facts.item_id, _facts_key(facts), law.id, law.as_of)


# --------------------------------------------------------------------------------------------
# Conflicts


def _check_conflicts(run: _Run) -> None:
    """Facts that cannot all be true (each conflict of the rule set quotes why), and CJ fields
    that cannot be read.  A CJ that disagrees with the user's own review is no conflict: the
    determination prevails (22 CFR 120.4), see :func:`_itar`."""
    f, rules = run.facts, run.rules
    for c in rules.conflicts:
        if c.kinds:
            if f.item_kind is None or f.item_kind not in c.kinds:
                continue
            true = {k: True for k in c.any_true if f.answer(k) is True}
            if true:
                raise ContradictoryFacts(
                    c.id,
                    c.citation,
                    {"item_kind": f.item_kind, **true},
                    c.message.format(item_kind=f.item_kind),
                )
        elif c.all_true and all(f.answer(k) is True for k in c.all_true):
            raise ContradictoryFacts(c.id, c.citation, {k: True for k in c.all_true}, c.message)
    cj = rules.itar.determination_id
    if f.cj_classification is not None and f.cj_jurisdiction is None:
        raise FactError(
            "cj_jurisdiction", "is needed when cj_classification is given (ITAR or EAR)"
        )
    if f.cj_jurisdiction == "ITAR" and f.cj_classification is not None:
        try:
            parse_usml(f.cj_classification)
        except ReferenceSyntaxError as exc:
            # 22 CFR 120.12(a): the determination is "whether a particular article or service is
            # covered by the U.S. Munitions List in part 121": found covered, it is placed in
            # the USML, never in an ECCN.
            raise ContradictoryFacts(
                "cj-itar-not-usml",
                cj,
                {"cj_jurisdiction": "ITAR", "cj_classification": f.cj_classification},
                "a CJ that finds the item subject to the ITAR places it in a USML paragraph",
            ) from exc


def _note_inapplicable_releases(run: _Run) -> None:
    """A release claimed for a kind of item paragraph (b) does not apply to is no conflict
    (an end-item may well have been developed as a general purpose commodity; wire and solder
    may be materials), but it is never applied: say so in the trace and as a warning."""
    f = run.facts
    if f.item_kind is None:
        return
    for regime in (run.rules.itar, run.rules.ear):
        if f.item_kind in regime.release_kinds:
            continue
        claimed = sorted(
            {
                t.fact
                for r in regime.releases
                for t in r.tests
                if t.fact in run.rules.answer_facts
                and not any(t.fact == c.fact for rule in regime.catch for c in rule.tests)
                and f.answer(t.fact) is True
            }
        )
        if claimed:
            detail = (
                "paragraph (b) releases only a part, component, accessory, attachment, or "
                f"software; not applied to an item of kind {f.item_kind}"
            )
            run.step(
                regime.release_id,
                "not applicable",
                {"item_kind": f.item_kind, **{k: True for k in claimed}},
                detail,
            )
            run.warnings.append(
                f"{', '.join(claimed)} answered yes: {detail} [{regime.release_id}]"
            )


# --------------------------------------------------------------------------------------------
# ITAR


def _usml_paragraph(run: _Run, ref: USMLRef | str, field: str) -> USMLParagraph:
    try:
        p = run.regs.usml.get(ref)
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
    return p


def _usml_classification(p: USMLParagraph, others: list[USMLParagraph]) -> Classification:
    mt = None
    if p.mt is not None:
        mt = "yes" if p.mt.designated == "yes" else f"if: {p.mt.condition}"
    return Classification(
        regime="USML",
        reference=p.designation,
        citation=p.citation,
        significant_military_equipment=p.sme,
        mt=mt,
        also_described_in=tuple(o.designation for o in others if o is not p),
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
    if f.cj_jurisdiction == "ITAR":
        if f.usml_candidates == ():
            aside["usml_candidates"] = "none"
        elif f.usml_candidates and (
            f.cj_classification is None
            or all(str(r) != _canonical_usml(f.cj_classification) for r in f.usml_candidates)
        ):
            aside["usml_candidates"] = [str(r) for r in f.usml_candidates]
        if f.eccn_candidates:
            aside["eccn_candidates"] = [str(r) for r in f.eccn_candidates]
        if f.ccats_classification is not None:
            aside["ccats_classification"] = f.ccats_classification
    elif f.cj_jurisdiction == "EAR" and f.usml_candidates:
        aside["usml_candidates"] = [str(r) for r in f.usml_candidates]
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
    cj_rule = run.rules.itar.determination_id
    if f.cj_jurisdiction is not None:
        _set_aside(run, cj_rule)
    if f.cj_jurisdiction == "ITAR":
        if f.cj_classification is None:
            run.step(
                cj_rule,
                "ITAR",
                {"cj_jurisdiction": "ITAR", "cj_reference": f.cj_reference},
                "the CJ determination decides jurisdiction; it names no USML paragraph",
                fired=True,
            )
            return run.decision("ITAR", None)
        p = _usml_paragraph(run, f.cj_classification, "cj_classification")
        relocated_cj(run, p)
        run.step(
            cj_rule,
            "ITAR",
            {
                "cj_jurisdiction": "ITAR",
                "cj_classification": p.designation,
                "cj_reference": f.cj_reference,
            },
            "a commodity jurisdiction determination decides jurisdiction outright",
            fired=True,
        )
        return run.decision("ITAR", _usml_classification(p, []))
    if f.cj_jurisdiction == "EAR":
        run.step(
            cj_rule,
            "EAR",
            {"cj_jurisdiction": "EAR", "cj_reference": f.cj_reference},
            "the CJ determination found the item subject to the EAR; the USML is not reviewed",
            fired=True,
        )
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
                run.step(
                    cj_release.id,
                    "releases",
                    {"cj_jurisdiction": "EAR", "item_kind": f.item_kind},
                    "subject to the EAR pursuant to a commodity jurisdiction determination: not "
                    "'specially designed' for any USML paragraph",
                    fired=True,
                )
        return None

    if f.usml_candidates is None:
        run.step(
            "22 CFR 120.11(a)",
            "unknown",
            {"usml_candidates": None},
            "which USML paragraphs may describe the item is not known",
        )
        run.ask("usml_candidates")
        return run.decision("undetermined", None)
    if not f.usml_candidates:
        run.step(
            "22 CFR 120.11(a)",
            "not described",
            {"usml_candidates": "none"},
            "no USML paragraph describes the item",
            fired=True,
        )
        return None

    # Candidates in the regulation's own order: the outcome never depends on how they were listed.
    paragraphs = sorted(
        {str(r): _usml_paragraph(run, r, "usml_candidates") for r in f.usml_candidates}.values(),
        key=lambda p: p.ref.sort_key(),
    )
    status = {p.designation: _usml_candidate(run, p) for p in paragraphs}
    paragraphs, run.moved = split_relocated(run, paragraphs, status)
    described = [p for p in paragraphs if status[p.designation] == "described"]
    if not described:
        if any(status[p.designation] == "unknown" for p in paragraphs):
            return run.decision("undetermined", None)
        run.step(
            "22 CFR 120.11(a)",
            "not described",
            {"usml_candidates": [p.designation for p in paragraphs]},
            "none of the candidate USML paragraphs describes the item" + moved_note(run.moved),
            fired=True,
        )
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
                run.step(
                    "22 CFR 120.11(b)(2)",
                    "enumerated entry preferred" if not chosen[0].is_catch_all else "classified",
                    {"described_in": [p.designation for p in described]},
                    f"classified in {chosen[0].designation}",
                    fired=not chosen[0].is_catch_all,
                )
            return run.decision("ITAR", _usml_classification(chosen[0], described))
    raise AssertionError("unreachable: a described paragraph is in one of the groups")


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
        run.step(
            "22 CFR 120.11(b)(1)",
            "unknown",
            {"usml_candidate": p.designation, "item_kind": None},
            f"{p.designation} enumerates an item and reaches its parts by 'specially designed': "
            f"the kind of item decides which applies",
        )
        run.ask("item_kind")
        return "unknown"
    enumerated = (
        scope == "none"
        or p.is_technical_data
        or f.item_kind == "technical_data"
        or (scope == "parts" and f.item_kind not in run.rules.itar.release_kinds)
    )
    if enumerated:
        run.step(
            "22 CFR 120.11(a)(1)",
            "described",
            {"usml_candidate": p.designation, "item_kind": f.item_kind},
            f"{p.designation} describes the item without 'specially designed'",
            fired=True,
        )
        return "described"
    run.step(
        "22 CFR 120.11(b)(1)",
        "specially designed analysis",
        {"usml_candidate": p.designation},
        f"{p.designation} uses 'specially designed' as a control parameter"
        + (" for the parts it reaches" if scope == "parts" else ""),
    )
    result = analyse(run.rules.itar, f, p.designation)
    run.steps.extend(result.steps)
    run.fired.extend(r for r in result.fired if r not in run.fired)
    if result.status == "specially_designed":
        rule = "22 CFR 120.11(a)(2)" if p.is_catch_all else "22 CFR 120.11(b)(1)"
        run.step(
            rule,
            "described",
            {"usml_candidate": p.designation},
            f"caught and not released: described in {p.designation}",
            fired=True,
        )
        return "described"
    if result.status == "not_specially_designed":
        return "not_described"
    run.ask(*result.missing)
    return "unknown"


# --------------------------------------------------------------------------------------------
# EAR


def _eccn(run: _Run, ref: ECCNRef, field: str) -> tuple[ECCN, str]:
    """The ECCN entry and the control text of the paragraph: the heading, the lead-ins above
    the paragraph ("… as follows:") and its own text."""
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


@lru_cache(maxsize=8192)
def _control_text(entry: ECCN, ref: ECCNRef) -> str:
    texts = [entry.heading]
    for depth in range(1, len(ref.path) + 1):
        try:
            texts.append(entry.item(ECCNRef(ref.eccn, ref.path[:depth])).text or "")
        except UnknownReference:
            continue
    return "\n".join(texts)


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


def _ear_classification(entry: ECCN, ref: ECCNRef, others: list[ECCNRef]) -> Classification:
    return Classification(
        regime="CCL",
        reference=str(ref),
        citation=entry.citation,
        reasons_for_control=entry.reasons_for_control,
        also_described_in=tuple(str(o) for o in others if o != ref),
    )


def _ear99(run: _Run, rule: str, detail: str, facts: dict[str, Any]) -> Decision:
    run.step(rule, "EAR99", facts, detail, fired=True)
    return run.decision("EAR", Classification("EAR99", "EAR99", "15 CFR 734.3(c)"))


def _determined(run: _Run, text: str, field: str, rule: str) -> Decision:
    """A CJ or CCATS that names the ECCN (or EAR99) decides the classification."""
    if text.upper() == "EAR99":
        return _ear99(run, rule, "the determination designates the item EAR99", {field: "EAR99"})
    try:
        ref = parse_eccn(text)
    except ReferenceSyntaxError as exc:
        raise FactError(field, f"{exc}; or EAR99") from exc
    entry, _ = _eccn(run, ref, field)
    run.step(rule, "classified", {field: str(ref)}, "the determination names the ECCN", fired=True)
    return run.decision("EAR", _ear_classification(entry, ref, []))


def _ear(run: _Run) -> Decision:
    f, ear = run.facts, run.rules.ear
    if f.cj_jurisdiction == "EAR" and f.cj_classification is not None:
        return _determined(
            run, f.cj_classification, "cj_classification", run.rules.itar.determination_id
        )
    if f.cj_jurisdiction != "EAR":
        excluded = f.answer(ear.subject_fact) if ear.subject_fact else None
        excluded = subject_answer(run, run.moved, excluded, ear.subject_id or "15 CFR 734.3(b)")
        if excluded is None:
            run.step(
                ear.subject_id or "15 CFR 734.3(b)",
                "unknown",
                {ear.subject_fact or "": None},
                "whether the item is subject to the EAR at all is not known",
            )
            run.ask(ear.subject_fact or "")
            return run.decision("undetermined", None)
        if excluded:
            run.step(
                ear.subject_id or "",
                "not subject to the EAR",
                {ear.subject_fact or "": True},
                "neither on the USML nor subject to the EAR",
                fired=True,
            )
            return run.decision("not_subject", None)
        run.step(
            "15 CFR 734.3(a)",
            "subject to the EAR",
            {ear.subject_fact or "": False},
            "not described on the USML and not excluded by § 734.3(b)",
            fired=True,
        )
    if f.ccats_classification is not None:
        return _determined(
            run, f.ccats_classification, "ccats_classification", ear.determination_id
        )
    # Steps 3-6 of Supp. No. 4 to part 774, in the rule set's order.
    step3, step4, step5, step6 = [rid for rid, _ in ear.order_of_review if "Supp. No. 4" in rid]
    if f.eccn_candidates is None:
        run.step(
            step3,
            "unknown",
            {"eccn_candidates": None},
            "which ECCN paragraphs may describe the item is not known",
        )
        run.ask("eccn_candidates")
        return run.decision("EAR", None)
    targets = moved_targets(run, run.moved)
    if not f.eccn_candidates and not targets:
        return _ear99(run, step6, "no ECCN describes the item", {"eccn_candidates": "none"})

    tiers: dict[str, list[tuple[ECCNRef, ECCN, str]]] = {"3": [], "4": [], "5": [], "y": []}
    # Candidates in the CCL's own order: the outcome never depends on how they were listed.
    for ref in sorted(set(f.eccn_candidates) | set(targets), key=str):
        listed = ref in f.eccn_candidates
        entry, text = _eccn(run, ref, "eccn_candidates") if listed else (targets[ref][0], "")
        military = entry.is_600_series or entry.is_9x515
        head = ref.path[0] if ref.path else None
        tier = "5" if not military else {"x": "4", "y": "y"}.get(head or "", "3")
        tiers[tier].append((ref, entry, text))

    results: dict[str, list[tuple[ECCNRef, ECCN, Status]]] = {k: [] for k in tiers}
    rule_for = {"3": step3, "4": step4, "5": step5, "y": step5}
    for tier, items in tiers.items():
        for ref, entry, text in items:
            review = partial(_eccn_candidate, run, ref, text, rule_for[tier])
            status = candidate_status(ref, targets, review, ref in f.eccn_candidates)
            results[tier].append((ref, entry, status))

    described_y = {ref.eccn for ref, _, s in results["y"] if s == "described"}
    kept4 = []
    for ref, entry, status in results["4"]:
        excluded_by = sorted(_excluded_y(entry, ref) & described_y)
        if status == "described" and excluded_by:
            run.step(
                step4,
                "set aside",
                {"eccn_candidate": str(ref)},
                f"{ref} excludes items specified in {', '.join(e + '.y' for e in excluded_by)}",
                fired=True,
            )
            continue
        kept4.append((ref, entry, status))
    results["4"] = kept4

    for tier in ("3", "4", "5", "y"):
        described = [(r, e) for r, e, s in results[tier] if s == "described"]
        pending = [r for r, _, s in results[tier] if s == "unknown"]
        if described and not pending:
            ref, entry = described[0]
            run.step(
                rule_for[tier],
                "classified",
                {"eccn": str(ref)},
                {
                    "3": "a 600-series/9x515 paragraph other than a catch-all trumps other ECCNs",
                    "4": "caught by the 600-series/9x515 catch-all and not released",
                    "5": "described in an ECCN outside the 600 series and 9x515",
                    "y": "described in a .y paragraph and not elsewhere on the CCL",
                }[tier],
                fired=True,
            )
            return run.decision("EAR", _ear_classification(entry, ref, [r for r, _ in described]))
        if described or pending:
            run.step(
                rule_for[tier],
                "open",
                {"pending": [str(r) for r in pending]},
                "the classification waits for the open questions on these paragraphs",
            )
            return run.decision("EAR", None)
    return _ear99(
        run,
        step6,
        "every candidate ECCN was reviewed and none describes the item",
        {"eccn_candidates": [str(r) for r in f.eccn_candidates]},
    )


def _eccn_candidate(run: _Run, ref: ECCNRef, text: str, rule: str) -> Status:
    # In a technology (E) paragraph, "specially designed" qualifies the commodities the
    # technology is for, not the technology: the paragraph is read as enumerated.
    scope = "none" if ref.product_group == "E" else specially_designed_scope(text)
    kind = run.facts.item_kind
    if scope == "parts" and kind is None:
        run.step(
            rule,
            "unknown",
            {"eccn_candidate": str(ref), "item_kind": None},
            f"{ref} reaches the parts of what it describes by 'specially designed': the kind of "
            f"item decides which applies",
        )
        run.ask("item_kind")
        return "unknown"
    if scope == "none" or (scope == "parts" and kind not in run.rules.ear.release_kinds):
        run.step(
            rule,
            "described",
            {"eccn_candidate": str(ref), "item_kind": kind},
            f"{ref} describes the item without 'specially designed'",
        )
        return "described"
    run.step(
        rule,
        "specially designed analysis",
        {"eccn_candidate": str(ref)},
        f"{ref} uses 'specially designed' (15 CFR part 774, Supp. No. 4, (a)(4)(i)-(ii))",
    )
    result = analyse(run.rules.ear, run.facts, str(ref))
    run.steps.extend(result.steps)
    run.fired.extend(r for r in result.fired if r not in run.fired)
    if result.status == "specially_designed":
        return "described"
    if result.status == "not_specially_designed":
        run.step(
            rule,
            "not described",
            {"eccn_candidate": str(ref)},
            f"not 'specially designed' for {ref}: not within its scope",
        )
        return "not_described"
    run.ask(*result.missing)
    return "unknown"
