"""The fast paths of ``authorize`` (issue 13) give what the slow ones give (never a speed
assertion here).

* An exemption's result writes its requirements and checklist rows when they are read (a CSV
  line reads neither): reading them, comparing, printing, copying and pickling the result give
  the rows a decision has, and nothing is written until something reads them.
* What a transfer shares between exemptions (a carried group's conditions, decided once for every
  exemption that reads them with the same exceptions) gives each exemption what deciding it
  alone gives — and two exemptions with different exceptions of the text do not share.
* What is worked out once per law (each exemption's plan) follows the law: another date, another
  version; another set of exemptions, another plan.
* The transfer parser's caches (the law's questions, a reference's text, a reference checked
  against the USML) change no record and no error.
* An authorization's record written field by field (``Authorization.to_dict``) is the generic
  ``to_jsonable`` walk's, value for value and key order for key order, on the examples, on
  generated transfers and on the benchmark's distinct transfers; a value of another type than
  the builders expect goes through the generic walk.
"""

from __future__ import annotations

import csv
import json
import pickle
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import Phase, given, settings
from hypothesis import strategies as st
from tools import bench

import exportctl
from exportctl.cli.batch import json_text_fast
from exportctl.core.facts import ContradictoryFacts, FactError, Question
from exportctl.core.jsonable import to_jsonable
from exportctl.corpus.guidelines import apply_guidelines, load_guidelines
from exportctl.corpus.references import parse_usml
from exportctl.engine import authorize as authorize_module
from exportctl.engine.exemptions import LAZY_ROWS, ExemptionResult, evaluate, restricted
from exportctl.engine.requirements import Context
from exportctl.inputs.transfers import (
    Transfer,
    precise_paragraphs,
    transfer_fact_ids,
    transfer_from_csv_row,
    transfer_from_mapping,
)
from exportctl.testing import transfers

ROOT = Path(__file__).resolve().parents[1]
LAW = exportctl.law("2025-11-01")
FINAL = exportctl.law("2026-01-15")
GUIDED = apply_guidelines(
    LAW, load_guidelines(ROOT / "examples" / "guidelines" / "dod-component-example.toml", LAW)
)
_PHASES = (Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink)
SOME = settings(max_examples=120, deadline=None, phases=_PHASES)
LAWS = st.sampled_from([LAW, FINAL, GUIDED])


def _examples(law: exportctl.Law) -> list[Transfer]:
    with open(ROOT / "examples" / "transfers.csv", newline="", encoding="utf-8") as fh:
        return [transfer_from_csv_row(row, law) for row in csv.DictReader(fh)]


def _shared(transfer: Transfer, law: exportctl.Law) -> list[Any]:
    """Every exemption in the law's order with one context (as ``authorize`` decides them)."""
    ctx = Context(transfer, law)
    return [to_jsonable(evaluate(e, transfer, law, ctx)) for e in law.exemptions]


def _alone(transfer: Transfer, law: exportctl.Law) -> list[Any]:
    """Every exemption with a context of its own (nothing shared between exemptions)."""
    return [
        to_jsonable(evaluate(e, transfer, law, Context(transfer, law))) for e in law.exemptions
    ]


def _alone_reversed(transfer: Transfer, law: exportctl.Law) -> list[Any]:
    """Every exemption in the reverse order with one context (what is shared is first decided
    by another exemption)."""
    ctx = Context(transfer, law)
    found = [to_jsonable(evaluate(e, transfer, law, ctx)) for e in reversed(list(law.exemptions))]
    return found[::-1]


# --------------------------------------------------------------------------------------------
# What a transfer shares between exemptions


@pytest.mark.parametrize("law", [LAW, FINAL, GUIDED], ids=["2025-11-01", "2026-01-15", "guided"])
def test_the_examples_decide_alike_shared_or_alone(law: exportctl.Law) -> None:
    for transfer in _examples(law):
        shared = _shared(transfer, law)
        assert shared == _alone(transfer, law)
        assert shared == _alone_reversed(transfer, law)


