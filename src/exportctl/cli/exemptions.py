"""Exemptions for transfers: ``exemptions list/show/check``, ``authorize``, ``aukus check``,
``etl check``."""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import click

from exportctl.cli.base import (
    EXIT_INPUT,
    EXIT_NO,
    EXIT_NOT_FOUND,
    EXIT_OK,
    EXIT_OPEN,
    EXIT_USAGE,
    batch_options,
    common_options,
    decision_log,
    fail,
    file_name,
    handles_errors,
    law_for,
    log_options,
    main,
    with_log,
)
from exportctl.cli.batch import (
    TRANSFER_CHUNK,
    BatchLayout,
    authorization_record,
    open_input,
    read_records,
    with_progress,
    write_results,
)
from exportctl.cli.lookups import etl
from exportctl.cli.output import (
    key_values,
    render,
    to_jsonable,
)
from exportctl.corpus.law import Law
from exportctl.engine import batch as screening
from exportctl.inputs.items import FactError
from exportctl.inputs.readers import (
    load_json_document,
    transfer_shape_error,
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


def _authorize_table(law: Law) -> tuple[str, ...]:
    """The table's columns: the outcome, the exemption, and the exemptions that apply or may
    (one column per exemption stops being readable with the ~20 the law holds; CSV has them,
    JSON lines carry every result)."""
    return (
        "row",
        "transfer_id",
        "outcome",
        "exemption",
        "exemptions",
        "excluded_rows",
        "open_questions",
        "error",
    )


def applicable(authorization: Any, limit: int = 5) -> str:
    """The exemptions that apply or may apply (the table's ``exemptions`` cell): the eligible
    ones, then — unless one is eligible — the undetermined ones with how many questions each
    leaves open (``open: 126.4 (1: made_by)``), the others counted.  CSV and JSON lines carry
    every exemption's status."""
    if authorization is None:
        return ""
    eligible = [e for e in authorization.exemptions if e.status == "eligible"]
    undetermined = [e for e in authorization.exemptions if e.status == "undetermined"]
    others = len(authorization.exemptions) - len(eligible) - len(undetermined)
    parts = []
    if eligible:
        parts.append(
            "eligible: "
            + ", ".join(e.exemption + (f" {e.branch}" if e.branch else "") for e in eligible)
        )
        if undetermined:
            parts.append(f"{len(undetermined)} undetermined")
    elif undetermined:
        shown = []
        for e in undetermined[:limit]:
            asked = [q.id for q in e.open_questions]
            shown.append(
                f"{e.exemption} ({len(asked)}" + (f": {asked[0]})" if len(asked) == 1 else ")")
            )
        more = f", +{len(undetermined) - limit}" if len(undetermined) > limit else ""
        parts.append("open: " + ", ".join(shown) + more)
    if others:
        parts.append(f"{others} not eligible")
    return "; ".join(parts)


def _load_transfer(file: Any, law: Law) -> Any:
    return _read_transfer(file, law)[1]


def _read_transfer(file: Any, law: Law) -> tuple[Any, Any]:
    """The transfer file's document and the transfer it describes."""
    from exportctl.inputs.transfers import transfer_from_mapping

    raw = load_json_document(file, "transfer", file_name(file))
    shape = transfer_shape_error(raw)
    if shape is not None:
        raise shape
    return raw, transfer_from_mapping(raw, law)


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

    § 126.1 is checked first: a prohibited transfer's answer has status "prohibited" and cites
    the § 126.1 paragraphs.  Exit status (docs/cli.md): 0 eligible, 1 undetermined, 6 not
    eligible or prohibited, 4 bad input.
    """
    from exportctl.engine.authorize import check_aukus_after_126_1

    regs = law_for(as_of)
    transfer = _load_transfer(file, regs)
    denied, result = check_aukus_after_126_1(transfer, regs)
    header = {
        "transfer_id": transfer.transfer_id,
        "as_of": regs.as_of,
        "law_id": regs.id,
    }
    if result is None:
        # § 126.1(a): the exemption is not available; the refusal says so and cites why.
        header.update(
            {
                "exemption": "22 CFR 126.7",
                "status": "prohibited",
                "citation": list(dict.fromkeys(p.id for p in denied)),
                "proscribed_126_1": [f"{p.id}: {p.detail}" for p in denied],
            }
        )
        click.echo(
            render(key_values(header.items()), "table")
            if fmt == "table"
            else render([], "json", document=to_jsonable(header))
            if fmt == "json"
            else render([header], "csv")
        )
        sys.exit(EXIT_NO)
    header["citation"] = result.citation
    _emit_exemption(result, fmt, explain, header)
    sys.exit(_EXEMPTION_EXIT.get(result.status, EXIT_NO))


#: An exemption's status as an exit status (docs/cli.md): the answer is no (6) but for these.
_EXEMPTION_EXIT = {"eligible": EXIT_OK, "undetermined": EXIT_OPEN}
#: An authorization's outcome as an exit status: license required or prohibited is 6.
_OUTCOME_EXIT = {"exempt": EXIT_OK, "undetermined": EXIT_OPEN}


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

    Each row has a status (caught, open, not_caught) and its citation.  Exit status
    (docs/cli.md): 0 no row catches it, 1 a row may catch it (facts open), 6 a row catches it,
    3 no such USML paragraph.
    """
    from exportctl.engine.exclusions import match_rows
    from exportctl.inputs.transfers import transfer_from_mapping

    regs = law_for(as_of)
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
            "status": {True: "caught", False: "not_caught", None: "open"}[m.caught],
            "caught": {True: "yes", False: "no", None: "open"}[m.caught],
            "citation": _ETL_CITATION,
            "needs": list(m.missing),
            "why": m.detail,
            "text": m.row.text,
        }
        for m in matches
        if m.caught is not False or fmt != "table"
    ]
    if fmt == "table" and not rows:
        click.echo(f"no ETL row catches {ref} with these facts [{_ETL_CITATION}]")
    else:
        columns = ["row", "status", "caught", "citation", "needs", "why", "text"]
        if fmt == "table":
            columns.remove("citation")  # the same for every row: said once below
        click.echo(render(rows, fmt, columns, max_width=50))
        if fmt == "table":
            click.echo(f"citation: {_ETL_CITATION}")
    caught = {m.caught for m in matches}
    sys.exit(EXIT_NO if True in caught else EXIT_OPEN if None in caught else EXIT_OK)


