"""Hypothesis strategies for agreements under 22 CFR part 124 (see :mod:`exportctl.testing`).

Agreements are drawn as their JSON form and parsed by
:func:`exportctl.inputs.agreements.agreement_from_mapping`, so every one is valid under the law it
is drawn for: real USML paragraphs, countries the data knows, party kinds the rules name, facts
that never contradict each other (a duration and no separate expiration date; ``sme`` true
whenever a paragraph carries an asterisk; sublicensees only with rights to sub-license).

* :func:`agreement_parties` — foreign signatories or sublicensees (name, country, kind).
* :func:`territories` — a territory: countries, a named set (``nato``), or both.
* :func:`agreements` — an :class:`~exportctl.inputs.agreements.Agreement`, partial or
  ``complete`` (every fact the agreement rules read is known).
* :func:`fewer_agreement_facts` — the same agreement with some facts forgotten.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import attrs
from hypothesis import strategies as st

from exportctl.corpus.regulations import Regulations
from exportctl.inputs.agreements import Agreement, agreement_from_mapping
from exportctl.testing.items import _regs, usml_references

__all__ = [
    "AGREEMENT_COUNTRIES",
    "agreement_parties",
    "agreements",
    "fewer_agreement_facts",
    "territories",
]

#: Countries drawn by default: NATO members of long standing (DE, FR, NO), members that joined
#: during the years drawn (FI 2023-04-04, SE 2024-03-07), North Macedonia (2020-03-27), EU but not
#: NATO (AT, IE), the named countries of § 126.18(d)(2) and § 123.15(a)(2) (AU, JP, CH, IL),
#: others (IN, SG, UA), and § 126.1 countries (CN, (d)(1); CY, (d)(2) with its dated suspension).
AGREEMENT_COUNTRIES: tuple[str, ...] = (
    "DE",
    "FR",
    "NO",
    "GB",
    "FI",
    "SE",
    "MK",
    "AT",
    "IE",
    "AU",
    "JP",
    "CH",
    "IL",
    "IN",
    "SG",
    "UA",
    "CN",
    "CY",
)
_NAMES = (
    "Nordic Sensors AB",
    "Rhein Avionik GmbH",
    "Kansai Denshi K.K.",
    "Southern Cross Pty",
    "Ministry of Defence",
    "Example Trading Co.",
)
_KINDS = ("company", "government", "international_organization")
_TEXT = ("none", "unclassified", "Contract N00019-21-C-0001", "confidential")


def _countries(regs: Regulations, countries: Iterable[str] | None) -> tuple[str, ...]:
    chosen = tuple(regs.countries.get(c).iso2 for c in (countries or AGREEMENT_COUNTRIES))
    if not chosen:
        raise ValueError("countries is empty: give at least one ISO 3166-1 alpha-2 code")
    return chosen


def agreement_parties(
    regs: Regulations | None = None,
    *,
    countries: Iterable[str] | None = None,
    min_size: int = 0,
    max_size: int = 3,
) -> st.SearchStrategy[list[dict[str, Any]]]:
    """Foreign parties in their JSON form (``{"name", "country", "kind"}``)."""
    pool = _countries(_regs(regs), countries)
    one = st.fixed_dictionaries(
        {
            "name": st.sampled_from(_NAMES),
            "country": st.sampled_from(pool),
            "kind": st.sampled_from(_KINDS),
        }
    )
    return st.lists(one, min_size=min_size, max_size=max_size)


def territories(
    regs: Regulations | None = None, *, countries: Iterable[str] | None = None
) -> st.SearchStrategy[list[str]]:
    """A territory in its JSON form: some countries, ``nato``, or both (never empty)."""
    pool = _countries(_regs(regs), countries)
    return st.one_of(
        st.lists(st.sampled_from(pool), min_size=1, max_size=4, unique=True),
        st.just(["nato"]),
        st.lists(st.sampled_from(pool), min_size=1, max_size=2, unique=True).map(
            lambda cs: ["nato", *cs]
        ),
    )


@st.composite
def _agreement(
    draw: st.DrawFn,
    regs: Regulations,
    complete: bool,
    kinds: tuple[str, ...],
    countries: tuple[str, ...],
    start_from: dt.date,
    start_until: dt.date,
) -> Agreement:
    kind = draw(st.sampled_from(kinds))
    refs = draw(st.lists(usml_references(regs), min_size=1, max_size=2, unique=True))
    sme_refs = any(regs.usml.get(r).sme for r in refs)
    signatories = draw(agreement_parties(regs, countries=countries, min_size=1, max_size=2))
    sublicensees = draw(agreement_parties(regs, countries=countries, max_size=1))
    us_subs = draw(st.lists(st.just({"name": "Acme Services LLC", "kind": "company"}), max_size=1))
    start = draw(st.dates(start_from, start_until))
    handling = draw(st.sampled_from(("126.18(a)-(c)", "126.18(d)", "124.8(a)(5)", "none")))
    mde = draw(st.booleans())
    amendment = draw(st.booleans())
    facts: dict[str, Any] = {
        "kind": kind,
        "applicant_registered": draw(st.sampled_from((True, True, True, False))),
        "applicant_registration_number": "M-12345",
        "foreign_signatories": signatories,
        "foreign_sublicensees": sublicensees,
        "us_sublicensees": us_subs,
        "grants_sublicense_rights": bool(sublicensees or us_subs) or draw(st.booleans()),
        "usml_paragraphs": [str(r) for r in refs],
        "defense_articles": ["AN/XYZ-1 receiver"],
        "technical_data": draw(st.booleans()),
        "defense_services": draw(st.booleans()),
        "manufacturing_abroad": draw(st.booleans()),
        "sme": True if sme_refs else draw(st.booleans()),
        "classified": draw(st.sampled_from((False, False, False, True))),
        "mde": mde,
        "mde_value": draw(st.integers(0, 40_000_000)) if mde else None,
        "territory": draw(territories(regs, countries=countries)),
        "start_date": start.isoformat(),
        "duration": draw(st.sampled_from(("P1Y", "P3Y6M", "P5Y", "P10Y", "P10Y1D", "P12Y"))),
        "value": draw(st.integers(0, 150_000_000)),
        "dn_tcn_handling": handling,
        "dn_tcn_nationalities": draw(
            st.lists(st.sampled_from(countries), min_size=1, max_size=3, unique=True)
        ),
        "dn_tcn_locations": draw(
            st.lists(st.sampled_from(countries), min_size=1, max_size=2, unique=True)
        ),
        "dn_tcn_regular_employees": draw(st.booleans()),
        "dn_tcn_permanent_hardware": draw(st.booleans()),
        "domestic_law_prevents_126_18_d": draw(st.booleans()),
        "dn_tcn_clearance_or_screening": draw(
            st.sampled_from(("126.18(c)(1)", "126.18(c)(2)", "neither"))
        ),
        "usg_contract": draw(st.sampled_from(_TEXT)),
        "security_classification": draw(st.sampled_from(_TEXT)),
        "patent_secrecy_order": draw(st.booleans()),
        "fms_financing": draw(st.booleans()),
        "proposed_variations": draw(st.booleans()),
        "is_amendment": amendment,
        "minor_amendment": draw(st.booleans()) if amendment else False,
        "signed_before_submission": draw(st.booleans()),
        "exports_under_exemption": draw(st.booleans()),
        "us_verification_access": draw(st.booleans()),
        "private_distribution": draw(st.booleans()),
    }
    if draw(st.booleans()):
        facts["concluded_date"] = (start - dt.timedelta(days=draw(st.integers(0, 60)))).isoformat()
    if draw(st.booleans()):
        facts["approval_date"] = (start - dt.timedelta(days=draw(st.integers(1, 90)))).isoformat()
    if not complete:
        for name in list(facts):
            if name != "kind" and draw(st.sampled_from((False, False, True))):
                del facts[name]
    raw = {
        "agreement_id": draw(st.sampled_from(("TAA-1", "MLA-7", "WDA-3", "A-2026-01"))),
        "applicant_name": "Acme Radar Inc.",
        **facts,
    }
    return agreement_from_mapping(raw, regs)


def agreements(
    regs: Regulations | None = None,
    *,
    complete: bool = False,
    kinds: Iterable[str] = ("TAA", "MLA", "WDA"),
    countries: Iterable[str] | None = None,
    start_from: dt.date = dt.date(2019, 1, 1),
    start_until: dt.date = dt.date(2026, 12, 31),
) -> st.SearchStrategy[Agreement]:
    """An agreement valid under ``regs`` (default: the law as of today).

    ``complete``: every fact the agreement rules read is given (the term as a duration, no
    separate expiration date); otherwise any fact but the kind may be left unknown.  Parties,
    the territory and employees' nationalities are drawn from ``countries`` (default
    :data:`AGREEMENT_COUNTRIES`, which includes § 126.1 countries), start dates from
    ``start_from`` to ``start_until``."""
    law = _regs(regs)
    return _agreement(
        law, complete, tuple(kinds), _countries(law, countries), start_from, start_until
    )


@st.composite
def _fewer(draw: st.DrawFn, agreement: Agreement) -> Agreement:
    names = sorted(agreement.facts)
    forget = (
        draw(
            st.lists(
                st.sampled_from(names), min_size=1, max_size=max(1, len(names) // 3), unique=True
            )
        )
        if names
        else []
    )
    facts = {k: v for k, v in agreement.facts.items() if k not in forget}
    derived = {k: v for k, v in agreement.derived.items() if k not in forget}
    return attrs.evolve(agreement, facts=facts, derived=derived)


def fewer_agreement_facts(agreement: Agreement) -> st.SearchStrategy[Agreement]:
    """The same agreement with at least one known fact forgotten (never a fact changed)."""
    return _fewer(agreement)
