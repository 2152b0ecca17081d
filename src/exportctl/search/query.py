"""From what a user types to SQLite FTS5 queries.

A query is read as parts, each ranked by BM25 on its own and weighted by the index
(:data:`exportctl.search.index.PART_WEIGHTS`):

* ``words`` -- any of the words may match (``OR``); BM25 ranks documents that match more and
  rarer words higher, and the porter stemmer makes "torpedo" find "Torpedoes".  Stop words
  and the few words that are in a large share of all paragraphs (:data:`COMMON_WORDS`) are
  left out of this part;
* ``pairs`` -- two neighbouring words searched as a phrase ("thermal imaging"), so that a
  paragraph with the words together outranks one that has them far apart;
* ``phrases`` -- a "quoted phrase" must appear, word for word (stemmed), in every hit: every
  part requires it;
* ``glossary`` / ``related`` -- glossary terms ("IMU", "bulletproof vest") add the regulations'
  wording for them ("inertial measurement units", "body armor").  For a term the regulations
  never use, that wording stands in for it and counts more; for a term they do use
  ("satellite"), it only widens the search.  A quoted phrase that is a glossary term is
  satisfied by the term or by its expansions.

Every word and phrase is double-quoted in the FTS5 expressions, so nothing a user types is read
as FTS5 syntax (AND, OR, NOT, NEAR, column filters, ``*``).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from typing import Literal

import attrs

from .glossary import Glossary, GlossaryMatch, normalise_word, words

__all__ = ["COMMON_WORDS", "STOPWORDS", "ParsedQuery", "QueryPart", "parse_query"]

#: Words that carry no meaning for finding a paragraph.  FTS5 has no stop-word list of its own.
STOPWORDS = frozenset(
    """
    a about above after all also an and any are as at be been being both but by can could
    do does for from had has have having he her his how i if in into is it its itself just
    may me more most my no nor not of off on once only or other our out over own per same
    she should so some such than that the their them then there these they this those
    through to too under until up very via was we were what when where which while who whom
    why will with would you your
    e g eg etc ie i e approx approximately
    need needs want looking buy buying sell selling supply supplying ship shipping export
    exporting customer customers our new used use using like kind type types model models
    please item items product products
    """.split()
)

#: Words so common in the regulations that as single words they only slow a search down and
#: blur its ranking: each is in an eighth or more of the paragraphs or in more than two fifths
#: of their contexts (tests/search/test_query.py checks this against the index).  They still
#: count in pairs ("fire control", "test equipment") and in quoted phrases.
COMMON_WORDS = frozenset(
    """
    design designed designs specially special control controlled controls follow follows
    following equipment having
    """.split()
)

_QUOTED = re.compile(r'"([^"]*)"')


def _fts_phrase(text: str) -> str:
    """A phrase in FTS5 syntax: the words, double-quoted (inner quotes cannot occur)."""
    return '"' + " ".join(words(text)) + '"'


PartKind = Literal["phrases", "words", "pairs", "glossary", "related"]


@attrs.frozen
class QueryPart:
    """One group of the query, ranked on its own and weighted by the index.

    ``phrases`` are the quoted phrases (which every hit must contain), ``words`` the single
    words, ``pairs`` neighbouring words searched as phrases.  ``glossary`` is the wording the
    glossary adds for a term the regulations do not use ("bulletproof vest" gives "body
    armor"): it stands in for the term.  ``related`` is the wording added for a term the
    regulations do use ("satellite" gives "spacecraft"): it only widens the search.  Each
    expression already requires the quoted phrases.
    """

    kind: PartKind
    expression: str


@attrs.frozen
class ParsedQuery:
    """The query as understood: its words, required phrases, glossary matches, FTS5 parts."""

    text: str
    terms: tuple[str, ...]
    phrases: tuple[str, ...]
    glossary: tuple[GlossaryMatch, ...]
    parts: tuple[QueryPart, ...]

    @property
    def empty(self) -> bool:
        return not self.parts

    @property
    def expression(self) -> str:
        """Everything the query looks for, as one FTS5 expression."""
        return " OR ".join(f"({p.expression})" for p in self.parts)

    @property
    def marking_expression(self) -> str:
        """The words, phrases and glossary wording (not the pairs): what a hit shows as matched."""
        return " OR ".join(f"({p.expression})" for p in self.parts if p.kind != "pairs")

    @property
    def expansions(self) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for m in self.glossary:
            for e in m.expansions:
                seen.setdefault(e, None)
        return tuple(seen)


def _dedupe(items: list[str]) -> list[str]:
    return list(dict.fromkeys(i for i in items if i != '""'))


def _same(a: str, b: str) -> bool:
    return [normalise_word(w) for w in words(a)] == [normalise_word(w) for w in words(b)]


def parse_query(
    text: str, glossary: Glossary, known: Callable[[str], bool] | None = None
) -> ParsedQuery:
    """Parse ``text`` into FTS5 query parts (see the module docstring for the rules).

    ``known(phrase)`` says whether the indexed text contains a phrase; a glossary term it does
    not contain gets its expansions as stand-ins (the ``glossary`` part), one it contains gets
    them as ``related`` wording.  Without ``known`` every expansion is a stand-in.
    """
    phrases = [p for p in (" ".join(words(q)) for q in _QUOTED.findall(text)) if p]
    rest = _QUOTED.sub(" ", text).replace('"', " ")
    tokens = list(words(rest))
    terms = _dedupe([t for t in tokens if t not in STOPWORDS])
    matches = list(glossary.match(tokens))

    required: list[str] = []
    for phrase in phrases:
        exact = glossary.exact(phrase)
        matches.extend(exact)
        alternatives = _dedupe(
            [_fts_phrase(phrase), *(_fts_phrase(e) for m in exact for e in m.expansions)]
        )
        required.append(
            alternatives[0] if len(alternatives) == 1 else f"({' OR '.join(alternatives)})"
        )
    must = " AND ".join(required)

    kept = [t for t in tokens if t not in STOPWORDS]
    groups: list[tuple[PartKind, list[str]]] = [
        ("words", _dedupe([_fts_phrase(t) for t in kept if t not in COMMON_WORDS])),
        ("pairs", _dedupe([_fts_phrase(f"{a} {b}") for a, b in itertools.pairwise(kept)])),
    ]
    stand_in: list[str] = []
    related: list[str] = []
    for m in matches:
        target = related if known is not None and known(_fts_phrase(m.term)) else stand_in
        target += [_fts_phrase(e) for e in m.expansions if not _same(e, m.term)]
    groups.append(("glossary", _dedupe(stand_in)))
    groups.append(("related", _dedupe([r for r in related if r not in stand_in])))
    parts: list[QueryPart] = [QueryPart("phrases", must)] if must else []
    for kind, items in groups:
        if items:
            either = " OR ".join(items)
            parts.append(QueryPart(kind, f"{must} AND ({either})" if must else either))
    return ParsedQuery(
        text=text,
        terms=tuple(terms),
        phrases=tuple(phrases),
        glossary=tuple(matches),
        parts=tuple(parts),
    )
