"""Trace steps shared between decisions, kept per law (issue 13: the traced route).

Many steps of a trace read only the law and a few values: the paragraph a candidate names, the
item's kind, the rule a step cites (22 CFR 120.11(a)(1) "described" reads the paragraph's
designation and the kind; 15 CFR 734.3(a) "subject to the EAR" only the law's § 734.3(b)
fact).  Such a step is written by a function of those values alone (its builder, in
:mod:`exportctl.engine.classify`), and a traced run of the engine (other than the slow
reference, which builds every step) takes it from the law's table, where it is kept by the
builder and the values it was given: the key is the builder and its arguments, so the step is
by construction what the builder gives for them (a :class:`~exportctl.engine.decision.TraceStep`
is frozen, and no reader changes its facts).

The table is kept by the law's identity (:func:`exportctl.core.bounded.kept_for`, at most 64
laws) and holds at most :data:`STEPS_KEPT` steps (emptied when full).  Its keys are texts of
the law (designations, ECCN paragraphs, rule ids), item kinds and, for the releases claimed for
a kind they do not apply to, which of the regime's few claimable answers are yes: never a whole
row, so a file of distinct rows meets the same keys again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from exportctl.core.bounded import empty_table, kept_for
from exportctl.engine.decision import TraceStep

__all__ = ["STEPS_KEPT", "shared_step", "steps_for"]

#: At most this many steps kept for one law (the table is emptied when full).
STEPS_KEPT = 16384

#: The tables, by the law's identity (with the law: an id is never reused while it is here).
_STORE: dict[int, tuple[Any, dict[Any, TraceStep]]] = {}
#: The last law's table (most runs read one law): ``[law, table]``.
_LAST: list[Any] = [None, None]


def steps_for(law: Any) -> dict[Any, TraceStep]:
    """The table of shared steps of ``law``."""
    if _LAST[0] is law:
        table: dict[Any, TraceStep] = _LAST[1]
        return table
    table = kept_for(_STORE, law, empty_table)
    _LAST[0], _LAST[1] = law, table
    return table


def shared_step(law: Any, build: Callable[..., TraceStep], *args: Any) -> TraceStep:
    """``build(*args)``, kept in ``law``'s table by ``(build, *args)``.

    ``build`` reads nothing but its arguments (texts, an item kind, tuples of texts: values
    whose equality is their identity as keys; never a fact's value, where ``1 == True``)."""
    table = _LAST[1] if _LAST[0] is law else steps_for(law)
    key = (build, *args)
    found = table.get(key)
    if found is None:
        found = build(*args)
        if len(table) >= STEPS_KEPT:
            table.clear()
        table[key] = found
    return found
