"""Decision records: the outcome, the classification, the trace of cited steps, open questions.

A decision is frozen and JSON-serialisable (:func:`exportctl.core.jsonable.to_jsonable`).  Its
``decision_id`` is a hash of the facts, the law's id (its content: editions, data, rule set,
reforms) and the date, so the same facts under the same law and date always give the same record
(and the same id), and a decision made under another law never shares an id with it.

The trace is computed when it is read, and so is the decision id of a decision made in the fast
mode.  :func:`exportctl.classify` decides in a fast mode that
records only what the outcome needs (jurisdiction, classification, open questions, rules fired,
warnings); the first read of :attr:`Decision.trace` runs the same order of review again in
tracing mode on the same facts and law — deterministic, so the trace is the one an eager run
gives — and keeps it; the first read of :attr:`Decision.decision_id` hashes the facts then (the
same id).  Equality, hashing, ``repr``, pickling and :func:`~exportctl.core.jsonable.to_jsonable`
read both like any field.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, Literal

import attrs

from exportctl.core.facts import Question
from exportctl.core.jsonable import to_jsonable

__all__ = [
    "FILLED",
    "LAZY_ID",
    "LAZY_TRACE",
    "SET_ID",
    "Classification",
    "Decision",
    "Outcome",
    "TraceStep",
    "jsonable",
    "make_decision",
    "make_step",
]

Outcome = Literal["ITAR", "EAR", "not_subject", "undetermined"]


@attrs.frozen(weakref_slot=False)  # no weak references: see make_step
class TraceStep:
    """One step of the analysis: the rule (a CFR paragraph), the facts it read, its outcome."""

    rule: str
    outcome: str
    facts: dict[str, Any] = attrs.field(factory=dict)
    detail: str = ""


class _FilledStep:
    """The slots of a :class:`TraceStep`, written as a plain class writes its own
    (:func:`make_step` then makes the object the TraceStep it is laid out as)."""

    __slots__ = TraceStep.__slots__  # type: ignore[attr-defined]

    def __init__(self, rule: str, outcome: str, facts: dict[str, Any], detail: str) -> None:
        self.rule = rule
        self.outcome = outcome
        self.facts = facts
        self.detail = detail


def _step_by_init(rule: str, outcome: str, facts: dict[str, Any], detail: str) -> TraceStep:
    """:func:`make_step` by attrs' own ``__init__``."""
    return TraceStep(rule, outcome, facts, detail)


def _filled_step(rule: str, outcome: str, facts: dict[str, Any], detail: str) -> TraceStep:
    """:func:`make_step` by a :class:`_FilledStep` made a TraceStep (the same layout)."""
    step: Any = _FilledStep(rule, outcome, facts, detail)
    step.__class__ = TraceStep
    made: TraceStep = step
    return made


def _fills_step() -> bool:
    """Whether :func:`_filled_step` gives the TraceStep attrs' ``__init__`` gives, slot by
    slot (a Python where ``__class__`` may not be assigned between the layouts, or fields
    that changed, take attrs' ``__init__``)."""
    if tuple(f.name for f in attrs.fields(TraceStep)) != ("rule", "outcome", "facts", "detail"):
        return False  # pragma: no cover - _FilledStep writes these four
    values: tuple[Any, ...] = tuple(object() for _ in range(4))
    try:
        made = _filled_step(*values)
    except TypeError:  # pragma: no cover - the layouts differ on this Python
        return False
    return type(made) is TraceStep and (
        made.rule,
        made.outcome,
        made.facts,
        made.detail,
    ) == values


#: ``TraceStep(rule, outcome, facts, detail)`` with every field given (the engine's values,
#: already of the right types): the same object, its slots written as a plain class writes its
#: own (a frozen class's generated ``__init__`` goes through ``object.__setattr__`` field by
#: field); checked once at import, else attrs' own ``__init__``.
make_step = _filled_step if _fills_step() else _step_by_init


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


