"""A bundled USML edition read from its verified bytes, one paragraph decoded at a time
(corpus/usml.py ``usml_from_bundle``; issue 13, start-up).

The list is the list :func:`usml_from_data` makes of the parsed file, paragraph for paragraph;
the whole file is still hashed against MANIFEST.json before any of it is decoded (a byte changed
far from the paragraph looked up is refused); a file not laid out as the data build writes it is
parsed whole and gives the same answers.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

import pytest

import exportctl
from exportctl.corpus import bundle
from exportctl.corpus.bundle import DataIntegrityError, load_json
from exportctl.corpus.usml import (
    UnitedStatesMunitionsList,
    UnknownReference,
    _categories,
    _object_of,
    _Objects,
    usml_from_bundle,
    usml_from_data,
)

EDITIONS = ["usml.json", "usml-2024-03-25.json"]
ORIGINAL = Path(str(resources.files("exportctl").joinpath("data")))


def _decoded(usml: UnitedStatesMunitionsList) -> _Objects:
    objects = usml._pending.order if usml._pending is not None else None
    assert isinstance(objects, _Objects)
    return objects


@pytest.mark.parametrize("name", EDITIONS)
def test_each_paragraph_found_alone_is_the_parsed_files(name: str) -> None:
    raw = load_json(name)
    data = bundle.verified_bytes(name)
    begun = _categories(data)
    assert begun is not None and begun[0] == raw["categories"]
    start = begun[1]
    assert len(raw["paragraphs"]) > 1000
    for paragraph in raw["paragraphs"]:
        assert _object_of(data, start, paragraph["ref"]) == paragraph, paragraph["ref"]
    # a category, or a paragraph the edition does not have, is not found
    assert _object_of(data, start, "XI") is None
    assert _object_of(data, start, "XI(a)(3)(xcix)") is None


@pytest.mark.parametrize("name", EDITIONS)
def test_the_list_read_from_the_bytes_is_the_list_of_the_parsed_file(name: str) -> None:
    raw = load_json(name)
    eager = usml_from_data(raw)
    lazy = usml_from_bundle(name)
    assert lazy.categories == eager.categories
    first = raw["paragraphs"][len(raw["paragraphs"]) // 2]["ref"]
    assert lazy.get(first) == eager.get(first)
    assert _decoded(lazy)._all is None  # one paragraph (and those above it) decoded
    assert len(_decoded(lazy)._decoded) <= len(first.split("("))
    # a reference inside a reserved range gives the range (I(j)-(w) reserved: I(k) is I(j)),
    # an unknown one is refused: both are answered from the whole file
    assert lazy.get("I(k)") == eager.get("I(k)") == eager.get("I(j)")
    assert eager.get("I(j)").range_end == "w"
    for ref in ("XI(a)(3)(xcix)", "XXII(a)"):
        with pytest.raises((UnknownReference, exportctl.ReferenceSyntaxError)):
            lazy.get(ref)
        with pytest.raises((UnknownReference, exportctl.ReferenceSyntaxError)):
            eager.get(ref)
    assert lazy.paragraphs == eager.paragraphs
    assert lazy.get(first) is lazy.paragraphs[[str(p.ref) for p in lazy.paragraphs].index(first)]


@pytest.mark.parametrize("name", EDITIONS)
def test_many_look_ups_read_the_whole_file_once_and_answer_the_same(name: str) -> None:
    raw = load_json(name)
    eager = usml_from_data(raw)
    lazy = usml_from_bundle(name)
    refs = [p["ref"] for p in raw["paragraphs"]][:: max(1, len(raw["paragraphs"]) // 80)]
    assert len(refs) > _Objects.ONE_BY_ONE
    for ref in refs:
        assert lazy.get(ref) == eager.get(ref), ref
    assert _decoded(lazy)._all is not None  # past ONE_BY_ONE paragraphs, the file was decoded
    assert lazy.paragraphs == eager.paragraphs


@pytest.fixture
def data_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    copy = tmp_path / "data"
    shutil.copytree(ORIGINAL, copy)
    bundle.clear_caches()
    monkeypatch.setattr(bundle, "_data_dir", lambda: copy)
    yield copy
    monkeypatch.undo()
    bundle.clear_caches()


def _rehash(copy: Path, name: str) -> None:
    """The manifest of ``copy`` with ``name`` hashed again and its data_version derived again
    (as the build writes it): the file is then the bundled one."""
    manifest = json.loads((copy / "MANIFEST.json").read_text(encoding="utf-8"))
    section = "editions" if name in manifest.get("editions", {}) else "files"
    digest = hashlib.sha256((copy / name).read_bytes()).hexdigest()
    manifest[section][name]["sha256"] = digest
    files = {**manifest["files"], **manifest.get("editions", {})}
    joined = "".join(files[n]["sha256"] for n in sorted(files))
    manifest["data_version"] = hashlib.sha256(joined.encode()).hexdigest()[:16]
    (copy / "MANIFEST.json").write_text(json.dumps(manifest), encoding="utf-8")


REFS = ["XI(a)(3)(xviii)", "XI(a)(3)", "IV(h)(12)", "XXI(a)", "I(a)"]


def _answers(law: exportctl.Law) -> list[object]:
    return [law.usml_paragraph(ref) for ref in REFS]


def test_a_byte_changed_far_from_the_paragraph_looked_up_is_refused(data_copy: Path) -> None:
    """The look-up decodes a few paragraphs, but the whole file is verified first: one letter
    changed in the text of the file's last paragraphs refuses a look-up of XI(a)(3)(xviii)."""
    path = data_copy / "usml-2024-03-25.json"
    data = path.read_bytes()
    last = data.rfind(b'"text":"') + len(b'"text":"')
    assert last > len(data) * 0.9 and data.find(b'{"ref":"XI(a)(3)(xviii)"') < last
    changed = b"Z" if data[last : last + 1] != b"Z" else b"Y"
    path.write_bytes(data[:last] + changed + data[last + 1 :])
    with pytest.raises(DataIntegrityError, match=r"usml-2024-03-25\.json.*MANIFEST\.json"):
        exportctl.law("2025-06-01").usml_paragraph("XI(a)(3)(xviii)")


