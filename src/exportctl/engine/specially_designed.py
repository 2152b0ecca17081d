"""The "specially designed" catch-and-release analysis (22 CFR 120.41; 15 CFR 772.1).

The same procedure serves both regimes; what differs — which catch and release paragraphs exist,
what each requires, which item kinds they apply to — comes from the rule set:

1. Paragraph (a) "catches" the item if any catch paragraph that applies to its kind holds
   (ITAR (a)(1)/(a)(2); EAR (a)(1)/(a)(2)).
2. Paragraph (b) "releases" a part, component, accessory, attachment or software if any release
   holds (ITAR (b)(1)-(b)(5); EAR (b)(1)-(b)(6)); releases never apply to other kinds.
   A release that holds is decisive even before the catch is known: (a) opens with "Except for
   … items described in (b)".
3. Caught and not released: specially designed.  Not caught, or released: not.  Anything else is
   unknown, with the facts still needed.

Every test is three-valued: a fact not yet known makes a test unknown, never false.
"""

from __future__ import annotations

from typing import Literal

import attrs

from exportctl.corpus.rulesets import RegimeRules, SpeciallyDesignedRule
from exportctl.engine.decision import TraceStep, make_step
from exportctl.inputs.items import FIELDS, ItemFacts

__all__ = ["SpeciallyDesignedResult", "analyse", "decide"]

Status = Literal["specially_designed", "not_specially_designed", "unknown"]


@attrs.frozen
class SpeciallyDesignedResult:
    status: Status
    steps: tuple[TraceStep, ...]
    missing: tuple[str, ...]
    fired: tuple[str, ...]


def _evaluate(rule: SpeciallyDesignedRule, facts: ItemFacts) -> tuple[bool | None, list[str]]:
    """True/False/None for one rule, and the facts still unknown if it is None."""
    unknown: list[str] = []
    for test in rule.tests:
        value = facts.answer(test.fact)
        if value is None:
            unknown.append(test.fact)
        elif value != test.equals:
            return False, []
    return (None, unknown) if unknown else (True, [])


def _used(rule: SpeciallyDesignedRule, facts: ItemFacts) -> dict[str, object]:
    return {t.fact: facts.answer(t.fact) for t in rule.tests}


#: A release's and a catch's outcome in the trace, by the value of its tests.
_RELEASES = {True: "releases", False: "does not release", None: "unknown"}
_CATCHES = {True: "catches", False: "does not catch", None: "unknown"}


def analyse(
    rules: RegimeRules, facts: ItemFacts, paragraph: str, tracing: bool = True
) -> SpeciallyDesignedResult:
    """Is the item "specially designed" for ``paragraph`` under these catch and release rules?

    ``tracing`` False (the engine's fast mode) decides the same way and records no steps.
    """
    kind = facts.item_kind
    if kind is None:
        step = make_step(
            rules.catch[0].id,
            "unknown",
            {"item_kind": None},
            f"the kind of item decides which catch and release paragraphs apply ({paragraph})",
        )
        return SpeciallyDesignedResult("unknown", (step,) if tracing else (), ("item_kind",), ())
    steps: list[TraceStep] = []
    missing: list[str] = []

    releases_apply = kind in rules.release_kinds
    released: str | None = None
    release_unknown: list[str] = []
    release_steps: list[TraceStep] = []
    if releases_apply:
        detail = f"release from 'specially designed' for {paragraph}" if tracing else ""
        for rule in rules.releases:
            value, unknown = _evaluate(rule, facts)
            if tracing:
                release_steps.append(
                    make_step(rule.id, _RELEASES[value], _used(rule, facts), detail)
                )
            if value is True and released is None:
                released = rule.id
                if not tracing:
                    break  # the steps after the first release are never kept
            for fact in unknown:
                if fact not in release_unknown:
                    release_unknown.append(fact)

    if released is not None:
        if tracing:
            steps.extend(release_steps[: [s.rule for s in release_steps].index(released) + 1])
        return SpeciallyDesignedResult("not_specially_designed", tuple(steps), (), (released,))

    caught: bool | None = False
    catch_unknown: list[str] = []
    fired: list[str] = []
    catch_detail = f"'specially designed' for {paragraph}" if tracing else ""
    for rule in rules.catch:
        if kind not in rule.kinds:
            if tracing:
                steps.append(
                    make_step(
                        rule.id,
                        "not applicable",
                        {"item_kind": kind},
                        f"paragraph applies to {', '.join(sorted(rule.kinds))}",
                    )
                )
            continue
        value, unknown = _evaluate(rule, facts)
        if tracing:
            steps.append(make_step(rule.id, _CATCHES[value], _used(rule, facts), catch_detail))
        if value is True:
            caught = True
            fired.append(rule.id)
            break
        if value is None:
            caught = None
            catch_unknown.extend(f for f in unknown if f not in catch_unknown)

    if caught is False:
        return SpeciallyDesignedResult(
            "not_specially_designed",
            tuple(steps),
            (),
            tuple(r.id for r in rules.catch if kind in r.kinds),
        )
    if not releases_apply:
        if tracing:
            steps.append(
                make_step(
                    rules.release_id,
                    "not applicable",
                    {"item_kind": kind},
                    "the releases of paragraph (b) apply only to a part, component, "
                    "accessory, attachment, or software",
                )
            )
        if caught is None:
            return SpeciallyDesignedResult("unknown", tuple(steps), tuple(catch_unknown), ())
        return SpeciallyDesignedResult("specially_designed", tuple(steps), (), tuple(fired))
    steps.extend(release_steps)
    if caught is None:
        missing = catch_unknown + [f for f in release_unknown if f not in catch_unknown]
        return SpeciallyDesignedResult("unknown", tuple(steps), tuple(missing), ())
    if release_unknown:
        return SpeciallyDesignedResult("unknown", tuple(steps), tuple(release_unknown), ())
    return SpeciallyDesignedResult("specially_designed", tuple(steps), (), tuple(fired))


