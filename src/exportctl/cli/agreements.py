"""``exportctl agreement plan``: plan a TAA, MLA or WDA under 22 CFR part 124 (one JSON file, or
a CSV / JSON lines batch with one plan row per input row), optionally under the "NATO Alliance"
reform or with today's rules and the reform side by side."""

from __future__ import annotations

import datetime as dt
import sys
from collections import Counter
from typing import Any

import attrs
import click

from exportctl.cli.base import (
    EXIT_INPUT,
    EXIT_NO,
    EXIT_OK,
    EXIT_OPEN,
    EXIT_USAGE,
    Date,
    column_options,
    decision_log,
    fail,
    handles_errors,
    log_options,
    main,
    requested_columns,
    warn,
    with_log,
)
from exportctl.cli.batch import BatchLayout, open_input, read_records, with_progress, write_results
from exportctl.cli.output import json_text, key_values, render
from exportctl.corpus.law import Law, law
from exportctl.engine.agreements import (
    AGREEMENT_REFORMS,
    PLAN_COLUMNS,
    AgreementPlan,
    Comparison,
    PlanResult,
    compare,
    plan,
    plan_records,
    plan_row,
)
from exportctl.engine.batch import record_stamp
from exportctl.inputs.agreements import agreement_from_mapping
from exportctl.inputs.items import FactError
from exportctl.inputs.readers import load_json_document

_TABLE_COLUMNS = (
    "row",
    "agreement_id",
    "status",
    "kind",
    "amendments",
    "certifications",
    "proscribed",
    "open_questions",
    "reform_amendments",
    "error",
)

PLAN_LAYOUT = BatchLayout(
    columns=PLAN_COLUMNS,
    table_columns=_TABLE_COLUMNS,
    row_of=plan_row,
    record_key="plan",
    record_of=lambda r: (
        r.comparison.to_dict()
        if r.comparison is not None
        else r.plan.to_dict()
        if r.plan is not None
        else None
    ),
)

_EXIT = {"complete": EXIT_OK, "incomplete": EXIT_OPEN, "not_approvable": EXIT_NO}


@main.group("agreement")
def agreement_group() -> None:
    """Agreements under 22 CFR part 124: technical assistance (TAA), manufacturing license (MLA),
    warehousing and distribution (WDA)."""


def _read_text(path: str | None, what: str) -> str | None:
    if path is None:
        return None
    data = open(path, "rb").read()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FactError(
            what, f"{path} is not valid UTF-8 ({exc.reason} at byte {exc.start})"
        ) from None


@agreement_group.command("plan")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, allow_dash=True))
@click.option(
    "--as-of",
    "as_of",
    type=Date(),
    default=None,
    help="Plan as of this date (YYYY-MM-DD); default today.",
)
@click.option(
    "--text",
    "draft",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    help="A draft agreement (text) to check for each required clause.",
)
@click.option(
    "--letter",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    help="A draft transmittal letter (text) to check for each required statement.",
)
@click.option(
    "--reform",
    type=click.Choice(sorted(AGREEMENT_REFORMS)),
    default=None,
    help="Plan under a reform of the agreement rules (an illustrative scenario).",
)
@click.option(
    "--compare",
    "comparing",
    is_flag=True,
    help="Today's rules and the reform (default nato-alliance) side by side.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "csv", "jsonl"]),
    default="table",
    show_default=True,
    help="Output for people (table) or machines (json, csv; jsonl for batches).",
)
@click.option(
    "--input-format",
    type=click.Choice(["auto", "json", "csv", "jsonl"]),
    default="auto",
    show_default=True,
    help="How FILE is written (auto: by its extension; .json is one agreement).",
)
@click.option(
    "--quiet",
    is_flag=True,
    help="No warnings or summary on stderr (but the warning that the data is older than the "
    "date asked).",
)
@click.option("--exit-zero", is_flag=True, help="Exit 0 whatever the outcome (report only).")
@column_options
@log_options
@handles_errors
def plan_command(
    file: str,
    as_of: dt.date | None,
    draft: str | None,
    letter: str | None,
    reform: str | None,
    comparing: bool,
    fmt: str,
    input_format: str,
    quiet: bool,
    exit_zero: bool,
) -> None:
    """Plan the agreement in FILE: parties and the signatures each document needs, the
    territory as it must be written, the clause and statement checklist, certifications and
    waiting periods, filings and deadlines, warnings, and the amendments it will need over its
    term.  A CSV or JSON lines FILE is a batch: one plan row per input row.

    A batch's records carry as_of, law_id and reforms (a table shows them in a footer).
    Exit status (docs/cli.md): 0 complete plan (and every required statement in the drafts
    given), 1 facts still open (or a draft missing or altering a statement), 6 not approvable
    (22 CFR 126.1, or a condition the agreement breaks), 4 bad input.
    """
    today = law(as_of)
    reformed = AGREEMENT_REFORMS[reform](today) if reform else None
    kind = input_format
    if kind == "auto":
        kind = (
            "csv"
            if file.endswith(".csv")
            else "jsonl"
            if file.endswith((".jsonl", ".ndjson"))
            else "json"
        )
    if kind == "json":
        if requested_columns():
            fail(
                "--map, --map-file and --ignore-columns read a batch (CSV or JSON lines)",
                EXIT_USAGE,
            )
        _single(file, today, reformed, comparing, fmt, draft, letter, quiet, exit_zero)
        return
    if draft or letter:
        fail(
            "--text and --letter check one agreement's drafts: give a JSON file, not a batch",
            EXIT_USAGE,
        )
    out_fmt = "jsonl" if fmt == "json" else fmt
    counts: Counter[str] = Counter()
    warn(today.warnings, quiet=quiet)
    planned = today if comparing or reformed is None else reformed
    compared = reformed
    if comparing and reformed is None:
        compared = AGREEMENT_REFORMS["nato-alliance"](today)
    stamp = record_stamp(planned)
    if comparing and compared is not None:
        # Today's law and the reform side by side: the reform compared is named too.
        stamp = (*stamp[:2], ("reforms", tuple(compared.reforms)))
    layout = attrs.evolve(PLAN_LAYOUT, stamp=stamp)
    with (
        decision_log("agreement plan") as log,
        open_input(file) as fh,
        with_progress(fh, file, quiet) as source,
    ):
        records = read_records(source, file, kind, "agreement_id")
        if log is not None:
            records = log.keep(records)
        results = plan_records(
            records, today, csv_form=kind == "csv", reform=reformed, comparing=comparing
        )
        count = with_log(log, lambda r: counts.update([r.status]), _plan_entry(kind))
        write_results(results, out_fmt, layout, count)
    if not quiet:
        parts = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
        click.echo(f"exportctl: planned {sum(counts.values())} agreements: {parts}", err=True)
    if exit_zero:
        sys.exit(0)
    sys.exit(
        EXIT_INPUT
        if counts["error"]
        else EXIT_NO
        if counts["not_approvable"]
        else EXIT_OPEN
        if counts["incomplete"]
        else EXIT_OK
    )


