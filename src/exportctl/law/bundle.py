"""Loading the bundled regulatory data (``exportctl/data/*.json``), verified against its manifest.

The JSON files are built by ``tools/build_data.py`` from the reference files and reviewed errata;
``MANIFEST.json`` records each file's sha256, its "as of" date and the hashes of the inputs.

Nothing is decided on unverified data.  :func:`manifest` reads the manifest, checks that every
file it lists is there and hashes to the recorded sha256, and derives ``data_version`` from those
verified hashes (the first 16 hex digits of the sha256 of the files' hashes in name order, as
the build computes it; a manifest whose recorded ``data_version`` disagrees is refused too).
:func:`load_json` hashes the very bytes it parses and compares them with the manifest.  Each file
is read and hashed once per process (the results are cached).  Any mismatch, missing, unreadable
or malformed file raises :class:`DataIntegrityError`, naming the file; the CLI turns it into a
clear message and exit status 5.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from functools import cache, lru_cache
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any

import attrs

__all__ = ["DataFile", "DataIntegrityError", "Manifest", "load_json", "manifest"]

MANIFEST_NAME = "MANIFEST.json"


class DataIntegrityError(RuntimeError):
    """A bundled data file is missing, unreadable, or not the file the manifest names."""

    def __init__(self, name: str, reason: str) -> None:
        super().__init__(
            f"bundled data file {name!r} {reason}; no decision is made on unverified data "
            f"(reinstall exportctl, or rebuild the data with tools/build_data.py)"
        )
        self.file = name
        self.reason = reason


def _data_dir() -> Traversable:
    """Where the bundled data lives (tests point this at a tampered copy)."""
    return resources.files("exportctl").joinpath("data")


def _read(name: str) -> bytes:
    try:
        return _data_dir().joinpath(name).read_bytes()
    except FileNotFoundError:
        raise DataIntegrityError(name, "is missing from the exportctl package") from None
    except OSError as exc:
        raise DataIntegrityError(name, f"cannot be read ({exc.strerror or exc})") from None


def _parse(name: str, data: bytes) -> Any:
    try:
        return json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DataIntegrityError(name, f"is not valid UTF-8 JSON ({exc})") from None


@cache
def _manifest_raw() -> dict[str, Any]:
    raw = _parse(MANIFEST_NAME, _read(MANIFEST_NAME))
    files = raw.get("files") if isinstance(raw, dict) else None
    if (
        not isinstance(files, dict)
        or not files
        or not all(
            isinstance(info, dict)
            and isinstance(info.get("sha256"), str)
            and isinstance(info.get("as_of"), str)
            for info in files.values()
        )
        or not isinstance(raw.get("data_version"), str)
        or not isinstance(raw.get("horizon"), str)
    ):
        raise DataIntegrityError(
            MANIFEST_NAME, "is malformed (expected data_version, horizon and files with sha256)"
        )
    editions = raw.get("editions") or {}
    if not isinstance(editions, dict) or not all(
        isinstance(info, dict) and isinstance(info.get("sha256"), str) for info in editions.values()
    ):
        raise DataIntegrityError(MANIFEST_NAME, "is malformed (editions without sha256)")
    derived = _data_version({**files, **editions})
    if raw["data_version"] != derived:
        raise DataIntegrityError(
            MANIFEST_NAME,
            f"records data_version {raw['data_version']} but its file hashes give {derived}",
        )
    checked: dict[str, Any] = raw
    return checked


def _data_version(files: dict[str, Any]) -> str:
    joined = "".join(files[name]["sha256"] for name in sorted(files))
    return hashlib.sha256(joined.encode()).hexdigest()[:16]


@cache
def _verified(name: str) -> bytes:
    """The bytes of one listed file, checked against the manifest's sha256."""
    raw = _manifest_raw()
    files = {**raw["files"], **(raw.get("editions") or {})}
    if name not in files:
        raise DataIntegrityError(name, "is not listed in MANIFEST.json")
    data = _read(name)
    digest = hashlib.sha256(data).hexdigest()
    if digest != files[name]["sha256"]:
        raise DataIntegrityError(
            name,
            f"does not match MANIFEST.json (sha256 {digest[:16]}…, expected "
            f"{files[name]['sha256'][:16]}…): it was altered or damaged",
        )
    return data


@cache
def load_json(name: str) -> Any:
    """The parsed content of one bundled data file, verified (cached; treat it as read-only)."""
    if name == MANIFEST_NAME:
        return _manifest_raw()
    return _parse(name, _verified(name))


def clear_caches() -> None:
    """Forget every verified file and parsed object (for tests that swap the data directory)."""
    _manifest_raw.cache_clear()
    _verified.cache_clear()
    load_json.cache_clear()
    manifest.cache_clear()


@attrs.frozen
class DataFile:
    """One bundled data file: its name, content hash and the date its regulation text is as of."""

    name: str
    sha256: str
    as_of: dt.date


@attrs.frozen
class Manifest:
    data_version: str
    files: tuple[DataFile, ...]
    horizon: dt.date

    def file(self, name: str) -> DataFile:
        for f in self.files:
            if f.name == name:
                return f
        raise KeyError(name)


@lru_cache(maxsize=1)
def manifest() -> Manifest:
    """The manifest, after every file it lists was verified; ``data_version`` derived from them."""
    raw = _manifest_raw()
    listed = {**raw["files"], **(raw.get("editions") or {})}
    for name in sorted(listed):
        _verified(name)
    try:
        files = tuple(
            DataFile(name, info["sha256"], dt.date.fromisoformat(info["as_of"]))
            for name, info in sorted(raw["files"].items())
        )
        horizon = dt.date.fromisoformat(raw["horizon"])
    except ValueError as exc:
        raise DataIntegrityError(MANIFEST_NAME, f"has a malformed date ({exc})") from None
    return Manifest(_data_version(listed), files, horizon)
