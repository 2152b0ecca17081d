"""22 CFR 124.8: the statements every manufacturing license agreement and technical assistance
agreement must include, (a)(1)-(6), word for word; and DDTC's guideline statements on dual and
third-country nationals (guidance, whose words are not available).

A draft given with ``--text`` is checked for each statement: white space and quotation marks
aside, as the regulation writes it (``present``), with changes (``altered``, naming the words that
differ), or not at all (``missing``).  § 124.8(a)(5) as quoted is in force from the AUKUS interim
final rule (2024-09-01, the data's ``amended.effective``); a plan dated earlier says that the
earlier wording is not in the data rather than checking a draft against words not yet in force.
"""

from __future__ import annotations

import attrs

from exportctl.engine.itar.part124 import Context, SectionResult, statement_items

__all__ = ["evaluate_124_8"]

DN_TCN_GUIDANCE = "DDTC guidelines: DN/TCN statements"


def evaluate_124_8(ctx: Context) -> SectionResult:
    result = statement_items(ctx, "124.8")
    items = []
    for item in result.items:
        if item.rule == DN_TCN_GUIDANCE and item.status == "guidance":
            handling = ctx.fact("dn_tcn_handling")
            item = attrs.evolve(
                item,
                detail=f"DDTC guidance: the agreement carries DDTC's statement for dual/third-"
                f"country nationals handled under {handling}; its current words (guidelines "
                "Revision 5.0) are not available, so no draft is checked for it",
            )
        items.append(item)
    return attrs.evolve(result, items=tuple(items))
