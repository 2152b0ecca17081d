"""Supplements No. 1 and No. 2 to 22 CFR part 126 as data: rows, their USML references, conditions.

Supp. No. 2 is the Excluded Technology List (ETL) of the AUKUS exemption, § 126.7(b)(3);
Supp. No. 1 lists what the Canadian exemption (§ 126.5) and the Australia/UK treaty exemptions
(§§ 126.16, 126.17) exclude.  Each row keeps its original text; its conditions are explicit data
(see data/errata/etl.json and supp1.json), each quoting the words of the row it reads.
"""

from __future__ import annotations

from typing import Any, Literal, get_args

import attrs

from exportctl.corpus.references import USMLRef, parse_usml

__all__ = [
    "Condition",
    "ExclusionEntry",
    "ExclusionRow",
    "FactDefinition",
    "Supplement",
    "supplement_from_data",
]

ConditionTest = Literal[
    "described_in",
    "not_described_in",
    "specially_designed_for",
    "related_to",
    "mt_designated",
    "fact",
]
#: Every test a row's condition may use (the data build rejects any other).
CONDITION_TESTS: frozenset[str] = frozenset(get_args(ConditionTest))
#: What a row may catch: articles, technical data, defense services.
APPLIES_TO: frozenset[str] = frozenset({"article", "technical_data", "defense_service"})


@attrs.frozen
class Condition:
    """One test a row turns on, with the words of the row it reads."""

    test: ConditionTest
    quote: str
    refs: tuple[USMLRef, ...] = ()
    fact: str | None = None
    equals: bool | None = None
    one_of: tuple[str, ...] = ()


@attrs.frozen
class ExclusionEntry:
    applies_to: frozenset[str]
    conditions: tuple[Condition, ...]


@attrs.frozen
class ExclusionRow:
    id: str
    row: int
    citation: str
    usml_column: str
    usml_refs: tuple[USMLRef, ...]
    text: str
    entries: tuple[ExclusionEntry, ...]
    condition_kinds: tuple[str, ...] = ()
    excluded_from: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()


@attrs.frozen
class FactDefinition:
    id: str
    question: str
    type: str
    values: tuple[str, ...] = ()


@attrs.frozen(eq=False)
class Supplement:
    title: str
    rows: tuple[ExclusionRow, ...]
    facts: dict[str, FactDefinition] = attrs.field(repr=False)
    notes: tuple[dict[str, str], ...] = ()

    def __len__(self) -> int:
        return len(self.rows)

    def row(self, row_id: str) -> ExclusionRow:
        for r in self.rows:
            if r.id == row_id or str(r.row) == row_id:
                return r
        raise KeyError(f"no row {row_id!r} in {self.title}")

    def rows_touching(self, ref: USMLRef) -> tuple[ExclusionRow, ...]:
        """Rows whose USML column names ``ref``, an ancestor of it, or a paragraph beneath it."""
        return tuple(
            r for r in self.rows if any(ref.is_within(u) or u.is_within(ref) for u in r.usml_refs)
        )


def _condition(raw: dict[str, Any]) -> Condition:
    return Condition(
        test=raw["test"],
        quote=raw["quote"],
        refs=tuple(parse_usml(r) for r in raw.get("refs", ())),
        fact=raw.get("fact"),
        equals=raw.get("equals"),
        one_of=tuple(raw.get("in", ())),
    )


def _row(raw: dict[str, Any]) -> ExclusionRow:
    excluded = raw.get("excluded_from")
    return ExclusionRow(
        id=raw["id"],
        row=raw["row"],
        citation=raw["citation"],
        usml_column=raw.get("usml_column") or raw.get("usml_category_column", ""),
        usml_refs=tuple(parse_usml(r) for r in raw["usml_refs"]),
        text=raw.get("text") or raw.get("exclusion_text", ""),
        entries=tuple(
            ExclusionEntry(
                frozenset(e["applies_to"]), tuple(_condition(c) for c in e["conditions"])
            )
            for e in raw["entries"]
        ),
        condition_kinds=tuple(raw.get("condition_kinds", ())),
        excluded_from=tuple(k for k, v in (excluded or {}).items() if v),
        notes=tuple(raw.get("notes", ())),
    )


def supplement_from_data(raw: dict[str, Any]) -> Supplement:
    """Supp. No. 1 or No. 2 to part 126 from its bundled JSON form."""
    facts = {
        k: FactDefinition(k, v["question"], v["type"], tuple(v.get("values", ())))
        for k, v in raw["facts"].items()
    }
    return Supplement(
        raw["supplement"], tuple(_row(r) for r in raw["rows"]), facts, tuple(raw.get("notes", ()))
    )

