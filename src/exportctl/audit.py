"""The audit log: every decision a command makes, appended to an SQLite database, and re-decided
later from its stored facts (docs/audit-log.md).

A logged decision holds its decision id, the time (UTC), an optional actor, the command, the
kind of subject (``item``, ``transfer``, ``exemption``, ``agreement``), the input facts as they
were given (a JSON document, or a CSV row with ``facts_form`` ``csv``), the options that shaped
the law (rule set, guidelines, exemptions chosen, agreement reform), the outcome, the full
record with its trace, the law id, the date, the reforms and the tool version.  The schema
refuses a decision without a law id or a date (``NOT NULL`` and ``CHECK`` constraints).

Writing: WAL journal, a busy timeout (another writer waits, it does not fail), and every write
in a transaction (``BEGIN IMMEDIATE`` … ``COMMIT``) with ``synchronous=FULL``.  A batch commits
every :data:`COMMIT_ROWS` decisions (and at its end): a writer killed mid-run leaves every
committed transaction intact and loses at most the decisions of the transaction it was in; the
run's row in ``runs`` then has no ``finished_at``.

Re-deciding (:func:`verify`): each logged decision is decided again from its stored facts and
options under the law now bundled for its date (or another date, or with reforms) and its
outcome compared with the logged one; a difference names the first trace step or condition that
differs and the rules fired on each side.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, Literal

import attrs

from exportctl.core.provenance import canonical_json

__all__ = [
    "COMMIT_ROWS",
    "KINDS",
    "AuditLog",
    "Difference",
    "Entry",
    "LogError",
    "Unverifiable",
    "decide_again",
    "entry_for_agreement",
    "entry_for_authorization",
    "entry_for_decision",
    "entry_for_exemption",
    "outcome_of",
    "verify",
]

Kind = Literal["item", "transfer", "exemption", "agreement"]
KINDS: tuple[Kind, ...] = ("item", "transfer", "exemption", "agreement")
FactsForm = Literal["json", "csv"]

#: Decisions per transaction in a batch (and at the end of the run): a crash loses at most the
#: decisions of the open transaction, and a batch of a million rows costs two thousand commits.
COMMIT_ROWS = 500

SCHEMA_VERSION = "1"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS log_meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS runs (
    run_id TEXT PRIMARY KEY,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    command TEXT NOT NULL,
    actor TEXT,
    tool_version TEXT NOT NULL,
    decisions INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS decisions (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    decision_id TEXT NOT NULL CHECK (length(decision_id) > 0),
    logged_at TEXT NOT NULL,
    actor TEXT,
    command TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('item', 'transfer', 'exemption', 'agreement')),
    subject_id TEXT NOT NULL,
    facts TEXT NOT NULL CHECK (json_valid(facts)),
    facts_form TEXT NOT NULL CHECK (facts_form IN ('json', 'csv')),
    options TEXT NOT NULL CHECK (json_valid(options)),
    outcome TEXT NOT NULL,
    record TEXT NOT NULL CHECK (json_valid(record)),
    law_id TEXT NOT NULL CHECK (length(law_id) > 0),
    as_of TEXT NOT NULL
        CHECK (as_of GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    reforms TEXT NOT NULL CHECK (json_valid(reforms)),
    tool_version TEXT NOT NULL,
    run_id TEXT NOT NULL REFERENCES runs (run_id)
);
CREATE INDEX IF NOT EXISTS decisions_by_id ON decisions (decision_id);
CREATE INDEX IF NOT EXISTS decisions_by_time ON decisions (logged_at);
"""

COLUMNS = (
    "seq",
    "decision_id",
    "logged_at",
    "actor",
    "command",
    "kind",
    "subject_id",
    "facts",
    "facts_form",
    "options",
    "outcome",
    "record",
    "law_id",
    "as_of",
    "reforms",
    "tool_version",
    "run_id",
)


class LogError(Exception):
    """The log cannot be opened or read (not a database, another schema, locked too long)."""


class Unverifiable(Exception):
    """A logged decision cannot be decided again (its facts no longer read, a file it named is
    gone); the message says why."""


def _json(value: Any) -> str:
    return canonical_json(value)


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")


