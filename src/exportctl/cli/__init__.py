"""The ``exportctl`` command: a thin click layer over the library (no rule logic here).

One module per command group (:mod:`~exportctl.cli.lookups`, :mod:`~exportctl.cli.search`,
:mod:`~exportctl.cli.classify`, :mod:`~exportctl.cli.screen`, :mod:`~exportctl.cli.exemptions`,
:mod:`~exportctl.cli.agreements`, :mod:`~exportctl.cli.diff`, :mod:`~exportctl.cli.lawcmd`,
:mod:`~exportctl.cli.log`), one
batch reader and writer (:mod:`~exportctl.cli.batch`), and the output formats
(:mod:`~exportctl.cli.output`, :mod:`~exportctl.cli.report`).
"""

from __future__ import annotations

from typing import Any

from exportctl.cli.base import main

#: The command modules: each is imported when its command is looked up (start-up stays short),
#: or when its name is read here (``exportctl.cli.screen``).
_MODULES = (
    "agreements",
    "classify",
    "diff",
    "exemptions",
    "lawcmd",
    "log",
    "lookups",
    "screen",
    "search",
)


def __getattr__(name: str) -> Any:
    if name in _MODULES:
        import importlib

        return importlib.import_module(f"exportctl.cli.{name}")
    raise AttributeError(f"module 'exportctl.cli' has no attribute {name!r}")


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
