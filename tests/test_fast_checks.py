"""``make_check`` (a :class:`~exportctl.core.results.Check` with its slots filled without attrs'
frozen ``__init__``: the requirement tests make tens per transfer) gives the object
``Check(...)`` gives: the same type, fields, equality, repr, pickling, ``attrs`` views and
frozenness, for the checks the engine makes of real transfers (the examples, the bench's
distinct transfers) and for generated values (issue 13).  Never a speed assertion here.
"""

from __future__ import annotations

import pickle
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.test_status_authorize import _sourced_transfers

import exportctl
from exportctl.core import results
from exportctl.core.results import Check, make_check
from exportctl.engine import requirements
from exportctl.engine.exemptions import evaluate, evaluate_status
from exportctl.engine.requirements import ConditionResult, Context
from exportctl.inputs.transfers import Transfer

ROOT = Path(__file__).resolve().parents[1]
LAW = exportctl.law("2025-06-01")




def _checks(transfers: list[Transfer]) -> list[Check]:
    """Every check the engine keeps while deciding every exemption of each transfer, by the
    status pass and in full."""
    found: list[Check] = []
    for transfer in transfers:
        ctx = Context(transfer, LAW)
        for exemption in LAW.exemptions:
            evaluate_status(exemption, transfer, LAW, ctx)
            evaluate(exemption, transfer, LAW, ctx)
        found.extend(c for c in ctx.decided.values() if isinstance(c, Check))
    return found


def _fields(check: Check) -> tuple[Any, ...]:
    return (check.status, check.detail, check.facts, check.missing, check.excluded)


def _assert_same(check: Check) -> None:
    for maker in (make_check, results._filled, Check):
        _assert_made_alike(maker, Check, _fields(check))


def _assert_made_alike(maker: Any, cls: type, fields: tuple[Any, ...]) -> None:
    made, want = maker(*fields), cls(*fields)
    assert type(made) is cls
    assert attrs.astuple(made, recurse=False) == attrs.astuple(want, recurse=False) == fields
    assert made == want and not (made != want)
    assert repr(made) == repr(want)
    assert attrs.asdict(made) == attrs.asdict(want)
    assert pickle.loads(pickle.dumps(made)) == want
    assert attrs.evolve(made, detail="x") == attrs.evolve(want, detail="x")
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        made.status = "fail"  # type: ignore[misc]
    # A dict of facts makes both unhashable alike.
    with pytest.raises(TypeError):
        hash(made)


def test_the_fast_path_is_the_one_used() -> None:
    assert results.make_check is results._filled  # the plain class's layout is the check's
    assert tuple(f.name for f in attrs.fields(Check)) == results._CHECK_FIELDS


@pytest.mark.parametrize("source", ["examples", "distinct"])
def test_real_checks_are_made_alike(source: str, tmp_path: Path) -> None:
    checks = _checks(_sourced_transfers(source, tmp_path, 150, LAW))
    # Every status is met, with facts needed and supplement rows excluded somewhere.
    assert {c.status for c in checks} == {"pass", "fail", "unknown"}
    assert any(c.missing for c in checks)
    if source == "distinct":
        assert any(c.excluded for c in checks)
    for check in checks:
        _assert_same(check)


def test_the_defaults_are_the_fields_defaults() -> None:
    made, want = make_check("pass"), Check("pass")
    assert _fields(made) == _fields(want) == ("pass", "", {}, (), ())
    # A new dict of facts each time, as the field's factory makes.
    assert made.facts is not make_check("pass").facts
    assert make_check("fail", excluded=("x",)) == Check("fail", excluded=("x",))


TEXT = st.text(max_size=8)


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(["pass", "fail", "unknown"]),
    TEXT,
    st.dictionaries(TEXT, st.one_of(st.none(), st.booleans(), st.integers(), TEXT), max_size=4),
    st.lists(TEXT, max_size=3).map(tuple),
    st.lists(TEXT, max_size=3).map(tuple),
)
def test_generated_checks_are_made_alike(
    status: Any, detail: str, facts: dict[str, Any], missing: Any, excluded: Any
) -> None:
    _assert_same(Check(status, detail, facts, missing, excluded))


@pytest.mark.parametrize("source", ["examples", "distinct"])
def test_real_checklist_rows_are_made_alike(source: str, tmp_path: Path) -> None:
    """A checklist row (``ConditionResult``) written by the plain class of its layout (the JSON
    lines record writes about 200 a transfer) is the row attrs' ``__init__`` makes."""
    assert requirements._condition_row is requirements._filled_row  # the fast path is used
    rows = [
        row
        for transfer in _sourced_transfers(source, tmp_path, 40, LAW)
        for exemption in LAW.exemptions
        for row in evaluate(exemption, transfer, LAW, Context(transfer, LAW)).conditions
    ]
    assert {r.status for r in rows} >= {"pass", "fail", "unknown"} and any(r.group for r in rows)
    for row in rows:
        fields = attrs.astuple(row, recurse=False)
        _assert_made_alike(requirements._filled_row, ConditionResult, fields)