def test_a_file_not_laid_out_as_the_build_writes_it_is_read_whole(data_copy: Path) -> None:
    """The same content written another way (indented, keys in another order), with its hash
    in the manifest: the paragraphs are not found one by one, the file is parsed whole, and
    every answer is the same."""
    expected = _answers(exportctl.law("2025-06-01"))
    bundle.clear_caches()
    name = "usml-2024-03-25.json"
    raw = json.loads((data_copy / name).read_text(encoding="utf-8"))
    raw["paragraphs"] = [dict(sorted(p.items())) for p in raw["paragraphs"]]
    (data_copy / name).write_text(json.dumps(raw, indent=1, ensure_ascii=False), encoding="utf-8")
    _rehash(data_copy, name)
    bundle.clear_caches()
    law = exportctl.law("2025-06-01")
    assert _answers(law) == expected
    assert law.usml._pending is None or not isinstance(law.usml._pending.order, _Objects)


def test_paragraphs_in_another_order_of_keys_are_decoded_whole(data_copy: Path) -> None:
    """Compact, as the build writes it, but one paragraph's reference is not its first key: that
    paragraph is not found alone, the file is parsed whole, and the answers are the same."""
    expected = _answers(exportctl.law("2025-06-01"))
    bundle.clear_caches()
    name = "usml-2024-03-25.json"
    raw = json.loads((data_copy / name).read_text(encoding="utf-8"))
    for paragraph in raw["paragraphs"]:
        if paragraph["ref"] == "XI(a)(3)":
            ref = paragraph.pop("ref")
            paragraph["ref"] = ref  # now the last key
    text = json.dumps(raw, ensure_ascii=False, indent=None, separators=(",", ":")) + "\n"
    (data_copy / name).write_text(text, encoding="utf-8")
    _rehash(data_copy, name)
    bundle.clear_caches()
    law = exportctl.law("2025-06-01")
    assert _answers(law) == expected
    assert _decoded(law.usml)._all == raw["paragraphs"]  # decoded whole: every paragraph


def test_a_reference_written_twice_is_read_as_the_parsed_file_reads_it(data_copy: Path) -> None:
    """The build writes each reference once; were one written twice, the paragraph found alone
    is the one the parsed file's list by reference keeps (the last)."""
    name = "usml-2024-03-25.json"
    raw = json.loads((data_copy / name).read_text(encoding="utf-8"))
    at = next(i for i, p in enumerate(raw["paragraphs"]) if p["ref"] == "XI(a)(3)(xviii)")
    twice = {**raw["paragraphs"][at], "text": "written twice"}
    raw["paragraphs"].insert(at + 10, twice)
    text = json.dumps(raw, ensure_ascii=False, indent=None, separators=(",", ":")) + "\n"
    (data_copy / name).write_text(text, encoding="utf-8")
    _rehash(data_copy, name)
    bundle.clear_caches()
    law = exportctl.law("2025-06-01")
    found = law.usml_paragraph("XI(a)(3)(xviii)")
    assert _decoded(law.usml)._all is None  # found alone
    assert found.text == "written twice"
    assert found == usml_from_data(load_json(name)).get("XI(a)(3)(xviii)")
