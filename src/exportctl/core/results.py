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


@attrs.frozen
class Check:
    """What one test found: its status, why, the facts it read and the facts it still needs."""

    status: Status
    detail: str = ""
    facts: Mapping[str, Any] = attrs.field(factory=dict)
    missing: tuple[str, ...] = ()
    excluded: tuple[str, ...] = ()


#: :class:`Check`'s fields in order, as :func:`make_check` fills them.
_CHECK_FIELDS = ("status", "detail", "facts", "missing", "excluded")
#: Each field's slot setter, or None while the class has other fields or is laid out otherwise
#: (then :func:`make_check` calls attrs' ``__init__``: a field added is never left unset).
_CHECK_SETTERS: tuple[Any, ...] | None = (
    tuple(Check.__dict__[name].__set__ for name in _CHECK_FIELDS)
    if tuple(f.name for f in attrs.fields(Check)) == _CHECK_FIELDS
    and all(type(Check.__dict__.get(n)).__name__ == "member_descriptor" for n in _CHECK_FIELDS)
    else None
)
_NEW = object.__new__


def make_check(
    status: Status,
    detail: str = "",
    facts: Mapping[str, Any] | None = None,
    missing: tuple[str, ...] = (),
    excluded: tuple[str, ...] = (),
) -> Check:
    """``Check(status, detail, facts, missing, excluded)`` (``facts`` None: a new empty dict, as
    the field's default): the same object, its slots filled without attrs' frozen ``__init__``
    (an ``object.__setattr__`` call per field); the engine's tests make tens per transfer.

    >>> make_check("unknown", "not known", {"x": None}, ("x",)) == Check(
    ...     "unknown", "not known", {"x": None}, ("x",))
    True
    """
    if facts is None:
        facts = {}
    setters = _CHECK_SETTERS
    if setters is None:  # pragma: no cover - the class as written is filled by its slots
        return Check(status, detail, facts, missing, excluded)
    made: Check = _NEW(Check)
    set_status, set_detail, set_facts, set_missing, set_excluded = setters
    set_status(made, status)
    set_detail(made, detail)
    set_facts(made, facts)
    set_missing(made, missing)
    set_excluded(made, excluded)
    return made


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
