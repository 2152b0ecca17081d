"""Loading the bundled regulatory data (``exportctl/data/*.json``), verified against its manifest.

The JSON files are built by ``tools/build_data.py`` from the reference files and reviewed errata;
``MANIFEST.json`` records each file's sha256, its "as of" date and the hashes of the inputs.

Nothing is decided on unverified data.  The manifest is refused when its ``data_version`` does
not follow from the hashes it lists (the first 16 hex digits of the sha256 of the files' hashes
in name order, as the build computes it).  :func:`load_json` hashes the very bytes it parses and
compares them with the manifest (:func:`verified_bytes` the very bytes a reader decodes, all of
them, before any is decoded): a file is verified when it is first read, once per process
(the results are cached), so a law that reads only the editions in force on its date never pays
for the others.  Any mismatch, missing, unreadable
or malformed file raises :class:`DataIntegrityError`, naming the file; the CLI turns it into a
clear message and exit status 5.
"""

from __future__ import annotations

import json
import os
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable
    from pathlib import Path

if TYPE_CHECKING:
    import datetime as dt
else:  # the C types ``datetime`` re-exports, without first running its Python twin (start-up;
    try:  # ``import datetime`` does just this from Python 3.12 on)
        import _datetime as dt
    except ImportError:  # pragma: no cover - an interpreter without the C module
        import datetime as dt

try:  # hashlib.sha256 itself (OpenSSL's), without hashlib's set-up of every other algorithm
    from _hashlib import openssl_sha256 as _sha256  # (start-up)

    _sha256(usedforsecurity=False)  # as hashlib checks it before using it
except (ImportError, ValueError):  # pragma: no cover - no OpenSSL, or one that refuses it
    from hashlib import sha256 as _sha256

__all__ = [
    "DataIntegrityError",
    "bundle_version",
    "clear_caches",
    "file_info",
    "load_json",
    "verified_bytes",
    "verify_all",
]

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


def _data_dir() -> Traversable | Path | str:
    """Where the bundled data lives (tests point this at a tampered copy): the package's own
    directory (a path), or (a package imported from a zip file) its resources."""
    here = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "data")
    if os.path.isdir(here):
        return here
    from importlib import resources  # pragma: no cover - a zipped install

    return resources.files("exportctl").joinpath("data")  # pragma: no cover


def _read(name: str) -> bytes:
    try:
        where = _data_dir()
        if isinstance(where, str):
            with open(os.path.join(where, name), "rb") as fh:
                return fh.read()
        return where.joinpath(name).read_bytes()
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
    return _sha256(joined.encode()).hexdigest()[:16]


@cache
def _verified(name: str) -> bytes:
    """The bytes of one listed file, checked against the manifest's sha256."""
    files = _listed()
    if name not in files:
        raise DataIntegrityError(name, "is not listed in MANIFEST.json")
    data = _read(name)
    digest = _sha256(data).hexdigest()
    if digest != files[name]["sha256"]:
        raise DataIntegrityError(
            name,
            f"does not match MANIFEST.json (sha256 {digest[:16]}…, expected "
            f"{files[name]['sha256'][:16]}…): it was altered or damaged",
        )
    return data


def verified_bytes(name: str) -> bytes:
    """The bytes of one bundled data file, checked against the manifest's sha256 (cached), for
    a reader that decodes only the part it reads (a USML edition: one paragraph per look-up)."""
    return _verified(name)


@cache
def load_json(name: str) -> Any:
    """The parsed content of one bundled data file, verified (cached; treat it as read-only)."""
    if name == MANIFEST_NAME:
        return _manifest_raw()
    return _parse(name, _verified(name))


def clear_caches() -> None:
    """Forget every verified file and parsed object (for tests that swap the data directory),
    and the decisions made from them (the classification memo is keyed by the law's id, which
    the manifest's hashes give without reading the files)."""
    from exportctl.corpus import law
    from exportctl.engine import classify

    classify._MEMO.clear()
    _manifest_raw.cache_clear()
    _verified.cache_clear()
    load_json.cache_clear()
    law._BUILT.clear()
    law._BUNDLED.clear()


def _listed() -> dict[str, Any]:
    raw = _manifest_raw()
    listed: dict[str, Any] = {**raw["files"], **(raw.get("editions") or {})}
    return listed


def bundle_version() -> str:
    """The data version of the bundle, derived from the hashes the manifest lists (checked)."""
    version: str = _manifest_raw()["data_version"]
    return version


def file_info(name: str) -> tuple[str, dt.date]:
    """The sha256 and the "as of" date the manifest records for one bundled file."""
    info = _listed().get(name)
    if info is None:
        raise DataIntegrityError(name, "is not listed in MANIFEST.json")
    try:
        return info["sha256"], dt.date.fromisoformat(info["as_of"])
    except ValueError as exc:
        raise DataIntegrityError(
            MANIFEST_NAME, f"has a malformed date for {name} ({exc})"
        ) from None


def verify_all() -> None:
    """Verify every file the manifest lists (the data build's smoke test and ``--check-data``)."""
    for name in sorted(_listed()):
        _verified(name)
