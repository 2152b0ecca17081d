"""Countries and their dated memberships: NATO, EU, the ITAR country sets, § 126.1, EAR tables.

Membership questions are asked *as of a date*: Sweden is not in NATO on 2024-03-06 and is on
2024-03-07.  A set whose source carries no dates (the EU-27 list) only answers for dates inside
its coverage; before that it raises :class:`OutsideCoverage` rather than guess.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from typing import Any, Literal

import attrs

from exportctl.law.bundle import load_json

__all__ = [
    "Countries",
    "Country",
    "CountryProfile",
    "CountrySet",
    "Membership",
    "OutsideCoverage",
    "ProscribedStatus",
    "UnknownCountry",
    "load_countries",
]


class UnknownCountry(LookupError):
    """Not an ISO 3166-1 alpha-2 code (or name) that the data knows."""


class OutsideCoverage(LookupError):
    """The data cannot answer for that date (e.g. the EU list before its coverage starts)."""


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

    def members(self, key: str, as_of: dt.date) -> frozenset[str]:
        """The ISO codes in set ``key`` on ``as_of``."""
        cset = self.sets.get(key)
        if cset is None:
            raise KeyError(f"no country set {key!r}; known sets: {sorted(self.sets)}")
        if cset.since and as_of < cset.since:
            return frozenset()
        out: set[str] = set()
        for base in cset.union_of:
            out |= self.members(base, as_of)
        if cset.coverage_from and as_of < cset.coverage_from:
            raise OutsideCoverage(
                f"the {cset.title} list covers dates from {cset.coverage_from} only; "
                f"it cannot answer for {as_of}"
            )
        out |= {m.iso2 for m in cset.members if m.since is None or m.since <= as_of}
        return frozenset(out)

    def is_member(self, iso2: str, key: str, as_of: dt.date) -> bool:
        return self.get(iso2).iso2 in self.members(key, as_of)

    def proscribed_status(self, iso2: str, as_of: dt.date) -> ProscribedStatus:
        code = self.get(iso2).iso2
        policy = self.raw["itar_126_1"]
        for c in policy["d1"]["countries"]:
            if c["iso2"] == code:
                return ProscribedStatus(code, "policy_of_denial", "22 CFR 126.1(d)(1)")
        for c in policy["d2"]["countries"]:
            if c["iso2"] != code:
                continue
            ends = []
            for window in c.get("suspensions", []):
                start, end = _date(window["from"]), _date(window["to"])
                if start and end and start <= as_of <= end:
                    return ProscribedStatus(
                        code,
                        "suspended",
                        "22 CFR " + c["para"],
                        f"suspended {start} to {end} ({window['status']})",
                    )
                if end:
                    ends.append(end)
            detail = c.get("case_by_case") or c.get("scope")
            warnings: tuple[str, ...] = ()
            if ends and as_of > max(ends):
                # Fail closed: past the last suspension the data knows, the policy of denial
                # stands; say that a renewal would not be in the data.
                warnings = (
                    f"22 CFR {c['para']}: the suspension of the policy of denial for {c['name']} "
                    f"is known through {max(ends)} only; a renewal after that date is not in the "
                    f"data, so on {as_of} {c['name']} is read as proscribed (check the current "
                    "22 CFR 126.1)",
                )
            return ProscribedStatus(
                code, "country_specific", "22 CFR " + c["para"], detail, warnings
            )
        return ProscribedStatus(code, "not_listed", "22 CFR 126.1(d)")

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


@lru_cache(maxsize=1)
def load_countries() -> Countries:
    raw = load_json("countries.json")
    countries = tuple(
        Country(c["iso2"], c["name"], c["official_name"], c.get("ear_name"))
        for c in raw["countries"]
    )
    sets = {k: _set(k, v) for k, v in raw["sets"].items()}
    return Countries(countries, sets, raw, {c.iso2: c for c in countries})
