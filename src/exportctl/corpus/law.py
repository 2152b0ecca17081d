"""The law as a value: everything a rule reads, in the editions and versions in force on a date.

``exportctl.law(as_of="2025-06-01")`` returns a :class:`Law`: the USML and CCL editions in force
on that date, the Excluded Technology List (Supp. No. 2 to part 126), Supp. No. 1, countries
with their dated memberships and § 126.1 statuses, the classification rule sets, the exemptions
with their dated versions and requirement data, and the dated rule versions.  Engines take a Law
and read nothing else; pass another Law (a reform, another date) and everything follows.

A Law is immutable.  Its :attr:`~Law.id` is a content hash over the components in force (the
hash of each edition or dataset, and of each reform applied) — the same content gives the same id
whatever the date, and a decision's id hashes its facts, the law id and the date.  Components are
built lazily from the bundled files, each verified against ``MANIFEST.json`` when first read, and
kept in a cache keyed by their content hash (never by name: two laws never share a component
that differs).

A date before the earliest edition of a dataset is refused when that dataset is read
(:class:`~exportctl.core.dated.OutsideCoverage`); a date after the text's "as of" date gives a
warning: later amendments are not in the data.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Mapping
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import attr  # attrs' frozen and field, without importing the attrs package (start-up)

from exportctl.core.dated import Dated, OutsideCoverage, Version
from exportctl.core.lazy import fields_repr, lazy_names
from exportctl.corpus import bundle

if TYPE_CHECKING:  # each part of the law is imported when it is first built (start-up)
    from exportctl.core.facts import FactRegistry
    from exportctl.corpus import law_values as _values
    from exportctl.corpus.agreements import AgreementRules
    from exportctl.corpus.ccl import ECCN, CommerceControlList
    from exportctl.corpus.countries import Countries, CountryProfile
    from exportctl.corpus.exemptions import Exemption, Exemptions
    from exportctl.corpus.law_values import Edition, Relocation, RuleVersion
    from exportctl.corpus.references import USMLRef
    from exportctl.corpus.rulesets import RuleSet, RuleSets
    from exportctl.corpus.supplements import Supplement
    from exportctl.corpus.usml import UnitedStatesMunitionsList, USMLParagraph

if TYPE_CHECKING:
    import datetime as dt
else:  # the C types ``datetime`` re-exports, without first running its Python twin (start-up;
    try:  # ``import datetime`` does just this from Python 3.12 on)
        import _datetime as dt
    except ImportError:  # pragma: no cover - an interpreter without the C module
        import datetime as dt
    #: The values of :mod:`exportctl.corpus.law_values` are named through this module (its
    #: ``__getattr__`` imports them when first read), so ``typing.get_type_hints`` resolves the
    #: annotations that name them (``_values.Edition``) without the look-ups importing them.
    _values = sys.modules[__name__]

__all__ = [
    "Component",
    "Edition",
    "Law",
    "Relocation",
    "RuleVersion",
    "Statutes",
    "as_date",
    "bundled_rulesets",
    "law",
]

T = TypeVar("T")

#: Values the law hands out that its look-ups do not need, imported when first read (start-up):
#: ``from exportctl.corpus.law import RuleVersion`` (or ``Edition``) still works.
__getattr__, __dir__ = lazy_names(
    __name__,
    {
        "Edition": "exportctl.corpus.law_values",
        "RuleVersion": "exportctl.corpus.law_values",
        "Relocation": "exportctl.corpus.law_values",
    },
)


def as_date(value: dt.date | str | None) -> dt.date:
    """A date from a date or an ISO string (None: today)."""
    if value is None:
        return dt.date.today()
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"as_of {value!r} is not a date; use YYYY-MM-DD, e.g. 2025-12-30") from exc


# --------------------------------------------------------------------------------------------
# Components: one piece of the law, built lazily, cached by its content hash

_BUILT: dict[tuple[str, str], Any] = {}


@attr.frozen(eq=False)
class Component(Generic[T]):
    """One piece of the law (an edition of the USML, the ETL, …), known by its content hash.

    ``digest`` identifies the content: the sha256 of a bundled file, or a hash of the base
    component's digest and the change a reform made.  ``build`` makes the value; it runs at most
    once per digest in a process.
    """

    __repr__ = fields_repr  # attrs' repr, not compiled for this class (start-up)

    name: str
    digest: str
    build: Callable[[], T] = attr.field(repr=False)
    as_of: dt.date | None = None
    source: str = ""
    #: The bundled file it comes from (named in warnings).
    file: str = ""

    def value(self) -> T:
        key = (self.name, self.digest)
        if key not in _BUILT:
            _BUILT[key] = self.build()
        built: T = _BUILT[key]
        return built

    def changed(self, change: str, func: Callable[[T], T]) -> Component[T]:
        """The component with a change applied (a reform): a new digest, built from this one."""
        from exportctl.core.provenance import content_hash

        return Component(
            self.name,
            content_hash(self.digest, change),
            lambda: func(self.value()),
            self.as_of,
            f"{self.source}; changed by {change}" if self.source else change,
            self.file,
        )


def _bundled(name: str, build: Callable[[str], T], dataset: str | None = None) -> Component[T]:
    sha, as_of = bundle.file_info(name)
    return Component(
        dataset or name.removesuffix(".json"),
        sha,
        lambda: build(name),
        as_of,
        f"bundled {name}",
        name,
    )


# --------------------------------------------------------------------------------------------
# Statutes: the date-independent body of law a Law looks at on one date


@attr.frozen(eq=False)
class Statutes:
    """Everything the law holds, with its dated parts not yet resolved to a date.

    ``editions`` are the dated editions of the USML and the CCL; ``components`` the datasets
    that carry their own dates inside (memberships, suspensions, rule and exemption versions);
    ``reforms`` name what changed this body of law from the bundled one, in order.
    """

    __repr__ = fields_repr  # attrs' repr, not compiled for this class (start-up)

    editions: Mapping[str, Dated[Component[Any]]]
    edition_info: Mapping[str, Dated[_values.Edition]]
    components: Mapping[str, Component[Any]]
    ruleset: str
    reforms: tuple[str, ...] = ()

    def replace(
        self,
        change: str,
        *,
        editions: Mapping[str, Dated[Component[Any]]] | None = None,
        components: Mapping[str, Component[Any]] | None = None,
        ruleset: str | None = None,
    ) -> Statutes:
        """A new body of law with some parts replaced, recording the change (a reform)."""
        return Statutes(
            {**self.editions, **(editions or {})},
            self.edition_info,
            {**self.components, **(components or {})},
            ruleset if ruleset is not None else self.ruleset,
            (*self.reforms, change),
        )

    def with_edition(
        self, dataset: str, change: str, func: Callable[[Any], Any]
    ) -> Statutes:
        """A new body of law with every edition of ``dataset`` ("usml", "ccl") changed by
        ``func`` (a reform that holds on every date): each edition's component gets a new digest."""
        dated = self.editions.get(dataset)
        if dated is None:
            raise KeyError(f"no dataset {dataset!r} with editions; known: {sorted(self.editions)}")
        changed = dated.map(lambda component: component.changed(change, func))
        return self.replace(change, editions={dataset: changed})


