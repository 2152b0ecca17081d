"""``exportctl classify``: one item, from a facts file or by questions (the questionnaire)."""

from __future__ import annotations

import datetime as dt
import re
import sys
from typing import Any

import attrs
import click

from exportctl.audit import entry_for_decision
from exportctl.cli.base import (
    common_options,
    decision_log,
    file_name,
    handles_errors,
    law_for,
    log_options,
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
    help="Decide the item described by this JSON facts file (e.g. one written by --save); at a "
    "terminal, then ask what is still open (see --questions).",
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
@click.option(
    "--save",
    "save_file",
    type=click.Path(dir_okay=False, writable=True),
    default=None,
    metavar="FILE",
    help="Write the answers as a facts file (JSON), after every answer: --facts FILE resumes.",
)
@click.option(
    "--questions/--no-questions",
    "questions",
    default=None,
    help="With --facts: ask the questions still open (default: only when stdin is a terminal) "
    "or never ask.",
)
@ruleset_option
@common_options
@log_options
@handles_errors
def classify_command(
    facts_file: Any,
    explain: bool,
    item_id: str,
    description: str,
    save_file: str | None,
    questions: bool | None,
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
    answer given for you.

    \b
    At any question:
      back (or undo)  undo the last answer and ask that question again
      ?               the regulation text of the paragraph the question cites
      why             the paragraph being tested (the candidate and the rule)
      quit            stop asking and decide on the answers given
      (blank)         I don't know (a CJ or CCATS question: there is none)

    --save FILE keeps the answers as a facts file; --facts FILE resumes from it.  Exit status:
    0 decided, 1 questions left open, 4 bad or contradictory facts, 5 bundled data that fails
    verification.
    """
    regs = law_for(as_of)
    rules = load_ruleset(ruleset_id)
    document: dict[str, Any] | None = None
    if facts_file is not None:
        raw = load_json_document(facts_file, "facts", file_name(facts_file))
        facts = facts_from_mapping(raw, rules)
        document = raw
        ask = questions if questions is not None else _interactive()
        state = _State(facts, done=frozenset(_DETERMINATIONS))
    else:
        ask = questions is not False
        state = _State(ItemFacts(item_id=item_id, description=description.strip()))
    if ask:
        before = state.facts
        state = _Questionnaire(regs, rules, save_file).run(state)
        if state.facts != before or document is None:
            document = facts_document(state.facts)
    if save_file is not None:
        _save(save_file, state.facts)
    decision = classify(state.facts, regs, rules)
    with decision_log("classify") as log:
        if log is not None:
            facts_given = document if document is not None else facts_document(state.facts)
            log.add(entry_for_decision(decision, facts_given, command="classify"))
    _emit_decision(decision, fmt, explain)
    sys.exit(0 if decision.decided and not decision.open_questions else 1)


def _interactive() -> bool:
    isatty: Any = getattr(sys.stdin, "isatty", None)
    return bool(isatty()) if callable(isatty) else False


def facts_document(facts: ItemFacts) -> dict[str, Any]:
    """The facts as a facts file holds them (docs/facts.md): what is known, nothing else (an
    unknown fact is left out, as a blank field)."""
    raw = {k: v for k, v in to_jsonable(facts).items() if v not in (None, "", {})}
    return raw


def _save(path: str, facts: ItemFacts) -> None:
    """Write the facts file (whole, then renamed over the old one: never half a file)."""
    import json
    import os

    text = json.dumps(facts_document(facts), ensure_ascii=False, indent=2) + "\n"
    tmp = f"{path}.tmp"
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.replace(tmp, path)


@attrs.frozen
class _State:
    """Where the questionnaire is: the facts so far, the open questions left blank ("I don't
    know"), and the determination questions (CJ, CCATS) already asked."""

    facts: ItemFacts
    skipped: frozenset[str] = frozenset()
    done: frozenset[str] = frozenset()


_BACK = ("back", "undo", "<")
_COMMANDS = (
    "  (answer 'back' or 'undo' to undo the last answer, '?' for the regulation text, 'why' for "
    "the paragraph being tested, 'quit' to stop asking, blank for I don't know)"
)


class _Questionnaire:
    """The questions, one at a time, with back/undo, the regulation text and why."""

    def __init__(self, regs: Regulations, rules: RuleSet, save_file: str | None) -> None:
        self.regs, self.rules, self.save_file = regs, rules, save_file

    def next_question(self, state: _State) -> tuple[Question | None, Decision | None]:
        determination = _next_determination(state, self.rules)
        if determination is not None:
            return determination, None
        decision = classify(state.facts, self.regs, self.rules)
        pending = [q for q in decision.open_questions if q.id not in state.skipped]
        return (pending[0] if pending else None), decision

    def run(self, state: _State) -> _State:
        history: list[_State] = []
        click.echo(f"exportctl: answering {state.facts.item_id}; at any question:", err=True)
        click.echo(_COMMANDS, err=True)
        while True:
            question, decision = self.next_question(state)
            if question is None:
                return state
            if question.type in _CANDIDATES:
                _offer_suggestions(question, state.facts, self.regs)
            answer = _ask(question, self.rules).strip()
            command = answer.lower()
            if command in _BACK:
                if history:
                    state = history.pop()
                    click.echo("  (undone: the question is asked again)", err=True)
                else:
                    click.echo("  (nothing to undo)", err=True)
                continue
            if answer == "?":
                _show_text(question, self.rules)
                continue
            if command == "why":
                _show_why(question, decision, self.rules)
                continue
            if command in ("help", "h"):
                click.echo(_COMMANDS, err=True)
                continue
            if command in ("quit", "q"):
                return state
            updated = self._answered(state, question, answer)
            if updated is not None:
                history.append(state)
                state = updated
                if self.save_file is not None:
                    _save(self.save_file, state.facts)

    def _answered(self, state: _State, question: Question, answer: str) -> _State | None:
        """The state after an answer (None: not accepted, asked again)."""
        determination = question.id in _DETERMINATIONS
        if not answer:
            if determination:
                return attrs.evolve(state, done=state.done | {question.id})
            return attrs.evolve(state, skipped=state.skipped | {question.id})
        words = _description(answer) if question.type in _CANDIDATES else None
        if words is not None and answer.startswith("?"):
            return attrs.evolve(state, facts=attrs.evolve(state.facts, description=words))
        try:
            facts = _with_answer(state.facts, question, answer, self.rules, self.regs)
        except FactError as exc:
            if words is not None:  # not references: a description of the item
                return attrs.evolve(state, facts=attrs.evolve(state.facts, description=words))
            click.echo(f"  not accepted: {exc.reason}", err=True)
            return None
        done = state.done | {question.id} if determination else state.done
        return attrs.evolve(state, facts=facts, done=done)


def _next_determination(state: _State, rules: RuleSet) -> Question | None:
    """The next CJ or CCATS question, asked before the order of review (22 CFR 120.4;
    15 CFR 748.3(e)), or None."""
    facts = state.facts
    for qid in _DETERMINATIONS:
        if qid not in rules.questions or qid in state.done:
            continue
        if qid in ("cj_classification", "cj_reference") and facts.cj_jurisdiction is None:
            continue
        if qid == "ccats_classification" and (
            facts.cj_jurisdiction == "ITAR" or facts.cj_classification is not None
        ):
            continue
        return rules.question(qid)
    return None


def regulation_text(question: Question, rules: RuleSet) -> list[tuple[str, str]]:
    """The quotes the rule set holds for the paragraphs a question tests: the "specially
    designed" paragraphs that read its fact, the order of review for candidate paragraphs, the
    CJ or CCATS paragraph for a determination (each (citation, quote), from the law's data)."""
    out: list[tuple[str, str]] = []
    for regime in (rules.itar, rules.ear):
        for rule in (*regime.catch, *regime.releases):
            if any(t.fact == question.id for t in rule.tests):
                out.append((rule.id, rule.quote))
        if question.type == "item_kind":
            out.append((regime.release_id, regime.release_quote))
    if question.type in _CANDIDATES:
        regime = rules.itar if question.type == "usml_refs" else rules.ear
        out.extend(regime.order_of_review)
    if question.id in ("cj_jurisdiction", "cj_classification", "cj_reference"):
        out.append((rules.itar.determination_id, rules.itar.determination_quote))
    if question.id == "ccats_classification":
        out.append((rules.ear.determination_id, rules.ear.determination_quote))
    return [(c, q) for c, q in dict.fromkeys(out) if q]


def _show_text(question: Question, rules: RuleSet) -> None:
    quotes = regulation_text(question, rules)
    click.echo("", err=True)
    if not quotes:
        click.echo(
            f"  The bundled data holds no quote for {question.citation}: read it in the eCFR.",
            err=True,
        )
        return
    cited = [c.strip() for c in question.citation.split(";")]
    if not any(c.startswith(tuple(cited)) for c, _ in quotes):
        click.echo(
            f"  The bundled data holds no quote of {question.citation}; the paragraphs this "
            "answer decides:",
            err=True,
        )
    for citation, quote in quotes:
        click.echo(f"  {citation}:", err=True)
        click.echo(f"    \u201c{table_cell(quote)}\u201d", err=True)


def why_lines(question: Question, decision: Decision | None) -> list[str]:
    """The steps of the order of review waiting for this question's answer: the rule and the
    paragraph (candidate) it is tested for."""
    if decision is None:
        return [
            f"{question.citation}: asked before the order of review — a commodity jurisdiction "
            "determination decides jurisdiction, and a CJ or CCATS naming an ECCN or EAR99 "
            "decides the classification."
        ]
    lines = []
    for step in decision.trace:
        if question.id in step.facts and step.facts[question.id] is None:
            lines.append(f"{step.rule}: {step.outcome} — {step.detail}".rstrip(" —"))
    if not lines:
        lines.append(f"{question.citation}: the next fact the order of review needs")
    return lines


def _show_why(question: Question, decision: Decision | None, rules: RuleSet) -> None:
    click.echo("", err=True)
    click.echo(f"  {question.id} is needed for:", err=True)
    for line in why_lines(question, decision):
        click.echo(f"    {table_cell(line)}", err=True)


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
