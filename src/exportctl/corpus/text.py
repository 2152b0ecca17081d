"""Readings of the regulation's own words that the law's values carry.

How far "specially designed" reaches in a paragraph's text, and the text without its "(MT …)"
annotations — one definition each, read by the engine, the look-ups and the testing kit.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from typing import Literal

__all__ = ["SCOPES", "enumerates_parts", "specially_designed_scope", "without_mt_annotations"]

_PARTS = r"(?:parts?|components?|accessories|attachments|associated equipment)\b"


# The expressions below are compiled when first used: a look-up of a paragraph reads only
# :func:`without_mt_annotations` (start-up, issue 13).
@cache
def _sd() -> re.Pattern[str]:
    return re.compile(r"specially designed", re.IGNORECASE)


@cache
def _therefor() -> re.Pattern[str]:
    """", and specially designed parts and components therefor": "specially designed" that
    reaches only the parts of what the paragraph enumerates."""
    return re.compile(
        rf",?\s*(?:and|or)\s+specially designed {_PARTS}"
        rf"(?:,?\s*(?:and|or)?\s*{_PARTS})*\s+therefor",
        re.IGNORECASE,
    )


@cache
def _names_parts() -> re.Pattern[str]:
    return re.compile(
        r"\b(?:parts?|components?|sub-?assembl(?:y|ies)|assembl(?:y|ies)|modules?)\b",
        re.IGNORECASE,
    )

_QUOTES = str.maketrans("", "", '“”"‘’')
SCOPES = ("none", "parts", "item")


_MT_OPEN = re.compile(r"\(MT\b")


def without_mt_annotations(text: str) -> str:
    """The text without its "(MT …)" annotations, nested brackets included.

    22 CFR 120.10(d): "Annotation with the parenthetical '(MT)' at the end of a USML entry
    indicates those defense articles that are on the MTCR Annex."  The annotation says which
    articles are MT; it is no control parameter of the entry.  XIII(i) ("Signature reduction
    software, and technical data as follows (MT for software specially designed for reduced
    observables, … (see note to paragraph (d) of this category) …)") enumerates its software and
    technical data: the "specially designed" inside its MT annotation does not make it a
    "specially designed" paragraph.
    """
    if "(MT" not in text:
        return text
    out: list[str] = []
    depth = 0  # how deep inside an "(MT …)" annotation; 0: outside
    for i, char in enumerate(text):  # one pass: no loop that could fail to end
        if depth == 0:
            if char == "(" and _MT_OPEN.match(text, i):
                depth = 1
            else:
                out.append(char)
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
    return "".join(out)


@lru_cache(maxsize=4096)
def specially_designed_scope(text: str) -> Literal["none", "parts", "item"]:
    """How far "specially designed" reaches in a paragraph's text.

    ``item``: it is a control parameter of what the paragraph describes (e.g. "Radomes …
    specially designed for …"); ``parts``: it reaches only the "specially designed parts and
    components therefor" of an enumerated item (e.g. VIII(h)(3)); ``none``: enumerated.
    "(MT …)" annotations are not read (22 CFR 120.10(d); see :func:`without_mt_annotations`).

    This is the one definition of the reach of "specially designed": the engine, ``exportctl
    usml show`` and the testing kit all read it (for a USML paragraph through
    :attr:`exportctl.corpus.usml.USMLParagraph.specially_designed_scope`, which also takes the
    lead-ins above the paragraph into account).
    """
    plain = without_mt_annotations(text).translate(_QUOTES)
    if "therefor" not in plain.lower():
        # The clause ends with the word "therefor" (its letters match only themselves in either
        # case): without the word, it is nowhere, and the text is read whole.
        return "item" if _sd().search(plain) else "none"
    therefor = _therefor()
    main = therefor.sub("", plain)
    if _sd().search(main):
        return "item"
    return "parts" if therefor.search(plain) else "none"


def enumerates_parts(text: str) -> bool:
    """Whether what a "… and specially designed parts therefor" paragraph enumerates is itself
    named as parts or components (III(d)(11) "Safing, arming, and fuzing components … and
    specially designed parts therefor"): an item of a release kind (a part, a component) may
    then be the enumerated article itself, which no release of "specially designed" reaches.
    The "therefor" clause and "(MT …)" annotations are not read."""
    main = _therefor().sub("", without_mt_annotations(text).translate(_QUOTES))
    return bool(_names_parts().search(main))
