"""Two shortcuts of ``authorize`` on distinct transfers (issue 13), each against the reading it
stands for.  Never a speed assertion here.

* An exemption of one way whose entries never exclude a supplement row (the § 125.4 paragraphs:
  the kind of transfer first), its first entry failing, is made by ``decide_every`` from that
  check alone: the result is the full evaluation's (:func:`evaluate`), field by field and row
  by row.
* ``decide_leaf`` runs a test of this package other than ``any_of`` and ``shared`` without
  setting ``ctx.scope``: every leaf of the law gives the check its test gives with the scope
  of the place it is read set, and a test registered later still reads its scope.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import Phase, given, settings
from hypothesis import strategies as st
from tests.test_status_authorize import _csv_transfers
from tools import bench

import exportctl
from exportctl.core.jsonable import to_jsonable
from exportctl.core.results import make_check
from exportctl.corpus.exemptions import RequirementSpec
from exportctl.engine import requirements
from exportctl.engine.exemptions import _every_plan, decide_every, evaluate
from exportctl.engine.requirements import REQUIREMENT_TESTS, Context, Scope, decide_leaf
from exportctl.inputs.transfers import Transfer
from exportctl.testing import transfers

ROOT = Path(__file__).resolve().parents[1]
LAW = exportctl.law("2025-06-01")
FINAL = exportctl.law("2026-01-15")
LAWS = [LAW, FINAL]
_PHASES = (Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink)


def _examples(law: exportctl.Law) -> list[Transfer]:
    return list(_csv_transfers(ROOT / "examples" / "transfers.csv", law))


def _distinct(law: exportctl.Law, tmp_path: Path, n: int = 150) -> list[Transfer]:
    path = tmp_path / "transfers.csv"
    bench.write_csv(path, bench.header_of(bench.TRANSFERS), bench.distinct_transfers(n))
    return list(_csv_transfers(path, law))


# --- the first entry failing ------------------------------------------------------------------


def _first_failing(transfer: Transfer, law: exportctl.Law) -> int:
    """Every result ``decide_every`` makes is the full evaluation's; how many exemptions had a
    first entry that decided them alone."""
    ctx = Context(transfer, law)
    got = decide_every(transfer, law, ctx)
    listed = [(e, plan) for e, plan, _ in _every_plan(law)]
    assert [r.exemption for r in got] == [e.key for e, _ in listed]
    shortcut = 0
    for result, (exemption, plan) in zip(got, listed, strict=True):
        want = evaluate(exemption, transfer, law, Context(transfer, law))
        assert to_jsonable(result) == to_jsonable(want), (transfer.transfer_id, exemption.key)
        if plan is not None and plan.fails_first is not None:
            if ctx.decided[plan.fails_first[1]].status == "fail":
                shortcut += 1
    return shortcut


def test_only_exemptions_of_one_way_never_excluding_a_row_decide_by_their_first_entry() -> None:
    keys = {e.key for e, plan, _ in _every_plan(LAW) if plan and plan.fails_first is not None}
    assert {"125.4(b)(1)", "125.4(b)(13)", "125.4(c)"} <= keys
    # Several ways (§ 126.4), or a supplement row read past a failing entry (§ 126.5, § 126.7).
    assert not keys & {"126.4", "126.5", "126.7"}


@pytest.mark.parametrize("law", LAWS, ids=["2025-06-01", "2026-01-15"])
def test_the_examples_failing_first_are_the_full_evaluation(law: exportctl.Law) -> None:
    assert sum(_first_failing(t, law) for t in _examples(law)) > 0


def test_distinct_transfers_failing_first_are_the_full_evaluation(tmp_path: Path) -> None:
    assert sum(_first_failing(t, LAW) for t in _distinct(LAW, tmp_path)) > 100


@settings(max_examples=60, deadline=None, phases=_PHASES)
@given(st.sampled_from(LAWS).flatmap(lambda law: st.tuples(st.just(law), transfers(law))))
def test_generated_transfers_are_the_full_evaluation(pair: tuple[exportctl.Law, Transfer]) -> None:
    law, transfer = pair
    _first_failing(transfer, law)


# --- a leaf's test without the scope set --------------------------------------------------------


def _leaves(law: exportctl.Law) -> Iterator[tuple[RequirementSpec, Scope]]:
    """Every leaf the status plans read, with the place it is read in."""
    for _, plan, _ in _every_plan(law):
        if plan is None:
            continue
        for steps in plan.steps:
            for kind, what, _, _, _ in steps:
                if kind == 0:
                    yield what, plan.own
        for way in plan.blocks:
            for block in way:
                for (req, _), key in zip(block.requirements, block.leaf_keys, strict=True):
                    if key is not None:
                        yield req, block.scope


def _with_scope(req: RequirementSpec, transfer: Transfer, law: exportctl.Law, scope: Scope) -> Any:
    """The test of ``req`` run with ``ctx.scope`` set to where it is read (a fresh context)."""
    ctx = Context(transfer, law)
    ctx.scope = scope
    return REQUIREMENT_TESTS[req.test](req, transfer, law, ctx)


def _leaves_alike(transfers_: list[Transfer], law: exportctl.Law) -> None:
    leaves = list(_leaves(law))
    assert {req.test for req, _ in leaves} >= {"fact", "transfer_kind", "not_on_supplement"}
    for transfer in transfers_:
        ctx = Context(transfer, law)
        for req, scope in leaves:
            got = decide_leaf(req, transfer, law, ctx, scope)
            assert got == _with_scope(req, transfer, law, scope), (transfer.transfer_id, req.id)


def test_the_leaves_of_the_examples_are_their_tests_with_the_scope_set() -> None:
    _leaves_alike(_examples(LAW), LAW)


def test_the_leaves_of_distinct_transfers_are_their_tests_with_the_scope_set(
    tmp_path: Path,
) -> None:
    _leaves_alike(_distinct(LAW, tmp_path, 60), LAW)


def test_the_tests_run_without_the_scope_are_every_one_but_those_that_combine() -> None:
    unscoped = requirements._UNSCOPED
    assert REQUIREMENT_TESTS["any_of"] not in unscoped
    assert REQUIREMENT_TESTS["shared"] not in unscoped
    assert {REQUIREMENT_TESTS[n] for n in ("fact", "not_on_supplement", "parties")} <= unscoped


def test_a_test_registered_later_reads_the_scope_it_is_decided_in(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: list[Scope] = []

    def probe(req: RequirementSpec, t: Transfer, law: exportctl.Law, ctx: Context) -> Any:
        seen.append(ctx.scope)
        return make_check("pass")

    monkeypatch.setitem(REQUIREMENT_TESTS, "probe_scope", probe)
    transfer = _examples(LAW)[0]
    ctx = Context(transfer, LAW)
    scope = Scope("probe", {}, "group")
    decide_leaf(RequirementSpec("x", "probe_scope"), transfer, LAW, ctx, scope)
    assert seen == [scope]
    assert ctx.scope == Scope()
