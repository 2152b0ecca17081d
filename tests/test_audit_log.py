"""The audit log (issue 14, item 6): the schema never stores a decision without its law id and
date, writes are transactions (all or none), two writers at once lose nothing, a writer killed
mid-run leaves every committed decision intact, and re-deciding the logged decisions under an
unchanged law finds no difference (a property over generated items and transfers)."""

from __future__ import annotations

import csv
import json
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import exportctl
from exportctl import audit
from exportctl.cli.classify import facts_document
from exportctl.core.jsonable import to_jsonable
from exportctl.inputs.items import facts_from_mapping
from exportctl.testing import item_facts, laws, transfers

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def _wing_fold_entry(day: str = "2025-10-01") -> audit.Entry:
    raw = json.loads((EXAMPLES / "classify_wing_fold_actuator.json").read_text("utf-8"))
    law = exportctl.law(day)
    decision = exportctl.classify(facts_from_mapping(raw, law.ruleset), law)
    return audit.entry_for_decision(decision, raw, command="classify")


def _count(path: Path) -> int:
    with sqlite3.connect(path) as db:
        n: int = db.execute("SELECT count(*) FROM decisions").fetchone()[0]
    return n


# --- the schema ---------------------------------------------------------------------------------


def test_a_logged_decision_keeps_its_facts_outcome_trace_law_and_date(tmp_path: Path) -> None:
    entry = _wing_fold_entry()
    with audit.AuditLog(tmp_path / "log.db", actor="j.doe", command="classify") as log:
        log.append([entry])
    with audit.AuditLog(tmp_path / "log.db", readonly=True) as log:
        (got,) = list(log.entries())
    # 22 CFR 120.41(a)(2) catches the actuator for VIII(h)(4) (the example's decision)
    assert got.outcome == "ITAR VIII(h)(4)"
    assert got.actor == "j.doe" and got.kind == "item" and got.subject_id == "P-1101"
    assert got.law_id == exportctl.law("2025-10-01").id and got.as_of == "2025-10-01"
    assert got.facts == json.loads((EXAMPLES / "classify_wing_fold_actuator.json").read_text())
    assert [s["rule"] for s in got.record["trace"]][:1] == [entry.record["trace"][0]["rule"]]
    assert got.decision_id == entry.decision_id and got.tool_version and got.logged_at


@pytest.mark.parametrize(
    ("column", "value"),
    [("law_id", None), ("law_id", ""), ("as_of", None), ("as_of", "01/10/2025"), ("as_of", "")],
)
def test_the_schema_refuses_a_decision_without_law_id_or_date(
    tmp_path: Path, column: str, value: Any
) -> None:
    path = tmp_path / "log.db"
    audit.AuditLog(path).close()
    row = {
        "decision_id": "d1",
        "logged_at": "2026-01-01T00:00:00+00:00",
        "command": "classify",
        "kind": "item",
        "subject_id": "P-1",
        "facts": "{}",
        "facts_form": "json",
        "options": "{}",
        "outcome": "EAR EAR99",
        "record": "{}",
        "law_id": "abc",
        "as_of": "2025-10-01",
        "reforms": "[]",
        "tool_version": "0",
        "run_id": "r",
    }
    db = sqlite3.connect(path)
    db.execute(
        "INSERT INTO runs (run_id, started_at, command, tool_version) VALUES ('r', 'x', 'c', '0')"
    )
    db.execute(
        f"INSERT INTO decisions ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
        list(row.values()),
    )  # the row as it is: accepted
    row[column] = value
    with pytest.raises(sqlite3.IntegrityError):
        db.execute(
            f"INSERT INTO decisions ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
            list(row.values()),
        )
    db.close()


def test_an_append_is_all_or_none(tmp_path: Path) -> None:
    good = _wing_fold_entry()
    bad = attrs.evolve(good, law_id="")
    with audit.AuditLog(tmp_path / "log.db") as log:
        log.append([good])
        with pytest.raises(sqlite3.IntegrityError):
            log.append([good, good, bad])
    assert _count(tmp_path / "log.db") == 1  # the failed transaction left nothing


def test_the_log_is_in_wal_mode_with_a_busy_timeout(tmp_path: Path) -> None:
    with audit.AuditLog(tmp_path / "log.db", timeout=12.5) as log:
        assert log._db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert log._db.execute("PRAGMA busy_timeout").fetchone()[0] == 12500


