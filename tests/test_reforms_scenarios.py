"""The named scenarios of data/reforms/*.toml (issue 9): each quotes the DIB report verbatim, names
its page and section, says whether it is illustrative, is documented in docs/scenarios.md, fits
the bundled law on every date it may be asked for, and changes what it says it changes.

The seed is read directly here (not through the data build's checker).
"""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import pytest

import exportctl
from exportctl.corpus.reforms import AddExemption, ReformError, bundled_reform, bundled_reforms

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT.parent / "shared" / "seeds" / "dib-innovation-cooperation-with-allies-report.txt"
SCENARIOS = ("etl-eliminated", "etl-simplified", "nato-aukus-parity", "xix-engine-parts-to-ccl")
DATES = ("2024-09-01", "2025-06-01", "2025-09-15", "2025-12-29", "2025-12-30", "2026-07-23")


def folded(text: str) -> str:
    return " ".join(text.replace("\u201c", '"').replace("\u201d", '"').split())


@pytest.fixture(scope="module")
def seed() -> str:
    if not SEED.is_file():
        pytest.skip("the seed documents (../shared/seeds) are not beside this checkout")
    return folded(SEED.read_text("utf-8"))


def test_the_bundled_scenarios_are_the_files() -> None:
    assert bundled_reforms() == SCENARIOS
    assert sorted(p.stem for p in (ROOT / "data" / "reforms").glob("*.toml")) == list(SCENARIOS)


@pytest.mark.parametrize("name", SCENARIOS)
def test_each_quotes_the_report_verbatim(name: str, seed: str) -> None:
    r = bundled_reform(name)
    assert r.source.source == "seed:dib-innovation-cooperation-with-allies-report.txt"
    assert folded(r.source.quote) in seed
    assert "Defense Innovation Board" in r.source.document


# The report's table of contents: "| C) Regulatory & Compliance Reform | 30 |",
# "| D) Information Sharing & Communications Technology | 36 |", "| F) NATO & Europe | 40 |",
# "| G) Indo-Pacific | 46 |".
PAGES = {
    "etl-eliminated": ("30-35", "C) Regulatory & Compliance Reform, Exhibit 7"),
    "etl-simplified": ("30-35", "C) Regulatory & Compliance Reform, Exhibit 7"),
    "nato-aukus-parity": ("40-45", "F) NATO & Europe, recommendation 9"),
    "xix-engine-parts-to-ccl": ("30-35", "C) Regulatory & Compliance Reform, recommendation 2"),
}


@pytest.mark.parametrize("name", SCENARIOS)
def test_each_names_its_page_and_section(name: str, seed: str) -> None:
    r = bundled_reform(name)
    page, section = PAGES[name]
    assert r.source.page == page and r.source.section.startswith(section)
    for heading, first in (
        ("C) Regulatory & Compliance Reform", 30),
        ("D) Information Sharing & Communications Technology", 36),
        ("F) NATO & Europe", 40),
        ("G) Indo-Pacific", 46),
    ):
        assert f"| {heading} | {first} |" in seed


def test_which_are_illustrative() -> None:
    assert {n: bundled_reform(n).illustrative for n in SCENARIOS} == {
        "etl-eliminated": False,  # the report's own option: "Eliminate the ETL"
        "etl-simplified": True,
        "nato-aukus-parity": True,
        "xix-engine-parts-to-ccl": True,
    }


@pytest.mark.parametrize("name", SCENARIOS)
@pytest.mark.parametrize("day", DATES)
def test_each_fits_the_law_on_every_date(name: str, day: str) -> None:
    base = exportctl.law(day)
    if name == "xix-engine-parts-to-ccl" and day < "2025-01-16":
        # the bundled CCL starts on 2025-01-16: there is nothing to move to before it
        with pytest.raises(ReformError, match="has no CCL to move to"):
            bundled_reform(name, base)
        return
    reformed = bundled_reform(name, base).apply(base)
    assert reformed.id != base.id and reformed.as_of == base.as_of


def test_etl_eliminated_removes_every_row() -> None:
    today = exportctl.law("2026-01-15")
    assert len(today.etl) == 28
    assert len(bundled_reform("etl-eliminated").apply(today).etl) == 0


def test_etl_simplified_keeps_rows_1_2_5_and_28() -> None:
    """The rows kept, by their words in Supp. No. 2 to part 126."""
    reformed = bundled_reform("etl-simplified").apply(exportctl.law("2026-01-15"))
    kept = {r.row: r.text for r in reformed.etl.rows}
    assert sorted(kept) == [1, 2, 5, 28]
    assert kept[1].startswith("Missile Technology Control Regime (MTCR) articles, as annotated on")
    assert kept[2].startswith("Articles having anti-tamper features developed in accordance with")
    assert kept[5].startswith("Cluster munitions and articles specially designed for cluster")
    assert kept[28].startswith(
        "Commodities, software, technical data, and defense services, unless"
    )


