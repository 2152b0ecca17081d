"""Issue 11, data side: the DoD-certified exemptions (§ 125.4(b)(1), (b)(3), (c), § 126.4), the
other § 125.4(b) paragraphs, and the conditions every exemption carries (§ 125.4(a), § 120.15,
§ 125.1(b)) as data in data/law/itar/, pinned to the text of 22 CFR as amended through
2025-10-02 (reference itar/kg); and the organisation-guidelines format with its example file.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tools import dod_exemptions as dx
from tools.databuild import lawdata

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "guidelines" / "dod-component-example.toml"
DOCS = ROOT / "docs" / "dod-exemptions.md"

#: The tests docs/law-data.md names (existing, and the generic ones the engine adds).
DOC_TESTS = {
    "activity", "destination", "territory", "parties", "not_on_supplement", "no_transit",
    "end_users", "sme_assurances", "value_and_sme_manufacturing", "fact", "fact_in",
    "transfer_kind", "nationals_of", "not_proscribed", "parties_not_ineligible", "registered",
}
DOD_CERTIFIED = {"125.4(b)(1)", "125.4(b)(3)", "125.4(c)", "126.4"}
GENERAL_125_4 = {"125.4(a)", "120.15", "125.1(b)"}


# ----------------------------------------------------------------------------------------------
# Helpers


@pytest.fixture(scope="module")
def law(reference: Path) -> dict[str, dict[str, Any]]:
    """The exemptions and condition groups, each quote checked by the build's checker (the
    part 124 agreement rules, issue 10, are left to their own tests)."""
    checked = lawdata.check_all(reference)
    dod = ("125.4", "126.4", "120.15", "125.1")  # this issue's files (§ 126.7/§ 126.5 have theirs)
    return {
        k: d
        for k, d in checked.items()
        if d["kind"] in ("exemption", "conditions") and d["key"].startswith(dod)
    }


@pytest.fixture(scope="module")
def clauses(reference: Path) -> dict[str, str]:
    with (reference / "itar" / "kg" / "nodes_Clause.csv").open(newline="", encoding="utf-8") as fh:
        return {r["clause_id"]: r["text"] for r in csv.DictReader(fh)}


@pytest.fixture(scope="module")
def sections(reference: Path) -> set[str]:
    with (reference / "itar" / "kg" / "nodes_Section.csv").open(newline="", encoding="utf-8") as fh:
        return {r["section_id"] for r in csv.DictReader(fh)}


def exemptions(law: Mapping[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {d["key"]: d for k, d in law.items() if k.startswith("exemption:")}


def groups(law: Mapping[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {d["key"]: d for k, d in law.items() if k.startswith("conditions:")}


def leaves(reqs: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for r in reqs:
        if r["test"] == "any_of":
            for b in r["branches"]:
                yield from leaves(b["requirements"])
        elif r["test"] != "shared":
            yield r


def all_requirements(data: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
    """Every requirement of a file: versions (with shared groups) and exceptions' conditions."""
    for version in data["versions"]:
        yield from dx.requirements(version)
    for exc in data.get("exceptions", []):
        yield from exc.get("when", [])


