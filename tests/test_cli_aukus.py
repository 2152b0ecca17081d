"""`exportctl aukus check`, `exportctl etl check` and `exportctl authorize` through click's
CliRunner (22 CFR 126.1, 126.7 and its Excluded Technology List, 126.5)."""

from __future__ import annotations

import copy
import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import exportctl
from exportctl.cli import main

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE_JSON = ROOT / "examples" / "aukus_transfer.json"
EXAMPLE_CSV = ROOT / "examples" / "transfers.csv"

IFR_DAY = "2025-06-01"  # interim final rule of § 126.7
FINAL_DAY = "2026-01-15"  # final rule of § 126.7


def run(*args: str, input: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), input=input)
    return result.exit_code, result.stdout, result.stderr


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def example() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(EXAMPLE_JSON.read_text(encoding="utf-8"))
    return data


def transfer_file(tmp_path: Path, **changes: Any) -> str:
    raw = copy.deepcopy(example())
    answers = changes.pop("answers", None)
    raw.update(changes)
    if answers is not None:
        raw["answers"] = answers
    return write(tmp_path, "transfer.json", json.dumps(raw))


# --------------------------------------------------------------------------------------------
# exportctl aukus check FILE  (0 eligible, 1 undetermined, 3 not eligible or prohibited, 4 input)


@pytest.mark.parametrize(
    ("day", "version"), [(IFR_DAY, "itar-126.7-ifr-2024"), (FINAL_DAY, "itar-126.7-final-2025")]
)
def test_aukus_check_example_is_eligible(day: str, version: str) -> None:
    code, out, _ = run("aukus", "check", str(EXAMPLE_JSON), "--as-of", day)
    assert code == 0
    assert "eligible" in out and version in out and "AUKUS-2026-0042" in out


def test_aukus_check_explain_lists_every_requirement_with_its_citation() -> None:
    code, out, _ = run("aukus", "check", str(EXAMPLE_JSON), "--explain", "--as-of", IFR_DAY)
    assert code == 0
    for cite in ("126.7(a)", "126.7(b)(1)", "126.7(b)(2)", "126.7(b)(3)", "126.7(b)(4)"):
        assert f"22 CFR {cite}" in out
    assert "22 CFR 126.7(b)(2)(iii)" in out  # the Australian recipient is an Authorized User


def test_aukus_check_json() -> None:
    code, out, _ = run(
        "aukus", "check", str(EXAMPLE_JSON), "--format", "json", "--as-of", FINAL_DAY
    )
    assert code == 0
    record = json.loads(out)
    assert record["transfer_id"] == "AUKUS-2026-0042"
    assert record["as_of"] == FINAL_DAY and record["law_id"] == exportctl.law(FINAL_DAY).id
    assert (record["status"], record["version"]) == ("eligible", "itar-126.7-final-2025")
    # (a), (b)(1)-(5) of § 126.7 and § 120.15(b) (no party ineligible under § 120.16)
    assert [r["status"] for r in record["requirements"]] == ["pass"] * 7
    assert record["requirements"][2]["id"] == "22 CFR 126.7(b)(2)"


def test_aukus_check_undetermined_exits_1_with_the_open_question(tmp_path: Path) -> None:
    answers = {k: v for k, v in example()["answers"].items() if k != "classified"}
    path = transfer_file(tmp_path, usml_classification="XI(a)(3)(xviii)", answers=answers)
    code, out, _ = run("aukus", "check", path, "--format", "json", "--as-of", IFR_DAY)
    assert code == 1
    record = json.loads(out)
    assert record["status"] == "undetermined"
    assert [q["id"] for q in record["open_questions"]] == ["classified"]


def test_aukus_check_etl_row_exits_6(tmp_path: Path) -> None:
    answers = {**example()["answers"], "classified": True}
    path = transfer_file(tmp_path, usml_classification="XI(a)(3)(xviii)", answers=answers)
    code, out, _ = run("aukus", "check", path, "--as-of", IFR_DAY)
    assert code == 6  # issue 14: the answer is no
    assert "not_eligible" in out and "SUPP2-013" in out


