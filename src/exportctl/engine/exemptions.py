"""Deciding one exemption of the law for one transfer: its version in force, then every
requirement by its named test, then the conditions of the groups it carries, then the
organisation guidelines applied to the law (if any).

The exemption is ``eligible`` only when every requirement passes, ``not_eligible`` when one
fails, ``undetermined`` otherwise (never eligible on unknown facts), ``not_in_force`` when no
version of it is in force on the date.  A date before the first version the data holds (the
§ 125.4 readings start on 2022-09-06) is ``undetermined``: the earlier text is not modelled.

* **Paths.** A paragraph of its own that an activity leads to (an exemption's ``paths``, e.g.
  § 126.5(a) for a temporary import, § 126.5(d) for a reexport) decides instead of the general
  requirements.  Requirements the text makes common to every paragraph (the supplement, § 126.1,
  § 120.15(b)) settle it even before the activity is known.
* **Ways.** A requirement of test ``any_of`` whose branches have keys lists the ways of using the
  exemption (§ 126.4(a)(1)-(4), (b)(1), (b)(2), (c)): each way is decided with the exemption's
  other requirements and the carried conditions, and the exemption is eligible when one way is
  (the result names it: ``branch``, and its ``marking``).  ``evaluate(..., branch="126.4(b)(2)")``
  decides one way only.
* **Carried groups.** Each group the exemption ``carries`` (§ 125.4(a), § 120.15, § 125.1(b)) is
  read in the version in force on the date; a group with no version then leaves the exemption
  undetermined.  An exception of the group lifts a requirement for the exemption (or the way, or
  every exemption: ``*``) — outright, or when its own requirements pass (an exception that may
  apply keeps a failing requirement open, never passes it on unknown facts).  Each group
  requirement is decided once per transfer, whichever exemption carries it.
* **Guidelines.** The conditions of organisation guidelines applied to the law
  (:func:`exportctl.corpus.guidelines.apply_guidelines`) for the exemption or the way are added
  on top; they never lift one of the regulation's.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import partial
from itertools import chain
from pathlib import Path
from typing import Any, Literal

import attrs

from exportctl.core.bounded import empty_table, kept_for
from exportctl.core.dated import OutsideCoverage
from exportctl.core.facts import Question
from exportctl.core.results import Check, Requirement, Status, combine, make_check
from exportctl.corpus.exemptions import (
    Branch,
    ConditionGroup,
    Exemption,
    ExemptionVersion,
    GroupException,
    Obligation,
    RequirementSpec,
    exemption_from_data,
)
from exportctl.corpus.guidelines import Condition, Guidelines
from exportctl.corpus.law import Law
from exportctl.engine.requirements import (
    REQUIREMENT_TESTS,
    ConditionResult,
    Context,
    Evaluated,
    Scope,
    content_key,
    decide_leaf,
    evaluate_requirement,
    leaf_rows,
    requirement_check,
    requirement_status,
    summed_check,
)
from exportctl.inputs.transfers import Transfer

__all__ = [
    "BranchResult",
    "ChecklistItem",
    "ConditionResult",
    "ExemptionResult",
    "ExemptionStatus",
    "GuidelinesRef",
    "checklist",
    "decide",
    "decide_every",
    "evaluate",
    "evaluate_status",
    "load_exemption",
    "question",
    "restricted",
    "usable_despite_126_1",
]

#: Every item of some groups in order (``dict.fromkeys`` of it keeps each once): the status
#: pass joins the facts needed and the rows excluded of its checks so, without a generator.
_chain = chain.from_iterable

ExemptionStatus = Literal["eligible", "not_eligible", "undetermined", "not_in_force"]

#: Requirement tests every paragraph of an exemption shares (§ 126.5(a) and (b) alike).
_EVERY_PARAGRAPH = frozenset({"not_on_supplement", "not_proscribed", "no_ineligible_party"})

_STATUS: dict[Status, ExemptionStatus] = {
    "fail": "not_eligible",
    "unknown": "undetermined",
    "pass": "eligible",
}


@attrs.frozen
class BranchResult:
    """One way of using an exemption (a keyed branch, e.g. § 126.4(b)(2)) as decided."""

    key: str
    paragraph: str
    title: str
    status: Status
    missing: tuple[str, ...] = ()
    marking: str | None = None


@attrs.frozen
class GuidelinesRef:
    """The organisation guidelines a decision applied: their id, the file and its SHA-256."""

    id: str
    title: str
    issuer: str
    sha256: str
    file: str
    illustrative: bool


@attrs.frozen(weakref_slot=False)  # no weak references: see _made
class ExemptionResult:
    """One exemption as decided for one transfer: the version, each requirement, the rows of
    a supplement that exclude the transfer, and the questions that would decide it.

    ``conditions`` is the checklist (every condition with its quote, who confirms it, its status
    and the facts it relied on, the carried groups' and the guidelines' included); ``branch`` the
    way it qualifies under (or was asked for), ``branches`` every way as decided; ``marking`` the
    words § 120.15(f) requires on technical data ("22 CFR 125.4(b)(1) applicable");
    ``obligations`` the duties that go on the certification record; ``carried`` the versions of
    the condition groups read; ``guidelines`` the organisation guidelines applied."""

    exemption: str
    citation: str
    version: str | None
    status: ExemptionStatus
    requirements: tuple[Requirement, ...]
    excluded_rows: tuple[str, ...]
    open_questions: tuple[Question, ...]
    note: str = ""
    branch: str | None = None
    branches: tuple[BranchResult, ...] = ()
    conditions: tuple[ConditionResult, ...] = ()
    marking: str | None = None
    obligations: tuple[Obligation, ...] = ()
    carried: tuple[str, ...] = ()
    guidelines: GuidelinesRef | None = None
    #: Not part of the record (no equality, no output): writes ``requirements`` and
    #: ``conditions`` when they were passed as :data:`LAZY_ROWS` (a CSV line reads neither);
    #: dropped once they are read.
    fill: Callable[[], tuple[tuple[Requirement, ...], tuple[ConditionResult, ...]]] | None = (
        attrs.field(default=None, eq=False, repr=False, kw_only=True)
    )

    def __getstate__(self) -> dict[str, Any]:
        """Pickled with its rows (written now), without the function that writes them."""
        state = {f.name: getattr(self, f.name) for f in attrs.fields(ExemptionResult)}
        state["fill"] = None
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        for name, value in state.items():
            object.__setattr__(self, name, value)

    @property
    def failing(self) -> tuple[ConditionResult, ...]:
        """The conditions that fail."""
        return tuple(c for c in self.conditions if c.status == "fail")

    @property
    def open(self) -> tuple[ConditionResult, ...]:
        """The conditions still open (unknown)."""
        return tuple(c for c in self.conditions if c.status == "unknown")


class _Lazy:
    """The rows of an exemption's result not written yet (see :class:`ExemptionResult`)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "<rows not written yet>"


#: Passed as ``requirements`` and ``conditions`` with a ``fill`` function: written when read.
LAZY_ROWS: Any = _Lazy()

# ``ExemptionResult.requirements`` and ``.conditions`` read their slots, and write both there the
# first time when the result was made without them.  Every reader (attribute access, attrs'
# eq/hash/repr/evolve, to_jsonable, pickling) goes through these properties, so a lazy value is
# never seen as such.
_REQUIREMENTS_SLOT: Any = ExemptionResult.__dict__["requirements"]
_CONDITIONS_SLOT: Any = ExemptionResult.__dict__["conditions"]
_FILL_SLOT: Any = ExemptionResult.__dict__["fill"]


def _filled(self: ExemptionResult, slot: Any) -> Any:
    value = slot.__get__(self, ExemptionResult)
    if value is LAZY_ROWS:
        fill = _FILL_SLOT.__get__(self, ExemptionResult)
        if fill is None:  # pragma: no cover - lazy rows always come with their function
            raise RuntimeError("an exemption's result made without its rows cannot write them")
        requirements, conditions = fill()
        _REQUIREMENTS_SLOT.__set__(self, requirements)
        _CONDITIONS_SLOT.__set__(self, conditions)
        _FILL_SLOT.__set__(self, None)
        value = slot.__get__(self, ExemptionResult)
    return value


def _get_requirements(self: ExemptionResult) -> tuple[Requirement, ...]:
    found: tuple[Requirement, ...] = _filled(self, _REQUIREMENTS_SLOT)
    return found


def _get_conditions(self: ExemptionResult) -> tuple[ConditionResult, ...]:
    found: tuple[ConditionResult, ...] = _filled(self, _CONDITIONS_SLOT)
    return found


def _set_requirements(self: ExemptionResult, value: tuple[Requirement, ...]) -> None:
    _REQUIREMENTS_SLOT.__set__(self, value)


def _set_conditions(self: ExemptionResult, value: tuple[ConditionResult, ...]) -> None:
    _CONDITIONS_SLOT.__set__(self, value)


