"""The bundled data is verified against MANIFEST.json before anything is decided (issue 7, 16).

Every test works on a copy of the data directory (``dataset._data_dir`` points at it); the
installed files are never touched.  A changed digit, a truncated or deleted file, a file the
manifest does not list, or a manifest whose data_version does not follow from its hashes: each
is refused with :class:`DataIntegrityError` naming the file, and the CLI says so and exits 5,
never with a traceback.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from collections.abc import Callable, Iterator
from importlib import resources
from pathlib import Path

import pytest
from click.testing import CliRunner

import exportctl
from exportctl.cli import main
from exportctl.corpus import bundle as dataset
from exportctl.corpus.bundle import DataIntegrityError
from exportctl.corpus.reforms import bundled_reforms
from exportctl.search.glossary import load_glossary

ROOT = Path(__file__).resolve().parents[1]
ORIGINAL = Path(str(resources.files("exportctl").joinpath("data")))
NAMES = sorted(p.name for p in ORIGINAL.glob("*.json") if p.name != "MANIFEST.json")


@pytest.fixture
def data_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A copy of the bundled data that the loaders read instead of the installed files."""
    copy = tmp_path / "data"
    shutil.copytree(ORIGINAL, copy)
    dataset.clear_caches()
    monkeypatch.setattr(dataset, "_data_dir", lambda: copy)
    yield copy
    monkeypatch.undo()
    dataset.clear_caches()


def _change_a_digit(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    m = re.search(r"\d", text)
    assert m is not None and m.group(0).isdigit()
    digit = "1" if m.group(0) != "1" else "2"
    path.write_text(text[: m.start()] + digit + text[m.end() :], encoding="utf-8")


def _truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _delete(path: Path) -> None:
    path.unlink()


TAMPERINGS: dict[str, Callable[[Path], None]] = {
    "one digit changed": _change_a_digit,
    "truncated": _truncate,
    "deleted": _delete,
}


#: How each bundled file is read: the value of a law (on a date the file is in force) that loads
#: it.  Files are verified when they are read; a law never reads the editions not in force.
READERS: dict[str, Callable[[], object]] = {
    "usml.json": lambda: exportctl.law("2025-10-01").usml,
    "usml-2024-03-25.json": lambda: exportctl.law("2025-06-01").usml,
    "ccl.json": lambda: exportctl.law("2026-08-01").ccl,
    "ccl-2025.json": lambda: exportctl.law("2025-10-01").ccl,
    "etl.json": lambda: exportctl.law("2025-10-01").etl,
    "supp1.json": lambda: exportctl.law("2025-10-01").supp1,
    "countries.json": lambda: exportctl.law("2025-10-01").countries,
    "rules.json": lambda: exportctl.law("2025-10-01").ruleset,
    "exemptions.json": lambda: exportctl.law("2025-10-01").exemptions,
    "regulations.json": lambda: exportctl.law("2025-10-01"),
    "glossary.json": lambda: load_glossary(),
    "agreements.json": lambda: exportctl.law("2025-10-01").agreement_rules,
    "reforms.json": lambda: bundled_reforms(),
}


def test_every_file_has_a_reader() -> None:
    assert set(READERS) == set(NAMES)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("how", sorted(TAMPERINGS))
def test_every_file_is_verified(data_copy: Path, name: str, how: str) -> None:
    TAMPERINGS[how](data_copy / name)
    with pytest.raises(DataIntegrityError) as info:
        READERS[name]()
    assert info.value.file == name and name in str(info.value)
    # and a loader asked for that file directly refuses it as well
    dataset.clear_caches()
    if how != "deleted":
        with pytest.raises(DataIntegrityError, match=re.escape(name)):
            dataset.load_json(name)


def test_exemptions_digit_cannot_change_a_decision_silently(data_copy: Path) -> None:
    """The issue's example: one digit in exemptions.json.  Nothing is decided on it."""
    _change_a_digit(data_copy / "exemptions.json")
    example = ROOT / "examples" / "aukus_transfer.json"
    args = ["aukus", "check", str(example)] if example.exists() else ["usml", "show", "I(a)"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 5
    assert "exemptions.json" in result.stderr and "MANIFEST.json" in result.stderr
    assert "Traceback" not in result.output + result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["usml", "show", "I(a)"],
        ["classify", "--facts", str(ROOT / "examples" / "classify_wing_fold_actuator.json")],
        ["screen", str(ROOT / "examples" / "parts_list.csv")],
    ],
    ids=["usml-show", "classify", "screen"],
)
def test_cli_refuses_with_a_clear_message(data_copy: Path, args: list[str]) -> None:
    _truncate(data_copy / "usml.json")
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 5, result.output
    assert "usml.json" in result.stderr and "unverified data" in result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.stderr


def test_a_file_the_manifest_does_not_list(data_copy: Path) -> None:
    (data_copy / "extra.json").write_text("{}", encoding="utf-8")
    with pytest.raises(DataIntegrityError, match="not listed"):
        dataset.load_json("extra.json")


def _rehash(copy: Path, name: str) -> dict[str, object]:
    manifest = json.loads((copy / "MANIFEST.json").read_text(encoding="utf-8"))
    manifest["files"][name]["sha256"] = hashlib.sha256((copy / name).read_bytes()).hexdigest()
    return dict(manifest)


def test_a_manifest_whose_data_version_does_not_follow_from_its_hashes(data_copy: Path) -> None:
    """Re-hashing a tampered file in the manifest but keeping the old data_version: refused."""
    _change_a_digit(data_copy / "exemptions.json")
    manifest = _rehash(data_copy, "exemptions.json")
    (data_copy / "MANIFEST.json").write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(DataIntegrityError, match=r"MANIFEST\.json.*data_version"):
        exportctl.regulations("2025-10-01")


def test_data_version_is_derived_from_what_was_verified(data_copy: Path) -> None:
    before = dataset.bundle_version()
    law_before = exportctl.law("2025-10-01").id
    _change_a_digit(data_copy / "exemptions.json")
    manifest = _rehash(data_copy, "exemptions.json")
    files = {**manifest["files"], **manifest.get("editions", {})}
    assert isinstance(files, dict)
    joined = "".join(files[n]["sha256"] for n in sorted(files))
    manifest["data_version"] = hashlib.sha256(joined.encode()).hexdigest()[:16]
    (data_copy / "MANIFEST.json").write_text(json.dumps(manifest), encoding="utf-8")
    dataset.clear_caches()
    after = dataset.bundle_version()
    assert after != before and after == manifest["data_version"]
    # the law made of the changed file is another law
    assert exportctl.law("2025-10-01").id != law_before


@pytest.mark.parametrize(
    "content", ["", "{", "[]", '{"files": {}}', '{"files": {"usml.json": 3}}'], ids=repr
)
def test_a_malformed_manifest(data_copy: Path, content: str) -> None:
    (data_copy / "MANIFEST.json").write_text(content, encoding="utf-8")
    with pytest.raises(DataIntegrityError, match=r"MANIFEST\.json"):
        exportctl.regulations("2025-10-01")


def test_the_installed_data_verifies() -> None:
    dataset.verify_all()
    raw = json.loads((ORIGINAL / "MANIFEST.json").read_text(encoding="utf-8"))
    assert dataset.bundle_version() == raw["data_version"]
    listed = {**raw["files"], **raw.get("editions", {})}
    for name in NAMES:
        digest = hashlib.sha256((ORIGINAL / name).read_bytes()).hexdigest()
        assert listed[name]["sha256"] == digest
        assert dataset.file_info(name)[0] == digest
