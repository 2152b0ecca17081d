"""Which rows of Supp. No. 2 (the ETL) or Supp. No. 1 to part 126 catch a transfer.

A row catches a transfer when the transfer's USML paragraph lies within the row's USML column
and any of the row's entries holds; an entry holds when the transfer is of a kind it applies to
and all its conditions hold (data/errata/etl.json, supp1.json).  Every test is three-valued: an
unknown fact makes it unknown — never "not caught" — and the facts still needed are listed.

For technical data and defense services, "directly related technical data and defense services"
is read as: the conditions on the *articles* (described in, specially designed for) are tested
on the paragraphs of the articles the data or service is directly related to (``related_to``).

A USML reference above the leaf (a category such as ``XI`` or a parent such as ``XI(a)``) stands
for "some paragraph beneath it": a test that holds for every paragraph beneath holds, one that
holds for none does not, and any other stays unknown and asks for the precise paragraph.  An
unknown transfer kind is read as any of the kinds an entry applies to, the same way.
"""

from __future__ import annotations

from typing import Any

import attrs

from exportctl.corpus.references import USMLRef
from exportctl.corpus.supplements import Condition, ExclusionEntry, ExclusionRow, Supplement
from exportctl.corpus.usml import UnitedStatesMunitionsList
from exportctl.inputs.transfers import (
    TRANSFER_KINDS,
    Transfer,
    precise_paragraphs,
)

__all__ = ["RowMatch", "applicable_catches", "applicable_matches", "match_row", "match_rows"]

Tri = bool | None


@attrs.frozen
class RowMatch:
    """How one row reads against a transfer: caught (True), not (False) or unknown (None)."""

    row: ExclusionRow
    caught: Tri
    missing: tuple[str, ...] = ()
    facts: dict[str, Any] = attrs.field(factory=dict)
    detail: str = ""


def _within_any(refs: tuple[USMLRef, ...], targets: tuple[USMLRef, ...]) -> Tri:
    """Is any of ``refs`` within any of ``targets`` (three-valued)?  True when one is
    (:func:`~exportctl.inputs.transfers.reference_within` holds), else unknown when one may be
    (a target lies beneath the reference), else False.  (The comparison of
    ``reference_within`` written out: this is read for every row a transfer may touch.)"""
    if len(refs) == 1:
        return _ref_within_any(refs[0], targets)
    unknown = False
    for r in refs:
        found = _ref_within_any(r, targets)
        if found:
            return True
        if found is None:
            unknown = True
    return None if unknown else False


def _ref_within_any(ref: USMLRef, targets: tuple[USMLRef, ...]) -> Tri:
    """:func:`_within_any` of one reference (a row's scope is read so for every row a transfer
    may touch)."""
    category, path = ref.category, ref.path
    unknown = False
    for t in targets:
        if t.category != category:
            continue
        below = t.path
        if path[: len(below)] == below:
            return True
        if below[: len(path)] == path:
            unknown = True
    return None if unknown else False


def _subjects(transfer: Transfer) -> tuple[tuple[USMLRef, ...] | None, str]:
    """The USML paragraphs the article conditions are tested on, and the fact that gives them."""
    if transfer.transfer_kind in ("technical_data", "defense_service"):
        return transfer.related_to, "related_to"
    if transfer.usml_classification is None:
        return None, "usml_classification"
    return (transfer.usml_classification,), "usml_classification"


def _mt(transfer: Transfer, usml: UnitedStatesMunitionsList) -> tuple[Tri, list[str]]:
    refs, fact = _subjects(transfer)
    if refs is None:
        return None, [fact]
    return _mt_of(refs, transfer, usml)


def _mt_of(
    refs: tuple[USMLRef, ...], transfer: Transfer, usml: UnitedStatesMunitionsList
) -> tuple[Tri, list[str]]:
    """:func:`_mt` of the paragraphs ``refs`` (the transfer's subjects, or one leaf beneath
    them): MT when one is, open on ``mt_condition_met`` when one is conditionally, else not."""
    # The paragraph's effective MT designation (USMLParagraph.mt, § 120.10(d)): the one
    # definition classify() and `usml show` use too.
    table = _mt_table(usml)
    designations = [table.designation(ref) for ref in refs]
    if "yes" in designations:
        return True, []
    if "conditional" in designations:
        value = transfer.answer("mt_condition_met")
        return (None, ["mt_condition_met"]) if value is None else (bool(value), [])
    return False, []


