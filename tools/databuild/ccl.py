"""Build the Commerce Control List (Supp. No. 1 to 15 CFR part 774) dataset from the references.

Two third-party parses of the eCFR are combined; every record says which one each field came from:

* ``E-2026-07-23`` -- ``ear/ecfr-2026-07-23/ccl.json`` (eCFR issue date 2026-07-23).  Preferred
  for the heading, the Reason for Control and the License Requirements table.  It has item
  paragraphs only for the categories in its ``deepCategories`` (1, 3, 4, 5), and that paragraph
  list is lossy: whole paragraphs are missing (e.g. 1A001.a and .c), some paragraphs are typed as
  loose text, and the lettered sub-paragraphs of notes are typed as item paragraphs.  Five of its
  entries also swallowed the next ECCN (see ``_ABSORBED_2026``).
* ``E-2025`` -- ``ear/ccl_supp1_part774_fulltext_2025.json`` (eCFR between 2025-01-16 and
  2025-07-11, Markdown-ish text).  Used for the ECCNs missing from E-2026-07-23, for fields that
  edition lacks, and for item paragraphs.

Item paragraphs are rebuilt as a tree from their designations alone (``a``, ``a.1``, ``a.1.a``
...): each paragraph must continue the sequence of its parent without a gap (a jump to ``.w``,
``.x``, ``.y`` or ``.z`` at the top level excepted), and its parent must be open at that point of
the document.  A paragraph whose parent has no text of its own (3A001.z.1.a, with no "z.1.") gets
an implicit parent with text ``null``.  Anything else that does not fit raises
:class:`BuildError`, except the irregularities listed in the ``_IRREGULAR_*``, ``_ITALIC_*`` and
``_RANGE_OVERLAPS`` tables below; everything tolerated is reported in ``problems_accepted``.

The E-2026-07-23 paragraphs of an ECCN are used only when they form a clean tree *and* have text
for exactly the paragraphs that have text in the E-2025 tree (so that a silently dropped
paragraph, or a note sub-paragraph taken for a paragraph, cannot go unnoticed); otherwise the
E-2025 paragraphs are used and ``problems_accepted`` says why.

Notes (Notes, Technical Notes, N.B.s and their sub-paragraphs) are kept out of the item text and
attached, verbatim, to the item paragraph they follow in the document.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import exponents
from .common import CHART_COLUMN_NAMES, BuildError, read_json

# isort: split
# .common puts src/ on sys.path, so exportctl is importable without being installed.
from exportctl.corpus.references import ECCNRef, ReferenceSyntaxError, parse_eccn

__all__ = ["CHART_COLUMNS", "E2025", "E2026", "REASON_CODES", "build", "build_2025"]

E2026 = "E-2026-07-23"
E2025 = "E-2025"

CCL_2026 = Path("ear") / "ecfr-2026-07-23" / "ccl.json"
CCL_2025 = Path("ear") / "ccl_supp1_part774_fulltext_2025.json"

_EDITION_2026_SOURCE = (
    "shared/reference/ear/ecfr-2026-07-23/ccl.json: seelpeed-debug/export-controls-agent-mcp "
    "src/data/ccl.json @ 5847b092f2a44117b2e18d06a8c6aa3e16106250, generated from {url}"
)
_EDITION_2025 = {
    "source": (
        "shared/reference/ear/ccl_supp1_part774_fulltext_2025.json: waynehacking8/eccn-agent "
        "src/lambdas/ccl_ingestion/ccl_parsed_checked.json "
        "@ 0bd163a857413d23a15918d42d9812adae9b4a35 "
        "(third-party HTML-to-Markdown conversion of the eCFR)"
    ),
    "as_of": "2025-07-11",
    "note": (
        "exact eCFR date unknown: the text contains the rules of 2025-01-16 and was committed on "
        "2025-07-11 (SOURCES.md); as_of is the latest possible date"
    ),
}

#: Reason for Control codes, as they appear in the "Reason for Control" lines of both references.
REASON_CODES = frozenset(
    {"AT", "CB", "CC", "CW", "EI", "FC", "MT", "NP", "NS", "RS", "SI", "SL", "SS", "UN"}
)
#: Columns of the Commerce Country Chart (Supp. No. 1 to part 738), as in the header of the
#: reference ``ear/country_chart_supp1_part738.csv``.
CHART_COLUMNS = frozenset(CHART_COLUMN_NAMES)

#: Designations that break the letter/number alternation in the eCFR itself: both editions read
#: "f.2.1", "f.2.2", "h.2.1", "h.2.2" where "f.2.a" ... would be regular.
_IRREGULAR_LABELS = frozenset(
    {("1A607", "f.2.1"), ("1A607", "f.2.2"), ("1A607", "h.2.1"), ("1A607", "h.2.2")}
)
#: Item paragraphs (ECCN, designation, start of text) that the E-2025 conversion set in italics like
#: a note (E-2026-07-23 has them as paragraphs, and "Note 2 to 3A090.a and 3A090.b" names 3A090.b).
_ITALIC_PARAGRAPHS_2025 = frozenset(
    {
        ("3A090", "b", "Integrated circuits having one or more digital processing units"),
        ("3A090", "b.1", "A 'total processing performance' of 2400 or more"),
        ("3A090", "b.2", "A 'total processing performance' of 1600 or more"),
    }
)
#: A reserved range that overlaps the next paragraph: E-2025 9A515 reads "i. through w. [RESERVED]"
#: and then "w. ...".
_RANGE_OVERLAPS = frozenset({("9A515", "w")})
#: ECCNs whose E-2026-07-23 entry absorbed the next ECCN (absent from that file), so that its
#: Reason for Control, License Requirements rows, license exception flags and paragraphs mix the
#: two entries.  Evidence in ccl.json: 3D005 has rows NS1, AT1, NS2, AT1 (3D006 is NS2) and notes
#: "For the purposes of 3D006"; 3E001 reads "NS, AT" (E-2025: 3E001 "NS, MT, NP, RS, AT", 3E002
#: "NS, AT") and has the paragraphs of 3E002; 8C609 has rows NS1, RS1, AT1, UN, NS1, AT1 and the STA
#: condition of 8D001; 0D606's STA condition names 0D614; 2B351 carries the rows and flags of 2B352
#: (identical to its own); the headings of 0D606, 2B351 and 3E001 run on into the next heading.
#: The build checks that these five are exactly the ECCNs missing from E-2026-07-23, and takes every
#: field of the absorbing ECCN from E-2025.
_ABSORBED_2026 = {
    "0D606": "0D614",
    "2B351": "2B352",
    "3D005": "3D006",
    "3E001": "3E002",
    "8C609": "8D001",
}

_LETTER = re.compile(r"[a-z]")
_NUMBER = re.compile(r"[1-9][0-9]*")
_LABEL = r"[a-z](?:\.(?:[a-z]|[0-9]{1,2}))*"
_TOP_LEVEL_JUMPS = frozenset("wxyz")
_RESERVED = re.compile(r"\[reserved\]", re.IGNORECASE)
#: "The list of items controlled is contained in the ECCN heading." and its variants in the sources
#: ("... in this ECCN heading", "... controlled in contained in ...", "The lists ... are ...
#: headings").
_IN_HEADING = re.compile(
    r"(?:Items:\s*)?the lists? of items controlled (?:is|are|in) contained in (?:the|this) ECCN "
    r"headings?\.?",
    re.IGNORECASE,
)
_SEE_LIST = re.compile(r"\(see list of items controlled\)", re.IGNORECASE)
_ITAR_PLACEHOLDER = re.compile(
    r"\((?:These items are|This entry is)\s+[“\"]subject to the ITAR", re.IGNORECASE
)


def _error(eccn: str, message: str) -> BuildError:
    return BuildError(f"CCL {eccn}: {message}")


class _Problems:
    """``problems_accepted``: single findings, then ECCNs grouped under a common finding."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.groups: dict[str, list[str]] = {}

    def add(self, line: str) -> None:
        self.lines.append(line)

    def group(self, finding: str, eccn: str) -> None:
        self.groups.setdefault(finding, []).append(eccn)

    def export(self) -> list[str]:
        return self.lines + [
            f"{finding}: {', '.join(eccns)}" for finding, eccns in self.groups.items()
        ]


