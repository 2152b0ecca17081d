"""exportctl: U.S. export-control classification as executable, cited, dated rules.

Results support, and do not replace, an official determination by the Directorate of Defense
Trade Controls (DDTC, State) or the Bureau of Industry and Security (BIS, Commerce).

>>> import exportctl
>>> regs = exportctl.regulations("2024-03-07")
>>> regs.countries.is_member("SE", "nato", regs.as_of)
True
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from exportctl.engine.classify import classify
from exportctl.engine.decision import Classification, Decision, TraceStep
from exportctl.inputs.items import (
    ContradictoryFacts,
    FactError,
    ItemFacts,
    facts_from_csv_row,
    facts_from_mapping,
)
from exportctl.law.ccl import ECCN, CommerceControlList, ECCNItem
from exportctl.law.countries import Countries, CountryProfile, OutsideCoverage, UnknownCountry
from exportctl.law.references import ECCNRef, ReferenceSyntaxError, USMLRef, parse_eccn, parse_usml
from exportctl.law.regulations import Regulations, RuleVersion, regulations
from exportctl.law.rulesets import Question, RuleSet, load_ruleset
from exportctl.law.supplements import ExclusionRow, Supplement
from exportctl.law.usml import UnitedStatesMunitionsList, UnknownReference, USMLParagraph

try:
    __version__ = version("exportctl")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0.0.0+unknown"

__all__ = [
    "ECCN",
    "Classification",
    "CommerceControlList",
    "ContradictoryFacts",
    "Countries",
    "CountryProfile",
    "Decision",
    "ECCNItem",
    "ECCNRef",
    "ExclusionRow",
    "FactError",
    "ItemFacts",
    "OutsideCoverage",
    "Question",
    "ReferenceSyntaxError",
    "Regulations",
    "RuleSet",
    "RuleVersion",
    "Supplement",
    "TraceStep",
    "USMLParagraph",
    "USMLRef",
    "UnitedStatesMunitionsList",
    "UnknownCountry",
    "UnknownReference",
    "__version__",
    "classify",
    "facts_from_csv_row",
    "facts_from_mapping",
    "load_ruleset",
    "parse_eccn",
    "parse_usml",
    "regulations",
]