def test_a_file_that_is_not_a_log_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("not a database at all, just text\n" * 100)
    with pytest.raises(audit.LogError, match="not an exportctl audit log"):
        audit.AuditLog(path)
    with pytest.raises(audit.LogError, match="no such log"):
        audit.AuditLog(tmp_path / "missing.db", readonly=True)


# --- two writers, a crash ------------------------------------------------------------------------

_WRITER = textwrap.dedent(
    """
    import json, sys, attrs
    from pathlib import Path
    from exportctl import audit
    path, name, n, ready = sys.argv[1], sys.argv[2], int(sys.argv[3]), Path(sys.argv[4])
    entry = audit.Entry(**json.loads(sys.stdin.read()))
    with audit.AuditLog(path, actor=name, command="test") as log:
        ready.touch()
        while not (ready.parent / "go").exists():
            pass
        for i in range(n):
            log.append([attrs.evolve(entry, subject_id=f"{name}-{i}-{k}") for k in range(3)])
    """
)


def _entry_json(entry: audit.Entry) -> str:
    fields = {
        k: v
        for k, v in attrs.asdict(entry, recurse=False).items()
        if k not in ("seq", "logged_at", "actor", "tool_version", "run_id")
    }
    fields["reforms"] = list(fields["reforms"])
    return json.dumps(fields)


def test_two_writers_at_once_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "log.db"
    audit.AuditLog(path).close()
    entry = _entry_json(_wing_fold_entry())
    n = 150
    procs = []
    for name in ("A", "B"):
        proc = subprocess.Popen(
            [sys.executable, "-c", _WRITER, str(path), name, str(n), str(tmp_path / f"{name}.r")],
            stdin=subprocess.PIPE,
        )
        assert proc.stdin is not None and proc.stdin.writable()
        proc.stdin.write(entry.encode())
        proc.stdin.close()
        procs.append(proc)
    deadline = time.monotonic() + 120
    while not all((tmp_path / f"{x}.r").exists() for x in "AB"):
        assert time.monotonic() < deadline and all(p.poll() is None for p in procs)
        time.sleep(0.01)
    (tmp_path / "go").touch()  # both have the log open: they write at the same time
    assert [p.wait(timeout=300) for p in procs] == [0, 0]
    with audit.AuditLog(path, readonly=True) as log:
        assert log.integrity() == "ok"
        subjects = [e.subject_id for e in log.entries()]
        runs = log._db.execute("SELECT actor, decisions, finished_at FROM runs").fetchall()
    expected = {f"{w}-{i}-{k}" for w in "AB" for i in range(n) for k in range(3)}
    assert len(subjects) == len(expected) and set(subjects) == expected
    assert sorted((a, d) for a, d, _ in runs) == [("A", 3 * n), ("B", 3 * n)]
    assert all(f is not None for _, _, f in runs)


