"""Organisation guidelines: the extra conditions a DoD component or a company requires on top of
the regulation's, read from a TOML file (format ``exportctl-guidelines/1``, docs/dod-exemptions.md).

Each condition has an id, its text, who confirms it (``exporter`` or ``dod_official``), the
exemptions (or § 126.4 branches) it applies to, and either a yes/no ``question`` or a ``fact`` of
the law it reads (with ``equals`` or ``in``), and the source it comes from.  A guideline only adds
conditions: it never lifts one of the regulation's.

:func:`check_guidelines` is pure: it takes the file's text and what the law offers (the exemption
and branch keys and the facts each reads, :func:`offered_facts`) and returns the guidelines and
every error, each naming its line.  :func:`load_guidelines` reads a file against a
:class:`~exportctl.corpus.law.Law` and raises :class:`GuidelinesInvalid` with every error;
:func:`apply_guidelines` returns the law with the guidelines applied — a reform of the law with
its own id, whose decisions name the file's id and SHA-256.  A question condition is answered in
the transfer's answers under the condition's id (e.g. ``"b3-contract-active": true``).

TOML rather than a line-oriented format: people edit these files by hand, TOML gives strings,
lists and booleans without a home-made grammar, and ``tomllib`` reports syntax errors with their
line; for semantic errors this module keeps a line map (the line of each table header and of each
``key =`` in it, skipping multi-line strings).  A value that is not on a ``key =`` line of its own
(a dotted key, an inline table) is reported at its table's header line.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from exportctl.core.facts import Question

if TYPE_CHECKING:  # pragma: no cover
    from exportctl.corpus.law import Law

__all__ = [
    "CONFIRMERS",
    "FORMAT",
    "Condition",
    "GuidelineError",
    "Guidelines",
    "GuidelinesInvalid",
    "apply_guidelines",
    "check_guidelines",
    "load_guidelines",
    "offered_facts",
    "read_guidelines",
]

FORMAT = "exportctl-guidelines/1"
CONFIRMERS = ("exporter", "dod_official")
_ID = re.compile(r"[a-z0-9][a-z0-9-]*")
_TOML_LINE = re.compile(r"at line (\d+)")
_HEADER = re.compile(r"^\s*(\[\[?)\s*([A-Za-z0-9_.-]+)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r"""^\s*([A-Za-z0-9_-]+|"[^"]*"|'[^']*')\s*=""")

ROOT_KEYS = {"format", "guidelines", "source", "condition"}
GUIDELINES_KEYS = {
    "id": True,
    "title": True,
    "issuer": True,
    "illustrative": False,
    "notice": False,
    "as_of": False,
}
SOURCE_KEYS = {
    "id": True,
    "title": True,
    "url": False,
    "reference": False,
    "tag": False,
    "note": False,
}
CONDITION_KEYS = {
    "id": True,
    "applies_to": True,
    "text": True,
    "confirmed_by": True,
    "question": False,
    "fact": False,
    "equals": False,
    "in": False,
    "source": True,
    "quote": True,
    "see": False,
}

#: What the law offers a guidelines file: exemption (or branch) key -> fact id -> its definition
#: (``type`` and, for enums and lists, ``values``).
Offered = Mapping[str, Mapping[str, Mapping[str, Any]]]


@attrs.frozen
class GuidelineError:
    """One problem in a guidelines file, at a line (1-based)."""

    line: int
    field: str
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.field}: {self.reason}"


@attrs.frozen
class Condition:
    """One condition of a guidelines file (``within``: the values of ``in``)."""

    id: str
    applies_to: tuple[str, ...]
    text: str
    confirmed_by: str
    question: str | None
    fact: str | None
    equals: Any
    within: tuple[Any, ...] | None
    source: str
    quote: str
    see: tuple[str, ...]
    line: int


@attrs.frozen
class Guidelines:
    """A validated guidelines file: its id, title, issuer, the SHA-256 of its bytes, its
    conditions and sources, and the file it was read from (if any)."""

    id: str
    title: str
    issuer: str
    illustrative: bool
    sha256: str
    conditions: tuple[Condition, ...]
    sources: Mapping[str, Mapping[str, Any]] = attrs.field(factory=dict, repr=False)
    file: str = ""

    def for_key(self, key: str) -> tuple[Condition, ...]:
        """The conditions that apply to an exemption or a branch key."""
        return tuple(c for c in self.conditions if key in c.applies_to)

    def questions(self) -> tuple[Question, ...]:
        """The yes/no questions its conditions ask (answered under the condition's id)."""
        return tuple(
            Question(c.id, c.question, f"{self.id}: {c.id} (organisation guidelines)", "bool")
            for c in self.conditions
            if c.question is not None
        )