class _Lazy:
    """The trace of a decision not read yet (see :attr:`Decision.trace`)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "<trace not read yet>"


#: Passed as ``trace`` with a ``retrace`` function: the trace is computed when first read.
LAZY_TRACE: Any = _Lazy()
#: Passed as ``decision_id`` with a ``reid`` function: the id is computed when first read.
LAZY_ID: Any = _Lazy()


@attrs.frozen(weakref_slot=False)  # no weak references: see make_decision
class Decision:
    """The outcome for one item, and why.

    ``retrace`` (not part of the record: no equality, no output) computes the trace when the
    decision was made without it (``trace=LAZY_TRACE``); it is dropped once the trace is read.
    ``reid`` does the same for the decision id (``decision_id=LAZY_ID``).
    """

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
    retrace: Callable[[], tuple[TraceStep, ...]] | None = attrs.field(
        default=None, eq=False, repr=False, kw_only=True
    )
    reid: Callable[[], str] | None = attrs.field(default=None, eq=False, repr=False, kw_only=True)

    def __getstate__(self) -> dict[str, Any]:
        """Pickled with its trace (read now), without the function that computes it."""
        state = {f.name: getattr(self, f.name) for f in attrs.fields(Decision)}
        state["retrace"] = None
        state["reid"] = None
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        for name, value in state.items():
            object.__setattr__(self, name, value)

    @property
    def trace_read(self) -> bool:
        """Whether the trace has been computed (it is, once anything reads it)."""
        return _TRACE_SLOT.__get__(self, Decision) is not LAZY_TRACE

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
                # The facts copied: a step may be shared by decisions under one law
                # (engine/shared_steps.py), and a caller may change the record it is given.
                {"rule": s.rule, "outcome": s.outcome, "facts": dict(s.facts), "detail": s.detail}
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


# ``Decision.trace`` reads its slot, and computes the trace there the first time when the decision
# was made without it.  Every reader (attribute access, attrs' eq/hash/repr/evolve, to_jsonable,
# pickling) goes through this property, so a lazy trace is never seen as such.
_TRACE_SLOT: Any = Decision.__dict__["trace"]
_RETRACE_SLOT: Any = Decision.__dict__["retrace"]
_ID_SLOT: Any = Decision.__dict__["decision_id"]
_REID_SLOT: Any = Decision.__dict__["reid"]


def _get_trace(self: Decision) -> tuple[TraceStep, ...]:
    steps: Any = _TRACE_SLOT.__get__(self, Decision)
    if steps is LAZY_TRACE:
        retrace = _RETRACE_SLOT.__get__(self, Decision)
        if retrace is None:  # pragma: no cover - a lazy trace always comes with its function
            raise RuntimeError("a decision made without its trace has no way to compute it")
        steps = retrace()
        _TRACE_SLOT.__set__(self, steps)
        _RETRACE_SLOT.__set__(self, None)
    result: tuple[TraceStep, ...] = steps
    return result


def _set_trace(self: Decision, value: tuple[TraceStep, ...]) -> None:
    _TRACE_SLOT.__set__(self, value)


setattr(Decision, "trace", property(_get_trace, _set_trace, doc="Every step, with its rule."))  # noqa: B010


def _get_id(self: Decision) -> str:
    found: Any = _ID_SLOT.__get__(self, Decision)
    if found is LAZY_ID:
        reid = _REID_SLOT.__get__(self, Decision)
        if reid is None:  # pragma: no cover - a lazy id always comes with its function
            raise RuntimeError("a decision made without its id has no way to compute it")
        found = reid()
        _ID_SLOT.__set__(self, found)
        _REID_SLOT.__set__(self, None)
    result: str = found
    return result


def _set_id(self: Decision, value: str) -> None:
    _ID_SLOT.__set__(self, value)


# The decision id, like the trace, reads its slot and computes the id there the first time.
setattr(Decision, "decision_id", property(_get_id, _set_id, doc="The decision's id."))  # noqa: B010

#: The slot of each field, in the order of the fields (what ``make_decision`` writes).
_SLOTS: tuple[Any, ...] = tuple(
    {"trace": _TRACE_SLOT, "decision_id": _ID_SLOT}.get(f.name, Decision.__dict__[f.name])
    for f in attrs.fields(Decision)
)
(
    _SET_ID,
    _SET_ITEM,
    _SET_JURISDICTION,
    _SET_CLASSIFICATION,
    _SET_TRACE,
    _SET_QUESTIONS,
    _SET_FIRED,
    _SET_AS_OF,
    _SET_LAW,
    _SET_RULESET,
    _SET_WARNINGS,
    _SET_RETRACE,
    _SET_REID,
) = (slot.__set__ for slot in _SLOTS)  # each slot's setter, bound once
if tuple(f.name for f in attrs.fields(Decision)) != (
    "decision_id", "item_id", "jurisdiction", "classification", "trace", "open_questions",
    "rules_fired", "as_of", "law_id", "ruleset", "warnings", "retrace", "reid",
):  # pragma: no cover - the setters above are named in the order of the fields
    raise ImportError("Decision's fields changed: name make_decision's setters again")
_NEW = object.__new__
#: Writes a decision's id slot (what the first read of a lazy id writes; the engine writes an
#: id it has computed at once, without the property's call).
SET_ID: Callable[[Decision, str], None] = _SET_ID


class _Filled:
    """The slots of a :class:`Decision`, written as a plain class writes its own
    (``make_decision`` then makes the object the Decision it is laid out as)."""

    __slots__ = Decision.__slots__  # type: ignore[attr-defined]

    def __init__(
        self,
        decision_id: str,
        item_id: str,
        jurisdiction: Outcome,
        classification: Classification | None,
        trace: tuple[TraceStep, ...],
        open_questions: tuple[Question, ...],
        rules_fired: tuple[str, ...],
        as_of: dt.date,
        law_id: str,
        ruleset: str,
        warnings: tuple[str, ...],
        retrace: Callable[[], tuple[TraceStep, ...]] | None,
        reid: Callable[[], str] | None = None,
    ) -> None:
        self.decision_id = decision_id
        self.item_id = item_id
        self.jurisdiction = jurisdiction
        self.classification = classification
        self.trace = trace
        self.open_questions = open_questions
        self.rules_fired = rules_fired
        self.as_of = as_of
        self.law_id = law_id
        self.ruleset = ruleset
        self.warnings = warnings
        self.retrace = retrace
        self.reid = reid


def _set_slots(

    decision_id: str,
    item_id: str,
    jurisdiction: Outcome,
    classification: Classification | None,
    trace: tuple[TraceStep, ...],
    open_questions: tuple[Question, ...],
    rules_fired: tuple[str, ...],
    as_of: dt.date,
    law_id: str,
    ruleset: str,
    warnings: tuple[str, ...],
    retrace: Callable[[], tuple[TraceStep, ...]] | None,
    reid: Callable[[], str] | None = None,
) -> Decision:
    """:func:`make_decision` by each slot's setter."""
    d: Decision = _NEW(Decision)
    _SET_ID(d, decision_id)
    _SET_ITEM(d, item_id)
    _SET_JURISDICTION(d, jurisdiction)
    _SET_CLASSIFICATION(d, classification)
    _SET_TRACE(d, trace)
    _SET_QUESTIONS(d, open_questions)
    _SET_FIRED(d, rules_fired)
    _SET_AS_OF(d, as_of)
    _SET_LAW(d, law_id)
    _SET_RULESET(d, ruleset)
    _SET_WARNINGS(d, warnings)
    _SET_RETRACE(d, retrace)
    _SET_REID(d, reid)
    return d


