"""exportctl's types for ``st.from_type``: registered when hypothesis starts.

``pip install "exportctl[testing]"`` declares this module's :func:`_hypothesis_setup_hook` under
hypothesis's entry point (``[project.entry-points.hypothesis]`` in pyproject.toml); hypothesis
calls it when it is imported, so that ``st.from_type(ItemFacts)`` (or a test annotated with
``@given(facts=...)`` through ``st.builds``) draws from the kit's strategies.  Nothing is loaded
until a strategy is drawn from: each registration is a function of the type, called lazily.

=====================  ==========================================================
type                   strategy
=====================  ==========================================================
``ItemFacts``          :func:`exportctl.testing.item_facts` (today's law)
``Transfer``           :func:`exportctl.testing.transfers`
``Party``              :func:`exportctl.testing.party` (a role drawn)
``USMLRef``            :func:`exportctl.testing.usml_references`
``ECCNRef``            :func:`exportctl.testing.eccn_references`
``Law``                :func:`exportctl.testing.laws`
``Reform``             :func:`exportctl.testing.reforms`
=====================  ==========================================================
"""

from __future__ import annotations

from typing import Any

__all__ = ["_hypothesis_setup_hook", "registered_types"]


def registered_types() -> dict[type, Any]:
    """Each type the hook registers, with the function of the type that gives its strategy."""
    from hypothesis import strategies as st

    from exportctl.corpus.law import Law
    from exportctl.corpus.references import ECCNRef, USMLRef
    from exportctl.corpus.reforms import Reform
    from exportctl.inputs.items import ItemFacts
    from exportctl.inputs.transfers import PARTY_ROLES, Party, Transfer
    from exportctl.testing import (
        eccn_references,
        item_facts,
        laws,
        party,
        reforms,
        transfers,
        usml_references,
    )

    return {
        ItemFacts: lambda _: item_facts(),
        Transfer: lambda _: transfers(),
        Party: lambda _: st.sampled_from(PARTY_ROLES).flatmap(party),
        USMLRef: lambda _: usml_references(),
        ECCNRef: lambda _: eccn_references(),
        Law: lambda _: laws(),
        Reform: lambda _: reforms(),
    }


def _hypothesis_setup_hook() -> None:
    """Register exportctl's types with ``st.register_type_strategy`` (hypothesis calls this)."""
    from hypothesis import strategies as st

    for kind, strategy in registered_types().items():
        st.register_type_strategy(kind, strategy)
