"""Reforms: a change of the law, as a value that turns one :class:`~exportctl.corpus.law.Law`
into another, with its own id, naming where the change comes from.

A :class:`Reform` holds a name, a title, its :class:`Source` (document, page, quote), whether it
is *illustrative* (its details are exportctl's choice where the source gives none), and its
operations, applied in order::

    import exportctl
    from exportctl.corpus.reforms import bundled_reform

    today = exportctl.law("2026-01-15")
    reformed = bundled_reform("etl-eliminated").apply(today)
    len(today.etl), len(reformed.etl)          # (28, 0)
    reformed.id != today.id                    # True: decisions name the law they were made under

Reforms compose: ``b.apply(a.apply(law))`` (or :func:`apply_reforms`), each operation checked
against the law as the ones before it left it.  Each operation records one change in
:attr:`Law.reforms <exportctl.corpus.law.Law.reforms>` (``"etl-eliminated: remove rows …"``)
and gives the components it touches a new digest, so the reformed law never shares an id with
the law it came from.

The common operations have a human-editable form, a TOML file (``[[change]]`` tables; see
docs/scenarios.md); the named scenarios of ``data/reforms/*.toml`` are bundled and loaded by
name (:func:`bundled_reform`).  Loading a reform validates it against a law: a row, paragraph,
ECCN, country, set, amount or exemption that does not exist is a :class:`ReformError` naming it
and, where it can, the line of the file.

============================  ===========================================================
``op``                        what it changes
============================  ===========================================================
``remove_rows``               rows of the ETL (Supp. No. 2) or Supp. No. 1 (``rows = "all"``)
``replace_row``               one row, replaced by a row in the form of data/errata/etl.json
``change_amount``             an amount of § 123.15(a) (data/law/itar/123_15.json), its comparator
``country_set``               countries added to or removed from a dated country set
``territory``                 countries added to or removed from an exemption's territory
``relocate_usml``             a USML paragraph moved to an ECCN paragraph (see below)
``change_question``           the text or citation of a rule-set question
``change_release``            a release paragraph of a rule set removed or its tests replaced
``add_exemption``             an exemption, a data file in the format of data/law/
``remove_exemption``          an exemption of the law
============================  ===========================================================

For anything else, the Python API: :class:`ChangeComponent` (any component, e.g. the ETL or
the countries, through a function) and :class:`ChangeEdition` (every edition of the USML or the
CCL, through :meth:`Dated.map <exportctl.core.dated.Dated.map>`); a new kind of operation for the
file form registers itself with :func:`register_operation`.

**A relocated USML paragraph** is no longer on the USML: the law records it
(:attr:`Law.relocations <exportctl.corpus.law.Law.relocations>`), the paragraph's text stays so
that items and transfers naming it are not input errors, and the engine reads an item the
paragraph describes as described in the target ECCN paragraph instead — never as not described,
never EAR99 (docs/scenarios.md, "Relocation").
"""

from __future__ import annotations

import abc
import copy
import json
import re
import tomllib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, ClassVar

import attrs

from exportctl.core.comparators import COMPARATORS
from exportctl.core.dated import OutsideCoverage
from exportctl.core.provenance import canonical_json, content_hash
from exportctl.corpus.countries import Countries, UnknownCountry, countries_from_data
from exportctl.corpus.exemptions import Exemption, Exemptions, RequirementSpec
from exportctl.corpus.law import Component, Law, Relocation, exemption_digest
from exportctl.corpus.references import ReferenceSyntaxError, parse_eccn, parse_usml
from exportctl.corpus.rulesets import FactTest, RegimeRules, RuleSet
from exportctl.corpus.supplements import CONDITION_TESTS, Supplement, supplement_from_data
from exportctl.corpus.usml import UnknownReference

__all__ = [
    "OPERATIONS",
    "AddExemption",
    "ChangeAmount",
    "ChangeComponent",
    "ChangeEdition",
    "ChangeQuestion",
    "ChangeRelease",
    "CountrySetChange",
    "Operation",
    "Reform",
    "ReformError",
    "RelocateUSML",
    "RemoveExemption",
    "RemoveRows",
    "ReplaceRow",
    "Source",
    "TerritoryChange",
    "apply_reforms",
    "bundled_reform",
    "bundled_reforms",
    "load_reform",
    "reform_from_data",
    "register_operation",
]


class ReformError(ValueError):
    """A reform that cannot be read or does not fit the law: names the file, the line (where it
    can), the change and what is wrong."""

    def __init__(
        self, message: str, *, file: str = "", line: int | None = None, key: str | None = None
    ) -> None:
        self.message = message
        self.file = file
        self.line = line
        #: The key of the change the error is about (its line is named when the file gives it).
        self.key = key
        where = (
            file + (f", line {line}" if line else "") if file else (f"line {line}" if line else "")
        )
        super().__init__(f"{where}: {message}" if where else message)

    def located(self, file: str, line: int | None) -> ReformError:
        """The same error, placed in a file (the line of the change unless it has its own)."""
        return ReformError(self.message, file=self.file or file, line=self.line or line)


@attrs.frozen
class Source:
    """Where a reform comes from: the document, its page, and the words it rests on.

    ``source`` names the verbatim text the data build checks ``quote`` against (``seed:<file>``
    for a seed document, as in data/law/); ``section`` and ``note`` say where in the document
    and anything the page number alone does not."""

    document: str
    page: str
    quote: str
    source: str = ""
    section: str = ""
    note: str = ""


# --------------------------------------------------------------------------------------------
# Operations


@attrs.frozen
class Operation(abc.ABC):
    """One change of the law.  ``validate`` refuses a change that does not fit the law (naming
    what does not exist); ``apply`` returns the changed law; ``describe`` says what changes, in
    words that determine the change (they are hashed into the law's id)."""

    op: ClassVar[str] = ""
    #: The line of the file the change was read from (None when built in code).
    line: int | None = attrs.field(default=None, kw_only=True, eq=False)
    #: The line of each of its keys in the file.
    lines: Mapping[str, int] = attrs.field(factory=dict, kw_only=True, eq=False, repr=False)
    #: The words of the source this change rests on, if the change quotes any.
    quote: str = attrs.field(default="", kw_only=True)
    note: str = attrs.field(default="", kw_only=True)

    def validate(self, law: Law) -> None:  # noqa: B027 - most operations check in apply
        """Raise :class:`ReformError` if the change does not fit ``law`` (by default nothing
        beyond what :meth:`apply` checks)."""

    @abc.abstractmethod
    def apply(self, law: Law, reform: str) -> Law:
        """``law`` with this change made (the reform's name recorded)."""

    @abc.abstractmethod
    def describe(self) -> str:
        """What changes, in words that determine the change."""


