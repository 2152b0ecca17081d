"""exportctl: U.S. export controls as executable, cited, dated rules.

Results support, and do not replace, an official determination by the Directorate of Defense
Trade Controls (DDTC, State) or the Bureau of Industry and Security (BIS, Commerce).

Everything is decided under a :class:`Law` — the regulations as bundled, in the editions and
versions in force on a date — and every decision names that law's id and the date:

>>> import exportctl
>>> law = exportctl.law("2024-03-07")
>>> law.countries.is_member("SE", "nato", law.as_of)
True
"""

from __future__ import annotations

from typing import Any

from exportctl.core.dated import Dated, OutsideCoverage, Version
from exportctl.core.facts import ContradictoryFacts, FactError, FactRegistry, Question
from exportctl.corpus.bundle import DataIntegrityError
from exportctl.corpus.ccl import ECCN, CommerceControlList, ECCNItem
from exportctl.corpus.countries import Countries, CountryProfile, UnknownCountry
from exportctl.corpus.law import Law, RuleVersion, law
from exportctl.corpus.references import (
    ECCNRef,
    ReferenceSyntaxError,
    USMLRef,
    parse_eccn,
    parse_usml,
)
from exportctl.corpus.regulations import Regulations, regulations
from exportctl.corpus.rulesets import RuleSet, load_ruleset
from exportctl.corpus.supplements import ExclusionRow, Supplement
from exportctl.corpus.usml import UnitedStatesMunitionsList, UnknownReference, USMLParagraph
from exportctl.engine.authorize import Authorization, ExemptionResult, authorize
from exportctl.engine.classify import classify
from exportctl.engine.decision import Classification, Decision, TraceStep
from exportctl.inputs.items import ItemFacts, facts_from_csv_row, facts_from_mapping
from exportctl.inputs.transfers import (
    Party,
    Transfer,
    transfer_from_csv_row,
    transfer_from_mapping,
)


def __getattr__(name: str) -> Any:
    """``__version__`` is read from the installed metadata only when asked (it costs start-up)."""
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("exportctl")
        except PackageNotFoundError:  # pragma: no cover - a source tree without install
            return "0.0.0+unknown"
    raise AttributeError(f"module 'exportctl' has no attribute {name!r}")


__all__ = [
    "ECCN",
    "Authorization",
    "Classification",
    "CommerceControlList",
    "ContradictoryFacts",
    "Countries",
    "CountryProfile",
    "DataIntegrityError",
    "Dated",
    "Decision",
    "ECCNItem",
    "ECCNRef",
    "ExclusionRow",
    "ExemptionResult",
    "FactError",
    "FactRegistry",
    "ItemFacts",
    "Law",
    "OutsideCoverage",
    "Party",
    "Question",
    "ReferenceSyntaxError",
    "Regulations",
    "RuleSet",
    "RuleVersion",
    "Supplement",
    "TraceStep",
    "Transfer",
    "USMLParagraph",
    "USMLRef",
    "UnitedStatesMunitionsList",
    "UnknownCountry",
    "UnknownReference",
    "Version",
    "authorize",
    "classify",
    "facts_from_csv_row",
    "facts_from_mapping",
    "law",
    "load_ruleset",
    "parse_eccn",
    "parse_usml",
    "regulations",
    "transfer_from_csv_row",
    "transfer_from_mapping",
]