def _single(
    file: str,
    today: Law,
    reformed: Law | None,
    comparing: bool,
    fmt: str,
    draft: str | None,
    letter: str | None,
    quiet: bool,
    exit_zero: bool,
) -> None:
    with open_input(file) as fh:
        raw = load_json_document(fh, "agreement", "" if file == "-" else file)
    agreement = agreement_from_mapping(raw, today)
    drafts = {
        k: v
        for k, v in (
            ("agreement", _read_text(draft, "--text")),
            ("transmittal_letter", _read_text(letter, "--letter")),
        )
        if v is not None
    }
    if comparing:
        other = reformed if reformed is not None else AGREEMENT_REFORMS["nato-alliance"](today)
        comparison = compare(agreement, today, other, drafts=drafts)
        _emit_comparison(comparison, fmt)
        result = comparison.today
    else:
        result = plan(agreement, reformed or today, drafts=drafts)
        _emit_plan(result, fmt)
    with decision_log("agreement plan") as log:
        if log is not None:
            log.add(_plan_entry("json")(attrs.evolve(_NO_RESULT, plan=result), raw))
    if fmt != "table":  # a table lists the plan's warnings itself
        warn(result.warnings, quiet=quiet)
    code = _EXIT[result.status]
    if code == 0 and result.draft_problems:
        code = 1
    sys.exit(0 if exit_zero else code)


_NO_RESULT = PlanResult(0, None, "")


def _plan_entry(kind: str) -> Any:
    """The audit-log entry of a plan (--log): the plan (today's, when compared) and its input.
    Drafts checked with --text/--letter are not part of the logged facts."""
    from exportctl.audit import entry_for_agreement

    def entry(result: PlanResult, facts: dict[str, Any]) -> Any:
        if result.plan is None:
            return None
        return entry_for_agreement(
            result.plan,
            facts,
            command="agreement plan",
            facts_form="csv" if kind == "csv" else "json",
            reform=next(
                (
                    name
                    for name in AGREEMENT_REFORMS
                    for r in result.plan.reforms
                    if r == name or r.startswith(f"reform {name} ")
                ),
                None,
            ),
        )

    return entry


# --- output -------------------------------------------------------------------------------------
def _items_table(rows: list[dict[str, Any]], columns: list[str], width: int = 70) -> str:
    return render(rows, "table", columns, max_width=width)


def _section(title: str, body: str) -> None:
    click.echo("")
    click.echo(f"== {title}")
    click.echo(body)


def _item_rows(
    p: AgreementPlan, types: tuple[str, ...], documents: tuple[str, ...] | None = None
) -> list[dict[str, Any]]:
    out = []
    for i in p.items:
        if i.type not in types or i.status == "not_required":
            continue
        if documents is not None and (i.document or "") not in documents:
            continue
        out.append(
            {
                "paragraph": i.rule,
                "status": i.status + (" (DDTC guidance)" if i.authority == "ddtc_guidance" else ""),
                "due": i.due,
                "draft": i.draft,
                "what": i.draft_detail
                if i.draft in ("missing", "altered", "not_checked")
                else i.detail or (i.statement or i.quote),
                "needs": list(i.missing),
            }
        )
    return out


