"""Deciding one exemption of the law for one transfer: its version in force, then every
requirement by its named test.

The exemption is ``eligible`` only when every requirement passes, ``not_eligible`` when one
fails, ``undetermined`` otherwise (never eligible on unknown facts), ``not_in_force`` when no
version of it is in force on the date.  A paragraph of its own that an activity leads to (an
exemption's ``paths``, e.g. § 126.5(a) for a temporary import, § 126.5(d) for a reexport)
decides instead of the general requirements.  Requirements the text makes common to every
paragraph (the supplement, § 126.1, § 120.15(b)) settle it even before the activity is known.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Literal

import attrs

from exportctl.core.facts import Question
from exportctl.core.results import Check, Requirement, Status, combine
from exportctl.corpus.exemptions import (
    Exemption,
    ExemptionVersion,
    RequirementSpec,
    exemption_from_data,
)
from exportctl.corpus.law import Law
from exportctl.engine.requirements import REQUIREMENT_TESTS, Context
from exportctl.inputs.transfers import Transfer

__all__ = ["ExemptionResult", "ExemptionStatus", "evaluate", "load_exemption", "question"]

ExemptionStatus = Literal["eligible", "not_eligible", "undetermined", "not_in_force"]

#: Requirement tests every paragraph of an exemption shares (§ 126.5(a) and (b) alike).
_EVERY_PARAGRAPH = frozenset({"not_on_supplement", "not_proscribed", "no_ineligible_party"})


@attrs.frozen
class ExemptionResult:
    """One exemption as decided for one transfer: the version, each requirement, the rows of
    a supplement that exclude the transfer, and the questions that would decide it."""

    exemption: str
    citation: str
    version: str | None
    status: ExemptionStatus
    requirements: tuple[Requirement, ...]
    excluded_rows: tuple[str, ...]
    open_questions: tuple[Question, ...]
    note: str = ""


def question(fact: str, law: Law) -> Question:
    """The question for a fact the requirements need (a party's flag is asked as ``party.<flag>``
    in the data, and named by its flag)."""
    found = law.facts.get(fact)
    if found is not None:
        return found
    party = law.facts.get(f"party.{fact}")
    return attrs.evolve(party, id=fact) if party is not None else law.facts.question(fact)


def _run(req: RequirementSpec, transfer: Transfer, law: Law, ctx: Context) -> Check:
    test = REQUIREMENT_TESTS.get(req.test)
    if test is None:  # pragma: no cover - the data build admits only registered tests
        raise ValueError(f"unknown requirement test {req.test!r} ({req.id})")
    return test(req, transfer, law, ctx)


@attrs.define
class _Tally:
    requirements: list[Requirement] = attrs.Factory(list)
    missing: list[str] = attrs.Factory(list)
    excluded: list[str] = attrs.Factory(list)

    def add(self, paragraph: str, check: Check) -> None:
        self.requirements.append(Requirement.of(paragraph, check))
        self.missing.extend(f for f in check.missing if f not in self.missing)
        self.excluded.extend(check.excluded)


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


def evaluate(exemption: Exemption, transfer: Transfer, law: Law, ctx: Context) -> ExemptionResult:
    """Decide ``exemption`` for ``transfer`` under ``law`` on its date."""
    version = exemption.version_on(law.as_of)
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
    tally = _Tally()
    own_path = False  # a paragraph of its own (e.g. § 126.5(a)) decides instead of the rest
    for path in exemption.paths:
        if transfer.activity not in path.activities:
            continue
        if transfer.to_country in path.except_to_countries:
            tally.add(
                path.id,
                Check(
                    "pass",
                    "to the United States: no DDTC approval needed",
                    {"to_country": transfer.to_country},
                ),
            )
            continue
        unless = transfer.answer(path.unless_fact) if path.unless_fact else False
        if unless is False:
            tally.add(
                path.id,
                Check(
                    "fail", "needs DDTC approval or a license", {"activity": transfer.activity}
                ),
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
        tally.add(
            path.id,
            Check(combine(statuses), "; ".join(details), facts, tuple(missing), tuple(excluded)),
        )
    for req in () if own_path else version.requirements:
        if req.test == "activity" and any(r.status == "pass" for r in tally.requirements):
            continue  # the activity is covered by the paragraph that passed above
        tally.add(req.id, _run(req, transfer, law, ctx))
    outcome = combine(r.status for r in tally.requirements)
    status: ExemptionStatus = {
        "fail": "not_eligible",
        "unknown": "undetermined",
        "pass": "eligible",
    }[outcome]  # type: ignore[assignment]
    questions = (
        tuple(question(f, law) for f in tally.missing) if status == "undetermined" else ()
    )
    return _result(exemption, version, status, tally.requirements, tally.excluded, questions)


def load_exemption(source: str | Path | Mapping[str, Any]) -> Exemption:
    """An exemption from a data file (or its parsed form), with every requirement's test checked
    against the registry: ``law.with_exemption(load_exemption("my_exemption.json"))`` decides
    transfers under it as under the bundled ones.  Quotes are checked by the data build only."""
    raw = source if isinstance(source, Mapping) else json.loads(Path(source).read_text("utf-8"))
    if raw.get("kind") != "exemption":
        raise ValueError(f"{source}: not an exemption file (kind {raw.get('kind')!r})")
    exemption = exemption_from_data(raw)
    for version in exemption.versions.versions:
        for req in version.value.requirements:
            if req.test not in REQUIREMENT_TESTS:
                raise ValueError(
                    f"{exemption.citation} {version.value.id} {req.id}: unknown test {req.test!r}; "
                    f"known tests: {', '.join(sorted(REQUIREMENT_TESTS))}"
                )
    return exemption
