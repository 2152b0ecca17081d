"""22 CFR 124.9: the clauses only manufacturing license agreements carry, (a)(1)-(6), and for an
agreement for the production of significant military equipment (b)(1)-(2), word for word, with a
draft's check (the reference's "sub- licensees" is read as "sub-licensees").
"""

from __future__ import annotations

from exportctl.engine.itar.part124 import Context, SectionResult, statement_items

__all__ = ["evaluate_124_9"]


def evaluate_124_9(ctx: Context) -> SectionResult:
    return statement_items(ctx, "124.9")
