"""The agreement rules of the law: 22 CFR part 124 and § 126.18(a)-(d) as data.

Every section of part 124 the data encodes is one file of ``data/law/itar/`` of kind
``agreement_rules`` (``124_8.json`` …, format in docs/law-data.md and docs/agreements.md), built
into the bundled ``agreements.json``.  Each rule carries the paragraph it implements (``id``), its
type (clause, information, statement, filing, signature, certification, condition, guideline),
when it applies (``when``, a condition on the agreement's facts), the words it relies on
(``quote``, checked against the text by the data build) and its authority: ``regulation``, or
``ddtc_guidance`` for the guidance a plan labels as such and never as regulation.

The territory an agreement may be written with is part of these rules: today part 124 asks for
"the countries or areas" (§ 124.7(a)(4)) and no group selection exists, so a named set such as
NATO is written country by country and a country that joins it during the term needs an amendment
(§ 124.1(c)).  A reform may add a :class:`TerritorySelection` (the DIB's "NATO Alliance"): the
territory is then written as the selection and resolved at each date of the term.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import attrs

from exportctl.core.facts import FactRegistry
from exportctl.corpus.exemptions import cfr_order

__all__ = [
    "AgreementRule",
    "AgreementRules",
    "AgreementSection",
    "TerritorySelection",
    "agreement_rules_from_data",
]

#: Keys of a rule that the model names; the others stay in ``params``.
_NAMED = frozenset(
    {
        "id",
        "type",
        "authority",
        "document",
        "when",
        "statement",
        "placeholders",
        "signers",
        "discretionary",
        "asks",
        "source",
        "quote",
        "note",
        "reliability",
    }
)


@attrs.frozen
class AgreementRule:
    """One rule of part 124 (or § 126.18, or DDTC guidance) as data."""

    id: str
    section: str
    type: str
    authority: str
    when: Mapping[str, Any] = attrs.field(factory=dict)
    document: str | None = None
    #: The exact words a clause or statement must contain (None: no exact words, e.g. a chapeau).
    statement: str | None = None
    placeholders: tuple[str, ...] = ()
    signers: tuple[str, ...] = ()
    discretionary: bool = False
    asks: tuple[str, ...] = ()
    source: str = ""
    quote: str = ""
    note: str = ""
    reliability: str | None = None
    #: Every other key of the rule as the data writes it (deadline, wait, requires, limit, …).
    params: Mapping[str, Any] = attrs.field(factory=dict, repr=False)

    def get(self, key: str, default: Any = None) -> Any:
        return self.params.get(key, default)

    @property
    def citation(self) -> str:
        """The paragraph a regulation rule implements (its id up to any parenthesised label)."""
        if self.authority != "regulation":
            return self.id
        head, sep, _ = self.id.partition(" (")
        return head if sep and head.startswith("22 CFR") else self.id


@attrs.frozen
class AgreementSection:
    """One section of part 124 (one data file): its rules, its facts, what it models."""

    key: str
    citation: str
    title: str
    applies_to: tuple[str, ...]
    rules: tuple[AgreementRule, ...]
    text_as_of: str
    modelled: str = ""
    reserved: Mapping[str, Any] | None = None
    file: str = ""


@attrs.frozen
class TerritorySelection:
    """A group the territory may be written as (a reform's; part 124 has none today).

    The selection stands for the members of ``country_set`` at each date of the term; with
    ``amendment_on_accession`` false, a country joining the set needs no amendment."""

    name: str
    country_set: str
    kinds: tuple[str, ...]
    resolved_through: str
    amendment_on_accession: bool
    reform: str
    source: str
    quote: str
    replaces: str = ""


@attrs.frozen(eq=False)
class AgreementRules:
    """Every agreement rule of the law, the facts they read, and the territory selections."""

    sections: tuple[AgreementSection, ...]
    facts: FactRegistry = attrs.field(factory=FactRegistry, repr=False)
    derived_facts: Mapping[str, str] = attrs.field(factory=dict, repr=False)
    #: Reform scenarios that change these rules (data/reforms), as the data build checked them.
    scenarios: Mapping[str, Mapping[str, Any]] = attrs.field(factory=dict, repr=False)
    selections: tuple[TerritorySelection, ...] = ()
    text_as_of: str = ""
    #: The facts as the data declares them (with keys the registry does not keep: party_kinds).
    fact_specs: Mapping[str, Mapping[str, Any]] = attrs.field(factory=dict, repr=False)

    def __iter__(self) -> Iterator[AgreementRule]:
        for section in self.sections:
            yield from section.rules

    def section(self, key: str) -> AgreementSection:
        """A section by its number (``124.8``, ``22 CFR 124.8``)."""
        wanted = key.removeprefix("22 CFR ").removeprefix("§").strip()
        for s in self.sections:
            if s.key == wanted:
                return s
        raise KeyError(f"the law holds no agreement rules for {key!r}")

    def rule(self, rule_id: str) -> AgreementRule:
        for r in self:
            if r.id == rule_id:
                return r
        raise KeyError(f"the law holds no agreement rule {rule_id!r}")

    def party_kinds(self, fact: str) -> tuple[str, ...]:
        """The kinds a party of a party-list fact may be (company, government, …)."""
        return tuple(self.fact_specs.get(fact, {}).get("party_kinds", ()))

    def scenario(self, name: str) -> Mapping[str, Any]:
        try:
            return self.scenarios[name]
        except KeyError:
            raise KeyError(
                f"no agreement scenario {name!r}; known: {', '.join(sorted(self.scenarios))}"
            ) from None

    def selection(self, name_or_set: str, kind: str | None) -> TerritorySelection | None:
        """The selection a territory may be written as for an agreement of ``kind`` (by its
        name or its country set), if the rules have one."""
        wanted = name_or_set.strip().lower()
        for s in self.selections:
            if wanted in (s.name.lower(), s.country_set) and kind in s.kinds:
                return s
        return None

    def with_selection(self, selection: TerritorySelection) -> AgreementRules:
        """These rules with one more territory selection (replacing one of the same name)."""
        kept = tuple(s for s in self.selections if s.name != selection.name)
        return attrs.evolve(self, selections=(*kept, selection))


def _rule(raw: Mapping[str, Any], section: str) -> AgreementRule:
    return AgreementRule(
        id=raw["id"],
        section=section,
        type=raw["type"],
        authority=raw["authority"],
        when=raw.get("when") or {},
        document=raw.get("document"),
        statement=raw.get("statement"),
        placeholders=tuple(raw.get("placeholders", ())),
        signers=tuple(raw.get("signers", ())),
        discretionary=bool(raw.get("discretionary", False)),
        asks=tuple(raw.get("asks", ())),
        source=raw.get("source", ""),
        quote=raw.get("quote", ""),
        note=raw.get("note", ""),
        reliability=raw.get("reliability"),
        params={k: v for k, v in raw.items() if k not in _NAMED},
    )


def agreement_rules_from_data(raw: Mapping[str, Any]) -> AgreementRules:
    """The bundled ``agreements.json`` as the data build wrote it."""
    sections = tuple(
        sorted(
            (
                AgreementSection(
                    key=s["key"],
                    citation=s["citation"],
                    title=s["title"],
                    applies_to=tuple(s["applies_to"]),
                    rules=tuple(_rule(r, s["key"]) for r in s["rules"]),
                    text_as_of=s["text_as_of"],
                    modelled=s.get("modelled", ""),
                    reserved=s.get("reserved"),
                    file=s.get("file", ""),
                )
                for s in raw["sections"]
            ),
            key=lambda s: cfr_order(s.key),
        )
    )
    return AgreementRules(
        sections,
        FactRegistry.from_mapping(raw["facts"]),
        dict(raw.get("derived_facts", {})),
        dict(raw.get("scenarios", {})),
        (),
        raw.get("text_as_of", ""),
        dict(raw["facts"]),
    )
