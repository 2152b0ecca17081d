"""``authorize``'s status-only pass (issue 13) gives what deciding every exemption in full gives
(never a speed assertion here).

:func:`exportctl.engine.exemptions.evaluate_status` decides each exemption from its plan's
compiled entries, reading each way only for its status, the facts its open entries need and the
supplement rows they exclude, and stops a way at its first failing entry; the rows are written
when read, by :func:`~exportctl.engine.exemptions.evaluate`.  These tests compare it with
:func:`~exportctl.engine.exemptions.evaluate` field by field — the summary a CSV line reads
before any row is written, then the whole record — on the examples, on the benchmark's distinct
transfers and on generated ones, and compare the authorizations ``authorize`` gives with those
the full evaluation gives.
"""

from __future__ import annotations

import csv
import itertools
from pathlib import Path
from typing import Any

import pytest
from hypothesis import Phase, given, settings
from hypothesis import strategies as st
from tests.itar.dod_cases import KEYS_125_4, example
from tools import bench

import exportctl
from exportctl.core.facts import ContradictoryFacts, FactError
from exportctl.core.jsonable import to_jsonable
from exportctl.corpus.guidelines import apply_guidelines, load_guidelines
from exportctl.engine import authorize as authorize_module
from exportctl.engine.exemptions import ExemptionResult, evaluate, evaluate_status
from exportctl.engine.requirements import Context
from exportctl.inputs.transfers import Transfer, transfer_from_csv_row, transfer_from_mapping
from exportctl.testing import transfers

ROOT = Path(__file__).resolve().parents[1]
LAW = exportctl.law("2025-11-01")
FINAL = exportctl.law("2026-01-15")
EARLY = exportctl.law("2024-06-01")
GUIDED = apply_guidelines(
    LAW, load_guidelines(ROOT / "examples" / "guidelines" / "dod-component-example.toml", LAW)
)
_PHASES = (Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink)
SOME = settings(max_examples=150, deadline=None, phases=_PHASES)


def _summary(result: ExemptionResult) -> tuple[Any, ...]:
    """What a CSV line and the outcome read of an exemption's result (no row)."""
    return (
        result.exemption,
        result.citation,
        result.version,
        result.status,
        result.excluded_rows,
        result.open_questions,
        result.note,
        result.branch,
        result.branches,
        result.marking,
        result.obligations,
        result.carried,
        result.guidelines,
    )


def _written(result: ExemptionResult) -> bool:
    return ExemptionResult.__dict__["fill"].__get__(result, ExemptionResult) is None


def _compare(transfer: Transfer, law: exportctl.Law) -> None:
    """Every exemption by the status pass (one context, as ``authorize`` decides them) against
    the full evaluation (a context of its own): the summary first, before any row is written,
    then the whole record."""
    ctx = Context(transfer, law)
    fast = [evaluate_status(e, transfer, law, ctx) for e in law.exemptions]
    full = [evaluate(e, transfer, law, Context(transfer, law)) for e in law.exemptions]
    for got, want in zip(fast, full, strict=True):
        assert _summary(got) == _summary(want), (transfer.transfer_id, want.exemption)
    assert [to_jsonable(r) for r in fast] == [to_jsonable(r) for r in full]