setattr(  # noqa: B010
    ExemptionResult,
    "requirements",
    property(_get_requirements, _set_requirements, doc="Each requirement as decided."),
)
setattr(  # noqa: B010
    ExemptionResult,
    "conditions",
    property(_get_conditions, _set_conditions, doc="The checklist: every condition as decided."),
)

#: :class:`ExemptionResult`'s fields in order, as :func:`_made` fills them.
_RESULT_FIELDS = (
    "exemption", "citation", "version", "status", "requirements", "excluded_rows",
    "open_questions", "note", "branch", "branches", "conditions", "marking", "obligations",
    "carried", "guidelines", "fill",
)  # fmt: skip
#: Each field's slot, or None while the class has other fields (then :func:`_made` calls
#: attrs' ``__init__``: a field added to the class is never left unset).
_RESULT_SLOTS: tuple[Any, ...] | None = (
    tuple(
        _REQUIREMENTS_SLOT
        if name == "requirements"
        else _CONDITIONS_SLOT
        if name == "conditions"
        else ExemptionResult.__dict__[name]
        for name in _RESULT_FIELDS
    )
    if tuple(f.name for f in attrs.fields(ExemptionResult)) == _RESULT_FIELDS
    and all(hasattr(ExemptionResult.__dict__.get(n), "__set__") for n in _RESULT_FIELDS)
    else None
)


def _made_by_init(*fields: Any) -> ExemptionResult:
    """:func:`_made` by attrs' ``__init__`` (``fill`` is keyword-only), where this Python does
    not assign the plain class's layout."""
    return ExemptionResult(*fields[:-1], fill=fields[-1])


class _FilledResult:
    """The slots of an :class:`ExemptionResult`, written as a plain class writes its own
    (:func:`_made` then makes the object the result it is laid out as)."""

    __slots__ = ExemptionResult.__slots__  # type: ignore[attr-defined]

    def __init__(
        self,
        exemption: str,
        citation: str,
        version: str | None,
        status: ExemptionStatus,
        requirements: Any,
        excluded_rows: tuple[str, ...],
        open_questions: tuple[Question, ...],
        note: str,
        branch: str | None,
        branches: tuple[BranchResult, ...],
        conditions: Any,
        marking: str | None,
        obligations: tuple[Obligation, ...],
        carried: tuple[str, ...],
        guidelines: GuidelinesRef | None,
        fill: Callable[[], tuple[tuple[Requirement, ...], tuple[ConditionResult, ...]]] | None,
    ) -> None:
        self.exemption = exemption
        self.citation = citation
        self.version = version
        self.status = status
        self.requirements = requirements
        self.excluded_rows = excluded_rows
        self.open_questions = open_questions
        self.note = note
        self.branch = branch
        self.branches = branches
        self.conditions = conditions
        self.marking = marking
        self.obligations = obligations
        self.carried = carried
        self.guidelines = guidelines
        self.fill = fill


def _made_filled(*fields: Any) -> ExemptionResult:
    """:func:`_made` by a :class:`_FilledResult` made an :class:`ExemptionResult` (the same
    layout)."""
    made: Any = _FilledResult(*fields)
    made.__class__ = ExemptionResult
    found: ExemptionResult = made
    return found


def _fills_result_slots() -> bool:
    """Whether :func:`_made_filled` gives the result :func:`_made_by_init` gives, slot by
    slot (a Python where ``__class__`` may not be assigned between the two layouts, or a class
    laid out otherwise, takes attrs' ``__init__``)."""
    if _RESULT_SLOTS is None:  # pragma: no cover - the class as written is filled by its slots
        return False
    values = tuple(object() for _ in _RESULT_FIELDS)
    try:
        made = _made_filled(*values)
    except TypeError:  # pragma: no cover - the layouts differ on this Python
        return False
    return type(made) is ExemptionResult and all(
        slot.__get__(made, ExemptionResult) is value
        for slot, value in zip(_RESULT_SLOTS, values, strict=True)
    )


#: ``ExemptionResult(...)`` with every field given in order (the status pass makes one for
#: every exemption of every transfer): the same object, its slots written as a plain class
#: writes its own (attrs' frozen ``__init__`` goes through ``object.__setattr__`` field by
#: field, and each slot's setter is a call too; 16 fields: about 1.2 -> 0.5 us); checked once
#: at import, else attrs' ``__init__``.
_made: Callable[..., ExemptionResult] = (
    _made_filled if _fills_result_slots() else _made_by_init
)


def question(fact: str, law: Law) -> Question:
    """The question for a fact the requirements need (a party's flag is asked as ``party.<flag>``
    in the data, and named by its flag): worked out once per law and fact (kept by the law's
    identity, with the law, so an id is never reused while it is here)."""
    table = kept_for(_QUESTIONS, law, empty_table)
    found = table.get(fact)
    if found is None:
        found = table[fact] = _question(fact, law)
    return found


def _question(fact: str, law: Law) -> Question:
    found = law.facts.get(fact)
    if found is not None:
        return found
    party = law.facts.get(f"party.{fact}")
    return attrs.evolve(party, id=fact) if party is not None else law.facts.question(fact)


_QUESTIONS: dict[int, tuple[Law, dict[str, Question]]] = {}


def _run(req: RequirementSpec, transfer: Transfer, law: Law, ctx: Context) -> Check:
    test = REQUIREMENT_TESTS.get(req.test)
    if test is None:  # pragma: no cover - the data build admits only registered tests
        raise ValueError(f"unknown requirement test {req.test!r} ({req.id})")
    return test(req, transfer, law, ctx)


class _Entry:
    """One deciding entry of a way: the paragraph of its requirement (None: lifted), its check,
    and its rows of the checklist (written only for the way the result shows)."""

    __slots__ = ("check", "paragraph", "rows")

    def __init__(
        self,
        paragraph: str | None,
        check: Check,
        rows: Callable[[], tuple[ConditionResult, ...]],
    ) -> None:
        self.paragraph = paragraph
        self.check = check
        self.rows = rows

    @property
    def requirement(self) -> Requirement | None:
        return None if self.paragraph is None else Requirement.of(self.paragraph, self.check)


def _built(*rows: ConditionResult) -> Callable[[], tuple[ConditionResult, ...]]:
    return lambda: rows


class _Way:
    __slots__ = ("branch", "entries", "status")

    def __init__(self, branch: Branch | None, status: Status, entries: tuple[_Entry, ...]) -> None:
        self.branch = branch
        self.status = status
        self.entries = entries

    @property
    def missing(self) -> tuple[str, ...]:
        return tuple(
            dict.fromkeys(
                f for e in self.entries if e.check.status == "unknown" for f in e.check.missing
            )
        )


def _status(entries: Iterable[_Entry]) -> Status:
    """:func:`~exportctl.core.results.combine` of the entries' checks (one set, no generator)."""
    seen = {e.check.status for e in entries}
    return "fail" if "fail" in seen else "unknown" if "unknown" in seen else "pass"


def _entry(req: RequirementSpec, evaluated: Evaluated) -> _Entry:
    return _Entry(req.id, evaluated.check, lambda: evaluated.rows)


def _requirement_entry(
    req: RequirementSpec, transfer: Transfer, law: Law, ctx: Context, scope: Scope, branch: str = ""
) -> _Entry:
    """:func:`_entry` of :func:`evaluate_requirement`, with the check decided first (a
    requirement that combines others once per transfer and place it is read, whatever branch
    label its rows get) and the rows written when read."""
    if req.test in _COMPOSITE:
        check = requirement_check(req, transfer, law, ctx, scope)
        return _Entry(
            req.id, check, partial(_combined_rows, req, transfer, law, ctx, scope, branch)
        )
    check = decide_leaf(req, transfer, law, ctx, scope)
    return _Entry(req.id, check, partial(leaf_rows, req, check, scope, branch))


def _combined_rows(
    req: RequirementSpec, transfer: Transfer, law: Law, ctx: Context, scope: Scope, branch: str
) -> tuple[ConditionResult, ...]:
    return evaluate_requirement(req, transfer, law, ctx, scope, branch).rows


#: The tests that combine others (decided by :func:`evaluate_requirement` with their rows).
_COMPOSITE = frozenset({"any_of", "shared"})


def _path_entry(paragraph: str, check: Check) -> _Entry:
    row = ConditionResult(
        name=paragraph,
        paragraph=paragraph,
        status=check.status,
        detail=check.detail,
        facts=dict(check.facts),
        missing=check.missing,
        test="path",
    )
    return _Entry(paragraph, check, _built(row))


def _paths(
    exemption: Exemption, transfer: Transfer, law: Law, ctx: Context
) -> tuple[list[_Entry], bool]:
    """The paragraphs of its own an activity leads to (§ 126.5(a), (d)), and whether one of
    them decides instead of the general requirements."""
    checks, own_path = _path_checks(exemption, transfer, law, ctx)
    return [_path_entry(paragraph, check) for paragraph, check in checks], own_path


