"""A decided row's JSON line written from kept texts is the general writer's line (issue 13).

``cli/screen._RowText`` writes a screened row's JSON line from texts kept between rows: a
trace step's text before its facts (kept by its rule and outcome), its text after them (kept by
its detail), its facts encoded on their own with the JSON module's encoder (``json_pieces``),
and the row's own ids with the escapes of ``json_text`` looked for in place.  Here decisions
whose steps, facts, ids and warnings hypothesis makes (texts to escape, quotes, non-ASCII, bad
bytes, controls a terminal acts on) are written by one writer kept across every example (a text
kept by too little would be given to a step it is not the text of) and compared with the
general writer's line (``json_line`` of ``_decided_row``) and with the slow reference writer
(``json_text`` over the result's row and ``to_dict``).  Nothing here measures speed.
"""

from __future__ import annotations

from typing import Any

import attrs
from hypothesis import given, settings
from hypothesis import strategies as st
from tools import bench

import exportctl
from exportctl.cli import screen as screen_cli
from exportctl.cli.batch import _JSON, json_line, json_pieces
from exportctl.cli.output import json_text
from exportctl.engine import batch

LAW = exportctl.law("2025-06-01")


def _decisions() -> list[Any]:
    rows = [*bench.distinct_parts(120, seed=53), *bench.example_rows(bench.PARTS)]
    header = list(rows[0])
    decider = batch.CellsDecider(LAW, LAW.ruleset, trace=True)
    found = (decider(header, [row[c] for c in header]) for row in rows)
    return [f[0] for f in found if f is not None and f[0].trace]


DECISIONS = _decisions()
#: One writer for every example: what it keeps from one decision is met by the others.
WRITER = screen_cli._RowText()


def _reference(n: int, item: str, status: str, d: Any) -> str:
    """The slow reference: the result's flat row and the decision's record through the
    generic writer (json_text over to_jsonable)."""
    result = batch.ScreenResult(n, item, status, d)
    row = batch.result_row(result)
    row["decision"] = d.to_dict()
    return json_text(row) + "\n"


def _check(n: int, item: str, status: str, d: Any) -> None:
    line = WRITER._line(n, item, status, d)
    assert line == json_line(screen_cli._decided_row(n, item, status, d))
    assert line == _reference(n, item, status, d)


def test_generated_and_example_decisions_are_written_as_the_general_writer_writes_them() -> None:
    assert len(DECISIONS) > 100
    for n, d in enumerate(DECISIONS, 1):
        _check(n, d.item_id, batch.decision_status(d), d)
    # kept now: the same lines again, in another order
    for n, d in enumerate(reversed(DECISIONS), 3):
        _check(n, d.item_id, batch.decision_status(d), d)


#: Texts with every kind of escape: JSON's own (quote, backslash, controls), the ones json_text
#: adds (DEL, C1 controls, bidi marks, line separators, lone surrogates), non-ASCII, plain.
ODD = [
    "",
    "x",
    'q"',
    "b\\s",
    "l\nm",
    "\t",
    "\x7f",
    "\x85",
    "\u202e",
    "\u2028",
    "é",
    "§ 1",
    "\udcff",
    "\ud800",
    "漢字",
    "%s",
    "%%",
    "{}",
    ", ",
]
_TEXT = st.sampled_from(ODD) | st.text(max_size=6)
_FACT = (
    st.none()
    | st.booleans()
    | st.integers(-3, 3)
    | _TEXT
    | st.lists(_TEXT, max_size=3)
    | st.dictionaries(_TEXT, st.booleans() | _TEXT, max_size=2)
)
_FACTS = st.dictionaries(_TEXT, _FACT, max_size=4)


@st.composite
def _varied(draw: st.DrawFn) -> tuple[int, str, str, Any]:
    """A decision from the examples or generated rows with its steps' rules, outcomes,
    details and facts, its ids, its warnings and its status drawn (any of them kept as they
    were, so that kept texts are met again by a step that differs in one part only)."""
    d = draw(st.sampled_from(DECISIONS))
    steps = []
    for step in d.trace:
        changes = {}
        for field, values in (
            ("rule", _TEXT),
            ("outcome", _TEXT),
            ("detail", _TEXT),
            ("facts", _FACTS),
        ):
            if draw(st.booleans()):
                changes[field] = draw(values)
        steps.append(attrs.evolve(step, **changes))
    other = attrs.evolve(
        d,
        trace=tuple(steps),
        item_id=draw(st.sampled_from([d.item_id]) | _TEXT.filter(bool)),
        decision_id=draw(st.sampled_from([d.decision_id]) | _TEXT),
        warnings=draw(st.sampled_from([d.warnings]) | st.lists(_TEXT, max_size=2).map(tuple)),
    )
    item = draw(st.sampled_from([other.item_id]) | _TEXT)
    status = draw(st.sampled_from([batch.decision_status(d)]) | _TEXT)
    return draw(st.integers(1, 10**6)), item, status, other


@settings(max_examples=400, deadline=None)
@given(_varied())
def test_a_decision_with_any_step_or_id_varied_is_written_as_the_general_writer_writes_it(
    case: tuple[int, str, str, Any],
) -> None:
    _check(*case)


@settings(max_examples=300, deadline=None)
@given(_FACTS)
def test_json_pieces_joined_are_the_json_modules_text(facts: dict[str, Any]) -> None:
    assert "".join(json_pieces(facts, 0)) == _JSON(facts)