def test_aukus_check_to_japan_exits_6(tmp_path: Path) -> None:
    parties = example()["parties"]
    parties[1]["country"] = "JP"
    path = transfer_file(tmp_path, to_country="JP", parties=parties)
    code, out, _ = run("aukus", "check", path, "--explain", "--as-of", IFR_DAY)
    assert code == 6  # issue 14: the answer is no
    assert "not_eligible" in out and "JP" in out


def test_aukus_check_126_1_first_exits_6(tmp_path: Path) -> None:
    """22 CFR 126.1(d)(1): a transfer touching China is prohibited before § 126.7 is read."""
    parties = [*example()["parties"], {"role": "end_user", "country": "CN", "kind": "other"}]
    path = transfer_file(tmp_path, parties=parties)
    code, out, _ = run("aukus", "check", path, "--format", "json", "--as-of", IFR_DAY)
    assert code == 6  # issue 14: the answer is no
    record = json.loads(out)
    # Issue 14: a § 126.1 refusal says its status and cites the paragraph (it had neither).
    assert record["proscribed_126_1"] and "CN" in record["proscribed_126_1"][0]
    assert record["status"] == "prohibited"
    assert record["citation"] == ["22 CFR 126.1(d)(1)"]


def test_aukus_check_not_in_force_before_2024_09_01() -> None:
    code, out, _ = run(
        "aukus", "check", str(EXAMPLE_JSON), "--format", "json", "--as-of", "2024-08-31"
    )
    record = json.loads(out)
    assert (record["status"], record["version"]) == ("not_in_force", None)
    assert code == 6  # issue 14: the answer is no


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("{not json", "transfer"),
        (json.dumps({**example(), "to_country": "Atlantis"}), "to_country"),
        (json.dumps({**example(), "value_usd": "lots"}), "value_usd"),
        (json.dumps({**example(), "activity": "smuggling"}), "activity"),
        (json.dumps({**example(), "colour": "red"}), "colour"),
        (json.dumps({k: v for k, v in example().items() if k != "transfer_id"}), "transfer_id"),
    ],
)
def test_aukus_check_bad_input_exits_4_naming_the_field(
    tmp_path: Path, text: str, field: str
) -> None:
    code, out, err = run("aukus", "check", write(tmp_path, "t.json", text), "--as-of", IFR_DAY)
    assert code == 4
    assert out == ""
    assert "error" in err and field in err


def test_aukus_check_bad_party_field_is_named(tmp_path: Path) -> None:
    parties = example()["parties"]
    parties[1]["kind"] = "alien"
    code, _, err = run("aukus", "check", transfer_file(tmp_path, parties=parties))
    assert code == 4 and "parties[1].kind" in err


# --------------------------------------------------------------------------------------------
# exportctl etl check REF  (0 no row catches, 1 a row may catch, 3 a row catches)


def test_etl_check_classified_radar_is_caught_by_row_13() -> None:
    code, out, _ = run("etl", "check", "XI(a)(3)(xviii)", "--fact", "classified=yes")
    assert code == 6  # issue 14: the answer is no
    assert "13" in out and "yes" in out


def test_etl_check_json_lists_every_row() -> None:
    code, out, _ = run(
        "etl", "check", "XI(a)(3)(xviii)", "--fact", "classified=yes", "--format", "json"
    )
    assert code == 6  # issue 14: the answer is no
    rows = {r["row"]: r for r in json.loads(out)}
    assert len(rows) == 28
    assert rows[13]["caught"] == "yes"
    assert rows[2]["caught"] == "open"
    assert rows[2]["needs"] == ["anti_tamper_dod_ppp", "anti_tamper_installed"]
    assert rows[23]["caught"] == "no"


def test_etl_check_open_fact_exits_1() -> None:
    code, out, _ = run(
        "etl", "check", "XI(a)(3)(xviii)", "--fact", "classified=no", "--format", "json"
    )
    assert code == 1
    rows = {r["row"]: r["caught"] for r in json.loads(out)}
    assert rows[13] == "no" and rows[2] == "open"