class GuidelinesInvalid(ValueError):
    """A guidelines file that does not validate; ``errors`` names every problem and its line."""

    def __init__(self, errors: list[GuidelineError], name: str = "") -> None:
        prefix = f"{name}:" if name else ""
        super().__init__("\n".join(f"{prefix}{e}" for e in errors))
        self.errors = errors


# ------------------------------------------------------------------------------------------
# Line map


@attrs.define
class _Table:
    line: int
    keys: dict[str, int] = attrs.Factory(dict)


@attrs.define
class _LineMap:
    root: _Table = attrs.Factory(lambda: _Table(1))
    tables: dict[str, _Table] = attrs.Factory(dict)
    arrays: dict[str, list[_Table]] = attrs.Factory(dict)

    def line(self, table: str | None, index: int | None = None, key: str | None = None) -> int:
        where = self.root
        if table is not None and index is None:
            where = self.tables.get(table, self.root)
        elif table is not None and index is not None:
            entries = self.arrays.get(table, [])
            where = entries[index] if index < len(entries) else self.root
        if key is not None and key in where.keys:
            return where.keys[key]
        return where.line


def _line_map(text: str) -> _LineMap:
    """Where each table header and each ``key =`` is (skipping multi-line strings)."""
    out = _LineMap()
    current = out.root
    in_string: str | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        if in_string is not None:
            if raw.count(in_string) % 2 == 1:
                in_string = None
            continue
        header = _HEADER.match(raw)
        key = None if header else _KEY.match(raw)
        if header:
            current = _Table(number)
            if header.group(1) == "[[":
                out.arrays.setdefault(header.group(2), []).append(current)
            else:
                out.tables[header.group(2)] = current
        elif key:
            name = key.group(1).strip("\"'")
            current.keys.setdefault(name, number)
        for delimiter in ('"""', "'''"):
            if raw.count(delimiter) % 2 == 1:
                in_string = delimiter
                break
    return out


# ------------------------------------------------------------------------------------------
# Validation


def _check_keys(
    data: Mapping[str, Any],
    spec: Mapping[str, bool],
    where: str,
    line: Callable[[str | None], int],
    errors: list[GuidelineError],
) -> None:
    for key in data:
        if key not in spec:
            errors.append(GuidelineError(line(key), f"{where}.{key}", "unknown key"))
    for key, required in spec.items():
        if required and key not in data:
            errors.append(GuidelineError(line(None), f"{where}.{key}", "is required"))


def _text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _value_fits(value: Any, spec: Mapping[str, Any]) -> str | None:
    """Why ``value`` cannot be a value of the fact ``spec`` (None when it can)."""
    kind = spec.get("type")
    if kind == "bool":
        return None if isinstance(value, bool) else "must be true or false (a yes/no fact)"
    if kind in ("enum", "list"):
        values = spec.get("values", [])
        return None if value in values else f"must be one of {', '.join(values)}"
    if kind == "structural":
        return "a structural fact cannot be compared here; ask a question instead"
    return None