class _MTTable:
    """What :func:`_mt_designated` reads of one USML edition, by reference: a paragraph's
    effective MT designation (None when it names no paragraph or has none) and the precise
    paragraphs beneath it (:func:`~exportctl.inputs.transfers.precise_paragraphs`), each
    worked out once per edition (the edition's text decides them)."""

    __slots__ = ("designations", "leaves", "usml")

    def __init__(self, usml: UnitedStatesMunitionsList) -> None:
        self.usml = usml
        self.designations: dict[tuple[str, tuple[str, ...]], str | None] = {}
        self.leaves: dict[tuple[str, tuple[str, ...]], tuple[USMLRef, ...]] = {}

    def designation(self, ref: USMLRef) -> str | None:
        key = (ref.category, ref.path)
        try:
            return self.designations[key]
        except KeyError:
            pass
        found: str | None = None
        if self.usml.exists(ref):
            mt = self.usml.get(ref).mt
            if mt is not None:
                found = mt.designated
        self.designations[key] = found
        return found

    def precise(self, ref: USMLRef) -> tuple[USMLRef, ...]:
        key = (ref.category, ref.path)
        found = self.leaves.get(key)
        if found is None:
            found = self.leaves[key] = precise_paragraphs(self.usml, ref)
        return found


def _mt_table(usml: UnitedStatesMunitionsList) -> _MTTable:
    """The :class:`_MTTable` of ``usml``, kept by the edition's identity (with the edition, so
    an id is never reused while it is here)."""
    found = _MT_TABLES.get(id(usml))
    if found is None or found.usml is not usml:
        if len(_MT_TABLES) >= 16:
            _MT_TABLES.clear()
        found = _MT_TABLES[id(usml)] = _MTTable(usml)
    return found


_MT_TABLES: dict[int, _MTTable] = {}


#: What a condition that holds or fails outright needs (nothing; never changed by a reader).
_NOTHING: list[str] = []
#: The conditions that read USML paragraphs (any other reads a fact of the transfer).
_OF_REFERENCES = frozenset(
    {"described_in", "not_described_in", "specially_designed_for", "related_to", "mt_designated"}
)


def _condition(
    cond: Condition, transfer: Transfer, usml: UnitedStatesMunitionsList
) -> tuple[Tri, list[str]]:
    test = cond.test
    if test not in _OF_REFERENCES:  # a fact: the commonest (Supp. No. 1: 196 of 242 conditions)
        fact = cond.fact
        assert fact is not None
        value = transfer.answers.get(fact)  # Transfer.answer
        if value is None:
            return None, [fact]
        if cond.one_of:
            return str(value) in cond.one_of, _NOTHING
        return value == cond.equals, _NOTHING
    if test in ("described_in", "not_described_in"):
        refs, fact = _subjects(transfer)
        if refs is None:
            return None, [fact]
        inside = _within_any(refs, cond.refs)
        if inside is None:
            return None, [fact]  # which paragraph beneath the reference?
        return (inside if cond.test == "described_in" else not inside), []
    if test in ("specially_designed_for", "related_to"):
        field = cond.test if cond.test == "specially_designed_for" else "related_to"
        refs = (
            transfer.specially_designed_for
            if field == "specially_designed_for"
            else (transfer.related_to)
        )
        if refs is None:
            return None, [field]
        found = _within_any(refs, cond.refs)
        return found, [] if found is not None else [field]
    return _mt_designated(transfer, usml)  # mt_designated


def _mt_designated(transfer: Transfer, usml: UnitedStatesMunitionsList) -> tuple[Tri, list[str]]:
    """:func:`_mt`, with a reference above the leaf read as each paragraph beneath it: MT when
    every one is, not when none is, unknown (which paragraph?) otherwise."""
    refs, fact = _subjects(transfer)
    if refs is None:
        return None, [fact]
    table = _mt_table(usml)
    if all(table.precise(r) == (r,) for r in refs):
        return _mt_of(refs, transfer, usml)
    values: set[Tri] = set()
    missing: list[str] = []
    for ref in refs:  # any of the subjects MT-designated (as _mt reads several)
        readings: set[Tri] = set()
        for leaf in table.precise(ref):
            # The transfer with this one paragraph as its subject (its USML classification,
            # or the one paragraph its data or service is related to).
            value, needed = _mt_of((leaf,), transfer, usml)
            readings.add(value)
            missing.extend(f for f in needed if f not in missing)
        if len(readings) == 1:
            values |= readings
        else:
            values.add(None)
            if fact not in missing:
                missing.insert(0, fact)
    if True in values:
        return True, []
    if None in values:
        return None, missing
    return False, []


