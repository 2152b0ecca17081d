"""``decide_every`` (every exemption of a law with its status plan and whether § 126.1 lets it
be used, looked up once per law) decides what deciding each exemption of ``law.exemptions``
one by one decides — :func:`evaluate_status` or :func:`evaluate`, every exemption or those
:func:`usable_despite_126_1` lets be used — for the example transfers, the bench's distinct
transfers and generated ones, under several laws (guidelines applied, exemptions restricted,
two dates) (issue 13).  Never a speed assertion here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import Phase, given, settings
from hypothesis import strategies as st
from tests.test_status_authorize import _csv_transfers
from tools import bench

import exportctl
from exportctl.core.jsonable import to_jsonable
from exportctl.corpus.guidelines import apply_guidelines, load_guidelines
from exportctl.engine.exemptions import (
    _every_plan,
    _question,
    decide_every,
    evaluate,
    evaluate_status,
    restricted,
    usable_despite_126_1,
)
from exportctl.engine.requirements import Context
from exportctl.inputs.transfers import Transfer
from exportctl.testing import transfers

ROOT = Path(__file__).resolve().parents[1]
LAW = exportctl.law("2025-06-01")
FINAL = exportctl.law("2026-01-15")
GUIDED = apply_guidelines(
    LAW, load_guidelines(ROOT / "examples" / "guidelines" / "dod-component-example.toml", LAW)
)
ONLY = restricted(LAW, ["126.4", "126.7", "125.4(b)(13)"])
LAWS = [LAW, FINAL, GUIDED, ONLY]
IDS = ["2025-06-01", "2026-01-15", "guided", "restricted"]
_PHASES = (Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink)


def _one_by_one(transfer: Transfer, law: exportctl.Law, rows: bool, despite: bool) -> list[Any]:
    decide = evaluate if rows else evaluate_status
    ctx = Context(transfer, law)
    return [
        to_jsonable(decide(e, transfer, law, ctx))
        for e in law.exemptions
        if not despite or usable_despite_126_1(e, law)
    ]


def _compare(transfer: Transfer, law: exportctl.Law) -> None:
    for rows in (False, True):
        for despite in (False, True):
            decide = evaluate if rows else evaluate_status
            ctx = Context(transfer, law)
            got = decide_every(transfer, law, ctx, decide, despite_126_1=despite)
            if not rows:
                again = decide_every(transfer, law, Context(transfer, law), despite_126_1=despite)
                assert [to_jsonable(r) for r in again] == [to_jsonable(r) for r in got]
            assert [to_jsonable(r) for r in got] == _one_by_one(transfer, law, rows, despite), (
                transfer.transfer_id,
                rows,
                despite,
            )




def test_some_exemptions_are_usable_despite_126_1_and_some_not() -> None:
    usable = {e.key: usable_despite_126_1(e, LAW) for e in LAW.exemptions}
    assert any(usable.values()) and not all(usable.values())


@pytest.mark.parametrize("law", LAWS, ids=IDS)
def test_the_examples_decide_alike(law: exportctl.Law) -> None:
    for transfer in _csv_transfers(ROOT / "examples" / "transfers.csv", law):
        _compare(transfer, law)


@pytest.mark.parametrize("law", [LAW, ONLY], ids=["2025-06-01", "restricted"])
def test_distinct_transfers_decide_alike(law: exportctl.Law, tmp_path: Path) -> None:
    path = tmp_path / "transfers.csv"
    bench.write_csv(path, bench.header_of(bench.TRANSFERS), bench.distinct_transfers(150))
    for transfer in _csv_transfers(path, law):
        _compare(transfer, law)


@settings(max_examples=60, deadline=None, phases=_PHASES)
@given(st.sampled_from(LAWS).flatmap(lambda law: st.tuples(st.just(law), transfers(law))))
def test_generated_transfers_decide_alike(pair: tuple[exportctl.Law, Transfer]) -> None:
    law, transfer = pair
    _compare(transfer, law)


def _plans(law: exportctl.Law) -> list[Any]:
    return [plan for _, plan, _ in _every_plan(law) if plan is not None]


FACTS = sorted({*LAW.facts.questions, "activity", "to_country", "parties", "not_a_fact"})


@settings(max_examples=80, deadline=None, phases=_PHASES)
@given(st.sampled_from(LAWS), st.lists(st.sampled_from(FACTS), unique=True, max_size=5))
def test_a_plans_questions_are_the_questions_worked_out(
    law: exportctl.Law, missing: list[str]
) -> None:
    """The questions a plan keeps by the facts needed are those worked out fact by fact."""
    for plan in _plans(law):
        got = plan.questions(tuple(missing), law)
        assert got == tuple(_question(f, law) for f in missing)
        assert got == plan.questions(tuple(missing), law)


@pytest.mark.parametrize("law", [LAW, FINAL, ONLY], ids=["2025-06-01", "2026-01-15", "restricted"])
def test_a_blocks_summary_is_kept_under_its_key(law: exportctl.Law) -> None:
    """What the status pass reads of ``ctx.carried`` by a block's key is the block's summary."""
    blocks = {id(b): b for plan in _plans(law) for way in plan.blocks for b in way}
    assert blocks
    for transfer in _csv_transfers(ROOT / "examples" / "transfers.csv", law):
        ctx = Context(transfer, law)
        for block in blocks.values():
            check = block.summary(transfer, law, ctx)
            if block.absent is None:
                assert ctx.carried[block.summary_key] is check
            else:
                assert block.summary_key is None
