"""The current USML edition checked against a stored eCFR copy of 22 CFR part 121.

The eCFR XML copy (``ecfr-xml-part121-2026-06-25`` in ``data/errata/stored_copies.json``) is
rebuilt into paragraphs by the same tree code as the bundled edition (its own designations,
the same top-level sequences and irregular levels).  Every paragraph is then compared field by
field -- text, the SME asterisk, SME, MT -- with the edition built from the reference.  Each
difference that remains must be listed, with the reason it is kept, in
``data/errata/usml/ecfr_check.json``; a listed difference that no longer exists is an error too
(the list never hides a change).  When the copy is absent the check is skipped with a message:
the build never needs it, the check only confirms the errata.
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any

from exportctl.corpus.references import parse_usml

from . import ecfr, usml
from .common import ERRATA, BuildError, read_json

COPY = "ecfr-xml-part121-2026-06-25"
EXPLAINED = ERRATA / "usml" / "ecfr_check.json"
FIELDS = ("text", "sme_marked", "sme", "mt")


def ecfr_paragraphs(path: Path) -> list[dict[str, Any]]:
    stream, _titles = ecfr.xml_stream(path)
    return usml.tree(stream, usml.expected_top_level("usml"), COPY, check_fragments=False)


def differences(ours: list[dict[str, Any]], theirs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every (reference, field) where the two trees disagree; a missing paragraph counts."""
    mine = {p["ref"]: p for p in ours}
    copy = {p["ref"]: p for p in theirs}
    out: list[dict[str, Any]] = []
    for ref in sorted(set(mine) | set(copy), key=lambda r: parse_usml(r).sort_key()):
        if ref not in mine or ref not in copy:
            out.append({"ref": ref, "field": "exists", "ours": ref in mine, "ecfr": ref in copy})
            continue
        for field in FIELDS:
            if mine[ref][field] != copy[ref][field]:
                out.append(
                    {
                        "ref": ref,
                        "field": field,
                        "ours": mine[ref][field],
                        "ecfr": copy[ref][field],
                    }
                )
    return out


def check(edition: dict[str, Any], directory: Path | None) -> str:
    """Compare; return a one-line summary, or raise BuildError listing what is unexplained."""
    path = ecfr.find_copy(COPY, directory)
    if path is None:
        where = directory or ecfr.default_dir()
        return (
            f"eCFR cross-check skipped: stored copy {COPY} "
            f"({ecfr.stored_copies()[COPY]['file']}) is not in {where}"
        )
    found = differences(edition["paragraphs"], ecfr_paragraphs(path))
    explained = read_json(EXPLAINED)["differences"]
    for entry in explained:
        for name in ("ref", "field", "ours", "ecfr", "why", "evidence"):
            if name not in entry:
                raise BuildError(f"{EXPLAINED.name}: entry {entry.get('ref')} lacks {name!r}")
    listed = {_key(e) for e in explained}
    real = {_key(d) for d in found}
    problems = [
        f"{d['ref']} {d['field']}: ours {d['ours']!r} but the eCFR copy has {d['ecfr']!r}"
        for d in found
        if _key(d) not in listed
    ]
    problems += [
        f"{EXPLAINED.name} lists a difference that no longer exists: {e['ref']} {e['field']}"
        for e in explained
        if _key(e) not in real
    ]
    if problems:
        raise BuildError(
            "USML differs from the stored eCFR copy without an explanation in "
            f"data/errata/usml/{EXPLAINED.name}:\n  " + "\n  ".join(problems)
        )
    return (
        f"eCFR cross-check: {len({p['ref'] for p in edition['paragraphs']})} paragraphs "
        f"compared with {COPY}; {len(found)} differences, each explained"
    )


def _key(d: dict[str, Any]) -> tuple[str, str, str, str]:
    return (d["ref"], d["field"], repr(d["ours"]), repr(d["ecfr"]))


def proposals(edition_stream_ids: dict[str, str], found: list[dict[str, Any]]) -> list[Any]:
    """Draft ``replace_text`` errata for text differences (a reviewing aid, never applied).

    ``edition_stream_ids`` maps a reference to the id of the element its text is in.
    """
    drafts = []
    for d in found:
        if d["field"] != "text":
            continue
        ours, theirs = d["ours"], d["ecfr"]
        matcher = difflib.SequenceMatcher(None, ours, theirs, autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                continue
            a, b = _widen(ours, i1, i2), _widen(theirs, j1, j2)
            old = ours[a[0] : a[1]]
            new = theirs[b[0] : b[1]]
            target = edition_stream_ids.get(d["ref"])
            drafts.append({"target": target, "ref": d["ref"], "old": old, "new": new})
    return drafts


def _widen(text: str, start: int, end: int) -> tuple[int, int]:
    """Grow a span to whole words (at least one neighbour word each side)."""
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    if start > 0:
        start -= 1
        while start > 0 and not text[start - 1].isspace():
            start -= 1
    while end < len(text) and not text[end].isspace():
        end += 1
    if end < len(text):
        end += 1
        while end < len(text) and not text[end].isspace():
            end += 1
    return start, end
