"""The law as a dated value (issue 8): editions in force by date, refusals before the earliest
edition, the law id as a content hash, decision ids that name the law."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from click.testing import CliRunner

import exportctl
from exportctl.cli import main
from exportctl.core.dated import OutsideCoverage
from exportctl.corpus.bundle import load_json

#: The day before and the day the USML revisions of 90 FR 5594 took effect (2025-09-15).
BEFORE, ON = "2025-09-14", "2025-09-15"
#: X(a)(1) as each edition writes it (data/errata/usml-2024-03-25/, usml.json): the revisions
#: replaced "NIJ Type IV" body armor with the NIJ RF3 level of the new standard.
_X_A_1 = {BEFORE: "NIJ Type IV", ON: "NIJ RF3"}


def test_each_date_reads_the_usml_edition_in_force() -> None:
    assert exportctl.law(BEFORE).edition("usml").file == "usml-2024-03-25.json"
    assert exportctl.law(ON).edition("usml").file == "usml.json"
    for day, words in _X_A_1.items():
        text = exportctl.law(day).usml.get("X(a)(1)").text
        assert words in text
        other = next(w for d, w in _X_A_1.items() if d != day)
        assert other not in text


def test_each_date_reads_the_ccl_edition_in_force() -> None:
    assert exportctl.law("2026-07-22").edition("ccl").file == "ccl-2025.json"
    assert exportctl.law("2026-07-23").edition("ccl").file == "ccl.json"
    # 4A611 exists in the 2026 edition only
    assert not exportctl.law("2026-07-22").ccl.exists("4A611")
    assert exportctl.law("2026-07-23").ccl.exists("4A611")


def test_the_editions_follow_each_other_as_the_data_states() -> None:
    raw = load_json("regulations.json")["editions"]
    for dataset in ("usml", "ccl"):
        for entry in raw[dataset]:
            start = dt.date.fromisoformat(entry["effective_from"])
            assert exportctl.law(start).edition(dataset).file == entry["file"]
            if entry["effective_until"]:
                last = dt.date.fromisoformat(entry["effective_until"])
                assert exportctl.law(last).edition(dataset).file == entry["file"]


def test_a_date_before_the_earliest_edition_is_refused_not_answered_with_a_later_text() -> None:
    old = exportctl.law("2024-03-24")
    with pytest.raises(OutsideCoverage, match=r"earliest edition.*2024-03-25"):
        old.usml  # noqa: B018 - reading it is the test
    with pytest.raises(OutsideCoverage, match="2025-01-16"):
        exportctl.law("2010-01-01").ccl  # noqa: B018
    # what does not depend on the USML still answers (NATO membership of 2024-03-07)
    assert "SE" in exportctl.law("2024-03-07").members("nato")


@pytest.mark.parametrize(
    "args",
    [
        ["usml", "show", "XI(a)", "--as-of", "2020-01-01"],
        ["eccn", "show", "9A610", "--as-of", "2010-01-01"],
    ],
)
def test_the_cli_refuses_a_date_before_the_data(args: list[str]) -> None:
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 3
    assert "earliest edition" in result.stderr and "Traceback" not in result.stderr


def test_usml_show_gives_the_text_of_the_date_asked() -> None:
    texts = {}
    for day in _X_A_1:
        result = CliRunner().invoke(
            main, ["usml", "show", "X(a)(1)", "--format", "json", "--as-of", day]
        )
        assert result.exit_code == 0, result.stderr
        texts[day] = json.loads(result.stdout)["text"]
    assert all(words in texts[day] for day, words in _X_A_1.items())


def test_the_law_id_is_a_content_hash_of_what_is_in_force() -> None:
    # Same editions, two dates: the same law (the date is recorded beside it).
    assert exportctl.law("2025-10-01").id == exportctl.law("2025-11-01").id
    # Another USML edition, another CCL edition, another rule set: another law.
    ids = {
        exportctl.law(BEFORE).id,
        exportctl.law(ON).id,
        exportctl.law("2026-08-01").id,
        exportctl.law(ON).with_ruleset(_renamed_ruleset()).id,
    }
    assert len(ids) == 4


def _renamed_ruleset() -> exportctl.RuleSet:
    import attrs

    rules = exportctl.law(ON).ruleset
    return attrs.evolve(rules, id="baseline-copy")


def test_the_same_facts_under_another_law_get_another_decision_id() -> None:
    raw = {"item_id": "P-1", "item_kind": "part", "usml_candidates": ["IV(h)(12)"]}
    law = exportctl.law("2025-10-01")
    other = law.with_ruleset(_renamed_ruleset())
    facts = exportctl.facts_from_mapping(raw, law.ruleset)
    here, there = exportctl.classify(facts, law), exportctl.classify(facts, other)
    assert (here.jurisdiction, here.classification) == (there.jurisdiction, there.classification)
    assert here.law_id == law.id and there.law_id == other.id
    assert here.decision_id != there.decision_id
    # same law, same date, same facts: the same id, in any call
    assert exportctl.classify(facts, exportctl.law("2025-10-01")).decision_id == here.decision_id
    # same law, another date: another id
    assert exportctl.classify(facts, law.at("2025-11-01")).decision_id != here.decision_id


def test_a_date_after_the_text_warns() -> None:
    law = exportctl.law("2027-01-01")
    assert any("usml.json" in w and "as of 2025-10-02" in w for w in law.warnings)
    assert any("ccl.json" in w for w in law.warnings)
