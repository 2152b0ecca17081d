"""The registry of named requirement tests an exemption's data may use.

A requirement in the data (``data/law/<regime>/<section>.json``) names a test (``"test":
"territory"``) and gives its parameters; the test reads the transfer and the law and returns a
three-valued :class:`~exportctl.core.results.Check` — pass, fail, or unknown with the facts still
needed.  The generic tests live here; a test that belongs to one paragraph lives in that
paragraph's module (``engine/itar/s126_7.py`` registers § 126.7(b)(2)'s ``parties``) and
registers itself with :func:`requirement_test`.  The data build refuses a test name this registry
does not know.

Generic tests: ``activity``, ``destination``, ``territory``, ``no_transit``,
``not_on_supplement``, ``fact`` (a fact has a value), ``fact_in`` (one of several values),
``fact_if`` (a condition that applies only when another fact has a value), ``transfer_kind``,
``subset_of`` / ``disjoint_from`` (a list-valued fact within / outside a set), and two that combine
others: ``any_of`` (alternative branches: passes when every requirement of some branch passes,
fails when every branch fails, else unknown with the questions of the branches still open) and
``shared`` (a group of requirements the version lists once and evaluates in place).
:func:`evaluate_requirement` decides a requirement and returns its rows of the checklist (one per
condition, nested ones labelled with their branch); a test runs once per transfer for every
requirement with the same test and parameters (:class:`Context` keeps it), wherever it is read
from.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from itertools import chain
from typing import Any, Literal

import attrs

from exportctl.core.bounded import empty_table, kept_for
from exportctl.core.results import Check, Status, combine, make_check
from exportctl.corpus.exemptions import RequirementSpec
from exportctl.corpus.law import Law
from exportctl.engine.exclusions import (
    Catch,
    RowMatch,
    applicable_catches,
    applicable_matches,
    match_rows,
)
from exportctl.inputs.transfers import Transfer

__all__ = [
    "REQUIREMENT_TESTS",
    "ConditionResult",
    "ConditionStatus",
    "Context",
    "Evaluated",
    "RequirementTest",
    "Scope",
    "content_key",
    "country_set",
    "decide_leaf",
    "evaluate_requirement",
    "leaf_rows",
    "member",
    "requirement_check",
    "requirement_status",
    "requirement_test",
    "summed_check",
    "unknown_countries",
]

#: Every item of some groups in order (``dict.fromkeys`` of it keeps each once).
_chain = chain.from_iterable

#: A condition's status on a checklist: a test's, or ``lifted`` (an exception of the text makes
#: it not apply).
ConditionStatus = Literal["pass", "fail", "unknown", "lifted"]


@attrs.frozen(weakref_slot=False)  # no weak references: see _row
class ConditionResult:
    """One condition as decided for one transfer: a row of the checklist and of the certification
    record — the paragraph, the words it implements, who confirms it, its status, the facts it
    relied on and why; ``group`` is the condition group it comes from (``120.15``), or
    ``guidelines <id>``, or None for the exemption's own; ``branch`` the branch it belongs to
    (``126.4(b)(2) > 126.4(a)(1)``); ``exception`` the text that lifts it (or may)."""

    name: str
    paragraph: str
    status: ConditionStatus
    detail: str = ""
    facts: Mapping[str, Any] = attrs.field(factory=dict)
    missing: tuple[str, ...] = ()
    test: str = ""
    quote: str = ""
    source: str = ""
    confirmed_by: str = "exporter"
    reads: tuple[str, ...] = ()
    group: str | None = None
    branch: str = ""
    exception: str = ""


#: A condition as decided, before it is written as a row: the requirement, its check, where it
#: was read and the branch it belongs to.
Leaf = tuple[RequirementSpec, Check, "Scope", str]


@attrs.frozen
class Evaluated:
    """A requirement as decided: its check and its conditions (written as rows of the checklist
    only when asked: most ways an exemption is decided by are not printed)."""

    check: Check
    leaves: tuple[Leaf, ...] = ()

    @property
    def rows(self) -> tuple[ConditionResult, ...]:
        return tuple(_row(req, check, scope, branch) for req, check, scope, branch in self.leaves)


@attrs.frozen
class Scope:
    """Where a requirement is read: the file that holds it (its key), the version's shared
    groups, and the condition group (None: the exemption's own)."""

    owner: str = ""
    shared: Mapping[str, tuple[RequirementSpec, ...]] = attrs.field(factory=dict)
    group: str | None = None


@attrs.define
class Context:
    """What the tests of one transfer share: the rows of each supplement read against it, read
    once (the ETL for § 126.7(b)(3), Supp. No. 1 for § 126.5), and every test already run (a
    requirement is decided once, whichever exemption or group reads it)."""

    transfer: Transfer
    law: Law
    _rows: dict[tuple[str, str | None], tuple[RowMatch, ...]] = attrs.Factory(dict)
    #: Each test's check, by what the test reads of its requirement (:func:`content_key`).
    decided: dict[Any, Check] = attrs.Factory(dict)
    scope: Scope = attrs.Factory(Scope)
    #: A carried group's requirements as decided for every exemption that carries them
    #: unexcepted (engine/exemptions.py keeps them here, one transfer at a time).
    carried: dict[tuple[Any, ...], Any] = attrs.Factory(dict)
    _catches: dict[tuple[str, str | None], tuple[Catch, ...]] = attrs.Factory(dict)

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

    def catches(self, supplement: str, column: str | None = None) -> tuple[Catch, ...]:
        """:meth:`catching_rows` as what ``not_on_supplement`` reads of each row (the row,
        caught or unknown, the facts still needed: :func:`applicable_catches`), read once."""
        key = (supplement, column)
        found = self._catches.get(key)
        if found is None:
            if supplement not in ("etl", "supp1"):
                raise KeyError(supplement)
            table = self.law.etl if supplement == "etl" else self.law.supp1
            found = self._catches[key] = applicable_catches(
                table, self.transfer, self.law.usml, column
            )
        return found


RequirementTest = Callable[[RequirementSpec, Transfer, Law, Context], Check]

#: Every test the data may name, by name.
REQUIREMENT_TESTS: dict[str, RequirementTest] = {}


def requirement_test(name: str) -> Callable[[RequirementTest], RequirementTest]:
    """Register a requirement test under the name the data uses.  A test reads the transfer,
    the law and its requirement's parameters only (never its name, paragraph or quote): its
    check is shared by every requirement with the same test and parameters (:func:`decide_leaf`)."""

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
        return make_check("unknown", f"the {known} is not known", facts, (field,))
    if value in allowed:
        return make_check("pass", f"{value} is covered", facts)
    return make_check("fail", f"{value} is not covered ({', '.join(allowed)})", facts)


@requirement_test("activity")
def _activity(req: RequirementSpec, t: Transfer, law: Law, ctx: Context) -> Check:
    """The activity is one the paragraph names (e.g. § 126.7(a): export, reexport, …)."""
    return member("activity", t.activity, req.params["activities"], "activity")


@requirement_test("destination")
def _destination(req: RequirementSpec, t: Transfer, law: Law, ctx: Context) -> Check:
    """The destination is one the paragraph names (e.g. § 126.5(b): Canada)."""
    return member("to_country", t.to_country, req.params["countries"], "destination")


@requirement_test("origin")
def _origin(req: RequirementSpec, t: Transfer, law: Law, ctx: Context) -> Check:
    """The transfer starts in a country the paragraph names (e.g. § 126.5(a): defense articles
    "that originate in Canada" imported for temporary use in the United States)."""
    return member("from_country", t.from_country, req["countries"], "country it comes from")


@requirement_test("territory")
def _territory(req: RequirementSpec, t: Transfer, law: Law, ctx: Context) -> Check:
    """Every country the transfer touches lies in a dated country set (e.g. § 126.7(b)(1))."""
    allowed, named = country_set(req["country_set"], law)
    countries = t.countries()
    facts: dict[str, Any] = {"countries": list(countries)}
    outside = sorted({c for c in countries if c is not None and c not in allowed})
    if outside:
        return make_check("fail", f"touches {', '.join(outside)}, outside {named}", facts)
    missing = unknown_countries(t)
    if missing:
        return make_check(
            "unknown", "not every country of the transfer is known", facts, tuple(missing)
        )
    return make_check("pass", f"all within {named}", facts)


def country_set(key: str, law: Law) -> tuple[frozenset[str], str]:
    """The members of the dated country set ``key`` on the law's date (:meth:`Law.members`),
    and their codes sorted and joined as a check names them: read once per law and set (kept
    by the law's identity, with the law, so an id is never reused while it is here)."""
    table = kept_for(_COUNTRY_SETS, law, empty_table)
    found = table.get(key)
    if found is None:
        if len(table) >= 256:
            table.clear()
        members = law.members(key)
        found = table[key] = (members, ", ".join(sorted(members)))
    return found


_COUNTRY_SETS: dict[int, tuple[Law, dict[str, tuple[frozenset[str], str]]]] = {}


@requirement_test("no_transit")
def _no_transit(req: RequirementSpec, t: Transfer, law: Law, ctx: Context) -> Check:
    """No third country is transited (e.g. § 126.5(b): "exports that transit third
    countries" are excepted)."""
    facts = {"transit_countries": t.transit_countries}
    if t.transit_countries is None:
        return make_check("unknown", "transit is not known", facts, ("transit_countries",))
    if t.transit_countries:
        return make_check("fail", f"transits {', '.join(t.transit_countries)}", facts)
    return make_check("pass", "no transit of third countries", facts)


@requirement_test("not_on_supplement")
def _not_on_supplement(req: RequirementSpec, t: Transfer, law: Law, ctx: Context) -> Check:
    """No row of the supplement (the ETL, Supp. No. 1's column of the exemption) catches the
    article, data or service; a row that may catch it keeps the requirement open."""
    matches = ctx.catches(req["supplement"], req.get("column"))
    facts = {"usml_classification": str(t.usml_classification)}
    caught = [row for row, value, _ in matches if value is True]
    if caught:
        return make_check(
            "fail",
            "caught by " + ", ".join(row.citation for row in caught),
            facts,
            excluded=tuple(row.id for row in caught),
        )
    if matches:
        missing = tuple(dict.fromkeys(f for _, _, needed in matches for f in needed))
        return make_check(
            "unknown",
            "open for " + ", ".join(row.citation for row, _, _ in matches),
            facts,
            missing,
        )
    return make_check("pass", "no row catches the transfer", facts)


@requirement_test("fact")
def _fact(req: RequirementSpec, t: Transfer, law: Law, ctx: Context) -> Check:
    """A yes/no (or named) fact has the value the paragraph requires."""
    params = req.params
    fact = params["fact"]
    value = t.answers.get(fact)  # Transfer.answer
    facts = {fact: value}
    if value is None:
        return make_check("unknown", "not known", facts, (fact,))
    return make_check("pass" if value == params["equals"] else "fail", f"{fact} = {value}", facts)


@requirement_test("fact_in")
def _fact_in(req: RequirementSpec, t: Transfer, law: Law, ctx: Context) -> Check:
    """A fact's value is one of several the paragraph allows (e.g. § 126.4(a): made by a
    department or agency)."""
    params = req.params
    fact, allowed = params["fact"], params["in"]
    value = t.value(fact)
    facts = {fact: value}
    if value is None:
        return make_check("unknown", "not known", facts, (fact,))
    if value in allowed:
        return make_check("pass", f"{fact} = {value}", facts)
    return make_check("fail", f"{fact} = {value}, not {' or '.join(allowed)}", facts)


@requirement_test("transfer_kind")
def _transfer_kind(req: RequirementSpec, t: Transfer, law: Law, ctx: Context) -> Check:
    """What is transferred (article, technical data, defense service) is one the paragraph names
    (§ 125.4: technical data)."""
    return member("transfer_kind", t.transfer_kind, req.params["kinds"], "kind of transfer")


def _matches(value: Any, cond: Mapping[str, Any]) -> bool:
    if "equals" in cond:
        return bool(value == cond["equals"]) and type(value) is type(cond["equals"])
    return value in cond["in"]


def _wanted(cond: Mapping[str, Any]) -> str:
    if "equals" in cond:
        return f"{cond['fact']} = {cond['equals']}"
    return f"{cond['fact']} in {', '.join(map(str, cond['in']))}"


@requirement_test("fact_if")
def _fact_if(req: RequirementSpec, t: Transfer, law: Law, ctx: Context) -> Check:
    """A condition that applies only when another fact has a value ("if classified, sent as the
    NISPOM requires").  The 'if' known and not matching: passes (does not apply); matching: the
    'then' decides; the 'if' unknown: passes only when the 'then' already holds — never on an
    unknown fact alone."""
    params = req.params
    when, then = params["if"], params["then"]
    condition, consequence = t.value(when["fact"]), t.value(then["fact"])
    facts = {when["fact"]: condition, then["fact"]: consequence}
    if consequence is not None and _matches(consequence, then):
        return make_check("pass", f"{_wanted(then)}", facts)
    if condition is not None and not _matches(condition, when):
        return make_check("pass", f"does not apply ({when['fact']} = {condition})", facts)
    if condition is None:
        missing = (when["fact"],) + ((then["fact"],) if consequence is None else ())
        return make_check("unknown", f"applies if {_wanted(when)}: not known", facts, missing)
    if consequence is None:
        return make_check(
            "unknown", f"{_wanted(when)}: needs {then['fact']}", facts, (then["fact"],)
        )
    return make_check("fail", f"{_wanted(when)} but not {_wanted(then)}", facts)


def _listed(t: Transfer, fact: str) -> tuple[Any, ...] | None:
    value = t.value(fact)
    if value is None:
        return None
    return tuple(value) if isinstance(value, (list, tuple)) else (value,)


@requirement_test("subset_of")
def _subset_of(req: RequirementSpec, t: Transfer, law: Law, ctx: Context) -> Check:
    """A list-valued fact lies within a set (§ 125.4(c): "limited to build-to-print,
    build/design-to-specification and basic research"); unknown while unknown or empty."""
    values = _listed(t, req["fact"])
    facts = {req["fact"]: list(values) if values is not None else None}
    if not values:
        return make_check("unknown", "not known", facts, (req["fact"],))
    outside = [v for v in values if v not in req["of"]]
    if outside:
        return make_check(
            "fail", f"{', '.join(map(str, outside))} outside {', '.join(req['of'])}", facts
        )
    return make_check("pass", f"all within {', '.join(req['of'])}", facts)


@requirement_test("disjoint_from")
def _disjoint_from(req: RequirementSpec, t: Transfer, law: Law, ctx: Context) -> Check:
    """A list-valued fact holds none of a set's values (§ 125.4(c): "may not include ... (c),
    (d), (e), or (i)")."""
    values = _listed(t, req["fact"])
    facts = {req["fact"]: list(values) if values is not None else None}
    if values is None:
        return make_check("unknown", "not known", facts, (req["fact"],))
    inside = [v for v in values if v in req["from"]]
    if inside:
        return make_check("fail", f"includes {', '.join(map(str, inside))}", facts)
    return make_check("pass", f"none of {', '.join(req['from'])}", facts)


@requirement_test("any_of")
def _any_of(req: RequirementSpec, t: Transfer, law: Law, ctx: Context) -> Check:
    """Alternatives: every requirement of some branch passes (see :func:`evaluate_requirement`)."""
    return evaluate_requirement(req, t, law, ctx, ctx.scope).check


@requirement_test("shared")
def _shared(req: RequirementSpec, t: Transfer, law: Law, ctx: Context) -> Check:
    """The requirements the version lists under ``shared[ref]``, all of which must pass."""
    return evaluate_requirement(req, t, law, ctx, ctx.scope).check


def _row(req: RequirementSpec, check: Check, scope: Scope, branch: str) -> ConditionResult:
    # The fields in their order (a JSON lines record writes about 200 rows a transfer).
    return _condition_row(
        req.name,
        req.id,
        check.status,
        check.detail,
        dict(check.facts),
        check.missing,
        req.test,
        req.quote,
        req.source,
        req.confirmed_by,
        req.reads,
        scope.group,
        branch,
        "",
    )


class _FilledRow:
    """The slots of a :class:`ConditionResult`, written as a plain class writes its own
    (:func:`_filled_row` then makes the object the row it is laid out as)."""

    __slots__ = ConditionResult.__slots__  # type: ignore[attr-defined]

    def __init__(
        self,
        name: str,
        paragraph: str,
        status: ConditionStatus,
        detail: str,
        facts: Mapping[str, Any],
        missing: tuple[str, ...],
        test: str,
        quote: str,
        source: str,
        confirmed_by: str,
        reads: tuple[str, ...],
        group: str | None,
        branch: str,
        exception: str,
    ) -> None:
        self.name = name
        self.paragraph = paragraph
        self.status = status
        self.detail = detail
        self.facts = facts
        self.missing = missing
        self.test = test
        self.quote = quote
        self.source = source
        self.confirmed_by = confirmed_by
        self.reads = reads
        self.group = group
        self.branch = branch
        self.exception = exception


def _filled_row(*fields: Any) -> ConditionResult:
    """``ConditionResult(*fields)`` (every field given, in order): the same object, its slots
    written as a plain class writes its own (attrs' frozen ``__init__`` goes through
    ``object.__setattr__`` field by field)."""
    made: Any = _FilledRow(*fields)
    made.__class__ = ConditionResult
    found: ConditionResult = made
    return found


def _fills_rows() -> bool:
    """Whether :func:`_filled_row` gives the row ``ConditionResult(...)`` gives, field by field
    (a Python where ``__class__`` may not be assigned between the two layouts, or a class with
    other fields, takes attrs' ``__init__``)."""
    names = tuple(f.name for f in attrs.fields(ConditionResult))
    if names != _FilledRow.__init__.__code__.co_varnames[1 : len(names) + 1]:
        return False  # pragma: no cover - the plain class names every field in order
    values = tuple(object() for _ in names)
    try:
        made = _filled_row(*values)
    except TypeError:  # pragma: no cover - the layouts differ on this Python
        return False
    return type(made) is ConditionResult and all(
        getattr(made, name) is value for name, value in zip(names, values, strict=True)
    )


#: A checklist row with every field given in order: :func:`_filled_row`, checked once at
#: import (else attrs' ``__init__``).
_condition_row: Callable[..., ConditionResult] = (
    _filled_row if _fills_rows() else ConditionResult
)


def leaf_rows(
    req: RequirementSpec, check: Check, scope: Scope, branch: str
) -> tuple[ConditionResult, ...]:
    """The row of a requirement that is neither ``any_of`` nor ``shared`` (what
    :attr:`Evaluated.rows` writes for it)."""
    return (_row(req, check, scope, branch),)


def _joined(checks: Iterable[Check], status: Status, detail: str) -> Check:
    found = list(checks)
    facts: dict[str, Any] = {}
    missing: list[str] = []
    excluded: list[str] = []
    for c in found:
        facts.update(c.facts)
        excluded.extend(x for x in c.excluded if x not in excluded)
        if status == "unknown" and c.status == "unknown":
            missing.extend(f for f in c.missing if f not in missing)
    return make_check(status, detail, facts, tuple(missing), tuple(excluded))


def evaluate_requirement(
    req: RequirementSpec,
    t: Transfer,
    law: Law,
    ctx: Context,
    scope: Scope,
    branch: str = "",
) -> Evaluated:
    """Decide one requirement (its branches and shared groups too) for the transfer, and its
    rows of the checklist.  A test runs once per transfer (:func:`decide_leaf`)."""
    if req.test == "any_of":
        return _evaluate_any_of(req, t, law, ctx, scope, branch)
    if req.test == "shared":
        parts = [
            evaluate_requirement(r, t, law, ctx, scope, branch) for r in scope.shared[req["ref"]]
        ]
        return Evaluated(
            _shared_check([p.check for p in parts]),
            tuple(leaf for p in parts for leaf in p.leaves),
        )
    check = decide_leaf(req, t, law, ctx, scope)
    return Evaluated(check, ((req, check, scope, branch),))


def _combined_key(req: RequirementSpec, scope: Scope, reading: str) -> tuple[Any, ...]:
    """Where a combined requirement's check is kept in ``ctx.decided`` for one transfer: a
    ``shared`` group by its name in the version's groups (§ 126.4(b)(2) reads (a)(1)-(4)'s groups
    again), an ``any_of`` by its identity; ``reading`` keeps the full check (``""``) apart from
    the status alone (``" status"``)."""
    if req.test == "shared":
        return ("shared" + reading, req["ref"], id(scope.shared))
    return ("combined" + reading, id(req), id(scope.shared))


def requirement_check(
    req: RequirementSpec, t: Transfer, law: Law, ctx: Context, scope: Scope
) -> Check:
    """The check :func:`evaluate_requirement` gives, without the rows: a requirement that
    combines others (``any_of``, ``shared``) is decided once per transfer and place it is read
    (its check does not depend on the branch its rows are labelled with)."""
    if req.test != "any_of" and req.test != "shared":
        return decide_leaf(req, t, law, ctx, scope)
    key = _combined_key(req, scope, "")
    found = ctx.decided.get(key)
    if found is None:
        if req.test == "shared":
            found = _shared_check(
                [requirement_check(r, t, law, ctx, scope) for r in scope.shared[req["ref"]]]
            )
        else:
            found = _any_of_check(
                [
                    (b.label, [requirement_check(r, t, law, ctx, scope) for r in b.requirements])
                    for b in req.branches
                ]
            )
        ctx.decided[key] = found
    return found


def requirement_status(
    req: RequirementSpec, t: Transfer, law: Law, ctx: Context, scope: Scope
) -> Check:
    """What :func:`requirement_check` gives that a status is read for — its status, the facts
    it still needs and the supplement rows it excludes — without the detail and the facts read
    of a requirement that combines others (they name rows only; a leaf's check is the leaf's).
    Kept once per transfer and place it is read, apart from :func:`requirement_check`'s."""
    if req.test != "any_of" and req.test != "shared":
        return decide_leaf(req, t, law, ctx, scope)
    tree = _status_tree(req, scope)
    found = ctx.decided.get(tree.key)
    if found is None:
        if tree.parts is not None:
            parts = _part_statuses(tree.parts, t, law, ctx, scope)
            found = summed_check(parts, _all_hold(parts))
        else:
            outcomes = [_part_statuses(b, t, law, ctx, scope) for b in tree.branches]
            statuses = [_all_hold(parts) for parts in outcomes]
            if "pass" in statuses:
                status: Status = "pass"
            elif statuses and all(s == "fail" for s in statuses):
                status = "fail"
            else:
                status = "unknown"
            found = summed_check(
                [
                    p
                    for parts, s in zip(outcomes, statuses, strict=True)
                    if status == "fail" or s != "fail"
                    for p in parts
                ],
                status,
            )
        ctx.decided[tree.key] = found
    return found


def _part_statuses(
    parts: _Parts, t: Transfer, law: Law, ctx: Context, scope: Scope
) -> list[Check]:
    """:func:`requirement_status` of each part of a :class:`_StatusTree` (a leaf's check read
    by its key first)."""
    decided = ctx.decided
    return [
        requirement_status(r, t, law, ctx, scope)
        if k is None
        else decided.get(k) or decide_leaf(r, t, law, ctx, scope, k)
        for r, k in parts
    ]


def _all_hold(checks: list[Check]) -> Status:
    """:func:`~exportctl.core.results.combine` of the checks' statuses."""
    status: Status = "pass"
    for c in checks:
        if c.status == "fail":
            return "fail"
        if c.status == "unknown":
            status = "unknown"
    return status


#: Requirements each with the key a leaf's check is kept under (None: one that combines others).
_Parts = tuple[tuple[RequirementSpec, Any], ...]


class _StatusTree:
    """What :func:`requirement_status` reads of a requirement that combines others, read in a
    place (the version's shared groups): the key its status is kept under for a transfer, and
    its parts — a ``shared`` group's requirements, or an ``any_of``'s branches' — each with the
    key a leaf's check is kept under (None: one that combines others)."""

    __slots__ = ("branches", "key", "parts")

    def __init__(self, req: RequirementSpec, scope: Scope) -> None:
        self.key = _combined_key(req, scope, " status")
        self.parts: _Parts | None = None
        self.branches: tuple[_Parts, ...] = ()
        if req.test == "shared":
            self.parts = _keyed(scope.shared[req["ref"]])
        else:
            self.branches = tuple(_keyed(b.requirements) for b in req.branches)


def _keyed(reqs: Iterable[RequirementSpec]) -> _Parts:
    return tuple((r, None if r.test in ("any_of", "shared") else content_key(r)) for r in reqs)


def _status_tree(req: RequirementSpec, scope: Scope) -> _StatusTree:
    """The :class:`_StatusTree` of ``req`` read in ``scope``: worked out once per requirement
    and shared groups (the law's objects; kept with them, so an id is never reused while it is
    here)."""
    shared = scope.shared
    key = (id(req), id(shared))
    found = _STATUS_TREES.get(key)
    if found is None or found[0] is not req or found[1] is not shared:
        if len(_STATUS_TREES) >= 4096:
            _STATUS_TREES.clear()
        found = _STATUS_TREES[key] = (req, shared, _StatusTree(req, scope))
    return found[2]


_STATUS_TREES: dict[
    tuple[int, int], tuple[RequirementSpec, Mapping[str, Any], _StatusTree]
] = {}


def summed_check(found: Sequence[Check], status: Status) -> Check:
    """:func:`_joined` without the detail and the facts read (each fact needed and each row
    excluded once, in order)."""
    missing = (
        tuple(dict.fromkeys(_chain([c.missing for c in found if c.status == "unknown"])))
        if status == "unknown"
        else ()
    )
    excluded = tuple(dict.fromkeys(_chain([c.excluded for c in found])))
    return make_check(status, "", {}, missing, excluded)


def _shared_check(parts: list[Check]) -> Check:
    status = combine(p.status for p in parts)
    detail = "; ".join(p.detail for p in parts if p.status == status)
    return _joined(parts, status, detail)


def _any_of_check(outcomes: list[tuple[str, list[Check]]]) -> Check:
    statuses = [combine(p.status for p in parts) for _, parts in outcomes]
    if "pass" in statuses:
        status: Status = "pass"
        detail = f"{outcomes[statuses.index('pass')][0]}: every condition holds"
    elif statuses and all(s == "fail" for s in statuses):
        status = "fail"
        detail = "no branch holds: " + "; ".join(
            f"{label}: " + next(p.detail for p in parts if p.status == "fail")
            for label, parts in outcomes
        )
    else:
        status = "unknown"
        detail = "open: " + ", ".join(
            label for (label, _), s in zip(outcomes, statuses, strict=True) if s == "unknown"
        )
    if status == "fail":
        return _joined([p for _, parts in outcomes for p in parts], status, detail)
    kept = [
        p for (_, parts), s in zip(outcomes, statuses, strict=True) if s != "fail" for p in parts
    ]
    return _joined(kept, status, detail)


def decide_leaf(
    req: RequirementSpec, t: Transfer, law: Law, ctx: Context, scope: Scope, key: Any = None
) -> Check:
    """The check of a requirement that is neither ``any_of`` nor ``shared``: its test runs once
    per transfer for every requirement with the same test and parameters, wherever it is read (a
    test reads only its parameters, the transfer and the law — § 125.4(b)(1)-(11) all require
    "technical data" exported; § 126.4(a)(1)-(4) a department or agency).  ``key``: its
    :func:`content_key`, when the caller has it."""
    if key is None:
        key = content_key(req)
    decided = ctx.decided
    check = decided.get(key)
    if check is None:
        test = REQUIREMENT_TESTS.get(req.test)
        if test is None:  # pragma: no cover - the data build admits only registered tests
            raise ValueError(f"unknown requirement test {req.test!r} ({req.id})")
        if test in _UNSCOPED:
            check = test(req, t, law, ctx)
        else:
            previous, ctx.scope = ctx.scope, scope
            try:
                check = test(req, t, law, ctx)
            finally:
                ctx.scope = previous
        decided[key] = check
    return check


def content_key(req: RequirementSpec) -> Any:
    """What a requirement's test reads of the requirement: its test and parameters (as canonical
    JSON; the requirement itself when they are not JSON), worked out once per requirement (kept
    with it, so an id is never reused while it is here)."""
    found = _CONTENT.get(id(req))
    if found is not None and found[0] is req:
        return found[1]
    try:
        key: Any = (req.test, json.dumps(dict(req.params), sort_keys=True, ensure_ascii=False))
    except (TypeError, ValueError):
        key = ("requirement", id(req))
    if len(_CONTENT) >= 65536:
        _CONTENT.clear()
    _CONTENT[id(req)] = (req, key)
    return key


_CONTENT: dict[int, tuple[RequirementSpec, Any]] = {}


def _evaluate_any_of(
    req: RequirementSpec, t: Transfer, law: Law, ctx: Context, scope: Scope, branch: str
) -> Evaluated:
    outcomes: list[tuple[str, Status, list[Evaluated]]] = []
    for b in req.branches:
        label = f"{branch} > {b.label}" if branch else b.label
        parts = [evaluate_requirement(r, t, law, ctx, scope, label) for r in b.requirements]
        outcomes.append((b.label, combine(p.check.status for p in parts), parts))
    joined = _any_of_check([(label, [p.check for p in parts]) for label, _, parts in outcomes])
    status = joined.status
    statuses = [s for _, s, _ in outcomes]
    # The checklist shows the branch that holds (the alternatives do not apply then), the
    # branches still open while none holds, or every branch when all fail.
    if status == "pass":
        shown = [outcomes[statuses.index("pass")]]
    elif status == "unknown":
        shown = [o for o in outcomes if o[1] == "unknown"]
    else:
        shown = outcomes
    leaves = tuple(leaf for _, _, parts in shown for p in parts for leaf in p.leaves)
    return Evaluated(joined, leaves)


# The paragraphs' own tests register themselves when their modules are imported.
from exportctl.engine.itar import (  # noqa: E402, F401
    s120_15,
    s120_16,
    s123_15,
    s125_4,
    s126_1,
    s126_5,
    s126_7,
)

#: The tests of this package (this module's and the paragraphs' own) that never read
#: ``ctx.scope`` (every one but ``any_of`` and ``shared``, which read the requirements they
#: combine in it): :func:`decide_leaf` runs them without setting it.  A test registered later
#: runs with the scope set.
_UNSCOPED = frozenset(
    test for name, test in REQUIREMENT_TESTS.items() if name not in ("any_of", "shared")
)
