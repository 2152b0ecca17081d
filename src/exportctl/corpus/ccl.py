"""The Commerce Control List, Supp. No. 1 to 15 CFR part 774: ECCNs, item paragraphs, look-ups.

Each value records the eCFR edition it came from (the 2026-07-23 edition is preferred; the 2025
full text supplies item paragraphs the newer capture lacks).
"""

from __future__ import annotations

from functools import cache
from typing import Any

import attrs

from exportctl.corpus.references import ECCNRef, parse_eccn
from exportctl.corpus.usml import UnknownReference

__all__ = ["ECCN", "CommerceControlList", "ECCNItem", "LicenseRequirement", "ccl_from_data"]


@attrs.frozen
class LicenseRequirement:
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

    @property
    def catch_all_items(self) -> tuple[ECCNItem, ...]:
        return tuple(i for i in self.items if i.is_catch_all)

    @property
    def y_items(self) -> tuple[ECCNItem, ...]:
        return tuple(i for i in self.items if i.is_y)


@cache
def _item_index(entry: ECCN) -> dict[ECCNRef, ECCNItem]:
    return {i.ref: i for i in entry.items}


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