def _entry(
    entry: ExclusionEntry, transfer: Transfer, usml: UnitedStatesMunitionsList
) -> tuple[Tri, list[str]]:
    if transfer.transfer_kind is None:
        # Unknown kind: read the entry for each kind it applies to (and for the others, where
        # it does not hold).  It holds when every reading holds, not when none does; otherwise
        # the kind (and what the readings need) is asked.
        kinds = sorted(entry.applies_to)
        readings = [_entry(entry, attrs.evolve(transfer, transfer_kind=k), usml) for k in kinds]
        if all(value is False for value, _ in readings):
            return False, []
        if entry.applies_to >= set(TRANSFER_KINDS) and all(value is True for value, _ in readings):
            return True, []
        asked = ["transfer_kind"]
        for _, needed in readings:
            asked.extend(f for f in needed if f not in asked)
        return None, asked
    if transfer.transfer_kind not in entry.applies_to:
        return False, []
    missing: list[str] = []
    result: Tri = True
    for cond in entry.conditions:
        value, needed = _condition(cond, transfer, usml)
        if value is False:
            return False, []
        if value is None:
            result = None
            missing.extend(f for f in needed if f not in missing)
    return result, missing


def _reading(
    row: ExclusionRow, ref: USMLRef, transfer: Transfer, usml: UnitedStatesMunitionsList
) -> tuple[Tri, Tri, list[str], int]:
    """How ``row`` reads against a transfer of USML paragraph ``ref``: whether the paragraph
    lies in the row's column, whether an entry holds (caught), the facts the open entries need,
    and which entry holds (its number; 0 when none does).  Not read further when outside."""
    in_scope = _ref_within_any(ref, row.usml_refs)
    if in_scope is False:
        return False, False, [], 0
    missing: list[str] = []
    caught: Tri = False
    for n, entry in enumerate(row.entries, start=1):
        value, needed = _entry(entry, transfer, usml)
        if value is True:
            return in_scope, True, missing, n
        if value is None:
            caught = None
            missing.extend(f for f in needed if f not in missing)
    return in_scope, caught, missing, 0


def match_row(row: ExclusionRow, transfer: Transfer, usml: UnitedStatesMunitionsList) -> RowMatch:
    ref = transfer.usml_classification
    if ref is None:
        return RowMatch(
            row,
            None,
            ("usml_classification",),
            detail="the row's scope is given by USML paragraphs",
        )
    in_scope, caught, missing, n = _reading(row, ref, transfer, usml)
    if in_scope is False:
        return RowMatch(
            row,
            False,
            (),
            {"usml_classification": str(ref)},
            f"outside the row's USML column ({row.usml_column})",
        )
    holds = "" if not n else f"entry {n} holds" if len(row.entries) > 1 else "the row holds"
    if caught is not False and in_scope is None:
        # Some paragraphs beneath the reference lie in the row's column, others do not.
        return RowMatch(
            row,
            None,
            tuple(dict.fromkeys(("usml_classification", *([] if holds else missing)))),
            _facts_read(row, transfer),
            f"{ref} stands for some paragraph beneath it, and the "
            f"row's column ({row.usml_column}) holds only some of them: which paragraph?",
        )
    if caught is True:
        return RowMatch(row, True, (), _facts_read(row, transfer), holds)
    return RowMatch(
        row,
        caught,
        tuple(missing),
        _facts_read(row, transfer),
        "no entry holds" if caught is False else "depends on open facts",
    )


def _facts_read(row: ExclusionRow, transfer: Transfer) -> dict[str, Any]:
    read: dict[str, Any] = {
        "usml_classification": str(transfer.usml_classification),
        "transfer_kind": transfer.transfer_kind,
    }
    for entry in row.entries:
        for cond in entry.conditions:
            if cond.fact:
                read[cond.fact] = transfer.answer(cond.fact)
            elif cond.test == "specially_designed_for":
                read["specially_designed_for"] = (
                    None
                    if transfer.specially_designed_for is None
                    else [str(r) for r in transfer.specially_designed_for]
                )
            elif cond.test == "related_to" or transfer.transfer_kind != "article":
                read["related_to"] = (
                    None if transfer.related_to is None else [str(r) for r in transfer.related_to]
                )
    return read


def match_rows(
    supplement: Supplement,
    transfer: Transfer,
    usml: UnitedStatesMunitionsList,
    column: str | None = None,
) -> tuple[RowMatch, ...]:
    """Every row (of one exemption's column, for Supp. No. 1) read against the transfer."""
    rows = [r for r in supplement.rows if column is None or column in r.excluded_from]
    return tuple(match_row(r, transfer, usml) for r in rows)


# --------------------------------------------------------------------------------------------
# Only the rows that can apply


