"""The law's readings as data (data/law/<regime>/<section>.json), checked against the text.

Every file is one paragraph group (an exemption, a group of conditions every exemption carries,
the rules of a part 124 section).  Each reading quotes the words it implements; this module
resolves the ``source`` of every quote in the reference files and fails the build when a quote is
not found verbatim (white space folded, typographic quotes normalised), when an amount and its
comparator are not in the quote, or when a file is malformed.  The format is documented in
docs/data.md ("The law's readings").

Sources:
  ``clause:SEC-125.4(b)(1)``   the text of that clause (itar/kg/nodes_Clause.csv)
  ``lead:SEC-124.5``          the ``lead_text`` of a section (itar/kg/nodes_Section.csv)
  ``note:NOTE-0223``          a note (itar/kg/nodes_Note.csv)
  ``definition:DEF-120.30``   a definition (itar/kg/nodes_Definition.csv)
  ``title:SEC-124.16``        the title of a section (itar/kg/nodes_Section.csv), e.g. "[Reserved]"
  ``joined:A+B[+C]``          the pieces A, B, … (each one of the forms above) joined by a space,
                              for paragraphs the extraction split across nodes
  ``aukus:126.7(b)(2):IFR_2024`` a paragraph of itar/aukus_126_7.json confirmed verbatim
  ``seed:<file>``             a seed document, ../shared/seeds/<file> (e.g. the DIB report)
  ``page:<url>``              the verbatim excerpts of a stored web page kept in
                              data/law/sources/*.json; each excerpt must itself be found verbatim
                              in the reference file that recorded it (``recorded_in``), or,
                              for a page read in a stored copy through the project's search
                              tools and recorded nowhere else, carry ``seen_with`` (the look-up)
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

from exportctl.core.comparators import COMPARATORS

from .common import DATA, BuildError, read_csv, read_json

LAW = DATA / "law"
#: Verbatim excerpts of stored web pages (the ``page:`` source); not law files themselves.
PAGE_SOURCES = LAW / "sources"

KINDS = ("exemption", "conditions", "agreement_rules", "amounts", "implications", "facts")

_QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "\u00a0": " "})


def norm(text: str) -> str:
    """White space folded and typographic quotes made plain (how quotes are compared)."""
    return " ".join(text.translate(_QUOTES).split())


@lru_cache(maxsize=4)
def _tables(reference: Path) -> dict[str, str]:
    kg = reference / "itar" / "kg"
    texts: dict[str, str] = {}
    for row in read_csv(kg / "nodes_Clause.csv"):
        texts[f"clause:{row['clause_id']}"] = row["text"]
    for row in read_csv(kg / "nodes_Section.csv"):
        if row.get("lead_text"):
            texts[f"lead:{row['section_id']}"] = row["lead_text"]
        if row.get("title"):
            texts[f"title:{row['section_id']}"] = row["title"]
    for row in read_csv(kg / "nodes_Note.csv"):
        texts[f"note:{row['note_id']}"] = row["text"]
    for row in read_csv(kg / "nodes_Definition.csv"):
        texts[f"definition:{row['definition_id']}"] = row["definition_text"]
    aukus = read_json(reference / "itar" / "aukus_126_7.json")
    for p in aukus["section_126_7"]["paragraphs"]:
        for version in ("IFR_2024", "FINAL_2025"):
            block = p.get(version) or {}
            if block.get("status") != "CONFIRMED_VERBATIM":
                continue
            if block.get("text"):
                texts[f"aukus:{p['cite']}:{version}"] = block["text"]
            if block.get("items"):
                texts[f"aukus:{p['cite']}:{version}:items"] = " ".join(block["items"].values())
    return texts


def _seed_text(reference: Path, name: str) -> str | None:
    """A seed document beside the reference files (../shared/seeds/<name>), by plain file name."""
    if not name or "/" in name or "\\" in name or name.startswith("."):
        return None
    path = reference.parent / "seeds" / name
    return path.read_text(encoding="utf-8") if path.is_file() else None


#: Joins the excerpts of one page: never white space, so no quote can run across two excerpts.
_EXCERPT_BREAK = " \u27e6\u2026\u27e7 "


def page_excerpts(reference: Path, sources: Path | None = None) -> dict[str, list[str]]:
    """The stored excerpts of web pages by URL, each checked against the file that recorded it."""
    return _page_excerpts(reference, PAGE_SOURCES if sources is None else sources)


@lru_cache(maxsize=4)
def _page_excerpts(reference: Path, folder: Path) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        data = read_json(path)
        pages = data.get("pages") if isinstance(data, dict) else None
        if not isinstance(pages, list):
            raise BuildError(f"{path.name}: needs a list of 'pages'")
        for n, page in enumerate(pages):
            where = f"{path.name}: pages[{n}]"
            url, recorded_in = page.get("url"), page.get("recorded_in")
            excerpts = page.get("excerpts")
            if not isinstance(url, str) or not url.startswith(("http://", "https://")):
                raise BuildError(f"{where}: needs an http(s) 'url'")
            if not isinstance(page.get("retrieval"), str) or not page["retrieval"]:
                raise BuildError(f"{where}: needs a 'retrieval' note (how and when it was seen)")
            if not isinstance(excerpts, list) or not excerpts:
                raise BuildError(f"{where}: needs a non-empty list of 'excerpts'")
            seen_with = page.get("seen_with")
            if recorded_in is None and isinstance(seen_with, str) and seen_with:
                # read in a stored copy through the search tools, recorded in no reference file:
                # the page file is the record (its 'retrieval' and 'seen_with' say where)
                if not all(isinstance(e, str) and e.strip() for e in excerpts):
                    raise BuildError(f"{where}: excerpts must be non-empty strings")
                out.setdefault(url, []).extend(excerpts)
                continue
            if not isinstance(recorded_in, str) or ".." in recorded_in:
                raise BuildError(f"{where}: needs 'recorded_in', a reference file path")
            record = reference / recorded_in
            if not record.is_file():
                raise BuildError(f"{where}: recorded_in {recorded_in!r} is not a reference file")
            recorded = norm(record.read_text(encoding="utf-8"))
            for excerpt in excerpts:
                if not isinstance(excerpt, str) or norm(excerpt) not in recorded:
                    raise BuildError(f"{where}: excerpt {excerpt!r} is not in {recorded_in}")
            out.setdefault(url, []).extend(excerpts)
    return out


def source_text(reference: Path, source: str) -> str | None:
    """The verbatim text a ``source`` names, or None when the reference has no such text."""
    if source.startswith("seed:"):
        return _seed_text(reference, source[len("seed:") :])
    if source.startswith("page:"):
        excerpts = page_excerpts(reference).get(source[len("page:") :])
        return _EXCERPT_BREAK.join(excerpts) if excerpts else None
    texts = _tables(reference)
    if source.startswith("joined:"):
        pieces = [texts.get(p) for p in source[len("joined:") :].split("+")]
        if any(p is None for p in pieces):
            return None
        return " ".join(p for p in pieces if p is not None)
    return texts.get(source)


def check_quote(reference: Path, where: str, source: Any, quote: Any) -> None:
    if not isinstance(source, str) or not isinstance(quote, str) or not quote.strip():
        raise BuildError(f"{where}: needs a 'source' and a non-empty 'quote'")
    text = source_text(reference, source)
    if text is None:
        raise BuildError(f"{where}: no verbatim reference text {source!r}")
    if norm(quote) not in norm(text):
        raise BuildError(f"{where}: {quote!r} is not in {source}")


_AMOUNT = re.compile(r"\$\s?([\d,]+)")


def check_comparator(where: str, node: dict[str, Any]) -> None:
    """An amount with its comparator: both must be in the quote, next to each other."""
    comparator = node.get("comparator")
    if comparator not in COMPARATORS:
        raise BuildError(f"{where}: comparator {comparator!r} is not one of {sorted(COMPARATORS)}")
    quote = norm(node.get("quote", ""))
    amount = node.get("amount")
    if not isinstance(amount, int):
        raise BuildError(f"{where}: amount {amount!r} is not a whole number of dollars")
    written = f"${amount:,}"
    if f"{written} {comparator}" not in quote and f"{comparator} {written}" not in quote:
        raise BuildError(f"{where}: {written} {comparator!r} is not written in its quote {quote!r}")


def _quoted_nodes(node: Any, where: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every object in a file that carries a quote (it must also carry its source)."""
    if isinstance(node, dict):
        if "quote" in node:
            yield where, node
        for key, value in node.items():
            yield from _quoted_nodes(value, f"{where}.{key}")
    elif isinstance(node, list):
        for n, value in enumerate(node):
            label = value.get("id", n) if isinstance(value, dict) else n
            yield from _quoted_nodes(value, f"{where}[{label}]")