def test_etl_check_nothing_caught_exits_0() -> None:
    code, out, _ = run(
        "etl",
        "check",
        "XI(a)(3)(xviii)",
        "--fact",
        "classified=no",
        "--fact",
        "anti_tamper_dod_ppp=no",
    )
    assert code == 0
    assert "no ETL row catches" in out


def test_etl_check_technical_data_reads_the_related_articles() -> None:
    """Supp. No. 2 row 13: "classified, directly related technical data"."""
    args = ["etl", "check", "XI(d)", "--kind", "technical_data", "--related-to", "XI(a)(3)(xviii)"]
    code, out, _ = run(*args, "--fact", "classified=yes", "--format", "csv")
    assert code == 6  # issue 14: the answer is no
    caught = [r["row"] for r in csv.DictReader(io.StringIO(out)) if r["caught"] == "yes"]
    assert caught == ["13"]


def test_etl_check_mt_article_is_caught_by_row_1() -> None:
    """Supp. No. 2 row 1: IV(h)(12) is MT-designated on the USML."""
    args = ["etl", "check", "IV(h)(12)", "--fact", "anti_tamper_dod_ppp=no", "--format", "json"]
    code, out, _ = run(*args)
    assert code == 6  # issue 14: the answer is no
    assert [r["row"] for r in json.loads(out) if r["caught"] == "yes"] == [1]


@pytest.mark.parametrize(
    ("fact", "field"),
    [("colour=red", "colour"), ("classified", "--fact"), ("classified=perhaps", "classified")],
)
def test_etl_check_bad_fact_exits_4_naming_it(fact: str, field: str) -> None:
    code, _, err = run("etl", "check", "XI(a)(3)(xviii)", "--fact", fact)
    assert code == 4
    assert field in err


# --------------------------------------------------------------------------------------------
# exportctl authorize FILE  (0 every transfer decided, 1 some undetermined, 4 some input errors)

#: The outcome of each row of examples/transfers.csv under the final rule (as examples/README.md
#: describes them).
EXAMPLE_OUTCOMES = {
    "AU-01": ("exempt", "22 CFR 126.7"),
    "GB-02": ("exempt", "22 CFR 126.7"),
    "GB-03": ("exempt", "22 CFR 126.7"),
    "GB-04": ("exempt", "22 CFR 126.7"),
    "ETL-05": ("license_required", ""),
    "ETL-06": ("license_required", ""),
    "ETL-07": ("license_required", ""),
    "VAL-08": ("license_required", ""),
    "JP-09": ("license_required", ""),
    "CN-10": ("prohibited", ""),
    "DB-11": ("license_required", ""),
    "CA-12": ("exempt", "22 CFR 126.5"),
    "CA-13": ("license_required", ""),
    "CA-14": ("undetermined", ""),
    "UND-15": ("undetermined", ""),
    "UND-16": ("undetermined", ""),
    "UND-17": ("undetermined", ""),
}


def test_authorize_example_csv_one_row_per_transfer_in_order() -> None:
    code, out, err = run("authorize", str(EXAMPLE_CSV), "--format", "csv", "--as-of", FINAL_DAY)
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["transfer_id"] for r in rows] == list(EXAMPLE_OUTCOMES)
    assert [r["row"] for r in rows] == [str(n) for n in range(1, len(EXAMPLE_OUTCOMES) + 1)]
    assert {r["transfer_id"]: (r["outcome"], r["exemption"]) for r in rows} == EXAMPLE_OUTCOMES
    by_id = {r["transfer_id"]: r for r in rows}
    # the rows that exclude each transfer, by exemption (the ETL's for § 126.7)
    etl = {
        k: [r for r in v["excluded_rows"].split("; ") if r.startswith("126.7: ")]
        for k, v in by_id.items()
    }
    assert etl["ETL-05"] == ["126.7: SUPP2-013"]
    assert etl["ETL-06"] == ["126.7: SUPP2-001"]
    assert etl["ETL-07"] == ["126.7: SUPP2-002"]
    assert by_id["CN-10"]["proscribed"].startswith("CN")
    assert by_id["UND-15"]["open_questions"] == "classified"
    assert by_id["UND-16"]["open_questions"] == "authorized_user"
    assert by_id["UND-17"]["open_questions"] == "value_usd"
    assert by_id["CA-14"]["open_questions"] == "sme_non_transfer_and_use_assurances"
    assert all(len(r["decision_id"]) == 20 for r in rows)
    assert code == 6  # issue 14: some need a license or are prohibited (6 before 1); was 1
    assert "authorized 17 transfers" in err


