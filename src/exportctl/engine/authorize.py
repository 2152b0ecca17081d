"""ITAR exemptions for a transfer: § 126.1 first, then every exemption the law holds.

1. 22 CFR 126.1: a transfer that touches a proscribed country is denied (or subject to the
   case-by-case review the paragraph describes) before any exemption is considered; § 126.1(a)
   makes the exemptions unavailable.
2. Every exemption of the law (:attr:`exportctl.corpus.law.Law.exemptions`: § 126.5 and § 126.7
   today, each a data file of ``data/law/itar/``) is decided by
   :func:`exportctl.engine.exemptions.evaluate` with the version in force on the law's date.
3. The outcome: ``exempt`` (the first eligible exemption in the CFR's order, and every eligible
   one listed), ``license_required`` (every exemption fails), ``prohibited`` (§ 126.1), or
   ``undetermined`` with the questions that would decide it.

§ 126.1(a) names exemptions that "may be utilized" nevertheless — § 126.4(a)(1), (a)(3), (b)(1);
(a)(2), (b)(2) for Russia in support of government space cooperation; any exemption when the
recipient is a U.S. Government department or agency — and § 125.4(a) excepts § 125.4(b)(13):
for a transfer touching a proscribed country those exemptions (as their condition groups'
exceptions say, :func:`~exportctl.engine.exemptions.usable_despite_126_1`) are decided, and the
outcome is ``exempt`` when one is eligible, ``undetermined`` while one is open, ``prohibited``
otherwise.

Fail closed: no exemption is granted while § 126.1 is not cleared (a country the transfer
touches is unknown), while a party is debarred or ineligible under § 120.16 (§ 120.15(b)), or
while the transferor or the recipient is missing from the party list; a USML reference above the
leaf (``XI``, ``XI(a)``) leaves open every row and amount that could apply to a paragraph beneath
it.  Transfers are checked as the parsers check them
(:func:`exportctl.inputs.transfers.validate_transfer`): a reference that names nothing, or a
party both debarred and eligible, is an error.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable
from json import encoder as json_encoder
from typing import Any, Literal

import attrs

from exportctl.core import provenance
from exportctl.core.facts import Question
from exportctl.core.results import Requirement
from exportctl.corpus.exemptions import Obligation
from exportctl.corpus.law import Law
from exportctl.engine.decision import _PLAIN, jsonable
from exportctl.engine.exemptions import (
    BranchResult,
    ConditionResult,
    ExemptionResult,
    decide_every,
    evaluate,
    evaluate_status,
    question,
)
from exportctl.engine.itar.s126_1 import country_warnings, proscribed
from exportctl.engine.requirements import Context, unknown_countries
from exportctl.inputs.transfers import Party, Transfer, validate_transfer

__all__ = [
    "Authorization",
    "ExemptionResult",
    "Requirement",
    "authorize",
    "authorize_checked",
    "check_aukus",
    "check_aukus_after_126_1",
    "check_canada",
    "check_exemption",
    "proscribed",
    "record_text",
]

Outcome = Literal["exempt", "license_required", "prohibited", "undetermined"]


@attrs.frozen
class Authorization:
    """The outcome for one transfer: which exemption (if any) is available, and why."""

    decision_id: str
    transfer_id: str
    outcome: Outcome
    exemption: str | None
    proscribed: tuple[Requirement, ...]
    exemptions: tuple[ExemptionResult, ...]
    open_questions: tuple[Question, ...]
    as_of: dt.date
    law_id: str
    warnings: tuple[str, ...] = ()
    eligible: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The record (``to_jsonable``'s values; written field by field, see :func:`record`)."""
        return record(self)

    def result(self, key: str) -> ExemptionResult | None:
        """The result of one exemption (by its paragraph, e.g. ``126.7``), if decided."""
        return next((e for e in self.exemptions if e.exemption == key), None)


# --------------------------------------------------------------------------------------------
# The record, written field by field
#
# An authorization's record holds every condition of every exemption (hundreds of rows, about
# 200 KB of JSON): the generic walk (``jsonable``) looks up each value's type and each class's
# fields at every step.  These builders write the classes of a record with their fields named
# in order and texts taken as they are; any other value goes through ``jsonable``.  They are
# used only while the classes have exactly the fields named here (else the generic walk is):
# a field added to a class is never left out of a record.