def _path_checks(
    exemption: Exemption, transfer: Transfer, law: Law, ctx: Context
) -> tuple[list[tuple[str, Check]], bool]:
    """:func:`_paths` as each paragraph's check (no row: what the status pass reads)."""
    checks: list[tuple[str, Check]] = []
    own_path = False
    for path in exemption.paths:
        if transfer.activity not in path.activities:
            continue
        if transfer.to_country in path.except_to_countries:
            checks.append(
                (
                    path.id,
                    make_check(
                        "pass",
                        "to the United States: no DDTC approval needed",
                        {"to_country": transfer.to_country},
                    ),
                )
            )
            continue
        unless = transfer.answer(path.unless_fact) if path.unless_fact else False
        if unless is False:
            checks.append(
                (
                    path.id,
                    make_check(
                        "fail", "needs DDTC approval or a license", {"activity": transfer.activity}
                    ),
                )
            )
            continue
        own_path = True
        assert path.unless_fact is not None
        facts: dict[str, Any] = {path.unless_fact: unless}
        statuses: list[Status] = ["pass" if unless else "unknown"]
        details = [path.unless_quote if unless else "not known"]
        missing: list[str] = [] if unless else [path.unless_fact]
        excluded: list[str] = []
        for req in path.requires:
            check = _run(req, transfer, law, ctx)
            facts.update(check.facts)
            details.append(check.detail)
            statuses.append(check.status)
            missing.extend(f for f in check.missing if f not in missing)
            excluded.extend(check.excluded)
        checks.append(
            (
                path.id,
                make_check(
                    combine(statuses), "; ".join(details), facts, tuple(missing), tuple(excluded)
                ),
            )
        )
    return checks, own_path


def _exception_text(exc: GroupException) -> str:
    reading = f" (a reading: {exc.reason})" if exc.authority == "reading" and exc.reason else ""
    return f'{exc.citation}: "{exc.quote}"{reading}'


def _lifted(req: RequirementSpec, exc: GroupException, scope: Scope, branch: str) -> _Entry:
    """A requirement an exception of the text lifts: the same entry for every transfer (kept
    with the objects it reads, so an id is never reused while it is here)."""
    key = (id(req), id(exc), id(scope), branch)
    found = _LIFTED.get(key)
    if found is None or found[0] is not req or found[1] is not exc or found[2] is not scope:
        who = "every exemption" if exc.for_key == "*" else exc.for_key
        row = ConditionResult(
            name=req.name,
            paragraph=req.id,
            status="lifted",
            detail=f"does not apply to {who} ({exc.citation})",
            test=req.test,
            quote=req.quote,
            source=req.source,
            confirmed_by=req.confirmed_by,
            reads=req.reads,
            group=scope.group,
            branch=branch,
            exception=_exception_text(exc),
        )
        if len(_LIFTED) >= 4096:
            _LIFTED.clear()
        entry = _Entry(None, make_check("pass", row.detail), _built(row))
        found = _LIFTED[key] = (req, exc, scope, entry)
    return found[3]


_LIFTED: dict[tuple[int, int, int, str], tuple[RequirementSpec, GroupException, Scope, _Entry]] = {}


def _carried(
    req: RequirementSpec,
    group: ConditionGroup,
    exceptions: Sequence[GroupException],
    scope: Scope,
    branch: str,
    transfer: Transfer,
    law: Law,
    ctx: Context,
) -> _Entry:
    """A requirement of a carried group, with the group's exceptions for this exemption or way
    (:func:`_exceptions`)."""
    if not exceptions:
        # Decided once per transfer for every exemption and way that carries it unexcepted
        # (the same requirement, read in the same group version and branch).
        key = (id(req), scope.owner, id(scope.shared), scope.group, branch)
        entry: _Entry | None = ctx.carried.get(key)
        if entry is None:
            entry = ctx.carried[key] = _requirement_entry(req, transfer, law, ctx, scope, branch)
        return entry
    outright = next((e for e in exceptions if not e.when), None)
    if outright is not None:
        return _lifted(req, outright, scope, branch)
    evaluated = evaluate_requirement(req, transfer, law, ctx, scope, branch)
    if not exceptions or evaluated.check.status == "pass":
        return _entry(req, evaluated)
    open_when: list[tuple[GroupException, Check]] = []
    for exc in exceptions:
        parts = [evaluate_requirement(w, transfer, law, ctx, scope).check for w in exc.when]
        status = combine(p.status for p in parts)
        facts = {k: v for p in parts for k, v in p.facts.items()}
        if status == "pass":
            lifted = _lifted(req, exc, scope, branch)
            return _Entry(
                None,
                lifted.check,
                partial(_lifted_rows, lifted, {**evaluated.check.facts, **facts}),
            )
        if status == "unknown":
            needed = tuple(dict.fromkeys(f for p in parts for f in p.missing))
            open_when.append((exc, make_check("unknown", "", facts, needed)))
    if not open_when:
        return _entry(req, evaluated)
    # An exception may still lift it: open, never passed on unknown facts.
    check = evaluated.check
    missing = list(check.missing if check.status == "unknown" else ())
    facts = dict(check.facts)
    for _, when in open_when:
        facts.update(when.facts)
        missing.extend(f for f in when.missing if f not in missing)
    detail = f"{check.detail} — unless " + "; ".join(e.citation for e, _ in open_when)
    opened = make_check("unknown", detail, facts, tuple(missing), check.excluded)
    exception = "; ".join(_exception_text(e) for e, _ in open_when)

    def rows() -> tuple[ConditionResult, ...]:
        return tuple(
            attrs.evolve(
                r,
                status="unknown",
                detail=detail,
                facts=facts,
                missing=opened.missing,
                exception=exception,
            )
            if n == 0
            else r
            for n, r in enumerate(evaluated.rows)
        )

    return _Entry(req.id, opened, rows)


def _lifted_rows(lifted: _Entry, facts: dict[str, Any]) -> tuple[ConditionResult, ...]:
    """The row of a requirement lifted by an exception whose conditions hold, with the facts
    both read."""
    return (attrs.evolve(lifted.rows()[0], facts=facts),)


def _exceptions(
    group: ConditionGroup, req: RequirementSpec, for_keys: frozenset[str]
) -> list[GroupException]:
    """The exceptions of ``group`` that may lift ``req`` for these keys (the exemption, ``*``
    and the way), worked out once (kept with the group and the requirement, so an id is never
    reused while it is here)."""
    key = (id(group), id(req), for_keys)
    found = _EXCEPTIONS.get(key)
    if found is None or found[0] is not group or found[1] is not req:
        if len(_EXCEPTIONS) >= 4096:
            _EXCEPTIONS.clear()
        found = _EXCEPTIONS[key] = (
            group,
            req,
            [
                e
                for e in group.exceptions
                if e.for_key in for_keys and e.lifts_requirement(req.name)
            ],
        )
    return found[2]


_EXCEPTIONS: dict[
    tuple[int, int, frozenset[str]],
    tuple[ConditionGroup, RequirementSpec, list[GroupException]],
] = {}


def _guideline(cond: Condition, guidelines: Guidelines, branch: str, transfer: Transfer) -> _Entry:
    """A condition of the organisation guidelines: a yes/no question answered under its id, or
    a fact of the law with the value(s) it requires."""
    paragraph = f"guidelines {guidelines.id}: {cond.id}"
    if cond.question is not None:
        fact, value = cond.id, transfer.answer(cond.id)
        wanted = f"yes to “{cond.question}”"
        holds = value is True
    else:
        assert cond.fact is not None
        fact, value = cond.fact, transfer.value(cond.fact)
        allowed = cond.within if cond.within is not None else (cond.equals,)
        if cond.within is None:
            wanted = f"{cond.fact} = {cond.equals}"
        else:
            wanted = f"{cond.fact} in {', '.join(map(str, allowed))}"
        holds = value in allowed and (cond.within is not None or type(value) is type(cond.equals))
    facts = {fact: value}
    if value is None:
        check = make_check("unknown", f"needs {wanted}", facts, (fact,))
    elif holds:
        check = make_check("pass", cond.text, facts)
    else:
        check = make_check("fail", f"not {wanted}", facts)
    source = guidelines.sources.get(cond.source, {})
    where = source.get("url") or source.get("reference") or ""
    row = ConditionResult(
        name=cond.id,
        paragraph=paragraph,
        status=check.status,
        detail=check.detail,
        facts=facts,
        missing=check.missing,
        test="guideline",
        quote=cond.quote,
        source=f"{source.get('title', cond.source)}" + (f" ({where})" if where else ""),
        confirmed_by=cond.confirmed_by,
        reads=(fact,),
        group=f"guidelines {guidelines.id}",
        branch=branch,
    )
    return _Entry(paragraph, check, _built(row))


