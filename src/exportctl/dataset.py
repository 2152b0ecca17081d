"""Loading the bundled regulatory data (``exportctl/data/*.json``) and its manifest.

The JSON files are built by ``tools/build_data.py`` from the reference files and reviewed errata;
``MANIFEST.json`` records each file's hash, its "as of" date and the hashes of the inputs, and a
``data_version`` that names the whole bundle.  Every decision names the data version it used.
"""

from __future__ import annotations

import datetime as dt
import json
from functools import cache, lru_cache
from importlib import resources
from typing import Any

import attrs

__all__ = ["DataFile", "Manifest", "load_json", "manifest"]


@cache
def load_json(name: str) -> Any:
    """The parsed content of one bundled data file (cached; treat it as read-only)."""
    ref = resources.files("exportctl").joinpath("data", name)
    try:
        text = ref.read_text(encoding="utf-8")
    except FileNotFoundError as exc:  # pragma: no cover - only a broken install gets here
        raise RuntimeError(
            f"bundled data file {name!r} is missing from the exportctl package; "
            f"reinstall exportctl or rebuild the data with tools/build_data.py"
        ) from exc
    return json.loads(text)


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
    raw = load_json("MANIFEST.json")
    files = tuple(
        DataFile(name, info["sha256"], dt.date.fromisoformat(info["as_of"]))
        for name, info in raw["files"].items()
    )
    return Manifest(raw["data_version"], files, dt.date.fromisoformat(raw["horizon"]))
