"""``requirement_status`` reads a requirement that combines others by its status tree (its key,
its parts and their leaves' keys, worked out once per requirement and shared groups): the tree
holds what working it out again gives, and the status read by it is the status read with every
tree worked out afresh and what ``requirement_check`` gives (status, facts needed, rows
excluded), for every such requirement of the law on the examples, the bench's distinct
transfers and generated ones (issue 13; tests/test_fast_status.py compares the last too).
Never a speed assertion here.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import Phase, given, settings
from tests.test_fast_status import _read as _walk
from tests.test_status_authorize import _sourced_transfers

import exportctl
from exportctl.engine import requirements as rq
from exportctl.engine.exemptions import _every_plan
from exportctl.inputs.transfers import Transfer
from exportctl.testing import transfers

ROOT = Path(__file__).resolve().parents[1]
LAW = exportctl.law("2025-06-01")
_PHASES = (Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink)


def _within(req: Any, scope: rq.Scope) -> Iterator[Any]:
    """``req`` and every requirement within it (test_fast_status's walk, scopes left out)."""
    return (r for r, _ in _walk(req, scope))


def _composites() -> list[tuple[Any, rq.Scope]]:
    """Every requirement that combines others with the place the status pass reads it."""
    found: dict[tuple[int, int], tuple[Any, rq.Scope]] = {}
    for _, plan, _ in _every_plan(LAW):
        if plan is None:
            continue
        tops = [(r, plan.own) for r in plan.refs[2].requirements]
        tops += [(r, b.scope) for way in plan.blocks for b in way for r, _ in b.requirements]
        for top, scope in tops:
            for req in _within(top, scope):
                if req.test in ("any_of", "shared"):
                    found[(id(req), id(scope.shared))] = (req, scope)
    return list(found.values())


COMPOSITES = _composites()


def _summary(check: Any) -> tuple[Any, ...]:
    return (check.status, check.missing if check.status == "unknown" else (), check.excluded)


def _compare(transfer: Transfer, monkeypatch: pytest.MonkeyPatch) -> None:
    kept, full = rq.Context(transfer, LAW), rq.Context(transfer, LAW)
    kept_found = [rq.requirement_status(r, transfer, LAW, kept, s) for r, s in COMPOSITES]
    with monkeypatch.context() as m:
        m.setattr(rq, "_STATUS_TREES", {})
        afresh = rq.Context(transfer, LAW)
        fresh_found = [rq.requirement_status(r, transfer, LAW, afresh, s) for r, s in COMPOSITES]
    for (req, scope), got, fresh in zip(COMPOSITES, kept_found, fresh_found, strict=True):
        want = rq.requirement_check(req, transfer, LAW, full, scope)
        assert got == fresh, req.id
        assert _summary(got) == _summary(want), req.id




def test_a_tree_holds_what_working_it_out_gives() -> None:
    assert {req.test for req, _ in COMPOSITES} == {"any_of", "shared"}
    for req, scope in COMPOSITES:
        tree = rq._status_tree(req, scope)
        assert tree is rq._status_tree(req, scope)
        assert tree.key == rq._combined_key(req, scope, " status")
        if req.test == "shared":
            wanted = [scope.shared[req["ref"]]]
            assert tree.parts is not None and tree.branches == ()
            got = [tree.parts]
        else:
            wanted = [b.requirements for b in req.branches]
            got = list(tree.branches)
        assert [[r for r, _ in parts] for parts in got] == [list(w) for w in wanted]
        for parts in got:
            for r, key in parts:
                assert key == (None if r.test in ("any_of", "shared") else rq.content_key(r))


@pytest.mark.parametrize("source", ["examples", "distinct"])
def test_real_transfers_read_alike(
    source: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for transfer in _sourced_transfers(source, tmp_path, 200, LAW):
        _compare(transfer, monkeypatch)


@settings(max_examples=80, deadline=None, phases=_PHASES)
@given(transfers(LAW))
def test_generated_transfers_read_alike(transfer: Transfer) -> None:
    with pytest.MonkeyPatch.context() as m:
        _compare(transfer, m)
