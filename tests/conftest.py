"""Shared fixtures: the bundled regulations, and where the reference files are (if present)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

import exportctl

# In CI the property tests run derandomized: the same examples every run, so a submission's
# result does not depend on luck.  Locally they explore new examples each run.  Neither a
# deadline nor the "generation is slow" health check applies there: CI machines may be shared,
# and how long an example takes to draw says nothing of whether a decision is right (the
# doctests of exportctl.testing failed that check here under a load of 6 on 2 cores).
settings.register_profile(
    "ci",
    derandomize=True,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
if os.environ.get("CI"):
    settings.load_profile("ci")

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = (ROOT / ".." / "shared" / "reference").resolve()

# The data build (tools/) is importable from the repository root.
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


@pytest.fixture(scope="session", autouse=True)
def _search_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Search indexes built by the tests are cached in a temporary folder, not the user's."""
    os.environ.setdefault("EXPORTCTL_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))


@pytest.fixture(scope="session")
def regs() -> exportctl.Regulations:
    return exportctl.regulations("2025-11-01")


@pytest.fixture(scope="session")
def reference() -> Path:
    if not REFERENCE.is_dir():
        pytest.skip("the reference files (../shared/reference) are not beside this checkout")
    return REFERENCE