@SOME
@given(LAWS.flatmap(lambda law: st.tuples(st.just(law), transfers(law))))
def test_every_exemption_decides_alike_shared_or_alone(
    pair: tuple[exportctl.Law, Transfer],
) -> None:
    law, transfer = pair
    try:
        exportctl.authorize(transfer, law)
    except (FactError, ContradictoryFacts):
        return
    shared = _shared(transfer, law)
    assert shared == _alone(transfer, law)
    assert shared == _alone_reversed(transfer, law)


def _debarred_recipient() -> Transfer:
    return transfer_from_mapping(
        {
            "transfer_id": "T-PUBLIC",
            "activity": "export",
            "transfer_kind": "technical_data",
            "from_country": "US",
            "to_country": "GB",
            "transit_countries": [],
            "parties": [
                {
                    "role": "transferor",
                    "country": "US",
                    "kind": "us_person",
                    "ddtc_registered": True,
                    "not_debarred": True,
                    "eligible_120_16": True,
                },
                {
                    "role": "recipient",
                    "country": "GB",
                    "kind": "other",
                    "not_debarred": False,
                    "eligible_120_16": False,
                },
            ],
        },
        LAW,
    )


def _condition(result: ExemptionResult, group: str, name: str) -> tuple[str, str]:
    found = [c for c in result.conditions if c.group == group and c.name == name]
    assert len(found) == 1
    return found[0].status, found[0].exception


def test_a_carried_condition_is_shared_only_with_the_same_exceptions() -> None:
    """22 CFR 125.4(a): "The exemptions, except for paragraph (b)(13) of this section, do not
    apply ... for persons considered generally ineligible under § 120.16".  With a debarred,
    ineligible recipient, § 125.4(a)'s condition fails for § 125.4(b)(1) (and § 120.15(b)'s
    stays open: DDTC's prior written authorization is not known) and both are lifted for
    § 125.4(b)(13), decided in one context in either order."""
    transfer = _debarred_recipient()
    b1, b13 = LAW.exemptions.get("125.4(b)(1)"), LAW.exemptions.get("125.4(b)(13)")
    for order in ((b1, b13), (b13, b1)):
        ctx = Context(transfer, LAW)
        results = {e.key: evaluate(e, transfer, LAW, ctx) for e in order}
        first, public = results["125.4(b)(1)"], results["125.4(b)(13)"]
        assert _condition(first, "120.15", "no_ineligible_participant")[0] == "unknown"
        assert _condition(first, "125.4(a)", "no_ineligible_person")[0] == "fail"
        assert first.status == "not_eligible"
        status, exception = _condition(public, "125.4(a)", "no_ineligible_person")
        assert status == "lifted"
        assert "except for paragraph (b)(13)" in exception
        assert _condition(public, "120.15", "no_ineligible_participant")[0] == "lifted"
        # Both read § 125.1(b) with no exception: the same condition, decided once.
        assert _condition(first, "125.1(b)", "not_foreign_production_or_technical_assistance") == (
            _condition(public, "125.1(b)", "not_foreign_production_or_technical_assistance")
        )


# --------------------------------------------------------------------------------------------
# Rows written when read


def _fresh(key: str = "125.4(b)(1)") -> tuple[ExemptionResult, ExemptionResult]:
    transfer = _examples(LAW)[0]
    exemption = LAW.exemptions.get(key)
    return (
        evaluate(exemption, transfer, LAW, Context(transfer, LAW)),
        evaluate(exemption, transfer, LAW, Context(transfer, LAW)),
    )


def _written(result: ExemptionResult) -> bool:
    return ExemptionResult.__dict__["fill"].__get__(result, ExemptionResult) is None


def test_rows_are_written_when_first_read() -> None:
    result, other = _fresh()
    assert not _written(result)
    assert result.status == other.status and result.excluded_rows == other.excluded_rows
    assert not _written(result)  # the summary reads no row
    conditions = result.conditions
    assert _written(result)
    assert conditions and result.requirements
    assert result.conditions is conditions  # written once, then kept
    assert {c.group for c in conditions} == {None, "125.4(a)", "120.15", "125.1(b)"}
    assert result == other  # equality reads the other's rows
    assert _written(other)