#: The types written as they are (the generic walk writes them as they are too).
_AS_IS = frozenset({str, type(None)})


def _value(value: Any) -> Any:
    return value if type(value) is str or value is None else jsonable(value)


def _facts(facts: Any) -> Any:
    if type(facts) is not dict:
        return jsonable(facts)
    return {
        (k if type(k) is str else str(k)): (v if type(v) in _PLAIN else jsonable(v))
        for k, v in facts.items()
    }


def _texts(values: Any) -> Any:
    if type(values) is tuple and _AS_IS.issuperset(map(type, values)):
        return list(values)
    return jsonable(values)


def _condition(c: ConditionResult) -> Any:
    texts = (
        c.name, c.paragraph, c.status, c.detail, c.test, c.quote, c.source, c.confirmed_by,
        c.group, c.branch, c.exception,
    )  # fmt: skip
    if not _AS_IS.issuperset(map(type, texts)):
        return jsonable(c)
    name, paragraph, status, detail, test, quote, source, confirmed_by, group, branch, exc = texts
    return {
        "name": name,
        "paragraph": paragraph,
        "status": status,
        "detail": detail,
        "facts": _facts(c.facts),
        "missing": _texts(c.missing),
        "test": test,
        "quote": quote,
        "source": source,
        "confirmed_by": confirmed_by,
        "reads": _texts(c.reads),
        "group": group,
        "branch": branch,
        "exception": exc,
    }


def _requirement(r: Requirement) -> Any:
    texts = (r.id, r.status, r.detail)
    if not _AS_IS.issuperset(map(type, texts)):
        return jsonable(r)
    return {"id": texts[0], "status": texts[1], "facts": _facts(r.facts), "detail": texts[2]}


def _question(q: Question) -> Any:
    texts = (q.id, q.text, q.citation, q.type)
    if not _AS_IS.issuperset(map(type, texts)):
        return jsonable(q)
    return {
        "id": texts[0],
        "text": texts[1],
        "citation": texts[2],
        "type": texts[3],
        "values": _texts(q.values),
    }


def _obligation(o: Obligation) -> Any:
    texts = (o.name, o.id, o.quote, o.source, o.confirmed_by, o.note)
    if not _AS_IS.issuperset(map(type, texts)):
        return jsonable(o)
    return {
        "name": texts[0],
        "id": texts[1],
        "quote": texts[2],
        "source": texts[3],
        "confirmed_by": texts[4],
        "applies_to_kinds": _texts(o.applies_to_kinds),
        "note": texts[5],
    }


def _exemption(e: ExemptionResult) -> dict[str, Any]:
    return {
        "exemption": _value(e.exemption),
        "citation": _value(e.citation),
        "version": _value(e.version),
        "status": _value(e.status),
        "requirements": [_requirement(r) for r in e.requirements],
        "excluded_rows": _texts(e.excluded_rows),
        "open_questions": [_question(q) for q in e.open_questions],
        "note": _value(e.note),
        "branch": _value(e.branch),
        "branches": jsonable(e.branches),
        "conditions": [_condition(c) for c in e.conditions],
        "marking": _value(e.marking),
        "obligations": [_obligation(o) for o in e.obligations],
        "carried": _texts(e.carried),
        "guidelines": jsonable(e.guidelines),
    }


def _authorization(a: Authorization) -> dict[str, Any]:
    return {
        "decision_id": _value(a.decision_id),
        "transfer_id": _value(a.transfer_id),
        "outcome": _value(a.outcome),
        "exemption": _value(a.exemption),
        "proscribed": [_requirement(r) for r in a.proscribed],
        "exemptions": [_exemption(e) for e in a.exemptions],
        "open_questions": [_question(q) for q in a.open_questions],
        "as_of": jsonable(a.as_of),
        "law_id": _value(a.law_id),
        "warnings": _texts(a.warnings),
        "eligible": _texts(a.eligible),
    }


