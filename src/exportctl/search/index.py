"""The full-text index (SQLite FTS5, porter stemmer) and ranked search over it.

Ranking is FTS5's BM25, computed separately over a document's own words, its notes and the
words above it (the weights and why are at :data:`BODY_WEIGHT`), and separately for each part
of the query (:data:`PART_WEIGHTS`), then added up.  The index is built from the USML and CCL
objects it is given, per edition, and cached on disk (see :mod:`exportctl.search.cache`); a
cached index whose content hash or schema differs is rebuilt, never used.

A :class:`SearchIndex` holds an SQLite connection: use it from the thread that built it.

Search is an aid for finding paragraphs to read.  It never takes part in a decision: the engine
modules do not import this package.
"""

from __future__ import annotations

import json
import re
import sqlite3
from typing import Literal

import attrs

from ..corpus.ccl import CommerceControlList
from ..corpus.usml import UnitedStatesMunitionsList
from .documents import Document, documents
from .glossary import Glossary, GlossaryMatch, load_glossary, normalise_word, words
from .query import ParsedQuery, parse_query

__all__ = [
    "BODY_WEIGHT",
    "CANDIDATES",
    "COLUMN_WEIGHTS",
    "CONTEXT_WEIGHT",
    "NOTES_WEIGHT",
    "PART_WEIGHTS",
    "SCHEMA_VERSION",
    "Hit",
    "RegimeFilter",
    "SearchError",
    "SearchIndex",
    "build_index",
]

#: Bump when the table layout, the tokenizer or the construction of documents change: a cached
#: index built under another schema is rebuilt.  (Weights apply at query time.)
SCHEMA_VERSION = 3

#: Superscript digits and signs (the exponents of the text, "10⁶", "degrees²") separate words, as
#: the query side reads only ASCII letters and digits as word characters.
_SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻"
TOKENIZER = f"porter unicode61 remove_diacritics 2 separators '{_SUPERSCRIPTS}'"

#: BM25 weights.  The index has three FTS5 tables, each scored on its own; a document's score
#: is the weighted sum.  FTS5's BM25 normalises by the length of the whole row and computes IDF
#: over rows, so the three kinds of text are kept apart:
#:
#: * ``own(body)`` -- the paragraph's own words;
#: * ``aside(notes)`` -- its notes (definitions, but also exclusions such as "does not control
#:   ..."); in the same row as the body, a long note would bury the paragraph's own words;
#: * ``ctx(context)`` -- the category title and the enclosing paragraphs: what a terse
#:   sub-paragraph ("Tanks;", "An infrared focal plane array ...") is part of.  In the same
#:   table as the body, a category title repeated in every row of the category would make its
#:   words ("torpedoes", "electronics") look common and every row long.
#:
#: The body counts fully, notes at NOTES_WEIGHT and the context at CONTEXT_WEIGHT: enough to
#: rank a sub-paragraph whose parent names the thing asked for above an unrelated paragraph
#: that shares one word, not enough to rank a parent's siblings above the paragraph itself.
#: tools/search_quality.py measures the effect of each value.
BODY_WEIGHT = 1.0
NOTES_WEIGHT = 0.3
CONTEXT_WEIGHT = 0.35
COLUMN_WEIGHTS: tuple[float, float, float] = (BODY_WEIGHT, NOTES_WEIGHT, CONTEXT_WEIGHT)

#: Weight of each part of a query (see :class:`exportctl.search.query.QueryPart`).
PART_WEIGHTS: dict[str, float] = {
    "phrases": 1.0,
    "words": 1.0,
    "pairs": 0.5,
    "glossary": 2.5,
    "related": 1.0,
}

#: How many rows each part contributes from each table before the parts are added up.
CANDIDATES = 150

RegimeFilter = Literal["usml", "ccl", "both"]

_TABLES = ("own", "aside", "ctx")
_MARK_OPEN, _MARK_CLOSE = "\x02", "\x03"
_MARKED = re.compile("\x02([^\x03]*)\x03")


class SearchError(ValueError):
    """A search the index cannot run (an unknown regime, a limit below 1)."""


@attrs.frozen
class Hit:
    """One ranked search result.

    ``score`` is BM25 (higher is better); it ranks hits of one search and means nothing across
    searches.  ``matched`` lists the words of the paragraph itself (its text or notes) that
    matched the query, ``matched_context`` those of the category title and enclosing
    paragraphs; ``glossary`` the glossary terms of the query whose expansions this document
    matched.  USML hits carry the
    paragraph's SME and MT designations; CCL hits the reasons for control and Country Chart
    columns that apply to the paragraph (read from the ECCN's License Requirements rows, fail
    closed: see :meth:`exportctl.corpus.ccl.ECCN.controls_for`), and those of the whole ECCN.
    """

    regime: Literal["usml", "ccl"]
    kind: Literal["category", "paragraph", "eccn", "item"]
    reference: str
    path: tuple[str, ...]
    score: float
    text: str
    citation: str
    matched: tuple[str, ...]
    matched_context: tuple[str, ...]
    glossary: tuple[GlossaryMatch, ...]
    sme: bool | None = None
    mt: str | None = None
    eccn: str | None = None
    eccn_reasons_for_control: tuple[str, ...] = ()
    reasons_for_control: tuple[str, ...] = ()
    country_chart_columns: tuple[str, ...] = ()


