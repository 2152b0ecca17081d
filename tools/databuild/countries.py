"""Countries: ISO 3166 codes and names, dated memberships, ITAR country sets and lists, EAR tables.

Sources (see data/SOURCES.md):
- ISO 3166-1 codes and names: the Debian iso-codes data shipped in the ``pycountry`` package
  (a build-time dependency only); Kosovo (XK, a user-assigned code the EAR data uses) is added
  from the EAR reference table.
- NATO members with accession dates, the EU-27 list: shared/reference/itar/nato_members.json.
- ITAR country sets (§ 126.18(d)(2), § 125.4(c), § 126.14(a)(2), § 123.15(a)(2), § 126.7(b)(1)):
  rules in data/errata/country_sets.json; each named country must appear in the quoted clause text
  of the reference (itar/kg/nodes_Clause.csv or aukus_126_7.json).
- § 126.1(d) lists: shared/reference/itar/itar_126_1_country_policy.json.
- EAR Country Groups and Commerce Country Chart: the eCFR as of 2026-09-24 (ear/*_supp1_*.csv,
  the newer edition, preferred) cross-checked against the 2026-07-23 edition (ecfr-2026-07-23/);
  differences are recorded, not hidden.
"""

from __future__ import annotations

import re
from importlib.metadata import version as package_version
from pathlib import Path
from typing import Any

import pycountry

from .common import (
    ERRATA,
    BuildError,
    chart_columns,
    country_group_names,
    read_csv,
    read_json,
)


def _iso_countries(ear_names: dict[str, str]) -> list[dict[str, str]]:
    out = []
    for c in pycountry.countries:
        out.append(
            {
                "iso2": c.alpha_2,
                "iso3": c.alpha_3,
                "name": getattr(c, "common_name", None) or c.name,
                "official_name": getattr(c, "official_name", c.name),
            }
        )
    known = {c["iso2"] for c in out}
    for iso2, name in sorted(ear_names.items()):
        if iso2 not in known:
            if iso2 != "XK":
                raise BuildError(f"EAR table uses code {iso2} ({name}), which ISO 3166 lacks")
            out.append(
                {
                    "iso2": iso2,
                    "iso3": "",
                    "name": name,
                    "official_name": name,
                    "note": "user-assigned code used by the EAR reference data, not ISO 3166",
                }
            )
    for entry in out:
        if entry["iso2"] in ear_names:
            entry["ear_name"] = ear_names[entry["iso2"]]
    return sorted(out, key=lambda c: c["iso2"])


def _clause_texts(reference: Path) -> dict[str, str]:
    texts = {
        r["clause_id"]: r["text"] for r in read_csv(reference / "itar" / "kg" / "nodes_Clause.csv")
    }
    aukus = read_json(reference / "itar" / "aukus_126_7.json")
    for p in aukus["section_126_7"]["paragraphs"]:
        for version in ("IFR_2024", "FINAL_2025"):
            if p.get(version, {}).get("status") == "CONFIRMED_VERBATIM" and "text" in p[version]:
                texts[f"aukus_126_7.json:{p['cite']}:{version}"] = p[version]["text"]
    return texts


def _name_to_iso(name: str) -> str:
    special = {"Republic of Korea": "KR", "United Kingdom": "GB", "United States": "US"}
    if name in special:
        return special[name]
    try:
        return str(pycountry.countries.lookup(name).alpha_2)
    except LookupError as exc:
        raise BuildError(f"country name {name!r} is not in ISO 3166") from exc


def _sets(reference: Path) -> dict[str, Any]:
    nato = read_json(reference / "itar" / "nato_members.json")
    if nato["count"] != len(nato["members"]):
        raise BuildError("nato_members.json: count and member list disagree")
    sets: dict[str, Any] = {
        "nato": {
            "title": "Member states of the North Atlantic Treaty Organization",
            "source": "shared/reference/itar/nato_members.json",
            "dated": True,
            "coverage_from": min(m["accession_date"] for m in nato["members"]),
            "members": [{"iso2": m["iso2"], "since": m["accession_date"]} for m in nato["members"]],
            "caveat": nato["_meta"]["source"],
        },
        "eu": {
            "title": "Member states of the European Union",
            "source": "shared/reference/itar/nato_members.json (eu_member_states_iso2)",
            "dated": False,
            "coverage_from": "2020-02-01",
            "coverage_note": "EU-27 as listed after the United Kingdom left on 2020-01-31; the "
            "reference has no accession dates, so dates before 2020-02-01 are "
            "outside this list's coverage.",
            "members": [{"iso2": c, "since": None} for c in nato["eu_member_states_iso2"]["list"]],
        },
    }
    rules = read_json(ERRATA / "country_sets.json")
    clauses = _clause_texts(reference)
    for key, rule in rules["sets"].items():
        text = clauses.get(rule["clause"])
        if text is None:
            raise BuildError(f"country set {key}: clause {rule['clause']} is not in the reference")
        quote = rule["quote"]
        if quote not in text:
            raise BuildError(f"country set {key}: {quote!r} is not in {rule['clause']}")
        named = []
        for name in rule["named"]:
            if not re.search(re.escape(name), quote):
                raise BuildError(f"country set {key}: {name} is not named in the quoted text")
            named.append(_name_to_iso(name))
        for base in rule.get("union_of", []):
            if base not in sets:
                raise BuildError(f"country set {key}: unknown base set {base}")
        sets[key] = {
            "title": rule["title"],
            "citation": rule["citation"],
            "source": f"reference clause {rule['clause']}",
            "quote": quote,
            "union_of": rule.get("union_of", []),
            "named": named,
            "since": rule.get("since"),
        }
    return sets