#: The fields each builder writes, in order: the builders are used only while these are the
#: fields the generic walk writes of each class.
_KEYS: dict[type, tuple[str, ...]] = {
    ConditionResult: (
        "name", "paragraph", "status", "detail", "facts", "missing", "test", "quote", "source",
        "confirmed_by", "reads", "group", "branch", "exception",
    ),
    Requirement: ("id", "status", "facts", "detail"),
    Question: ("id", "text", "citation", "type", "values"),
    Obligation: ("name", "id", "quote", "source", "confirmed_by", "applies_to_kinds", "note"),
    ExemptionResult: (
        "exemption", "citation", "version", "status", "requirements", "excluded_rows",
        "open_questions", "note", "branch", "branches", "conditions", "marking", "obligations",
        "carried", "guidelines",
    ),
    Authorization: (
        "decision_id", "transfer_id", "outcome", "exemption", "proscribed", "exemptions",
        "open_questions", "as_of", "law_id", "warnings", "eligible",
    ),
}


def written_fields(cls: type) -> tuple[str, ...]:
    """The keys the generic walk writes of an attrs class (its fields shown in its repr)."""
    return tuple(f.name.lstrip("_") for f in attrs.fields(cls) if f.repr is not False)


_FIELD_BY_FIELD = all(written_fields(cls) == keys for cls, keys in _KEYS.items())


def record(a: Authorization) -> dict[str, Any]:
    """``to_jsonable(a)``: an authorization's record, written by the builders above while every
    class has the fields they write (else by the generic walk)."""
    if not _FIELD_BY_FIELD:
        found: dict[str, Any] = jsonable(a)
        return found
    return _authorization(a)


# --------------------------------------------------------------------------------------------
# The record as JSON text, from pieces
#
# A JSON line of an authorization is about 200 KB, and most of it is the conditions of its
# exemptions: about 200 rows a transfer, of which very few differ between transfers (300
# generated transfers gave 1,726 different rows of 61,052).  ``record_text`` writes the record's
# JSON text as ``encode`` writes ``record(a)`` — JSON is written piece by piece, a dict as
# ``{"key": value, …}`` and a list as ``[value, …]`` with the encoder's separators — and keeps
# the text of each condition and requirement row by its content (every field, each fact's value
# with its type), so a row met before is not encoded again.  A row whose values are not plain
# text, numbers, yes/no or lists of text is encoded each time.


class _Uncached(Exception):
    """A value the row texts are not kept for (encoded each time)."""


def _fact_key(value: Any) -> Any:
    kind = type(value)
    if kind is str or kind is bool or kind is int or value is None:
        return kind, value
    if (kind is list or kind is tuple) and _STR.issuperset(map(type, value)):
        return kind, tuple(value)
    raise _Uncached


#: The types of a fact's value a row's text is kept by as they are (with their types).
_SIMPLE = frozenset({str, bool, int, type(None)})
_STR = frozenset({str})


def _facts_key(facts: Any) -> Any:
    """A row's facts as a key: each name with its value and the value's type (a list of texts
    as a tuple of them, tagged as a list)."""
    if type(facts) is not dict or not _STR.issuperset(map(type, facts)):
        raise _Uncached
    types = tuple(map(type, facts.values()))
    if _SIMPLE.issuperset(types):
        return "plain", tuple(facts.items()), types
    pairs = zip(facts.items(), types, strict=True)
    return "typed", tuple([(k, v if t in _SIMPLE else _fact_key(v)) for (k, v), t in pairs]), types


def _strs(values: Any) -> Any:
    if type(values) is tuple and _STR.issuperset(map(type, values)):
        return values
    raise _Uncached


#: Row texts by content (and encoder): a cache of text, not of any decision; cleared when full.
_ROW_TEXT: dict[Any, str] = {}
_ROW_TEXT_LIMIT = 65536


def _kept_text(key: Any, encode: Callable[[Any], str], value: Callable[[], Any]) -> str:
    found = _ROW_TEXT.get(key)
    if found is None:
        found = encode(value())
        if len(_ROW_TEXT) >= _ROW_TEXT_LIMIT:
            _ROW_TEXT.clear()
        _ROW_TEXT[key] = found
    return found


