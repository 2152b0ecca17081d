"""``transfer_key`` writes a transfer's canonical JSON field by field (its fields in the order
of their keys, texts, None, bools and ints at once, parties by the same writer, anything else
as its own canonical JSON): the same text as ``canonical_json`` of the generic walk
(``to_jsonable``), for the example transfers, the bench's distinct transfers, generated ones
and transfers with every kind of odd value (escapes, non-ASCII text, floats, large numbers,
nested answers) (issue 13).  Never a speed assertion here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import Phase, given, settings
from hypothesis import strategies as st
from tests.test_status_authorize import _sourced_transfers

import exportctl
from exportctl.core import provenance
from exportctl.core.jsonable import to_jsonable
from exportctl.corpus.references import parse_usml
from exportctl.engine.authorize import transfer_key
from exportctl.inputs.transfers import Party, Transfer
from exportctl.testing import transfers

LAW = exportctl.law("2025-06-01")
_PHASES = (Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink)


def _same(transfer: Transfer) -> None:
    assert transfer_key(transfer) == provenance.canonical_json(to_jsonable(transfer))


@pytest.mark.parametrize("source", ["examples", "distinct"])
def test_real_transfers_are_written_alike(source: str, tmp_path: Path) -> None:
    found = _sourced_transfers(source, tmp_path, 300, LAW)
    assert any(t.parties for t in found) and any(t.answers for t in found)
    for transfer in found:
        _same(transfer)


@settings(max_examples=150, deadline=None, phases=_PHASES)
@given(transfers(LAW))
def test_generated_transfers_are_written_alike(transfer: Transfer) -> None:
    _same(transfer)


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.tuples(inner, inner)
        | st.dictionaries(st.text() | st.integers(), inner, max_size=3)
    ),
    max_leaves=8,
)
_TEXT = st.text(alphabet=st.characters(codec="utf-8"))


@settings(max_examples=200, deadline=None, phases=_PHASES)
@given(
    _TEXT,
    _TEXT,
    st.none() | st.integers(),
    st.dictionaries(_TEXT, _JSON, max_size=4),
    st.lists(st.tuples(_TEXT, st.none() | st.booleans(), _TEXT), max_size=3),
)
def test_odd_values_are_written_alike(
    ident: str, text: str, value: int | None, answers: dict[str, Any], parties: list[Any]
) -> None:
    _same(
        Transfer(
            ident,
            description=text,
            value_usd=value,
            answers=answers,
            usml_classification=parse_usml("XI(a)(3)"),
            related_to=(parse_usml("XI(a)(3)(i)"), parse_usml("IV")),
            transit_countries=(text,),
            parties=tuple(
                Party(role, text, None, name, flag, not flag) for role, flag, name in parties
            ),
        )
    )


def test_a_value_of_another_kind_in_a_field_is_its_canonical_json() -> None:
    """A field holding what the parsers never give it (a float, a list, a set) is written as
    the generic walk writes it."""
    base = Transfer("t", answers={"b": 1.5, "a": [1, "x"], 3: {"z": None, "y": True}})
    for value in (2.5, float("nan"), [1, (2, "é")], 10**30, -0, True):
        _same(attrs.evolve(base, value_usd=value))


def test_a_partys_text_is_kept_by_the_party_itself() -> None:
    """A party's text is kept by the party object (the CSV reader shares one between rows):
    the same party in another transfer, an equal party made anew and a different party are
    each written as the generic walk writes them; a party holding a value that can change (a
    list where a name goes) is never kept, and is written with its value as it is now."""
    from exportctl.engine import authorize

    shared = Party("recipient", "GB", "other", "", True, None)
    for party in (shared, shared, attrs.evolve(shared), attrs.evolve(shared, country="AU")):
        _same(Transfer("t", parties=(party, Party("transferor", "US"))))
    assert authorize._PARTY_TEXTS[id(shared)] == (shared, authorize._canonical_text(shared))
    name: Any = ["a"]
    changing = Party("end_user", "AU", name=name)
    _same(Transfer("t", parties=(changing,)))
    name.append("b")
    _same(Transfer("t", parties=(changing,)))
    assert id(changing) not in authorize._PARTY_TEXTS