def test_authorize_uk_ministry_of_defence_only_under_the_final_rule() -> None:
    """22 CFR 126.7(b)(2)(ii) as amended by the final rule (from 2025-12-30)."""
    _, out, _ = run("authorize", str(EXAMPLE_CSV), "--format", "csv", "--as-of", IFR_DAY)
    by_id = {r["transfer_id"]: r for r in csv.DictReader(io.StringIO(out))}
    assert by_id["GB-03"]["outcome"] == "license_required"
    assert by_id["GB-03"]["aukus_126_7"] == "not_eligible"
    assert by_id["AU-01"]["outcome"] == "exempt"


HEADER = (
    "transfer_id,activity,transfer_kind,usml_classification,specially_designed_for,"
    "from_country,to_country,transit_countries,value_usd,"
    "transferor_country,transferor_kind,transferor_ddtc_registered,transferor_not_debarred,"
    "transferor_eligible_120_16,recipient_country,recipient_kind,recipient_authorized_user,"
    "end_user_country,end_user_kind,"
    "classified,anti_tamper_dod_ppp,for_cluster_munitions,major_defense_equipment,"
    "manufacturing_abroad_sme,transferor_complies_123_9_b,"
    "recipient_eligible_120_16,"  # § 120.15(b): every party's § 120.16 eligibility
    "made_by\n"  # § 126.4: neither a department or agency nor a person for one makes it
)
_OK = "US,us_person,yes,yes,yes"
ROWS = {
    "ok": f"R1,export,article,XI(c)(4),XI(a)(3)(i),US,AU,none,4800000,{_OK},AU,other,yes,,,"
    "no,no,no,no,no,yes,yes,other\n",
    "bad_country": f"R2,export,article,XI(c)(4),XI(a)(3)(i),US,XX,none,4800000,{_OK},AU,other,"
    "yes,,,no,no,no,no,no,yes,yes,other\n",
    "open": f"R3,export,article,XI(c)(4),XI(a)(3)(i),US,AU,none,4800000,{_OK},AU,other,,,,"
    "no,no,no,no,no,yes,yes,other\n",
    "cn": f"R4,export,article,XI(c)(4),XI(a)(3)(i),US,AU,none,4800000,{_OK},AU,other,yes,CN,other,"
    "no,no,no,no,no,yes,yes,other\n",
    "bad_kind": f"R5,export,article,XI(c)(4),XI(a)(3)(i),US,AU,none,4800000,{_OK},AU,alien,yes,,,"
    "no,no,no,no,no,yes,yes,other\n",
    "bad_value": f"R6,export,article,XI(c)(4),XI(a)(3)(i),US,AU,none,lots,{_OK},AU,other,yes,,,"
    "no,no,no,no,no,yes,yes,other\n",
    "license": f"R7,export,article,XI(c)(4),XI(a)(3)(i),US,JP,none,4800000,{_OK},JP,other,no,,,"
    "no,no,no,no,no,yes,yes,other\n",
}


