"""A requirement that combines others (``any_of``, ``shared``) read for its status alone
(``requirement_status``: what the status pass of ``authorize`` reads — the status, the facts
still needed, the supplement rows excluded) is what :func:`requirement_check` gives of it, for
every such requirement of every exemption and carried group of the law, wherever it is read
(issue 13).  Never a speed assertion here.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import Phase, given, settings
from hypothesis import strategies as st
from tools import bench

import exportctl
from exportctl.core.facts import ContradictoryFacts, FactError
from exportctl.engine.exemptions import _plan, _version_on
from exportctl.engine.requirements import (
    Context,
    Scope,
    requirement_check,
    requirement_status,
)
from exportctl.inputs.transfers import Transfer, transfer_from_csv_row
from exportctl.testing import transfers

ROOT = Path(__file__).resolve().parents[1]
LAW = exportctl.law("2025-11-01")
FINAL = exportctl.law("2026-01-15")
_PHASES = (Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink)
SOME = settings(max_examples=120, deadline=None, phases=_PHASES)
DAYS = st.sampled_from([LAW, FINAL])


def _read(req: Any, scope: Scope) -> Iterator[tuple[Any, Scope]]:
    yield req, scope
    if req.test == "any_of":
        for branch in req.branches:
            for r in branch.requirements:
                yield from _read(r, scope)
    elif req.test == "shared":
        for r in scope.shared[req["ref"]]:
            yield from _read(r, scope)


def _composites(law: exportctl.Law) -> list[tuple[Any, Scope]]:
    """Every requirement that combines others, with the place it is read: each exemption's own
    (and its ways'), and each carried group's, as the exemption's plan holds them."""
    found: dict[tuple[int, int], tuple[Any, Scope]] = {}
    for exemption in law.exemptions:
        version = _version_on(exemption, law.as_of)
        if version is None or not version.in_force:
            continue
        plan = _plan(exemption, version, law)
        tops = [(req, plan.own) for req in version.requirements]
        for blocks in plan.blocks:
            for block in blocks:
                tops.extend((r, block.scope) for r, _ in block.requirements)
                tops.extend(
                    (w, block.scope) for _, exc in block.requirements for e in exc for w in e.when
                )
        for top, scope in tops:
            for req, where in _read(top, scope):
                if req.test in ("any_of", "shared"):
                    found[(id(req), id(where.shared))] = (req, where)
    return list(found.values())


def _summary(check: Any) -> tuple[Any, ...]:
    return (check.status, check.missing if check.status == "unknown" else (), check.excluded)


def _compare(transfer: Transfer, law: exportctl.Law) -> set[str]:
    statuses = set()
    fast, full = Context(transfer, law), Context(transfer, law)
    for req, scope in _composites(law):
        got = requirement_status(req, transfer, law, fast, scope)
        want = requirement_check(req, transfer, law, full, scope)
        assert _summary(got) == _summary(want), (transfer.transfer_id, req.id)
        assert got.missing == (want.missing if want.status == "unknown" else ())
        statuses.add(f"{req.test} {got.status}")
    return statuses


def test_the_law_has_requirements_of_both_kinds() -> None:
    tests = {req.test for req, _ in _composites(LAW)}
    assert tests == {"any_of", "shared"}


def test_the_examples_read_alike() -> None:
    with open(ROOT / "examples" / "transfers.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    for law in (LAW, FINAL):
        for row in rows:
            _compare(transfer_from_csv_row(row, law), law)


def test_distinct_transfers_read_alike(tmp_path: Path) -> None:
    path = tmp_path / "transfers.csv"
    bench.write_csv(path, bench.header_of(bench.TRANSFERS), bench.distinct_transfers(300))
    law = exportctl.law("2025-06-01")
    seen: set[str] = set()
    with open(path, newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            try:
                transfer = transfer_from_csv_row(row, law)
            except (FactError, ContradictoryFacts):
                continue
            seen |= _compare(transfer, law)
    # An ``any_of`` passes, fails and stays open somewhere (every branch of its join is met).
    assert seen >= {"any_of pass", "any_of fail", "any_of unknown", "shared unknown"}


@SOME
@given(DAYS.flatmap(lambda law: st.tuples(st.just(law), transfers(law))))
def test_generated_transfers_read_alike(pair: tuple[exportctl.Law, Transfer]) -> None:
    law, transfer = pair
    _compare(transfer, law)


def test_a_question_kept_per_law_is_the_question_worked_out_again() -> None:
    """``question`` (kept by the law's identity and the fact) gives what working it out gives:
    a question of the law's facts, a party's flag asked by its flag, for each law apart."""
    from exportctl.engine.exemptions import _question, question

    flags = [f.removeprefix("party.") for f in LAW.facts.questions if f.startswith("party.")]
    assert flags
    for law in (LAW, FINAL):
        for fact in [*LAW.facts.questions, *flags, "not_a_question_of_the_law"]:
            if fact.startswith("party."):
                continue
            assert question(fact, law) == _question(fact, law)
            assert question(fact, law) is question(fact, law)
        for flag in flags:
            assert question(flag, law).id == flag


def _fields(result: Any) -> dict[str, Any]:
    """Every field of an exemption's result as its slot holds it (the rows not written)."""
    from exportctl.engine import exemptions as ex

    slots = {"requirements": ex._REQUIREMENTS_SLOT, "conditions": ex._CONDITIONS_SLOT}
    return {
        f.name: slots[f.name].__get__(result) if f.name in slots else getattr(result, f.name)
        for f in attrs.fields(type(result))
    }


@pytest.mark.parametrize("maker", ["_made", "_made_filled", "_made_by_init"])
def test_a_result_made_slot_by_slot_is_the_attrs_one(maker: str) -> None:
    """``_made`` (the status pass's results, their slots filled in field order without attrs'
    frozen ``__init__``: by a plain class of the same layout, else by attrs' own) holds
    what ``ExemptionResult(...)`` holds, field by field."""
    from exportctl.engine import exemptions as ex

    assert ex._RESULT_SLOTS is not None  # the fast path is the one used
    assert ex._made is ex._made_filled  # the plain class's layout is the result's
    assert tuple(f.name for f in attrs.fields(ex.ExemptionResult)) == ex._RESULT_FIELDS
    values = tuple(f"value of {name}" for name in ex._RESULT_FIELDS)
    made = getattr(ex, maker)(*values)
    want = ex.ExemptionResult(*values[:-1], fill=values[-1])  # type: ignore[arg-type]
    assert type(made) is ex.ExemptionResult
    assert _fields(made) == _fields(want) == dict(zip(ex._RESULT_FIELDS, values, strict=True))
