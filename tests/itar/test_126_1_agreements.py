"""22 CFR 126.1 in an agreement: a proscribed country in the territory (on any date of the term)
or among the foreign parties is flagged with its paragraph and never planned as approvable."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from exportctl.engine.agreements import AgreementPlan


@pytest.mark.parametrize(
    ("territory", "parties", "citation"),
    [
        (["CN"], [{"name": "X", "country": "DE", "kind": "company"}], "22 CFR 126.1(d)(1)"),
        (["DE"], [{"name": "X", "country": "IR", "kind": "company"}], "22 CFR 126.1(d)(1)"),
        (["nato", "VE"], [{"name": "X", "country": "DE", "kind": "company"}], "22 CFR 126.1(d)(1)"),
    ],
)
def test_a_proscribed_country_is_never_approvable(
    planned: Callable[..., AgreementPlan],
    territory: list[str],
    parties: list[dict[str, str]],
    citation: str,
) -> None:
    p = planned(territory=territory, foreign_signatories=parties)
    assert p.status == "not_approvable" and p.approvable is False and not p.complete
    assert [r.id for r in p.proscribed] == [citation]
    assert p.proscribed[0].status == "fail"


def test_a_sublicensee_counts(planned: Callable[..., AgreementPlan]) -> None:
    p = planned(
        foreign_sublicensees=[{"name": "Y", "country": "KP", "kind": "company"}],
        grants_sublicense_rights=True,
    )
    assert [r.facts["country"] for r in p.proscribed] == ["KP"]


@pytest.mark.parametrize(("duration", "proscribed"), [("P1Y", False), ("P2Y", True)])
def test_cyprus_suspension_over_the_term(
    planned: Callable[..., AgreementPlan], duration: str, proscribed: bool
) -> None:
    # 22 CFR 126.1(r): the policy of denial for Cyprus is suspended to 2026-09-30 in the data;
    # a term that runs past it meets the policy again (the data cannot know of a renewal)
    p = planned(
        territory=["CY"],
        foreign_signatories=[{"name": "Z", "country": "CY", "kind": "company"}],
        start_date="2025-09-30",
        duration=duration,
    )
    assert bool(p.proscribed) is proscribed
    if proscribed:
        assert p.proscribed[0].id == "22 CFR 126.1(r)"
        assert "2026-10-01" in p.proscribed[0].detail


def test_an_unknown_party_country_leaves_126_1_open(
    planned: Callable[..., AgreementPlan],
) -> None:
    p = planned(foreign_signatories=[{"name": "Somebody", "kind": "company"}])
    assert p.status == "incomplete"
    assert "foreign_signatories" in {q.id for q in p.open_questions}
