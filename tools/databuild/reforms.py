"""The named scenarios of data/reforms/*.toml, checked and bundled as reforms.json.

Each scenario is a reform in its file form (docs/scenarios.md).  The build reads it with the
library's own reader (:func:`exportctl.corpus.reforms.reform_from_data`: every key known, every
operation well formed), checks that its name is its file name, that its source's ``quote`` is
found verbatim in the text its ``source`` names (``seed:`` for the DIB report, as in data/law/),
and so is every change's own ``quote``; an exemption file a change adds is checked like a file of
data/law/ (every quote against its source).  The TOML text is bundled as written, with the files
it names, so the installed package loads a scenario by name and shows it to copy.  Whether each
scenario fits the bundled law (rows, paragraphs, ECCNs, sets that exist) is checked when it is
loaded, and by tests/test_reforms_scenarios.py on several dates.
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

from exportctl.corpus.reforms import AddExemption, ReformError, reform_from_data

from . import lawdata
from .common import DATA, BuildError

REFORMS = DATA / "reforms"
#: The seed the scenarios quote (its hash goes into the manifest's inputs).
INPUTS = ["../seeds/dib-innovation-cooperation-with-allies-report.txt"]


def _beside(folder: Path) -> Any:
    def load(name: str) -> Any:
        if "/" in name or "\\" in name or name.startswith("."):
            raise ValueError("name a file beside the reform, without a directory")
        return json.loads((folder / name).read_text(encoding="utf-8"))

    return load


def check_scenario(reference: Path, path: Path) -> dict[str, Any]:
    """One scenario: read, named after its file, every quote found in its source."""
    where = f"data/reforms/{path.name}"
    text = path.read_text(encoding="utf-8")
    try:
        raw = tomllib.loads(text)
        reform = reform_from_data(raw, file=where, text=text, load_file=_beside(path.parent))
    except (tomllib.TOMLDecodeError, ReformError) as exc:
        raise BuildError(f"{where}: {exc}") from exc
    if reform.name != path.stem:
        raise BuildError(f"{where}: name {reform.name!r} is not the file's name {path.stem!r}")
    lawdata.check_quote(reference, f"{where} [source]", reform.source.source, reform.source.quote)
    files: dict[str, Any] = {}
    for n, (change, op) in enumerate(zip(raw["change"], reform.operations, strict=True), start=1):
        if op.quote:
            source = change.get("source") or reform.source.source
            lawdata.check_quote(reference, f"{where} change {n}", source, op.quote)
        if isinstance(op, AddExemption):
            lawdata.check_file(reference, path.parent / op.file)
            files[op.file] = dict(op.data)
    return {"file": where, "text": text, "files": files}


def build(reference: Path) -> dict[str, Any]:
    scenarios = {p.stem: check_scenario(reference, p) for p in sorted(REFORMS.glob("*.toml"))}
    if not scenarios:
        raise BuildError("data/reforms holds no scenario (*.toml)")
    return {
        "what": "The named scenarios of data/reforms/*.toml, as written, with the files they "
        "name (docs/scenarios.md); loaded by exportctl.corpus.reforms.bundled_reform(name).",
        "reforms": scenarios,
    }
