"""A hypothesis fuzz over the batch readers of `exportctl screen` and `exportctl authorize`
(issue 7, item 21): arbitrary bytes and structured-but-wrong records.  Whatever the input, the
command ends with exit 0, 1 or 4 (never a traceback), writes one output row per input record, in
order, and every bad record is an error naming its row and its field.

**Input record** (the definition docs/input.md states):

* CSV: the first non-blank line is the header.  After it, every record the :mod:`csv` module
  reads from the decoded text (``strict=True``, lines split as ``open(..., newline="")`` splits
  them: at ``\\r\\n``, ``\\r`` or ``\\n``) is one input record, and so is every stretch of lines
  at which the module stops with an error.  A record in which no cell holds any text (a blank
  line, a line of commas) is not an input record.
* JSON lines: every line -- split at ``\\n`` only -- that holds any non-blank text.

The expected counts below are computed from those definitions with the :mod:`csv` module and
``bytes.split``, independently of exportctl's readers; the expected outcome of every structured
record is fixed by the test that builds it.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
from collections.abc import Callable
from typing import Any

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exportctl.cli import main

DAY = "2025-06-01"
FINAL_DAY = "2026-01-15"
FUZZ = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])

HEADER = (
    "item_id,description,item_kind,usml_candidates,eccn_candidates,excluded_by_734_3_b,"
    "itar_for_use_in_defense_article,fastener_class"
)
TRANSFER_HEADER = (
    "transfer_id,activity,transfer_kind,usml_classification,specially_designed_for,"
    "from_country,to_country,transit_countries,value_usd,"
    "transferor_country,transferor_kind,transferor_ddtc_registered,transferor_not_debarred,"
    "transferor_eligible_120_16,recipient_country,recipient_kind,recipient_authorized_user,"
    "recipient_eligible_120_16,"
    "classified,anti_tamper_dod_ppp,for_cluster_munitions,major_defense_equipment,"
    "manufacturing_abroad_sme,transferor_complies_123_9_b"
)


def invoke(command: str, kind: str, data: bytes) -> tuple[int, list[dict[str, str]], str]:
    """Run a batch command on stdin; (exit status, output rows, stderr).  No traceback."""
    day = DAY if command == "screen" else FINAL_DAY
    args = [command, "-", "--input-format", kind, "--format", "csv", "--as-of", day, "--quiet"]
    result = CliRunner().invoke(main, args, input=data)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception  # a traceback: the test fails with it
    assert result.exit_code in (0, 1, 4), result.exit_code
    out = result.stdout_bytes.decode("utf-8")  # the output is always valid UTF-8
    rows = list(csv.DictReader(io.StringIO(out, newline="")))
    return result.exit_code, rows, result.stderr


def assert_rows_numbered_and_errors_named(rows: list[dict[str, str]]) -> None:
    assert [r["row"] for r in rows] == [str(n) for n in range(1, len(rows) + 1)]
    for r in rows:
        if r["status"] == "error":
            assert r["error_field"] and r["error"], r
            assert "internal error" not in r["error"], r


# --- the definitions, computed independently ----------------------------------------------------
def decode(data: bytes) -> str:
    """The text of a file: by its byte-order mark, else UTF-8; bad bytes replaced (a bad byte is
    never a quote, comma or line end, so records are where they were)."""
    for bom, codec in (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            return data.decode(codec, errors="replace")
    return data.decode("utf-8-sig", errors="replace")


def csv_records_after_header(text: str) -> int:
    """Input records of a CSV text whose first line is a good header."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    next(reader)
    count = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return count
        except csv.Error:
            count += 1
            continue
        if any(c.strip() for c in cells):
            count += 1


def jsonl_records(text: str) -> list[str]:
    return [line for line in text.split("\n") if line.strip()]


