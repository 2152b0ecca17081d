"""Part 124 and § 126.18(a)-(d) readings as data (issue 10, data side), pinned to their text.

The expected values here come from the regulation text in the reference files (read directly from
the KG CSVs) or are written out from that text; none is computed by the checker under test.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import operator
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from tools.databuild import lawdata
from tools.databuild.common import BuildError

from exportctl.core.comparators import COMPARATORS

ROOT = Path(__file__).resolve().parents[2]
ITAR = ROOT / "data" / "law" / "itar"
REFORM = ROOT / "data" / "reforms" / "nato-alliance.json"
PAGES = ROOT / "data" / "law" / "sources" / "ddtc_guidance_pages.json"
FILES = [*sorted(ITAR.glob("124_*.json")), ITAR / "126_18.json"]

TYPES = {
    "clause",
    "information",
    "statement",
    "filing",
    "signature",
    "certification",
    "guideline",
    "condition",
}
NUMBER_WORDS = {"one": 1, "five": 5, "fifteen": 15, "thirty": 30, "sixty": 60}
#: Keys of a ``when`` condition that are grammar, not facts.
GRAMMAR = {
    "any",
    "all",
    "not",
    "fact",
    "amount",
    "comparator",
    "source",
    "quote",
    "countries_within",
    "requires",
    "requires_any",
}


def load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def section(name: str) -> dict[str, Any]:
    return load(ITAR / name)


def rules(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["id"]: r for r in data["rules"]}


def all_rules() -> Iterator[tuple[str, dict[str, Any]]]:
    for path in FILES:
        for r in load(path)["rules"]:
            yield path.name, r


@pytest.fixture(scope="module")
def kg(reference: Path) -> dict[str, str]:
    """Clause texts read straight from the reference CSV (not through the checker)."""
    with (reference / "itar" / "kg" / "nodes_Clause.csv").open(newline="", encoding="utf-8") as fh:
        return {row["clause_id"]: row["text"] for row in csv.DictReader(fh)}


def fold(text: str) -> str:
    table = str.maketrans({"\u201c": '"', "\u201d": '"', "\u2018": "'", "\u2019": "'"})
    return " ".join(text.translate(table).split())


def quoted_words(text: str) -> str:
    """The words between the opening quotation mark of a clause and its first closing one."""
    if not text.startswith("\u201c"):
        return text
    return text[1 : text.index("\u201d")]


# -------------------------------------------------------------------------------- the files


def test_every_section_issue_10_names_has_a_file() -> None:
    names = {p.name for p in FILES}
    wanted = {f"124_{n}.json" for n in (4, 5, 6, 7, 8, 9, 10, 11, 12, 14, 16)} | {"126_18.json"}
    assert wanted <= names


def test_every_file_passes_the_checker(reference: Path) -> None:
    for path in FILES:
        data = lawdata.check_file(reference, path)
        assert data["kind"] == "agreement_rules", path.name
        assert data["key"] == path.stem.replace("_", "."), path.name
        assert data["text_as_of"] == "2025-10-02", path.name


def test_rule_types_and_authorities_are_known() -> None:
    seen = set()
    for name, r in all_rules():
        assert r["type"] in TYPES, (name, r["id"])
        assert r["authority"] in {"regulation", "ddtc_guidance"}, (name, r["id"])
        seen.add(r["type"])
    assert seen == TYPES


# -------------------------------------------------------------- clauses and statements, verbatim

REQUIRED_WORDS = [
    # (clause id pattern, how many the text has, rule type, file)
    (r"SEC-124\.8\(a\)\(\d\)", 6, "clause", "124_8.json"),
    (r"SEC-124\.9\(a\)\(\d\)", 6, "clause", "124_9.json"),
    (r"SEC-124\.9\(b\)\(\d\)", 2, "clause", "124_9.json"),
    (r"SEC-124\.12\(b\)\(\d\)", 4, "statement", "124_12.json"),
    (r"SEC-124\.14\(c\)\(\d\)", 9, "clause", "124_14.json"),
    (r"SEC-124\.14\(d\)\(\d\)", 2, "clause", "124_14.json"),
    (r"SEC-124\.14\(f\)\(\d\)", 3, "statement", "124_14.json"),
]


@pytest.mark.parametrize(("pattern", "count", "kind", "name"), REQUIRED_WORDS)
def test_every_required_statement_of_the_text_has_a_rule(
    kg: dict[str, str], pattern: str, count: int, kind: str, name: str
) -> None:
    ids = sorted(cid for cid in kg if re.fullmatch(pattern, cid))
    assert len(ids) == count  # the paragraphs the reference has (guards against an empty read)
    by_id = rules(section(name))
    for cid in ids:
        rule = by_id.get(f"22 CFR {cid.removeprefix('SEC-')}")
        assert rule is not None, cid
        assert rule["type"] == kind and rule["authority"] == "regulation", cid
        assert rule["source"] == f"clause:{cid}", cid
        text = kg[cid].split(" [", 1)[0] if " [" in kg[cid] and "FR" in kg[cid] else kg[cid]
        if cid == "SEC-124.14(c)(9)":  # the clause follows a condition: the words in quotes
            text = text[text.index("\u201c") :]
        assert fold(rule["statement"]) == fold(quoted_words(text)), cid


def test_the_transfer_clause_names_126_7_and_126_18() -> None:
    rule = rules(section("124_8.json"))["22 CFR 124.8(a)(5)"]
    assert (
        "except pursuant to 22 CFR 126.7 or 126.18, as specifically authorized in this agreement"
        in (rule["statement"])
    )
    assert "89 FR 67290, Aug. 20, 2024" in rule["amended"]["quote"]


def test_placeholders_are_in_their_statements() -> None:
    found = 0
    for name, r in all_rules():
        for placeholder in r.get("placeholders", []):
            assert placeholder in r["statement"], (name, r["id"], placeholder)
            found += 1
    assert found >= 8


def test_mla_clauses_only_for_mlas_and_sme_clauses_only_for_sme() -> None:
    for r in section("124_9.json")["rules"]:
        assert r["when"]["kind"] == ["MLA"], r["id"]
        assert (r["when"].get("sme") is True) == r["id"].startswith("22 CFR 124.9(b)"), r["id"]


# ------------------------------------------------------------------------------- deadlines


def _periods(rule: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for key in ("deadline", "wait", "statement_deadlines", "limit"):
        value = rule.get(key)
        if isinstance(value, dict):
            yield value
        elif isinstance(value, list):
            yield from value


def test_every_deadline_has_its_days_in_its_quote() -> None:
    count = 0
    for name, r in all_rules():
        for period in _periods(r):
            written = period["written"]
            assert fold(written) in fold(r["quote"]), (name, r["id"], written)
            first = written.split()[0]
            number = int(first) if first.isdigit() else NUMBER_WORDS[first]
            assert number == period.get("days", period.get("years")), (name, r["id"])
            count += 1
    assert count >= 16


EXPECTED_DEADLINES = [
    # (file, rule id, key, days or years, event, comparison word in the text)
    (
        "124_4.json",
        "22 CFR 124.4(a)",
        "days",
        30,
        "after",
        "entry_into_force",
        "not later than 30 days",
    ),
    (
        "124_4.json",
        "22 CFR 124.4(a) (status if not concluded)",
        "years",
        1,
        "after",
        "approval",
        "within one year of the date of approval",
    ),
    (
        "124_5.json",
        "22 CFR 124.5",
        "days",
        60,
        "after",
        "decision_not_to_conclude",
        "within 60 days of the date of the decision",
    ),
    (
        "124_6.json",
        "22 CFR 124.6",
        "days",
        30,
        "before",
        "expiration",
        "not less than 30 days prior to the expiration date",
    ),
    (
        "124_1.json",
        "22 CFR 124.1(d)",
        "days",
        30,
        "after",
        "minor_amendment_concluded",
        "within thirty days after they are concluded",
    ),
]


@pytest.mark.parametrize(("name", "rid", "unit", "n", "side", "event", "words"), EXPECTED_DEADLINES)
def test_deadlines_of_124_1_and_124_4_to_124_6(
    name: str, rid: str, unit: str, n: int, side: str, event: str, words: str
) -> None:
    rule = rules(section(name))[rid]
    assert rule["type"] == "filing" and rule["authority"] == "regulation"
    assert rule["deadline"][unit] == n and rule["deadline"][side] == event
    assert words in rule["quote"]


def test_sections_124_5_and_124_6_quote_the_lead_text(reference: Path) -> None:
    with (reference / "itar" / "kg" / "nodes_Section.csv").open(newline="", encoding="utf-8") as fh:
        lead = {row["section_id"]: row["lead_text"] for row in csv.DictReader(fh)}
    for key in ("124.5", "124.6"):
        rule = section(f"{key.replace('.', '_')}.json")["rules"][0]
        assert rule["source"] == f"lead:SEC-{key}"
        assert fold(rule["quote"]) == fold(lead[f"SEC-{key}"])


# ------------------------------------------------------------------------------------ § 124.10


def test_dsp83_signers() -> None:
    by_id = rules(section("124_10.json"))
    parties = by_id["22 CFR 124.10(a) (DSP-83)"]
    assert parties["signers"] == ["applicant", "foreign_party"]
    assert parties["when"]["any"] == [{"sme": True}, {"classified": True}]
    government = by_id["22 CFR 124.10(a) (foreign government, classified)"]
    assert government["when"]["classified"] is True and government["signers"] == [
        "foreign_government"
    ]
    assert (
        "an authorized representative of the foreign government must sign the DSP-83"
        in government["quote"]
    )


def test_a_foreign_government_signs_only_for_classified_or_at_ddtcs_request() -> None:
    """Part 124 never asks every nation of the territory to sign (the DIB report says it does)."""
    count = 0
    for name, r in all_rules():
        if "foreign_government" in r.get("signers", []):
            count += 1
            assert r["when"].get("classified") is True or r.get("discretionary") is True, (
                name,
                r["id"],
            )
        assert not {"each_nation", "each_country", "territory_governments"} & set(
            r.get("signers", [])
        )
    assert count == 2


# ------------------------------------------------------------------------------------ § 124.11


def test_manufacturing_abroad_of_sme_is_certified_regardless_of_value() -> None:
    rule = rules(section("124_11.json"))["22 CFR 124.11(a) (manufacturing abroad of SME)"]
    assert rule["when"] == {"kind": ["TAA", "MLA"], "manufacturing_abroad": True, "sme": True}
    assert rule["regardless_of_value"] is True
    assert rule["quote"].endswith("entered into with any country regardless of dollar value.")


def test_124_11_refers_to_the_123_15_amounts_without_copying_them(kg: dict[str, str]) -> None:
    text = (ITAR / "124_11.json").read_text(encoding="utf-8")
    assert re.search(r"\$\s?\d", text) is None  # no dollar amount is written in the file
    thresholds = load(ROOT / "data" / "law" / "itar" / "123_15.json")
    # each row with its amounts by what they apply to, and its clause
    rows = {
        row["id"]: {
            "clause": row["source"].removeprefix("clause:"),
            "destinations": row["destinations"],
            **{a["applies_to"]: a["amount"] for a in row["amounts"]},
        }
        for row in thresholds["rows"]
    }
    checked = 0
    for rid in ("22 CFR 124.11(a) (export of MDE)", "22 CFR 123.15(a) (agreement value)"):
        ref = rules(section("124_11.json"))[rid]["thresholds_by_reference"]
        assert ref["comparator"] == "or more" and ref["meaning"] == ">="
        for amount in ref["amounts"]:
            source = amount["amount_from"]
            row = rows[source["row"]]
            assert row["clause"] == amount["clause"] and source["row"] == amount["paragraph"]
            value = row[source["field"]]
            clause = kg[amount["clause"]]
            # the amount and the comparator as the regulation writes them, next to what they measure
            assert (
                f"{amount['amount_of']} in the amount of ${value:,} {ref['comparator']}" in clause
            )
            within = (
                amount["when"].get("countries_within") or amount["when"]["not"]["countries_within"]
            )
            assert within == "itar_123_15_a_2"
            assert (row["destinations"] == "itar_123_15_a_2") == ("not" not in amount["when"])
            checked += 1
    assert checked == 4


def test_124_11_waits_are_15_or_30_calendar_days(kg: dict[str, str]) -> None:
    country_sets = load(ROOT / "data" / "errata" / "country_sets.json")["sets"]
    named = country_sets["itar_123_15_a_2"]["named"]
    for rid, clause in (
        ("22 CFR 124.11(b)", "SEC-124.11(b)"),
        ("22 CFR 123.15(b)", "SEC-123.15(b)"),
    ):
        rule = rules(section("124_11.json"))[rid]
        assert rule["source"] == f"clause:{clause}"
        waits = {w["days"]: w for w in rule["wait"]}
        assert set(waits) == {15, 30}
        assert waits[15]["when"] == {"countries_within": "itar_123_15_a_2"}
        assert waits[30]["when"] == {"not": {"countries_within": "itar_123_15_a_2"}}
        assert (
            "at least 15 calendar days" in kg[clause] and "at least 30 calendar days" in kg[clause]
        )
        # the set the 15-day wait uses names the countries the text names
        for country in named:
            assert country in kg[clause], (clause, country)


# ------------------------------------------------------------------------------------ § 124.12


def _comparison(comparator: str) -> Callable[[int, int], bool]:
    # what the words mean, stated here (the engine's table must agree)
    ops: dict[str, Callable[[int, int], bool]] = {
        "or more": operator.ge,
        "at least": operator.ge,
        "exceeds": operator.gt,
        "in excess of": operator.gt,
        "does not exceed": operator.le,
        "not exceeding": operator.le,
        "less than": operator.lt,
    }
    assert all(COMPARATORS[c](a, b) == ops[c](a, b) for c in ops for a in (1, 2) for b in (1, 2))
    return ops[comparator]


def test_part_130_statement_at_500000_or_more(kg: dict[str, str]) -> None:
    rule = rules(section("124_12.json"))["22 CFR 124.12(a)(6) (part 130 statement)"]
    when = rule["when"]
    assert (when["fact"], when["amount"], when["comparator"]) == ("value", 500_000, "or more")
    assert "If the value is $500,000 or more" in kg["SEC-124.12(a)(6)"]
    applies = _comparison(when["comparator"])
    assert applies(500_000, when["amount"])  # at the amount: required
    assert applies(500_001, when["amount"])
    assert not applies(499_999, when["amount"])  # below: not required
    lawdata.check_comparator("when", when)
    with pytest.raises(BuildError, match="is not written"):
        lawdata.check_comparator("when", {**when, "comparator": "exceeds"})


def test_classified_items_of_the_letter_only_for_classified_agreements() -> None:
    by_id = rules(section("124_12.json"))
    for rid in ("22 CFR 124.12(a)(8)", "22 CFR 124.12(a)(9)"):
        assert by_id[rid]["when"]["classified"] is True
    assert "classified" not in by_id["22 CFR 124.12(a)(1)"]["when"]


# ---------------------------------------------------------------------------- DDTC guidance


def test_guidance_is_never_labelled_regulation() -> None:
    guidance = 0
    for name, r in all_rules():
        regulatory = r["source"].split(":", 1)[0] in {"clause", "lead", "joined", "note", "title"}
        if r["type"] == "guideline" or not regulatory:
            assert r["authority"] == "ddtc_guidance", (name, r["id"])
            assert r["type"] == "guideline", (name, r["id"])
            assert r.get("reliability"), (name, r["id"])
            guidance += 1
        if r["authority"] == "ddtc_guidance":
            assert r["type"] == "guideline" and not r["id"].startswith("22 CFR"), (name, r["id"])
    assert guidance >= 7


def test_ten_year_term_is_guidance_not_part_124(kg: dict[str, str]) -> None:
    by_id = rules(section("124_7.json"))
    term = by_id["DDTC guidelines: ten-year term"]
    assert term["authority"] == "ddtc_guidance" and term["limit"]["years"] == 10
    assert "cannot exceed 10 years" in term["quote"]
    assert term["source"].startswith("page:http")
    # the regulation itself only asks for a duration
    assert kg["SEC-124.7(a)(3)"] == "The agreement must specify its duration; and"


def test_no_nato_alliance_selection_today() -> None:
    rule = rules(section("124_7.json"))["DDTC practice: no NATO Alliance selection"]
    assert rule["authority"] == "ddtc_guidance" and rule["type"] == "guideline"
    assert rule["source"] == "seed:dib-innovation-cooperation-with-allies-report.txt"
    assert 'we recommend a broad "NATO Alliance" selection' in rule["quote"]


def test_signature_practice_is_guidance() -> None:
    rule = rules(section("124_10.json"))["DDTC practice: parties sign before use"]
    assert rule["authority"] == "ddtc_guidance"
    assert "Agreements must be signed by all the parties" in rule["quote"]


def test_every_page_excerpt_is_tagged_and_recorded(reference: Path) -> None:
    pages = load(PAGES)["pages"]
    assert {p["tag"] for p in pages} <= {"V-web", "S", "S-low"}
    excerpts = lawdata.page_excerpts(reference)
    used = {
        r["source"].removeprefix("page:") for _, r in all_rules() if r["source"].startswith("page:")
    }
    assert used and used <= set(excerpts)


# ------------------------------------------------------------------------------------ § 124.16


def test_124_16_reservation_is_dated(reference: Path) -> None:
    data = section("124_16.json")
    reserved = data["reserved"]
    since = dt.date.fromisoformat(reserved["since"])
    published = dt.date.fromisoformat(reserved["published"])
    assert (published, since) == (dt.date(2016, 6, 3), dt.date(2016, 9, 1))
    assert reserved["federal_register"].startswith("81 FR 35611")
    assert data["rules"] == [] and data["title"] == "[Reserved]"
    with (reference / "itar" / "kg" / "nodes_Section.csv").open(newline="", encoding="utf-8") as fh:
        row = next(r for r in csv.DictReader(fh) if r["section_id"] == "SEC-124.16")
    assert (row["title"], row["reserved"]) == ("[Reserved]", "yes")
    sources = {e["source"] for e in reserved["evidence"]}
    assert "title:SEC-124.16" in sources
    assert any("81 FR 35617, June 3, 2016" == e["quote"] for e in reserved["evidence"])


# ------------------------------------------------------------------------------------ § 126.18


def test_126_18_splits_are_joined_as_the_sources_report_says(kg: dict[str, str]) -> None:
    by_id = rules(section("126_18.json"))
    assert kg["SEC-126.18(b)"].endswith("within the meaning of")  # the split the join repairs
    assert by_id["22 CFR 126.18(b)"]["source"] == "joined:clause:SEC-126.18(b)+lead:SEC-126.18"
    assert "within the meaning of § 120.63 of this subchapter" in by_id["22 CFR 126.18(b)"]["quote"]
    assert kg["SEC-126.18(c)(2)"].endswith("countries listed in")
    continued = by_id["22 CFR 126.18(c)(2)"]["continued"]
    assert continued["source"] == "lead:SEC-126.18"
    assert continued["quote"].startswith(
        "§ 126.1(d)(1) shall be presumed to raise a risk of diversion"
    )


def test_126_18_d_2_uses_the_dated_country_set(kg: dict[str, str]) -> None:
    rule = rules(section("126_18.json"))["22 CFR 126.18(d)(2)"]
    country_set = load(ROOT / "data" / "errata" / "country_sets.json")["sets"][rule["country_set"]]
    assert country_set["clause"] == "SEC-126.18(d)(2)" and country_set["union_of"] == ["nato", "eu"]
    assert fold(rule["quote"]) == fold(kg["SEC-126.18(d)(2)"])
    assert rule["exclusively"] is True and "every date" in rule["evaluated"]


def test_each_126_18_paragraph_a_to_d_has_a_rule(kg: dict[str, str]) -> None:
    ids = [cid for cid in kg if re.fullmatch(r"SEC-126\.18\([a-d]\)(\(\d\))?", cid)]
    assert len(ids) == 11
    by_id = rules(section("126_18.json"))
    assert {f"22 CFR {cid.removeprefix('SEC-')}" for cid in ids} == set(by_id)


# ------------------------------------------------------------------------------------ facts


def _facts_used(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key in {"any", "all"}:
                for sub in value:
                    yield from _facts_used(sub)
            elif key == "not":
                yield from _facts_used(value)
            elif key == "fact":
                yield value
            elif key not in GRAMMAR:
                yield key


def test_every_fact_a_rule_uses_is_declared_with_a_question() -> None:
    definitions: dict[str, dict[str, Any]] = {}
    for path in FILES:
        data = load(path)
        declared = set(data["facts"]) | set(data.get("derived_facts", {}))
        for r in data["rules"]:
            for fact in [
                *_facts_used(r["when"]),
                *_facts_used(r.get("requires", {})),
                *r.get("asks", []),
            ]:
                assert fact in declared, (path.name, r["id"], fact)
        for name, fact in data["facts"].items():
            assert fact["question"].endswith(("?", ")")) and "?" in fact["question"], name
            assert fact["citation"].startswith("22 CFR "), name
            assert definitions.setdefault(name, fact) == fact, f"{name} differs in {path.name}"


def test_the_agreement_fact_list() -> None:
    facts = section("124_7.json")["facts"]
    for name in (
        "kind",
        "applicant_registered",
        "foreign_signatories",
        "foreign_sublicensees",
        "us_sublicensees",
        "usml_paragraphs",
        "technical_data",
        "defense_services",
        "manufacturing_abroad",
        "sme",
        "classified",
        "mde",
        "territory",
        "start_date",
        "duration",
        "value",
        "mde_value",
        "dn_tcn_handling",
    ):
        assert name in facts, name
    assert facts["kind"]["values"] == ["TAA", "MLA", "WDA"]
    assert facts["dn_tcn_handling"]["values"] == [
        "126.18(a)-(c)",
        "126.18(d)",
        "124.8(a)(5)",
        "none",
    ]
    assert facts["foreign_signatories"]["party_kinds"] == [
        "company",
        "government",
        "international_organization",
    ]


# ----------------------------------------------------------------- the "NATO Alliance" scenario


def _quoted(node: Any, where: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(node, dict):
        if "quote" in node:
            yield where, node
        for key, value in node.items():
            yield from _quoted(value, f"{where}.{key}")
    elif isinstance(node, list):
        for n, value in enumerate(node):
            yield from _quoted(value, f"{where}[{n}]")


def test_reform_quotes_are_verbatim(reference: Path) -> None:
    data = load(REFORM)
    nodes = list(_quoted(data))
    assert len(nodes) >= 15
    for where, node in nodes:
        lawdata.check_quote(reference, f"nato-alliance.json{where}", node["source"], node["quote"])


def test_reform_records_the_signature_claim_against_part_124() -> None:
    data = load(REFORM)
    assert data["name"] == "nato-alliance" and data["illustrative"] is True
    assert data["source"]["quote"].startswith("Reform and streamline the ITAR Technical Assistance")
    assert data["source"]["page"] == "30-35"
    signatures = next(d for d in data["differs_from_part_124"] if d["topic"] == "signatures")
    assert signatures["claim"]["quote"] == "This requires an execution signature from each nation"
    regulation = " ".join(r["quote"] for r in signatures["regulation"])
    assert "signed by the applicant and the foreign party" in regulation
    assert (
        "an authorized representative of the foreign government must sign the DSP-83" in regulation
    )
    assert {r["source"] for r in signatures["regulation"]} <= {
        "clause:SEC-124.10(a)",
        "clause:SEC-124.10(b)(2)",
    }


def test_reform_page_is_read_from_the_table_of_contents(reference: Path) -> None:
    seed = (
        reference.parent / "seeds" / "dib-innovation-cooperation-with-allies-report.txt"
    ).read_text(encoding="utf-8")
    toc, body = seed.index("Table of Contents"), seed.index("Reform and streamline the ITAR")
    c_start = seed.index("| C) Regulatory & Compliance Reform | 30 |")
    d_start = seed.index("| D) Information Sharing & Communications Technology | 36 |")
    assert toc < c_start < d_start < body  # the contents list section C at 30 and D at 36
    heading_c = seed.index("\nC) Regulatory & Compliance Reform", d_start)
    heading_d = seed.index("D) Information Sharing", heading_c)
    assert heading_c < body < heading_d  # the recommendation sits in section C
