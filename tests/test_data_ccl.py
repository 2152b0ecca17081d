"""The CCL through the library API: ECCNs, items, 600 series, 9x515, editions."""

from __future__ import annotations

import re

import pytest

import exportctl
from exportctl.corpus.bundle import load_json
from exportctl.corpus.usml import UnknownReference


def test_counts(regs: exportctl.Regulations) -> None:
    # The 2025 edition (605 ECCNs) is in force on the fixture's date; the edition of 2026-07-23
    # holds 633 ECCNs and the five its capture merged into their predecessors (638).
    assert len(regs.ccl) == 605
    assert len(exportctl.law("2026-08-01").ccl) == 638


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


# --- issue 7 item 17: exponents the references flattened, written as superscripts -------------


@pytest.mark.parametrize(
    ("eccn", "item", "words"),
    [
        ("9A604", "9A604.f.3", "equal to or greater than 8.41 × 10⁵ Ns"),
        ("5A001", "5A001.c", "tensile stress of 2 × 10⁹ N/m² or more"),
        ("1C117", "1C117.a", "particle size of 50 × 10⁻⁶ m (50 µm)"),
        ("4A906", "4A906.a.1", "less than or equal to 10⁻⁴;"),
        ("6A004", "6A004.d.3.d.1", "exceeding 2 rad (radians)/s²"),
    ],
)
def test_exponents_are_superscripts(
    regs: exportctl.Regulations, eccn: str, item: str, words: str
) -> None:
    text = regs.eccn(eccn).item(item).text
    assert text is not None and words in text


def test_4e091_heading_power_of_ten(regs: exportctl.Regulations) -> None:
    assert "trained utilizing 10²⁶ or more" in regs.eccn("4E091").heading


def test_no_flattened_power_of_ten_in_either_edition() -> None:
    for name in ("ccl.json", "ccl-2025.json"):
        for e in load_json(name)["eccns"]:
            texts = [e["heading"], e["items_text"] or ""]
            for i in e["items"] or []:
                texts += [i["text"] or "", *i["notes"]]
            for text in texts:
                assert not re.search(r"\d ?[×x] ?10 ?[−-]? ?\d", text), (name, e["eccn"], text)
                assert not re.search(r"(?<![\w.,])10 ?− ?\d", text), (name, e["eccn"], text)
