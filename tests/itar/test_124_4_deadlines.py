"""The deadlines of 22 CFR 124.4-124.6 and 124.1(d), as dates, on both sides."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from exportctl.engine.agreements import AgreementPlan
from exportctl.engine.itar.s124_4 import due_date


def test_concluded_agreement_within_30_days_after_entry_into_force(
    planned: Callable[..., AgreementPlan],
) -> None:
    item = planned(start_date="2025-01-01").item("22 CFR 124.4(a)")
    assert item.due == dt.date(2025, 1, 31)  # "not later than 30 days after it enters into force"
    assert "30 days after entry into force" in item.detail


def test_the_earlier_of_conclusion_and_entry_into_force(
    planned: Callable[..., AgreementPlan],
) -> None:
    item = planned(start_date="2025-01-01", concluded_date="2024-12-20").item("22 CFR 124.4(a)")
    assert item.due == dt.date(2025, 1, 19)  # 30 days from conclusion (§ 124.12(b)(3))
    later = planned(start_date="2025-01-01", concluded_date="2025-01-02").item("22 CFR 124.4(a)")
    assert later.due == dt.date(2025, 1, 31)


def test_status_notice_one_year_after_approval_unless_concluded(
    planned: Callable[..., AgreementPlan],
) -> None:
    rule = "22 CFR 124.4(a) (status if not concluded)"
    open_ = planned(approval_date="2024-12-01").item(rule)
    assert open_.status == "required" and open_.due == dt.date(2025, 12, 1)
    on_time = planned(approval_date="2024-12-01", concluded_date="2025-12-01").item(rule)
    assert on_time.status == "not_required"  # concluded on the last day of the year
    late = planned(approval_date="2024-12-01", concluded_date="2025-12-02").item(rule)
    assert late.status == "required"


def test_decision_not_to_conclude_within_60_days(planned: Callable[..., AgreementPlan]) -> None:
    item = planned(approval_date="2025-02-01", decision_not_to_conclude_date="2025-03-01").item(
        "22 CFR 124.5"
    )
    assert item.status == "required" and item.due == dt.date(2025, 4, 30)
    unapproved = planned(decision_not_to_conclude_date="2025-03-01").item("22 CFR 124.5")
    assert unapproved.status == "not_required"  # "only if the approval ... was obtained"


def test_termination_notice_not_less_than_30_days_before_expiration(
    planned: Callable[..., AgreementPlan],
) -> None:
    item = planned(start_date="2022-06-01", duration="P10Y").item("22 CFR 124.6")
    assert item.due == dt.date(2032, 5, 2)  # 2032-06-01 less 30 days
    assert item.detail.startswith("due on or before 2032-05-02")


def test_minor_amendment_filed_within_thirty_days(planned: Callable[..., AgreementPlan]) -> None:
    p = planned(is_amendment=True, minor_amendment=True, concluded_date="2025-03-01")
    assert p.item("22 CFR 124.1(d)").due == dt.date(2025, 3, 31)
    assert p.item("22 CFR 124.1(c)").status == "not_required"
    major = planned(is_amendment=True, minor_amendment=False)
    assert major.item("22 CFR 124.1(c)").status == "required"
    assert major.item("22 CFR 124.1(d)").status == "not_required"


def test_due_dates_count_calendar_days_and_years() -> None:
    assert due_date({"days": 30, "after": "x"}, dt.date(2024, 2, 1)) == dt.date(2024, 3, 2)
    assert due_date({"days": 30, "before": "x"}, dt.date(2024, 3, 2)) == dt.date(2024, 2, 1)
    assert due_date({"years": 1, "after": "x"}, dt.date(2024, 2, 29)) == dt.date(2025, 2, 28)