def _ways(version: ExemptionVersion) -> tuple[RequirementSpec | None, tuple[Branch | None, ...]]:
    """The requirement that lists the ways of using the exemption (an ``any_of`` with keyed
    branches), and the ways (a single unnamed one when there is none)."""
    found = next(
        (r for r in version.requirements if r.test == "any_of" and any(b.key for b in r.branches)),
        None,
    )
    return found, (tuple(found.branches) if found is not None else (None,))


def _seen(version: ExemptionVersion, ways_req: RequirementSpec, req: RequirementSpec) -> bool:
    """Whether ``req`` comes after the requirement that lists the ways (in the data's order)."""
    found = _ORDER.get(id(version))
    if found is None or found[0] is not version:
        places: dict[int, int] = {}
        for n, r in enumerate(version.requirements):
            places.setdefault(id(r), n)
        if len(_ORDER) >= 256:
            _ORDER.clear()
        found = _ORDER[id(version)] = (version, places)
    order = found[1]
    return order[id(req)] > order[id(ways_req)]


#: Each version's requirements by identity, with their place in the data's order (kept with the
#: version, so an id is never reused while it is here).
_ORDER: dict[int, tuple[ExemptionVersion, dict[int, int]]] = {}


def _undetermined(exemption: Exemption, note: str) -> ExemptionResult:
    return ExemptionResult(
        exemption.key, exemption.citation, None, "undetermined", (), (), (), note
    )


def guidelines_ref(law: Law) -> GuidelinesRef | None:
    """The organisation guidelines applied to ``law``, as a decision names them."""
    g: Guidelines | None = law.exemptions.guidelines
    if g is None:
        return None
    return GuidelinesRef(g.id, g.title, g.issuer, g.sha256, g.file, g.illustrative)


def _version_on(exemption: Exemption, day: dt.date) -> ExemptionVersion | None:
    """:meth:`Exemption.version_on`, None before the first version; looked up once per
    exemption and day (kept with the exemption, so an id is never reused while it is here)."""
    key = (id(exemption), day)
    found = _VERSIONS.get(key)
    if found is None or found[0] is not exemption:
        try:
            version: ExemptionVersion | None = exemption.version_on(day)
        except OutsideCoverage:
            version = None
        if len(_VERSIONS) >= 4096:
            _VERSIONS.clear()
        found = _VERSIONS[key] = (exemption, version)
    return found[1]


_VERSIONS: dict[tuple[int, dt.date], tuple[Exemption, ExemptionVersion | None]] = {}


def evaluate(
    exemption: Exemption,
    transfer: Transfer,
    law: Law,
    ctx: Context,
    *,
    branch: str | None = None,
) -> ExemptionResult:
    """Decide ``exemption`` (or one of its ways, ``branch``) for ``transfer`` under ``law`` on
    its date."""
    version = _version_on(exemption, law.as_of)
    if version is None:
        first = exemption.versions.versions[0].effective_from
        return _undetermined(
            exemption,
            f"the data holds no reading of {exemption.citation} in force on {law.as_of}: its first "
            f"version takes effect on {first}; the text before it is not modelled",
        )
    if not version.in_force:
        return ExemptionResult(
            exemption.key,
            exemption.citation,
            None,
            "not_in_force",
            (),
            (),
            (),
            f"{exemption.citation} is not in force on {law.as_of}",
        )
    if transfer.activity is None and any(p.unless_fact for p in exemption.paths):
        # Which paragraph applies (e.g. § 126.5(a) for a temporary import, (b) otherwise) turns
        # on the activity: ask it first rather than judge one paragraph that may not apply.
        # What every paragraph requires settles it when it fails.
        for req in version.requirements:
            if req.test in _EVERY_PARAGRAPH:
                check = _run(req, transfer, law, ctx)
                if check.status == "fail":
                    return _result(
                        exemption,
                        version,
                        "not_eligible",
                        (Requirement.of(req.id, check),),
                        check.excluded,
                    )
        unknown = Requirement(
            exemption.citation,
            "unknown",
            {"activity": None},
            "which paragraph applies depends on the activity",
        )
        return _result(
            exemption, version, "undetermined", (unknown,), (), (question("activity", law),)
        )
    plan = _plan(exemption, version, law)
    paths, own_path = _paths(exemption, transfer, law, ctx) if exemption.paths else ((), False)
    own = plan.own
    ways_req, ways = plan.ways_req, plan.ways
    if branch is not None:
        ways = tuple(w for w in ways if w is not None and w.key == branch)
        if not ways:
            raise KeyError(
                f"{exemption.citation} has no branch {branch!r}; its branches: "
                f"{', '.join(version.branch_keys()) or 'none'}"
            )
    before: list[_Entry] = list(paths)  # the requirements before the ways, and after them
    after: list[_Entry] = []
    activity_passed = any(e.check.status == "pass" for e in paths)
    checks = ctx.decided
    for req, later, key in () if own_path else plan.own_requirements:
        if activity_passed and req.test == "activity":
            continue  # the activity is covered by the paragraph that passed above
        if key is None:
            entry = _requirement_entry(req, transfer, law, ctx, own)
        else:
            kept = checks.get(key)
            check = kept if kept is not None else decide_leaf(req, transfer, law, ctx, own, key)
            entry = _Entry(req.id, check, partial(leaf_rows, req, check, own, ""))
        (after if later else before).append(entry)
    guidelines: Guidelines | None = plan.guidelines
    decided: list[_Way] = []
    for way, blocks, label, way_requirements in zip(
        plan.ways, plan.blocks, plan.labels, plan.way_requirements, strict=True
    ):
        if branch is not None and (way is None or way.key != branch):
            continue
        entries = list(before)
        for req, key in way_requirements:
            if key is None:
                entries.append(_requirement_entry(req, transfer, law, ctx, own, label))
            else:
                kept = checks.get(key)
                check = kept if kept is not None else decide_leaf(req, transfer, law, ctx, own, key)
                entries.append(_Entry(req.id, check, partial(leaf_rows, req, check, own, label)))
        entries.extend(after)
        status = _status(entries)
        for block in blocks:
            found, found_status = block.decide(label, transfer, law, ctx)
            entries.extend(found)
            if found_status != "pass" and status != "fail":
                status = found_status
        if guidelines is not None:
            extra = [_guideline(c, guidelines, "", transfer) for c in plan.own_guidelines]
            if way is not None and way.key:
                extra.extend(
                    _guideline(c, guidelines, label, transfer) for c in guidelines.for_key(way.key)
                )
            entries.extend(extra)
            status = combine((status, *(e.check.status for e in extra)))
        decided.append(_Way(way, status, tuple(entries)))
    return _decided(exemption, version, decided, ways_req is not None, branch, plan, law)


def evaluate_status(
    exemption: Exemption, transfer: Transfer, law: Law, ctx: Context
) -> ExemptionResult:
    """:func:`evaluate` of every way of ``exemption`` (the result :func:`evaluate` gives, equal
    field for field), deciding only what the result's summary reads: each way's entries are
    read for their status, the facts the open ones need and the supplement rows they exclude
    (no entry, no row); a way other than the first stops at its first failing entry (its
    status is then known and nothing else of it is shown), the first reads on only the entries
    that may exclude a supplement row (it is the way shown when every way fails).  The
    requirements and checklist rows are written when read, by :func:`evaluate` with the same
    context (the tests already run are not run again).  A paragraph of the exemption's own an
    activity leads to (§ 126.5(a), (d)) is read first, as :func:`evaluate` reads it; an
    exemption under organisation guidelines is decided by :func:`evaluate`."""
    return _status_of(exemption, _status_plan(exemption, law), transfer, law, ctx)


