"""The cells of a decided screen row written directly are the generic writer's (issue 13).

``exportctl screen --format csv`` writes a decided row's cells between the item id and the
decision id from its decision (cli/screen.py ``_middle_csv``): as one text when no cell needs
quotes or neutralising, else as cells for the line's writer.  Either way they must be what the
generic path writes: ``fast_csv_cell`` of each value of ``result_row``.  Nothing here measures
speed.
"""

from __future__ import annotations

from typing import Any

import attrs
from tools import bench

import exportctl
from exportctl.cli import screen as screen_cli
from exportctl.cli.batch import csv_line, fast_csv_cell
from exportctl.engine import batch
from exportctl.engine.classify import classify_traced

LAW = exportctl.law("2025-06-01")


def _generic(result: batch.ScreenResult) -> list[Any]:
    return [fast_csv_cell(v) for v in screen_cli._middle(result)]


def _results(n: int) -> list[batch.ScreenResult]:
    out = []
    for i, row in enumerate(bench.distinct_parts(n, seed=41), 1):
        try:
            decision = classify_traced(exportctl.facts_from_csv_row(row, LAW.ruleset), LAW)
        except (exportctl.FactError, exportctl.ContradictoryFacts):
            continue
        out.append(batch.ScreenResult(i, decision.item_id, batch._status(decision), decision))
    return out


def _same(result: batch.ScreenResult) -> bool:
    assert result.decision is not None and result.decision.item_id == result.item_id
    middle = screen_cli._middle_csv(result.status, result.decision)
    generic = _generic(result)
    if type(middle) is str:
        assert middle.split(",") == generic  # a plain text: no cell holds a comma
        return True
    assert middle == generic
    # and the line's writer quotes them as it quotes the generic cells
    assert csv_line(middle) == csv_line(generic)
    return False


def test_the_cells_of_decided_rows_are_the_generic_cells() -> None:
    plain = quoted = 0
    for result in _results(600):
        if _same(result):
            plain += 1
        else:
            quoted += 1
    assert plain > 100 and quoted > 30  # both ways taken (a rules-fired cell with commas)


def test_cells_to_neutralise_or_quote_are_the_generic_cells() -> None:
    """A classification whose text starts with a formula character, holds a quote or a comma,
    or is not ASCII: neutralised and quoted as the generic cells are."""
    results = [r for r in _results(200) if r.decision and r.decision.classification]
    assert results
    seen = 0
    for result in results[:20]:
        d = result.decision
        assert d is not None and d.classification is not None and d.item_id == result.item_id
        for text in ("=1+2", '+a"b', "-x,y", "@z", "é\udcff", " =q"):
            c = attrs.evolve(d.classification, reference=text, reasons_for_control=(text,))
            odd = attrs.evolve(result, decision=attrs.evolve(d, classification=c))
            _same(odd)
            seen += 1
    assert seen == 120
