"""``exportctl classify``: one item, from a facts file or by questions (the questionnaire)."""

from __future__ import annotations

import datetime as dt
import re
import sys
from typing import Any

import attrs
import click

from exportctl.cli.base import (
    common_options,
    file_name,
    handles_errors,
    law_for,
    main,
    ruleset_option,
)
from exportctl.cli.output import (
    decision_record,
    key_values,
    render,
    table_cell,
    to_jsonable,
    trace_rows,
)
from exportctl.cli.search import path_text, suggestions_for
from exportctl.corpus.regulations import Regulations
from exportctl.corpus.rulesets import Question, RuleSet, load_ruleset
from exportctl.engine.batch import decision_status
from exportctl.engine.classify import classify
from exportctl.engine.decision import Decision
from exportctl.inputs.items import FactError, ItemFacts, facts_from_mapping
from exportctl.inputs.readers import (
    load_json_document,
)
from exportctl.search import SUGGESTION_NOTICE


def _emit_decision(decision: Decision, fmt: str, explain: bool) -> None:
    status = decision_status(decision)  # docs/cli.md: every output has a status
    if fmt == "json":
        click.echo(render([], "json", document={"status": status, **decision_record(decision)}))
        return
    record = {
        "item_id": decision.item_id,
        "status": status,
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
@click.option(
    "--description",
    default="",
    help="What the item is, in a few words (interactive mode): the questions asking for USML "
    "paragraphs or ECCNs then show the paragraphs a text search suggests reading.",
)
@ruleset_option
@common_options
@handles_errors
def classify_command(
    facts_file: Any,
    explain: bool,
    item_id: str,
    description: str,
    ruleset_id: str | None,
    fmt: str,
    as_of: dt.date | None,
) -> None:
    """Classify one item: jurisdiction (ITAR/EAR), USML paragraph or ECCN, and why.

    Without --facts it first asks for a commodity jurisdiction (CJ) determination or a CCATS
    (a blank answer: there is none), then, one at a time, only the questions the order of
    review needs next, showing the citation with each.  When it asks for USML paragraphs or
    ECCNs it shows the ones a search of the regulations' wording suggests for the item's
    description (--description, or words typed at that prompt): suggestions to read, never an
    answer given for you.  Exit status: 0 decided, 1 questions left open, 4 bad or
    contradictory facts, 5 bundled data that fails verification.
    """
    regs = law_for(as_of)
    rules = load_ruleset(ruleset_id)
    if facts_file is not None:
        raw = load_json_document(facts_file, "facts", file_name(facts_file))
        facts = facts_from_mapping(raw, rules)
        decision = classify(facts, regs, rules)
    else:
        facts = _ask_determinations(
            ItemFacts(item_id=item_id, description=description.strip()), regs, rules
        )
        skipped: set[str] = set()
        while True:
            decision = classify(facts, regs, rules)
            pending = [q for q in decision.open_questions if q.id not in skipped]
            if not pending:
                break
            question = pending[0]
            if question.type in _CANDIDATES:
                _offer_suggestions(question, facts, regs)
            answer = _ask(question, rules)
            if not answer.strip():
                skipped.add(question.id)
                continue
            words = _description(answer) if question.type in _CANDIDATES else None
            if words is not None and answer.strip().startswith("?"):
                facts = attrs.evolve(facts, description=words)
                continue
            try:
                facts = _with_answer(facts, question, answer, rules, regs)
            except FactError as exc:
                if words is not None:  # not references: a description of the item
                    facts = attrs.evolve(facts, description=words)
                    continue
                click.echo(f"  not accepted: {exc.reason}", err=True)
    _emit_decision(decision, fmt, explain)
    sys.exit(0 if decision.decided and not decision.open_questions else 1)


#: The question types that ask for candidate paragraphs (suggestions are offered with them).
_CANDIDATES = {"usml_refs": "usml", "eccn_refs": "ccl"}


def _description(answer: str) -> str | None:
    """The words of an answer to a candidates question that describe the item rather than name
    paragraphs: "? thermal camera core", or two or more words and no parenthesis or ';'."""
    text = answer.strip()
    if text.startswith("?"):
        return text[1:].strip() or None
    if "(" in text or ";" in text or len(re.findall(r"[^\W\d_]{3,}", text)) < 2:
        return None
    return text


def _offer_suggestions(question: Question, facts: ItemFacts, regs: Regulations) -> None:
    """Before a question asking for USML paragraphs or ECCNs: the suggestions for the item's
    description, or how to get them (labelled as suggestions: nothing is answered for you)."""
    regime = _CANDIDATES[question.type]
    click.echo("", err=True)
    if not facts.description:
        click.echo(
            "  (no description of the item yet: type a few words describing it at the prompt, "
            "or '? words', to see the paragraphs a search of the regulations suggests)",
            err=True,
        )
        return
    found = [s for s in suggestions_for(regs, facts.description) if s.regime == regime]
    if not found:
        click.echo(f"  No suggestions for {table_cell(facts.description)!r}.", err=True)
        return
    click.echo(
        f"  Suggestions for {table_cell(facts.description)!r}: {SUGGESTION_NOTICE}", err=True
    )
    for s in found:
        click.echo(
            f"    {s.reference:<16} score {s.score:5.1f}  {table_cell(path_text(s.path))}",
            err=True,
        )
        click.echo(f"      {table_cell(s.text)[:140]}", err=True)


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