def _status_of(
    exemption: Exemption, plan: _Plan | None, transfer: Transfer, law: Law, ctx: Context
) -> ExemptionResult:
    """:func:`evaluate_status` by the exemption's status plan (:func:`_status_plan`)."""
    if plan is None or (transfer.activity is None and plan.asks_activity):
        return evaluate(exemption, transfer, law, ctx)
    every_way = plan.steps
    paths: tuple[Check, ...] = ()
    if exemption.paths:
        path_checks, own_path = _path_checks(exemption, transfer, law, ctx)
        paths = tuple(check for _, check in path_checks)
        if own_path:
            every_way = plan.steps_own_path
        elif any(c.status == "pass" for c in paths):
            every_way = plan.steps_activity_passed
    if plan.ways_req is None:
        return _one_way(exemption, plan, every_way[0], paths, transfer, law, ctx)
    version = plan.refs[2]
    own = plan.own
    statuses: list[Status] = []
    missings: list[tuple[str, ...]] = []
    excluded: tuple[str, ...] = ()
    for n, steps in enumerate(every_way):
        found, failed = _read_way(steps, paths, not n, transfer, law, ctx, own)
        if failed:
            statuses.append("fail")
            missings.append(())
        else:
            unknown = [c.missing for c in found if c.status == "unknown"]
            statuses.append("unknown" if unknown else "pass")
            missings.append(tuple(dict.fromkeys(_chain(unknown))) if unknown else ())
        if n == 0:
            rows = [c.excluded for c in found if c.excluded]
            excluded = tuple(dict.fromkeys(_chain(rows))) if rows else ()
    best: Status = "pass" if "pass" in statuses else "unknown" if "unknown" in statuses else "fail"
    chosen = statuses.index(best)
    if chosen:
        # The way shown: every entry of it was read (it did not fail).
        excluded = tuple(
            dict.fromkeys(
                (
                    *(x for c in paths for x in c.excluded),
                    *_chosen_excluded(every_way[chosen], transfer, law, ctx, own),
                )
            )
        )
    status = _STATUS[best]
    questions: tuple[Question, ...] = ()
    if status == "undetermined":
        # The facts the open ways need, each once in the order they are asked (each way's
        # are so already).
        open_ways = [m for s, m in zip(statuses, missings, strict=True) if s == "unknown"]
        questions = plan.questions(
            open_ways[0]
            if len(open_ways) == 1
            else tuple(dict.fromkeys(_chain(open_ways))),
            law,
        )
    way = plan.ways[chosen]
    marking = None
    if exemption.marking is not None:
        if exemption.marking.text:
            marking = exemption.marking.text
        elif way is not None and best == "pass":
            marking = way.marking

    return _made(
        exemption.key,
        exemption.citation,
        version.id,
        status,
        LAZY_ROWS,
        excluded,
        questions,
        version.modelled,
        way.key if way is not None and best == "pass" else None,
        tuple(
            plan.branch_result(w, s, m)
            for w, s, m in zip(plan.ways, statuses, missings, strict=True)
            if w is not None
        )
        if plan.ways_req is not None
        else (),
        LAZY_ROWS,
        marking,
        plan.obligations,
        plan.carried,
        plan.guidelines_ref,
        partial(_full_rows, exemption, transfer, law, ctx),
    )


def _read_way(
    steps: Sequence[tuple[int, Any, Any, bool, bool]],
    paths: tuple[Check, ...],
    first: bool,
    transfer: Transfer,
    law: Law,
    ctx: Context,
    own: Scope,
) -> tuple[list[Check], bool]:
    """One way's entries read in order after the checks of the exemption's own paragraphs
    (``paths``): the checks found and whether the way fails.  Past a failing entry the first
    way (``first``) reads on only the entries that may exclude a supplement row (its excluded
    rows are the result's); any other way stops there."""
    checks = ctx.decided
    found: list[Check] = list(paths)
    failed = bool(paths) and any(c.status == "fail" for c in paths)
    for kind, what, key, may_exclude, more in steps:
        if failed and (not first or not may_exclude):
            if not first:
                break
            continue
        if kind == 0:
            check = checks.get(key)
            if check is None:
                check = decide_leaf(what, transfer, law, ctx, own, key)
        elif kind == 1:
            check = requirement_status(what, transfer, law, ctx, own)
        else:
            # A block's summary, kept under its key once decided for the transfer.
            check = ctx.carried.get(key) if key is not None else None
            if check is None:
                check = what.summary(transfer, law, ctx)
        found.append(check)
        if check.status == "fail":
            failed = True
            if not first or not more:
                break  # nothing after it is read: the way fails, no later row excluded
    return found, failed


def _one_way(
    exemption: Exemption,
    plan: _Plan,
    steps: Sequence[tuple[int, Any, Any, bool, bool]],
    paths: tuple[Check, ...],
    transfer: Transfer,
    law: Law,
    ctx: Context,
) -> ExemptionResult:
    """:func:`_status_of` of an exemption with one way (no requirement lists keyed ways: the
    § 125.4 paragraphs, § 126.5, § 126.7): its entries read as the first way's are (past a
    failing entry, only those that may exclude a supplement row), without the lists, the
    choice of a way and the ways' results of several (its branch None, no ways' results, its
    marking the exemption's text only)."""
    found, failed = _read_way(steps, paths, True, transfer, law, ctx, plan.own)
    return _one_way_result(exemption, plan, found, failed, transfer, law, ctx)


def _one_way_result(
    exemption: Exemption,
    plan: _Plan,
    found: list[Check],
    failed: bool,
    transfer: Transfer,
    law: Law,
    ctx: Context,
) -> ExemptionResult:
    """The result :func:`_one_way` makes of its way's checks read (``found``, in order) and
    whether the way fails."""
    rows = [c.excluded for c in found if c.excluded]
    excluded = tuple(dict.fromkeys(_chain(rows))) if rows else ()
    questions: tuple[Question, ...] = ()
    status: ExemptionStatus
    if failed:
        status = "not_eligible"
    else:
        unknown = [c.missing for c in found if c.status == "unknown"]
        if unknown:
            status = "undetermined"
            questions = plan.questions(tuple(dict.fromkeys(_chain(unknown))), law)
        else:
            status = "eligible"
    version = plan.refs[2]
    return _made(
        exemption.key,
        exemption.citation,
        version.id,
        status,
        LAZY_ROWS,
        excluded,
        questions,
        version.modelled,
        None,
        (),
        LAZY_ROWS,
        plan.marking_text,
        plan.obligations,
        plan.carried,
        plan.guidelines_ref,
        partial(_full_rows, exemption, transfer, law, ctx),
    )


def _full_rows(
    exemption: Exemption, transfer: Transfer, law: Law, ctx: Context
) -> tuple[tuple[Requirement, ...], tuple[ConditionResult, ...]]:
    """The rows of a result of :func:`evaluate_status`: :func:`evaluate`'s, with the same
    context (the tests already run are not run again)."""
    full = evaluate(exemption, transfer, law, ctx)
    return full.requirements, full.conditions


def _chosen_excluded(
    steps: Sequence[tuple[int, Any, Any, bool, bool]],
    transfer: Transfer,
    law: Law,
    ctx: Context,
    own: Scope,
) -> tuple[str, ...]:
    """The supplement rows the entries of a way exclude (their checks decided already)."""
    found: list[Check] = []
    for kind, what, key, may_exclude, _ in steps:
        if not may_exclude:
            continue
        if kind == 0:
            found.append(decide_leaf(what, transfer, law, ctx, own, key))
        elif kind == 1:
            found.append(requirement_status(what, transfer, law, ctx, own))
        else:
            found.append(what.summary(transfer, law, ctx))
    return tuple(dict.fromkeys(_chain([c.excluded for c in found])))


class _Block:
    """The requirements of one carried group for one exemption (or way of it): the group's
    version in force, where they are read, and the exceptions that may lift each for the
    exemption — worked out once per law; decided once per transfer for every exemption and way
    that carries the group with the same exceptions under the same branch label (§ 125.4(a),
    § 120.15 and § 125.1(b) are carried by most of them)."""

    __slots__ = (
        "absent",
        "group",
        "gv",
        "key",
        "leaf_keys",
        "may_exclude",
        "requirements",
        "scope",
        "summary_key",
    )

    def __init__(
        self, group: ConditionGroup, gv: ExemptionVersion | None, for_keys: frozenset[str], law: Law
    ) -> None:
        self.group = group
        self.gv = gv
        self.absent: _Entry | None = None
        self.key: tuple[Any, ...] = ()
        self.requirements: tuple[tuple[RequirementSpec, list[GroupException]], ...] = ()
        #: Each requirement's check key when it is a leaf read without exceptions (None: one
        #: that combines others, or that an exception may lift).
        self.leaf_keys: tuple[Any, ...] = ()
        self.scope = Scope()
        self.may_exclude = False
        #: Where :meth:`summary` keeps its check in ``ctx.carried`` (None: the group absent,
        #: its check the same for every transfer).
        self.summary_key: tuple[Any, ...] | None = None
        if gv is None or not gv.in_force:
            note = (
                f"the data holds no reading of {group.citation} in force on {law.as_of}: "
                "the conditions it carries cannot be decided"
            )
            row = ConditionResult(
                group.key, group.citation, "unknown", note, group=group.key, test="group"
            )
            self.absent = _Entry(group.citation, make_check("unknown", note), _built(row))
            return
        self.scope = Scope(f"group {group.key}", gv.shared, group.key)
        self.requirements = tuple((r, _exceptions(group, r, for_keys)) for r in gv.requirements)
        self.leaf_keys = tuple(
            None if exc or r.test in _COMPOSITE else content_key(r) for r, exc in self.requirements
        )
        self.may_exclude = any(_may_exclude(r, gv.shared) for r in gv.requirements)
        # The same requirements read in the same place with the same exceptions (the objects
        # the law holds) are the same entries: every exemption and way that has them shares
        # them, one transfer at a time.
        self.key = (
            "block",
            id(gv),
            self.scope.owner,
            tuple(tuple(id(e) for e in exc) for _, exc in self.requirements),
        )
        self.summary_key = ("summary", self.key)

    def decide(
        self, label: str, transfer: Transfer, law: Law, ctx: Context
    ) -> tuple[tuple[_Entry, ...], Status]:
        if self.absent is not None:
            return (self.absent,), "unknown"
        key = (self.key, label)
        found: tuple[tuple[_Entry, ...], Status] | None = ctx.carried.get(key)
        if found is None:
            entries = tuple(
                _carried(r, self.group, exc, self.scope, label, transfer, law, ctx)
                for r, exc in self.requirements
            )
            found = ctx.carried[key] = (entries, _status(entries))
        return found

    def summary(self, transfer: Transfer, law: Law, ctx: Context) -> Check:
        """What a way reads of the block's entries (their rows aside): the status they join to,
        the facts the open ones still need and the supplement rows they exclude, in the order of
        :meth:`decide`'s entries.  The checks do not depend on the branch label (it names
        rows only): one summary per transfer for every exemption and way with the same block."""
        if self.absent is not None:
            return self.absent.check
        key = ("summary", self.key)  # its summary_key
        found: Check | None = ctx.carried.get(key)
        if found is None:
            decided = ctx.decided
            checks = [
                (
                    decided.get(key) or decide_leaf(r, transfer, law, ctx, self.scope, key)
                    if key is not None
                    else requirement_status(r, transfer, law, ctx, self.scope)
                    if not exc
                    else _carried_check(r, exc, self.scope, transfer, law, ctx)
                )
                for (r, exc), key in zip(self.requirements, self.leaf_keys, strict=True)
            ]
            found = ctx.carried[key] = _summed(checks)
        return found