def _changed(law: Law, reform: str, op: Operation, **components: Component[Any]) -> Law:
    return Law(law.as_of, law.statutes.replace(f"{reform}: {op.describe()}", components=components))


def _component(law: Law, name: str) -> Component[Any]:
    return law.statutes.components[name]


def _as_dict(value: Mapping[str, Any]) -> dict[str, Any]:
    return dict(value)


_SUPPLEMENTS = {
    "etl": "Supp. No. 2 to 22 CFR part 126 (the ETL)",
    "supp1": "Supp. No. 1 to 22 CFR part 126",
}


def _supplement(law: Law, name: str) -> Supplement:
    if name not in _SUPPLEMENTS:
        raise ReformError(
            f"no supplement {name!r}; known: {', '.join(_SUPPLEMENTS)}", key="supplement"
        )
    table: Supplement = getattr(law, name)
    return table


def _row_id(table: Supplement, name: str, row: str | int) -> str:
    try:
        return table.row(str(row)).id
    except KeyError:
        ids = [r.id for r in table.rows]
        known = (
            f"{ids[0]} … {ids[-1]} or 1 … {len(ids)}" if ids else "none (the supplement is empty)"
        )
        raise ReformError(
            f"no row {row!r} in {_SUPPLEMENTS[name]}; its rows are {known}", key="rows"
        ) from None


@attrs.frozen
class RemoveRows(Operation):
    """Rows of the ETL (``supplement = "etl"``) or Supp. No. 1 removed; ``rows = "all"`` empties
    it (every transfer is then decided as if no row caught it)."""

    op: ClassVar[str] = "remove_rows"
    supplement: str
    rows: tuple[str, ...] | str

    def validate(self, law: Law) -> None:
        table = _supplement(law, self.supplement)
        if isinstance(self.rows, str):
            if self.rows != "all":
                raise ReformError(f'rows = {self.rows!r}: give a list of rows or "all"')
            return
        if not self.rows:
            raise ReformError('rows is empty: name the rows to remove, or "all"')
        for row in self.rows:
            _row_id(table, self.supplement, row)

    def _ids(self, table: Supplement) -> set[str]:
        if isinstance(self.rows, str):
            return {r.id for r in table.rows}
        return {_row_id(table, self.supplement, r) for r in self.rows}

    def describe(self) -> str:
        rows = "every row" if isinstance(self.rows, str) else "rows " + ", ".join(self.rows)
        return f"remove {rows} of {self.supplement}"

    def apply(self, law: Law, reform: str) -> Law:
        drop = self._ids(_supplement(law, self.supplement))

        def remove(table: Supplement) -> Supplement:
            return attrs.evolve(table, rows=tuple(r for r in table.rows if r.id not in drop))

        change = f"{reform}: {self.describe()}"
        return _changed(
            law,
            reform,
            self,
            **{self.supplement: _component(law, self.supplement).changed(change, remove)},
        )


@attrs.frozen
class ReplaceRow(Operation):
    """One row replaced by another, written as the rows of data/errata/etl.json are: ``text``,
    ``usml_refs``, ``entries`` (each ``applies_to`` and ``conditions``, every condition with its
    ``test`` and ``quote``).  Its id, number and citation stay those of the row replaced unless
    given."""

    op: ClassVar[str] = "replace_row"
    supplement: str
    row: str
    data: Mapping[str, Any] = attrs.field(converter=_as_dict)

    def _new_row(self, law: Law) -> Any:
        table = _supplement(law, self.supplement)
        old = table.row(_row_id(table, self.supplement, self.row))
        raw = {
            "id": old.id,
            "row": old.row,
            "citation": old.citation,
            "usml_column": old.usml_column,
            **self.data,
        }
        for key in ("text", "usml_refs", "entries"):
            if key not in raw:
                raise ReformError(f"the new row needs {key!r}")
        for e, entry in enumerate(raw["entries"]):
            unknown = set(entry.get("applies_to", ())) - {
                "article",
                "technical_data",
                "defense_service",
            }
            if unknown or not entry.get("applies_to"):
                raise ReformError(
                    f"entries[{e}].applies_to must name article, technical_data or defense_service"
                )
            for c, cond in enumerate(entry.get("conditions", ())):
                if cond.get("test") not in CONDITION_TESTS:
                    raise ReformError(
                        f"entries[{e}].conditions[{c}]: test {cond.get('test')!r} is not one of "
                        f"{', '.join(sorted(CONDITION_TESTS))}"
                    )
                if not cond.get("quote"):
                    raise ReformError(f"entries[{e}].conditions[{c}] needs the 'quote' it reads")
                fact = cond.get("fact")
                if cond.get("test") == "fact" and (not fact or law.facts.get(fact) is None):
                    raise ReformError(
                        f"entries[{e}].conditions[{c}]: fact {fact!r} is not a question of the law"
                    )
        try:
            built = supplement_from_data(
                {"supplement": table.title, "facts": {}, "rows": [raw]}
            ).rows[0]
        except (KeyError, TypeError) as exc:
            raise ReformError(f"the new row cannot be read: missing {exc}") from None
        except ReferenceSyntaxError as exc:
            raise ReformError(f"the new row: {exc}") from None
        refs = [*built.usml_refs, *(r for e in built.entries for c in e.conditions for r in c.refs)]
        for ref in refs:
            if ref.path and not law.usml.exists(ref):
                raise ReformError(f"the new row names USML {ref}, which does not exist")
        return built

    def validate(self, law: Law) -> None:
        self._new_row(law)

    def describe(self) -> str:
        return f"replace row {self.row} of {self.supplement} with {canonical_json(self.data)}"

    def apply(self, law: Law, reform: str) -> Law:
        new = self._new_row(law)

        def replace(table: Supplement) -> Supplement:
            return attrs.evolve(table, rows=tuple(new if r.id == new.id else r for r in table.rows))

        change = f"{reform}: {self.describe()}"
        return _changed(
            law,
            reform,
            self,
            **{self.supplement: _component(law, self.supplement).changed(change, replace)},
        )


