"""Decision records: the outcome, the classification, the trace of cited steps, open questions.

A decision is frozen and JSON-serialisable (:func:`exportctl.core.jsonable.to_jsonable`).  Its
``decision_id`` is a hash of the facts, the law's id (its content: editions, data, rule set,
reforms) and the date, so the same facts under the same law and date always give the same record
(and the same id), and a decision made under another law never shares an id with it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

import attrs

from exportctl.core.facts import Question

__all__ = ["Classification", "Decision", "Outcome", "TraceStep"]

Outcome = Literal["ITAR", "EAR", "not_subject", "undetermined"]


@attrs.frozen
class TraceStep:
    """One step of the analysis: the rule (a CFR paragraph), the facts it read, its outcome."""

    rule: str
    outcome: str
    facts: dict[str, Any] = attrs.field(factory=dict)
    detail: str = ""


@attrs.frozen
class Classification:
    """Where the item sits: a USML paragraph, an ECCN paragraph, or EAR99."""

    regime: Literal["USML", "CCL", "EAR99"]
    reference: str
    citation: str
    significant_military_equipment: bool = False
    mt: str | None = None
    reasons_for_control: tuple[str, ...] = ()
    also_described_in: tuple[str, ...] = ()


@attrs.frozen
class Decision:
    decision_id: str
    item_id: str
    jurisdiction: Outcome
    classification: Classification | None
    trace: tuple[TraceStep, ...]
    open_questions: tuple[Question, ...]
    rules_fired: tuple[str, ...]
    as_of: dt.date
    law_id: str
    ruleset: str
    warnings: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The record as plain JSON values (fast path; same content as ``to_jsonable``)."""
        c = self.classification
        return {
            "decision_id": self.decision_id,
            "item_id": self.item_id,
            "jurisdiction": self.jurisdiction,
            "classification": None
            if c is None
            else {
                "regime": c.regime,
                "reference": c.reference,
                "citation": c.citation,
                "significant_military_equipment": c.significant_military_equipment,
                "mt": c.mt,
                "reasons_for_control": list(c.reasons_for_control),
                "also_described_in": list(c.also_described_in),
            },
            "trace": [
                {"rule": s.rule, "outcome": s.outcome, "facts": s.facts, "detail": s.detail}
                for s in self.trace
            ],
            "open_questions": [
                {"id": q.id, "text": q.text, "citation": q.citation, "type": q.type}
                for q in self.open_questions
            ],
            "rules_fired": list(self.rules_fired),
            "as_of": self.as_of.isoformat(),
            "law_id": self.law_id,
            "ruleset": self.ruleset,
            "warnings": list(self.warnings),
            "summary": self.summary,
        }

    @property
    def data_version(self) -> str:
        """The law's id (the name earlier releases gave it)."""
        return self.law_id

    @property
    def decided(self) -> bool:
        return self.jurisdiction != "undetermined"

    @property
    def summary(self) -> str:
        """One line for tables: the outcome and the classification or the next question."""
        if self.classification is not None:
            c = self.classification
            flags = []
            if c.significant_military_equipment:
                flags.append("SME")
            if c.mt:
                flags.append("MT" if c.mt == "yes" else "MT if")
            suffix = f" [{', '.join(flags)}]" if flags else ""
            return f"{self.jurisdiction} {c.reference}{suffix}"
        if self.open_questions:
            return f"{self.jurisdiction}: {len(self.open_questions)} question(s) open"
        return self.jurisdiction