def _carried_check(
    req: RequirementSpec,
    exceptions: Sequence[GroupException],
    scope: Scope,
    transfer: Transfer,
    law: Law,
    ctx: Context,
) -> Check:
    """The status, the facts still needed and the rows excluded of :func:`_carried`'s entry
    for a requirement the group's exceptions may lift (its detail and facts aside): lifted
    outright or when an exception's own requirements pass, else the requirement's check, kept
    open (never passed) while an exception may still apply."""
    if any(not e.when for e in exceptions):
        return _LIFTED_CHECK
    check = requirement_status(req, transfer, law, ctx, scope)
    if check.status == "pass":
        return check
    needed: list[tuple[str, ...]] = []
    for exc in exceptions:
        parts = [requirement_status(w, transfer, law, ctx, scope) for w in exc.when]
        status = _joined_status(parts)
        if status == "pass":
            return _LIFTED_CHECK
        if status == "unknown":
            needed.append(tuple(dict.fromkeys(_chain([p.missing for p in parts]))))
    if not needed:
        return check
    missing = list(check.missing if check.status == "unknown" else ())
    for facts in needed:
        missing.extend(f for f in facts if f not in missing)
    return make_check("unknown", "", {}, tuple(missing), check.excluded)


#: What a way reads of a lifted requirement's entry (:func:`_lifted`: a pass, nothing needed).
_LIFTED_CHECK = make_check("pass")


def _summed(checks: Sequence[Check]) -> Check:
    """The checks of consecutive entries as one: their joined status, the facts the open ones
    need and the rows excluded (each once, in order); no detail, no facts (never a row)."""
    return summed_check(checks, _joined_status(checks))


def _joined_status(checks: Iterable[Check]) -> Status:
    seen = {c.status for c in checks}
    return "fail" if "fail" in seen else "unknown" if "unknown" in seen else "pass"


class _Plan:
    """What deciding an exemption reads of the law, worked out once per law and date: its
    version's requirements in order (and whether each comes after the ways), the ways, the
    carried groups for each way, the guidelines, and what the result names of them."""

    __slots__ = (
        "asked",
        "asks_activity",
        "blocks",
        "branch_results",
        "carried",
        "fails_first",
        "fast",
        "groups",
        "guidelines",
        "guidelines_ref",
        "labels",
        "marking_text",
        "obligations",
        "own",
        "own_guidelines",
        "own_requirements",
        "refs",
        "steps",
        "steps_activity_passed",
        "steps_own_path",
        "way_requirements",
        "ways",
        "ways_req",
    )

    def __init__(self, exemption: Exemption, version: ExemptionVersion, law: Law) -> None:
        held = law.exemptions
        self.refs = (law, exemption, version)
        self.own = Scope(exemption.key, version.shared, None)
        self.ways_req, self.ways = _ways(version)
        self.labels = tuple(way.label if way is not None else "" for way in self.ways)
        #: Each way's own requirements, with the key a leaf's check is kept under (None: one
        #: that combines others).
        self.way_requirements = tuple(
            tuple(
                (req, None if req.test in _COMPOSITE else content_key(req))
                for req in (way.requirements if way is not None else ())
            )
            for way in self.ways
        )
        #: Each requirement before or after the ways (True: after), with the key its check is
        #: kept under for a transfer (None: one that combines others).
        self.own_requirements = tuple(
            (
                req,
                self.ways_req is not None and _seen(version, self.ways_req, req),
                None if req.test in _COMPOSITE else content_key(req),
            )
            for req in version.requirements
            if req is not self.ways_req
        )
        groups: list[tuple[ConditionGroup, ExemptionVersion | None]] = []
        for key in exemption.carries:
            group = held.groups.get(key)
            if group is None:
                raise ValueError(
                    f"{exemption.citation} carries the condition group {key!r}, which the law does "
                    f"not hold (it holds {', '.join(held.groups) or 'none'})"
                )
            groups.append((group, group.version_on(law.as_of)))
        self.groups = tuple(groups)
        self.blocks = tuple(
            tuple(
                _Block(
                    group,
                    gv,
                    frozenset(
                        {exemption.key, "*"} | ({way.key} if way is not None and way.key else set())
                    ),
                    law,
                )
                for group, gv in groups
            )
            for way in self.ways
        )
        self.guidelines: Guidelines | None = held.guidelines
        self.own_guidelines = (
            tuple(self.guidelines.for_key(exemption.key)) if self.guidelines is not None else ()
        )
        obligations = list(version.obligations)
        for _, gv in groups:
            if gv is not None and gv.in_force:
                obligations.extend(gv.obligations)
        self.obligations = tuple(obligations)
        self.carried = tuple(
            f"{g.citation} ({gv.id})" for g, gv in groups if gv is not None and gv.in_force
        )
        self.guidelines_ref = guidelines_ref(law)
        #: The marking a result shows whichever way it is decided by (the exemption's text;
        #: a way's marking is shown only when that way is eligible).
        self.marking_text = (
            exemption.marking.text
            if exemption.marking is not None and exemption.marking.text
            else None
        )
        own_steps = tuple(
            (
                later,
                (1 if key is None else 0, req, key, _may_exclude(req, version.shared)),
            )
            for req, later, key in self.own_requirements
        )
        #: Each way's entries as :func:`evaluate_status` reads them, in the order of
        #: :func:`evaluate`'s entries: (kind, what, key, may it exclude supplement rows, may a
        #: step after it) — 0 a leaf (its requirement and check key), 1 a requirement that
        #: combines others, 2 a carried block (and the key of its summary).
        self.steps = self._steps(own_steps)
        #: The ways' results met so far, by way (one of :attr:`ways`), status and facts needed.
        self.branch_results: dict[tuple[int, str, tuple[str, ...]], BranchResult] = {}
        #: The same when a paragraph of the exemption's own an activity leads to decides
        #: instead of its own requirements, and when one passed (its activity test is covered).
        self.steps_own_path = self._steps(()) if exemption.paths else self.steps
        self.steps_activity_passed = (
            self._steps(tuple(s for s in own_steps if s[1][1].test != "activity"))
            if exemption.paths
            else self.steps
        )
        #: Whether :func:`evaluate_status` decides the exemption (no guidelines: :func:`evaluate`
        #: decides it then).
        self.fast = self.guidelines is None
        #: Whether the paragraph that applies turns on the activity (§ 126.5(a), (b)): while
        #: the activity is unknown, :func:`evaluate` asks it first.
        self.asks_activity = any(p.unless_fact for p in exemption.paths)
        #: The first entry of an exemption of one way whose entries never exclude a supplement
        #: row (the § 125.4 paragraphs: the kind of transfer first), as (requirement, check
        #: key), when it is a leaf: its check failing decides the result alone
        #: (:func:`decide_every`); None otherwise.
        first = self.steps[0][0] if len(self.steps) == 1 and self.steps[0] else None
        self.fails_first: tuple[RequirementSpec, Any] | None = (
            (first[1], first[2])
            if first is not None
            and self.ways_req is None
            and not exemption.paths
            and first[0] == 0
            and not first[3]
            and not first[4]
            else None
        )
        #: The questions for the facts an undetermined result needs, by those facts.
        self.asked: dict[tuple[str, ...], tuple[Question, ...]] = {}

    def questions(self, missing: tuple[str, ...], law: Law) -> tuple[Question, ...]:
        """:func:`question` of each fact (the plan is the law's: kept by the facts alone)."""
        found = self.asked.get(missing)
        if found is None:
            if len(self.asked) >= 4096:
                self.asked.clear()
            found = self.asked[missing] = tuple(question(f, law) for f in missing)
        return found

    def branch_result(self, way: Branch, status: Status, missing: tuple[str, ...]) -> BranchResult:
        """A way's result (a value: the same way, status and facts needed give an equal one,
        kept by them and shared between transfers)."""
        key = (id(way), status, missing)
        found = self.branch_results.get(key)
        if found is None:
            if len(self.branch_results) >= 4096:
                self.branch_results.clear()
            found = self.branch_results[key] = BranchResult(
                way.label, way.id, way.title, status, missing, way.marking
            )
        return found

    def _steps(
        self, own_steps: Sequence[tuple[bool, tuple[int, Any, Any, bool]]]
    ) -> tuple[tuple[tuple[int, Any, Any, bool, bool], ...], ...]:
        shared = self.refs[2].shared
        return tuple(
            _more_excluding(
                (
                    *(step for later, step in own_steps if not later),
                    *(
                        (1 if key is None else 0, req, key, _may_exclude(req, shared))
                        for req, key in way_requirements
                    ),
                    *(step for later, step in own_steps if later),
                    *((2, block, block.summary_key, block.may_exclude) for block in blocks),
                )
            )
            for way_requirements, blocks in zip(self.way_requirements, self.blocks, strict=True)
        )


