"""Three-valued results: every test passes, fails, or stays unknown with the facts it still needs.

An unknown is never read as a pass or a fail.  :func:`combine` is the one rule for joining the
results of tests that must all hold (a requirement list, the conditions of an entry): any fail
fails, else any unknown is unknown, else pass.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Literal

import attrs

__all__ = ["Check", "Requirement", "Status", "combine", "first_missing", "make_check"]

Status = Literal["pass", "fail", "unknown"]


@attrs.frozen(weakref_slot=False)  # no weak references: see make_check
class Check:
    """What one test found: its status, why, the facts it read and the facts it still needs."""

    status: Status
    detail: str = ""
    facts: Mapping[str, Any] = attrs.field(factory=dict)
    missing: tuple[str, ...] = ()
    excluded: tuple[str, ...] = ()


#: :class:`Check`'s fields in order, as :func:`make_check` fills them.
_CHECK_FIELDS = ("status", "detail", "facts", "missing", "excluded")
class _FilledCheck:
    """The slots of a :class:`Check`, written as a plain class writes its own
    (:func:`make_check` then makes the object the check it is laid out as)."""

    __slots__ = Check.__slots__  # type: ignore[attr-defined]

    def __init__(
        self,
        status: Status,
        detail: str,
        facts: Mapping[str, Any],
        missing: tuple[str, ...],
        excluded: tuple[str, ...],
    ) -> None:
        self.status = status
        self.detail = detail
        self.facts = facts
        self.missing = missing
        self.excluded = excluded


def _filled(
    status: Status,
    detail: str = "",
    facts: Mapping[str, Any] | None = None,
    missing: tuple[str, ...] = (),
    excluded: tuple[str, ...] = (),
) -> Check:
    """``Check(status, detail, facts, missing, excluded)`` (``facts`` None: a new empty dict, as
    the field's default): the same object, its slots written as a plain class writes its own
    (a :class:`_FilledCheck` made a Check by assigning its ``__class__``: attrs' frozen
    ``__init__`` goes through ``object.__setattr__`` field by field, and each slot's setter is
    a call too); the engine's tests make tens per transfer.  :func:`make_check` where this
    Python assigns it (checked once at import, else attrs' own ``__init__``).

    >>> make_check("unknown", "not known", {"x": None}, ("x",)) == Check(
    ...     "unknown", "not known", {"x": None}, ("x",))
    True
    """
    made: Any = _FilledCheck(status, detail, {} if facts is None else facts, missing, excluded)
    made.__class__ = Check
    found: Check = made
    return found


def _fills_slots() -> bool:
    """Whether :func:`_filled` gives the check ``Check(...)`` gives, field by field (a Python
    where ``__class__`` may not be assigned between the two layouts, or a class with other
    fields, takes attrs' ``__init__``: a field added is never left unset)."""
    if tuple(f.name for f in attrs.fields(Check)) != _CHECK_FIELDS:  # pragma: no cover
        return False
    values: tuple[Any, ...] = tuple(object() for _ in _CHECK_FIELDS)
    try:
        made = _filled(*values)
    except TypeError:  # pragma: no cover - the layouts differ on this Python
        return False
    return type(made) is Check and all(
        getattr(made, name) is value for name, value in zip(_CHECK_FIELDS, values, strict=True)
    )


#: ``Check(...)`` with its slots filled without attrs' frozen ``__init__`` (:func:`_filled`;
#: callgrind, 300 distinct transfers: 1,893k -> 1,825k instructions a transfer).
#: Where this Python takes attrs' ``__init__``, ``Check`` itself (its ``facts`` default is a new
#: empty dict too).
make_check = _filled if _fills_slots() else Check



def combine(statuses: Iterable[Status]) -> Status:
    """All must hold: fail if any fails, unknown if any is unknown, otherwise pass.

    >>> combine(["pass", "unknown", "pass"]), combine(["unknown", "fail"]), combine([])
    ('unknown', 'fail', 'pass')
    """
    seen = set(statuses)
    if "fail" in seen:
        return "fail"
    if "unknown" in seen:
        return "unknown"
    return "pass"


def first_missing(checks: Iterable[Check]) -> tuple[str, ...]:
    """The facts the unknown checks need, each once, in the order they are asked."""
    return tuple(dict.fromkeys(f for c in checks if c.status == "unknown" for f in c.missing))


@attrs.frozen
class Requirement:
    """One requirement as decided: the paragraph it implements, its status, the facts it read
    and why."""

    id: str
    status: Status
    facts: dict[str, Any] = attrs.field(factory=dict)
    detail: str = ""

    @classmethod
    def of(cls, paragraph: str, check: Check) -> Requirement:
        return cls(paragraph, check.status, dict(check.facts), check.detail)
