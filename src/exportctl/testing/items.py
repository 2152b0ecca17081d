"""Hypothesis strategies for items: real USML and ECCN references, item kinds, answers and
coherent item facts, and their supersets and subsets (see :mod:`exportctl.testing`)."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from functools import lru_cache
from typing import Literal, TypeVar

import attrs
from hypothesis import strategies as st

from exportctl.corpus.ccl import ECCN
from exportctl.corpus.references import ECCNRef, USMLRef, parse_eccn, parse_usml
from exportctl.corpus.regulations import Regulations, regulations
from exportctl.corpus.rulesets import RuleSet, load_ruleset
from exportctl.corpus.text import specially_designed_scope
from exportctl.corpus.usml import USMLParagraph
from exportctl.inputs.items import ItemFacts

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
                    specially_designed_scope(entry.heading) != "none",
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
                        specially_designed_scope(text) != "none",
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


def _usml_kinds(ruleset: RuleSet, paragraph: USMLParagraph) -> frozenset[str]:
    """The kinds of item the paragraph may describe: the law's own predicate
    (:meth:`~exportctl.corpus.usml.USMLParagraph.admits_kind`), not a copy of it."""
    return frozenset(k for k in ruleset.item_kinds if paragraph.admits_kind(k))


def _eccn_kinds(ruleset: RuleSet, entry: ECCN) -> frozenset[str]:
    """The kinds of item the ECCN may classify (:meth:`~exportctl.corpus.ccl.ECCN.admits_kind`)."""
    return frozenset(k for k in ruleset.item_kinds if entry.admits_kind(k))


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
        if kind is None or kind in _usml_kinds(ruleset, regs.usml.get(e.ref))
    ]
    eccn_entries = [
        e
        for e in _eccn_entries(regs)
        if kind is None or kind in _eccn_kinds(ruleset, regs.ccl.get(e.ref))
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
        kinds &= _usml_kinds(ruleset, regs.usml.get(uref))
    for eref in ecl:
        kinds &= _eccn_kinds(ruleset, regs.ccl.get(eref))
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
