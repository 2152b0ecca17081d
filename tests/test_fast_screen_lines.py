"""A decided row's CSV line written from texts kept by outcome is the generic writer's line.

``cli/screen._ScreenLines`` writes the CSV line of a decided row from two texts kept between
rows: its first cells (status, jurisdiction, classification, SME, MT, reasons for control),
kept by the decision's jurisdiction and its classification's fields, and its last cells (open
questions, rules fired, the empty error cells), kept by the questions' ids and the rules.  Rows
of distinct facts share these outcomes, so the texts are kept whatever the rows' facts; what
they are kept by must be everything they are made of.  Here every line is compared with the
generic writer's (``result_row`` through ``CsvWriter`` and ``csv_cell``, the stamp's cells
after it), with one writer kept across all the decisions (a text kept by too little would be
given to a decision it is not the text of): on the example parts list, generated distinct and
repeated rows, and decisions whose every field is varied, with texts to quote or neutralise.
Nothing here measures speed.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import attrs
from hypothesis import given, settings
from hypothesis import strategies as st
from tools import bench

import exportctl
from exportctl.cli import screen as screen_cli
from exportctl.cli.batch import LineMaker, batch_layout, minimal_csv_text
from exportctl.cli.output import CsvWriter, csv_cell
from exportctl.engine import batch

LAW = exportctl.law("2025-06-01")
STAMP = dict(batch.record_stamp(LAW))


def _reference(n: int, d: Any) -> str:
    """The generic writer's line of the row's result, with the stamp's cells."""
    result = batch.ScreenResult(n, d.item_id, batch.decision_status(d), d)
    row = batch.result_row(result)
    row.update(STAMP)
    out = io.StringIO()
    CsvWriter(out).writerow([csv_cell(row.get(c)) for c in [*batch.RESULT_COLUMNS, *STAMP]])
    return out.getvalue()


def _rows() -> Iterator[dict[str, str]]:
    yield from bench.distinct_parts(400, seed=41)
    examples = list(bench.example_rows(bench.PARTS))
    yield from examples
    yield from bench.repeated(examples, 2 * len(examples), "item_id")


def _decisions() -> list[tuple[Any, str]]:
    rows = list(_rows())
    header = list(rows[0])
    decider = batch.CellsDecider(LAW, LAW.ruleset, trace=False)
    found = [decider(header, [row[c] for c in header]) for row in rows]
    return [f for f in found if f is not None]


DECISIONS = _decisions()
#: One line writer for every test here: what it keeps from one decision is met by the others.
MAKER = LineMaker(batch_layout("items", LAW), "csv")


def _check(n: int, d: Any, facts_key: str = "") -> None:
    made = MAKER.decided(n, d, facts_key)
    reference = _reference(n, d)
    if made is None:
        # left to the generic path: only a line the writer quotes whole (a carriage return)
        assert reference.startswith('"')
        return
    line, tally = made
    assert line == reference
    assert type(tally) is batch.Tally
    assert tally == batch.tally(batch.ScreenResult(n, d.item_id, batch.decision_status(d), d))


def test_decided_rows_csv_lines_are_the_generic_writers() -> None:
    assert len(DECISIONS) > 400
    for n, (d, facts_key) in enumerate(DECISIONS, 1):
        _check(n, d, facts_key)
    # the same decisions again (their texts kept now), in another order
    for n, (d, facts_key) in enumerate(reversed(DECISIONS), 7):
        _check(n, d, facts_key)
    screen_lines = MAKER.layout.decided_of.__self__  # type: ignore[union-attr]
    # the texts are kept by outcome: fewer than the decisions
    assert 0 < len(screen_lines._heads) < len(DECISIONS)
    assert 0 < len(screen_lines._rests) < len(DECISIONS) // 2


#: Texts that a CSV writer quotes (comma, quote, line ends), that csv_cell neutralises
#: (formulas) or escapes (bad bytes), and plain ones.
ODD = ["", "x", "a,b", 'q"', "l\nm", "c\rr", "=1+2", " -3", "@x", "+", "é", "\udcff", "\t1", "yes"]
_TEXT = st.sampled_from(ODD) | st.text(max_size=5)


def _vary(d: Any, field: str, value: Any) -> Any:
    """``d`` with one field of the decision, or of its classification, replaced."""
    c = d.classification
    if field in {f.name for f in attrs.fields(type(d))}:
        return attrs.evolve(d, **{field: value})
    if c is None:
        c = _any_classification()
    return attrs.evolve(d, classification=attrs.evolve(c, **{field: value}))