def _condition_text(c: ConditionResult, encode: Callable[[Any], str]) -> str:
    texts = (
        c.name, c.paragraph, c.status, c.detail, c.test, c.quote, c.source, c.confirmed_by,
        c.group, c.branch, c.exception,
    )  # fmt: skip
    try:
        if not _AS_IS.issuperset(map(type, texts)):
            raise _Uncached
        key = ("condition", encode, texts, _facts_key(c.facts), _strs(c.missing), _strs(c.reads))
    except _Uncached:
        return encode(_condition(c))
    return _kept_text(key, encode, lambda: _condition(c))


def _requirement_text(r: Requirement, encode: Callable[[Any], str]) -> str:
    texts = (r.id, r.status, r.detail)
    try:
        if not _AS_IS.issuperset(map(type, texts)):
            raise _Uncached
        key = ("requirement", encode, texts, _facts_key(r.facts))
    except _Uncached:
        return encode(_requirement(r))
    return _kept_text(key, encode, lambda: _requirement(r))


def _listed(items: Any, text: Callable[[Any, Callable[[Any], str]], str], encode: Any) -> str:
    return "[" + ", ".join([text(x, encode) for x in items]) + "]"


def _object_text(pairs: list[tuple[str, str]], encode: Callable[[Any], str]) -> str:
    """``{"key": value, …}`` of encoded values (the keys encoded here)."""
    return "{" + ", ".join([f"{_key_text(k, encode)}: {v}" for k, v in pairs]) + "}"


_KEY_TEXT: dict[tuple[str, Any], str] = {}


def _key_text(key: str, encode: Callable[[Any], str]) -> str:
    found = _KEY_TEXT.get((key, encode))
    if found is None:
        if len(_KEY_TEXT) >= 4096:
            _KEY_TEXT.clear()
        found = _KEY_TEXT[(key, encode)] = encode(key)
    return found


def _value_text(value: Any, encode: Callable[[Any], str]) -> str:
    """``encode(_value(value))``: a text kept by its content, None as ``null``."""
    if value is None:
        return "null"
    if type(value) is not str:
        return encode(jsonable(value))
    return _kept_text(("text", encode, value), encode, lambda: value)


def _texts_text(values: Any, encode: Callable[[Any], str]) -> str:
    """``encode(_texts(values))``: a tuple of texts kept by its content."""
    if not values and type(values) is tuple:
        return "[]"
    try:
        key = ("texts", encode, _strs(values))
    except _Uncached:
        return encode(_texts(values))
    return _kept_text(key, encode, lambda: list(values))


def _piece_text(
    kind: str, texts: tuple[Any, ...], listed: Any, encode: Callable[[Any], str], build: Any
) -> str:
    """``encode(build())``, kept by the piece's texts (each a text or None) and its tuple of
    texts."""
    try:
        if not _AS_IS.issuperset(map(type, texts)):
            raise _Uncached
        key = (kind, encode, texts, _strs(listed))
    except _Uncached:
        return encode(build())
    return _kept_text(key, encode, build)


def _question_text(q: Question, encode: Callable[[Any], str]) -> str:
    return _piece_text(
        "question", (q.id, q.text, q.citation, q.type), q.values, encode, lambda: _question(q)
    )


def _obligation_text(o: Obligation, encode: Callable[[Any], str]) -> str:
    texts = (o.name, o.id, o.quote, o.source, o.confirmed_by, o.note)
    return _piece_text("obligation", texts, o.applies_to_kinds, encode, lambda: _obligation(o))


def _branch_text(b: BranchResult, encode: Callable[[Any], str]) -> str:
    if not _BRANCH_FIELDS:
        return encode(jsonable(b))
    texts = (b.key, b.paragraph, b.title, b.status, b.marking)
    return _piece_text("branch", texts, b.missing, encode, lambda: jsonable(b))


#: The fields the generic walk writes of a way's result: its text is kept by these.
_BRANCH_FIELDS = written_fields(BranchResult) == (
    "key", "paragraph", "title", "status", "missing", "marking",
)  # fmt: skip


