"""What the tests read of the law's countries, read once per law (issue 13; never a speed
assertion here).

:func:`exportctl.engine.itar.s126_1.proscribed_status` keeps what the law's countries say of a
country under § 126.1 on the law's date, by the law's identity and the country;
:func:`exportctl.engine.requirements.country_set` keeps a dated country set's members on the
law's date (and their codes as a check names them), by the law's identity and the set.  These
tests compare each with the law read afresh for every country and every set the data knows under
several laws read in turn (a date within Cyprus's dated suspension, one after it, a restricted
law), and compare what ``authorize`` decides with them and without them (everything read afresh
every time) on the examples, the benchmark's distinct transfers and generated transfers.
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
from exportctl.engine import requirements
from exportctl.engine.exemptions import restricted
from exportctl.engine.itar import s123_15, s125_4, s126_1
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


def _set_afresh(key: str, law: exportctl.Law) -> tuple[frozenset[str], str]:
    members = law.members(key)
    return members, ", ".join(sorted(members))


#: Every module that reads a kept look-up, the name it reads it by, and the look-up afresh.
AFRESH = [
    (s126_1, "proscribed_status", _afresh),
    (requirements, "country_set", _set_afresh),
    (s125_4, "country_set", _set_afresh),
    (s123_15, "country_set", _set_afresh),
]


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


def test_every_country_set_reads_as_afresh_under_each_law_in_turn() -> None:
    keys = sorted(LAWS[0].countries.memberships)
    assert "aukus_126_7_b_1" in keys and "itar_125_4_c" in keys
    changed = set()
    for _ in range(2):
        for law in LAWS:
            for key in keys:
                try:
                    want = _set_afresh(key, law)
                except Exception as exc:  # a set the data does not cover on the date
                    with pytest.raises(type(exc)):
                        requirements.country_set(key, law)
                    continue
                assert requirements.country_set(key, law) == want, (law.as_of, key)
                if want != _set_afresh(key, LAWS[0]):
                    changed.add(key)
    # Some set differs between the laws: a set kept for one law is never given for another.
    assert changed


def _decided(transfer: Transfer, law: exportctl.Law) -> Any:
    return to_jsonable(exportctl.authorize(transfer, law))


def _compare(found: list[Transfer], law: exportctl.Law, monkeypatch: Any) -> None:
    """Each transfer's authorization with the kept statuses, then with each read afresh."""
    kept = [_decided(t, law) for t in found]
    with monkeypatch.context() as m:
        for module, name, afresh_lookup in AFRESH:
            m.setattr(module, name, afresh_lookup)
        afresh = [_decided(t, law) for t in found]
    assert kept == afresh


@pytest.mark.parametrize("source", ["examples", "distinct"])
@pytest.mark.parametrize("law", LAWS, ids=IDS)
def test_real_transfers_decide_as_with_the_law_read_afresh(
    source: str, law: exportctl.Law, tmp_path: Path, monkeypatch: Any
) -> None:
    found = _sourced_transfers(source, tmp_path, 200, law)
    assert len(found) > 10
    # Some transfers touch a proscribed country: the kept statuses decide outcomes.
    assert any(s126_1.proscribed(t, law) for t in found) or source == "examples"
    _compare(found, law, monkeypatch)


@settings(max_examples=60, deadline=None, phases=_PHASES)
@given(st.sampled_from(LAWS).flatmap(lambda law: st.tuples(st.just(law), transfers(law))))
def test_generated_transfers_decide_as_with_the_law_read_afresh(
    pair: tuple[exportctl.Law, Transfer],
) -> None:
    law, transfer = pair
    with pytest.MonkeyPatch.context() as m:
        _compare([transfer], law, m)
