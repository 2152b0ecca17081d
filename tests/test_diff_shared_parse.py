"""``diff`` of items parses each row once for both laws when they read one rule set
(``engine/diff._ParsedOnce``): the same rows as deciding the file under each law on its own
(``screen``, the general path), on the examples, on generated distinct rows and on rows with
input errors; and the parse runs once per row."""

from __future__ import annotations

import datetime as dt
import itertools
import json
from pathlib import Path
from typing import Any

import pytest
from tools import bench

import exportctl
from exportctl.corpus.reforms import bundled_reform
from exportctl.engine import diff as diffing
from exportctl.engine.batch import ScreenResult, screen
from exportctl.inputs import items as item_inputs
from exportctl.inputs.readers import Record, read_csv_rows

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
TODAY = exportctl.law("2026-01-15")
MOVED = bundled_reform("xix-engine-parts-to-ccl").apply(TODAY)

#: Rows the parser refuses (bad kind, bad answer, no id) or the engine refuses (a paragraph
#: not in the edition), between good ones.
BAD = (
    b"item_id,item_kind,usml_candidates,origin_itar\n"
    b"B-1,system,XIX(f)(1),no\n"
    b"B-2,gizmo,XIX(f)(1),no\n"
    b"B-3,part,XIX(f)(1),maybe\n"
    b",part,XIX(f)(1),no\n"
    b"B-5,part,XIX(z)(99),no\n"
    b"B-6,part,none,no\n"
)


def _csv(rows: list[dict[str, str]]) -> bytes:
    header = list(rows[0])
    out = [",".join(header)]
    for row in rows:
        out.append(",".join(json.dumps(row[h]) if "," in row[h] else row[h] for h in header))
    return ("\n".join(out) + "\n").encode()


def _sources() -> list[bytes]:
    generated = list(itertools.islice(bench.distinct_parts(300), 300))
    return [
        (EXAMPLES / "parts_list.csv").read_bytes(),
        (EXAMPLES / "relocation_parts.csv").read_bytes(),
        _csv(generated),
        BAD,
    ]


def _shown(result: ScreenResult) -> tuple[Any, ...]:
    d = result.decision
    return (
        result.row,
        result.item_id,
        result.status,
        result.error_field,
        result.error,
        None if d is None else (d.decision_id, d.to_dict()),
    )


@pytest.mark.parametrize("source", _sources(), ids=["parts", "relocation", "distinct", "bad"])
@pytest.mark.parametrize(
    ("before", "after"),
    [(TODAY, MOVED), (exportctl.law("2025-09-14"), exportctl.law("2025-09-15"))],
    ids=["reform", "dates"],
)
def test_the_rows_of_each_law_decided_on_its_own(
    source: bytes, before: exportctl.Law, after: exportctl.Law
) -> None:
    records = list(read_csv_rows(source, id_column="item_id"))
    rows = list(diffing.diff_items(records, before, after, csv_form=True))
    alone_a = list(screen(records, before, before.ruleset, csv_form=True))
    alone_b = list(screen(records, after, after.ruleset, csv_form=True))
    assert len(rows) == len(records) == len(alone_a) == len(alone_b)
    for row, a, b in zip(rows, alone_a, alone_b, strict=True):
        assert _shown(row.before) == _shown(a)
        assert _shown(row.after) == _shown(b)
        assert row.why == diffing.item_why(a, b)
    if source is BAD:
        assert [r.before.status for r in rows][:5] == ["error"] * 5
        assert rows[1].before.error_field == rows[1].after.error_field == "item_kind"


def test_json_objects_as_well() -> None:
    rows = [bench.part_as_json(r) for r in itertools.islice(bench.distinct_parts(120), 120)]
    records = [Record(n, raw, (n, n), None, None) for n, raw in enumerate(rows, start=1)]
    records.append(Record(len(rows) + 1, {"item_id": "J-1", "item_kind": 3}, (0, 0), None, None))
    got = list(diffing.diff_items(records, TODAY, MOVED, csv_form=False))
    alone_a = list(screen(records, TODAY, TODAY.ruleset, csv_form=False))
    alone_b = list(screen(records, MOVED, MOVED.ruleset, csv_form=False))
    for row, a, b in zip(got, alone_a, alone_b, strict=True):
        assert _shown(row.before) == _shown(a)
        assert _shown(row.after) == _shown(b)
    assert got[-1].before.status == got[-1].after.status == "error"


def test_each_row_is_parsed_once(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    parse = item_inputs.facts_from_csv_row

    def counted(raw: Any, ruleset: Any) -> Any:
        calls.append(id(raw))
        return parse(raw, ruleset)

    monkeypatch.setattr(diffing, "facts_from_csv_row", counted)
    records = list(read_csv_rows(_csv(list(bench.distinct_parts(50))), id_column="item_id"))
    rows = list(diffing.diff_items(records, TODAY, MOVED, csv_form=True))
    assert len(rows) == 50
    assert len(calls) == len(set(calls)) == 50


def test_laws_of_two_rule_sets_parse_each_side() -> None:
    """A rule set is what a parse reads the answers by: two laws reading different rule sets
    never share one."""
    shared = diffing._ParsedOnce(item_inputs.facts_from_csv_row)
    raw = {"item_id": "X-1", "item_kind": "part", "usml_candidates": "none"}
    other = exportctl.law(dt.date(2025, 6, 1)).ruleset
    first = shared(raw, TODAY.ruleset)
    assert shared(raw, TODAY.ruleset) is first
    if other is not TODAY.ruleset:
        assert shared(raw, other) is not first
