"""The exemptions the law holds, as data: each paragraph's dated versions and requirements.

Every exemption is one file of ``data/law/<regime>/`` (e.g. ``data/law/itar/126_7.json``) built
into the bundled ``exemptions.json``.  Nothing in the code lists the exemptions: the engine
(:mod:`exportctl.engine.exemptions`), the batch columns, the command line, the testing kit and
the data build all find them here.  Each requirement names a test of the engine's registry
(:data:`exportctl.engine.requirements.REQUIREMENT_TESTS`) and quotes the words it implements;
its other keys are the test's parameters.

An exemption's versions are a :class:`~exportctl.core.dated.Dated` value: 22 CFR 126.7 is not in
force before 2024-09-01, then the interim final rule, then the final rule of 2025-12-30.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from exportctl.core.dated import Dated, Version
from exportctl.core.facts import FactRegistry, Question

__all__ = [
    "Exemption",
    "ExemptionVersion",
    "Exemptions",
    "Path",
    "RequirementSpec",
    "cfr_order",
    "exemption_from_data",
    "exemptions_from_data",
]

#: Keys of a requirement that are not parameters of its test.
_RESERVED = frozenset({"id", "test", "quote", "source", "confirmed_by", "name", "because", "note"})


@attrs.frozen
class RequirementSpec:
    """One requirement as data: the paragraph it implements, its named test and parameters."""

    id: str
    test: str
    params: Mapping[str, Any] = attrs.field(factory=dict, repr=False)
    quote: str = ""
    source: str = ""
    confirmed_by: str = "exporter"

    def __getitem__(self, key: str) -> Any:
        return self.params[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self.params.get(key, default)


@attrs.frozen
class Path:
    """A paragraph of its own an activity leads to (e.g. § 126.5(a) for a temporary import,
    § 126.5(d) for a reexport): it needs DDTC approval, unless ``unless_fact`` holds and every
    requirement it ``requires`` passes."""

    id: str
    activities: tuple[str, ...]
    quote: str
    source: str
    except_to_countries: tuple[str, ...] = ()
    unless_fact: str | None = None
    unless_quote: str = ""
    requires: tuple[RequirementSpec, ...] = ()


@attrs.frozen
class ExemptionVersion:
    """One dated version of an exemption (``in_force`` false: the exemption does not exist)."""

    id: str
    title: str
    in_force: bool
    requirements: tuple[RequirementSpec, ...] = ()
    federal_register: str | None = None
    modelled: str = ""


@attrs.frozen
class Exemption:
    """An exemption of the law: its paragraph, batch column, dated versions and questions."""

    key: str
    column: str
    citation: str
    title: str
    versions: Dated[ExemptionVersion]
    subject: str = "transfer"
    certification: str | None = None
    paths: tuple[Path, ...] = ()
    carries: tuple[str, ...] = ()
    facts: Mapping[str, Question] = attrs.field(factory=dict, repr=False)
    source: str = ""

    def version_on(self, day: dt.date) -> ExemptionVersion:
        return self.versions.value_at(day)


def _requirement(raw: Mapping[str, Any]) -> RequirementSpec:
    return RequirementSpec(
        id=raw["id"],
        test=raw["test"],
        params={k: v for k, v in raw.items() if k not in _RESERVED},
        quote=raw.get("quote", ""),
        source=raw.get("source", ""),
        confirmed_by=raw.get("confirmed_by", "exporter"),
    )


def _date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def exemption_from_data(raw: Mapping[str, Any]) -> Exemption:
    """One exemption from its data file's form (``data/law/<regime>/<section>.json``)."""
    versions = tuple(
        Version(
            _date(v.get("effective_from")),
            ExemptionVersion(
                id=v["id"],
                title=v.get("title", ""),
                in_force=v.get("in_force", True),
                requirements=tuple(_requirement(r) for r in v.get("requirements", ())),
                federal_register=v.get("federal_register"),
                modelled=v.get("modelled", ""),
            ),
            v.get("federal_register") or v.get("reference") or v.get("title", ""),
            v["id"],
        )
        for v in raw["versions"]
    )
    return Exemption(
        key=raw["key"],
        column=raw["column"],
        citation=raw["citation"],
        title=raw["title"],
        versions=Dated(raw["citation"], versions),
        subject=raw.get("subject", "transfer"),
        certification=raw.get("certification"),
        paths=tuple(
            Path(
                id=p["id"],
                activities=tuple(p["activities"]),
                quote=p["quote"],
                source=p["source"],
                except_to_countries=tuple(p.get("except_to_countries", ())),
                unless_fact=p.get("unless_fact"),
                unless_quote=p.get("unless_quote", ""),
                requires=tuple(_requirement(r) for r in p.get("requires", ())),
            )
            for p in raw.get("paths", ())
        ),
        carries=tuple(raw.get("carries", ())),
        facts=FactRegistry.from_mapping(raw.get("facts", {}), raw["citation"]).questions,
        source=raw.get("file", ""),
    )


