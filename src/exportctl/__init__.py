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

from .ccl import ECCN, CommerceControlList, ECCNItem
from .countries import Countries, CountryProfile, OutsideCoverage, UnknownCountry
from .references import ECCNRef, ReferenceSyntaxError, USMLRef, parse_eccn, parse_usml
from .regulations import Regulations, RuleVersion, regulations
from .supplements import ExclusionRow, Supplement
from .usml import UnitedStatesMunitionsList, UnknownReference, USMLParagraph

try:
    __version__ = version("exportctl")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0.0.0+unknown"

__all__ = [
    "ECCN",
    "CommerceControlList",
    "Countries",
    "CountryProfile",
    "ECCNItem",
    "ECCNRef",
    "ExclusionRow",
    "OutsideCoverage",
    "ReferenceSyntaxError",
    "Regulations",
    "RuleVersion",
    "Supplement",
    "USMLParagraph",
    "USMLRef",
    "UnitedStatesMunitionsList",
    "UnknownCountry",
    "UnknownReference",
    "__version__",
    "parse_eccn",
    "parse_usml",
    "regulations",
]
