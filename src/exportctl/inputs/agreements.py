"""Agreements (TAA, MLA, WDA under 22 CFR part 124): the facts a plan reads, parsed and validated
against the law.

JSON form (one object per agreement; JSON lines for batches)::

    {"agreement_id": "TAA-2022-017", "kind": "TAA",
     "applicant_name": "Acme Radar Inc.", "applicant_registered": true,
     "applicant_registration_number": "M-12345",
     "foreign_signatories": [{"name": "Nordic Sensors AB", "country": "SE", "kind": "company"}],
     "foreign_sublicensees": [], "us_sublicensees": [], "grants_sublicense_rights": false,
     "usml_paragraphs": ["XI(a)(3)(xviii)"], "defense_articles": ["AN/XYZ-1 receiver"],
     "technical_data": true, "defense_services": true, "manufacturing_abroad": false,
     "sme": null, "classified": false, "mde": false,
     "territory": ["nato"], "start_date": "2022-06-01", "duration": "P10Y",
     "value": 2500000, "mde_value": null,
     "dn_tcn_handling": "126.18(d)", "dn_tcn_nationalities": ["FR", "SE"]}

Every fact is named as the law's agreement rules name it (``law.agreement_rules.facts``, the
``facts`` of data/law/itar/124_*.json and 126_18.json), with its question and citation; besides
them an agreement has ``agreement_id`` (required), ``description``, ``applicant_name`` and
``provisos`` (restrictions DDTC attached or is expected to attach, recorded as given).

* **territory**: ISO 3166-1 alpha-2 codes, or a named set resolved at each date of the term —
  ``nato`` (also written ``NATO`` or ``NATO Alliance``): the North Atlantic Treaty Organization as
  22 CFR 120.23(a) defines it, "and any state not included here that has deposited an instrument
  of accession", with the dated memberships of the law's country data.
* **parties** (``foreign_signatories``, ``foreign_sublicensees``, ``us_sublicensees``): objects
  ``{"name", "country", "kind"}`` with ``kind`` one of company, government,
  international_organization; in CSV ``COUNTRY:KIND:NAME`` separated by ``;``.
* **usml_paragraphs**: paragraphs of 22 CFR 121.1 as bundled (not reserved), or the ids of
  classification decisions (``decision:<20 hex digits>``).
* **dates** ``YYYY-MM-DD``; **duration** an ISO 8601 period (``P10Y``, ``P5Y6M``, ``P90D``);
  **amounts** whole U.S. dollars as transfers write them (``2500000``, ``$2,500,000``).

CSV form: the same names as columns; lists separated by ``;``, ``none`` for an empty list; blank
is unknown.  Unknown is ``None`` everywhere, and a plan with an unknown fact is never complete.
Facts that contradict each other or the law raise :class:`ContradictoryAgreementFacts` naming
them and the paragraph (a duration that does not end on the expiration date given, § 124.7(a)(3);
``sme: false`` for an agreement covering a paragraph marked with an asterisk, § 120.36(b)(1);
sublicensees in an agreement that grants no rights to sub-license, § 124.12(b)(4); …).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

import attrs

from exportctl.core.facts import ContradictoryFacts, FactError, Question
from exportctl.corpus.countries import OutsideCoverage, UnknownCountry
from exportctl.corpus.law import Law
from exportctl.corpus.references import ReferenceSyntaxError, parse_usml
from exportctl.inputs.items import parse_bool, parse_text, shown
from exportctl.inputs.transfers import _value as _dollars

__all__ = [
    "FIELDS",
    "PARTY_LISTS",
    "TERRITORY_SETS",
    "Agreement",
    "AgreementParty",
    "ContradictoryAgreementFacts",
    "Period",
    "Territory",
    "agreement_fact_ids",
    "agreement_from_csv_row",
    "agreement_from_mapping",
    "validate_agreement",
]

#: The fields of an agreement that are not facts of the rules.
FIELDS = ("agreement_id", "description", "applicant_name", "provisos")

#: The party lists and the role of each party in them.
PARTY_LISTS: dict[str, str] = {
    "foreign_signatories": "foreign_signatory",
    "foreign_sublicensees": "foreign_sublicensee",
    "us_sublicensees": "us_sublicensee",
}

#: Named sets a territory may be written with, the country set of the law each resolves to, and
#: the paragraph that defines it.
TERRITORY_SETS: dict[str, tuple[str, str]] = {
    "nato": ("nato", "22 CFR 120.23(a)"),
    "nato alliance": ("nato", "22 CFR 120.23(a)"),
}

_ISO2 = re.compile(r"[A-Za-z]{2}")
_DECISION = re.compile(r"decision:[0-9a-f]{20}")
_PERIOD = re.compile(r"P(?!$)(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?")


class ContradictoryAgreementFacts(FactError, ContradictoryFacts):
    """Facts of an agreement that cannot all be true: names them and the paragraph."""

    def __init__(self, facts: dict[str, Any], citation: str, message: str) -> None:
        named = ", ".join(f"{k}={shown(v)}" for k, v in facts.items())
        ValueError.__init__(self, f"contradictory facts ({named}): {message} [{citation}]")
        self.field = ",".join(facts)
        self.reason = message
        self.conflict = citation
        self.citation = citation
        self.facts = dict(facts)


@attrs.frozen
class Period:
    """An ISO 8601 period of whole years, months, weeks and days (``P10Y``)."""

    years: int = 0
    months: int = 0
    days: int = 0

    def after(self, start: dt.date) -> dt.date:
        """The date this period after ``start`` (a 29 February with no match: 28 February)."""
        month = start.month - 1 + self.months
        year = start.year + self.years + month // 12
        month = month % 12 + 1
        day = start.day
        while True:
            try:
                moved = dt.date(year, month, day)
                break
            except ValueError:
                day -= 1
        return moved + dt.timedelta(days=self.days)

    def __str__(self) -> str:
        parts = [f"{n}{u}" for n, u in ((self.years, "Y"), (self.months, "M"), (self.days, "D"))]
        return (
            "P" + "".join(p for p in parts if not p.startswith("0"))
            if any((self.years, self.months, self.days))
            else "P0D"
        )


@attrs.frozen
class AgreementParty:
    """A party of the agreement other than the U.S. applicant."""

    role: str
    name: str
    country: str | None = None
    kind: str | None = None

    @property
    def label(self) -> str:
        return f"{self.name or '(unnamed)'} ({self.country or '?'}, {self.kind or '?'})"


@attrs.frozen
class Territory:
    """The territory as the input writes it: countries, and named sets (``nato``)."""

    countries: tuple[str, ...] = ()
    sets: tuple[str, ...] = ()

    @property
    def written(self) -> tuple[str, ...]:
        return (*self.sets, *self.countries)


@attrs.frozen
class Agreement:
    """One agreement.  ``None`` for a fact means "not known"."""

    agreement_id: str
    description: str = ""
    applicant_name: str = ""
    provisos: tuple[str, ...] = ()
    facts: Mapping[str, Any] = attrs.field(factory=dict)
    #: Facts the parser derived from others, with why (e.g. sme from a USML asterisk).
    derived: Mapping[str, str] = attrs.field(factory=dict)

    def fact(self, name: str) -> Any:
        """A fact by the rules' name: given, derived from another, or None (unknown)."""
        if name in self.facts:
            return self.facts[name]
        if name == "approved":
            return self.facts.get("approval_date") is not None
        if name == "decided_not_to_conclude":
            return self.facts.get("decision_not_to_conclude_date") is not None
        if name == "has_us_sublicensees":
            subs = self.facts.get("us_sublicensees")
            return None if subs is None else bool(subs)
        if name == "expiration_date":
            return self.expiration_date
        return None

    @property
    def kind(self) -> str | None:
        kind: str | None = self.facts.get("kind")
        return kind

    @property
    def territory(self) -> Territory | None:
        territory: Territory | None = self.facts.get("territory")
        return territory

    @property
    def start_date(self) -> dt.date | None:
        start: dt.date | None = self.facts.get("start_date")
        return start

    @property
    def expiration_date(self) -> dt.date | None:
        """The expiration date given, or the start date plus the duration."""
        given: dt.date | None = self.facts.get("expiration_date")
        if given is not None:
            return given
        start, duration = self.start_date, self.facts.get("duration")
        if start is None or duration is None:
            return None
        expires: dt.date = duration.after(start)
        return expires

    @property
    def term(self) -> tuple[dt.date, dt.date] | None:
        """The first and last day of the term (entry into force to expiration), if known."""
        start, end = self.start_date, self.expiration_date
        return (start, end) if start is not None and end is not None else None

    def parties(self, role: str | None = None) -> tuple[AgreementParty, ...] | None:
        """The parties of a list (``foreign_signatories`` …), or of all foreign lists; None
        when a list asked for is unknown."""
        names = [role] if role else ["foreign_signatories", "foreign_sublicensees"]
        out: list[AgreementParty] = []
        for name in names:
            found = self.facts.get(name)
            if found is None:
                return None
            out.extend(found)
        return tuple(out)


