"""Start-up: the classes a first USML look-up creates share one ``__repr__``
(``exportctl.core.lazy.fields_repr``) instead of a repr attrs compiles for each, and a roman
numeral is checked without a regular expression compiled at import.  Both must give exactly
what they replace: attrs' own repr (generated here by attrs for the same fields) and the
expression ``from_roman`` matched before."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from typing import Any

import attr
import pytest
from attr import _make

import exportctl
from exportctl.core.dated import Dated, Version
from exportctl.core.lazy import fields_repr
from exportctl.corpus.law import Component, Law, Statutes
from exportctl.corpus.references import from_roman, parse_usml, to_roman
from exportctl.corpus.usml import UnitedStatesMunitionsList, USMLParagraph

SHARED = (Version, Dated, Component, Statutes, parse_usml("I").__class__, USMLParagraph,
          UnitedStatesMunitionsList)  # fmt: skip


def attrs_repr(obj: Any) -> str:
    """The repr attrs writes for ``obj``'s class (its own generator, run here)."""
    script, globs = _make._make_repr_script(type(obj).__attrs_attrs__, None)
    exec(script, globs)  # attrs' own generated source
    text: str = globs["__repr__"](obj)
    return text


@pytest.mark.parametrize("cls", SHARED, ids=lambda c: c.__name__)
def test_the_classes_use_the_shared_repr(cls: type) -> None:
    assert cls.__repr__ is fields_repr


def test_a_reference_reads_as_before() -> None:
    ref = parse_usml("XI(a)(3)(xviii)")
    assert repr(ref) == "USMLRef(category='XI', path=('a', '3', 'xviii'))"
    assert repr(ref) == attrs_repr(ref)


def test_the_look_up_objects_read_as_attrs_writes_them() -> None:
    law = exportctl.law("2026-01-15")
    paragraph = law.usml_paragraph("XI(a)(3)(xviii)")
    assert repr(paragraph) == attrs_repr(paragraph)
    assert repr(paragraph).startswith("USMLParagraph(ref=USMLRef(category='XI', path=('a', '3'")
    statutes = law.statutes
    assert repr(statutes) == attrs_repr(statutes)
    component = next(iter(statutes.components.values()))
    # ``build`` is a field shown in no repr (repr=False): left out, as attrs leaves it out.
    assert repr(component) == attrs_repr(component)
    assert "build=" not in repr(component)
    dated = statutes.editions["usml"]
    assert repr(dated) == attrs_repr(dated)
    assert isinstance(law, Law)


def test_values_dates_and_a_recursive_value() -> None:
    version = Version(dt.date(2024, 3, 7), True, "accession", label="x")
    assert repr(version) == (
        "Version(effective_from=datetime.date(2024, 3, 7), value=True, reference='accession', "
        "label='x')"
    )
    dated = Dated("SE in NATO", (Version(None, False, "no"), version))
    assert repr(dated) == attrs_repr(dated)
    holder: list[Any] = []
    loop = Version(None, holder)
    holder.append(loop)
    assert repr(loop) == "Version(effective_from=None, value=[...], reference='', label='')"
    assert repr(loop) == attrs_repr(loop)


def test_own_repr_functions_and_unset_fields() -> None:
    @attr.frozen
    class Shown:
        __repr__ = fields_repr
        a: int = attr.field(repr=lambda v: f"<{v}>")
        b: str = attr.field(default="x", repr=False)
        c: int = attr.field(init=False)

    @attr.frozen
    class Twin:
        a: int = attr.field(repr=lambda v: f"<{v}>")
        b: str = attr.field(default="x", repr=False)
        c: int = attr.field(init=False)

    assert repr(Shown(3)) == "Shown(a=<3>, c=NOTHING)"
    assert repr(Shown(3)) == repr(Twin(3)).replace("Twin", "Shown")


_ROMAN_RE = re.compile(r"^m{0,3}(cm|cd|d?c{0,3})(xc|xl|l?x{0,3})(ix|iv|v?i{0,3})$")


def _matched(text: str) -> bool:
    return bool(text) and _ROMAN_RE.match(text) is not None


def test_roman_numerals_as_the_expression_read_them() -> None:
    for n in range(1, 4000):
        assert from_roman(to_roman(n)) == n
    for length in range(7):
        for letters in itertools.product("ivxlcdm", repeat=length):
            text = "".join(letters)
            try:
                from_roman(text)
                accepted = True
            except ValueError:
                accepted = False
            assert accepted == _matched(text), text
    for text in ("", "mmmm", "iiii", "vx", "ic", "xviii ", "XVIII"):
        with pytest.raises(ValueError, match="is not a lower-case roman numeral"):
            from_roman(text)