# --- arbitrary bytes ------------------------------------------------------------------------------
CSV_TOKENS = [
    b",", b'"', b'""', b"\n", b"\r", b"\r\n", b" ", b"A1", b"IV(h)(12)", b"VIII(h)(1)",
    b"none", b"yes", b"no", b"part", b"end_item", b"\xe9", b"\xff", b"\xc3", b"\xe2\x80",
    b"\x00", b"=", b"-", b"\t", b"\x1b[2J", b"\xef\xbb\xbf",
]  # fmt: skip
JSON_TOKENS = [
    b"{", b"}", b"[", b"]", b'"item_id"', b'"transfer_id"', b":", b",", b'"A1"', b"\n", b"\r",
    b" ", b'"answers"', b'"parties"', b'"value_usd"', b'"usml_candidates"', b'["IV(h)(12)"]',
    b"null", b"true", b"false", b"0", b"-1", b"NaN", b"Infinity", b"1e400", b"9" * 400,
    b'"\\ud800"', b'"\\u0000"', b"\xe9", b"\x00", b"\xff\xfe", b'"x"',
    b'{"item_id": "G", "item_kind": "end_item", "usml_candidates": ["IV(h)(12)"]}\n',
]  # fmt: skip


def chunks(tokens: list[bytes]) -> st.SearchStrategy[bytes]:
    return st.lists(st.one_of(st.sampled_from(tokens), st.binary(max_size=3)), max_size=40).map(
        b"".join
    )


@FUZZ
@given(body=chunks(CSV_TOKENS), command=st.sampled_from(["screen", "authorize"]))
def test_csv_arbitrary_bytes_one_row_per_record(body: bytes, command: str) -> None:
    header = (HEADER if command == "screen" else TRANSFER_HEADER).encode() + b"\n"
    code, rows, err = invoke(command, "csv", header + body)
    expected = csv_records_after_header(decode(header + body))
    if expected == 0:
        assert code == 4 and rows == [] and "no records" in err
        return
    assert len(rows) == expected
    assert_rows_numbered_and_errors_named(rows)


@FUZZ
@given(data=chunks(JSON_TOKENS), command=st.sampled_from(["screen", "authorize"]))
def test_jsonl_arbitrary_bytes_one_row_per_record(data: bytes, command: str) -> None:
    code, rows, err = invoke(command, "jsonl", data)
    records = jsonl_records(decode(data))
    if not records or "\x00" in records[0]:
        assert code == 4 and rows == [] and "error" in err  # a file-level error, said why
        return
    assert len(rows) == len(records)
    assert_rows_numbered_and_errors_named(rows)


@FUZZ
@given(data=st.binary(max_size=200), kind=st.sampled_from(["csv", "jsonl"]))
def test_any_bytes_at_all_end_in_rows_or_a_file_error(data: bytes, kind: str) -> None:
    code, rows, err = invoke("screen", kind, data)
    if not rows:
        assert code == 4 and "exportctl: error:" in err
    assert_rows_numbered_and_errors_named(rows)


# --- structured but wrong: each record's outcome is known ----------------------------------------
#: A record: its bytes (one or more lines, no final line end) and what must come out for it:
#: ("ok", item_id) or ("error", field, item_id or None when it cannot be read).
Built = tuple[bytes, tuple[Any, ...]]


def _csv_item(n: int) -> dict[str, Callable[[], Built]]:
    i = f"I{n}"
    enumerated = f"{i},desc,end_item,IV(h)(12),,,,"
    return {
        "ok": lambda: (enumerated.encode(), ("ok", i)),
        "released": lambda: (f"{i},screw,part,VIII(h)(1),none,no,yes,yes".encode(), ("ok", i)),
        "open": lambda: (f"{i},,part,,,,,".encode(), ("ok", i)),
        "quoted": lambda: (
            f'{i},"a, ""quoted"" desc",end_item,IV(h)(12),,,,'.encode(),
            ("ok", i),
        ),
        "controls": lambda: (
            f"{i},\x1b[2J\x00\x07,end_item,IV(h)(12),,,,".encode(),
            ("ok", i),
        ),
        "formula": lambda: (f"={i},d,end_item,IV(h)(12),,,,".encode(), ("ok", f"={i}")),
        "bad_bytes": lambda: (
            f"{i},caf".encode() + b"\xe9" + b",end_item,IV(h)(12),,,,",
            ("error", "description", i),
        ),
        "extra": lambda: ((enumerated + ",x").encode(), ("error", "row", i)),
        "trailing": lambda: ((enumerated + ",").encode(), ("error", "row", i)),
        "fewer": lambda: (f"{i},desc,end_item".encode(), ("error", "row", i)),
        "bad_answer": lambda: (
            f"{i},d,part,VIII(h)(1),none,no,maybe,yes".encode(),
            ("error", "itar_for_use_in_defense_article", i),
        ),
        "bad_ref": lambda: (f"{i},d,part,XI(1),,,,".encode(), ("error", "usml_candidates", i)),
        "bad_kind": lambda: (f"{i},d,widget,IV(h)(12),,,,".encode(), ("error", "item_kind", i)),
        "no_id": lambda: (b",d,end_item,IV(h)(12),,,,", ("error", "item_id", None)),
        "line_break": lambda: (
            f'{i},"two\nlines",end_item,IV(h)(12),,,,'.encode(),
            ("error", "description", i),
        ),
        "stray_quote": lambda: (
            f'{i},"bad" desc,end_item,IV(h)(12),,,,'.encode(),
            ("error", "row", None),
        ),
    }