#: Where the rows of the Excluded Technology List are.
_ETL_CITATION = "22 CFR part 126, Supplement No. 2"


@main.command("authorize")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, allow_dash=True))
@click.option(
    "--exemption",
    "only",
    multiple=True,
    metavar="REF",
    help="Decide under these exemptions only (repeatable, e.g. --exemption 126.7).",
)
@click.option(
    "--guidelines",
    "guidelines_file",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    help="Apply an organisation guidelines file (TOML) on top of the regulation's conditions.",
)
@batch_options
@log_options
def authorize_command(
    file: str,
    only: tuple[str, ...],
    guidelines_file: str | None,
    fmt: str,
    input_format: str,
    as_of: dt.date | None,
    quiet: bool,
    exit_zero: bool,
) -> None:
    """For each transfer (CSV or JSON lines): which exemption the law holds is available
    (§ 125.4, § 126.4, § 126.5, § 126.7, …), or that a license is needed, or that § 126.1
    prohibits it — one output row per input row.  The table lists the exemptions that apply or
    may apply with their open questions; CSV has one column per exemption; JSON lines carry every
    exemption's conditions.

    Every record carries as_of, law_id and reforms (a table shows them in a footer), and the
    paragraphs its outcome rests on (citation).  Exit status (docs/cli.md): 0 every transfer
    exempt, 1 some undetermined, 6 some need a license or are prohibited (22 CFR 126.1), 4 some
    rows had input errors (the first that applies of 4, 6, 1).
    """
    regs = law_for(as_of, quiet=quiet)
    regs = _law_with(regs, guidelines_file, only)
    kind = input_format
    if kind == "auto":
        kind = "jsonl" if file.endswith((".jsonl", ".ndjson", ".json")) else "csv"
    counts: Counter[str] = Counter()

    def row_of(result: Any) -> dict[str, Any]:
        row = screening.authorize_row(result, regs)
        if fmt == "table":
            row["exemptions"] = applicable(result.authorization)
        return row

    layout = BatchLayout(
        columns=screening.authorize_columns(regs),
        table_columns=_authorize_table(regs),
        row_of=row_of,
        record_key="authorization",
        record_of=authorization_record,
        stamp=screening.record_stamp(regs),
        chunk=TRANSFER_CHUNK,
    )
    with (
        decision_log("authorize") as log,
        open_input(file) as fh,
        with_progress(fh, file, quiet) as source,
    ):
        records = read_records(source, file, kind, "transfer_id")
        if log is not None:
            records = log.keep(records)
        results = screening.authorize_transfers(
            records, regs, csv_form=kind == "csv", rows_read=fmt == "jsonl"
        )
        count = with_log(
            log,
            lambda r: counts.update([r.status]),
            _authorization_entry(kind, only, guidelines_file),
        )
        write_results(results, fmt, layout, count)
    if not quiet:
        parts = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
        click.echo(f"exportctl: authorized {sum(counts.values())} transfers: {parts}", err=True)
    sys.exit(0 if exit_zero else screening.authorize_exit_status(counts))


