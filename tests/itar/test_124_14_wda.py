"""22 CFR 124.14: warehousing and distribution agreements — unclassified only ((a)), the
statements of (c) and, for significant military equipment, (d), the DSP-83 of (b)(4)."""

from __future__ import annotations

from collections.abc import Callable

from exportctl.engine.agreements import AgreementPlan


def test_a_classified_wda_cannot_be_approved(planned: Callable[..., AgreementPlan]) -> None:
    p = planned(kind="WDA", classified=True, private_distribution=False)
    item = p.item("22 CFR 124.14(a) (unclassified only)")
    assert item.status == "fail" and "limited to unclassified" in item.detail
    assert p.status == "not_approvable"
    ok = planned(kind="WDA", classified=False, private_distribution=False)
    assert ok.item("22 CFR 124.14(a) (unclassified only)").status == "met"
    assert ok.status == "complete"


def test_wda_statements_and_sme(planned: Callable[..., AgreementPlan]) -> None:
    p = planned(kind="WDA", private_distribution=False)  # XI(a)(3)(xviii): SME
    assert all(p.item(f"22 CFR 124.14(c)({n})").status == "required" for n in range(1, 10))
    assert p.item("22 CFR 124.14(d)(1)").status == "required"
    assert [s.party for s in p.signatures if s.citation == "22 CFR 124.14(b)(4)"] == [
        "the foreign end-user"
    ]
    private = planned(kind="WDA", private_distribution=True)
    assert private.item("22 CFR 124.14(c)(9)").status == "not_required"  # "Unless ..."


def test_taa_rules_do_not_apply_to_a_wda(planned: Callable[..., AgreementPlan]) -> None:
    p = planned(kind="WDA", private_distribution=False)
    assert p.item("22 CFR 124.12(b)(1)").status == "not_required"
    assert p.item("22 CFR 124.14(f)(1)").status == "required"
    assert p.item("22 CFR 126.18(d)").status == "not_required"
