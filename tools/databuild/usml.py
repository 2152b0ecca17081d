"""Rebuild the U.S. Munitions List (22 CFR 121.1) paragraph tree from the reference CSVs.

The reference (``itar/kg/nodes_USMLEntry.csv`` and ``nodes_Note.csv``) keeps every paragraph's
text verbatim, in document order, but its ids and parent links are often wrong: its PDF parser
lost the nesting, took inline cross-references for paragraphs, and swallowed paragraphs into
notes.  The build therefore

1. lays the USML rows and the notes that follow them out as one stream in document order;
2. applies the reviewed corrections in ``data/errata/usml/*.json`` (each names the rows it
   touches, what was wrong, the fix and the evidence) -- never silent edits;
3. rebuilds the tree from the designation of each paragraph alone: the kind of designation
   (letter, number, roman numeral, upper-case letter) and the sequence it continues;
4. fails, listing every problem, when a paragraph fits nowhere, a row still looks like a
   fragment, or a category's top-level sequence differs from the one the regulation has.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import attrs

from exportctl.corpus.references import (
    LEVEL_KINDS,
    USMLRef,
    label_at,
    label_kinds,
    ordinal,
    parse_usml,
)
from exportctl.corpus.text import SCOPES, specially_designed_scope

from .common import ERRATA, BuildError, load_errata, read_csv, read_json

SOURCE_NOTE = (
    "ITAR 22 CFR 120-130 amended through 2 October 2025 (ECTI compilation), via the "
    "knowledge-graph CSVs in shared/reference/itar/kg"
)

#: "(MT)", "(MT if …)", "(MT for …)" marks an MT designation; "(MTI)" (XI(a)(3)(xvii)) does not
MT_MARK = re.compile(r"\(MT[\s)]")
_RANGE_ID = re.compile(r"\(([A-Za-z0-9]+)-\(([A-Za-z0-9]+)\)$")
_LAST_LABEL = re.compile(r"\(([A-Za-z0-9]+)\)$")
_FRAGMENT_START = re.compile(r"^[,;:.)\]]|^\(\d|^[a-z]")
_HEADING_TARGET = re.compile(
    r"^Note(?: \d+)? to (?:paragraphs? (?P<para>(?:\([A-Za-z0-9]+\)\s*)+)|(?P<cat>Category [IVX]+))"
)


def _element_from_row(row: dict[str, str]) -> dict[str, Any]:
    kg_id = row["usmlentry_id"]
    range_match = _RANGE_ID.search(kg_id)
    if range_match:
        label, range_end = range_match.group(1), range_match.group(2)
    else:
        last = _LAST_LABEL.search(kg_id)
        if not last:
            raise BuildError(f"{kg_id}: cannot read a paragraph designation from the id")
        label, range_end = last.group(1), None
    return {
        "id": kg_id,
        "kind": "paragraph",
        "category": row["category"],
        "label": label,
        "range_end": range_end,
        "text": row["text"].strip(),
        "sme_marked": row["significant_military_equipment"] == "yes",
        "mt_flag": row["mtcr_annex"] == "yes",
        "reserved": row["reserved"] == "yes",
        "sources": [kg_id],
    }


def _element_from_note(note: dict[str, str], category: str) -> dict[str, Any]:
    return {
        "id": note["note_id"],
        "kind": "note",
        "category": category,
        "heading": note["heading"].strip(),
        "text": note["text"].strip(),
        "sources": [note["note_id"]],
    }


def source_stream(reference: Path) -> list[dict[str, Any]]:
    """The USML rows, each followed by the notes attached to it, in document order."""
    rows = read_csv(reference / "itar" / "kg" / "nodes_USMLEntry.csv")
    notes = read_csv(reference / "itar" / "kg" / "nodes_Note.csv")
    by_row: dict[str, list[dict[str, str]]] = {}
    for note in notes:
        if note["attached_to_id"].startswith("USML-"):
            by_row.setdefault(note["attached_to_id"], []).append(note)
    ids = {row["usmlentry_id"] for row in rows}
    orphans = [n["note_id"] for key, ns in by_row.items() if key not in ids for n in ns]
    if orphans:
        raise BuildError(f"notes attached to USML rows that do not exist: {orphans}")
    stream: list[dict[str, Any]] = []
    for row in rows:
        stream.append(_element_from_row(row))
        for note in by_row.get(row["usmlentry_id"], []):
            stream.append(_element_from_note(note, row["category"]))
    return stream


# ---------------------------------------------------------------------------------------------
# Corrections


def _index(stream: list[dict[str, Any]], element_id: str, erratum: dict[str, Any]) -> int:
    for i, element in enumerate(stream):
        if element["id"] == element_id:
            return i
    raise BuildError(f"erratum {erratum['id']} ({erratum['_file']}): no element {element_id!r}")


def _check_contains(element: dict[str, Any], needle: str, erratum: dict[str, Any]) -> int:
    pos: int = element["text"].find(needle)
    if pos < 0:
        raise BuildError(
            f"erratum {erratum['id']}: text of {element['id']} does not contain {needle!r}"
        )
    return pos


def _op_join_previous(stream: list[dict[str, Any]], e: dict[str, Any]) -> None:
    """The row is the rest of the preceding element's text, cut where a cross-reference began."""
    i = _index(stream, e["target"], e)
    if i == 0:
        raise BuildError(f"erratum {e['id']}: {e['target']} has nothing before it")
    into = stream[i - 1] if "into" not in e else stream[_index(stream, e["into"], e)]
    frag = stream.pop(i)
    into["text"] = into["text"] + e.get("joiner", "") + frag["text"]
    into["sources"] = into["sources"] + frag["sources"]


