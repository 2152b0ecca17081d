"""The search index of a law: one per pair of USML and CCL editions, keyed by their content.

:func:`edition_key` names the editions of the USML and the CCL a :class:`~exportctl.Law` has in
force by their content hashes (``usml-<12 hex>_ccl-<12 hex>``): two dates under the same
editions share an index; another edition, or a reform that changes one, gets its own.
:func:`index_for` opens that index (from the on-disk cache when it was built from exactly this
content, see :mod:`exportctl.search.cache`) and keeps it open for the rest of the process.
"""

from __future__ import annotations

import threading

from ..corpus.law import Law
from .index import SearchIndex, build_index

__all__ = ["edition_key", "index_for"]

_OPEN: dict[tuple[str, bool, int], SearchIndex] = {}


def edition_key(law: Law) -> str:
    """The content hashes of the USML and CCL editions in force on the law's date.

    Refused (OutsideCoverage) for a date before the earliest edition of either list.
    """
    parts = []
    for dataset in ("usml", "ccl"):
        digest = law.statutes.editions[dataset].value_at(law.as_of).digest
        parts.append(f"{dataset}-{digest[:12]}")
    return "_".join(parts)


def index_for(law: Law, *, cache: bool = True) -> SearchIndex:
    """The search index over the USML and the CCL the law has in force.

    The index is opened once per edition key (and thread: an index holds an SQLite
    connection) in a process; ``cache=False`` builds it in memory without reading or writing
    the on-disk cache.
    """
    key = edition_key(law)
    memo = (key, cache, threading.get_ident())
    found = _OPEN.get(memo)
    if found is None:
        found = build_index(law.usml, law.ccl, edition_key=key, cache=cache)
        _OPEN[memo] = found
    return found
