"""A classification's JSON texts in a screened row's line are the json module's (issue 13).

``cli/screen._classification_texts`` writes a decided row's classification (its four fields in
the flat row, and the classification's record in the decision) from each value's own JSON text
(a text, None and a boolean directly, anything else by the encoder) instead of encoding the two
dicts.  Here the texts of the classifications of example and generated rows, and of
classifications whose fields hypothesis draws (texts to escape, non-ASCII, bad bytes, values of
other types: numbers, tuples, a ``str`` subclass; hashable, as the writer's keys need), are
compared with the slow reference writer (``json_text`` over the result's row and ``to_dict``),
and whole lines with the general writer's.  Nothing here measures speed.
"""

from __future__ import annotations

from typing import Any

import attrs
from hypothesis import given, settings
from hypothesis import strategies as st
from tools import bench

import exportctl
from exportctl.cli import screen as screen_cli
from exportctl.cli.batch import json_line
from exportctl.cli.output import json_text
from exportctl.engine import batch
from exportctl.engine.decision import Classification

LAW = exportctl.law("2025-06-01")

#: The flat row's fields made of the classification, in the order the row has them.
ROW_FIELDS = ("classification", "sme", "mt", "reasons_for_control")


def _decisions() -> list[Any]:
    rows = [*bench.distinct_parts(150, seed=71), *bench.example_rows(bench.PARTS)]
    header = list(rows[0])
    decider = batch.CellsDecider(LAW, LAW.ruleset, trace=True)
    found = (decider(header, [row[c] for c in header]) for row in rows)
    return [f[0] for f in found if f is not None]


DECISIONS = _decisions()
CLASSIFIED = [d for d in DECISIONS if d.classification is not None]
#: One writer for every example: what it keeps from one classification is met by the others.
WRITER = screen_cli._RowText()


def _reference_texts(d: Any) -> tuple[str, str]:
    """The slow reference: the classification's fields of the result's flat row and its
    record in the decision's ``to_dict``, through ``json_text``."""
    row = batch.result_row(batch.ScreenResult(1, d.item_id, batch.decision_status(d), d))
    flat = json_text({k: row[k] for k in ROW_FIELDS})
    return flat[1:-1], json_text(d.to_dict()["classification"])


def _check(d: Any, n: int = 7) -> None:
    assert screen_cli._classification_texts(d.classification) == _reference_texts(d)
    # and in the whole line, through the writer that keeps the texts
    status = batch.decision_status(d)
    line = WRITER._line(n, d.item_id, status, d)
    assert line == json_line(screen_cli._decided_row(n, d.item_id, status, d))
    result = batch.ScreenResult(n, d.item_id, status, d)
    row = batch.result_row(result)
    row["decision"] = d.to_dict()
    assert line == json_text(row) + "\n"


def test_example_and_generated_classifications_are_the_json_modules_texts() -> None:
    assert len(CLASSIFIED) > 50
    regimes = {d.classification.regime for d in CLASSIFIED}
    assert {"USML", "CCL"} <= regimes
    assert any(d.classification.reasons_for_control for d in CLASSIFIED)
    for d in CLASSIFIED:
        _check(d)
    for n, d in enumerate(reversed(CLASSIFIED), 11):  # kept now: the same texts again
        _check(d, n)


class _Text(str):
    """A ``str`` subclass (the encoder writes it as a text; it is not taken for a plain str)."""


ODD = ["", "x", 'q"', "b\\s", "l\nm", "\x7f", "\x85", "\u202e", "é", "§ 1", "\udcff", "漢字"]
_TEXT = st.sampled_from(ODD) | st.text(max_size=5)
#: Values whose equality is their JSON text's (the writer keeps a classification's texts by
#: its fields' values: 1 == True would find the text of another; the engine's fields are texts,
#: booleans and tuples of texts).
_VALUE = (
    _TEXT | st.none() | st.booleans() | _TEXT.map(_Text) | st.lists(_TEXT, max_size=2).map(tuple)
)
#: Any value the encoder writes (numbers too): compared without a writer that keeps texts.
_ANY = _VALUE | st.integers(-3, 3) | st.floats(allow_nan=False, width=16)


def _classified(draw: st.DrawFn, value: Any) -> Any:
    """A decision from the examples or generated rows whose classification's fields are
    drawn from ``value`` (any of them kept as it was; a decision without one gets one)."""
    d = draw(st.sampled_from(DECISIONS))
    base = d.classification or Classification("CCL", "0A999.a", "15 CFR 774")
    several = st.lists(value, max_size=3).map(tuple)
    changes: dict[str, Any] = {}
    for field, values in (
        ("regime", st.sampled_from(["USML", "CCL", "EAR99"]) | value),
        ("reference", value),
        ("citation", value),
        ("significant_military_equipment", st.booleans() | value),
        ("mt", st.sampled_from([None, "yes", "conditional"]) | value),
        ("reasons_for_control", several),
        ("also_described_in", several),
    ):
        if draw(st.booleans()):
            changes[field] = draw(values)
    return attrs.evolve(d, classification=attrs.evolve(base, **changes))


@settings(max_examples=400, deadline=None)
@given(st.data())
def test_a_classification_with_any_field_varied_is_written_as_the_json_module_writes_it(
    data: st.DataObject,
) -> None:
    _check(_classified(data.draw, _VALUE))


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_a_classification_with_numbers_is_written_as_the_json_module_writes_it(
    data: st.DataObject,
) -> None:
    d = _classified(data.draw, _ANY)
    assert screen_cli._classification_texts(d.classification) == _reference_texts(d)
