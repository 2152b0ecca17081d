"""Build exportctl's bundled regulatory data (src/exportctl/data/*.json) from ../shared/reference.

Usage:  python tools/build_data.py [--reference DIR] [--check]

Deterministic and re-runnable: the same reference files and errata give byte-identical output.
``--check`` rebuilds in memory and fails if the committed files differ (used by the tests).
The build fails loudly, listing every problem, on anything it cannot parse; corrections are the
reviewed entries in data/errata/, never silent edits.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tools.databuild import ccl, countries, exemptions, glossary, part126, rules, usml
from tools.databuild.common import (
    DEFAULT_REFERENCE,
    ERRATA,
    ROOT,
    BuildError,
    read_json,
    sha256_file,
)

OUT = ROOT / "src" / "exportctl" / "data"

#: Reference files each dataset is built from (their hashes go into the manifest).
INPUTS = {
    "usml.json": [
        "itar/kg/nodes_USMLEntry.csv",
        "itar/kg/nodes_Note.csv",
        "itar/kg/nodes_USMLCategory.csv",
    ],
    "etl.json": ["itar/kg/nodes_SupplementEntry.csv", "itar/aukus_126_7.json"],
    "supp1.json": ["itar/kg/nodes_SupplementEntry.csv"],
    "countries.json": [
        "itar/nato_members.json",
        "itar/itar_126_1_country_policy.json",
        "itar/kg/nodes_Clause.csv",
        "ear/country_groups_supp1_part740.csv",
        "ear/country_groups_supp1_part740.json",
        "ear/country_chart_supp1_part738.csv",
        "ear/country_chart_supp1_part738.json",
        "ear/ecfr-2026-07-23/country-groups.json",
        "ear/ecfr-2026-07-23/country-chart.json",
    ],
    "ccl.json": ["ear/ecfr-2026-07-23/ccl.json", "ear/ccl_supp1_part774_fulltext_2025.json"],
    "regulations.json": ["itar/aukus_126_7.json"],
    "exemptions.json": ["itar/aukus_126_7.json", "itar/kg/nodes_Clause.csv"],
    "rules.json": [
        "itar/kg/nodes_Clause.csv",
        "itar/kg/nodes_Note.csv",
        "ear/ear_regulation_texts.md",
    ],
    "glossary.json": glossary.INPUTS,
}


def _dump(payload: Any) -> str:
    return json.dumps(payload, ensure_ascii=False, indent=None, separators=(",", ":")) + "\n"


def build_all(reference: Path) -> dict[str, Any]:
    usml_data = usml.build(reference)
    index = part126.USMLIndex(usml_data["paragraphs"])
    versions = read_json(ERRATA / "regulation_versions.json")
    datasets = {
        "usml.json": usml_data,
        "etl.json": part126.build_etl(reference, index),
        "supp1.json": part126.build_supp1(reference, index),
        "countries.json": countries.build(reference),
        "ccl.json": ccl.build(reference),
        "regulations.json": versions,
        "rules.json": rules.build(reference),
        "exemptions.json": exemptions.build(reference),
        "glossary.json": glossary.build(reference),
    }
    return datasets


def manifest(reference: Path, texts: dict[str, str]) -> dict[str, Any]:
    versions = read_json(ERRATA / "regulation_versions.json")
    files = {}
    for name, text in sorted(texts.items()):
        files[name] = {
            "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
            "as_of": versions["datasets"][name]["as_of"],
            "inputs": {p: sha256_file(reference / p) for p in INPUTS[name]},
        }
    errata_hash = hashlib.sha256()
    for path in sorted(ERRATA.rglob("*.json")):
        errata_hash.update(path.relative_to(ERRATA).as_posix().encode())
        errata_hash.update(path.read_bytes())
    combined = hashlib.sha256("".join(f["sha256"] for f in files.values()).encode()).hexdigest()
    return {
        "data_version": combined[:16],
        "files": files,
        "errata_sha256": errata_hash.hexdigest(),
        "horizon": min(f["as_of"] for f in files.values()),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reference", type=Path, default=DEFAULT_REFERENCE)
    parser.add_argument("--check", action="store_true", help="fail if committed data differs")
    args = parser.parse_args(argv)
    if not args.reference.is_dir():
        print(f"build_data: reference directory {args.reference} does not exist", file=sys.stderr)
        return 2
    try:
        datasets = build_all(args.reference)
    except BuildError as exc:
        print(f"build_data: FAILED\n{exc}", file=sys.stderr)
        return 1
    texts = {name: _dump(payload) for name, payload in datasets.items()}
    texts["MANIFEST.json"] = json.dumps(manifest(args.reference, texts), indent=1) + "\n"
    if args.check:
        stale = [
            n
            for n, t in texts.items()
            if not (OUT / n).exists() or (OUT / n).read_text(encoding="utf-8") != t
        ]
        if stale:
            print(f"build_data: committed data is stale: {stale}", file=sys.stderr)
            return 1
        print("build_data: committed data matches a fresh build")
        return 0
    OUT.mkdir(parents=True, exist_ok=True)
    for name, text in texts.items():
        (OUT / name).write_text(text, encoding="utf-8")
    sizes = ", ".join(f"{n} {len(t) // 1024} KiB" for n, t in sorted(texts.items()))
    print(f"build_data: wrote {len(texts)} files to {OUT.relative_to(ROOT)}: {sizes}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
