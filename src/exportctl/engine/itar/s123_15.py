"""22 CFR 123.15(a): the amounts at which Congress must be certified before a license or
approval, as § 126.7(b)(4) reads them ("… would require congressional certification").

The amounts and their comparators ("$14,000,000 or more") are data (data/law/itar/123_15.json),
each checked against its quote by the data build; the comparison is
:func:`exportctl.core.comparators.compare`.  A reference above the leaf keeps an amount of
§ 123.15(a)(3) (Category I (a)-(g)) open when the paragraph could be beneath it.
"""

from __future__ import annotations

from typing import Any

from exportctl.core.comparators import compare
from exportctl.core.results import Check, Status, make_check
from exportctl.corpus.exemptions import RequirementSpec
from exportctl.corpus.law import Law
from exportctl.corpus.references import parse_usml
from exportctl.engine.requirements import Context, country_set, requirement_test
from exportctl.inputs.transfers import Transfer, reference_within

__all__ = ["certification_amounts"]

AMOUNTS_KEY = "123.15(a)"


def _amount(row: dict[str, Any], applies_to: str) -> dict[str, Any] | None:
    return next((a for a in row["amounts"] if a["applies_to"] == applies_to), None)


def _reaches(value: int, amount: dict[str, Any]) -> bool:
    return compare(value, amount["amount"], amount["comparator"])


def certification_amounts(transfer: Transfer, law: Law) -> tuple[Status, list[str], str]:
    """Would the value require congressional certification under § 123.15(a)?  ``fail`` when
    an amount is reached, ``unknown`` with the facts needed, ``pass`` below every amount."""
    data = law.exemptions.amounts[AMOUNTS_KEY]
    if transfer.to_country in data["not_for_destinations"]:
        return "pass", [], data["not_for_destinations_reason"]
    applicable = []
    maybe = []  # rows that apply to some of the paragraphs a vague reference stands for
    for row in data["rows"]:
        if "usml_within" in row:
            ref = transfer.usml_classification
            if ref is None:
                return "unknown", ["usml_classification"], "§ 123.15(a)(3) depends on the paragraph"
            within = {reference_within(ref, parse_usml(r)) for r in row["usml_within"]}
            if True in within:
                applicable.append(row)
            elif None in within:
                maybe.append(row)
        elif transfer.to_country is None:
            return "unknown", ["to_country"], "the amounts depend on the destination"
        else:
            in_group = transfer.to_country in country_set("itar_123_15_a_2", law)[0]
            if (row["destinations"] == "itar_123_15_a_2") == in_group:
                applicable.append(row)
    value = transfer.value_usd
    if value is None:
        return "unknown", ["value_usd"], "the value is needed"
    mde = transfer.answer("major_defense_equipment")
    for row in applicable:
        general = _amount(row, "defense_articles_and_services")
        major = _amount(row, "major_defense_equipment")
        limit = general
        if major is not None:
            if mde is None and _reaches(value, major):
                return "unknown", ["major_defense_equipment"], f"{row['id']} depends on MDE"
            if mde:
                limit = major
        assert limit is not None
        if _reaches(value, limit):
            return (
                "fail",
                [],
                f"${value:,} reaches {row['id']} (${limit['amount']:,} {limit['comparator']})",
            )
    for row in maybe:
        lowest = min(row["amounts"], key=lambda a: a["amount"])
        if _reaches(value, lowest):
            return (
                "unknown",
                ["usml_classification"],
                f"${value:,} reaches {row['id']} (${lowest['amount']:,}) if the article is in "
                f"{', '.join(row['usml_within'])}: {transfer.usml_classification} stands for some "
                "paragraph beneath it — which one?",
            )
    return "pass", [], f"${value:,} is below the § 123.15(a) amounts"


@requirement_test("value_and_sme_manufacturing")
def value_and_sme_manufacturing(
    req: RequirementSpec, t: Transfer, law: Law, ctx: Context
) -> Check:
    """§ 126.7(b)(4): no congressional certification under § 123.15 and no manufacturing abroad
    of significant military equipment (§ 124.11)."""
    sme = t.answer("manufacturing_abroad_sme")
    facts = {
        "value_usd": t.value_usd,
        "major_defense_equipment": t.answer("major_defense_equipment"),
        "manufacturing_abroad_sme": sme,
    }
    status, missing, detail = certification_amounts(t, law)
    if status == "fail":
        return make_check(status, detail, facts)
    if sme is True:
        return make_check("fail", "involves manufacturing abroad of SME", facts)
    if sme is None:
        return make_check("unknown", detail, facts, (*missing, "manufacturing_abroad_sme"))
    return make_check(status, detail, facts, tuple(missing))
