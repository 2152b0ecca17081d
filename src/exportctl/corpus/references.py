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
that says what was wrong and what would be accepted.  The ECCN parser lives in
:mod:`exportctl.corpus.eccn_references` (a USML look-up does not import it) and is read here as
before.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from typing import TYPE_CHECKING, ClassVar

import attr  # attrs' frozen and field, without importing the attrs package (start-up)

from exportctl.core.lazy import fields_repr, lazy_names

if TYPE_CHECKING:  # imported when first used (start-up: a USML look-up reads no ECCN)
    from exportctl.corpus.eccn_references import ECCNRef, parse_eccn

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


#: The ECCN parser lives in :mod:`exportctl.corpus.eccn_references`; its names are read here
#: as before (``from exportctl.corpus.references import ECCNRef, parse_eccn``).
__getattr__, __dir__ = lazy_names(
    __name__,
    {
        "ECCNRef": "exportctl.corpus.eccn_references",
        "parse_eccn": "exportctl.corpus.eccn_references",
    },
)


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


def from_roman(text: str) -> int:
    """Return the value of a lower-case roman numeral; raise ValueError if it is not one.

    A numeral is one as :func:`to_roman` writes it, 1 to 3,999: the strings
    ``^m{0,3}(cm|cd|d?c{0,3})(xc|xl|l?x{0,3})(ix|iv|v?i{0,3})$`` matches but the empty one,
    checked without compiling that expression at start-up (``tests/test_start_up_repr.py``
    compares the two on every string of the seven letters up to six long)."""
    total = 0
    rest = text
    for value, letters in _ROMAN_VALUES:
        while rest.startswith(letters):
            total += value
            rest = rest[len(letters) :]
    if rest or not 0 < total < 4000 or to_roman(total) != text:
        raise ValueError(f"{text!r} is not a lower-case roman numeral")
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
    single = len(label) == 1
    if single and "a" <= label <= "z":  # [a-z]
        kinds.add("letter")
    if label.isascii() and label.isdigit() and label[0] != "0":  # [1-9][0-9]*
        kinds.add("number")
    if label and not label.strip("ivxlcdm") and _is_roman(label):  # [ivxlcdm]+, a numeral
        kinds.add("roman")
    if single and "A" <= label <= "Z":  # [A-Z]
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



@cache  # an expression compiled once, as corpus/text.py compiles its own: no law state
def _usml_prefix() -> re.Pattern[str]:
    """What may come before the category ("22 CFR 121.1", "USML", "Cat."), compiled when a
    reference is first written with it."""
    return re.compile(
        r"^\s*(?:(?:22\s*CFR\s*)?(?:§\s*)?121\.1\s*)?(?:U\.?S\.?M\.?L\.?\s*)?"
        r"(?:(?:category|cat\.?)\s*)?",
        re.IGNORECASE,
    )

_USML_BODY = re.compile(r"^(?P<cat>[IVXivx]+)\s*(?P<path>(?:\(\s*[A-Za-z0-9]+\s*\)\s*)*)$")
_PAREN = re.compile(r"\(\s*([A-Za-z0-9]+)\s*\)")


@attr.frozen(order=False)
class USMLRef:
    """A USML category, or a paragraph of one, e.g. ``XI(a)(3)(xviii)``."""

    as_string: ClassVar[bool] = True  # to_jsonable writes the canonical string
    __repr__ = fields_repr  # attrs' repr, not compiled for this class (start-up)

    category: str
    path: tuple[str, ...] = ()

    def __attrs_post_init__(self) -> None:
        if self.category not in USML_CATEGORIES:
            raise ReferenceSyntaxError(
                f"USML category {self.category!r} does not exist; expected a roman numeral I to XXI"
            )
        path = self.path
        try:
            if type(path) is tuple and path in _CHECKED_PATHS:
                return
        except TypeError:  # a label that cannot be hashed: checked below, as always
            pass
        for depth, label in enumerate(path, start=1):
            if depth > len(LEVEL_KINDS):
                raise ReferenceSyntaxError(
                    f"{self.category}{''.join(f'({p})' for p in path)}: paragraphs nest "
                    f"at most {len(LEVEL_KINDS)} levels deep"
                )
            designation_kind(depth, label)
        if type(path) is tuple and all(type(label) is str for label in path):
            if len(_CHECKED_PATHS) >= CHECKED_PATHS_KEPT:
                _CHECKED_PATHS.clear()
            _CHECKED_PATHS.add(path)

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
        return _checked(self.category, self.path[:-1])

    def child(self, label: str) -> USMLRef:
        return USMLRef(self.category, (*self.path, label))

    def ancestors(self) -> tuple[USMLRef, ...]:
        """From the category down to the parent of this reference."""
        category, path = self.category, self.path
        return tuple(_checked(category, path[:n]) for n in range(len(path)))

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


#: Paths whose labels were found to stand at their levels (what ``USMLRef`` checks of a path
#: depends on its labels alone), so that a path is checked once: at most this many kept.
CHECKED_PATHS_KEPT = 8192
_CHECKED_PATHS: set[tuple[str, ...]] = set()

_NEW = object.__new__
_SET = object.__setattr__


def _checked(category: str, path: tuple[str, ...]) -> USMLRef:
    """``USMLRef(category, path)`` for the category and a leading part of the path of a
    reference made already (its parent, its ancestors), without checking them again: each
    label keeps its depth, so what :meth:`USMLRef.__attrs_post_init__` checks held when the
    reference was made (an eighth of the parsing of a transfer was these checks, issue 13)."""
    ref: USMLRef = _NEW(USMLRef)
    _SET(ref, "category", category)
    _SET(ref, "path", path)
    return ref


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
    # A reference written as the regulations write it (every one in the bundled data) matches
    # as it is: no prefix can start with a category's letters, and the body allows the white
    # space the strip would remove.
    match = _USML_BODY.match(text)
    if match is None:
        match = _USML_BODY.match(_usml_prefix().sub("", text, count=1).strip())
    if not match:
        raise ReferenceSyntaxError(
            f"{text!r} is not a USML reference; expected a category I-XXI followed by "
            f"paragraph designations in parentheses, e.g. 'XI(a)(3)(xviii)' or 'Cat. IV(h)(1)'"
        )
    category = match.group("cat").upper()
    path = tuple(_PAREN.findall(match.group("path")))
    return USMLRef(category, path)
