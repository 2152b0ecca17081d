"""22 CFR 124.12: the letter of transmittal — the information of (a)(1)-(9), the statement on
political contributions, fees or commissions under part 130 when the value is "$500,000 or more"
((a)(6), at exactly $500,000 it is required, at $499,999 it is not), and the four statements of
(b)(1)-(4) word for word (a draft letter given with ``--letter`` is checked for each).

§ 124.12(a)(1) asks for the applicant's DDTC registration number: an applicant known not to be
registered cannot give one, so the plan cannot be approvable until it registers (part 122).
"""

from __future__ import annotations

import attrs

from exportctl.engine.itar.part124 import Context, SectionResult, statement_items

__all__ = ["evaluate_124_12"]

PART_130 = "22 CFR 124.12(a)(6) (part 130 statement)"
REGISTRATION = "22 CFR 124.12(a)(1)"


def evaluate_124_12(ctx: Context) -> SectionResult:
    result = statement_items(ctx, "124.12")
    items = []
    for item in result.items:
        if item.rule == REGISTRATION and ctx.fact("applicant_registered") is False:
            item = attrs.evolve(
                item,
                status="fail",
                detail="the applicant is not registered with DDTC, so the letter cannot give "
                "its registration number: register under 22 CFR part 122 first",
            )
        elif item.rule == PART_130 and item.status == "required" and ctx.fact("value"):
            item = attrs.evolve(
                item,
                detail=f"the value ${ctx.fact('value'):,} is $500,000 or more: an additional "
                "statement on political contributions, fees or commissions (part 130; its "
                "content is not modelled)",
            )
        elif item.rule == PART_130 and item.status == "not_required" and ctx.fact("value"):
            item = attrs.evolve(
                item, detail=f"the value ${ctx.fact('value'):,} is less than $500,000"
            )
        items.append(item)
    return attrs.evolve(result, items=tuple(items))