# ---------------------------------------------------------------------------------------------
# Item paragraph trees
# ---------------------------------------------------------------------------------------------


@dataclass
class _Item:
    path: tuple[str, ...]
    text: str | None
    notes: list[str] = field(default_factory=list)
    implicit: bool = False
    reserved_range: str | None = None


class _Misfit(Exception):
    """A paragraph designation that does not fit the tree at this point of the document."""


def _ordinal(label: str) -> int:
    return ord(label) - ord("a") + 1 if _LETTER.fullmatch(label) else int(label)


def _label_at(position: int, like: str) -> str:
    return chr(ord("a") + position - 1) if _LETTER.fullmatch(like) else str(position)


def _dotted(path: tuple[str, ...]) -> str:
    return ".".join(path)


def _split(label: str) -> tuple[str, ...]:
    return tuple(label.split("."))


class _Tree:
    """Item paragraphs of one ECCN in one edition, in document order, checked as they are added."""

    def __init__(self, eccn: str, edition: str) -> None:
        self.eccn = eccn
        self.edition = edition
        self.items: dict[tuple[str, ...], _Item] = {}
        self.last: tuple[str, ...] = ()
        self.last_child: dict[tuple[str, ...], int] = {(): 0}
        self.implicit: list[str] = []
        self.recovered: list[str] = []  # paragraphs read from loose text (E-2026-07-23)
        self.accepted: list[str] = []

    def _check_label(self, path: tuple[str, ...]) -> None:
        for depth, label in enumerate(path):
            expected = _LETTER if depth % 2 == 0 else _NUMBER
            if (
                expected.fullmatch(label)
                or (self.eccn, _dotted(path[: depth + 1])) in _IRREGULAR_LABELS
            ):
                continue
            kind = "a letter" if depth % 2 == 0 else "a number"
            raise _Misfit(f"{_dotted(path)}: level {depth + 1} must be {kind}")
        try:
            parse_eccn(f"{self.eccn}.{_dotted(path)}")
        except ReferenceSyntaxError as exc:  # pragma: no cover - the checks above are stricter
            raise _Misfit(str(exc)) from exc

    def plan(self, path: tuple[str, ...]) -> list[tuple[str, ...]]:
        """The paragraphs (missing ancestors first) that adding ``path`` creates; raise _Misfit."""
        self._check_label(path)
        if path in self.items:
            raise _Misfit(f"{_dotted(path)} appears twice")
        known = len(path) - 1
        while known > 0 and path[:known] not in self.items:
            known -= 1
        if self.last[:known] != path[:known]:
            raise _Misfit(
                f"{_dotted(path)} does not continue the open paragraph "
                f"{_dotted(self.last) or '(none)'}"
            )
        new = [path[:depth] for depth in range(known + 1, len(path) + 1)]
        if len(new) > 1 and _ordinal(path[-1]) != 1:
            raise _Misfit(
                f"{_dotted(path)} needs the absent paragraph {_dotted(new[0])} but is not the "
                f"first of its sequence"
            )
        for created in new:
            parent = created[:-1]
            previous = self.last_child.get(parent, 0)
            position = _ordinal(created[-1])
            after = (
                _dotted((*parent, _label_at(previous, created[-1]))) if previous else "the start"
            )
            if position <= previous:
                raise _Misfit(f"{_dotted(created)} comes after {after}")
            if position != previous + 1 and not (
                len(created) == 1 and created[0] in _TOP_LEVEL_JUMPS
            ):
                raise _Misfit(f"{_dotted(created)} skips from {after}")
        return new

    def fits(self, path: tuple[str, ...]) -> bool:
        try:
            self.plan(path)
        except _Misfit:
            return False
        return True

    def add(self, path: tuple[str, ...], text: str, reserved_range: str | None = None) -> None:
        existing = self.items.get(path)
        if (
            existing is not None
            and existing.reserved_range
            and (self.eccn, _dotted(path)) in _RANGE_OVERLAPS
        ):
            self.accepted.append(
                f"{self.eccn} ({self.edition}): the reserved range {existing.reserved_range} ends "
                f"with paragraph .{_dotted(path)}, which follows with text; the paragraph is kept"
            )
            existing.text, existing.reserved_range = text, None
            self.last = path
            return
        for created in self.plan(path):
            implicit = created != path
            self.items[created] = _Item(
                created,
                None if implicit else text,
                implicit=implicit,
                reserved_range=reserved_range,
            )
            if implicit:
                self.implicit.append(_dotted(created))
            self.last_child[created[:-1]] = _ordinal(created[-1])
        self.last = path

    def add_range(self, first: str, last: str, text: str) -> None:
        start, end = _split(first), _split(last)
        if len(end) == 1 and len(start) > 1:
            end = (*start[:-1], *end)
        if start[:-1] != end[:-1] or _ordinal(end[-1]) <= _ordinal(start[-1]):
            raise _Misfit(f"reserved range {first} to {last} is not a range of siblings")
        span = f"{_dotted(start)}-{_dotted(end)}"
        for position in range(_ordinal(start[-1]), _ordinal(end[-1]) + 1):
            self.add((*start[:-1], _label_at(position, start[-1])), text, reserved_range=span)

    def note(self, text: str) -> None:
        if not self.last:
            raise _Misfit("a note comes before the first paragraph")
        self.items[self.last].notes.append(text)

    def texted(self) -> set[str]:
        """Designations of the paragraphs that have text of their own."""
        return {_dotted(p) for p, item in self.items.items() if not item.implicit}

    def export(self) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for path, item in self.items.items():
            ref = ECCNRef(self.eccn, path)
            parent = ref.parent
            out.append(
                {
                    "ref": str(ref),
                    "parent": str(parent) if parent is not None and parent.path else self.eccn,
                    "label": path[-1],
                    "text": item.text,
                    "notes": list(item.notes),
                    "is_catch_all": ref.is_catch_all,
                    "is_y": ref.is_y_paragraph,
                    "reserved": bool(item.text and _RESERVED.fullmatch(item.text.strip())),
                    "reserved_range": item.reserved_range,
                    "implicit": item.implicit,
                }
            )
        return out


