"""Hypothesis strategies for transfers and parties (22 CFR 126.7, 126.5, 126.1; see
:mod:`exportctl.testing`)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any

import attrs
from hypothesis import strategies as st

from exportctl.corpus.exemptions import ExemptionVersion
from exportctl.corpus.references import USMLRef
from exportctl.corpus.regulations import Regulations
from exportctl.inputs.transfers import (
    ACTIVITIES,
    PARTY_FLAGS,
    PARTY_KINDS,
    PARTY_ROLES,
    TRANSFER_KINDS,
    Party,
    Transfer,
    precise_paragraphs,
    transfer_fact_ids,
)
from exportctl.inputs.transfers import SCALARS as TRANSFER_SCALARS
from exportctl.testing.items import T, _choice, _regs, _usml_entries

# --------------------------------------------------------------------------------------------
# Transfers and parties (22 CFR 126.7 AUKUS, 126.5 Canada, 126.1)

#: Countries drawn besides the § 126.7(b)(1) ones (read from the data): Canada (§ 126.5), Japan
#: and New Zealand (§ 123.15(a)(2) but outside AUKUS), Singapore and India (§ 123.15(a)(1)
#: destinations), France, China (§ 126.1(d)(1)), Russia and Cyprus (§ 126.1(d)(2); Cyprus with
#: its dated suspension).  Pass ``countries=`` to draw from others.
OTHER_COUNTRIES: tuple[str, ...] = ("CA", "JP", "NZ", "SG", "IN", "FR", "CN", "RU", "CY")

#: The kinds a party located in a country may be (a government is located at home; anybody may be
#: a U.S. person or "other").
_KINDS_AT: dict[str, tuple[str, ...]] = {
    "US": ("us_person", "us_government", "other"),
    "GB": ("uk_government", "other", "us_person"),
    "AU": ("au_government", "other", "us_person"),
    "CA": ("canadian_registered_person", "canadian_government", "other", "us_person"),
}
_KINDS_ELSEWHERE: tuple[str, ...] = ("other", "us_person")
#: The kinds an ordinary party located in a country is (a Canadian party of a Canadian export
#: is a Canadian government or a Canadian-registered person, § 126.5(b)).
_ORDINARY_KINDS_AT: dict[str, tuple[str, ...]] = {
    "CA": ("canadian_registered_person", "canadian_government"),
}
_PARTY_NAMES = ("", "Acme Radar", "Southern Cross Avionics", "Thames Defence", "Maple Aero")
_TRANSFER_DESCRIPTIONS = ("", "Radar receiver module", "Sonar array", "Maintenance manual")


#: The countries of a transfer under the Canadian exemption (22 CFR 126.5): the United States
#: and Canada.
_CANADA: tuple[str, ...] = ("US", "CA")


def aukus_countries(regs: Regulations | None = None) -> tuple[str, ...]:
    """The countries named by 22 CFR 126.7(b)(1), as the bundled data lists them."""
    cset = _regs(regs).countries.sets["aukus_126_7_b_1"]
    return tuple(sorted(m.iso2 for m in cset.members))


def _aukus_version(regs: Regulations) -> ExemptionVersion | None:
    """The version of § 126.7 the law holds in force on its date, if any."""
    version = regs.exemptions.get("126.7").version_on(regs.as_of)
    return version if version.in_force else None


def _party_options(regs: Regulations) -> tuple[dict[str, Any], ...]:
    """The kinds of eligible party of § 126.7(b)(2) in force on the snapshot date."""
    version = _aukus_version(regs)
    if version is None:
        raise ValueError(
            f"22 CFR 126.7 is not in force on {regs.as_of}: no party is eligible or ineligible "
            "under it (leave eligible=None)"
        )
    for req in version.requirements:
        if req.test == "parties":
            return tuple(req["eligible"])
    raise ValueError(f"{version.id} has no parties requirement")  # pragma: no cover


def _needs(option: Mapping[str, Any], role: str) -> dict[str, bool]:
    needs = dict(option.get("needs", {}))
    if role == "broker":
        needs.update(option.get("brokers_need", {}))
    return needs


def _admits(option: Mapping[str, Any], kind: str) -> bool:
    kinds: list[str] = option["kinds"]
    return kinds == ["*"] or kind in kinds


def _coherent_flags(
    flags: dict[str, bool | None],
    fixed: Mapping[str, bool],
    implications: Iterable[Mapping[str, Any]],
) -> None:
    """Flags that agree with what one flag implies for another (the data's
    ``party_implications``, e.g. a debarred person is ineligible under 22 CFR 120.16(c)).  A flag
    in ``fixed`` is kept: the flag implying the contrary is turned instead."""
    for rule in implications:
        if not all(flags[k] == v for k, v in rule["if"].items()):
            continue
        contrary = [k for k, v in rule["then"].items() if flags[k] is not None and flags[k] != v]
        if not contrary:
            continue
        if any(k in fixed for k in contrary):
            for k, v in rule["if"].items():
                if k not in fixed:
                    flags[k] = not v
        else:
            flags.update({k: rule["then"][k] for k in contrary})


@st.composite
def _party(
    draw: st.DrawFn,
    role: str,
    regs: Regulations,
    complete: bool,
    countries: tuple[str, ...],
    eligible: bool | None,
    country: str | None,
    ordinary: bool = False,
) -> Party:
    if country is None and (complete or eligible is not None or draw(_choice((True, True, False)))):
        country = draw(_choice(countries))
    kinds = _KINDS_AT.get(country or "", _KINDS_ELSEWHERE) if country else PARTY_KINDS
    if ordinary and country in _ORDINARY_KINDS_AT:
        kinds = _ORDINARY_KINDS_AT[country]
    fixed: dict[str, bool] = {}
    if eligible is None:
        kind: str | None = draw(_choice(kinds))
    else:
        options = _party_options(regs)
        if eligible:
            usable = [o for o in options if any(_admits(o, k) for k in kinds)]
            option = draw(st.sampled_from(usable))
            kind = draw(_choice(tuple(k for k in kinds if _admits(option, k))))
            fixed = _needs(option, role)
        else:
            # A kind every admitting option of which has a need that can be refused.
            refusable = tuple(
                k for k in kinds if all(_needs(o, role) for o in options if _admits(o, k))
            )
            kind = draw(_choice(refusable))
            for option in options:
                needs = _needs(option, role)
                if not _admits(option, kind) or any(
                    fixed.get(f) == (not v) for f, v in needs.items()
                ):
                    continue
                flag = draw(_choice(tuple(sorted(f for f in needs if f not in fixed))))
                fixed[flag] = not needs[flag]
    values: tuple[bool | None, ...] = (False, True) if complete else (None, False, True)
    if ordinary:  # registered, not debarred, eligible, an Authorized User: most parties are
        values = (True,) * 6 + values
    flags: dict[str, bool | None] = {
        f: fixed[f] if f in fixed else draw(_choice(values)) for f in PARTY_FLAGS
    }
    _coherent_flags(flags, fixed, regs.exemptions.implications)
    if not complete and eligible is None and draw(_choice((False, False, False, True))):
        kind = None
    return Party(
        role=role,
        country=country,
        kind=kind,
        name=draw(_choice(_PARTY_NAMES)),
        **flags,
    )


def _countries_arg(regs: Regulations, countries: Iterable[str] | None) -> tuple[str, ...]:
    if countries is None:
        return aukus_countries(regs) * 3 + OTHER_COUNTRIES
    chosen = tuple(_regs(regs).countries.get(c).iso2 for c in countries)
    if not chosen:
        raise ValueError("countries is empty: give at least one ISO 3166-1 alpha-2 code")
    return chosen


def party(
    role: str,
    regs: Regulations | None = None,
    *,
    complete: bool = False,
    countries: Iterable[str] | None = None,
    eligible: bool | None = None,
) -> st.SearchStrategy[Party]:
    """One party to a transfer, of ``role`` (transferor, recipient, broker,
    intermediate_consignee, end_user).

    Its country is drawn from ``countries`` (default: Australia, the United Kingdom and the
    United States mostly, and the :data:`OTHER_COUNTRIES`); its kind fits the country (a UK
    government department is in GB, a Canadian-registered person in CA; anybody may be a U.S.
    person or "other").  Each flag (DDTC registration, not debarred, § 120.16 eligibility,
    Authorized User, § 129.3 registration) is yes, no or unknown (``complete``: yes or no), and
    never debarred yet eligible under § 120.16 (22 CFR 120.16(c)).

    ``eligible=True`` draws a party that fits one of the kinds of 22 CFR 126.7(b)(2) in force on
    ``regs.as_of`` (read from the data, e.g. (b)(2)(ii) UK departments only under the final
    rule), ``eligible=False`` one that, on known facts, fits none of them.

    >>> from hypothesis import find
    >>> from exportctl import regulations
    >>> p = find(party("broker", regulations("2025-01-15"), eligible=True),
    ...          lambda p: p.kind == "other")
    >>> (p.authorized_user, p.registered_129_3)
    (True, True)
    """
    if role not in PARTY_ROLES:
        raise ValueError(f"{role!r} is not one of {', '.join(PARTY_ROLES)}")
    snapshot = _regs(regs)
    if eligible is not None:
        _party_options(snapshot)
    pool = _countries_arg(snapshot, countries)
    return _party(role, snapshot, complete, pool, eligible, None)


@st.composite
def _parties(
    draw: st.DrawFn,
    regs: Regulations,
    complete: bool,
    countries: tuple[str, ...],
    eligible: bool | None,
    path: tuple[str | None, str | None],
    ordinary: bool = False,
    extras_at: str | None = None,
) -> tuple[Party, ...]:
    roles = ["transferor", "recipient"]
    if not complete and draw(_choice((False,) * 7 + (True,))):
        roles.remove(draw(_choice(("transferor", "recipient"))))  # not known yet
    for extra in ("broker", "intermediate_consignee", "end_user"):
        if draw(_choice((False, False, False, True))):
            roles.append(extra)
    bad = draw(_choice(tuple(range(len(roles))))) if eligible is False else -1
    out = []
    for n, role in enumerate(roles):
        where = {"transferor": path[0], "recipient": path[1]}.get(role, extras_at)
        if eligible is True:
            wanted: bool | None = True
        elif eligible is False:
            wanted = False if n == bad else None
        else:
            wanted = None
        out.append(draw(_party(role, regs, complete, countries, wanted, where, ordinary)))
    return tuple(out)


def parties(
    regs: Regulations | None = None,
    *,
    complete: bool = False,
    countries: Iterable[str] | None = None,
    eligible: bool | None = None,
) -> st.SearchStrategy[tuple[Party, ...]]:
    """The parties to one transfer: a transferor and a recipient (now and then, when not
    ``complete``, one of them is not known yet and left out), and maybe a broker, an
    intermediate consignee and an end user — each drawn as by :func:`party`.

    ``eligible=True``: every party fits 22 CFR 126.7(b)(2) as in force on ``regs.as_of``;
    ``eligible=False``: at least one party fits none of its kinds, on known facts.

    >>> from hypothesis import find
    >>> chain = find(parties(complete=True), lambda ps: any(p.role == "broker" for p in ps))
    >>> [p.role for p in chain]
    ['transferor', 'recipient', 'broker']
    """
    snapshot = _regs(regs)
    if eligible is not None:
        _party_options(snapshot)
    pool = _countries_arg(snapshot, countries)
    return _parties(snapshot, complete, pool, eligible, (None, None))


@attrs.frozen
class _Question:
    """A question a transfer may answer, its values, and the same weighted towards the
    *ordinary* answer: the one that excludes nothing (e.g. not classified, not for cluster
    munitions) and meets the exemptions' requirements (e.g. § 123.9(b) complied with)."""

    fact: str
    values: tuple[Any, ...]
    ordinary: tuple[Any, ...]


