"""An item read from a JSON object (``facts_from_mapping``) by its fast paths (issue 13) gives what
the general reading gives.

``inputs/items`` takes a JSON object's answers as they are when every one is a question of the
rule set given as true or false (``_only_bools``), and keeps the parsed candidate lists of texts
in a bounded table per field by the tuple of their texts (``_cell_reader``'s ``lists``).
Compared here with the same reading with both fast paths off (every answer through
``_read_answers``, every candidate value through ``_parse_refs``) on the benchmark's distinct
parts as JSON, on the example facts files and on generated objects with answers and candidates
of every JSON type.  Nothing here measures speed.
"""

from __future__ import annotations

import json
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.test_fast_cells_read import _outcome as _read_outcome
from tools import bench

import exportctl
from exportctl.corpus.eccn_references import parse_eccn
from exportctl.corpus.references import parse_usml
from exportctl.inputs import items

LAW = exportctl.law("2025-06-01")
ROOT = Path(__file__).resolve().parents[1]


def _outcome(raw: Any) -> Any:
    """The facts read from ``raw`` with their answers in order, or the error (type, field,
    message)."""
    facts = _read_outcome(items.facts_from_mapping, raw, LAW.ruleset)
    if type(facts) is not items.ItemFacts:
        return facts
    return facts, list(facts.answers.items()), type(facts.answers)


_UNCACHED = [
    ("_usml_cells", "usml_candidates", parse_usml),
    ("_eccn_cells", "eccn_candidates", parse_eccn),
]


def _general(raw: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """:func:`_outcome` with the fast paths off (the object and its answers given as mappings
    that are no dict: copied and merged, not read as they are)."""
    if isinstance(raw, dict):
        answers = raw.get("answers")
        if isinstance(answers, dict):
            raw = {**raw, "answers": MappingProxyType(answers)}
        raw = MappingProxyType(raw)
    with monkeypatch.context() as m:
        m.setattr(items, "_only_bools", lambda answers: False)
        for name, field, parse in _UNCACHED:
            m.setattr(items, name, lambda v, f=field, p=parse: items._parse_refs(f, v, p))
        return _outcome(raw)


def _check(raw: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """Read twice (the second time from the tables), the same as the general reading."""
    expected = _general(raw, monkeypatch)
    assert _outcome(raw) == expected
    assert _outcome(raw) == expected
    return expected


def test_distinct_parts_as_json_read_as_the_general_reading(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rows = [bench.part_as_json(row) for row in bench.distinct_parts(300, seed=23)]
    read = [_check(json.loads(json.dumps(row)), monkeypatch) for row in rows]
    answered = [r for r in read if type(r[0]) is items.ItemFacts and r[0].answers]
    assert len(answered) > 100
    assert any(r[0].eccn_candidates and len(r[0].eccn_candidates) > 1 for r in answered)


@pytest.mark.parametrize("path", sorted((ROOT / "examples").glob("classify_*.json")))
def test_example_facts_read_as_the_general_reading(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _check(json.loads(path.read_text(encoding="utf-8")), monkeypatch)


_QUESTIONS = sorted(LAW.ruleset.answer_facts)[:6]

#: Objects that each fast path must leave to the general reading, or read as it does.
_ODD_OBJECTS = [
    {"answers": {_QUESTIONS[0]: True, "not_a_question": False}},
    {"not_a_question": True},
    {_QUESTIONS[0]: True, "answers": {_QUESTIONS[1]: False}},
    {_QUESTIONS[0]: True, "answers": {_QUESTIONS[0]: False}},
    {"answers": {_QUESTIONS[0]: True, _QUESTIONS[1]: 1}},
    {"answers": {_QUESTIONS[0]: "yes", _QUESTIONS[1]: None}},
    {"usml_candidates": ["XI(a)(10)", "XI(a)(10)"], "eccn_candidates": ["3A001.a", "3A001.a"]},
    {"usml_candidates": ["Cat. XI(a)(10)", "XI(a)(10)"], "eccn_candidates": ["ECCN 3A001.a"]},
    {"usml_candidates": ["XI(a)(10)", " XI(a)(10)"], "eccn_candidates": ["none"]},
    {"usml_candidates": [], "eccn_candidates": ["3A001.a", 7]},
    {"usml_candidates": ("XI(a)(10)",), "eccn_candidates": "3A001.a; 3A001.a"},
]


@pytest.mark.parametrize("odd", _ODD_OBJECTS)
def test_objects_made_for_each_fast_path_read_as_the_general_reading(
    odd: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    _check({"item_id": "O-1", "item_kind": "part", **odd}, monkeypatch)

_ANSWER = st.sampled_from([True, False, None, "yes", "No", "", " y", 1, 0, 2, 1.0, "maybe", [], {}])
_REF = st.sampled_from(
    ["XI(a)(10)", "VIII(h)(1)", " XI(a)(10)", "Cat. XI(a)(10)", "XXII(z)", "none", "", "3A001.a",
     "ECCN 3A001.a", "9A610.x", "bad(ref", "é", "\udcff"]
)
_CANDIDATES = (
    st.lists(_REF | st.sampled_from([7, 1.5, None, True, ["XI"]]), max_size=3)
    | st.lists(_REF, max_size=3)
    | st.lists(_REF, max_size=2).map(tuple)
    | _REF
    | st.sampled_from([None, 5, {"a": 1}, False])
)


@settings(max_examples=400, deadline=None)
@given(
    st.dictionaries(st.sampled_from([*_QUESTIONS, "not_a_question", "item_kind"]), _ANSWER),
    _CANDIDATES,
    _CANDIDATES,
    st.sampled_from([None, "answers", "top"]),
)
def test_generated_objects_read_as_the_general_reading(
    answers: dict[str, Any], usml: Any, eccn: Any, where: str | None
) -> None:
    """Answers of every JSON type, given in ``answers``, at the top level or both; candidates
    as texts, lists of texts, lists with other values, or no list."""
    raw: dict[str, Any] = {"item_id": "G-1", "item_kind": "part"}
    raw["usml_candidates"], raw["eccn_candidates"] = usml, eccn
    if where == "top":
        raw.update({k: v for k, v in answers.items() if k != "item_kind"})
    elif where == "answers":
        raw["answers"] = answers
    with pytest.MonkeyPatch.context() as monkeypatch:
        _check(raw, monkeypatch)


def test_a_fields_list_table_stays_within_its_bound() -> None:
    reader = items._usml_cells
    reader.lists.clear()
    seen = 0
    for i in range(items.CELLS_KEPT + 50):
        texts = ["XI(a)", f"XI(a)({i % 40 + 1})", f"XI(c)({i // 40 + 1})"]
        assert reader(texts) == tuple(parse_usml(t) for t in texts)
        seen = max(seen, len(reader.lists))
    assert seen == items.CELLS_KEPT
    assert len(reader.lists) < items.CELLS_KEPT


@pytest.mark.parametrize(
    ("field", "parse", "texts"),
    [
        ("usml_candidates", parse_usml, ["XI(a)(10)", "Cat. XI(a)(10)"]),
        ("eccn_candidates", parse_eccn, ["3A001.a", "3A001.a"]),
    ],
)
def test_a_list_naming_a_reference_twice_gives_it_once(
    field: str, parse: Any, texts: list[str]
) -> None:
    once = (parse(texts[0]),)
    assert items._parse_refs(field, texts, parse) == once
    facts = items.facts_from_mapping({"item_id": "T", field: texts}, LAW.ruleset)
    assert getattr(facts, field) == once