def _op_split_note(stream: list[dict[str, Any]], e: dict[str, Any]) -> None:
    """Text inside a note that is really paragraphs (or another note): cut it out at markers."""
    i = _index(stream, e["target"], e)
    note = stream[i]
    text = note["text"]
    starts = [(_check_contains(note, seg["starts"], e), seg) for seg in e["segments"]]
    if [p for p, _ in starts] != sorted(p for p, _ in starts):
        raise BuildError(f"erratum {e['id']}: segments are not in the order of the text")
    new: list[dict[str, Any]] = []
    for n, (pos, seg) in enumerate(starts):
        end = starts[n + 1][0] if n + 1 < len(starts) else len(text)
        chunk = text[pos:end].strip()
        if seg["kind"] == "paragraph":
            marker = f"({seg['label']})"
            if not chunk.startswith(marker):
                raise BuildError(f"erratum {e['id']}: segment {seg['starts']!r} lacks {marker}")
            chunk = chunk[len(marker) :].strip()
            new.append(
                {
                    "id": seg["id"],
                    "kind": "paragraph",
                    "category": note["category"],
                    "label": seg["label"],
                    "range_end": None,
                    "text": chunk,
                    "sme_marked": bool(seg.get("sme_marked", False)),
                    "mt_flag": bool(MT_MARK.search(chunk)),
                    "reserved": chunk == "[Reserved]",
                    "sources": [note["id"]],
                }
            )
        elif seg["kind"] == "note":
            new.append(
                {
                    "id": seg["id"],
                    "kind": "note",
                    "category": note["category"],
                    "heading": seg["heading"],
                    "text": chunk[len(seg.get("strip", "")) :].strip(),
                    "sources": [note["id"]],
                }
            )
        else:
            raise BuildError(f"erratum {e['id']}: unknown segment kind {seg['kind']!r}")
    note["text"] = text[: starts[0][0]].strip()
    stream[i + 1 : i + 1] = new
    if not note["text"]:
        stream.pop(i)


def _op_move_after(stream: list[dict[str, Any]], e: dict[str, Any]) -> None:
    """Elements that the source listed out of document order go after ``after``."""
    moved = [stream.pop(_index(stream, t, e)) for t in e["targets"]]
    j = _index(stream, e["after"], e)
    stream[j + 1 : j + 1] = moved