@lru_cache(maxsize=8)
def _transfer_questions(regs: Regulations) -> tuple[_Question, ...]:
    """Every question a transfer may answer (ETL, Supp. No. 1, exemptions), with its values."""
    named: dict[str, set[str]] = {}
    excluding: dict[str, list[bool]] = {}
    for supplement in (regs.etl, regs.supp1):
        for row in supplement.rows:
            for entry in row.entries:
                for cond in entry.conditions:
                    if cond.fact and cond.one_of:
                        named.setdefault(cond.fact, set()).update(cond.one_of)
                    if cond.fact and isinstance(cond.equals, bool):
                        excluding.setdefault(cond.fact, []).append(cond.equals)
    meets: dict[str, bool] = {}
    for exemption in regs.exemptions:
        for dated in exemption.versions.versions:
            for req in dated.value.requirements:
                if req.test == "fact":
                    meets[req["fact"]] = req["equals"]
                elif req.test == "sme_assurances":
                    meets[req["fact"]] = True
    out: list[_Question] = []
    for fact, spec in sorted(transfer_fact_ids(regs).items()):
        if spec["type"] in ("structural", "number") or "." in fact or fact in TRANSFER_SCALARS:
            continue
        if spec["type"] == "bool":
            if fact in meets:
                usual = meets[fact]
            else:
                seen = excluding.get(fact, [True])
                usual = not max(set(seen), key=seen.count)
            out.append(_Question(fact, (False, True), (usual,) * 7 + (not usual,)))
        elif spec["type"] == "enum":
            out.append(_Question(fact, tuple(spec["values"]), tuple(spec["values"])))
        elif spec["type"] == "list":  # a list of its values: each alone, and the first two
            values = tuple(spec["values"])
            lists = (*((v,) for v in values), values[:2])
            out.append(_Question(fact, lists, lists))
        else:  # free text: the values the rows name, and another
            values = (*sorted(named.get(fact, ())), "other")
            out.append(_Question(fact, values, values))
    return tuple(out)