@attrs.frozen(eq=False)
class _Index:
    """The rows of a supplement (of one exemption's column), in order, by the branches of the
    USML their columns reach.  A row whose column names no paragraph of a transfer's category,
    or only paragraphs under another top-level paragraph of it (``XI(c)`` for ``XI(a)(3)``), is
    outside it (:func:`match_row`: "outside the row's USML column") and catches nothing."""

    rows: tuple[ExclusionRow, ...]
    #: Rows naming the category, or any paragraph in it (for a reference to a category).
    by_category: dict[str, tuple[ExclusionRow, ...]]
    #: Rows naming the category itself, or a paragraph under one top-level paragraph.
    by_branch: dict[tuple[str, str], tuple[ExclusionRow, ...]]
    #: Rows naming the category itself (for a top-level paragraph no row names).
    whole_category: dict[str, tuple[ExclusionRow, ...]]

    def rows_for(self, ref: USMLRef) -> tuple[ExclusionRow, ...]:
        if not ref.path:
            return self.by_category.get(ref.category, ())
        found = self.by_branch.get((ref.category, ref.path[0]))
        return found if found is not None else self.whole_category.get(ref.category, ())


_INDEXES: dict[tuple[int, str | None], tuple[Supplement, _Index]] = {}


def _index(supplement: Supplement, column: str | None) -> _Index:
    key = (id(supplement), column)
    found = _INDEXES.get(key)
    if found is None or found[0] is not supplement:
        rows = tuple(r for r in supplement.rows if column is None or column in r.excluded_from)
        categories = sorted({ref.category for r in rows for ref in r.usml_refs})
        branches = sorted(
            {(ref.category, ref.path[0]) for r in rows for ref in r.usml_refs if ref.path}
        )
        index = _Index(
            rows,
            {
                c: tuple(r for r in rows if any(ref.category == c for ref in r.usml_refs))
                for c in categories
            },
            {
                (c, top): tuple(
                    r
                    for r in rows
                    if any(
                        ref.category == c and (not ref.path or ref.path[0] == top)
                        for ref in r.usml_refs
                    )
                )
                for c, top in branches
            },
            {
                c: tuple(
                    r
                    for r in rows
                    if any(ref.category == c and not ref.path for ref in r.usml_refs)
                )
                for c in categories
            },
        )
        if len(_INDEXES) >= 64:
            _INDEXES.clear()
        found = _INDEXES[key] = (supplement, index)
    return found[1]


def applicable_matches(
    supplement: Supplement,
    transfer: Transfer,
    usml: UnitedStatesMunitionsList,
    column: str | None = None,
) -> tuple[RowMatch, ...]:
    """The rows of :func:`match_rows` that catch the transfer or may (caught True or None), in
    the supplement's order, each read as :func:`match_row` reads it: the others are not read.

    A row can catch the transfer only when its USML column reaches the transfer's paragraph
    (or one beneath it): the rows are indexed by the categories and top-level paragraphs their
    columns name, and only those on the transfer's branch are read.  Without a USML
    classification every row is open, and every row is read.
    """
    index = _index(supplement, column)
    ref = transfer.usml_classification
    rows = index.rows if ref is None else index.rows_for(ref)
    out = []
    for row in rows:
        match = match_row(row, transfer, usml)
        if match.caught is not False:
            out.append(match)
    return tuple(out)


#: A row that catches a transfer or may, as :func:`applicable_catches` gives it: the row,
#: caught (True) or unknown (None), and the facts still needed (:class:`RowMatch`'s fields,
#: without the facts read and the detail).
Catch = tuple[ExclusionRow, Tri, tuple[str, ...]]


def applicable_catches(
    supplement: Supplement,
    transfer: Transfer,
    usml: UnitedStatesMunitionsList,
    column: str | None = None,
) -> tuple[Catch, ...]:
    """:func:`applicable_matches` as ``(row, caught, missing)``: what the requirement that no
    row catches the transfer reads of each (``not_on_supplement``), read as :func:`match_row`
    reads it, without the facts read and the detail a :class:`RowMatch` writes."""
    index = _index(supplement, column)
    ref = transfer.usml_classification
    if ref is None:
        return tuple((row, None, ("usml_classification",)) for row in index.rows)
    out: list[Catch] = []
    for row in index.rows_for(ref):
        in_scope, caught, missing, n = _reading(row, ref, transfer, usml)
        if caught is False:
            continue
        if in_scope is None:
            out.append(
                (row, None, tuple(dict.fromkeys(("usml_classification", *([] if n else missing)))))
            )
        elif caught is True:
            out.append((row, True, ()))
        else:
            out.append((row, None, tuple(missing)))
    return tuple(out)
