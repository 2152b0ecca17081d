"""Countries: dated memberships, ITAR country sets, § 126.1, EAR tables."""

from __future__ import annotations

import datetime as dt

import pytest

import exportctl
from exportctl.corpus.countries import OutsideCoverage, UnknownCountry

D = dt.date


def test_nato_32_members_once_sweden_joined(regs: exportctl.Regulations) -> None:
    # Sweden acceded to the North Atlantic Treaty on 2024-03-07 (nato_members.json).
    assert len(regs.countries.members("nato", D(2024, 3, 7))) == 32
    assert len(regs.countries.members("nato", D(2024, 3, 6))) == 31
    assert not regs.countries.is_member("SE", "nato", D(2024, 1, 1))
    assert regs.countries.is_member("SE", "nato", D(2024, 3, 7))
    assert regs.countries.is_member("FI", "nato", D(2023, 4, 4))
    assert not regs.countries.is_member("FI", "nato", D(2023, 4, 3))


def test_eu_list_refuses_dates_before_its_coverage(regs: exportctl.Regulations) -> None:
    assert len(regs.countries.members("eu", D(2025, 1, 1))) == 27
    assert not regs.countries.is_member("GB", "eu", D(2025, 1, 1))
    with pytest.raises(OutsideCoverage):
        regs.countries.members("eu", D(2019, 6, 1))


def test_126_18_d_2_set(regs: exportctl.Regulations) -> None:
    # § 126.18(d)(2): NATO, the European Union, Australia, Japan, New Zealand, or Switzerland.
    members = regs.countries.members("itar_126_18_d_2", D(2025, 6, 1))
    assert {"AU", "JP", "NZ", "CH", "IE", "AT", "TR", "SE"} <= members
    assert "IL" not in members and "KR" not in members


def test_125_4_c_set_follows_nato_dates(regs: exportctl.Regulations) -> None:
    # § 125.4(c): NATO countries, Australia, Japan, and Sweden — Sweden named even before 2024.
    assert "SE" in regs.countries.members("itar_125_4_c", D(2020, 1, 1))
    assert "FI" not in regs.countries.members("itar_125_4_c", D(2020, 1, 1))
    assert "FI" in regs.countries.members("itar_125_4_c", D(2024, 1, 1))


def test_aukus_parties_only_from_2024_09_01(regs: exportctl.Regulations) -> None:
    # § 126.7(b)(1) (interim final rule effective 2024-09-01): AU, GB, US.
    assert regs.countries.members("aukus_126_7_b_1", D(2024, 9, 1)) == {"AU", "GB", "US"}
    assert regs.countries.members("aukus_126_7_b_1", D(2024, 8, 31)) == frozenset()


@pytest.mark.parametrize(
    ("iso2", "status", "citation"),
    [
        ("CN", "policy_of_denial", "22 CFR 126.1(d)(1)"),  # Table 1 to (d)(1)
        ("IR", "policy_of_denial", "22 CFR 126.1(d)(1)"),
        ("RU", "country_specific", "22 CFR 126.1(l)"),  # Table 2 to (d)(2)
        ("GB", "not_listed", "22 CFR 126.1(d)"),
    ],
)
def test_126_1_status(regs: exportctl.Regulations, iso2: str, status: str, citation: str) -> None:
    s = regs.countries.proscribed_status(iso2, D(2025, 6, 1))
    assert (s.status, s.citation) == (status, citation)


def test_cyprus_suspension_is_dated(regs: exportctl.Regulations) -> None:
    # § 126.1(r)(2): suspended 2024-10-01 to 2025-09-30, renewed to 2026-09-30.
    assert regs.countries.proscribed_status("CY", D(2025, 6, 1)).status == "suspended"
    assert regs.countries.proscribed_status("CY", D(2024, 6, 1)).status == "country_specific"


def test_ear_tables(regs: exportctl.Regulations) -> None:
    gb = regs.country("GB")
    assert "A:1" in gb.ear_country_groups and "B" in gb.ear_country_groups
    assert set(regs.country("KP").ear_country_groups) >= {"E:1"}
    assert "NS2" in regs.country("CN").country_chart_marks


def test_country_lookup_by_name_and_errors(regs: exportctl.Regulations) -> None:
    assert regs.countries.get("gb").iso2 == "GB"
    assert regs.countries.get("Australia").iso2 == "AU"
    with pytest.raises(UnknownCountry, match="ISO 3166"):
        regs.countries.get("Atlantis")


@pytest.mark.parametrize("code", ["uſ", "ß", "ＵＳ", "Ｇｂ", "U\u0307S"])
def test_country_codes_are_ascii_letters_only(regs: exportctl.Regulations, code: str) -> None:
    """ISO 3166-1 alpha-2 codes are two ASCII letters: str.upper() maps "ſ" to "S" ("uſ" would
    be US) and "ß" to "SS" (South Sudan, 22 CFR 126.1(w)); neither is a code."""
    with pytest.raises(UnknownCountry):
        regs.countries.get(code)
    assert regs.countries.get("us").iso2 == "US"
    assert regs.countries.get(" ss ").iso2 == "SS"


def _cyprus_windows(regs: exportctl.Regulations) -> list[tuple[D, D]]:
    (cy,) = [c for c in regs.countries.raw["itar_126_1"]["d2"]["countries"] if c["iso2"] == "CY"]
    return [(D.fromisoformat(w["from"]), D.fromisoformat(w["to"])) for w in cy["suspensions"]]


def test_cyprus_suspension_boundaries(regs: exportctl.Regulations) -> None:
    """§ 126.1(r)(2): "From October 1, 2024, through September 30, 2025, ... is suspended";
    renewed back to back through 2026-09-30 (secondary source).  Suspended on the first and the
    last day of each window; proscribed the day before the first and the day after the last."""
    windows = _cyprus_windows(regs)
    assert windows[0] == (D(2024, 10, 1), D(2025, 9, 30))
    assert windows[-1][1] == D(2026, 9, 30)
    status = regs.countries.proscribed_status
    one = dt.timedelta(days=1)
    assert status("CY", windows[0][0] - one).status == "country_specific"
    for start, end in windows:
        assert status("CY", start).status == "suspended"
        assert status("CY", end).status == "suspended"
    after = status("CY", windows[-1][1] + one)
    assert after.status == "country_specific"
    assert after.citation == "22 CFR 126.1(r)"


def test_cyprus_after_the_last_known_suspension_warns(regs: exportctl.Regulations) -> None:
    """Fail closed past the data: not suspended, and a warning that a renewal is not in it —
    in the status and in the country profile; none while the data knows the answer."""
    last = _cyprus_windows(regs)[-1][1]
    after = regs.countries.proscribed_status("CY", last + dt.timedelta(days=1))
    assert len(after.warnings) == 1 and "renewal" in after.warnings[0]
    assert str(last) in after.warnings[0]
    profile = regs.countries.profile("CY", last + dt.timedelta(days=400))
    assert any("renewal" in w for w in profile.warnings)
    assert regs.countries.proscribed_status("CY", last).warnings == ()
    assert regs.countries.proscribed_status("CY", D(2024, 1, 1)).warnings == ()
    assert regs.countries.proscribed_status("RU", last + dt.timedelta(days=1)).warnings == ()
