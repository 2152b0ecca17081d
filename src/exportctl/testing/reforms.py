"""Hypothesis strategies for policy changes: laws on dates, reforms, and (baseline, reform) pairs
(see :mod:`exportctl.testing` and docs/testing-kit.md).

* :func:`laws` — the bundled law on a date the data covers, most often a date on which something
  changes (an edition of the USML or the CCL, a version of § 126.7, a NATO accession) or the day
  before it.
* :func:`reform_operations` — one change of the law that fits it: ETL or Supp. No. 1 rows
  removed, a § 123.15 amount changed, countries added to or removed from a country set or an
  exemption's territory, a USML paragraph moved to an ECCN paragraph, a release removed, an
  exemption removed or the bundled NATO-parity exemption added.
* :func:`reforms` — a :class:`~exportctl.corpus.reforms.Reform` of one to a few such changes (or,
  now and then, a bundled scenario), every change checked against the law it is drawn for.
* :func:`reform_pairs` — ``(baseline, reformed)``: a law on a date and the same law reformed.

Every reference a change names is real (rows, paragraphs, ECCN paragraphs, countries, sets,
amounts of the bundled data), so every drawn reform applies; ``usml=`` steers the paragraphs
moved towards those a test's items name, so that a relocation meets the items it is about.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from functools import lru_cache

from hypothesis import strategies as st

from exportctl.core.comparators import COMPARATORS
from exportctl.core.dated import OutsideCoverage
from exportctl.corpus.law import Law, law
from exportctl.corpus.references import ECCNRef, USMLRef
from exportctl.corpus.reforms import (
    ChangeAmount,
    ChangeRelease,
    CountrySetChange,
    Operation,
    Reform,
    ReformError,
    RelocateUSML,
    RemoveExemption,
    RemoveRows,
    Source,
    TerritoryChange,
    bundled_reform,
    bundled_reforms,
)
from exportctl.testing.items import _choice

__all__ = [
    "GENERATED_SOURCE",
    "change_dates",
    "laws",
    "reform_operations",
    "reform_pairs",
    "reforms",
]

#: The source every generated reform names (it is a test's hypothesis, not a proposal).
GENERATED_SOURCE = Source(
    document="exportctl.testing.reforms (a generated reform for a property-based test)",
    page="-",
    quote="generated",
)

#: The last date the strategies draw (the data's text goes up to 2026-07-23 for the CCL).
_LAST = dt.date(2026, 12, 31)


@lru_cache(maxsize=4)
def _coverage(key: str, base: Law) -> tuple[dt.date, tuple[dt.date, ...]]:
    """The first date every edition covers, and the dates something changes (with the day
    before each), within the coverage."""
    statutes = base.statutes
    start = max(v.versions[0].effective_from or dt.date.min for v in statutes.edition_info.values())
    days: set[dt.date] = set()
    for dated in statutes.editions.values():
        days.update(dated.changes())
    for exemption in base.exemptions:
        days.update(exemption.versions.changes())
    for key_ in ("nato", "eu"):
        days.update(base.countries.membership(key_).changes())
    around = {d + dt.timedelta(days=k) for d in days for k in (-1, 0)}
    return start, tuple(sorted(d for d in around if start <= d <= _LAST))


def change_dates(base: Law | None = None) -> tuple[dt.date, ...]:
    """The dates the data covers on which something changes, and the day before each."""
    bundled = base if base is not None else law()
    return _coverage(bundled.id, bundled)[1]


def laws(dates: Iterable[dt.date | str] | None = None) -> st.SearchStrategy[Law]:
    """The bundled law on a date: one of ``dates``, or (default) a date the data covers — most
    often one on which something changes or the day before it.

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=10, database=None)
    ... @given(laws())
    ... def check(law):
    ...     assert law.edition("usml").effective_from <= law.as_of
    >>> check()
    """
    if dates is not None:
        chosen = tuple(law(d) for d in dates)
        if not chosen:
            raise ValueError("dates is empty")
        return _choice(chosen)
    today = law()
    start, changes = _coverage(today.id, today)
    anyday = st.dates(min_value=start, max_value=_LAST)
    return st.one_of(_choice(changes), anyday).map(lambda day: today.at(day))


# --------------------------------------------------------------------------------------------
# Operations


@lru_cache(maxsize=8)
def _pools(
    key: str, base: Law
) -> tuple[tuple[USMLRef, ...], tuple[ECCNRef, ...], tuple[ECCNRef, ...]]:
    """Paragraphs a relocation may move (articles only, or technical data only), and 600-series
    and 9x515 item paragraphs to move articles and technology to."""
    movable = tuple(
        p.ref
        for p in base.usml.paragraphs
        if not p.reserved
        and not p.is_x_paragraph
        and p.range_end is None
        and (p.is_technical_data or not p.describes_technical_data)
    )
    articles: list[ECCNRef] = []
    technology: list[ECCNRef] = []
    for entry in base.ccl.eccns:
        if not (entry.is_600_series or entry.is_9x515) or entry.subject_to_itar_placeholder:
            continue
        for item in entry.items:
            if item.reserved:
                continue
            (technology if item.ref.product_group == "E" else articles).append(item.ref)
    return movable, tuple(articles), tuple(technology)


@st.composite
def _relocation(draw: st.DrawFn, base: Law, usml: tuple[USMLRef, ...]) -> Operation:
    movable, articles, technology = _pools(base.id, base)
    focus = tuple(r for r in usml if r in set(movable))
    use_focus = bool(focus) and draw(st.booleans())
    ref = draw(st.sampled_from(focus if use_focus else movable))
    target = draw(st.sampled_from(technology if base.usml.get(ref).is_technical_data else articles))
    return RelocateUSML(str(ref), str(target))


@st.composite
def _rows(draw: st.DrawFn, base: Law, supplement: str) -> Operation:
    table = base.etl if supplement == "etl" else base.supp1
    if not table.rows or draw(_choice((False, False, False, True))):
        return RemoveRows(supplement, "all")
    ids = [r.id for r in table.rows]
    chosen = draw(st.lists(_choice(tuple(ids)), min_size=1, max_size=min(6, len(ids)), unique=True))
    return RemoveRows(supplement, tuple(chosen))


@st.composite
def _amount(draw: st.DrawFn, base: Law) -> Operation:
    key = draw(_choice(tuple(base.exemptions.amounts)))
    row = draw(st.sampled_from(base.exemptions.amounts[key]["rows"]))
    amount = draw(st.sampled_from(row["amounts"]))
    value = draw(st.one_of(st.integers(0, 200_000_000), _choice((0, 1, amount["amount"] // 2))))
    comparator = draw(st.one_of(st.none(), _choice(tuple(sorted(COMPARATORS)))))
    return ChangeAmount(key, row["id"], amount["applies_to"], value, comparator)


def _own(base: Law, key: str) -> tuple[str, ...]:
    raw = base.countries.raw["sets"][key]
    members = raw.get("members") or [{"iso2": c} for c in raw.get("named", [])]
    return tuple(sorted(m["iso2"] for m in members))


#: Countries a change adds (NATO partners, AUKUS hopefuls, § 126.1 countries: China, Russia).
_ADDABLE = ("JP", "NZ", "KR", "CA", "SE", "FI", "IN", "SG", "IL", "CN", "RU", "AU", "US", "GB")


@st.composite
def _set_change(draw: st.DrawFn, base: Law) -> Operation:
    keys = tuple(k for k in sorted(base.countries.sets) if _own(base, k))
    key = draw(_choice(keys))
    own = _own(base, key)
    remove = draw(st.lists(_choice(own), max_size=3, unique=True))
    add = draw(
        st.lists(_choice(tuple(c for c in _ADDABLE if c not in own)), max_size=3, unique=True)
    )
    if not add and not remove:
        remove = [own[0]]
    return CountrySetChange(key, tuple(add), tuple(remove))


def _territories(base: Law) -> tuple[str, ...]:
    return tuple(
        e.key
        for e in base.exemptions
        if any(r.test == "territory" for v in e.versions.versions for r in v.value.requirements)
    )


@st.composite
def _territory(draw: st.DrawFn, base: Law) -> Operation:
    key = draw(st.sampled_from(_territories(base)))
    exemption = base.exemptions.get(key)
    sets = {
        r["country_set"]
        for v in exemption.versions.versions
        for r in v.value.requirements
        if r.test == "territory"
    }
    own = _own(base, sorted(sets)[0])
    remove = draw(st.lists(st.sampled_from(own), max_size=2, unique=True)) if own else []
    add = draw(
        st.lists(st.sampled_from([c for c in _ADDABLE if c not in own]), max_size=3, unique=True)
    )
    if not add and not remove:
        add = [next(c for c in _ADDABLE if c not in own)]
    return TerritoryChange(key, tuple(add), tuple(remove))


def _releases(base: Law) -> tuple[tuple[str, str], ...]:
    return tuple(
        (regime, r.id)
        for regime, rules in (("itar", base.ruleset.itar), ("ear", base.ruleset.ear))
        for r in rules.releases
    )


@st.composite
def _release(draw: st.DrawFn, base: Law) -> Operation:
    regime, release = draw(st.sampled_from(_releases(base)))
    return ChangeRelease(regime, release, remove=True)


def reform_operations(
    base: Law | None = None, *, usml: Sequence[USMLRef] = ()
) -> st.SearchStrategy[Operation]:
    """One change that fits ``base`` (default: the bundled law today): ETL or Supp. No. 1 rows
    removed, a § 123.15 amount, a country set, an exemption's territory, a USML paragraph moved
    to a 600-series or 9x515 paragraph (half the time one of ``usml`` when given), a release
    removed, an exemption removed, or the NATO-parity exemption of the bundled scenario added."""
    bundled = base if base is not None else law()
    focus = tuple(usml)
    parity = [] if "126.7-nato" in bundled.exemptions.keys else list(_parity(law()).operations)
    options: list[st.SearchStrategy[Operation]] = [
        _rows(bundled, "etl"),
        _rows(bundled, "supp1"),
        _amount(bundled),
        _set_change(bundled),
        _relocation(bundled, focus),
    ]
    if _territories(bundled):
        options.append(_territory(bundled))
    if _releases(bundled):
        options.append(_release(bundled))
    if len(bundled.exemptions):
        options.append(st.sampled_from([RemoveExemption(e.key) for e in bundled.exemptions]))
    if parity:
        options.append(st.sampled_from(parity))
    return st.one_of(options)


@lru_cache(maxsize=8)
def _parity(today: Law) -> Reform:
    """The bundled NATO-parity scenario, read against ``today`` (kept per law)."""
    return bundled_reform("nato-aukus-parity", today)


@st.composite
def _reforms(
    draw: st.DrawFn, base: Law, max_operations: int, usml: tuple[USMLRef, ...], scenarios: bool
) -> Reform:
    if scenarios and draw(_choice((False,) * 5 + (True,))):
        return bundled_reform(draw(_choice(bundled_reforms())), base)
    n = draw(st.integers(1, max_operations))
    name = f"generated-{draw(st.integers(1, 9999))}"
    current = base
    chosen: list[Operation] = []
    for _ in range(n):
        op = draw(reform_operations(current, usml=usml))
        try:
            op.validate(current)
            current = op.apply(current, name)
        except ReformError:
            continue  # e.g. a second change of a row the first removed
        chosen.append(op)
    if not chosen:
        chosen.append(RemoveRows("etl", "all"))
    return Reform(name, "A generated reform", GENERATED_SOURCE, tuple(chosen), illustrative=True)


def reforms(
    base: Law | None = None,
    *,
    max_operations: int = 3,
    usml: Iterable[USMLRef] = (),
    scenarios: bool = True,
) -> st.SearchStrategy[Reform]:
    """A reform that fits ``base`` (default: the bundled law today): one to ``max_operations``
    changes drawn by :func:`reform_operations`, each checked against the law the ones before it
    left — or, now and then (``scenarios``), one of the bundled scenarios.

    >>> from hypothesis import given, settings
    >>> import exportctl
    >>> today = exportctl.law("2026-01-15")
    >>> @settings(max_examples=10, database=None)
    ... @given(reforms(today))
    ... def check(reform):
    ...     assert reform.apply(today).id != today.id
    >>> check()
    """
    bundled = base if base is not None else law()
    return _reforms(bundled, max_operations, tuple(usml), scenarios)


@st.composite
def _pairs(
    draw: st.DrawFn, bases: st.SearchStrategy[Law], max_operations: int, usml: tuple[USMLRef, ...]
) -> tuple[Law, Law]:
    base = draw(bases)
    try:
        base.edition("usml")
    except OutsideCoverage:  # pragma: no cover - laws() draws covered dates only
        base = law()
    reform = draw(reforms(base, max_operations=max_operations, usml=usml))
    return base, reform.apply(base)


def reform_pairs(
    bases: st.SearchStrategy[Law] | None = None,
    *,
    max_operations: int = 3,
    usml: Iterable[USMLRef] = (),
) -> st.SearchStrategy[tuple[Law, Law]]:
    """``(baseline, reformed)``: a law (drawn from ``bases``, default :func:`laws`) and the
    same law with a drawn reform applied — the reformed law on the same date, with its own id.

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=10, database=None)
    ... @given(reform_pairs())
    ... def check(pair):
    ...     baseline, reformed = pair
    ...     assert reformed.as_of == baseline.as_of and reformed.id != baseline.id
    >>> check()
    """
    return _pairs(bases if bases is not None else laws(), max_operations, tuple(usml))
