"""Search never changes a decision: no engine module imports exportctl.search.

The command line may use search (to show hits and suggestions); the library modules that
decide -- classification, exemptions, screening, transfers, facts, rules -- must not, so that
no decision can rest on a search result or a suggestion.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "exportctl"
#: Packages allowed to use search: the command line (hits, suggestions) and search itself.
NOT_ENGINE = {"cli", "search"}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = "." * node.level + (node.module or "")
            found.add(base)
            sep = "." if node.module else ""
            found.update(f"{base}{sep}{a.name}" for a in node.names)
    return found


def test_engine_modules_do_not_import_search() -> None:
    engine = [
        p
        for p in PACKAGE.rglob("*.py")
        if p.relative_to(PACKAGE).parts[0] not in NOT_ENGINE and p.name != "__main__.py"
    ]
    assert len(engine) > 10
    for path in engine:
        for name in _imports(path):
            assert "search" not in name.split("."), f"{path.relative_to(PACKAGE)} imports {name}"


def test_the_check_sees_an_import_of_search(tmp_path: Path) -> None:
    sample = tmp_path / "x.py"
    for line in ("from .search import suggest", "from . import search", "import exportctl.search"):
        sample.write_text(line + "\n")
        assert any("search" in n.split(".") for n in _imports(sample)), line
