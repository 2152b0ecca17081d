"""The search glossary: every entry sourced, every quote and expansion found in the regulations."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from exportctl.corpus.bundle import load_json
from exportctl.search import Glossary, load_glossary
from exportctl.search.glossary import normalise_word, words

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "data" / "search" / "glossary.json"


def test_bundled_glossary_is_what_the_build_makes(reference: Path) -> None:
    from tools.databuild import glossary

    assert glossary.build(reference) == load_json("glossary.json")


def test_required_terms_are_covered() -> None:
    """The abbreviations and everyday words issue 12 names all have an entry."""
    gl = load_glossary()
    for term in [
        "IMU", "NVG", "UAV", "UAS", "drone", "AESA", "FPGA", "GaN", "ECCM", "ROV",
        "flight simulator", "machine gun", "bulletproof vest", "body armour",
        "thermal imaging camera",
    ]:
        assert gl.match(words(term)), term


def test_every_entry_has_a_source_of_its_kind() -> None:
    for entry in load_glossary().entries:
        src = entry.source
        assert src.citation
        if src.kind == "regulation":
            assert src.quote, entry.id
        else:
            assert src.kind == "public" and src.url and src.url.startswith("http"), entry.id


def test_regulations_own_definitions_come_first() -> None:
    """Most entries are sourced in the regulations themselves; public pages only fill gaps."""
    kinds = [e.source.kind for e in load_glossary().entries]
    assert kinds.count("regulation") > kinds.count("public")


def test_glossary_dates_agree_with_the_dataset_versions() -> None:
    versions = json.loads((ROOT / "data" / "errata" / "regulation_versions.json").read_text())
    assert versions["datasets"]["glossary.json"]["as_of"] == load_glossary().as_of


def _write(tmp_path: Path, change) -> Path:  # type: ignore[no-untyped-def]
    raw = json.loads(SOURCE.read_text(encoding="utf-8"))
    change(raw["entries"])
    path = tmp_path / "glossary.json"
    path.write_text(json.dumps(raw), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda e: e[0]["source"].update(quote="Inertial Measurement Units (IMUz)"), "is not in"),
        (lambda e: e[0]["source"].update(file="somewhere/else.csv"), "not a quotable"),
        (lambda e: e[0]["source"].pop("quote"), "must quote"),
        (lambda e: e[0].pop("source"), "missing field 'source'"),
        (lambda e: e[0]["expansions"].append("flux capacitor"), "not wording the USML or the CCL"),
        (lambda e: e[1]["terms"].append(e[0]["terms"][0]), "also belongs to entry"),
        (lambda e: e.append(dict(e[0])), "duplicate id"),
        (lambda e: e[0].update(kind="slang"), "kind"),
        (lambda e: e[0].update(terms=[]), "non-empty list"),
    ],
)
def test_build_refuses_a_bad_glossary(
    reference: Path, tmp_path: Path, change, problem: str  # type: ignore[no-untyped-def]
) -> None:
    from tools.databuild import glossary
    from tools.databuild.common import BuildError

    with pytest.raises(BuildError, match=problem):
        glossary.build(reference, _write(tmp_path, change))


def test_build_refuses_a_public_source_without_url(reference: Path, tmp_path: Path) -> None:
    from tools.databuild import glossary
    from tools.databuild.common import BuildError

    def change(entries: list[dict[str, object]]) -> None:
        public = next(e for e in entries if e["source"]["kind"] == "public")  # type: ignore[index]
        public["source"] = {"kind": "public", "citation": "a page"}

    with pytest.raises(BuildError, match="must give its URL"):
        glossary.build(reference, _write(tmp_path, change))


def test_match_takes_the_longest_term_and_ignores_plurals() -> None:
    gl = load_glossary()
    found = gl.match(words("two thermal imaging cameras and IMUs"))
    assert [(m.term, m.entry_id) for m in found] == [
        ("thermal imaging cameras", "thermal-camera"),
        ("imus", "imu"),
    ]


def test_match_uses_each_word_once() -> None:
    gl = load_glossary()
    # "machine gun" (one entry) rather than nothing for "gun" alone.
    assert [m.entry_id for m in gl.match(words("belt-fed machine gun"))] == ["machine-gun"]


def test_exact_matches_whole_phrase_only() -> None:
    gl = load_glossary()
    assert [m.entry_id for m in gl.exact("IMU")] == ["imu"]
    assert gl.exact("IMU module") == ()


def test_empty_glossary_matches_nothing() -> None:
    assert Glossary.empty().match(words("IMU NVG")) == ()


@pytest.mark.parametrize(
    ("word", "key"), [("drones", "drone"), ("gas", "gas"), ("glass", "glass"), ("IMUs", "IMU")]
)
def test_normalise_word(word: str, key: str) -> None:
    assert normalise_word(word) == key
