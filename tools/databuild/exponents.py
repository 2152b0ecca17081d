"""Exponents the reference texts flattened ("1.1 × 106 N·s" for 1.1 × 10⁶ N·s), restored.

The bundled data writes every exponent with Unicode superscript characters (``⁰¹²³⁴⁵⁶⁷⁸⁹⁻``):
``10⁶``, ``10⁻⁴``, ``m²``, ``cm³``, ``K⁻¹`` -- the form the eCFR XML gives when it marks them with
``<SU>`` or ``<E T="51">``.  Subscripts (``Fe2O3``, ``Em``, ``C10``, ``N 2 O 4``) stay plain, as in
the sources.

For the USML the restoration is errata (each site checked against the eCFR XML copy).  For the
CCL, whose references carry no markup, it is the rules of ``data/errata/exponents.json``: each
rule is a regular expression with named groups ``keep`` (kept as is), ``sign`` and ``exp``
(written as a superscript) and ``drop`` (a stray space the parser put after a superscript, which
is removed); plus single sites no rule can decide, each with its evidence.  After the rules,
:func:`leftovers` lists any text that still looks like a flattened exponent; the build fails on
one that is not listed as a known non-exponent.
"""

from __future__ import annotations

import re
from typing import Any

from .common import ERRATA, BuildError, read_json

RULES_FILE = ERRATA / "exponents.json"
_SUP = str.maketrans("0123456789-\u2212+", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁻⁺")


def superscript(text: str) -> str:
    return text.replace(" ", "").translate(_SUP)


def load() -> dict[str, Any]:
    spec: dict[str, Any] = read_json(RULES_FILE)
    for rule in spec["rules"]:
        for key in ("id", "pattern", "evidence", "examples"):
            if key not in rule:
                raise BuildError(f"{RULES_FILE.name}: rule {rule.get('id', '?')} lacks {key!r}")
        rule["_regex"] = re.compile(rule["pattern"])
        for example in rule["examples"]:
            got = _apply_rule(rule, example["flat"])
            if got != example["restored"]:
                raise BuildError(
                    f"{RULES_FILE.name}: rule {rule['id']} turns {example['flat']!r} into "
                    f"{got!r}, not {example['restored']!r}"
                )
    for site in spec["sites"]:
        for key in ("id", "edition", "eccn", "field", "old", "new", "evidence"):
            if key not in site:
                raise BuildError(f"{RULES_FILE.name}: site {site.get('id', '?')} lacks {key!r}")
    spec["_detectors"] = [re.compile(p["pattern"]) for p in spec["detectors"]]
    return spec


def _apply_rule(rule: dict[str, Any], text: str) -> str:
    def repl(match: re.Match[str]) -> str:
        groups = match.groupdict()
        return (groups.get("keep") or "") + superscript(
            (groups.get("sign") or "") + match.group("exp")
        )

    regex: re.Pattern[str] = rule["_regex"]
    return regex.sub(repl, text)


def restore(spec: dict[str, Any], text: str) -> str:
    for rule in spec["rules"]:
        text = _apply_rule(rule, text)
    return text


def leftovers(spec: dict[str, Any], text: str) -> list[str]:
    """Stretches of ``text`` that still look like a flattened exponent."""
    found = []
    for detector in spec["_detectors"]:
        for match in detector.finditer(text):
            snippet = text[max(0, match.start() - 25) : match.end() + 15]
            if not any(allowed in snippet for allowed in spec["not_exponents"]):
                found.append(snippet)
    return found


def apply_to_ccl(spec: dict[str, Any], record: dict[str, Any]) -> list[str]:
    """Restore the exponents of one CCL record in place; return the ids of the sites applied.

    A site applies when its field (``heading`` or ``item:<ref>``) came from its edition.
    """
    applied = []
    items = {item["ref"]: item for item in record["items"] or []}
    for site in spec["sites"]:
        if site["eccn"] != record["eccn"]:
            continue
        if site["field"] == "heading":
            holder, key, edition = record, "heading", record["heading_edition"]
        else:
            ref = site["field"].removeprefix("item:")
            if ref not in items:
                raise BuildError(f"exponent site {site['id']}: {ref} is not an item")
            holder, key, edition = items[ref], "text", record["items_edition"]
        if edition != site["edition"]:
            continue
        if site["old"] not in (holder[key] or ""):
            raise BuildError(f"exponent site {site['id']}: {site['old']!r} not in {site['field']}")
        holder[key] = holder[key].replace(site["old"], site["new"])
        applied.append(site["id"])
    record["heading"] = restore(spec, record["heading"])
    if record["items_text"]:
        record["items_text"] = restore(spec, record["items_text"])
    for item in record["items"] or []:
        if item["text"]:
            item["text"] = restore(spec, item["text"])
        item["notes"] = [restore(spec, n) for n in item["notes"]]
    return applied


def ccl_leftovers(spec: dict[str, Any], record: dict[str, Any]) -> list[str]:
    texts = [record["heading"], record["items_text"] or ""]
    for item in record["items"] or []:
        texts.append(item["text"] or "")
        texts.extend(item["notes"])
    return [f"{record['eccn']}: …{s}…" for t in texts for s in leftovers(spec, t)]
