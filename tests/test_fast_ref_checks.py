"""A USML reference's path checked once (``corpus.references._CHECKED_PATHS``, issue 13: the
paragraphs of an edition and the references of transfers are made again and again) accepts and
refuses what checking every label at its level does, with the same message, whether the path
was checked before or not; the paths kept are bounded.  Never a speed assertion here.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exportctl.corpus import references
from exportctl.corpus.references import (
    LEVEL_KINDS,
    ReferenceSyntaxError,
    USMLRef,
    designation_kind,
    parse_usml,
)

LABELS = ["a", "b", "i", "x", "z", "1", "3", "11", "01", "ii", "iv", "xviii", "A", "B", "aa", ""]


def _checked(category: str, path: tuple[Any, ...]) -> str | None:
    """What ``USMLRef(category, path)`` says of ``path``, worked out label by label here."""
    try:
        for depth, label in enumerate(path, start=1):
            if depth > len(LEVEL_KINDS):
                return "deep"
            designation_kind(depth, label)
    except ReferenceSyntaxError as exc:
        return str(exc)
    return None


def _made(category: str, path: tuple[Any, ...]) -> str | None:
    try:
        ref = USMLRef(category, path)
    except ReferenceSyntaxError as exc:
        return "deep" if "levels deep" in str(exc) else str(exc)
    assert ref.path == path
    return None


@settings(max_examples=400, deadline=None)
@given(
    st.sampled_from(["XI", "IV", "XXI"]),
    st.lists(st.lists(st.sampled_from(LABELS), max_size=8).map(tuple), min_size=1, max_size=6),
)
def test_a_path_is_accepted_or_refused_as_each_label_checked_says(
    category: str, paths: list[tuple[str, ...]]
) -> None:
    for path in [*paths, *paths]:  # each again, once it is kept (or not)
        assert _made(category, path) == _checked(category, path), path


def test_a_known_good_path_is_kept_and_a_bad_one_never() -> None:
    references._CHECKED_PATHS.clear()
    assert _made("XI", ("a", "3", "xviii")) is None
    assert ("a", "3", "xviii") in references._CHECKED_PATHS
    for bad in [("3",), ("a", "b"), ("a", "1", "i", "A", "1", "i", "a")]:
        assert _made("XI", bad) == _checked("XI", bad) is not None  # refused, as label by label
        assert bad not in references._CHECKED_PATHS
    # an unknown category is refused whatever the path
    with pytest.raises(ReferenceSyntaxError, match="does not exist"):
        USMLRef("XXII", ("a", "3", "xviii"))


def test_the_paths_kept_are_bounded() -> None:
    references._CHECKED_PATHS.clear()
    for n in range(1, references.CHECKED_PATHS_KEPT + 50):
        parse_usml(f"XI(a)({n})")
        assert len(references._CHECKED_PATHS) <= references.CHECKED_PATHS_KEPT
