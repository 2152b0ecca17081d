"""The documentation's code runs exactly as printed: every ```python block of docs/testing-kit.md,
docs/scenarios.md and docs/diff.md is executed from the page's text, unchanged, and every
``test_*`` function it defines is called, as pytest would call it in a file of its own.

The worked suite uses ``st.from_type`` with exportctl's types, which hypothesis's entry point
registers once the package is installed (``pip install "exportctl[testing]"``); this checkout is
not installed with that entry point, so the harness calls the same hook first
(tests/test_hypothesis_plugin.py checks the entry point itself).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from exportctl.testing.hypothesis_plugin import _hypothesis_setup_hook

DOCS = Path(__file__).resolve().parents[1] / "docs"
PAGES = ("testing-kit.md", "scenarios.md", "diff.md")
_BLOCK = re.compile(r"^```python\n(.*?)^```", re.DOTALL | re.MULTILINE)


def blocks() -> list[tuple[str, int, str]]:
    out = []
    for page in PAGES:
        text = (DOCS / page).read_text("utf-8")
        for n, match in enumerate(_BLOCK.finditer(text), start=1):
            out.append((page, n, match.group(1)))
    return out


def test_every_page_has_code_to_run() -> None:
    pages = {page for page, _, _ in blocks()}
    assert pages == set(PAGES)
    assert sum(1 for page, _, _ in blocks() if page == "testing-kit.md") >= 3


@pytest.mark.parametrize(
    ("page", "n", "code"), [pytest.param(*b, id=f"{b[0]}-{b[1]}") for b in blocks()]
)
def test_the_code_runs_as_printed(
    page: str, n: int, code: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(DOCS.parent)  # the pages name files as from the repository's root
    _hypothesis_setup_hook()
    namespace: dict[str, Any] = {"__name__": f"docs_{page}_{n}"}
    exec(compile(code, f"docs/{page}, block {n}", "exec"), namespace)
    tests = [v for k, v in namespace.items() if k.startswith("test_") and callable(v)]
    for test in tests:
        test()
