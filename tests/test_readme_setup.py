"""The README's two set-up commands work on a fresh Debian/Ubuntu machine (issue 14, item 1).

Debian's and Ubuntu's system Python refuse ``pip install`` outside a virtual environment
("externally-managed-environment", PEP 668): the commands, and the CI entry point that runs the
test command, must install into a virtual environment of their own, never with the system pip.
(The commands were run as written with /usr/bin/python3 of a Debian machine; see the report.)
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _setup_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## Set up") : text.index("## The command line")]
    return re.findall(r"```sh\n(.*?)\n```", section, flags=re.S)


def test_two_commands_each_in_a_virtual_environment() -> None:
    commands = _setup_commands()
    assert len(commands) == 2, commands
    main_job, tests = commands
    for command in commands:
        assert "\n" not in command  # one command line each
        assert command.startswith("python3 -m venv .venv && .venv/bin/python -m pip install ")
        # never the system pip, never around PEP 668
        assert not re.search(r"(^|&& )(python3 -m pip|pip3?) ", command)
        assert "--break-system-packages" not in command and "--user" not in command
    assert ".venv/bin/exportctl screen examples/parts_list.csv" in main_job
    assert main_job.split(" && ")[1] == ".venv/bin/python -m pip install ."
    assert tests.endswith("&& .venv/bin/nox")


def test_ci_installs_nox_into_its_own_environment() -> None:
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    lines = [ln.strip() for ln in script.splitlines() if not ln.strip().startswith("#")]
    # The system pip only as the last resort, when neither venv nor virtualenv can make an
    # environment (a CI image's own Python; a PEP 668 Python refuses it with its own message).
    system = [i for i, ln in enumerate(lines) if re.match(r"python3 -m pip\b|pip3? ", ln)]
    last_resort = next(i for i, ln in enumerate(lines) if "no virtual environment possible" in ln)
    assert all(i > last_resort for i in system)
    assert lines.index("python3 -m virtualenv --quiet .venv") < last_resort
    assert "python3 -m venv .venv" in script
    assert any(ln.startswith(".venv/bin/python -m pip install") for ln in lines)
    assert any(ln.startswith("exec .venv/bin/python -m nox") for ln in lines)