def agreement_fact_ids(law: Law) -> dict[str, Question]:
    """Every fact an agreement may give under ``law`` (the agreement rules' questions)."""
    return dict(law.agreement_rules.facts.questions)


# --- parsing ------------------------------------------------------------------------------------


def _items(field: str, value: Any) -> list[Any] | None:
    """A list from JSON, or from CSV text separated by ';' ('none': empty)."""
    if value is None:
        return None
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        if text.lower() == "none":
            return []
        return [t for t in (p.strip() for p in text.split(";")) if t]
    if isinstance(value, (list, tuple)):
        return list(value)
    raise FactError(
        field, f"expected a list (or ';'-separated text, 'none' if empty), got {shown(value)}"
    )


def _country(field: str, value: Any, law: Law) -> str:
    if not isinstance(value, str) or not _ISO2.fullmatch(value.strip()):
        raise FactError(
            field, f"{shown(value)} is not an ISO 3166-1 alpha-2 code (two ASCII letters, e.g. DE)"
        )
    try:
        return law.countries.get(value.strip().upper()).iso2
    except UnknownCountry as exc:
        raise FactError(field, str(exc)) from exc


def _countries(field: str, value: Any, law: Law) -> tuple[str, ...] | None:
    items = _items(field, value)
    if items is None:
        return None
    return tuple(dict.fromkeys(_country(field, v, law) for v in items))


