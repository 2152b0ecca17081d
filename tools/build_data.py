"""Build exportctl's bundled regulatory data (src/exportctl/data/*.json) from ../shared/reference.

Usage:  python tools/build_data.py [--reference DIR] [--ecfr-dir DIR] [--check]

Deterministic and re-runnable: the same reference files and errata give byte-identical output.
``--check`` rebuilds in memory and fails if the committed files differ (used by the tests).
The build fails loudly, listing every problem, on anything it cannot parse; corrections are the
reviewed entries in data/errata/, never silent edits.

Stored eCFR copies (``data/errata/stored_copies.json``) are read from ``--ecfr-dir`` (default:
``$EXPORTCTL_ECFR_DIR``, else ``~/.cache/exportctl/ecfr``), never from the repository.  With them
the build also cross-checks usml.json against the eCFR XML and rebuilds the USML edition of
2024 from the eCFR Markdown copy; without them it says so, skips the cross-check, and keeps
the committed edition file, whose hash the manifest pins.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import itertools
import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tools.databuild import (
    agreements,
    ccl,
    countries,
    ecfr,
    exemptions,
    exponents,
    glossary,
    part126,
    reforms,
    rules,
    usml,
    usml_crosscheck,
)
from tools.databuild.common import (
    DEFAULT_REFERENCE,
    ERRATA,
    ROOT,
    BuildError,
    read_json,
    sha256_file,
)

OUT = ROOT / "src" / "exportctl" / "data"

#: The USML as it stood before the revisions of 2025-09-15, from a stored eCFR Markdown copy.
USML_2024 = "usml-2024-03-25.json"
USML_2024_COPY = "ecfr-md-121.1-2024"
USML_2024_ERRATA = "usml-2024-03-25"

#: Reference files each dataset is built from (their hashes go into the manifest); a stored
#: copy (outside the repository) is named ``stored-copy:<name>`` and recorded by its pinned hash.
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
    "ccl-2025.json": ["ear/ccl_supp1_part774_fulltext_2025.json"],
    USML_2024: [f"stored-copy:{USML_2024_COPY}"],
    "regulations.json": ["itar/aukus_126_7.json"],
    "exemptions.json": ["itar/aukus_126_7.json", "itar/kg/nodes_Clause.csv"],
    "rules.json": [
        "itar/kg/nodes_Clause.csv",
        "itar/kg/nodes_Note.csv",
        "ear/ear_regulation_texts.md",
    ],
    "glossary.json": glossary.INPUTS,
    "agreements.json": agreements.INPUTS,
    "reforms.json": reforms.INPUTS,
}


def _dump(payload: Any) -> str:
    return json.dumps(payload, ensure_ascii=False, indent=None, separators=(",", ":")) + "\n"


def usml_2024(ecfr_dir: Path | None) -> tuple[dict[str, Any] | None, str]:
    """The 2024 edition rebuilt from its stored copy, or None (and why) when it is absent."""
    path = ecfr.find_copy(USML_2024_COPY, ecfr_dir)
    if path is None:
        where = ecfr_dir or ecfr.default_dir()
        return None, (
            f"{USML_2024} not rebuilt: stored copy {USML_2024_COPY} is not in {where}; "
            f"the committed file is kept (its hash is pinned in MANIFEST.json)"
        )
    stream, titles = ecfr.markdown_stream(path)
    edition = usml.build_edition(usml.stream_source(stream, titles), USML_2024_ERRATA)
    return edition, f"{USML_2024} rebuilt from stored copy {USML_2024_COPY}"


def check_usml_exponents(name: str, edition: dict[str, Any]) -> None:
    """No USML text (paragraphs and notes) may still hold a flattened exponent."""
    spec = exponents.load()
    found = [
        f"{p['ref']}: …{snippet}…"
        for p in edition["paragraphs"]
        for text in (p["text"], *(n["text"] for n in p["notes"]))
        for snippet in exponents.leftovers(spec, text)
    ]
    if found:
        raise BuildError(f"{name}: flattened exponents left:\n  " + "\n  ".join(found))


def build_all(reference: Path, ecfr_dir: Path | None = None) -> tuple[dict[str, Any], list[str]]:
    """Every dataset that could be built, and the messages about what was checked or skipped."""
    messages: list[str] = []
    usml_data = usml.build(reference)
    check_usml_exponents("usml.json", usml_data)
    messages.append(usml_crosscheck.check(usml_data, ecfr_dir))
    index = part126.USMLIndex(usml_data["paragraphs"])
    versions = read_json(ERRATA / "regulation_versions.json")
    datasets = {
        "usml.json": usml_data,
        "etl.json": part126.build_etl(reference, index),
        "supp1.json": part126.build_supp1(reference, index),
        "countries.json": countries.build(reference),
        "ccl.json": ccl.build(reference),
        "ccl-2025.json": ccl.build_2025(reference),
        "regulations.json": versions,
        "rules.json": rules.build(reference),
        "exemptions.json": exemptions.build(reference),
        "glossary.json": glossary.build(reference),
        "agreements.json": agreements.build(reference),
        "reforms.json": reforms.build(reference),
    }
    old_usml, message = usml_2024(ecfr_dir)
    messages.append(message)
    if old_usml is not None:
        check_usml_exponents(USML_2024, old_usml)
        datasets[USML_2024] = old_usml
    check_exponent_sites(datasets)
    check_editions(versions)
    return datasets, messages


def check_exponent_sites(datasets: dict[str, Any]) -> None:
    """Every single-site exponent erratum is used by some CCL edition (none goes stale)."""
    used = " ".join(
        line
        for name in ("ccl.json", "ccl-2025.json")
        for line in datasets[name]["problems_accepted"]
    )
    stale = [s["id"] for s in exponents.load()["sites"] if s["id"] not in used]
    if stale:
        raise BuildError(f"exponent sites applied by no CCL edition: {stale}")


def check_editions(versions: dict[str, Any]) -> None:
    """Each dataset's editions follow one another without gap or overlap, the last open-ended."""
    problems = []
    for dataset, editions in versions["editions"].items():
        if dataset.startswith("_"):
            continue
        for key in ("file", "effective_from", "effective_until", "as_of", "source"):
            problems += [
                f"{dataset}: edition {e.get('file')} lacks {key!r}"
                for e in editions
                if key not in e
            ]
        if problems:
            break
        starts = [e["effective_from"] for e in editions]
        if starts != sorted(starts):
            problems.append(f"{dataset}: editions are not in order of effective_from")
        for before, after in itertools.pairwise(editions):
            if before["effective_until"] is None or dt.date.fromisoformat(
                before["effective_until"]
            ) + dt.timedelta(days=1) != dt.date.fromisoformat(after["effective_from"]):
                problems.append(
                    f"{dataset}: {before['file']} ends {before['effective_until']} but "
                    f"{after['file']} starts {after['effective_from']}"
                )
        if editions and editions[-1]["effective_until"] is not None:
            problems.append(f"{dataset}: the newest edition must have effective_until null")
        for e in editions:
            if e["file"] not in INPUTS:
                problems.append(f"{dataset}: edition file {e['file']} is not built")
    if problems:
        raise BuildError("regulation_versions.json editions:\n  " + "\n  ".join(problems))


