"""``transfer_key`` (what a decision id hashes: the canonical JSON of the transfer, its fields
and its parties' walked in ``engine/authorize.py`` with plain values taken as they are) is the
canonical JSON of the generic walk (``jsonable``) and of ``to_jsonable``, for the example
transfers, the bench's distinct transfers and generated ones (issue 13).  Never a speed
assertion here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import Phase, given, settings
from tests.test_status_authorize import _sourced_transfers

import exportctl
from exportctl.core import provenance
from exportctl.core.jsonable import to_jsonable
from exportctl.corpus.references import parse_usml
from exportctl.engine import authorize as authorize_module
from exportctl.engine.decision import jsonable
from exportctl.inputs.transfers import Party, Transfer
from exportctl.testing import transfers

ROOT = Path(__file__).resolve().parents[1]
LAW = exportctl.law("2025-06-01")
_PHASES = (Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink)


def _same(value: Any) -> None:
    walked = authorize_module._walked(value)
    assert walked == jsonable(value) == to_jsonable(value)
    if isinstance(value, Transfer):
        key = authorize_module.transfer_key(value)
        assert key == provenance.canonical_json(jsonable(value))
        assert key == provenance.canonical_json(to_jsonable(value))




@pytest.mark.parametrize("source", ["examples", "distinct"])
def test_real_transfers_are_keyed_alike(source: str, tmp_path: Path) -> None:
    found = _sourced_transfers(source, tmp_path, 300, LAW)
    # Parties, references and answers are met (every kind of field the walk takes apart).
    assert any(t.parties for t in found)
    assert any(t.usml_classification is not None for t in found)
    assert any(t.answers for t in found)
    for transfer in found:
        _same(transfer)


def test_other_values_are_walked_alike() -> None:
    ref = parse_usml("XI(a)(3)")
    party = Party("recipient", "GB", "us_person", "x", True, None, False)
    for value in (
        ref,
        party,
        (party, ref, 1, "a", None),
        [party, {"k": (ref,)}],
        {"a": party, 2: [1.5, True]},
        Transfer("t", related_to=(ref,), parties=(party,), answers={"classified": False}),
        "text",
        None,
    ):
        _same(value)


@settings(max_examples=150, deadline=None, phases=_PHASES)
@given(transfers(LAW))
def test_generated_transfers_are_keyed_alike(transfer: Transfer) -> None:
    _same(transfer)


def test_the_fields_of_a_class_are_the_generic_walks() -> None:
    for kind in (Transfer, Party):
        fields = authorize_module._walked_fields(kind)
        assert fields is not None and [k for _, k in fields] == list(jsonable(kind("x")))
