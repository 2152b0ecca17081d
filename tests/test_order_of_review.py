"""Example tests of engine rules not covered by the case file, each naming its citation."""

from __future__ import annotations

from typing import Any

import pytest

import exportctl
from exportctl import ContradictoryFacts, FactError

REGS = exportctl.regulations("2025-10-01")
RULES = exportctl.load_ruleset()
EAR_OK = {"excluded_by_734_3_b": False}


def decide(**facts: Any) -> exportctl.Decision:
    return exportctl.classify(
        exportctl.facts_from_mapping({"item_id": "T", **facts}, RULES), REGS, RULES
    )


def test_technology_paragraph_is_read_as_enumerated() -> None:
    # 9E610.b.4 is technology; its "specially designed" qualifies the commodities the technology
    # is for (Supp. No. 4 to part 774, (a)(5)) — the technology is not caught or released.
    d = decide(
        item_kind="technical_data",
        usml_candidates="none",
        eccn_candidates=["9E610.b.4"],
        answers=EAR_OK,
    )
    assert d.jurisdiction == "EAR" and d.classification is not None
    assert d.classification.reference == "9E610.b.4"


def test_technology_only_in_product_group_e() -> None:
    with pytest.raises(ContradictoryFacts, match="product group E"):
        decide(
            item_kind="part", usml_candidates="none", eccn_candidates=["9E610.b.4"], answers=EAR_OK
        )


def test_itar_placeholder_eccn_is_rejected() -> None:
    # 0A002: "These items are 'subject to the ITAR.'" — never an EAR classification.
    with pytest.raises(FactError, match="placeholder"):
        decide(
            item_kind="equipment", usml_candidates="none", eccn_candidates=["0A002"], answers=EAR_OK
        )


def test_made_up_item_paragraph_is_rejected() -> None:
    with pytest.raises(FactError, match="not an item paragraph"):
        decide(
            item_kind="equipment",
            usml_candidates="none",
            eccn_candidates=["3A001.q.9"],
            answers=EAR_OK,
        )


def test_x_paragraph_is_not_a_classification() -> None:
    # 22 CFR 121.1, (x) paragraphs: EAR items licensed with defense articles, not a USML entry.
    with pytest.raises(FactError, match=r"\(x\)"):
        decide(usml_candidates=["VIII(x)"])


def test_reserved_paragraph_is_rejected() -> None:
    with pytest.raises(FactError, match="Reserved"):
        decide(usml_candidates=["I(f)"])  # Cat. I(f) [Reserved]


def test_same_facts_same_record_and_id() -> None:
    a = decide(usml_candidates=["IV(h)(12)"])
    b = decide(usml_candidates=["IV(h)(12)"])
    assert a == b and a.decision_id == b.decision_id
    other = exportctl.classify(
        exportctl.facts_from_mapping({"item_id": "U", "usml_candidates": ["IV(h)(12)"]}, RULES),
        REGS,
        RULES,
    )
    assert other.decision_id != a.decision_id and other.classification == a.classification


def test_parts_therefor_reach_depends_on_kind() -> None:
    # VIII(h)(3) "Tail boom folding systems … and specially designed parts and components
    # therefor": the system is enumerated; a part needs the 120.41 analysis.
    system = decide(item_kind="system", usml_candidates=["VIII(h)(3)"])
    assert system.classification is not None and system.classification.reference == "VIII(h)(3)"
    part = decide(item_kind="part", usml_candidates=["VIII(h)(3)"])
    assert part.jurisdiction == "undetermined"
    assert "itar_for_use_in_defense_article" in [q.id for q in part.open_questions]