def _any_classification_decision() -> Any:
    return next(d for d, _ in DECISIONS if d.classification is not None)


def _any_classification() -> Any:
    return _any_classification_decision().classification


def _question(qid: str) -> Any:
    q = next(q for e, _ in DECISIONS for q in e.open_questions)
    return attrs.evolve(q, id=qid)


_FIELDS = st.sampled_from(
    [
        ("jurisdiction", st.sampled_from(["ITAR", "EAR", "not_subject", "undetermined"])),
        ("classification", st.none()),
        ("regime", st.sampled_from(["USML", "CCL", "EAR99"])),
        ("reference", _TEXT),
        ("citation", _TEXT),
        ("significant_military_equipment", st.booleans()),
        ("mt", st.none() | st.sampled_from(["yes", "if: x"]) | _TEXT),
        ("reasons_for_control", st.lists(_TEXT, max_size=3).map(tuple)),
        ("also_described_in", st.lists(_TEXT, max_size=2).map(tuple)),
        ("rules_fired", st.lists(_TEXT, max_size=3).map(tuple)),
        ("open_questions", st.lists(_TEXT, max_size=2)),
        ("item_id", _TEXT.filter(bool)),
        ("warnings", st.lists(_TEXT, max_size=2).map(tuple)),
        ("decision_id", st.sampled_from(["0" * 64, "f" * 64])),
    ]
)


@settings(max_examples=400, deadline=None)
@given(st.data())
def test_a_decision_with_any_field_varied_is_written_as_the_generic_writer_writes_it(
    data: st.DataObject,
) -> None:
    """Each field the line is made of, and some it is not, varied one after another on one
    decision: a text kept by too little (a field left out of what it is kept by) would be
    given to the varied decision, whose own line differs."""
    n = data.draw(st.integers(1, len(DECISIONS)))
    d = DECISIONS[n - 1][0]
    _check(n, d)  # its texts kept
    for _ in range(data.draw(st.integers(1, 4))):
        field, values = data.draw(_FIELDS)
        value = data.draw(values)
        if field == "open_questions":
            value = tuple(_question(qid) for qid in value)
        d = _vary(d, field, value)
        _check(n, d)


def test_each_field_of_a_decisions_line_changes_its_line() -> None:
    """Varying a field the line reads gives another line (so the comparisons above can fail
    when a text is kept by too little), and the writer gives each its own line."""
    d = _vary(_any_classification_decision(), "open_questions", (_question("q-1"),))
    c = d.classification
    assert c is not None and c.reference
    _check(1, d)
    varied = [
        _vary(d, "jurisdiction", "EAR" if d.jurisdiction != "EAR" else "ITAR"),
        _vary(d, "classification", None),
        _vary(d, "regime", "USML" if c.regime != "USML" else "CCL"),
        _vary(d, "reference", c.reference + "x"),
        _vary(d, "significant_military_equipment", not c.significant_military_equipment),
        _vary(d, "mt", "yes" if c.mt != "yes" else None),
        _vary(d, "reasons_for_control", (*c.reasons_for_control, "NS 9")),
        _vary(d, "rules_fired", (*d.rules_fired, "22 CFR 120.11(a)")),
        _vary(d, "open_questions", (_question("other-question"),)),
    ]
    for other in varied:
        assert _reference(1, other) != _reference(1, d)
        _check(1, other)


@settings(max_examples=300, deadline=None)
@given(st.lists(_TEXT | st.integers(-5, 5), min_size=1, max_size=5))
def test_minimal_csv_text_is_the_writers_text_of_those_cells(cells: list[Any]) -> None:
    """In a line of cells written as they are, the cells' own text (each cell written on its
    own), or None when the writer quotes the whole line (a carriage return)."""
    text = minimal_csv_text(cells)
    out = io.StringIO()
    CsvWriter(out).writerow(["1", *cells, "z"])
    if text is None:
        assert out.getvalue().startswith('"1"')
    else:
        assert out.getvalue() == f"1,{text},z\n"


def test_screen_lines_are_kept_within_their_bound() -> None:
    lines = screen_cli._ScreenLines()
    lines.KEPT = 5
    for n, (d, facts_key) in enumerate(DECISIONS[:60], 1):
        lines.decided(n, d, facts_key, "csv", "\n")
        assert len(lines._heads) <= 5 and len(lines._rests) <= 5

