"""One definition each of SME, MT and the reach of "specially designed", used everywhere.

The expectations are computed here from the raw bundled data (``usml.json``: the asterisk and
the "(MT …)" annotation as written on each paragraph, and the paragraph tree), never from the
properties under test; every paragraph of the USML is checked, through the engine
(``classify``), the ETL check (``exclusions._mt``), ``exportctl usml show`` and the testing kit.

* SME — 22 CFR 120.10(c): "All items described within a USML paragraph or subordinate paragraph
  that is preceded by an asterisk (*) are designated Significant Military Equipment": an
  asterisk on the paragraph or on ANY paragraph above it.
* MT — 22 CFR 120.10(d): "Annotation with the parenthetical '(MT)' at the end of a USML entry
  indicates those defense articles that are on the MTCR Annex": the paragraph's own annotation,
  else that of the nearest paragraph above it (a lead-in "…, as follows (MT):" describes its
  articles through its sub-paragraphs; a sub-paragraph's own annotation is the more specific).
* "specially designed" — a control parameter of the paragraph or of a lead-in above it
  (22 CFR 120.11(b)(1)); an "(MT …)" annotation is not a control parameter.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from click.testing import CliRunner

import exportctl
from exportctl.cli import main
from exportctl.corpus.bundle import load_json
from exportctl.corpus.references import parse_usml
from exportctl.engine import exclusions
from exportctl.inputs.transfers import Transfer
from exportctl.testing import usml_references

REGS = exportctl.regulations("2025-11-01")
RULES = exportctl.load_ruleset()
RAW: dict[str, dict[str, Any]] = {p["ref"]: p for p in load_json("usml.json")["paragraphs"]}


def _chain(ref: str) -> list[dict[str, Any]]:
    """The raw paragraph and the raw paragraphs above it, nearest first (by the reference)."""
    parsed = parse_usml(ref)
    refs = [parsed, *reversed([a for a in parsed.ancestors() if a.path])]
    return [RAW[str(r)] for r in refs if str(r) in RAW]


def expected_sme(ref: str) -> bool:
    return any(p["sme_marked"] for p in _chain(ref))


def expected_mt(ref: str) -> str | None:
    """'yes', 'conditional' or None: the nearest annotation as written in the data."""
    for p in _chain(ref):
        if p["mt"]:
            return str(p["mt"]["designated"])
    return None


def _describable(ref: str) -> bool:
    p = RAW[ref]
    return not p["reserved"] and p["label"] != "x" and not p["range_end"]


DESCRIBABLE = sorted(r for r in RAW if _describable(r))


def _cj(ref: str) -> exportctl.Decision:
    facts = exportctl.facts_from_mapping(
        {"item_id": "D", "cj_jurisdiction": "ITAR", "cj_classification": ref}, RULES
    )
    return exportctl.classify(facts, REGS, RULES)


# --------------------------------------------------------------------------------------------
# SME (22 CFR 120.10(c)): the asterisk on the paragraph or on any paragraph above it


def test_sme_reaches_every_subordinate_paragraph_in_classify() -> None:
    """The classification of every USML paragraph carries SME exactly as 120.10(c) reads.

    Pins both "SME dropped from the result" and "SME inherited from the parent only" (the
    paragraphs whose asterisk is two or more levels up, e.g. under XI(a)'s lead-ins)."""
    wrong = []
    for ref in DESCRIBABLE:
        c = _cj(ref).classification
        assert c is not None and c.reference == ref
        if c.significant_military_equipment is not expected_sme(ref):
            wrong.append(ref)
    assert not wrong, f"{len(wrong)} paragraphs with a wrong SME flag, e.g. {wrong[:5]}"


def test_sme_from_a_grandparent_and_above() -> None:
    """The class the parent-only reading loses is large: keep it pinned by count and example."""
    far = [
        r
        for r in DESCRIBABLE
        if expected_sme(r)
        and not RAW[r]["sme_marked"]
        and not (RAW.get(RAW[r]["parent"]) or {}).get("sme_marked", False)
    ]
    assert len(far) >= 100
    for ref in far:
        p = REGS.usml.get(ref)
        assert p.sme and p.sme_from is not None and RAW[str(p.sme_from)]["sme_marked"]


def test_sme_examples() -> None:
    # XI(a)(3)(xviii): "*(3) … radar systems" above it carries the asterisk.
    d = _cj("XI(a)(3)(xviii)")
    assert d.classification is not None and d.classification.significant_military_equipment
    assert d.summary.endswith("[SME]") or "SME" in d.summary
    # I(a) "*Firearms": on the paragraph itself; I(h)(1) has none above it.
    assert REGS.usml.get("I(a)").sme and not expected_sme("I(h)(1)")
    c = _cj("I(h)(1)").classification
    assert c is not None and not c.significant_military_equipment


def test_sme_in_the_build_agrees_with_the_library() -> None:
    """The data build records ``sme``; the library derives it from the asterisks: the same."""
    for ref, raw in RAW.items():
        assert raw["sme"] is expected_sme(ref), ref
        assert REGS.usml.get(ref).sme is expected_sme(ref), ref


# --------------------------------------------------------------------------------------------
# MT (22 CFR 120.10(d)): the nearest annotation


def test_mt_of_a_lead_in_reaches_its_sub_paragraphs() -> None:
    # V(c)(3) "Liquid high energy density fuels, as follows (MT):"
    assert RAW["V(c)(3)(i)"]["mt"] is None
    d = _cj("V(c)(3)(i)")
    assert d.classification is not None and d.classification.mt == "yes"
    p = REGS.usml.get("V(c)(3)(i)")
    assert p.mt is not None and p.mt.designated == "yes" and str(p.mt_from) == "V(c)(3)"
    assert p.mt_marked is None


def test_mt_of_a_sub_paragraph_is_more_specific_than_its_lead_in() -> None:
    # V(f)(4) "Ferrocene derivatives, as follows (MT):" over (xv) "(MT if usable as rocket
    # propellant burning rate modifier)": the condition of (xv) governs its articles.
    p = REGS.usml.get("V(f)(4)(xv)")
    assert p.mt is not None and p.mt.designated == "conditional"
    assert "burning rate modifier" in (p.mt.condition or "")
    article = Transfer("T", transfer_kind="article", usml_classification=p.ref)
    assert exclusions._mt(article, REGS.usml) == (None, ["mt_condition_met"])


def _etl_mt(ref: str) -> tuple[bool | None, list[str]]:
    article = Transfer("T", transfer_kind="article", usml_classification=parse_usml(ref))
    return exclusions._mt(article, REGS.usml)


def test_classify_and_the_etl_check_read_mt_alike_on_every_paragraph() -> None:
    """classify's MT flag and the ETL's "MT designated" test give the same answer everywhere."""
    wrong = []
    for ref in DESCRIBABLE:
        want = expected_mt(ref)
        c = _cj(ref).classification
        assert c is not None and c.reference == ref
        got = None if c.mt is None else ("yes" if c.mt == "yes" else "conditional")
        etl = _etl_mt(ref)
        etl_reading = {(True, ()): "yes", (None, ("mt_condition_met",)): "conditional"}.get(
            (etl[0], tuple(etl[1])), None if etl == (False, []) else "?"
        )
        if not (got == want == etl_reading):
            wrong.append((ref, want, got, etl_reading))
    assert not wrong, f"{len(wrong)} paragraphs disagree, e.g. {wrong[:5]}"


# --------------------------------------------------------------------------------------------
# "specially designed": one reach, never read from an (MT …) annotation

_MT_ANNOTATION = re.compile(r"\(MT\b(?:[^()]|\((?:[^()]|\([^()]*\))*\))*\)")


def _controls_by_specially_designed(ref: str) -> bool:
    """Independent reading: "specially designed" in the text of the paragraph or a lead-in
    above it, once the "(MT …)" annotations are taken out."""
    return any(
        "specially designed" in _MT_ANNOTATION.sub("", p["text"]).lower() for p in _chain(ref)
    )


def test_mt_annotations_are_not_a_control_parameter() -> None:
    for ref in ("IV(h)(21)", "VII(c)", "XIII(i)", "XIII(i)(1)", "XIII(i)(5)"):
        assert "specially designed" in json.dumps([p["text"] for p in _chain(ref)]), (
            ref
        )  # the words are there, inside the annotation
        assert REGS.usml.get(ref).specially_designed_scope == "none", ref
    # IV(h)(20): "… and specially designed parts and components therefor …" outside it.
    assert REGS.usml.get("IV(h)(20)").specially_designed_scope == "parts"


@pytest.mark.parametrize(
    ("ref", "kind"),
    [("IV(h)(21)", "part"), ("VII(c)", "end_item"), ("XIII(i)(1)", "software")],
)
def test_an_item_enumerated_under_an_mt_annotation_is_never_released(ref: str, kind: str) -> None:
    """Not caught by 120.41(a) and even released by (b): an enumerated item stays described."""
    answers = {
        "itar_peculiarly_responsible": False,
        "itar_for_use_in_defense_article": False,
        "fastener_class": kind in RULES.itar.release_kinds,
    }
    facts = exportctl.facts_from_mapping(
        {"item_id": "E", "item_kind": kind, "usml_candidates": [ref], "answers": answers}, RULES
    )
    d = exportctl.classify(facts, REGS, RULES)
    assert d.jurisdiction == "ITAR" and d.classification is not None, d.trace
    assert d.classification.reference == ref


def test_specially_designed_reach_on_every_paragraph() -> None:
    """The engine's reach (the one definition) agrees with the independent reading above."""
    wrong = [
        ref
        for ref in RAW
        if REGS.usml.get(ref).specially_designed_control != _controls_by_specially_designed(ref)
    ]
    assert not wrong, f"{len(wrong)} paragraphs, e.g. {wrong[:5]}"


def test_the_kit_draws_by_the_same_reach() -> None:
    from hypothesis import find

    for flag in (True, False):
        ref = find(
            usml_references(REGS, specially_designed=flag, technical_data=False),
            lambda r, flag=flag: _controls_by_specially_designed(str(r)) is flag,
        )
        assert REGS.usml.get(ref).specially_designed_control is flag
    # the 83 lead-in children the old flag got wrong are drawn as "specially designed"
    sd = set(exportctl.testing.items._usml_refs(REGS, specially_designed=True))
    assert parse_usml("XV(e)(1)(ii)") in sd and parse_usml("VIII(h)(1)(i)") in sd
    assert parse_usml("IV(h)(21)") not in sd


# --------------------------------------------------------------------------------------------
# `exportctl usml show` prints the same definitions


def _show(ref: str) -> dict[str, Any]:
    result = CliRunner().invoke(main, ["usml", "show", ref, "--format", "json"])
    assert result.exit_code == 0, result.output
    doc: dict[str, Any] = json.loads(result.stdout)
    return doc


SHOWN = [
    "V(c)(3)(i)",  # MT from the lead-in
    "V(f)(4)(xv)",  # its own condition
    "XV(e)(1)(ii)",  # "specially designed" from the lead-in
    "VIII(h)(1)(i)",
    "IV(h)(21)",  # not from the MT annotation
    "XI(a)(3)(xviii)",  # SME from two levels up
    "I(a)",
]


@pytest.mark.parametrize("ref", SHOWN)
def test_usml_show_prints_the_engines_flags(ref: str) -> None:
    doc = _show(ref)
    c = _cj(ref).classification
    assert c is not None and (
        doc["significant_military_equipment"] is c.significant_military_equipment
    )
    assert doc["significant_military_equipment"] is expected_sme(ref)
    want_mt = expected_mt(ref)
    assert (doc["mt"] or "").split(" ")[0] == (want_mt or "")
    assert doc["specially_designed_control"] is _controls_by_specially_designed(ref)
    assert doc["specially_designed_scope"] == REGS.usml.get(ref).specially_designed_scope
    if want_mt:
        assert doc["mt_annotation_on"] is not None and RAW[doc["mt_annotation_on"]]["mt"]


def test_usml_show_on_every_paragraph_agrees_with_the_engine() -> None:
    """All 83 paragraphs the old flag printed wrong, and every other one."""
    runner = CliRunner()
    wrong = []
    for ref in DESCRIBABLE:
        out = runner.invoke(main, ["usml", "show", ref, "--format", "json"])
        doc = json.loads(out.stdout)
        if doc["specially_designed_control"] != _controls_by_specially_designed(ref) or (
            (doc["mt"] or "").split(" ")[0] != (expected_mt(ref) or "")
        ):
            wrong.append(ref)
    assert not wrong, f"{len(wrong)} paragraphs, e.g. {wrong[:5]}"