@attrs.frozen(eq=False)
class SearchIndex:
    """An FTS5 index over one edition of the USML and the CCL, and the glossary it expands with.

    ``origin`` says whether this index was built now (``"built"``) or read from the on-disk
    cache (``"cache"``); ``cache_path`` is where it is cached (None when held in memory only,
    with ``cache_note`` saying why).
    """

    edition_key: str
    content_key: str
    glossary: Glossary
    connection: sqlite3.Connection = attrs.field(repr=False)
    regime_rows: dict[str, tuple[int, int]] = attrs.field(repr=False)
    origin: Literal["built", "cache"] = "built"
    cache_path: str | None = None
    cache_note: str | None = None
    build_seconds: float = 0.0

    @property
    def size_bytes(self) -> int:
        """The size of the index database (pages times page size)."""
        pages = self.connection.execute("PRAGMA page_count").fetchone()[0]
        size = self.connection.execute("PRAGMA page_size").fetchone()[0]
        return int(pages) * int(size)

    @property
    def document_count(self) -> int:
        return int(self.connection.execute("SELECT count(*) FROM docs").fetchone()[0])

    def parse(self, query: str, regime: RegimeFilter = "both") -> ParsedQuery:
        """How ``query`` is read when searching ``regime`` (see :mod:`exportctl.search.query`)."""
        lo, hi = self.regime_rows[regime]

        def known(phrase: str) -> bool:
            """True when the regime's indexed text contains ``phrase`` (an FTS5 phrase)."""
            return any(
                self.connection.execute(
                    f"SELECT 1 FROM {table} WHERE {table} MATCH ? AND rowid BETWEEN ? AND ? "
                    "LIMIT 1",
                    (phrase, lo, hi),
                ).fetchone()
                for table in _TABLES
            )

        return parse_query(query, self.glossary, known)

    def search(
        self, query: str, regime: RegimeFilter = "both", limit: int = 10
    ) -> tuple[Hit, ...]:
        """The ``limit`` best-ranked documents for ``query`` (an empty query finds nothing)."""
        if regime not in ("usml", "ccl", "both"):
            raise SearchError(f"regime must be 'usml', 'ccl' or 'both', not {regime!r}")
        if limit < 1:
            raise SearchError(f"limit must be 1 or more, not {limit}")
        parsed = self.parse(query, regime)
        if parsed.empty:
            return ()
        return self._run(parsed, regime, limit)

    def _run(self, parsed: ParsedQuery, regime: RegimeFilter, limit: int) -> tuple[Hit, ...]:
        lo, hi = self.regime_rows[regime]
        scores: dict[int, float] = {}
        for part in parsed.parts:
            weight = PART_WEIGHTS[part.kind]
            for table, factor in (
                ("own", weight * BODY_WEIGHT),
                ("aside", weight * NOTES_WEIGHT),
                ("ctx", weight * CONTEXT_WEIGHT),
            ):
                for rowid, value in self.connection.execute(
                    f"SELECT rowid, bm25({table}) AS s FROM {table} WHERE {table} MATCH ? "
                    "AND rowid BETWEEN ? AND ? ORDER BY s LIMIT ?",
                    (part.expression, lo, hi, CANDIDATES),
                ):
                    key = int(rowid)
                    scores[key] = scores.get(key, 0.0) - factor * float(value)
        if not scores:
            return ()
        ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
        ids = [rowid for rowid, _ in ranked]
        own = self._matched_words(parsed.marking_expression, ids, ("own", "aside"))
        above = self._matched_words(parsed.marking_expression, ids, ("ctx",))
        docs = self._documents(ids)
        return tuple(
            _hit(
                docs[rowid],
                score,
                own[rowid],
                above[rowid],
                _glossary_matched(parsed.glossary, (*own[rowid], *above[rowid])),
            )
            for rowid, score in ranked
        )

    def _documents(self, ids: list[int]) -> dict[int, Document]:
        marks = ",".join("?" * len(ids))
        rows = self.connection.execute(
            f"SELECT rowid, payload FROM docs WHERE rowid IN ({marks})", ids
        ).fetchall()
        return {int(r[0]): Document.from_data(json.loads(r[1])) for r in rows}

    def _matched_words(
        self, expression: str, ids: list[int], tables: tuple[str, ...]
    ) -> dict[int, tuple[str, ...]]:
        found: dict[int, dict[str, None]] = {rowid: {} for rowid in ids}
        for table in tables:
            query = (
                f"SELECT highlight({table}, 0, ?, ?) FROM {table} "
                f"WHERE {table} MATCH ? AND rowid = ?"
            )
            for rowid in ids:
                row = self.connection.execute(
                    query, (_MARK_OPEN, _MARK_CLOSE, expression, rowid)
                ).fetchone()
                for span in _MARKED.findall(row[0] if row and row[0] else ""):
                    for word in re.findall(r"[0-9A-Za-z]+", span):
                        found[rowid].setdefault(word.lower(), None)
        return {rowid: tuple(words) for rowid, words in found.items()}