@attrs.frozen
class ChangeAmount(Operation):
    """An amount of a paragraph of amounts (``amounts = "123.15(a)"``, the form of
    data/law/itar/123_15.json): the row (``"22 CFR 123.15(a)(1)"``), what the amount applies
    to (``major_defense_equipment``, ``defense_articles_and_services``), the new amount in whole
    dollars and, optionally, a new comparator ("or more", "exceeds", …)."""

    op: ClassVar[str] = "change_amount"
    amounts: str
    row: str
    applies_to: str
    amount: int
    comparator: str | None = None

    def _target(self, law: Law) -> dict[str, Any]:
        table = law.exemptions.amounts.get(self.amounts)
        if table is None:
            raise ReformError(
                f"no amounts {self.amounts!r} in the law; known: "
                + ", ".join(law.exemptions.amounts),
                key="amounts",
            )
        rows = {r["id"]: r for r in table["rows"]}
        row = rows.get(self.row)
        if row is None:
            raise ReformError(
                f"no row {self.row!r} in {table['citation']}; its rows are {', '.join(rows)}",
                key="row",
            )
        found: dict[str, Any] | None = next(
            (a for a in row["amounts"] if a["applies_to"] == self.applies_to), None
        )
        if found is None:
            kinds = ", ".join(a["applies_to"] for a in row["amounts"])
            raise ReformError(
                f"{self.row} has no amount for {self.applies_to!r}; it has {kinds}",
                key="applies_to",
            )
        return found

    def validate(self, law: Law) -> None:
        self._target(law)
        if isinstance(self.amount, bool) or not isinstance(self.amount, int) or self.amount < 0:
            raise ReformError(f"amount {self.amount!r} is not a whole number of dollars")
        if self.comparator is not None and self.comparator not in COMPARATORS:
            raise ReformError(
                f"comparator {self.comparator!r} is not one of {', '.join(sorted(COMPARATORS))}"
            )

    def describe(self) -> str:
        words = f" ({self.comparator})" if self.comparator else ""
        return f"{self.row} {self.applies_to} amount ${self.amount:,}{words}"

    def apply(self, law: Law, reform: str) -> Law:
        self.validate(law)
        change = f"{reform}: {self.describe()}"

        def edit(exemptions: Exemptions) -> Exemptions:
            amounts = copy.deepcopy(dict(exemptions.amounts))
            for row in amounts[self.amounts]["rows"]:
                if row["id"] != self.row:
                    continue
                for amount in row["amounts"]:
                    if amount["applies_to"] == self.applies_to:
                        amount["amount"] = self.amount
                        if self.comparator:
                            amount["comparator"] = self.comparator
                        amount["changed_by"] = reform
            return attrs.evolve(exemptions, amounts=amounts)

        return _changed(
            law, reform, self, exemptions=_component(law, "exemptions").changed(change, edit)
        )


def _countries_known(law: Law, codes: Iterable[str], field: str) -> tuple[str, ...]:
    out = []
    for code in codes:
        if not isinstance(code, str) or not re.fullmatch(r"[A-Za-z]{2}", code):
            raise ReformError(f"{field}: {code!r} is not an ISO 3166-1 alpha-2 code (e.g. SE, AU)")
        try:
            out.append(law.countries.get(code.upper()).iso2)
        except UnknownCountry as exc:
            raise ReformError(f"{field}: {exc}") from None
    return tuple(out)


def _set_raw(countries: Countries, key: str) -> dict[str, Any]:
    raw: dict[str, Any] = countries.raw["sets"][key]
    return raw


def _own_members(raw: Mapping[str, Any]) -> list[dict[str, Any]]:
    members = raw.get("members") or [{"iso2": c, "since": None} for c in raw.get("named", [])]
    return [dict(m) for m in members]


def _check_set_change(
    law: Law, key: str, add: Sequence[str], remove: Sequence[str], what: str
) -> None:
    if key not in law.countries.sets:
        raise ReformError(
            f"no country set {key!r}; known sets: {', '.join(sorted(law.countries.sets))}"
        )
    if not add and not remove:
        raise ReformError(f"{what}: name countries to add or remove")
    raw = _set_raw(law.countries, key)
    own = {m["iso2"] for m in _own_members(raw)}
    for code in add:
        if code in own:
            raise ReformError(f"{what}: {code} is already a member of {key}")
    for code in remove:
        if code in own:
            continue
        through = [
            b
            for b in raw.get("union_of", ())
            if any(code in v.value for v in law.countries.membership(b).versions)
        ]
        if through:
            raise ReformError(
                f"{what}: {code} is in {key} through its union with {', '.join(through)}; "
                f"remove it from {through[0]} instead"
            )
        raise ReformError(f"{what}: {code} is not a member of {key}")


def _edit_set(
    countries: Countries,
    key: str,
    new_key: str,
    add: Sequence[str],
    remove: Sequence[str],
    title: str,
) -> Countries:
    raw = copy.deepcopy(countries.raw)
    base = raw["sets"][key]
    members = [m for m in _own_members(base) if m["iso2"] not in remove]
    members += [{"iso2": code, "since": None} for code in add]
    edited = {k: v for k, v in base.items() if k != "named"}
    edited["members"] = members
    if title:
        edited["title"] = title
    raw["sets"][new_key] = edited
    return countries_from_data(raw)


@attrs.frozen
class CountrySetChange(Operation):
    """Countries added to (a member from the start of the set's coverage) or removed from a
    country set of the law (``nato``, ``itar_123_15_a_2``, …): every rule that reads the set
    follows."""

    op: ClassVar[str] = "country_set"
    set: str
    add: tuple[str, ...] = ()
    remove: tuple[str, ...] = ()

    def validate(self, law: Law) -> None:
        add = _countries_known(law, self.add, "add")
        remove = _countries_known(law, self.remove, "remove")
        _check_set_change(law, self.set, add, remove, f"country set {self.set}")

    def describe(self) -> str:
        return f"country set {self.set}: add {list(self.add)}, remove {list(self.remove)}"

    def apply(self, law: Law, reform: str) -> Law:
        self.validate(law)
        add = _countries_known(law, self.add, "add")
        remove = _countries_known(law, self.remove, "remove")
        change = f"{reform}: {self.describe()}"
        countries = _component(law, "countries").changed(
            change, lambda c: _edit_set(c, self.set, self.set, add, remove, "")
        )
        return _changed(law, reform, self, countries=countries)


def _territories(exemption: Exemption) -> list[RequirementSpec]:
    return [
        r
        for v in exemption.versions.versions
        for r in v.value.requirements
        if r.test == "territory"
    ]


