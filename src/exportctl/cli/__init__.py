"""The ``exportctl`` command: a thin click layer over the library (no rule logic here).

Every command takes ``--format table|json|csv`` and ``--as-of YYYY-MM-DD``; errors go to stderr
with a non-zero exit status and say what was wrong and what would be accepted.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import os
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from functools import wraps
from typing import Any, TypeVar

import click

from exportctl import __version__
from exportctl.cli.output import (
    FORMATS,
    CsvWriter,
    csv_cell,
    decision_record,
    json_text,
    key_values,
    render,
    table_cell,
    to_jsonable,
    trace_rows,
)
from exportctl.corpus.bundle import DataIntegrityError
from exportctl.corpus.countries import OutsideCoverage, UnknownCountry
from exportctl.corpus.law import Law
from exportctl.corpus.references import ReferenceSyntaxError, parse_eccn
from exportctl.corpus.regulations import Regulations, regulations
from exportctl.corpus.rulesets import Question, RuleSet, load_ruleset
from exportctl.corpus.usml import UnknownReference
from exportctl.engine import batch as screening
from exportctl.engine.classify import classify
from exportctl.engine.decision import Decision
from exportctl.inputs.items import ContradictoryFacts, FactError, ItemFacts, facts_from_mapping
from exportctl.inputs.readers import (
    InputFileError,
    Record,
    load_json_document,
    read_csv_rows,
    read_jsonl_rows,
    transfer_shape_error,
)

F = TypeVar("F", bound=Callable[..., Any])

EXIT_USAGE = 2
EXIT_NOT_FOUND = 3
EXIT_INPUT = screening.EXIT_ERRORS
EXIT_DATA = 5  # the bundled data failed verification against MANIFEST.json: nothing decided


class _Date(click.ParamType):  # type: ignore[type-arg,unused-ignore]
    name = "DATE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            self.fail(f"{value!r} is not a date; use YYYY-MM-DD, e.g. 2025-12-30", param, ctx)


def common_options(func: F) -> F:
    """--format and --as-of, shared by every look-up command."""
    func = click.option(
        "--as-of",
        "as_of",
        type=_Date(),
        default=None,
        help="Decide as of this date (YYYY-MM-DD); default today.",
    )(func)
    func = click.option(
        "--format",
        "fmt",
        type=click.Choice(FORMATS),
        default="table",
        show_default=True,
        help="Output for people (table) or machines (json, csv).",
    )(func)
    return func


def _fail(message: str, code: int) -> None:
    click.echo(f"exportctl: error: {table_cell(message)}", err=True)
    sys.exit(code)


def handles_errors(func: F) -> F:
    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except ReferenceSyntaxError as exc:
            _fail(str(exc), EXIT_USAGE)
        except (UnknownReference, UnknownCountry, KeyError) as exc:
            _fail(str(exc).strip("'\""), EXIT_NOT_FOUND)
        except OutsideCoverage as exc:
            _fail(str(exc), EXIT_NOT_FOUND)
        except FactError as exc:
            _fail(f"bad input: {exc}", EXIT_INPUT)
        except ContradictoryFacts as exc:
            _fail(str(exc), EXIT_INPUT)
        return None

    return wrapper  # type: ignore[return-value]


def _emit_record(record: dict[str, Any], fmt: str) -> None:
    """One record: a field/value table for people, one JSON object or one CSV row for machines."""
    if fmt == "table":
        click.echo(render(key_values(record.items()), "table", max_width=100))
    else:
        click.echo(render([record], fmt, document=record if fmt == "json" else None))


def _snapshot(as_of: dt.date | None) -> Regulations:
    regs = regulations(as_of)
    for w in regs.warnings:
        click.echo(f"exportctl: warning: {w}", err=True)
    return regs


class _Main(click.Group):
    """The command group: bundled data that fails verification ends any command cleanly."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except DataIntegrityError as exc:
            _fail(str(exc), EXIT_DATA)


@click.group(cls=_Main, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="exportctl")
def main() -> None:
    """U.S. export-control classification (ITAR/EAR) as cited, dated rules.

    Results support, and do not replace, an official determination by DDTC or BIS.
    """


# --- usml ------------------------------------------------------------------------------------
@main.group()
def usml() -> None:
    """Look up the U.S. Munitions List (22 CFR 121.1)."""