def _exemption_text(e: ExemptionResult, encode: Callable[[Any], str]) -> str:
    return _object_text(
        [
            ("exemption", _value_text(e.exemption, encode)),
            ("citation", _value_text(e.citation, encode)),
            ("version", _value_text(e.version, encode)),
            ("status", _value_text(e.status, encode)),
            ("requirements", _listed(e.requirements, _requirement_text, encode)),
            ("excluded_rows", _texts_text(e.excluded_rows, encode)),
            ("open_questions", _listed(e.open_questions, _question_text, encode)),
            ("note", _value_text(e.note, encode)),
            ("branch", _value_text(e.branch, encode)),
            ("branches", _listed(e.branches, _branch_text, encode)),
            ("conditions", _listed(e.conditions, _condition_text, encode)),
            ("marking", _value_text(e.marking, encode)),
            ("obligations", _listed(e.obligations, _obligation_text, encode)),
            ("carried", _texts_text(e.carried, encode)),
            ("guidelines", "null" if e.guidelines is None else encode(jsonable(e.guidelines))),
        ],
        encode,
    )


def record_text(a: Authorization, encode: Callable[[Any], str]) -> str:
    """``encode(record(a))``: the record's JSON text as ``encode`` (a JSON encoder with the
    default separators, and escapes made character by character) writes it, from the texts of
    its pieces, each row, question, text and way kept by its content."""
    if not _FIELD_BY_FIELD or type(a.exemptions) is not tuple:
        return encode(record(a))
    return _object_text(
        [
            ("decision_id", encode(_value(a.decision_id))),
            ("transfer_id", encode(_value(a.transfer_id))),
            ("outcome", _value_text(a.outcome, encode)),
            ("exemption", _value_text(a.exemption, encode)),
            ("proscribed", _listed(a.proscribed, _requirement_text, encode)),
            ("exemptions", _listed(a.exemptions, _exemption_text, encode)),
            ("open_questions", _listed(a.open_questions, _question_text, encode)),
            ("as_of", encode(jsonable(a.as_of))),
            ("law_id", _value_text(a.law_id, encode)),
            ("warnings", _texts_text(a.warnings, encode)),
            ("eligible", _texts_text(a.eligible, encode)),
        ],
        encode,
    )


def check_exemption(key: str, transfer: Transfer, law: Law) -> ExemptionResult:
    """One exemption of the law alone (without § 126.1), by its paragraph (``126.7``)."""
    validate_transfer(transfer, law)
    return evaluate(law.exemptions.get(key), transfer, law, Context(transfer, law))


def check_aukus(transfer: Transfer, law: Law) -> ExemptionResult:
    """§ 126.7 alone (without § 126.1): the AUKUS exemption's requirements for one transfer."""
    return check_exemption("126.7", transfer, law)


def check_canada(transfer: Transfer, law: Law) -> ExemptionResult:
    """§ 126.5 alone (without § 126.1)."""
    return check_exemption("126.5", transfer, law)


def check_aukus_after_126_1(
    transfer: Transfer, law: Law
) -> tuple[tuple[Requirement, ...], ExemptionResult | None]:
    """§ 126.1 first (§ 126.1(a): exemptions do not apply to proscribed destinations), then
    § 126.7: the failing § 126.1 requirements, or none and the § 126.7 result."""
    validate_transfer(transfer, law)
    denied = proscribed(transfer, law)
    if denied:
        return denied, None
    return (), check_aukus(transfer, law)


def authorize(transfer: Transfer, law: Law) -> Authorization:
    """§ 126.1, then every exemption the law holds: which one is available, or that a license
    is needed, or that the facts do not yet tell."""
    validate_transfer(transfer, law)
    return authorize_checked(transfer, law)


def transfer_key(transfer: Transfer) -> str:
    """Canonical JSON of the transfer (what its decision id hashes): written field by field
    (:func:`_canonical_text`), the same text as ``canonical_json`` of the walked value."""
    return _canonical_text(transfer)


def _canonical_text(value: Any) -> str:
    """``canonical_json(_walked(value))`` of an attrs value (a transfer, its parties) written
    here: its fields in the order of their keys (as ``sort_keys`` orders them), a text, None, a
    bool or an int written at once (as the encoder writes them), a tuple item by item, a party
    by this function again; any other value is its own canonical JSON (the same text the whole
    holds of it: keys sorted, no white space, at every level)."""
    heads = _key_heads(type(value))
    if heads is None:
        return provenance.canonical_json(_walked(value))
    parts = []
    for name, head in heads:
        parts.append(head)
        parts.append(_item_text(getattr(value, name)))
    parts.append("}")
    return "".join(parts)


