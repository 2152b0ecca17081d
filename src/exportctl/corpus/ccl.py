"""The Commerce Control List, Supp. No. 1 to 15 CFR part 774: ECCNs, item paragraphs, look-ups.

Each value records the eCFR edition it came from (the 2026-07-23 edition is preferred; the 2025
full text supplies item paragraphs the newer capture lacks).

Reasons for control per paragraph.  The Reason for Control line names every reason of the whole
ECCN; the rows of the License Requirements table say which paragraphs each applies to ("RS
applies to items controlled by 5A992.z.1", "NS applies to entire entry except 3A611.y").
:meth:`ECCN.controls_for` reads each row's scope (:func:`read_scope`) and says whether it
applies to one paragraph.  It fails closed: a row whose scope is prose ("NS applies to shotguns
with a barrel length less than 18 inches") or carries a condition is shown as applying, with a
note, never dropped; only a row that names paragraphs, none of which is or holds the one asked
about, or that excepts it outright, is said not to apply.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from typing import Any, Literal

import attrs

from exportctl.corpus.references import ECCNRef, ReferenceSyntaxError, parse_eccn
from exportctl.corpus.usml import UnknownReference

__all__ = [
    "ECCN",
    "CommerceControlList",
    "ControlScope",
    "ECCNItem",
    "LicenseRequirement",
    "ParagraphControl",
    "ParagraphSpan",
    "ccl_from_data",
    "read_scope",
]


@attrs.frozen
class LicenseRequirement:
    """One row of an ECCN's License Requirements table: the control (with its scope, as
    written) and the Country Chart cell (the columns it names, if any)."""

    control: str
    country_chart: str
    columns: tuple[str, ...]


@attrs.frozen
class ECCNItem:
    """An item paragraph; ``text`` is None for a heading-less parent the source implies."""

    ref: ECCNRef
    text: str | None
    is_catch_all: bool
    is_y: bool
    reserved: bool = False
    notes: tuple[str, ...] = ()

    @property
    def parent(self) -> ECCNRef | None:
        return self.ref.parent


# --- License Requirements rows, paragraph by paragraph ------------------------------------------

#: A paragraph designation below an ECCN: a letter, then letters or numbers ("z.1.a", "a.11").
_LABELS = r"[a-z](?:\.(?:[a-z]|[0-9]{1,2}))*"
#: A paragraph as the rows write it: in full ("3A001.b.2"), or relative to the ECCN (".b", "b.5").
_REF_WORD = rf"(?:[0-9][A-E][0-9]{{3}}(?:\.{_LABELS})?|\.?{_LABELS}|\.[0-9]{{1,2}}(?:\.{_LABELS})?)"
_SPAN = re.compile(
    rf"(?P<first>{_REF_WORD})(?:\s+(?:to|through)\s+(?P<last>{_REF_WORD}))?"
    rf"(?:\s*\(except\s+(?P<except>[^()]*)\))?"
)
_LIST_SEPARATOR = re.compile(r"\s*[,;]\s*(?:(?:and|or)\s+)?|\s+(?:and|or)\s+")
_ROW = re.compile(r"(?P<code>[A-Z]{2})\s+appl(?:y|ies)\b\s*(?:to\b)?\s*:?\s*(?P<scope>.*)", re.S)
_ANOTHER_ROW = re.compile(r"\b[A-Z]{2}\s+appl(?:y|ies)\b")
_ENTIRE = re.compile(r"(?:the\s+)?entire\s+entry\b\s*(?P<rest>.*)", re.S | re.IGNORECASE)
_LIST_LEAD = re.compile(
    r"^(?:and\s+)?(?:to\s+)?(?:(?:items|commodities)\s+(?:controlled\s+)?(?:by|in)\s+|"
    r"paragraphs?\s+)?",
    re.IGNORECASE,
)
_LIST_TAIL = re.compile(r"\s*(?:of this entry|only)?\s*\.?$")
_CONDITION = re.compile(r"\s+(?=(?:when|if|that|for)\b)")
_SENTENCE = re.compile(r"\.\s+(?=[A-Z])")


def _depth_zero(text: str, pattern: re.Pattern[str]) -> list[str]:
    """``text`` split at the matches of ``pattern`` that are outside parentheses."""
    pieces: list[str] = []
    start = 0
    for match in pattern.finditer(text):
        before = text[: match.start()]
        if before.count("(") == before.count(")") and match.end() > match.start():
            pieces.append(text[start : match.start()])
            start = match.end()
    pieces.append(text[start:])
    return [p.strip() for p in pieces if p.strip()]


def _label_key(label: str) -> tuple[int, int]:
    return (1, int(label)) if label.isdigit() else (0, sum((ord(c) - 96) for c in label))


@attrs.frozen
class ParagraphSpan:
    """Paragraphs a License Requirements row names: one paragraph and everything beneath it
    (``3A611.y``), or a run of siblings (``3B001.g`` to ``3B001.j``), less any it excepts
    (``5A001.b (except .b.5)``)."""

    first: ECCNRef
    last: ECCNRef | None = None
    excepting: tuple[ECCNRef, ...] = ()

    def __str__(self) -> str:
        text = str(self.first) if self.last is None else f"{self.first} to {self.last}"
        if self.excepting:
            text += f" (except {', '.join(str(e) for e in self.excepting)})"
        return text

    def _covers(self, ref: ECCNRef) -> bool:
        first = self.first
        if ref.eccn != first.eccn or len(ref.path) < len(first.path):
            return False
        depth = len(first.path)
        if self.last is None:
            return ref.path[:depth] == first.path
        if not depth or ref.path[: depth - 1] != first.path[:-1]:
            return False
        low, high, own = (
            _label_key(x) for x in (first.path[-1], self.last.path[-1], ref.path[depth - 1])
        )
        return low[0] == own[0] == high[0] and low <= own <= high

    def holds(self, ref: ECCNRef) -> bool:
        """True when ``ref`` is one of the named paragraphs or lies beneath one."""
        return self._covers(ref) and not any(
            ref.path[: len(e.path)] == e.path for e in self.excepting
        )

    def beneath(self, ref: ECCNRef) -> bool:
        """True when the span names paragraphs strictly beneath ``ref``."""
        first = self.first
        return (
            ref.eccn == first.eccn
            and len(ref.path) < len(first.path)
            and first.path[: len(ref.path)] == ref.path
        )


def _ref(word: str, eccn: str, previous: ECCNRef | None = None) -> ECCNRef | None:
    """A paragraph of ``eccn`` as a row writes it, or None (another ECCN, or not a paragraph).

    A designation that starts with a letter ("z.2.a", ".b") counts from the ECCN; one that
    starts with a number (".16" in "1C351.d.15 and .16") from the paragraph written before it.
    """
    word = word.strip().rstrip(".")
    label = word.lstrip(".")
    try:
        if re.match(r"[0-9][A-E][0-9]{3}", word):
            ref = parse_eccn(word)
        elif label[:1].isdigit():
            if previous is None or not previous.path or not previous.path[-1].isdigit():
                return None
            parent = ".".join((previous.eccn, *previous.path[:-1]))
            ref = parse_eccn(f"{parent}.{label}")
        else:
            ref = parse_eccn(f"{eccn}.{label}")
    except ReferenceSyntaxError:
        return None
    return ref if ref.eccn == eccn else None


def _spans(text: str, eccn: str, *, full_only: bool = False) -> tuple[ParagraphSpan, ...] | None:
    """The paragraphs a list such as "3B001.a.1 to a.3, b, e, f.2 to f.4, g to j" names, or None
    when the text is not such a list (prose, another ECCN, a malformed designation)."""
    text = _LIST_TAIL.sub("", _LIST_LEAD.sub("", text.strip()))
    pieces = _depth_zero(text, _LIST_SEPARATOR)
    if not pieces:
        return None
    out: list[ParagraphSpan] = []
    for piece in pieces:
        match = _SPAN.fullmatch(piece.rstrip("."))
        if match is None or (full_only and not piece[:1].isdigit()):
            return None
        previous = out[-1].first if out else None
        first = _ref(match.group("first"), eccn, previous)
        last = _ref(match.group("last"), eccn, first) if match.group("last") else None
        if first is None or (match.group("last") and last is None):
            return None
        if last is not None and (
            len(last.path) != len(first.path) or last.path[:-1] != first.path[:-1]
        ):
            return None
        excepting: tuple[ECCNRef, ...] = ()
        if match.group("except"):
            inner = _spans(match.group("except"), eccn)
            if inner is None or any(s.last or s.excepting for s in inner):
                return None
            excepting = tuple(s.first for s in inner)
        out.append(ParagraphSpan(first, last, excepting))
    return tuple(out)


def _named_in(text: str, eccn: str) -> tuple[ParagraphSpan, ...]:
    """The paragraphs of ``eccn`` written in full anywhere in prose ("… in 9A610.x if …")."""
    found = re.findall(rf"\b{eccn}\.{_LABELS}", text)
    return tuple(ParagraphSpan(r) for r in (_ref(w, eccn) for w in found) if r is not None)


@attrs.frozen
class ControlScope:
    """What a License Requirements row says about where its control applies.

    ``kind``: ``"entire"`` (the entire entry, less the paragraphs in ``spans``), ``"paragraphs"``
    (only the paragraphs in ``spans``) or ``"unread"`` (prose this reader cannot map to
    paragraphs).  ``qualifier`` holds the words that narrow the row further (a condition, an
    exception described in words, a note); ``qualified`` the paragraphs they name, or None when
    they may concern any paragraph.
    """

    reason: str | None
    kind: Literal["entire", "paragraphs", "unread"]
    spans: tuple[ParagraphSpan, ...] = ()
    qualifier: str | None = None
    qualified: tuple[ParagraphSpan, ...] | None = None
    #: With a qualifier: paragraphs outside ``spans`` may still be concerned (a trailing note).
    open_ended: bool = False

    def touches(self, ref: ECCNRef) -> bool:
        """True when the qualifier may concern paragraph ``ref``."""
        if self.qualifier is None:
            return False
        if self.qualified is None:
            return True
        return any(s.holds(ref) or s.beneath(ref) for s in self.qualified)


def _entire_scope(reason: str, rest: str, eccn: str) -> ControlScope:
    """A row that opens with "entire entry": alone, with a note, or with exceptions."""
    note: str | None = None
    extra = re.fullmatch(r"(?P<body>.*?)\s*(?P<paren>\((?:refer|see)\b[^()]*\))\.?", rest, re.S)
    if extra:
        rest, note = extra.group("body"), extra.group("paren")
    sentences = _SENTENCE.split(rest, maxsplit=1)
    rest = sentences[0].strip().rstrip(".")
    if len(sentences) > 1:
        note = sentences[1].strip()
    if not rest:
        return ControlScope(reason, "entire", qualifier=note, qualified=None if note else ())
    excepted = re.fullmatch(r",?\s*except(?:\s+for)?\s*:?\s*(?P<list>.+)", rest, re.S)
    if excepted is None:
        return ControlScope(reason, "unread")
    hard: list[ParagraphSpan] = []
    worded: list[str] = []
    named: list[ParagraphSpan] = []
    everywhere = False
    for segment in _depth_zero(excepted.group("list"), re.compile(r";")):
        segment = re.sub(r"^(?:and|or)\s+", "", segment)
        listed = _spans(segment, eccn)
        if listed is not None:
            hard.extend(listed)
            continue
        words: list[str] = []
        for piece in _depth_zero(segment, re.compile(r",?\s+(?:and|or)\s+|,\s+")):
            listed = _spans(piece, eccn, full_only=True)
            if listed is not None:
                hard.extend(listed)
            else:
                words.append(piece)
        if words:
            # An exception in words ("parts and components controlled in 9A610.x if ...") may
            # or may not take a paragraph out: the control is shown as applying, with the words.
            worded.append(segment)
            mentioned = _named_in(" ".join(words), eccn)
            named.extend(mentioned)
            everywhere = everywhere or not mentioned
    if note is not None:  # a note after the exceptions may take them back: none is certain
        return ControlScope(
            reason,
            "entire",
            (),
            qualifier=f"except {excepted.group('list')}; {note}",
            qualified=None,
        )
    qualifier = "; ".join(f"except {w}" for w in worded)
    return ControlScope(
        reason,
        "entire",
        tuple(hard),
        qualifier=qualifier or None,
        qualified=None if everywhere else tuple(named),
    )


def _paragraph_scope(reason: str, text: str, eccn: str) -> ControlScope:
    """A row that names paragraphs, each clause optionally narrowed by a condition."""
    sentences = _SENTENCE.split(text, maxsplit=1)
    body = sentences[0].strip()
    note = sentences[1].strip() if len(sentences) > 1 else None
    spans: list[ParagraphSpan] = []
    conditioned: list[ParagraphSpan] = []
    conditions: list[str] = []
    for clause in _depth_zero(body, re.compile(r";")):
        listed = _spans(clause, eccn)
        if listed is not None:
            spans.extend(listed)
            continue
        parts = _CONDITION.split(clause, maxsplit=1)
        listed = _spans(parts[0], eccn) if len(parts) == 2 else None
        if listed is None or _named_in(parts[1], eccn):
            return ControlScope(reason, "unread")
        spans.extend(listed)
        conditioned.extend(listed)
        conditions.append(f"{parts[0].strip()} {parts[1].strip()}")
    if note is not None:
        return ControlScope(
            reason,
            "paragraphs",
            tuple(spans),
            qualifier="; ".join([*conditions, note]),
            qualified=None,
            open_ended=True,
        )
    return ControlScope(
        reason,
        "paragraphs",
        tuple(spans),
        qualifier="; ".join(conditions) or None,
        qualified=tuple(conditioned),
    )


def read_scope(control: str, eccn: str) -> ControlScope:
    """Read where one License Requirements row of ``eccn`` applies.

    >>> read_scope("RS applies to items controlled by 5A992.z.1", "5A992").kind
    'paragraphs'
    >>> [str(s) for s in read_scope("NS applies to entire entry except 3A611.y", "3A611").spans]
    ['3A611.y']
    >>> read_scope("NS applies to shotguns with a barrel length less than 18 inches", "0A502").kind
    'unread'
    """
    row = _ROW.fullmatch(" ".join(control.split()))
    if row is None or _ANOTHER_ROW.search(row.group("scope")):
        return ControlScope(row.group("code") if row else None, "unread")
    reason, scope = row.group("code"), row.group("scope").strip()
    entire = _ENTIRE.fullmatch(scope)
    if entire is not None:
        return _entire_scope(reason, entire.group("rest").strip(), eccn)
    return _paragraph_scope(reason, scope, eccn)


ControlStatus = Literal[
    "entire entry", "named", "in part", "conditional", "unread", "excepted", "not named"
]
#: Statuses under which the row's control applies to the paragraph (fail closed: a row that
#: could not be read, or carries a condition, applies).
APPLYING: frozenset[str] = frozenset({"entire entry", "named", "in part", "conditional", "unread"})


@attrs.frozen
class ParagraphControl:
    """One License Requirements row, read for one paragraph.

    ``status``: ``"entire entry"`` (the row covers the whole ECCN), ``"named"`` (the row names
    this paragraph or one above it), ``"in part"`` (it names paragraphs beneath this one),
    ``"conditional"`` (it applies, narrowed by words in ``note``), ``"unread"`` (its scope is
    prose: shown as applying, read the row), ``"excepted"`` (the row excepts this paragraph) or
    ``"not named"`` (the row names only other paragraphs).  ``applies`` is False only for the
    last two.
    """

    reason: str | None
    control: str
    country_chart: str | None
    columns: tuple[str, ...]
    status: ControlStatus
    note: str | None = None

    @property
    def applies(self) -> bool:
        return self.status in APPLYING


def _status(scope: ControlScope, ref: ECCNRef) -> tuple[ControlStatus, str | None]:
    if scope.kind == "unread":
        return "unread", "the row's scope is not a list of paragraphs: read the row"
    note = scope.qualifier if scope.touches(ref) else None
    if scope.kind == "entire":
        if any(s.holds(ref) for s in scope.spans):
            return "excepted", None
        beneath = [str(s) for s in scope.spans if s.beneath(ref)]
        if beneath:
            text = f"not to {', '.join(beneath)}"
            return "in part", text if note is None else f"{text}; {note}"
        return ("conditional", note) if note else ("entire entry", None)
    held = [s for s in scope.spans if s.holds(ref)]
    if held:
        return ("conditional", note) if note else ("named", None)
    beneath = [str(s) for s in scope.spans if s.beneath(ref)]
    if beneath:
        text = f"only to {', '.join(beneath)}"
        return "in part", text if note is None else f"{text}; {note}"
    if scope.open_ended:
        return "unread", scope.qualifier
    return "not named", None


@attrs.frozen(eq=False)
class ECCN:
    ref: ECCNRef
    heading: str
    reasons_for_control: tuple[str, ...]
    license_requirements: tuple[LicenseRequirement, ...]
    country_chart_columns: tuple[str, ...]
    is_600_series: bool
    is_9x515: bool
    subject_to_itar_placeholder: bool
    items: tuple[ECCNItem, ...]
    items_text: str | None
    heading_edition: str
    reasons_edition: str | None
    items_edition: str | None
    in_editions: tuple[str, ...]
    #: The "Related Controls" paragraph (pointers to other ECCNs and USML categories), and the
    #: edition it was read from; None when the entry has none ("N/A") or the source lacks it.
    related_controls: str | None = None
    related_controls_edition: str | None = None

    @property
    def eccn(self) -> str:
        return self.ref.eccn

    @property
    def citation(self) -> str:
        return f"15 CFR part 774, Supp. No. 1, ECCN {self.eccn}"

    def admits_kind(self, kind: str) -> bool:
        """Can an item of ``kind`` be classified here?  Technology only in product group E, and
        product group E holds only technology (15 CFR 738.2(b); Supp. No. 4 to part 774)."""
        return (kind == "technical_data") == (self.ref.product_group == "E")

    def item(self, ref: str | ECCNRef) -> ECCNItem:
        parsed = parse_eccn(ref) if isinstance(ref, str) else ref
        found = _item_index(self).get(parsed)
        if found is not None:
            return found
        raise UnknownReference(
            f"{parsed} is not an item paragraph of ECCN {self.eccn} (as bundled)"
        )

    def controls_for(self, ref: str | ECCNRef | None = None) -> tuple[ParagraphControl, ...]:
        """Every License Requirements row, read for one paragraph (the whole ECCN by default).

        A paragraph that is not an item paragraph of this ECCN is refused (UnknownReference).
        A row whose scope cannot be read paragraph by paragraph is shown as applying, with a
        note; see :class:`ParagraphControl`.
        """
        return _controls(self, self._own(ref))

    def reasons_for_control_for(self, ref: str | ECCNRef | None = None) -> tuple[str, ...]:
        """The reasons of the Reason for Control line that apply to paragraph ``ref``.

        A reason is left out only when the License Requirements table has rows for it and none
        of them applies to the paragraph (:meth:`controls_for`); a reason without a row stays.
        ``5A992.c`` gives ``('AT',)``: "RS applies to items controlled by 5A992.z.1" and "...
        5A992.z.2" name other paragraphs.
        """
        return _reasons_for(self, self._own(ref))

    def country_chart_columns_for(self, ref: str | ECCNRef | None = None) -> tuple[str, ...]:
        """The Country Chart columns of the rows that apply to paragraph ``ref``, sorted."""
        return tuple(
            sorted({col for c in self.controls_for(ref) if c.applies for col in c.columns})
        )

    def _own(self, ref: str | ECCNRef | None) -> ECCNRef:
        if ref is None:
            return self.ref
        parsed = parse_eccn(ref) if isinstance(ref, str) else ref
        if parsed.eccn != self.eccn:
            raise UnknownReference(f"{parsed} is not a paragraph of ECCN {self.eccn}")
        if parsed.path:
            self.item(parsed)
        return parsed

    def tree(self, ref: str | ECCNRef | None = None) -> tuple[tuple[int, ECCNItem], ...]:
        """The item paragraphs beneath ``ref`` (all of them by default), in list order, each with
        its depth below ``ref`` (1 for a child)."""
        parsed = self._own(ref)
        top = len(parsed.path)
        return tuple(
            (len(i.ref.path) - top, i)
            for i in self.items
            if len(i.ref.path) > top and i.ref.path[:top] == parsed.path
        )

    @property
    def catch_all_items(self) -> tuple[ECCNItem, ...]:
        return tuple(i for i in self.items if i.is_catch_all)

    @property
    def y_items(self) -> tuple[ECCNItem, ...]:
        return tuple(i for i in self.items if i.is_y)


@cache
def _item_index(entry: ECCN) -> dict[ECCNRef, ECCNItem]:
    return {i.ref: i for i in entry.items}


@cache
def _scopes(entry: ECCN) -> tuple[ControlScope, ...]:
    return tuple(read_scope(r.control, entry.eccn) for r in entry.license_requirements)


def _reasons_from_controls(entry: ECCN, ref: ECCNRef) -> tuple[str, ...]:
    """:meth:`ECCN.reasons_for_control_for` read from :meth:`ECCN.controls_for` (the rows
    read for the paragraph, each with its status): what :func:`_reasons_for` gives (a test
    compares the two on every paragraph of every bundled CCL)."""
    controls = _controls(entry, ref)
    kept: list[str] = []
    for reason in entry.reasons_for_control:
        rows = [c for c in controls if c.reason == reason]
        if not rows or any(c.applies for c in rows):
            kept.append(reason)
    return tuple(kept)


@lru_cache(maxsize=65536)
def _reasons_for(entry: ECCN, ref: ECCNRef) -> tuple[str, ...]:
    """:meth:`ECCN.reasons_for_control_for`: whether a row applies, read from its scope
    without writing the row's status and note (:func:`_applies`)."""
    rows = _reason_rows(entry)
    if rows is None:
        return entry.reasons_for_control
    return tuple(
        [reason for reason, scopes in rows if any(_applies(scope, ref) for scope in scopes)]
    )


