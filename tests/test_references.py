"""USML and ECCN reference parsers: examples, round-trip properties, clear errors."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from exportctl.corpus.references import (
    LEVEL_KINDS,
    USML_CATEGORIES,
    ECCNRef,
    ReferenceSyntaxError,
    USMLRef,
    designation_kind,
    from_roman,
    label_at,
    ordinal,
    parse_eccn,
    parse_usml,
    to_roman,
)


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("XI(a)(3)(xviii)", "XI(a)(3)(xviii)"),
        ("Cat. XI(a)(3)(xviii)", "XI(a)(3)(xviii)"),
        ("Category XI (a)(3)(xviii)", "XI(a)(3)(xviii)"),
        ("USML Category IV(h)(1)", "IV(h)(1)"),
        ("22 CFR 121.1 Category VIII(h)(4)(ii)(A)", "VIII(h)(4)(ii)(A)"),
        ("xxi", "XXI"),
    ],
)
def test_usml_spellings(text: str, canonical: str) -> None:
    assert str(parse_usml(text)) == canonical


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("XXII(a)", "does not exist"),
        ("XI(1)", "level 1"),
        ("XI(a)(b)", "level 2"),
        ("XI(a)(1)(2)", "level 3"),
        ("XI a 1", "not a USML reference"),
        ("IV(a)(1)(i)(A)(1)(i)(A)", "at most"),
    ],
)
def test_usml_rejects_malformed(text: str, message: str) -> None:
    with pytest.raises(ReferenceSyntaxError, match=message):
        parse_usml(text)


@pytest.mark.parametrize(
    ("text", "canonical", "catch_all", "series600"),
    [
        ("9A610.x", "9A610.x", True, True),
        ("ECCN 3A001.a.1.b", "3A001.a.1.b", False, False),
        ("9a515.y.1", "9A515.y.1", False, False),
        ("0A606", "0A606", False, True),
    ],
)
def test_eccn_examples(text: str, canonical: str, catch_all: bool, series600: bool) -> None:
    ref = parse_eccn(text)
    assert str(ref) == canonical
    assert ref.is_catch_all is catch_all
    assert ref.is_600_series is series600


@pytest.mark.parametrize(
    ("text", "eccn", "path"),
    [
        ("3A001.a.1.b", "3A001", ("a", "1", "b")),
        ("3A001.a.1.b\n", "3A001", ("a", "1", "b")),
        ("  eccn 3a001.a.1.b ", "3A001", ("a", "1", "b")),
        ("ECCN9A610.x", "9A610", ("x",)),
        ("9A610.X", "9A610", ("X",)),
    ],
)
def test_eccn_as_written_and_as_typed_parse_alike(
    text: str, eccn: str, path: tuple[str, ...]
) -> None:
    # The data's references are parsed by one match; a typed one is cleaned first: both give
    # the reference's parts (a capital paragraph letter is kept as written: the syntax admits it).
    ref = parse_eccn(text)
    assert (ref.eccn, ref.path) == (eccn, path)


def test_9x515_catch_all() -> None:
    # Supp. No. 4 to part 774: 9x515 .x paragraphs are catch-alls like the 600 series.
    assert parse_eccn("9A515.x").is_catch_all
    assert parse_eccn("9A515").is_9x515


@pytest.mark.parametrize("text", ["", "3A01", "3F001", "EAR99", "3A001..a", "3A001.a b"])
def test_eccn_rejects_malformed(text: str) -> None:
    with pytest.raises(ReferenceSyntaxError):
        parse_eccn(text)


@given(st.integers(min_value=1, max_value=3999))
def test_roman_round_trip(n: int) -> None:
    assert from_roman(to_roman(n)) == n


@st.composite
def usml_refs(draw: st.DrawFn) -> USMLRef:
    category = draw(st.sampled_from(USML_CATEGORIES))
    depth = draw(st.integers(min_value=0, max_value=len(LEVEL_KINDS)))
    path = []
    for level in range(depth):
        kind = LEVEL_KINDS[level]
        top = 26 if kind in ("letter", "upper") else 60
        path.append(label_at(draw(st.integers(min_value=1, max_value=top)), kind))
    return USMLRef(category, tuple(path))


@given(usml_refs())
def test_usml_round_trip(ref: USMLRef) -> None:
    assert parse_usml(str(ref)) == ref
    assert parse_usml("Cat. " + str(ref)) == ref


@given(usml_refs())
def test_usml_ancestors_are_prefixes(ref: USMLRef) -> None:
    for ancestor in ref.ancestors():
        assert ref.is_within(ancestor)
        assert str(ref).startswith(str(ancestor))


@st.composite
def eccn_refs(draw: st.DrawFn) -> ECCNRef:
    eccn = (
        str(draw(st.integers(0, 9)))
        + draw(st.sampled_from("ABCDE"))
        + f"{draw(st.integers(0, 999)):03d}"
    )
    depth = draw(st.integers(0, 4))
    path = tuple(
        draw(st.sampled_from("abcdefghxy")) if i % 2 == 0 else str(draw(st.integers(1, 30)))
        for i in range(depth)
    )
    return ECCNRef(eccn, path)


@given(eccn_refs())
def test_eccn_round_trip(ref: ECCNRef) -> None:
    assert parse_eccn(str(ref)) == ref


# --- irregular designations (22 CFR 121.1 Category XIII(f)(i)-(iii)) ---------------------------


@pytest.mark.parametrize(
    ("text", "path"),
    [
        ("XIII(f)(i)", ("f", "i")),
        ("Cat. XIII(f)(ii)", ("f", "ii")),
        ("22 CFR 121.1 Category XIII(f)(iii)", ("f", "iii")),
    ],
)
def test_roman_numerals_at_level_2_parse(text: str, path: tuple[str, ...]) -> None:
    # eCFR: "* (f) Any article enumerated in this category that …: (i) Is classified; …"
    ref = parse_usml(text)
    assert ref.path == path
    assert str(parse_usml(str(ref))) == str(ref)
    assert ref.kind_at(2) == "roman"


def test_designation_kind() -> None:
    assert designation_kind(2, "3") == "number"
    assert designation_kind(2, "ii") == "roman"
    assert designation_kind(1, "i") == "letter"  # (i) at the top level is a letter
    assert designation_kind(3, "i") == "roman"
    with pytest.raises(ReferenceSyntaxError, match="level 2"):
        designation_kind(2, "b")  # a letter is never a level-2 designation
    with pytest.raises(ReferenceSyntaxError, match="level 4"):
        designation_kind(4, "ii")  # level 4 uses upper-case letters only


def test_roman_at_level_2_orders_by_value() -> None:
    assert ordinal("iii", "number") == 3  # XIII(f)(iii) is the third sub-paragraph
    assert parse_usml("XIII(f)(ii)").sort_key() < parse_usml("XIII(f)(iii)").sort_key()
    assert parse_usml("XIII(f)(iii)").sort_key() < parse_usml("XIII(g)").sort_key()


@given(st.integers(min_value=1, max_value=40))
def test_roman_level_2_round_trip(n: int) -> None:
    ref = USMLRef("XIII", ("f", to_roman(n)))
    assert parse_usml(str(ref)) == ref