def _territory(field: str, value: Any, law: Law) -> Territory | None:
    items = _items(field, value)
    if items is None:
        return None
    countries: list[str] = []
    sets: list[str] = []
    for item in items:
        name = item.strip().lower() if isinstance(item, str) else None
        if name in TERRITORY_SETS:
            key = TERRITORY_SETS[name][0]
            law.countries.membership(key)  # a set the law's country data does not hold fails
            if key not in sets:
                sets.append(key)
            continue
        code = _country(field, item, law)
        if code not in countries:
            countries.append(code)
    if not countries and not sets:
        raise FactError(field, "is empty: an agreement must identify its territory (§ 124.7(a)(4))")
    return Territory(tuple(countries), tuple(sets))


def _parties(field: str, value: Any, role: str, kinds: tuple[str, ...], law: Law) -> Any:
    items = _items(field, value)
    if items is None:
        return None
    out = []
    for n, item in enumerate(items):
        where = f"{field}[{n}]"
        if isinstance(item, str):
            head, sep, rest = item.partition(":")
            middle, sep2, tail = rest.partition(":")
            if not sep or not sep2:
                raise FactError(
                    where, f"{shown(item)} is not COUNTRY:KIND:NAME (e.g. DE:company:Acme GmbH)"
                )
            item = {"country": head.strip(), "kind": middle.strip(), "name": tail.strip()}
        if not isinstance(item, Mapping):
            raise FactError(
                where, f"expected a party object (name, country, kind), got {shown(item)}"
            )
        extra = set(item) - {"name", "country", "kind"}
        if extra:
            raise FactError(f"{where}.{sorted(map(str, extra))[0]}", "is not a party field")
        name = parse_text(f"{where}.name", item.get("name"))
        if name is None:
            raise FactError(f"{where}.name", "is required: the party's full legal name")
        raw_country = parse_text(f"{where}.country", item.get("country"))
        country = _country(f"{where}.country", raw_country, law) if raw_country else None
        kind = parse_text(f"{where}.kind", item.get("kind"))
        if kind is not None:
            kind = kind.lower().replace(" ", "_").replace("-", "_")
            kind = {"international_organisation": "international_organization"}.get(kind, kind)
            if kind not in kinds:
                raise FactError(
                    f"{where}.kind", f"{shown(item.get('kind'))} is not one of {', '.join(kinds)}"
                )
        out.append(AgreementParty(role, name, country, kind))
    return tuple(out)


