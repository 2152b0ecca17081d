"""The search glossary (data/search/glossary.json): checked, then emitted as glossary.json.

The glossary maps abbreviations and everyday words ("IMU", "bulletproof vest") to the wording the
USML and the CCL use ("inertial measurement units", "body armor"), for query expansion in
``exportctl.search``.  It is human-edited; the build fails, listing every problem, unless

* every entry has an id, a kind, terms and expansions, and a source;
* a ``regulation`` source names a reference file and quotes it: the quote must be in that file
  (whitespace, typographic quotes and Markdown emphasis aside); ``usml.json`` means 22 CFR 121.1
  as built from the reference with its reviewed errata (tools/databuild/usml.py);
* a ``public`` source names a URL (found with the search tools; its quote is not checked);
* no term belongs to two entries (a query word means one thing);
* every expansion is wording the regulations use: its words, in order, occur in the USML or the
  CCL text (so an expansion can only lead to paragraphs, never invent a term).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

from .common import DATA, BuildError, read_json

SOURCE = DATA / "search" / "glossary.json"

#: Reference files a regulation source may quote (relative to the reference directory).
QUOTABLE = (
    "itar/kg/nodes_USMLEntry.csv",
    "itar/kg/nodes_Note.csv",
    "itar/kg/nodes_Clause.csv",
    "itar/kg/nodes_Definition.csv",
    "ear/ear_regulation_texts.md",
    "ear/ccl_supp1_part774_fulltext_2025.json",
    "ear/ecfr-2026-07-23/ccl.json",
)
BUILT_USML = "usml.json"

#: The reference files whose text the expansions are checked against (the USML and the CCL).
REGULATION_TEXT = (
    "itar/kg/nodes_USMLEntry.csv",
    "itar/kg/nodes_Note.csv",
    "ear/ccl_supp1_part774_fulltext_2025.json",
    "ear/ecfr-2026-07-23/ccl.json",
)

#: Every reference file the glossary is checked against (its hashes go into the manifest).
INPUTS = sorted({*QUOTABLE, *REGULATION_TEXT, "itar/kg/nodes_USMLCategory.csv"})

_QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "*": " "})
_WORD = re.compile(r"[0-9a-z]+")


def _norm(text: str) -> str:
    return " ".join(text.translate(_QUOTES).split())


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def _file_texts(path: Path) -> list[str]:
    if path.suffix == ".json":
        return list(_strings(json.loads(path.read_text(encoding="utf-8"))))
    if path.suffix == ".csv":
        with path.open(newline="", encoding="utf-8") as fh:
            return [cell for row in csv.reader(fh) for cell in row if cell]
    return [path.read_text(encoding="utf-8")]


@lru_cache(maxsize=4)
def _built_usml_texts(reference: Path) -> tuple[str, ...]:
    from . import usml

    data = usml.build(reference)
    texts = [p["text"] for p in data["paragraphs"]]
    texts += [n["text"] for p in data["paragraphs"] for n in p["notes"]]
    texts += [c["title"] for c in data["categories"]]
    texts += [n["text"] for c in data["categories"] for n in c["notes"]]
    return tuple(texts)


@lru_cache(maxsize=16)
def _haystack(reference: Path, name: str) -> str:
    """One file's text, normalised, pieces separated so a quote cannot span two cells."""
    texts = _built_usml_texts(reference) if name == BUILT_USML else _file_texts(reference / name)
    return "\n|\n".join(_norm(t) for t in texts)


def _words(text: str) -> list[str]:
    from exportctl.search.glossary import normalise_word

    return [normalise_word(w) for w in _WORD.findall(text.lower())]


@lru_cache(maxsize=4)
def _regulation_words(reference: Path) -> str:
    """The USML and CCL text as one stream of normalised words, documents fenced by ``|``."""
    texts: list[str] = list(_built_usml_texts(reference))
    for name in REGULATION_TEXT:
        texts += _file_texts(reference / name)
    return " | ".join(" ".join(_words(t)) for t in texts)