@attr.frozen(eq=False)
class Law:
    """The law looked at on one date.  Immutable; engines read only this."""

    as_of: dt.date
    statutes: Statutes = attr.field(repr=False)

    # Identity ------------------------------------------------------------------------------
    @cached_property
    def id(self) -> str:
        """A content hash over the components in force (not the date)."""
        from exportctl.core.provenance import canonical_json, content_hash

        parts: dict[str, str] = {name: c.digest for name, c in self.statutes.components.items()}
        for name, dated in self.statutes.editions.items():
            try:
                parts[name] = dated.value_at(self.as_of).digest
            except OutsideCoverage:
                parts[name] = "none"
        parts["ruleset"] = self.statutes.ruleset
        return content_hash(canonical_json({"parts": parts, "reforms": self.statutes.reforms}))

    @property
    def data_version(self) -> str:
        """The law's id (the name earlier releases gave the content hash of the bundled data)."""
        return self.id

    @property
    def reforms(self) -> tuple[str, ...]:
        return self.statutes.reforms

    def at(self, as_of: dt.date | str) -> Law:
        """The same body of law looked at on another date."""
        return Law(as_date(as_of), self.statutes)

    # Editions ------------------------------------------------------------------------------
    def edition(self, dataset: str) -> _values.Edition:
        """The edition of ``dataset`` ("usml", "ccl") in force on the date; refused before the
        earliest one."""
        return self.statutes.edition_info[dataset].value_at(self.as_of)

    def _edition_value(self, dataset: str) -> Any:
        return self.statutes.editions[dataset].value_at(self.as_of).value()

    @cached_property
    def usml(self) -> UnitedStatesMunitionsList:
        """22 CFR 121.1 in the edition in force on the date."""
        usml: UnitedStatesMunitionsList = self._edition_value("usml")
        return usml

    @cached_property
    def ccl(self) -> CommerceControlList:
        """Supp. No. 1 to 15 CFR part 774 in the edition in force on the date."""
        ccl: CommerceControlList = self._edition_value("ccl")
        return ccl

    # Other components ----------------------------------------------------------------------
    def _component(self, name: str) -> Any:
        return self.statutes.components[name].value()

    @property
    def etl(self) -> Supplement:
        """22 CFR part 126, Supp. No. 2 (the Excluded Technology List of § 126.7(b)(3))."""
        etl: Supplement = self._component("etl")
        return etl

    @property
    def supp1(self) -> Supplement:
        """22 CFR part 126, Supp. No. 1 (exclusions from §§ 126.5, 126.16, 126.17)."""
        supp1: Supplement = self._component("supp1")
        return supp1

    @property
    def countries(self) -> Countries:
        countries: Countries = self._component("countries")
        return countries

    @property
    def rulesets(self) -> RuleSets:
        rulesets: RuleSets = self._component("rules")
        return rulesets

    @cached_property
    def ruleset(self) -> RuleSet:
        """The classification rule set of this law (today's rules: ``baseline``)."""
        return self.rulesets.get(self.statutes.ruleset)

    def with_ruleset(self, ruleset: str | RuleSet) -> Law:
        """This law with another classification rule set: a bundled one by id, or a value (a
        reform's).  A value with the content of the rule set in force changes nothing."""
        if isinstance(ruleset, str):
            self.rulesets.get(ruleset)  # an unknown id is refused here
            if ruleset == self.statutes.ruleset:
                return self
            return Law(self.as_of, self.statutes.replace(f"ruleset {ruleset}", ruleset=ruleset))
        if ruleset is self.ruleset:
            return self
        digest = ruleset_digest(ruleset)
        if ruleset.id == self.statutes.ruleset and digest == ruleset_digest(self.ruleset):
            return self
        change = f"ruleset {ruleset.id} ({digest})"
        rules = self.statutes.components["rules"].changed(
            change, lambda sets: sets.with_value(ruleset)
        )
        return Law(
            self.as_of,
            self.statutes.replace(change, components={"rules": rules}, ruleset=ruleset.id),
        )

    @property
    def exemptions(self) -> Exemptions:
        """Every exemption the law holds (its data files), with their dated versions."""
        exemptions: Exemptions = self._component("exemptions")
        return exemptions

    def with_exemption(self, exemption: Exemption) -> Law:
        """This law with one more exemption (or one replaced): a reform of the law."""
        change = f"exemption {exemption.key} ({exemption_digest(exemption)})"
        component = self.statutes.components["exemptions"].changed(
            change, lambda current: current.with_exemption(exemption)
        )
        return Law(self.as_of, self.statutes.replace(change, components={"exemptions": component}))

    @property
    def agreement_rules(self) -> AgreementRules:
        """22 CFR part 124 and 126.18(a)-(d) as agreement rules (and any territory selection
        a reform added)."""
        rules: AgreementRules = self._component("agreement_rules")
        return rules

    @property
    def relocations(self) -> Mapping[str, Relocation]:
        """The USML paragraphs a reform moved to the CCL, by reference (none in the bundled law)."""
        component = self.statutes.components.get("relocations")
        if component is None:
            return {}
        moved: Mapping[str, Relocation] = component.value()
        return moved

    def relocated(self, ref: str | USMLRef) -> Relocation | None:
        """The relocation that moved ``ref`` (or a paragraph above it) off the USML, if any."""
        moved = self.relocations
        if not moved:
            return None
        from exportctl.corpus.references import parse_usml  # imported when first needed

        parsed = parse_usml(ref) if isinstance(ref, str) else ref
        for candidate in (parsed, *parsed.ancestors()):
            found = moved.get(str(candidate))
            if found is not None:
                return found
        return None

    @cached_property
    def rule_versions(self) -> Mapping[str, Dated[RuleVersion]]:
        """Every dated rule, by citation: the versions of each exemption the law holds."""
        return {e.citation: _rule_versions(e) for e in self.exemptions}

    def rule_in_force(self, citation: str) -> RuleVersion:
        """The one version of a dated rule in force on the date."""
        dated = self.rule_versions.get(citation)
        if dated is None:
            raise LookupError(f"{citation} has no dated versions in the law")
        return dated.value_at(self.as_of)

    @cached_property
    def facts(self) -> FactRegistry:
        """Every fact the law's rules may read (items, transfers), one registry."""
        from exportctl.core.facts import FactRegistry, Question

        registry = FactRegistry(dict(self.ruleset.questions))
        for supplement in (self.supp1, self.etl):
            registry = registry.merged(
                Question(f.id, f.question, f"22 CFR part 126, {supplement.title}", f.type, f.values)
                for f in supplement.facts.values()
            )
        return registry.merged(self.exemptions.facts.questions.values())

    # Look-ups ------------------------------------------------------------------------------
    def usml_paragraph(self, ref: str | USMLRef) -> USMLParagraph:
        return self.usml.get(ref)

    def eccn(self, ref: str) -> ECCN:
        return self.ccl.get(ref)

    def country(self, code_or_name: str) -> CountryProfile:
        return self.countries.profile(code_or_name, self.as_of)

    def members(self, key: str) -> frozenset[str]:
        """The members of a country set on the date."""
        return self.countries.members(key, self.as_of)

    # Warnings ------------------------------------------------------------------------------
    @cached_property
    def warnings(self) -> tuple[str, ...]:
        """What the data cannot vouch for on this date (text older than the date asked)."""
        out = []
        for dataset in sorted(self.statutes.edition_info):
            try:
                edition = self.edition(dataset)
            except OutsideCoverage:
                continue
            if self.as_of > edition.as_of:
                out.append(
                    f"{edition.file}: its regulation text is as of {edition.as_of}; amendments "
                    f"after that date are not in the data (asked as of {self.as_of})"
                )
        for _, comp in sorted(self.statutes.components.items()):
            if comp.as_of is not None and self.as_of > comp.as_of:
                out.append(
                    f"{comp.file or comp.name}: its regulation text is as of {comp.as_of}; "
                    f"amendments after that date are not in the data (asked as of {self.as_of})"
                )
        return tuple(out)