#: A test as :func:`decide` reads it: the fact, the value it must have, and whether the fact is
#: a structured field (read through ``facts.answer``) or an answer (``facts.answers.get``).
_Test = tuple[str, object, bool]
#: A rule as :func:`decide` reads it: its id and its tests.
_Rule = tuple[str, tuple[_Test, ...]]


class _Reading:
    """What :func:`decide` reads of one regime's rules for one item kind, worked out once."""

    __slots__ = ("catch", "caught_none", "releases", "releases_apply", "rules")

    def __init__(self, rules: RegimeRules, kind: str) -> None:
        self.rules = rules
        self.releases_apply = kind in rules.release_kinds
        self.releases: tuple[_Rule, ...] = tuple(_rule_of(r) for r in rules.releases)
        self.catch: tuple[_Rule, ...] = tuple(
            _rule_of(r) for r in rules.catch if kind in r.kinds
        )
        #: The rules fired when nothing catches the item (every catch rule for its kind).
        self.caught_none = tuple(rule_id for rule_id, _ in self.catch)


def _rule_of(rule: SpeciallyDesignedRule) -> _Rule:
    return (rule.id, tuple((t.fact, t.equals, t.fact in _FIELDS) for t in rule.tests))


_FIELDS = frozenset(FIELDS)
#: The reading of a regime's rules for a kind, by the rules' identity (kept with the reading,
#: so an id is never reused while it is here) and the kind.
_READINGS: dict[tuple[int, str], _Reading] = {}


def decide(
    rules: RegimeRules, facts: ItemFacts
) -> tuple[Status, tuple[str, ...], tuple[str, ...]]:
    """:func:`analyse` without its trace (the engine's fast mode): the status, the facts still
    needed and the rules fired — the same as ``analyse(rules, facts, …, tracing=False)`` gives
    (a test compares the two), without the result object or the steps.  Each rule's tests are
    read in order as :func:`_evaluate` reads them: a value that differs makes the rule false
    (the facts still unknown before it do not count), else an unknown fact leaves it open."""
    kind = facts.item_kind
    if kind is None:
        return "unknown", ("item_kind",), ()
    reading = _READINGS.get((id(rules), kind))
    if reading is None or reading.rules is not rules:
        if len(_READINGS) >= 256:
            _READINGS.clear()
        reading = _READINGS[(id(rules), kind)] = _Reading(rules, kind)
    get = facts.answers.get
    release_unknown: list[str] = []
    if reading.releases_apply:
        for rule_id, tests in reading.releases:
            mark = len(release_unknown)
            pending = False
            for fact, equals, field in tests:
                value = facts.answer(fact) if field else get(fact)
                if value is None:
                    pending = True
                    if fact not in release_unknown:
                        release_unknown.append(fact)
                elif value != equals:
                    del release_unknown[mark:]  # a false rule's unknown facts do not count
                    break
            else:
                if not pending:
                    return "not_specially_designed", (), (rule_id,)
    caught: bool | None = False
    catch_unknown: list[str] = []
    fired: tuple[str, ...] = ()
    for rule_id, tests in reading.catch:
        mark = len(catch_unknown)
        pending = False
        for fact, equals, field in tests:
            value = facts.answer(fact) if field else get(fact)
            if value is None:
                pending = True
                if fact not in catch_unknown:
                    catch_unknown.append(fact)
            elif value != equals:
                del catch_unknown[mark:]
                break
        else:
            if not pending:
                caught = True
                fired = (rule_id,)
                break
            caught = None
    if caught is False:
        return "not_specially_designed", (), reading.caught_none
    if caught is None:
        if reading.releases_apply:
            for fact in release_unknown:
                if fact not in catch_unknown:
                    catch_unknown.append(fact)
        return "unknown", tuple(catch_unknown), ()
    if release_unknown:
        return "unknown", tuple(release_unknown), ()
    return "specially_designed", (), fired