def _item_text(v: Any) -> str:
    """The canonical JSON of a field's value (or of an item of a tuple field)."""
    kind = type(v)
    if kind is str:
        return _string(v)
    if v is None:
        return "null"
    if kind is bool:
        return "true" if v else "false"
    if kind is int:
        return int.__repr__(v)
    if kind is tuple:
        return "[" + ",".join([_item_text(x) for x in v]) + "]"
    if kind is dict and all(type(k) is str for k in v):
        # The answers: their keys in order, each value as a field's.
        return "{" + ",".join([_string(k) + ":" + _item_text(v[k]) for k in sorted(v)]) + "}"
    if kind in _AS_TEXT:
        return _string(str(v))  # a reference: its canonical string (to_jsonable's)
    if kind is Party:
        return _party_text(v)
    return _canonical_text(v)


def _party_text(party: Party) -> str:
    """:func:`_canonical_text` of a party, kept by its identity while every field of it is a
    text, a bool or None (a frozen value: its text cannot change) — the CSV reader keeps one
    party object per role's cells, so the parties of distinct transfers often are the same
    objects.  Kept with the party (an id is never reused while it is here), at most
    :data:`_PARTIES_KEPT`, emptied when full; never the transfer itself."""
    found = _PARTY_TEXTS.get(id(party))
    if found is not None and found[0] is party:
        return found[1]
    text = _canonical_text(party)
    if _FROZEN_VALUES.issuperset(map(type, _PARTY_VALUES(party))):
        if len(_PARTY_TEXTS) >= _PARTIES_KEPT:
            _PARTY_TEXTS.clear()
        _PARTY_TEXTS[id(party)] = (party, text)
    return text


#: A party's canonical text by its identity (:func:`_party_text`).
_PARTY_TEXTS: dict[int, tuple[Party, str]] = {}
_PARTIES_KEPT = 4096
#: The types of a party's fields whose text is kept (values that cannot change).
_FROZEN_VALUES = frozenset({str, bool, type(None)})
#: Every field of a party, as a tuple.
_PARTY_VALUES = operator.attrgetter(*(f.name for f in attrs.fields(Party)))


def _key_heads(kind: type) -> tuple[tuple[str, str], ...] | None:
    """Each field :func:`_walked` writes of a class's values with the text before its value
    (``{"key":`` for the first, ``,"key":`` after), in the order of the keys; None when the
    generic walk takes the values whole or two fields share a key (kept by class)."""
    if kind in _KEY_HEADS:
        return _KEY_HEADS[kind]
    fields = _walked_fields(kind)
    found: tuple[tuple[str, str], ...] | None = None
    if fields is not None and len({key for _, key in fields}) == len(fields):
        ordered = sorted(fields, key=lambda field: field[1])
        found = tuple(
            (name, ("{" if n == 0 else ",") + _string(key) + ":")
            for n, (name, key) in enumerate(ordered)
        )
        if not found:
            found = None
    if len(_KEY_HEADS) >= 256:
        _KEY_HEADS.clear()
        _AS_TEXT.clear()
    if getattr(kind, "as_string", False):
        _AS_TEXT.add(kind)
    _KEY_HEADS[kind] = found
    return found


#: :func:`_key_heads` by class.
_KEY_HEADS: dict[type, tuple[tuple[str, str], ...] | None] = {}
#: The classes met whose values the generic walk writes as their string (``as_string``).
_AS_TEXT: set[type] = set()
#: A text as the canonical encoder writes it (``ensure_ascii=False``: the C function it calls).
_string: Callable[[str], str] = json_encoder.encode_basestring


def _walked(value: Any) -> Any:
    """``jsonable(value)`` with the fields of an attrs value (a transfer, its parties) walked
    here, their plain values taken as they are: the same value (each class's fields read once,
    as the generic walk reads them); anything else goes to ``jsonable``."""
    fields = _walked_fields(type(value))
    if fields is None:
        return jsonable(value)
    out: dict[str, Any] = {}
    for name, key in fields:
        v = getattr(value, name)
        kind = type(v)
        if kind in _PLAIN:
            out[key] = v
        elif kind is tuple:
            out[key] = [x if type(x) in _PLAIN else _walked(x) for x in v]
        else:
            out[key] = _walked(v)
    return out