@usml.command("show")
@click.argument("ref")
@common_options
@handles_errors
def usml_show(ref: str, fmt: str, as_of: dt.date | None) -> None:
    """Show one USML paragraph, e.g. 'XI(a)(3)(xviii)' or 'Cat. IV(h)(1)'."""
    regs = _snapshot(as_of)
    p = regs.usml.get(ref)
    children = regs.usml.children_of(p.ref) if not p.range_end else ()
    record = {
        "reference": p.designation,
        "citation": p.citation,
        "text": p.text,
        "parent": str(p.parent),
        "significant_military_equipment": p.sme,
        "sme_asterisk_on": str(p.sme_from) if p.sme_from else None,
        "mt": (p.mt.designated + (f" ({p.mt.condition})" if p.mt.condition else ""))
        if p.mt
        else None,
        "mt_annotation_on": str(p.mt_from) if p.mt_from else None,
        "reserved": p.reserved,
        "specially_designed_control": p.specially_designed_control,
        "specially_designed_scope": p.specially_designed_scope,
        "catch_all": p.is_catch_all,
        "children": [str(c.designation) for c in children],
        "notes": [f"{n.heading}: {n.text}" for n in p.notes],
        "law_id": regs.id,
        "as_of": regs.as_of,
    }
    _emit_record(record, fmt)


@usml.command("search")
@click.argument("text")
@click.option("--limit", type=click.IntRange(1, 200), default=10, show_default=True)
@common_options
@handles_errors
def usml_search(text: str, limit: int, fmt: str, as_of: dt.date | None) -> None:
    """Rank USML paragraphs by how well their text matches TEXT."""
    regs = _snapshot(as_of)
    hits = regs.usml.search(text, limit=limit)
    rows = [
        {
            "reference": h.paragraph.designation,
            "score": h.score,
            "sme": h.paragraph.sme,
            "text": h.paragraph.text,
        }
        for h in hits
    ]
    if not rows:
        click.echo(f"exportctl: no USML paragraph matches {text!r}", err=True)
    click.echo(render(rows, fmt, ["reference", "score", "sme", "text"]))


# --- eccn ------------------------------------------------------------------------------------
@main.group()
def eccn() -> None:
    """Look up the Commerce Control List (15 CFR part 774, Supp. No. 1)."""


@eccn.command("show")
@click.argument("ref")
@common_options
@handles_errors
def eccn_show(ref: str, fmt: str, as_of: dt.date | None) -> None:
    """Show one ECCN, e.g. '9A610', or one of its item paragraphs, e.g. '3A001.a.1'."""
    regs = _snapshot(as_of)
    parsed = parse_eccn(ref)
    e = regs.ccl.get(parsed)
    item = e.item(parsed) if parsed.path else None
    record = {
        "eccn": e.eccn,
        "citation": e.citation,
        "heading": e.heading,
        "item": str(item.ref) if item else None,
        "item_text": item.text if item else None,
        "reasons_for_control": list(e.reasons_for_control),
        "country_chart_columns": list(e.country_chart_columns),
        "600_series": e.is_600_series,
        "9x515": e.is_9x515,
        "items": len(e.items),
        "edition": e.heading_edition,
        "items_edition": e.items_edition,
        "law_id": regs.id,
        "as_of": regs.as_of,
    }
    _emit_record(record, fmt)


# --- etl -------------------------------------------------------------------------------------
@main.group()
def etl() -> None:
    """The Excluded Technology List of the AUKUS exemption (22 CFR part 126, Supp. No. 2)."""


@etl.command("list")
@common_options
@handles_errors
def etl_list(fmt: str, as_of: dt.date | None) -> None:
    """List the ETL rows with their expanded USML references and what they turn on."""
    regs = _snapshot(as_of)
    rows = [
        {
            "row": r.row,
            "usml": r.usml_column,
            "references": [str(u) for u in r.usml_refs],
            "turns_on": list(r.condition_kinds),
            "text": r.text,
        }
        for r in regs.etl.rows
    ]
    if fmt == "json":
        click.echo(render(rows, fmt, document=to_jsonable(regs.etl.rows)))
    else:
        click.echo(render(rows, fmt, ["row", "usml", "turns_on", "text"], max_width=60))


