"""Shell completion (docs/completion.md): click prints the bash script for exportctl, and
completing a partial command offers the commands that start with it."""

from __future__ import annotations

import os
import subprocess
import sys

from click.testing import CliRunner

from exportctl.cli import main


def test_the_bash_completion_script_is_printed() -> None:
    result = CliRunner().invoke(
        main, [], prog_name="exportctl", env={"_EXPORTCTL_COMPLETE": "bash_source"}
    )
    assert result.exit_code == 0
    assert "_exportctl_completion()" in result.stdout
    assert "complete -o nosort -F _exportctl_completion exportctl" in result.stdout


def _bash_complete(words: str, cword: int) -> list[str]:
    """What bash completion offers for ``words`` with the cursor in word ``cword`` (a fresh
    process, as the shell runs it)."""
    env = {
        **os.environ,
        "_EXPORTCTL_COMPLETE": "bash_complete",
        "COMP_WORDS": words,
        "COMP_CWORD": str(cword),
    }
    out = subprocess.run(
        [sys.executable, "-c", "from exportctl.cli import main; main(prog_name='exportctl')"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    return out.splitlines()


def test_completing_lo_offers_log_and_the_lookups() -> None:
    assert "plain,log" in _bash_complete("exportctl lo", 1)


def test_completing_an_option_choice() -> None:
    assert _bash_complete("exportctl log export x.db --format j", 5) == ["plain,jsonl"]
