"""22 CFR 126.7(b)(2): every party must be one of the eligible kinds of the version in force.

Interim final rule (2024-09-01): (i) U.S. persons registered with DDTC and not debarred, (ii) a
U.S. Government department or agency, (iii) Authorized Users (brokers also registered under
§ 129.3).  Final rule (2025-12-30): (i) registered and eligible under § 120.16, (ii) also UK
national-level and Australian federal government departments and agencies, (iii) as before.
The kinds and what each needs are data (``eligible`` in data/law/itar/126_7.json); the rest of
§ 126.7 uses the generic tests (activity, territory, not_on_supplement, fact) and § 123.15's.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from exportctl.core.results import Check, Status, make_check
from exportctl.corpus.exemptions import RequirementSpec
from exportctl.corpus.law import Law
from exportctl.engine.itar.s120_16 import party_flag
from exportctl.engine.requirements import Context, requirement_test
from exportctl.inputs.transfers import Party, Transfer

__all__ = ["party_eligible"]


def party_eligible(
    party: Party, options: Iterable[Mapping[str, Any]], implications: Iterable[Mapping[str, Any]]
) -> tuple[Status, list[str], str]:
    """Does one party fit any of the eligible kinds?  The facts still needed when unknown."""
    missing: list[str] = []
    implied = tuple(implications)
    for option in options:
        if party.kind is not None and party.kind not in option["kinds"]:
            continue
        needs = dict(option.get("needs", {}))
        if party.role == "broker":
            needs.update(option.get("brokers_need", {}))
        values = {k: party_flag(party, k, implied) for k in needs}
        if party.kind is not None and all(values[k] == v for k, v in needs.items()):
            return "pass", [], f"{party.label}: {option['id']}"
        if not any(values[k] is not None and values[k] != v for k, v in needs.items()):
            # The option may still hold: its unknown flags (or the party's kind) are needed.
            if party.kind is None and "parties" not in missing:
                missing.append("parties")
            missing.extend(k for k, v in values.items() if v is None and k not in missing)
    if missing:
        return "unknown", missing, f"{party.label}: needs {', '.join(missing)}"
    return "fail", [], f"{party.label} is none of the eligible parties"


@requirement_test("parties")
def parties(req: RequirementSpec, t: Transfer, law: Law, ctx: Context) -> Check:
    """§ 126.7(b)(2): every party in the chain is an eligible party; a transferor and a
    recipient are needed."""
    facts = {"parties": [p.label for p in t.parties or ()]}
    if t.parties is None:
        return make_check("unknown", "the parties are not known", facts, ("parties",))
    status: Status = "pass"
    missing: list[str] = []
    details = []
    for party in t.parties:
        s, m, d = party_eligible(party, req["eligible"], law.exemptions.implications)
        details.append(d)
        if s == "fail":
            return make_check("fail", d, facts)
        if s == "unknown":
            status = "unknown"
            missing.extend(x for x in m if x not in missing)
    roles = {p.role for p in t.parties}
    if not {"transferor", "recipient"} <= roles:
        return make_check(
            "unknown", "a transferor and a recipient are needed", facts, (*missing, "parties")
        )
    return make_check(status, "; ".join(details), facts, tuple(missing))
