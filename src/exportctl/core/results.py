"""Three-valued results: every test passes, fails, or stays unknown with the facts it still needs.

An unknown is never read as a pass or a fail.  :func:`combine` is the one rule for joining the
results of tests that must all hold (a requirement list, the conditions of an entry): any fail
fails, else any unknown is unknown, else pass.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Literal

import attrs

__all__ = ["Check", "Requirement", "Status", "combine", "first_missing"]

Status = Literal["pass", "fail", "unknown"]


@attrs.frozen
class Check:
    """What one test found: its status, why, the facts it read and the facts it still needs."""

    status: Status
    detail: str = ""
    facts: Mapping[str, Any] = attrs.field(factory=dict)
    missing: tuple[str, ...] = ()
    excluded: tuple[str, ...] = ()


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