def test_rows_are_the_same_however_they_are_first_read() -> None:
    by_repr, by_pickle = _fresh()
    by_evolve, by_dict = _fresh()
    text = repr(by_repr)
    assert "rows not written" not in text and "LAZY" not in text
    copy = pickle.loads(pickle.dumps(by_pickle))
    assert _written(copy) and copy == by_pickle
    changed = attrs.evolve(by_evolve, note="x")
    assert changed.conditions == by_evolve.conditions and changed.note == "x"
    record = to_jsonable(by_dict)
    assert record["conditions"] and record["requirements"]
    assert by_repr == by_pickle == by_evolve == by_dict
    assert repr(by_dict) == text


def test_a_result_made_with_rows_keeps_them() -> None:
    result, _ = _fresh()
    given_rows = attrs.evolve(result, requirements=(), conditions=())
    assert given_rows.requirements == () and given_rows.conditions == ()
    assert LAZY_ROWS not in (given_rows.requirements, given_rows.conditions)


# --------------------------------------------------------------------------------------------
# What is worked out once per law


def test_the_plan_follows_the_date_and_the_exemptions_of_the_law() -> None:
    transfer = _examples(LAW)[0]
    aukus = LAW.exemptions.get("126.7")
    versions = []
    for day in ("2024-06-01", "2025-06-01", "2026-01-15", "2025-06-01"):
        law = LAW.at(day)
        versions.append(evaluate(aukus, transfer, law, Context(transfer, law)).version)
    # data/law/itar/126_7.json: none before the interim final rule (in force 2024-09-01), the
    # final rule from 2025-12-30.
    assert versions == [None, "itar-126.7-ifr-2024", "itar-126.7-final-2025", "itar-126.7-ifr-2024"]
    only = restricted(LAW, ["126.7"])
    assert [e.key for e in only.exemptions] == ["126.7"]
    alone = evaluate(only.exemptions.get("126.7"), transfer, only, Context(transfer, only))
    assert to_jsonable(alone) == to_jsonable(
        evaluate(aukus, transfer, LAW, Context(transfer, LAW))
    )


# --------------------------------------------------------------------------------------------
# The parser's caches


def test_the_parser_gives_the_same_records_and_errors_twice() -> None:
    good = {"transfer_id": "T-1", "usml_classification": "XI(a)(3)(i)", "classified": "no"}
    first = transfer_from_csv_row(good, LAW)
    again = transfer_from_csv_row({**good, "transfer_id": "T-2"}, LAW)
    assert attrs.evolve(again, transfer_id="T-1") == first
    assert str(first.usml_classification) == "XI(a)(3)(i)"
    assert first.answers == {"classified": False}
    for _ in range(2):
        # 22 CFR 121.1 Category XI: (a)(3) holds (i)-(xxxi) and no (xcix); a bad text is no
        # reference at all.
        with pytest.raises(FactError, match="does not exist"):
            transfer_from_csv_row({**good, "usml_classification": "XI(a)(3)(xcix)"}, LAW)
        with pytest.raises(FactError, match="not a USML reference"):
            transfer_from_csv_row({**good, "usml_classification": "XI(zz"}, LAW)
        with pytest.raises(FactError, match="is not a transfer field or a question"):
            transfer_from_csv_row({**good, "no_such_question": "yes"}, LAW)


def test_the_questions_of_the_law_are_a_fresh_value_each_time() -> None:
    facts = transfer_fact_ids(LAW)
    assert facts["classified"]["type"] == "bool"
    facts.pop("classified")
    facts["made_up"] = {"type": "bool"}
    assert "classified" in transfer_fact_ids(LAW)
    with pytest.raises(FactError, match="is not a transfer field or a question"):
        transfer_from_csv_row({"transfer_id": "T", "made_up": "yes"}, LAW)
    parsed = transfer_from_csv_row({"transfer_id": "T", "classified": "yes"}, LAW)
    assert parsed.answers == {"classified": True}


