"""Supp. No. 1 to part 126: the corrected table, its column flags and conditions."""

from __future__ import annotations

import json

import exportctl
from exportctl.corpus.bundle import load_json


def test_98_rows_and_every_source_row_used(regs: exportctl.Regulations) -> None:
    assert len(regs.supp1) == 98
    raw = load_json("supp1.json")
    used = {s for r in raw["rows"] for s in r["sources"]}
    assert used == {f"SUPP1-{n:03d}" for n in range(1, 99)}


def test_no_column_marker_left_in_text(regs: exportctl.Regulations) -> None:
    # The reference's texts carried the table's "X" column markers ("Missile Technology X Control").
    for row in regs.supp1.rows:
        assert " X " not in f" {row.text} ", row.id


def test_all_three_columns_for_classified_and_mtcr(regs: exportctl.Regulations) -> None:
    # Row 1 "Classified defense articles and services" and row 2 "MTCR Annex": X in all columns.
    for row_id in ("S1-001", "S1-002"):
        assert set(regs.supp1.row(row_id).excluded_from) == {"126.5", "126.16", "126.17"}


def test_canada_only_rows(regs: exportctl.Regulations) -> None:
    # Row 4 concerns "defense articles identified in this supplement as excluded from the
    # Canadian exemption" — by its own words it is a § 126.5 (Canadian) exclusion.
    assert regs.supp1.row("S1-004").excluded_from == ("126.5",)


def test_references_resolve(regs: exportctl.Regulations) -> None:
    for row in regs.supp1.rows:
        assert row.usml_refs, row.id
        for ref in row.usml_refs:
            assert not ref.path or regs.usml.exists(ref), (row.id, str(ref))


def test_quotes_are_in_the_row(regs: exportctl.Regulations) -> None:
    for row in regs.supp1.rows:
        text = " ".join(row.text.split())
        for entry in row.entries:
            for cond in entry.conditions:
                assert " ".join(cond.quote.split()) in text, (row.id, cond.quote)


def test_every_supp1_erratum_applied() -> None:
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "data" / "errata" / "supp1.json"
    ids = {e["id"] for e in json.loads(path.read_text(encoding="utf-8"))["errata"]}
    assert ids and set(load_json("supp1.json")["errata_applied"]) == ids