def _exemption(law: Law, key: str) -> Exemption:
    try:
        return law.exemptions.get(key)
    except KeyError as exc:
        raise ReformError(str(exc).strip("'\"")) from None


def _with_requirements(
    exemption: Exemption, edit: Callable[[RequirementSpec], RequirementSpec]
) -> Exemption:
    versions = exemption.versions.map(
        lambda v: attrs.evolve(v, requirements=tuple(edit(r) for r in v.requirements))
    )
    return attrs.evolve(exemption, versions=versions)


@attrs.frozen
class TerritoryChange(Operation):
    """Countries added to or removed from the territory an exemption requires (a ``territory``
    requirement, e.g. § 126.7(b)(1)): the exemption reads a new set, the old set with the
    change, in every version; other rules reading the old set are not changed."""

    op: ClassVar[str] = "territory"
    exemption: str
    add: tuple[str, ...] = ()
    remove: tuple[str, ...] = ()

    def _set(self, law: Law) -> str:
        exemption = _exemption(law, self.exemption)
        sets: set[str] = {str(r["country_set"]) for r in _territories(exemption)}
        if not sets:
            raise ReformError(f"{exemption.citation} has no territory requirement to change")
        if len(sets) > 1:
            raise ReformError(
                f"{exemption.citation} reads several territories ({', '.join(sorted(sets))}); "
                'change each set with op = "country_set"'
            )
        return sets.pop()

    def validate(self, law: Law) -> None:
        key = self._set(law)
        add = _countries_known(law, self.add, "add")
        remove = _countries_known(law, self.remove, "remove")
        _check_set_change(law, key, add, remove, f"the territory of {self.exemption}")

    def describe(self) -> str:
        return f"territory of {self.exemption}: add {list(self.add)}, remove {list(self.remove)}"

    def apply(self, law: Law, reform: str) -> Law:
        self.validate(law)
        key = self._set(law)
        new_key = f"{key}~{reform}"
        add = _countries_known(law, self.add, "add")
        remove = _countries_known(law, self.remove, "remove")
        exemption = _exemption(law, self.exemption)
        change = f"{reform}: {self.describe()}"
        title = f"{law.countries.sets[key].title}, as changed by {reform}"
        countries = _component(law, "countries").changed(
            change, lambda c: _edit_set(c, key, new_key, add, remove, title)
        )

        def point(req: RequirementSpec) -> RequirementSpec:
            if req.test != "territory":
                return req
            return attrs.evolve(req, params={**req.params, "country_set": new_key})

        changed = _with_requirements(exemption, point)
        exemptions = _component(law, "exemptions").changed(
            change, lambda current: current.with_exemption(changed)
        )
        return _changed(law, reform, self, countries=countries, exemptions=exemptions)


@attrs.frozen
class RelocateUSML(Operation):
    """A USML paragraph (and everything beneath it) moved to an ECCN paragraph: it no longer
    describes anything on the USML; an item it describes is described in ``to`` instead.

    The paragraph must be one that describes items (not reserved, not an (x) paragraph); the
    target must exist on the CCL and be of the right product group (technical data only to
    product group E).  A paragraph that describes technical data besides commodities (XIII(i))
    cannot go to one ECCN paragraph."""

    op: ClassVar[str] = "relocate_usml"
    paragraph: str
    to: str

    def validate(self, law: Law) -> None:
        try:
            ref = parse_usml(self.paragraph)
        except ReferenceSyntaxError as exc:
            raise ReformError(f"paragraph: {exc}") from None
        if not ref.path:
            raise ReformError(f"paragraph: {ref} is a whole category; name a paragraph")
        try:
            p = law.usml.get(ref)
        except UnknownReference as exc:
            raise ReformError(f"paragraph: {exc}") from None
        except OutsideCoverage as exc:
            raise ReformError(f"paragraph: the law on {law.as_of} has no USML ({exc})") from None
        if str(p.ref) != str(ref) or p.reserved:
            raise ReformError(f"paragraph: USML {ref} is [Reserved]; it describes nothing to move")
        if p.is_x_paragraph:
            raise ReformError(f"paragraph: USML {ref} is an (x) paragraph; it describes no item")
        moved = law.relocated(ref)
        if moved is not None:
            raise ReformError(f"paragraph: USML {ref} is already moved ({moved.rule})")
        try:
            target = parse_eccn(self.to)
        except (ReferenceSyntaxError, ValueError) as exc:
            raise ReformError(f"to: {exc}") from None
        try:
            entry = law.ccl.get(target)
            item = entry.item(target) if target.path else None
        except UnknownReference as exc:
            raise ReformError(f"to: {exc}") from None
        except OutsideCoverage as exc:
            raise ReformError(f"to: the law on {law.as_of} has no CCL to move to ({exc})") from None
        if item is not None and item.reserved:
            raise ReformError(f"to: {target} is [Reserved]; it describes no item")
        if entry.subject_to_itar_placeholder:
            raise ReformError(
                f"to: ECCN {entry.eccn} is a placeholder for items subject to the ITAR"
            )
        technology = target.product_group == "E"
        if p.describes_technical_data and not p.is_technical_data:
            raise ReformError(
                f"paragraph: USML {ref} describes technical data as well as articles; one ECCN "
                "paragraph cannot take both (move its sub-paragraphs one by one)"
            )
        if p.is_technical_data != technology:
            raise ReformError(
                f"to: USML {ref} describes "
                f"{'technical data' if p.is_technical_data else 'articles'}"
                f", but {target} is in product group {target.product_group} (technology is "
                "classified only in product group E, 15 CFR 738.2(b))"
            )

    def describe(self) -> str:
        return f"relocate USML {self.paragraph} to ECCN {self.to}"

    def apply(self, law: Law, reform: str) -> Law:
        self.validate(law)
        ref = str(parse_usml(self.paragraph))
        target = str(parse_eccn(self.to))
        relocation = Relocation(ref, target, reform, law.usml.get(ref).text)
        change = f"{reform}: {self.describe()}"
        current = law.statutes.components.get("relocations")
        if current is None:
            component: Component[Any] = Component(
                "relocations",
                content_hash("relocations", change),
                lambda: {ref: relocation},
                None,
                change,
            )
        else:
            component = current.changed(change, lambda moved: {**moved, ref: relocation})
        return _changed(law, reform, self, relocations=component)


