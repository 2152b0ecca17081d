"""Build the wheel, install it into a fresh virtual environment, run a look-up from it.

Proves the bundled data ships inside the wheel and is found after a plain `pip install`
(not only in an editable install).  Exit status 0 on success.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="exportctl-wheel-") as tmp:
        tmpdir = Path(tmp)
        dist = tmpdir / "dist"
        subprocess.run(
            [sys.executable, "-m", "build", "--wheel", "--outdir", str(dist), str(ROOT)], check=True
        )
        wheels = sorted(dist.glob("exportctl-*.whl"))
        if len(wheels) != 1:
            print(f"wheel_smoke: expected one wheel, found {wheels}", file=sys.stderr)
            return 1
        env_dir = tmpdir / "venv"
        venv.create(env_dir, with_pip=True)
        py = env_dir / ("Scripts" if sys.platform == "win32" else "bin") / "python"
        # The testing extra too: hypothesis finds exportctl's types through its entry point.
        subprocess.run(
            [str(py), "-m", "pip", "install", "--quiet", f"{wheels[0]}[testing]"], check=True
        )
        probe = (
            "import exportctl, sys;"
            "r = exportctl.regulations('2025-01-15');"
            "p = r.usml_paragraph('XI(a)(3)(xviii)');"
            "assert p.sme, p;"
            "assert len(r.usml) > 1100 and len(r.etl) == 28, (len(r.usml), len(r.etl));"
            "assert 'site-packages' in exportctl.__file__, exportctl.__file__;"
            "print('wheel_smoke: look-up from the installed wheel OK:',"
            " p.designation, r.data_version)"
        )
        subprocess.run([str(py), "-c", probe], check=True, cwd=tmpdir)
        cli = env_dir / "bin" / "exportctl"
        subprocess.run(
            [str(cli), "usml", "show", "IV(a)", "--format", "json"],
            check=True,
            cwd=tmpdir,
            stdout=subprocess.DEVNULL,
        )
        print("wheel_smoke: CLI from the installed wheel OK")
        reforms = (
            "import exportctl;"
            "from exportctl.corpus.reforms import bundled_reform, bundled_reforms;"
            "assert 'etl-eliminated' in bundled_reforms(), bundled_reforms();"
            "law = exportctl.law('2026-01-15');"
            "assert len(bundled_reform('etl-eliminated').apply(law).etl) == 0;"
            "from hypothesis import strategies as st;"
            "facts = st.from_type(exportctl.ItemFacts).example();"
            "assert isinstance(facts, exportctl.ItemFacts), facts;"
            "print('wheel_smoke: bundled reforms and st.from_type (entry point) OK')"
        )
        subprocess.run([str(py), "-W", "ignore", "-c", reforms], check=True, cwd=tmpdir)
        subprocess.run(
            [
                str(cli),
                "diff",
                str(ROOT / "examples" / "transfers.csv"),
                "--reform",
                "etl-eliminated",
                "--as-of",
                "2026-01-15",
                "--summary",
                "--quiet",
                "--exit-zero",
            ],
            check=True,
            cwd=tmpdir,
            stdout=subprocess.DEVNULL,
        )
        print("wheel_smoke: exportctl diff from the installed wheel OK")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