def _key(word: str) -> str:
    """A crude stem, enough to tell that "Cameras" matched the expansion word "camera"."""
    return normalise_word(word.lower())[:6]


def _glossary_matched(
    matches: tuple[GlossaryMatch, ...], marked: tuple[str, ...]
) -> tuple[GlossaryMatch, ...]:
    """The glossary terms whose expansions a hit matched, each with the expansions it matched.

    An expansion matched when every one of its words is among the hit's marked words (the
    index marks the words of each phrase that matched).
    """
    keys = {_key(w) for w in marked}
    out: list[GlossaryMatch] = []
    for match in matches:
        hit = tuple(
            e for e in match.expansions if all(_key(w) in keys for w in words(e))
        )
        if hit and not any(m.term == match.term and m.entry_id == match.entry_id for m in out):
            out.append(GlossaryMatch(match.term, match.entry_id, hit))
    return tuple(out)


def _hit(
    doc: Document,
    score: float,
    matched: tuple[str, ...],
    matched_context: tuple[str, ...],
    gl: tuple[GlossaryMatch, ...],
) -> Hit:
    return Hit(
        regime=doc.regime,
        kind=doc.kind,
        reference=doc.reference,
        path=doc.path,
        score=round(score, 4),
        text=doc.text,
        citation=doc.citation,
        matched=matched,
        matched_context=matched_context,
        glossary=gl,
        sme=doc.sme,
        mt=doc.mt,
        eccn=doc.eccn,
        eccn_reasons_for_control=doc.eccn_reasons_for_control,
        reasons_for_control=doc.reasons_for_control,
        country_chart_columns=doc.country_chart_columns,
    )


# Building ------------------------------------------------------------------------------------


def create_database(
    docs: tuple[Document, ...], content_key: str, edition_key: str
) -> sqlite3.Connection:
    """A new in-memory database holding ``docs`` (USML rows first, then CCL rows)."""
    con = sqlite3.connect(":memory:")
    for table, column in zip(_TABLES, ("body", "notes", "context"), strict=True):
        con.execute(
            f"CREATE VIRTUAL TABLE {table} USING fts5({column}, tokenize = \"{TOKENIZER}\")"
        )
    con.execute(
        "CREATE TABLE docs (rowid INTEGER PRIMARY KEY, regime TEXT NOT NULL, "
        "payload TEXT NOT NULL)"
    )
    con.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    with con:
        for rowid, doc in enumerate(docs, start=1):
            con.execute("INSERT INTO own (rowid, body) VALUES (?, ?)", (rowid, doc.body))
            con.execute("INSERT INTO aside (rowid, notes) VALUES (?, ?)", (rowid, doc.notes))
            con.execute("INSERT INTO ctx (rowid, context) VALUES (?, ?)", (rowid, doc.context))
            con.execute(
                "INSERT INTO docs (rowid, regime, payload) VALUES (?, ?, ?)",
                (rowid, doc.regime, json.dumps(doc.to_data(), ensure_ascii=False)),
            )
        for table in _TABLES:
            con.execute(f"INSERT INTO {table}({table}) VALUES ('optimize')")
        con.executemany(
            "INSERT INTO meta (key, value) VALUES (?, ?)",
            [
                ("schema_version", str(SCHEMA_VERSION)),
                ("content_key", content_key),
                ("edition_key", edition_key),
            ],
        )
    con.execute("VACUUM")
    return con


def regime_rows(con: sqlite3.Connection) -> dict[str, tuple[int, int]]:
    """The rowid range of each regime's documents (they are stored in one block each)."""
    out: dict[str, tuple[int, int]] = {}
    query = "SELECT regime, min(rowid), max(rowid) FROM docs GROUP BY regime"
    for regime, lo, hi in con.execute(query):
        out[str(regime)] = (int(lo), int(hi))
    total = con.execute("SELECT min(rowid), max(rowid) FROM docs").fetchone()
    out["both"] = (int(total[0] or 0), int(total[1] or -1))
    for regime in ("usml", "ccl"):
        out.setdefault(regime, (0, -1))
    return out


def build_index(
    usml: UnitedStatesMunitionsList,
    ccl: CommerceControlList,
    *,
    edition_key: str,
    glossary: Glossary | None = None,
    cache: bool = True,
) -> SearchIndex:
    """The search index for one edition of the USML and the CCL.

    With ``cache`` (the default) the index is read from the on-disk cache when one built from
    exactly this content (and this schema) is there and intact, and otherwise built and cached;
    see :mod:`exportctl.search.cache` for where, and for the memory fallback.
    """
    from .cache import open_index

    gl = load_glossary() if glossary is None else glossary
    return open_index(documents(usml, ccl), gl, edition_key=edition_key, use_cache=cache)
