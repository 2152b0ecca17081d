"""The law's readings as data (data/law/): every quote is in the text its source names."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tools.databuild import lawdata
from tools.databuild.common import BuildError


def test_every_law_file_quotes_its_source(reference: Path) -> None:
    checked = lawdata.check_all(reference)
    assert all(k.split(":", 1)[0] in lawdata.KINDS for k in checked)


def test_a_quote_not_in_the_text_fails_the_build(reference: Path, tmp_path: Path) -> None:
    bad = {
        "kind": "conditions",
        "key": "125.4(a)",
        "citation": "22 CFR 125.4(a)",
        "title": "t",
        "versions": [
            {"requirements": [{"source": "clause:SEC-125.4(a)", "quote": "no such words"}]}
        ],
    }
    path = tmp_path / "x.json"
    path.write_text(json.dumps(bad), encoding="utf-8")
    with pytest.raises(BuildError, match=r"is not in clause:SEC-125\.4"):
        lawdata.check_file(reference, path)


def test_an_amount_must_be_written_with_its_comparator(reference: Path) -> None:
    ok = {"amount": 14000000, "comparator": "or more", "quote": "$14,000,000 or more"}
    lawdata.check_comparator("ok", ok)
    with pytest.raises(BuildError, match="is not written"):
        lawdata.check_comparator("x", {**ok, "comparator": "exceeds"})
    with pytest.raises(BuildError, match="is not one of"):
        lawdata.check_comparator("x", {**ok, "comparator": "above"})


def test_a_seed_document_is_a_source(reference: Path) -> None:
    text = lawdata.source_text(reference, "seed:dib-innovation-cooperation-with-allies-report.txt")
    assert text is not None and "This requires an execution signature from each nation" in text
    # only plain file names beside the reference: no path out of ../shared/seeds
    assert lawdata.source_text(reference, "seed:../reference/itar/SOURCES.md") is None
    assert lawdata.source_text(reference, "seed:no-such-report.txt") is None


def test_a_section_title_is_a_source(reference: Path) -> None:
    assert lawdata.source_text(reference, "title:SEC-124.16") == "[Reserved]"
    lawdata.check_quote(reference, "x", "title:SEC-124.16", "[Reserved]")


def test_a_stored_page_excerpt_is_a_source(reference: Path) -> None:
    url = "https://fdassociates.net/updates-to-the-department-of-states-agreement-guidelines/"
    lawdata.check_quote(
        reference, "x", f"page:{url}", "This agreement authorizes sublicensing to U.S. Persons."
    )
    with pytest.raises(BuildError, match="is not in page:"):
        lawdata.check_quote(
            reference, "x", f"page:{url}", "This agreement authorizes sublicensing to anyone."
        )
    # two excerpts of one page are not one text: a quote cannot run from one into the next
    with pytest.raises(BuildError, match="is not in page:"):
        lawdata.check_quote(
            reference, "x", f"page:{url}", "should be deleted. This agreement authorizes"
        )
    with pytest.raises(BuildError, match="no verbatim reference text"):
        lawdata.check_quote(reference, "x", "page:https://example.org/never-stored", "anything")


def _pages(tmp_path: Path, excerpt: str) -> Path:
    folder = tmp_path / "sources"
    folder.mkdir(parents=True)
    page = {
        "url": "https://example.org/page",
        "recorded_in": "itar/agreements_exemptions_sources.md",
        "retrieval": "test",
        "excerpts": [excerpt],
    }
    (folder / "p.json").write_text(json.dumps({"pages": [page]}), encoding="utf-8")
    return folder


def test_a_page_excerpt_must_be_in_the_file_that_recorded_it(
    reference: Path, tmp_path: Path
) -> None:
    seen = "You may not use your agreement until you have sent the signed version in to DTC."
    ok = lawdata.page_excerpts(reference, _pages(tmp_path / "a", seen))
    assert ok == {"https://example.org/page": [seen]}
    with pytest.raises(BuildError, match=r"is not in itar/agreements_exemptions_sources\.md"):
        lawdata.page_excerpts(
            reference, _pages(tmp_path / "b", "You may use your agreement at once.")
        )


def test_page_excerpts_are_not_law_files() -> None:
    assert all(not p.is_relative_to(lawdata.PAGE_SOURCES) for p in lawdata.law_files())


def test_a_page_seen_only_with_the_search_tools_says_so(reference: Path, tmp_path: Path) -> None:
    folder = tmp_path / "sources"
    folder.mkdir()
    page = {
        "url": "https://example.org/fr",
        "retrieval": "stored copy of a Federal Register preamble",
        "seen_with": "search tool, corpus 'pages', 2026-12",
        "excerpts": ["This rule is effective on April 19, 2019."],
    }
    (folder / "p.json").write_text(json.dumps({"pages": [page]}), encoding="utf-8")
    assert lawdata.page_excerpts(reference, folder) == {"https://example.org/fr": page["excerpts"]}
    # without 'seen_with' the excerpt must be in a reference file that recorded it
    other = tmp_path / "other"
    other.mkdir()
    unrecorded = {k: v for k, v in page.items() if k != "seen_with"}
    (other / "p.json").write_text(json.dumps({"pages": [unrecorded]}), encoding="utf-8")
    with pytest.raises(BuildError, match="needs 'recorded_in'"):
        lawdata.page_excerpts(reference, other)
