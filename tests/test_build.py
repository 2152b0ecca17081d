"""The bundled data is exactly what tools/build_data.py makes from the reference files."""

from __future__ import annotations

from pathlib import Path

import pytest

DATA_FILES = (
    "usml.json",
    "etl.json",
    "supp1.json",
    "countries.json",
    "ccl.json",
    "regulations.json",
    "rules.json",
    "exemptions.json",
    "glossary.json",
    "agreements.json",
    "reforms.json",
)


#: Earlier editions, kept for past dates (MANIFEST.json "editions", not "files").
EDITION_FILES = ("usml-2024-03-25.json", "ccl-2025.json")


def test_committed_data_matches_a_fresh_build(
    reference: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without the stored eCFR copies (as in CI): cross-check skipped, 2024 edition kept."""
    pytest.importorskip("pycountry")
    from tools import build_data

    args = ["--reference", str(reference), "--ecfr-dir", str(tmp_path), "--check"]
    assert build_data.main(args) == 0
    out = capsys.readouterr().out
    assert "eCFR cross-check skipped" in out
    assert "usml-2024-03-25.json not rebuilt" in out


def test_fresh_build_with_the_stored_copies(
    reference: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """With the copies: the 2024 edition is rebuilt from its copy and usml.json cross-checked."""
    pytest.importorskip("pycountry")
    from tools import build_data
    from tools.databuild import ecfr

    if any(ecfr.find_copy(name, None) is None for name in ecfr.stored_copies()):
        pytest.skip(f"the stored eCFR copies are not in {ecfr.default_dir()}")
    assert build_data.main(["--reference", str(reference), "--check"]) == 0
    out = capsys.readouterr().out
    assert "each explained" in out and "rebuilt from stored copy" in out


def test_manifest_names_every_file() -> None:
    from exportctl.corpus.bundle import bundle_version, load_json

    raw = load_json("MANIFEST.json")
    assert set(raw["files"]) == set(DATA_FILES)
    assert len(bundle_version()) == 16
    for info in raw["files"].values():
        assert info["inputs"], "every file records the hashes of its inputs"


def test_manifest_names_every_edition() -> None:
    from exportctl.corpus.bundle import load_json

    raw = load_json("MANIFEST.json")
    assert set(raw["editions"]) == set(EDITION_FILES)
    assert not set(raw["editions"]) & set(raw["files"])


def test_sources_md_mentions_every_file() -> None:
    sources = (Path(__file__).resolve().parents[1] / "data" / "SOURCES.md").read_text("utf-8")
    for name in (*DATA_FILES, *EDITION_FILES):
        assert name in sources
