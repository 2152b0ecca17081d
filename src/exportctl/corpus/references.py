"""Parsers for U.S. Munitions List and Commerce Control List references.

A USML reference names a category of 22 CFR 121.1 and, optionally, a paragraph path inside
it, e.g. ``XI(a)(3)(xviii)``.  The paragraph designations follow the Federal Register
hierarchy used throughout the CFR (1 CFR 21.11): lower-case letters, then arabic numbers,
then lower-case roman numerals, then upper-case letters, then (italic) arabic numbers and
(italic) roman numerals.

An ECCN reference names an Export Control Classification Number of Supp. No. 1 to 15 CFR
part 774 and, optionally, an item paragraph, e.g. ``3A001.a.1.b`` or ``9A610.x``.

Both parsers round-trip: ``str(parse_x(text))`` is the canonical spelling and parsing it again
gives an equal value.  Malformed input raises :class:`ReferenceSyntaxError` with a message
that says what was wrong and what would be accepted.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import ClassVar

import attrs

__all__ = [
    "IRREGULAR_LEVEL_KINDS",
    "USML_CATEGORIES",
    "ECCNRef",
    "ReferenceSyntaxError",
    "USMLRef",
    "designation_kind",
    "from_roman",
    "label_kinds",
    "level_kind",
    "parse_eccn",
    "parse_usml",
    "to_roman",
]


class ReferenceSyntaxError(ValueError):
    """A USML or ECCN reference that cannot be parsed."""


_ROMAN_VALUES = (
    (1000, "m"),
    (900, "cm"),
    (500, "d"),
    (400, "cd"),
    (100, "c"),
    (90, "xc"),
    (50, "l"),
    (40, "xl"),
    (10, "x"),
    (9, "ix"),
    (5, "v"),
    (4, "iv"),
    (1, "i"),
)


def to_roman(number: int) -> str:
    """Return the lower-case roman numeral for ``number`` (1 or more)."""
    if number < 1:
        raise ValueError(f"roman numerals start at 1, not {number}")
    out = []
    for value, letters in _ROMAN_VALUES:
        while number >= value:
            out.append(letters)
            number -= value
    return "".join(out)


_ROMAN_RE = re.compile(r"^m{0,3}(cm|cd|d?c{0,3})(xc|xl|l?x{0,3})(ix|iv|v?i{0,3})$")


def from_roman(text: str) -> int:
    """Return the value of a lower-case roman numeral; raise ValueError if it is not one."""
    if not text or not _ROMAN_RE.match(text):
        raise ValueError(f"{text!r} is not a lower-case roman numeral")
    total = 0
    rest = text
    for value, letters in _ROMAN_VALUES:
        while rest.startswith(letters):
            total += value
            rest = rest[len(letters) :]
    return total


def _is_roman(text: str) -> bool:
    try:
        from_roman(text)
    except ValueError:
        return False
    return True


#: Kinds of paragraph designation, by level (level 1 is the top paragraph of a category).
LEVEL_KINDS = ("letter", "number", "roman", "upper", "number", "roman")

#: Kinds the regulation uses at a level in place of the usual one.  22 CFR 121.1 Category
#: XIII(f) designates its sub-paragraphs (i), (ii), (iii) instead of (1), (2), (3) (eCFR copies
#: of March 2024 and June 2026 alike): level 2 may be a roman numeral.
IRREGULAR_LEVEL_KINDS: dict[int, tuple[str, ...]] = {2: ("roman",)}


def level_kind(level: int) -> str:
    """The kind of designation used at paragraph ``level`` (1-based)."""
    if not 1 <= level <= len(LEVEL_KINDS):
        raise ValueError(f"paragraph level {level} is outside 1..{len(LEVEL_KINDS)}")
    return LEVEL_KINDS[level - 1]


def label_kinds(label: str) -> frozenset[str]:
    """Every kind a designation could be; ``i``, ``v`` and ``x`` are both letters and roman."""
    kinds: set[str] = set()
    if re.fullmatch(r"[a-z]", label):
        kinds.add("letter")
    if re.fullmatch(r"[1-9][0-9]*", label):
        kinds.add("number")
    if re.fullmatch(r"[ivxlcdm]+", label) and _is_roman(label):
        kinds.add("roman")
    if re.fullmatch(r"[A-Z]", label):
        kinds.add("upper")
    return frozenset(kinds)


def designation_kind(level: int, label: str) -> str:
    """The kind ``label`` has at paragraph ``level``: the usual one, else an irregular one.

    ``designation_kind(2, "3")`` is ``"number"``; ``designation_kind(2, "ii")`` is ``"roman"``
    (XIII(f)(ii)); a label that fits neither raises :class:`ReferenceSyntaxError`.
    """
    kinds = label_kinds(label)
    usual = level_kind(level)
    if usual in kinds:
        return usual
    for kind in IRREGULAR_LEVEL_KINDS.get(level, ()):
        if kind in kinds:
            return kind
    raise ReferenceSyntaxError(
        f"({label}) cannot stand at level {level} of a USML paragraph: level {level} "
        f"uses {_KIND_WORDS[usual]}"
    )


def ordinal(label: str, kind: str) -> int:
    """Position of ``label`` in its sequence: (a)=1, (1)=1, (i)=1, (A)=1.

    A roman numeral where numbers are usual (XIII(f)(ii), see ``IRREGULAR_LEVEL_KINDS``) counts
    by its value, so code that assumes the usual kind of a level still orders it correctly.
    """
    if kind == "number" and not label.isdigit() and _is_roman(label):
        return from_roman(label)
    if kind == "letter":
        return ord(label) - ord("a") + 1
    if kind == "upper":
        return ord(label) - ord("A") + 1
    if kind == "number":
        return int(label)
    if kind == "roman":
        return from_roman(label)
    raise ValueError(f"unknown designation kind {kind!r}")


def label_at(position: int, kind: str) -> str:
    """The designation at ``position`` (1-based) of a sequence of ``kind``."""
    if position < 1:
        raise ValueError("positions start at 1")
    if kind == "letter":
        if position > 26:
            raise ValueError("letters run out after (z)")
        return chr(ord("a") + position - 1)
    if kind == "upper":
        if position > 26:
            raise ValueError("letters run out after (Z)")
        return chr(ord("A") + position - 1)
    if kind == "number":
        return str(position)
    if kind == "roman":
        return to_roman(position)
    raise ValueError(f"unknown designation kind {kind!r}")


#: The 21 categories of the USML (22 CFR 121.1), in order.
USML_CATEGORIES = tuple(to_roman(n).upper() for n in range(1, 22))

_USML_PREFIX = re.compile(
    r"^\s*(?:(?:22\s*CFR\s*)?(?:§\s*)?121\.1\s*)?(?:U\.?S\.?M\.?L\.?\s*)?"
    r"(?:(?:category|cat\.?)\s*)?",
    re.IGNORECASE,
)
_USML_BODY = re.compile(r"^(?P<cat>[IVXivx]+)\s*(?P<path>(?:\(\s*[A-Za-z0-9]+\s*\)\s*)*)$")
_PAREN = re.compile(r"\(\s*([A-Za-z0-9]+)\s*\)")


@attrs.frozen(order=False)
class USMLRef:
    """A USML category, or a paragraph of one, e.g. ``XI(a)(3)(xviii)``."""

    as_string: ClassVar[bool] = True  # to_jsonable writes the canonical string

    category: str
    path: tuple[str, ...] = ()

    def __attrs_post_init__(self) -> None:
        if self.category not in USML_CATEGORIES:
            raise ReferenceSyntaxError(
                f"USML category {self.category!r} does not exist; expected a roman numeral I to XXI"
            )
        for depth, label in enumerate(self.path, start=1):
            if depth > len(LEVEL_KINDS):
                raise ReferenceSyntaxError(
                    f"{self.category}{''.join(f'({p})' for p in self.path)}: paragraphs nest "
                    f"at most {len(LEVEL_KINDS)} levels deep"
                )
            designation_kind(depth, label)

    def __str__(self) -> str:
        return self.category + "".join(f"({p})" for p in self.path)

    @property
    def level(self) -> int:
        """0 for a category, 1 for (a), 2 for (a)(1), …"""
        return len(self.path)

    @property
    def parent(self) -> USMLRef | None:
        """The enclosing paragraph or category; None for a category."""
        if not self.path:
            return None
        return USMLRef(self.category, self.path[:-1])

    def child(self, label: str) -> USMLRef:
        return USMLRef(self.category, (*self.path, label))

    def ancestors(self) -> tuple[USMLRef, ...]:
        """From the category down to the parent of this reference."""
        return tuple(USMLRef(self.category, self.path[:n]) for n in range(len(self.path)))

    def is_within(self, other: USMLRef) -> bool:
        """True if this reference is ``other`` or lies beneath it."""
        return self.category == other.category and self.path[: len(other.path)] == other.path

    def sort_key(self) -> tuple[int, ...]:
        key = [USML_CATEGORIES.index(self.category)]
        for depth, label in enumerate(self.path, start=1):
            key.append(ordinal(label, designation_kind(depth, label)))
        return tuple(key)

    def kind_at(self, depth: int) -> str:
        """The kind of designation at ``depth`` of this reference (usual or irregular)."""
        return designation_kind(depth, self.path[depth - 1])


_KIND_WORDS = {
    "letter": "lower-case letters (a), (b), …",
    "number": "numbers (1), (2), …",
    "roman": "lower-case roman numerals (i), (ii), …",
    "upper": "upper-case letters (A), (B), …",
}


@lru_cache(maxsize=16384)
def parse_usml(text: str) -> USMLRef:
    """Parse a USML reference such as ``XI(a)(3)(xviii)`` or ``Cat. XI(a)(3)(xviii)``."""
    if not isinstance(text, str) or not text.strip():
        raise ReferenceSyntaxError(
            "empty USML reference; expected e.g. 'XI(a)(3)(xviii)' or 'Cat. XI(a)'"
        )
    body = _USML_PREFIX.sub("", text, count=1).strip()
    match = _USML_BODY.match(body)
    if not match:
        raise ReferenceSyntaxError(
            f"{text!r} is not a USML reference; expected a category I-XXI followed by "
            f"paragraph designations in parentheses, e.g. 'XI(a)(3)(xviii)' or 'Cat. IV(h)(1)'"
        )
    category = match.group("cat").upper()
    path = tuple(_PAREN.findall(match.group("path")))
    return USMLRef(category, path)


_ECCN_PREFIX = re.compile(r"^\s*(?:ECCN\s*)", re.IGNORECASE)
_ECCN_BODY = re.compile(
    r"^(?P<eccn>[0-9][A-E][0-9]{3})(?P<para>(?:\.[a-z]|\.[0-9]+|\.[A-Z])*)$",
)


@attrs.frozen
class ECCNRef:
    """An ECCN, or an item paragraph of one, e.g. ``3A001.a.1.b`` or ``9A610.x``."""

    as_string: ClassVar[bool] = True  # to_jsonable writes the canonical string

    eccn: str
    path: tuple[str, ...] = ()

    def __attrs_post_init__(self) -> None:
        if not re.fullmatch(r"[0-9][A-E][0-9]{3}", self.eccn):
            raise ReferenceSyntaxError(
                f"{self.eccn!r} is not an ECCN; expected a digit (category 0-9), a letter A-E "
                f"(product group) and three digits, e.g. '3A001'"
            )

    def __str__(self) -> str:
        return self.eccn + "".join(f".{p}" for p in self.path)

    @property
    def category(self) -> int:
        return int(self.eccn[0])

    @property
    def product_group(self) -> str:
        return self.eccn[1]

    @property
    def is_600_series(self) -> bool:
        """True for ECCNs whose third character is 6 ("600 series", 15 CFR 772.1)."""
        return self.eccn[2] == "6"

    @property
    def is_9x515(self) -> bool:
        """True for the spacecraft ECCNs 9A515, 9B515, 9C515, 9D515, 9E515."""
        return self.eccn[0] == "9" and self.eccn[2:] == "515"

    @property
    def parent(self) -> ECCNRef | None:
        if not self.path:
            return None
        return ECCNRef(self.eccn, self.path[:-1])

    @property
    def is_catch_all(self) -> bool:
        """True for a ``.x`` paragraph of a 600-series or 9x515 ECCN."""
        return bool(self.path) and self.path[0] == "x" and (self.is_600_series or self.is_9x515)

    @property
    def is_y_paragraph(self) -> bool:
        return bool(self.path) and self.path[0] == "y"


@lru_cache(maxsize=16384)
def parse_eccn(text: str) -> ECCNRef:
    """Parse an ECCN reference such as ``3A001``, ``3A001.a.1`` or ``ECCN 9A610.x``."""
    # A reference already written as the regulations write it (every one in the bundled data)
    # matches as it is: the prefix, the spaces and the case below would change nothing.
    match = _ECCN_BODY.match(text) if isinstance(text, str) else None
    if match is None:
        if not isinstance(text, str) or not text.strip():
            raise ReferenceSyntaxError("empty ECCN; expected e.g. '3A001' or '9A610.x'")
        body = _ECCN_PREFIX.sub("", text).strip()
        body = body[:2].upper() + body[2:] if len(body) >= 2 else body
        match = _ECCN_BODY.match(body)
    if not match:
        raise ReferenceSyntaxError(
            f"{text!r} is not an ECCN reference; expected five characters (digit, letter A-E, "
            f"three digits) and optional item paragraphs after dots, e.g. '3A001.a.1' or '9A610.x'"
        )
    para = match.group("para")
    path = tuple(p for p in para.split(".") if p) if para else ()
    return ECCNRef(match.group("eccn"), path)
