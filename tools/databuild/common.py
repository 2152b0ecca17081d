"""Shared helpers for the data build: reading reference files, failing loudly, writing JSON."""

from __future__ import annotations

import csv
import hashlib
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))

DATA = ROOT / "data"
ERRATA = DATA / "errata"
DEFAULT_REFERENCE = (ROOT / ".." / "shared" / "reference").resolve()


class BuildError(Exception):
    """The reference data has something the build cannot parse or a correction does not fit."""


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def read_json(path: Path) -> Any:
    with path.open(encoding="utf-8") as fh:
        return json.load(fh)


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write_json(path: Path, payload: Any) -> None:
    """Write deterministic JSON (keys keep their order: document order is meaningful)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(payload, ensure_ascii=False, indent=1) + "\n"
    path.write_text(text, encoding="utf-8")


def load_errata(pattern: str) -> list[dict[str, Any]]:
    """Every erratum from the files matching ``pattern`` under data/errata, in file order."""
    entries: list[dict[str, Any]] = []
    seen: set[str] = set()
    for path in sorted(ERRATA.glob(pattern)):
        if path.name.startswith("_"):
            continue
        payload = read_json(path)
        for entry in payload["errata"]:
            for key in ("id", "op", "was", "fix", "evidence"):
                if key not in entry:
                    raise BuildError(f"{path.name}: erratum {entry.get('id', '?')} lacks {key!r}")
            if entry["id"] in seen:
                raise BuildError(f"{path.name}: erratum id {entry['id']} is used twice")
            seen.add(entry["id"])
            entry["_file"] = path.name
            entries.append(entry)
    return entries
