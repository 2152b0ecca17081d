"""Values the law hands out that its first look-ups do not need: what an edition says of itself
(:class:`Edition`), the dated version of a rule (:class:`RuleVersion`) and a USML paragraph a
reform moved to the CCL (:class:`Relocation`).

They are read through :class:`~exportctl.corpus.law.Law` (``law.edition``, ``law.rule_in_force``,
``law.relocated``) and still imported as ``from exportctl.corpus.law import RuleVersion``; they
live here so that ``exportctl.law(...)`` and a first look-up do not create their classes.
"""

from __future__ import annotations

import datetime as dt

import attrs

__all__ = ["Edition", "Relocation", "RuleVersion"]


@attrs.frozen
class Edition:
    """Which edition of a dataset is in force, and what it says of itself."""

    dataset: str
    file: str
    effective_from: dt.date
    effective_until: dt.date | None
    as_of: dt.date
    source: str
    federal_register: str | None = None


@attrs.frozen
class RuleVersion:
    """A dated version of a rule (e.g. 22 CFR 126.7: none, interim final rule, final rule)."""

    id: str
    citation: str
    title: str
    effective_from: dt.date | None
    effective_until: dt.date | None
    status: str
    federal_register: str | None = None


@attrs.frozen
class Relocation:
    """A USML paragraph a reform moved to an ECCN paragraph (22 CFR 121.1 to Supp. No. 1 to
    15 CFR part 774): what the paragraph described is no longer on the USML and is controlled
    in ``eccn`` instead.  The engine reads it through :meth:`Law.relocated`."""

    usml: str
    eccn: str
    reform: str
    title: str = ""

    @property
    def rule(self) -> str:
        """How the trace cites the move: the reform and the two paragraphs."""
        return f"reform {self.reform}: USML {self.usml} moved to ECCN {self.eccn}"
