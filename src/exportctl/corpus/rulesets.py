"""Rule sets: the regulatory content the classification rules read, as swappable data.

A :class:`RuleSet` holds the questions (with their citations), the catch and release paragraphs
of "specially designed" for the ITAR (22 CFR 120.41) and the EAR (15 CFR 772.1), the item kinds
each applies to, and the conflicts that make facts contradictory.  The engine interprets these
structures; it contains no regulatory text of its own.  ``baseline`` is today's rules as
bundled; a reform is another rule set (see data/rulesets/).
"""

from __future__ import annotations

from functools import cached_property
from typing import Any, Literal

import attrs

from exportctl.core.facts import Question

__all__ = [
    "Conflict",
    "FactTest",
    "Question",
    "RegimeRules",
    "RuleSet",
    "RuleSets",
    "SpeciallyDesignedRule",
    "load_ruleset",
    "ruleset_from_dict",
    "rulesets_from_data",
]

Regime = Literal["itar", "ear"]


@attrs.frozen
class FactTest:
    fact: str
    equals: Any


@attrs.frozen
class SpeciallyDesignedRule:
    """One catch (a) or release (b) paragraph: it holds when all its tests hold."""

    id: str
    quote: str
    tests: tuple[FactTest, ...]
    kinds: frozenset[str] = frozenset()


@attrs.frozen
class RegimeRules:
    catch: tuple[SpeciallyDesignedRule, ...]
    release_kinds: frozenset[str]
    release_id: str
    release_quote: str
    releases: tuple[SpeciallyDesignedRule, ...]
    order_of_review: tuple[tuple[str, str], ...]
    determination_id: str = ""
    determination_quote: str = ""
    subject_fact: str | None = None
    subject_id: str | None = None


@attrs.frozen
class Conflict:
    """Facts that cannot all be true, with the paragraph that makes them so.

    ``kinds`` + ``any_true``: an item of one of these kinds with any of these answers "yes";
    ``all_true``: all of these answers "yes".  ``justification`` quotes the text that makes the
    combination impossible (each conflict was reviewed against the regulation; a combination
    that is merely irrelevant, or that a determination overrides, is no conflict).
    """

    id: str
    citation: str
    message: str
    any_true: tuple[str, ...] = ()
    all_true: tuple[str, ...] = ()
    kinds: frozenset[str] = frozenset()
    justification: str = ""


@attrs.frozen(eq=False)
class RuleSet:
    id: str
    title: str
    item_kinds: dict[str, str] = attrs.field(repr=False)
    questions: dict[str, Question] = attrs.field(repr=False)
    itar: RegimeRules = attrs.field(repr=False)
    ear: RegimeRules = attrs.field(repr=False)
    conflicts: tuple[Conflict, ...] = attrs.field(repr=False)

    def question(self, qid: str) -> Question:
        return self.questions[qid]

    def regime(self, name: Regime) -> RegimeRules:
        return self.itar if name == "itar" else self.ear

    @cached_property
    def answer_facts(self) -> frozenset[str]:
        """The yes/no facts an item may carry as answers (the catch and release questions)."""
        return frozenset(q.id for q in self.questions.values() if q.type == "bool")


def _rule(raw: dict[str, Any]) -> SpeciallyDesignedRule:
    tests = raw.get("all") or [{"fact": raw["fact"], "equals": True}]
    return SpeciallyDesignedRule(
        id=raw["id"],
        quote=raw["quote"],
        tests=tuple(FactTest(t["fact"], t["equals"]) for t in tests),
        kinds=frozenset(raw.get("kinds", ())),
    )


def _regime(raw: dict[str, Any]) -> RegimeRules:
    subject = raw.get("subject") or {}
    return RegimeRules(
        catch=tuple(_rule(r) for r in raw["catch"]),
        release_kinds=frozenset(raw["release_kinds"]["kinds"]),
        release_id=raw["release_kinds"]["id"],
        release_quote=raw["release_kinds"]["quote"],
        releases=tuple(_rule(r) for r in raw["releases"]),
        order_of_review=tuple((r["id"], r["quote"]) for r in raw.get("order_of_review", ())),
        determination_id=raw["cj"]["id"],
        determination_quote=raw["cj"].get("quote", ""),
        subject_fact=subject.get("fact"),
        subject_id=subject.get("id"),
    )


def ruleset_from_dict(raw: dict[str, Any]) -> RuleSet:
    """Build a rule set from its JSON form (as in data/rulesets/*.json)."""
    return RuleSet(
        id=raw["id"],
        title=raw["title"],
        item_kinds={k: v["label"] for k, v in raw["item_kinds"].items()},
        questions={
            k: Question(k, v["text"], v["citation"], v["type"]) for k, v in raw["questions"].items()
        },
        itar=_regime(raw["itar"]),
        ear=_regime(raw["ear"]),
        conflicts=tuple(
            Conflict(
                id=c["id"],
                citation=c["citation"],
                message=c["message"],
                any_true=tuple(c.get("any_true", ())),
                all_true=tuple(c.get("all_true", ())),
                kinds=frozenset(c.get("when_kind_in", ())),
                justification=c.get("justification", ""),
            )
            for c in raw["conflicts"]
        ),
    )


@attrs.frozen(eq=False)
class RuleSets:
    """The bundled rule sets (``rules.json``) and which one is today's (the default)."""

    default: str
    raw: dict[str, Any] = attrs.field(repr=False)
    _built: dict[str, RuleSet] = attrs.field(factory=dict, repr=False)

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(self.raw)

    def get(self, ruleset_id: str | None = None) -> RuleSet:
        key = ruleset_id or self.default
        if key not in self.raw and key not in self._built:
            raise KeyError(f"no rule set {key!r}; bundled rule sets: {sorted(self.raw)}")
        if key not in self._built:
            self._built[key] = ruleset_from_dict(self.raw[key])
        return self._built[key]

    def with_value(self, ruleset: RuleSet) -> RuleSets:
        """These rule sets with ``ruleset`` (a value, e.g. a reform's) as the default."""
        return RuleSets(ruleset.id, self.raw, {**self._built, ruleset.id: ruleset})


def rulesets_from_data(raw: dict[str, Any]) -> RuleSets:
    """The rule sets from their bundled JSON form (``rules.json``)."""
    return RuleSets(raw["default"], raw["rulesets"])


def load_ruleset(ruleset_id: str | None = None) -> RuleSet:
    """A bundled rule set by id (default: today's rules, ``baseline``): a convenience for
    ``exportctl.law().rulesets.get(ruleset_id)``."""
    from exportctl.corpus.law import bundled_rulesets

    return bundled_rulesets().get(ruleset_id)
