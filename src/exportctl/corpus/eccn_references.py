"""Parsing Export Control Classification Numbers of Supp. No. 1 to 15 CFR part 774, e.g.
``3A001.a.1.b`` or ``9A610.x`` (see :mod:`exportctl.corpus.references`, which reads these names
as its own: ``from exportctl.corpus.references import ECCNRef, parse_eccn``).

The parser round-trips: ``str(parse_eccn(text))`` is the canonical spelling and parsing it again
gives an equal value.  Malformed input raises
:class:`~exportctl.corpus.references.ReferenceSyntaxError`.  It lives in its own module so that
the law and a USML look-up neither create its class nor compile its expressions (start-up).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import ClassVar

import attrs

from exportctl.corpus.references import ReferenceSyntaxError

__all__ = ["ECCNRef", "parse_eccn"]

_ECCN_PREFIX = re.compile(r"^\s*(?:ECCN\s*)", re.IGNORECASE)
_ECCN_BODY = re.compile(
    r"^(?P<eccn>[0-9][A-E][0-9]{3})(?P<para>(?:\.[a-z]|\.[0-9]+|\.[A-Z])*)$",
)

#: The ECCN itself (an ECCNRef's ``eccn``), compiled once: every reference made checks it.
_ECCN_CODE = re.compile(r"[0-9][A-E][0-9]{3}")


@attrs.frozen
class ECCNRef:
    """An ECCN, or an item paragraph of one, e.g. ``3A001.a.1.b`` or ``9A610.x``."""

    as_string: ClassVar[bool] = True  # to_jsonable writes the canonical string

    eccn: str
    path: tuple[str, ...] = ()

    def __attrs_post_init__(self) -> None:
        if not _ECCN_CODE.fullmatch(self.eccn):
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