@lru_cache(maxsize=4096)
def _questions_for(data_version: str, regs: Regulations, ref: USMLRef) -> tuple[_Question, ...]:
    """The questions that matter for a transfer of USML ``ref``: those the rows of Supp. No. 2
    and Supp. No. 1 whose USML column holds ``ref`` turn on, and those of the exemptions."""
    del data_version
    read: set[str] = {"mt_condition_met"}  # the MT rows read it for conditional designations
    for row in (*regs.etl.rows, *regs.supp1.rows):
        if any(ref.is_within(u) for u in row.usml_refs):
            read |= {c.fact for e in row.entries for c in e.conditions if c.fact}
    exemption_facts = regs.exemptions.facts.questions
    return tuple(
        q for q in _transfer_questions(regs) if q.fact in read or q.fact in exemption_facts
    )


@attrs.frozen
class _TransferPools:
    articles: tuple[USMLRef, ...]
    articles_by_category: Mapping[str, tuple[USMLRef, ...]]
    data: tuple[USMLRef, ...]
    focus_articles: tuple[USMLRef, ...]
    focus_data: tuple[USMLRef, ...]
    condition_refs: tuple[USMLRef, ...]
    values: tuple[int, ...]


@lru_cache(maxsize=4)
def _transfer_pools(data_version: str, regs: Regulations) -> _TransferPools:
    del data_version
    entries = _usml_entries(regs)
    # The ETL rows whose USML column is narrower than whole categories (rows 1 and 2 name I-XX).
    narrow = [u for r in regs.etl.rows for u in r.usml_refs if u.path or r.row > 2]
    conds = {ref for r in regs.etl.rows for e in r.entries for c in e.conditions for ref in c.refs}

    def within(ref: USMLRef, targets: Iterable[USMLRef]) -> bool:
        return any(ref.is_within(t) for t in targets)

    # Precise paragraphs only (a leaf of 22 CFR 121.1): a parent or a category is a vaguer fact,
    # which fewer_transfer_facts draws.
    leaves = [e for e in entries if precise_paragraphs(regs.usml, e.ref) == (e.ref,)]
    articles = tuple(e.ref for e in leaves if not e.technical_data)
    data = tuple(e.ref for e in leaves if e.technical_data)
    amounts: set[int] = {0, 25_000, 2_500_000}
    for row in regs.exemptions.amounts["123.15(a)"]["rows"]:
        for amount in row["amounts"]:
            amounts |= {amount["amount"] - 1, amount["amount"]}
    by_category: dict[str, list[USMLRef]] = {}
    for ref in articles:
        by_category.setdefault(ref.category, []).append(ref)
    return _TransferPools(
        articles,
        {k: tuple(v) for k, v in by_category.items()},
        data,
        tuple(r for r in articles if within(r, narrow)),
        tuple(r for r in data if within(r, narrow)),
        tuple(r for r in articles if within(r, conds)),
        tuple(sorted(amounts)),
    )


