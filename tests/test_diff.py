"""exportctl diff, the library side (engine/diff.py): one row per input record under two laws,
both outcomes, changed, why, both law ids; the transition matrix; streaming; law_changes.

Expected values are written out from the examples and the regulation text (ETL row 13,
§ 126.7(b)(2)(ii) of the final rule, the Category XIX relocation), never computed by the code
under test.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest

import exportctl
from exportctl.corpus.reforms import Reform, RemoveRows, Source, bundled_reform
from exportctl.engine.diff import (
    DiffRow,
    Transitions,
    diff_items,
    diff_transfers,
    law_changes,
)
from exportctl.inputs.readers import Record, read_csv_rows

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
TODAY = exportctl.law("2026-01-15")


def rows_of(path: Path, id_column: str) -> list[Record]:
    return list(read_csv_rows(path.read_bytes(), id_column=id_column))


def transfers(before: exportctl.Law, after: exportctl.Law) -> list[DiffRow]:
    return list(
        diff_transfers(
            rows_of(EXAMPLES / "transfers.csv", "transfer_id"), before, after, csv_form=True
        )
    )


def items(path: Path, before: exportctl.Law, after: exportctl.Law) -> list[DiffRow]:
    return list(diff_items(rows_of(path, "item_id"), before, after, csv_form=True))


@pytest.fixture(scope="module")
def etl_eliminated() -> list[DiffRow]:
    return transfers(TODAY, bundled_reform("etl-eliminated").apply(TODAY))


@pytest.fixture(scope="module")
def relocated() -> list[DiffRow]:
    after = bundled_reform("xix-engine-parts-to-ccl").apply(TODAY)
    return items(EXAMPLES / "relocation_parts.csv", TODAY, after)


def test_one_row_per_input_row_in_order(etl_eliminated: list[DiffRow]) -> None:
    ids = [r.subject_id for r in etl_eliminated]
    assert ids == [rec.item_id for rec in rows_of(EXAMPLES / "transfers.csv", "transfer_id")]
    assert [r.row for r in etl_eliminated] == list(range(1, 18))


def test_every_row_names_both_law_ids_and_never_shares_a_decision_id(
    etl_eliminated: list[DiffRow], relocated: list[DiffRow]
) -> None:
    for rows in (etl_eliminated, relocated):
        for r in rows:
            assert r.from_law_id != r.to_law_id
            a, b = r.from_decision, r.to_decision
            assert (a.law_id, b.law_id) == (r.from_law_id, r.to_law_id)
            assert a.decision_id != b.decision_id


def test_etl_eliminated_why_names_the_row_that_stopped_catching(
    etl_eliminated: list[DiffRow],
) -> None:
    by_id = {r.subject_id: r for r in etl_eliminated}
    # ETL-05: classified XI(a)(3)(xviii) radar to Australia, caught by row 13 ("Classified
    # articles described in USML Category XI(a)(3)(xviii)").
    row = by_id["ETL-05"]
    assert (row.from_outcome, row.to_outcome, row.changed) == ("license_required", "exempt", True)
    assert row.why == (
        "126.7: not_eligible → eligible",
        "126.7: caught only under from by SUPP2-013",
        "126.7 22 CFR 126.7(b)(3): fail → pass",
    )
    assert row.to_decision.exemption == "126.7"
    # CN-10: § 126.1 prohibits it under either law: nothing changes, nothing to explain
    assert (by_id["CN-10"].changed, by_id["CN-10"].why) == (False, ())


def test_the_transition_matrix(etl_eliminated: list[DiffRow]) -> None:
    t = Transitions()
    for r in etl_eliminated:
        t.add(r)
    assert (t.rows, t.changed, t.errors) == (17, 4, 0)
    assert t.matrix() == [
        {"from_outcome": "exempt", "to_outcome": "exempt", "rows": 5, "changed": False},
        {
            "from_outcome": "license_required",
            "to_outcome": "license_required",
            "rows": 4,
            "changed": False,
        },
        {"from_outcome": "license_required", "to_outcome": "exempt", "rows": 3, "changed": True},
        {"from_outcome": "undetermined", "to_outcome": "undetermined", "rows": 3, "changed": False},
        {"from_outcome": "prohibited", "to_outcome": "prohibited", "rows": 1, "changed": False},
        {"from_outcome": "undetermined", "to_outcome": "exempt", "rows": 1, "changed": True},
    ]


def test_relocation_items(relocated: list[DiffRow]) -> None:
    by_id = {r.subject_id: (r.from_outcome, r.to_outcome, r.changed) for r in relocated}
    assert by_id == {
        "ENG-01": ("ITAR", "EAR", True),
        "ENG-02": ("ITAR", "EAR", True),
        "ENG-03": ("ITAR", "EAR", True),
        "ENG-04": ("ITAR", "undetermined", True),
        "ENG-05": ("ITAR", "EAR, open", True),
        "ENG-06": ("ITAR", "ITAR", False),
        "ENG-07": ("EAR99", "EAR99", False),
        "ENG-08": ("ITAR", "ITAR", False),
    }
    eng01 = next(r for r in relocated if r.subject_id == "ENG-01")
    assert eng01.why[0] == "ITAR XIX(f)(5) → EAR 9A619.f"
    assert (
        "fired only under to: reform xix-engine-parts-to-ccl: USML XIX(f)(5) moved to ECCN 9A619.f"
        in eng01.why[1]
    )


def test_dates_across_the_final_rule_of_2025_12_30() -> None:
    """GB-03: a UK national-level government department as recipient.  The interim final rule's
    § 126.7(b)(2)(ii) reads "A U.S. Government department or agency"; the final rule's "A U.S.
    Government department or agency, United Kingdom national-level government department or
    agency, or Australian federal government department or agency"."""
    rows = transfers(exportctl.law("2025-12-29"), exportctl.law("2025-12-30"))
    gb03 = next(r for r in rows if r.subject_id == "GB-03")
    assert (gb03.from_outcome, gb03.to_outcome) == ("license_required", "exempt")
    assert gb03.why == (
        "126.7: version itar-126.7-ifr-2024 → itar-126.7-final-2025",
        "126.7: not_eligible → eligible",
        "126.7 22 CFR 126.7(b)(2): fail → pass",
    )
    assert all(r.from_decision.as_of.isoformat() == "2025-12-29" for r in rows if r.from_decision)


