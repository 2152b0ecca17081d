"""Hypothesis strategies for property-based tests of classification rules ("the hypothesis kit").

Install with the ``testing`` extra (``pip install exportctl[testing]``); this module imports
`hypothesis <https://hypothesis.readthedocs.io>`_, nothing else in the package does.

The strategies draw from the bundled data, so every reference they produce names a real
paragraph of the USML (22 CFR 121.1) or the CCL (Supp. No. 1 to 15 CFR part 774), and every
answer is a question of the rule set.  The facts they build are *coherent*: they never raise
:class:`~exportctl.core.facts.ContradictoryFacts` (unless asked to with
``allow_contradictions``), an item's kind agrees with the technical-data paragraphs it is said
to be described in, and
commodity jurisdiction (CJ) and CCATS fields agree with each other and with the candidates.

* :func:`item_kinds` — an item kind of the rule set (``"part"``, ``"technical_data"``, …).
* :func:`usml_references` — a USML paragraph (never reserved, never an ``(x)`` paragraph).
* :func:`eccn_references` — an ECCN item paragraph, optionally of one order-of-review tier.
* :func:`answers` — yes/no answers; a question left out is unknown.
* :func:`item_facts` — an :class:`~exportctl.inputs.items.ItemFacts`, partial or complete.
* :func:`more_facts` — a superset of given facts, for "adding facts …" (monotonicity) tests.
* :func:`fewer_facts` — a subset of given facts (the same tests, from a complete item down).
* :func:`party`, :func:`parties` — parties to a transfer (kinds and flags of 22 CFR 126.7(b)(2)),
  optionally all eligible or one surely ineligible under the version of § 126.7 in force.
* :func:`transfers` — a :class:`~exportctl.inputs.transfers.Transfer` for the AUKUS (§ 126.7) and
  Canadian (§ 126.5) exemptions and § 126.1, partial or complete.
* :func:`fewer_transfer_facts` — the same transfer with some facts forgotten.

A policy test, written with the kit::

    from hypothesis import given
    from exportctl import classify, regulations
    from exportctl.testing import item_facts

    REGS = regulations("2025-11-01")

    @given(item_facts(REGS))
    def test_no_ear99_without_an_eccn_review(facts):
        decision = classify(facts, REGS)
        if decision.classification and decision.classification.reference == "EAR99":
            assert facts.eccn_candidates is not None or facts.ccats_classification is not None
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from functools import lru_cache
from typing import Any, Literal, TypeVar

import attrs
from hypothesis import strategies as st

from exportctl.corpus.ccl import ECCN
from exportctl.corpus.exemptions import ExemptionVersion
from exportctl.corpus.references import ECCNRef, USMLRef, parse_eccn, parse_usml
from exportctl.corpus.regulations import Regulations, regulations
from exportctl.corpus.rulesets import RuleSet, load_ruleset
from exportctl.inputs.items import ItemFacts
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

__all__ = [
    "ECCN_TIERS",
    "OTHER_COUNTRIES",
    "EccnTier",
    "answers",
    "aukus_countries",
    "eccn_references",
    "fewer_facts",
    "fewer_transfer_facts",
    "item_facts",
    "item_kinds",
    "more_facts",
    "parties",
    "party",
    "transfers",
    "usml_references",
]

T = TypeVar("T")

#: Tiers of the CCL order of review (15 CFR part 774, Supp. No. 4, (a)(3)-(a)(6)):
#: a 600-series or 9x515 paragraph other than its catch-all (".x") and ".y" paragraphs;
#: a 600-series or 9x515 ".x" catch-all; a 600-series or 9x515 ".y" paragraph; any other ECCN
#: paragraph (including ".x"/".y" paragraphs of ECCNs outside the 600 series and 9x515).
EccnTier = Literal["600/9x515 non-catch-all", ".x", ".y", "other"]
ECCN_TIERS: tuple[EccnTier, ...] = ("600/9x515 non-catch-all", ".x", ".y", "other")

#: The item kind the engine treats as technical data (22 CFR 120.33; EAR "technology").
TECHNICAL_DATA = "technical_data"
#: The CCL product group of "technology" (15 CFR 738.2(b)): technical data on the CCL.
_TECHNOLOGY_GROUP = "E"

Jurisdiction = Literal["ITAR", "EAR"]
_SPECIALLY_DESIGNED = re.compile(r"specially designed", re.IGNORECASE)


# --------------------------------------------------------------------------------------------
# Pools of real references (computed once per data snapshot)


def _regs(regs: Regulations | None) -> Regulations:
    return regs if regs is not None else regulations()


def _rules(ruleset: RuleSet | None) -> RuleSet:
    return ruleset if ruleset is not None else load_ruleset()


@attrs.frozen
class _USMLEntry:
    ref: USMLRef
    specially_designed: bool
    technical_data: bool


@attrs.frozen
class _ECCNEntry:
    ref: ECCNRef
    tier: EccnTier
    group: str
    specially_designed: bool


def _tier(entry: ECCN, ref: ECCNRef) -> EccnTier:
    if not (entry.is_600_series or entry.is_9x515):
        return "other"
    head = ref.path[0] if ref.path else None
    if head == "x":
        return ".x"
    if head == "y":
        return ".y"
    return "600/9x515 non-catch-all"


@lru_cache(maxsize=4)
def _usml_pool(data_version: str, regs: Regulations) -> tuple[_USMLEntry, ...]:
    del data_version  # the cache key: one pool per data snapshot
    out = [
        _USMLEntry(p.ref, p.specially_designed_control, p.is_technical_data)
        for p in regs.usml.paragraphs
        if not p.reserved and not p.is_x_paragraph and p.range_end is None and p.ref.path
    ]
    return tuple(sorted(out, key=lambda e: e.ref.sort_key()))


@lru_cache(maxsize=4)
def _eccn_pool(data_version: str, regs: Regulations) -> tuple[_ECCNEntry, ...]:
    del data_version
    out: list[_ECCNEntry] = []
    for entry in regs.ccl.eccns:
        if entry.subject_to_itar_placeholder:
            # "These items are subject to the ITAR": a pointer to the USML, not an ECCN that
            # describes an item subject to the EAR.
            continue
        if not entry.items:
            # The bundled CCL has no item paragraphs for this ECCN: the ECCN itself is the ref.
            out.append(
                _ECCNEntry(
                    entry.ref,
                    _tier(entry, entry.ref),
                    entry.ref.product_group,
                    bool(_SPECIALLY_DESIGNED.search(entry.heading)),
                )
            )
            continue
        for item in entry.items:
            if not item.reserved:
                text = f"{entry.heading}\n{item.text or ''}"
                out.append(
                    _ECCNEntry(
                        item.ref,
                        _tier(entry, item.ref),
                        entry.ref.product_group,
                        bool(_SPECIALLY_DESIGNED.search(text)),
                    )
                )
    return tuple(out)


def _usml_entries(regs: Regulations) -> tuple[_USMLEntry, ...]:
    return _usml_pool(regs.data_version, regs)


def _eccn_entries(regs: Regulations) -> tuple[_ECCNEntry, ...]:
    return _eccn_pool(regs.data_version, regs)


def _usml_refs(
    regs: Regulations,
    *,
    specially_designed: bool | None = None,
    technical_data: bool | None = None,
) -> tuple[USMLRef, ...]:
    return tuple(
        e.ref
        for e in _usml_entries(regs)
        if (specially_designed is None or e.specially_designed == specially_designed)
        and (technical_data is None or e.technical_data == technical_data)
    )


def _eccn_refs(
    regs: Regulations, *, tier: EccnTier | None = None, technology: bool | None = None
) -> tuple[ECCNRef, ...]:
    return tuple(
        e.ref
        for e in _eccn_entries(regs)
        if (tier is None or e.tier == tier)
        and (technology is None or (e.group == _TECHNOLOGY_GROUP) == technology)
    )


def _grouped(refs: Sequence[T], key: Callable[[T], str]) -> tuple[tuple[T, ...], ...]:
    groups: dict[str, list[T]] = {}
    for ref in refs:
        groups.setdefault(key(ref), []).append(ref)
    return tuple(tuple(g) for g in groups.values())


def _ref_lists(
    refs: Sequence[T], key: Callable[[T], str], focus: Sequence[Sequence[T]] = ()
) -> st.SearchStrategy[tuple[T, ...]]:
    """Lists of one to three distinct references: anywhere, or siblings of one ECCN/category.

    Siblings make the interesting cases likely: several paragraphs of one category describing
    the item (22 CFR 120.11(b)(2)), or a ".x" catch-all next to the ".y" paragraph it excludes.
    ``focus`` are subsets drawn from as often as the whole, and lists wholly within one of them
    (e.g. the paragraphs that use "specially designed", which are few but where the
    catch-and-release analysis runs, and which leave the item undescribed when it is released).
    """
    subsets = [st.sampled_from(tuple(f)) for f in focus if f]
    anywhere = st.lists(
        st.one_of(st.sampled_from(refs), *subsets), min_size=1, max_size=3, unique=True
    )
    groups = _grouped(refs, key)
    siblings = st.sampled_from(groups).flatmap(
        lambda g: st.lists(st.sampled_from(g), min_size=1, max_size=3, unique=True)
    )
    within = [st.lists(sub, min_size=1, max_size=3, unique=True) for sub in subsets]
    return st.one_of(anywhere, siblings, *within).map(tuple)


# --------------------------------------------------------------------------------------------
# Public strategies: references, kinds, answers


def item_kinds(ruleset: RuleSet | None = None) -> st.SearchStrategy[str]:
    """An item kind of the rule set (22 CFR 120.40; technical data 22 CFR 120.33).

    >>> from hypothesis import find
    >>> find(item_kinds(), lambda kind: kind == "technical_data")
    'technical_data'
    """
    return st.sampled_from(tuple(_rules(ruleset).item_kinds))


def usml_references(
    regs: Regulations | None = None,
    *,
    enumerated: bool | None = None,
    specially_designed: bool | None = None,
    technical_data: bool | None = None,
) -> st.SearchStrategy[USMLRef]:
    """A paragraph of the USML as bundled: never [Reserved], never an ``(x)`` paragraph.

    ``enumerated=True`` keeps paragraphs that describe an item by themselves (22 CFR 120.11(a)(1),
    120.42); ``specially_designed=True`` keeps those whose words use "specially designed" as a
    control parameter (120.11(a)(2), (b)(1); 120.41) — for the item itself, or only for the
    "specially designed parts … therefor" of an enumerated item (``specially_designed_scope``
    "item" or "parts").  The two are opposites: give one, or both with opposite values.  A
    category's technical data paragraph (e.g. ``XI(d)``) is enumerated and describes technical
    data (and software), nothing else; ``technical_data`` keeps (True) or leaves out (False)
    those paragraphs (default: either).

    >>> from hypothesis import find
    >>> ref = find(usml_references(specially_designed=True), lambda r: r.category == "VIII")
    >>> from exportctl import regulations
    >>> regulations("2025-11-01").usml.get(ref).specially_designed_scope in ("item", "parts")
    True
    """
    if enumerated is not None and specially_designed is not None:
        if enumerated == specially_designed:
            raise ValueError(
                "enumerated and specially_designed are opposites (22 CFR 120.42): "
                "give one of them, or both with opposite values"
            )
    sd = specially_designed if specially_designed is not None else None
    if sd is None and enumerated is not None:
        sd = not enumerated
    refs = _usml_refs(_regs(regs), specially_designed=sd, technical_data=technical_data)
    if not refs:
        raise ValueError("no USML paragraph of the bundled data passes these filters")
    return st.sampled_from(refs)


def eccn_references(
    regs: Regulations | None = None,
    *,
    tier: EccnTier | None = None,
    technology: bool | None = None,
) -> st.SearchStrategy[ECCNRef]:
    """An item paragraph of the CCL as bundled (never [Reserved]).

    ``tier`` picks a tier of the CCL order of review (see :data:`ECCN_TIERS`):
    ``"600/9x515 non-catch-all"`` (Supp. No. 4 (a)(3)), ``".x"`` (the 600-series/9x515
    catch-alls, (a)(4)), ``".y"`` (600-series/9x515 ".y" paragraphs) or ``"other"`` (any other
    ECCN, (a)(5)).  ``technology`` keeps (True) or leaves out (False) product group E.  An ECCN
    for which the bundled CCL has no item paragraphs is drawn as the ECCN itself (``"0A982"``).
    ECCNs that only point to the USML ("These items are 'subject to the ITAR'", e.g. 0A002)
    are never drawn: they describe no item subject to the EAR.

    >>> from hypothesis import find
    >>> from exportctl import regulations
    >>> regs = regulations("2025-11-01")
    >>> ref = find(eccn_references(regs, tier=".x"), lambda r: True)
    >>> ref.path[0], regs.ccl.exists(ref)
    ('x', True)
    """
    if tier is not None and tier not in ECCN_TIERS:
        raise ValueError(f"tier {tier!r} is not one of {', '.join(ECCN_TIERS)}")
    refs = _eccn_refs(_regs(regs), tier=tier, technology=technology)
    if not refs:
        raise ValueError("no ECCN paragraph of the bundled data passes these filters")
    return st.sampled_from(refs)


def _conflicting(ruleset: RuleSet, kind: str | None, given: Mapping[str, bool]) -> bool:
    """Would these answers (with this kind) be rejected as contradictory by the rule set?"""
    for c in ruleset.conflicts:
        if c.kinds:
            if kind is None or kind not in c.kinds:
                continue
            if any(given.get(k) is True for k in c.any_true):
                return True
        elif c.all_true and all(given.get(k) is True for k in c.all_true):
            return True
    return False


@lru_cache(maxsize=8)
def _release_only_facts(ruleset: RuleSet) -> frozenset[str]:
    """Facts that only releases test (22 CFR 120.41(b); 15 CFR 772.1 (b)), not catches."""
    regimes = (ruleset.itar, ruleset.ear)
    released = {t.fact for r in regimes for rule in r.releases for t in rule.tests}
    caught = {t.fact for r in regimes for rule in r.catch for t in rule.tests}
    return frozenset(released - caught)


def _draw_answers(
    draw: st.DrawFn,
    ruleset: RuleSet,
    *,
    kind: str | None,
    base: Mapping[str, bool],
    must: Collection[str],
    only: Mapping[str, bool],
    allow_contradictions: bool,
) -> dict[str, bool]:
    """Add answers to ``base`` (never changing one): each question absent, yes or no.

    ``must``: questions that end up answered; ``only``: the one value a question may take.
    A value that would contradict the answers so far (or ``kind``) is not drawn.
    """
    out = dict(base)
    release_only = _release_only_facts(ruleset)
    for qid in sorted(ruleset.answer_facts):
        if qid in out:
            continue
        values: list[bool] = [only[qid]] if qid in only else [False, True]
        if not allow_contradictions:
            values = [v for v in values if not _conflicting(ruleset, kind, {**out, qid: v})]
        options: list[bool | None] = [*values]
        if (qid == ruleset.ear.subject_fact or qid in release_only) and False in values:
            # Most items are subject to the EAR (15 CFR 734.3(a)), and most parts are not
            # released by a paragraph (b) that would cut the analysis short: "no" twice as
            # likely, so that the CCL review and the catch paragraphs are reached often.
            options.insert(0, False)
        if qid not in must or not values:
            options.insert(0, None)
        value = draw(_choice(tuple(options)))
        if value is not None:
            out[qid] = value
    return out


@st.composite
def _answers(
    draw: st.DrawFn,
    ruleset: RuleSet,
    known: frozenset[str],
    item_kind: str | None,
    allow_contradictions: bool,
) -> dict[str, bool]:
    return _draw_answers(
        draw,
        ruleset,
        kind=item_kind,
        base={},
        must=known,
        only={},
        allow_contradictions=allow_contradictions,
    )


def answers(
    ruleset: RuleSet | None = None,
    known: Iterable[str] | None = None,
    *,
    item_kind: str | None = None,
    allow_contradictions: bool = False,
) -> st.SearchStrategy[dict[str, bool]]:
    """Yes/no answers to the rule set's questions; a question left out is unknown.

    ``known`` names questions that are always answered (``ruleset.answer_facts``: all of them);
    every other question may be absent.  The answers never contradict each other, or
    ``item_kind`` when given (the conflicts of the rule set, e.g. a release of 22 CFR 120.41(b)
    for an end-item), unless ``allow_contradictions`` is true.

    >>> from hypothesis import find
    >>> find(answers(known={"fastener_class"}), lambda a: a["fastener_class"]) == {
    ...     "fastener_class": True}
    True
    """
    rules = _rules(ruleset)
    must = frozenset(known or ())
    unknown = must - rules.answer_facts
    if unknown:
        raise ValueError(f"not yes/no questions of rule set {rules.id!r}: {sorted(unknown)}")
    if item_kind is not None and item_kind not in rules.item_kinds:
        raise ValueError(f"{item_kind!r} is not an item kind of rule set {rules.id!r}")
    return _answers(rules, must, item_kind, allow_contradictions)


# --------------------------------------------------------------------------------------------
# Item facts


#: Kinds of item a category's technical data paragraph may describe: technical data and, as
#: "software … directly related to defense articles", software (22 CFR 120.33, 120.40(g)).
#: Every other USML paragraph describes anything but technical data.
TECHNICAL_DATA_PARAGRAPH_KINDS = frozenset({TECHNICAL_DATA, "software"})


def _usml_kinds(ruleset: RuleSet, technical_data_paragraph: bool) -> frozenset[str]:
    kinds = frozenset(ruleset.item_kinds)
    if technical_data_paragraph:
        return kinds & TECHNICAL_DATA_PARAGRAPH_KINDS
    return kinds - {TECHNICAL_DATA}


def _eccn_kinds(ruleset: RuleSet, ref: ECCNRef) -> frozenset[str]:
    """Technology (product group E) is technical data; no other product group is."""
    kinds = frozenset(ruleset.item_kinds)
    if ref.product_group == _TECHNOLOGY_GROUP:
        return kinds & {TECHNICAL_DATA}
    return kinds - {TECHNICAL_DATA}


@attrs.frozen
class _Pools:
    """The references an item of one kind may be described in, and lists of them."""

    usml: tuple[USMLRef, ...]
    eccn: tuple[ECCNRef, ...]
    usml_lists: st.SearchStrategy[tuple[USMLRef, ...]]
    eccn_lists: st.SearchStrategy[tuple[ECCNRef, ...]]
    usml_one: st.SearchStrategy[str]
    usml_lists_or_none: st.SearchStrategy[tuple[USMLRef, ...]]
    eccn_lists_or_none: st.SearchStrategy[tuple[ECCNRef, ...]]
    determinations: st.SearchStrategy[str]
    """An ECCN paragraph or EAR99, as a CJ or CCATS names it."""


@lru_cache(maxsize=64)
def _pools_cached(
    data_version: str, regs: Regulations, ruleset: RuleSet, kind: str | None
) -> _Pools:
    del data_version
    usml_entries = [
        e
        for e in _usml_entries(regs)
        if kind is None or kind in _usml_kinds(ruleset, e.technical_data)
    ]
    eccn_entries = [
        e for e in _eccn_entries(regs) if kind is None or kind in _eccn_kinds(ruleset, e.ref)
    ]
    usml = tuple(e.ref for e in usml_entries)
    eccn = tuple(e.ref for e in eccn_entries)
    usml_sd = [e.ref for e in usml_entries if e.specially_designed]
    eccn_sd = [e.ref for e in eccn_entries if e.specially_designed]
    eccn_military = [e.ref for e in eccn_entries if e.tier != "other"]
    usml_lists = _ref_lists(usml, lambda r: r.category, (usml_sd,))
    eccn_lists = _ref_lists(eccn, lambda r: r.eccn, (eccn_sd, eccn_military))
    return _Pools(
        usml,
        eccn,
        usml_lists,
        eccn_lists,
        st.sampled_from(usml).map(str),
        st.one_of(st.just(()), usml_lists),
        st.one_of(st.just(()), eccn_lists),
        st.one_of(st.just("EAR99"), st.sampled_from(eccn).map(str)),
    )


def _pools(regs: Regulations, ruleset: RuleSet, kind: str | None) -> _Pools:
    """References for an item of ``kind`` (None: any reference)."""
    return _pools_cached(regs.data_version, regs, ruleset, kind)


def _maybe(draw: st.DrawFn, required: bool) -> bool:
    """Whether to include an optional fact (always when ``required``)."""
    return required or draw(st.booleans())


def _possible_kinds(facts: ItemFacts, regs: Regulations, ruleset: RuleSet) -> list[str]:
    """The kinds of item these facts still allow: the paragraphs it is said to be described
    in, the determinations on record and the answers (e.g. releases only for parts) agree."""
    if facts.item_kind is not None:
        return [facts.item_kind]
    kinds = set(ruleset.item_kinds)
    usml = list(facts.usml_candidates or ())
    ecl = list(facts.eccn_candidates or ())
    if facts.cj_jurisdiction == "ITAR" and facts.cj_classification is not None:
        usml.append(parse_usml(facts.cj_classification))
    for text in (facts.cj_classification, facts.ccats_classification):
        if facts.cj_jurisdiction != "ITAR" and text is not None and text.upper() != "EAR99":
            ecl.append(parse_eccn(text))
    for uref in usml:
        kinds &= _usml_kinds(ruleset, regs.usml.get(uref).is_technical_data)
    for eref in ecl:
        kinds &= _eccn_kinds(ruleset, eref)
    return [
        k for k in ruleset.item_kinds if k in kinds and not _conflicting(ruleset, k, facts.answers)
    ]


_CJ_REFERENCES = st.integers(1, 9999).map(lambda n: f"CJ {n:04d}-24")
_ITEM_IDS = st.builds(
    lambda prefix, n: f"{prefix}-{n}", st.sampled_from(("P", "PN", "A")), st.integers(0, 99999)
)
_DESCRIPTIONS = st.sampled_from(
    ("", "Wing fold actuator", "Gasket, rubber", "Guidance software", "Test fixture")
)


@lru_cache(maxsize=256)
def _choice(options: tuple[T, ...]) -> st.SearchStrategy[T]:
    """``sampled_from(options)``, built once (drawing is the hot path of the kit)."""
    return st.sampled_from(options)


#: How often candidates are unknown, "none" or a list (the list modes weigh more, so that
#: several paragraphs describing one item — the interesting case — come up often).
_Mode = Literal["unknown", "none", "list"]
_USML_MODES: tuple[_Mode, ...] = ("unknown", "none", "none", "list", "list")
_ECCN_MODES: tuple[_Mode, ...] = ("unknown", "none", "list", "list", "list")


def _candidates(
    draw: st.DrawFn,
    complete: bool,
    modes: tuple[_Mode, ...],
    lists: st.SearchStrategy[tuple[T, ...]],
) -> tuple[T, ...] | None:
    mode = draw(_choice(tuple(m for m in modes if not (complete and m == "unknown"))))
    if mode == "unknown":
        return None
    return () if mode == "none" else draw(lists)


_CJ_CHOICES: tuple[Jurisdiction | None, ...] = (None, None, None, None, None, None, "ITAR", "EAR")


def _ear_determination(
    draw: st.DrawFn, pools: _Pools, candidates: tuple[ECCNRef, ...] | None
) -> str:
    """An ECCN or EAR99 as a CJ or CCATS names it, agreeing with the candidate ECCNs."""
    if candidates == ():
        return "EAR99"
    if candidates:
        return str(draw(_choice(candidates)))
    return draw(pools.determinations)


@st.composite
def _item_facts(
    draw: st.DrawFn,
    regs: Regulations,
    ruleset: RuleSet,
    complete: bool,
    allow_contradictions: bool,
) -> ItemFacts:
    if allow_contradictions:
        return draw(_loose_item_facts(regs, ruleset, complete))
    kinds = tuple(ruleset.item_kinds)
    true_kind = draw(_choice(kinds))  # what the item is, known or not
    # The kind decides which catch and release paragraphs apply: known more often than not.
    kind = true_kind if complete or draw(_choice((False, True, True))) else None
    pools = _pools(regs, ruleset, true_kind)

    cj: Jurisdiction | None = draw(_choice(_CJ_CHOICES))
    # Whether 15 CFR 734.3(b) excludes the item: a CJ or a CCATS settles it.
    excluded = ruleset.ear.subject_fact or ""
    cj_classification: str | None = None
    cj_reference: str | None = None
    ccats: str | None = None
    only: dict[str, bool] = {}

    # USML candidates: a CJ finding EAR means no USML paragraph describes the item; a CJ
    # finding ITAR places it on the USML (22 CFR 120.4), in a paragraph the user's review may
    # have found, or in none of them (Category XXI, 120.12(c)): the determination prevails.
    usml: tuple[USMLRef, ...] | None = None
    if cj == "EAR":
        usml = () if _maybe(draw, complete) else None
    elif cj == "ITAR":
        usml = draw(pools.usml_lists_or_none) if _maybe(draw, complete) else None
    else:
        usml = _candidates(draw, complete, _USML_MODES, pools.usml_lists)

    eccn: tuple[ECCNRef, ...] | None = None
    if cj == "ITAR":
        # On the USML: not subject to the EAR (15 CFR 734.3(b)(1)(i)); no ECCN describes it.
        eccn = () if complete else None
        only[excluded] = True
        if draw(st.booleans()):
            cj_classification = str(draw(_choice(usml))) if usml else draw(pools.usml_one)
        if draw(st.booleans()):
            cj_reference = draw(_CJ_REFERENCES)
    else:
        eccn = _candidates(draw, complete, _ECCN_MODES, pools.eccn_lists)
        if cj == "EAR":
            only[excluded] = False
            if draw(st.booleans()):
                cj_classification = _ear_determination(draw, pools, eccn)
            if draw(st.booleans()):
                cj_reference = draw(_CJ_REFERENCES)
        # A CCATS (15 CFR 748.3(e)) classifies an item subject to the EAR: not on the USML.
        if usml in (None, ()) and cj_classification is None and draw(st.booleans()):
            ccats = _ear_determination(draw, pools, eccn)
            only[excluded] = False

    given = _draw_answers(
        draw,
        ruleset,
        kind=true_kind,
        base={},
        must=ruleset.answer_facts if complete else (),
        only=only,
        allow_contradictions=False,
    )
    return ItemFacts(
        item_id=draw(_ITEM_IDS),
        description=draw(_DESCRIPTIONS),
        item_kind=kind,
        usml_candidates=usml,
        eccn_candidates=eccn,
        cj_jurisdiction=cj,
        cj_classification=cj_classification,
        cj_reference=cj_reference,
        ccats_classification=ccats,
        answers=given,
    )


@st.composite
def _loose_item_facts(
    draw: st.DrawFn, regs: Regulations, ruleset: RuleSet, complete: bool
) -> ItemFacts:
    """Well-formed facts with no coherence guarantee (they may be contradictory)."""
    pools = _pools(regs, ruleset, None)
    kind = draw(_choice(tuple(ruleset.item_kinds))) if _maybe(draw, complete) else None
    usml: tuple[USMLRef, ...] | None = None
    if _maybe(draw, complete):
        usml = draw(pools.usml_lists_or_none)
    eccn: tuple[ECCNRef, ...] | None = None
    if _maybe(draw, complete):
        eccn = draw(pools.eccn_lists_or_none)
    cj: Jurisdiction | None = draw(_choice(_CJ_CHOICES))
    cj_classification: str | None = None
    if cj == "ITAR" and draw(st.booleans()):
        cj_classification = draw(pools.usml_one)
    elif cj == "EAR" and draw(st.booleans()):
        cj_classification = _ear_determination(draw, pools, None)
    ccats = _ear_determination(draw, pools, None) if draw(st.booleans()) else None
    given = _draw_answers(
        draw,
        ruleset,
        kind=kind,
        base={},
        must=ruleset.answer_facts if complete else (),
        only={},
        allow_contradictions=True,
    )
    return ItemFacts(
        item_id=draw(_ITEM_IDS),
        item_kind=kind,
        usml_candidates=usml,
        eccn_candidates=eccn,
        cj_jurisdiction=cj,
        cj_classification=cj_classification,
        ccats_classification=ccats,
        answers=given,
    )


def item_facts(
    regs: Regulations | None = None,
    ruleset: RuleSet | None = None,
    complete: bool = False,
    *,
    allow_contradictions: bool = False,
) -> st.SearchStrategy[ItemFacts]:
    """Facts about one item, as a user (or a batch file) would give them to :func:`classify`.

    Each fact may be unknown (``None``, or a question left out of ``answers``); with
    ``complete=True`` every fact is known: the item kind, the USML and ECCN candidates (a list,
    or none) and every yes/no question of the rule set.

    The facts are coherent, so :func:`~exportctl.classify` never raises
    :class:`~exportctl.core.facts.ContradictoryFacts` or :class:`~exportctl.core.facts.FactError`
    for them:

    * answers never meet a conflict of the rule set (e.g. a release of 22 CFR 120.41(b) or
      15 CFR 772.1 (b) for an item that is not a part, component, accessory, attachment or
      software; (b)(4) with (b)(5));
    * technical data (22 CFR 120.33) is described only in a category's technical data
      paragraph and in product group E of the CCL; software may also sit in a technical data
      paragraph (22 CFR 120.40(g)); nothing else is described in either;
    * a CJ determination (22 CFR 120.4) that finds the item subject to the ITAR comes with USML
      candidates (if known) that include its paragraph, and the item is excluded from the EAR
      (15 CFR 734.3(b)(1)); a CJ finding the EAR comes with no USML paragraph; a CJ or CCATS
      classification is one of the ECCN candidates (EAR99 when there are none); a CCATS only
      for an item no USML paragraph describes.

    ``allow_contradictions=True`` drops all of that (references stay real and well formed).

    >>> from hypothesis import given, settings
    >>> from exportctl import ContradictoryFacts, classify, regulations
    >>> regs = regulations("2025-11-01")
    >>> @settings(max_examples=25, database=None)
    ... @given(item_facts(regs))
    ... def check(facts):
    ...     classify(facts, regs)  # never ContradictoryFacts
    >>> check()
    """
    return _item_facts(_regs(regs), _rules(ruleset), complete, allow_contradictions)


# --------------------------------------------------------------------------------------------
# More facts


@st.composite
def _more_facts(
    draw: st.DrawFn,
    facts: ItemFacts,
    regs: Regulations,
    ruleset: RuleSet,
    complete: bool,
    allow_contradictions: bool,
) -> ItemFacts:
    # Half the time every missing fact is added: a partial answer next to the complete one is
    # where a decision taken on a guess shows.
    fill = complete or draw(_choice((False, True)))
    if allow_contradictions:
        possible = list(ruleset.item_kinds)
    else:
        possible = _possible_kinds(facts, regs, ruleset)
    kind = facts.item_kind
    if kind is None and possible and _maybe(draw, fill):
        kind = draw(_choice(tuple(possible)))
    # What the item is (known or not): the references added are ones it may be described in.
    shadow = kind if kind is not None or not possible else draw(_choice(tuple(possible)))
    pools = _pools(regs, ruleset, None if allow_contradictions else shadow)
    cj = facts.cj_jurisdiction  # blank means "no CJ": known, never added
    excluded = ruleset.ear.subject_fact or ""  # 15 CFR 734.3(b), settled by a CJ or CCATS

    usml = facts.usml_candidates
    if usml is None and _maybe(draw, fill):
        if cj == "EAR" or (facts.ccats_classification is not None and not allow_contradictions):
            usml = ()
        elif cj == "ITAR" and facts.cj_classification is not None:
            first = parse_usml(facts.cj_classification)
            rest = draw(pools.usml_lists)
            usml = (first, *(r for r in rest if r != first))
        elif cj == "ITAR":
            usml = draw(pools.usml_lists)
        else:
            usml = draw(pools.usml_lists_or_none)

    cj_classification = facts.cj_classification
    ccats = facts.ccats_classification
    eccn = facts.eccn_candidates
    if cj == "ITAR":
        if cj_classification is None and draw(st.booleans()):
            cj_classification = str(draw(_choice(usml))) if usml else draw(pools.usml_one)
        if eccn is None and _maybe(draw, fill):
            eccn = ()
    else:
        # A CJ or CCATS classification is added only while no ECCN review is on record: once
        # the candidates are known the review decides, and a determination naming another
        # ECCN would contradict it.
        unreviewed = eccn is None
        if cj == "EAR" and cj_classification is None and unreviewed and draw(st.booleans()):
            cj_classification = ccats or _ear_determination(draw, pools, None)
        if (
            ccats is None
            and cj_classification is None
            and unreviewed
            and usml in (None, ())
            and facts.answers.get(excluded) is not True
            and draw(st.booleans())
        ):
            ccats = _ear_determination(draw, pools, None)
        if eccn is None and _maybe(draw, fill):
            named = cj_classification if cj == "EAR" else ccats
            if named is not None and named.upper() == "EAR99":
                eccn = ()
            elif named is not None:
                first_e = parse_eccn(named)
                rest_e = draw(pools.eccn_lists)
                eccn = (first_e, *(r for r in rest_e if r != first_e))
            else:
                eccn = draw(pools.eccn_lists_or_none)

    cj_reference = facts.cj_reference
    if cj is not None and cj_reference is None and draw(st.booleans()):
        cj_reference = draw(_CJ_REFERENCES)

    only: dict[str, bool] = {}
    if cj == "ITAR":
        only[excluded] = True
    elif cj == "EAR" or ccats is not None:
        only[excluded] = False
    given = _draw_answers(
        draw,
        ruleset,
        kind=kind if allow_contradictions else shadow,
        base=facts.answers,
        must=ruleset.answer_facts if fill else (),
        only={} if allow_contradictions else only,
        allow_contradictions=allow_contradictions,
    )
    return attrs.evolve(
        facts,
        item_kind=kind,
        usml_candidates=usml,
        eccn_candidates=eccn,
        cj_classification=cj_classification,
        cj_reference=cj_reference,
        ccats_classification=ccats,
        answers=given,
    )


def more_facts(
    facts: ItemFacts,
    regs: Regulations | None = None,
    ruleset: RuleSet | None = None,
    *,
    complete: bool = False,
    allow_contradictions: bool = False,
) -> st.SearchStrategy[ItemFacts]:
    """The same item with possibly more facts known: no known fact is changed or dropped.

    Adds, each maybe: the item kind, the USML and ECCN candidates, a CJ paragraph or reference
    where a CJ is on record, a CCATS or a CJ classification while no ECCN review is on record,
    and answers to unanswered questions — about half the time all of them (always with
    ``complete=True``: the item kind, where the facts allow one, both candidate lists and every
    question; CJ and CCATS fields stay optional).  A blank ``cj_jurisdiction`` means "there is
    no CJ" (a known fact), so no CJ is ever added.  What is added agrees with what is known (as for
    :func:`item_facts`) unless ``allow_contradictions`` is true.  For monotonicity tests:
    "adding facts never turns one definite answer into another".

    >>> from hypothesis import given, settings, strategies as st
    >>> from exportctl import regulations
    >>> regs = regulations("2025-11-01")
    >>> pairs = item_facts(regs).flatmap(lambda f: st.tuples(st.just(f), more_facts(f, regs)))
    >>> @settings(max_examples=25, database=None)
    ... @given(pairs)
    ... def check(pair):
    ...     f, g = pair
    ...     assert f.known().items() <= g.known().items()
    >>> check()
    """
    return _more_facts(facts, _regs(regs), _rules(ruleset), complete, allow_contradictions)


@st.composite
def _fewer_facts(draw: st.DrawFn, facts: ItemFacts) -> ItemFacts:
    # Forget about half the facts, or just one now and then (the facts nearly complete).
    forget = draw(_choice((_choice((False, True)), _choice((False,) * 7 + (True,)))))
    kept = {k: v for k, v in sorted(facts.answers.items()) if not draw(forget)}
    return attrs.evolve(
        facts,
        item_kind=None if draw(forget) else facts.item_kind,
        usml_candidates=None if draw(forget) else facts.usml_candidates,
        eccn_candidates=None if draw(forget) else facts.eccn_candidates,
        cj_reference=None if draw(forget) else facts.cj_reference,
        answers=kept,
    )


def fewer_facts(facts: ItemFacts) -> st.SearchStrategy[ItemFacts]:
    """The same item with some facts forgotten: the other side of :func:`more_facts`.

    Forgets, each maybe: the item kind, the USML and ECCN candidates, the CJ reference and any
    answer.  Determinations on record (a CJ, its paragraph, a CCATS) are kept: forgetting one
    would let the order of review run where the determination decides.  Forgetting never makes
    coherent facts contradictory.  ``fewer_facts(complete)`` next to the complete facts is a
    strong monotonicity test: every partial view of a fully decided item.

    >>> from hypothesis import given, settings, strategies as st
    >>> from exportctl import regulations
    >>> regs = regulations("2025-11-01")
    >>> pairs = item_facts(regs, complete=True).flatmap(
    ...     lambda g: st.tuples(fewer_facts(g), st.just(g)))
    >>> @settings(max_examples=25, database=None)
    ... @given(pairs)
    ... def check(pair):
    ...     f, g = pair
    ...     assert f.known().items() <= g.known().items()
    >>> check()
    """
    return _fewer_facts(facts)


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
      located at the start and end of the path;
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
