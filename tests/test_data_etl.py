"""Supp. No. 2 to part 126 (the Excluded Technology List): 28 rows, references made explicit."""

from __future__ import annotations

import exportctl
from exportctl.corpus.references import parse_usml


def test_28_rows(regs: exportctl.Regulations) -> None:
    assert len(regs.etl) == 28
    assert [r.row for r in regs.etl.rows] == list(range(1, 29))


def test_every_reference_resolves(regs: exportctl.Regulations) -> None:
    for row in regs.etl.rows:
        for ref in row.usml_refs:
            assert not ref.path or regs.usml.exists(ref), (row.id, str(ref))
        for entry in row.entries:
            for cond in entry.conditions:
                for ref in cond.refs:
                    assert not ref.path or regs.usml.exists(ref), (row.id, str(ref))


def test_through_is_expanded(regs: exportctl.Regulations) -> None:
    # Row 4: "II(j)(9) through (11), and (k)".
    refs = [str(r) for r in regs.etl.row("SUPP2-004").usml_refs]
    assert refs == ["II(j)(9)", "II(j)(10)", "II(j)(11)", "II(k)"]
    # Row 1: "I through XV, and XX".
    cats = [str(r) for r in regs.etl.row("SUPP2-001").usml_refs]
    assert cats[0] == "I" and cats[14] == "XV" and cats[-1] == "XX" and len(cats) == 16


def test_continuations_keep_their_level(regs: exportctl.Regulations) -> None:
    # Row 7: "V(a)(13)(iii) and (iv), (a)(23)(iii), (d)(3), (i), and (j)".
    refs = [str(r) for r in regs.etl.row("SUPP2-007").usml_refs]
    assert refs == ["V(a)(13)(iii)", "V(a)(13)(iv)", "V(a)(23)(iii)", "V(d)(3)", "V(i)", "V(j)"]
    # Row 16: "XI(a)(5)(iii), (c)(1) through (3) and (18), and (d)".
    refs = [str(r) for r in regs.etl.row("SUPP2-016").usml_refs]
    assert refs == ["XI(a)(5)(iii)", "XI(c)(1)", "XI(c)(2)", "XI(c)(3)", "XI(c)(18)", "XI(d)"]


def test_conditions_are_explicit_and_quoted(regs: exportctl.Regulations) -> None:
    for row in regs.etl.rows:
        text = " ".join(row.text.split())
        for entry in row.entries:
            assert entry.conditions, row.id
            for cond in entry.conditions:
                assert " ".join(cond.quote.split()) in text, (row.id, cond.quote)
                if cond.test == "fact":
                    assert cond.fact in regs.etl.facts, cond.fact


def test_classified_only_rows(regs: exportctl.Regulations) -> None:
    # Rows 12-17, 19, 22, 24 catch only classified articles (their text begins "Classified").
    for row_id in ("SUPP2-012", "SUPP2-017", "SUPP2-019", "SUPP2-022", "SUPP2-024"):
        row = regs.etl.row(row_id)
        for entry in row.entries:
            assert any(c.fact == "classified" and c.equals is True for c in entry.conditions)


def test_mt_row_excepts_viii_h_12(regs: exportctl.Regulations) -> None:
    # Row 1: MT-annotated articles "except for articles described in USML Category VIII(h)(12)".
    (entry,) = regs.etl.row("SUPP2-001").entries
    tests = {c.test: c for c in entry.conditions}
    assert "mt_designated" in tests
    assert tests["not_described_in"].refs == (parse_usml("VIII(h)(12)"),)


def test_rows_touching(regs: exportctl.Regulations) -> None:
    ids = {r.id for r in regs.etl.rows_touching(parse_usml("XI(a)(3)(xviii)"))}
    assert "SUPP2-013" in ids


def test_every_etl_erratum_applied() -> None:
    import json
    from pathlib import Path

    from exportctl.corpus.bundle import load_json

    path = Path(__file__).resolve().parents[1] / "data" / "errata" / "etl.json"
    ids = {e["id"] for e in json.loads(path.read_text(encoding="utf-8"))["errata"]}
    assert ids == set(load_json("etl.json")["errata_applied"]) == {"ETL-001", "ETL-002", "ETL-003"}