def _pick_refs(draw: st.DrawFn, pools: _TransferPools, category: str | None) -> tuple[USMLRef, ...]:
    """One or two article paragraphs: of one category (when given), or ones the ETL rows'
    conditions name (or lie beneath)."""
    same = pools.articles_by_category.get(category, ()) if category else pools.articles
    focus = pools.condition_refs
    if category:
        focus = tuple(r for r in focus if r.category == category)
    source = focus if focus and (not same or draw(st.booleans())) else same
    return tuple(dict.fromkeys(draw(st.lists(_choice(source), min_size=1, max_size=2))))


@st.composite
def _transfers(
    draw: st.DrawFn,
    regs: Regulations,
    complete: bool,
    countries: tuple[str, ...] | None,
    eligible_parties: bool | None,
) -> Transfer:
    pools = _transfer_pools(regs.data_version, regs)
    path: tuple[str, str] | None = None
    if countries is None:
        # A third of the transfers stay within AUKUS, where § 126.7 is decided by its other
        # terms; a third go from the United States to Canada between U.S. and Canadian parties,
        # where § 126.5 is; the others touch any country.
        aukus = aukus_countries(regs)
        mode = draw(_choice(("aukus", "canada", "any")))
        if mode == "canada":
            countries = _CANADA
            path = draw(_choice((("US", "CA"),) * 5 + (("CA", "US"), ("US", "US"))))
        else:
            countries = aukus if mode == "aukus" else aukus * 3 + OTHER_COUNTRIES

    def maybe(value: T) -> T | None:
        return value if complete or draw(_choice((True, True, False))) else None

    kind = draw(_choice(TRANSFER_KINDS))
    article = kind == "article"
    ref = draw(
        _choice(
            (pools.focus_articles if article else pools.focus_data)
            if draw(st.booleans())
            else (pools.articles if article else pools.data)
        )
    )
    related: tuple[USMLRef, ...] = ()
    if not article:
        related = _pick_refs(draw, pools, ref.category)
    designed_for: tuple[USMLRef, ...] = ()
    if draw(_choice((False, False, True))):
        designed_for = _pick_refs(draw, pools, None)
    from_country, to_country = path or (draw(_choice(countries)), draw(_choice(countries)))
    # Half the time the answers lean to the ordinary ones (an unclassified article without
    # anti-tamper, § 123.9(b) complied with, registered and eligible parties, no transit, ...):
    # most transfers are, and the exemptions are decided by their other terms only then.
    ordinary = draw(st.booleans())
    transit: tuple[str, ...] = ()
    if draw(_choice((False, False, False, True) if not ordinary else (False,) * 7 + (True,))):
        transit = (draw(_choice(countries if path is None else OTHER_COUNTRIES)),)
    value = draw(
        st.one_of(_choice(pools.values), st.integers(0, 5_000_000), st.integers(0, 150_000_000))
    )
    chain: tuple[Party, ...] | None = draw(
        _parties(
            regs,
            complete,
            countries,
            eligible_parties,
            (from_country, to_country),
            ordinary,
            # Towards Canada, the end users and consignees are in Canada.
            to_country if path is not None else None,
        )
    )
    given: dict[str, Any] = {}
    for q in _questions_for(regs.data_version, regs, ref):
        if complete or draw(_choice((True, True, False))):
            given[q.fact] = draw(_choice(q.ordinary if ordinary else q.values))
    # An export or a defense service, the activities of § 126.5(b), most often towards Canada.
    activities = ACTIVITIES if path is None else ("export",) * 4 + ("defense_service", *ACTIVITIES)
    # Where it originated (§ 120.15(c)): mostly the United States, or the country it leaves.
    origin = draw(_choice(("US", "US", from_country, *countries)))
    # Whom technical data or services reach (§ 120.50(b)): mostly nationals of the destination.
    nationalities = tuple(
        dict.fromkeys(
            (to_country, *draw(st.lists(_choice(countries), max_size=1)))
            if draw(st.booleans())
            else draw(st.lists(_choice(countries), min_size=1, max_size=2))
        )
    )
    return Transfer(
        transfer_id=f"T-{draw(st.integers(1, 99999))}",
        description=draw(_choice(_TRANSFER_DESCRIPTIONS)),
        activity=maybe(draw(_choice(activities))),
        transfer_kind=maybe(kind),
        usml_classification=maybe(ref),
        related_to=maybe(related),
        specially_designed_for=maybe(designed_for),
        from_country=maybe(from_country),
        to_country=maybe(to_country),
        transit_countries=maybe(transit),
        value_usd=maybe(value),
        parties=maybe(chain),
        answers=given,
        origin_country=maybe(origin),
        recipient_nationalities=maybe(nationalities),
    )


