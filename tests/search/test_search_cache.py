"""The on-disk index cache: used only when intact and built from the same content and schema."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from exportctl.search import CACHE_ENV, build_index, cache_directory
from exportctl.search.cache import content_key
from exportctl.search.documents import documents
from exportctl.search.glossary import load_glossary

from .conftest import ccl_subset, usml_subset


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(CACHE_ENV, str(tmp_path))
    return tmp_path / "search"


def small(*categories: str) -> tuple[object, object]:
    return usml_subset(*categories), ccl_subset("0A501", "5A992")


def build(*categories: str, edition: str = "E1"):  # type: ignore[no-untyped-def]
    usml, ccl = small(*categories)
    return build_index(usml, ccl, edition_key=edition)  # type: ignore[arg-type]


def cached_files(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir())


def test_first_use_builds_and_caches_then_reads_the_cache(cache_dir: Path) -> None:
    first = build("IV")
    assert first.origin == "built" and first.cache_path is not None and first.cache_path != ""
    assert Path(first.cache_path).is_file()
    assert Path(first.cache_path).parent == cache_dir
    assert len(cached_files(cache_dir)) == 2  # the database and its sidecar
    second = build("IV")
    assert second.origin == "cache"
    assert second.content_key == first.content_key
    query = "torpedo"
    assert [h.reference for h in second.search(query)] == [h.reference for h in first.search(query)]
    assert second.search(query, regime="usml")[0].reference == "IV(a)(7)"


def test_other_content_is_rebuilt_and_the_stale_file_replaced(cache_dir: Path) -> None:
    old = build("IV")
    new = build("IV", "XII")  # the same edition, other content (say, a corrected paragraph)
    assert new.origin == "built" and new.content_key != old.content_key
    assert old.cache_path is not None and not Path(old.cache_path).exists()
    assert new.search("IMU", regime="usml")[0].reference == "XII(e)(9)"
    assert build("IV", "XII").origin == "cache"


def test_editions_are_cached_side_by_side(cache_dir: Path) -> None:
    build("IV", edition="2025-10-02")
    build("XII", edition="2026-01-01")
    assert build("IV", edition="2025-10-02").origin == "cache"
    assert build("XII", edition="2026-01-01").origin == "cache"


def test_damaged_database_is_rebuilt_not_used(cache_dir: Path) -> None:
    first = build("IV")
    assert isinstance(first.cache_path, str)
    path = Path(first.cache_path)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF  # one flipped byte somewhere in the pages
    path.write_bytes(bytes(data))
    again = build("IV")
    assert again.origin == "built"
    assert again.cache_note is not None and "damaged" in again.cache_note
    assert again.search("torpedo", regime="usml")[0].reference == "IV(a)(7)"
    assert build("IV").origin == "cache"  # rewritten intact


def test_truncated_database_is_rebuilt(cache_dir: Path) -> None:
    first = build("IV")
    assert isinstance(first.cache_path, str)
    Path(first.cache_path).write_bytes(b"SQLite format 3\x00")
    assert build("IV").origin == "built"


@pytest.mark.parametrize(
    "damage",
    [
        lambda meta: "not json at all",
        lambda meta: json.dumps({**meta, "schema_version": meta["schema_version"] + 1}),
        lambda meta: json.dumps({**meta, "content_key": "0" * 64}),
        lambda meta: json.dumps({**meta, "documents": meta["documents"] + 1}),
        lambda meta: json.dumps({k: v for k, v in meta.items() if k != "sha256"}),
    ],
    ids=["garbage", "older-schema", "other-content", "wrong-count", "no-hash"],
)
def test_bad_sidecar_means_rebuild(cache_dir: Path, damage) -> None:  # type: ignore[no-untyped-def]
    first = build("IV")
    assert isinstance(first.cache_path, str)
    sidecar = Path(first.cache_path).with_suffix(".json")
    meta = json.loads(sidecar.read_text())
    sidecar.write_text(damage(meta))
    assert build("IV").origin == "built"


def test_database_from_other_content_under_this_name_is_not_used(cache_dir: Path) -> None:
    """A file renamed into place (with a matching sidecar hash) still records its own key."""
    a = build("IV", edition="A")
    b = build("XII", edition="B")
    assert isinstance(a.cache_path, str) and isinstance(b.cache_path, str)
    a_path, b_path = Path(a.cache_path), Path(b.cache_path)
    a_path.write_bytes(b_path.read_bytes())
    meta = json.loads(a_path.with_suffix(".json").read_text())
    meta["sha256"] = json.loads(b_path.with_suffix(".json").read_text())["sha256"]
    meta["documents"] = json.loads(b_path.with_suffix(".json").read_text())["documents"]
    a_path.with_suffix(".json").write_text(json.dumps(meta))
    again = build("IV", edition="A")
    assert again.origin == "built"
    assert again.search("torpedo", regime="usml")[0].reference == "IV(a)(7)"


def test_unwritable_cache_falls_back_to_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    monkeypatch.setenv(CACHE_ENV, str(blocker))  # <file>/search cannot be created
    index = build("IV")
    assert index.origin == "built" and index.cache_path is None
    assert index.cache_note is not None and "memory" in index.cache_note
    assert index.search("torpedo", regime="usml")[0].reference == "IV(a)(7)"


def test_cache_can_be_turned_off(cache_dir: Path) -> None:
    usml, ccl = small("IV")
    index = build_index(usml, ccl, edition_key="E1", cache=False)  # type: ignore[arg-type]
    assert index.origin == "built" and index.cache_path is None
    assert not cache_dir.exists()


def test_cache_directory_follows_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(CACHE_ENV, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_directory() == tmp_path / "xdg" / "exportctl" / "search"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache_directory() == tmp_path / "home" / ".cache" / "exportctl" / "search"
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "mine"))
    assert cache_directory() == tmp_path / "mine" / "search"


def test_content_key_covers_documents_and_glossary() -> None:
    usml, ccl = small("IV")
    docs = documents(usml, ccl)  # type: ignore[arg-type]
    glossary = load_glossary()
    key = content_key(docs, glossary)
    assert key == content_key(docs, glossary)
    assert key != content_key(docs[:-1], glossary)
    assert key != content_key(docs, type(glossary)(glossary.entries[1:], glossary.as_of))


def test_an_editions_cleanup_spares_editions_whose_name_it_prefixes(cache_dir: Path) -> None:
    build("IV", edition="2025")
    build("XII", edition="2025-10-02")
    build("IV", "XII", edition="2025")  # rebuilt: the old "2025" file goes, "2025-10-02" stays
    assert build("XII", edition="2025-10-02").origin == "cache"
    assert len(cached_files(cache_dir)) == 4
