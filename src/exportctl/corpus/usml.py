"""The U.S. Munitions List, 22 CFR 121.1: categories, paragraphs, notes and look-ups.

Flags follow § 120.10 as the USML marks them: an asterisk makes the paragraph and every article
beneath it Significant Military Equipment (SME, § 120.10(c), § 120.36); "(MT)" designates MTCR
Annex items (§ 120.10(d)) — some only conditionally ("MT if …", "MT for those …"), and the
condition is kept.

One definition each, used by the engine, the ETL check, ``exportctl usml show`` and the testing
kit:

* :attr:`USMLParagraph.sme` — an asterisk on the paragraph or on ANY paragraph above it
  (§ 120.10(c): "All items described within a USML paragraph or subordinate paragraph that is
  preceded by an asterisk (*) are designated Significant Military Equipment").
* :attr:`USMLParagraph.mt` — the paragraph's effective MT designation: its own "(MT …)"
  annotation, or else that of the nearest paragraph above it that has one.  § 120.10(d):
  "Annotation with the parenthetical '(MT)' at the end of a USML entry indicates those defense
  articles that are on the MTCR Annex."  A lead-in such as V(c)(3) "Liquid high energy density
  fuels, as follows (MT):" describes its articles through its sub-paragraphs, so its annotation
  reaches them; a sub-paragraph that carries its own annotation says which of its articles are
  MT (V(f)(4)(xv) "(MT if usable as rocket propellant burning rate modifier)" under V(f)(4)
  "Ferrocene derivatives, as follows (MT):"), and the nearer, more specific annotation governs.
  :attr:`USMLParagraph.mt_marked` is the paragraph's own annotation, ``mt_from`` where the
  effective one is written.
* :attr:`USMLParagraph.specially_designed_scope` — how far "specially designed" reaches: the
  paragraph's text and the lead-ins above it (XV(e)(1)(ii) reads "Antenna systems specially
  designed for spacecraft that: … employ active electronic scanning"), never an "(MT …)"
  annotation (:func:`exportctl.engine.specially_designed.specially_designed_scope`).
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING, Any, Literal

import attr  # attrs' frozen and field, without importing the attrs package (start-up)

from exportctl.core.lazy import fields_repr, lazy_names
from exportctl.corpus.references import (
    LEVEL_KINDS,
    USML_CATEGORIES,
    ReferenceSyntaxError,
    USMLRef,
    label_at,
    ordinal,
    parse_usml,
)
from exportctl.corpus.text import without_mt_annotations

if TYPE_CHECKING:
    from exportctl.corpus import usml_values as _values
    from exportctl.corpus.usml_values import MTDesignation, USMLCategory, USMLNote
else:
    #: The values a look-up rarely builds (notes, MT designations, categories) live in
    #: :mod:`exportctl.corpus.usml_values`, imported when one is first built or named (start-up):
    #: the annotations and the builders below name them through this module (``_values.USMLNote``),
    #: whose ``__getattr__`` imports them, so ``typing.get_type_hints`` resolves them too.
    _values = sys.modules[__name__]

__all__ = [
    "MTDesignation",
    "USMLCategory",
    "USMLNote",
    "USMLParagraph",
    "UnitedStatesMunitionsList",
    "UnknownReference",
    "usml_from_data",
]


class UnknownReference(LookupError):
    """A well-formed reference that names nothing in the data."""


#: ``from exportctl.corpus.usml import USMLNote`` (and the others) works as before.
__getattr__, __dir__ = lazy_names(
    __name__,
    {
        "MTDesignation": "exportctl.corpus.usml_values",
        "USMLCategory": "exportctl.corpus.usml_values",
        "USMLNote": "exportctl.corpus.usml_values",
    },
)


@attr.frozen
class USMLParagraph:
    """One paragraph of a USML category, e.g. ``XI(a)(3)(xviii)`` (or a reserved range)."""

    __repr__ = fields_repr  # attrs' repr, not compiled for this class (start-up)

    ref: USMLRef
    designation: str
    text: str
    parent: USMLRef
    children: tuple[USMLRef, ...]
    range_end: str | None
    sme_marked: bool
    sme: bool
    sme_from: USMLRef | None
    mt: _values.MTDesignation | None
    """The effective MT designation (§ 120.10(d)): this paragraph's annotation, or the nearest
    one above it (see the module docstring)."""
    mt_marked: _values.MTDesignation | None
    """The "(MT …)" annotation written on this paragraph itself."""
    mt_from: USMLRef | None
    """The paragraph whose annotation gives :attr:`mt` (None when it is not MT)."""
    reserved: bool
    notes: tuple[_values.USMLNote, ...]
    is_catch_all: bool
    includes_specially_designed_parts: bool
    specially_designed_scope: Literal["none", "parts", "item"]
    is_x_paragraph: bool
    is_technical_data: bool
    is_classified_catch: bool
    is_developmental: bool
    sources: tuple[str, ...]
    describes_technical_data: bool
    """Technical data may be described here: a category's technical data paragraph, or a
    paragraph whose text or lead-in names technical data (XIII(i) "Signature reduction software,
    and technical data as follows", XVII(a) "All articles, and technical data … relating
    thereto, that are classified")."""

    @property
    def category(self) -> str:
        return self.ref.category

    def admits_kind(self, kind: str) -> bool:
        """Can an item of ``kind`` be described here?  Technical data only where technical data
        may be described (:attr:`describes_technical_data`); a category's technical data
        paragraph describes technical data, defense services and software (22 CFR 120.33(a)(4),
        120.40(g)), never a commodity.  The one definition the engine and the testing kit read."""
        if kind == "technical_data":
            return self.describes_technical_data
        return not self.is_technical_data or kind == "software"

    @property
    def citation(self) -> str:
        return f"22 CFR 121.1, Category {self.designation}"

    @property
    def specially_designed_control(self) -> bool:
        """True when "specially designed" is a control parameter here, for the item or for the
        parts of an enumerated item (§ 120.11(b)(1)): :attr:`specially_designed_scope` is not
        ``"none"``.  The one definition the engine and ``usml show`` use."""
        return self.specially_designed_scope != "none"

    @property
    def enumerated(self) -> bool:
        """True when the paragraph does not control by "specially designed" (§ 120.42(f))."""
        return not self.specially_designed_control


def _note(raw: dict[str, Any]) -> _values.USMLNote:
    return _values.USMLNote(raw["id"], raw["heading"], raw["text"])


def _mt(raw: dict[str, Any] | None) -> _values.MTDesignation | None:
    return _values.MTDesignation(raw["designated"], raw["condition"]) if raw else None


def _chain(
    raw: dict[str, Any], by_ref: dict[str, dict[str, Any]] | _Objects
) -> list[dict[str, Any]]:
    """The paragraph and the paragraphs above it, nearest first (``by_ref``: the paragraphs of
    the edition as bundled, JSON objects by reference)."""
    out = [raw]
    above = by_ref.get(raw["parent"])
    while above is not None:
        out.append(above)
        above = by_ref.get(above["parent"])
    return out


_TECHNICAL_DATA = re.compile(r"\btechnical data\b", re.IGNORECASE)


def _names_technical_data(q: dict[str, Any], named: dict[str, bool]) -> bool:
    """Whether paragraph ``q`` (its JSON object) is a technical data paragraph or names
    technical data in its text (an "(MT …)" annotation left out), read once per paragraph of
    an edition: ``named`` holds it by reference (a paragraph is read for itself and again for
    each paragraph beneath it built later)."""
    found = named.get(q["ref"])
    if found is None:
        found = named[q["ref"]] = bool(
            q["is_technical_data"]
            or (
                not q["is_x_paragraph"]
                and _TECHNICAL_DATA.search(without_mt_annotations(q["text"]))
            )
        )
    return found


def _paragraph(
    raw: dict[str, Any],
    by_ref: dict[str, dict[str, Any]] | _Objects,
    named: dict[str, bool] | None = None,
) -> USMLParagraph:
    """The paragraph of JSON object ``raw`` (``named``: :func:`_names_technical_data`'s
    answers kept for the edition, or none kept)."""
    chain = _chain(raw, by_ref)
    if named is None:
        named = {}
    marked = next((q for q in chain if q["mt"]), None)
    asterisk = next((q for q in chain if q["sme_marked"]), None)
    return USMLParagraph(
        ref=parse_usml(raw["ref"]),
        designation=raw["designation"],
        text=raw["text"],
        parent=parse_usml(raw["parent"]),
        children=tuple(parse_usml(c) for c in raw["children"]),
        range_end=raw["range_end"],
        sme_marked=raw["sme_marked"],
        sme=asterisk is not None,
        sme_from=parse_usml(asterisk["ref"]) if asterisk else None,
        mt=_mt(marked["mt"]) if marked else None,
        mt_marked=_mt(raw["mt"]),
        mt_from=parse_usml(marked["ref"]) if marked else None,
        reserved=raw["reserved"],
        notes=tuple(_note(n) for n in raw["notes"]),
        is_catch_all=raw["is_catch_all"],
        includes_specially_designed_parts=raw["includes_specially_designed_parts"],
        specially_designed_scope=raw["specially_designed_scope"],
        is_x_paragraph=raw["is_x_paragraph"],
        is_technical_data=raw["is_technical_data"],
        is_classified_catch=raw["is_classified_catch"],
        is_developmental=raw["is_developmental"],
        sources=tuple(raw["sources"]),
        describes_technical_data=any(_names_technical_data(q, named) for q in chain),
    )


class _Pending:
    """The paragraphs of an edition as bundled (JSON), each built into a
    :class:`USMLParagraph` when first asked for: a look-up builds one paragraph, not 1,200.

    Made from the parsed file (:func:`usml_from_data`), or from its verified bytes
    (:func:`usml_from_bundle`): then a paragraph's JSON object is decoded when the paragraph is
    first built, and the whole file only when every paragraph is read or a reference is not
    where the bundled format puts it (:class:`_Objects`).  The categories (decoded) are built
    into :class:`USMLCategory` values when first read.
    """

    __slots__ = ("built", "by_ref", "categories", "named", "order")

    def __init__(
        self, paragraphs: list[dict[str, Any]] | _Objects, categories: list[dict[str, Any]]
    ) -> None:
        self.categories = categories
        self.order = paragraphs
        self.by_ref: dict[str, dict[str, Any]] | _Objects = (
            paragraphs if isinstance(paragraphs, _Objects) else {p["ref"]: p for p in paragraphs}
        )
        self.built: dict[str, USMLParagraph] = {}
        #: :func:`_names_technical_data` of each paragraph read (at most every paragraph).
        self.named: dict[str, bool] = {}

    def paragraph(self, key: str) -> USMLParagraph | None:
        found = self.built.get(key)
        if found is None:
            raw = self.by_ref.get(key)
            if raw is None:
                return None
            found = self.built[key] = _paragraph(raw, self.by_ref, self.named)
        return found

    def everything(self) -> tuple[USMLParagraph, ...]:
        order = self.order
        if isinstance(order, _Objects):
            order = order.everything()
        built = []
        for raw in order:
            paragraph = self.paragraph(raw["ref"])
            assert paragraph is not None
            built.append(paragraph)
        return tuple(built)


#: How the data build writes a USML edition (tools/build_data.py: compact JSON, each paragraph
#: an object whose first key is its reference): ``{"categories":[…],"paragraphs":[{"ref":"I(a)",…},
#: {"ref":"I(b)",…},…],…}``.
_CATEGORIES = b'{"categories":'
_PARAGRAPHS = b',"paragraphs":['
_REF = b'{"ref":"'
_DECODER = json.JSONDecoder()


class _Objects:
    """The paragraphs' JSON objects of one bundled edition, from its verified bytes: the first
    few paragraphs read are found and decoded one at a time, then the whole file is decoded.

    A paragraph's object is found by its opening ``{"ref":"<reference>",`` (the last in the
    file) and accepted only when the bytes from there decode as exactly one JSON object naming that
    reference and ending where the next paragraph's begins (``,``) or the list closes (``]``).
    Anything else, and a reference not found, makes the whole file decoded as
    :func:`~exportctl.corpus.bundle.load_json` decodes it, and answered from that: the same
    objects (decoding one JSON object does not depend on what surrounds it).  The bytes are the
    very bytes whose sha256 was checked against MANIFEST.json, all of them, before any is
    decoded.
    """

    __slots__ = ("_all", "_data", "_decoded", "_load", "_start")

    #: How many paragraphs are decoded one at a time before the whole file is: a look-up reads
    #: a few (the paragraph and those above it); a batch may read hundreds, and one decoding of
    #: the file then costs less than searching it for each.
    ONE_BY_ONE = 32

    def __init__(
        self, data: bytes, start: int, load: Callable[[], list[dict[str, Any]]]
    ) -> None:
        self._data = data
        self._start = start
        self._load = load
        self._decoded: dict[str, dict[str, Any]] = {}
        self._all: list[dict[str, Any]] | None = None

    def everything(self) -> list[dict[str, Any]]:
        """Every paragraph's object, in the order of the file (the whole file decoded)."""
        if self._all is None:
            self._all = self._load()
            self._decoded = {p["ref"]: p for p in self._all}
            self._data = b""
        return self._all

    def get(self, key: str, /) -> dict[str, Any] | None:
        found = self._decoded.get(key)
        if found is None and self._all is None and "(" in key:  # a category is no paragraph
            if len(self._decoded) < self.ONE_BY_ONE:
                found = _object_of(self._data, self._start, key)
            if found is None:
                self.everything()
                return self._decoded.get(key)
            self._decoded[key] = found
        return found


def _object_of(data: bytes, start: int, key: str) -> dict[str, Any] | None:
    """The JSON object of paragraph ``key`` in the list of paragraphs starting at ``start`` (the
    last one, as a dictionary of the parsed list by reference keeps it), or None when it is not
    found, or the bytes there are not exactly that object followed by the next paragraph (``,``)
    or the end of the list (``]``)."""
    if '"' in key or "\\" in key:
        return None
    mark = _REF + key.encode("utf-8") + b'",'
    begin = data.rfind(mark, start)
    if begin < 0:
        return None
    end = data.find(_REF, begin + len(mark))
    last = end < 0
    try:
        text = data[begin : len(data) if last else end].decode("utf-8")
        found, stop = _DECODER.raw_decode(text)
    except (UnicodeDecodeError, ValueError):
        return None
    followed = text.startswith("]", stop) if last else text[stop:] == ","
    if not followed or not isinstance(found, dict) or found.get("ref") != key:
        return None
    return found


_NOT_BUILT: Any = object()


@attr.frozen(eq=False)
class UnitedStatesMunitionsList:
    """All 21 categories and their paragraphs, with look-ups by reference.

    Built from the bundled data (:func:`usml_from_data`), a paragraph is made when first looked
    up, and every paragraph the first time :attr:`paragraphs` is read (the same objects).
    """

    __repr__ = fields_repr  # attrs' repr, not compiled for this class (start-up)

    categories: tuple[_values.USMLCategory, ...]
    paragraphs: tuple[USMLParagraph, ...]
    _by_ref: dict[str, USMLParagraph] = attr.field(repr=False)
    #: The paragraphs by (category, path): a look-up by reference without writing it out.
    _by_parts: dict[tuple[str, tuple[str, ...]], USMLParagraph] = attr.field(
        init=False, repr=False
    )
    #: The paragraphs not built yet (None once every paragraph is).
    _pending: _Pending | None = attr.field(default=None, repr=False, kw_only=True)

    def __attrs_post_init__(self) -> None:
        if self._pending is None:
            _PARTS_SLOT.__set__(
                self, {(p.ref.category, p.ref.path): p for p in self._by_ref.values()}
            )
        else:
            _PARTS_SLOT.__set__(self, _NOT_BUILT)

    def _find(self, key: str) -> USMLParagraph | None:
        pending = self._pending
        if pending is not None:
            return pending.paragraph(key)
        return self._by_ref.get(key)

    def __len__(self) -> int:
        return len(self.paragraphs)

    def category(self, roman: str) -> _values.USMLCategory:
        for c in self.categories:
            if c.roman == roman.upper():
                return c
        raise UnknownReference(f"USML Category {roman!r} does not exist (I to XXI)")

    def get(self, ref: str | USMLRef) -> USMLParagraph:
        """The paragraph a reference names; a paragraph inside a reserved range gives the range."""
        if type(ref) is USMLRef and self._pending is None:
            known = self._by_parts.get((ref.category, ref.path))
            if known is not None:
                return known
        parsed = parse_usml(ref) if isinstance(ref, str) else ref
        if not parsed.path:
            raise UnknownReference(
                f"{parsed} is a whole category; name a paragraph such as {parsed}(a)"
            )
        found = self._find(str(parsed))
        if found is not None:
            return found
        ranged = self._in_reserved_range(parsed)
        if ranged is not None:
            return ranged
        raise UnknownReference(f"USML {parsed} does not exist in 22 CFR 121.1 (as bundled)")

    def exists(self, ref: str | USMLRef) -> bool:
        try:
            self.get(ref)
        except (UnknownReference, ReferenceSyntaxError):
            return False
        return True

    def _in_reserved_range(self, ref: USMLRef) -> USMLParagraph | None:
        kind = LEVEL_KINDS[ref.level - 1]
        position = ordinal(ref.path[-1], kind)
        parent = ref.parent
        assert parent is not None
        for candidate in self.children_of(parent):
            if candidate.range_end is None:
                continue
            start = ordinal(candidate.ref.path[-1], kind)
            if start <= position <= ordinal(candidate.range_end, kind):
                return candidate
        return None

    def children_of(self, ref: str | USMLRef) -> tuple[USMLParagraph, ...]:
        parsed = parse_usml(ref) if isinstance(ref, str) else ref
        if not parsed.path:
            self.category(parsed.category)
            return tuple(p for p in self.paragraphs if p.parent == parsed)
        return tuple(_known(self._find(str(c))) for c in self.get(parsed).children)

    def ancestors_of(self, ref: str | USMLRef) -> tuple[USMLParagraph, ...]:
        """The paragraphs above ``ref``, from the top-level paragraph down to its parent."""
        paragraph = self.get(ref)
        return tuple(_known(self._find(str(a))) for a in paragraph.ref.ancestors() if a.path)

    def descendants_of(self, ref: str | USMLRef) -> tuple[USMLParagraph, ...]:
        parsed = parse_usml(ref) if isinstance(ref, str) else ref
        return tuple(p for p in self.paragraphs if p.ref != parsed and p.ref.is_within(parsed))


@cache  # compiled when first used (start-up: a look-up does not read it)
def _canonical_ref() -> re.Pattern[str]:
    """A reference as the data build writes it (``str(parse_usml(text)) == text``): the
    category's numeral, then each label in parentheses, no spaces."""
    categories = "|".join(sorted(USML_CATEGORIES, key=len, reverse=True))
    return re.compile(rf"(?:{categories})(?:\([A-Za-z0-9]+\))*")


def unreserved_texts(usml: UnitedStatesMunitionsList) -> list[tuple[str, str]] | None:
    """The reference and parent texts of the paragraphs that are not reserved, in the list's
    order, read from the edition's data (its JSON objects' ``ref``, ``parent`` and ``reserved``,
    the fields :func:`_paragraph` builds ``ref``, ``parent`` and ``reserved`` from) without
    building a paragraph: a category or a parent reference stands for the leaves beneath it, and
    finding them needs these alone (start-up: building the 1,168 paragraphs took a third of an
    ``authorize`` of one transfer).  None when the paragraphs are built already (read them) or a
    text is not canonical, i.e. not the text of its parsed reference (``str(ref)``)."""
    pending = _PENDING_SLOT.__get__(usml, UnitedStatesMunitionsList)
    if pending is None:
        return None
    order = pending.order
    if isinstance(order, _Objects):
        order = order.everything()
    canonical = _canonical_ref().fullmatch
    found = []
    for raw in order:
        if raw["reserved"]:
            continue
        ref, parent = raw["ref"], raw["parent"]
        if type(ref) is not str or type(parent) is not str:
            return None
        if canonical(ref) is None or canonical(parent) is None:
            return None
        found.append((ref, parent))
    return found


def _known(paragraph: USMLParagraph | None) -> USMLParagraph:
    if paragraph is None:  # pragma: no cover - the data build checks every reference
        raise UnknownReference("a paragraph the data refers to is missing")
    return paragraph


def usml_from_data(raw: dict[str, Any]) -> UnitedStatesMunitionsList:
    """The USML of one edition from its bundled JSON form (``usml*.json``): each paragraph is
    built when first asked for (the data's references are canonical; the build checks them)."""
    return _usml(_Pending(raw["paragraphs"], raw["categories"]))


def _usml(pending: _Pending) -> UnitedStatesMunitionsList:
    return UnitedStatesMunitionsList(_NOT_BUILT, _NOT_BUILT, _NOT_BUILT, pending=pending)


def usml_from_bundle(name: str) -> UnitedStatesMunitionsList:
    """The USML of one bundled edition (``usml*.json``), read from the bytes verified against
    MANIFEST.json: the same list as :func:`usml_from_data` of the parsed file, but a look-up
    decodes only the paragraphs it builds (start-up, issue 13).  A file that does not begin as
    the data build writes it is parsed whole."""
    from exportctl.corpus import bundle

    data = bundle.verified_bytes(name)
    begun = _categories(data)
    if begun is None:
        return usml_from_data(bundle.load_json(name))
    categories, start = begun

    def load() -> list[dict[str, Any]]:
        paragraphs: list[dict[str, Any]] = bundle.load_json(name)["paragraphs"]
        return paragraphs

    return _usml(_Pending(_Objects(data, start, load), categories))


def _categories(data: bytes) -> tuple[list[dict[str, Any]], int] | None:
    """The categories (decoded) and where the list of paragraphs starts, or None when the file
    does not begin with ``{"categories":[…],"paragraphs":[``."""
    end = data.find(_PARAGRAPHS)
    if not data.startswith(_CATEGORIES) or end < 0:
        return None
    try:
        text = data[:end].decode("utf-8")
        categories, stop = _DECODER.raw_decode(text, len(_CATEGORIES))
    except (UnicodeDecodeError, ValueError):
        return None
    if stop != len(text) or not isinstance(categories, list):
        return None
    return categories, end + len(_PARAGRAPHS)


# ``categories``, ``paragraphs`` and the indexes of a list built from the data are made when
# first read: every reader (attribute access, attrs' repr) goes through these properties.
_CATEGORIES_SLOT: Any = UnitedStatesMunitionsList.__dict__["categories"]
_PARAGRAPHS_SLOT: Any = UnitedStatesMunitionsList.__dict__["paragraphs"]
_BY_REF_SLOT: Any = UnitedStatesMunitionsList.__dict__["_by_ref"]
_PARTS_SLOT: Any = UnitedStatesMunitionsList.__dict__["_by_parts"]
_PENDING_SLOT: Any = UnitedStatesMunitionsList.__dict__["_pending"]


def _build_categories(usml: UnitedStatesMunitionsList) -> None:
    if _CATEGORIES_SLOT.__get__(usml, UnitedStatesMunitionsList) is not _NOT_BUILT:
        return
    pending = _PENDING_SLOT.__get__(usml, UnitedStatesMunitionsList)
    category = _values.USMLCategory
    _CATEGORIES_SLOT.__set__(
        usml,
        tuple(
            category(c["category"], c["title"], tuple(_note(n) for n in c["notes"]))
            for c in pending.categories
        ),
    )


def _complete(usml: UnitedStatesMunitionsList) -> None:
    pending = _PENDING_SLOT.__get__(usml, UnitedStatesMunitionsList)
    if pending is None:
        return
    _build_categories(usml)
    paragraphs = pending.everything()
    by_ref = {str(p.ref): p for p in paragraphs}
    _PARAGRAPHS_SLOT.__set__(usml, paragraphs)
    _BY_REF_SLOT.__set__(usml, by_ref)
    _PARTS_SLOT.__set__(usml, {(p.ref.category, p.ref.path): p for p in paragraphs})
    _PENDING_SLOT.__set__(usml, None)


def _lazy_slot(slot: Any, build: Callable[[UnitedStatesMunitionsList], None]) -> property:
    def get(self: UnitedStatesMunitionsList) -> Any:
        value = slot.__get__(self, UnitedStatesMunitionsList)
        if value is _NOT_BUILT:
            build(self)
            value = slot.__get__(self, UnitedStatesMunitionsList)
        return value

    def set_(self: UnitedStatesMunitionsList, value: Any) -> None:
        slot.__set__(self, value)

    return property(get, set_)


setattr(  # noqa: B010
    UnitedStatesMunitionsList, "categories", _lazy_slot(_CATEGORIES_SLOT, _build_categories)
)
setattr(UnitedStatesMunitionsList, "paragraphs", _lazy_slot(_PARAGRAPHS_SLOT, _complete))  # noqa: B010
setattr(UnitedStatesMunitionsList, "_by_ref", _lazy_slot(_BY_REF_SLOT, _complete))  # noqa: B010
setattr(UnitedStatesMunitionsList, "_by_parts", _lazy_slot(_PARTS_SLOT, _complete))  # noqa: B010


def expand_sibling_range(first: USMLRef, last: USMLRef) -> tuple[USMLRef, ...]:
    """``II(j)(9)`` to ``II(j)(11)`` gives the three references in between, inclusive."""
    if first.parent != last.parent or not first.path:
        raise ValueError(f"{first} and {last} are not siblings")
    kind = LEVEL_KINDS[first.level - 1]
    parent = first.parent
    assert parent is not None
    start, end = ordinal(first.path[-1], kind), ordinal(last.path[-1], kind)
    return tuple(parent.child(label_at(n, kind)) for n in range(start, end + 1))
