"""The law's readings as data (data/law/): every quote is in the text its source names."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tools.databuild import lawdata
from tools.databuild.common import BuildError


def test_every_law_file_quotes_its_source(reference: Path) -> None:
    checked = lawdata.check_all(reference)
    assert all(k.split(":", 1)[0] in lawdata.KINDS for k in checked)


def test_a_quote_not_in_the_text_fails_the_build(reference: Path, tmp_path: Path) -> None:
    bad = {
        "kind": "conditions",
        "key": "125.4(a)",
        "citation": "22 CFR 125.4(a)",
        "title": "t",
        "versions": [{"requirements": [{"source": "clause:SEC-125.4(a)", "quote": "no such words"}]}],
    }
    path = tmp_path / "x.json"
    path.write_text(json.dumps(bad), encoding="utf-8")
    with pytest.raises(BuildError, match="is not in clause:SEC-125.4"):
        lawdata.check_file(reference, path)


def test_an_amount_must_be_written_with_its_comparator(reference: Path) -> None:
    ok = {"amount": 14000000, "comparator": "or more", "quote": "$14,000,000 or more"}
    lawdata.check_comparator("ok", ok)
    with pytest.raises(BuildError, match="is not written"):
        lawdata.check_comparator("x", {**ok, "comparator": "exceeds"})
    with pytest.raises(BuildError, match="is not one of"):
        lawdata.check_comparator("x", {**ok, "comparator": "above"})