@lru_cache(maxsize=64)
def ruleset_digest(ruleset: RuleSet) -> str:
    """A content hash of a whole rule set (questions, catch and release paragraphs, conflicts)."""
    from exportctl.core.jsonable import to_jsonable
    from exportctl.core.provenance import canonical_json, content_hash

    return content_hash(canonical_json(to_jsonable(ruleset, every_field=True)))


# --------------------------------------------------------------------------------------------
# The bundled law


def _rule_versions(exemption: Exemption) -> Dated[RuleVersion]:
    """An exemption's versions as rule versions (id, dates, Federal Register document)."""
    from exportctl.corpus.law_values import RuleVersion

    versions = []
    for v in exemption.versions.versions:
        until = exemption.versions.effective_until(v)
        versions.append(
            Version(
                v.effective_from,
                RuleVersion(
                    id=v.value.id,
                    citation=exemption.citation,
                    title=v.value.title,
                    effective_from=v.effective_from,
                    effective_until=until,
                    status="in force" if v.value.in_force else "not in force",
                    federal_register=v.value.federal_register,
                ),
                v.reference,
                v.label,
            )
        )
    return Dated(exemption.citation, tuple(versions))


def exemption_digest(exemption: Exemption) -> str:
    """A content hash of a whole exemption (versions, requirements, questions)."""
    from exportctl.core.jsonable import to_jsonable
    from exportctl.core.provenance import canonical_json, content_hash

    return content_hash(canonical_json(to_jsonable(exemption, every_field=True)))


