"""Values a USML paragraph or category holds that a look-up rarely builds: the MT designation
(§ 120.10(d)), the notes, the categories.

Imported when one is first built (start-up, issue 13: most paragraphs have neither notes nor an
"(MT …)" annotation, and a look-up does not build the categories); read them from
:mod:`exportctl.corpus.usml` as before (``from exportctl.corpus.usml import USMLNote``).
"""

from __future__ import annotations

from typing import Literal

import attrs

__all__ = ["MTDesignation", "USMLCategory", "USMLNote"]


@attrs.frozen
class MTDesignation:
    """The paragraph's Missile Technology designation: always, or only under a condition."""

    designated: Literal["yes", "conditional"]
    condition: str | None = None


@attrs.frozen
class USMLNote:
    id: str
    heading: str
    text: str


@attrs.frozen
class USMLCategory:
    roman: str
    title: str
    notes: tuple[USMLNote, ...]