def _op_relabel(stream: list[dict[str, Any]], e: dict[str, Any]) -> None:
    element = stream[_index(stream, e["target"], e)]
    if element["label"] != e["from"]:
        raise BuildError(f"erratum {e['id']}: {e['target']} is labelled {element['label']!r}")
    element["label"] = e["label"]
    if "range_end" in e:
        element["range_end"] = e["range_end"]


def _op_set_text(stream: list[dict[str, Any]], e: dict[str, Any]) -> None:
    element = stream[_index(stream, e["target"], e)]
    if "expect" in e and element["text"] != e["expect"]:
        raise BuildError(f"erratum {e['id']}: text of {e['target']} is not as expected")
    element["text"] = e["text"]


def _op_replace_text(stream: list[dict[str, Any]], e: dict[str, Any]) -> None:
    element = stream[_index(stream, e["target"], e)]
    _check_contains(element, e["old"], e)
    element["text"] = element["text"].replace(e["old"], e["new"], 1)


def _op_set_flag(stream: list[dict[str, Any]], e: dict[str, Any]) -> None:
    element = stream[_index(stream, e["target"], e)]
    if e["field"] not in ("sme_marked", "mt_flag", "reserved"):
        raise BuildError(f"erratum {e['id']}: unknown flag {e['field']!r}")
    element[e["field"]] = bool(e["value"])


def _op_insert_after(stream: list[dict[str, Any]], e: dict[str, Any]) -> None:
    """A paragraph the source lost entirely, with its text taken from the cited evidence."""
    j = _index(stream, e["after"], e)
    after = stream[j]
    stream.insert(
        j + 1,
        {
            "id": e["new_id"],
            "kind": e.get("kind", "paragraph"),
            "category": after["category"],
            "label": e.get("label"),
            "range_end": e.get("range_end"),
            "heading": e.get("heading"),
            "text": e["text"],
            "sme_marked": bool(e.get("sme_marked", False)),
            "mt_flag": bool(MT_MARK.search(e["text"])),
            "reserved": e["text"] == "[Reserved]",
            "sources": ["errata:" + e["id"]],
        },
    )


def _op_to_note(stream: list[dict[str, Any]], e: dict[str, Any]) -> None:
    """A row that is note text, not a paragraph: it becomes (part of) a note."""
    i = _index(stream, e["target"], e)
    row = stream[i]
    if "into" in e:
        into = stream[_index(stream, e["into"], e)]
        into["text"] = into["text"] + e.get("joiner", " ") + row["text"]
        into["sources"] = into["sources"] + row["sources"]
        stream.pop(i)
        return
    stream[i] = {
        "id": row["id"],
        "kind": "note",
        "category": row["category"],
        "heading": e["heading"],
        "text": row["text"],
        "sources": row["sources"],
    }


def _op_accept_text(stream: list[dict[str, Any]], e: dict[str, Any]) -> None:
    """The text really starts this way (e.g. a chemical name in lower case); not a fragment."""
    element = stream[_index(stream, e["target"], e)]
    element["accepted_start"] = True


def _op_drop(stream: list[dict[str, Any]], e: dict[str, Any]) -> None:
    stream.pop(_index(stream, e["target"], e))


OPS = {
    "join_previous": _op_join_previous,
    "split_note": _op_split_note,
    "move_after": _op_move_after,
    "relabel": _op_relabel,
    "set_text": _op_set_text,
    "replace_text": _op_replace_text,
    "set_flag": _op_set_flag,
    "insert_after": _op_insert_after,
    "to_note": _op_to_note,
    "accept_text": _op_accept_text,
    "drop": _op_drop,
}