def _builder(module: str, function: str) -> Callable[[str], Any]:
    """A part of the law's builder, imported when the part is first built: the function reads
    the parsed file."""

    def build(name: str) -> Any:
        import importlib

        return getattr(importlib.import_module(module), function)(bundle.load_json(name))

    return build


def _file_builder(module: str, function: str) -> Callable[[str], Any]:
    """A part of the law's builder that reads its file itself (verified, decoded as it needs)."""

    def build(name: str) -> Any:
        import importlib

        return getattr(importlib.import_module(module), function)(name)

    return build


_EDITION_BUILDERS: dict[str, Callable[[str], Any]] = {
    "usml": _file_builder("exportctl.corpus.usml", "usml_from_bundle"),
    "ccl": _builder("exportctl.corpus.ccl", "ccl_from_data"),
}


_EDITION_NAMES = {"usml": "22 CFR 121.1 (USML)", "ccl": "15 CFR part 774, Supp. No. 1 (CCL)"}

#: One edition as ``regulations.json`` lists it, its dates read: the fields of an Edition.
_EditionRow = tuple[str, str, dt.date, "dt.date | None", dt.date, str, "str | None"]


def _editions(
    raw: dict[str, Any],
) -> tuple[dict[str, Dated[Component[Any]]], _EditionInfo]:
    """The dated components of the editions (USML, CCL), and what each edition says of itself
    (read now, every date checked; made into :class:`Edition` values when first read)."""
    components: dict[str, Dated[Component[Any]]] = {}
    rows: dict[str, tuple[_EditionRow, ...]] = {}
    for dataset, build in _EDITION_BUILDERS.items():
        entries = raw["editions"][dataset]
        rows[dataset] = tuple(
            (
                dataset,
                e["file"],
                as_date(e["effective_from"]),
                as_date(e["effective_until"]) if e["effective_until"] else None,
                as_date(e["as_of"]),
                e["source"],
                e.get("federal_register"),
            )
            for e in entries
        )
        components[dataset] = Dated(
            _EDITION_NAMES[dataset],
            tuple(
                Version(e[2], _bundled(e[1], build, dataset), e[5], e[1]) for e in rows[dataset]
            ),
            noun="edition",
        )
    return components, _EditionInfo(rows)