def transfers(
    regs: Regulations | None = None,
    *,
    complete: bool = False,
    countries: Iterable[str] | None = None,
    eligible_parties: bool | None = None,
) -> st.SearchStrategy[Transfer]:
    """A transfer (22 CFR 126.7, 126.5, 126.1), as a user or a batch file would describe it.

    * what: an article of a USML paragraph, or technical data or a defense service of a
      category's technical data paragraph directly related to articles of that category — real
      paragraphs (as :func:`usml_references`), half the time within the ETL rows (22 CFR part
      126, Supp. No. 2) narrower than whole categories; sometimes specially designed for
      paragraphs the rows' conditions name;
    * where: from and to a country of ``countries`` (default: a third of the transfers within
      Australia, the United Kingdom and the United States; a third from the United States to
      Canada between U.S. and Canadian parties, mostly exports, where the Canadian exemption
      (§ 126.5) is decided; the others also touching :data:`OTHER_COUNTRIES`), a transit
      country now and then;
    * value: often at or just below an amount of 22 CFR 123.15(a) (read from the data);
    * who: :func:`parties` (``eligible_parties`` as its ``eligible``), transferor and recipient
      located at the start and end of the path; where it originated (mostly the United States)
      and the recipients' nationalities (mostly the destination's);
    * answers to the questions of the exemptions and of the ETL and Supp. No. 1 rows whose USML
      column holds the paragraph (the others cannot matter), each maybe unknown.

    Any fact may be unknown (``None``, or a question left out of ``answers``); with
    ``complete=True`` every fact is known: every field, every party's kind, country and flags
    and every question that matters.  Use :func:`fewer_transfer_facts` for "the same transfer,
    less known".

    >>> from hypothesis import given, settings
    >>> from exportctl import regulations
    >>> from exportctl.engine.authorize import check_aukus
    >>> regs = regulations("2025-01-15")
    >>> @settings(max_examples=25, database=None)
    ... @given(transfers(regs, complete=True))
    ... def check(transfer):
    ...     assert check_aukus(transfer, regs).status in ("eligible", "not_eligible")
    >>> check()
    """
    snapshot = _regs(regs)
    if eligible_parties is not None:
        _party_options(snapshot)
    pool = None if countries is None else _countries_arg(snapshot, countries)
    return _transfers(snapshot, complete, pool, eligible_parties)


