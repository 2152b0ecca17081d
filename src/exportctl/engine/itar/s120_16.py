"""22 CFR 120.16 (debarred and ineligible persons) as § 120.15(b) reads it for exemptions.

§ 120.15(b): "Exemptions provided in this subchapter may not be utilized for transactions in
which the exporter, any party to the export, any source or manufacturer, broker, or other
participant in the brokering activities, is generally ineligible as set forth in § 120.16".
§ 120.16(c) makes debarred persons ineligible: the law's ``implications`` (data/law/itar/
120_16.json) say what one party flag implies for another.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from exportctl.core.results import Check, make_check
from exportctl.corpus.exemptions import RequirementSpec
from exportctl.corpus.law import Law
from exportctl.engine.requirements import Context, requirement_test
from exportctl.inputs.transfers import Party, Transfer

__all__ = ["party_flag"]


def party_flag(party: Party, name: str, implications: Iterable[Mapping[str, Any]]) -> bool | None:
    """A party's flag, or what another flag implies for it (a debarred person is not eligible
    under § 120.16(c)); None when neither tells."""
    value = party.flag(name)
    if value is not None:
        return value
    for rule in implications:
        if name in rule["then"] and all(party.flag(k) == v for k, v in rule["if"].items()):
            implied: bool = rule["then"][name]
            return implied
    return None


@requirement_test("no_ineligible_party")
def no_ineligible_party(req: RequirementSpec, t: Transfer, law: Law, ctx: Context) -> Check:
    """§ 120.15(b): no party is debarred or ineligible; ``require_known`` flags must be known
    for every party and the ``roles`` present."""
    facts = {"parties": [p.label for p in t.parties or ()]}
    if t.parties is None:
        return make_check("unknown", "the parties are not known", facts, ("parties",))
    missing: list[str] = []
    implications = law.exemptions.implications
    for party in t.parties:
        for flag, bad in req["ineligible_if"].items():
            if party_flag(party, flag, implications) == bad:
                return make_check(
                    "fail", f"{party.label}: {flag} = {'yes' if bad else 'no'} (§ 120.16)", facts
                )
        missing.extend(
            f for f in req["require_known"] if party_flag(party, f, implications) is None
        )
    absent = [r for r in req["roles"] if r not in {p.role for p in t.parties}]
    if absent:
        missing.append("parties")
    if missing:
        detail = f"needs {', '.join(dict.fromkeys(missing))}" + (
            f" (no {' or '.join(absent)} is named)" if absent else ""
        )
        return make_check("unknown", detail, facts, tuple(dict.fromkeys(missing)))
    return make_check("pass", "no party is debarred or ineligible under § 120.16", facts)
