"""Finding the paragraph: ranked full-text search over the USML and the CCL, and suggestions.

>>> from exportctl.search import build_index
>>> from exportctl import law
>>> index = build_index(law().usml, law().ccl, edition_key="bundled", cache=False)
>>> index.search("torpedo", regime="usml", limit=1)[0].reference
'IV(a)(7)'

:func:`index_for` gives the index of a law's editions (cached on disk per edition):

>>> from exportctl.search import edition_key
>>> edition_key(law("2025-06-01")) != edition_key(law("2026-08-01"))
True

Search is an aid to reading the regulations.  It never takes part in a decision: no engine
module imports this package, and :func:`suggest` returns :class:`Suggestion` objects, which say
what they are (``kind == "suggestion"``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from exportctl.core.lazy import lazy_names

# Imported at once (it is small, and ``screen`` reads it): the function ``suggest`` is bound
# over the submodule of the same name, as before.
from .suggest import SUGGESTION_NOTICE, Suggestion, suggest

if TYPE_CHECKING:  # the names below are imported when first used (start-up stays short)
    from .cache import CACHE_ENV, cache_directory
    from .editions import edition_key, index_for
    from .glossary import Glossary, GlossaryEntry, GlossaryMatch, GlossarySource, load_glossary
    from .index import COLUMN_WEIGHTS, SCHEMA_VERSION, Hit, SearchError, SearchIndex, build_index
    from .query import ParsedQuery, parse_query

#: Where each public name lives (its module is imported when the name is first read).
_HOMES = {
    "CACHE_ENV": ".cache",
    "cache_directory": ".cache",
    "edition_key": ".editions",
    "index_for": ".editions",
    "Glossary": ".glossary",
    "GlossaryEntry": ".glossary",
    "GlossaryMatch": ".glossary",
    "GlossarySource": ".glossary",
    "load_glossary": ".glossary",
    "COLUMN_WEIGHTS": ".index",
    "SCHEMA_VERSION": ".index",
    "Hit": ".index",
    "SearchError": ".index",
    "SearchIndex": ".index",
    "build_index": ".index",
    "ParsedQuery": ".query",
    "parse_query": ".query",
}


__getattr__, __dir__ = lazy_names(__name__, _HOMES)


__all__ = [
    "CACHE_ENV",
    "COLUMN_WEIGHTS",
    "SCHEMA_VERSION",
    "SUGGESTION_NOTICE",
    "Glossary",
    "GlossaryEntry",
    "GlossaryMatch",
    "GlossarySource",
    "Hit",
    "ParsedQuery",
    "SearchError",
    "SearchIndex",
    "Suggestion",
    "build_index",
    "cache_directory",
    "edition_key",
    "index_for",
    "load_glossary",
    "parse_query",
    "suggest",
]