# --- country ---------------------------------------------------------------------------------
@main.group()
def country() -> None:
    """Countries: memberships on a date, § 126.1 status, EAR groups and chart."""


@country.command("show")
@click.argument("code")
@common_options
@handles_errors
def country_show(code: str, fmt: str, as_of: dt.date | None) -> None:
    """Show one country by ISO 3166-1 alpha-2 code (e.g. GB) or name."""
    regs = _snapshot(as_of)
    p = regs.country(code)
    record = {
        "iso2": p.country.iso2,
        "name": p.country.name,
        "ear_name": p.country.ear_name,
        "as_of": p.as_of,
        "memberships": list(p.memberships),
        "nato_since": p.nato_since,
        "itar_126_1": f"{p.itar_126_1.status} ({p.itar_126_1.citation})"
        + (f": {p.itar_126_1.detail}" if p.itar_126_1.detail else ""),
        "ear_country_groups": list(p.ear_country_groups),
        "country_chart_marks": list(p.country_chart_marks),
        "country_chart_footnotes": list(p.country_chart_footnotes),
        "warnings": list(p.warnings),
        "law_id": regs.id,
    }
    _emit_record(record, fmt)


# --- classify ----------------------------------------------------------------------------------
def _ruleset_option(func: F) -> F:
    return click.option(
        "--ruleset",
        "ruleset_id",
        default=None,
        help="Decide under this bundled rule set (default: today's rules, 'baseline').",
    )(func)


def _emit_decision(decision: Decision, fmt: str, explain: bool) -> None:
    if fmt == "json":
        click.echo(render([], "json", document=decision_record(decision)))
        return
    record = {
        "item_id": decision.item_id,
        "decision": decision.summary,
        "jurisdiction": decision.jurisdiction,
        "classification": decision.classification.reference if decision.classification else None,
        "citation": decision.classification.citation if decision.classification else None,
        "open_questions": [f"{q.id}: {q.text} [{q.citation}]" for q in decision.open_questions],
        "rules_fired": list(decision.rules_fired),
        "as_of": decision.as_of,
        "law_id": decision.law_id,
        "ruleset": decision.ruleset,
        "decision_id": decision.decision_id,
        "warnings": list(decision.warnings),
    }
    if fmt == "csv":
        click.echo(render([record], "csv"))
        return
    click.echo(render(key_values(record.items()), "table", max_width=100))
    if explain:
        click.echo("")
        click.echo(render(trace_rows(decision), "table", max_width=60))


_ANSWER_HELP = {
    "bool": "yes / no (blank: I don't know)",
    "usml_refs": "USML paragraphs separated by ';', or 'none'",
    "eccn_refs": "ECCN paragraphs separated by ';', or 'none'",
    "item_kind": "one of the kinds listed",
    "jurisdiction": "ITAR, EAR, or none (blank: none)",
    "classification": "an ECCN, EAR99, or blank (blank: none)",
    "cj_classification": "a USML paragraph, an ECCN or EAR99, or blank",
    "text": "free text, or blank",
}


def _ask(question: Question, rules: RuleSet) -> str:
    click.echo("", err=True)
    click.echo(f"{question.text}", err=True)
    click.echo(f"  [{question.citation}]", err=True)
    if question.type == "item_kind":
        click.echo("  kinds: " + ", ".join(rules.item_kinds), err=True)
    answer: str = click.prompt(
        f"  {question.id} ({_ANSWER_HELP.get(question.type, '')})",
        default="",
        show_default=False,
        err=True,
    )
    return answer