def apply_errata(stream: list[dict[str, Any]], errata: list[dict[str, Any]]) -> list[str]:
    applied = []
    for erratum in errata:
        op = OPS.get(erratum["op"])
        if op is None:
            raise BuildError(f"erratum {erratum['id']}: unknown op {erratum['op']!r}")
        op(stream, erratum)
        applied.append(erratum["id"])
    return applied


# ---------------------------------------------------------------------------------------------
# Tree rebuild


def _ends_list_intro(text: str) -> bool:
    return text.rstrip().endswith((":", "—", ":—"))


def _kind(irregular: dict[str, str], parent: str, level: int) -> str:
    """The designation kind of the children of ``parent`` (declared irregular, else usual)."""
    return irregular.get(parent, LEVEL_KINDS[level - 1])


def _place(
    category: str,
    path: list[tuple[str, str | None]],
    label: str,
    prev_text: str,
    irregular: dict[str, str],
) -> int | None:
    """The level at which ``label`` continues the current chain, or None if it fits nowhere."""
    kinds = label_kinds(label)
    siblings: list[int] = []
    child: int | None = None
    for level in range(1, min(len(path) + 1, len(LEVEL_KINDS)) + 1):
        parent = category + "".join(f"({a})" for a, _ in path[: level - 1])
        kind = _kind(irregular, parent, level)
        if kind not in kinds:
            continue
        pos = ordinal(label, kind)
        if level <= len(path):
            current, current_end = path[level - 1]
            last = ordinal(current_end or current, kind)
            if pos == last + 1:
                siblings.append(level)
        elif pos == 1:
            child = level
    if child is not None and _ends_list_intro(prev_text):
        return child
    if siblings:
        return max(siblings)
    return child


def rebuild(
    stream: list[dict[str, Any]],
    irregular: dict[str, str] | None = None,
    check_fragments: bool = True,
) -> tuple[list[dict[str, Any]], list[str]]:
    """Turn the corrected stream into paragraphs with canonical references; list problems.

    ``irregular`` maps a parent reference to the designation kind its children use where the
    regulation departs from the usual hierarchy (``{"XIII(f)": "roman"}``).
    """
    irregular = irregular or {}
    problems: list[str] = []
    paragraphs: list[dict[str, Any]] = []
    by_ref: dict[str, dict[str, Any]] = {}
    category = ""
    path: list[tuple[str, str | None]] = []
    prev_text = ""
    pending_notes: list[dict[str, Any]] = []
    for element in stream:
        if element["category"] != category:
            category = element["category"]
            path = []
            prev_text = ""
        if element["kind"] == "note":
            pending_notes.append(
                {**element, "_after": paragraphs[-1]["ref"] if paragraphs else None}
            )
            continue
        label = element["label"]
        where = f"{element['id']} (sources {element['sources']})"
        if not label_kinds(label):
            problems.append(f"{where}: ({label}) is not a paragraph designation")
            continue
        if (
            check_fragments
            and _FRAGMENT_START.match(element["text"])
            and not element.get("accepted_start")
        ):
            problems.append(f"{where}: text looks like a fragment: {element['text'][:60]!r}")
        level = _place(category, path, label, prev_text, irregular)
        if level is None:
            chain = category + "".join(f"({a})" for a, _ in path)
            problems.append(f"{where}: ({label}) does not continue the sequence after {chain}")
            continue
        path = [*path[: level - 1], (label, element["range_end"])]
        ref = USMLRef(category, tuple(a for a, _ in path))
        key = str(ref)
        if key in by_ref:
            problems.append(f"{where}: {key} appears twice")
            continue
        designation = key + (f"-({element['range_end']})" if element["range_end"] else "")
        paragraph = {
            "_element": element["id"],
            "ref": key,
            "designation": designation,
            "category": category,
            "parent": str(ref.parent),
            "level": ref.level,
            "label": label,
            "range_end": element["range_end"],
            "text": element["text"],
            "sme_marked": element["sme_marked"],
            "mt_flag": element["mt_flag"],
            "reserved": element["reserved"] or element["text"] == "[Reserved]",
            "sources": element["sources"],
            "notes": [],
        }
        paragraphs.append(paragraph)
        by_ref[key] = paragraph
        prev_text = element["text"]
    _attach_notes(pending_notes, by_ref, problems)
    return paragraphs, problems