def _ruleset_component(law: Law, reform: str, op: Operation, new: RuleSet) -> Law:
    change = f"{reform}: {op.describe()}"
    rules = _component(law, "rules").changed(change, lambda sets: sets.with_value(new))
    return Law(law.as_of, law.statutes.replace(change, components={"rules": rules}, ruleset=new.id))


def _reformed_id(ruleset: RuleSet, reform: str) -> str:
    return ruleset.id if ruleset.id.endswith(f"+{reform}") else f"{ruleset.id}+{reform}"


@attrs.frozen
class ChangeQuestion(Operation):
    """A question of the classification rule set reworded or recited (``text``, ``citation``);
    the rule set in force gets a new id (``baseline+<reform>``)."""

    op: ClassVar[str] = "change_question"
    question: str
    text: str | None = None
    citation: str | None = None

    def validate(self, law: Law) -> None:
        if self.question not in law.ruleset.questions:
            raise ReformError(
                f"no question {self.question!r} in rule set {law.ruleset.id}; known: "
                + ", ".join(law.ruleset.questions)
            )
        if self.text is None and self.citation is None:
            raise ReformError(f"question {self.question}: give a new text or citation")

    def describe(self) -> str:
        return f"question {self.question}: text {self.text!r}, citation {self.citation!r}"

    def apply(self, law: Law, reform: str) -> Law:
        self.validate(law)
        rules = law.ruleset
        old = rules.questions[self.question]
        new = attrs.evolve(
            old,
            text=self.text if self.text is not None else old.text,
            citation=self.citation if self.citation is not None else old.citation,
        )
        changed = RuleSet(
            _reformed_id(rules, reform),
            rules.title,
            rules.item_kinds,
            {**rules.questions, self.question: new},
            rules.itar,
            rules.ear,
            rules.conflicts,
        )
        return _ruleset_component(law, reform, self, changed)


@attrs.frozen
class ChangeRelease(Operation):
    """A release paragraph of the rule set (22 CFR 120.41(b) for ``regime = "itar"``, 15 CFR
    772.1 (b) for ``"ear"``) removed (``remove = true``) or given other tests (``all = [{fact,
    equals}, …]``, each fact a question of the rule set)."""

    op: ClassVar[str] = "change_release"
    regime: str
    release: str
    remove: bool = False
    tests: tuple[tuple[str, Any], ...] = ()

    def _regime(self, law: Law) -> RegimeRules:
        if self.regime not in ("itar", "ear"):
            raise ReformError(f"regime {self.regime!r} is not itar or ear")
        regime: RegimeRules = law.ruleset.regime(self.regime)  # type: ignore[arg-type]
        return regime

    def validate(self, law: Law) -> None:
        regime = self._regime(law)
        ids = [r.id for r in regime.releases]
        if self.release not in ids:
            raise ReformError(
                f"no release {self.release!r} in {self.regime}; known: {', '.join(ids)}"
            )
        if self.remove == bool(self.tests):
            raise ReformError("give either remove = true or the release's new tests (all)")
        for fact, _ in self.tests:
            if fact not in law.ruleset.questions:
                raise ReformError(f"all: {fact!r} is not a question of rule set {law.ruleset.id}")

    def describe(self) -> str:
        what = "remove" if self.remove else f"tests {list(self.tests)}"
        return f"{self.regime} release {self.release}: {what}"

    def apply(self, law: Law, reform: str) -> Law:
        self.validate(law)
        rules = law.ruleset
        regime = self._regime(law)
        releases = []
        for r in regime.releases:
            if r.id != self.release:
                releases.append(r)
            elif not self.remove:
                releases.append(attrs.evolve(r, tests=tuple(FactTest(f, v) for f, v in self.tests)))
        new_regime = attrs.evolve(regime, releases=tuple(releases))
        changed = RuleSet(
            _reformed_id(rules, reform),
            rules.title,
            rules.item_kinds,
            rules.questions,
            new_regime if self.regime == "itar" else rules.itar,
            new_regime if self.regime == "ear" else rules.ear,
            rules.conflicts,
        )
        return _ruleset_component(law, reform, self, changed)


@attrs.frozen
class AddExemption(Operation):
    """An exemption, a data file in the format of data/law/ (``kind = "exemption"``, see
    docs/law-data.md): every requirement names a test of the engine's registry, every fact it
    reads is a question of the law or of the file.  ``replace = true`` replaces an exemption of
    the same paragraph; otherwise its key must be new."""

    op: ClassVar[str] = "add_exemption"
    data: Mapping[str, Any] = attrs.field(converter=_as_dict)
    replace: bool = False
    file: str = ""

    def exemption(self) -> Exemption:
        from exportctl.engine.exemptions import load_exemption

        try:
            return load_exemption(self.data)
        except (KeyError, TypeError) as exc:
            raise ReformError(f"{self.file or 'the exemption'}: missing {exc}") from None
        except ValueError as exc:
            raise ReformError(f"{self.file or 'the exemption'}: {exc}") from None

    def validate(self, law: Law) -> None:
        exemption = self.exemption()
        if exemption.key in law.exemptions.keys and not self.replace:
            raise ReformError(
                f"the law already holds an exemption {exemption.key!r}; set replace = true to "
                "replace it"
            )
        if self.replace and exemption.key not in law.exemptions.keys:
            raise ReformError(f"replace = true, but the law holds no exemption {exemption.key!r}")
        if exemption.column in {e.column for e in law.exemptions if e.key != exemption.key}:
            raise ReformError(f"batch column {exemption.column!r} is taken by another exemption")
        known = set(law.facts.questions) | set(exemption.facts)
        for version in exemption.versions.versions:
            for req in version.value.requirements:
                fact = req.get("fact")
                if fact and fact not in known:
                    raise ReformError(
                        f"{exemption.citation} {req.id}: fact {fact!r} is not a question of the law"
                    )
                sets = req.get("country_set")
                if sets and sets not in law.countries.sets:
                    raise ReformError(f"{exemption.citation} {req.id}: no country set {sets!r}")

    def describe(self) -> str:
        exemption = self.exemption()
        return f"exemption {exemption.key} ({exemption_digest(exemption)})"

    def apply(self, law: Law, reform: str) -> Law:
        self.validate(law)
        exemption = self.exemption()
        change = f"{reform}: {self.describe()}"
        component = _component(law, "exemptions").changed(
            change, lambda current: current.with_exemption(exemption)
        )
        return _changed(law, reform, self, exemptions=component)