def _emit_plan(p: AgreementPlan, fmt: str) -> None:
    if fmt == "json":
        click.echo(json_text(p.to_dict(), indent=2))
        return
    if fmt in ("csv", "jsonl"):
        row = plan_row(PlanResult(1, p.agreement_id, p.status, p))
        if fmt == "jsonl":
            click.echo(json_text({**row, "plan": p.to_dict()}))
        else:
            click.echo(render([row], "csv", PLAN_COLUMNS))
        return
    header = {
        "agreement_id": p.agreement_id,
        "kind": p.kind,
        "status": p.status,
        "as_of": p.as_of,
        "law_id": p.law_id,
        "reforms": list(p.reforms) or None,
        "plan_id": p.plan_id,
        "derived": [f"{k}: {v}" for k, v in p.derived.items()] or None,
    }
    click.echo(render(key_values(header.items()), "table", max_width=100))
    _section(
        "Parties and signatures",
        _items_table(
            [
                {
                    "document": s.document,
                    "signer": s.party,
                    "paragraph": s.citation,
                    "status": s.status
                    + (" (DDTC guidance)" if s.authority == "ddtc_guidance" else ""),
                    "or": s.alternative,
                }
                for s in p.signatures
            ]
            or [{"document": "-", "signer": "no signature rule applies yet"}],
            ["document", "signer", "paragraph", "status", "or"],
        ),
    )
    if p.territory is not None:
        _section(
            f"Territory (22 CFR 124.7(a)(4)): {p.territory.detail}",
            "; ".join(p.territory.written),
        )
    amendments = [
        {"date": m.date, "country": m.country_name, "paragraph": m.citation, "why": m.why}
        for m in p.amendments
    ] + [
        {"date": "", "country": "", "paragraph": "", "why": c} for c in p.covered_without_amendment
    ]
    _section(
        "Amendments over the term",
        _items_table(amendments, ["date", "country", "paragraph", "why"], 90)
        if amendments
        else "none",
    )
    columns = ["paragraph", "status", "draft", "what", "needs"]
    for title, types, docs in (
        ("Information the agreement must include", ("information",), ("agreement",)),
        ("Clauses of the agreement", ("clause",), None),
        ("Transmittal letter", ("information", "statement"), ("transmittal_letter",)),
        ("Congressional certification and waiting periods", ("certification",), None),
        ("Filings and deadlines", ("filing",), None),
        ("Conditions (22 CFR 126.18, 124.14)", ("condition",), None),
        ("DDTC guidance (not regulation)", ("guideline",), None),
    ):
        rows = _item_rows(p, types, docs)
        if rows:
            _section(title, _items_table(rows, columns))
    if p.proscribed:
        _section("22 CFR 126.1", "\n".join(r.detail for r in p.proscribed))
    if p.open_questions:
        _section(
            "Open questions",
            "\n".join(f"{q.id}: {q.text} [{q.citation}]" for q in p.open_questions),
        )
    for title, lines in (("Warnings", p.warnings), ("Notes", p.notes)):
        if lines:
            _section(title, "\n".join(f"- {w}" for w in lines))
    if p.differences:
        _emit_differences(p)


def _emit_differences(p: AgreementPlan | Comparison) -> None:
    _section(
        "Where the reform's source describes part 124 differently (not modelled)",
        _items_table(
            [
                {
                    "topic": d.topic,
                    "the report says": d.claim,
                    "part 124": "\n".join(d.regulation),
                    "finding": d.finding,
                }
                for d in p.differences
            ],
            ["topic", "the report says", "part 124", "finding"],
            45,
        ),
    )


def _emit_comparison(c: Comparison, fmt: str) -> None:
    if fmt == "json":
        click.echo(json_text(c.to_dict(), indent=2))
        return
    if fmt in ("csv", "jsonl"):
        row = plan_row(PlanResult(1, c.agreement_id, c.today.status, c.today, c))
        if fmt == "jsonl":
            click.echo(json_text({**row, "plan": c.to_dict()}))
        else:
            click.echo(render([row], "csv", PLAN_COLUMNS))
        return
    header = {
        "agreement_id": c.agreement_id,
        "as_of": c.today.as_of,
        "today": f"{c.today.status} (law {c.today.law_id})",
        "reform": f"{c.reform.status} (law {c.reform.law_id}: {', '.join(c.reform.reforms)})",
    }
    click.echo(render(key_values(header.items()), "table", max_width=100))
    _section(
        "Today's rules and the reform",
        _items_table([dict(r) for r in c.rows], ["aspect", "today", "reform"], 60),
    )
    if c.differences:
        _emit_differences(c)
