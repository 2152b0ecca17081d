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

from typing import TYPE_CHECKING, Any

from exportctl.core.lazy import lazy_names

if TYPE_CHECKING:  # the names below are imported when first used (start-up stays short)
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
    from exportctl.engine.batch import decide_rows
    from exportctl.engine.classify import classify
    from exportctl.engine.decision import Classification, Decision, TraceStep
    from exportctl.inputs.items import ItemFacts, facts_from_csv_row, facts_from_mapping
    from exportctl.inputs.transfers import (
        Party,
        Transfer,
        transfer_from_csv_row,
        transfer_from_mapping,
    )

#: Where each public name lives: ``import exportctl`` imports none of them; the first use of a
#: name imports its module (``exportctl.law`` needs the law and the USML, not the engine, the
#: CLI or the testing kit).
_HOMES = {
    "Dated": "exportctl.core.dated",
    "OutsideCoverage": "exportctl.core.dated",
    "Version": "exportctl.core.dated",
    "ContradictoryFacts": "exportctl.core.facts",
    "FactError": "exportctl.core.facts",
    "FactRegistry": "exportctl.core.facts",
    "Question": "exportctl.core.facts",
    "DataIntegrityError": "exportctl.corpus.bundle",
    "ECCN": "exportctl.corpus.ccl",
    "CommerceControlList": "exportctl.corpus.ccl",
    "ECCNItem": "exportctl.corpus.ccl",
    "Countries": "exportctl.corpus.countries",
    "CountryProfile": "exportctl.corpus.countries",
    "UnknownCountry": "exportctl.corpus.countries",
    "Law": "exportctl.corpus.law",
    "RuleVersion": "exportctl.corpus.law",
    "law": "exportctl.corpus.law",
    "ECCNRef": "exportctl.corpus.references",
    "ReferenceSyntaxError": "exportctl.corpus.references",
    "USMLRef": "exportctl.corpus.references",
    "parse_eccn": "exportctl.corpus.references",
    "parse_usml": "exportctl.corpus.references",
    "Regulations": "exportctl.corpus.regulations",
    "regulations": "exportctl.corpus.regulations",
    "RuleSet": "exportctl.corpus.rulesets",
    "load_ruleset": "exportctl.corpus.rulesets",
    "ExclusionRow": "exportctl.corpus.supplements",
    "Supplement": "exportctl.corpus.supplements",
    "UnitedStatesMunitionsList": "exportctl.corpus.usml",
    "UnknownReference": "exportctl.corpus.usml",
    "USMLParagraph": "exportctl.corpus.usml",
    "Authorization": "exportctl.engine.authorize",
    "ExemptionResult": "exportctl.engine.authorize",
    "authorize": "exportctl.engine.authorize",
    "decide_rows": "exportctl.engine.batch",
    "classify": "exportctl.engine.classify",
    "Classification": "exportctl.engine.decision",
    "Decision": "exportctl.engine.decision",
    "TraceStep": "exportctl.engine.decision",
    "ItemFacts": "exportctl.inputs.items",
    "facts_from_csv_row": "exportctl.inputs.items",
    "facts_from_mapping": "exportctl.inputs.items",
    "Party": "exportctl.inputs.transfers",
    "Transfer": "exportctl.inputs.transfers",
    "transfer_from_csv_row": "exportctl.inputs.transfers",
    "transfer_from_mapping": "exportctl.inputs.transfers",
}


_lazy_getattr, __dir__ = lazy_names(__name__, _HOMES, also=("__version__",))


def __getattr__(name: str) -> Any:
    """A public name, imported from its module when first used (then kept here);
    ``__version__`` is read from the installed metadata only when asked."""
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("exportctl")
        except PackageNotFoundError:  # pragma: no cover - a source tree without install
            return "0.0.0+unknown"
    return _lazy_getattr(name)


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
    "decide_rows",
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