@pytest.mark.parametrize("law", [LAW, FINAL], ids=["2025-11-01", "2026-01-15"])
def test_precise_paragraphs_are_the_leaves_beneath_every_reference(law: exportctl.Law) -> None:
    """``precise_paragraphs`` reads an index of the USML: for every category and paragraph it
    gives the leaves a scan of 22 CFR 121.1 by ``is_within`` gives (reserved ones left out)."""
    usml = law.usml
    refs = {r for p in usml.paragraphs for r in (p.ref, *p.ref.ancestors())}
    assert len(refs) > 1000
    for ref in refs:
        beneath = [p for p in usml.paragraphs if p.ref.is_within(ref) and not p.reserved]
        parents = {p.parent for p in beneath}
        assert precise_paragraphs(usml, ref) == tuple(
            p.ref for p in beneath if p.ref not in parents
        ), ref


# --------------------------------------------------------------------------------------------
# The record written field by field


def _same_record(a: Any) -> None:
    """The record is the generic walk's: equal values, the same key order at every level (the
    JSON text is the same), and nothing shared with another call's record."""
    fast, generic = a.to_dict(), to_jsonable(a)
    assert fast == generic
    assert json.dumps(fast, ensure_ascii=False) == json.dumps(generic, ensure_ascii=False)
    again = a.to_dict()
    assert again == fast and again is not fast
    if fast["exemptions"]:
        assert again["exemptions"][0] is not fast["exemptions"][0]
    # The record's JSON text written from pieces (rows kept by content) is the encoder's text
    # of the generic walk's record, the first time and again (from the kept rows).
    for _ in range(2):
        assert authorize_module.record_text(a, json_text_fast) == json_text_fast(generic)


def _bench_transfers(n: int, as_of: str, seed: int) -> list[Transfer]:
    law = exportctl.law(as_of)
    found = []
    for row in bench.distinct_transfers(n, seed=seed, as_of=as_of):
        try:
            found.append(transfer_from_csv_row(row, law))
        except (FactError, ContradictoryFacts):
            continue
    return found


@pytest.mark.parametrize("law", [LAW, FINAL, GUIDED], ids=["2025-11-01", "2026-01-15", "guided"])
def test_the_record_of_the_examples_is_the_generic_walks(law: exportctl.Law) -> None:
    for transfer in _examples(law):
        try:
            _same_record(exportctl.authorize(transfer, law))
        except (FactError, ContradictoryFacts):
            continue


@pytest.mark.parametrize("as_of", ["2025-06-01", "2026-01-15"])
def test_the_record_of_distinct_transfers_is_the_generic_walks(as_of: str) -> None:
    law = exportctl.law(as_of)
    outcomes = set()
    for transfer in _bench_transfers(120, as_of, seed=7):
        a = exportctl.authorize(transfer, law)
        outcomes.add(a.outcome)
        _same_record(a)
    # The generated transfers reach every outcome (else this test would not read every part).
    assert outcomes == {"exempt", "license_required", "prohibited", "undetermined"}


@SOME
@given(LAWS.flatmap(lambda law: st.tuples(st.just(law), transfers(law))))
def test_the_record_of_generated_transfers_is_the_generic_walks(
    pair: tuple[exportctl.Law, Transfer],
) -> None:
    law, transfer = pair
    try:
        a = exportctl.authorize(transfer, law)
    except (FactError, ContradictoryFacts):
        return
    _same_record(a)