def test_an_error_on_one_side_only_is_a_change() -> None:
    """IV(c)(1) ("A commodity enumerated in paragraphs (a) or (b) of this category …") exists
    from 2025-09-15: an item naming it is an input error on 2025-09-14, decided after."""
    base = exportctl.law("2025-09-14")
    assert not base.usml.exists("IV(c)(1)") and exportctl.law("2025-09-15").usml.exists("IV(c)(1)")
    source = b"item_id,item_kind,usml_candidates\nNEW-1,system,IV(c)(1)\nOLD-1,system,none\n"
    records = list(read_csv_rows(source, id_column="item_id"))
    rows = list(diff_items(records, base, exportctl.law("2025-09-15"), csv_form=True))
    assert [r.from_outcome for r in rows] == ["error", "undetermined"]
    assert rows[0].to_outcome != "error"
    assert rows[0].changed and rows[0].why[0].startswith("from: error (usml_candidates: ")
    assert rows[1].why == ()


def test_the_two_sides_advance_in_step() -> None:
    """The diff reads each record once and holds at most a record or two between the two sides:
    after the n-th row, no more than n + 2 records have been read (memory flat in the file)."""
    read = 0

    def source() -> Iterator[Record]:
        nonlocal read
        for rec in itertools.cycle(rows_of(EXAMPLES / "parts_list.csv", "item_id")):
            read += 1
            yield rec

    after = Reform("t", "t", Source("d", "1", "q"), (RemoveRows("etl", "all"),)).apply(TODAY)
    stream = diff_items(source(), TODAY, after, csv_form=True)
    for n, _ in enumerate(itertools.islice(stream, 500), start=1):
        assert read <= n + 2


# --------------------------------------------------------------------------------------------
# law_changes


def test_law_changes_between_the_usml_editions() -> None:
    changes = law_changes(exportctl.law("2025-09-14"), exportctl.law("2025-09-15"))
    usml = {(c.ref, c.change) for c in changes if c.what == "usml"}
    assert ("IV(c)(1)", "added") in usml and ("IV(c)", "text changed") in usml
    citation = next(c.citation for c in changes if c.ref == "IV(c)(1)")
    assert citation == "22 CFR 121.1, Category IV(c)(1)"
    assert not [c for c in changes if c.what in ("etl", "amount", "relocation")]


def test_law_changes_under_reforms() -> None:
    eliminated = law_changes(TODAY, bundled_reform("etl-eliminated").apply(TODAY))
    assert [(c.what, c.change) for c in eliminated] == [("etl", "removed")] * 28
    assert eliminated[12].ref == "SUPP2-013"
    assert eliminated[12].citation == "22 CFR part 126, Supp. No. 2, row 13"
    moved = law_changes(TODAY, bundled_reform("xix-engine-parts-to-ccl").apply(TODAY))
    assert [(c.what, c.ref, c.after) for c in moved] == [
        ("relocation", "XIX(f)(3)", "ECCN 9A619.d"),
        ("relocation", "XIX(f)(4)", "ECCN 9A619.e"),
        ("relocation", "XIX(f)(5)", "ECCN 9A619.f"),
    ]
    parity = law_changes(TODAY, bundled_reform("nato-aukus-parity").apply(TODAY))
    assert [(c.what, c.ref, c.change) for c in parity] == [("exemption", "126.7-nato", "added")]


def test_law_changes_of_sets_amounts_and_versions() -> None:
    from exportctl.corpus.reforms import ChangeAmount, CountrySetChange, TerritoryChange

    reform = Reform(
        "t",
        "t",
        Source("d", "1", "q"),
        (
            CountrySetChange("nato", remove=("TR",)),
            ChangeAmount("123.15(a)", "22 CFR 123.15(a)(1)", "major_defense_equipment", 20_000_000),
            TerritoryChange("126.7", add=("CA",)),
        ),
    )
    changes = law_changes(TODAY, reform.apply(TODAY))
    shown = {(c.what, c.ref, c.change, c.before, c.after) for c in changes}
    assert ("country_set", "nato", "members removed", "TR", "") in shown
    assert ("country_set", "itar_123_15_a_2", "members removed", "TR", "") in shown
    assert ("country_set", "aukus_126_7_b_1~t", "added", "", "AU, CA, GB, US") in shown
    assert (
        "amount",
        "22 CFR 123.15(a)(1) (major_defense_equipment)",
        "changed",
        "$14,000,000 or more",
        "$20,000,000 or more",
    ) in shown
    assert (
        "exemption",
        "126.7 22 CFR 126.7(b)(1)",
        "requirement changed",
        "country_set=aukus_126_7_b_1",
        "country_set=aukus_126_7_b_1~t",
    ) in shown
    versions = law_changes(exportctl.law("2025-12-29"), exportctl.law("2025-12-30"))
    assert [(c.what, c.ref, c.before, c.after) for c in versions] == [
        ("exemption", "126.7", "itar-126.7-ifr-2024", "itar-126.7-final-2025")
    ]
    assert law_changes(TODAY, exportctl.law("2026-01-15")) == []
