"""A screened CSV row decided from its cells is written as its result is (issue 13).

``exportctl screen`` (CSV or JSON lines out of a CSV file) decides a checked row from its cells
(``engine.batch.CellsDecider``) and writes its line from the decision alone
(``BatchLayout.decided_of``: ``cli/screen._ScreenLines.decided``), without the record, the
result and the writer's pass over the result.  The line and the tally must be those the batch's
own function and the line writer give the row's result; a row the decider leaves (an error in
its facts) must be one the batch's function reports as an error.  The commands' output is
compared with the slow reference writer in tests/test_fast_batch.py; here each row is compared
with its result's line, and the command is checked to take the path.  Nothing here measures
speed.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from tools import bench

import exportctl
from exportctl.cli import main
from exportctl.cli import screen as screen_cli
from exportctl.cli.batch import _JSON, LineMaker, _encode, batch_layout
from exportctl.engine import batch
from exportctl.inputs.readers import Record

ROOT = Path(__file__).resolve().parents[1]
LAW = exportctl.law("2025-06-01")


def _rows() -> Iterator[dict[str, str]]:
    """Generated distinct rows, the example parts list, and rows of the same facts under other
    ids (the second and later rows of a pattern: a JSON line is then a template's)."""
    yield from bench.distinct_parts(300, seed=29)
    examples = list(bench.example_rows(bench.PARTS))
    yield from examples
    yield from bench.repeated(examples, 3 * len(examples), "item_id")
    # rows whose facts are in error (the decider leaves them to the batch's function)
    first = examples[0]
    yield {**first, "item_id": "  "}
    yield {**first, "item_kind": "spaceship"}
    yield {**first, "usml_candidates": "XXII(z)"}
    yield {**first, "itar_peculiarly_responsible": "perhaps"}
    yield {**first, "cj_jurisdiction": "UN"}


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_a_row_decided_from_its_cells_is_written_as_its_result(fmt: str) -> None:
    rows = list(_rows())
    header = list(rows[0])
    decider = batch.CellsDecider(LAW, LAW.ruleset, trace=fmt == "jsonl")
    layout = batch_layout("items", LAW)
    direct = LineMaker(layout, fmt)  # its own pattern memory, as a lane's
    general = LineMaker(batch_layout("items", LAW), fmt)
    decided = errors = 0
    for n, row in enumerate(rows, 1):
        assert list(row) == header
        cells = [row[c] for c in header]
        record = Record(n, dict(row), (n + 1, n + 1), item_id=row["item_id"].strip() or None)
        (result,) = batch.screen([record], LAW, LAW.ruleset, csv_form=True, trace=fmt == "jsonl")
        found = decider(header, cells)
        if found is None:
            assert result.status == "error"  # left to the batch's function, which reports it
            errors += 1
            continue
        decision, facts_key = found
        assert decision == result.decision and facts_key == result.pattern
        made = direct.decided(n, decision, facts_key)
        assert made is not None and made[1] == batch.tally(result)
        line, tally = made
        assert line == general(result)
        assert tally == batch.tally(result)
        decided += 1
    assert decided > 300 and errors > 0  # both ways taken


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_screen_writes_decided_rows_from_their_cells(
    fmt: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The command takes the path: every decided row of a file of distinct facts is written by
    ``_ScreenLines.decided`` (and the output and summary are those of the slow reference,
    tests/test_fast_batch.py)."""
    path = tmp_path / "parts.csv"
    bench.write_csv(path, bench.header_of(bench.PARTS), bench.distinct_parts(120, seed=5))
    calls: list[int] = []
    real = screen_cli._ScreenLines.decided

    def counted(self: Any, row: int, *args: Any) -> Any:
        calls.append(row)
        return real(self, row, *args)

    args = ["screen", str(path), "--format", fmt, "--as-of", "2025-06-01", "--jobs", "1"]
    with monkeypatch.context() as m:
        # The general path: every row through its record, its result and the line writer.
        m.setattr(screen_cli, "screen_layout", lambda: screen_cli.SCREEN_LAYOUT)
        m.setattr(screen_cli._ScreenLines, "decided", counted)
        slow = CliRunner().invoke(main, args)
    assert calls == []
    monkeypatch.setattr(screen_cli._ScreenLines, "decided", counted)
    result = CliRunner().invoke(main, args)
    assert (result.stdout, result.stderr, result.exit_code) == (
        slow.stdout,
        slow.stderr,
        slow.exit_code,
    )
    lines = result.stdout.splitlines()
    if fmt == "jsonl":
        statuses = [json.loads(line)["status"] for line in lines]
    else:
        statuses = [line.split(",")[2] for line in lines[1:]]
    assert len(statuses) == 120
    assert calls == [n for n, s in enumerate(statuses, 1) if s != "error"]
    assert len(calls) > 100
    counts = {s: statuses.count(s) for s in set(statuses)}
    assert "screened 120 rows" in result.stderr
    assert (f"error {counts.get('error')}" in result.stderr) == ("error" in counts)


_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text()
    | st.dates()
)
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=4)
    | st.lists(inner, max_size=3).map(tuple)
    | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(_VALUES)
def test_the_encoder_made_once_writes_the_json_modules_text(value: Any) -> None:
    """``json_text_fast`` encodes with one C encoder made once (no per-line encoder): the text
    ``json.JSONEncoder(ensure_ascii=False, default=…).encode`` writes, for any JSON value and
    for values only ``to_jsonable`` can write (a date, a tuple)."""
    assert _encode(value) == _JSON(value)


def test_the_encoder_made_once_on_a_record() -> None:
    record = {"a": [1, 2.5, None, True, "é\u2028"], "b": {"c": dt.date(2025, 6, 1)}, "d": ()}
    assert _encode(record) == _JSON(record)
    assert _encode("x\n") == _JSON("x\n") == '"x\\n"'


# --- facts read from the cells ---------------------------------------------------------------

from exportctl.core.facts import ContradictoryFacts, FactError  # noqa: E402
from exportctl.inputs.items import facts_from_cells, facts_from_csv_row  # noqa: E402


def _read(read: Any, *args: Any) -> Any:
    try:
        return read(*args)
    except (FactError, ContradictoryFacts) as exc:
        return type(exc), getattr(exc, "field", None), str(exc)


def _same_facts(header: list[str], cells: list[str]) -> Any:
    rules = LAW.ruleset
    fast = _read(facts_from_cells, header, cells, rules)
    slow = _read(facts_from_csv_row, dict(zip(header, cells, strict=True)), rules)
    assert fast == slow
    return fast


def test_facts_from_cells_are_the_rows_facts() -> None:
    rows = list(_rows())
    header = list(rows[0])
    read = [_same_facts(header, [row[c] for c in header]) for row in rows]
    assert sum(type(f) is tuple for f in read) == 5  # the rows in error, with their errors
    # every cell with spaces around it (the parser strips them)
    padded = [_same_facts(header, [f" {row[c]} " for c in header]) for row in rows]
    assert [f for f in padded if type(f) is not tuple] == [f for f in read if type(f) is not tuple]
    assert any(type(f) is not tuple and f.cj_jurisdiction for f in read)
    # the same header in another order, without some fields, with a column no rule set knows
    for columns in (
        header[::-1],
        [c for c in header if c not in ("description", "cj_reference", "eccn_candidates")],
        [c for c in header if c != "item_id"],
        [*header, "not_a_question"],
        header[:5],
    ):
        for row in rows[:60]:
            _same_facts(columns, [row.get(c, "yes") for c in columns])


_CELL = st.sampled_from(
    ["", " ", "yes", "No", "TRUE", "0", "y", "perhaps", "none", "NONE", " part ", "Part",
     "end-item", "software", "XI(a)(10)", "XI(a)(10); VIII(h)(1)", "3A001.a", "EAR", "itar",
     "UN", "bad(ref", "é", "\udcff", " ITAR ", " a part ", "\tEAR"]
) | st.text(max_size=6)


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_facts_from_any_cells_are_the_rows_facts(data: st.DataObject) -> None:
    header = list(bench.header_of(bench.PARTS))
    header = data.draw(st.permutations(header))
    header = header[: data.draw(st.integers(len(header) - 3, len(header)))]
    cells = data.draw(st.lists(_CELL, min_size=len(header), max_size=len(header)))
    _same_facts(header, cells)


# --- a decided row's JSON line written as text ----------------------------------------------

import attrs  # noqa: E402

from exportctl.cli.batch import json_line  # noqa: E402
from exportctl.cli.output import json_text  # noqa: E402


def _decisions() -> list[tuple[int, str, Any]]:
    rows = list(_rows())
    header = list(rows[0])
    decider = batch.CellsDecider(LAW, LAW.ruleset, trace=True)
    out = []
    for n, row in enumerate(rows, 1):
        found = decider(header, [row[c] for c in header])
        if found is not None:
            out.append((n, batch.decision_status(found[0]), found[0]))
    return out


def _reference_line(n: int, status: str, d: Any) -> str:
    """The slow reference: the result's flat row and the decision's record through the generic
    writer (json_text over to_jsonable), as tests/test_fast_batch.py writes it."""
    result = batch.ScreenResult(n, d.item_id, status, d)
    row = batch.result_row(result)
    row["decision"] = d.to_dict()
    return json_text(row) + "\n"


def test_a_decided_rows_json_line_written_as_text_is_the_writers_line() -> None:
    assert screen_cli._RowText.fits()
    text = screen_cli._RowText()
    decisions = _decisions()
    for n, status, d in decisions:
        line = text._line(n, d.item_id, status, d)
        assert line == json_line(screen_cli._decided_row(n, d.item_id, status, d))
        assert line == _reference_line(n, status, d)
    assert len(decisions) > 300
    # texts to escape (bad bytes, controls a terminal acts on), quotes, non-ASCII, in every
    # piece the writer keeps between rows
    odd = ('q"\\\n', "é\udcff", "\x7f\u202e", "\x85 x", "\u2028")
    seen = 0
    for n, status, d in decisions[:40]:
        for s in odd:
            c = d.classification
            if c is not None:
                c = attrs.evolve(c, reference=s, citation=s, reasons_for_control=(s,))
            steps = tuple(
                attrs.evolve(step, rule=s + step.rule, detail=s, facts={**step.facts, s: [s]})
                for step in d.trace
            )
            questions = tuple(attrs.evolve(q, text=s + q.text) for q in d.open_questions)
            other = attrs.evolve(
                d,
                item_id=d.item_id + s,
                classification=c,
                trace=steps,
                warnings=(*d.warnings, s) if n % 2 else (s,),
                open_questions=questions,
                jurisdiction=s + d.jurisdiction,
            )
            line = text._line(n, other.item_id, status + s, other)
            assert line == _reference_line(n, status + s, other)
            # the row's id as read, other than the decision's (a result's item_id)
            assert text._line(n, s, status, d) == _reference_line(n, status, d).replace(
                json_text(d.item_id), json_text(s), 1
            )
            seen += 1
    assert seen == 200
    # the same texts again, kept between rows: the same lines
    for n, status, d in decisions[:60]:
        assert text._line(n, d.item_id, status, d) == _reference_line(n, status, d)


def test_the_text_writer_is_used_and_checks_its_first_lines() -> None:
    lines = screen_cli._ScreenLines()
    assert lines._text is not None and lines._text.on
    n, status, d = _decisions()[0]
    # a writer whose text differs from the general writer's is turned off at its first line
    broken = screen_cli._RowText()
    broken._line = lambda *args: "{}\n"  # type: ignore[method-assign]
    assert broken(n, d.item_id, status, d) is None and not broken.on
    right = screen_cli._RowText()
    assert right(n, d.item_id, status, d) == _reference_line(n, status, d) and right.on


# --- a cell of references read ---------------------------------------------------------------

from exportctl.corpus.eccn_references import parse_eccn  # noqa: E402
from exportctl.corpus.references import ReferenceSyntaxError, parse_usml  # noqa: E402
from exportctl.inputs.items import _parse_refs  # noqa: E402


def _refs_as_listed(field: str, text: str, parse: Any) -> Any:
    """The general reading of a cell of references: each text between semicolons, stripped,
    blanks dropped, parsed, repeats dropped (the first kept)."""
    text = text.strip()
    if not text:
        return None
    if text.lower() == "none":
        return ()
    try:
        refs = [parse(t) for t in (p.strip() for p in text.split(";")) if t]
    except ReferenceSyntaxError as exc:
        return FactError, field, str(FactError(field, str(exc)))
    return tuple(dict.fromkeys(refs))


#: Candidate cells: references of both lists, bad ones, blanks, "none" in three cases, bad
#: bytes (also read by tests/test_fast_cells_read.py).
_REF_TEXT = st.lists(
    st.sampled_from(
        ["XI(a)(10)", " VIII(h)(1) ", "XI(a)(10)", "XXII(z)", "bad(ref", "", " ", "none", "NONE",
         "None", "3A001.a", "0A999.a", " 6A995.d.2.a.2", "3A001", "é", "\udcff", "XI", "XI(a)",
         "EAR99", "cat. xi"]
    ),
    min_size=1,
    max_size=3,
).map(";".join)


@settings(max_examples=300, deadline=None)
@given(
    _REF_TEXT,
    st.sampled_from([("usml_candidates", parse_usml), ("eccn_candidates", parse_eccn)]),
)
def test_a_cell_of_one_reference_is_read_as_a_list_of_references(
    text: str, field_parse: tuple[str, Any]
) -> None:
    """A cell without a semicolon (one reference) is read at once; the same references, or the
    same error, as the general reading of a list."""
    field, parse = field_parse
    assert _read(_parse_refs, field, text, parse) == _refs_as_listed(field, text, parse)


def test_a_decided_rows_json_line_ends_with_the_stamp_written_in_it() -> None:
    """``LineMaker.decided`` has the line written with the stamp's fields at its end (``end``)
    instead of adding them to a copy: the text writer's lines, a template's and the general
    writer's end so, equal to the stamped line of the row's result, and the text writer stays
    on (its checks of the first lines pass with the stamp)."""
    layout = batch_layout("items", LAW)
    maker = LineMaker(layout, "jsonl")
    general = LineMaker(batch_layout("items", LAW), "jsonl")
    screen_lines = layout.decided_of.__self__  # type: ignore[union-attr]
    end = maker._json_end
    assert end.startswith(', "as_of": "2025-06-01", "law_id": ') and end.endswith("}\n")
    decisions = _decisions()
    for n, status, d in decisions:
        line = screen_lines._text._line(n, d.item_id, status, d, end)
        assert line == json_line(screen_cli._decided_row(n, d.item_id, status, d))[:-2] + end
        made = maker.decided(n, d, f"{n}:{d.decision_id}")  # a pattern of its own
        result = batch.ScreenResult(n, d.item_id, status, d, pattern=f"{n}:{d.decision_id}")
        assert made is not None and made[0] == general(result)
        assert made[0] == line
    assert screen_lines._text.on
    # a pattern's second row (a template's line) and the general writer's line end so too
    n, status, d = decisions[0]
    again = maker.decided(n + 1, d, f"{n}:{d.decision_id}")
    assert again is not None and again[0].endswith(end)
    assert again[0] == general(batch.ScreenResult(n + 1, d.item_id, status, d, pattern="p"))