@main.command("classify")
@click.option(
    "--facts",
    "facts_file",
    type=click.File("rb"),
    default=None,
    help="Decide the item described by this JSON facts file, without questions.",
)
@click.option("--explain", is_flag=True, help="Print the trace: every step with its citation.")
@click.option(
    "--item-id",
    default="item-1",
    show_default=True,
    help="Identifier of the item (interactive mode).",
)
@_ruleset_option
@common_options
@handles_errors
def classify_command(
    facts_file: Any,
    explain: bool,
    item_id: str,
    ruleset_id: str | None,
    fmt: str,
    as_of: dt.date | None,
) -> None:
    """Classify one item: jurisdiction (ITAR/EAR), USML paragraph or ECCN, and why.

    Without --facts it first asks for a commodity jurisdiction (CJ) determination or a CCATS
    (a blank answer: there is none), then, one at a time, only the questions the order of
    review needs next, showing the citation with each.  Exit status: 0 decided, 1 questions
    left open, 4 bad or contradictory facts, 5 bundled data that fails verification.
    """
    regs = _snapshot(as_of)
    rules = load_ruleset(ruleset_id)
    if facts_file is not None:
        raw = load_json_document(facts_file, "facts", _name(facts_file))
        facts = facts_from_mapping(raw, rules)
        decision = classify(facts, regs, rules)
    else:
        facts = _ask_determinations(ItemFacts(item_id=item_id), regs, rules)
        skipped: set[str] = set()
        while True:
            decision = classify(facts, regs, rules)
            pending = [q for q in decision.open_questions if q.id not in skipped]
            if not pending:
                break
            question = pending[0]
            answer = _ask(question, rules)
            if not answer.strip():
                skipped.add(question.id)
                continue
            try:
                facts = _with_answer(facts, question, answer, rules, regs)
            except FactError as exc:
                click.echo(f"  not accepted: {exc.reason}", err=True)
    _emit_decision(decision, fmt, explain)
    sys.exit(0 if decision.decided and not decision.open_questions else 1)


#: Asked first, before the order of review: a CJ decides jurisdiction (22 CFR 120.4), a CJ or
#: a CCATS (15 CFR 748.3(e)) that names an ECCN or EAR99 decides the classification.  A blank
#: answer means "there is none" (docs/facts.md), as a blank field does in a facts file.
_DETERMINATIONS = ("cj_jurisdiction", "cj_classification", "cj_reference", "ccats_classification")


def _ask_determinations(facts: ItemFacts, regs: Regulations, rules: RuleSet) -> ItemFacts:
    """Ask for a CJ (and what it names) or else a CCATS, before any other question."""
    for qid in _DETERMINATIONS:
        if qid not in rules.questions:
            continue
        if qid in ("cj_classification", "cj_reference") and facts.cj_jurisdiction is None:
            continue
        if qid == "ccats_classification" and (
            facts.cj_jurisdiction == "ITAR" or facts.cj_classification is not None
        ):
            continue
        question = rules.question(qid)
        while True:
            answer = _ask(question, rules)
            if not answer.strip():
                break
            try:
                facts = _with_answer(facts, question, answer, rules, regs)
                break
            except FactError as exc:
                click.echo(f"  not accepted: {exc.reason}", err=True)
    return facts


def _with_answer(
    facts: ItemFacts, question: Question, answer: str, rules: RuleSet, regs: Regulations
) -> ItemFacts:
    """The facts plus one answer, parsed the way the facts file would parse it."""
    raw = {k: v for k, v in to_jsonable(facts).items() if v not in (None, "", {})}
    answers = dict(raw.pop("answers", {}) or {})
    if question.type == "bool":
        answers[question.id] = answer
    else:
        raw[question.id] = answer
    updated = facts_from_mapping({**raw, "answers": answers}, rules)
    classify(updated, regs, rules)  # surface contradictions now, as an input error
    return updated


# --- screen ------------------------------------------------------------------------------------
_SCREEN_FORMATS = ("table", "csv", "jsonl")


def batch_options(func: F) -> F:
    """The options every batch command shares: formats, date, quiet, exit-zero."""
    for option in reversed(
        (
            click.option(
                "--format",
                "fmt",
                type=click.Choice(_SCREEN_FORMATS),
                default="table",
                show_default=True,
                help="Output: a table for people, CSV or JSON lines for machines.",
            ),
            click.option(
                "--input-format",
                type=click.Choice(["auto", "csv", "jsonl"]),
                default="auto",
                show_default=True,
                help="How FILE is written (auto: by its extension).",
            ),
            click.option(
                "--as-of",
                "as_of",
                type=_Date(),
                default=None,
                help="Decide as of this date (YYYY-MM-DD); default today.",
            ),
            click.option("--quiet", is_flag=True, help="No summary or progress on stderr."),
            click.option(
                "--exit-zero",
                is_flag=True,
                help="Exit 0 whatever the outcome (report only, e.g. for a demo).",
            ),
        )
    ):
        func = option(func)
    return func


