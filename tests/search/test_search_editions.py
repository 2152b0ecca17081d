"""One index per edition of the law (issue 12: "--as-of picks the edition"; "a stale index is
rebuilt, never used"), across the two bundled USML editions.

The USML in force from 2025-09-15 (90 FR 5594) added IV(c)(2) "Improvised Explosive Devices
(IEDs)." and named the F-47 in VIII(h)(1)(i); the edition before it has neither.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

import exportctl
from exportctl.search import CACHE_ENV, edition_key, index_for
from exportctl.search.editions import _OPEN

OLD, NEW = "2025-06-01", "2026-08-01"


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv(CACHE_ENV, str(tmp_path))
    _OPEN.clear()  # the process memo would otherwise hand back indexes from other tests
    yield tmp_path / "search"
    _OPEN.clear()


def refs(law: exportctl.Law, query: str) -> list[str]:
    return [h.reference for h in index_for(law).search(query, regime="usml", limit=5)]


def test_edition_key_follows_the_editions_not_the_date() -> None:
    assert edition_key(exportctl.law(OLD)) != edition_key(exportctl.law(NEW))
    # Two dates under the same editions (USML of 2025-09-15, CCL of 2026-07-23) share a key.
    assert edition_key(exportctl.law("2026-08-01")) == edition_key(exportctl.law("2026-12-01"))
    # The key names the content hashes of the two editions in force.
    law = exportctl.law(OLD)
    usml = law.statutes.editions["usml"].value_at(law.as_of).digest
    ccl = law.statutes.editions["ccl"].value_at(law.as_of).digest
    assert edition_key(law) == f"usml-{usml[:12]}_ccl-{ccl[:12]}"


def test_each_edition_is_searched_in_its_own_index(cache_dir: Path) -> None:
    old, new = exportctl.law(OLD), exportctl.law(NEW)
    assert refs(new, "improvised explosive devices")[0] == "IV(c)(2)"
    assert "IV(c)(2)" not in refs(old, "improvised explosive devices")
    assert refs(new, "F-47")[0] == "VIII(h)(1)(i)"
    assert index_for(old).edition_key != index_for(new).edition_key
    files = sorted(p.name for p in cache_dir.iterdir())
    assert len(files) == 4  # two databases, two sidecars, side by side
    assert {f.split("-")[0] for f in files} == {"usml"}


def test_a_stale_index_is_rebuilt_never_used(cache_dir: Path) -> None:
    old, new = exportctl.law(OLD), exportctl.law(NEW)
    new_index = index_for(new)
    old_index = index_for(old)
    assert isinstance(new_index.cache_path, str) and isinstance(old_index.cache_path, str)
    # Put the new edition's index (database and sidecar) where the old edition's is kept.
    for suffix in (".sqlite", ".json"):
        shutil.copyfile(
            Path(new_index.cache_path).with_suffix(suffix),
            Path(old_index.cache_path).with_suffix(suffix),
        )
    _OPEN.clear()
    again = index_for(old)
    assert again.origin == "built"  # the content key does not match: rebuilt
    assert "IV(c)(2)" not in refs(old, "improvised explosive devices")
    _OPEN.clear()
    assert index_for(old).origin == "cache"  # and rewritten for the old edition
    assert index_for(new).origin == "cache"


def test_a_date_before_the_data_is_refused() -> None:
    with pytest.raises(exportctl.OutsideCoverage):
        edition_key(exportctl.law("2020-01-01"))
