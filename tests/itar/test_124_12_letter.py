"""22 CFR 124.12: the transmittal letter — the part 130 statement at "$500,000 or more", the
statements of (b)(1)-(4) with the applicant's name filled in, the registration number."""

from __future__ import annotations

from collections.abc import Callable

import pytest

import exportctl
from exportctl.engine.agreements import AgreementPlan

PART_130 = "22 CFR 124.12(a)(6) (part 130 statement)"


@pytest.mark.parametrize(
    ("value", "status"), [(499_999, "not_required"), (500_000, "required"), (500_001, "required")]
)
def test_part_130_statement_at_500000_or_more(
    planned: Callable[..., AgreementPlan], value: int, status: str
) -> None:
    item = planned(value=value).item(PART_130)
    assert item.status == status and item.document == "transmittal_letter"
    assert "If the value is $500,000 or more" in item.quote


def test_part_130_statement_waits_for_the_value(planned: Callable[..., AgreementPlan]) -> None:
    p = planned(value=None)
    assert p.item(PART_130).status == "unknown" and p.item(PART_130).missing == ("value",)


def test_letter_statements_are_checked_with_the_applicant_named(
    planned: Callable[..., AgreementPlan], law25: exportctl.Law
) -> None:
    rules = law25.agreement_rules
    letter = []
    for n in range(1, 5):
        rule = rules.rule(f"22 CFR 124.12(b)({n})")
        assert isinstance(rule.statement, str) and rule.statement.strip()
        text = rule.statement
        for hole in rule.placeholders:
            text = text.replace(hole, "Acme Radar Inc.")
        letter.append(text)
    letter[1] = letter[1].replace("will not permit", "will not knowingly permit")
    p = planned(drafts={"transmittal_letter": "\n\n".join(letter)})
    found = {n: p.item(f"22 CFR 124.12(b)({n})").draft for n in range(1, 5)}
    assert found == {1: "present", 2: "altered", 3: "present", 4: "present"}
    assert p.item("22 CFR 124.8(a)(1)").draft is None  # no draft agreement given


def test_an_unregistered_applicant_cannot_give_a_registration_number(
    planned: Callable[..., AgreementPlan],
) -> None:
    p = planned(applicant_registered=False)
    assert p.item("22 CFR 124.12(a)(1)").status == "fail"
    assert p.status == "not_approvable" and p.approvable is False


def test_classified_items_of_the_letter(planned: Callable[..., AgreementPlan]) -> None:
    assert planned(classified=False).item("22 CFR 124.12(a)(9)").status == "not_required"
    assert planned(classified=True).item("22 CFR 124.12(a)(9)").status == "required"
    assert planned(classified=True).item("22 CFR 124.1(b)").status == "required"