def _slots(transfer: Transfer) -> list[tuple[str, Any]]:
    """Every known fact of a transfer, as (what, where): a field, the party list, a party's
    country, kind or flag, an answer."""
    out: list[tuple[str, Any]] = [
        ("field", f) for f in TRANSFER_SCALARS[2:] if getattr(transfer, f) is not None
    ]
    if transfer.parties is not None:
        out.append(("parties", None))
        for n, p in enumerate(transfer.parties):
            out += [
                ("party", (n, f))
                for f in ("country", "kind", *PARTY_FLAGS)
                if getattr(p, f) is not None
            ]
    out += [("answer", k) for k in sorted(transfer.answers)]
    return out


def _forget(transfer: Transfer, slot: tuple[str, Any]) -> Transfer:
    what, where = slot
    if what == "field":
        changes: dict[str, Any] = {where: None}
        return attrs.evolve(transfer, **changes)
    if what == "parties":
        return attrs.evolve(transfer, parties=None)
    if what == "party":
        n, field = where
        chain = list(transfer.parties or ())
        forgotten: dict[str, Any] = {field: None}
        chain[n] = attrs.evolve(chain[n], **forgotten)
        return attrs.evolve(transfer, parties=tuple(chain))
    return attrs.evolve(transfer, answers={k: v for k, v in transfer.answers.items() if k != where})


def _vaguer(draw: st.DrawFn, transfer: Transfer) -> Transfer | None:
    """The transfer with one USML reference replaced by one above it (a parent paragraph or the
    category): it then stands for "some paragraph beneath", a vaguer fact.  None if no
    reference has one above it."""
    options: list[tuple[str, int | None]] = []
    if transfer.usml_classification is not None and transfer.usml_classification.path:
        options += [("usml_classification", None)] * 2  # the reference every row reads
    for name in ("related_to", "specially_designed_for"):
        given: tuple[USMLRef, ...] = getattr(transfer, name) or ()
        options += [(name, n) for n, r in enumerate(given) if r.path]
    if not options:
        return None
    field, n = draw(_choice(tuple(options)))
    if n is None:
        ref = transfer.usml_classification
        assert ref is not None
        return attrs.evolve(transfer, usml_classification=draw(_choice(ref.ancestors())))
    refs: list[USMLRef] = list(getattr(transfer, field))
    refs[n] = draw(_choice(refs[n].ancestors()))
    vaguer = tuple(dict.fromkeys(refs))
    if field == "related_to":
        return attrs.evolve(transfer, related_to=vaguer)
    return attrs.evolve(transfer, specially_designed_for=vaguer)


@st.composite
def _fewer_transfer_facts(draw: st.DrawFn, transfer: Transfer) -> Transfer:
    mode = draw(_choice(("many", "some", "one", "one", "vaguer")))
    if mode == "vaguer":
        vaguer = _vaguer(draw, transfer)
        if vaguer is not None:
            return vaguer
        mode = "one"
    if mode == "one":
        slots = _slots(transfer)
        return _forget(transfer, draw(_choice(tuple(slots)))) if slots else transfer
    forget = _choice((False, True)) if mode == "many" else _choice((False,) * 7 + (True,))
    chain = transfer.parties
    if chain is not None:
        if draw(forget):
            chain = None
        else:
            forgotten: list[Party] = []
            for p in chain:
                changes: dict[str, Any] = {
                    f: None if draw(forget) else getattr(p, f)
                    for f in ("country", "kind", *PARTY_FLAGS)
                }
                forgotten.append(attrs.evolve(p, **changes))
            chain = tuple(forgotten)
    kept = {k: v for k, v in sorted(transfer.answers.items()) if not draw(forget)}
    fields: dict[str, Any] = {
        f: None if draw(forget) else getattr(transfer, f)
        for f in TRANSFER_SCALARS[2:]  # everything but the id and the description
    }
    return attrs.evolve(transfer, parties=chain, answers=kept, **fields)


def fewer_transfer_facts(transfer: Transfer) -> st.SearchStrategy[Transfer]:
    """The same transfer with some facts forgotten (``None``): any field, all the parties or
    any party's country, kind or flag, any answer — about half of them, a few, or (often)
    exactly one; or one USML reference made vaguer (replaced by its parent paragraph or its
    category, which stands for "some paragraph beneath it").  Parties are never dropped from the
    list, only their facts.  For "unknown facts never make a transfer eligible" tests.

    >>> from hypothesis import given, settings, strategies as st
    >>> from exportctl import regulations
    >>> regs = regulations("2025-01-15")
    >>> pairs = transfers(regs, complete=True).flatmap(
    ...     lambda g: st.tuples(fewer_transfer_facts(g), st.just(g)))
    >>> @settings(max_examples=25, database=None)
    ... @given(pairs)
    ... def check(pair):
    ...     f, g = pair
    ...     assert f.answers.items() <= g.answers.items()
    >>> check()
    """
    return _fewer_transfer_facts(transfer)