@attrs.frozen
class RemoveExemption(Operation):
    """An exemption of the law removed (its paragraph, e.g. ``126.5``)."""

    op: ClassVar[str] = "remove_exemption"
    exemption: str

    def validate(self, law: Law) -> None:
        _exemption(law, self.exemption)

    def describe(self) -> str:
        return f"remove exemption {self.exemption}"

    def apply(self, law: Law, reform: str) -> Law:
        key = _exemption(law, self.exemption).key
        change = f"{reform}: {self.describe()}"
        component = _component(law, "exemptions").changed(
            change, lambda current: current.without([key])
        )
        return _changed(law, reform, self, exemptions=component)


@attrs.frozen
class ChangeComponent(Operation):
    """Python API: any component of the law (``etl``, ``supp1``, ``countries``, ``rules``,
    ``exemptions``) changed by a function of its value.  ``description`` must say what the
    function changes: it is hashed into the law's id (two different functions with the same
    description would give the same id)."""

    op: ClassVar[str] = "change_component"
    component: str
    description: str
    func: Callable[[Any], Any] = attrs.field(eq=False, repr=False)

    def validate(self, law: Law) -> None:
        if self.component not in law.statutes.components:
            raise ReformError(
                f"no component {self.component!r}; known: "
                + ", ".join(sorted(law.statutes.components))
            )
        if not self.description.strip():
            raise ReformError("a change of a component needs a description of what it changes")

    def describe(self) -> str:
        return f"{self.component}: {self.description}"

    def apply(self, law: Law, reform: str) -> Law:
        self.validate(law)
        change = f"{reform}: {self.describe()}"
        return _changed(
            law,
            reform,
            self,
            **{self.component: _component(law, self.component).changed(change, self.func)},
        )


@attrs.frozen
class ChangeEdition(Operation):
    """Python API: every edition of a dated dataset (``usml``, ``ccl``) changed by a function of
    its value, on every date (:meth:`Statutes.with_edition
    <exportctl.corpus.law.Statutes.with_edition>`).  ``description`` as for
    :class:`ChangeComponent`."""

    op: ClassVar[str] = "change_edition"
    dataset: str
    description: str
    func: Callable[[Any], Any] = attrs.field(eq=False, repr=False)

    def validate(self, law: Law) -> None:
        if self.dataset not in law.statutes.editions:
            raise ReformError(
                f"no dataset {self.dataset!r} with editions; known: "
                + ", ".join(sorted(law.statutes.editions))
            )
        if not self.description.strip():
            raise ReformError("a change of an edition needs a description of what it changes")

    def describe(self) -> str:
        return f"{self.dataset} (every edition): {self.description}"

    def apply(self, law: Law, reform: str) -> Law:
        self.validate(law)
        change = f"{reform}: {self.describe()}"
        return Law(law.as_of, law.statutes.with_edition(self.dataset, change, self.func))


# --------------------------------------------------------------------------------------------
# Reforms


_NAME = re.compile(r"[a-z0-9][a-z0-9-]{0,62}")


@attrs.frozen
class Reform:
    """A named change of the law: its source, whether it is illustrative, its operations."""

    name: str
    title: str
    source: Source
    operations: tuple[Operation, ...]
    illustrative: bool = False
    note: str = ""
    #: The file it was read from (named in errors); "" when built in code.
    file: str = attrs.field(default="", eq=False)

    def __attrs_post_init__(self) -> None:
        if not _NAME.fullmatch(self.name):
            raise ReformError(
                f"name {self.name!r}: use lower-case letters, digits and hyphens "
                "(e.g. etl-eliminated)",
                file=self.file,
            )
        if not self.operations:
            raise ReformError(
                f"reform {self.name} changes nothing: add a [[change]]", file=self.file
            )

    @property
    def digest(self) -> str:
        """A content hash of what the reform changes (its name and its operations)."""
        return content_hash(self.name, *(op.describe() for op in self.operations))

    def apply(self, law: Law) -> Law:
        """The law with every operation applied in order, each checked against the law as the
        ones before it left it; a change that does not fit raises :class:`ReformError`."""
        for n, op in enumerate(self.operations, start=1):
            try:
                op.validate(law)
                law = op.apply(law, self.name)
            except ReformError as exc:
                key = _key_of(op, exc)
                raise ReformError(
                    f"reform {self.name}, change {n} ({op.op}): {exc.message}",
                    file=exc.file or self.file,
                    line=exc.line or (op.lines.get(key) if key else None) or op.line,
                    key=key,
                ) from None
        return law

    def validate(self, law: Law) -> None:
        """Raise :class:`ReformError` if the reform does not fit ``law`` (nothing is built
        beyond what the checks read)."""
        self.apply(law)

    def changes(self) -> tuple[str, ...]:
        """What each operation changes, in words."""
        return tuple(op.describe() for op in self.operations)


def _key_of(op: Operation, exc: ReformError) -> str | None:
    """The key of the change an error is about: the one it names, the one its message starts
    with (``"to: …"``), or the one whose value it quotes."""
    if exc.key is not None:
        return exc.key
    head = re.match(r"(\w+)[: ]", exc.message)
    if head and head.group(1) in op.lines:
        return head.group(1)
    for key in op.lines:
        value = getattr(op, key, None)
        values = value if isinstance(value, tuple) else (value,)
        for v in values:
            if isinstance(v, (str, int)) and not isinstance(v, bool) and str(v):
                if repr(str(v)) in exc.message or f" {v}" in exc.message:
                    return key
    return None


def apply_reforms(law: Law, reforms: Iterable[Reform]) -> Law:
    """``law`` with each reform applied in turn (the second reads the first's law)."""
    for reform in reforms:
        law = reform.apply(law)
    return law


# --------------------------------------------------------------------------------------------
# The file form (TOML; JSON with the same keys is read too)


