"""Caches keyed by a row's values, kept to what repeats.

A cache keyed by what a row says (its cells, its fact pattern, the other candidates it names)
meets a new key on almost every row of a file of distinct rows.  Kept at once, such entries fill
the cache slowly, over hundreds of thousands of rows, and the memory of a run grows with the
number of rows until the cache's cap is reached.  :class:`SecondSight` keeps an entry only the
second time its key is met, so a file of distinct rows keeps (almost) nothing, and a repeated
pattern is kept from its second row on.  What is kept never changes a result: a key not kept
is decided again.

:func:`kept_for` keeps what is worked out of a law alone (a table, a plan, a status read on the
law's date) once per law, for a bounded number of laws."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, TypeVar

V = TypeVar("V")


class SecondSight:
    """Whether a key was met before, among the last ``size`` keys met for the first time.

    Only the keys' hashes are kept (a few dozen bytes each, however large the key): two keys
    with the same hash count as one, so the second of them is kept at its first sight, which
    changes what a cache keeps, never what it gives."""

    __slots__ = ("_seen", "size")

    def __init__(self, size: int) -> None:
        self.size = size
        self._seen: set[int] = set()

    def again(self, key: Hashable) -> bool:
        """True if ``key`` was met before (keep its entry now); else remember it, False."""
        h = hash(key)
        seen = self._seen
        if h in seen:
            return True
        if len(seen) >= self.size:
            seen.clear()
        seen.add(h)
        return False

    def __len__(self) -> int:
        return len(self._seen)


def empty_table(owner: Any) -> dict[Any, Any]:
    """A new, empty table for ``owner`` (what :func:`kept_for` keeps when a law's table is filled
    key by key)."""
    return {}


def kept_for(
    store: dict[int, tuple[Any, V]], owner: Any, make: Callable[[Any], V], size: int = 64
) -> V:
    """What ``make(owner)`` gives, worked out once per owner (a :class:`~exportctl.corpus.law.Law`,
    most often) and kept in ``store`` by the owner's identity, with the owner, so an id is never
    reused while it is here; at most ``size`` owners (the store is emptied when full)."""
    kept = store.get(id(owner))
    if kept is None or kept[0] is not owner:
        if len(store) >= size:
            store.clear()
        kept = store[id(owner)] = (owner, make(owner))
    return kept[1]
