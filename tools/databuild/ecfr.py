"""Stored eCFR copies of 22 CFR 121.1, read as streams of USML elements.

The copies are public files found with the search tools (``data/errata/stored_copies.json`` names
each one: its URL, commit and SHA-256).  They are never committed: the build reads them from a
directory outside the repository -- ``--ecfr-dir`` on the command line, else the environment
variable ``EXPORTCTL_ECFR_DIR``, else ``~/.cache/exportctl/ecfr`` -- and checks each file's
SHA-256 before use.  A copy that is absent is skipped with a message; a copy whose hash differs
from the recorded one is an error (it is not the copy the errata were reviewed against).

Two formats are read, both into the element stream of ``usml.py`` (paragraphs with their
designation and text, notes with their heading and text, in document order):

* the eCFR XML of part 121 (``<HD1>`` category headings, ``<P>`` paragraphs, ``<NOTE>`` notes);
  superscripts (``<SU>``, ``<E T="51">``) become Unicode superscript digits -- the representation
  the bundled data uses for exponents (``1.1 × 10⁶ N·s``, ``J/m²``) -- and subscripts, italics and
  fractions become plain text;
* an eCFR Markdown rendering of section 121.1 (blocks separated by blank lines; ``\\*`` marks the
  asterisk of Significant Military Equipment).  Markdown does not delimit notes: a note runs from
  its heading until a designated block that does not continue a list inside the note.
"""

from __future__ import annotations

import hashlib
import os
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from exportctl.corpus.references import label_kinds, ordinal

from .common import ERRATA, BuildError, read_json
from .usml import MT_MARK

STORED_COPIES = ERRATA / "stored_copies.json"
ENV_DIR = "EXPORTCTL_ECFR_DIR"

_SUPERSCRIPT = str.maketrans("0123456789+-\u2212", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁻")
_SUPERSCRIPT_CHARS = "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻"


def superscript(text: str) -> str:
    """``"6"`` -> ``"⁶"``, ``"-4"`` -> ``"⁻⁴"``; other characters are kept."""
    return text.translate(_SUPERSCRIPT)


def default_dir() -> Path:
    if os.environ.get(ENV_DIR):
        return Path(os.environ[ENV_DIR])
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache / "exportctl" / "ecfr"


def stored_copies() -> dict[str, dict[str, Any]]:
    copies: dict[str, dict[str, Any]] = read_json(STORED_COPIES)["copies"]
    return copies


def find_copy(name: str, directory: Path | None) -> Path | None:
    """The verified local file of stored copy ``name``, or None when it is not there."""
    spec = stored_copies()[name]
    path: Path = (directory or default_dir()) / spec["file"]
    if not path.is_file():
        return None
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != spec["sha256"]:
        raise BuildError(
            f"{path}: SHA-256 {digest} is not the recorded {spec['sha256']} of stored copy "
            f"{name} ({spec['url']}); fetch that exact file again"
        )
    return path


# ---------------------------------------------------------------------------------------------
# Text


_LABEL = re.compile(
    r"^(?P<star>\*\s*)?\((?P<label>[A-Za-z0-9]+)\)(?:-\((?P<end>[A-Za-z0-9]+)\))?\s+(?P<text>.*)$",
    re.DOTALL,
)
_CATEGORY = re.compile(r"^Category (?P<roman>[IVX]+)\s*\u2014\s*(?P<title>.+)$")


def _clean(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    text = re.sub(r"\(\s+", "(", text)
    text = re.sub(r"10\^([\u2212-]?\d+)", lambda m: "10" + superscript(m.group(1)), text)
    return text


def _render(element: ET.Element) -> str:
    parts = [element.text or ""]
    for sub in element:
        inner = _render(sub)
        if sub.tag == "SU" or (sub.tag == "E" and sub.get("T") == "51"):
            # A line break before a superscript is layout: 10<br><SU>6</SU> reads 10⁶.
            parts[-1] = parts[-1].rstrip() if "\n" in parts[-1][-3:] else parts[-1]
            parts.append(superscript(inner))
        else:
            parts.append(inner)
        parts.append(sub.tail or "")
    return "".join(parts)


def _designated(text: str) -> re.Match[str] | None:
    match = _LABEL.match(text)
    if match is None or not label_kinds(match.group("label")):
        return None
    return match


def _paragraph(eid: str, category: str, match: re.Match[str]) -> dict[str, Any]:
    text = match.group("text").strip()
    return {
        "id": eid,
        "kind": "paragraph",
        "category": category,
        "label": match.group("label"),
        "range_end": match.group("end"),
        "text": text,
        "sme_marked": bool(match.group("star")),
        "mt_flag": bool(MT_MARK.search(text)),
        "reserved": text == "[Reserved]",
        "sources": [eid],
    }


def _note(eid: str, category: str, heading: str, text: str) -> dict[str, Any]:
    return {
        "id": eid,
        "kind": "note",
        "category": category,
        "heading": heading.strip().rstrip(":").strip(),
        "text": text,
        "sources": [eid],
    }


# ---------------------------------------------------------------------------------------------
# eCFR XML of part 121


def xml_stream(path: Path) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """The elements of § 121.1 in document order, and the category titles."""
    root = ET.parse(path).getroot()
    section = root.find(".//DIV8[@N='121.1']")
    extract = section.find("EXTRACT") if section is not None else None
    if extract is None:
        raise BuildError(f"{path}: no § 121.1 <EXTRACT> found")
    stream: list[dict[str, Any]] = []
    titles: dict[str, str] = {}
    category = ""
    n = 0
    for child in extract:
        n += 1
        eid = f"xml:{category}:{n:03d}"
        if child.tag == "HD1":
            heading = _clean(_render(child))
            match = _CATEGORY.match(heading)
            if match is None:
                raise BuildError(f"{path}: unreadable category heading {heading!r}")
            category = match.group("roman")
            titles[category] = match.group("title").strip()
            n = 0
        elif child.tag == "P":
            text = _clean(_render(child))
            designated = _designated(text)
            if designated is not None:
                stream.append(_paragraph(eid, category, designated))
            elif stream:
                _continue(stream[-1], text)
        elif child.tag == "FP-2":
            _continue(stream[-1], _clean(_render(child)))
        elif child.tag == "NOTE":
            hed = child.find("HED")
            heading = _clean(_render(hed)) if hed is not None else "Note"
            body = " ".join(_clean(_render(p)) for p in child if p.tag != "HED")
            stream.append(_note(eid + ".note", category, heading, _clean(body)))
        elif child.tag == "img":
            continue
        else:
            raise BuildError(f"{path}: unexpected <{child.tag}> in § 121.1")
    return stream, titles


def _continue(element: dict[str, Any], text: str) -> None:
    """An undesignated block after a paragraph is more of its text (formula legends, '(MT ...)')."""
    element["text"] = (element["text"] + " " + text).strip()
    if element["kind"] == "paragraph":
        element["mt_flag"] = bool(MT_MARK.search(element["text"]))


# ---------------------------------------------------------------------------------------------
# eCFR Markdown of § 121.1


_MD_NOTE = re.compile(r"^Note\b[^\n]{0,100}:$")
_MD_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_MD_ITALIC = re.compile(r"(?<![\\*])\*(?!\s)([^*\n]+?)(?<![\s\\])\*(?!\*)")
_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!<>|])")