def quoted(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        if "quote" in node:
            yield node
        for value in node.values():
            yield from quoted(value)
    elif isinstance(node, list):
        for value in node:
            yield from quoted(value)


#: § 126.4(b)-(f) are filed under SEC-126.4(a)(7)(b)…(f), and the end of (a)(7) under
#: SEC-126.4(a)(7)(a) (agreements_exemptions_sources.md, section C.1, "KG id map").
_MISFILED = re.compile(r"^126\.4\(a\)\(7\)\(([b-f])\)")


def real_paragraph(kg_id: str) -> str:
    """The paragraph a KG clause id really holds: 'SEC-126.4(a)(7)(b)(2)' -> '126.4(b)(2)'."""
    para = kg_id.removeprefix("SEC-")
    if para == "126.4(a)(7)(a)":
        return "126.4(a)(7)"
    return _MISFILED.sub(r"126.4(\1)", para)


def kg_id(paragraph: str) -> str:
    """The KG clause id that holds a paragraph: '126.4(b)(2)' -> 'SEC-126.4(a)(7)(b)(2)'."""
    return "SEC-" + re.sub(r"^126\.4\(([b-f])\)", r"126.4(a)(7)(\1)", paragraph)


def related(a: str, b: str) -> bool:
    """Same paragraph, or one lies within the other."""
    return a == b or a.startswith(b + "(") or b.startswith(a + "(")


# ----------------------------------------------------------------------------------------------
# 1. The exemptions and condition groups, each condition cited and sourced


def test_the_law_holds_the_exemptions_and_groups_of_issue_11(law: dict[str, Any]) -> None:
    held = set(exemptions(law))
    assert {"125.4(b)(1)", "125.4(b)(3)", "125.4(c)", "126.4"} <= held
    paragraphs_b = {k for k in held if k.startswith("125.4(b)(")}
    # every § 125.4(b) paragraph except (b)(12), a pointer to the part 126 exemptions
    assert paragraphs_b == {f"125.4(b)({n})" for n in range(1, 14) if n != 12}
    assert GENERAL_125_4 <= set(groups(law))


def test_every_requirement_cites_a_paragraph_the_reference_holds(
    law: dict[str, Any], clauses: dict[str, str], sections: set[str]
) -> None:
    checked = 0
    for name, data in law.items():
        for req in all_requirements(data):
            paragraph = req["id"].removeprefix("22 CFR ")
            assert req["id"].startswith("22 CFR "), (name, req["id"])
            held = kg_id(paragraph) in clauses or kg_id(paragraph) in sections
            assert held, f"{name}: {req['id']} is not in the reference"
            if "source" in req:
                pieces = req["source"].removeprefix("joined:").split("+")
                read = [real_paragraph(p.removeprefix("clause:")) for p in pieces
                        if p.startswith("clause:")]
                assert any(related(paragraph, r) for r in read), (name, req["name"], read)
            checked += 1
    assert checked > 100


def test_the_misfiled_126_4_paragraphs_hold_the_text_of_b_to_f(clauses: dict[str, str]) -> None:
    heads = {
        "126.4(b)": "By a person on behalf of a department or agency.",
        "126.4(c)": "Return to the United States.",
        "126.4(d)": "Prohibited activities and arms embargoes.",
        "126.4(e)": "Export clearance.",
        "126.4(f)": "Change in end-use or end-user.",
    }
    for paragraph, head in heads.items():
        assert clauses[kg_id(paragraph)].startswith(head)
    assert clauses["SEC-126.4(a)(7)(a)"].startswith("(1) and (3) of this section")
    assert real_paragraph("SEC-126.4(a)(7)(b)(2)") == "126.4(b)(2)"


def test_every_condition_names_its_test_facts_and_who_confirms_it(law: dict[str, Any]) -> None:
    for name, data in law.items():
        facts = data["facts"]
        described = set(data.get("tests", {}))
        names: list[str] = []
        for version in data["versions"]:
            names.extend(r["name"] for r in dx.requirements(version))
        for req in all_requirements(data):
            test = req["test"]
            assert test in DOC_TESTS or test in described, f"{name}: test {test} is not described"
            if test in ("any_of", "shared"):
                continue
            assert req["confirmed_by"] in ("exporter", "dod_official"), (name, req["name"])
            assert req["reads"], (name, req["name"])
            assert set(req["reads"]) <= set(facts), (name, req["name"], req["reads"])
            for part in (req, req.get("if", {}), req.get("then", {})):
                if "fact" in part:
                    fact = facts[part["fact"]]
                    assert part["fact"] in req["reads"]
                    for value in part.get("in", [part.get("equals")] if "equals" in part else []):
                        if fact["type"] == "bool":
                            assert isinstance(value, bool), (name, req["name"])
                        else:
                            assert value in fact["values"], (name, req["name"], value)
            for key in ("of", "from"):
                if key in req and req["test"] in ("subset_of", "disjoint_from"):
                    assert set(req[key]) <= set(facts[req["fact"]]["values"])
            if "unless_fact" in req:
                assert facts[req["unless_fact"]]["type"] == "bool"
        assert len(names) == len(set(names)), f"{name}: a requirement name is used twice"
        for fact in facts.values():
            assert fact["question"].endswith("?") or fact["question"].endswith(")")
            assert fact["citation"].startswith("22 CFR ")
            assert fact["type"] in ("bool", "enum", "list", "structural")


def test_a_fact_means_the_same_in_every_file(law: dict[str, Any]) -> None:
    bundled = json.loads((ROOT / "src" / "exportctl" / "data" / "exemptions.json").read_text())[
        "facts"
    ]
    seen: dict[str, tuple[str, str, tuple[str, ...]]] = {}
    for data in law.values():
        for fact, spec in data["facts"].items():
            meaning = (spec["question"], spec["type"], tuple(spec.get("values", ())))
            assert seen.setdefault(fact, meaning) == meaning, fact
            if fact in bundled:
                assert bundled[fact]["type"] == spec["type"], fact
                assert bundled[fact]["question"] == spec["question"], fact


# ----------------------------------------------------------------------------------------------
# 2. What every exemption carries, and the exceptions the text makes


def effective(group: Mapping[str, Any], key: str, branch: str | None = None) -> set[str]:
    """The tests of a condition group that apply to an exemption (or one of its branches)
    whatever the facts: exceptions with a 'when' are conditional and do not count."""
    lifted: set[str] = set()
    for exc in group.get("exceptions", []):
        if exc["for"] in (key, branch) and "when" not in exc:
            lifted |= set(exc["lifts"])
    return {
        r["test"]
        for v in group["versions"]
        for r in leaves(v["requirements"])
        if r["name"] not in lifted
    }


def test_every_125_4_exemption_carries_125_4_a_120_15_and_125_1_b(law: dict[str, Any]) -> None:
    for key, data in exemptions(law).items():
        assert "120.15" in data["carries"], key
        if key.startswith("125.4"):
            assert set(data["carries"]) == GENERAL_125_4, key
    # § 125.4(a) and § 125.1(b) govern the § 125.4 exemptions only: the text says so.
    g = groups(law)
    assert "The following exemptions apply to exports of technical data" in g["125.4(a)"][
        "applies_to"]["quote"]
    assert g["125.1(b)"]["applies_to"]["quote"] == "the exemptions in § 125.4"
    assert exemptions(law)["126.4"]["carries"] == ["120.15"]


def test_a_126_1_destination_or_ineligible_party_bars_every_125_4_exemption_but_b_13(
    law: dict[str, Any],
) -> None:
    g = groups(law)
    for key in exemptions(law):
        if not key.startswith("125.4"):
            continue
        tests = effective(g["125.4(a)"], key) | effective(g["120.15"], key)
        if key == "125.4(b)(13)":
            assert "not_proscribed" not in tests and "parties_not_ineligible" not in tests
        else:
            assert {"not_proscribed", "parties_not_ineligible"} <= tests, key
    (b13,) = [e for e in g["125.4(a)"]["exceptions"] if "not_to_126_1_destination" in e["lifts"]]
    assert b13["for"] == "125.4(b)(13)" and b13["authority"] == "regulation"
    assert "except for paragraph (b)(13) of this section" in b13["quote"]
    # the § 120.15 lift for (b)(13) is our reading and says so
    (reading,) = [e for e in g["120.15"]["exceptions"] if e["for"] == "125.4(b)(13)"]
    assert reading["authority"] == "reading" and reading["reason"]
    assert "registered_before_use" not in reading["lifts"]


def test_the_126_1_a_exceptions_are_the_126_4_paragraphs_the_text_names(
    law: dict[str, Any],
) -> None:
    g120 = groups(law)["120.15"]
    keys = set(exemptions(law)) | {
        k for d in exemptions(law).values() for k in dx.branch_keys(d)
    } | {"*"}
    unconditional, conditional = set(), set()
    for exc in g120["exceptions"]:
        assert exc["for"] in keys, exc["for"]
        if exc["for"] != "125.4(b)(13)":
            assert exc["source"].startswith("clause:SEC-126.1(a)")
            (unconditional if "when" not in exc else conditional).add(exc["for"])
    assert unconditional == {"126.4(a)(1)", "126.4(a)(3)", "126.4(b)(1)"}
    assert conditional == {"126.4(a)(2)", "126.4(b)(2)", "*"}
    # every other branch of § 126.4 stays barred from § 126.1 destinations
    for branch in dx.branch_keys(exemptions(law)["126.4"]):
        tests = effective(g120, "126.4", branch)
        assert ("not_proscribed" in tests) == (branch not in unconditional), branch
        assert "parties_not_ineligible" in tests


def test_the_offshore_limit_is_lifted_for_125_4_c_only(law: dict[str, Any]) -> None:
    g = groups(law)["125.4(a)"]
    lifts = [e for e in g["exceptions"] if "not_offshore_procurement_or_production" in e["lifts"]]
    assert [e["for"] for e in lifts] == ["125.4(c)"]
    assert lifts[0]["quote"].endswith("except as authorized under § 125.4(c).")


# ----------------------------------------------------------------------------------------------
# 3. § 125.4(c): its countries and its § 120.43 limits are the text's


def test_125_4_c_recipients_are_the_countries_the_text_names(
    law: dict[str, Any], clauses: dict[str, str]
) -> None:
    (req,) = [r for r in leaves(exemptions(law)["125.4(c)"]["versions"][0]["requirements"])
              if r["test"] == "nationals_of"]
    named = re.search(r"to nationals of (.+?), for the purposes", clauses["SEC-125.4(c)"])
    assert named is not None and req["quote"] == f"to nationals of {named.group(1)}"
    names = re.split(r",\s*(?:and\s+)?", named.group(1))
    assert names[0] == "NATO countries"
    countries = json.loads((ROOT / "src" / "exportctl" / "data" / "countries.json").read_text())
    by_name = {c["name"]: c["iso2"] for c in countries["countries"]}
    bundled = countries["sets"][req["country_set"]]
    assert req["country_set"] == "itar_125_4_c"
    assert bundled["union_of"] == ["nato"]
    assert set(bundled["named"]) == {by_name[n] for n in names[1:]} == {"AU", "JP", "SE"}


def test_125_4_c_is_limited_to_120_43_f_g_h_and_excludes_c_d_e_i(
    law: dict[str, Any], clauses: dict[str, str]
) -> None:
    reqs = {r["test"]: r for r in leaves(exemptions(law)["125.4(c)"]["versions"][0]["requirements"])
            if r["test"] in ("subset_of", "disjoint_from")}
    expected = {
        "subset_of": ("of", {"build_to_print": "f", "build_design_to_specification": "g",
                             "basic_research": "h"}),
        "disjoint_from": ("from", {"design_methodology": "c", "engineering_analysis": "d",
                                   "manufacturing_know_how": "e", "applied_research": "i"}),
    }
    for test, (key, letters) in expected.items():
        req = reqs[test]
        assert req["fact"] == "scope_120_43"
        assert set(req[key]) == set(letters)
        cited = {b["value"]: b["source"] for b in req["because"]}
        assert cited == {v: f"clause:SEC-120.43({x})" for v, x in letters.items()}
        for value, letter in letters.items():
            term = value.replace("_", " ").replace("build design", "build/design")
            assert clauses[f"SEC-120.43({letter})"].lower().replace("-", " ").startswith(
                term.replace("-", " ")
            ), value
    assert not set(reqs["subset_of"]["of"]) & set(reqs["disjoint_from"]["from"])
    assert "(f) (g), and (h)" in reqs["subset_of"]["quote"]
    assert "(c), (d), (e), or (i)" in reqs["disjoint_from"]["quote"]


# ----------------------------------------------------------------------------------------------
# 4. Certification, marking, dates


def test_the_dod_certified_exemptions_are_those_of_issue_11(law: dict[str, Any]) -> None:
    certified = {k for k, d in exemptions(law).items() if d["certification"] == "dod"}
    assert certified == DOD_CERTIFIED
    for key in DOD_CERTIFIED:
        data = exemptions(law)[key]
        confirmers = {r["confirmed_by"] for v in data["versions"] for r in leaves(
            [*v["requirements"], *[x for g in v.get("shared", {}).values() for x in g]])}
        assert "dod_official" in confirmers, key
    for key in ("125.4(b)(1)", "125.4(c)"):
        requests = [r for r in leaves(exemptions(law)[key]["versions"][0]["requirements"])
                    if "written request or directive" in r["quote"]]
        assert requests and all(r["confirmed_by"] == "dod_official" for r in requests)


def test_the_marking_is_the_one_120_15_f_requires(
    law: dict[str, Any], clauses: dict[str, str]
) -> None:
    in_120_15 = [c for c in clauses if c.startswith("SEC-120.15(") and
                 "[insert ITAR exemption] applicable" in clauses[c]]
    assert in_120_15 == ["SEC-120.15(f)"]
    for key, data in exemptions(law).items():
        mark = data["marking"]
        assert mark["source"] == "clause:SEC-120.15(f)"
        assert mark["template"] in lawdata.norm(mark["quote"])
        if key == "126.4":
            assert mark["text"] is None
            for branch in dx.branch_keys(data):
                (b,) = [b for r in dx.requirements(data["versions"][0])
                        for b in r.get("branches", []) if b.get("key") == branch]
                assert b["marking"] == f"22 CFR {branch} applicable"
        else:
            assert mark["text"] == mark["template"].replace("[insert ITAR exemption]", key)
    obligations = groups(law)["120.15"]["versions"][0]["obligations"]
    assert [o["id"] for o in obligations] == ["22 CFR 120.15(e)", "22 CFR 120.15(f)"]
    assert exemptions(law)["125.4(b)(1)"]["marking"]["text"] == "22 CFR 125.4(b)(1) applicable"


def test_each_version_is_dated_by_the_quote_it_cites(law: dict[str, Any]) -> None:
    dates = {}
    for name, data in law.items():
        for version in data["versions"]:
            # the effective date is the last date the quote writes (the 2023 preamble names
            # the interim rule's publication first); "September 6, 2022" or "19 April 2019"
            quote = version["effective_from_source"]["quote"]
            written_dates = re.findall(
                r"[A-Z][a-z]+ \d{1,2}, \d{4}|\d{1,2} [A-Z][a-z]+ \d{4}", quote
            )
            assert written_dates, name
            last = written_dates[-1]
            written = dt.datetime.strptime(last, "%B %d, %Y" if "," in last else "%d %B %Y")
            assert version["effective_from"] == written.date().isoformat(), name
            dates[data["key"]] = version["effective_from"]
    assert dates["126.4"] == "2019-04-19"
    assert {d for k, d in dates.items() if k != "126.4"} == {"2022-09-06"}


# ----------------------------------------------------------------------------------------------
# 5. Organisation guidelines


def test_the_example_guidelines_validate(law: dict[str, Any]) -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    found = dx.load_guidelines(text, dx.law_facts(law))
    assert found.illustrative is True
    assert found.sha256 == hashlib.sha256(EXAMPLE.read_bytes()).hexdigest()
    assert len(found.conditions) == 9
    covered = {k for c in found.conditions for k in c.applies_to}
    assert covered == DOD_CERTIFIED | {"126.4(b)(2)"}
    assert {c.confirmed_by for c in found.conditions} == {"exporter", "dod_official"}
    (by_fact,) = [c for c in found.conditions if c.fact is not None]
    assert (by_fact.fact, by_fact.equals) == ("for_foreign_production_or_technical_assistance",
                                              False)


def test_the_example_quotes_public_sources_and_says_it_is_illustrative(reference: Path) -> None:
    import tomllib

    text = EXAMPLE.read_text(encoding="utf-8")
    data = tomllib.loads(text)
    assert "ILLUSTRATIVE ONLY" in text and "For Official Use Only" in text
    sources = {s["id"]: s for s in data["source"]}
    shared = reference.parent
    for cond in data["condition"]:
        source = sources[cond["source"]]
        held = (shared / source["reference"]).read_text(encoding="utf-8")
        assert lawdata.norm(cond["quote"]) in lawdata.norm(held), cond["id"]
        assert source.get("url") or source["reference"].startswith("seeds/")


BASE = """\
format = "exportctl-guidelines/1"

[guidelines]
id = "t"
title = "T"
issuer = "I"

[[source]]
id = "s"
title = "S"
url = "https://example.org/s"

[[condition]]
id = "c1"
applies_to = ["125.4(b)(1)"]
text = "A condition."
confirmed_by = "dod_official"
question = "Is it so?"
source = "s"
quote = "so"
"""


def _law_stub() -> dict[str, dict[str, dict[str, Any]]]:
    facts = {"classified": {"type": "bool"}, "usg_purpose": {"type": "enum", "values": ["none"]}}
    return {"125.4(b)(1)": facts, "126.4(b)(2)": facts}


@pytest.mark.parametrize(
    ("change", "line", "field", "reason"),
    [
        (("issuer = \"I\"", "issuer = \"I"), 6, "toml", "Illegal character"),
        (("[\"125.4(b)(1)\"]", "[\"125.4(b)(99)\"]"), 15, "applies_to", "is not an exemption"),
        (("confirmed_by = \"dod_official\"", "confirmed_by = \"contractor\""), 17,
         "confirmed_by", "must be one of"),
        (("question = \"Is it so?\"", "question = \"Is it so\""), 18, "question", "yes/no"),
        (("question = \"Is it so?\"",
          "question = \"Is it so?\"\nfact = \"classified\"\nequals = false"),
         13, "condition 'c1'", "either a yes/no"),
        (("question = \"Is it so?\"", "fact = \"secret\"\nequals = true"), 18, "fact",
         "is not a fact"),
        (("question = \"Is it so?\"", "fact = \"classified\"\nequals = \"no\""), 19, "equals",
         "true or false"),
        (("question = \"Is it so?\"", "fact = \"usg_purpose\"\nin = [\"official_use\"]"), 19, "in",
         "must be one of"),
        (("source = \"s\"", "source = \"t\""), 19, "source", "not a [[source]] id"),
        (("quote = \"so\"", "quote = \"so\"\ncolour = \"red\""), 21, "colour", "unknown key"),
        (("text = \"A condition.\"\n", ""), 13, "text", "is required"),
        (("format = \"exportctl-guidelines/1\"", "format = \"other\""), 1, "format", "must be"),
    ],
)
def test_a_bad_guidelines_file_gets_errors_naming_the_line(
    change: tuple[str, str], line: int, field: str, reason: str
) -> None:
    text = BASE.replace(*change, 1)
    assert text != BASE
    found, errors = dx.check_guidelines(text, _law_stub())
    assert found is None
    assert any(e.line == line and field in e.field and reason in e.reason for e in errors), errors
    with pytest.raises(dx.GuidelinesInvalid, match=f"line {line}: "):
        dx.load_guidelines(text, _law_stub())


def test_a_repeated_condition_id_is_named_at_its_second_line() -> None:
    text = BASE + "\n" + BASE[BASE.index("[[condition]]"):]
    found, errors = dx.check_guidelines(text, _law_stub())
    assert found is None
    assert [(e.line, e.reason) for e in errors] == [(23, "is used twice")]


def test_the_line_map_skips_multi_line_strings() -> None:
    text = BASE.replace(
        'text = "A condition."', 'text = """A condition,\nconfirmed_by = "not a key"\n."""'
    ).replace('confirmed_by = "dod_official"', 'confirmed_by = "nobody"')
    found, errors = dx.check_guidelines(text, _law_stub())
    assert found is None
    assert [(e.line, e.field) for e in errors] == [(19, "condition 'c1'.confirmed_by")]


def test_the_valid_base_file_passes_and_a_fact_condition_reads_the_law() -> None:
    found, errors = dx.check_guidelines(BASE, _law_stub())
    assert errors == [] and found is not None and found.id == "t"
    (cond,) = found.conditions
    assert (cond.id, cond.question, cond.line) == ("c1", "Is it so?", 13)
    text = BASE.replace('question = "Is it so?"', 'fact = "usg_purpose"\nin = ["none"]')
    found, errors = dx.check_guidelines(text.replace("125.4(b)(1)", "126.4(b)(2)"), _law_stub())
    assert errors == [] and found is not None and found.conditions[0].within == ("none",)


@given(data=st.data())
def test_any_edit_of_the_example_gives_guidelines_or_errors_within_the_file(
    law: dict[str, Any], data: st.DataObject
) -> None:
    """Deleting or duplicating a line never crashes the validator, and every error it reports
    names a line of the file."""
    lines = EXAMPLE.read_text(encoding="utf-8").splitlines(keepends=True)
    n = data.draw(st.integers(0, len(lines) - 1))
    edited = lines[:n] + (lines[n + 1:] if data.draw(st.booleans()) else lines[n:])
    text = "".join(edited)
    found, errors = dx.check_guidelines(text, dx.law_facts(law))
    assert (found is None) == bool(errors)
    assert all(1 <= e.line <= max(1, len(text.splitlines())) for e in errors)


# ----------------------------------------------------------------------------------------------
# 6. The documentation's table is the data's


def test_the_checklist_table_in_the_docs_is_the_datas(law: dict[str, Any]) -> None:
    assert dx.checklist_markdown(law) in DOCS.read_text(encoding="utf-8")