@main.command("screen")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, allow_dash=True))
@batch_options
@_ruleset_option
def screen_command(
    file: str,
    fmt: str,
    input_format: str,
    as_of: dt.date | None,
    quiet: bool,
    exit_zero: bool,
    ruleset_id: str | None,
) -> None:
    """Screen a parts list (CSV or JSON lines): one output row per input row, in order.

    Rows with bad input are reported as errors naming the field; the other rows are still
    decided.  A summary (counts by outcome) goes to stderr.  Exit status: 0 every row
    classified, 1 some rows undetermined or with questions open, 4 some rows had input errors.
    """
    regs = _snapshot(as_of) if not quiet else regulations(as_of)
    try:
        rules = load_ruleset(ruleset_id)
    except KeyError as exc:
        _fail(str(exc).strip("'\""), EXIT_USAGE)
    kind = input_format
    if kind == "auto":
        kind = "jsonl" if file.endswith((".jsonl", ".ndjson", ".json")) else "csv"
    summary = screening.Summary()
    with _open_input(file) as fh, _with_progress(fh, file, quiet) as source:
        records = _read_records(source, file, kind, "item_id")
        results = screening.screen(records, regs, rules, csv_form=kind == "csv")
        _write_results(results, fmt, summary)
    if not quiet:
        click.echo(f"exportctl: {summary.line()}", err=True)
    sys.exit(0 if exit_zero else screening.exit_status(summary))


def _open_input(path: str) -> Any:
    """The input file (or stdin for '-') as bytes: the readers decode it (see readers.py)."""
    if path == "-":
        return click.open_file("-", "rb")
    return open(path, "rb")


def _read_records(source: Any, path: str, kind: str, id_column: str) -> Iterator[Record]:
    """The file's records; a problem with the whole file ends the command here (exit 4).

    The first record is read before anything is written, so a file-level error (an empty file,
    a header without records, a repeated or missing column) leaves stdout empty.
    """
    if kind == "csv":
        records = read_csv_rows(source, id_column=id_column)
    else:
        records = read_jsonl_rows(source, id_field=id_column)
    try:
        first = next(records)
    except InputFileError as exc:
        _fail(f"{'stdin' if path == '-' else path}: {exc}", EXIT_INPUT)
    return itertools.chain([first], records)


class _Progress:
    """A binary stream that moves a progress bar as it is read."""

    def __init__(self, stream: Any, bar: Any) -> None:
        self._stream = stream
        self._bar = bar

    def read(self, size: int = -1) -> bytes:
        data: bytes = self._stream.read(size)
        self._bar.update(len(data))
        return data


@contextlib.contextmanager
def _with_progress(fh: Any, path: str, quiet: bool) -> Iterator[Any]:
    """The input, with a progress bar on stderr for long inputs read from a terminal."""
    stderr = sys.stderr
    if quiet or path == "-" or not stderr.isatty() or os.path.getsize(path) < 1_000_000:
        yield fh
        return
    with click.progressbar(length=os.path.getsize(path), label="reading", file=stderr) as bar:
        yield _Progress(fh, bar)


def _write_results(results: Any, fmt: str, summary: screening.Summary) -> None:
    columns = list(screening.RESULT_COLUMNS)
    block: list[dict[str, Any]] = []
    out = sys.stdout
    writer = CsvWriter(out)
    if fmt == "csv":
        writer.writerow(columns)
    for result in results:
        summary.add(result)
        row = screening.result_row(result)
        if fmt == "jsonl":
            if result.decision is not None:
                row["decision"] = decision_record(result.decision)
            out.write(json_text(row) + "\n")
        elif fmt == "csv":
            writer.writerow([csv_cell(row[c]) for c in columns])
        else:
            block.append(row)
            if len(block) >= 200:
                out.write(render(block, "table", _TABLE_COLUMNS, max_width=40) + "\n")
                block = []
    if fmt == "table" and (block or summary.rows == 0):
        out.write(render(block, "table", _TABLE_COLUMNS, max_width=40) + "\n")


_AUTHORIZE_TABLE = (
    "row",
    "transfer_id",
    "outcome",
    "exemption",
    "aukus_126_7",
    "canada_126_5",
    "etl_rows",
    "open_questions",
    "error",
)
_TABLE_COLUMNS = (
    "row",
    "item_id",
    "status",
    "jurisdiction",
    "classification",
    "sme",
    "mt",
    "open_questions",
    "error",
)


