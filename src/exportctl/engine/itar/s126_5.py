"""22 CFR 126.5: the Canadian exemptions — the tests of its own paragraph (b).

The rest of § 126.5 is data (data/law/itar/126_5.json): (b)'s activities, destination, no
transit, unclassified, Supp. No. 1; (a) temporary imports of Canadian-origin articles and (d)
reexports and retransfers as the exemption's ``paths``.
"""

from __future__ import annotations

from exportctl.core.results import Check, make_check
from exportctl.corpus.exemptions import RequirementSpec
from exportctl.corpus.law import Law
from exportctl.engine.requirements import Context, requirement_test
from exportctl.inputs.transfers import Transfer, precise_paragraphs

__all__: list[str] = []


@requirement_test("end_users")
def end_users(req: RequirementSpec, t: Transfer, law: Law, ctx: Context) -> Check:
    """§ 126.5(b): "for end-use in Canada by Canadian Federal or Provincial governmental
    authorities … or by a Canadian-registered person, or for return to the United States"."""
    parties = t.parties or ()
    ends = [p for p in parties if p.role == "end_user"] or [
        p for p in parties if p.role == "recipient"
    ]
    returning = t.answer(req["unless_fact"])
    facts = {"end_users": [p.label for p in ends], req["unless_fact"]: returning}
    kinds = [p.kind for p in ends]
    if returning is True:
        return make_check("pass", "for return to the United States", facts)
    if ends and all(k in req["kinds"] for k in kinds):
        return make_check("pass", "every end user is a Canadian government or registrant", facts)
    if any(k is not None and k not in req["kinds"] for k in kinds) and returning is False:
        return make_check("fail", "an end user is not a Canadian government or registrant", facts)
    missing = (["parties"] if not ends or None in kinds else []) + (
        [req["unless_fact"]] if returning is None else []
    )
    return make_check(
        "unknown", "the end users (or return to the U.S.) are not known", facts, tuple(missing)
    )


@requirement_test("sme_assurances")
def sme_assurances(req: RequirementSpec, t: Transfer, law: Law, ctx: Context) -> Check:
    """§ 126.5(b): significant military equipment needs non-transfer and use assurances."""
    ref = t.usml_classification
    # A reference above the leaf stands for some paragraph beneath it: SME if all of them are.
    leaves = precise_paragraphs(law.usml, ref) if ref is not None else ()
    smes = {law.usml.get(p).sme for p in leaves}
    value = t.answer(req["fact"])
    sme = next(iter(smes)) if len(smes) == 1 else None
    facts = {"sme": sme, req["fact"]: value}
    if ref is None or not smes:
        return make_check(
            "unknown", "SME depends on the USML paragraph", facts, ("usml_classification",)
        )
    if sme is False:
        return make_check("pass", "not significant military equipment", facts)
    if value is True:
        return make_check("pass", "SME assurances", facts)
    if sme is None:
        missing = ("usml_classification", *([] if value is False else [req["fact"]]))
        return make_check(
            "unknown",
            f"{ref} stands for some paragraph beneath it, some of them SME: which paragraph?",
            facts,
            missing,
        )
    if value is None:
        return make_check("unknown", "SME: assurances needed", facts, (req["fact"],))
    return make_check("fail", "SME assurances", facts)
