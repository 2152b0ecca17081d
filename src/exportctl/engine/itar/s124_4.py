"""The deadlines of 22 CFR 124.4-124.6, as dates when the dates they count from are known.

* § 124.4(a): one copy of the concluded agreement "not later than 30 days after it enters into
  force" (the transmittal statement of § 124.12(b)(3) counts 30 days "from the date that the
  agreement is concluded": when both dates are known the plan gives the earlier);
  the status notice when an approved agreement is not concluded within one year of approval;
  § 124.4(b): the written statement that accompanies the filing for licensed production abroad.
* § 124.5: notice within 60 days of a decision not to conclude an approved agreement.
* § 124.6: notice of the impending termination "not less than 30 days prior to the expiration
  date": due on or before the expiration date less 30 days.

The planner computes dates; it does not know whether a filing was made.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import attrs

from exportctl.engine.itar.part124 import Context, Item, SectionResult, evaluate, section_rules
from exportctl.inputs.agreements import Period

__all__ = ["due_date", "evaluate_124_4_to_6"]

#: The events a deadline counts from (or to), as facts of the agreement.
_EVENTS = {
    "entry_into_force": "start_date",
    "approval": "approval_date",
    "decision_not_to_conclude": "decision_not_to_conclude_date",
    "expiration": "expiration_date",
    "concluded": "concluded_date",
}


def due_date(deadline: Mapping[str, Any], event: dt.date) -> dt.date:
    """The last day of a deadline counted from (``after``) or to (``before``) ``event``."""
    if "years" in deadline:
        moved = Period(years=deadline["years"]).after(event)
        return moved if "after" in deadline else event - (moved - event)
    delta = dt.timedelta(days=deadline["days"])
    return event + delta if "after" in deadline else event - delta


def _with_due(ctx: Context, item: Item, deadline: Mapping[str, Any]) -> Item:
    anchor: str = deadline.get("after") or deadline["before"]
    fact = _EVENTS.get(anchor, anchor)
    event = ctx.fact(fact)
    relation = "after" if "after" in deadline else "before"
    when = f"{deadline['written']} {relation} {anchor.replace('_', ' ')}"
    if event is None:
        return attrs.evolve(item, detail=f"due {when} (the date is not known yet)")
    due = due_date(deadline, event)
    detail = f"due by {due} ({when}: {event})"
    if deadline.get("at_least"):
        detail = f"due on or before {due} (not less than {when}: {event})"
    if anchor == "entry_into_force":
        concluded = ctx.fact("concluded_date")
        if concluded is not None:
            other = concluded + dt.timedelta(days=deadline["days"])
            if other < due:
                due = other
                detail = (
                    f"due by {due}: {deadline['written']} after it was concluded ({concluded}), "
                    f"earlier than {deadline['written']} after entry into force ({event}); "
                    "§ 124.12(b)(3) counts from conclusion, § 124.4(a) from entry into force"
                )
    if deadline.get("if_not"):
        done = ctx.fact(_EVENTS.get(deadline["if_not"], deadline["if_not"]))
        if done is not None and done <= due:
            return attrs.evolve(
                item,
                status="not_required",
                detail=f"concluded on {done}, within {deadline['written']} of approval",
            )
        detail = (
            f"if the agreement is not concluded by {due}: written notice then, and status "
            "reports until it is concluded or a decision not to conclude it is notified"
        )
    return attrs.evolve(item, due=due, detail=detail)


def evaluate_124_4_to_6(ctx: Context) -> SectionResult:
    """The filings of §§ 124.4, 124.5 and 124.6 with their due dates."""
    items: list[Item] = []
    for key in ("124.4", "124.5", "124.6"):
        for rule in section_rules(ctx, key):
            item = evaluate(ctx, rule)
            deadline = rule.get("deadline")
            if deadline and item.status == "required":
                item = _with_due(ctx, item, deadline)
            items.append(item)
    return SectionResult(tuple(items))