_PART = re.compile(r"(\d+)|([a-z]+)|([A-Z]+)")


def cfr_order(key: str) -> tuple[tuple[int, str], ...]:
    """A sort key that puts paragraphs in the CFR's order: 125.4(b)(2) before 125.4(b)(10)."""
    return tuple(
        (int(num), "") if num else (0, word or upper)
        for num, word, upper in _PART.findall(key)
    )


@attrs.frozen(eq=False)
class Exemptions:
    """Every exemption of the law (in the CFR's order), the amounts they read (22 CFR 123.15),
    what one party fact implies for another (22 CFR 120.16(c)), and their questions."""

    exemptions: tuple[Exemption, ...]
    amounts: Mapping[str, Any] = attrs.field(factory=dict, repr=False)
    implications: tuple[Mapping[str, Any], ...] = attrs.field(default=(), repr=False)
    facts: FactRegistry = attrs.field(factory=FactRegistry, repr=False)

    def __iter__(self) -> Any:
        return iter(self.exemptions)

    def __len__(self) -> int:
        return len(self.exemptions)

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(e.key for e in self.exemptions)

    def get(self, key: str) -> Exemption:
        """An exemption by its paragraph (``126.7``, ``22 CFR 126.7``) or its batch column."""
        wanted = key.removeprefix("22 CFR ").removeprefix("§").strip()
        for e in self.exemptions:
            if wanted in (e.key, e.column, e.citation):
                return e
        raise KeyError(f"the law holds no exemption {key!r}; it holds {', '.join(self.keys)}")

    def with_exemption(self, exemption: Exemption) -> Exemptions:
        """These exemptions and one more (replacing one of the same paragraph)."""
        kept = [e for e in self.exemptions if e.key != exemption.key]
        ordered = tuple(sorted([*kept, exemption], key=lambda e: cfr_order(e.key)))
        facts = self.facts.merged(exemption.facts.values())
        return Exemptions(ordered, self.amounts, self.implications, facts)

    def without(self, keys: Iterable[str]) -> Exemptions:
        drop = {self.get(k).key for k in keys}
        return Exemptions(
            tuple(e for e in self.exemptions if e.key not in drop),
            self.amounts,
            self.implications,
            self.facts,
        )


def exemptions_from_data(raw: Mapping[str, Any]) -> Exemptions:
    """The bundled ``exemptions.json``: every exemption file, the amounts, the implications and
    the transfer facts, as the data build wrote them."""
    exemptions = tuple(
        sorted((exemption_from_data(e) for e in raw["exemptions"]), key=lambda e: cfr_order(e.key))
    )
    facts = FactRegistry.from_mapping(raw["facts"])
    for e in exemptions:
        facts = facts.merged(e.facts.values())
    return Exemptions(
        exemptions,
        raw.get("amounts", {}),
        tuple(raw.get("implications", ())),
        facts,
    )
