"""Exemptions for transfers: ``authorize``, ``aukus check``, ``etl check``."""

from __future__ import annotations

import datetime as dt
import sys
from collections import Counter
from typing import Any

import click

from exportctl.cli.base import (
    EXIT_NOT_FOUND,
    batch_options,
    common_options,
    file_name,
    handles_errors,
    law_for,
    main,
)
from exportctl.cli.batch import BatchLayout, open_input, read_records, with_progress, write_results
from exportctl.cli.lookups import etl
from exportctl.cli.output import (
    key_values,
    render,
    to_jsonable,
)
from exportctl.corpus.law import Law
from exportctl.corpus.regulations import regulations
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
    """The table's columns: the outcome and one column per exemption of the law."""
    return (
        "row",
        "transfer_id",
        "outcome",
        "exemption",
        *(e.column for e in law.exemptions),
        "excluded_rows",
        "open_questions",
        "error",
    )

def _load_transfer(file: Any, law: Law) -> Any:
    from exportctl.inputs.transfers import transfer_from_mapping

    raw = load_json_document(file, "transfer", file_name(file))
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

    regs = law_for(as_of)
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
    regs = law_for(as_of) if not quiet else regulations(as_of)
    kind = input_format
    if kind == "auto":
        kind = "jsonl" if file.endswith((".jsonl", ".ndjson", ".json")) else "csv"
    counts: Counter[str] = Counter()
    layout = BatchLayout(
        columns=screening.authorize_columns(regs),
        table_columns=_authorize_table(regs),
        row_of=lambda r: screening.authorize_row(r, regs),
        record_key="authorization",
        record_of=lambda r: r.authorization.to_dict() if r.authorization is not None else None,
    )
    with open_input(file) as fh, with_progress(fh, file, quiet) as source:
        records = read_records(source, file, kind, "transfer_id")
        results = screening.authorize_transfers(records, regs, csv_form=kind == "csv")
        write_results(results, fmt, layout, lambda r: counts.update([r.status]))
    if not quiet:
        parts = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
        click.echo(f"exportctl: authorized {sum(counts.values())} transfers: {parts}", err=True)
    sys.exit(0 if exit_zero else screening.authorize_exit_status(counts))