def tool_version() -> str:
    import exportctl

    return str(exportctl.__version__)


@attrs.frozen
class Entry:
    """One decision as the log stores it (``seq``, ``logged_at``, ``actor`` and ``run_id`` are
    given by the log when it is appended)."""

    decision_id: str
    command: str
    kind: Kind
    subject_id: str
    facts: Mapping[str, Any]
    facts_form: FactsForm
    options: Mapping[str, Any]
    outcome: str
    record: Mapping[str, Any]
    law_id: str
    as_of: str
    reforms: tuple[str, ...] = ()
    seq: int | None = None
    logged_at: str | None = None
    actor: str | None = None
    tool_version: str | None = None
    run_id: str | None = None

    def as_row(self) -> dict[str, Any]:
        """The entry as the columns of ``log show`` and ``log export`` (JSON kept as values)."""
        return {
            "seq": self.seq,
            "decision_id": self.decision_id,
            "logged_at": self.logged_at,
            "actor": self.actor,
            "command": self.command,
            "kind": self.kind,
            "subject_id": self.subject_id,
            "facts": dict(self.facts),
            "facts_form": self.facts_form,
            "options": dict(self.options),
            "outcome": self.outcome,
            "record": dict(self.record),
            "law_id": self.law_id,
            "as_of": self.as_of,
            "reforms": list(self.reforms),
            "tool_version": self.tool_version,
            "run_id": self.run_id,
        }


# --- outcomes ----------------------------------------------------------------------------------


def outcome_of(kind: str, record: Mapping[str, Any]) -> str:
    """The outcome of a record, one line: what ``log verify`` compares (the same function reads
    the logged record and the new one, so an unchanged law gives the same line)."""
    questions = ",".join(sorted(str(q.get("id")) for q in record.get("open_questions") or ()))
    tail = f"; open: {questions}" if questions else ""
    if kind == "item":
        c = record.get("classification") or {}
        ref = f" {c.get('reference')}" if c else ""
        return f"{record.get('jurisdiction')}{ref}{tail}"
    if kind == "transfer":
        eligible = ",".join(record.get("eligible") or ())
        exemption = f" {record.get('exemption')}" if record.get("exemption") else ""
        also = f" (eligible: {eligible})" if eligible else ""
        return f"{record.get('outcome')}{exemption}{also}{tail}"
    if kind == "exemption":
        if "outcome" in record:  # every exemption: an authorization
            return "all: " + outcome_of("transfer", record)
        branch = f" [{record.get('branch')}]" if record.get("branch") else ""
        return f"{record.get('exemption')}: {record.get('status')}{branch}{tail}"
    if kind == "agreement":
        return f"{record.get('status')}{tail}"
    raise ValueError(f"unknown kind {kind!r}")


# --- entries from decisions ---------------------------------------------------------------------


def _record(value: Any) -> dict[str, Any]:
    from exportctl.core.jsonable import to_jsonable

    to_dict = getattr(value, "to_dict", None)
    record = to_dict() if callable(to_dict) else to_jsonable(value)
    if not isinstance(record, dict):
        raise TypeError(f"a record is a JSON object, not {type(record).__name__}")
    # One JSON form for the record, as the log reads it back (dates as text, tuples as lists).
    loaded: dict[str, Any] = json.loads(_json(record))
    return loaded


def _date(value: Any) -> str:
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def entry_for_decision(
    decision: Any,
    facts: Mapping[str, Any],
    *,
    command: str,
    facts_form: FactsForm = "json",
    ruleset: str | None = None,
) -> Entry:
    """A classification (:class:`~exportctl.engine.decision.Decision`) and the facts it was
    decided from (a facts document, or a CSV row with ``facts_form="csv"``)."""
    record = _record(decision)
    return Entry(
        decision_id=decision.decision_id,
        command=command,
        kind="item",
        subject_id=str(decision.item_id),
        facts=dict(facts),
        facts_form=facts_form,
        options={"ruleset": ruleset or decision.ruleset},
        outcome=outcome_of("item", record),
        record=record,
        law_id=decision.law_id,
        as_of=_date(decision.as_of),
    )