CSV_KINDS = sorted(_csv_item(0))
BLANKS = [b"", b" ", b",,,,,,,", b" , ,"]


@FUZZ
@given(
    kinds=st.lists(st.sampled_from(CSV_KINDS), min_size=1, max_size=12),
    ends=st.lists(st.sampled_from([b"\n", b"\r\n", b"\r"]), min_size=12, max_size=12),
    blanks=st.lists(st.sampled_from([None, *BLANKS]), min_size=12, max_size=12),
    bom=st.booleans(),
)
def test_csv_structured_records_each_get_their_own_row(
    kinds: list[str], ends: list[bytes], blanks: list[bytes | None], bom: bool
) -> None:
    data = (codecs.BOM_UTF8 if bom else b"") + HEADER.encode() + b"\n"
    expected = []
    for n, kind in enumerate(kinds):
        text, outcome = _csv_item(n)[kind]()
        data += text + ends[n]
        if blanks[n] is not None:
            data += blanks[n] + b"\n"
        expected.append(outcome)
    code, rows, _ = invoke("screen", "csv", data)
    assert len(rows) == len(expected)
    assert_rows_numbered_and_errors_named(rows)
    for row, outcome in zip(rows, expected, strict=True):
        check(row, outcome, "item_id")
    errors = any(o[0] == "error" for o in expected)
    assert (code == 4) == errors


def check(row: dict[str, str], outcome: tuple[Any, ...], id_column: str) -> None:
    if outcome[0] == "ok":
        assert row["status"] != "error", row
        assert row[id_column] in (outcome[1], "'" + outcome[1]), row  # CSV output neutralised
        return
    _, field, ident = outcome
    assert row["status"] == "error", row
    assert row["error_field"] == field or row["error_field"].startswith(field + "."), row
    if ident is not None:
        assert row[id_column] == ident, row


_SCREW = {"item_kind": "part", "usml_candidates": ["VIII(h)(1)"]}


