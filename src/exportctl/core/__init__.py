"""The regime-neutral core: dated values, three-valued results, the fact registry, provenance.

Nothing here knows the ITAR or the EAR; the law (:mod:`exportctl.corpus`) and the engines
(:mod:`exportctl.engine`) are built on these pieces.
"""

from __future__ import annotations

from .dated import Dated, OutsideCoverage, Version
from .facts import ContradictoryFacts, FactError, FactRegistry, Question
from .results import Check, Status, combine

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
