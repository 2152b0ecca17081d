"""A JSON lines file's records, read with the file's counting decoder (issue 13), are the records
the general reading gives.

``inputs/readers.read_jsonl_rows`` decodes each line with one decoder made for the file
(``_Counting``), which counts the objects given a key twice and the numbers refused; a line
decoded without either, whose text cannot hold a string or a nesting the checks refuse
(``_plain_json_text``), is taken without the walk of ``_json_problem`` and the copy of
``_plain``.  Compared here with ``_jsonl_record`` without a decoder (``json.loads`` with the
readers' hooks, the walk and the copy, as before) on the benchmark's distinct parts and
transfers as JSON, on the example transfer, on lines made to fail each check, and on lines
generated from such pieces.  Nothing here measures speed.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tools import bench

from exportctl.inputs import readers

ROOT = Path(__file__).resolve().parents[1]


def _exact(value: Any) -> Any:
    """A decoded value with every container's type and key order (a dict compares equal in any
    order, and an ``_Object`` equal to a plain dict)."""
    if isinstance(value, dict):
        return (type(value).__name__, [(k, _exact(v)) for k, v in value.items()])
    if isinstance(value, list):
        return (type(value).__name__, [_exact(v) for v in value])
    return (type(value).__name__, value)


def _record(rec: readers.Record) -> Any:
    return (rec.row, rec.lines, rec.error_field, rec.error, rec.item_id, _exact(rec.raw))


def _check_lines(lines: list[str], id_field: str = "item_id") -> list[readers.Record]:
    """Each line read by the file's decoder (the lines in turn, as a file's) gives the record
    the general reading gives."""
    text = readers._Text("", newline="\n", encoding="UTF-8")
    decoder = readers._Counting()
    read = []
    for n, line in enumerate(lines, start=1):
        fast = readers._jsonl_record(n, n, line, text, id_field, decoder)
        slow = readers._jsonl_record(n, n, line, text, id_field)
        if slow.raw is not None:  # as the general reading made it, by the class's __init__
            slow = readers.Record(slow.row, slow.raw, slow.lines, item_id=slow.item_id)
        assert _record(fast) == _record(slow), line
        read.append(fast)
    return read


def _lines(rows: Iterator[dict[str, Any]]) -> list[str]:
    return [json.dumps(row) + "\n" for row in rows]


def test_distinct_parts_and_transfers_read_as_the_general_reading() -> None:
    parts = _check_lines(_lines(map(bench.part_as_json, bench.distinct_parts(300, seed=7))))
    transfers = _check_lines(
        _lines(map(bench.transfer_as_json, bench.distinct_transfers(100, seed=7))),
        id_field="transfer_id",
    )
    assert all(rec.raw is not None for rec in parts + transfers)
    assert len({rec.item_id for rec in transfers}) == 100


def test_the_example_transfer_reads_as_the_general_reading() -> None:
    doc = json.loads((ROOT / "examples" / "aukus_transfer.json").read_text(encoding="utf-8"))
    _check_lines([json.dumps(doc), json.dumps(doc, ensure_ascii=False)], id_field="transfer_id")


def _nested(depth: int) -> str:
    return '{"item_id": "N", "a": ' + "[" * (depth - 1) + "1" + "]" * (depth - 1) + "}"


_LONG = "x" * readers.MAX_FIELD_CHARS

#: Lines that a check refuses (or nearly does), each beside the lines around it.
_ODD_LINES = [
    '{"item_id": "A", "item_id": "B"}',
    '{"item_id": "A", "answers": {"x": true, "x": false}}',
    '{"item_id": "A", "n": NaN}',
    '{"item_id": "A", "n": -Infinity}',
    '{"item_id": "A", "n": 1e400}',
    '{"item_id": "A", "n": ' + "9" * 400 + "}",
    '{"item_id": "A", "n": 1.5, "m": -12}',
    '{"item_id": "A\\ud800"}',
    '{"item_id": "A", "k\\udc80": 1}',
    '{"item_id": "\\u00e9\\ud83d\\ude00"}',
    '{"item_id": "A\\\\u"}',
    '{"item_id": "A\udcff"}',
    '{"item_id": "é ü"}',
    '{"item_id": "' + _LONG + '"}',
    '{"item_id": "' + _LONG[:-2] + '"}',
    '{"item_id": "A", "d": "' + _LONG + 'x"}',
    '{"item_id": "A", "' + _LONG + 'x": 1}',
    _nested(15),
    _nested(16),
    _nested(17),
    '{"item_id": "A", "s": "{{{{{{{{{{[[[[[[[[[["}',
    "\ufeff" + '{"item_id": "A"}',
    '["item_id", "A"]',
    '"A"',
    "7",
    '{"item_id": "A"',
    '{"item_id": "A"} x',
    '{"item_id": 12.5, "answers": null}',
    '{"item_id": true}',
]


@pytest.mark.parametrize("line", _ODD_LINES)
def test_lines_made_to_fail_each_check_read_as_the_general_reading(line: str) -> None:
    plain = '{"item_id": "P", "answers": {"q": true}}'
    _check_lines([plain, line, plain, line + "\n"])


_KEY = st.sampled_from(["item_id", "answers", "a", "b", "a\\ud800", "\\u0061", "é", "k\udc80"])
_SCALAR = st.sampled_from(
    ['"x"', '"\\ud800"', '"\\udc00x"', '"\\u00e9"', '"\\\\u"', '"é"', '"\udcff"', "1", "-0",
     "2.5", "1e400", "NaN", "Infinity", "9" * 320, "true", "false", "null", '"  P-1 "']
)


def _json_value(depth: int) -> st.SearchStrategy[str]:
    if depth == 0:
        return _SCALAR
    inner = _json_value(depth - 1)
    return _SCALAR | st.lists(inner, max_size=3).map(lambda v: "[" + ", ".join(v) + "]") | st.lists(
        st.tuples(_KEY, inner), max_size=4
    ).map(lambda kv: "{" + ", ".join(f'"{k}": {v}' for k, v in kv) + "}")


@settings(max_examples=500, deadline=None)
@given(st.lists(st.tuples(_KEY, _json_value(3)), max_size=5), st.integers(0, 18))
def test_generated_lines_read_as_the_general_reading(
    pairs: list[tuple[str, str]], wrapped: int
) -> None:
    """Objects of keys and values that may repeat a key, refuse a number, write a surrogate
    (raw or escaped), or nest deep (wrapped in up to 18 arrays)."""
    obj = "{" + ", ".join(f'"{k}": {v}' for k, v in [("item_id", '"G"'), *pairs]) + "}"
    line = '{"w": ' + "[" * wrapped + obj + "]" * wrapped + "}" if wrapped else obj
    _check_lines([line, obj])


def _printable_by_expression(value: Any) -> str | None:
    """``printable`` as written before its ASCII shortcut: every text through the expression."""
    if value is None:
        return None
    text = value if isinstance(value, str) else str(value)
    return readers._SURROGATE.sub(readers._escape_surrogate, text).strip() or None


@settings(max_examples=400, deadline=None)
@given(
    st.text(alphabet=st.sampled_from(" \t\nAz09-é\x85\u3000\ud800\udc80\udcff"), max_size=8)
    | st.integers()
    | st.floats(allow_nan=False)
    | st.none()
)
def test_printable_values_are_the_expressions(value: Any) -> None:
    assert readers.printable(value) == _printable_by_expression(value)
