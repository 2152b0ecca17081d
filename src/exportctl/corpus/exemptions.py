"""The exemptions the law holds, as data: each paragraph's dated versions and requirements.

Every exemption is one file of ``data/law/<regime>/`` (e.g. ``data/law/itar/126_7.json``) built
into the bundled ``exemptions.json``.  Nothing in the code lists the exemptions: the engine
(:mod:`exportctl.engine.exemptions`), the batch columns, the command line, the testing kit and
the data build all find them here.  Each requirement names a test of the engine's registry
(:data:`exportctl.engine.requirements.REQUIREMENT_TESTS`) and quotes the words it implements;
its other keys are the test's parameters.

An exemption's versions are a :class:`~exportctl.core.dated.Dated` value: 22 CFR 126.7 is not in
force before 2024-09-01, then the interim final rule, then the final rule of 2025-12-30.

Conditions several exemptions share are *condition groups* (files of kind ``conditions``:
§ 125.4(a), § 120.15, § 125.1(b)); an exemption names the groups it ``carries``. A group's
``exceptions`` lift some of its requirements for one exemption or one of its branches
(§ 125.4(a): "except for paragraph (b)(13)"), unconditionally or ``when`` other requirements
pass. A requirement of test ``any_of`` holds alternative ``branches``; a branch with a ``key``
is a way of using the exemption that users cite and mark (§ 126.4(b)(2)). A version's
``obligations`` do not decide eligibility: they go on the certification record (§ 120.15(e)
records, § 120.15(f) the marking).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import attrs

from exportctl.core.dated import Dated, OutsideCoverage, Version
from exportctl.core.facts import FactRegistry, Question

__all__ = [
    "Branch",
    "ConditionGroup",
    "Exemption",
    "ExemptionVersion",
    "Exemptions",
    "GroupException",
    "Marking",
    "Obligation",
    "Path",
    "RequirementSpec",
    "cfr_order",
    "condition_group_from_data",
    "exemption_from_data",
    "exemptions_from_data",
]

#: Keys of a requirement that are not parameters of its test.
_RESERVED = frozenset(
    {
        "id",
        "test",
        "quote",
        "source",
        "confirmed_by",
        "name",
        "because",
        "note",
        "reads",
        "branches",
    }
)


@attrs.frozen
class Branch:
    """One alternative of an ``any_of`` requirement: its paragraph, its requirements, and — for a
    way of using the exemption that users cite — its ``key`` and ``marking`` (§ 126.4(b)(2))."""

    id: str
    requirements: tuple[RequirementSpec, ...] = ()
    title: str = ""
    key: str | None = None
    marking: str | None = None

    @property
    def label(self) -> str:
        """How a condition of this branch is labelled: its key, or its paragraph."""
        return self.key or self.id.removeprefix("22 CFR ")


@attrs.frozen
class RequirementSpec:
    """One requirement as data: the paragraph it implements, its named test and parameters, its
    name (unique in its file), the facts it reads and who confirms it on a certification."""

    id: str
    test: str
    params: Mapping[str, Any] = attrs.field(factory=dict, repr=False)
    quote: str = ""
    source: str = ""
    confirmed_by: str = "exporter"
    name: str = ""
    reads: tuple[str, ...] = ()
    branches: tuple[Branch, ...] = attrs.field(default=(), repr=False)
    note: str = ""
    because: tuple[Mapping[str, Any], ...] = attrs.field(default=(), repr=False)

    def __getitem__(self, key: str) -> Any:
        return self.params[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self.params.get(key, default)

    def walk(self) -> Iterator[RequirementSpec]:
        """This requirement and every requirement of its branches, depth first."""
        yield self
        for branch in self.branches:
            for req in branch.requirements:
                yield from req.walk()


@attrs.frozen
class Obligation:
    """A duty that does not decide eligibility but goes on the certification record (what must
    be kept, filed or marked: § 120.15(e), § 120.15(f), § 126.4(e))."""

    name: str
    id: str
    quote: str
    source: str
    confirmed_by: str = "exporter"
    applies_to_kinds: tuple[str, ...] = ()
    note: str = ""


@attrs.frozen
class Marking:
    """The certification marking § 120.15(f) requires for technical data: "22 CFR [insert ITAR
    exemption] applicable", filled in with the exemption's paragraph (``text``) or, where the
    exemption has branches, with the branch's (``per_branch``)."""

    text: str | None
    template: str
    source: str
    quote: str
    applies_to_kinds: tuple[str, ...] = ()
    per_branch: str = ""


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
    """One dated version of an exemption or a condition group (``in_force`` false: it does not
    exist); ``shared`` holds requirements a ``shared`` test evaluates in place."""

    id: str
    title: str
    in_force: bool
    requirements: tuple[RequirementSpec, ...] = ()
    federal_register: str | None = None
    modelled: str = ""
    obligations: tuple[Obligation, ...] = ()
    shared: Mapping[str, tuple[RequirementSpec, ...]] = attrs.field(factory=dict, repr=False)

    def walk(self) -> Iterator[RequirementSpec]:
        """Every requirement of the version, branches and shared groups included."""
        for req in self.requirements:
            yield from req.walk()
        for group in self.shared.values():
            for req in group:
                yield from req.walk()

    def branch_keys(self) -> tuple[str, ...]:
        """The keys of the ways of using the exemption (its keyed branches)."""
        return tuple(b.key for r in self.walk() for b in r.branches if b.key)