# --- AUKUS / exemptions -------------------------------------------------------------------------
def _emit_exemption(result: Any, fmt: str, explain: bool, header: dict[str, Any]) -> None:
    """An exemption result (or an authorization) for people or machines."""
    if fmt == "json":
        click.echo(render([], "json", document={**header, **to_jsonable(result)}))
        return
    record = {**header}
    if hasattr(result, "exemptions"):
        record.update(
            {
                "outcome": result.outcome,
                "exemption": f"22 CFR {result.exemption}" if result.exemption else None,
                "proscribed": [p.detail for p in result.proscribed],
                "exemptions": [
                    f"{e.citation}: {e.status}" + (f" ({e.version})" if e.version else "")
                    for e in result.exemptions
                ],
                "open_questions": [
                    f"{q.id}: {q.text} [{q.citation}]" for q in result.open_questions
                ],
            }
        )
        results = result.exemptions
    else:
        record.update(
            {
                "exemption": result.citation,
                "version": result.version,
                "status": result.status,
                "etl_rows_matched": list(result.excluded_rows),
                "open_questions": [
                    f"{q.id}: {q.text} [{q.citation}]" for q in result.open_questions
                ],
                "note": result.note,
            }
        )
        results = (result,)
    if fmt == "csv":
        click.echo(render([record], "csv"))
        return
    click.echo(render(key_values(record.items()), "table", max_width=100))
    if explain:
        rows = [
            {
                "exemption": e.citation,
                "requirement": r.id,
                "status": r.status,
                "facts": ", ".join(f"{k}={v}" for k, v in r.facts.items()),
                "why": r.detail,
            }
            for e in results
            for r in e.requirements
        ]
        rows += [
            {
                "exemption": "22 CFR 126.1",
                "requirement": p.id,
                "status": p.status,
                "facts": str(p.facts),
                "why": p.detail,
            }
            for p in getattr(result, "proscribed", ())
        ]
        click.echo("")
        click.echo(render(rows, "table", max_width=50))


def _name(file: Any) -> str:
    name = getattr(file, "name", "")
    return name if isinstance(name, str) else ""


def _load_transfer(file: Any, law: Law) -> Any:
    from exportctl.inputs.transfers import transfer_from_mapping

    raw = load_json_document(file, "transfer", _name(file))
    shape = transfer_shape_error(raw)
    if shape is not None:
        raise shape
    return transfer_from_mapping(raw, law)


@main.group()
def aukus() -> None:
    """The AUKUS exemption, 22 CFR 126.7, with the Excluded Technology List."""


@aukus.command("check")
@click.argument("file", type=click.File("rb"))
@click.option("--explain", is_flag=True, help="Print every requirement with its citation.")
@common_options
@handles_errors
def aukus_check(file: Any, explain: bool, fmt: str, as_of: dt.date | None) -> None:
    """Can this transfer (a JSON file) go license-free under § 126.7 — and if not, why not?

    § 126.1 is checked first.  Exit status: 0 eligible, 1 undetermined, 3 not eligible or
    prohibited, 4 bad input.
    """
    from exportctl.engine.authorize import check_aukus_after_126_1

    regs = _snapshot(as_of)
    transfer = _load_transfer(file, regs)
    denied, result = check_aukus_after_126_1(transfer, regs)
    header = {
        "transfer_id": transfer.transfer_id,
        "as_of": regs.as_of,
        "law_id": regs.id,
    }
    if result is None:
        header["proscribed_126_1"] = [p.detail for p in denied]
        click.echo(
            render(key_values(header.items()), "table")
            if fmt == "table"
            else render([], "json", document=to_jsonable(header))
            if fmt == "json"
            else render([header], "csv")
        )
        sys.exit(EXIT_NOT_FOUND)
    _emit_exemption(result, fmt, explain, header)
    sys.exit({"eligible": 0, "undetermined": 1}.get(result.status, EXIT_NOT_FOUND))