def _big_parts_list(path: Path, copies: int) -> int:
    with open(EXAMPLES / "parts_list.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    header, body = rows[0], rows[1:]
    i = header.index("item_id")
    with open(path, "w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(header)
        for k in range(copies):
            for row in body:
                out.writerow([f"{c}-{k}" if j == i else c for j, c in enumerate(row)])
    return copies * len(body)


def test_a_writer_killed_mid_run_leaves_every_committed_decision(tmp_path: Path) -> None:
    rows = _big_parts_list(tmp_path / "parts.csv", 2000)  # 90,000 rows: far more than we wait for
    path = tmp_path / "log.db"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from exportctl.cli import main; main()",
            "screen",
            str(tmp_path / "parts.csv"),
            "--as-of",
            "2025-10-01",
            "--format",
            "csv",
            "--quiet",
            "--log",
            str(path),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 240
    committed = 0
    while committed < 3 * audit.COMMIT_ROWS:
        assert proc.poll() is None, "the run ended before it could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.05)
        if path.exists():
            try:
                committed = _count(path)
            except sqlite3.OperationalError:
                committed = 0  # the schema is being created
    assert proc.poll() is None
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=60)
    with audit.AuditLog(path, readonly=True) as log:  # opens cleanly
        assert log.integrity() == "ok"
        entries = list(log.entries())
        (run,) = log._db.execute("SELECT finished_at, decisions FROM runs").fetchall()
    assert run == (None, 0)  # the run never finished
    # whole transactions only, in input order, each decision whole with its law id and date
    assert len(entries) % audit.COMMIT_ROWS == 0 and 3 * audit.COMMIT_ROWS <= len(entries) < rows
    with open(tmp_path / "parts.csv", newline="", encoding="utf-8") as fh:
        ids = [r["item_id"] for _, r in zip(range(len(entries)), csv.DictReader(fh), strict=False)]
    assert [e.facts["item_id"] for e in entries] == ids
    law = exportctl.law("2025-10-01")
    assert {(e.law_id, e.as_of) for e in entries} == {(law.id, "2025-10-01")}
    assert all(e.record["decision_id"] == e.decision_id for e in entries)
    # what was committed re-decides to the same outcomes
    assert list(audit.verify(entries[:200], lambda day: exportctl.law(day))) == []
    # and the log takes new writes after the crash
    with audit.AuditLog(path) as log:
        log.append([_wing_fold_entry()])
    assert _count(path) == len(entries) + 1


# --- verify: no difference under an unchanged law -----------------------------------------------

_SETTINGS = settings(
    max_examples=40,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _verify_all(entries: list[audit.Entry]) -> tuple[list[audit.Difference], list[str]]:
    problems: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "log.db"
        with audit.AuditLog(path, command="test") as log:
            log.append(entries)
        with audit.AuditLog(path, readonly=True) as log:
            logged = list(log.entries())
    assert [(e.law_id, e.as_of) for e in logged] == [(e.law_id, e.as_of) for e in entries]
    found = list(
        audit.verify(
            logged, lambda day: exportctl.law(day), lambda e, why: problems.append(why)
        )
    )
    return found, problems


@_SETTINGS
@given(data=st.data())
def test_verify_under_an_unchanged_law_finds_no_difference_items(data: st.DataObject) -> None:
    law = data.draw(laws())
    facts = data.draw(item_facts(law))
    decision = exportctl.classify(facts, law)
    entry = audit.entry_for_decision(decision, facts_document(facts), command="classify")
    assert entry.law_id == law.id and entry.as_of == law.as_of.isoformat()
    assert _verify_all([entry]) == ([], [])


@_SETTINGS
@given(data=st.data())
def test_verify_under_an_unchanged_law_finds_no_difference_transfers(data: st.DataObject) -> None:
    law = data.draw(laws())
    transfer = data.draw(transfers(law))
    facts = {k: v for k, v in to_jsonable(transfer).items() if v is not None}
    authorization = exportctl.authorize(transfer, law)
    entry = audit.entry_for_authorization(authorization, facts, command="authorize")
    assert _verify_all([entry]) == ([], [])


def test_verify_names_the_decision_a_reform_changes_and_why() -> None:
    # examples/transfers.csv row ETL-05: caught by row 13 of the ETL (22 CFR part 126, Supp.
    # No. 2), so § 126.7(b)(3) fails and a license is required; with the ETL eliminated (the DIB
    # scenario) the same facts are exempt under § 126.7.
    from exportctl.corpus.reforms import apply_reforms, bundled_reform
    from exportctl.inputs.transfers import transfer_from_csv_row

    with open(EXAMPLES / "transfers.csv", newline="", encoding="utf-8") as fh:
        raw = next(r for r in csv.DictReader(fh) if r["transfer_id"] == "ETL-05")
    law = exportctl.law("2026-01-15")
    authorization = exportctl.authorize(transfer_from_csv_row(raw, law), law)
    entry = audit.entry_for_authorization(
        authorization, raw, command="authorize", facts_form="csv"
    )
    assert entry.outcome == "license_required"
    assert list(audit.verify([entry], lambda day: exportctl.law(day))) == []

    def reformed(day: str) -> Any:
        base = exportctl.law(day)
        return apply_reforms(base, [bundled_reform("etl-eliminated", base)])

    (d,) = audit.verify([entry], reformed)
    assert d.outcome == "exempt 126.7 (eligible: 126.7)"
    assert d.law_id != entry.law_id and d.as_of == "2026-01-15"
    assert d.why[0].startswith("first difference: logged 126.7: 22 CFR 126.7(b)(3) → fail")
    assert "row 13" in d.why[0] and "now 126.7: 22 CFR 126.7(b)(3) → pass" in d.why[0]