def _date(field: str, value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    text = parse_text(field, value)
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise FactError(
            field, f"{shown(value)} is not a date; use YYYY-MM-DD, e.g. 2022-06-01"
        ) from None


def _period(field: str, value: Any) -> Period | None:
    if isinstance(value, Period):
        return value
    text = parse_text(field, value)
    if text is None:
        return None
    match = _PERIOD.fullmatch(text.upper())
    if match is None:
        raise FactError(
            field,
            f"{shown(value)} is not an ISO 8601 period of years, months, weeks or days "
            "(e.g. P10Y, P5Y6M, P90D)",
        )
    years, months, weeks, days = (int(g) if g else 0 for g in match.groups())
    period = Period(years, months, weeks * 7 + days)
    if period == Period():
        raise FactError(field, "is zero: an agreement must specify its duration (§ 124.7(a)(3))")
    return period


def _norm_choice(text: str) -> str:
    text = text.replace("\u2013", "-").replace("\u2014", "-")
    text = text.removeprefix("22 CFR").strip().removeprefix("§").strip()
    return "".join(text.split()).lower()


def _enum(field: str, value: Any, values: tuple[str, ...]) -> str | None:
    text = parse_text(field, value)
    if text is None:
        return None
    for allowed in values:
        if _norm_choice(allowed) == _norm_choice(text):
            return allowed
    raise FactError(field, f"{shown(value)} is not one of {', '.join(values)}")


def _usml_list(field: str, value: Any, law: Law) -> tuple[str, ...] | None:
    items = _items(field, value)
    if items is None:
        return None
    out: list[str] = []
    for n, item in enumerate(items):
        where = f"{field}[{n}]"
        text = parse_text(where, item)
        if text is None:
            raise FactError(where, "a blank entry in a list; leave it out")
        if text.lower().startswith("decision:"):
            if not _DECISION.fullmatch(text.lower()):
                raise FactError(
                    where, f"{shown(text)} is not decision:<20 hex digits> (a decision id)"
                )
            out.append(text.lower())
            continue
        try:
            ref = parse_usml(text)
        except (ReferenceSyntaxError, ValueError) as exc:
            raise FactError(
                where, f"{exc} (or name a classification decision: decision:<id>)"
            ) from exc
        try:
            usml = law.usml
        except OutsideCoverage as exc:
            raise FactError(where, f"cannot be checked on {law.as_of}: {exc}") from exc
        if ref.path:
            if not usml.exists(ref):
                raise FactError(where, f"USML {ref} does not exist in 22 CFR 121.1 (as bundled)")
            if usml.get(ref).reserved:
                raise FactError(where, f"USML {ref} is reserved: it describes no article")
        out.append(str(ref))
    return tuple(dict.fromkeys(out))


def _fact(name: str, question: Question, value: Any, law: Law) -> Any:
    if name == "territory":
        return _territory(name, value, law)
    if name == "usml_paragraphs":
        return _usml_list(name, value, law)
    kind = question.type
    if kind == "bool":
        return parse_bool(name, value)
    if kind == "enum":
        return _enum(name, value, question.values)
    if kind == "text":
        return parse_text(name, value)
    if kind == "list":
        items = _items(name, value)
        return None if items is None else tuple(parse_text(name, i) or "" for i in items if i != "")
    if kind == "countries":
        return _countries(name, value, law)
    if kind == "parties":
        kinds = law.agreement_rules.party_kinds(name)
        return _parties(name, value, PARTY_LISTS.get(name, name), kinds, law)
    if kind == "date":
        return _date(name, value)
    if kind == "period":
        return _period(name, value)
    if kind == "dollars":
        return _dollars(name, value)
    raise FactError(name, f"has a type the reader does not know ({kind})")  # pragma: no cover


def agreement_from_mapping(raw: Mapping[str, Any], law: Law) -> Agreement:
    """An agreement from its JSON form; bad values raise :class:`FactError` naming the field,
    contradictory ones :class:`ContradictoryAgreementFacts`.  Everything is checked against
    ``law``: countries, USML paragraphs, the facts its agreement rules ask."""
    if not isinstance(raw, Mapping):
        raise FactError("agreement", f"expected a JSON object, got {type(raw).__name__}")
    questions = agreement_fact_ids(law)
    derived_names = set(law.agreement_rules.derived_facts)
    facts: dict[str, Any] = {}
    for key, value in raw.items():
        if key in FIELDS:
            continue
        if not isinstance(key, str) or key not in questions:
            hint = " (it is derived from other facts)" if key in derived_names else ""
            raise FactError(
                str(key),
                f"is not an agreement field or a fact of the law's agreement rules{hint} "
                "(see docs/agreements.md)",
            )
        parsed = _fact(key, questions[key], value, law)
        if parsed is not None:
            facts[key] = parsed
    agreement_id = parse_text("agreement_id", raw.get("agreement_id"))
    if agreement_id is None:
        raise FactError("agreement_id", "is required (the agreement's own reference)")
    provisos = _items("provisos", raw.get("provisos")) or []
    agreement = Agreement(
        agreement_id=agreement_id,
        description=parse_text("description", raw.get("description")) or "",
        applicant_name=parse_text("applicant_name", raw.get("applicant_name")) or "",
        provisos=tuple(parse_text("provisos", p) or "" for p in provisos),
        facts=facts,
    )
    return validate_agreement(agreement, law)


def agreement_from_csv_row(row: Mapping[str, Any], law: Law) -> Agreement:
    """An agreement from one CSV row (the JSON names as columns), checked as
    :func:`agreement_from_mapping` checks it."""
    if None in row:
        raise FactError("row", "has more cells than the header has columns")
    return agreement_from_mapping({k: v for k, v in row.items() if v != ""}, law)


def _conflict(facts: dict[str, Any], citation: str, message: str) -> ContradictoryAgreementFacts:
    return ContradictoryAgreementFacts(facts, citation, message)


def _sme_paragraphs(agreement: Agreement, law: Law) -> tuple[str, ...]:
    out = []
    for ref in agreement.facts.get("usml_paragraphs") or ():
        if ref.startswith("decision:") or "(" not in ref:
            continue
        if law.usml.get(ref).sme:
            out.append(ref)
    return tuple(out)


def validate_agreement(agreement: Agreement, law: Law) -> Agreement:
    """The agreement with what follows from its facts derived, or an error: contradictory
    facts raise :class:`ContradictoryAgreementFacts` naming the facts and the paragraph."""
    f = dict(agreement.facts)
    derived = dict(agreement.derived)
    start, duration, expires = f.get("start_date"), f.get("duration"), f.get("expiration_date")
    if start is not None and expires is not None and expires <= start:
        raise _conflict(
            {"start_date": start.isoformat(), "expiration_date": expires.isoformat()},
            "22 CFR 124.7(a)(3)",
            "the agreement would expire before its term starts",
        )
    if start is not None and duration is not None and expires is not None:
        computed = duration.after(start)
        if expires not in (computed, computed - dt.timedelta(days=1)):
            raise _conflict(
                {
                    "start_date": start.isoformat(),
                    "duration": str(duration),
                    "expiration_date": expires.isoformat(),
                },
                "22 CFR 124.7(a)(3)",
                f"the duration from the start date ends on {computed}, not on the expiration "
                "date given; give one of them, or make them agree",
            )
    sme_refs = _sme_paragraphs(agreement, law)
    if sme_refs and f.get("sme") is False:
        raise _conflict(
            {"sme": False, "usml_paragraphs": list(sme_refs)},
            "22 CFR 120.36(b)(1)",
            f"USML {', '.join(sme_refs)} is preceded by an asterisk, so the agreement relates to "
            "significant military equipment",
        )
    if sme_refs and f.get("sme") is None:
        f["sme"] = True
        derived["sme"] = (
            f"USML {', '.join(sme_refs)} is marked with an asterisk: significant military "
            "equipment (22 CFR 120.36(b)(1))"
        )
    if f.get("is_amendment") is False and f.get("minor_amendment") is True:
        raise _conflict(
            {"is_amendment": False, "minor_amendment": True},
            "22 CFR 124.1(d)",
            "a minor amendment is an amendment",
        )
    subs = [*(f.get("foreign_sublicensees") or ()), *(f.get("us_sublicensees") or ())]
    if subs and f.get("grants_sublicense_rights") is False:
        raise _conflict(
            {"grants_sublicense_rights": False, "sublicensees": [p.name for p in subs]},
            "22 CFR 124.12(b)(4)",
            "an agreement with sublicensees grants rights to sub-license",
        )
    if subs and f.get("grants_sublicense_rights") is None:
        f["grants_sublicense_rights"] = True
        derived["grants_sublicense_rights"] = "the agreement names sublicensees"
    if f.get("mde") is False and f.get("mde_value"):
        raise _conflict(
            {"mde": False, "mde_value": f["mde_value"]},
            "22 CFR 124.11(a)",
            "a value of major defense equipment is given for an agreement that exports none",
        )
    for name in ("foreign_signatories", "foreign_sublicensees"):
        for party in f.get(name) or ():
            if party.country == "US":
                raise _conflict(
                    {f"{name}.country": "US", f"{name}.name": party.name},
                    "22 CFR 124.1(a)",
                    f"{party.name} is listed as a foreign party but located in the United "
                    "States; list U.S. persons as us_sublicensees",
                )
    if f.get("decision_not_to_conclude_date") is not None and f.get("concluded_date") is not None:
        raise _conflict(
            {
                "decision_not_to_conclude_date": f["decision_not_to_conclude_date"].isoformat(),
                "concluded_date": f["concluded_date"].isoformat(),
            },
            "22 CFR 124.5",
            "an agreement that was concluded was not decided against",
        )
    return attrs.evolve(agreement, facts=f, derived=derived)