@dataclass
class _Items:
    """What one edition says about the item paragraphs of one ECCN."""

    tree: _Tree | None = None
    in_heading: bool = False
    text: str | None = None  # an undesignated list of items ("Items: Materials ...")
    error: str | None = None

    @property
    def usable(self) -> bool:
        return self.error is None and (
            self.tree is not None or self.in_heading or self.text is not None
        )

    def texted(self) -> set[str]:
        return self.tree.texted() if self.tree is not None else set()


@dataclass
class _Entry:
    eccn: str
    heading: str
    reasons_raw: str | None = None
    license_rows: list[dict[str, Any]] = field(default_factory=list)
    items: _Items | None = None
    related_controls: str | None = None


# ---------------------------------------------------------------------------------------------
# Reason for Control and License Requirements
# ---------------------------------------------------------------------------------------------

_COLUMN = re.compile(r"\b([A-Z]{2})\s+Column\s+([0-9])\b")
_BARE_COLUMN = re.compile(r"(?<![A-Z]{2} )\bColumn\s+([0-9])\b")


def _parse_reasons(eccn: str, raw: str, edition: str, problems: _Problems) -> list[str]:
    """Reason for Control codes in source order; other words stay in ``reasons_raw`` only."""
    codes: list[str] = []
    text = raw.strip()
    text = text[:-1] if text.endswith(".") else text
    for part in (p.strip() for p in re.split(r",|\band\b", text)):
        if part in REASON_CODES:
            codes.append(part)
        elif re.fullmatch(r"[A-Z]{2}(?: [A-Z]{2})+", part) and set(part.split()) <= REASON_CODES:
            codes.extend(part.split())
            problems.add(
                f"{eccn} ({edition}): Reason for Control {raw!r} has no comma in {part!r}; read as "
                f"{', '.join(part.split())}"
            )
        elif re.fullmatch(r"CC ?1", part):
            codes.append("CC")
            problems.add(
                f"{eccn} ({edition}): Reason for Control reads {raw!r}, a Country Chart column "
                f"rather than a reason; read as CC"
            )
        elif part.lower() == "foreign policy":
            problems.group(
                "Reason for Control includes 'foreign policy' (not a reason code; kept in "
                "reasons_raw only, the License Requirements rows point to § 746.8)",
                eccn,
            )
        else:
            raise _error(eccn, f"{edition} Reason for Control {raw!r}: unknown element {part!r}")
    if len(set(codes)) != len(codes):
        raise _error(eccn, f"{edition} Reason for Control {raw!r} names a reason twice")
    return codes


def _license_row(
    eccn: str, control: str, chart: str | None, edition: str, problems: _Problems
) -> dict[str, Any]:
    columns: list[str] = []
    for code, number in _COLUMN.findall(chart or ""):
        column = f"{code}{number}"
        if column not in CHART_COLUMNS:
            raise _error(
                eccn, f"{edition} country chart cell {chart!r} names unknown column {column}"
            )
        columns.append(column)
    bare = _BARE_COLUMN.findall(chart or "")
    if bare:
        lead = re.match(r"([A-Z]{2}) applies\b", control)
        if (
            columns
            or len(bare) != 1
            or not lead
            or f"{lead.group(1)}{bare[0]}" not in CHART_COLUMNS
        ):
            raise _error(
                eccn, f"{edition} country chart cell {chart!r} names a column without a reason"
            )
        columns.append(f"{lead.group(1)}{bare[0]}")
        problems.add(
            f"{eccn} ({edition}): country chart cell {chart!r} names no reason; read as "
            f"{columns[-1]} from its own row {control!r}"
        )
    return {"control": control, "country_chart": chart, "columns": columns}


# ---------------------------------------------------------------------------------------------
# E-2026-07-23
# ---------------------------------------------------------------------------------------------

_RANGE_TAIL_2026 = re.compile(
    rf"^(?:-|–|through|to|and)\s*(?P<end>{_LABEL})\.?\s*(?P<text>\[reserved\])\.?$", re.IGNORECASE
)
#: Loose text that starts with a designation of two or more levels ("e.1.a 'Primary cells' ...").
_TEXT_LABEL_2026 = re.compile(
    r"^(?P<label>[a-z]\.(?:[a-z]|[0-9]{1,2})(?:\.(?:[a-z]|[0-9]{1,2}))*)\.?\s+(?P<text>\S.*)$", re.S
)


