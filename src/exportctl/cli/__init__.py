"""The ``exportctl`` command: a thin click layer over the library (no rule logic here).

One module per command group (:mod:`~exportctl.cli.lookups`, :mod:`~exportctl.cli.search`,
:mod:`~exportctl.cli.classify`, :mod:`~exportctl.cli.screen`, :mod:`~exportctl.cli.exemptions`,
:mod:`~exportctl.cli.agreements`, :mod:`~exportctl.cli.diff`, :mod:`~exportctl.cli.lawcmd`,
:mod:`~exportctl.cli.log`), one
batch reader and writer (:mod:`~exportctl.cli.batch`), and the output formats
(:mod:`~exportctl.cli.output`, :mod:`~exportctl.cli.report`).
"""

from __future__ import annotations

from exportctl.cli import (
    agreements,
    classify,
    diff,
    exemptions,
    lawcmd,
    log,
    lookups,
    screen,
    search,
)
from exportctl.cli.base import main

__all__ = [
    "agreements",
    "classify",
    "diff",
    "exemptions",
    "lawcmd",
    "log",
    "lookups",
    "main",
    "screen",
    "search",
]

if __name__ == "__main__":  # pragma: no cover
    main()
