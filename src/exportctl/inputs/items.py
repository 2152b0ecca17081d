"""The facts about an item that classification reads, and their JSON and CSV forms.

Every fact is optional: ``None`` means "not known yet", and the engine answers
``undetermined`` with the questions that would let it go on.  A list of candidate paragraphs
that is *empty* is an answer ("no paragraph describes the item"); ``None`` is not.

JSON form (one object per item; JSON lines for batches)::

    {"item_id": "P-100", "description": "Wing fold actuator", "item_kind": "part",
     "usml_candidates": ["VIII(h)(1)"], "eccn_candidates": null,
     "cj_jurisdiction": null, "cj_classification": null, "cj_reference": null,
     "ccats_classification": null,
     "answers": {"itar_peculiarly_responsible": false, "itar_for_use_in_defense_article": true}}

CSV form: the same fields as columns, answers as one column each (named by question id),
lists separated by ``;``, booleans ``yes``/``no`` (or true/false, y/n, 1/0), blank = unknown,
``none`` in a candidate column = "no paragraph describes it".  See docs/facts.md.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from itertools import repeat
from typing import Any, Literal

import attrs

from exportctl.core.facts import ContradictoryFacts, FactError
from exportctl.corpus.references import (
    ECCNRef,
    ReferenceSyntaxError,
    USMLRef,
    parse_eccn,
    parse_usml,
)
from exportctl.corpus.rulesets import RuleSet

__all__ = [
    "FIELDS",
    "ContradictoryFacts",
    "FactError",
    "ItemFacts",
    "facts_from_cells",
    "facts_from_csv_row",
    "facts_from_mapping",
]

Jurisdiction = Literal["ITAR", "EAR"]

#: The structured fields of an item (answers to yes/no questions come on top of these).
FIELDS = (
    "item_id",
    "description",
    "item_kind",
    "usml_candidates",
    "eccn_candidates",
    "cj_jurisdiction",
    "cj_classification",
    "cj_reference",
    "ccats_classification",
)

_FIELD_SET = frozenset(FIELDS)


@attrs.frozen(weakref_slot=False)  # no weak references: see _filled
class ItemFacts:
    """What is known about one item.  ``None`` everywhere means "not known"."""

    item_id: str
    description: str = ""
    item_kind: str | None = None
    usml_candidates: tuple[USMLRef, ...] | None = None
    eccn_candidates: tuple[ECCNRef, ...] | None = None
    cj_jurisdiction: Jurisdiction | None = None
    cj_classification: str | None = None
    cj_reference: str | None = None
    ccats_classification: str | None = None
    answers: Mapping[str, bool] = attrs.field(factory=dict)

    def answer(self, fact: str) -> Any:
        """A yes/no answer or a structured field, by fact id; None when unknown."""
        if fact in self.answers:
            return self.answers[fact]
        if fact == "cj_jurisdiction":
            # Blank means "there is no CJ determination" (a person with one knows it).
            return self.cj_jurisdiction or "none"
        if fact in FIELDS:
            return getattr(self, fact)
        return None

    def with_answer(self, fact: str, value: Any) -> ItemFacts:
        """A copy with one more fact (structured field or answer)."""
        if fact in FIELDS:
            return attrs.evolve(self, **{fact: value})
        return attrs.evolve(self, answers={**self.answers, fact: value})

    def known(self) -> dict[str, Any]:
        """Every known fact, as plain JSON values (for traces and decision ids)."""
        out: dict[str, Any] = {}
        for name in FIELDS[2:]:
            value = getattr(self, name)
            if value is None:
                continue
            out[name] = [str(v) for v in value] if isinstance(value, tuple) else value
        out.update(sorted(self.answers.items()))
        return out


def shown(value: Any) -> str:
    """A value as it was written in JSON (false, [], {"a": 1}), shortened, for a message."""
    try:
        text = json.dumps(value, ensure_ascii=True)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


_TRUE = {"yes", "y", "true", "t", "1"}
_FALSE = {"no", "n", "false", "f", "0"}
#: Cells parse_bool reads, as written most often, with what it reads them as.
_WORDS: dict[str, bool | None] = {
    "": None,
    **dict.fromkeys(_TRUE, True),
    **dict.fromkeys(_FALSE, False),
    **dict.fromkeys((w.capitalize() for w in _TRUE), True),
    **dict.fromkeys((w.capitalize() for w in _FALSE), False),
    **dict.fromkeys((w.upper() for w in _TRUE), True),
    **dict.fromkeys((w.upper() for w in _FALSE), False),
}
_OTHER: Any = object()


def parse_bool(field: str, value: Any) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text == "":
        return None
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise FactError(field, f"{value!r} is not yes/no; use yes, no, or leave it blank if unknown")


def _cj_jurisdiction(text: str | None) -> str | None:
    """A commodity jurisdiction determination's answer as given (stripped; None when blank):
    ITAR or EAR, or None for none."""
    if text is None:
        return None
    cj = text.upper()
    if cj == "NONE":
        return None
    if cj not in ("ITAR", "EAR"):
        raise FactError("cj_jurisdiction", f"{cj!r} is not ITAR, EAR or none (blank: no CJ)")
    return cj


def parse_refs(field: str, value: Any, parse: Any) -> tuple[Any, ...] | None:
    if type(value) is str:
        # A parts list names the same candidates on many rows: read each text once (the refs are
        # frozen, so every row that names them shares one tuple).
        key = (field, value, parse)
        try:
            return _REFS[key]
        except KeyError:
            pass
        found = _parse_refs(field, value, parse)
        if len(_REFS) >= 16384:
            _REFS.clear()
        _REFS[key] = found
        return found
    return _parse_refs(field, value, parse)


_REFS: dict[tuple[str, str, Any], tuple[Any, ...] | None] = {}

#: Entries each candidate field's table of parsed cells holds at most (:func:`_cell_reader`).
CELLS_KEPT = 16384


def _cell_reader(field: str, parse: Any) -> Callable[[Any], tuple[Any, ...] | None]:
    """:func:`parse_refs` of one field (``field`` read by ``parse``) as a function of the value
    alone: the parsed cell texts kept in a table of this field's own (at most
    :data:`CELLS_KEPT`, emptied when full), looked up by the text alone (no key made per
    call; the cell text determines its parse, and a USML and an ECCN cell never share an
    entry).  A list of texts (a JSON line's) is kept the same way in a second table, by the
    tuple of its texts.  An error is not kept: the same value raises the same error again."""
    table: dict[str, tuple[Any, ...] | None] = {}
    lists: dict[tuple[str, ...], tuple[Any, ...] | None] = {}
    missing: Any = _OTHER

    def read(value: Any) -> tuple[Any, ...] | None:
        if type(value) is str:
            found = table.get(value, missing)
            if found is missing:
                found = _kept(table, value, _parse_refs(field, value, parse))
        elif type(value) is list and list(map(type, value)).count(str) == len(value):
            key = tuple(value)
            found = lists.get(key, missing)
            if found is missing:
                found = _kept(lists, key, _parse_refs(field, value, parse))
        else:
            found = _parse_refs(field, value, parse)
        return found  # type: ignore[no-any-return]

    read.table = table  # type: ignore[attr-defined]  # for tests: the bounds are kept
    read.lists = lists  # type: ignore[attr-defined]
    return read


def _kept(table: dict[Any, Any], key: Any, found: Any) -> Any:
    """``found`` kept in ``table`` by ``key`` (the table emptied first when full)."""
    if len(table) >= CELLS_KEPT:
        table.clear()
    table[key] = found
    return found


#: The candidate cells of an item (``usml_candidates``, ``eccn_candidates``) as read.
_usml_cells = _cell_reader("usml_candidates", parse_usml)
_eccn_cells = _cell_reader("eccn_candidates", parse_eccn)
#: Their tables of cell texts, which :func:`facts_from_cells` looks in first (no call).
_USML_KEPT: dict[str, Any] = _usml_cells.table  # type: ignore[attr-defined]
_ECCN_KEPT: dict[str, Any] = _eccn_cells.table  # type: ignore[attr-defined]


def _parse_refs(field: str, value: Any, parse: Any) -> tuple[Any, ...] | None:
    if value is None:
        return None
    if isinstance(value, str):
        text = value.strip()
        if text == "":
            return None
        if text.lower() == "none":
            return ()
        if ";" not in text:
            # One reference (most cells): its text as stripped, one value (nothing to drop
            # as a repeat, so no hashing of the reference).
            try:
                return (parse(text),)
            except ReferenceSyntaxError as exc:
                raise FactError(field, str(exc)) from exc
        items = [t for t in map(str.strip, text.split(";")) if t]
    elif isinstance(value, (list, tuple)):
        items = [str(v) for v in value]
    else:
        raise FactError(field, f"expected a list of references or 'none', got {value!r}")
    out = []
    for item in items:
        try:
            out.append(parse(item))
        except ReferenceSyntaxError as exc:
            raise FactError(field, str(exc)) from exc
    # (no repeat to drop among fewer than two: no hashing of the references)
    return tuple(dict.fromkeys(out)) if len(out) > 1 else tuple(out)


def parse_text(field: str, value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        # true/false is not text (it would read as "True"); nor is a list or an object.
        raise FactError(field, f"expected text, got {shown(value)}")
    text = str(value).strip()
    return text or None


def facts_from_mapping(raw: Mapping[str, Any], ruleset: RuleSet) -> ItemFacts:
    """Facts from a JSON object; unknown fields and bad values raise :class:`FactError`."""
    # (a dict, a JSON object's, is a Mapping: told without the abstract class's check)
    if type(raw) is not dict and not isinstance(raw, Mapping):
        raise FactError("item", f"expected a JSON object, got {type(raw).__name__}")
    answers_raw = raw.get("answers")
    if answers_raw is None:
        answers_raw = {}
    elif type(answers_raw) is not dict and not isinstance(answers_raw, Mapping):
        # false, [], 0 or "" are not "no answers": the answers are unknown, and that is an error.
        raise FactError(
            "answers", f"expected an object of question id: yes/no, got {shown(answers_raw)}"
        )
    # A dict is read by its fields as it is (_build reads no "answers" field from it).
    flat = raw if type(raw) is dict else {k: v for k, v in raw.items() if k != "answers"}
    extra = {k: v for k, v in flat.items() if k not in _FIELD_SET and k != "answers"}
    if not extra and type(answers_raw) is dict:
        return _build(flat, answers_raw, ruleset)  # (read, never changed)
    both = [k for k in extra if k in answers_raw]
    if both:
        raise FactError(
            both[0],
            "is given both at the top level and in answers; which value to read is unknown",
        )
    return _build(flat, {**extra, **answers_raw}, ruleset)


def facts_from_csv_row(row: Mapping[str, str | None], ruleset: RuleSet) -> ItemFacts:
    """Facts from one CSV row (answers are columns named by question id)."""
    keys = tuple(row)
    plan = _PLAN[0]
    if plan is None or plan[0] != keys or plan[1] is not ruleset:
        plan = _PLAN[0] = _csv_plan(keys, ruleset)
    if plan[2] is not None:
        # Every column a field or a question of the rule set (the columns of the rows before):
        # the answers are read from the row by the columns' names.
        return _build(row, {}, ruleset, plan[2])
    fields = _FIELD_SET
    flat = {k: v for k, v in row.items() if k in fields}
    answers = {k: v for k, v in row.items() if k not in fields and k is not None}
    if None in row:
        raise FactError("row", "has more cells than the header has columns")
    return _build(flat, answers, ruleset)


def facts_from_cells(header: Sequence[str], cells: Sequence[str], ruleset: RuleSet) -> ItemFacts:
    """:func:`facts_from_csv_row` of the row ``dict(zip(header, cells))`` (``cells``: the text
    of each column of ``header``, whose columns differ), without making that mapping: the same
    facts, or the same error.  What the header gives (where each field is, which columns are
    answers) is worked out once for a header object and rule set, as a reader of the row's
    cells made for them (:class:`_CellsPlan`): the header must not change while rows are read
    with it (a reader's header does not)."""
    plan = _CELLS_PLAN[0]
    if plan is None or plan.header is not header or plan.ruleset is not ruleset:
        plan = _CELLS_PLAN[0] = _CellsPlan(header, ruleset)
    read = plan.read
    if read is None or len(cells) != plan.width:
        return facts_from_csv_row(dict(zip(header, cells, strict=True)), ruleset)
    return read(cells)


class _CellsPlan:
    """What a header gives :func:`facts_from_cells`: when every column is a field or a question
    of the rule set, ``read``, the reader of a row's cells made for the header
    (:func:`_cells_reader`); else None, and such rows are read by :func:`facts_from_csv_row`."""

    def __init__(self, header: Sequence[str], ruleset: RuleSet) -> None:
        self.header = header
        self.ruleset = ruleset
        columns = tuple(header)
        self.width = len(columns)
        #: The kind cells read so far (at most :data:`_KINDS_KEPT`), with the item kind of the
        #: rule set each is read as (a cell that is none is not kept).
        self.kinds: dict[str, str] = {}
        answers = _csv_plan(columns, ruleset)[2]
        self.read: Callable[[Sequence[str]], ItemFacts] | None = None
        if answers is not None:
            self.read = _cells_reader(columns, answers, self.kinds.get, self.kind)

    def kind(self, cell: str) -> str | None:
        """The item kind of a kind cell not read before (None for a blank cell), kept in
        :attr:`kinds` while it holds fewer than :data:`_KINDS_KEPT`; or the cell's error."""
        kind = cell.strip() or None
        if kind is not None:
            kind = kind.lower().replace("-", "_").replace(" ", "_")
            if kind not in self.ruleset.item_kinds:
                raise FactError(
                    "item_kind", f"{cell!r} is not one of {', '.join(self.ruleset.item_kinds)}"
                )
            if len(self.kinds) < _KINDS_KEPT:
                self.kinds[cell] = kind
        return kind


_CELLS_PLAN: list[_CellsPlan | None] = [None]
#: Kind cells a header's plan keeps at most (a parts list writes each kind a few ways).
_KINDS_KEPT = 256

#: The reader :func:`_cells_reader` makes, with the places of a header's cells filled in: each
#: field's cell (``cells[i]``, or ``None`` for a field without a column), the answer cells'
#: look-ups, and the list of the answer cells.  It reads what :func:`_build` reads, in its
#: order (so the first error is the same): the id, the kind (a cell read before from the plan's
#: table), the CJ answer, the answers (each usual cell by one look-up in :data:`_WORDS`, put
#: under its column's question id ``q<n>`` when not blank; a cell not there sends the answers
#: through :func:`_read_answers`, which reads them or raises the cell's error), the candidate
#: cells (a cell read before from its field's table; any other read by :func:`_parse_refs` and
#: kept there, as the field's reader keeps it), the text fields.  A blank cell is not stripped:
#: it reads as ``None`` (the description as "").
_READER = """\
def make(answer_ids, kinds_get, read_kind):
    [{answer_names}] = answer_ids

    def read(cells):
        c = {item_id}
        item_id = (c.strip() or None) if c else None
        if item_id is None:
            raise FactError("item_id", _NO_ID)
        c = {item_kind}
        kind = (kinds_get(c) or read_kind(c)) if c else None
        c = {cj_jurisdiction}
        cj = _cj_jurisdiction(c.strip() or None) if c else None
        answers = {{}}
        try:
            pass
{answer_lines}
        except KeyError:
            answers = {{}}
            _read_answers(answers, list(zip(answer_ids, [{answer_cells}])), None)
        c = {usml_candidates}
        usml = _USML_KEPT.get(c, _OTHER) if c else None
        if usml is _OTHER:
            usml = _kept(_USML_KEPT, c, _parse_refs("usml_candidates", c, parse_usml))
        c = {eccn_candidates}
        eccn = _ECCN_KEPT.get(c, _OTHER) if c else None
        if eccn is _OTHER:
            eccn = _kept(_ECCN_KEPT, c, _parse_refs("eccn_candidates", c, parse_eccn))
        c = {description}
        c0 = {cj_classification}
        c1 = {cj_reference}
        c2 = {ccats_classification}
        return _new_facts(
            item_id,
            c.strip() if c else "",
            kind,
            usml,
            eccn,
            cj,
            (c0.strip() or None) if c0 else None,
            (c1.strip() or None) if c1 else None,
            (c2.strip() or None) if c2 else None,
            answers,
        )

    return read
"""
_ANSWER_LINE = """\
            v = _WORDS[cells[{i}]]
            if v is not None:
                answers[q{n}] = v
"""


def _cells_reader(
    columns: tuple[str, ...],
    answers: tuple[str, ...],
    kinds_get: Callable[[str], str | None],
    read_kind: Callable[[str], str | None],
) -> Callable[[Sequence[str]], ItemFacts]:
    """The reader of a row's cells under a header of ``columns`` (each a field or one of the
    question ids ``answers``, in column order), made from :data:`_READER` for this header: the
    code made holds only cell indices and names of its own (the column names and question ids
    are values given to it, never text in it), and reads this module's names.  ``kinds_get``
    gives the kind of a cell read before, ``read_kind`` that of any other."""
    where = {name: i for i, name in enumerate(columns)}
    spots = [where[name] for name in answers]
    source = _READER.format(
        answer_names="".join(f"q{n}, " for n in range(len(spots))),
        answer_lines="".join(_ANSWER_LINE.format(i=i, n=n) for n, i in enumerate(spots)),
        answer_cells="".join(f"cells[{i}], " for i in spots),
        **{name: f"cells[{where[name]}]" if name in where else "None" for name in FIELDS},
    )
    made: dict[str, Any] = {}
    exec(compile(source, f"<{__name__} cells reader>", "exec"), globals(), made)
    return made["make"](answers, kinds_get, read_kind)  # type: ignore[no-any-return]


_NO_ID = "is required (a part number or other identifier)"


#: The columns of the last CSV row read, its rule set, and its answer columns when every column
#: is a field or a question of the rule set (else None).
_Plan = tuple[tuple[Any, ...], RuleSet, tuple[str, ...] | None]
_PLAN: list[_Plan | None] = [None]


def _csv_plan(keys: tuple[Any, ...], ruleset: RuleSet) -> _Plan:
    answers = tuple(k for k in keys if k not in _FIELD_SET)
    allowed = ruleset.answer_facts
    if any(k is None or k not in allowed for k in answers):
        return (keys, ruleset, None)
    return (keys, ruleset, answers)


def _build(
    flat: Mapping[str, Any],
    answers_raw: Mapping[str, Any],
    ruleset: RuleSet,
    answer_columns: tuple[str, ...] | None = None,
) -> ItemFacts:
    item_id = _text("item_id", flat.get("item_id"))
    if item_id is None:
        raise FactError("item_id", _NO_ID)
    kind = _text("item_kind", flat.get("item_kind"))
    if kind is not None:
        kind = kind.lower().replace("-", "_").replace(" ", "_")
        if kind not in ruleset.item_kinds:
            raise FactError(
                "item_kind",
                f"{flat.get('item_kind')!r} is not one of {', '.join(ruleset.item_kinds)}",
            )
    cj = _cj_jurisdiction(_text("cj_jurisdiction", flat.get("cj_jurisdiction")))
    answers: dict[str, bool] = {}
    words = _WORDS
    if answer_columns is not None:
        # The usual cells (yes, no, blank) read by look-ups, column by column; anything else
        # (a cell parse_bool reads, or refuses) by the loop below, in the same order.
        try:
            cells = list(map(words.get, map(flat.__getitem__, answer_columns), _ALWAYS_OTHER))
        except TypeError:  # a cell that cannot be hashed (a mapping built in code)
            cells = [_OTHER]
        if _OTHER not in cells:
            answers = {k: v for k, v in zip(answer_columns, cells, strict=True) if v is not None}
        else:
            _read_answers(answers, [(k, flat[k]) for k in answer_columns], None)
    elif ruleset.answer_facts.issuperset(answers_raw) and _only_bools(answers_raw):
        # Every answer a question of the rule set given as true or false (a JSON object's):
        # the loop would keep each as it is, in order.
        answers = dict(answers_raw)
    else:
        _read_answers(answers, answers_raw.items(), ruleset)
    return _new_facts(
        item_id,
        _text("description", flat.get("description")) or "",
        kind,
        _usml_cells(flat.get("usml_candidates")),
        _eccn_cells(flat.get("eccn_candidates")),
        cj,
        _text("cj_classification", flat.get("cj_classification")),
        _text("cj_reference", flat.get("cj_reference")),
        _text("ccats_classification", flat.get("ccats_classification")),
        answers,
    )


def _read_answers(answers: dict[str, bool], pairs: Any, ruleset: RuleSet | None) -> None:
    """The answers of ``pairs`` (question id, cell) into ``answers``; ``ruleset`` given: each id
    checked to be one of its questions."""
    words = _WORDS
    allowed = ruleset.answer_facts if ruleset is not None else None
    for key, value in pairs:
        if allowed is not None and key not in allowed:
            raise FactError(
                key,
                f"is not a field or a question of rule set {ruleset.id!r} (see docs/facts.md)",  # type: ignore[union-attr]
            )
        # The usual cells (yes, no, blank) read by a look-up; anything else as parse_bool reads it.
        parsed = words.get(value, _OTHER) if type(value) is str else _OTHER
        if parsed is _OTHER:
            parsed = parse_bool(key, value)
        if parsed is not None:
            answers[key] = parsed


def _only_bools(answers: Mapping[str, Any]) -> bool:
    """Whether every value of ``answers`` is a ``bool`` (not 1 or "yes": those are read)."""
    return list(map(type, answers.values())).count(bool) == len(answers)


def _text(field: str, value: Any) -> str | None:
    """:func:`parse_text`, with text (the usual cell) and no value (a field not given) read
    at once."""
    if type(value) is str:
        return value.strip() or None
    if value is None:
        return None
    return parse_text(field, value)


#: The default of each look-up in :data:`_WORDS` (a cell not there).
_ALWAYS_OTHER = repeat(_OTHER)


class _FilledFacts:
    """The slots of an :class:`ItemFacts`, written as a plain class writes its own
    (:func:`_filled` then makes the object the facts it is laid out as)."""

    __slots__ = ItemFacts.__slots__  # type: ignore[attr-defined]

    def __init__(
        self,
        item_id: str,
        description: str,
        item_kind: str | None,
        usml_candidates: tuple[USMLRef, ...] | None,
        eccn_candidates: tuple[ECCNRef, ...] | None,
        cj_jurisdiction: Any,
        cj_classification: str | None,
        cj_reference: str | None,
        ccats_classification: str | None,
        answers: Mapping[str, bool],
    ) -> None:
        self.item_id = item_id
        self.description = description
        self.item_kind = item_kind
        self.usml_candidates = usml_candidates
        self.eccn_candidates = eccn_candidates
        self.cj_jurisdiction = cj_jurisdiction
        self.cj_classification = cj_classification
        self.cj_reference = cj_reference
        self.ccats_classification = ccats_classification
        self.answers = answers


def _filled(*values: Any) -> ItemFacts:
    """``ItemFacts(*values)`` with every field given (values already read and checked): the
    same object, its slots written as a plain class writes its own (a :class:`_FilledFacts`
    made an ItemFacts by assigning its ``__class__``), not through the generated ``__init__``
    of a frozen class (``object.__setattr__`` field by field)."""
    made: Any = _FilledFacts(*values)
    made.__class__ = ItemFacts
    found: ItemFacts = made
    return found


def _fills_slots() -> bool:
    """Whether :func:`_filled` gives the facts ``ItemFacts(...)`` gives, field by field (a
    Python where ``__class__`` may not be assigned between the two layouts, or a class with
    other fields, takes attrs' ``__init__``: a field added is never left unset)."""
    names = tuple(f.name for f in attrs.fields(ItemFacts))
    values: tuple[Any, ...] = tuple(object() for _ in names)
    try:
        made = _filled(*values)
    except TypeError:  # pragma: no cover - the layouts differ on this Python
        return False
    return (
        names == (*FIELDS, "answers")
        and type(made) is ItemFacts
        and all(getattr(made, n) is v for n, v in zip(names, values, strict=True))
    )


#: ``ItemFacts(…)`` with every field given, in the order of its fields (:func:`_filled` where
#: this Python assigns the class, else attrs' own ``__init__``).
_new_facts: Callable[..., ItemFacts] = _filled if _fills_slots() else ItemFacts
