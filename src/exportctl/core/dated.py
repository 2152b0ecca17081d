"""One shape for everything that changes with time, and one resolver.

A :class:`Dated` value is a sequence of :class:`Version` s, each keyed by the date it takes effect
and carrying the reference that made it take effect (a Federal Register document, a paragraph, an
edition of the eCFR).  A version is in force from its ``effective_from`` until the day before the
next one takes effect.  Rule versions (22 CFR 126.7: none, interim final rule, final rule), the
editions of the USML and the CCL, amounts, memberships of country sets (NATO accessions) and
suspensions (22 CFR 126.1(r)) are all dated values resolved by :meth:`Dated.at`.

A date before the value's coverage is refused with :class:`OutsideCoverage`, never answered with
a later version:

>>> import datetime as dt
>>> nato_se = Dated("SE in NATO", (Version(None, False, "not a member"),
...                                Version(dt.date(2024, 3, 7), True, "accession")))
>>> nato_se.value_at(dt.date(2024, 3, 6)), nato_se.value_at(dt.date(2024, 3, 7))
(False, True)
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Generic, TypeVar

import attr  # attrs' frozen and field, without importing the attrs package (start-up)

from exportctl.core.lazy import fields_repr

if TYPE_CHECKING:
    import datetime as dt
else:  # the C types ``datetime`` re-exports, without first running its Python twin (start-up;
    try:  # ``import datetime`` does just this from Python 3.12 on)
        import _datetime as dt
    except ImportError:  # pragma: no cover - an interpreter without the C module
        import datetime as dt

try:  # the C function ``bisect.bisect_right`` is, without the module's Python set-up (start-up)
    from _bisect import bisect_right
except ImportError:  # pragma: no cover - an interpreter without the C module
    from bisect import bisect_right

__all__ = ["Dated", "OutsideCoverage", "Version"]

T = TypeVar("T")
U = TypeVar("U")

_ONE_DAY = dt.timedelta(days=1)


class OutsideCoverage(LookupError):
    """The data cannot answer for that date (before the earliest version or edition it holds)."""


@attr.frozen
class Version(Generic[T]):
    """One value of a dated value, in force from ``effective_from`` (``None``: from the start of
    the value's coverage)."""

    __repr__ = fields_repr  # attrs' repr, not compiled for this class (start-up)

    effective_from: dt.date | None
    value: T
    reference: str = ""
    label: str = ""


def _check_order(
    instance: Dated[object], attribute: object, versions: tuple[Version[object], ...]
) -> None:
    if not versions:
        raise ValueError(f"{instance.name}: a dated value needs at least one version")
    dates = [v.effective_from for v in versions]
    if any(d is None for d in dates[1:]):
        raise ValueError(f"{instance.name}: only the first version may have no start date")
    known = [d for d in dates if d is not None]
    if any(a >= b for a, b in itertools.pairwise(known)):
        raise ValueError(f"{instance.name}: versions must take effect on increasing dates")


@attr.frozen
class Dated(Generic[T]):
    """A value keyed by the dates its versions take effect, with one resolver (:meth:`at`)."""

    __repr__ = fields_repr  # attrs' repr, not compiled for this class (start-up)

    name: str
    versions: tuple[Version[T], ...] = attr.field(validator=_check_order)
    coverage_from: dt.date | None = None
    #: What one version is called in messages ("version", "edition").
    noun: str = "version"

    @property
    def _starts(self) -> list[dt.date]:
        return [v.effective_from or dt.date.min for v in self.versions]

    def index_at(self, on: dt.date) -> int:
        """The position of the version in force on ``on``."""
        if self.coverage_from is not None and on < self.coverage_from:
            raise OutsideCoverage(
                f"{self.name}: the data covers dates from {self.coverage_from} only; it cannot "
                f"answer for {on}"
            )
        position = bisect_right(self._starts, on) - 1
        if position < 0:
            first = self.versions[0].effective_from
            raise OutsideCoverage(
                f"{self.name}: the earliest {self.noun} in the data takes effect on {first}; "
                f"it cannot answer for {on} (the data holds no earlier text)"
            )
        return position

    def at(self, on: dt.date) -> Version[T]:
        """The version in force on ``on``."""
        return self.versions[self.index_at(on)]

    def value_at(self, on: dt.date) -> T:
        return self.at(on).value

    def effective_until(self, version: Version[T]) -> dt.date | None:
        """The last day ``version`` is in force (``None``: still in force)."""
        position = self.versions.index(version)
        if position + 1 == len(self.versions):
            return None
        following = self.versions[position + 1].effective_from
        assert following is not None
        return following - _ONE_DAY

    def between(self, start: dt.date, end: dt.date) -> tuple[Version[T], ...]:
        """Every version in force on some day from ``start`` to ``end`` (inclusive), in order."""
        if end < start:
            start, end = end, start
        first = self.index_at(start)
        last = self.index_at(end)
        return self.versions[first : last + 1]

    def changes(self) -> Iterator[dt.date]:
        """The dates on which a new version takes effect."""
        for version in self.versions:
            if version.effective_from is not None:
                yield version.effective_from

    def map(self, func: Callable[[T], U], name: str | None = None) -> Dated[U]:
        """The same dates with each value transformed (e.g. a reform applied to every edition)."""
        return Dated(
            name or self.name,
            tuple(
                Version(v.effective_from, func(v.value), v.reference, v.label)
                for v in self.versions
            ),
            self.coverage_from,
            self.noun,
        )

    @classmethod
    def constant(cls, name: str, value: T, reference: str = "") -> Dated[T]:
        """A value that has not changed within the data's coverage."""
        return cls(name, (Version(None, value, reference),))