def _walked_fields(kind: type) -> tuple[tuple[str, str], ...] | None:
    """The fields the generic walk writes of a class's values (name, key), or None when it
    does not walk them (not an attrs class, or one written as a string)."""
    if kind in _WALKED:
        return _WALKED[kind]
    found = (
        None
        if getattr(kind, "as_string", False) or not attrs.has(kind)
        else tuple((f.name, f.name.lstrip("_")) for f in attrs.fields(kind) if f.repr is not False)
    )
    if len(_WALKED) >= 256:
        _WALKED.clear()
    _WALKED[kind] = found
    return found


#: :func:`_walked_fields` by class (a class's fields do not change).
_WALKED: dict[type, tuple[tuple[str, str], ...] | None] = {}


def authorize_checked(transfer: Transfer, law: Law, *, rows: bool = False) -> Authorization:
    """:func:`authorize` for a transfer the parsers have checked against ``law`` already
    (:func:`~exportctl.inputs.transfers.validate_transfer`): the batch reads each row once.

    Each exemption is decided by the status pass
    (:func:`~exportctl.engine.exemptions.evaluate_status`), its rows written when read;
    ``rows=True`` (for a caller that reads every row, as the JSON lines record does) decides
    each in full at once (:func:`~exportctl.engine.exemptions.evaluate`).  The same
    authorization either way."""
    decide = evaluate if rows else evaluate_status
    denied = proscribed(transfer, law)
    warnings = (*law.warnings, *country_warnings(transfer, law))
    decision_id = provenance.decision_id(
        transfer.transfer_id, transfer_key(transfer), law.id, law.as_of
    )
    if denied:
        # § 126.1(a)(2)-(3) (and § 125.4(a) for § 125.4(b)(13)) let some exemptions be used
        # nevertheless: decide those; any other is unavailable (issue 11).
        excepted = decide_every(transfer, law, Context(transfer, law), decide, despite_126_1=True)
        allowed = tuple(r.exemption for r in excepted if r.status == "eligible")
        unknown = unknown_countries(transfer)
        if allowed and not unknown:
            return Authorization(
                decision_id,
                transfer.transfer_id,
                "exempt",
                allowed[0],
                denied,
                excepted,
                (),
                law.as_of,
                law.id,
                warnings,
                allowed,
            )
        if allowed or any(r.status == "undetermined" for r in excepted):
            asked = [q for r in excepted for q in r.open_questions]
            asked += [question(f, law) for f in unknown]
            return Authorization(
                decision_id,
                transfer.transfer_id,
                "undetermined",
                None,
                denied,
                excepted,
                tuple({q.id: q for q in asked}.values()),
                law.as_of,
                law.id,
                warnings,
            )
        return Authorization(
            decision_id,
            transfer.transfer_id,
            "prohibited",
            None,
            denied,
            (),
            (),
            law.as_of,
            law.id,
            warnings,
        )
    results = decide_every(transfer, law, Context(transfer, law), decide)
    eligible = [r for r in results if r.status == "eligible"]
    questions: list[Question] = []
    seen: set[str] = set()
    for r in results:
        for q in r.open_questions:
            if q.id not in seen:
                seen.add(q.id)
                questions.append(q)
    unknown = unknown_countries(transfer)
    if eligible and not unknown:
        outcome: Outcome = "exempt"
    elif any(r.status == "undetermined" for r in results) and not eligible:
        outcome = "undetermined"
    elif unknown:
        # § 126.1 is not cleared while a country the transfer touches is unknown: it may
        # prohibit the transfer outright (§ 126.1(a): no exemption applies then).
        outcome = "undetermined"
        eligible = []
        questions.extend(
            question(f, law) for f in dict.fromkeys(unknown) if f not in {q.id for q in questions}
        )
    else:
        outcome = "license_required"
    return Authorization(
        decision_id,
        transfer.transfer_id,
        outcome,
        eligible[0].exemption if eligible else None,
        (),
        results,
        tuple(questions) if outcome == "undetermined" else (),
        law.as_of,
        law.id,
        warnings,
        tuple(r.exemption for r in eligible),
    )
