"""What changed between two editions of a dataset (USML paragraphs, CCL ECCNs).

Usage: python -m tools.databuild.editions [usml|ccl]

Reads the built files in src/exportctl/data and prints the counts (added, removed, changed) and
every reference that differs; writes nothing.  The counts are reported in docs/data.md.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parents[2] / "src" / "exportctl" / "data"

PAIRS = {
    "usml": ("usml-2024-03-25.json", "usml.json"),
    "ccl": ("ccl-2025.json", "ccl.json"),
}


def _load(name: str) -> Any:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def usml_diff(old: dict[str, Any], new: dict[str, Any]) -> dict[str, list[str]]:
    """Paragraphs added, removed, with other text, or with other SME/MT flags."""
    before = {p["ref"]: p for p in old["paragraphs"]}
    after = {p["ref"]: p for p in new["paragraphs"]}
    return {
        "added": [r for r in after if r not in before],
        "removed": [r for r in before if r not in after],
        "text_changed": [r for r in after if r in before and after[r]["text"] != before[r]["text"]],
        "sme_changed": [r for r in after if r in before and after[r]["sme"] != before[r]["sme"]],
        "mt_changed": [r for r in after if r in before and after[r]["mt"] != before[r]["mt"]],
    }


def _norm(value: Any) -> Any:
    """Text compared without the two parsers' typography: quotes, spaces, superscript spacing."""
    if isinstance(value, str):
        value = value.replace("“", '"').replace("”", '"').replace("‘", "'").replace("’", "'")
        return re.sub(r"\s+", "", value).lower()
    if isinstance(value, list):
        return [_norm(v) for v in value]
    if isinstance(value, dict):
        return {k: _norm(v) for k, v in value.items() if k in ("ref", "text")}
    return value


def ccl_diff(old: dict[str, Any], new: dict[str, Any]) -> dict[str, list[str]]:
    """ECCNs added, removed, or with another heading, reasons, chart columns or paragraphs.

    Texts are compared after ``_norm``; item lists by reference and text (notes aside).
    ``added_placeholders`` are added ECCNs whose heading says they are subject to the ITAR.
    """
    before = {e["eccn"]: e for e in old["eccns"]}
    after = {e["eccn"]: e for e in new["eccns"]}
    fields = ("heading", "reasons_for_control", "country_chart_columns", "items")

    def changed(field: str) -> list[str]:
        return [
            e for e in after if e in before and _norm(after[e][field]) != _norm(before[e][field])
        ]

    added = [e for e in after if e not in before]
    out = {
        "added": added,
        "added_placeholders": [e for e in added if after[e]["subject_to_itar_placeholder"]],
        "removed": [e for e in before if e not in after],
    }
    for field in fields:
        out[f"{field}_changed"] = changed(field)
    out["changed"] = sorted({e for f in fields for e in changed(f)})
    return out


def main(argv: list[str]) -> int:
    which = argv[0] if argv else "usml"
    old_name, new_name = PAIRS[which]
    diff = (usml_diff if which == "usml" else ccl_diff)(_load(old_name), _load(new_name))
    print(f"{old_name} -> {new_name}")
    for key, refs in diff.items():
        print(f"  {key}: {len(refs)}")
        for ref in refs:
            print(f"    {ref}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