def test_authorize_csv_bad_rows_are_errors_naming_the_field(tmp_path: Path) -> None:
    order = ["ok", "bad_country", "open", "cn", "bad_kind", "bad_value", "license"]
    path = write(tmp_path, "t.csv", HEADER + "".join(ROWS[k] for k in order))
    code, out, err = run("authorize", path, "--format", "csv", "--as-of", FINAL_DAY)
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["transfer_id"] for r in rows] == ["R1", "R2", "R3", "R4", "R5", "R6", "R7"]
    assert [r["status"] for r in rows] == [
        "exempt",
        "error",
        "undetermined",
        "prohibited",
        "error",
        "error",
        "license_required",
    ]
    assert rows[1]["error_field"] == "to_country"
    assert rows[4]["error_field"] == "recipient.kind"
    assert rows[5]["error_field"] == "value_usd"
    assert rows[2]["open_questions"] == "authorized_user"
    assert code == 4  # some rows had input errors; the others were still decided
    assert "error 3" in err


def test_authorize_exit_1_when_only_undetermined(tmp_path: Path) -> None:
    path = write(tmp_path, "t.csv", HEADER + ROWS["ok"] + ROWS["open"])
    code, _, _ = run("authorize", path, "--format", "csv", "--as-of", FINAL_DAY)
    assert code == 1


def test_authorize_exit_6_when_some_answer_is_no(tmp_path: Path) -> None:
    path = write(tmp_path, "t.csv", HEADER + ROWS["ok"] + ROWS["cn"] + ROWS["license"])
    code, out, _ = run("authorize", path, "--as-of", FINAL_DAY, "--quiet")
    assert code == 6  # issue 14: prohibited and license_required are a no (was 0)
    assert "R1" in out and "prohibited" in out and "license_required" in out


def test_authorize_exit_zero_flag(tmp_path: Path) -> None:
    path = write(tmp_path, "t.csv", HEADER + ROWS["bad_kind"])
    code, _, _ = run("authorize", path, "--as-of", FINAL_DAY, "--exit-zero", "--quiet")
    assert code == 0


def test_authorize_jsonl_in_and_out(tmp_path: Path) -> None:
    eligible = example()
    undetermined = {**example(), "transfer_id": "J2", "value_usd": None}
    bad = {**example(), "transfer_id": "J4", "transit_countries": ["Narnia"]}
    lines = [json.dumps(eligible), json.dumps(undetermined), "{not json", json.dumps(bad)]
    path = write(tmp_path, "t.jsonl", "\n".join(lines) + "\n")
    code, out, _ = run("authorize", path, "--format", "jsonl", "--as-of", FINAL_DAY)
    records = [json.loads(line) for line in out.splitlines()]
    assert [r["row"] for r in records] == [1, 2, 3, 4]
    assert [r["status"] for r in records] == ["exempt", "undetermined", "error", "error"]
    assert records[0]["authorization"]["exemption"] == "126.7"
    assert records[0]["authorization"]["decision_id"] == records[0]["decision_id"]
    assert records[1]["open_questions"] == ["value_usd"]
    assert records[2]["error_field"] == "row"
    assert records[3]["error_field"] == "transit_countries"
    assert "authorization" not in records[3]
    assert code == 4


def test_authorize_decision_ids_are_stable_across_runs() -> None:
    first = run("authorize", str(EXAMPLE_CSV), "--format", "csv", "--as-of", FINAL_DAY)[1]
    again = run("authorize", str(EXAMPLE_CSV), "--format", "csv", "--as-of", FINAL_DAY)[1]
    assert first == again


# --------------------------------------------------------------------------------------------
# Fail closed on every input (vague references, contradictions, malformed values, dates)


@pytest.mark.parametrize("ref", ["XI(a)", "XI"])
def test_aukus_check_classified_radar_above_its_paragraph_is_undetermined(
    tmp_path: Path, ref: str
) -> None:
    """Supp. No. 2, row 13: a classified radar entered as XI(a) or XI may be XI(a)(3)(xviii):
    exit 1 (undetermined, which paragraph?), never 0."""
    answers = {**example()["answers"], "classified": True}
    path = transfer_file(tmp_path, usml_classification=ref, answers=answers)
    code, out, _ = run("aukus", "check", path, "--as-of", FINAL_DAY)
    assert code == 1
    assert "usml_classification" in out


