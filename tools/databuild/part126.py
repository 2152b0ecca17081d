"""Supplements No. 1 and No. 2 to 22 CFR part 126, with their USML references made explicit.

Supp. No. 2 is the Excluded Technology List (ETL) of the AUKUS exemption (§ 126.7); Supp. No. 1
lists the exclusions from the Canadian exemption (§ 126.5) and the Australia/UK treaty exemptions
(§§ 126.16, 126.17).  Each row's USML column ("II(j)(9) through (11), and (k)") is expanded into
explicit paragraph references, each checked to exist in the rebuilt USML; each row's conditions
are read from ``data/errata/etl.json`` / ``supp1.json``, where every condition quotes the words of
the row it reads and the build checks that the quote is really there.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from exportctl.corpus.references import (
    LEVEL_KINDS,
    USML_CATEGORIES,
    USMLRef,
    label_at,
    label_kinds,
    ordinal,
    parse_usml,
)
from exportctl.corpus.supplements import APPLIES_TO, CONDITION_TESTS

from .common import ERRATA, BuildError, read_csv, read_json

_ITEM = re.compile(r"^(?P<cat>[IVX]+)?(?P<path>(?:\([A-Za-z0-9]+\))*)$")
_SPLIT = re.compile(r"\s*[;,]\s*(?:(?:and|or)\s+)?|\s+(?:and|or)\s+")


class USMLIndex:
    """Which USML references exist, reserved ranges included."""

    def __init__(self, paragraphs: list[dict[str, Any]]) -> None:
        self.refs: set[str] = set(USML_CATEGORIES)
        self.children: dict[str, list[dict[str, Any]]] = {}
        for p in paragraphs:
            self.refs.add(p["ref"])
            self.children.setdefault(p["parent"], []).append(p)
            if p["range_end"]:
                kind = LEVEL_KINDS[p["level"] - 1]
                ref = parse_usml(p["ref"])
                start, end = ordinal(p["label"], kind), ordinal(p["range_end"], kind)
                for n in range(start + 1, end + 1):
                    self.refs.add(str(ref.parent.child(label_at(n, kind))) if ref.parent else "")

    def exists(self, ref: USMLRef) -> bool:
        return str(ref) in self.refs


def _continue(previous: USMLRef, labels: tuple[str, ...], where: str) -> USMLRef:
    """``(iv)`` after ``V(a)(13)(iii)`` is ``V(a)(13)(iv)``; ``(d)(3)`` after it is ``V(d)(3)``."""

    def plausible(level: int) -> bool:
        kind = LEVEL_KINDS[level - 1]
        if kind not in label_kinds(labels[0]):
            return False
        if kind == "roman" and len(label_kinds(labels[0])) > 1:
            # (c), (d), (i), (v), (x) … read as roman numerals only when they follow closely.
            step = ordinal(labels[0], kind) - ordinal(previous.path[level - 1], kind)
            return 0 < step <= 5
        return True

    levels = [level for level in range(1, len(previous.path) + 1) if plausible(level)]
    if not levels:
        raise BuildError(f"{where}: cannot place ({labels[0]}) after {previous}")
    level = max(levels)
    return USMLRef(previous.category, previous.path[: level - 1] + labels)


def _through(first: USMLRef, last: USMLRef, where: str) -> list[USMLRef]:
    if not first.path and not last.path:
        a, b = USML_CATEGORIES.index(first.category), USML_CATEGORIES.index(last.category)
        return [USMLRef(c) for c in USML_CATEGORIES[a : b + 1]]
    if first.parent != last.parent or not first.path:
        raise BuildError(f"{where}: '{first} through {last}' does not name siblings")
    kind = LEVEL_KINDS[first.level - 1]
    a, b = ordinal(first.path[-1], kind), ordinal(last.path[-1], kind)
    parent = first.parent
    assert parent is not None
    return [parent.child(label_at(n, kind)) for n in range(a, b + 1)]


def expand_usml_list(text: str, index: USMLIndex, where: str) -> list[str]:
    """Expand a USML column such as 'II(j)(9) through (11), and (k)' into explicit references."""
    out: list[USMLRef] = []
    previous: USMLRef | None = None
    for raw in (t.strip() for t in _SPLIT.split(text.strip())):
        if not raw:
            continue
        ends = [e.strip() for e in raw.split(" through ")]
        resolved: list[USMLRef] = []
        for end in ends:
            m = _ITEM.match(end.replace(" ", ""))
            if not m:
                raise BuildError(f"{where}: cannot read {end!r} in {text!r}")
            labels = tuple(re.findall(r"\(([A-Za-z0-9]+)\)", m.group("path")))
            if m.group("cat"):
                ref = USMLRef(m.group("cat"), labels)
            elif previous is not None and labels:
                ref = _continue(previous, labels, where)
            else:
                raise BuildError(f"{where}: {end!r} has no category to continue from")
            resolved.append(ref)
            previous = ref
        if len(resolved) == 2:
            out.extend(_through(resolved[0], resolved[1], where))
        elif len(resolved) == 1:
            out.extend(resolved)
        else:
            raise BuildError(f"{where}: more than one 'through' in {raw!r}")
    missing = [str(r) for r in out if not index.exists(r)]
    if missing:
        raise BuildError(f"{where}: {text!r} names USML paragraphs that do not exist: {missing}")
    return [str(r) for r in out]


def _check_entries(
    row_id: str, text: str, entries: list[dict[str, Any]], facts: dict[str, Any], index: USMLIndex
) -> None:
    normalised = " ".join(text.split())
    if not entries:
        raise BuildError(f"{row_id}: no entries")
    for entry in entries:
        if not entry.get("applies_to") or set(entry["applies_to"]) - APPLIES_TO:
            raise BuildError(f"{row_id}: applies_to must be a subset of {sorted(APPLIES_TO)}")
        for cond in entry["conditions"]:
            if cond["test"] not in CONDITION_TESTS:
                raise BuildError(f"{row_id}: unknown condition test {cond['test']!r}")
            quote = " ".join(cond.get("quote", "").split())
            if not quote or quote not in normalised:
                raise BuildError(f"{row_id}: quote {cond.get('quote')!r} is not in the row text")
            if cond["test"] == "fact" and cond["fact"] not in facts:
                raise BuildError(f"{row_id}: fact {cond['fact']!r} is not defined")
            for ref in cond.get("refs", []):
                if not index.exists(parse_usml(ref)):
                    raise BuildError(f"{row_id}: condition names {ref}, which does not exist")


def _condition_kinds(entries: list[dict[str, Any]]) -> list[str]:
    """Plain-language labels of what a row turns on, for listings (derived, not authoritative)."""
    kinds: set[str] = set()
    for entry in entries:
        for c in entry["conditions"]:
            if c["test"] == "mt_designated":
                kinds.add("mt_designated")
            elif c["test"] == "fact":
                kinds.add(
                    {
                        "classified": "classified_only",
                        "anti_tamper_dod_ppp": "anti_tamper",
                        "anti_tamper_installed": "anti_tamper",
                        "technical_data_kind": "technical_data_kind",
                        "platform": "named_platform",
                    }.get(c["fact"], "other_fact")
                )
            else:
                kinds.add(c["test"])
    return sorted(kinds)


def build_etl(reference: Path, index: USMLIndex) -> dict[str, Any]:
    rows = [
        r
        for r in read_csv(reference / "itar" / "kg" / "nodes_SupplementEntry.csv")
        if r["supplemententry_id"].startswith("SUPP2-")
    ]
    reconstructed = {
        r["kg_id"]: r
        for r in read_json(reference / "itar" / "aukus_126_7.json")["supplement_no_2_ETL"]["rows"]
    }
    reading = read_json(ERRATA / "etl.json")
    fixes = {e["target"]: e for e in reading["errata"]}
    out = []
    applied = []
    for n, row in enumerate(rows, start=1):
        row_id = row["supplemententry_id"]
        usml_column, text = row["usml_entry"], row["exclusion_text"]
        if row_id in fixes:
            rec = reconstructed[row_id]
            if rec.get("kg_raw", {}).get("usml_entry") != usml_column:
                raise BuildError(f"{row_id}: the erratum expects different KG text")
            usml_column, text = rec["usml_reference"], rec["description"]
            applied.append(fixes[row_id]["id"])
        elif reconstructed[row_id]["description"] != text:
            raise BuildError(f"{row_id}: KG and aukus_126_7.json disagree without an erratum")
        if row_id not in reading["rows"]:
            raise BuildError(f"{row_id}: no reading of its conditions in etl.json")
        entries = reading["rows"][row_id]["entries"]
        _check_entries(row_id, text, entries, reading["facts"], index)
        out.append(
            {
                "id": row_id,
                "row": n,
                "citation": f"22 CFR part 126, Supp. No. 2, row {n}",
                "usml_column": usml_column,
                "usml_refs": expand_usml_list(usml_column, index, row_id),
                "text": text,
                "entries": entries,
                "condition_kinds": _condition_kinds(entries),
            }
        )
    if len(out) != 28:
        raise BuildError(f"the ETL has 28 rows; the reference gave {len(out)}")
    unused = set(fixes) - {r["id"] for r in out if r["id"] in fixes}
    if unused:
        raise BuildError(f"ETL errata for rows that do not exist: {sorted(unused)}")
    return {
        "supplement": "Supplement No. 2 to part 126 (Excluded Technology List)",
        "reading_rules": reading["reading_rules"],
        "facts": reading["facts"],
        "rows": out,
        "errata_applied": applied,
    }


def build_supp1(reference: Path, index: USMLIndex) -> dict[str, Any]:
    """Supp. No. 1 from the reviewed reading in data/errata/supp1.json, checked against the KG."""
    reading = read_json(ERRATA / "supp1.json")
    source = {
        r["supplemententry_id"]: r
        for r in read_csv(reference / "itar" / "kg" / "nodes_SupplementEntry.csv")
        if r["supplemententry_id"].startswith("SUPP1-")
    }
    covered: set[str] = set()
    out = []
    for n, row in enumerate(reading["rows"], start=1):
        for s in row["sources"]:
            if s not in source:
                raise BuildError(f"{row['id']}: source row {s} does not exist")
            covered.add(s)
        _check_entries(row["id"], row["exclusion_text"], row["entries"], reading["facts"], index)
        refs = []
        for ref in row["usml_refs"]:
            if not index.exists(parse_usml(ref)):
                raise BuildError(f"{row['id']}: {ref} does not exist in the USML")
            refs.append(str(parse_usml(ref)))
        if set(row["excluded_from"]) != {"126.5", "126.16", "126.17"}:
            raise BuildError(f"{row['id']}: excluded_from must name 126.5, 126.16 and 126.17")
        out.append(
            {
                **row,
                "row": n,
                "usml_refs": refs,
                "citation": f"22 CFR part 126, Supp. No. 1, row {n}",
            }
        )
    missing = set(source) - covered
    if missing:
        raise BuildError(f"Supp. No. 1 rows not accounted for: {sorted(missing)}")
    return {
        "supplement": "Supplement No. 1 to part 126",
        "facts": reading["facts"],
        "rows": out,
        "notes": reading.get("notes", []),
        "errata_applied": [e["id"] for e in reading.get("errata", [])],
        "unresolved": reading.get("unresolved", []),
    }