def _itar_126_1(reference: Path) -> dict[str, Any]:
    policy = read_json(reference / "itar" / "itar_126_1_country_policy.json")
    d2 = []
    for c in policy["d2_country_specific"]["countries"]:
        entry = {k: v for k, v in c.items() if k != "suspension"}
        entry["citation"] = "22 CFR " + c["para"].replace("126.1", "126.1")
        if c["iso2"] == "CY":
            entry["suspensions"] = [
                {
                    "from": "2024-10-01",
                    "to": "2025-09-30",
                    "status": "verbatim",
                    "text": c["suspension"]["kg_text_(r)(2)"],
                },
                {
                    "from": "2025-10-01",
                    "to": "2026-09-30",
                    "status": "secondary source",
                    "text": c["suspension"]["renewed"],
                },
            ]
        d2.append(entry)
    return {
        "citation": "22 CFR 126.1",
        "as_of": "2025-10-02",
        "source": "shared/reference/itar/itar_126_1_country_policy.json",
        "caveat": policy["_meta"]["caveat"],
        "d1": {
            "citation": "22 CFR 126.1(d)(1)",
            "lead_in": policy["d1_policy_of_denial"]["lead_in"],
            "countries": policy["d1_policy_of_denial"]["countries"],
        },
        "d2": {
            "citation": "22 CFR 126.1(d)(2)",
            "lead_in": policy["d2_country_specific"]["lead_in"],
            "countries": d2,
        },
        "other_paragraphs": policy["other_paragraphs"],
    }


#: Spellings in the 2026-07-23 edition that differ from the 2026-09-24 edition's names.
_SPELLINGS = {
    "China (PRC)": "CN",
    "Congo (Democratic Republic of)": "CD",
    "Cote d'lvoire": "CI",
    "Seychelles": "SC",
    "Micronesia, Federated States of": "FM",
    "The Bahamas": "BS",
}


def _norm(name: str) -> str:
    name = name.lower().replace("&", "and")
    name = re.sub(r"^the ", "", name)
    name = re.sub(r"\bsaint\b", "st", name)
    return re.sub(r"[^a-z0-9]", "", name)


def _ear_groups(reference: Path) -> tuple[dict[str, Any], dict[str, str], list[str]]:
    rows = read_csv(reference / "ear" / "country_groups_supp1_part740.csv")
    names = {r["iso2"]: r["country_ear_name"] for r in rows}
    group_names = country_group_names(reference)
    groups: dict[str, list[str]] = {g: [] for g in group_names}
    for r in rows:
        for g in group_names:
            if r[g] == "X":
                groups[g].append(r["iso2"])
            elif r[g] not in ("",):
                raise BuildError(f"country groups: {r['iso2']} {g} has {r[g]!r}")
    older = read_json(reference / "ear" / "ecfr-2026-07-23" / "country-groups.json")
    by_name = {_norm(v): k for k, v in names.items()}
    differences = []
    for g in group_names:
        old = set()
        for n in older["groups"].get(g, []):
            iso = by_name.get(_norm(n)) or _SPELLINGS.get(n)
            if iso is None:
                differences.append(f"{g}: 2026-07-23 lists {n!r}, not found by name in 2026-09-24")
                continue
            old.add(iso)
        new = set(groups[g])
        if old != new:
            differences.append(
                f"{g}: only 2026-09-24 {sorted(new - old)}; only 2026-07-23 {sorted(old - new)}"
            )
    labels = read_json(reference / "ear" / "country_groups_supp1_part740.json")["labels"]
    payload = {
        "citation": "15 CFR part 740, Supp. No. 1",
        "edition": "eCFR 2026-09-24",
        "source": "shared/reference/ear/country_groups_supp1_part740.csv",
        "labels": labels,
        "groups": groups,
        "notes": older["notes"],
        "differences_from_2026_07_23": differences,
    }
    return payload, names, differences


def _ear_chart(reference: Path) -> dict[str, Any]:
    rows = read_csv(reference / "ear" / "country_chart_supp1_part738.csv")
    chart = read_json(reference / "ear" / "country_chart_supp1_part738.json")
    columns = chart_columns(reference)
    countries = {}
    for r in rows:
        marks = [c for c in columns if r[c] == "X"]
        bad = [c for c in columns if r[c] not in ("", "X")]
        if bad:
            raise BuildError(f"country chart: {r['iso2']} has unexpected cells in {bad}")
        countries[r["iso2"]] = {
            "marks": marks,
            "footnotes": [int(f) for f in r["footnotes"].split(";") if f],
        }
    older = read_json(reference / "ear" / "ecfr-2026-07-23" / "country-chart.json")
    return {
        "citation": "15 CFR part 738, Supp. No. 1",
        "edition": "eCFR 2026-09-24",
        "source": "shared/reference/ear/country_chart_supp1_part738.csv",
        "columns": list(columns),
        "countries": countries,
        "footnotes": chart.get("footnotes", {}),
        "embargoed": older["embargoed"],
        "caveats": [
            "AT1/AT2 carry no X in the reference parse, and Cuba, Iran, North Korea and Syria "
            "point to part 746: a blank cell is never 'no license required' for them.",
            "Footnote 8 text is identical to footnote 9 in the upstream parse (suspect).",
        ],
    }


def build(reference: Path) -> dict[str, Any]:
    groups, ear_names, _ = _ear_groups(reference)
    return {
        "countries": _iso_countries(ear_names),
        "iso_source": f"ISO 3166-1 via pycountry {package_version('pycountry')}",
        "sets": _sets(reference),
        "itar_126_1": _itar_126_1(reference),
        "ear_country_groups": groups,
        "ear_country_chart": _ear_chart(reference),
    }