def _more_excluding(
    steps: Sequence[tuple[int, Any, Any, bool]],
) -> tuple[tuple[int, Any, Any, bool, bool], ...]:
    """Each step with whether a step after it may exclude supplement rows (the first way read
    on after a failing entry reads only those: with none after, it stops there)."""
    return tuple(
        (*step, any(later[3] for later in steps[n + 1 :])) for n, step in enumerate(steps)
    )


#: The tests whose check never names an excluded supplement row (every registered test but
#: ``not_on_supplement``, which does, and those that combine others); a test not listed here
#: is taken to name some (:func:`_may_exclude`).
_NEVER_EXCLUDES = frozenset(
    {
        "activity", "destination", "origin", "territory", "no_transit", "fact", "fact_in",
        "transfer_kind", "fact_if", "subset_of", "disjoint_from", "not_proscribed",
        "parties_not_ineligible", "registered", "nationals_of", "end_users", "sme_assurances",
        "parties", "value_and_sme_manufacturing", "no_ineligible_party",
    }
)  # fmt: skip


def _may_exclude(req: RequirementSpec, shared: Mapping[str, tuple[RequirementSpec, ...]]) -> bool:
    """Whether the check of ``req`` may name a supplement row that excludes the transfer."""
    if req.test == "any_of":
        return any(_may_exclude(r, shared) for b in req.branches for r in b.requirements)
    if req.test == "shared":
        return any(_may_exclude(r, shared) for r in shared.get(req["ref"], ()))
    return req.test not in _NEVER_EXCLUDES


def _plan(exemption: Exemption, version: ExemptionVersion, law: Law) -> _Plan:
    """The plan of ``exemption`` under ``law`` on its date: everything it reads is the law's (its
    exemptions, its date, its guidelines), so it is kept by the law's identity (with the objects
    it reads, so an id is never reused while it is here)."""
    key = (id(law), id(exemption), id(version))
    found = _PLANS.get(key)
    if (
        found is None
        or found.refs[0] is not law
        or found.refs[1] is not exemption
        or found.refs[2] is not version
    ):
        if len(_PLANS) >= 1024:
            _PLANS.clear()
        found = _PLANS[key] = _Plan(exemption, version, law)
    return found


_PLANS: dict[tuple[int, int, int], _Plan] = {}


def _status_plan(exemption: Exemption, law: Law) -> _Plan | None:
    """The plan :func:`evaluate_status` decides ``exemption`` by under ``law`` (its version on
    the law's date in force, no guidelines), or None when :func:`evaluate` decides it: one
    look-up by the law's and the exemption's identity (kept with them)."""
    key = (id(law), id(exemption))
    found = _STATUS_PLANS.get(key)
    if found is None or found[0] is not law or found[1] is not exemption:
        version = _version_on(exemption, law.as_of)
        plan = _plan(exemption, version, law) if version is not None and version.in_force else None
        if len(_STATUS_PLANS) >= 1024:
            _STATUS_PLANS.clear()
        found = _STATUS_PLANS[key] = (
            law,
            exemption,
            plan if plan is not None and plan.fast else None,
        )
    return found[2]


_STATUS_PLANS: dict[tuple[int, int], tuple[Law, Exemption, _Plan | None]] = {}


def decide_every(
    transfer: Transfer,
    law: Law,
    ctx: Context,
    decide: Callable[[Exemption, Transfer, Law, Context], ExemptionResult] | None = None,
    *,
    despite_126_1: bool = False,
) -> tuple[ExemptionResult, ...]:
    """``decide`` (:func:`evaluate_status` when None or given; :func:`evaluate` for every row)
    of every exemption of the law in its order — or, ``despite_126_1``, of those the law lets
    be used although a country of the transfer is proscribed by § 126.1
    (:func:`usable_despite_126_1`); one context for all (a test runs once).  The status pass
    reads each exemption's plan from the law's list (looked up once per law)."""
    listed = _every_plan(law)
    chosen = [found for found in listed if found[2]] if despite_126_1 else listed
    if decide is None or decide is evaluate_status:
        decided = ctx.decided
        results: list[ExemptionResult] = []
        for e, plan, _ in chosen:
            if plan is not None and plan.fails_first is not None:
                # An exemption of one way whose entries never exclude a row, its first entry
                # failing: nothing after it is read (:func:`_read_way` stops there).
                req, key = plan.fails_first
                check = decided.get(key) or decide_leaf(req, transfer, law, ctx, plan.own, key)
                if check.status == "fail":
                    results.append(_one_way_result(e, plan, [check], True, transfer, law, ctx))
                    continue
            results.append(_status_of(e, plan, transfer, law, ctx))
        return tuple(results)
    return tuple(decide(e, transfer, law, ctx) for e, _, _ in chosen)


def _every_plan(law: Law) -> tuple[tuple[Exemption, _Plan | None, bool], ...]:
    """Each exemption of the law in its order, with its status plan (:func:`_status_plan`) and
    whether it is usable despite § 126.1 (:func:`usable_despite_126_1`): all read of the law
    alone, so kept by the law's identity (with the law, so an id is never reused while it is
    here)."""
    return kept_for(_EVERY_PLAN, law, _plans)


def _plans(law: Law) -> tuple[tuple[Exemption, _Plan | None, bool], ...]:
    """What :func:`_every_plan` keeps for ``law``."""
    return tuple((e, _status_plan(e, law), usable_despite_126_1(e, law)) for e in law.exemptions)


_EVERY_PLAN: dict[int, tuple[Law, tuple[tuple[Exemption, _Plan | None, bool], ...]]] = {}


def _decided(
    exemption: Exemption,
    version: ExemptionVersion,
    ways: Sequence[_Way],
    has_ways: bool,
    asked: str | None,
    plan: _Plan,
    law: Law,
) -> ExemptionResult:
    statuses = [w.status for w in ways]
    best: Status = "pass" if "pass" in statuses else "unknown" if "unknown" in statuses else "fail"
    chosen = ways[statuses.index(best)]
    status = _STATUS[best]
    missing: list[str] = []
    for way in ways:
        if way.status == "unknown":
            missing.extend(f for f in way.missing if f not in missing)
    questions = tuple(question(f, law) for f in missing) if status == "undetermined" else ()
    excluded = tuple(dict.fromkeys(x for e in chosen.entries for x in e.check.excluded))
    marking = None
    if exemption.marking is not None:
        if exemption.marking.text:
            marking = exemption.marking.text
        elif chosen.branch is not None and (best == "pass" or asked is not None):
            marking = chosen.branch.marking
    entries = chosen.entries

    def fill() -> tuple[tuple[Requirement, ...], tuple[ConditionResult, ...]]:
        return (
            tuple(r for r in (e.requirement for e in entries) if r is not None),
            tuple(r for e in entries for r in e.rows()),
        )

    return ExemptionResult(
        exemption.key,
        exemption.citation,
        version.id,
        status,
        LAZY_ROWS,
        excluded,
        questions,
        version.modelled,
        branch=(
            chosen.branch.key
            if chosen.branch is not None and (best == "pass" or asked is not None)
            else None
        ),
        branches=tuple(
            BranchResult(
                w.branch.label,
                w.branch.id,
                w.branch.title,
                w.status,
                w.missing if w.status == "unknown" else (),
                w.branch.marking,
            )
            for w in ways
            if w.branch is not None
        )
        if has_ways
        else (),
        conditions=LAZY_ROWS,
        marking=marking,
        obligations=plan.obligations,
        carried=plan.carried,
        guidelines=plan.guidelines_ref,
        fill=fill,
    )


