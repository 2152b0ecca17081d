"""A dated, immutable snapshot of the bundled regulations: ``exportctl.regulations(as_of=...)``.

The snapshot names the data version (a content hash of the bundle) and the date it is asked for.
Every dataset carries the date its regulation text is "as of"; asking about a later date is
allowed but produces a warning per dataset, because later amendments are not in the data.
"""

from __future__ import annotations

import datetime as dt
from functools import cached_property
from typing import Any

import attrs

from exportctl.law.bundle import Manifest, load_json, manifest
from exportctl.law.ccl import ECCN, CommerceControlList, load_ccl
from exportctl.law.countries import Countries, CountryProfile, load_countries
from exportctl.law.references import USMLRef
from exportctl.law.supplements import Supplement, load_etl, load_supp1
from exportctl.law.usml import UnitedStatesMunitionsList, USMLParagraph, load_usml

__all__ = ["Regulations", "RuleVersion", "regulations"]


@attrs.frozen
class RuleVersion:
    id: str
    citation: str
    title: str
    effective_from: dt.date | None
    effective_until: dt.date | None
    status: str
    federal_register: str | None = None

    def in_force(self, on: dt.date) -> bool:
        after_start = self.effective_from is None or self.effective_from <= on
        before_end = self.effective_until is None or on <= self.effective_until
        return after_start and before_end


def _as_date(value: dt.date | str | None) -> dt.date:
    if value is None:
        return dt.date.today()
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise ValueError(f"as_of {value!r} is not a date; use YYYY-MM-DD, e.g. 2025-12-30") from exc


@attrs.frozen(eq=False)
class Regulations:
    """The regulations as bundled, looked at on one date."""

    as_of: dt.date
    manifest: Manifest

    @property
    def data_version(self) -> str:
        return self.manifest.data_version

    @property
    def horizon(self) -> dt.date:
        """The earliest "as of" date among the datasets: past it, some text may be stale."""
        return self.manifest.horizon

    @cached_property
    def warnings(self) -> tuple[str, ...]:
        out = []
        for f in self.manifest.files:
            if f.name == "MANIFEST.json":
                continue
            if self.as_of > f.as_of:
                out.append(
                    f"{f.name}: its regulation text is as of {f.as_of}; amendments after that "
                    f"date are not in the data (asked as of {self.as_of})"
                )
        return tuple(out)

    # Look-ups -------------------------------------------------------------------------------
    @property
    def usml(self) -> UnitedStatesMunitionsList:
        return load_usml()

    @property
    def ccl(self) -> CommerceControlList:
        return load_ccl()

    @property
    def etl(self) -> Supplement:
        return load_etl()

    @property
    def supp1(self) -> Supplement:
        return load_supp1()

    @property
    def countries(self) -> Countries:
        return load_countries()

    def usml_paragraph(self, ref: str | USMLRef) -> USMLParagraph:
        return self.usml.get(ref)

    def eccn(self, ref: str) -> ECCN:
        return self.ccl.get(ref)

    def country(self, code_or_name: str) -> CountryProfile:
        return self.countries.profile(code_or_name, self.as_of)

    def rule_versions(self, citation: str | None = None) -> tuple[RuleVersion, ...]:
        raw: list[dict[str, Any]] = load_json("regulations.json")["rules"]
        versions = tuple(
            RuleVersion(
                id=r["id"],
                citation=r["citation"],
                title=r["title"],
                effective_from=_as_date(r["effective_from"]) if r["effective_from"] else None,
                effective_until=_as_date(r["effective_until"]) if r["effective_until"] else None,
                status=r["status"],
                federal_register=r.get("federal_register"),
            )
            for r in raw
        )
        if citation is not None:
            versions = tuple(v for v in versions if v.citation == citation)
        return versions

    def rule_in_force(self, citation: str) -> RuleVersion:
        """The one version of a dated rule in force on the snapshot date."""
        matches = [v for v in self.rule_versions(citation) if v.in_force(self.as_of)]
        if len(matches) != 1:
            raise LookupError(
                f"{len(matches)} versions of {citation} are in force on {self.as_of}; expected 1"
            )
        return matches[0]


def regulations(as_of: dt.date | str | None = None) -> Regulations:
    """The bundled regulations as of a date (default: today).

    >>> regs = regulations("2025-01-15")
    >>> regs.usml_paragraph("Cat. XI(a)(3)(xviii)").sme
    True
    """
    return Regulations(_as_date(as_of), manifest())
