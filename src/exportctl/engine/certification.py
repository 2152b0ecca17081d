"""A certification record an official can sign: one exemption decided for one transfer, as a
plain value (JSON) and as Markdown.

The record holds the checklist (each condition of the regulation, of the condition groups the
exemption carries and of the organisation guidelines applied, with its paragraph, its words, who
confirms it — the exporter or the DoD official — its status and the facts it relied on), the
open questions, the law's id and date, the guidelines file with its SHA-256, the marking
§ 120.15(f) requires ("Certifications consist of clearly marking the package or letter
containing the technical data '22 CFR [insert ITAR exemption] applicable.'"), the obligations
that go with the exemption (records, § 120.15(e); the written certification kept 5 years,
§ 120.15(f); the EEI filing, § 126.4(e); …) and a place for each signature.

It is an aid to, not a substitute for, the determination of the responsible official and of DDTC.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from exportctl.core import provenance
from exportctl.core.jsonable import to_jsonable
from exportctl.corpus.law import Law
from exportctl.engine.exemptions import ExemptionResult
from exportctl.inputs.transfers import Transfer

__all__ = ["RECORD_FORMAT", "certification_record", "record_markdown"]

RECORD_FORMAT = "exportctl-certification-record/1"

NOTICE = (
    "Prepared by exportctl from the facts stated below, under the law named below. It is an aid "
    "to, not a substitute for, the determination of the responsible official and of the "
    "Directorate of Defense Trade Controls (DDTC). Do not certify while a condition is open or "
    "fails; check the facts relied on against the records."
)

_STATUS_WORDS = {
    "eligible": "every condition holds on the facts stated",
    "not_eligible": "a condition fails: the exemption is not available",
    "undetermined": "some conditions are open: answer the questions before certifying",
    "not_in_force": "the exemption is not in force on the date",
}


def _marking(result: ExemptionResult, transfer: Transfer, law: Law) -> dict[str, Any] | None:
    exemption = law.exemptions.get(result.exemption)
    mark = exemption.marking
    if mark is None:
        return None
    kinds = list(mark.applies_to_kinds)
    required: bool | None = (
        None if transfer.transfer_kind is None or not kinds else transfer.transfer_kind in kinds
    )
    note = ""
    if result.marking is None and mark.per_branch:
        note = "the marking names the branch the transfer qualifies under (none yet)"
    elif required is False:
        note = f"§ 120.15(f) marks technical data; this transfer is {transfer.transfer_kind}"
    elif required is None:
        note = "required for technical data: what is transferred is not known"
    return {
        "text": result.marking,
        "required": required,
        "applies_to_kinds": kinds,
        "citation": "22 CFR 120.15(f)",
        "quote": mark.quote,
        "note": note,
    }


def certification_record(result: ExemptionResult, transfer: Transfer, law: Law) -> dict[str, Any]:
    """The record of one exemption decided for one transfer under ``law`` (a JSON value)."""
    exemption = law.exemptions.get(result.exemption)
    version = None
    if result.version is not None:
        version = next(v.value for v in exemption.versions.versions if v.value.id == result.version)
    conditions = []
    relied: dict[str, Any] = {}
    for n, c in enumerate(result.conditions, start=1):
        known = {k: v for k, v in to_jsonable(dict(c.facts)).items() if v is not None}
        conditions.append(
            {
                "n": n,
                "paragraph": c.paragraph,
                "condition": c.name,
                "from": c.group or "exemption",
                "branch": c.branch,
                "quote": c.quote,
                "source": c.source,
                "confirmed_by": c.confirmed_by,
                "status": c.status,
                "facts": known,
                "why": c.detail,
                "exception": c.exception,
            }
        )
        if c.status != "lifted":
            relied.update(known)
    dod = [c["condition"] for c in conditions if c["confirmed_by"] == "dod_official"]
    exporter = [c["condition"] for c in conditions if c["confirmed_by"] == "exporter"]
    facts = provenance.canonical_json(to_jsonable(transfer))
    subject = f"{transfer.transfer_id} {result.exemption}" + (
        f" {result.branch}" if result.branch else ""
    )
    return {
        "format": RECORD_FORMAT,
        "title": f"Certification record: {result.citation}"
        + (f", {result.branch}" if result.branch else ""),
        "notice": NOTICE,
        "record_id": provenance.decision_id(subject, facts, law.id, law.as_of),
        "exemption": {
            "key": result.exemption,
            "citation": result.citation,
            "title": exemption.title,
            "branch": result.branch,
            "version": result.version,
            "federal_register": version.federal_register if version is not None else None,
            "certification": exemption.certification,
            "carried": list(result.carried),
        },
        "status": result.status,
        "status_means": _STATUS_WORDS[result.status],
        "law": {"id": law.id, "as_of": law.as_of.isoformat(), "reforms": list(law.reforms)},
        "guidelines": to_jsonable(result.guidelines),
        "transfer": to_jsonable(transfer),
        "marking": _marking(result, transfer, law),
        "conditions": conditions,
        "branches": to_jsonable(result.branches),
        "facts_relied_on": relied,
        "open_questions": [
            {"fact": q.id, "question": q.text, "citation": q.citation}
            for q in result.open_questions
        ],
        "obligations": [
            {
                "paragraph": o.id,
                "obligation": o.name,
                "quote": o.quote,
                "confirmed_by": o.confirmed_by,
                "applies_to_kinds": list(o.applies_to_kinds),
            }
            for o in result.obligations
        ],
        "note": result.note,
        "signatures": [
            {
                "role": "exporter",
                "confirms": exporter,
                "name": "",
                "title": "",
                "signature": "",
                "date": "",
            },
            *(
                [
                    {
                        "role": "dod_official",
                        "confirms": dod,
                        "name": "",
                        "title": "",
                        "signature": "",
                        "date": "",
                    }
                ]
                if dod or exemption.certification == "dod"
                else []
            ),
        ],
    }


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Mapping):
        return "; ".join(f"{k} = {_plain(v)}" for k, v in value.items())
    return _plain(value).replace("|", "\\|").replace("\n", " ")


def _plain(value: Any) -> str:
    if value is None:
        return "unknown"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, tuple)):
        return ", ".join(_plain(v) for v in value) or "none"
    return str(value)


_MARK = {"pass": "✔ holds", "fail": "✘ fails", "unknown": "? open", "lifted": "— lifted"}


def record_markdown(record: Mapping[str, Any]) -> str:
    """The record as Markdown, for printing and signing."""
    ex = record["exemption"]
    law = record["law"]
    lines = [
        f"# {record['title']}",
        "",
        f"> {record['notice']}",
        "",
        f"- **Exemption:** {ex['citation']} — {ex['title']}"
        + (f" (branch {ex['branch']})" if ex["branch"] else ""),
        f"- **Version:** {ex['version'] or 'none in force'}"
        + (f" ({ex['federal_register']})" if ex["federal_register"] else ""),
        f"- **Status:** {record['status']} — {record['status_means']}",
        f"- **Transfer:** {record['transfer']['transfer_id']}"
        + (f" — {record['transfer']['description']}" if record["transfer"]["description"] else ""),
        f"- **Law:** {law['id']} as of {law['as_of']}"
        + (f" (changed: {'; '.join(law['reforms'])})" if law["reforms"] else ""),
        f"- **Record id:** {record['record_id']}",
    ]
    if ex["carried"]:
        lines.append(f"- **Conditions carried:** {'; '.join(ex['carried'])}")
    g = record["guidelines"]
    if g:
        lines.append(
            f"- **Organisation guidelines:** {g['id']} — {g['title']} ({g['issuer']}); file "
            f"`{g['file']}`, SHA-256 `{g['sha256']}`"
            + (" — ILLUSTRATIVE, not a real issuance" if g["illustrative"] else "")
        )
    else:
        lines.append("- **Organisation guidelines:** none applied")
    mark = record["marking"]
    if mark:
        text = f"“{mark['text']}”" if mark["text"] else "(none yet)"
        lines.append(
            f"- **Marking ({mark['citation']}):** {text}"
            + (f" — {mark['note']}" if mark["note"] else "")
        )
    lines += [
        "",
        "## Checklist",
        "",
        "| # | paragraph | condition | from | status | confirmed by | facts relied on | why |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for c in record["conditions"]:
        branch = f" [{c['branch']}]" if c["branch"] else ""
        lines.append(
            f"| {c['n']} | {_cell(c['paragraph'])} | {_cell(c['condition'])}{_cell(branch)} | "
            f"{_cell(c['from'])} | {_MARK[c['status']]} | {_cell(c['confirmed_by'])} | "
            f"{_cell(c['facts'])} | {_cell(c['why'])} |"
        )
    lines += ["", "### The words of each condition", ""]
    for c in record["conditions"]:
        lines.append(f"{c['n']}. **{c['paragraph']}** ({c['condition']}): “{c['quote']}”")
        if c["exception"]:
            lines.append(f"   - Exception: {c['exception']}")
    if record["branches"]:
        lines += ["", "## Branches", "", "| branch | status | open |", "|---|---|---|"]
        for b in record["branches"]:
            lines.append(f"| {b['key']} | {b['status']} | {_cell(b['missing'])} |")
    if record["open_questions"]:
        lines += ["", "## Open questions", ""]
        for q in record["open_questions"]:
            lines.append(f"- `{q['fact']}`: {q['question']} [{q['citation']}]")
    lines += ["", "## Facts relied on", ""]
    for k, v in record["facts_relied_on"].items():
        lines.append(f"- `{k}`: {_plain(v)}")
    if record["obligations"]:
        lines += ["", "## Obligations", ""]
        for o in record["obligations"]:
            lines.append(f"- **{o['paragraph']}** ({o['confirmed_by']}): “{o['quote']}”")
    if record["note"]:
        lines += ["", "## What is modelled", "", record["note"]]
    lines += ["", "## Signatures", ""]
    for s in record["signatures"]:
        who = "Exporter" if s["role"] == "exporter" else "DoD official"
        lines += [
            f"**{who}** — confirms conditions: {', '.join(s['confirms']) or 'none'}",
            "",
            "Name: ______________________  Title: ______________________",
            "",
            "Signature: ______________________  Date: ____________",
            "",
        ]
    return "\n".join(lines).rstrip() + "\n"