@etl.command("check")
@click.argument("ref")
@click.option(
    "--kind",
    "transfer_kind",
    type=click.Choice(["article", "technical_data", "defense_service"]),
    default="article",
    show_default=True,
    help="What is transferred.",
)
@click.option(
    "--fact",
    "facts",
    multiple=True,
    metavar="NAME=VALUE",
    help="A fact the rows read, e.g. --fact classified=yes (repeatable).",
)
@click.option(
    "--related-to",
    default=None,
    help="For technical data or services: USML paragraphs of the related articles.",
)
@click.option(
    "--specially-designed-for",
    default=None,
    help="USML paragraphs the article is specially designed for ('none' if none).",
)
@common_options
@handles_errors
def etl_check(
    ref: str,
    transfer_kind: str,
    facts: tuple[str, ...],
    related_to: str | None,
    specially_designed_for: str | None,
    fmt: str,
    as_of: dt.date | None,
) -> None:
    """Which ETL rows catch an article of USML paragraph REF with these attributes?

    Exit status: 0 no row catches it, 1 a row may catch it (facts open), 3 a row catches it.
    """
    from exportctl.engine.exclusions import match_rows
    from exportctl.inputs.transfers import transfer_from_mapping

    regs = _snapshot(as_of)
    regs.usml.get(ref)
    answers: dict[str, str] = {}
    for item in facts:
        name, sep, value = item.partition("=")
        if not sep:
            raise FactError("--fact", f"{item!r} is not NAME=VALUE")
        answers[name.strip()] = value.strip()
    transfer = transfer_from_mapping(
        {
            "transfer_id": "etl-check",
            "transfer_kind": transfer_kind,
            "usml_classification": ref,
            "related_to": related_to,
            "specially_designed_for": specially_designed_for,
            "answers": answers,
        },
        regs,
    )
    matches = match_rows(regs.etl, transfer, regs.usml)
    rows = [
        {
            "row": m.row.row,
            "caught": {True: "yes", False: "no", None: "open"}[m.caught],
            "needs": list(m.missing),
            "why": m.detail,
            "text": m.row.text,
        }
        for m in matches
        if m.caught is not False or fmt != "table"
    ]
    if fmt == "table" and not rows:
        click.echo(f"no ETL row catches {ref} with these facts")
    else:
        click.echo(render(rows, fmt, ["row", "caught", "needs", "why", "text"], max_width=50))
    caught = {m.caught for m in matches}
    sys.exit(EXIT_NOT_FOUND if True in caught else 1 if None in caught else 0)


@main.command("authorize")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, allow_dash=True))
@batch_options
def authorize_command(
    file: str, fmt: str, input_format: str, as_of: dt.date | None, quiet: bool, exit_zero: bool
) -> None:
    """For each transfer (CSV or JSON lines): which exemption (§ 126.7, § 126.5) is available,
    or that a license is needed, or that § 126.1 prohibits it — one output row per input row.

    Exit status: 0 every transfer decided, 1 some undetermined, 4 some rows had input errors.
    """
    regs = _snapshot(as_of) if not quiet else regulations(as_of)
    kind = input_format
    if kind == "auto":
        kind = "jsonl" if file.endswith((".jsonl", ".ndjson", ".json")) else "csv"
    counts: Counter[str] = Counter()
    columns = list(screening.AUTHORIZE_COLUMNS)
    out = sys.stdout
    writer = CsvWriter(out)
    block: list[dict[str, Any]] = []
    with _open_input(file) as fh, _with_progress(fh, file, quiet) as source:
        records = _read_records(source, file, kind, "transfer_id")
        if fmt == "csv":
            writer.writerow(columns)
        for result in screening.authorize_transfers(records, regs, csv_form=kind == "csv"):
            counts[result.status] += 1
            row = screening.authorize_row(result)
            if fmt == "jsonl":
                if result.authorization is not None:
                    row["authorization"] = result.authorization.to_dict()
                out.write(json_text(row) + "\n")
            elif fmt == "csv":
                writer.writerow([csv_cell(row[c]) for c in columns])
            else:
                block.append(row)
                if len(block) >= 200:
                    click.echo(render(block, "table", _AUTHORIZE_TABLE, max_width=40))
                    block = []
    if fmt == "table" and (block or not counts):
        click.echo(render(block, "table", _AUTHORIZE_TABLE, max_width=40))
    if not quiet:
        parts = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
        click.echo(f"exportctl: authorized {sum(counts.values())} transfers: {parts}", err=True)
    sys.exit(0 if exit_zero else screening.authorize_exit_status(counts))


if __name__ == "__main__":  # pragma: no cover
    main()