def _attach_notes(
    notes: list[dict[str, Any]], by_ref: dict[str, dict[str, Any]], problems: list[str]
) -> list[dict[str, Any]]:
    """A note belongs to the paragraph its heading names, else to the paragraph it follows."""
    category_notes: list[dict[str, Any]] = []
    for note in notes:
        match = _HEADING_TARGET.match(note["heading"] or "")
        target = None
        if match and match.group("para"):
            first = re.match(r"(?:\([A-Za-z0-9]+\))+", match.group("para").replace(" ", ""))
            candidate = note["category"] + (first.group(0) if first else "")
            if candidate in by_ref:
                target = candidate
        if target is None:
            target = note["_after"]
        record = {
            "id": note["id"],
            "heading": note["heading"],
            "text": note["text"],
            "sources": note["sources"],
            "scope": "category" if match and match.group("cat") else "paragraph",
        }
        if target is None or target not in by_ref:
            problems.append(f"{note['id']}: no paragraph to attach the note to")
            continue
        by_ref[target]["notes"].append(record)
        if record["scope"] == "category":
            category_notes.append(record)
    return category_notes


def expected_top_level(errata_dir: str = "usml") -> dict[str, Any]:
    """The top-level sequence of each category as the regulation has it (from the errata files),
    and the paragraphs whose children use an irregular kind of designation."""
    out: dict[str, Any] = {}
    irregular: dict[str, str] = {}
    for path in sorted((ERRATA / errata_dir).glob("cat_*.json")):
        payload = read_json(path)
        top = payload.get("top_level")
        if not top or "sequence" not in top or "evidence" not in top:
            raise BuildError(f"{path.name}: needs top_level.sequence and top_level.evidence")
        out[payload["category"]] = {"top_level": top["sequence"]}
        for entry in payload.get("irregular_levels", []):
            if not entry.get("evidence") or entry.get("kind") not in ("roman", "number", "upper"):
                raise BuildError(f"{path.name}: irregular level {entry} needs kind and evidence")
            ref = parse_usml(entry["parent"])
            if ref.category != payload["category"]:
                raise BuildError(f"{path.name}: irregular level {entry['parent']} is elsewhere")
            irregular[str(ref)] = entry["kind"]
    return {"categories": out, "irregular": irregular}


def check_top_level(paragraphs: list[dict[str, Any]], expected: dict[str, Any]) -> list[str]:
    """Each category's top-level designations, reserved ranges included, as in the regulation."""
    problems = []
    for category, spec in expected["categories"].items():
        got = [
            p["designation"][len(category) :]
            for p in paragraphs
            if p["category"] == category and p["level"] == 1
        ]
        if got != spec["top_level"]:
            problems.append(
                f"Category {category}: top level {got} but the regulation has {spec['top_level']}"
            )
    missing = {p["category"] for p in paragraphs} - set(expected["categories"])
    if missing:
        problems.append(f"no expected top-level sequence for categories {sorted(missing)}")
    return problems


def check_sequences(
    paragraphs: list[dict[str, Any]], irregular: dict[str, str] | None = None
) -> list[str]:
    """Within every parent, children run (a), (b), … with no gap, counting reserved ranges."""
    irregular = irregular or {}
    problems = []
    children: dict[str, list[dict[str, Any]]] = {}
    for p in paragraphs:
        children.setdefault(p["parent"], []).append(p)
    for parent, kids in children.items():
        expected = 1
        for kid in kids:
            kind = _kind(irregular, parent, kid["level"])
            if kind not in label_kinds(kid["label"]):
                problems.append(f"{kid['ref']}: ({kid['label']}) is not a {kind} designation")
                continue
            pos = ordinal(kid["label"], kind)
            if pos != expected:
                problems.append(
                    f"{kid['ref']}: expected ({label_at(expected, kind)}) under {parent}"
                )
            expected = ordinal(kid["range_end"], kind) + 1 if kid["range_end"] else pos + 1
    return problems