def _continues(run: tuple[str, ...], path: tuple[str, ...]) -> bool:
    """True if ``path`` is the designation after ``run`` in the same sequence."""
    return (
        len(path) == len(run)
        and path[:-1] == run[:-1]
        and bool(_LETTER.fullmatch(path[-1])) == bool(_LETTER.fullmatch(run[-1]))
        and _ordinal(path[-1]) == _ordinal(run[-1]) + 1
    )


def _items_2026(eccn: str, elements: list[dict[str, Any]]) -> _Items:
    """Rebuild the paragraphs of one E-2026-07-23 entry.

    The source types each element as ``item`` (with a designation), ``note`` (a numbered note
    paragraph) or ``text`` (anything else).  Text before the first paragraph is license exception
    and license requirement material and is not kept.  Lettered sub-paragraphs of notes come as
    ``item`` elements: an item that does not fit the tree right after note text, and that starts a
    sequence (``a``/``1``) -- or continues such a run -- is kept as note text.  Loose text that
    starts with a designation fitting the tree exactly is read as that paragraph.
    """
    tree = _Tree(eccn, E2026)
    in_heading = False
    note_run: tuple[str, ...] | None = None
    previous = ""
    try:
        for element in elements:
            kind, label, text = element["kind"], element["paragraph"], element["text"].strip()
            if kind not in ("item", "text", "note"):
                raise _Misfit(f"unknown element kind {kind!r}")
            if not tree.items and not (kind == "item" and isinstance(label, str)):
                in_heading = in_heading or bool(_IN_HEADING.fullmatch(text))
                previous = kind
                continue
            if kind == "item":
                if not isinstance(label, str) or len(_split(label)) != element["depth"]:
                    raise _Misfit(f"item {label!r} at depth {element['depth']} is inconsistent")
                path = _split(label)
                tail = _RANGE_TAIL_2026.match(text)
                if note_run is not None and _continues(note_run, path):
                    tree.note(f"{label}. {text}")
                    note_run, previous = path, "note"
                elif tail:
                    tree.add_range(label, tail.group("end"), tail.group("text"))
                    note_run, previous = None, "item"
                elif tree.fits(path):
                    tree.add(path, text)
                    note_run, previous = None, "item"
                elif previous in ("text", "note") and _ordinal(path[-1]) == 1:
                    tree.note(f"{label}. {text}")
                    note_run, previous = path, "note"
                else:
                    tree.add(path, text)  # raises the _Misfit that says what is wrong
            elif kind == "text":
                embedded = _TEXT_LABEL_2026.match(text)
                if embedded and tree.fits(_split(embedded.group("label"))):
                    tree.add(_split(embedded.group("label")), embedded.group("text").strip())
                    tree.recovered.append(embedded.group("label"))
                    note_run, previous = None, "item"
                else:
                    tree.note(text)
                    previous = "text"
            else:
                if not isinstance(label, str):
                    raise _Misfit(f"numbered note without a number: {text[:60]!r}")
                tree.note(f"{label}. {text}")
                previous = "note"
    except _Misfit as exc:
        return _Items(error=str(exc))
    if not tree.items:
        return _Items(in_heading=in_heading)
    return _Items(tree=tree)


