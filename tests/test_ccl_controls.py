"""Reasons for control per paragraph: the License Requirements rows of an ECCN, read for one
paragraph (15 CFR part 774, Supp. No. 1; corpus/ccl.py ``ECCN.controls_for``).

Each example quotes the row it reads (the quote is checked against the bundled data, so a test
cannot pass on a row the data does not hold).  Fail closed: a row whose scope is prose, or that
carries a condition, applies; only a row that names other paragraphs, or excepts this one
outright, does not.
"""

from __future__ import annotations

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import exportctl
from exportctl.corpus.ccl import ECCN, LicenseRequirement, ParagraphControl, read_scope
from exportctl.corpus.usml import UnknownReference

DATES = ("2025-06-01", "2026-08-01")  # the CCL of 2025 and the edition of 2026-07-23


def entry(eccn: str, date: str = "2026-08-01") -> ECCN:
    return exportctl.law(date).ccl.get(eccn)


def row(e: ECCN, ref: str | None, control: str) -> ParagraphControl:
    """The row whose control text is ``control``, read for ``ref`` (the quote must be in the
    data)."""
    found = [c for c in e.controls_for(ref) if c.control == control]
    assert len(found) == 1, f"{e.eccn} has no License Requirements row {control!r}"
    return found[0]


@pytest.mark.parametrize("date", DATES)
def test_5a992_c_is_not_controlled_for_rs(date: str) -> None:
    # ECCN 5A992: "RS applies to items controlled by 5A992.z.1" (and .z.2); "AT applies to
    # entire entry".  5A992.c ("Information security" equipment) is AT only (issue 12).
    e = entry("5A992", date)
    assert e.reasons_for_control == ("RS", "AT")
    rs = row(e, "5A992.c", "RS applies to items controlled by 5A992.z.1")
    assert rs.status == "not named" and not rs.applies
    assert row(e, "5A992.c", "AT applies to entire entry").status == "entire entry"
    assert e.reasons_for_control_for("5A992.c") == ("AT",)
    assert e.country_chart_columns_for("5A992.c") == ("AT1",)


@pytest.mark.parametrize("date", DATES)
def test_5a992_z_is_controlled_for_rs(date: str) -> None:
    e = entry("5A992", date)
    z1 = row(e, "5A992.z.1", "RS applies to items controlled by 5A992.z.1")
    assert z1.status == "named" and z1.applies
    assert row(e, "5A992.z.1", "RS applies to items controlled by 5A992.z.2").status == (
        "not named"
    )
    assert e.reasons_for_control_for("5A992.z.1") == ("RS", "AT")
    # The whole ECCN, and 5A992.z, hold paragraphs RS applies to: in part, with a note.
    whole = row(e, None, "RS applies to items controlled by 5A992.z.1")
    assert whole.status == "in part" and whole.applies and whole.note == "only to 5A992.z.1"
    assert e.reasons_for_control_for("5A992.z") == ("RS", "AT")
    assert e.reasons_for_control_for() == ("RS", "AT")


@pytest.mark.parametrize("date", DATES)
def test_600_series_y_paragraph(date: str) -> None:
    # ECCN 3A611: "NS applies to entire entry except 3A611.y"; "RS applies to 3A611.y" (China,
    # Russia, or Venezuela, § 742.6(a)(7)); "UN applies to entire entry except 3A611.y".
    e = entry("3A611", date)
    ns = row(e, "3A611.y.1", "NS applies to entire entry except 3A611.y")
    assert ns.status == "excepted" and not ns.applies
    assert row(e, "3A611.y.1", "RS applies to 3A611.y").status == "named"
    assert row(e, "3A611.a", "RS applies to 3A611.y").status == "not named"
    assert row(e, "3A611.a", "NS applies to entire entry except 3A611.y").status == "entire entry"
    assert e.reasons_for_control_for("3A611.y.1") == ("RS", "AT")
    assert e.reasons_for_control_for("3A611.a") == ("NS", "RS", "AT", "UN")
    assert e.country_chart_columns_for("3A611.y.1") == ("AT1",)  # RS for .y: no column
    whole = row(e, None, "NS applies to entire entry except 3A611.y")
    assert whole.status == "in part" and whole.note == "not to 3A611.y"