def test_values_of_other_types_go_through_the_generic_walk() -> None:
    transfer = _examples(LAW)[0]
    a = exportctl.authorize(transfer, LAW)
    e = a.exemptions[0]
    # A reference where a text is expected: the generic walk writes its canonical string.
    ref: Any = parse_usml("XI(a)(3)(i)")
    odd_facts: Any = {1: "one"}
    odd_questions = (
        Question("q", ref, "22 CFR 126.7", "bool"),
        Question("r", "a question", "22 CFR 126.7", "enum", ("yes", ref)),
    )
    odd = attrs.evolve(
        a,
        open_questions=odd_questions,
        exemptions=(
            attrs.evolve(
                e,
                conditions=(
                    attrs.evolve(e.conditions[0], detail=ref),
                    *(attrs.evolve(c, reads=(*c.reads, ref)) for c in e.conditions[1:]),
                ),
                requirements=tuple(attrs.evolve(r, facts=odd_facts) for r in e.requirements),
            ),
        ),
    )
    _same_record(odd)
    record = odd.to_dict()
    assert record["exemptions"][0]["requirements"][0]["facts"] == {"1": "one"}
    assert record["exemptions"][0]["conditions"][0]["detail"] == "XI(a)(3)(i)"
    assert record["exemptions"][0]["conditions"][1]["reads"][-1] == "XI(a)(3)(i)"
    assert record["open_questions"][0]["text"] == "XI(a)(3)(i)"
    assert record["open_questions"][1]["values"] == ["yes", "XI(a)(3)(i)"]


def test_the_builders_write_the_fields_of_each_class() -> None:
    """The builders are used only while each class has the fields they write, in order."""
    assert authorize_module._FIELD_BY_FIELD
    for cls, keys in authorize_module._KEYS.items():
        assert authorize_module.written_fields(cls) == keys


def test_a_row_kept_as_text_is_the_row_of_its_content() -> None:
    """Rows are kept by their content, each fact's value with its type: a row that differs in a
    fact's value or its type (yes/no against a number, a list against a text), in a control
    character or a bad byte, gets its own text."""
    transfer = _examples(LAW)[0]
    a = exportctl.authorize(transfer, LAW)
    e = a.exemptions[0]
    first = e.conditions[0]
    variants: list[Any] = [
        {"x": True},
        {"x": 1},
        {"x": 1.0},
        {"x": "1"},
        {"x": ["1"]},
        {"x": ("1",)},
        {"x": None},
        {"x": "\x85 \ud800"},
        {"x": [1]},
    ]
    seen = set()
    for facts in variants:
        odd = attrs.evolve(
            a,
            exemptions=(
                attrs.evolve(
                    e,
                    conditions=(attrs.evolve(first, facts=facts), *e.conditions[1:]),
                    requirements=tuple(attrs.evolve(r, facts=facts) for r in e.requirements),
                ),
            ),
        )
        text = authorize_module.record_text(odd, json_text_fast)
        assert text == json_text_fast(to_jsonable(odd))
        seen.add(text)
    # {"x": ["1"]} and {"x": ("1",)} are the same JSON; every other variant differs.
    assert len(seen) == len(variants) - 1


def test_the_json_lines_of_authorize_are_the_generic_writers() -> None:
    """``exportctl authorize --format jsonl`` writes a record from its pieces' texts, a fact
    pattern's first row whole and its later rows from a template made at its second: every line
    is the line the generic writer makes of the row and the record (``json_line``)."""
    from exportctl.cli.batch import LineMaker, authorization_record, batch_layout, json_line
    from exportctl.engine.batch import authorize_transfers

    law = exportctl.law("2025-06-01")
    rows = list(bench.distinct_transfers(40, seed=11, as_of="2025-06-01"))
    # Each of the first rows again under other ids: their fact patterns repeat (the template).
    again = [dict(r, transfer_id=f"{r['transfer_id']}-{n}") for n in (2, 3) for r in rows[:6]]
    layout = batch_layout("transfers", law)
    assert layout.record_of is authorization_record
    fast = LineMaker(layout, "jsonl")
    generic = LineMaker(attrs.evolve(layout, record_of=lambda r: authorization_record(r)), "jsonl")
    numbered = [(n, r, None) for n, r in enumerate(rows + again, start=1)]
    results = list(authorize_transfers(numbered, law, csv_form=True))
    patterned = 0
    for result in results:
        line = fast(result)
        assert line == generic(result)
        row = layout.row_of(result)
        row["authorization"] = authorization_record(result)
        assert line == json_line({**row, **dict(layout.stamp)})
        patterned += getattr(result, "pattern", None) is not None
    assert patterned > len(again)
