"""The law on a date: as-of dates, rule versions without gaps or overlaps, data-age warnings."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

import exportctl
from exportctl.corpus.bundle import load_json

#: The dated versions of § 126.7 as its data file states them (each from its effective_from),
#: read directly; each is in force until the next takes effect.
_VERSIONS = next(
    e["versions"] for e in load_json("exemptions.json")["exemptions"] if e["key"] == "126.7"
)


def _covers(version: dict[str, str | None], day: dt.date) -> bool:
    start = version["effective_from"]
    following = [
        dt.date.fromisoformat(v["effective_from"])
        for v in _VERSIONS
        if v["effective_from"] and (start is None or v["effective_from"] > start)
    ]
    return (start is None or dt.date.fromisoformat(start) <= day) and (
        not following or day < min(following)
    )


@given(st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2040, 12, 31)))
def test_exactly_one_version_of_126_7_applies_on_any_date(day: dt.date) -> None:
    # Catala-style coverage check: rule versions neither overlap nor leave gaps, and the one
    # resolver picks the version whose stated dates cover the day.
    covering = [v["id"] for v in _VERSIONS if _covers(v, day)]
    assert len(covering) == 1
    assert exportctl.law(day).rule_in_force("22 CFR 126.7").id == covering[0]


@pytest.mark.parametrize(
    ("day", "version"),
    [
        ("2024-08-31", "itar-126.7-none"),
        ("2024-09-01", "itar-126.7-ifr-2024"),  # 89 FR 67270, effective 2024-09-01
        ("2025-12-29", "itar-126.7-ifr-2024"),
        ("2025-12-30", "itar-126.7-final-2025"),  # 90 FR 61053, effective 2025-12-30
    ],
)
def test_aukus_rule_versions(day: str, version: str) -> None:
    assert exportctl.regulations(day).rule_in_force("22 CFR 126.7").id == version


def test_snapshot_names_date_and_data_version() -> None:
    regs = exportctl.regulations("2025-01-15")
    assert regs.as_of == dt.date(2025, 1, 15)
    assert len(regs.data_version) == 16 and regs.data_version == regs.id


def test_no_warning_inside_the_horizon() -> None:
    # On the day its text is as of, the 2024 USML edition is current, and every other dataset's
    # text is as of a later date (the CCL is not yet in force: it is never read).
    regs = exportctl.regulations("2024-03-25")
    assert regs.warnings == ()


def test_warning_past_the_horizon() -> None:
    regs = exportctl.regulations("2027-01-01")
    assert regs.warnings and all("as of" in w for w in regs.warnings)


def test_bad_date_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        exportctl.regulations("15/01/2025")