def test_nato_aukus_parity_carries_over_126_7_with_nato_for_aukus() -> None:
    today = exportctl.law("2026-01-15")
    reformed = bundled_reform("nato-aukus-parity").apply(today)
    parity = reformed.exemptions.get("126.7-nato")
    final = today.exemptions.get("126.7").version_on(today.as_of)
    version = parity.version_on(today.as_of)
    assert [r.test for r in version.requirements] == [r.test for r in final.requirements]
    by_test = {r.test: r for r in version.requirements}
    assert by_test["territory"]["country_set"] == "nato"
    assert by_test["not_on_supplement"]["supplement"] == "etl"
    # every other requirement quotes § 126.7 (final rule) word for word
    quotes = {r.quote for r in final.requirements}
    assert {r.quote for r in version.requirements if r.test != "territory"} <= quotes
    # § 126.7 itself is unchanged
    assert reformed.exemptions.get("126.7").version_on(today.as_of) == final


def test_nato_aukus_parity_reads_nato_on_the_date() -> None:
    """The territory is NATO's members on the date (22 CFR 120.23, dated in countries.json):
    Sweden, a member since 2024-03-07, is inside it on the first date the USML data covers
    (2024-03-25); Japan, not a member, is outside."""
    raw = json.loads((ROOT / "examples" / "aukus_transfer.json").read_text("utf-8"))
    base = exportctl.law("2024-03-25")
    reformed = bundled_reform("nato-aukus-parity", base).apply(base)
    for country, expected in (("SE", "pass"), ("JP", "fail"), ("AU", "fail")):
        raw["to_country"] = country
        raw["parties"][1]["country"] = country
        t = exportctl.transfer_from_mapping(raw, reformed)
        result = exportctl.authorize(t, reformed).result("126.7-nato")
        assert result is not None and result.exemption == "126.7-nato"
        status = {r.id: r.status for r in result.requirements}
        assert status["22 CFR 126.7(b)(1), read for NATO (DIB F.9)"] == expected, country


def test_nato_aukus_parity_exempts_a_transfer_to_a_nato_member() -> None:
    today = exportctl.law("2026-01-15")
    raw = json.loads((ROOT / "examples" / "aukus_transfer.json").read_text("utf-8"))
    raw["to_country"] = "DE"
    raw["parties"][1]["country"] = "DE"
    reformed = bundled_reform("nato-aukus-parity").apply(today)
    before = exportctl.authorize(exportctl.transfer_from_mapping(raw, today), today)
    after = exportctl.authorize(exportctl.transfer_from_mapping(raw, reformed), reformed)
    assert (before.outcome, before.exemption) == ("license_required", None)
    assert (after.outcome, after.exemption) == ("exempt", "126.7-nato")


def test_the_relocation_moves_three_real_paragraphs_to_real_600_series_paragraphs() -> None:
    today = exportctl.law("2026-01-15")
    reformed = bundled_reform("xix-engine-parts-to-ccl").apply(today)
    moved = {k: v.eccn for k, v in reformed.relocations.items()}
    assert moved == {"XIX(f)(3)": "9A619.d", "XIX(f)(4)": "9A619.e", "XIX(f)(5)": "9A619.f"}
    words = {
        "XIX(f)(3)": "Uncooled turbine blades, vanes, disks, and tip shrouds",
        "XIX(f)(4)": "Combustor cowls, diffusers, domes, and shells",
        "XIX(f)(5)": "Engine monitoring systems",
    }
    for usml, eccn in moved.items():
        assert today.usml.get(usml).text.startswith(words[usml])
        entry = today.ccl.get(eccn)
        assert entry.is_600_series
        assert words[usml].lower() in (entry.item(eccn).text or "").lower()


def test_the_parity_exemption_file_is_added_as_written() -> None:
    reform = bundled_reform("nato-aukus-parity")
    (op,) = reform.operations
    assert isinstance(op, AddExemption)
    written = json.loads(
        (ROOT / "data/reforms/nato-aukus-parity.exemption.json").read_text("utf-8")
    )
    assert op.data == written


@pytest.mark.parametrize("name", SCENARIOS)
def test_each_is_documented_with_its_quote_and_page(name: str) -> None:
    doc = folded((ROOT / "docs" / "scenarios.md").read_text("utf-8"))
    r = bundled_reform(name)
    section = doc[doc.index(f"`{name}`") :]
    assert folded(r.source.quote) in section
    assert f"page {r.source.page}" in section or f"pages {r.source.page}" in section.replace(
        "–", "-"
    )


def test_the_files_are_toml_with_comments() -> None:
    for name in SCENARIOS:
        text = (ROOT / "data" / "reforms" / f"{name}.toml").read_text("utf-8")
        assert re.search(r"^#", text, re.MULTILINE)
        assert tomllib.loads(text)["name"] == name
