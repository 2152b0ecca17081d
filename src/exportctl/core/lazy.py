"""Names a module imports when they are first used (PEP 562), so that start-up stays short.

One helper for every package that keeps its public names lazy (``exportctl``,
``exportctl.core``, ``exportctl.search``, ``exportctl.corpus.law``)::

    __getattr__, __dir__ = lazy_names(__name__, {"Dated": ".dated", "Law": "exportctl.corpus.law"})

A name's module is imported the first time the name is read; the value is then kept in the
module's namespace, so later reads are ordinary attribute reads.  Type checkers see the names
through ``if TYPE_CHECKING:`` imports next to the table.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Iterable, Mapping
from typing import Any

__all__ = ["lazy_names"]


def lazy_names(
    module: str, homes: Mapping[str, str], also: Iterable[str] = ()
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """A module's ``__getattr__`` and ``__dir__`` for ``homes`` (name -> the module that
    defines it: absolute, or relative to the package ``module`` when it starts with a dot).
    ``also`` names further attributes the module answers itself (listed by ``__dir__``)."""

    def __getattr__(name: str) -> Any:
        home = homes.get(name)
        if home is None:
            raise AttributeError(f"module {module!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(home, module), name)
        setattr(sys.modules[module], name, value)
        return value

    def __dir__() -> list[str]:
        return sorted({*vars(sys.modules[module]), *homes, *also})

    return __getattr__, __dir__
