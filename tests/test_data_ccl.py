"""The CCL through the library API: ECCNs, items, 600 series, 9x515, editions."""

from __future__ import annotations

import pytest

import exportctl
from exportctl.usml import UnknownReference


def test_counts(regs: exportctl.Regulations) -> None:
    assert len(regs.ccl) == 638  # union of the 2026-07-23 (633) and 2025 (605) editions


def test_600_series_with_catch_all(regs: exportctl.Regulations) -> None:
    e = regs.eccn("9A610")  # Military aircraft; 9A610.x parts and components (600 series)
    assert e.is_600_series and not e.is_9x515
    assert any(str(i.ref) == "9A610.x" for i in e.catch_all_items)
    assert e.y_items
    assert {"NS", "MT", "AT"} <= set(e.reasons_for_control)


def test_9x515(regs: exportctl.Regulations) -> None:
    assert regs.eccn("9A515").is_9x515


def test_item_lookup(regs: exportctl.Regulations) -> None:
    item = regs.eccn("3A001").item("3A001.a.1")
    assert item.text
    with pytest.raises(UnknownReference):
        regs.eccn("3A001").item("3A001.q.9")


def test_every_item_parent_exists(regs: exportctl.Regulations) -> None:
    for e in regs.ccl.eccns:
        refs = {str(i.ref) for i in e.items}
        for i in e.items:
            parent = i.ref.parent
            assert parent is None or not parent.path or str(parent) in refs, str(i.ref)


def test_unknown_eccn(regs: exportctl.Regulations) -> None:
    with pytest.raises(UnknownReference, match="not in the bundled CCL"):
        regs.eccn("3A799")
