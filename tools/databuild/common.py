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


def csv_header(path: Path) -> list[str]:
    with path.open(newline="", encoding="utf-8") as fh:
        return next(csv.reader(fh))


#: The columns of the Commerce Country Chart (Supp. No. 1 to 15 CFR part 738).
CHART_COLUMN_NAMES = (
    *("CB1", "CB2", "CB3", "NP1", "NP2", "NS1", "NS2", "MT1"),
    *("RS1", "RS2", "CC1", "CC2", "CC3", "FC1", "AT1", "AT2"),
)


def chart_columns(reference: Path) -> tuple[str, ...]:
    """The chart columns from the reference table's header; they must be the known ones."""
    header = csv_header(reference / "ear" / "country_chart_supp1_part738.csv")
    columns = tuple(h for h in header if h not in ("iso2", "country_ear_name", "footnotes"))
    if columns != CHART_COLUMN_NAMES:
        raise BuildError(f"country chart columns changed: {columns}")
    return columns


def country_group_names(reference: Path) -> tuple[str, ...]:
    """The EAR Country Groups (A:1 … E:2), read from the reference table's header."""
    header = csv_header(reference / "ear" / "country_groups_supp1_part740.csv")
    return tuple(h for h in header if h not in ("iso2", "country_ear_name"))


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
