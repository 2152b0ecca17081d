"""22 CFR 120.15: what every exemption of the subchapter requires — the tests of (a) and (b).

§ 120.15(a): "Persons otherwise required to register with the Directorate of Defense Trade
Controls in accordance with this subchapter must do so prior to utilization of an exemption."
§ 120.15(b): "Exemptions provided in this subchapter may not be utilized for transactions in which
the exporter, any party to the export, any source or manufacturer, broker, or other participant
in the brokering activities, is generally ineligible as set forth in § 120.16, unless prior
written authorization has been granted by the Directorate of Defense Trade Controls."
§ 125.4(a) reads the same ineligibility for the § 125.4 exemptions ("or for persons considered
generally ineligible under § 120.16"), without the proviso.

The rest of § 120.15 is data (data/law/itar/120_15.json): (c) the § 126.1 limit (the test
``not_proscribed`` of :mod:`.s126_1`) with the exceptions of § 126.1(a); (e) and (f) obligations
on the certification record.
"""

from __future__ import annotations

from exportctl.core.results import Check, make_check
from exportctl.corpus.exemptions import RequirementSpec
from exportctl.corpus.law import Law
from exportctl.engine.itar.s120_16 import party_flag
from exportctl.engine.requirements import Context, requirement_test
from exportctl.inputs.transfers import Transfer

__all__: list[str] = []

#: The flags that make a party generally ineligible when false (§ 120.16; a debarred person is
#: ineligible, § 120.16(c)).
_INELIGIBLE_IF_FALSE = ("not_debarred", "eligible_120_16")


def _unless(req: RequirementSpec, t: Transfer) -> tuple[str | None, bool | None]:
    fact = req.get("unless_fact")
    return fact, (t.answer(fact) if fact else False)


@requirement_test("registered")
def registered(req: RequirementSpec, t: Transfer, law: Law, ctx: Context) -> Check:
    """§ 120.15(a): the party in ``role`` (the exporter) is registered with DDTC, unless the
    ``unless_fact`` says it is not required to register (§ 122.1(b))."""
    fact, exempt = _unless(req, t)
    role = req["role"]
    facts: dict[str, object] = {"parties": [p.label for p in t.parties or ()]}
    if fact:
        facts[fact] = exempt
    if exempt is True:
        return make_check("pass", f"not required to register ({fact})", facts)
    if t.parties is None:
        return make_check("unknown", "the parties are not known", facts, ("parties",))
    chosen = [p for p in t.parties if p.role == role]
    if not chosen:
        return make_check("unknown", f"no {role} is named", facts, ("parties",))
    flags = [p.ddtc_registered for p in chosen]
    facts["ddtc_registered"] = flags[0] if len(flags) == 1 else flags
    if all(f is True for f in flags):
        return make_check("pass", f"the {role} is registered with DDTC", facts)
    unless = (fact,) if fact and exempt is None else ()
    if False in flags:
        if exempt is None:
            return make_check(
                "unknown", f"the {role} is not registered: is it required to?", facts, unless
            )
        return make_check("fail", f"the {role} is not registered with DDTC (§ 120.15(a))", facts)
    return make_check(
        "unknown", f"is the {role} registered with DDTC?", facts, ("ddtc_registered", *unless)
    )


@requirement_test("parties_not_ineligible")
def parties_not_ineligible(req: RequirementSpec, t: Transfer, law: Law, ctx: Context) -> Check:
    """§ 120.15(b) (and § 125.4(a)): no party in ``roles`` is generally ineligible under § 120.16
    — each must be known eligible — unless the ``unless_fact`` (DDTC's prior written
    authorization) holds.  A transferor and a recipient must be named."""
    fact, authorized = _unless(req, t)
    facts: dict[str, object] = {"parties": [p.label for p in t.parties or ()]}
    if fact:
        facts[fact] = authorized
    if authorized is True:
        return make_check("pass", f"DDTC's prior written authorization ({fact})", facts)
    if t.parties is None:
        return make_check("unknown", "the parties are not known", facts, ("parties",))
    implications = law.exemptions.implications
    ineligible = []
    missing: list[str] = []
    for party in t.parties:
        if party.role not in req["roles"]:
            continue
        flags = {f: party_flag(party, f, implications) for f in _INELIGIBLE_IF_FALSE}
        if False in flags.values():
            bad = next(f for f, v in flags.items() if v is False)
            ineligible.append(f"{party.label}: {bad} = no")
        elif flags["eligible_120_16"] is None and "eligible_120_16" not in missing:
            missing.append("eligible_120_16")
    if ineligible:
        detail = "generally ineligible under § 120.16: " + "; ".join(ineligible)
        if authorized is None and fact:
            return make_check("unknown", detail + f" — unless {fact}", facts, (fact,))
        return make_check("fail", detail, facts)
    absent = [r for r in ("transferor", "recipient") if r not in {p.role for p in t.parties}]
    if absent:
        missing.append("parties")
    if missing:
        detail = f"needs {', '.join(missing)}" + (
            f" (no {' or '.join(absent)} is named)" if absent else ""
        )
        return make_check("unknown", detail, facts, tuple(missing))
    return make_check("pass", "every party is eligible under § 120.16", facts)
