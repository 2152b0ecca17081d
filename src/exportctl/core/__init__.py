"""The regime-neutral core: dated values, three-valued results, the fact registry, provenance.

Nothing here knows the ITAR or the EAR; the law (:mod:`exportctl.corpus`) and the engines
(:mod:`exportctl.engine`) are built on these pieces.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .lazy import lazy_names

if TYPE_CHECKING:  # imported when first used: the law's look-ups read only .dated
    from .dated import Dated, OutsideCoverage, Version
    from .facts import ContradictoryFacts, FactError, FactRegistry, Question
    from .results import Check, Status, combine

_HOMES = {
    "Dated": ".dated",
    "OutsideCoverage": ".dated",
    "Version": ".dated",
    "ContradictoryFacts": ".facts",
    "FactError": ".facts",
    "FactRegistry": ".facts",
    "Question": ".facts",
    "Check": ".results",
    "Status": ".results",
    "combine": ".results",
}

__getattr__, __dir__ = lazy_names(__name__, _HOMES)

__all__ = [
    "Check",
    "ContradictoryFacts",
    "Dated",
    "FactError",
    "FactRegistry",
    "OutsideCoverage",
    "Question",
    "Status",
    "Version",
    "combine",
]
