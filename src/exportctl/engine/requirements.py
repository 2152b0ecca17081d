"""The registry of named requirement tests an exemption's data may use.

A requirement in the data (``data/law/<regime>/<section>.json``) names a test (``"test":
"territory"``) and gives its parameters; the test reads the transfer and the law and returns a
three-valued :class:`~exportctl.core.results.Check` — pass, fail, or unknown with the facts still
needed.  The generic tests live here; a test that belongs to one paragraph lives in that
paragraph's module (``engine/itar/s126_7.py`` registers § 126.7(b)(2)'s ``parties``) and
registers itself with :func:`requirement_test`.  The data build refuses a test name this registry
does not know.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs

from exportctl.core.results import Check
from exportctl.corpus.exemptions import RequirementSpec
from exportctl.corpus.law import Law
from exportctl.engine.exclusions import RowMatch, applicable_matches, match_rows
from exportctl.inputs.transfers import Transfer

__all__ = [
    "REQUIREMENT_TESTS",
    "Context",
    "RequirementTest",
    "member",
    "requirement_test",
    "unknown_countries",
]


@attrs.define
class Context:
    """What the tests of one transfer share: the rows of each supplement read against it, read
    once (the ETL for § 126.7(b)(3), Supp. No. 1 for § 126.5)."""

    transfer: Transfer
    law: Law
    _rows: dict[tuple[str, str | None], tuple[RowMatch, ...]] = attrs.Factory(dict)

    def rows(self, supplement: str, column: str | None = None) -> tuple[RowMatch, ...]:
        key = (supplement, column)
        if key not in self._rows:
            table = {"etl": self.law.etl, "supp1": self.law.supp1}[supplement]
            self._rows[key] = match_rows(table, self.transfer, self.law.usml, column=column)
        return self._rows[key]

    def catching_rows(self, supplement: str, column: str | None = None) -> tuple[RowMatch, ...]:
        """The rows of :meth:`rows` that catch the transfer or may (caught True or None), read
        alone: the rows that cannot apply are not read (:func:`applicable_matches`)."""
        key = (f"{supplement}:catching", column)
        if key not in self._rows:
            table = {"etl": self.law.etl, "supp1": self.law.supp1}[supplement]
            self._rows[key] = applicable_matches(table, self.transfer, self.law.usml, column)
        return self._rows[key]


RequirementTest = Callable[[RequirementSpec, Transfer, Law, Context], Check]

#: Every test the data may name, by name.
REQUIREMENT_TESTS: dict[str, RequirementTest] = {}


def requirement_test(name: str) -> Callable[[RequirementTest], RequirementTest]:
    """Register a requirement test under the name the data uses."""

    def register(func: RequirementTest) -> RequirementTest:
        if name in REQUIREMENT_TESTS:
            raise ValueError(f"requirement test {name!r} is registered twice")
        REQUIREMENT_TESTS[name] = func
        return func

    return register


def unknown_countries(transfer: Transfer) -> list[str]:
    """The facts still needed to know every country the transfer touches."""
    missing = [
        f
        for f, v in (
            ("from_country", transfer.from_country),
            ("to_country", transfer.to_country),
            ("transit_countries", transfer.transit_countries),
            ("parties", transfer.parties),
        )
        if v is None
    ]
    if "parties" not in missing and any(p.country is None for p in transfer.parties or ()):
        missing.append("parties")
    return missing


def member(field: str, value: str | None, allowed: list[str], known: str) -> Check:
    """The value of ``field`` is one of ``allowed`` (unknown while the value is unknown)."""
    facts = {field: value}
    if value is None:
        return Check("unknown", f"the {known} is not known", facts, (field,))
    if value in allowed:
        return Check("pass", f"{value} is covered", facts)
    return Check("fail", f"{value} is not covered ({', '.join(allowed)})", facts)


@requirement_test("activity")
def _activity(req: RequirementSpec, t: Transfer, law: Law, ctx: Context) -> Check:
    """The activity is one the paragraph names (e.g. § 126.7(a): export, reexport, …)."""
    return member("activity", t.activity, req["activities"], "activity")


@requirement_test("destination")
def _destination(req: RequirementSpec, t: Transfer, law: Law, ctx: Context) -> Check:
    """The destination is one the paragraph names (e.g. § 126.5(b): Canada)."""
    return member("to_country", t.to_country, req["countries"], "destination")


@requirement_test("territory")
def _territory(req: RequirementSpec, t: Transfer, law: Law, ctx: Context) -> Check:
    """Every country the transfer touches lies in a dated country set (e.g. § 126.7(b)(1))."""
    allowed = law.members(req["country_set"])
    facts: dict[str, Any] = {"countries": list(t.countries())}
    outside = sorted({c for c in t.countries() if c is not None and c not in allowed})
    if outside:
        return Check(
            "fail", f"touches {', '.join(outside)}, outside {', '.join(sorted(allowed))}", facts
        )
    missing = unknown_countries(t)
    if missing:
        return Check("unknown", "not every country of the transfer is known", facts, tuple(missing))
    return Check("pass", f"all within {', '.join(sorted(allowed))}", facts)


@requirement_test("no_transit")
def _no_transit(req: RequirementSpec, t: Transfer, law: Law, ctx: Context) -> Check:
    """No third country is transited (e.g. § 126.5(b): "exports that transit third
    countries" are excepted)."""
    facts = {"transit_countries": t.transit_countries}
    if t.transit_countries is None:
        return Check("unknown", "transit is not known", facts, ("transit_countries",))
    if t.transit_countries:
        return Check("fail", f"transits {', '.join(t.transit_countries)}", facts)
    return Check("pass", "no transit of third countries", facts)


@requirement_test("not_on_supplement")
def _not_on_supplement(req: RequirementSpec, t: Transfer, law: Law, ctx: Context) -> Check:
    """No row of the supplement (the ETL, Supp. No. 1's column of the exemption) catches the
    article, data or service; a row that may catch it keeps the requirement open."""
    matches = ctx.catching_rows(req["supplement"], req.get("column"))
    caught = [m for m in matches if m.caught is True]
    unknown = [m for m in matches if m.caught is None]
    facts = {"usml_classification": str(t.usml_classification)}
    if caught:
        return Check(
            "fail",
            "caught by " + ", ".join(m.row.citation for m in caught),
            facts,
            excluded=tuple(m.row.id for m in caught),
        )
    if unknown:
        missing = tuple(dict.fromkeys(f for m in unknown for f in m.missing))
        return Check(
            "unknown", "open for " + ", ".join(m.row.citation for m in unknown), facts, missing
        )
    return Check("pass", "no row catches the transfer", facts)


@requirement_test("fact")
def _fact(req: RequirementSpec, t: Transfer, law: Law, ctx: Context) -> Check:
    """A yes/no (or named) fact has the value the paragraph requires."""
    value = t.answer(req["fact"])
    facts = {req["fact"]: value}
    if value is None:
        return Check("unknown", "not known", facts, (req["fact"],))
    return Check("pass" if value == req["equals"] else "fail", f"{req['fact']} = {value}", facts)


# The paragraphs' own tests register themselves when their modules are imported.
from exportctl.engine.itar import s120_16, s123_15, s126_1, s126_5, s126_7  # noqa: E402, F401