# ---------------------------------------------------------------------------------------------
# Derived properties

_MT_CONDITIONAL = re.compile(r"MT (?:if|for|when|where)\b")
_SPECIALLY_DESIGNED = re.compile(r"specially designed", re.IGNORECASE)
_PARTS = r"(?:parts?|components?|accessories|attachments|associated equipment)\b"
_CATCH_ALL = re.compile(
    rf"^(?:any |other )*(?:specially designed {_PARTS}|{_PARTS}[^:]*specially designed)",
    re.IGNORECASE,
)
_PARTS_THEREFOR = re.compile(rf"specially designed {_PARTS}", re.IGNORECASE)


def mt_parentheticals(text: str) -> list[str]:
    """The contents of every "(MT…)" parenthetical, however deeply its own brackets nest.

    XI(c)(11)(vii) reads "(MT if usable … against nuclear effects (e.g., Electromagnetic Pulse
    (EMP), X-rays, …). See note 2 to paragraph (a)(3)(xxix) of this category)": the designation
    runs to the bracket that closes the one opening "(MT", not to the first ")".
    """
    found = []
    start = text.find("(MT")
    while start >= 0:
        depth = 0
        for end in range(start, len(text)):
            if text[end] == "(":
                depth += 1
            elif text[end] == ")":
                depth -= 1
                if depth == 0:
                    found.append(text[start + 1 : end])
                    break
        else:
            raise BuildError(f"unbalanced MT parenthetical: {text[start : start + 80]!r}")
        start = text.find("(MT", start + 1)
    return found


def derive(paragraph: dict[str, Any], by_ref: dict[str, dict[str, Any]]) -> None:
    text = paragraph["text"]
    parentheticals = mt_parentheticals(text)
    conditional = next((p for p in parentheticals if _MT_CONDITIONAL.match(p)), None)
    if "MT" in parentheticals:
        paragraph["mt"] = {"designated": "yes", "condition": None}
    elif conditional:
        paragraph["mt"] = {"designated": "conditional", "condition": conditional}
    elif paragraph["mt_flag"]:
        paragraph["mt"] = {"designated": "yes", "condition": None}
    else:
        paragraph["mt"] = None
    ancestors = []
    parent = paragraph["parent"]
    while parent in by_ref:
        ancestors.append(by_ref[parent])
        parent = by_ref[parent]["parent"]
    paragraph["sme"] = paragraph["sme_marked"] or any(a["sme_marked"] for a in ancestors)
    paragraph["sme_from"] = next(
        (p["ref"] for p in [paragraph, *ancestors] if p["sme_marked"]), None
    )
    lowered = text.lower()
    paragraph["uses_specially_designed"] = bool(_SPECIALLY_DESIGNED.search(text))
    paragraph["is_catch_all"] = bool(_CATCH_ALL.search(text))
    # A paragraph inherits the reach of "specially designed" from the lead-ins above it
    # (e.g. XV(e)(1) "Antenna systems specially designed for spacecraft that:" over (e)(1)(ii)).
    scopes = [specially_designed_scope(t) for t in (text, *(a["text"] for a in ancestors))]
    paragraph["specially_designed_scope"] = max(scopes, key=SCOPES.index)
    paragraph["includes_specially_designed_parts"] = bool(_PARTS_THEREFOR.search(text))
    paragraph["is_x_paragraph"] = paragraph["level"] == 1 and paragraph["label"] == "x"
    paragraph["is_technical_data"] = paragraph["level"] == 1 and lowered.startswith(
        "technical data"
    )
    paragraph["is_classified_catch"] = "is classified" in lowered or lowered.startswith(
        "any part, component, accessory, attachment, equipment, or system that"
    )
    paragraph["is_developmental"] = lowered.startswith("developmental")
    paragraph["children"] = []