@cache
def _reason_rows(entry: ECCN) -> tuple[tuple[str, tuple[ControlScope, ...]], ...] | None:
    """Each reason of the entry's Reason for Control line with the scopes of its rows; None
    when every reason applies to every paragraph (a reason without rows, or with a row read as
    prose or covering the entire entry without exceptions: :func:`_applies` is True for any
    paragraph), which most entries are.  A reason that applies to every paragraph is given
    with the scope of a row read as prose."""
    scopes = _scopes(entry)
    rows: list[tuple[str, tuple[ControlScope, ...]]] = []
    varies = False
    for reason in entry.reasons_for_control:
        own = tuple(scope for scope in scopes if scope.reason == reason)
        if not own or any(
            scope.kind == "unread" or (scope.kind == "entire" and not scope.spans)
            for scope in own
        ):
            rows.append((reason, (_ALWAYS,)))
        else:
            rows.append((reason, own))
            varies = True
    return tuple(rows) if varies else None


#: A scope that applies to every paragraph (:func:`_reason_rows`).
_ALWAYS = ControlScope(None, "unread")


def _applies(scope: ControlScope, ref: ECCNRef) -> bool:
    """Whether :func:`_status` gives a status in :data:`APPLYING`: a row read as prose
    applies; an entire entry applies unless one of its exceptions holds the paragraph; a list
    of paragraphs applies to one it holds or one above a paragraph it names, and to any other
    when it ends with a note (open-ended)."""
    if scope.kind == "unread":
        return True
    if scope.kind == "entire":
        return not any(s.holds(ref) for s in scope.spans)
    return any(s.holds(ref) or s.beneath(ref) for s in scope.spans) or scope.open_ended


