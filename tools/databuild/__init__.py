"""The data build: reference files + reviewed errata -> src/exportctl/data/*.json."""

import sys
from pathlib import Path

# The build reads the package's own parsers (exportctl.corpus.references, …) from the source tree.
_SRC = str(Path(__file__).resolve().parents[2] / "src")
if _SRC not in sys.path:
    sys.path.insert(0, _SRC)
