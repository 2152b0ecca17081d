"""What the search index holds: one document per USML paragraph or CCL entry, from the objects.

A document has three searchable fields:

* ``body`` -- the paragraph's own words (a USML paragraph, an ECCN heading with its "items"
  text, or a CCL item paragraph).  The pointer "(see List of Items Controlled)" that ends half
  the ECCN headings is left out: it says nothing about the items.  A USML paragraph's Missile
  Technology clause ("(MT if designed or modified for rockets, missiles, drones, or UAVs ...)")
  says when the MT designation applies, not what the paragraph controls; it is searched with
  the notes instead, so that "drone" or "missile" do not find every paragraph carrying one;
* ``context`` -- the words above it: the category title and the enclosing paragraphs (for a
  CCL entry, its ECCN -- so that "3A001" finds 3A001 -- and for a CCL item, also the ECCN
  heading and the enclosing item paragraphs).  ``XI(a)(3)(xviii)`` says
  "Radar having electronic protection ..."; ``XII(c)(2)(i)`` says only "An infrared focal plane
  array ..." and needs "Weapon sights" from its parent to be found by "rifle scope";
* ``notes`` -- the notes printed with the paragraph (and, for a category document, the notes
  to the whole category; a category document has no body, its title is its context; for an
  ECCN, its "Related Controls" paragraph, which says where related items are controlled).

A CCL document carries the reasons for control and Country Chart columns that apply to *its*
paragraph (:meth:`exportctl.corpus.ccl.ECCN.controls_for`), and those of the whole ECCN.

Reserved paragraphs are not documents: there is nothing in them to find.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, Literal

import attrs

from ..corpus.ccl import ECCN, CommerceControlList, ECCNItem
from ..corpus.references import ECCNRef
from ..corpus.usml import UnitedStatesMunitionsList, USMLParagraph

__all__ = ["Document", "documents"]

Regime = Literal["usml", "ccl"]
Kind = Literal["category", "paragraph", "eccn", "item"]


@attrs.frozen
class Document:
    regime: Regime
    kind: Kind
    reference: str
    path: tuple[str, ...]
    text: str
    body: str
    context: str
    notes: str
    citation: str
    sme: bool | None = None
    mt: str | None = None
    reasons_for_control: tuple[str, ...] = ()
    eccn: str | None = None
    eccn_reasons_for_control: tuple[str, ...] = ()
    country_chart_columns: tuple[str, ...] = ()

    def to_data(self) -> dict[str, Any]:
        return {
            "regime": self.regime,
            "kind": self.kind,
            "reference": self.reference,
            "path": list(self.path),
            "text": self.text,
            "body": self.body,
            "context": self.context,
            "notes": self.notes,
            "citation": self.citation,
            "sme": self.sme,
            "mt": self.mt,
            "reasons_for_control": list(self.reasons_for_control),
            "eccn": self.eccn,
            "eccn_reasons_for_control": list(self.eccn_reasons_for_control),
            "country_chart_columns": list(self.country_chart_columns),
        }

    @classmethod
    def from_data(cls, raw: dict[str, Any]) -> Document:
        return cls(
            regime=raw["regime"],
            kind=raw["kind"],
            reference=raw["reference"],
            path=tuple(raw["path"]),
            text=raw["text"],
            body=raw["body"],
            context=raw["context"],
            notes=raw["notes"],
            citation=raw["citation"],
            sme=raw["sme"],
            mt=raw["mt"],
            reasons_for_control=tuple(raw["reasons_for_control"]),
            eccn=raw["eccn"],
            eccn_reasons_for_control=tuple(raw["eccn_reasons_for_control"]),
            country_chart_columns=tuple(raw["country_chart_columns"]),
        )


def _mt(paragraph: USMLParagraph) -> str | None:
    if paragraph.mt is None:
        return None
    if paragraph.mt.designated == "yes":
        return "MT"
    return f"MT {paragraph.mt.condition}" if paragraph.mt.condition else "MT (conditional)"


_MT_CLAUSE = re.compile(r"\s*\(MT\b[^()]*(?:\([^()]*\)[^()]*)*\)")


def split_mt(text: str) -> tuple[str, tuple[str, ...]]:
    """A USML paragraph's text without its "(MT ...)" clauses, and the clauses.

    >>> split_mt("Thermal batteries (MT if designed or modified for rockets).")
    ('Thermal batteries.', ('(MT if designed or modified for rockets)',))
    """
    clauses = tuple(m.group(0).strip() for m in _MT_CLAUSE.finditer(text))
    return _MT_CLAUSE.sub("", text), clauses


def _usml_documents(usml: UnitedStatesMunitionsList) -> Iterator[Document]:
    titles = {c.roman: f"Category {c.roman} — {c.title}" for c in usml.categories}
    by_ref = {str(p.ref): p for p in usml.paragraphs}
    for category in usml.categories:
        if category.notes:
            yield Document(
                regime="usml",
                kind="category",
                reference=category.roman,
                path=(titles[category.roman],),
                text=category.title,
                body="",
                context=titles[category.roman],
                notes="\n".join(f"{n.heading}: {n.text}" for n in category.notes),
                citation=f"22 CFR 121.1, Category {category.roman}",
            )
    for p in usml.paragraphs:
        if p.reserved:
            continue
        ancestors = [by_ref[str(a)] for a in p.ref.ancestors() if a.path and str(a) in by_ref]
        body, mt_clauses = split_mt(p.text)
        yield Document(
            regime="usml",
            kind="paragraph",
            reference=p.designation,
            path=(titles[p.category], *(a.designation for a in ancestors), p.designation),
            text=p.text,
            body=body,
            context="\n".join([titles[p.category], *(split_mt(a.text)[0] for a in ancestors)]),
            notes="\n".join([*mt_clauses, *(f"{n.heading}: {n.text}" for n in p.notes)]),
            citation=p.citation,
            sme=p.sme,
            mt=_mt(p),
        )


_SEE_LIST = re.compile(r"\s*\(see list of items control\w*\)", re.IGNORECASE)


def heading_words(heading: str) -> str:
    """An ECCN heading without its "(see List of Items Controlled)" pointer.

    >>> heading_words("Electronic items as follows (see List of Items Controlled).")
    'Electronic items as follows.'
    """
    return _SEE_LIST.sub("", heading)


def _ccl_item_documents(entry: ECCN, head: str) -> Iterator[Document]:
    by_ref: dict[ECCNRef, ECCNItem] = {i.ref: i for i in entry.items}
    for item in entry.items:
        if item.reserved or not item.text:
            continue
        chain: list[ECCNItem] = []
        parent = item.ref.parent
        while parent is not None and parent.path:
            found = by_ref.get(parent)
            if found is not None:
                chain.insert(0, found)
            parent = parent.parent
        yield Document(
            regime="ccl",
            kind="item",
            reference=str(item.ref),
            path=(head, entry.eccn, *(str(a.ref) for a in chain), str(item.ref)),
            text=item.text,
            body=item.text,
            context="\n".join(
                [entry.eccn, heading_words(entry.heading), *(a.text for a in chain if a.text)]
            ),
            notes="\n".join(item.notes),
            citation=f"15 CFR part 774, Supp. No. 1, ECCN {item.ref}",
            reasons_for_control=entry.reasons_for_control_for(item.ref),
            eccn=entry.eccn,
            eccn_reasons_for_control=entry.reasons_for_control,
            country_chart_columns=entry.country_chart_columns_for(item.ref),
        )


def _ccl_documents(ccl: CommerceControlList) -> Iterator[Document]:
    for entry in ccl.eccns:
        head = f"CCL Category {entry.ref.category}"
        text = entry.heading if not entry.items_text else f"{entry.heading}\n{entry.items_text}"
        body = heading_words(entry.heading)
        body = body if not entry.items_text else f"{body}\n{entry.items_text}"
        yield Document(
            regime="ccl",
            kind="eccn",
            reference=entry.eccn,
            path=(head, entry.eccn),
            text=text,
            body=body,
            context=entry.eccn,
            notes=f"Related Controls: {entry.related_controls}" if entry.related_controls else "",
            citation=entry.citation,
            reasons_for_control=entry.reasons_for_control,
            eccn=entry.eccn,
            eccn_reasons_for_control=entry.reasons_for_control,
            country_chart_columns=entry.country_chart_columns,
        )
        yield from _ccl_item_documents(entry, head)


def documents(usml: UnitedStatesMunitionsList, ccl: CommerceControlList) -> tuple[Document, ...]:
    """Every searchable document, USML first (in list order), then the CCL (in list order)."""
    return (*_usml_documents(usml), *_ccl_documents(ccl))