def check_file(reference: Path, path: Path) -> dict[str, Any]:
    """Load one law file and check every quote, amount and comparator in it."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise BuildError(f"{path.name}: not valid JSON: {exc}") from exc
    name = path.relative_to(LAW).as_posix() if path.is_relative_to(LAW) else path.name
    if not isinstance(data, dict) or data.get("kind") not in KINDS:
        raise BuildError(f"{name}: 'kind' must be one of {', '.join(KINDS)}")
    for key in ("key", "citation", "title"):
        if not isinstance(data.get(key), str) or not data[key]:
            raise BuildError(f"{name}: needs a {key!r}")
    for where, node in _quoted_nodes(data, name):
        check_quote(reference, where, node.get("source"), node.get("quote"))
        if "comparator" in node or "amount" in node:
            check_comparator(where, node)
        for n, amount in enumerate(node.get("amounts", ())):
            # an amount of a quoted paragraph: its figure and comparator are in that quote
            check_comparator(f"{where}.amounts[{n}]", {**amount, "quote": node["quote"]})
    return data


def law_files() -> list[Path]:
    """Every law file (the page excerpts under data/law/sources/ are sources, not law files)."""
    if not LAW.is_dir():
        return []
    return sorted(p for p in LAW.rglob("*.json") if not p.is_relative_to(PAGE_SOURCES))


def check_all(reference: Path) -> dict[str, dict[str, Any]]:
    """Every law file, checked, by key (a key used twice is an error)."""
    out: dict[str, dict[str, Any]] = {}
    for path in law_files():
        data = check_file(reference, path)
        key = f"{data['kind']}:{data['key']}"
        if key in out:
            raise BuildError(f"{path.name}: {data['kind']} {data['key']!r} is defined twice")
        out[key] = data
    return out
