"""Transfers and parties: the facts the ITAR exemptions (§§ 125.4, 126.4, 126.5, 126.7) and
§ 126.1 read.

JSON form (one object per transfer; JSON lines for batches)::

    {"transfer_id": "T-1", "activity": "export", "transfer_kind": "article",
     "usml_classification": "XI(a)(3)(xviii)", "related_to": null, "specially_designed_for": [],
     "from_country": "US", "to_country": "AU", "transit_countries": [], "value_usd": 2500000,
     "origin_country": "US", "recipient_nationalities": ["AU"],
     "parties": [
       {"role": "transferor", "name": "Acme Radar", "country": "US", "kind": "us_person",
        "ddtc_registered": true, "not_debarred": true, "eligible_120_16": true},
       {"role": "recipient", "country": "AU", "kind": "other", "authorized_user": true,
        "eligible_120_16": true}],
     "answers": {"classified": false, "anti_tamper_dod_ppp": false,
                 "transferor_complies_123_9_b": true, "manufacturing_abroad_sme": false}}

``origin_country`` is where the defense article or service originated (22 CFR 120.15(c));
``recipient_nationalities`` every country in which the persons who receive technical data or
defense services have held or hold citizenship or hold permanent residency (22 CFR 120.50(b),
120.51(b); § 125.4(c) "to nationals of") — never empty: every person holds a nationality.  An
answer of a list fact (e.g. ``scope_120_43``) is a list of its values (``;``-separated in CSV).

CSV form: the same scalar fields as columns (lists separated by ``;``, ``none`` for an empty
list), each party of the roles transferor, recipient, broker and end_user as columns
``<role>_country``, ``<role>_kind``, ``<role>_ddtc_registered``, ``<role>_not_debarred``,
``<role>_eligible_120_16``, ``<role>_authorized_user``, ``<role>_registered_129_3``, and one
column per answer.  Unknown is blank (JSON ``null``); see docs/aukus.md.

Every USML reference must name a category or a paragraph of 22 CFR 121.1 as bundled (not a
reserved one); a reference above the leaf (``XI``, ``XI(a)``) stands for "some paragraph beneath
it" and leaves open whatever turns on the paragraph.  Country codes are two ASCII letters;
amounts are whole U.S. dollars (``4800``, ``4,800``, ``$4,800``, ``4800.00``).  Party facts that
contradict each other (a debarred person eligible under 22 CFR 120.16) are an error.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any, Literal

import attrs

from exportctl.core.bounded import empty_table, kept_for
from exportctl.corpus.countries import UnknownCountry
from exportctl.corpus.law import Law
from exportctl.corpus.references import USMLRef, parse_usml
from exportctl.corpus.usml import UnitedStatesMunitionsList, unreserved_texts
from exportctl.inputs.items import ContradictoryFacts, FactError, parse_bool, parse_refs, parse_text

__all__ = [
    "ACTIVITIES",
    "MAX_VALUE_USD",
    "PARTY_KINDS",
    "PARTY_ROLES",
    "ContradictoryPartyFacts",
    "Party",
    "Transfer",
    "party_conflicts",
    "precise_paragraphs",
    "reference_within",
    "transfer_fact_ids",
    "transfer_from_csv_row",
    "transfer_from_mapping",
    "validate_transfer",
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
    "origin_country",
    "recipient_nationalities",
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
    origin_country: str | None = None
    recipient_nationalities: tuple[str, ...] | None = None

    def answer(self, fact: str) -> Any:
        return self.answers.get(fact)

    def value(self, fact: str) -> Any:
        """A fact by its id: a field of the transfer (``transfer_kind``, ``to_country``) or an
        answer (``classified``); None when unknown."""
        if fact in SCALARS:
            return getattr(self, fact)
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


def transfer_fact_ids(law: Law) -> dict[str, dict[str, Any]]:
    """Every fact a transfer may answer under ``law``, with its question: the exemptions', the
    ETL's and Supp. No. 1's (the law's fact registry, as plain data)."""
    return {
        q.id: {"question": q.text, "citation": q.citation, "type": q.type, "values": list(q.values)}
        for q in law.facts.questions.values()
        if q.id not in law.ruleset.questions
    }


#: The largest amount a transfer's value may have: a signed 64-bit integer, which every consumer
#: of the output (CSV, JSON, a database) can hold.
MAX_VALUE_USD = 2**63 - 1

_ISO2 = re.compile(r"[A-Za-z]{2}")
#: Whole dollars, optionally with cents; commas only between groups of three digits.
_AMOUNT = re.compile(r"\$?\s*(?P<whole>[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?P<cents>\.[0-9]+)?")


class ContradictoryPartyFacts(FactError, ContradictoryFacts):
    """Facts about a party that cannot all be true (e.g. debarred, yet eligible under
    22 CFR 120.16): bad input that names every fact in conflict and the paragraph."""

    def __init__(self, facts: dict[str, Any], citation: str, message: str) -> None:
        named = ", ".join(f"{k}={v}" for k, v in facts.items())
        ValueError.__init__(self, f"contradictory facts ({named}): {message} [{citation}]")
        self.field = ",".join(facts)
        self.reason = message
        self.conflict = citation
        self.citation = citation
        self.facts = dict(facts)


def party_conflicts(party: Party, law: Law) -> tuple[dict[str, Any], ...]:
    """The rules of the data's ``party_implications`` (e.g. 22 CFR 120.16(c): a debarred person
    is ineligible) that the party's known flags break: each with the flags in conflict."""
    out = []
    for rule in law.exemptions.implications:
        if not all(party.flag(k) == v for k, v in rule["if"].items()):
            continue
        broken = {
            k: party.flag(k)
            for k, v in rule["then"].items()
            if party.flag(k) is not None and party.flag(k) != v
        }
        if broken:
            out.append({"rule": rule, "flags": {**rule["if"], **broken}})
    return tuple(out)


def _check_party(party: Party, name: Callable[[str], str], law: Law) -> None:
    for conflict in party_conflicts(party, law):
        rule = conflict["rule"]
        flags = conflict["flags"]
        said = " and ".join(f"{k} = {'yes' if v else 'no'}" for k, v in flags.items())
        raise ContradictoryPartyFacts(
            {name(k): v for k, v in flags.items()},
            rule["id"],
            f"{party.label}: {said} cannot both hold — {rule['id']} makes persons "
            f'"{rule["quote"]}" ineligible ("generally ineligible to be involved in activities '
            "regulated under this subchapter\"; an exception needs DDTC's prior written "
            "authorization, 22 CFR 120.15(b), which is no exemption); correct one of them",
        )


@lru_cache(maxsize=8192)
def precise_paragraphs(usml: UnitedStatesMunitionsList, ref: USMLRef) -> tuple[USMLRef, ...]:
    """The precise paragraphs a reference may stand for: the reference itself when it is a leaf
    of 22 CFR 121.1 (no sub-paragraph that is not reserved); otherwise every such leaf beneath
    it (a category or a parent paragraph stands for "some paragraph beneath it").  Empty for a
    reference that names nothing (or only reserved paragraphs)."""
    beneath = _beneath(usml).get(str(ref), ())
    parents = {parent for _, parent in beneath}
    return tuple(parse_usml(text) for text, _ in beneath if text not in parents)


def _beneath(usml: UnitedStatesMunitionsList) -> dict[str, list[tuple[str, str]]]:
    """The reference and parent texts (``str``) of the paragraphs of ``usml`` that are not
    reserved, in its order, under the text of each reference they lie within (``ref.is_within``:
    the category, each enclosing paragraph and the paragraph itself), indexed once per edition
    (kept with it, so an id is never reused while it is here).  Read from the edition's data
    when its paragraphs are not built (:func:`~exportctl.corpus.usml.unreserved_texts`: a
    canonical text is the text of its parsed reference, and its enclosing references' texts are
    its prefixes before each ``(``), else from the paragraphs."""
    found = _BENEATH.get(id(usml))
    if found is None or found[0] is not usml:
        texts = unreserved_texts(usml)
        if texts is None:
            texts = [(str(p.ref), str(p.parent)) for p in usml.paragraphs if not p.reserved]
        index: dict[str, list[tuple[str, str]]] = {}
        for entry in texts:
            text = entry[0]
            at = text.find("(")
            while at > 0:
                index.setdefault(text[:at], []).append(entry)
                at = text.find("(", at + 1)
            index.setdefault(text, []).append(entry)
        if len(_BENEATH) >= 16:
            _BENEATH.clear()
        found = _BENEATH[id(usml)] = (usml, index)
    return found[1]


_Beneath = dict[str, list[tuple[str, str]]]
_BENEATH: dict[int, tuple[UnitedStatesMunitionsList, _Beneath]] = {}


def reference_within(ref: USMLRef, target: USMLRef) -> bool | None:
    """Does what ``ref`` describes lie within ``target``?  True when ``ref`` is ``target`` or
    beneath it; unknown when ``target`` lies strictly beneath ``ref`` (a reference above the leaf
    stands for some paragraph beneath it, which may or may not lie within ``target``); False
    otherwise."""
    if ref.is_within(target):
        return True
    return None if target.is_within(ref) else False


def _check_ref(field: str, ref: USMLRef, usml: UnitedStatesMunitionsList) -> None:
    """A reference must name a category or a paragraph of 22 CFR 121.1 that is not reserved
    (each reference that does is checked once per USML edition: kept with the edition, so an
    id is never reused while it is here)."""
    checked = _CHECKED_REFS.get(id(usml))
    if checked is not None and checked[0] is usml and ref in checked[1]:
        return
    _check_new_ref(field, ref, usml)
    if checked is None or checked[0] is not usml:
        if len(_CHECKED_REFS) >= 16:
            _CHECKED_REFS.clear()
        checked = _CHECKED_REFS[id(usml)] = (usml, set())
    if len(checked[1]) >= 65536:
        checked[1].clear()
    checked[1].add(ref)


_CHECKED_REFS: dict[int, tuple[UnitedStatesMunitionsList, set[USMLRef]]] = {}


def _check_new_ref(field: str, ref: USMLRef, usml: UnitedStatesMunitionsList) -> None:
    if ref.path and not usml.exists(ref):
        where = ref.parent if ref.parent is not None and ref.parent.path else ref.category
        raise FactError(
            field,
            f"USML {ref} does not exist in 22 CFR 121.1 (as bundled); see `exportctl usml show "
            f"{where}` for the paragraphs there",
        )
    if ref.path and usml.get(ref).reserved:
        raise FactError(field, f"USML {ref} is reserved: it describes no article")
    if not precise_paragraphs(usml, ref):  # pragma: no cover - every category has paragraphs
        raise FactError(field, f"USML {ref} holds no paragraph that is not reserved")


def _has_refs(transfer: Transfer) -> bool:
    """Whether the transfer names a USML paragraph (only then is the USML read: a transfer
    that names none — technical data under § 125.4 — is decided on dates before the earliest
    edition the data holds)."""
    return bool(
        transfer.usml_classification is not None
        or transfer.related_to
        or transfer.specially_designed_for
    )


def _check_refs(transfer: Transfer, usml: UnitedStatesMunitionsList) -> None:
    if transfer.usml_classification is not None:
        _check_ref("usml_classification", transfer.usml_classification, usml)
    for field in ("related_to", "specially_designed_for"):
        for ref in getattr(transfer, field) or ():
            _check_ref(field, ref, usml)


def validate_transfer(transfer: Transfer, law: Law) -> None:
    """Raise :class:`FactError` for a USML reference that names nothing (or a reserved
    paragraph) of the bundled 22 CFR 121.1, and :class:`ContradictoryPartyFacts` for a party
    whose facts contradict each other.  The parsers check both; the engine checks transfers
    built in code the same way."""
    if _has_refs(transfer):
        _check_refs(transfer, law.usml)
    for n, party in enumerate(transfer.parties or ()):
        _check_party(party, _prefixed(f"parties[{n}]"), law)


def _prefixed(prefix: str) -> Callable[[str], str]:
    return lambda field: f"{prefix}.{field}"


def _country(field: str, value: Any, law: Law) -> str | None:
    if type(value) is str:
        kept = _COUNTRY_CELLS.get(id(law))
        if kept is not None and kept[0] is law:
            code = kept[1].get(value)
            if code is not None:
                return code
    code = _read_country(field, value, law)
    if code is not None and type(value) is str:
        _keep_country(value, code, law)
    return code


def _keep_country(cell: str, code: str, law: Law) -> None:
    """A cell read as a country of ``law`` (the code does not depend on the field: only an
    error names it), kept by the law's identity with the law (so an id is never reused while
    it is here); a few hundred cells a law, at most 4096."""
    table = kept_for(_COUNTRY_CELLS, law, empty_table, 16)
    if len(table) >= 4096:
        table.clear()
    table[cell] = code


_COUNTRY_CELLS: dict[int, tuple[Law, dict[str, str]]] = {}


def _read_country(field: str, value: Any, law: Law) -> str | None:
    text = parse_text(field, value)
    if text is None:
        return None
    # ASCII only: str.upper() maps "ſ" to "S" and "ß" to "SS".
    if not _ISO2.fullmatch(text):
        raise FactError(
            field,
            f"{value!r} is not an ISO 3166-1 alpha-2 code: two ASCII letters (e.g. AU, GB, US)",
        )
    try:
        return law.countries.get(text.upper()).iso2
    except UnknownCountry as exc:
        raise FactError(field, str(exc)) from exc


def _entries(field: str, value: Any, expected: str) -> list[Any] | None:
    """The entries of a list fact (a JSON list, or ``;``-separated text; ``none``: no entry),
    or None when it is blank; anything else is an error naming ``field``."""
    if value is None:
        return None
    if isinstance(value, str):
        if not value.strip():
            return None
        if value.strip().lower() == "none":
            return []
        return [v for v in (p.strip() for p in value.split(";")) if v]
    if isinstance(value, (list, tuple)):
        return list(value)
    raise FactError(field, f"expected {expected}, got {value!r}")


def _countries(field: str, value: Any, law: Law) -> tuple[str, ...] | None:
    items = _entries(field, value, "a list of country codes or 'none'")
    if items is None:
        return None
    out = []
    for item in items:
        if not isinstance(item, str):
            raise FactError(field, f"{item!r} is not an ISO 3166-1 alpha-2 code (e.g. AU, GB)")
        code = _country(field, item, law)
        if code is None:
            raise FactError(field, "a blank entry in a list of countries; leave it out")
        out.append(code)
    return tuple(out)


def _choice(field: str, value: Any, allowed: tuple[str, ...]) -> str | None:
    text = parse_text(field, value)
    if text is None:
        return None
    norm = text.lower().replace("-", "_").replace(" ", "_")
    if norm not in allowed:
        raise FactError(field, f"{value!r} is not one of {', '.join(allowed)}")
    return norm


def _choices(field: str, value: Any, allowed: tuple[str, ...]) -> tuple[str, ...] | None:
    """A list of values of a list fact (JSON list, or ``;``-separated text); ``none`` = []."""
    items = _entries(field, value, f"a list of {', '.join(allowed)}")
    if items is None:
        return None
    out: list[str] = []
    for item in items:
        choice = _choice(field, item, allowed)
        if choice is None:
            raise FactError(field, "a blank entry in a list; leave it out")
        if choice not in out:
            out.append(choice)
    return tuple(out)


def _nationalities(field: str, value: Any, law: Law) -> tuple[str, ...] | None:
    """Countries of citizenship or permanent residency: never an empty list (a person holds at
    least one nationality; unknown is blank)."""
    found = _countries(field, value, law)
    if found == ():
        raise FactError(
            field,
            "cannot be empty: list every country in which the persons who receive it have held "
            "or hold citizenship or hold permanent residency (e.g. US; AU), or leave it blank "
            "if not known",
        )
    return tuple(dict.fromkeys(found)) if found is not None else None


def _party(raw: Any, where: str, law: Law) -> Party:
    """One party (its fields named ``<where>.<field>`` in errors)."""
    named = _prefixed(where)
    if not isinstance(raw, Mapping):
        raise FactError(where, f"expected a party object (role, country, kind, ...), got {raw!r}")
    role = _choice(named("role"), raw.get("role"), PARTY_ROLES)
    if role is None:
        raise FactError(named("role"), f"is required: one of {', '.join(PARTY_ROLES)}")
    extra = set(raw) - {"role", "country", "kind", "name", *PARTY_FLAGS}
    if extra:
        raise FactError(named(str(sorted(map(str, extra))[0])), "is not a party field")
    party = Party(
        role=role,
        country=_country(named("country"), raw.get("country"), law),
        kind=_choice(named("kind"), raw.get("kind"), PARTY_KINDS),
        name=parse_text(named("name"), raw.get("name")) or "",
        **{f: _yes_no(raw.get(f), f, named) for f in PARTY_FLAGS},
    )
    _check_party(party, named, law)
    return party


#: The commonest cells of a yes/no field (a blank, yes, no) as :func:`parse_bool` reads them;
#: any other value is read by :func:`parse_bool` (a constant of the code, not a cache).
_YES_NO: dict[str | None, bool | None] = {None: None, "": None, "yes": True, "no": False}
_NOT_KNOWN: Any = object()


def _yes_no(value: Any, field: str, named: Callable[[str], str] | None = None) -> bool | None:
    """``parse_bool(named(field), value)``, the name written only for a value it must read."""
    if value is None or type(value) is str:
        found = _YES_NO.get(value, _NOT_KNOWN)
        if found is not _NOT_KNOWN:
            return found  # type: ignore[no-any-return]
    return parse_bool(named(field) if named is not None else field, value)


def _value(field: str, value: Any) -> int | None:
    """A non-negative amount in whole U.S. dollars.  Cents are dropped: the amounts it is
    compared with (22 CFR 123.15) are whole dollars, and ``x >= n`` for a whole ``n`` holds
    exactly when ``floor(x) >= n``."""
    if value is None:
        return None
    if type(value) is str and len(value) <= 18 and value.isascii() and value.isdigit():
        # At most 18 plain ASCII digits (below MAX_VALUE_USD), the commonest cell: what the
        # pattern below reads them as.
        return int(value)
    amount: Decimal
    if isinstance(value, bool):
        raise FactError(field, f"{value!r} is not an amount in U.S. dollars")
    if isinstance(value, int):
        amount = Decimal(value)
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise FactError(field, f"{value!r} is not an amount in U.S. dollars")
        amount = Decimal(value)
    elif isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        if text.lstrip("$ ").startswith("-"):
            raise FactError(field, "cannot be negative")
        match = _AMOUNT.fullmatch(text)
        if match is None:
            raise FactError(
                field,
                f"{value!r} is not an amount in U.S. dollars; write e.g. 4800, 4,800, $4,800 "
                "or 4800.00 (commas only between groups of three digits)",
            )
        try:
            amount = Decimal(match["whole"].replace(",", "") + (match["cents"] or ""))
        except InvalidOperation as exc:  # pragma: no cover - the pattern admits digits only
            raise FactError(field, f"{value!r} is not an amount in U.S. dollars") from exc
    else:
        raise FactError(field, f"expected an amount in U.S. dollars, got {type(value).__name__}")
    if amount < 0:
        raise FactError(field, "cannot be negative")
    if amount > MAX_VALUE_USD:
        raise FactError(field, f"is too large: at most {MAX_VALUE_USD:,} U.S. dollars")
    return int(amount)


def _fact_specs(law: Law) -> dict[str, dict[str, Any]]:
    """:func:`transfer_fact_ids` of ``law``, written once per fact registry and rule set (kept
    with them, so an id is never reused while it is here); read only."""
    registry, ruleset = law.facts, law.ruleset
    found = _FACT_SPECS.get(id(registry))
    if found is None or found[0] is not registry or found[1] is not ruleset:
        if len(_FACT_SPECS) >= 64:
            _FACT_SPECS.clear()
        found = _FACT_SPECS[id(registry)] = (registry, ruleset, transfer_fact_ids(law))
    return found[2]


_FACT_SPECS: dict[int, tuple[Any, Any, dict[str, dict[str, Any]]]] = {}


def _answers(
    raw: Mapping[str, Any],
    law: Law,
    kept: _CsvCells | None = None,
    keys: tuple[Any, ...] | None = None,
) -> dict[str, Any]:
    """The answers of ``raw`` (its keys, or ``keys``: those of its keys that are answers, in
    its order), in its order (so the first bad one is the one named); with ``kept``, a cell text
    of a question read before is taken from what ``kept`` holds for that question (an error is
    never kept: it is raised again)."""
    facts = _fact_specs(law)
    tables = kept.answers if kept is not None else None
    out: dict[str, Any] = {}
    items = raw.items() if keys is None else zip(keys, map(raw.__getitem__, keys), strict=True)
    for key, value in items:
        parsed: Any = _NOT_KNOWN
        table = tables.get(key) if tables is not None else None
        if table is not None and type(value) is str:
            parsed = table.get(value, _NOT_KNOWN)
        if parsed is _NOT_KNOWN:
            parsed = _answer(key, value, facts)
            if tables is not None and type(value) is str:
                _keep_cell(tables.setdefault(key, {}), value, parsed)
        if parsed is not None:
            out[key] = parsed
    return out


def _answer(key: Any, value: Any, facts: Mapping[str, dict[str, Any]]) -> Any:
    """One answer: ``value`` read as the question ``key`` of ``facts`` asks it."""
    if not isinstance(key, str):
        raise FactError(str(key), "is not a transfer field or a question (see docs/aukus.md)")
    spec = facts.get(key)
    if spec is None or spec.get("type") == "structural" or "." in key:
        hint = (
            "; a condition of organisation guidelines is answered only when the guidelines "
            "are applied (--guidelines FILE)"
            if "-" in key
            else ""
        )
        raise FactError(key, f"is not a transfer field or a question (see docs/aukus.md){hint}")
    if spec["type"] == "bool":
        return _yes_no(value, key)
    if spec["type"] == "number":
        return _value(key, value)
    if spec["type"] == "enum":
        return _choice(key, value, tuple(spec["values"]))
    if spec["type"] == "list":
        return _choices(key, value, tuple(spec["values"]))
    return parse_text(key, value)


def transfer_from_mapping(raw: Mapping[str, Any], law: Law) -> Transfer:
    """A transfer from its JSON form; bad values raise FactError naming the field.

    Everything is checked against ``law``: USML references must name its paragraphs, country
    codes its countries, answers its questions.
    """
    if not isinstance(raw, Mapping):
        raise FactError("transfer", f"expected a JSON object, got {type(raw).__name__}")
    parties_raw = raw.get("parties")
    parties: tuple[Party, ...] | None = None
    if parties_raw is not None:
        if not isinstance(parties_raw, list):
            raise FactError("parties", "expected a list of party objects")
        parties = tuple(_party(p, f"parties[{i}]", law) for i, p in enumerate(parties_raw))
    given = raw.get("answers")
    if given is not None and not isinstance(given, Mapping):
        raise FactError(
            "answers",
            f'expected an object of questions and their answers (e.g. {{"classified": false}}), '
            f"got {given!r}",
        )
    answers = dict(given or {})
    for key, value in raw.items():
        if key in (*SCALARS, "parties", "answers"):
            continue
        if key in answers and answers[key] != value:
            raise FactError(key, f"is given twice, as {value!r} and in answers as {answers[key]!r}")
        answers[key] = value
    return _transfer(raw, parties, answers, law)


def transfer_from_csv_row(row: Mapping[str, Any], law: Law) -> Transfer:
    """A transfer from one CSV row (parties as <role>_<field> columns), checked against ``law``
    as :func:`transfer_from_mapping` checks it."""
    if None in row:
        raise FactError("row", "has more cells than the header has columns")
    kept = _csv_cells(law)
    parties = []
    get = row.get
    for role, fields, columns in _CSV_PARTIES:
        cells = tuple(map(get, columns))
        table = kept.parties[role]
        try:
            party = table.get(cells, _NOT_KNOWN)
        except TypeError:  # a cell that is no text (a row built in code): read, not kept
            party = _csv_role(role, fields, cells, law)
        else:
            if party is _NOT_KNOWN:
                party = _csv_role(role, fields, cells, law)
                _keep_cell(table, cells, party)
        if party is not None:
            parties.append(party)
    answers, has_party_columns = _csv_layout(row)
    return _transfer(row, tuple(parties) if has_party_columns else None, row, law, kept, answers)


def _csv_layout(row: Mapping[str, Any]) -> tuple[tuple[Any, ...], bool]:
    """The columns of a CSV row that are answers (not in :data:`_NOT_ANSWERS`), in its order,
    and whether it has a party's column: read once per header (the row's column names, which
    alone decide them), at most 64 headers kept."""
    columns = tuple(row)
    found = _CSV_LAYOUTS.get(columns)
    if found is None:
        found = (
            tuple(c for c in columns if c not in _NOT_ANSWERS),
            any(c in _CSV_PARTY_FIELD_SET for c in columns),
        )
        if len(_CSV_LAYOUTS) >= 64:
            _CSV_LAYOUTS.clear()
        _CSV_LAYOUTS[columns] = found
    return found


_CSV_LAYOUTS: dict[tuple[Any, ...], tuple[tuple[Any, ...], bool]] = {}


def _csv_role(role: str, fields: tuple[str, ...], cells: tuple[Any, ...], law: Law) -> Any:
    """The party of one role of a CSV row from its cells (country, kind, then the flags), or
    None when it has none: a role is a party when one of its cells is neither missing nor
    blank."""
    if cells.count(None) + cells.count("") == len(cells):
        return None
    if not (_CSV_PARTY_FAST and role in _CSV_ROLE_CHOICES):  # pragma: no cover
        # every CSV role is a party role, read by its cells
        return _party({"role": role, **dict(zip(fields, cells, strict=True))}, role, law)
    return _csv_party(role, list(cells), law)


#: Entries each table of :class:`_CsvCells` holds at most (emptied when full).
CELLS_KEPT = 4096


def _keep_cell(table: dict[Any, Any], key: Any, value: Any) -> None:
    if len(table) >= CELLS_KEPT:
        table.clear()
    table[key] = value


class _CsvCells:
    """What the cells of CSV transfers read as under one law, kept by the cell text of each
    column (a party's by the tuple of its role's cells: all :func:`_csv_party` reads), at
    most :data:`CELLS_KEPT` a column: the fields whose cells repeat (not the id, description
    or amount, which are a row's own), the answers and the parties.  Only what was read without
    error is kept; the reading of a cell depends on the column, its text and the law alone."""

    __slots__ = ("answers", "fields", "law", "parties")

    def __init__(self, law: Law) -> None:
        self.law = law
        self.fields: dict[str, dict[str, Any]] = {f: {} for f in _FIELD_READERS}
        self.answers: dict[str, dict[str, Any]] = {}
        self.parties: dict[str, dict[tuple[Any, ...], Any]] = {r: {} for r in CSV_ROLES}

    def read(self, field: str, value: Any, law: Law) -> Any:
        """:func:`_read` of a cell, kept by its text."""
        if type(value) is not str:
            return _read(field, value, law)
        table = self.fields[field]
        found = table.get(value, _NOT_KNOWN)
        if found is _NOT_KNOWN:
            found = _read(field, value, law)
            _keep_cell(table, value, found)
        return found


def _csv_cells(law: Law) -> _CsvCells:
    """The :class:`_CsvCells` of ``law``, kept with the law (so an id is never reused while it
    is here), for at most 16 laws."""
    return kept_for(_CSV_CELLS, law, _CsvCells, 16)


_CSV_CELLS: dict[int, tuple[Law, _CsvCells]] = {}


#: Each party role's CSV columns (``<role>_<field>``), by field.
_CSV_PARTY_COLUMNS = tuple(
    (role, tuple((f, f"{role}_{f}") for f in ("country", "kind", *PARTY_FLAGS)))
    for role in CSV_ROLES
)
_CSV_PARTY_FIELDS = tuple(c for _, cols in _CSV_PARTY_COLUMNS for _, c in cols)
#: The same as (role, its fields, their columns).
_CSV_PARTIES = tuple(
    (role, tuple(f for f, _ in cols), tuple(c for _, c in cols))
    for role, cols in _CSV_PARTY_COLUMNS
)
_CSV_PARTY_FIELD_SET = frozenset(_CSV_PARTY_FIELDS)
#: The columns of a CSV row that are not answers to questions.
_NOT_ANSWERS = frozenset((*SCALARS, *_CSV_PARTY_FIELDS))


def _csv_role_choices() -> dict[str, str]:
    """Each CSV role as :func:`_party` reads it (``_choice`` of the role's name): the same for
    every row, read once (a role the choice refuses is left out: :func:`_party` reads it)."""
    found = {}
    for role in CSV_ROLES:
        try:
            choice = _choice(f"{role}.role", role, PARTY_ROLES)
        except FactError:  # pragma: no cover - every CSV role is a party role
            continue
        if choice is not None:
            found[role] = choice
    return found


_CSV_ROLE_CHOICES = _csv_role_choices()
#: Whether a CSV party's cells are its fields after its role and name, in order (then
#: :func:`_csv_party` makes it; otherwise :func:`_party` does).
_CSV_PARTY_FAST = tuple(f.name for f in attrs.fields(Party)) == (
    "role",
    "country",
    "kind",
    "name",
    *PARTY_FLAGS,
) and all(fields == ("country", "kind", *PARTY_FLAGS) for _, fields, _ in _CSV_PARTIES)


def _csv_party(role: str, cells: list[Any], law: Law) -> Party:
    """:func:`_party` of a CSV row's cells of one role (country, kind, then the flags): the
    same party or the same error, without the checks a row's fixed columns cannot fail (a
    mapping, no other field, the role one of the party roles, no name)."""
    named = _prefixed(role)
    country, kind, *flags = cells
    party = Party(
        _CSV_ROLE_CHOICES[role],
        _country(named("country"), country, law),
        _choice(named("kind"), kind, PARTY_KINDS),
        "",
        *[_yes_no(v, f, named) for f, v in zip(PARTY_FLAGS, flags, strict=True)],
    )
    _check_party(party, named, law)
    return party


def _usml(field: str, value: Any) -> USMLRef | None:
    text = parse_text(field, value)
    if not text:
        return None
    # Many transfers name the same paragraph: read each text once (references are frozen).
    found = _USML_REFS.get(text)
    if found is None:
        try:
            found = parse_usml(text)
        except ValueError as exc:
            raise FactError(field, str(exc)) from exc
        if len(_USML_REFS) >= 65536:
            _USML_REFS.clear()
        _USML_REFS[text] = found
    return found


_USML_REFS: dict[str, USMLRef] = {}


#: How each field whose cells repeat across transfers is read (:func:`_read`).
_FIELD_READERS: dict[str, Callable[[str, Any, Law], Any]] = {
    "activity": lambda field, value, law: _choice(field, value, ACTIVITIES),
    "transfer_kind": lambda field, value, law: _choice(field, value, TRANSFER_KINDS),
    "usml_classification": lambda field, value, law: _usml(field, value),
    "related_to": lambda field, value, law: parse_refs(field, value, parse_usml),
    "specially_designed_for": lambda field, value, law: parse_refs(field, value, parse_usml),
    "from_country": _country,
    "to_country": _country,
    "transit_countries": _countries,
    "origin_country": _country,
    "recipient_nationalities": _nationalities,
}


def _read(field: str, value: Any, law: Law) -> Any:
    return _FIELD_READERS[field](field, value, law)


def _transfer(
    raw: Mapping[str, Any],
    parties: tuple[Party, ...] | None,
    answers: Mapping[str, Any],
    law: Law,
    kept: _CsvCells | None = None,
    keys: tuple[Any, ...] | None = None,
) -> Transfer:
    """The transfer of ``raw``, its fields read in a fixed order (so the first bad one is the
    one named); with ``kept``, the cells read before are taken from it (see :func:`_answers`
    for ``keys``)."""
    transfer_id = parse_text("transfer_id", raw.get("transfer_id"))
    if transfer_id is None:
        raise FactError("transfer_id", "is required")
    read = kept.read if kept is not None else _read
    get = raw.get
    transfer = Transfer(
        transfer_id=transfer_id,
        description=parse_text("description", get("description")) or "",
        activity=read("activity", get("activity"), law),
        transfer_kind=read("transfer_kind", get("transfer_kind"), law),
        usml_classification=read("usml_classification", get("usml_classification"), law),
        related_to=read("related_to", get("related_to"), law),
        specially_designed_for=read("specially_designed_for", get("specially_designed_for"), law),
        from_country=read("from_country", get("from_country"), law),
        to_country=read("to_country", get("to_country"), law),
        transit_countries=read("transit_countries", get("transit_countries"), law),
        value_usd=_value("value_usd", get("value_usd")),
        parties=parties,
        answers=_answers(answers, law, kept, keys),
        origin_country=read("origin_country", get("origin_country"), law),
        recipient_nationalities=read(
            "recipient_nationalities", get("recipient_nationalities"), law
        ),
    )
    if _has_refs(transfer):
        _check_refs(transfer, law.usml)
    return transfer


Activity = Literal[
    "export", "reexport", "retransfer", "temporary_import", "defense_service", "brokering"
]
