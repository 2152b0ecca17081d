"""Transfers and parties: the facts the ITAR exemptions (§ 126.7, § 126.5) and § 126.1 read.

JSON form (one object per transfer; JSON lines for batches)::

    {"transfer_id": "T-1", "activity": "export", "transfer_kind": "article",
     "usml_classification": "XI(a)(3)(xviii)", "related_to": null, "specially_designed_for": [],
     "from_country": "US", "to_country": "AU", "transit_countries": [], "value_usd": 2500000,
     "parties": [
       {"role": "transferor", "name": "Acme Radar", "country": "US", "kind": "us_person",
        "ddtc_registered": true, "not_debarred": true, "eligible_120_16": true},
       {"role": "recipient", "country": "AU", "kind": "other", "authorized_user": true}],
     "answers": {"classified": false, "anti_tamper_dod_ppp": false,
                 "transferor_complies_123_9_b": true, "manufacturing_abroad_sme": false}}

CSV form: the same scalar fields as columns (lists separated by ``;``, ``none`` for an empty
list), each party of the roles transferor, recipient, broker and end_user as columns
``<role>_country``, ``<role>_kind``, ``<role>_ddtc_registered``, ``<role>_not_debarred``,
``<role>_eligible_120_16``, ``<role>_authorized_user``, ``<role>_registered_129_3``, and one
column per answer.  Unknown is blank (JSON ``null``); see docs/aukus.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any, Literal

import attrs

from .dataset import load_json
from .facts import FactError, parse_bool, parse_refs, parse_text
from .references import USMLRef, parse_usml

__all__ = [
    "ACTIVITIES",
    "PARTY_KINDS",
    "PARTY_ROLES",
    "Party",
    "Transfer",
    "transfer_fact_ids",
    "transfer_from_csv_row",
    "transfer_from_mapping",
]

ACTIVITIES = (
    "export",
    "reexport",
    "retransfer",
    "temporary_import",
    "defense_service",
    "brokering",
)
TRANSFER_KINDS = ("article", "technical_data", "defense_service")
PARTY_ROLES = ("transferor", "recipient", "broker", "intermediate_consignee", "end_user")
PARTY_KINDS = (
    "us_person",
    "us_government",
    "uk_government",
    "au_government",
    "canadian_government",
    "canadian_registered_person",
    "other",
)
PARTY_FLAGS = (
    "ddtc_registered",
    "not_debarred",
    "eligible_120_16",
    "authorized_user",
    "registered_129_3",
)
CSV_ROLES = ("transferor", "recipient", "broker", "end_user")
SCALARS = (
    "transfer_id",
    "description",
    "activity",
    "transfer_kind",
    "usml_classification",
    "related_to",
    "specially_designed_for",
    "from_country",
    "to_country",
    "transit_countries",
    "value_usd",
)


@attrs.frozen
class Party:
    role: str
    country: str | None = None
    kind: str | None = None
    name: str = ""
    ddtc_registered: bool | None = None
    not_debarred: bool | None = None
    eligible_120_16: bool | None = None
    authorized_user: bool | None = None
    registered_129_3: bool | None = None

    def flag(self, name: str) -> bool | None:
        value: bool | None = getattr(self, name)
        return value

    @property
    def label(self) -> str:
        return f"{self.role}{' ' + self.name if self.name else ''} ({self.country or '?'})"


@attrs.frozen
class Transfer:
    """One transfer.  ``None`` everywhere means "not known"."""

    transfer_id: str
    description: str = ""
    activity: str | None = None
    transfer_kind: str | None = None
    usml_classification: USMLRef | None = None
    related_to: tuple[USMLRef, ...] | None = None
    specially_designed_for: tuple[USMLRef, ...] | None = None
    from_country: str | None = None
    to_country: str | None = None
    transit_countries: tuple[str, ...] | None = None
    value_usd: int | None = None
    parties: tuple[Party, ...] | None = None
    answers: Mapping[str, Any] = attrs.field(factory=dict)

    def answer(self, fact: str) -> Any:
        return self.answers.get(fact)

    def countries(self) -> tuple[str | None, ...]:
        """Every country the transfer touches: path, transit and parties (None = unknown)."""
        out: list[str | None] = [self.from_country, self.to_country]
        out.extend(self.transit_countries or ())
        out.extend(p.country for p in self.parties or ())
        return tuple(dict.fromkeys(out))

    def with_answer(self, fact: str, value: Any) -> Transfer:
        if fact in SCALARS:
            return attrs.evolve(self, **{fact: value})
        return attrs.evolve(self, answers={**self.answers, fact: value})


@lru_cache(maxsize=1)
def transfer_fact_ids() -> dict[str, dict[str, Any]]:
    """Every fact a transfer may answer, with its question: exemptions, ETL and Supp. No. 1."""
    facts: dict[str, dict[str, Any]] = {}
    for name in ("supp1.json", "etl.json"):
        for key, value in load_json(name)["facts"].items():
            facts[key] = {"citation": "22 CFR part 126, " + load_json(name)["supplement"], **value}
    facts.update(load_json("exemptions.json")["facts"])
    return facts


def _country(field: str, value: Any) -> str | None:
    text = parse_text(field, value)
    if text is None:
        return None
    code = text.upper()
    if len(code) != 2 or not code.isalpha():
        raise FactError(field, f"{value!r} is not an ISO 3166-1 alpha-2 code (e.g. AU, GB, US)")
    from .countries import UnknownCountry, load_countries

    try:
        return load_countries().get(code).iso2
    except UnknownCountry as exc:
        raise FactError(field, str(exc)) from exc


def _countries(field: str, value: Any) -> tuple[str, ...] | None:
    if value is None:
        return None
    if isinstance(value, str):
        if not value.strip():
            return None
        if value.strip().lower() == "none":
            return ()
        items = [v for v in (p.strip() for p in value.split(";")) if v]
    elif isinstance(value, (list, tuple)):
        items = [str(v) for v in value]
    else:
        raise FactError(field, f"expected a list of country codes or 'none', got {value!r}")
    return tuple(c for c in (_country(field, i) for i in items) if c)


def _choice(field: str, value: Any, allowed: tuple[str, ...]) -> str | None:
    text = parse_text(field, value)
    if text is None:
        return None
    norm = text.lower().replace("-", "_").replace(" ", "_")
    if norm not in allowed:
        raise FactError(field, f"{value!r} is not one of {', '.join(allowed)}")
    return norm


def _party(raw: Mapping[str, Any], where: str) -> Party:
    role = _choice(f"{where}.role", raw.get("role"), PARTY_ROLES)
    if role is None:
        raise FactError(f"{where}.role", f"is required: one of {', '.join(PARTY_ROLES)}")
    extra = set(raw) - {"role", "country", "kind", "name", *PARTY_FLAGS}
    if extra:
        raise FactError(f"{where}.{sorted(extra)[0]}", "is not a party field")
    return Party(
        role=role,
        country=_country(f"{where}.country", raw.get("country")),
        kind=_choice(f"{where}.kind", raw.get("kind"), PARTY_KINDS),
        name=parse_text(f"{where}.name", raw.get("name")) or "",
        **{f: parse_bool(f"{where}.{f}", raw.get(f)) for f in PARTY_FLAGS},
    )


def _value(field: str, value: Any) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        amount = float(str(value).replace(",", "").replace("$", ""))
    except ValueError as exc:
        raise FactError(field, f"{value!r} is not an amount in U.S. dollars") from exc
    if amount < 0:
        raise FactError(field, "cannot be negative")
    return round(amount)


def _answers(raw: Mapping[str, Any]) -> dict[str, Any]:
    facts = transfer_fact_ids()
    out: dict[str, Any] = {}
    for key, value in raw.items():
        parsed: Any
        spec = facts.get(key)
        if spec is None or spec.get("type") == "structural" or "." in key:
            raise FactError(key, "is not a transfer field or a question (see docs/aukus.md)")
        if spec["type"] == "bool":
            parsed = parse_bool(key, value)
        elif spec["type"] == "number":
            parsed = _value(key, value)
        elif spec["type"] == "enum":
            parsed = _choice(key, value, tuple(spec["values"]))
        else:
            parsed = parse_text(key, value)
        if parsed is not None:
            out[key] = parsed
    return out


def transfer_from_mapping(raw: Mapping[str, Any]) -> Transfer:
    """A transfer from its JSON form; bad values raise FactError naming the field."""
    if not isinstance(raw, Mapping):
        raise FactError("transfer", f"expected a JSON object, got {type(raw).__name__}")
    parties_raw = raw.get("parties")
    parties: tuple[Party, ...] | None = None
    if parties_raw is not None:
        if not isinstance(parties_raw, list):
            raise FactError("parties", "expected a list of party objects")
        parties = tuple(_party(p, f"parties[{i}]") for i, p in enumerate(parties_raw))
    answers = dict(raw.get("answers") or {})
    answers.update({k: v for k, v in raw.items() if k not in (*SCALARS, "parties", "answers")})
    return _transfer(raw, parties, answers)


def transfer_from_csv_row(row: Mapping[str, Any]) -> Transfer:
    """A transfer from one CSV row (parties as <role>_<field> columns)."""
    if None in row:
        raise FactError("row", "has more cells than the header has columns")
    parties = []
    used: set[str] = set()
    for role in CSV_ROLES:
        cols = {f: f"{role}_{f}" for f in ("country", "kind", *PARTY_FLAGS)}
        used |= set(cols.values())
        values = {f: row.get(c) for f, c in cols.items()}
        if any(v not in (None, "") for v in values.values()):
            parties.append(_party({"role": role, **values}, role))
    answers = {k: v for k, v in row.items() if k not in (*SCALARS, *used)}
    has_party_columns = any(c in row for c in used)
    return _transfer(row, tuple(parties) if has_party_columns else None, answers)


def _transfer(
    raw: Mapping[str, Any], parties: tuple[Party, ...] | None, answers: Mapping[str, Any]
) -> Transfer:
    transfer_id = parse_text("transfer_id", raw.get("transfer_id"))
    if transfer_id is None:
        raise FactError("transfer_id", "is required")
    usml = parse_text("usml_classification", raw.get("usml_classification"))
    try:
        usml_ref = parse_usml(usml) if usml else None
    except ValueError as exc:
        raise FactError("usml_classification", str(exc)) from exc
    return Transfer(
        transfer_id=transfer_id,
        description=parse_text("description", raw.get("description")) or "",
        activity=_choice("activity", raw.get("activity"), ACTIVITIES),
        transfer_kind=_choice("transfer_kind", raw.get("transfer_kind"), TRANSFER_KINDS),
        usml_classification=usml_ref,
        related_to=parse_refs("related_to", raw.get("related_to"), parse_usml),
        specially_designed_for=parse_refs(
            "specially_designed_for", raw.get("specially_designed_for"), parse_usml
        ),
        from_country=_country("from_country", raw.get("from_country")),
        to_country=_country("to_country", raw.get("to_country")),
        transit_countries=_countries("transit_countries", raw.get("transit_countries")),
        value_usd=_value("value_usd", raw.get("value_usd")),
        parties=parties,
        answers=_answers(answers),
    )


Activity = Literal[
    "export", "reexport", "retransfer", "temporary_import", "defense_service", "brokering"
]
