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

__all__ = ["fields_repr", "lazy_names"]


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


def fields_repr(self: Any) -> str:
    """The ``__repr__`` attrs writes for a class, written once for every class that names it
    (``__repr__ = fields_repr`` in the class body: attrs then leaves the class's own): a repr
    compiled for each class a first look-up creates was about 1 M instructions a class.  The
    same text: the class's name, then each field shown in the repr as ``name=repr(value)`` (or
    its own repr function; a field not set by ``__init__`` and never set shows ``NOTHING``),
    and ``...`` for an object already being written on this thread
    (``tests/test_start_up_repr.py`` compares it with attrs' own).  The objects being written
    are attrs' own per-thread set, so that reprs it compiled and this one nest as attrs' do."""
    from attr import _compat  # imported with attrs, by the class that calls this

    try:
        already: set[int] = _compat.repr_context.already_repring
    except AttributeError:
        already = _compat.repr_context.already_repring = {id(self)}
    else:
        if id(self) in already:
            return "..."
        already.add(id(self))
    try:
        parts = []
        for a in type(self).__attrs_attrs__:
            if a.repr is False:
                continue
            value = getattr(self, a.name) if a.init else getattr(self, a.name, _nothing())
            shown = repr(value) if a.repr is True else f"{a.repr(value)}"
            parts.append(f"{a.name}={shown}")
        name = self.__class__.__qualname__.rsplit(">.", 1)[-1]
        return f"{name}({', '.join(parts)})"
    finally:
        already.remove(id(self))


def _nothing() -> Any:
    from attr import NOTHING

    return NOTHING