class _EditionInfo(Mapping[str, "Dated[Edition]"]):
    """:attr:`Statutes.edition_info` of the bundled law: the editions of each dataset as
    :class:`Edition` values, made (and their class imported) when first read — a look-up reads
    the components, not these (start-up).  Reads as the dictionary it makes (``repr`` too)."""

    __slots__ = ("_made", "_rows")

    def __init__(self, rows: dict[str, tuple[_EditionRow, ...]]) -> None:
        self._rows = rows
        self._made: dict[str, Dated[Edition]] | None = None

    def _mapping(self) -> dict[str, Dated[Edition]]:
        if self._made is None:
            edition = _values.Edition
            self._made = {
                dataset: Dated(
                    _EDITION_NAMES[dataset],
                    tuple(
                        Version(e.effective_from, e, e.source, e.file)
                        for e in (edition(*row) for row in rows)
                    ),
                    noun="edition",
                )
                for dataset, rows in self._rows.items()
            }
        return self._made

    def __getitem__(self, dataset: str) -> Dated[Edition]:
        return self._mapping()[dataset]

    def __iter__(self) -> Iterator[str]:
        return iter(self._mapping())

    def __len__(self) -> int:
        return len(self._rows)

    def __repr__(self) -> str:
        return repr(self._mapping())


_BUNDLED: dict[str, Statutes] = {}


def bundled_statutes() -> Statutes:
    """The body of law as bundled (built once per bundle, keyed by its data version)."""
    key = bundle.bundle_version()
    if key not in _BUNDLED:
        versions = bundle.load_json("regulations.json")
        editions, infos = _editions(versions)
        supplement = _builder("exportctl.corpus.supplements", "supplement_from_data")
        components: dict[str, Component[Any]] = {
            "etl": _bundled("etl.json", supplement),
            "supp1": _bundled("supp1.json", supplement),
            "countries": _bundled(
                "countries.json", _builder("exportctl.corpus.countries", "countries_from_data")
            ),
            "rules": _bundled(
                "rules.json", _builder("exportctl.corpus.rulesets", "rulesets_from_data")
            ),
            "exemptions": _bundled(
                "exemptions.json", _builder("exportctl.corpus.exemptions", "exemptions_from_data")
            ),
            "agreement_rules": _bundled(
                "agreements.json",
                _builder("exportctl.corpus.agreements", "agreement_rules_from_data"),
            ),
        }
        _BUNDLED.clear()
        # The rule set in force by default, as rulesets_from_data reads it (without building
        # the rule sets).
        default: str = bundle.load_json("rules.json")["default"]
        _BUNDLED[key] = Statutes(editions, infos, components, default)
    return _BUNDLED[key]


def bundled_rulesets() -> RuleSets:
    """The bundled classification rule sets."""
    rulesets: RuleSets = bundled_statutes().components["rules"].value()
    return rulesets


def law(as_of: dt.date | str | None = None, *, ruleset: str | None = None) -> Law:
    """The bundled law as of a date (default: today).

    >>> today = law("2026-01-15")
    >>> today.rule_in_force("22 CFR 126.7").id
    'itar-126.7-final-2025'
    >>> today.usml_paragraph("Cat. XI(a)(3)(xviii)").sme
    True
    >>> law("2025-06-01").edition("usml").file, law("2025-09-15").edition("usml").file
    ('usml-2024-03-25.json', 'usml.json')
    """
    result = Law(as_date(as_of), bundled_statutes())
    return result.with_ruleset(ruleset) if ruleset is not None else result