def _authorization_entry(kind: str, only: tuple[str, ...], guidelines: str | None) -> Any:
    """The audit-log entry of an authorized row (--log): its authorization and input fields
    (the audit module is imported when a row is logged: start-up without --log)."""

    def entry(result: Any, facts: dict[str, Any]) -> Any:
        from exportctl.audit import entry_for_authorization

        if result.authorization is None:
            return None
        return entry_for_authorization(
            result.authorization,
            facts,
            command="authorize",
            facts_form="csv" if kind == "csv" else "json",
            exemptions=only,
            guidelines=guidelines,
        )

    return entry


def _law_with(regs: Law, guidelines_file: str | None, only: tuple[str, ...] = ()) -> Law:
    """The law with organisation guidelines applied and restricted to some exemptions; a bad
    guidelines file or an unknown exemption ends the command (exit 4 / 3)."""
    from exportctl.corpus.guidelines import GuidelinesInvalid, apply_guidelines, load_guidelines
    from exportctl.engine.exemptions import restricted

    if guidelines_file is not None:
        try:
            regs = apply_guidelines(regs, load_guidelines(guidelines_file, regs))
        except GuidelinesInvalid as exc:
            fail(f"bad guidelines file:\n{exc}", EXIT_INPUT)
    if only:
        try:
            regs = restricted(regs, only)
        except KeyError as exc:
            fail(str(exc).strip("'\""), EXIT_NOT_FOUND)
    return regs


# --- exemptions list / show / check -------------------------------------------------------------


@main.group("exemptions")
def exemptions_group() -> None:
    """The exemptions the law holds: list them, show one's checklist, check a transfer.

    Each exemption is a data file of data/law (docs/law-data.md); its conditions quote their
    paragraphs.  Results support, and do not replace, the determination of the responsible
    official and of DDTC.
    """


def _facts_needed(exemption: Any, law: Law, own: bool) -> list[str]:
    """The facts the exemption's own conditions read (``own``), or those of the groups it
    carries and the guidelines applied."""
    from exportctl.engine.exemptions import checklist

    return list(
        dict.fromkeys(
            f
            for item in checklist(exemption, law)
            if (item.group is None) == own
            for f in item.reads
        )
    )


def _version_label(exemption: Any, law: Law) -> str:
    from exportctl.core.dated import OutsideCoverage

    try:
        version = exemption.version_on(law.as_of)
    except OutsideCoverage:
        first = exemption.versions.versions[0].effective_from
        return f"no reading before {first}"
    return str(version.id) if version.in_force else "not in force"


@exemptions_group.command("list")
@click.option(
    "--guidelines",
    "guidelines_file",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    help="Apply an organisation guidelines file (its conditions' facts are listed too).",
)
@common_options
@handles_errors
def exemptions_list(guidelines_file: str | None, fmt: str, as_of: dt.date | None) -> None:
    """Every exemption the law holds, with its paragraph, its version on the date, who
    certifies it, the condition groups it carries and the facts it needs (its own conditions'
    in the table; JSON and CSV add the carried groups' as ``carried_facts``)."""
    regs = _law_with(law_for(as_of), guidelines_file)
    rows = [
        {
            "exemption": e.key,
            "paragraph": e.citation,
            "title": e.title,
            "version": _version_label(e, regs),
            "certified_by": "DoD" if e.certification == "dod" else "",
            "carries": list(e.carries),
            "branches": list(e.branch_keys()),
            "facts": _facts_needed(e, regs, own=True),
            "carried_facts": _facts_needed(e, regs, own=False),
        }
        for e in regs.exemptions
    ]
    columns = ["exemption", "paragraph", "title", "version", "certified_by", "carries", "facts"]
    if fmt == "json":
        click.echo(
            render(
                [], "json", document={"as_of": regs.as_of, "law_id": regs.id, "exemptions": rows}
            )
        )
    elif fmt == "csv":
        click.echo(render(rows, "csv", [*columns, "branches", "carried_facts"]))
    else:
        click.echo(render(rows, "table", columns, max_width=30))
        click.echo(
            "\n(facts: the exemption's own conditions; the groups it carries read more — "
            "`exportctl exemptions show REF` lists every condition)"
        )