def check_guidelines(
    text: str, law: Offered, known_facts: frozenset[str] = frozenset()
) -> tuple[Guidelines | None, list[GuidelineError]]:
    """Validate a guidelines file.

    ``law`` maps each exemption key (or branch key, e.g. ``126.4(b)(2)``) a condition may apply
    to, to the facts that exemption reads (:func:`offered_facts`); ``known_facts`` are the ids of
    the law's facts, which a condition's id may not take (a question is answered under its id).
    Returns the guidelines (None when there are errors) and every error found.
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = _TOML_LINE.search(str(exc))
        return None, [GuidelineError(int(found.group(1)) if found else 1, "toml", str(exc))]
    lines = _line_map(text)
    errors: list[GuidelineError] = []

    _check_keys(
        data,
        dict.fromkeys(ROOT_KEYS, False),
        "file",
        lambda k: lines.line(None, None, k),
        errors,
    )
    if data.get("format") != FORMAT:
        errors.append(
            GuidelineError(lines.line(None, None, "format"), "format", f"must be {FORMAT!r}")
        )

    head = data.get("guidelines")
    if not isinstance(head, dict):
        errors.append(GuidelineError(1, "guidelines", "a [guidelines] table is required"))
        head = {}
    else:
        _check_keys(
            head, GUIDELINES_KEYS, "guidelines", lambda k: lines.line("guidelines", None, k), errors
        )
        for key in ("id", "title", "issuer"):
            if key in head and not _text(head[key]):
                errors.append(
                    GuidelineError(
                        lines.line("guidelines", None, key),
                        f"guidelines.{key}",
                        "must be a non-empty string",
                    )
                )
        if "id" in head and _text(head["id"]) and not _ID.fullmatch(head["id"]):
            errors.append(
                GuidelineError(
                    lines.line("guidelines", None, "id"),
                    "guidelines.id",
                    "use lower-case letters, digits and '-'",
                )
            )
        if "illustrative" in head and not isinstance(head["illustrative"], bool):
            errors.append(
                GuidelineError(
                    lines.line("guidelines", None, "illustrative"),
                    "guidelines.illustrative",
                    "must be true or false",
                )
            )

    sources = _sources(data, lines, errors)

    conditions: list[Condition] = []
    raw_conditions = data.get("condition", [])
    if not isinstance(raw_conditions, list) or not raw_conditions:
        errors.append(
            GuidelineError(
                lines.line(None, None, "condition"),
                "condition",
                "at least one [[condition]] table is required",
            )
        )
        raw_conditions = []
    seen: set[str] = set()
    for n, cond in enumerate(raw_conditions):
        parsed = _condition(cond, n, lines, law, sources, seen, errors, known_facts)
        if parsed is not None:
            conditions.append(parsed)

    if errors:
        return None, sorted(errors, key=lambda e: e.line)
    return (
        Guidelines(
            id=head["id"],
            title=head["title"],
            issuer=head["issuer"],
            illustrative=bool(head.get("illustrative", False)),
            sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
            conditions=tuple(conditions),
            sources=sources,
        ),
        [],
    )


def _sources(
    data: Mapping[str, Any], lines: _LineMap, errors: list[GuidelineError]
) -> dict[str, dict[str, Any]]:
    sources: dict[str, dict[str, Any]] = {}
    raw_sources = data.get("source", [])
    if not isinstance(raw_sources, list):
        errors.append(
            GuidelineError(lines.line(None, None, "source"), "source", "use [[source]] tables")
        )
        raw_sources = []
    for n, src in enumerate(raw_sources):
        where = f"source[{n + 1}]"

        def sline(key: str | None, n: int = n) -> int:
            return lines.line("source", n, key)

        if not isinstance(src, dict):
            errors.append(GuidelineError(sline(None), where, "must be a table"))
            continue
        _check_keys(src, SOURCE_KEYS, where, sline, errors)
        sid = src.get("id")
        if not (isinstance(sid, str) and _ID.fullmatch(sid)):
            errors.append(
                GuidelineError(sline("id"), f"{where}.id", "use lower-case letters, digits and '-'")
            )
        elif sid in sources:
            errors.append(GuidelineError(sline("id"), f"{where}.id", f"{sid!r} is used twice"))
        else:
            sources[sid] = src
        for key in ("title", "url", "reference", "tag", "note"):
            if key in src and not _text(src[key]):
                errors.append(
                    GuidelineError(sline(key), f"{where}.{key}", "must be a non-empty string")
                )
        if "url" not in src and "reference" not in src:
            errors.append(GuidelineError(sline(None), where, "needs a 'url' or a 'reference'"))
    return sources


def _condition(
    cond: Any,
    n: int,
    lines: _LineMap,
    law: Offered,
    sources: Mapping[str, Any],
    seen: set[str],
    errors: list[GuidelineError],
    known_facts: frozenset[str],
) -> Condition | None:
    where = f"condition[{n + 1}]"

    def line(key: str | None) -> int:
        return lines.line("condition", n, key)

    def err(key: str | None, reason: str) -> None:
        errors.append(GuidelineError(line(key), f"{where}.{key}" if key else where, reason))

    if not isinstance(cond, dict):
        err(None, "must be a table")
        return None
    before = len(errors)
    _check_keys(cond, CONDITION_KEYS, where, line, errors)
    cid = cond.get("id")
    if isinstance(cid, str) and _ID.fullmatch(cid):
        where = f"condition {cid!r}"
        if cid in seen:
            err("id", "is used twice")
        elif cid in known_facts:
            err("id", "is the id of a fact of the law; choose another (answers are given by id)")
        seen.add(cid)
    elif "id" in cond:
        err("id", "use lower-case letters, digits and '-'")
    for key in ("text", "quote"):
        if key in cond and not _text(cond[key]):
            err(key, "must be a non-empty string")
    if "confirmed_by" in cond and cond["confirmed_by"] not in CONFIRMERS:
        err("confirmed_by", f"must be one of {', '.join(CONFIRMERS)}")
    applies = cond.get("applies_to")
    if "applies_to" in cond:
        if not (isinstance(applies, list) and applies and all(isinstance(a, str) for a in applies)):
            err("applies_to", 'must be a non-empty list of exemption keys, e.g. ["125.4(b)(1)"]')
            applies = []
        for key in applies:
            if key not in law:
                known = ", ".join(sorted(law))
                err("applies_to", f"{key!r} is not an exemption of the law ({known})")
    else:
        applies = []
    has_question, has_fact = "question" in cond, "fact" in cond
    if has_question == has_fact:
        err(None, "give either a yes/no 'question' or a 'fact' it reads (not both)")
    if has_question:
        question = cond["question"]
        if not (_text(question) and question.rstrip().endswith("?")):
            err("question", "must be a yes/no question ending with '?'")
        for key in ("equals", "in"):
            if key in cond:
                err(key, "only with 'fact'")
    if has_fact:
        _check_fact(cond, applies, law, err)
    src = cond.get("source")
    if "source" in cond and src not in sources:
        err("source", f"{src!r} is not a [[source]] id")
    see = cond.get("see", [])
    if not (isinstance(see, list) and all(s in sources for s in see)):
        err("see", "must list [[source]] ids")
        see = []
    if len(errors) > before:
        return None
    within = cond.get("in")
    return Condition(
        id=cond["id"],
        applies_to=tuple(applies),
        text=cond["text"],
        confirmed_by=cond["confirmed_by"],
        question=cond.get("question"),
        fact=cond.get("fact"),
        equals=cond.get("equals"),
        within=tuple(within) if isinstance(within, list) else None,
        source=cond["source"],
        quote=cond["quote"],
        see=tuple(see),
        line=line(None),
    )


def _check_fact(
    cond: Mapping[str, Any],
    applies: list[str],
    law: Offered,
    err: Callable[[str | None, str], None],
) -> None:
    fact = cond["fact"]
    if ("equals" in cond) == ("in" in cond):
        err("fact", "give 'equals' or 'in' with the fact")
    for key in applies:
        spec = law.get(key, {}).get(fact) if isinstance(fact, str) else None
        if key in law and spec is None:
            err("fact", f"{fact!r} is not a fact {key} reads")
        elif spec is not None:
            values = [cond["equals"]] if "equals" in cond else cond.get("in")
            if not isinstance(values, list) or not values:
                err("in", "must be a non-empty list")
                continue
            for value in values:
                why = _value_fits(value, spec)
                if why:
                    err("equals" if "equals" in cond else "in", f"{value!r} {why}")


# ------------------------------------------------------------------------------------------
# Against a Law


def offered_facts(law: Law) -> dict[str, dict[str, dict[str, Any]]]:
    """Exemption key (and branch key) -> the facts it reads: its own and those of the condition
    groups it carries, each as ``{"type": …, "values": […]}``."""
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for exemption in law.exemptions:
        questions = dict(exemption.facts)
        for key in exemption.carries:
            group = law.exemptions.groups.get(key)
            if group is not None:
                questions.update(group.facts)
        facts = {
            q.id: {"type": q.type, "values": list(q.values), "question": q.text}
            for q in questions.values()
        }
        for key in (exemption.key, *exemption.branch_keys()):
            out[key] = facts
    return out


def read_guidelines(text: str, law: Law, name: str = "") -> Guidelines:
    """Validate guidelines (their text) against ``law``; :class:`GuidelinesInvalid` names every
    error and its line."""
    found, errors = check_guidelines(text, offered_facts(law), frozenset(law.facts.questions))
    if found is None:
        raise GuidelinesInvalid(errors, name)
    return attrs.evolve(found, file=name)


def load_guidelines(path: str | Path, law: Law) -> Guidelines:
    """A guidelines file, validated against ``law`` (the SHA-256 is of the file's bytes)."""
    raw = Path(path).read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise GuidelinesInvalid(
            [GuidelineError(raw[: exc.start].count(b"\n") + 1, "file", "is not UTF-8 text")],
            str(path),
        ) from exc
    found = read_guidelines(text, law, str(path))
    return attrs.evolve(found, sha256=hashlib.sha256(raw).hexdigest())


def apply_guidelines(law: Law, guidelines: Guidelines) -> Law:
    """``law`` with the guidelines applied on top of the regulation's conditions: a reform with
    its own id (the change names the guidelines' id and SHA-256), whose facts include the
    guidelines' questions."""
    from exportctl.corpus.law import Law as _Law

    change = f"guidelines {guidelines.id} (sha256 {guidelines.sha256})"
    component = law.statutes.components["exemptions"].changed(
        change,
        lambda current: attrs.evolve(
            current,
            guidelines=guidelines,
            facts=current.facts.merged(guidelines.questions()),
        ),
    )
    return _Law(law.as_of, law.statutes.replace(change, components={"exemptions": component}))