def _check_entry(
    entry: dict[str, Any], reference: Path, problems: list[str], where: str
) -> None:
    for field in ("id", "kind", "terms", "expansions", "source"):
        if field not in entry:
            problems.append(f"{where}: missing field {field!r}")
    if problems and problems[-1].startswith(where):
        return
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", entry["id"]):
        problems.append(f"{where}: id {entry['id']!r} is not a lower-case slug")
    if entry["kind"] not in ("abbreviation", "synonym"):
        problems.append(f"{where}: kind {entry['kind']!r} is not 'abbreviation' or 'synonym'")
    for field in ("terms", "expansions"):
        values = entry[field]
        if not isinstance(values, list) or not values:
            problems.append(f"{where}: {field} must be a non-empty list")
        elif any(not isinstance(v, str) or not _WORD.search(v.lower()) for v in values):
            problems.append(f"{where}: every one of {field} must be text with a word in it")
    _check_source(entry["source"], reference, problems, where)
    words = _regulation_words(reference)
    for expansion in entry["expansions"] if isinstance(entry["expansions"], list) else ():
        if not isinstance(expansion, str):
            continue
        needle = " ".join(_words(expansion))
        if f" {needle} " not in f" {words} ":
            problems.append(
                f"{where}: expansion {expansion!r} is not wording the USML or the CCL uses"
            )


def _check_source(
    source: Any, reference: Path, problems: list[str], where: str
) -> None:
    if not isinstance(source, dict) or not source.get("citation"):
        problems.append(f"{where}: the source must name a citation")
        return
    kind = source.get("kind")
    if kind == "regulation":
        name, quote = source.get("file"), source.get("quote")
        if name not in (*QUOTABLE, BUILT_USML):
            problems.append(f"{where}: source file {name!r} is not a quotable reference file")
        elif not quote:
            problems.append(f"{where}: a regulation source must quote the regulation")
        elif _norm(quote) not in _haystack(reference, name):
            problems.append(f"{where}: quote {quote!r} is not in {name}")
    elif kind == "public":
        if not re.match(r"https?://\S+$", str(source.get("url", ""))):
            problems.append(f"{where}: a public source must give its URL")
    else:
        problems.append(f"{where}: source kind {kind!r} is not 'regulation' or 'public'")


def build(reference: Path, source: Path = SOURCE) -> dict[str, Any]:
    """Check data/search/glossary.json against the reference text; return what ships."""
    raw = read_json(source)
    problems: list[str] = []
    try:
        as_of = dt.date.fromisoformat(raw["as_of"]).isoformat()
    except (KeyError, TypeError, ValueError):
        problems.append("glossary: 'as_of' must be a date (YYYY-MM-DD)")
        as_of = ""
    entries = raw.get("entries")
    if not isinstance(entries, list) or not entries:
        raise BuildError("glossary: 'entries' must be a non-empty list")
    seen_ids: set[str] = set()
    owner: dict[tuple[str, ...], str] = {}
    for i, entry in enumerate(entries):
        where = f"glossary entry {i} ({entry.get('id', '?')})"
        _check_entry(entry, reference, problems, where)
        if entry.get("id") in seen_ids:
            problems.append(f"{where}: duplicate id")
        seen_ids.add(entry.get("id", ""))
        for term in entry.get("terms") or ():
            key = tuple(_words(str(term)))
            if key in owner and owner[key] != entry.get("id"):
                problems.append(f"{where}: term {term!r} also belongs to entry {owner[key]!r}")
            owner.setdefault(key, entry.get("id", ""))
    if problems:
        raise BuildError("\n".join(problems))
    out = []
    for entry in sorted(entries, key=lambda e: e["id"]):
        fields = ("kind", "citation", "file", "quote", "url")
        cited = {k: entry["source"][k] for k in fields if entry["source"].get(k)}
        out.append(
            {
                "id": entry["id"],
                "kind": entry["kind"],
                "terms": list(entry["terms"]),
                "expansions": list(entry["expansions"]),
                "source": cited,
            }
        )
    return {
        "what": "Search glossary: terms and the regulation wording a search also looks for "
        "(exportctl.search); built from data/search/glossary.json. Not regulation text.",
        "as_of": as_of,
        "entries": out,
    }