@exemptions_group.command("show")
@click.argument("ref")
@click.option(
    "--guidelines",
    "guidelines_file",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    help="Apply an organisation guidelines file: its conditions join the checklist.",
)
@common_options
@handles_errors
def exemptions_show(ref: str, guidelines_file: str | None, fmt: str, as_of: dt.date | None) -> None:
    """The checklist of exemption REF (e.g. 125.4(b)(1), or a branch such as 126.4(b)(2)):
    each condition, the words it implements, the facts it reads and who confirms it — the
    exporter or the DoD official — with the exceptions the text makes."""
    from exportctl.engine.exemptions import checklist

    regs = _law_with(law_for(as_of), guidelines_file)
    exemption, branch = regs.exemptions.find(ref)
    items = checklist(exemption, regs, branch)
    header: dict[str, Any] = {
        "exemption": exemption.citation + (f", branch {branch}" if branch else ""),
        "title": exemption.title,
        "as_of": regs.as_of,
        "law_id": regs.id,
        "version": _version_label(exemption, regs),
        "certified_by": "DoD" if exemption.certification == "dod" else "",
        "carries": list(exemption.carries),
        "branches": list(exemption.branch_keys()),
        "marking": _marking_text(exemption, branch),
    }
    if not items:
        header["note"] = "no version of this exemption is in force on the date: no checklist"
    rows = [
        {
            "n": n,
            "paragraph": i.paragraph,
            "condition": i.name,
            "from": i.group or "exemption",
            "branch": i.branch,
            "confirmed_by": i.confirmed_by,
            "facts": list(i.reads),
            "test": f"{i.test}({i.params})",
            "quote": i.quote,
            "not_when": list(i.exceptions),
        }
        for n, i in enumerate(items, start=1)
    ]
    if fmt == "json":
        click.echo(render([], "json", document={**header, "conditions": rows}))
        return
    columns = [
        "n",
        "paragraph",
        "condition",
        "from",
        "branch",
        "confirmed_by",
        "facts",
        "quote",
        "not_when",
    ]
    if fmt == "csv":
        click.echo(render(rows, "csv", [*columns, "test"]))
        return
    click.echo(render(key_values(header.items()), "table", max_width=100))
    click.echo("")
    if any(r["branch"] for r in rows):
        click.echo(render(rows, "table", columns, max_width=34))
    else:
        click.echo(render(rows, "table", [c for c in columns if c != "branch"], max_width=40))


def _marking_text(exemption: Any, branch: str | None) -> str:
    mark = exemption.marking
    if mark is None:
        return ""
    if mark.text:
        return str(mark.text)
    if branch is not None:
        return f"22 CFR {branch} applicable"
    return "per branch: 22 CFR <branch> applicable"


@exemptions_group.command("check")
@click.argument("file", type=click.File("rb"))
@click.option(
    "--exemption",
    "ref",
    default=None,
    metavar="REF",
    help="The exemption (or branch, e.g. 126.4(b)(2)) to check; default: every exemption.",
)
@click.option(
    "--guidelines",
    "guidelines_file",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    help="Apply an organisation guidelines file on top of the regulation's conditions.",
)
@click.option(
    "--record",
    "record_file",
    type=click.Path(dir_okay=False, writable=True),
    default=None,
    help="Write a certification record to sign: FILE.md (Markdown) or FILE.json.",
)
@common_options
@log_options
@handles_errors
def exemptions_check(
    file: Any,
    ref: str | None,
    guidelines_file: str | None,
    record_file: str | None,
    fmt: str,
    as_of: dt.date | None,
) -> None:
    """Check a transfer (a JSON file) against exemption REF: each condition with its status,
    the facts it relied on and who confirms it; the open questions.  Without --exemption: every
    exemption the law holds, § 126.1 first (as `authorize`).

    Exit status (docs/cli.md): 0 eligible (exempt), 1 undetermined, 6 not eligible (or
    prohibited, or a license required), 3 no such exemption, 4 bad input.
    """
    from exportctl.engine.authorize import authorize
    from exportctl.engine.certification import certification_record, record_markdown
    from exportctl.engine.exemptions import decide

    if record_file is not None:
        if ref is None:
            fail("--record needs --exemption REF: a record certifies one exemption", EXIT_USAGE)
        if Path(record_file).suffix.lower() not in (".md", ".json"):
            fail(f"--record {record_file}: write FILE.md (Markdown) or FILE.json", EXIT_USAGE)
    regs = _law_with(law_for(as_of), guidelines_file)
    raw, transfer = _read_transfer(file, regs)
    header: dict[str, Any] = {
        "transfer_id": transfer.transfer_id,
        "as_of": regs.as_of,
        "law_id": regs.id,
    }
    if ref is None:
        auth = authorize(transfer, regs)
        header.update(status=auth.outcome, citation=screening.authorization_citation(auth))
        _log_checked(auth, raw, regs, ref, guidelines_file)
        _emit_all(auth, fmt, header)
        sys.exit(_OUTCOME_EXIT.get(auth.outcome, EXIT_NO))
    result = decide(ref, transfer, regs)
    _log_checked(result, raw, regs, ref, guidelines_file)
    if record_file is not None:
        record = certification_record(result, transfer, regs)
        text = (
            json.dumps(record, ensure_ascii=False, indent=2) + "\n"
            if record_file.lower().endswith(".json")
            else record_markdown(record)
        )
        Path(record_file).write_text(text, encoding="utf-8")
        click.echo(f"exportctl: wrote the certification record {record_file}", err=True)
    header["citation"] = result.citation
    _emit_checked(result, fmt, header)
    sys.exit(_EXEMPTION_EXIT.get(result.status, EXIT_NO))


