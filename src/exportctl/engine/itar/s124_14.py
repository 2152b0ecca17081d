"""22 CFR 124.14: warehousing and distribution agreements — approval before entry into force,
unclassified articles only, the information of (b), the statements of (c)-(d) word for word, the
transmittal letter of (e)-(f), the DSP-83 of (b)(4) for significant military equipment.

§ 124.14(a): "Such agreements will be limited to unclassified defense articles": a warehousing
and distribution agreement with classified articles cannot be approved as such (``fail``).
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
    with_draft,
)

__all__ = ["evaluate_124_14"]


def evaluate_124_14(ctx: Context) -> SectionResult:
    items: list[Item] = []
    signatures: list[Signature] = []
    warnings: list[str] = []
    for rule in section_rules(ctx, "124.14"):
        item, warning = with_draft(ctx, rule, evaluate(ctx, rule))
        if rule.type == "condition" and item.status == "not_met":
            item = attrs.evolve(
                item,
                status="fail",
                detail=f"{item.detail}: a warehousing and distribution agreement is limited to "
                "unclassified defense articles",
            )
        if warning:
            warnings.append(warning)
        items.append(item)
        signatures += signatures_for(ctx, rule, item)
    return SectionResult(tuple(items), tuple(signatures), tuple(warnings))