@attrs.frozen
class _Context:
    """Where a change is read from: the file, its text (for line numbers), the files beside it."""

    file: str
    text: str
    load_file: Callable[[str], Any]
    header_lines: tuple[int, ...]

    def line_of(self, n: int, key: str | None = None) -> int | None:
        """The line of the n-th ``[[change]]`` (from 0), or of ``key`` inside it."""
        if n >= len(self.header_lines):
            return None
        start = self.header_lines[n]
        if key is None:
            return start
        end = self.header_lines[n + 1] if n + 1 < len(self.header_lines) else None
        lines = self.text.splitlines()
        pattern = re.compile(rf"^\s*{re.escape(key)}\s*=")
        for number in range(start, (end or len(lines) + 1) - 1):
            if pattern.match(lines[number]):
                return number + 1
        return start

    def key_line(self, key: str) -> int | None:
        pattern = re.compile(rf"^\s*{re.escape(key)}\s*=")
        first_change = self.header_lines[0] if self.header_lines else None
        for number, line in enumerate(self.text.splitlines(), start=1):
            if first_change is not None and number >= first_change:
                break
            if pattern.match(line):
                return number
        return None


_CHANGE_HEADER = re.compile(r"^\s*\[\[\s*change\s*\]\]")

OperationParser = Callable[[Mapping[str, Any], "_Reader"], Operation]

#: Every operation of the file form, by its ``op`` (register more with
#: :func:`register_operation`).
OPERATIONS: dict[str, tuple[OperationParser, frozenset[str]]] = {}

#: Keys every change may carry besides its operation's own.
_COMMON = frozenset({"op", "source", "quote", "note"})


def register_operation(
    name: str, keys: Iterable[str]
) -> Callable[[OperationParser], OperationParser]:
    """Register the parser of an operation of the file form: ``keys`` are the keys it reads
    (besides ``op``, ``source``, ``quote`` and ``note``, which every change may carry)."""

    def register(parser: OperationParser) -> OperationParser:
        if name in OPERATIONS:
            raise ValueError(f"reform operation {name!r} is registered twice")
        OPERATIONS[name] = (parser, frozenset(keys))
        return parser

    return register


@attrs.frozen
class _Reader:
    """The fields of one change, with errors that name the key and its line."""

    fields: Mapping[str, Any]
    context: _Context
    index: int

    def error(self, message: str, key: str | None = None) -> ReformError:
        return ReformError(
            message, file=self.context.file, line=self.context.line_of(self.index, key)
        )

    def common(self) -> dict[str, Any]:
        lines = {k: self.context.line_of(self.index, k) for k in self.fields if k != "op"}
        return {
            "line": self.context.line_of(self.index),
            "lines": {k: v for k, v in lines.items() if v is not None},
            "quote": self.text("quote", required=False) or "",
            "note": self.text("note", required=False) or "",
        }

    def text(self, key: str, required: bool = True) -> str | None:
        value = self.fields.get(key)
        if value is None:
            if required:
                raise self.error(f"{self.fields.get('op')}: needs {key!r}")
            return None
        if not isinstance(value, (str, int)) or isinstance(value, bool):
            raise self.error(f"{key} must be text, not {value!r}", key)
        return str(value)

    def codes(self, key: str) -> tuple[str, ...]:
        value = self.fields.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.error(f'{key} must be a list of country codes, e.g. ["SE"]', key)
        return tuple(v.upper() for v in value)

    def flag(self, key: str) -> bool:
        value = self.fields.get(key, False)
        if not isinstance(value, bool):
            raise self.error(f"{key} must be true or false", key)
        return value


@register_operation("remove_rows", ("supplement", "rows"))
def _remove_rows(f: Mapping[str, Any], r: _Reader) -> Operation:
    rows = f.get("rows")
    if rows == "all":
        parsed: tuple[str, ...] | str = "all"
    elif isinstance(rows, list) and all(
        isinstance(x, (str, int)) and not isinstance(x, bool) for x in rows
    ):
        parsed = tuple(str(x) for x in rows)
    else:
        raise r.error('rows must be a list of row ids or numbers, or "all"', "rows")
    return RemoveRows(r.text("supplement") or "", parsed, **r.common())


@register_operation("replace_row", ("supplement", "row", "with"))
def _replace_row(f: Mapping[str, Any], r: _Reader) -> Operation:
    data = f.get("with")
    if not isinstance(data, Mapping):
        raise r.error("replace_row needs a [change.with] table: the new row", "row")
    return ReplaceRow(r.text("supplement") or "", r.text("row") or "", data, **r.common())


@register_operation("change_amount", ("amounts", "row", "applies_to", "amount", "comparator"))
def _change_amount(f: Mapping[str, Any], r: _Reader) -> Operation:
    amount = f.get("amount")
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise r.error(f"amount must be a whole number of dollars, not {amount!r}", "amount")
    return ChangeAmount(
        r.text("amounts") or "",
        r.text("row") or "",
        r.text("applies_to") or "",
        amount,
        r.text("comparator", required=False),
        **r.common(),
    )


@register_operation("country_set", ("set", "add", "remove"))
def _country_set(f: Mapping[str, Any], r: _Reader) -> Operation:
    return CountrySetChange(r.text("set") or "", r.codes("add"), r.codes("remove"), **r.common())


@register_operation("territory", ("exemption", "add", "remove"))
def _territory(f: Mapping[str, Any], r: _Reader) -> Operation:
    return TerritoryChange(
        r.text("exemption") or "", r.codes("add"), r.codes("remove"), **r.common()
    )


@register_operation("relocate_usml", ("paragraph", "to"))
def _relocate(f: Mapping[str, Any], r: _Reader) -> Operation:
    return RelocateUSML(r.text("paragraph") or "", r.text("to") or "", **r.common())


@register_operation("change_question", ("question", "text", "citation"))
def _change_question(f: Mapping[str, Any], r: _Reader) -> Operation:
    return ChangeQuestion(
        r.text("question") or "",
        r.text("text", required=False),
        r.text("citation", required=False),
        **r.common(),
    )


@register_operation("change_release", ("regime", "release", "remove", "all"))
def _change_release(f: Mapping[str, Any], r: _Reader) -> Operation:
    tests = f.get("all", [])
    if not isinstance(tests, list) or not all(
        isinstance(t, Mapping) and set(t) == {"fact", "equals"} for t in tests
    ):
        raise r.error("all must be a list of {fact = ..., equals = ...} tables", "all")
    return ChangeRelease(
        r.text("regime") or "",
        r.text("release") or "",
        r.flag("remove"),
        tuple((t["fact"], t["equals"]) for t in tests),
        **r.common(),
    )


@register_operation("add_exemption", ("file", "replace"))
def _add_exemption(f: Mapping[str, Any], r: _Reader) -> Operation:
    name = r.text("file") or ""
    try:
        data = r.context.load_file(name)
    except (OSError, KeyError, ValueError) as exc:
        raise r.error(f"file {name!r} cannot be read: {exc}", "file") from None
    if not isinstance(data, Mapping) or data.get("kind") != "exemption":
        raise r.error(f'file {name!r} is not an exemption file (kind "exemption")', "file")
    return AddExemption(data, r.flag("replace"), name, **r.common())