def _md_text(block: str) -> str:
    block = _MD_IMAGE.sub("", block)
    block = _MD_ITALIC.sub(r"\1", block)
    return _clean(_MD_ESCAPE.sub(r"\1", block))


def markdown_stream(path: Path) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """The elements of § 121.1 in document order, and the category titles."""
    blocks = [b.strip() for b in path.read_text(encoding="utf-8").split("\n\n")]
    stream: list[dict[str, Any]] = []
    titles: dict[str, str] = {}
    category = ""
    n = 0
    note: dict[str, Any] | None = None
    note_list: str | None = None  # the last designation of a list inside the current note
    for block in blocks:
        if block.startswith("[58 FR"):
            break  # the section's source citation and editorial notes follow
        text = _md_text(block)
        heading = _CATEGORY.match(text)
        if heading:
            category = heading.group("roman")
            titles[category] = heading.group("title").strip()
            n, note, note_list = 0, None, None
            continue
        if not category or not text:
            continue  # the section heading, amendment links and "(a)-(b) [Reserved]" before Cat. I
        n += 1
        eid = f"md:{category}:{n:03d}"
        if _MD_NOTE.match(text):
            note = _note(eid + ".note", category, text, "")
            note_list = None
            stream.append(note)
            continue
        designated = _designated(text)
        if note is not None and designated is not None:
            label = designated.group("label")
            if _starts_or_continues(note["text"], note_list, label):
                note_list = label
                _continue(note, text)
                continue
            note, note_list = None, None
        if designated is not None:
            stream.append(_paragraph(eid, category, designated))
        elif note is not None:
            _continue(note, text)
        elif stream:
            _continue(stream[-1], text)
    return stream, titles


def _starts_or_continues(note_text: str, previous: str | None, label: str) -> bool:
    """A designation inside a note: (a)/(1) after text ending ':', or the next of its list."""
    kinds = label_kinds(label)
    if previous is None:
        return note_text.endswith(":") and any(ordinal(label, k) == 1 for k in kinds)
    return any(
        k in label_kinds(previous) and ordinal(label, k) == ordinal(previous, k) + 1 for k in kinds
    )