@attrs.frozen
class Source:
    """One source of a USML edition: its element stream and what it says about itself."""

    stream: list[dict[str, Any]]
    titles: dict[str, str]
    #: ids of the source's paragraph rows, each of which must end up in the edition
    row_ids: frozenset[str]


def kg_source(reference: Path) -> Source:
    """The October 2025 compilation, via the knowledge-graph CSVs (the current edition)."""
    rows = read_csv(reference / "itar" / "kg" / "nodes_USMLEntry.csv")
    titles = {
        row["roman_numeral"]: row["title"]
        for row in read_csv(reference / "itar" / "kg" / "nodes_USMLCategory.csv")
    }
    return Source(source_stream(reference), titles, frozenset(r["usmlentry_id"] for r in rows))


def stream_source(stream: list[dict[str, Any]], titles: dict[str, str]) -> Source:
    """A stored eCFR copy read by ``ecfr.py`` (XML or Markdown)."""
    ids = frozenset(e["id"] for e in stream if e["kind"] == "paragraph")
    return Source(stream, titles, ids)


def build(reference: Path) -> dict[str, Any]:
    """The current edition: the knowledge-graph compilation corrected by data/errata/usml."""
    return build_edition(kg_source(reference), "usml")


def tree(
    stream: list[dict[str, Any]],
    expected: dict[str, Any],
    what: str,
    check_fragments: bool = True,
) -> list[dict[str, Any]]:
    """Rebuild, check (sequences, top level) and derive: the paragraphs of one stream.

    ``check_fragments`` is off for an eCFR copy, whose designations are not a PDF parser's
    guesses: a paragraph there may well begin in lower case (``n-butylferrocene``).
    """
    paragraphs, problems = rebuild(stream, expected["irregular"], check_fragments)
    problems += check_top_level(paragraphs, expected)
    problems += check_sequences(paragraphs, expected["irregular"])
    if problems:
        raise BuildError(f"USML rebuild ({what}) found problems:\n  " + "\n  ".join(problems))
    by_ref = {p["ref"]: p for p in paragraphs}
    for p in paragraphs:
        derive(p, by_ref)
        if p["parent"] in by_ref:
            by_ref[p["parent"]]["children"].append(p["ref"])
    return paragraphs


def build_edition(source: Source, errata_dir: str) -> dict[str, Any]:
    """One edition of § 121.1 from one source and the reviewed errata of ``errata_dir``.

    Every edition goes through the same steps and checks: errata, tree rebuild, top-level
    sequences, gap-free sequences, every source row accounted for, derived properties.
    """
    stream = [dict(e) for e in source.stream]
    n_source_rows = sum(1 for e in stream if e["kind"] == "paragraph")
    errata = load_errata(f"{errata_dir}/cat_*.json")
    applied = apply_errata(stream, errata)
    paragraphs = tree(stream, expected_top_level(errata_dir), errata_dir)
    accounted = {s for p in paragraphs for s in p["sources"]} | {
        s for p in paragraphs for n in p["notes"] for s in n["sources"]
    }
    dropped = [e["target"] for e in errata if e["op"] == "drop"]
    unaccounted = source.row_ids - accounted - set(dropped)
    if unaccounted:
        raise BuildError(f"source rows lost by the rebuild: {sorted(unaccounted)}")
    for p in paragraphs:
        del p["_element"]
    missing_titles = sorted({p["category"] for p in paragraphs} - set(source.titles))
    if missing_titles:
        raise BuildError(f"no title for categories {missing_titles}")
    return {
        "categories": [
            {
                "category": c,
                "title": source.titles[c],
                "notes": [
                    n
                    for p in paragraphs
                    if p["category"] == c
                    for n in p["notes"]
                    if n["scope"] == "category"
                ],
            }
            for c in source.titles
        ],
        "paragraphs": paragraphs,
        "errata_applied": applied,
        "source_rows": n_source_rows,
    }
