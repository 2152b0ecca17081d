"""exportctl's types registered through hypothesis's entry point (pyproject.toml,
``[project.entry-points.hypothesis]``): ``st.from_type`` draws from the kit.

The entry point is read from pyproject.toml and installed, in a fresh interpreter, as the
metadata of a throw-away distribution on its path: exactly what ``pip install
"exportctl[testing]"`` leaves behind, without installing anything.  (tools/wheel_smoke.py checks
the same from the built wheel.)
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

PROBE = textwrap.dedent(
    """
    import hypothesis
    from hypothesis import given, settings, strategies as st
    import exportctl
    from exportctl.corpus.reforms import Reform

    @settings(max_examples=8, database=None, deadline=None)
    @given(
        st.from_type(exportctl.ItemFacts),
        st.from_type(exportctl.Transfer),
        st.from_type(exportctl.Party),
        st.from_type(exportctl.USMLRef),
        st.from_type(exportctl.ECCNRef),
        st.from_type(exportctl.Law),
        st.from_type(Reform),
    )
    def check(facts, transfer, party, usml, eccn, law, reform):
        assert isinstance(facts, exportctl.ItemFacts) and facts.item_id
        assert isinstance(transfer, exportctl.Transfer)
        assert isinstance(party, exportctl.Party)
        assert exportctl.law().usml.exists(usml)
        assert exportctl.law().ccl.exists(eccn)
        assert isinstance(law, exportctl.Law) and law.edition("usml")
        assert reform.apply(exportctl.law()).reforms

    check()
    print("from_type OK")
    """
)


def _entry_point() -> str:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    hooks = pyproject["project"]["entry-points"]["hypothesis"]
    assert list(hooks) == ["exportctl"]
    value: str = hooks["exportctl"]
    assert value == "exportctl.testing.hypothesis_plugin:_hypothesis_setup_hook"
    return value


def _run(tmp_path: Path, with_entry_point: bool) -> subprocess.CompletedProcess[str]:
    site = tmp_path / "site"
    info = site / "exportctl_entry_point_probe-0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: exportctl-entry-point-probe\nVersion: 0\n", "utf-8"
    )
    if with_entry_point:
        (info / "entry_points.txt").write_text(
            f"[hypothesis]\nexportctl = {_entry_point()}\n", "utf-8"
        )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(site), str(ROOT / "src")])}
    env.pop("HYPOTHESIS_NO_PLUGINS", None)
    if not with_entry_point:
        # no plugin at all (a build's src/exportctl.egg-info would declare the hook too)
        env["HYPOTHESIS_NO_PLUGINS"] = "1"
    return subprocess.run(
        [sys.executable, "-c", PROBE],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=600,
    )


def test_from_type_draws_exportctl_types_through_the_entry_point(tmp_path: Path) -> None:
    result = _run(tmp_path, with_entry_point=True)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "from_type OK" in result.stdout


def test_without_the_entry_point_from_type_cannot_draw_them(tmp_path: Path) -> None:
    """The probe fails without the hook (the types need the kit: from_type alone cannot build
    a valid item), so the test above is about the entry point."""
    result = _run(tmp_path, with_entry_point=False)
    assert result.returncode != 0


def test_the_hook_registers_every_type_it_names() -> None:
    from exportctl.testing.hypothesis_plugin import registered_types

    names = {t.__name__ for t in registered_types()}
    assert names == {"ItemFacts", "Transfer", "Party", "USMLRef", "ECCNRef", "Law", "Reform"}