def _jsonl_item(n: int) -> dict[str, Callable[[], Built]]:
    i = f"J{n}"
    good = {"item_id": i, "item_kind": "end_item", "usml_candidates": ["IV(h)(12)"]}
    text = json.dumps(good)
    return {
        "ok": lambda: (text.encode(), ("ok", i)),
        "crlf_inside": lambda: (text.replace(", ", ",\r ").encode(), ("ok", i)),
        "open": lambda: (json.dumps({"item_id": i, **_SCREW}).encode(), ("ok", i)),
        "answers_null": lambda: (json.dumps({**good, "answers": None}).encode(), ("ok", i)),
        "dup_key": lambda: (
            (text[:-1] + ', "usml_candidates": "none"}').encode(),
            ("error", "usml_candidates", i),
        ),
        "dup_answer": lambda: (
            json.dumps({"item_id": i, **_SCREW})[:-1].encode()
            + b', "answers": {"fastener_class": true, "fastener_class": false}}',
            ("error", "answers.fastener_class", i),
        ),
        "top_and_answers": lambda: (
            json.dumps(
                {**good, "fastener_class": True, "answers": {"fastener_class": False}}
            ).encode(),
            ("error", "fastener_class", i),
        ),
        "answers_false": lambda: (
            json.dumps({**good, "answers": False}).encode(),
            ("error", "answers", i),
        ),
        "answers_list": lambda: (
            json.dumps({**good, "answers": []}).encode(),
            ("error", "answers", i),
        ),
        "nan": lambda: (
            (text[:-1] + ', "description": NaN}').encode(),
            ("error", "description", i),
        ),
        "huge_float": lambda: (
            (text[:-1] + ', "cj_reference": 1e400}').encode(),
            ("error", "cj_reference", i),
        ),
        "huge_int": lambda: (
            (text[:-1] + ', "cj_reference": ' + "7" * 5000 + "}").encode(),
            ("error", "cj_reference", i),
        ),
        "deep": lambda: (
            (text[:-1] + ', "answers": ' + '{"a": ' * 40 + "1" + "}" * 40 + "}").encode(),
            ("error", "answers", i),
        ),
        "very_deep": lambda: (
            (text[:-1] + ', "answers": ' + "[" * 3000 + "]" * 3000 + "}").encode(),
            ("error", "row", None),
        ),
        "surrogate": lambda: (
            (text[:-1] + ', "description": "\\udfff"}').encode(),
            ("error", "description", i),
        ),
        "bad_bytes": lambda: (
            (text[:-1] + ', "description": "caf').encode() + b'\xe9"}',
            ("error", "description", i),
        ),
        "not_object": lambda: (b'["IV(h)(12)"]', ("error", "row", None)),
        "not_json": lambda: (b'{"item_id": ', ("error", "row", None)),
        "id_true": lambda: (
            json.dumps({**good, "item_id": True}).encode(),
            ("error", "item_id", None),
        ),
        "unknown_field": lambda: (
            json.dumps({**good, "colour": "red"}).encode(),
            ("error", "colour", i),
        ),
    }


JSONL_KINDS = sorted(_jsonl_item(0))


@FUZZ
@given(
    kinds=st.lists(st.sampled_from(JSONL_KINDS), min_size=1, max_size=12),
    blanks=st.lists(st.sampled_from([None, b"", b"  ", b"\r", b"\t "]), min_size=12, max_size=12),
    crlf=st.booleans(),
)
def test_jsonl_structured_records_each_get_their_own_row(
    kinds: list[str], blanks: list[bytes | None], crlf: bool
) -> None:
    data = b""
    expected = []
    for n, kind in enumerate(kinds):
        text, outcome = _jsonl_item(n)[kind]()
        data += text + (b"\r\n" if crlf else b"\n")
        if blanks[n] is not None:
            data += blanks[n] + b"\n"
        expected.append(outcome)
    code, rows, _ = invoke("screen", "jsonl", data)
    assert len(rows) == len(expected)
    assert_rows_numbered_and_errors_named(rows)
    for row, outcome in zip(rows, expected, strict=True):
        check(row, outcome, "item_id")
    assert (code == 4) == any(o[0] == "error" for o in expected)


_TRANSFER = {
    "transfer_id": "T",
    "activity": "export",
    "transfer_kind": "article",
    "usml_classification": "XI(c)(4)",
    "specially_designed_for": ["XI(a)(3)(i)"],
    "from_country": "US",
    "to_country": "AU",
    "transit_countries": [],
    "value_usd": 4800000,
    "parties": [
        {"role": "transferor", "country": "US", "kind": "us_person", "ddtc_registered": True,
         "not_debarred": True, "eligible_120_16": True},
        {"role": "recipient", "country": "AU", "kind": "other", "authorized_user": True,
         "eligible_120_16": True},
    ],
    "answers": {"classified": False, "anti_tamper_dod_ppp": False, "for_cluster_munitions": False,
                "major_defense_equipment": False, "manufacturing_abroad_sme": False,
                "transferor_complies_123_9_b": True},
}  # fmt: skip