def _guidelines_option(path: str | None) -> dict[str, str] | None:
    if path is None:
        return None
    from pathlib import Path

    data = Path(path).read_bytes()
    return {"file": str(Path(path).resolve()), "sha256": hashlib.sha256(data).hexdigest()}


def entry_for_authorization(
    authorization: Any,
    facts: Mapping[str, Any],
    *,
    command: str,
    facts_form: FactsForm = "json",
    exemptions: Sequence[str] = (),
    guidelines: str | None = None,
) -> Entry:
    """A transfer's authorization (§ 126.1, then every exemption of the law)."""
    record = _record(authorization)
    return Entry(
        decision_id=authorization.decision_id,
        command=command,
        kind="transfer",
        subject_id=str(authorization.transfer_id),
        facts=dict(facts),
        facts_form=facts_form,
        options={"exemptions": list(exemptions), "guidelines": _guidelines_option(guidelines)},
        outcome=outcome_of("transfer", record),
        record=record,
        law_id=authorization.law_id,
        as_of=_date(authorization.as_of),
    )


def entry_for_exemption(
    result: Any,
    facts: Mapping[str, Any],
    *,
    law: Any,
    command: str,
    exemption: str | None,
    guidelines: str | None = None,
) -> Entry:
    """One exemption checked (``exemptions check --exemption REF``), or every exemption (an
    authorization, without ``--exemption``).  The decision id is the authorization's, or for one
    exemption a hash of the subject, its facts, the exemption, the law id and the date."""
    from exportctl.core.provenance import decision_id

    record = _record(result)
    subject = str(facts.get("transfer_id", ""))
    did = getattr(result, "decision_id", None) or decision_id(
        f"{subject}#{exemption}", _json(dict(facts)), law.id, law.as_of
    )
    return Entry(
        decision_id=str(did),
        command=command,
        kind="exemption",
        subject_id=subject,
        facts=dict(facts),
        facts_form="json",
        options={"exemption": exemption, "guidelines": _guidelines_option(guidelines)},
        outcome=outcome_of("exemption", record),
        record=record,
        law_id=law.id,
        as_of=_date(law.as_of),
    )


def entry_for_agreement(
    result: Any,
    facts: Mapping[str, Any],
    *,
    command: str,
    facts_form: FactsForm = "json",
    reform: str | None = None,
) -> Entry:
    """An agreement plan (``agreement plan``), under a reform of the agreement rules or not."""
    record = _record(result)
    return Entry(
        decision_id=str(result.plan_id),
        command=command,
        kind="agreement",
        subject_id=str(result.agreement_id),
        facts=dict(facts),
        facts_form=facts_form,
        options={"reform": reform},
        outcome=outcome_of("agreement", record),
        record=record,
        law_id=result.law_id,
        as_of=_date(result.as_of),
        reforms=tuple(result.reforms),
    )


# --- the database -------------------------------------------------------------------------------


