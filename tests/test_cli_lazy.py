"""The command line imports a command's modules only when the command is looked up
(docs/performance.md, "Start-up is lazy"; issue 13): every command is still there, with every
subcommand, whatever was imported before; running one command does not import the others."""

from __future__ import annotations

import json
import subprocess
import sys
from importlib import resources
from pathlib import Path

from exportctl.cli.base import COMMAND_MODULES

_DATA = Path(str(resources.files("exportctl").joinpath("data")))


def _python(code: str) -> str:
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    ).stdout


_TREE = """
import json, click
{setup}
def tree(cmd, ctx):
    if not isinstance(cmd, click.Group):
        return cmd.callback.__module__
    return {{n: tree(cmd.get_command(ctx, n), ctx) for n in cmd.list_commands(ctx)}}
from exportctl.cli import main
ctx = click.Context(main)
names = main.list_commands(ctx)
found = {{n: tree(main.get_command(ctx, n), ctx) for n in {only}}}
print(json.dumps({{"names": names, "tree": found}}))
"""


def _all_modules_imported() -> dict[str, object]:
    """The command tree once every command module is imported (what the modules define)."""
    setup = "import importlib\nfor m in {mods!r}: importlib.import_module('exportctl.cli.' + m)"
    mods = sorted({m for ms in COMMAND_MODULES.values() for m in ms} | {"classify", "screen"})
    out = json.loads(_python(_TREE.format(setup=setup.format(mods=mods), only="names")))
    assert out["names"] == sorted(out["tree"])
    return dict(out["tree"])


def test_every_command_is_listed_and_looked_up_with_all_its_subcommands() -> None:
    full = _all_modules_imported()
    # The table names every command the modules define, and no other.
    assert sorted(full) == sorted(COMMAND_MODULES)
    for name in COMMAND_MODULES:
        # A fresh process that looks up this command alone finds it whole: every subcommand,
        # from every module that adds one (usml search, etl check).
        out = json.loads(_python(_TREE.format(setup="", only=repr([name]))))
        assert out["names"] == sorted(COMMAND_MODULES)
        assert out["tree"] == {name: full[name]}, name


def test_a_command_imports_only_its_own_modules() -> None:
    code = (
        "import sys\n"
        "from exportctl.cli import main\n"
        "try:\n"
        "    main(['screen', '--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(' '.join(sorted(m for m in sys.modules if m.startswith('exportctl'))))\n"
    )
    loaded = set(_python(code).splitlines()[-1].split())
    assert "exportctl.cli.screen" in loaded
    for other in ("agreements", "diff", "lawcmd", "log", "exemptions", "classify", "lookups"):
        assert f"exportctl.cli.{other}" not in loaded, other
    assert "exportctl.corpus.reforms" not in loaded
    assert "exportctl.engine.agreements" not in loaded


def test_the_version_is_read_without_importing_a_command() -> None:
    code = (
        "import sys\n"
        "from exportctl.cli import main\n"
        "try:\n"
        "    main(['--version'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(' '.join(sorted(m for m in sys.modules if m.startswith('exportctl.cli.'))))\n"
    )
    lines = _python(code).splitlines()
    assert lines[0].startswith("exportctl, version ")
    assert set(lines[1].split()) <= {"exportctl.cli.base", "exportctl.cli.output"}


def test_a_usml_look_up_imports_and_reads_only_what_it_needs() -> None:
    """``import exportctl`` + the first USML look-up (tools/bench.py's start-up figure): the law
    and the USML, not the engines, the CCL, the countries, the command line, the hashing of
    decisions (provenance), the values no look-up reads (law_values) or the ECCN parser; it
    reads (and hashes against MANIFEST.json, whole) only the manifest, the dated rules, the
    rule sets and the edition in force, and decodes of that edition only the paragraphs it
    builds (the paragraph and those above it), not the whole file; it creates no class and
    compiles no expression it does not read.  The paragraph is the one the parsed file gives."""
    code = (
        "import sys\n"
        "import exportctl\n"
        "from exportctl.corpus import bundle\n"
        "read, parsed, hashed = [], [], []\n"
        "real_read, real_parse, real_hash = bundle._read, bundle._parse, bundle._sha256\n"
        "bundle._read = lambda name: read.append(name) or real_read(name)\n"
        "bundle._parse = lambda name, data: parsed.append(name) or real_parse(name, data)\n"
        "bundle._sha256 = lambda data=b'': hashed.append(len(data)) or real_hash(data)\n"
        "p = exportctl.law('2025-06-01').usml_paragraph('XI(a)(3)(xviii)')\n"
        "print(' '.join(read))\n"
        "print(' '.join(parsed))\n"
        "print(max(hashed))\n"
        "print(' '.join(sorted(m for m in sys.modules if m.startswith('exportctl'))))\n"
        "import re\n"
        "law_names, ref_names = vars(sys.modules['exportctl.corpus.law']), vars(sys.modules["
        "'exportctl.corpus.references'])\n"
        "print(' '.join(n for n in ('RuleVersion', 'Relocation') if n in law_names),"
        " ' '.join(n for n in ('ECCNRef', 'parse_eccn') if n in ref_names), sep='|')\n"
        "print('|'.join(sorted(str(k[1]) for k in re._cache)))\n"
        "from exportctl.corpus.usml import usml_from_data\n"
        "whole = usml_from_data(bundle.load_json('usml-2024-03-25.json'))\n"
        "print(p.ref, p == whole.get('XI(a)(3)(xviii)'), p.sme, p.parent)\n"
    )
    read, parsed, hashed, modules, created, compiled, look_up = _python(code).splitlines()
    assert look_up == "XI(a)(3)(xviii) True True XI(a)(3)"
    assert sorted(read.split()) == sorted(
        ["MANIFEST.json", "regulations.json", "rules.json", "usml-2024-03-25.json"]
    )
    # every byte of the edition was hashed (it is the largest file read) ...
    size = (_DATA / "usml-2024-03-25.json").stat().st_size
    assert int(hashed) == size
    # ... and it was not parsed whole
    assert sorted(parsed.split()) == ["MANIFEST.json", "regulations.json", "rules.json"]
    # no class of the law's rule versions, relocations or ECCN references was created ...
    assert created == "|"
    # ... and no expression compiled that the look-up does not read: the ECCN parser's, the
    # readings of "specially designed" (re's own cache holds every pattern compiled)
    patterns = compiled.split("|")
    assert any("(?P<cat>" in p for p in patterns)  # the USML body: the cache is seen
    for unread in ("therefor", "specially designed", "[0-9][A-E][0-9]{3}", "ECCN"):
        assert not any(unread in p for p in patterns), unread
    loaded = set(modules.split())
    assert "exportctl.corpus.usml" in loaded
    for absent in (
        "exportctl.engine",
        "exportctl.cli",
        "exportctl.corpus.ccl",
        "exportctl.corpus.countries",
        "exportctl.core.facts",
        "exportctl.core.provenance",
        "exportctl.corpus.law_values",
        "exportctl.corpus.usml_values",
        "exportctl.corpus.eccn_references",
        "exportctl.search",
    ):
        assert absent not in loaded, absent