def _log_checked(
    result: Any, raw: Any, law: Law, ref: str | None, guidelines: str | None
) -> None:
    """Append the check to the audit log (--log)."""
    from exportctl.audit import entry_for_exemption

    with decision_log("exemptions check") as log:
        if log is not None:
            log.add(
                entry_for_exemption(
                    result,
                    raw,
                    law=law,
                    command="exemptions check",
                    exemption=ref,
                    guidelines=guidelines,
                )
            )


def _emit_checked(result: Any, fmt: str, header: dict[str, Any]) -> None:
    """One exemption checked: its status, then every condition."""
    if fmt == "json":
        click.echo(render([], "json", document={**header, **to_jsonable(result)}))
        return
    record = {
        **header,
        "exemption": result.citation + (f", branch {result.branch}" if result.branch else ""),
        "version": result.version,
        "status": result.status,
        "marking": result.marking,
        "guidelines": (
            f"{result.guidelines.id} ({result.guidelines.file}, sha256 {result.guidelines.sha256})"
            if result.guidelines
            else None
        ),
        "branches": [f"{b.key}: {b.status}" for b in result.branches],
        "open_questions": [f"{q.id}: {q.text} [{q.citation}]" for q in result.open_questions],
        "note": result.note,
    }
    rows = [
        {
            "paragraph": c.paragraph,
            "condition": c.name + (f" [{c.branch}]" if c.branch else ""),
            "from": c.group or "exemption",
            "status": c.status,
            "confirmed_by": c.confirmed_by,
            "facts": ", ".join(f"{k}={v}" for k, v in c.facts.items()),
            "why": c.detail + (f" ({c.exception})" if c.exception else ""),
        }
        for c in result.conditions
    ]
    if fmt == "csv":
        click.echo(render(rows, "csv"))
        return
    click.echo(render(key_values(record.items()), "table", max_width=100))
    if rows:
        click.echo("")
        click.echo(render(rows, "table", max_width=40))


def _emit_all(auth: Any, fmt: str, header: dict[str, Any]) -> None:
    """Every exemption for one transfer: the outcome, then each with its failing or open
    conditions."""
    if fmt == "json":
        click.echo(render([], "json", document={**header, **auth.to_dict()}))
        return
    rows = [
        {
            "exemption": e.citation,
            "status": e.status,
            "branch": e.branch,
            "failing": [c.paragraph + " " + c.name for c in e.failing],
            "open": [q.id for q in e.open_questions],
        }
        for e in auth.exemptions
    ]
    if fmt == "csv":
        click.echo(render(rows, "csv", ["exemption", "status", "branch", "failing", "open"]))
        return
    record = {
        **header,
        "outcome": auth.outcome,
        "exemption": f"22 CFR {auth.exemption}" if auth.exemption else None,
        "proscribed": [p.detail for p in auth.proscribed],
        "open_questions": [f"{q.id}: {q.text} [{q.citation}]" for q in auth.open_questions],
    }
    click.echo(render(key_values(record.items()), "table", max_width=100))
    if rows:
        click.echo("")
        click.echo(render(rows, "table", max_width=48))
