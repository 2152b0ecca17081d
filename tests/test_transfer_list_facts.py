"""A transfer's list facts (``transit_countries``, a party's nationalities, a question that takes
several values): a JSON list or ``;``-separated text, ``none`` for no entry, blank for not
known; a blank entry, a wrong type or an unknown value is an error naming the field."""

from __future__ import annotations

from typing import Any

import pytest

import exportctl
from exportctl.core.facts import FactError
from exportctl.inputs import transfers as tr

LAW = exportctl.law("2025-06-01")
ALLOWED = ("a", "b_c")


@pytest.mark.parametrize(
    ("value", "countries"),
    [
        (None, None),
        ("", None),
        ("  ", None),
        ("none", ()),
        (" None ", ()),
        ([], ()),
        (";", ()),
        ("gb; au", ("GB", "AU")),
        (["GB", "AU"], ("GB", "AU")),
        (("AU",), ("AU",)),
        ("GB;;AU", ("GB", "AU")),
    ],
)
def test_a_list_of_countries(value: Any, countries: tuple[str, ...] | None) -> None:
    assert tr._countries("transit_countries", value, LAW) == countries


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (7, "expected a list of country codes or 'none', got 7"),
        ({"GB": 1}, "expected a list of country codes or 'none', got {'GB': 1}"),
        ([7], "7 is not an ISO 3166-1 alpha-2 code (e.g. AU, GB)"),
        (["GB", " "], "a blank entry in a list of countries; leave it out"),
    ],
)
def test_a_list_of_countries_that_is_not_one(value: Any, message: str) -> None:
    with pytest.raises(FactError) as raised:
        tr._countries("transit_countries", value, LAW)
    assert raised.value.field == "transit_countries"
    assert message in str(raised.value)


@pytest.mark.parametrize(
    ("value", "choices"),
    [
        (None, None),
        ("", None),
        ("NONE", ()),
        ("a; B-C; a", ("a", "b_c")),
        (["b c"], ("b_c",)),
    ],
)
def test_a_list_of_choices(value: Any, choices: tuple[str, ...] | None) -> None:
    assert tr._choices("q", value, ALLOWED) == choices


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (1.5, "expected a list of a, b_c, got 1.5"),
        (["a", "d"], "'d' is not one of a, b_c"),
        (["a", ""], "a blank entry in a list; leave it out"),
    ],
)
def test_a_list_of_choices_that_is_not_one(value: Any, message: str) -> None:
    with pytest.raises(FactError) as raised:
        tr._choices("q", value, ALLOWED)
    assert raised.value.field == "q"
    assert message in str(raised.value)