@pytest.mark.parametrize("ref", ["XI(a)(3)(xl)", "IV(z)"])
def test_aukus_check_reference_that_does_not_exist_exits_4(tmp_path: Path, ref: str) -> None:
    code, out, err = run("aukus", "check", transfer_file(tmp_path, usml_classification=ref))
    assert code == 4 and out == ""
    assert "usml_classification" in err and "does not exist" in err


def test_aukus_check_debarred_yet_eligible_party_exits_4_naming_both_facts(
    tmp_path: Path,
) -> None:
    parties = example()["parties"]
    parties[0]["not_debarred"] = False  # and eligible_120_16: true
    code, out, err = run("aukus", "check", transfer_file(tmp_path, parties=parties))
    assert code == 4 and out == ""
    assert "parties[0].not_debarred" in err and "parties[0].eligible_120_16" in err
    assert "22 CFR 120.16(c)" in err


def test_authorize_batch_rows_with_contradictions_or_bad_values_are_error_rows(
    tmp_path: Path,
) -> None:
    """One output row per input row: a debarred-yet-eligible transferor, a value of "4,8", a
    country "uſ" and answers that are not an object are each an error naming the field(s); the
    other rows are still decided."""
    debarred = ROWS["ok"].replace(
        f"R1,export,article,XI(c)(4),XI(a)(3)(i),US,AU,none,4800000,{_OK}",
        "B2,export,article,XI(c)(4),XI(a)(3)(i),US,AU,none,4800000,US,us_person,yes,no,yes",
    )
    value = ROWS["ok"].replace("R1,", "B3,").replace(",4800000,", ',"4,8",')
    country = ROWS["ok"].replace("R1,", "B4,").replace(",US,AU,none,", ",uſ,AU,none,")
    path = write(tmp_path, "t.csv", HEADER + ROWS["ok"] + debarred + value + country)
    code, out, _ = run("authorize", path, "--format", "csv", "--as-of", FINAL_DAY)
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["transfer_id"] for r in rows] == ["R1", "B2", "B3", "B4"]
    assert [r["status"] for r in rows] == ["exempt", "error", "error", "error"]
    assert rows[1]["error_field"] == "transferor.not_debarred,transferor.eligible_120_16"
    assert "120.16(c)" in rows[1]["error"]
    assert rows[2]["error_field"] == "value_usd"
    assert rows[3]["error_field"] == "from_country"
    assert code == 4
    lines = [
        json.dumps({**example(), "transfer_id": f"J{n}", "answers": a})
        for n, a in enumerate([False, [], 0, example()["answers"]])
    ]
    path = write(tmp_path, "t.jsonl", "\n".join(lines) + "\n")
    _, out, _ = run("authorize", path, "--format", "jsonl", "--as-of", FINAL_DAY)
    records = [json.loads(line) for line in out.splitlines()]
    assert [r["status"] for r in records] == ["error", "error", "error", "exempt"]
    assert [r["error_field"] for r in records[:3]] == ["answers"] * 3


def test_country_show_warns_that_a_cyprus_renewal_is_not_in_the_data() -> None:
    """§ 126.1(r): the suspension is known through 2026-09-30 only (the data's last window):
    later, Cyprus is shown as proscribed with a warning."""
    code, out, _ = run("country", "show", "CY", "--format", "json", "--as-of", "2026-10-01")
    assert code == 0
    record = json.loads(out)
    assert record["itar_126_1"].startswith("country_specific")
    assert any("renewal" in w and "2026-09-30" in w for w in record["warnings"])
    _, out, _ = run("country", "show", "CY", "--format", "json", "--as-of", "2026-09-30")
    record = json.loads(out)
    assert record["itar_126_1"].startswith("suspended")
    assert not any("renewal" in w for w in record["warnings"])


def test_country_show_refuses_a_code_that_is_not_ascii() -> None:
    code, out, err = run("country", "show", "uſ")
    assert code != 0 and out == ""
    assert "ISO 3166" in err