@register_operation("remove_exemption", ("exemption",))
def _remove_exemption(f: Mapping[str, Any], r: _Reader) -> Operation:
    return RemoveExemption(r.text("exemption") or "", **r.common())


_TOP = frozenset({"name", "title", "illustrative", "note", "source", "change"})
_SOURCE_KEYS = frozenset({"document", "page", "quote", "source", "section", "note"})


def reform_from_data(
    raw: Mapping[str, Any],
    *,
    file: str = "",
    text: str = "",
    load_file: Callable[[str], Any] | None = None,
) -> Reform:
    """A reform from its parsed file form (the keys of docs/scenarios.md).  ``text`` is the
    file's text (for line numbers); ``load_file`` reads a file a change names (an exemption)."""
    headers = tuple(
        n for n, line in enumerate(text.splitlines(), start=1) if _CHANGE_HEADER.match(line)
    )

    def no_files(name: str) -> Any:
        raise KeyError(name)

    context = _Context(file, text, load_file or no_files, headers)
    unknown = sorted(set(raw) - _TOP)
    if unknown:
        raise ReformError(
            f"unknown key {unknown[0]!r}; a reform has {', '.join(sorted(_TOP))}",
            file=file,
            line=context.key_line(unknown[0]),
        )
    for key in ("name", "title"):
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            raise ReformError(f"needs a {key!r}", file=file, line=context.key_line(key))
    source = raw.get("source")
    if not isinstance(source, Mapping):
        raise ReformError("needs a [source] table (document, page, quote)", file=file)
    extra = sorted(set(source) - _SOURCE_KEYS)
    if extra:
        raise ReformError(
            f"[source]: unknown key {extra[0]!r}; it has {', '.join(sorted(_SOURCE_KEYS))}",
            file=file,
        )
    for key in ("document", "page", "quote"):
        if not isinstance(source.get(key), str) or not source[key].strip():
            raise ReformError(f"[source] needs {key!r}", file=file)
    illustrative = raw.get("illustrative", False)
    if not isinstance(illustrative, bool):
        raise ReformError(
            "illustrative must be true or false", file=file, line=context.key_line("illustrative")
        )
    changes = raw.get("change")
    if not isinstance(changes, list) or not changes:
        raise ReformError("needs at least one [[change]]", file=file)
    operations = []
    for n, fields in enumerate(changes):
        reader = _Reader(fields, context, n)
        if not isinstance(fields, Mapping):
            raise reader.error("each change must be a table")
        name = fields.get("op")
        if name not in OPERATIONS:
            raise reader.error(
                f"change {n + 1}: unknown op {name!r}; known: {', '.join(sorted(OPERATIONS))}",
                "op",
            )
        parser, keys = OPERATIONS[name]
        extra_keys = sorted(set(fields) - keys - _COMMON)
        if extra_keys:
            raise reader.error(
                f"change {n + 1} ({name}): unknown key {extra_keys[0]!r}; it reads "
                + ", ".join(sorted(keys | _COMMON)),
                extra_keys[0],
            )
        operations.append(parser(fields, reader))
    return Reform(
        name=raw["name"],
        title=raw["title"],
        source=Source(**{k: str(v) for k, v in source.items()}),
        operations=tuple(operations),
        illustrative=illustrative,
        note=str(raw.get("note", "")),
        file=file,
    )


def _parse_text(text: str, file: str) -> dict[str, Any]:
    if file.endswith(".json"):
        try:
            data: dict[str, Any] = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ReformError(f"not valid JSON: {exc.msg}", file=file, line=exc.lineno) from None
        return data
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"line (\d+)", str(exc))
        raise ReformError(
            f"not valid TOML: {exc}", file=file, line=int(found.group(1)) if found else None
        ) from None


def load_reform(path: str | Path, law: Law | None = None) -> Reform:
    """A reform from its file (TOML, or JSON with the same keys), validated against ``law``
    (default: the bundled law today).  Files a change names (an exemption) are read beside it."""
    from exportctl.corpus.law import law as bundled_law

    location = Path(path)
    try:
        text = location.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ReformError(f"cannot be read: {exc}", file=str(path)) from None

    def beside(name: str) -> Any:
        if "/" in name or "\\" in name or name.startswith("."):
            raise ValueError("name a file beside the reform, without a directory")
        return json.loads((location.parent / name).read_text(encoding="utf-8"))

    reform = reform_from_data(
        _parse_text(text, str(path)), file=str(path), text=text, load_file=beside
    )
    reform.validate(law if law is not None else bundled_law())
    return reform


def _bundled() -> Mapping[str, Any]:
    from exportctl.corpus import bundle

    data: Mapping[str, Any] = bundle.load_json("reforms.json")["reforms"]
    return data


def bundled_reforms() -> tuple[str, ...]:
    """The names of the scenarios bundled with exportctl (data/reforms/*.toml)."""
    return tuple(sorted(_bundled()))


def bundled_reform(name: str, law: Law | None = None) -> Reform:
    """A bundled scenario by name (``etl-eliminated``, …), validated against ``law`` (default:
    the bundled law today)."""
    from exportctl.corpus.law import law as bundled_law

    entry = _bundled().get(name)
    if entry is None:
        raise ReformError(
            f"no bundled reform {name!r}; bundled: {', '.join(bundled_reforms())} (or give a "
            "file with --reform-file)"
        )
    files: Mapping[str, Any] = entry.get("files", {})
    reform = reform_from_data(
        _parse_text(entry["text"], entry["file"]),
        file=entry["file"],
        text=entry["text"],
        load_file=lambda n: files[n],
    )
    reform.validate(law if law is not None else bundled_law())
    return reform


def bundled_reform_text(name: str) -> str:
    """The TOML text of a bundled scenario, as written (to copy and edit)."""
    entry = _bundled().get(name)
    if entry is None:
        raise ReformError(f"no bundled reform {name!r}; bundled: {', '.join(bundled_reforms())}")
    text: str = entry["text"]
    return text


def operations_of(reforms: Iterable[Reform]) -> Iterator[tuple[Reform, Operation]]:
    """Every operation of the reforms, with its reform."""
    for reform in reforms:
        for op in reform.operations:
            yield reform, op