@attrs.frozen
class GroupException:
    """Requirements of a condition group that do not apply to one exemption or branch
    (``for_key``; ``*`` every exemption) — all of them when ``lifts`` is empty — unless ``when``
    is given, then only when every requirement of ``when`` passes.  ``authority`` says whether
    the text says so (``regulation``) or it is our reading of it (``reading``, with ``reason``)."""

    for_key: str
    lifts: tuple[str, ...]
    authority: str
    source: str
    quote: str
    when: tuple[RequirementSpec, ...] = ()
    reason: str = ""

    def lifts_requirement(self, name: str) -> bool:
        return not self.lifts or name in self.lifts

    @property
    def citation(self) -> str:
        """The paragraph the exception is read in (its source's clause id)."""
        clause = self.source.split("+")[0].split(":")[-1].removeprefix("SEC-")
        return f"22 CFR {clause}" if clause else self.source


@attrs.frozen
class ConditionGroup:
    """Conditions several exemptions carry (§ 125.4(a), § 120.15, § 125.1(b)), dated like an
    exemption, with the exceptions the text makes for some of them."""

    key: str
    citation: str
    title: str
    versions: Dated[ExemptionVersion]
    exceptions: tuple[GroupException, ...] = ()
    facts: Mapping[str, Question] = attrs.field(factory=dict, repr=False)
    applies_to: str = ""
    source: str = ""

    def version_on(self, day: dt.date) -> ExemptionVersion | None:
        """The version in force on ``day``; None before the data's first version."""
        try:
            return self.versions.value_at(day)
        except OutsideCoverage:
            return None


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
    marking: Marking | None = attrs.field(default=None, repr=False)

    def version_on(self, day: dt.date) -> ExemptionVersion:
        """The version in force on ``day`` (:class:`OutsideCoverage` before the first one)."""
        return self.versions.value_at(day)

    def branch_keys(self) -> tuple[str, ...]:
        """The keys of its ways (keyed branches) in any version, e.g. ``126.4(a)(1)``."""
        return tuple(
            dict.fromkeys(k for v in self.versions.versions for k in v.value.branch_keys())
        )


