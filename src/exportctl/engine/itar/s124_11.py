"""22 CFR 124.11: congressional certification before approval, and the wait after it.

§ 124.11(a): a certification for "the manufacturing abroad of any item of significant military
equipment … regardless of dollar value", and for an agreement "providing for the export of major
defense equipment … when meeting the requirements of § 123.15".  The § 123.15(a) amounts are not
copied into the agreement rules: they are read from the law
(``law.exemptions.amounts["123.15(a)"]``, each with its comparator, "$25,000,000 or more") and
compared with
:func:`exportctl.core.comparators.compare`.  The amount of § 123.15(a)(2) applies when every
country of the territory and every foreign party is within its set (NATO and its members,
Australia, Israel, Japan, New Zealand, the Republic of Korea — dated: Sweden from 2024-03-07) on
every date evaluated; otherwise the amount of (a)(1).  When it is not known which applies, a value
that reaches both, or neither, still decides.

§ 124.11(b) and § 123.15(b): approval waits at least 15 calendar days after Congress receives the
certification for those countries, 30 for any other.  Whether an agreement's total value is
measured against the § 123.15 amounts is not stated in part 124: the data flags it
(``to_confirm``) and so does the plan, never settling it either way.
"""

from __future__ import annotations

from typing import Any

import attrs

from exportctl.core.comparators import compare
from exportctl.corpus.agreements import AgreementRule
from exportctl.engine.itar.part124 import (
    Context,
    Item,
    SectionResult,
    Signature,
    Tri,
    applicability_test,
    evaluate,
    section_rules,
    signatures_for,
)

__all__ = ["AMOUNTS_KEY", "amounts_reached", "evaluate_124_11"]

AMOUNTS_KEY = "123.15(a)"


def _amount(ctx: Context, source: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    rows = {r["id"]: r for r in ctx.law.exemptions.amounts[AMOUNTS_KEY]["rows"]}
    row = rows[source["row"]]
    amount = next(a for a in row["amounts"] if a["applies_to"] == source["field"])
    return row["id"], amount


@applicability_test("thresholds_by_reference")
def amounts_reached(ctx: Context, rule: AgreementRule) -> tuple[Tri, tuple[str, ...], str]:
    """Does the value the rule reads reach the § 123.15(a) amount for the territory?"""
    ref = rule.get("thresholds_by_reference")
    fact = ref["value_fact"]
    value = ctx.fact(fact)
    options: list[tuple[Tri, str, dict[str, Any], tuple[str, ...]]] = []
    for entry in ref["amounts"]:
        paragraph, amount = _amount(ctx, entry["amount_from"])
        holds, needs = ctx.when(entry["when"])
        options.append((holds, paragraph, amount, needs))
    chosen = [o for o in options if o[0] is True]
    candidates = chosen or [o for o in options if o[0] is None]
    if value is None:
        return None, (fact,), f"the {fact.replace('_', ' ')} is needed"
    reached = [compare(value, a["amount"], a["comparator"]) for _, _, a, _ in candidates]
    shown = ", ".join(f"{p} (${a['amount']:,} {a['comparator']})" for _, p, a, _ in candidates)
    if all(reached):
        return True, (), f"{fact} ${value:,} reaches {shown}"
    if not any(reached):
        return False, (), f"{fact} ${value:,} is below {shown}"
    needs = tuple(dict.fromkeys(n for o in candidates for n in o[3]))
    return None, needs, f"{fact} ${value:,}: which amount of § 123.15(a) applies is not known"


def _wait(ctx: Context, rule: AgreementRule, item: Item) -> Item:
    waits = rule.get("wait") or ()
    if item.status != "required" or not waits:
        return item
    decided = []
    missing: list[str] = []
    for wait in waits:
        holds, needs = ctx.when(wait.get("when", {}))
        decided.append((holds, wait))
        missing += needs
    chosen = [w for holds, w in decided if holds is True]
    if not chosen:
        options = " or ".join(w["written"] for _, w in decided)
        return attrs.evolve(
            item,
            status="unknown",
            missing=tuple(dict.fromkeys(missing)),
            detail=f"approval waits at least {options} after Congress receives the "
            "certification; which one is not known yet",
        )
    wait = chosen[0]
    _, _, why = ctx.countries_within("itar_123_15_a_2")
    return attrs.evolve(
        item,
        detail=f"approval waits at least {wait['written']} after Congress receives the "
        f"certification ({why})",
        facts={"wait_days": wait["days"]},
    )


def evaluate_124_11(ctx: Context) -> SectionResult:
    items: list[Item] = []
    signatures: list[Signature] = []
    for rule in section_rules(ctx, "124.11"):
        item = evaluate(ctx, rule)
        if rule.get("regardless_of_value") and item.status == "required":
            item = attrs.evolve(
                item, detail="certification to Congress before approval, regardless of dollar value"
            )
        elif rule.get("thresholds_by_reference") and item.status == "to_confirm":
            item = attrs.evolve(
                item,
                detail=f"{item.detail}: part 124 does not say whether an agreement's value is "
                "measured against these amounts; confirm with DDTC (flagged, not settled)",
            )
        item = _wait(ctx, rule, item)
        items.append(item)
        signatures += signatures_for(ctx, rule, item)
    return SectionResult(tuple(items), tuple(signatures))
