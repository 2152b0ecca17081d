"""22 CFR 125.4: the exemptions for technical data — the test of its own paragraph (c).

§ 125.4(c): "Defense services and related unclassified technical data are exempt from the
licensing requirements of this subchapter when they are to be furnished to nationals of NATO
countries, Australia, Japan and Sweden …" — ``nationals_of`` reads the recipients' nationalities
(every country in which they have held or hold citizenship or hold permanent residency, the
countries § 120.50(b) makes a release to a foreign person an export to) against the dated
country set the data names (``itar_125_4_c``: NATO on the date, with Australia, Japan and Sweden).

Every other condition of § 125.4(b)(1)-(13) and (c) is data (data/law/itar/125_4_*.json) read by
the generic tests, with the conditions of § 125.4(a), § 120.15 and § 125.1(b) they carry.
"""

from __future__ import annotations

from exportctl.core.results import Check, make_check
from exportctl.corpus.exemptions import RequirementSpec
from exportctl.corpus.law import Law
from exportctl.engine.requirements import Context, country_set, requirement_test
from exportctl.inputs.transfers import Transfer

__all__: list[str] = []


@requirement_test("nationals_of")
def nationals_of(req: RequirementSpec, t: Transfer, law: Law, ctx: Context) -> Check:
    """Every recipient is a national only of countries of the dated country set on the date;
    unknown while their nationalities are unknown."""
    allowed = country_set(req["country_set"], law)[0]
    found = t.recipient_nationalities
    facts = {"recipient_nationalities": list(found) if found is not None else None}
    if not found:
        return make_check(
            "unknown",
            "the recipients' nationalities are not known",
            facts,
            ("recipient_nationalities",),
        )
    outside = sorted(c for c in found if c not in allowed)
    if outside:
        return make_check(
            "fail", f"nationals of {', '.join(outside)}, outside the countries named", facts
        )
    return make_check("pass", f"nationals of {', '.join(found)} only", facts)