def _result(
    exemption: Exemption,
    version: ExemptionVersion,
    status: ExemptionStatus,
    requirements: Iterable[Requirement],
    excluded: Iterable[str] = (),
    questions: Iterable[Question] = (),
) -> ExemptionResult:
    return ExemptionResult(
        exemption.key,
        exemption.citation,
        version.id,
        status,
        tuple(requirements),
        tuple(excluded),
        tuple(questions),
        version.modelled,
    )


def usable_despite_126_1(exemption: Exemption, law: Law) -> bool:
    """Whether the law lets the exemption be used although a country of the transfer is
    proscribed by § 126.1: every § 126.1 limit of the groups it carries has an exception for it
    or one of its ways — § 126.1(a)(2) and (3) for § 126.4, § 125.4(a) "except for paragraph
    (b)(13)" for § 125.4(b)(13).  An exemption that carries no such limit reads § 126.1 itself
    (or not at all) and is not."""
    keys = {exemption.key, "*", *exemption.branch_keys()}
    limits = 0
    for key in exemption.carries:
        group = law.exemptions.groups.get(key)
        if group is None:
            continue
        for dated in group.versions.versions:
            for req in dated.value.walk():
                if req.test != "not_proscribed":
                    continue
                limits += 1
                if not any(
                    e.for_key in keys and e.lifts_requirement(req.name) for e in group.exceptions
                ):
                    return False
    return limits > 0


@attrs.frozen
class ChecklistItem:
    """One condition of an exemption's checklist, before any transfer: the paragraph, the words
    it implements, the test and the facts it reads, who confirms it, where it comes from (the
    exemption's own, a condition group, the guidelines), the branch it belongs to, and when it
    does not apply (the exceptions of the text)."""

    name: str
    paragraph: str
    quote: str
    source: str
    test: str
    params: str
    reads: tuple[str, ...]
    confirmed_by: str
    group: str | None = None
    branch: str = ""
    exceptions: tuple[str, ...] = ()


def _params(req: RequirementSpec) -> str:
    """A test's parameters as text (§ 126.7(b)(2)'s eligible kinds by their paragraphs)."""
    parts = []
    for k, v in req.params.items():
        if k == "status":
            continue
        shown = [o.get("id") for o in v] if k == "eligible" and isinstance(v, list) else v
        parts.append(f"{k}={json.dumps(shown, ensure_ascii=False)}")
    return ", ".join(parts)


def _items(
    reqs: Iterable[RequirementSpec],
    shared: Mapping[str, tuple[RequirementSpec, ...]],
    group: str | None,
    branch: str,
) -> Iterable[ChecklistItem]:
    for req in reqs:
        if req.test == "any_of":
            for b in req.branches:
                label = f"{branch} > {b.label}" if branch else b.label
                yield from _items(b.requirements, shared, group, label)
        elif req.test == "shared":
            yield from _items(shared.get(req["ref"], ()), shared, group, branch)
        else:
            yield ChecklistItem(
                req.name or req.test,
                req.id,
                req.quote,
                req.source,
                req.test,
                _params(req),
                req.reads or tuple(f for f in (req.get("fact"),) if f),
                req.confirmed_by,
                group,
                branch,
            )


def _exception_note(exc: GroupException) -> str:
    who = "every exemption" if exc.for_key == "*" else exc.for_key
    when = " when " + " and ".join(f"{w.name} ({w.quote})" for w in exc.when) if exc.when else ""
    return f"not for {who}{when}: {_exception_text(exc)}"


def checklist(
    exemption: Exemption, law: Law, branch: str | None = None
) -> tuple[ChecklistItem, ...]:
    """The conditions of an exemption (or one of its ways) in the version in force on the law's
    date: its own, those of the groups it carries (each with the exceptions that lift it for the
    exemption or its ways) and those of the guidelines applied to the law.  Empty when no
    version is in force on the date."""
    try:
        version = exemption.version_on(law.as_of)
    except OutsideCoverage:
        return ()
    if not version.in_force:
        return ()
    ways_req, ways = _ways(version)
    if branch is not None and branch not in version.branch_keys():
        raise KeyError(
            f"{exemption.citation} has no branch {branch!r}; its branches: "
            f"{', '.join(version.branch_keys()) or 'none'}"
        )
    out: list[ChecklistItem] = []
    for req in version.requirements:
        if req is ways_req:
            for way in ways:
                if way is not None and (branch is None or way.key == branch):
                    out.extend(_items(way.requirements, version.shared, None, way.label))
        else:
            out.extend(_items((req,), version.shared, None, ""))
    for path in exemption.paths:
        out.append(
            ChecklistItem(
                path.id,
                path.id,
                path.quote,
                path.source,
                "path",
                f"activities={json.dumps(list(path.activities))}",
                ("activity", *((path.unless_fact,) if path.unless_fact else ())),
                "exporter",
            )
        )
        out.extend(_items(path.requires, version.shared, None, path.id.removeprefix("22 CFR ")))
    keys = {exemption.key, "*"} | ({branch} if branch is not None else set(version.branch_keys()))
    for key in exemption.carries:
        group = law.exemptions.group(key)
        gv = group.version_on(law.as_of)
        if gv is None or not gv.in_force:
            continue
        for item in _items(gv.requirements, gv.shared, group.key, ""):
            notes = tuple(
                _exception_note(e)
                for e in group.exceptions
                if e.for_key in keys and e.lifts_requirement(item.name)
            )
            out.append(attrs.evolve(item, exceptions=notes))
    g: Guidelines | None = law.exemptions.guidelines
    if g is not None:
        wanted = {exemption.key} | ({branch} if branch is not None else set(version.branch_keys()))
        for cond in g.conditions:
            for key in cond.applies_to:
                if key in wanted:
                    source = g.sources.get(cond.source, {})
                    out.append(
                        ChecklistItem(
                            cond.id,
                            f"guidelines {g.id}: {cond.id}",
                            cond.quote,
                            str(source.get("title", cond.source)),
                            "guideline",
                            f"question={json.dumps(cond.question)}"
                            if cond.question
                            else f"fact={cond.fact}, "
                            + (
                                f"in={json.dumps(list(cond.within))}"
                                if cond.within is not None
                                else f"equals={json.dumps(cond.equals)}"
                            ),
                            (cond.id,) if cond.question else (str(cond.fact),),
                            cond.confirmed_by,
                            f"guidelines {g.id}",
                            "" if key == exemption.key else key,
                        )
                    )
    return tuple(out)


def decide(key: str, transfer: Transfer, law: Law) -> ExemptionResult:
    """One exemption of the law — or one of its ways, by its key (``126.4(b)(2)``) — for one
    transfer, with the conditions it carries (§ 126.1 as the exemption's data reads it)."""
    from exportctl.inputs.transfers import validate_transfer

    validate_transfer(transfer, law)
    exemption, branch = law.exemptions.find(key)
    return evaluate(exemption, transfer, law, Context(transfer, law), branch=branch)


def restricted(law: Law, keys: Iterable[str]) -> Law:
    """``law`` holding only the exemptions named (by paragraph or batch column): a change of
    the law with its own id, for deciding transfers under some exemptions only."""
    wanted = tuple(law.exemptions.get(k).key for k in keys)
    change = f"exemptions only {', '.join(wanted)}"
    component = law.statutes.components["exemptions"].changed(
        change, lambda current: current.only(wanted)
    )
    return Law(law.as_of, law.statutes.replace(change, components={"exemptions": component}))


def load_exemption(source: str | Path | Mapping[str, Any]) -> Exemption:
    """An exemption from a data file (or its parsed form), with every requirement's test checked
    against the registry: ``law.with_exemption(load_exemption("my_exemption.json"))`` decides
    transfers under it as under the bundled ones.  Quotes are checked by the data build only."""
    raw = source if isinstance(source, Mapping) else json.loads(Path(source).read_text("utf-8"))
    if raw.get("kind") != "exemption":
        raise ValueError(f"{source}: not an exemption file (kind {raw.get('kind')!r})")
    exemption = exemption_from_data(raw)
    for version in exemption.versions.versions:
        for req in version.value.walk():
            if req.test not in REQUIREMENT_TESTS:
                raise ValueError(
                    f"{exemption.citation} {version.value.id} {req.id}: unknown test {req.test!r}; "
                    f"known tests: {', '.join(sorted(REQUIREMENT_TESTS))}"
                )
    return exemption
