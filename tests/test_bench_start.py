"""The bench's start-up baseline reads the very files ``import exportctl`` + the first look-up
reads (issue 13: "≤ ×2 of import json + loading the same files")."""

from __future__ import annotations

import subprocess
import sys

from tools import bench

_OPENED = (
    "import sys\n"
    "seen = []\n"
    "def hook(event, args):\n"
    "    if event == 'open' and isinstance(args[0], str) and args[0].endswith('.json'):\n"
    "        seen.append(args[0].rsplit('/', 1)[-1])\n"
    "sys.addaudithook(hook)\n"
    "{code}\n"
    "print(' '.join(seen))\n"
)


def _opened(code: str) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", _OPENED.format(code=code)],
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.split()


def test_the_baseline_reads_the_files_the_first_look_up_reads() -> None:
    data = str(bench.ROOT / "src" / "exportctl" / "data")
    ours = _opened(bench._COLD.format(as_of=bench.AS_OF).replace("; ", "\n"))
    theirs = _opened(bench._COLD_JSON.format(data=data, names=bench._COLD_FILES))
    assert sorted(ours) == sorted(theirs) == sorted(bench._COLD_FILES)
    assert "usml-2024-03-25.json" in theirs  # the edition in force on the bench's date


def test_the_baseline_imports_no_pathlib() -> None:
    data = str(bench.ROOT / "src" / "exportctl" / "data")
    code = bench._COLD_JSON.format(data=data, names=bench._COLD_FILES)
    done = subprocess.run(
        [sys.executable, "-c", code + "\nimport sys; print('pathlib' in sys.modules)"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.strip() == "False"
