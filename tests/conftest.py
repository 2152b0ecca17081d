"""Shared fixtures: the bundled regulations, and where the reference files are (if present)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

import exportctl

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = (ROOT / ".." / "shared" / "reference").resolve()

# The data build (tools/) is importable from the repository root.
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


@pytest.fixture(scope="session")
def regs() -> exportctl.Regulations:
    return exportctl.regulations("2025-11-01")


@pytest.fixture(scope="session")
def reference() -> Path:
    if not REFERENCE.is_dir():
        pytest.skip("the reference files (../shared/reference) are not beside this checkout")
    return REFERENCE
