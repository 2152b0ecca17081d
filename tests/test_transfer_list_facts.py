"""A transfer's list facts (``transit_countries``, a party's nationalities, a question that takes
several values): a JSON list or ``;``-separated text, ``none`` for no entry, blank for not
known; a blank entry, a wrong type or an unknown value is an error naming the field."""

from __future__ import annotations

from collections.abc import Callable
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


def _countries(value: Any) -> Any:
    return tr._countries("transit_countries", value, LAW)


def _choices(value: Any) -> Any:
    return tr._choices("q", value, ALLOWED)


@pytest.mark.parametrize(
    ("read", "value", "message"),
    [
        (_countries, 7, "transit_countries: expected a list of country codes or 'none', got 7"),
        (
            _countries,
            {"GB": 1},
            "transit_countries: expected a list of country codes or 'none', got {'GB': 1}",
        ),
        (_countries, [7], "transit_countries: 7 is not an ISO 3166-1 alpha-2 code (e.g. AU, GB)"),
        (_countries, ["GB", " "], "transit_countries: a blank entry in a list of countries"),
        (_choices, 1.5, "q: expected a list of a, b_c, got 1.5"),
        (_choices, ["a", "d"], "q: 'd' is not one of a, b_c"),
        (_choices, ["a", ""], "q: a blank entry in a list; leave it out"),
    ],
)
def test_a_list_that_is_not_one(read: Callable[[Any], Any], value: Any, message: str) -> None:
    with pytest.raises(FactError) as raised:
        read(value)
    assert str(raised.value).startswith(message)
