"""22 CFR 124.10: non-transfer and use assurances — who signs the DSP-83 and when it is filed.

§ 124.10(a): an agreement relating to significant military equipment or classified defense
articles needs a DSP-83 "signed by the applicant and the foreign party"; for classified articles
"an authorized representative of the foreign government must sign the DSP-83 (or provide the
same assurances in the form of a diplomatic note)".  DDTC *may* ask for either in other cases:
the plan says so as a possibility, never as a requirement.  § 124.10(b): the DSP-83 goes with
the agreement (signed before submission) or with the signed agreement; the note: no transfer
before it is submitted.  That the parties sign the agreement itself is DDTC practice, labelled
guidance.  Nothing here, nor anywhere in part 124, asks each nation of the territory to sign.
"""

from __future__ import annotations

import attrs

from exportctl.engine.itar.part124 import (
    Context,
    Item,
    SectionResult,
    Signature,
    evaluate,
    section_rules,
    signatures_for,
)

__all__ = ["evaluate_124_10"]


def evaluate_124_10(ctx: Context) -> SectionResult:
    items: list[Item] = []
    signatures: list[Signature] = []
    for rule in section_rules(ctx, "124.10"):
        item = evaluate(ctx, rule)
        timing = rule.get("timing")
        if item.status == "required" and timing:
            item = attrs.evolve(item, detail=f"the DSP-83 (and any diplomatic note): {timing}")
        items.append(item)
        signatures += signatures_for(ctx, rule, item)
    return SectionResult(tuple(items), tuple(signatures))
