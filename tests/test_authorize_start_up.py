"""What ``exportctl authorize`` of one transfer builds and imports (issue 13, start-up): the
audit log's module only with ``--log`` (tests/test_cli_log.py checks what it logs), and none of
the USML edition's paragraphs but those a rule reads (the leaves a reference stands for are
read from the edition's data: tests/test_fast_precise_paragraphs.py).  Never a speed assertion.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

_RUN = """
import io, json, sys, contextlib
from exportctl.cli import main
import exportctl
out = io.StringIO()
with contextlib.redirect_stdout(out):
    try:
        main(sys.argv[1:])
    except SystemExit as exc:
        code = exc.code
usml = exportctl.law("2025-06-01").usml
pending = usml._pending
print(json.dumps({
    "code": code,
    "lines": len(out.getvalue().splitlines()),
    "audit": "exportctl.audit" in sys.modules,
    "built": None if pending is None else len(pending.built),
}))
"""


def _authorize(tmp_path: Path, *extra: str) -> dict[str, object]:
    rows = (ROOT / "examples" / "transfers.csv").read_text(encoding="utf-8").splitlines()
    one = tmp_path / "one.csv"
    one.write_text("\n".join(rows[:2]) + "\n", encoding="utf-8")
    args = ["authorize", str(one), "--format", "csv", "--as-of", "2025-06-01", "--quiet", *extra]
    done = subprocess.run(
        [sys.executable, "-c", _RUN, *args], capture_output=True, text=True, check=True, timeout=120
    )
    found: dict[str, object] = json.loads(done.stdout.splitlines()[-1])
    return found


def test_one_transfer_without_a_log_imports_no_audit_module(tmp_path: Path) -> None:
    found = _authorize(tmp_path)
    assert found["lines"] == 2  # the header and the transfer's row
    assert found["audit"] is False
    # the paragraphs built are the few a rule read, not the edition's 1,168
    assert isinstance(found["built"], int) and found["built"] < 50


def test_with_a_log_the_audit_module_is_imported(tmp_path: Path) -> None:
    found = _authorize(tmp_path, "--log", str(tmp_path / "log.db"))
    assert found["lines"] == 2
    assert found["audit"] is True