def _requirement(raw: Mapping[str, Any]) -> RequirementSpec:
    return RequirementSpec(
        id=raw["id"],
        test=raw["test"],
        params={k: v for k, v in raw.items() if k not in _RESERVED},
        quote=raw.get("quote", ""),
        source=raw.get("source", ""),
        confirmed_by=raw.get("confirmed_by", "exporter"),
        name=raw.get("name", ""),
        reads=tuple(raw.get("reads", ())),
        branches=tuple(
            Branch(
                id=b["id"],
                requirements=tuple(_requirement(r) for r in b.get("requirements", ())),
                title=b.get("title", ""),
                key=b.get("key"),
                marking=b.get("marking"),
            )
            for b in raw.get("branches", ())
        ),
        note=raw.get("note", ""),
        because=tuple(raw.get("because", ())),
    )


def _obligation(raw: Mapping[str, Any]) -> Obligation:
    return Obligation(
        name=raw["name"],
        id=raw["id"],
        quote=raw["quote"],
        source=raw["source"],
        confirmed_by=raw.get("confirmed_by", "exporter"),
        applies_to_kinds=tuple(raw.get("applies_to_kinds", ())),
        note=raw.get("note", ""),
    )


def _date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def _versions(raw: Mapping[str, Any]) -> Dated[ExemptionVersion]:
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
                obligations=tuple(_obligation(o) for o in v.get("obligations", ())),
                shared={
                    k: tuple(_requirement(r) for r in group)
                    for k, group in v.get("shared", {}).items()
                },
            ),
            v.get("federal_register") or v.get("reference") or v.get("title", ""),
            v["id"],
        )
        for v in raw["versions"]
    )
    return Dated(raw["citation"], versions)


def _marking(raw: Mapping[str, Any] | None) -> Marking | None:
    if not raw:
        return None
    return Marking(
        text=raw.get("text"),
        template=raw.get("template", ""),
        source=raw.get("source", ""),
        quote=raw.get("quote", ""),
        applies_to_kinds=tuple(raw.get("applies_to_kinds", ())),
        per_branch=raw.get("per_branch", ""),
    )


def condition_group_from_data(raw: Mapping[str, Any]) -> ConditionGroup:
    """One condition group from its data file's form (kind ``conditions``)."""
    applies = raw.get("applies_to") or {}
    return ConditionGroup(
        key=raw["key"],
        citation=raw["citation"],
        title=raw["title"],
        versions=_versions(raw),
        exceptions=tuple(
            GroupException(
                for_key=e["for"],
                lifts=tuple(e.get("lifts", ())),
                authority=e.get("authority", "regulation"),
                source=e["source"],
                quote=e["quote"],
                when=tuple(_requirement(r) for r in e.get("when", ())),
                reason=e.get("reason", ""),
            )
            for e in raw.get("exceptions", ())
        ),
        facts=FactRegistry.from_mapping(raw.get("facts", {}), raw["citation"]).questions,
        applies_to=applies.get("exemptions", "") if isinstance(applies, Mapping) else "",
        source=raw.get("file", ""),
    )


def exemption_from_data(raw: Mapping[str, Any]) -> Exemption:
    """One exemption from its data file's form (``data/law/<regime>/<section>.json``)."""
    return Exemption(
        key=raw["key"],
        column=raw["column"],
        citation=raw["citation"],
        title=raw["title"],
        versions=_versions(raw),
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
        marking=_marking(raw.get("marking")),
    )


_PART = re.compile(r"(\d+)|([a-z]+)|([A-Z]+)")


def cfr_order(key: str) -> tuple[tuple[int, str], ...]:
    """A sort key that puts paragraphs in the CFR's order: 125.4(b)(2) before 125.4(b)(10)."""
    return tuple(
        (int(num), "") if num else (0, word or upper) for num, word, upper in _PART.findall(key)
    )