class AuditLog:
    """An open audit log (a context manager): :meth:`append` in transactions, :meth:`entries`
    to read.  Opening creates the database and its schema if needed."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        actor: str | None = None,
        command: str = "",
        timeout: float = 60.0,
        readonly: bool = False,
    ) -> None:
        self.path = str(path)
        self.actor = actor
        self.command = command
        self.run_id: str | None = None
        self._version = tool_version()
        self._logged = 0
        import sqlite3  # here, not at import: screen and authorize read this module without --log
        from pathlib import Path

        try:
            if readonly:
                if not Path(self.path).is_file():
                    raise LogError(f"{self.path}: no such log")
                uri = Path(self.path).resolve().as_uri() + "?mode=ro"
                self._db = sqlite3.connect(uri, uri=True, timeout=timeout, isolation_level=None)
            else:
                self._db = sqlite3.connect(self.path, timeout=timeout, isolation_level=None)
            self._db.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
            if not readonly:
                self._db.execute("PRAGMA journal_mode = WAL")
                self._db.execute("PRAGMA synchronous = FULL")
                self._db.execute("BEGIN IMMEDIATE")
                for statement in _SCHEMA.split(";"):
                    if statement.strip():
                        self._db.execute(statement)
                self._db.execute(
                    "INSERT OR IGNORE INTO log_meta (key, value) VALUES ('schema', ?)",
                    (SCHEMA_VERSION,),
                )
                if self._db.in_transaction:
                    self._db.execute("COMMIT")
            schema = self._db.execute("SELECT value FROM log_meta WHERE key = 'schema'").fetchone()
        except sqlite3.DatabaseError as exc:
            raise LogError(f"{self.path}: not an exportctl audit log ({exc})") from exc
        if schema is None or schema[0] != SCHEMA_VERSION:
            raise LogError(f"{self.path}: log schema {schema and schema[0]!r}, expected 1")

    def __enter__(self) -> AuditLog:
        return self

    def __exit__(self, *exc: object) -> None:
        # sys.exit ends every command: a SystemExit is a finished run, any other error is not.
        self.close(finished=exc[0] is None or exc[0] is SystemExit)

    def close(self, *, finished: bool = True) -> None:
        if self.run_id is not None and finished:
            self._write(
                "UPDATE runs SET finished_at = ?, decisions = ? WHERE run_id = ?",
                [(_now(), self._logged, self.run_id)],
            )
        self._db.close()

    def _write(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        db = self._db
        db.execute("BEGIN IMMEDIATE")
        try:
            db.executemany(sql, rows)
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    def _start_run(self) -> str:
        if self.run_id is None:
            self.run_id = uuid.uuid4().hex
            self._write(
                "INSERT INTO runs (run_id, started_at, command, actor, tool_version) "
                "VALUES (?, ?, ?, ?, ?)",
                [(self.run_id, _now(), self.command, self.actor, self._version)],
            )
        return self.run_id

    def append(self, entries: Iterable[Entry]) -> int:
        """Append the entries in one transaction (all or none); returns how many."""
        run_id = self._start_run()
        now = _now()
        rows = [
            (
                e.decision_id,
                now,
                self.actor,
                e.command or self.command,
                e.kind,
                e.subject_id,
                _json(dict(e.facts)),
                e.facts_form,
                _json(dict(e.options)),
                e.outcome,
                _json(dict(e.record)),
                e.law_id,
                e.as_of,
                _json(list(e.reforms)),
                self._version,
                run_id,
            )
            for e in entries
        ]
        if not rows:
            return 0
        self._write(
            "INSERT INTO decisions (decision_id, logged_at, actor, command, kind, subject_id, "
            "facts, facts_form, options, outcome, record, law_id, as_of, reforms, "
            "tool_version, run_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        self._logged += len(rows)
        return len(rows)

    def writer(self, rows: int = COMMIT_ROWS) -> Batcher:
        """A buffer that appends every ``rows`` entries (and what is left on :meth:`flush`)."""
        return Batcher(self, rows)

    def entries(
        self,
        *,
        decision_id: str | None = None,
        since: str | None = None,
        until: str | None = None,
    ) -> Iterator[Entry]:
        """The logged decisions in the order they were logged (by ``seq``), optionally those
        with one decision id (or its prefix) or logged since/until a time (ISO 8601, UTC)."""
        where, args = [], []
        if decision_id:
            where.append("decision_id LIKE ? ESCAPE '\\'")
            escaped = decision_id.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            args.append(escaped + "%")
        if since:
            where.append("logged_at >= ?")
            args.append(since)
        if until:
            where.append("logged_at < ?")
            args.append(until)
        sql = f"SELECT {', '.join(COLUMNS)} FROM decisions"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY seq"
        import sqlite3

        try:
            cursor = self._db.execute(sql, args)
            for row in cursor:
                yield _entry(dict(zip(COLUMNS, row, strict=True)))
        except sqlite3.DatabaseError as exc:
            raise LogError(f"{self.path}: cannot be read ({exc})") from exc

    def integrity(self) -> str:
        """``PRAGMA integrity_check``: 'ok' for a sound database."""
        row = self._db.execute("PRAGMA integrity_check").fetchone()
        return str(row[0])


def _entry(row: dict[str, Any]) -> Entry:
    return Entry(
        decision_id=row["decision_id"],
        command=row["command"],
        kind=row["kind"],
        subject_id=row["subject_id"],
        facts=json.loads(row["facts"]),
        facts_form=row["facts_form"],
        options=json.loads(row["options"]),
        outcome=row["outcome"],
        record=json.loads(row["record"]),
        law_id=row["law_id"],
        as_of=row["as_of"],
        reforms=tuple(json.loads(row["reforms"])),
        seq=row["seq"],
        logged_at=row["logged_at"],
        actor=row["actor"],
        tool_version=row["tool_version"],
        run_id=row["run_id"],
    )


class Batcher:
    """Collects entries and appends them every ``rows`` (one transaction each)."""

    def __init__(self, log: AuditLog, rows: int) -> None:
        self.log, self.rows = log, max(1, rows)
        self._pending: list[Entry] = []

    def add(self, entry: Entry) -> None:
        self._pending.append(entry)
        if len(self._pending) >= self.rows:
            self.flush()

    def flush(self) -> None:
        if self._pending:
            self.log.append(self._pending)
            self._pending = []


# --- re-deciding --------------------------------------------------------------------------------


@attrs.frozen
class Difference:
    """A logged decision whose outcome differs when decided again."""

    entry: Entry
    outcome: str
    record: Mapping[str, Any]
    law_id: str
    as_of: str
    why: tuple[str, ...]


def _options_law(entry: Entry, law: Any) -> Any:
    """The law as the logged command shaped it (rule set, guidelines, exemptions chosen)."""
    options = entry.options
    if entry.kind == "item":
        from exportctl.corpus.rulesets import load_ruleset

        ruleset = options.get("ruleset")
        if ruleset:
            try:
                return law.with_ruleset(load_ruleset(ruleset))
            except KeyError as exc:
                raise Unverifiable(f"rule set {ruleset!r} is no longer bundled") from exc
        return law
    guidelines = options.get("guidelines")
    if guidelines:
        from pathlib import Path

        from exportctl.corpus.guidelines import (
            GuidelinesInvalid,
            apply_guidelines,
            load_guidelines,
        )

        path = Path(guidelines["file"])
        if not path.is_file():
            raise Unverifiable(f"the guidelines file {path} is gone")
        sha = hashlib.sha256(path.read_bytes()).hexdigest()
        if sha != guidelines.get("sha256"):
            raise Unverifiable(f"the guidelines file {path} has changed since (sha256 {sha})")
        try:
            law = apply_guidelines(law, load_guidelines(str(path), law))
        except GuidelinesInvalid as exc:
            raise Unverifiable(f"the guidelines file {path} no longer reads: {exc}") from exc
    only = options.get("exemptions") or ()
    if only:
        from exportctl.engine.exemptions import restricted

        try:
            law = restricted(law, tuple(only))
        except KeyError as exc:
            raise Unverifiable(f"exemptions {list(only)}: {exc}") from exc
    reform = options.get("reform")
    if reform:
        from exportctl.engine.agreements import AGREEMENT_REFORMS

        if reform not in AGREEMENT_REFORMS:
            raise Unverifiable(f"the agreement reform {reform!r} is no longer bundled")
        law = AGREEMENT_REFORMS[reform](law)
    return law


def decide_again(entry: Entry, law: Any) -> dict[str, Any]:
    """The record of the logged decision decided again under ``law`` (before the command's
    options are applied to it).  Raises :class:`Unverifiable` when it cannot be."""
    from exportctl.core.dated import OutsideCoverage
    from exportctl.core.facts import ContradictoryFacts, FactError

    law = _options_law(entry, law)
    facts = dict(entry.facts)
    try:
        if entry.kind == "item":
            from exportctl.engine.classify import classify
            from exportctl.inputs.items import facts_from_csv_row, facts_from_mapping

            parse = facts_from_csv_row if entry.facts_form == "csv" else facts_from_mapping
            item = parse(facts, law.ruleset)
            return _record(classify(item, law, law.ruleset))
        if entry.kind in ("transfer", "exemption"):
            from exportctl.engine.authorize import authorize
            from exportctl.inputs.transfers import transfer_from_csv_row, transfer_from_mapping

            read = transfer_from_csv_row if entry.facts_form == "csv" else transfer_from_mapping
            transfer = read(facts, law)
            ref = entry.options.get("exemption") if entry.kind == "exemption" else None
            if ref:
                from exportctl.engine.exemptions import decide

                return _record(decide(str(ref), transfer, law))
            return _record(authorize(transfer, law))
        if entry.kind == "agreement":
            from exportctl.engine.agreements import plan
            from exportctl.inputs.agreements import agreement_from_csv_row, agreement_from_mapping

            agree = agreement_from_csv_row if entry.facts_form == "csv" else agreement_from_mapping
            return _record(plan(agree(facts, law), law))
    except OutsideCoverage as exc:
        raise Unverifiable(f"the law cannot answer for its date: {exc}") from exc
    except (FactError, ContradictoryFacts, KeyError, ValueError) as exc:
        raise Unverifiable(f"its facts no longer read: {exc}") from exc
    raise Unverifiable(f"unknown kind {entry.kind!r}")


def _steps(record: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    """What ``why`` compares step by step: trace steps (items), or conditions and exemption
    statuses (transfers, exemptions, agreements)."""
    steps: list[tuple[str, str, str]] = []
    for s in record.get("trace") or ():
        steps.append((str(s.get("rule")), str(s.get("outcome")), str(s.get("detail", ""))))
    for p in record.get("proscribed") or ():
        steps.append((str(p.get("citation")), str(p.get("status")), str(p.get("detail", ""))))
    results = record.get("exemptions") or ([record] if "conditions" in record else [])
    for e in results:
        # an exemption's conditions before its status: the first difference is the condition
        for c in e.get("conditions") or e.get("requirements") or ():
            rule = f"{e.get('exemption')}: {c.get('paragraph') or c.get('citation')}"
            steps.append((rule, str(c.get("status")), str(c.get("detail", ""))))
        steps.append((f"{e.get('exemption')}", str(e.get("status")), "the exemption"))
    for i in record.get("items") or ():
        steps.append((str(i.get("rule")), str(i.get("status")), str(i.get("finding", ""))))
    return steps


def explain(old: Mapping[str, Any], new: Mapping[str, Any]) -> tuple[str, ...]:
    """Why two records differ: the first step that differs, and the rules fired on one side
    only."""
    why: list[str] = []
    a, b = _steps(old), _steps(new)
    for x, y in zip(a, b, strict=False):
        if x[:2] != y[:2]:
            why.append(
                f"first difference: logged {x[0]} → {x[1]}"
                + (f" ({x[2]})" if x[2] else "")
                + f"; now {y[0]} → {y[1]}"
                + (f" ({y[2]})" if y[2] else "")
            )
            break
    else:
        if len(a) != len(b):
            longer, which = (a, "logged") if len(a) > len(b) else (b, "now")
            step = longer[min(len(a), len(b))]
            why.append(f"a step only {which}: {step[0]} → {step[1]}")
    fired_a = list(old.get("rules_fired") or ())
    fired_b = list(new.get("rules_fired") or ())
    if fired_a or fired_b:
        gone = [r for r in fired_a if r not in fired_b]
        came = [r for r in fired_b if r not in fired_a]
        if gone:
            why.append("rules fired only when logged: " + ", ".join(gone))
        if came:
            why.append("rules fired only now: " + ", ".join(came))
    return tuple(why) or ("the outcome differs; every compared step is the same",)


def verify(
    entries: Iterable[Entry],
    law_on: Callable[[str], Any],
    on_unverifiable: Callable[[Entry, str], None] | None = None,
) -> Iterator[Difference]:
    """Decide every entry again under ``law_on(entry.as_of)`` (the caller chooses: the law now
    bundled for that date, the law on another date, a law with reforms) and yield those whose
    outcome differs.  An entry that cannot be decided again goes to ``on_unverifiable`` (or
    raises :class:`Unverifiable`)."""
    for entry in entries:
        try:
            law = law_on(entry.as_of)
            record = decide_again(entry, law)
        except Unverifiable as exc:
            if on_unverifiable is None:
                raise
            on_unverifiable(entry, str(exc))
            continue
        outcome = outcome_of(entry.kind, record)
        if outcome != outcome_of(entry.kind, entry.record):
            yield Difference(
                entry,
                outcome,
                record,
                str(record.get("law_id", "")),
                str(record.get("as_of", "")),
                explain(entry.record, record),
            )