def superseded(versions: dict[str, Any]) -> set[str]:
    """Edition files no longer in force (listed under "editions" in the manifest, not "files")."""
    return {
        e["file"]
        for editions in versions["editions"].values()
        if isinstance(editions, list)
        for e in editions
        if e["effective_until"] is not None
    }


def input_hashes(reference: Path, name: str) -> dict[str, str]:
    out = {}
    for p in INPUTS[name]:
        if p.startswith("stored-copy:"):
            out[p] = ecfr.stored_copies()[p.removeprefix("stored-copy:")]["sha256"]
        else:
            out[p] = sha256_file(reference / p)
    return out


def manifest(reference: Path, texts: dict[str, str]) -> dict[str, Any]:
    """Hashes and dates of every output.

    ``files`` are the datasets in force today (the library loads these); ``editions`` are the
    earlier editions kept for past dates.  ``horizon`` is the earliest "as of" among ``files``
    (an earlier edition's date is no horizon: it is superseded, not stale).  ``data_version``
    hashes every output, editions included.
    """
    versions = read_json(ERRATA / "regulation_versions.json")
    old = superseded(versions)
    files: dict[str, Any] = {}
    editions: dict[str, Any] = {}
    for name, text in sorted(texts.items()):
        entry = {
            "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
            "as_of": versions["datasets"][name]["as_of"],
            "inputs": input_hashes(reference, name),
        }
        (editions if name in old else files)[name] = entry
    errata_hash = hashlib.sha256()
    for path in sorted(ERRATA.rglob("*.json")):
        errata_hash.update(path.relative_to(ERRATA).as_posix().encode())
        errata_hash.update(path.read_bytes())
    everything = {**files, **editions}
    combined = hashlib.sha256(
        "".join(everything[n]["sha256"] for n in sorted(everything)).encode()
    ).hexdigest()
    return {
        "data_version": combined[:16],
        "files": files,
        "editions": editions,
        "errata_sha256": errata_hash.hexdigest(),
        "horizon": min(f["as_of"] for f in files.values()),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reference", type=Path, default=DEFAULT_REFERENCE)
    parser.add_argument(
        "--ecfr-dir",
        type=Path,
        default=None,
        help="directory of the stored eCFR copies (default $EXPORTCTL_ECFR_DIR or "
        "~/.cache/exportctl/ecfr)",
    )
    parser.add_argument("--check", action="store_true", help="fail if committed data differs")
    args = parser.parse_args(argv)
    if not args.reference.is_dir():
        print(f"build_data: reference directory {args.reference} does not exist", file=sys.stderr)
        return 2
    try:
        datasets, messages = build_all(args.reference, args.ecfr_dir)
    except BuildError as exc:
        print(f"build_data: FAILED\n{exc}", file=sys.stderr)
        return 1
    for message in messages:
        print(f"build_data: {message}")
    texts = {name: _dump(payload) for name, payload in datasets.items()}
    if USML_2024 not in texts:
        committed = OUT / USML_2024
        if not committed.exists():
            print(f"build_data: {USML_2024} is neither built nor committed", file=sys.stderr)
            return 1
        texts[USML_2024] = committed.read_text(encoding="utf-8")
        pinned = _committed_hash(USML_2024)
        actual = hashlib.sha256(texts[USML_2024].encode("utf-8")).hexdigest()
        if pinned != actual:
            print(
                f"build_data: committed {USML_2024} does not match the hash in MANIFEST.json "
                f"({actual} != {pinned}) and its stored copy is absent to rebuild it",
                file=sys.stderr,
            )
            return 1
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


def _committed_hash(name: str) -> str | None:
    path = OUT / "MANIFEST.json"
    if not path.exists():
        return None
    raw = json.loads(path.read_text(encoding="utf-8"))
    entry = raw.get("editions", {}).get(name) or raw.get("files", {}).get(name)
    return entry["sha256"] if entry else None


if __name__ == "__main__":
    raise SystemExit(main())
