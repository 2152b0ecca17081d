"""Fixtures for the search tests: the index over the bundled data, and small real subsets."""

from __future__ import annotations

import pytest

from exportctl import law
from exportctl.corpus.ccl import CommerceControlList
from exportctl.corpus.usml import UnitedStatesMunitionsList
from exportctl.search import SearchIndex, build_index


@pytest.fixture(scope="session")
def index() -> SearchIndex:
    """The index over the whole bundled USML and CCL (built in memory, never cached)."""
    return build_index(law().usml, law().ccl, edition_key="tests", cache=False)


def usml_subset(*categories: str) -> UnitedStatesMunitionsList:
    """The bundled USML cut down to some categories (real text, fewer paragraphs)."""
    usml = law().usml
    cats = tuple(c for c in usml.categories if c.roman in categories)
    paragraphs = tuple(p for p in usml.paragraphs if p.category in categories)
    return UnitedStatesMunitionsList(cats, paragraphs, {str(p.ref): p for p in paragraphs})


def ccl_subset(*eccns: str) -> CommerceControlList:
    """The bundled CCL cut down to some ECCNs (real text, fewer entries)."""
    ccl = law().ccl
    kept = tuple(e for e in ccl.eccns if e.eccn in eccns)
    return CommerceControlList(kept, ccl.editions, {e.eccn: e for e in kept})
