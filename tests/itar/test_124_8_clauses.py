"""22 CFR 124.8 and 124.9: the clauses, word for word, and the check of a draft agreement
(white space and quotation marks aside; the reference's "sub- licensees" and "DSP- 83" read as
written with a hyphen).  The expected words are read from the reference clause text here, not
from the data under test."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

import pytest

import exportctl
from exportctl.engine.agreements import AgreementPlan
from exportctl.engine.itar.part124 import check_statement

ROOT = Path(__file__).resolve().parents[2]
DRAFT = ROOT / "examples" / "agreements" / "draft-taa.txt"


@pytest.fixture(scope="module")
def kg(reference: Path) -> dict[str, str]:
    with (reference / "itar" / "kg" / "nodes_Clause.csv").open(newline="", encoding="utf-8") as fh:
        return {row["clause_id"]: row["text"] for row in csv.DictReader(fh)}


def quoted(text: str) -> str:
    """The words between a clause's opening quotation mark and its first closing one."""
    return text[text.index("\u201c") + 1 : text.index("\u201d")]


def test_124_8_statements_are_the_regulation_words(
    kg: dict[str, str], law25: exportctl.Law
) -> None:
    rules = law25.agreement_rules
    for n in range(1, 7):
        words = quoted(kg[f"SEC-124.8(a)({n})"])
        assert rules.rule(f"22 CFR 124.8(a)({n})").statement == words, n


@pytest.mark.parametrize("kind", ["TAA", "MLA"])
def test_124_8_clauses_go_in_every_taa_and_mla(
    planned: Callable[..., AgreementPlan], kind: str
) -> None:
    p = planned(kind=kind)
    for n in range(1, 7):
        item = p.item(f"22 CFR 124.8(a)({n})")
        assert (item.status, item.document, item.authority) == (
            "required",
            "agreement",
            "regulation",
        )


def test_124_8_is_not_a_wda_clause(planned: Callable[..., AgreementPlan]) -> None:
    p = planned(kind="WDA")
    assert p.item("22 CFR 124.8(a)(1)").status == "not_required"
    assert p.item("22 CFR 124.14(c)(1)").status == "required"


def test_124_9_a_only_for_mlas_and_b_only_for_sme_production(
    planned: Callable[..., AgreementPlan],
) -> None:
    taa = planned(kind="TAA")
    assert taa.item("22 CFR 124.9(a)(1)").status == "not_required"
    mla = planned(kind="MLA", usml_paragraphs=["XI(c)(1)"], sme=False)
    assert all(mla.item(f"22 CFR 124.9(a)({n})").status == "required" for n in range(1, 7))
    assert mla.item("22 CFR 124.9(b)(1)").status == "not_required"
    sme = planned(kind="MLA")  # XI(a)(3)(xviii) carries an asterisk: SME (§ 120.36(b)(1))
    assert sme.derived["sme"].startswith("USML XI(a)(3)(xviii) is marked with an asterisk")
    assert sme.item("22 CFR 124.9(b)(1)").status == "required"
    assert sme.item("22 CFR 124.9(b)(2)").status == "required"


def test_unknown_sme_leaves_124_9_b_open(planned: Callable[..., AgreementPlan]) -> None:
    p = planned(kind="MLA", usml_paragraphs=["XI(c)(1)"])
    item = p.item("22 CFR 124.9(b)(1)")
    assert item.status == "unknown" and item.missing == ("sme",)
    assert p.status == "incomplete"


def _draft(law: exportctl.Law, kind: str) -> str:
    rules = law.agreement_rules
    ids = [f"22 CFR 124.8(a)({n})" for n in range(1, 7)]
    if kind == "MLA":
        ids += [f"22 CFR 124.9(a)({n})" for n in range(1, 7)]
    return "\n\n".join(
        f"Art. {n}. \u201c{rules.rule(i).statement}\u201d" for n, i in enumerate(ids)
    )