# --------------------------------------------------------------------------------------------
# Transfers for one exemption of the law (22 CFR 125.4, 126.4 and the conditions they carry)

#: Countries a transfer for one exemption is drawn towards: allies and others, none proscribed
#: by § 126.1 on any date the data holds (a § 126.1 country is drawn only to fail a condition).
_FRIENDLY: tuple[str, ...] = ("GB", "AU", "CA", "JP", "SE", "DE", "FR", "SG", "IN")


def _requirements_of(regs: Regulations, key: str) -> tuple[list[Any], list[Any]]:
    """The requirements of an exemption (or of one way of it) in the version in force, then
    those of the groups it carries and the conditions of their exceptions."""
    exemption, branch = regs.exemptions.find(key)
    version = exemption.version_on(regs.as_of)
    own: list[Any] = []
    for req in version.requirements:
        keyed = [b for b in req.branches if b.key]
        if keyed and branch is not None:
            own.extend(r for b in keyed if b.key == branch for r in b.requirements)
        else:
            own.append(req)
    carried: list[Any] = []
    for gkey in exemption.carries:
        group = regs.exemptions.group(gkey)
        gv = group.version_on(regs.as_of)
        if gv is not None:
            carried.extend(gv.requirements)
    return own, carried


def _exception_facts(regs: Regulations, key: str) -> tuple[str, ...]:
    """The yes/no facts the exceptions of the carried groups read (§ 126.1(a)(3): the recipient
    is a U.S. Government department or agency), drawn either way."""
    exemption, _ = regs.exemptions.find(key)
    return tuple(
        dict.fromkeys(
            w["fact"]
            for gkey in exemption.carries
            for e in regs.exemptions.group(gkey).exceptions
            for w in e.when
            if w.test == "fact"
        )
    )


@attrs.define
class _Draft:
    """A transfer being drawn: each fact set at most once (the first condition that reads it
    decides it)."""

    fields: dict[str, Any]
    answers: dict[str, Any]
    flags: dict[str, bool | None]

    def set(self, fact: str, value: Any) -> None:
        target = self.fields if fact in TRANSFER_SCALARS else self.answers
        target.setdefault(fact, value)


def _other(values: Iterable[Any], wanted: Iterable[Any]) -> tuple[Any, ...]:
    keep = set(wanted)
    return tuple(v for v in values if v not in keep)


def _draw_for(
    draw: st.DrawFn,
    req: Any,
    draft: _Draft,
    regs: Regulations,
    shared: Mapping[str, Any],
    meet: Any,
) -> None:
    """Set the facts ``req`` reads, to meet it (mostly) or to fail it."""
    ok = draw(meet)
    test = req.test
    questions = regs.facts.questions

    def values_of(fact: str) -> tuple[Any, ...]:
        q = questions.get(fact)
        if q is not None and q.type == "bool":
            return (True, False)
        return tuple(q.values) if q is not None and q.values else ()

    if test == "any_of":
        branch = draw(st.sampled_from(req.branches))
        for r in branch.requirements:
            _draw_for(draw, r, draft, regs, shared, meet)
        return
    if test == "shared":
        for r in shared.get(req["ref"], ()):
            _draw_for(draw, r, draft, regs, shared, meet)
        return
    if test == "activity":
        pool = req["activities"] if ok else _other(ACTIVITIES, req["activities"])
        draft.set("activity", draw(_choice(tuple(pool) or ACTIVITIES)))
    elif test == "transfer_kind":
        pool = req["kinds"] if ok else _other(TRANSFER_KINDS, req["kinds"])
        draft.set("transfer_kind", draw(_choice(tuple(pool) or TRANSFER_KINDS)))
    elif test == "destination":
        pool = req["countries"] if ok else _other(_FRIENDLY, req["countries"])
        draft.set("to_country", draw(_choice(tuple(pool))))
    elif test == "fact":
        draft.set(req["fact"], req["equals"] if ok else not req["equals"])
    elif test == "fact_in":
        pool = req["in"] if ok else _other(values_of(req["fact"]), req["in"])
        draft.set(req["fact"], draw(_choice(tuple(pool) or tuple(req["in"]))))
    elif test == "fact_if":
        when, then = req["if"], req["then"]
        for cond, holds in ((when, draw(st.booleans())), (then, ok)):
            wanted = (cond["equals"],) if "equals" in cond else tuple(cond["in"])
            pool = wanted if holds else _other(values_of(cond["fact"]), wanted)
            draft.set(cond["fact"], draw(_choice(pool or wanted)))
    elif test in ("subset_of", "disjoint_from"):
        inside = req["of"] if test == "subset_of" else _other(values_of(req["fact"]), req["from"])
        outside = _other(values_of(req["fact"]), inside)
        chosen = list(draw(st.lists(_choice(tuple(inside)), min_size=1, max_size=2, unique=True)))
        if not ok and outside:
            chosen.append(draw(_choice(outside)))
        draft.set(req["fact"], tuple(chosen))
    elif test == "nationals_of":
        members = tuple(sorted(regs.members(req["country_set"])))
        pool = members if ok else _other(_FRIENDLY, members) or ("IN",)
        draft.set("recipient_nationalities", (draw(_choice(pool)),))
    elif test == "not_proscribed":
        if not ok:
            bad = draw(_choice(("CN", "IR", "KP", "SY")))
            what = draw(_choice(tuple(req.get("of") or ("destination",))))
            field = {"destination": "to_country", "origin": "origin_country"}.get(what)
            if field is not None:
                draft.set(field, bad)
            elif what == "recipient_nationalities":
                draft.set("recipient_nationalities", (bad,))
    elif test == "registered":
        draft.flags.setdefault("ddtc_registered", ok)
        if req.get("unless_fact"):
            draft.set(req["unless_fact"], draw(_choice((False, False, None))) if ok else False)
    elif test in ("parties_not_ineligible", "no_ineligible_party"):
        draft.flags.setdefault("eligible_120_16", ok)
        if req.get("unless_fact"):
            draft.set(req["unless_fact"], False)