def _clean_2026(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _load_2026(
    path: Path, problems: _Problems
) -> tuple[dict[str, Any], dict[str, _Entry], frozenset[str]]:
    payload = read_json(path)
    for key in ("ecfrIssueDate", "entries", "deepCategories", "entryCount", "source"):
        if key not in payload:
            raise BuildError(f"{path}: no {key!r}")
    if f"E-{payload['ecfrIssueDate']}" != E2026:
        raise BuildError(
            f"{path}: issue date {payload['ecfrIssueDate']} is not that of edition {E2026}"
        )
    if payload["entryCount"] != len(payload["entries"]):
        raise BuildError(
            f"{path}: entryCount {payload['entryCount']} but {len(payload['entries'])} entries"
        )
    deep = frozenset(str(c) for c in payload["deepCategories"])
    edition = {
        "source": _EDITION_2026_SOURCE.format(url=payload["source"]["url"]),
        "as_of": payload["ecfrIssueDate"],
        "note": (
            "item paragraphs only for categories " + ", ".join(sorted(deep)) + " (deepCategories); "
            "other entries carry heading and license metadata only"
        ),
    }
    entries: dict[str, _Entry] = {}
    for raw in payload["entries"]:
        eccn = raw["eccn"]
        ref = parse_eccn(eccn)
        if str(ref) != eccn or ref.path:
            raise BuildError(f"{path}: {eccn!r} is not a bare ECCN")
        if eccn in entries:
            raise _error(eccn, f"{E2026} lists the ECCN twice")
        if raw["category"] != eccn[0] or raw["productGroup"] != eccn[1]:
            raise _error(
                eccn, f"{E2026} category/product group {raw['category']}/{raw['productGroup']}"
            )
        if not isinstance(raw["heading"], str) or not raw["heading"].strip():
            raise _error(eccn, f"{E2026} has no heading")
        entry = _Entry(eccn, heading=_clean_2026(raw["heading"]))
        reason = raw["reasonForControl"]
        entry.reasons_raw = (
            _clean_2026(reason) if isinstance(reason, str) and reason.strip() else None
        )
        entry.license_rows = [
            _license_row(
                eccn, _clean_2026(r["control"]), _clean_2026(r["countryChart"]), E2026, problems
            )
            for r in raw["countryChart"]
        ]
        entry.related_controls = _related(raw.get("relatedControls"))
        whole = [
            r["control"]
            for r in entry.license_rows
            if r["control"].endswith("applies to entire entry")
        ]
        if len(set(whole)) != len(whole) and eccn not in _ABSORBED_2026:
            raise _error(
                eccn, f"{E2026} repeats a License Requirements row ({whole}); entries merged?"
            )
        if eccn[0] in deep:
            if "items" not in raw:
                raise _error(
                    eccn,
                    f"{E2026} category {eccn[0]} is a deep category but the entry has no items",
                )
            entry.items = _items_2026(eccn, raw["items"])
        elif "items" in raw:
            raise _error(eccn, f"{E2026} has items outside the deep categories")
        entries[eccn] = entry
    return edition, entries, deep


# ---------------------------------------------------------------------------------------------
# E-2025
# ---------------------------------------------------------------------------------------------

_HEADER_2025 = re.compile(r"(?m)^\*?List of Items Controlled\*?")
_MARKER_2025 = re.compile(r"(?m)^\*?Items(?::\*|\*:|:|\*(?=\s))")
_ITEM_2025 = re.compile(rf"^(?P<label>{_LABEL})(?:\.{{1,2}}\s*|\s+)(?P<text>\S.*)$", re.S)
_RANGE_2025 = re.compile(
    rf"^(?P<first>{_LABEL})\.?\s*(?:-|–|through|to|and)\s*(?P<last>{_LABEL})\.?\s*"
    rf"(?P<text>\[reserved\])\.?$",
    re.IGNORECASE,
)
#: "*Reason for Control:* NS, AT" — and, in some entries (1A006), "*Reason for Control: NS, AT*".
_REASON_2025 = re.compile(
    r"(?m)^\*Reasons? for Control:(?:\*[ \t]*(?P<raw>[^\n]*?)|[ \t]*(?P<inner>[^\n*]*?)\*)[ \t]*$"
)
_SECTION_2025 = re.compile(
    r"(?m)^\*?(?:List Based License Exceptions|List of Items Controlled|Special Conditions for STA|"
    r"Reporting Requirements|License Exceptions)"
)


#: "N/A" and its spellings: the entry has no Related Controls.
_NOTHING = re.compile(r"(?:N/?A|None)\.?", re.IGNORECASE)


def _related(text: Any) -> str | None:
    """A Related Controls paragraph, whitespace collapsed; None for "N/A" or nothing."""
    if not isinstance(text, str):
        return None
    text = " ".join(text.split())
    return None if not text or _NOTHING.fullmatch(text) else text


_RELATED_2025 = re.compile(r"(?m)^\*?Related Controls\*?:\*?")
_RELATED_END_2025 = re.compile(r"(?m)^\*?Related Definitions?\*?:|^\*?Items(?::\*|\*:|:|\*(?=\s))")


def _related_2025(details: str) -> str | None:
    """The "Related Controls" paragraph of an E-2025 entry: from its label to "Related
    Definitions" (or the "Items:" marker), Markdown removed."""
    start = _RELATED_2025.search(details)
    if start is None:
        return None
    end = _RELATED_END_2025.search(details, start.end())
    if end is None:
        return None  # not delimited: nothing is taken rather than the list of items with it
    return _related(_strip_markdown(details[start.end() : end.start()]).replace("\n", " "))


def _strip_markdown(text: str) -> str:
    """Markdown markup removed; text, line breaks of the source and image/link targets kept."""
    text = text.replace("\\*", "\x00")
    text = re.sub(r"!\[[^\]]*\]\(([^)\s]+)[^)]*\)", r"\1", text)
    text = re.sub(r"\[([^\]]*)\]\([^)\s]+(?:\s+\"[^\"]*\")?\)", r"\1", text)
    text = text.replace("<br>", " ").replace("<p>", "").replace("</p>", "")
    text = text.replace("*", "").replace("\x00", "*")
    lines = [re.sub(r"[ \t]+", " ", line).strip() for line in text.split("\n")]
    lines = [line[1:].strip() if line.startswith(">") else line for line in lines]
    return "\n".join(line for line in lines if line)


def _items_2025(eccn: str, details: str, problems: _Problems) -> _Items:
    """Rebuild the paragraphs of one E-2025 entry from its "List of Items Controlled".

    Blocks are separated by blank lines.  A block that starts with a designation and is not in
    italics is a paragraph; italic blocks (Notes, Technical Notes and their sub-paragraphs) and
    other prose are notes of the paragraph before them.  Blocks before the first paragraph (Related
    Controls, Related Definitions, notes to the whole entry) are not kept.
    """
    headers = list(_HEADER_2025.finditer(details))
    if not headers:
        return _Items()
    region = details[headers[-1].end() :]
    markers = list(_MARKER_2025.finditer(region))
    if len(markers) > 1:
        return _Items(error="more than one 'Items:' marker")
    if markers:
        region = region[markers[0].end() :]
    else:
        problems.group(
            f"{E2025} has no 'Items:' marker; paragraphs read from the first block after 'List of "
            f"Items Controlled' that starts with a designation",
            eccn,
        )
    if _SECTION_2025.search(region):
        return _Items(error="another section follows the list of items")
    tree = _Tree(eccn, E2025)
    in_heading = False
    prose: list[str] = []
    try:
        for block in re.split(r"\n[ \t]*\n", region):
            raw = block.strip()
            text = _strip_markdown(raw)
            if not text:
                continue
            italic = raw.startswith(("*", "-*", ">"))
            flat = " ".join(text.split("\n"))
            span = _RANGE_2025.match(flat)
            item = _ITEM_2025.match(text)
            if (
                italic
                and item
                and any(
                    (eccn, item.group("label")) == (known[0], known[1])
                    and item.group("text").startswith(known[2])
                    for known in _ITALIC_PARAGRAPHS_2025
                )
            ):
                tree.accepted.append(
                    f"{eccn} ({E2025}): paragraph .{item.group('label')} is set in italics like a "
                    f"note; read as a paragraph"
                )
                italic = False
            if not italic and span:
                tree.add_range(span.group("first"), span.group("last"), span.group("text"))
            elif not italic and item:
                path, body = _split(item.group("label")), item.group("text").strip()
                known = tree.items.get(path)
                if known is not None and known.text == body:
                    tree.accepted.append(
                        f"{eccn} ({E2025}): paragraph .{item.group('label')} appears twice with "
                        f"the same text (conversion artefact); the second copy is dropped"
                    )
                    continue
                tree.add(path, body)
            elif tree.items:
                tree.note(text)
            elif _IN_HEADING.fullmatch(flat):
                in_heading = True
            elif markers and not italic:
                prose.append(text)  # the list itself, or a sub-heading ("Acoustics" in 6D003)
    except _Misfit as exc:
        return _Items(error=str(exc))
    if in_heading and (tree.items or prose):
        return _Items(
            error="items follow 'The list of items controlled is contained in the ECCN heading'"
        )
    if len(prose) > 1:
        return _Items(error=f"{len(prose)} undesignated blocks make up the list of items")
    if not tree.items:
        return _Items(in_heading=in_heading, text=prose[0] if prose else None)
    return _Items(tree=tree)


def _license_2025(
    eccn: str, details: str, problems: _Problems
) -> tuple[str | None, list[dict[str, Any]]]:
    if details.lstrip().startswith("*Reason for Control"):
        # The capture dropped the heading of some entries (3A001, 9A620, …): their details open
        # with the Reason for Control line itself (the words "License Requirements" may still
        # occur further down, in a note).
        problems.add(
            f"{eccn} ({E2025}): no 'License Requirements' heading; the section is read from the "
            "Reason for Control line that opens the entry"
        )
        start = 0
    else:
        start = details.find("License Requirements")
        if start < 0:
            return None, []
    end = _SECTION_2025.search(details, start)
    section = details[start : end.start() if end else len(details)]
    reasons = [
        m.group("raw") if m.group("raw") is not None else m.group("inner")
        for m in _REASON_2025.finditer(section)
    ]
    if len(reasons) > 1:
        raise _error(eccn, f"{E2025} has {len(reasons)} Reason for Control lines")
    rows: list[dict[str, Any]] = []
    for line in section.split("\n"):
        line = line.strip()
        if not line.startswith("|"):
            continue
        cells = [c.strip() for c in line.strip("|").split("|")]
        while len(cells) > 1 and not cells[-1]:
            cells.pop()
        if re.fullmatch(r"-+", cells[0]) or cells[0].startswith("Control(s)"):
            continue
        control = _strip_markdown(cells[0]).replace("\n", " ")
        if len(cells) == 1:
            inline = _COLUMN.search(control)
            if inline:  # "CB applies to entire entry CB Column 2." (1C350)
                problems.add(
                    f"{eccn} ({E2025}): license table row {control!r} has one cell; split before "
                    f"{inline.group(0)!r}"
                )
                cells = [control[: inline.start()].strip(), control[inline.start() :]]
                control = cells[0]
            else:
                # One-column tables (e.g. 0E982): the row says where the license requirement is.
                rows.append({"control": control, "country_chart": None, "columns": []})
                continue
        if len(cells) != 2:
            raise _error(eccn, f"{E2025} license table row has {len(cells)} cells: {line[:80]!r}")
        chart = " ".join(_strip_markdown(cells[1]).split("\n"))
        rows.append(_license_row(eccn, control, chart, E2025, problems))
    reason = _strip_markdown(reasons[0]) if reasons else ""
    return reason or None, rows


def _load_2025(path: Path, problems: _Problems) -> dict[str, _Entry]:
    payload = read_json(path)
    if not isinstance(payload, list) or len(payload) != 10:
        raise BuildError(f"{path}: expected a list of the 10 CCL categories")
    entries: dict[str, _Entry] = {}
    for number, category in enumerate(payload):
        match = re.match(r"Category (\d)-", category["name"])
        if not match or int(match.group(1)) != number:
            raise BuildError(f"{path}: category {number} is named {category['name']!r}")
        for group in category["product_groups"]:
            letter = re.search(r"(?:^|\s)([A-E])\.\s", group["name"])
            if not letter:
                raise BuildError(f"{path}: product group {group['name']!r} has no letter A-E")
            for raw in group["eccn"]:
                code, heading = raw["code"], raw["description"]
                if code == "Technical Note" and heading.startswith(
                    'Technical Note on "Adjusted Peak'
                ):
                    problems.add(
                        f'{E2025}: the entry \'Technical Note on "Adjusted Peak Performance" '
                        f'("APP")\' listed after 4E993 is the Technical Note of Category 4, not an '
                        f"ECCN; skipped"
                    )
                    continue
                if code == "ECCN":
                    lead = re.match(r"(\d[A-E]\d{3})\s+(.*)$", heading, re.S)
                    if not lead:
                        raise BuildError(
                            f"{path}: an entry with code 'ECCN' has heading {heading[:60]!r}"
                        )
                    code, heading = lead.group(1), lead.group(2)
                    problems.add(
                        f"{code} ({E2025}): the entry's code reads 'ECCN' and its heading starts "
                        f"with '{code}'; the ECCN is taken from the heading"
                    )
                ref = parse_eccn(code)
                if str(ref) != code or ref.path:
                    raise BuildError(f"{path}: {code!r} is not a bare ECCN")
                if ref.category != number or ref.product_group != letter.group(1):
                    raise _error(
                        code, f"{E2025} lists it under category {number} group {letter.group(1)}"
                    )
                if code in entries:
                    raise _error(code, f"{E2025} lists the ECCN twice")
                entry = _Entry(code, heading=" ".join(_strip_markdown(heading).split("\n")))
                if not entry.heading:
                    raise _error(code, f"{E2025} has no heading")
                entry.reasons_raw, entry.license_rows = _license_2025(
                    code, raw["details"], problems
                )
                entry.items = _items_2025(code, raw["details"], problems)
                entry.related_controls = _related_2025(raw["details"])
                entries[code] = entry
    return entries


# ---------------------------------------------------------------------------------------------
# Combining the editions
# ---------------------------------------------------------------------------------------------


def _some(labels: list[str]) -> str:
    return ", ".join(labels[:5]) + (", ..." if len(labels) > 5 else "")


def _choose_items(
    eccn: str, new: _Entry | None, old: _Entry | None, problems: _Problems
) -> tuple[_Items | None, str | None]:
    """The item paragraphs to publish and their edition (see the module docstring)."""
    new_items = new.items if new is not None else None
    old_items = old.items if old is not None else None
    if new_items is not None and new_items.usable:
        if old_items is None:
            problems.group(
                f"{E2026} paragraphs used without a cross-check (ECCN absent from {E2025})", eccn
            )
            return new_items, E2026
        if not old_items.usable:
            problems.add(
                f"{eccn}: {E2025} paragraphs do not parse ({old_items.error or 'none found'}); "
                f"{E2026} paragraphs used without a cross-check"
            )
            return new_items, E2026
        missing = sorted(old_items.texted() - new_items.texted())
        extra = sorted(new_items.texted() - old_items.texted())
        if not missing and not extra and (old_items.text is None or new_items.text is not None):
            return new_items, E2026
        differences = []
        if missing:
            differences.append(f"lack {len(missing)} with text in {E2025} ({_some(missing)})")
        if extra:
            differences.append(f"have {len(extra)} not in {E2025} ({_some(extra)})")
        if not differences:
            differences.append(f"lack the undesignated list of items {E2025} has")
        problems.add(
            f"{eccn}: the {E2026} paragraphs {' and '.join(differences)}"
            f"{' (' + E2025 + ': list contained in the heading)' if old_items.in_heading else ''}; "
            f"{E2025} paragraphs used"
        )
        return old_items, E2025
    if old_items is not None and old_items.usable:
        if new_items is not None and new_items.error is None:
            problems.group(
                f"{E2026} has neither item paragraphs nor the statement that the list of items is "
                f"contained in the heading; {E2025} paragraphs (or that statement) used",
                eccn,
            )
        elif new_items is not None:
            problems.add(
                f"{eccn}: the {E2026} paragraphs do not form a tree ({new_items.error}); {E2025} "
                f"paragraphs used"
            )
        return old_items, E2025
    errors = [
        f"{ed}: {it.error}"
        for ed, it in ((E2026, new_items), (E2025, old_items))
        if it and it.error
    ]
    if errors:
        raise _error(eccn, "no edition has item paragraphs that parse -- " + "; ".join(errors))
    return None, None


def _related_controls(
    eccn: str, new: _Entry | None, old: _Entry | None, problems: _Problems
) -> tuple[str | None, str | None]:
    """The Related Controls paragraph and its edition: E-2026-07-23 when it has one, unless it is
    a cut-off start of the E-2025 paragraph (that parse keeps only the first paragraph of some
    entries: 1A008, 1C216, 7B101, 9C110 ...); E-2025 when E-2026-07-23 has none."""
    mine = new.related_controls if new is not None else None
    theirs = old.related_controls if old is not None else None
    if (
        mine
        and theirs
        and len(_norm(theirs)) > len(_norm(mine))
        and _norm(theirs).startswith(_norm(mine).rstrip(".:"))
    ):
        problems.group(
            f"the {E2026} Related Controls are the start of the {E2025} paragraph (cut off by "
            f"that parse); {E2025} text used",
            eccn,
        )
        return theirs, E2025
    if mine:
        return mine, E2026
    if theirs:
        if new is not None:
            problems.group(
                f"{E2026} has no Related Controls; {E2025} text used",
                eccn,
            )
        return theirs, E2025
    return None, None


def _combine(
    eccn: str, new: _Entry | None, old: _Entry | None, present: list[str], problems: _Problems
) -> dict[str, Any]:
    """One ECCN's record: ``new``/``old`` are its usable entries, ``present`` its editions."""
    ref = parse_eccn(eccn)
    first = new if new is not None else old
    if first is None:  # pragma: no cover - the union of both editions' ECCNs is iterated
        raise _error(eccn, "in no edition")
    heading_edition = E2026 if new is not None else E2025

    reasons_raw: str | None = None
    reasons: list[str] = []
    reasons_edition: str | None = None
    for edition, entry in ((E2026, new), (E2025, old)):
        if entry is not None and entry.reasons_raw:
            reasons_raw, reasons_edition = entry.reasons_raw, edition
            reasons = _parse_reasons(eccn, entry.reasons_raw, edition, problems)
            break
    if new is not None and reasons_edition == E2025:
        problems.group(
            f"{E2026} has reasonForControl null although the entry has License Requirements rows "
            f"(0A919, 9B104 and 9D620 read 'Reasons for Control' in {E2025}); reasons taken from "
            f"{E2025}",
            eccn,
        )

    rows: list[dict[str, Any]] = []
    rows_edition: str | None = None
    for edition, entry in ((E2026, new), (E2025, old)):
        if entry is not None and entry.license_rows:
            rows, rows_edition = entry.license_rows, edition
            break
    if new is not None and rows_edition == E2025:
        problems.group(f"{E2026} has no License Requirements rows; taken from {E2025}", eccn)
    columns = sorted({c for row in rows for c in row["columns"]})
    stray = sorted({c[:2] for c in columns} - set(reasons))
    if stray:
        problems.add(
            f"{eccn}: Country Chart column(s) of {', '.join(stray)} ({rows_edition}) for reasons "
            f"absent from the Reason for Control ({reasons_edition}: {reasons_raw!r})"
        )

    related, related_edition = _related_controls(eccn, new, old, problems)

    chosen, items_edition = _choose_items(eccn, new, old, problems)
    if (
        chosen is not None
        and chosen.in_heading
        and items_edition == E2025
        and new is not None
        and old is not None
        and _SEE_LIST.search(new.heading)
        and not _SEE_LIST.search(old.heading)
    ):
        # 0A502: E-2025 reads "The list of items controlled is contained in the ECCN heading"
        # under a heading that lists the items; the E-2026-07-23 heading instead ends "as follows
        # (see List of Items controlled)" and its rows name paragraphs ".c, .d, and .e", which
        # that reference does not carry (category 0 is not one of its deep categories).
        problems.add(
            f"{eccn}: the {E2026} heading points to a List of Items Controlled that the {E2026} "
            f"reference does not carry, and {E2025} put the items in a heading that has since "
            f"changed; no item paragraphs (items null)"
        )
        chosen, items_edition = None, None
    items: list[dict[str, Any]] | None = None
    in_heading = False
    if chosen is not None:
        in_heading = chosen.in_heading
        items = []
        if chosen.tree is not None:
            items = chosen.tree.export()
            for line in chosen.tree.accepted:
                problems.add(line)
            if chosen.tree.recovered:
                problems.add(
                    f"{eccn} ({items_edition}): paragraph(s) "
                    f"{', '.join(chosen.tree.recovered)} are typed as loose text in the source; "
                    f"read as paragraphs from their designations"
                )
            if chosen.tree.implicit:
                problems.add(
                    f"{eccn} ({items_edition}): paragraph(s) {', '.join(chosen.tree.implicit)} "
                    f"have sub-paragraphs but no text of their own in the source; kept as "
                    f"implicit items with text null"
                )
    return {
        "eccn": eccn,
        "category": eccn[0],
        "product_group": eccn[1],
        "heading": first.heading,
        "heading_edition": heading_edition,
        "reasons_for_control": reasons,
        "reasons_raw": reasons_raw,
        "reasons_edition": reasons_edition,
        "license_requirements": rows,
        "license_requirements_edition": rows_edition,
        "country_chart_columns": columns,
        "is_600_series": ref.is_600_series,
        "is_9x515": ref.is_9x515,
        "subject_to_itar_placeholder": bool(_ITAR_PLACEHOLDER.search(first.heading)),
        "items": items,
        "items_edition": items_edition,
        "items_in_heading": in_heading,
        "items_text": chosen.text if chosen is not None else None,
        "related_controls": related,
        "related_controls_edition": related_edition,
        "in_editions": present,
    }


def _norm(text: str) -> str:
    text = text.replace("“", '"').replace("”", '"').replace("‘", "'").replace("’", "'")
    return re.sub(r"\s+", "", text).lower()


def _differing_texts(new: _Entry | None, old: _Entry | None) -> list[str]:
    """Paragraphs taken from E-2026-07-23 whose E-2025 text reads markedly differently."""
    if new is None or old is None or new.items is None or old.items is None:
        return []
    if new.items.tree is None or old.items.tree is None:
        return []
    differing = []
    for path, item in new.items.tree.items.items():
        other = old.items.tree.items.get(path)
        if other is None or item.text is None or other.text is None:
            continue
        if difflib.SequenceMatcher(None, _norm(item.text), _norm(other.text)).ratio() < 0.6:
            differing.append(f"{new.eccn}.{_dotted(path)}")
    return differing


def _validate(eccns: list[dict[str, Any]]) -> None:
    seen: set[str] = set()
    for record in eccns:
        if record["eccn"] in seen:
            raise _error(record["eccn"], "appears twice")
        seen.add(record["eccn"])
        refs: set[str] = set()
        for item in record["items"] or []:
            ref = parse_eccn(item["ref"])
            if str(ref) != item["ref"] or ref.eccn != record["eccn"]:
                raise _error(record["eccn"], f"item ref {item['ref']} does not round-trip")
            if item["ref"] in refs:
                raise _error(record["eccn"], f"item ref {item['ref']} appears twice")
            if item["parent"] != record["eccn"] and item["parent"] not in refs:
                raise _error(
                    record["eccn"], f"item {item['ref']} comes before its parent {item['parent']}"
                )
            refs.add(item["ref"])


def build(reference: Path) -> dict[str, Any]:
    """The current CCL (``ccl.json``): E-2026-07-23, with the E-2025 fallbacks described above."""
    problems = _Problems()
    edition_2026, new_entries, _deep = _load_2026(reference / CCL_2026, problems)
    old_entries = _load_2025(reference / CCL_2025, problems)
    missing = set(old_entries) - set(new_entries)
    if missing != set(_ABSORBED_2026.values()):
        raise BuildError(
            f"CCL: the ECCNs absent from {E2026} are {sorted(missing)}, not "
            f"{sorted(_ABSORBED_2026.values())}; review _ABSORBED_2026"
        )
    for absorber, absorbed in _ABSORBED_2026.items():
        problems.add(
            f"{absorber}: its {E2026} entry also holds {absorbed} (absent from that file): "
            f"heading, Reason for Control, License Requirements and paragraphs mix both ECCNs; "
            f"every field is taken from {E2025}"
        )

    eccns: list[dict[str, Any]] = []
    differing: list[str] = []
    for eccn in sorted(set(new_entries) | set(old_entries)):
        new, old = new_entries.get(eccn), old_entries.get(eccn)
        present = [ed for ed, entry in ((E2026, new), (E2025, old)) if entry is not None]
        record = _combine(eccn, None if eccn in _ABSORBED_2026 else new, old, present, problems)
        eccns.append(record)
        if record["items_edition"] == E2026:
            differing.extend(_differing_texts(new, old))
        if new is None:
            problems.group(
                f"only in {E2025}, absent from the {E2026} file, whose entry for the preceding "
                f"ECCN swallowed it (see above; the EyeWarnYou manifest cited in SOURCES.md "
                f"counts 638 ECCNs, the size of the union)",
                eccn,
            )
    if differing:
        problems.add(
            f"{len(differing)} paragraph(s) taken from {E2026} read markedly differently in "
            f"{E2025} "
            f"(amended since, or misread by one parser): {', '.join(differing)}"
        )
    return _finish({E2026: edition_2026, E2025: dict(_EDITION_2025)}, eccns, problems)


def build_2025(reference: Path) -> dict[str, Any]:
    """The 2025 edition alone (``ccl-2025.json``): every field from E-2025, nothing from 2026.

    Same records, same checks and the same paragraph trees as ``build``; an ECCN absent from
    E-2025 (heading-only placeholders, later ECCNs) is absent here.
    """
    problems = _Problems()
    old_entries = _load_2025(reference / CCL_2025, problems)
    eccns = [
        _combine(eccn, None, old_entries[eccn], [E2025], problems) for eccn in sorted(old_entries)
    ]
    return _finish({E2025: dict(_EDITION_2025)}, eccns, problems)


def _finish(
    editions: dict[str, Any], eccns: list[dict[str, Any]], problems: _Problems
) -> dict[str, Any]:
    """Shared by every edition: placeholders noted, exponents restored, records validated."""
    for record in eccns:
        if record["items"] is None:
            if record["subject_to_itar_placeholder"]:
                problems.group(
                    "heading-only ITAR placeholder ('subject to the ITAR'); no item paragraphs "
                    "in any edition",
                    record["eccn"],
                )
            else:
                problems.group("no item paragraphs (items null)", record["eccn"])
    problems.add(
        "Notes, Technical Notes and N.B.s are attached to the item paragraph they follow in the "
        "document, which is not always the paragraph they concern; notes before the first item "
        f"paragraph (and, in {E2026}, the license exception text that precedes the paragraphs) are "
        "not kept"
    )
    spec = exponents.load()
    sites: list[str] = []
    leftovers: list[str] = []
    for record in eccns:
        sites += exponents.apply_to_ccl(spec, record)
        leftovers += exponents.ccl_leftovers(spec, record)
    if leftovers:
        raise BuildError(
            "CCL text still holds flattened exponents after the rules of "
            "data/errata/exponents.json:\n  " + "\n  ".join(leftovers)
        )
    problems.add(
        "exponents written as superscripts by the rules of data/errata/exponents.json"
        + (f" and the sites {', '.join(sites)}" if sites else "")
    )
    _validate(eccns)
    return {"editions": editions, "eccns": eccns, "problems_accepted": problems.export()}
