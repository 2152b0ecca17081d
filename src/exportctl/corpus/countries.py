"""Countries and their dated memberships: NATO, EU, the ITAR country sets, § 126.1, EAR tables.

Membership questions are asked *as of a date*: Sweden is not in NATO on 2024-03-06 and is on
2024-03-07.  A set whose source carries no dates (the EU-27 list) only answers for dates inside
its coverage; before that it raises :class:`OutsideCoverage` rather than guess.

Every set and every § 126.1 status is a :class:`~exportctl.core.dated.Dated` value (one version
per accession, suspension or end of a suspension), resolved by the one resolver
(:meth:`~exportctl.core.dated.Dated.at`).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Literal

import attrs

from exportctl.core.dated import Dated, OutsideCoverage, Version

__all__ = [
    "Countries",
    "Country",
    "CountryProfile",
    "CountrySet",
    "Membership",
    "OutsideCoverage",
    "ProscribedStatus",
    "UnknownCountry",
    "countries_from_data",
]


class UnknownCountry(LookupError):
    """Not an ISO 3166-1 alpha-2 code (or name) that the data knows."""


@attrs.frozen
class Country:
    iso2: str
    name: str
    official_name: str
    ear_name: str | None


@attrs.frozen
class Membership:
    iso2: str
    since: dt.date | None


@attrs.frozen
class CountrySet:
    """A set of countries named by a regulation or a treaty, possibly built from other sets."""

    key: str
    title: str
    citation: str | None
    source: str
    coverage_from: dt.date | None
    members: tuple[Membership, ...]
    union_of: tuple[str, ...]
    quote: str | None
    since: dt.date | None


@attrs.frozen
class ProscribedStatus:
    """Where a country stands under 22 CFR 126.1 on a date."""

    iso2: str
    status: Literal["policy_of_denial", "country_specific", "suspended", "not_listed"]
    citation: str
    detail: str | None = None
    #: What the data cannot tell on that date (e.g. whether a dated suspension was renewed).
    warnings: tuple[str, ...] = ()


@attrs.frozen
class CountryProfile:
    """Everything the data says about one country on one date."""

    country: Country
    as_of: dt.date
    memberships: tuple[str, ...]
    nato_since: dt.date | None
    itar_126_1: ProscribedStatus
    ear_country_groups: tuple[str, ...]
    country_chart_marks: tuple[str, ...]
    country_chart_footnotes: tuple[int, ...]
    warnings: tuple[str, ...]


_ISO2 = re.compile(r"[A-Za-z]{2}")


def _date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


@attrs.frozen(eq=False)
class Countries:
    countries: tuple[Country, ...]
    sets: dict[str, CountrySet] = attrs.field(repr=False)
    raw: dict[str, Any] = attrs.field(repr=False)
    _by_code: dict[str, Country] = attrs.field(repr=False)
    #: Each set's members, dated (union sets resolved).
    memberships: dict[str, Dated[frozenset[str]]] = attrs.field(repr=False)
    #: Each § 126.1(d) country's status, dated (suspensions and their ends).
    itar_126_1: dict[str, Dated[ProscribedStatus]] = attrs.field(repr=False)

    def get(self, code_or_name: str) -> Country:
        key = code_or_name.strip()
        # A code is two ASCII letters: str.upper() would map "uſ" to "US" and "ß" to "SS".
        found = self._by_code.get(key.upper()) if _ISO2.fullmatch(key) else None
        if found:
            return found
        lowered = key.lower()
        for c in self.countries:
            if lowered in (c.name.lower(), c.official_name.lower(), (c.ear_name or "").lower()):
                return c
        raise UnknownCountry(
            f"{code_or_name!r} is not a country code or name the data knows; use an ISO 3166-1 "
            f"alpha-2 code such as 'GB' or 'AU'"
        )

    def membership(self, key: str) -> Dated[frozenset[str]]:
        """The members of set ``key`` as a dated value (one version per change)."""
        dated = self.memberships.get(key)
        if dated is None:
            raise KeyError(f"no country set {key!r}; known sets: {sorted(self.sets)}")
        return dated

    def members(self, key: str, as_of: dt.date) -> frozenset[str]:
        """The ISO codes in set ``key`` on ``as_of``."""
        return self.membership(key).value_at(as_of)

    def is_member(self, iso2: str, key: str, as_of: dt.date) -> bool:
        return self.get(iso2).iso2 in self.members(key, as_of)

    def proscribed_status(self, iso2: str, as_of: dt.date) -> ProscribedStatus:
        code = self.get(iso2).iso2
        dated = self.itar_126_1.get(code)
        if dated is None:
            return ProscribedStatus(code, "not_listed", "22 CFR 126.1(d)")
        return dated.value_at(as_of)

    def profile(self, code_or_name: str, as_of: dt.date) -> CountryProfile:
        country = self.get(code_or_name)
        memberships = []
        warnings = []
        for key in sorted(self.sets):
            try:
                if country.iso2 in self.members(key, as_of):
                    memberships.append(key)
            except OutsideCoverage as exc:
                warnings.append(str(exc))
        nato_since = next(
            (m.since for m in self.sets["nato"].members if m.iso2 == country.iso2), None
        )
        itar_126_1 = self.proscribed_status(country.iso2, as_of)
        warnings.extend(itar_126_1.warnings)
        groups = self.raw["ear_country_groups"]["groups"]
        chart = self.raw["ear_country_chart"]["countries"].get(country.iso2, {})
        return CountryProfile(
            country=country,
            as_of=as_of,
            memberships=tuple(memberships),
            nato_since=nato_since if nato_since and nato_since <= as_of else None,
            itar_126_1=itar_126_1,
            ear_country_groups=tuple(g for g, members in groups.items() if country.iso2 in members),
            country_chart_marks=tuple(chart.get("marks", ())),
            country_chart_footnotes=tuple(chart.get("footnotes", ())),
            warnings=tuple(warnings),
        )


def _set(key: str, raw: dict[str, Any]) -> CountrySet:
    members = raw.get("members") or [{"iso2": c, "since": None} for c in raw.get("named", [])]
    return CountrySet(
        key=key,
        title=raw["title"],
        citation=raw.get("citation"),
        source=raw["source"],
        coverage_from=_date(raw.get("coverage_from")),
        members=tuple(Membership(m["iso2"], _date(m["since"])) for m in members),
        union_of=tuple(raw.get("union_of", ())),
        quote=raw.get("quote"),
        since=_date(raw.get("since")),
    )


def _dated_sets(sets: dict[str, CountrySet]) -> dict[str, Dated[frozenset[str]]]:
    """Every set as a dated value: a version on each date a member joins (or the set, or one of
    the sets it is the union of, begins); the union sets resolved."""
    out: dict[str, Dated[frozenset[str]]] = {}

    def build(key: str) -> Dated[frozenset[str]]:
        if key in out:
            return out[key]
        cset = sets[key]
        bases = [build(b) for b in cset.union_of]
        coverage = max(
            (d for d in (cset.coverage_from, *(b.coverage_from for b in bases)) if d is not None),
            default=None,
        )
        dates = {m.since for m in cset.members if m.since is not None}
        dates |= {d for b in bases for d in b.changes()}
        if cset.since is not None:
            dates.add(cset.since)

        def on(day: dt.date | None) -> frozenset[str]:
            if cset.since is not None and (day is None or day < cset.since):
                return frozenset()
            found = {
                m.iso2 for m in cset.members if m.since is None or (day and m.since <= day)
            }
            for b in bases:
                version = next(
                    (v for v in reversed(b.versions) if v.effective_from is None
                     or (day is not None and v.effective_from <= day)),
                    None,
                )
                if version is not None:
                    found |= version.value
            return frozenset(found)

        reference = cset.citation or cset.source
        versions = [Version(None, on(None), reference)]
        versions += [Version(d, on(d), reference) for d in sorted(dates)]
        out[key] = Dated(cset.title, tuple(versions), coverage)
        return out[key]

    for key in sets:
        build(key)
    return out


def _dated_126_1(policy: dict[str, Any]) -> dict[str, Dated[ProscribedStatus]]:
    """Each § 126.1(d) country's status as a dated value: (d)(1) a policy of denial throughout;
    (d)(2) its paragraph, suspended in each dated window, and past the last window the policy
    again — with a warning that a renewal would not be in the data (fail closed)."""
    out: dict[str, Dated[ProscribedStatus]] = {}
    for c in policy["d1"]["countries"]:
        status = ProscribedStatus(c["iso2"], "policy_of_denial", "22 CFR 126.1(d)(1)")
        out[c["iso2"]] = Dated.constant(f"22 CFR 126.1: {c['name']}", status, "22 CFR 126.1(d)(1)")
    for c in policy["d2"]["countries"]:
        citation = "22 CFR " + c["para"]
        detail = c.get("case_by_case") or c.get("scope")
        base = ProscribedStatus(c["iso2"], "country_specific", citation, detail)
        versions: list[Version[ProscribedStatus]] = [Version(None, base, citation)]
        windows = sorted(
            (_date(w["from"]), _date(w["to"]), w) for w in c.get("suspensions", ())
        )
        for n, (start, end, window) in enumerate(windows):
            if start is None or end is None:
                continue
            versions.append(
                Version(
                    start,
                    ProscribedStatus(
                        c["iso2"],
                        "suspended",
                        citation,
                        f"suspended {start} to {end} ({window['status']})",
                    ),
                    window.get("text", citation),
                )
            )
            following = windows[n + 1][0] if n + 1 < len(windows) else None
            if following is not None and following == end + dt.timedelta(days=1):
                continue
            last = n + 1 == len(windows)
            warnings = (
                (
                    f"{citation}: the suspension of the policy of denial for {c['name']} is known "
                    f"through {end} only; a renewal after that date is not in the data, so "
                    f"{c['name']} is read as proscribed (check the current 22 CFR 126.1)",
                )
                if last
                else ()
            )
            versions.append(
                Version(
                    end + dt.timedelta(days=1),
                    attrs.evolve(base, warnings=warnings),
                    f"end of the suspension {start} to {end}",
                )
            )
        out[c["iso2"]] = Dated(f"22 CFR 126.1: {c['name']}", tuple(versions))
    return out


def countries_from_data(raw: dict[str, Any]) -> Countries:
    """Countries, sets and § 126.1 statuses from their bundled JSON form (``countries.json``)."""
    countries = tuple(
        Country(c["iso2"], c["name"], c["official_name"], c.get("ear_name"))
        for c in raw["countries"]
    )
    sets = {k: _set(k, v) for k, v in raw["sets"].items()}
    return Countries(
        countries,
        sets,
        raw,
        {c.iso2: c for c in countries},
        _dated_sets(sets),
        _dated_126_1(raw["itar_126_1"]),
    )
