"""The search glossary: abbreviations and everyday words mapped to the regulations' own wording.

The glossary is data (``exportctl/data/glossary.json``, built by ``tools/databuild/glossary.py``
from the human-edited ``data/search/glossary.json``).  Every entry names its source: where the
USML or the CCL itself spells the term out (quoted, and the build checks the quote against the
reference text), otherwise a public page.  The glossary only widens a search query; it never
says what an item is, and nothing in it reaches a decision.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from typing import Any, Literal

import attrs

__all__ = [
    "Glossary",
    "GlossaryEntry",
    "GlossaryMatch",
    "GlossarySource",
    "load_glossary",
    "normalise_word",
    "words",
]

_WORD = re.compile(r"[^\W_]+")
#: Superscript digits and signs separate words (as the index's tokenizer is told, index.py).
_SEPARATORS = str.maketrans(dict.fromkeys("⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻", " "))


def _plain(word: str) -> str:
    """Lower case without diacritics, as FTS5's ``unicode61 remove_diacritics 2`` reads it."""
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def words(text: str) -> tuple[str, ...]:
    """The letter and digit runs of ``text`` in any script (how the query side splits words,
    the same runs the index's tokenizer makes)."""
    return tuple(_plain(w) for w in _WORD.findall(text.translate(_SEPARATORS)))


def normalise_word(word: str) -> str:
    """A crude singular, used only to match glossary terms: ``drones`` and ``drone`` meet."""
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


@attrs.frozen
class GlossarySource:
    """Where an entry comes from: a regulation paragraph (with a quote) or a public page."""

    kind: Literal["regulation", "public"]
    citation: str
    quote: str | None = None
    url: str | None = None


@attrs.frozen
class GlossaryEntry:
    """One term (and its spellings) and the regulation wording a search should also look for."""

    id: str
    terms: tuple[str, ...]
    expansions: tuple[str, ...]
    kind: Literal["abbreviation", "synonym"]
    source: GlossarySource

    @property
    def term_keys(self) -> tuple[tuple[str, ...], ...]:
        """Each term as a tuple of normalised words (what a query is matched against)."""
        return tuple(tuple(normalise_word(w) for w in words(t)) for t in self.terms)


@attrs.frozen
class GlossaryMatch:
    """A glossary term found in a query, and the wording it added."""

    term: str
    entry_id: str
    expansions: tuple[str, ...]


def _entry(raw: Mapping[str, Any]) -> GlossaryEntry:
    src = raw["source"]
    return GlossaryEntry(
        id=raw["id"],
        terms=tuple(raw["terms"]),
        expansions=tuple(raw["expansions"]),
        kind=raw["kind"],
        source=GlossarySource(
            kind=src["kind"],
            citation=src["citation"],
            quote=src.get("quote"),
            url=src.get("url"),
        ),
    )


@attrs.frozen(eq=False)
class Glossary:
    """All entries, with a look-up from a term's words to the entries that define it."""

    entries: tuple[GlossaryEntry, ...]
    as_of: str = ""
    _by_key: dict[tuple[str, ...], tuple[GlossaryEntry, ...]] = attrs.field(
        init=False, repr=False
    )
    _longest: int = attrs.field(init=False, repr=False)

    def __attrs_post_init__(self) -> None:
        by_key: dict[tuple[str, ...], list[GlossaryEntry]] = {}
        for entry in self.entries:
            for key in dict.fromkeys(entry.term_keys):
                if key:
                    by_key.setdefault(key, []).append(entry)
        object.__setattr__(self, "_by_key", {k: tuple(v) for k, v in by_key.items()})
        object.__setattr__(self, "_longest", max((len(k) for k in by_key), default=0))

    @classmethod
    def from_data(cls, raw: Mapping[str, Any]) -> Glossary:
        return cls(tuple(_entry(e) for e in raw["entries"]), str(raw.get("as_of", "")))

    @classmethod
    def empty(cls) -> Glossary:
        return cls(())

    def __len__(self) -> int:
        return len(self.entries)

    def match(self, tokens: Sequence[str]) -> tuple[GlossaryMatch, ...]:
        """Glossary terms in a word sequence, longest first, each word used by one term at most."""
        keys = [normalise_word(t) for t in tokens]
        found: list[GlossaryMatch] = []
        i = 0
        while i < len(keys):
            for size in range(min(self._longest, len(keys) - i), 0, -1):
                entries = self._by_key.get(tuple(keys[i : i + size]))
                if entries:
                    term = " ".join(tokens[i : i + size])
                    found.extend(GlossaryMatch(term, e.id, e.expansions) for e in entries)
                    i += size
                    break
            else:
                i += 1
        return tuple(found)

    def exact(self, phrase: str) -> tuple[GlossaryMatch, ...]:
        """The entries whose term is exactly ``phrase`` (for a quoted query phrase)."""
        key = tuple(normalise_word(w) for w in words(phrase))
        return tuple(GlossaryMatch(phrase, e.id, e.expansions) for e in self._by_key.get(key, ()))

    def to_data(self) -> dict[str, Any]:
        """The glossary as plain data (what the index's content hash covers)."""
        return {
            "as_of": self.as_of,
            "entries": [
                {"id": e.id, "terms": list(e.terms), "expansions": list(e.expansions)}
                for e in self.entries
            ],
        }


def load_glossary() -> Glossary:
    """The bundled glossary (``exportctl/data/glossary.json``, verified and parsed once per
    process by the bundle)."""
    from ..corpus.bundle import load_json

    return Glossary.from_data(load_json("glossary.json"))