@pytest.mark.parametrize("date", DATES)
def test_an_exception_in_words_leaves_the_control_applying_with_a_note(date: str) -> None:
    # ECCN 9A610: "NS applies to entire entry except: 9A610.b; parts and components controlled
    # in 9A610.x if being exported or reexported for use in an aircraft controlled in 9A610.b;
    # and 9A610.y".  9A610.b and .y are excepted; 9A610.x only under a condition this reader
    # cannot check, so NS applies to it, with the words.
    e = entry("9A610", date)
    control = next(r.control for r in e.license_requirements if r.control.startswith("NS"))
    assert control.startswith("NS applies to entire entry except: 9A610.b; parts and components")
    assert row(e, "9A610.b", control).status == "excepted"
    assert row(e, "9A610.y.1", control).status == "excepted"
    x = row(e, "9A610.x", control)
    assert x.status == "conditional" and x.applies
    assert x.note is not None and "9A610.x if being exported or reexported" in x.note
    assert row(e, "9A610.a", control).status == "entire entry"
    # "MT applies to 9A610.t, .u, .v, and .w": not to 9A610.x.
    assert row(e, "9A610.x", "MT applies to 9A610.t, .u, .v, and .w").status == "not named"
    assert e.reasons_for_control_for("9A610.x") == ("NS", "RS", "AT", "UN")
    assert e.reasons_for_control_for("9A610.t") == ("NS", "RS", "MT", "AT", "UN")


@pytest.mark.parametrize("date", DATES)
def test_a_scope_in_prose_applies_with_a_note(date: str) -> None:
    # ECCN 0A502: "NS applies to shotguns with a barrel length less than 18 inches (45.72 cm)":
    # whether a shotgun is such is a fact of the item, not a paragraph: the row applies.
    e = entry("0A502", date)
    ns = row(e, None, "NS applies to shotguns with a barrel length less than 18 inches (45.72 cm)")
    assert ns.status == "unread" and ns.applies and ns.note
    assert set(e.reasons_for_control_for()) == set(e.reasons_for_control)


def test_ranges_and_exceptions_inside_a_list() -> None:
    # 3B001: "NS applies to 3B001.a.1 to a.3, b, e, f.2 to f.4, g to j" (NS Column 2).
    e = entry("3B001")
    control = "NS applies to 3B001.a.1 to a.3, b, e, f.2 to f.4, g to j"
    for ref in ("3B001.a.2", "3B001.a.3", "3B001.f.3", "3B001.h", "3B001.j.1"):
        assert row(e, ref, control).status == "named", ref
    for ref in ("3B001.a.4", "3B001.f.1", "3B001.f.5", "3B001.k", "3B001.o"):
        assert row(e, ref, control).status == "not named", ref
    # 5A001: "NS applies to 5A001.b (except .b.5), .c, .d, .f (except f.3), .g, and .j".
    e = entry("5A001")
    control = "NS applies to 5A001.b (except .b.5), .c, .d, .f (except f.3), .g, and .j"
    assert row(e, "5A001.b.1", control).status == "named"
    assert row(e, "5A001.b.5", control).status == "not named"
    assert row(e, "5A001.f.3", control).status == "not named"
    assert row(e, "5A001.b.5", "NS applies to 5A001.a, b.5, .e, .f.3 and .h").status == "named"


def test_a_number_continues_the_paragraph_before_it() -> None:
    # 1C351: "CB applies to items controlled by 1C351.d.15 and .16" -- ".16" is 1C351.d.16.
    e = entry("1C351")
    control = "CB applies to items controlled by 1C351.d.15 and .16"
    assert row(e, "1C351.d.16", control).status == "named"
    assert row(e, "1C351.d.17", control).status == "not named"


