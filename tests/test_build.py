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
)


def test_committed_data_matches_a_fresh_build(reference: Path) -> None:
    pytest.importorskip("pycountry")
    from tools import build_data

    assert build_data.main(["--reference", str(reference), "--check"]) == 0


def test_manifest_names_every_file() -> None:
    from exportctl.dataset import load_json, manifest

    m = manifest()
    assert {f.name for f in m.files} == set(DATA_FILES)
    assert len(m.data_version) == 16
    raw = load_json("MANIFEST.json")
    for info in raw["files"].values():
        assert info["inputs"], "every file records the hashes of its inputs"


def test_sources_md_mentions_every_file() -> None:
    sources = (Path(__file__).resolve().parents[1] / "data" / "SOURCES.md").read_text("utf-8")
    for name in DATA_FILES:
        assert name in sources