@attrs.frozen(eq=False)
class Exemptions:
    """Every exemption of the law (in the CFR's order), the condition groups they carry, the
    amounts they read (22 CFR 123.15), what one party fact implies for another (22 CFR
    120.16(c)), their questions, and the organisation guidelines applied on top (if any)."""

    exemptions: tuple[Exemption, ...]
    amounts: Mapping[str, Any] = attrs.field(factory=dict, repr=False)
    implications: tuple[Mapping[str, Any], ...] = attrs.field(default=(), repr=False)
    facts: FactRegistry = attrs.field(factory=FactRegistry, repr=False)
    groups: Mapping[str, ConditionGroup] = attrs.field(factory=dict, repr=False)
    #: The organisation guidelines applied (:class:`exportctl.corpus.guidelines.Guidelines`).
    guidelines: Any = attrs.field(default=None, repr=False)

    def __iter__(self) -> Any:
        return iter(self.exemptions)

    def __len__(self) -> int:
        return len(self.exemptions)

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(e.key for e in self.exemptions)

    def get(self, key: str) -> Exemption:
        """An exemption by its paragraph (``126.7``, ``22 CFR 126.7``) or its batch column."""
        wanted = _bare(key)
        for e in self.exemptions:
            if wanted in (e.key, e.column, e.citation):
                return e
        raise KeyError(f"the law holds no exemption {key!r}; it holds {', '.join(self.keys)}")

    def find(self, key: str) -> tuple[Exemption, str | None]:
        """An exemption, or one of its ways by its key (``126.4(b)(2)``): the exemption and the
        branch key (None for the whole exemption)."""
        wanted = _bare(key)
        for e in self.exemptions:
            if wanted in (e.key, e.column, e.citation):
                return e, None
        for e in self.exemptions:
            if wanted in e.branch_keys():
                return e, wanted
        raise KeyError(
            f"the law holds no exemption {key!r}; it holds {', '.join(self.keys)} "
            f"(and the branches {', '.join(k for e in self.exemptions for k in e.branch_keys())})"
        )

    def group(self, key: str) -> ConditionGroup:
        """A condition group by its key (``125.4(a)``, ``120.15``)."""
        found = self.groups.get(_bare(key))
        if found is None:
            raise KeyError(
                f"the law holds no condition group {key!r}; it holds {', '.join(self.groups)}"
            )
        return found

    def with_exemption(self, exemption: Exemption) -> Exemptions:
        """These exemptions and one more (replacing one of the same paragraph)."""
        kept = [e for e in self.exemptions if e.key != exemption.key]
        ordered = tuple(sorted([*kept, exemption], key=lambda e: cfr_order(e.key)))
        facts = self.facts.merged(exemption.facts.values())
        return attrs.evolve(self, exemptions=ordered, facts=facts)

    def without(self, keys: Iterable[str]) -> Exemptions:
        drop = {self.get(k).key for k in keys}
        return attrs.evolve(self, exemptions=tuple(e for e in self.exemptions if e.key not in drop))

    def only(self, keys: Iterable[str]) -> Exemptions:
        """These exemptions restricted to the ones named (by paragraph or column)."""
        keep = {self.get(k).key for k in keys}
        return attrs.evolve(self, exemptions=tuple(e for e in self.exemptions if e.key in keep))


def _bare(key: str) -> str:
    return key.strip().removeprefix("22 CFR ").removeprefix("§").strip()


def exemptions_from_data(raw: Mapping[str, Any]) -> Exemptions:
    """The bundled ``exemptions.json``: every exemption file, the condition groups, the amounts,
    the implications and the transfer facts, as the data build wrote them."""
    exemptions = tuple(
        sorted((exemption_from_data(e) for e in raw["exemptions"]), key=lambda e: cfr_order(e.key))
    )
    groups = {g["key"]: condition_group_from_data(g) for g in raw.get("conditions", ())}
    facts = FactRegistry.from_mapping(raw["facts"])
    for e in exemptions:
        facts = facts.merged(e.facts.values())
    for g in groups.values():
        facts = facts.merged(g.facts.values())
    return Exemptions(
        exemptions,
        raw.get("amounts", {}),
        tuple(raw.get("implications", ())),
        facts,
        groups,
    )