@lru_cache(maxsize=65536)
def _controls(entry: ECCN, ref: ECCNRef) -> tuple[ParagraphControl, ...]:
    return tuple(
        ParagraphControl(
            scope.reason,
            row.control,
            row.country_chart,
            row.columns,
            *_status(scope, ref),
        )
        for row, scope in zip(entry.license_requirements, _scopes(entry), strict=True)
    )


def _eccn(raw: dict[str, Any]) -> ECCN:
    return ECCN(
        ref=parse_eccn(raw["eccn"]),
        heading=raw["heading"],
        reasons_for_control=tuple(raw.get("reasons_for_control") or ()),
        license_requirements=tuple(
            LicenseRequirement(r["control"], r["country_chart"], tuple(r.get("columns", ())))
            for r in raw.get("license_requirements") or ()
        ),
        country_chart_columns=tuple(raw.get("country_chart_columns") or ()),
        is_600_series=raw["is_600_series"],
        is_9x515=raw["is_9x515"],
        subject_to_itar_placeholder=raw.get("subject_to_itar_placeholder", False),
        items=tuple(
            ECCNItem(
                parse_eccn(i["ref"]),
                i["text"],
                i["is_catch_all"],
                i["is_y"],
                i.get("reserved", False),
                tuple(i.get("notes") or ()),
            )
            for i in raw.get("items") or ()
        ),
        items_text=raw.get("items_text"),
        heading_edition=raw.get("heading_edition", ""),
        reasons_edition=raw.get("reasons_edition"),
        items_edition=raw.get("items_edition"),
        in_editions=tuple(raw.get("in_editions") or ()),
        related_controls=raw.get("related_controls"),
        related_controls_edition=raw.get("related_controls_edition"),
    )


@attrs.frozen(eq=False)
class CommerceControlList:
    eccns: tuple[ECCN, ...]
    editions: dict[str, Any] = attrs.field(repr=False)
    _by_eccn: dict[str, ECCN] = attrs.field(repr=False)

    def __len__(self) -> int:
        return len(self.eccns)

    def get(self, ref: str | ECCNRef) -> ECCN:
        parsed = parse_eccn(ref) if isinstance(ref, str) else ref
        found = self._by_eccn.get(parsed.eccn)
        if found is None:
            raise UnknownReference(f"ECCN {parsed.eccn} is not in the bundled CCL")
        return found

    def exists(self, ref: str | ECCNRef) -> bool:
        try:
            parsed = parse_eccn(ref) if isinstance(ref, str) else ref
            entry = self.get(parsed)
            if parsed.path:
                entry.item(parsed)
        except (UnknownReference, ValueError):
            return False
        return True


def ccl_from_data(raw: dict[str, Any]) -> CommerceControlList:
    """The CCL of one edition from its bundled JSON form (``ccl*.json``)."""
    eccns = tuple(_eccn(e) for e in raw["eccns"])
    return CommerceControlList(eccns, raw["editions"], {e.eccn: e for e in eccns})