def test_a_condition_narrows_the_named_paragraph() -> None:
    # 3A002: "MT applies to 3A002.h when the parameters in 3A101.a.2.b are met or exceeded".
    e = entry("3A002")
    control = "MT applies to 3A002.h when the parameters in 3A101.a.2.b are met or exceeded"
    h = row(e, "3A002.h", control)
    assert h.status == "conditional" and h.applies and h.note and "3A101.a.2.b" in h.note
    assert row(e, "3A002.a", control).status == "not named"


def test_an_unknown_paragraph_is_refused() -> None:
    with pytest.raises(UnknownReference):
        entry("5A992").controls_for("5A992.q.9")
    with pytest.raises(UnknownReference):
        entry("5A992").controls_for("3A001.a")


# --- invariants over every row of both bundled editions ------------------------------------


def _all_entries() -> list[tuple[str, ECCN]]:
    return [(d, e) for d in DATES for e in exportctl.law(d).ccl.eccns if e.license_requirements]


def test_the_whole_eccn_keeps_every_reason_and_column() -> None:
    # Every row names the ECCN or paragraphs beneath it: read for the whole ECCN, all apply.
    for _date, e in _all_entries():
        assert all(c.applies for c in e.controls_for()), e.eccn
        assert e.reasons_for_control_for() == e.reasons_for_control, e.eccn
        assert set(e.country_chart_columns_for()) == set(e.country_chart_columns), e.eccn


def test_a_paragraph_never_has_a_reason_its_parent_lacks() -> None:
    # A row that applies to a paragraph applies to the paragraph above it (monotone), and
    # a reason without a row is never dropped.
    for _date, e in _all_entries():
        rowless = {
            r for r in e.reasons_for_control if not any(c.reason == r for c in e.controls_for())
        }
        for item in e.items:
            mine = e.controls_for(item.ref)
            parent = item.ref.parent
            above = e.controls_for(parent if parent is not None and parent.path else None)
            for here, up in zip(mine, above, strict=True):
                assert not here.applies or up.applies, (str(item.ref), here.control)
            assert rowless <= set(e.reasons_for_control_for(item.ref)), str(item.ref)


def test_unread_rows_always_apply() -> None:
    for _date, e in _all_entries():
        for c in e.controls_for():
            if read_scope(c.control, e.eccn).kind == "unread":
                assert c.status == "unread" and c.applies and c.note


# --- property: a list of paragraphs, however written, names exactly those paragraphs -------

_3B001 = entry("3B001")
_REFS = [i.ref for i in _3B001.items]


def _written(ref: exportctl.ECCNRef, style: int) -> str:
    path = ".".join(ref.path)
    return (f"{ref.eccn}.{path}", f".{path}", path)[style]


@given(
    st.lists(st.sampled_from(_REFS), min_size=1, max_size=6, unique=True),
    st.lists(st.integers(0, 2), min_size=6, max_size=6),
    st.sampled_from(["", "items controlled by ", "paragraphs "]),
    st.sampled_from(_REFS),
)
def test_a_written_list_names_its_paragraphs(
    named: list[exportctl.ECCNRef], styles: list[int], lead: str, probe: exportctl.ECCNRef
) -> None:
    words = [
        _written(named[0], 0),
        *(_written(r, s) for r, s in zip(named[1:], styles, strict=False)),
    ]
    listed = ", ".join(words[:-1]) + (" and " if len(words) > 1 else "") + words[-1]
    control = f"NS applies to {lead}{listed}"
    e = attrs.evolve(
        _3B001,
        license_requirements=(LicenseRequirement(control, "NS Column 1.", ("NS1",)),),
    )
    (c,) = e.controls_for(probe)
    inside = any(probe.path[: len(r.path)] == r.path for r in named)
    above = any(r.path[: len(probe.path)] == probe.path and r != probe for r in named)
    expected = "named" if inside else "in part" if above else "not named"
    assert c.status == expected, (control, str(probe))
    assert c.applies == (inside or above)