def _filled(
    decision_id: str,
    item_id: str,
    jurisdiction: Outcome,
    classification: Classification | None,
    trace: tuple[TraceStep, ...],
    open_questions: tuple[Question, ...],
    rules_fired: tuple[str, ...],
    as_of: dt.date,
    law_id: str,
    ruleset: str,
    warnings: tuple[str, ...],
    retrace: Callable[[], tuple[TraceStep, ...]] | None,
    reid: Callable[[], str] | None = None,
) -> Decision:
    """:func:`make_decision` by a :class:`_Filled` made a Decision (the same layout)."""
    d: Any = _Filled(
        decision_id,
        item_id,
        jurisdiction,
        classification,
        trace,
        open_questions,
        rules_fired,
        as_of,
        law_id,
        ruleset,
        warnings,
        retrace,
        reid,
    )
    d.__class__ = Decision
    made: Decision = d
    return made


def _fills_slots() -> bool:
    """Whether :func:`_filled` gives the Decision :func:`_set_slots` gives (a Python where
    ``__class__`` may not be assigned between the two layouts takes the setters)."""
    values: tuple[Any, ...] = tuple(object() for _ in _SLOTS)
    try:
        made = _filled(*values)
    except TypeError:  # pragma: no cover - the layouts differ on this Python
        return False
    return type(made) is Decision and all(
        slot.__get__(made, Decision) is value for slot, value in zip(_SLOTS, values, strict=True)
    )


#: ``Decision(…)`` with every field given (the engine's values, already of the right types):
#: the same object, its slots written as a plain class writes its own (a :class:`_Filled` made
#: a Decision: a frozen class's generated ``__init__`` goes through ``object.__setattr__``
#: field by field, and each slot's setter is a call too); checked once at import.
make_decision = _filled if _fills_slots() else _set_slots
#: The class :func:`make_decision` fills and makes a Decision by assigning its ``__class__``
#: (what a caller that makes many decisions may do itself, its call saved); None where this
#: Python takes each slot's setter.
FILLED: type[_Filled] | None = _Filled if make_decision is _filled else None


# --------------------------------------------------------------------------------------------
# Records as plain JSON values

_PLAIN = (str, int, bool, float, type(None))
_FIELDS: dict[type, tuple[tuple[str, str], ...]] = {}


def jsonable(value: Any) -> Any:
    """:func:`~exportctl.core.jsonable.to_jsonable`: the same values (a test compares them),
    with text, numbers, lists, tuples, dicts and the fields of attrs classes walked directly
    (the field list of a class is read once); anything else goes to ``to_jsonable`` itself."""
    kind = type(value)
    if kind in _PLAIN:
        return value
    if kind is tuple or kind is list:
        return [jsonable(v) for v in value]
    if kind is dict:
        return {str(k): jsonable(v) for k, v in value.items()}
    fields = _FIELDS.get(kind)
    if fields is None:
        if getattr(kind, "as_string", False) or not attrs.has(kind):
            return to_jsonable(value)
        fields = tuple(
            (f.name, f.name.lstrip("_")) for f in attrs.fields(kind) if f.repr is not False
        )
        _FIELDS[kind] = fields
    return {key: jsonable(getattr(value, name)) for name, key in fields}