def test_a_draft_with_every_clause(
    planned: Callable[..., AgreementPlan], law25: exportctl.Law
) -> None:
    p = planned(drafts={"agreement": _draft(law25, "TAA")})
    assert {p.item(f"22 CFR 124.8(a)({n})").draft for n in range(1, 7)} == {"present"}
    assert p.draft_problems == ()


def test_white_space_quotes_and_line_breaks_do_not_matter(law25: exportctl.Law) -> None:
    statement = law25.agreement_rules.rule("22 CFR 124.8(a)(4)").statement
    assert statement is not None and "No liability will" in statement  # § 124.8(a)(4)'s words
    folded = statement.replace(" ", "\n   ", 5).replace("'", "\u2019")
    assert check_statement(f"\u201c{folded}\u201d", statement).status == "present"
    assert check_statement(statement.replace("'", ""), statement).status == "present"


def test_reference_line_break_artefacts_are_tolerated(law25: exportctl.Law) -> None:
    rules = law25.agreement_rules
    a3 = rules.rule("22 CFR 124.9(a)(3)")
    assert a3.statement is not None and "sub- licensees" in a3.statement
    draft = a3.statement.replace("sub- licensees", "sub-licensees")
    assert check_statement(draft, a3.statement, a3.placeholders).status == "present"
    note = rules.rule("22 CFR 124.10(b)(1)").quote
    assert "DSP- 83" in note
    assert check_statement(note.replace("DSP- 83", "DSP-83"), note).status == "present"


def test_placeholders_are_filled_in(law25: exportctl.Law) -> None:
    a5 = law25.agreement_rules.rule("22 CFR 124.9(a)(5)")
    assert a5.statement is not None and a5.placeholders == ("(applicant or licensee)",)
    filled = a5.statement.replace("(applicant or licensee)", "Kansai Denshi K.K.")
    assert check_statement(filled, a5.statement, a5.placeholders).status == "present"


def test_altered_and_missing_statements_are_named(law25: exportctl.Law) -> None:
    statement = law25.agreement_rules.rule("22 CFR 124.8(a)(4)").statement
    assert statement is not None and "No liability will" in statement  # § 124.8(a)(4)'s words
    altered = check_statement(
        statement.replace("No liability will", "Limited liability may"), statement
    )
    assert altered.status == "altered"
    assert "'Limited' where the regulation writes 'No'" in altered.detail
    assert "'may' where the regulation writes 'will'" in altered.detail
    short = check_statement(statement.replace(", either domestic or foreign", ""), statement)
    assert short.status == "altered" and "'either domestic or foreign,' left out" in short.detail
    assert check_statement("This agreement is governed by Delaware law.", statement).status == (
        "missing"
    )


def test_the_example_draft_alters_124_8_a_3_only(planned: Callable[..., AgreementPlan]) -> None:
    p = planned(drafts={"agreement": DRAFT.read_text(encoding="utf-8")})
    found = {n: p.item(f"22 CFR 124.8(a)({n})").draft for n in range(1, 7)}
    assert found == {
        1: "present",
        2: "present",
        3: "altered",
        4: "present",
        5: "present",
        6: "present",
    }
    assert "'unreasonably' added" in p.item("22 CFR 124.8(a)(3)").draft_detail
    assert [i.rule for i in p.draft_problems] == ["22 CFR 124.8(a)(3)"]


@pytest.mark.parametrize(("as_of", "checked"), [("2024-08-31", False), ("2024-09-01", True)])
def test_124_8_a_5_words_are_checked_only_from_their_date(
    planned: Callable[..., AgreementPlan], law25: exportctl.Law, as_of: str, checked: bool
) -> None:
    law = exportctl.law(as_of)
    p = planned(law, drafts={"agreement": _draft(law25, "TAA")})
    item = p.item("22 CFR 124.8(a)(5)")
    assert (item.draft == "present") is checked
    if not checked:
        assert item.draft == "not_checked"
        assert any("in force from 2024-09-01" in w for w in p.warnings)
