"""Suggestions: the USML paragraphs and ECCNs whose text best matches an item's description.

A suggestion is a pointer for a person to read, never a classification.  It has its own type
(:class:`Suggestion`, ``kind == "suggestion"``) so that no output can present it as a decision,
and nothing in the decision engine imports this module: a row whose candidates are unknown stays
``undetermined`` whatever is suggested for it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import attrs

from ..corpus.references import parse_usml

if TYPE_CHECKING:  # annotations only: screen reads Suggestion without the index's imports
    from .index import Hit, SearchIndex

__all__ = ["SUGGESTION_NOTICE", "Suggestion", "suggest"]

SUGGESTION_NOTICE = (
    "Suggestion from a text search of the regulations' wording: read the paragraph and decide; "
    "it is not a classification and no decision rests on it."
)


@attrs.frozen
class Suggestion:
    """A paragraph worth reading for an item, with the search score that put it forward."""

    regime: Literal["usml", "ccl"]
    reference: str
    path: tuple[str, ...]
    score: float
    text: str
    citation: str
    matched: tuple[str, ...]
    eccn: str | None = None
    kind: Literal["suggestion"] = "suggestion"
    notice: str = SUGGESTION_NOTICE


def _covers(outer: str, inner: str) -> bool:
    """True when USML paragraph ``outer`` is ``inner`` or encloses it."""
    try:
        return parse_usml(inner).is_within(parse_usml(outer))
    except ValueError:
        return outer == inner


def _pick(hits: tuple[Hit, ...], limit: int) -> list[Hit]:
    chosen: list[Hit] = []
    for hit in hits:
        if hit.kind == "category":
            continue
        if hit.regime == "ccl":
            if any(c.eccn == hit.eccn for c in chosen):
                continue
        elif any(
            _covers(c.reference, hit.reference) or _covers(hit.reference, c.reference)
            for c in chosen
        ):
            continue
        chosen.append(hit)
        if len(chosen) == limit:
            break
    return chosen


def suggest(index: SearchIndex, description: str, limit: int = 3) -> tuple[Suggestion, ...]:
    """Up to ``limit`` USML paragraphs, then up to ``limit`` ECCNs, that the description matches.

    USML suggestions skip a paragraph that encloses or sits inside one already suggested; CCL
    suggestions name each ECCN once (at its best-matching paragraph).  An empty description
    gives no suggestions.
    """
    if limit < 1 or not description.strip():
        return ()
    out: list[Suggestion] = []
    for regime in ("usml", "ccl"):
        hits = index.search(description, regime=regime, limit=max(10, limit * 5))
        for hit in _pick(hits, limit):
            out.append(
                Suggestion(
                    regime=hit.regime,
                    reference=hit.reference,
                    path=hit.path,
                    score=hit.score,
                    text=hit.text,
                    citation=hit.citation,
                    matched=hit.matched,
                    eccn=hit.eccn,
                )
            )
    return tuple(out)
