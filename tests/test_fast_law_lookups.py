"""§ 126.1 read once per law and country (issue 13; never a speed assertion here).

:func:`exportctl.engine.itar.s126_1.proscribed_status` keeps what the law's countries say of a
country on the law's date, by the law's identity and the country: these tests compare it with
:meth:`~exportctl.corpus.countries.Countries.proscribed_status` read afresh for every country
the data knows under several laws read in turn (a date within Cyprus's dated suspension, one
after it, a restricted law), and compare what ``authorize`` decides with it and without it (the
status read afresh every time) on the examples, the benchmark's distinct transfers and
generated transfers.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import Phase, given, settings
from hypothesis import strategies as st
from tests.test_status_authorize import _sourced_transfers

import exportctl
from exportctl.core.jsonable import to_jsonable
from exportctl.engine.exemptions import restricted
from exportctl.engine.itar import s126_1
from exportctl.inputs.transfers import Transfer
from exportctl.testing import transfers

LAWS = (
    exportctl.law("2024-06-01"),
    exportctl.law("2025-06-01"),
    exportctl.law("2026-08-01"),
    restricted(exportctl.law("2025-06-01"), ["126.7", "126.5"]),
)
IDS = ["2024-06-01", "2025-06-01", "2026-08-01", "restricted"]
_PHASES = (Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink)


def _afresh(code: str, law: exportctl.Law) -> Any:
    return law.countries.proscribed_status(code, law.as_of)


def test_every_country_reads_as_afresh_under_each_law_in_turn() -> None:
    """Each law twice over (the second read is the one kept), the laws interleaved: a status
    kept for one law is never given for another."""
    codes = [c.iso2 for c in LAWS[0].countries.countries]
    assert len(codes) > 150
    seen = set()
    for _ in range(2):
        for law in LAWS:
            for code in codes:
                got = s126_1.proscribed_status(code, law)
                assert got == _afresh(code, law), (law.as_of, code)
                seen.add(got.status)
    # The comparison meets listed, country-specific and unlisted countries alike.
    assert {"policy_of_denial", "country_specific", "not_listed"} <= seen


def _decided(transfer: Transfer, law: exportctl.Law) -> Any:
    return to_jsonable(exportctl.authorize(transfer, law))


def _compare(found: list[Transfer], law: exportctl.Law, monkeypatch: Any) -> None:
    """Each transfer's authorization with the kept statuses, then with each read afresh."""
    kept = [_decided(t, law) for t in found]
    with monkeypatch.context() as m:
        m.setattr(s126_1, "proscribed_status", _afresh)
        afresh = [_decided(t, law) for t in found]
    assert kept == afresh


@pytest.mark.parametrize("source", ["examples", "distinct"])
@pytest.mark.parametrize("law", LAWS, ids=IDS)
def test_real_transfers_decide_as_with_statuses_read_afresh(
    source: str, law: exportctl.Law, tmp_path: Path, monkeypatch: Any
) -> None:
    found = _sourced_transfers(source, tmp_path, 200, law)
    assert len(found) > 10
    # Some transfers touch a proscribed country: the kept statuses decide outcomes.
    assert any(s126_1.proscribed(t, law) for t in found) or source == "examples"
    _compare(found, law, monkeypatch)


@settings(max_examples=60, deadline=None, phases=_PHASES)
@given(st.sampled_from(LAWS).flatmap(lambda law: st.tuples(st.just(law), transfers(law))))
def test_generated_transfers_decide_as_with_statuses_read_afresh(
    pair: tuple[exportctl.Law, Transfer],
) -> None:
    law, transfer = pair
    with pytest.MonkeyPatch.context() as m:
        _compare([transfer], law, m)
