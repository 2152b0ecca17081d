"""Comparators as the regulations write them ("$14,000,000 or more", "exceeds $500,000"), and
what each means.  The data names the words; the data build checks that the words and the amount
stand in the quote; the engine compares with the one meaning given here.

>>> compare(1_000_000, 1_000_000, "or more"), compare(1_000_000, 1_000_000, "exceeds")
(True, False)
"""

from __future__ import annotations

import operator
from collections.abc import Callable

__all__ = ["COMPARATORS", "compare"]

#: The words, and whether a value meets the amount.
COMPARATORS: dict[str, Callable[[int, int], bool]] = {
    "or more": operator.ge,
    "at least": operator.ge,
    "exceeds": operator.gt,
    "in excess of": operator.gt,
    "does not exceed": operator.le,
    "not exceeding": operator.le,
    "less than": operator.lt,
}


def compare(value: int, amount: int, comparator: str) -> bool:
    """Does ``value`` meet ``amount`` as the words ``comparator`` say?"""
    try:
        return COMPARATORS[comparator](value, amount)
    except KeyError:
        known = ", ".join(sorted(COMPARATORS))
        raise ValueError(f"unknown comparator {comparator!r}; known: {known}") from None