def _transfer_item(n: int) -> dict[str, Callable[[], Built]]:
    i = f"T{n}"
    good = {**_TRANSFER, "transfer_id": i}
    text = json.dumps(good)

    def with_(**changes: Any) -> bytes:
        return json.dumps({**good, **changes}).encode()

    return {
        "ok": lambda: (text.encode(), ("ok", i)),
        "party_text": lambda: (
            with_(parties=[_TRANSFER["parties"][0], "AU"]),  # type: ignore[index]
            ("error", "parties[1]", i),
        ),
        "party_null": lambda: (with_(parties=[None]), ("error", "parties[0]", i)),
        "parties_object": lambda: (with_(parties={"role": "recipient"}), ("error", "parties", i)),
        "answers_list": lambda: (with_(answers=[["classified", False]]), ("error", "answers", i)),
        "answers_number": lambda: (with_(answers=0), ("error", "answers", i)),
        "nan": lambda: (
            text.replace('"value_usd": 4800000', '"value_usd": NaN').encode(),
            ("error", "value_usd", i),
        ),
        "inf": lambda: (
            text.replace('"value_usd": 4800000', '"value_usd": -Infinity').encode(),
            ("error", "value_usd", i),
        ),
        "huge": lambda: (
            text.replace('"value_usd": 4800000', '"value_usd": 1e400').encode(),
            ("error", "value_usd", i),
        ),
        "dup_country": lambda: (
            text.replace('"to_country": "AU"', '"to_country": "JP", "to_country": "AU"').encode(),
            ("error", "to_country", i),
        ),
        "bad_bytes": lambda: (
            text[:-1].encode() + b', "description": "\xe4"}',
            ("error", "description", i),
        ),
        "no_id": lambda: (
            json.dumps({k: v for k, v in good.items() if k != "transfer_id"}).encode(),
            ("error", "transfer_id", None),
        ),
        "not_json": lambda: (text[:-1].encode(), ("error", "row", None)),
    }


TRANSFER_KINDS = sorted(_transfer_item(0))


@FUZZ
@given(kinds=st.lists(st.sampled_from(TRANSFER_KINDS), min_size=1, max_size=8))
def test_authorize_jsonl_structured_records_each_get_their_own_row(kinds: list[str]) -> None:
    data = b""
    expected = []
    for n, kind in enumerate(kinds):
        text, outcome = _transfer_item(n)[kind]()
        data += text + b"\n"
        expected.append(outcome)
    code, rows, _ = invoke("authorize", "jsonl", data)
    assert len(rows) == len(expected)
    assert_rows_numbered_and_errors_named(rows)
    for row, outcome in zip(rows, expected, strict=True):
        check(row, outcome, "transfer_id")
        if outcome[0] == "ok":
            assert row["status"] == "exempt", row
    assert (code == 4) == any(o[0] == "error" for o in expected)


def _transfer_csv_item(n: int) -> dict[str, Callable[[], Built]]:
    i = f"C{n}"
    ok = (
        f"{i},export,article,XI(c)(4),XI(a)(3)(i),US,AU,none,4800000,US,us_person,yes,yes,yes,"
        "AU,other,yes,yes,no,no,no,no,no,yes"
    )
    return {
        "ok": lambda: (ok.encode(), ("ok", i)),
        "extra": lambda: ((ok + ",").encode(), ("error", "row", i)),
        "fewer": lambda: (ok.rsplit(",", 3)[0].encode(), ("error", "row", i)),
        "bad_bytes": lambda: (
            ok.replace(",export,", ",exp\udce4rt,").encode("utf-8", "surrogateescape"),
            ("error", "activity", i),
        ),
        "bad_country": lambda: (
            ok.replace(",AU,none,", ",XX,none,").encode(),
            ("error", "to_country", i),
        ),
        "line_break": lambda: (
            ok.replace(",export,", ',"exp\nort",').encode(),
            ("error", "activity", i),
        ),
    }


TRANSFER_CSV_KINDS = sorted(_transfer_csv_item(0))


@FUZZ
@given(kinds=st.lists(st.sampled_from(TRANSFER_CSV_KINDS), min_size=1, max_size=8))
def test_authorize_csv_structured_records_each_get_their_own_row(kinds: list[str]) -> None:
    data = TRANSFER_HEADER.encode() + b"\n"
    expected = []
    for n, kind in enumerate(kinds):
        text, outcome = _transfer_csv_item(n)[kind]()
        data += text + b"\n"
        expected.append(outcome)
    code, rows, _ = invoke("authorize", "csv", data)
    assert len(rows) == len(expected)
    assert_rows_numbered_and_errors_named(rows)
    for row, outcome in zip(rows, expected, strict=True):
        check(row, outcome, "transfer_id")
        if outcome[0] == "ok":
            assert row["status"] == "exempt", row
    assert (code == 4) == any(o[0] == "error" for o in expected)