@st.composite
def _exemption_transfers(
    draw: st.DrawFn, regs: Regulations, key: str, complete: bool, failing: int
) -> Transfer:
    own, carried = _requirements_of(regs, key)
    exemption, _ = regs.exemptions.find(key)
    shared = exemption.version_on(regs.as_of).shared
    meet = _choice((True,) * failing + (False,)) if failing else st.just(True)
    draft = _Draft({}, {}, {})
    for req in (*own, *carried):
        _draw_for(draw, req, draft, regs, shared, meet)
    for fact in _exception_facts(regs, key):
        draft.set(fact, draw(st.booleans()))
    to = draft.fields.get("to_country") or draw(_choice(_FRIENDLY))
    fields: dict[str, Any] = {
        "activity": "export",
        "transfer_kind": "technical_data",
        "from_country": "US",
        "transit_countries": (),
        "origin_country": "US",
        "recipient_nationalities": (to,),
        **draft.fields,
        "to_country": to,
    }
    registered = draft.flags.get("ddtc_registered", True)
    eligible = draft.flags.get("eligible_120_16", True)
    transferor = Party(
        "transferor", "US", "us_person", "Acme Radar", registered, eligible, eligible
    )
    recipient = Party("recipient", to, "other", "Thames Defence", None, True, True)
    transfer = Transfer(
        transfer_id=f"D-{draw(st.integers(1, 99999))}",
        parties=(transferor, recipient),
        answers={k: v for k, v in draft.answers.items() if v is not None},
        **fields,
    )
    if complete:
        return transfer
    return draw(fewer_transfer_facts(transfer))


def exemption_transfers(
    regs: Regulations | None = None,
    key: str = "125.4(b)(1)",
    *,
    complete: bool = True,
    failing: int = 15,
) -> st.SearchStrategy[Transfer]:
    """Transfers drawn for one exemption of the law (or one way of it, e.g. ``126.4(b)(2)``):
    each fact its conditions read — its own, those of the groups it carries and of their
    exceptions — is drawn from the data's parameters to meet the condition, except now and then
    (one time in ``failing + 1``; ``failing=0``: always met) to fail it: the activity and kind
    the paragraph names, the value a yes/no fact must have, a value of an enum it allows, a list
    within (or outside) a set, the recipients' nationalities within a country set, a § 126.1
    country for a ``not_proscribed`` condition, an unregistered or ineligible transferor.  The
    first condition that reads a fact decides it (a branch of ``any_of`` is drawn first).  The
    rest is ordinary: a U.S. exporter sends technical data to a recipient abroad, of U.S.
    origin, to nationals of the destination.

    ``complete=False`` forgets some facts (:func:`fewer_transfer_facts`).

    >>> from hypothesis import find
    >>> from exportctl import regulations
    >>> t = find(exemption_transfers(regulations("2025-11-01"), "125.4(b)(1)", failing=0),
    ...          lambda t: True)
    >>> (t.transfer_kind, t.activity, t.answers["dod_official_written_request_or_directive"])
    ('technical_data', 'export', True)
    """
    snapshot = _regs(regs)
    snapshot.exemptions.find(key)  # an unknown exemption is refused here
    return _exemption_transfers(snapshot, key, complete, failing)
