"""What ``not_on_supplement`` reads of the ETL (Supp. No. 2 to part 126) and Supp. No. 1 to
part 126 (issue 13): each row that catches a transfer or may, read without the facts and the
detail a :class:`~exportctl.engine.exclusions.RowMatch` writes (``applicable_catches``), is the
row, the reading and the facts still needed that :func:`match_row` gives; and the MT reading of
a reference above the leaf (Supp. No. 2, the rows on MT-designated articles: 22 CFR
120.10(d)), read from what the USML edition says of each paragraph beneath it, is the reading
of each of those paragraphs put in the transfer's place.  Never a speed assertion here.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import attrs
from hypothesis import Phase, given, settings
from hypothesis import strategies as st
from tests.test_status_authorize import _csv_transfers
from tools import bench

import exportctl
from exportctl.core.facts import ContradictoryFacts, FactError
from exportctl.engine.exclusions import (
    _mt_designated,
    applicable_catches,
    applicable_matches,
    match_rows,
)
from exportctl.inputs.transfers import Transfer, precise_paragraphs, transfer_from_csv_row
from exportctl.testing import transfers

ROOT = Path(__file__).resolve().parents[1]
LAW = exportctl.law("2025-11-01")
FINAL = exportctl.law("2026-01-15")
_PHASES = (Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink)
SOME = settings(max_examples=150, deadline=None, phases=_PHASES)
DAYS = st.sampled_from([LAW, FINAL])


def _columns(law: exportctl.Law) -> list[tuple[Any, str | None]]:
    return [(law.etl, None), (law.supp1, "126.5"), (law.supp1, None)]


def _same_catches(transfer: Transfer, law: exportctl.Law) -> int:
    """``applicable_catches`` against every row read by ``match_row``; the rows caught or open."""
    found = 0
    for supplement, column in _columns(law):
        every = match_rows(supplement, transfer, law.usml, column=column)
        want = [(m.row, m.caught, m.missing) for m in every if m.caught is not False]
        got = applicable_catches(supplement, transfer, law.usml, column)
        assert list(got) == want, (transfer.transfer_id, column)
        assert [
            (m.row, m.caught, m.missing)
            for m in applicable_matches(supplement, transfer, law.usml, column)
        ] == want
        found += len(want)
    return found


def _mt_by_each_leaf(transfer: Transfer, law: exportctl.Law) -> tuple[bool | None, list[str]]:
    """The MT reading written out as the text says: each paragraph beneath the transfer's
    subject (its USML paragraph, or the paragraphs its data or service is related to) put in
    the transfer's place, read by the paragraph's own designation."""
    related = transfer.transfer_kind in ("technical_data", "defense_service")
    refs = (
        transfer.related_to
        if related
        else (None if transfer.usml_classification is None else (transfer.usml_classification,))
    )
    fact = "related_to" if related else "usml_classification"
    if refs is None:
        return None, [fact]

    def one(subjects: tuple[Any, ...]) -> tuple[bool | None, list[str]]:
        designations = [
            law.usml.get(r).mt.designated  # type: ignore[union-attr]
            for r in subjects
            if law.usml.exists(r) and law.usml.get(r).mt is not None
        ]
        if "yes" in designations:
            return True, []
        if "conditional" in designations:
            value = transfer.answer("mt_condition_met")
            return (None, ["mt_condition_met"]) if value is None else (bool(value), [])
        return False, []

    if all(precise_paragraphs(law.usml, r) == (r,) for r in refs):
        return one(refs)
    values: set[bool | None] = set()
    missing: list[str] = []
    for ref in refs:
        readings = set()
        for leaf in precise_paragraphs(law.usml, ref):
            put = (
                attrs.evolve(transfer, related_to=(leaf,))
                if related
                else attrs.evolve(transfer, usml_classification=leaf)
            )
            assert (put.related_to if related else (put.usml_classification,)) == (leaf,)
            value, needed = one((leaf,))
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


def _bench_transfers(tmp_path: Path, law: exportctl.Law, n: int) -> list[Transfer]:
    path = tmp_path / "transfers.csv"
    bench.write_csv(path, bench.header_of(bench.TRANSFERS), bench.distinct_transfers(n))
    return _csv_transfers(path, law)


def test_the_examples_read_the_rows_alike() -> None:
    with open(ROOT / "examples" / "transfers.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    for law in (LAW, FINAL):
        for row in rows:
            _same_catches(transfer_from_csv_row(row, law), law)


def test_distinct_transfers_read_the_rows_alike(tmp_path: Path) -> None:
    """The benchmark's distinct transfers: rows caught, open for a fact, and open for the
    paragraph beneath a reference (each reading of :func:`match_row` is met)."""
    law = exportctl.law("2025-06-01")
    found = _bench_transfers(tmp_path, law, 400)
    assert len(found) > 300
    readings: set[tuple[bool | None, bool]] = set()
    for transfer in found:
        _same_catches(transfer, law)
        for supplement, column in _columns(law):
            for _, caught, missing in applicable_catches(supplement, transfer, law.usml, column):
                readings.add((caught, "usml_classification" in missing))
    assert {(True, False), (None, False), (None, True)} <= readings


@SOME
@given(DAYS.flatmap(lambda law: st.tuples(st.just(law), transfers(law))))
def test_generated_transfers_read_the_rows_alike(pair: tuple[exportctl.Law, Transfer]) -> None:
    law, transfer = pair
    _same_catches(transfer, law)


def _above_the_leaf(law: exportctl.Law) -> list[Transfer]:
    """Transfers whose subject is a category or a parent paragraph, of each kind, with and
    without an answer to ``mt_condition_met``."""
    parents = sorted(
        {p.ref.parent for p in law.usml.paragraphs if p.ref.parent is not None},
        key=str,
    )
    found = []
    for n, ref in enumerate(parents):
        for kind in ("article", "technical_data"):
            for met in (None, True, False):
                facts: dict[str, Any] = {
                    "transfer_id": f"T-{n}",
                    "transfer_kind": kind,
                    "usml_classification": str(ref),
                }
                if kind == "technical_data":
                    facts["related_to"] = [str(ref), "IV(h)(1)"] if n % 2 else [str(ref)]
                if met is not None:
                    facts["mt_condition_met"] = met
                try:
                    found.append(exportctl.transfer_from_mapping(facts, law))
                except (FactError, ContradictoryFacts):
                    continue
    return found


def test_mt_above_the_leaf_is_each_paragraph_beneath_read_in_turn() -> None:
    for law in (LAW, FINAL):
        cases = _above_the_leaf(law)
        assert len(cases) > 200
        readings = set()
        for transfer in cases:
            got = _mt_designated(transfer, law.usml)
            assert got == _mt_by_each_leaf(transfer, law), transfer
            readings.add(got[0])
        # MT for every paragraph beneath, for none, and for some (which paragraph?).
        assert readings == {True, False, None}


@SOME
@given(DAYS.flatmap(lambda law: st.tuples(st.just(law), transfers(law))))
def test_mt_of_generated_transfers_is_each_paragraph_read_in_turn(
    pair: tuple[exportctl.Law, Transfer],
) -> None:
    law, transfer = pair
    assert _mt_designated(transfer, law.usml) == _mt_by_each_leaf(transfer, law)