def _csv_transfers(path: Path, law: exportctl.Law) -> list[Transfer]:
    found = []
    with open(path, newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            try:
                found.append(transfer_from_csv_row(row, law))
            except (FactError, ContradictoryFacts):
                continue
    return found


def _sourced_transfers(
    source: str, tmp_path: Path, n: int, law: exportctl.Law
) -> list[Transfer]:
    """The example transfers (``source`` "examples"), or ``n`` of the benchmark's distinct
    transfers written to ``tmp_path`` ("distinct"), read under ``law`` (rows in error left out)."""
    if source == "examples":
        path = ROOT / "examples" / "transfers.csv"
    else:
        path = tmp_path / "transfers.csv"
        bench.write_csv(path, bench.header_of(bench.TRANSFERS), bench.distinct_transfers(n))
    return _csv_transfers(path, law)


@pytest.mark.parametrize(
    "law", [LAW, FINAL, EARLY, GUIDED], ids=["2025-11-01", "2026-01-15", "2024-06-01", "guided"]
)
def test_the_examples_decide_as_in_full(law: exportctl.Law) -> None:
    for transfer in _csv_transfers(ROOT / "examples" / "transfers.csv", law):
        _compare(transfer, law)


@pytest.mark.parametrize("as_of", ["2025-06-01", "2026-08-01"])
def test_distinct_transfers_decide_as_in_full(as_of: str, tmp_path: Path) -> None:
    """The benchmark's distinct transfers (every exemption's ways, failing at different
    entries): 300 of them under both editions."""
    path = tmp_path / "transfers.csv"
    bench.write_csv(path, bench.header_of(bench.TRANSFERS), bench.distinct_transfers(300))
    law = exportctl.law(as_of)
    found = _csv_transfers(path, law)
    assert len(found) > 250
    statuses = set()
    for transfer in found:
        _compare(transfer, law)
        statuses.update(
            (e.exemption, e.status) for e in exportctl.authorize(transfer, law).exemptions
        )
    # Every status the exemptions can have is met (the comparison reaches each branch).
    assert {s for _, s in statuses} >= {"eligible", "not_eligible", "undetermined"}
    assert {("126.7", "eligible"), ("126.7", "not_eligible"), ("126.4", "undetermined")} <= statuses
    assert {("125.4(b)(1)", "not_eligible"), ("125.4(b)(1)", "undetermined")} <= statuses


@pytest.mark.parametrize("key", [*KEYS_125_4, "126.4"])
def test_eligible_cases_and_each_fact_forgotten_decide_as_in_full(key: str) -> None:
    """The eligible example of each § 125.4 paragraph and of § 126.4(a)(1) (tests/itar), then
    the same with each answer and each party's flag forgotten in turn (a way left open at one
    entry, the others read on), under the law and under the guidelines."""
    base = example(key)
    variants = [base]
    for fact in base["answers"]:
        variants.append(
            {**base, "answers": {k: v for k, v in base["answers"].items() if k != fact}}
        )
    for n, party in enumerate(base["parties"]):
        for flag in ("ddtc_registered", "not_debarred", "eligible_120_16", "kind"):
            if flag in party:
                parties = list(base["parties"])
                parties[n] = {k: v for k, v in party.items() if k != flag}
                variants.append({**base, "parties": parties})
    statuses = set()
    for law in (LAW, GUIDED):
        for raw in variants:
            transfer = transfer_from_mapping(raw, law)
            _compare(transfer, law)
            statuses.add(
                evaluate(law.exemptions.find(key)[0], transfer, law, Context(transfer, law)).status
            )
    assert {"eligible", "undetermined"} <= statuses


@SOME
@given(
    st.sampled_from([LAW, FINAL, GUIDED]).flatmap(
        lambda law: st.tuples(st.just(law), transfers(law))
    )
)
def test_generated_transfers_decide_as_in_full(pair: tuple[exportctl.Law, Transfer]) -> None:
    law, transfer = pair
    try:
        exportctl.authorize(transfer, law)
    except (FactError, ContradictoryFacts):
        return
    _compare(transfer, law)


def _slow_authorize(transfer: Transfer, law: exportctl.Law, monkeypatch: Any) -> Any:
    with monkeypatch.context() as m:
        m.setattr(authorize_module, "evaluate_status", evaluate)
        return exportctl.authorize(transfer, law)


@pytest.mark.parametrize("law", [LAW, FINAL], ids=["2025-11-01", "2026-01-15"])
def test_authorizations_are_those_of_the_full_evaluation(
    law: exportctl.Law, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The outcome, the exemption, the questions and the record of ``authorize`` (§ 126.1
    first, then every exemption; or the exemptions § 126.1(a) lets be used) are those of the
    full evaluation, on the examples and on distinct transfers."""
    path = tmp_path / "transfers.csv"
    bench.write_csv(path, bench.header_of(bench.TRANSFERS), bench.distinct_transfers(120))
    outcomes = set()
    for transfer in itertools.chain(
        _csv_transfers(ROOT / "examples" / "transfers.csv", law), _csv_transfers(path, law)
    ):
        fast = exportctl.authorize(transfer, law)
        slow = _slow_authorize(transfer, law, monkeypatch)
        assert (fast.outcome, fast.exemption, fast.open_questions, fast.eligible) == (
            slow.outcome,
            slow.exemption,
            slow.open_questions,
            slow.eligible,
        )
        assert fast.to_dict() == slow.to_dict()
        # What the JSON lines writer asks for (every exemption decided in full at once).
        eager = authorize_module.authorize_checked(transfer, law, rows=True)
        assert eager == fast and eager.to_dict() == slow.to_dict()
        outcomes.add(fast.outcome)
    assert outcomes == {"exempt", "license_required", "prohibited", "undetermined"}


def test_the_summary_is_read_without_writing_rows() -> None:
    """A CSV line reads the status, the excluded rows and the questions: no row is written for
    them; the rows are written when read, and are the full evaluation's."""
    transfer = _csv_transfers(ROOT / "examples" / "transfers.csv", LAW)[0]
    ctx = Context(transfer, LAW)
    fast = [evaluate_status(e, transfer, LAW, ctx) for e in LAW.exemptions]
    assert [r.status for r in fast] and not any(_written(r) for r in fast if r.fill is not None)
    assert any(r.fill is not None for r in fast)
    full = [evaluate(e, transfer, LAW, Context(transfer, LAW)) for e in LAW.exemptions]
    for got, want in zip(fast, full, strict=True):
        assert got.conditions == want.conditions and got.requirements == want.requirements
        assert _written(got)
