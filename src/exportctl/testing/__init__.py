"""Hypothesis strategies for property-based tests of classification rules ("the hypothesis kit").

Install with the ``testing`` extra (``pip install exportctl[testing]``); this module imports
`hypothesis <https://hypothesis.readthedocs.io>`_, nothing else in the package does.

The strategies draw from the bundled data, so every reference they produce names a real
paragraph of the USML (22 CFR 121.1) or the CCL (Supp. No. 1 to 15 CFR part 774), and every
answer is a question of the rule set.  The facts they build are *coherent*: they never raise
:class:`~exportctl.core.facts.ContradictoryFacts` (unless asked to with
``allow_contradictions``), an item's kind agrees with the technical-data paragraphs it is said
to be described in, and
commodity jurisdiction (CJ) and CCATS fields agree with each other and with the candidates.

* :func:`item_kinds` — an item kind of the rule set (``"part"``, ``"technical_data"``, …).
* :func:`usml_references` — a USML paragraph (never reserved, never an ``(x)`` paragraph).
* :func:`eccn_references` — an ECCN item paragraph, optionally of one order-of-review tier.
* :func:`answers` — yes/no answers; a question left out is unknown.
* :func:`item_facts` — an :class:`~exportctl.inputs.items.ItemFacts`, partial or complete.
* :func:`more_facts` — a superset of given facts, for "adding facts …" (monotonicity) tests.
* :func:`fewer_facts` — a subset of given facts (the same tests, from a complete item down).
* :func:`party`, :func:`parties` — parties to a transfer (kinds and flags of 22 CFR 126.7(b)(2)),
  optionally all eligible or one surely ineligible under the version of § 126.7 in force.
* :func:`transfers` — a :class:`~exportctl.inputs.transfers.Transfer` for the AUKUS (§ 126.7) and
  Canadian (§ 126.5) exemptions and § 126.1, partial or complete.
* :func:`fewer_transfer_facts` — the same transfer with some facts forgotten.
* :func:`agreements`, :func:`agreement_parties`, :func:`territories`,
  :func:`fewer_agreement_facts` — agreements under 22 CFR part 124 (TAA, MLA, WDA), valid under
  the law they are drawn for, partial or complete.
* :func:`exemption_transfers` — transfers drawn to meet (or now and then fail) the conditions of
  one exemption of the law, read from its data (§ 125.4, § 126.4 and the groups they carry).
* :func:`laws`, :func:`reforms`, :func:`reform_operations`, :func:`reform_pairs` — the law on a
  date, reforms of it and (baseline, reformed) pairs, for properties of policy changes
  (:mod:`exportctl.testing.reforms`).

With the ``testing`` extra installed, hypothesis's entry point registers exportctl's types
(:mod:`exportctl.testing.hypothesis_plugin`): ``st.from_type(ItemFacts)``, ``Transfer``,
``Party``, ``USMLRef``, ``ECCNRef``, ``Law`` and ``Reform`` draw from these strategies.

A policy test, written with the kit::

    from hypothesis import given
    from exportctl import classify, regulations
    from exportctl.testing import item_facts

    REGS = regulations("2025-11-01")

    @given(item_facts(REGS))
    def test_no_ear99_without_an_eccn_review(facts):
        decision = classify(facts, REGS)
        if decision.classification and decision.classification.reference == "EAR99":
            assert facts.eccn_candidates is not None or facts.ccats_classification is not None
"""

from __future__ import annotations

from exportctl.testing.agreements import (
    AGREEMENT_COUNTRIES,
    agreement_parties,
    agreements,
    fewer_agreement_facts,
    territories,
)
from exportctl.testing.items import (
    ECCN_TIERS,
    EccnTier,
    answers,
    eccn_references,
    fewer_facts,
    item_facts,
    item_kinds,
    more_facts,
    usml_references,
)
from exportctl.testing.reforms import (
    change_dates,
    laws,
    reform_operations,
    reform_pairs,
    reforms,
)
from exportctl.testing.transfers import (
    OTHER_COUNTRIES,
    aukus_countries,
    exemption_transfers,
    fewer_transfer_facts,
    parties,
    party,
    transfers,
)

__all__ = [
    "AGREEMENT_COUNTRIES",
    "ECCN_TIERS",
    "OTHER_COUNTRIES",
    "EccnTier",
    "agreement_parties",
    "agreements",
    "answers",
    "aukus_countries",
    "change_dates",
    "eccn_references",
    "exemption_transfers",
    "fewer_agreement_facts",
    "fewer_facts",
    "fewer_transfer_facts",
    "item_facts",
    "item_kinds",
    "laws",
    "more_facts",
    "parties",
    "party",
    "reform_operations",
    "reform_pairs",
    "reforms",
    "territories",
    "transfers",
    "usml_references",
]
