"""Library values as plain JSON values (the form every record, hash and output is built from).

Frozen attrs classes become objects of their (non-hidden) fields; a class that sets the class
attribute ``as_string = True`` (the USML and ECCN references) becomes its canonical string;
dates become ISO strings, enums their value, sets sorted lists.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping
from typing import Any

import attrs

__all__ = ["to_jsonable"]


def to_jsonable(value: Any, *, every_field: bool = False) -> Any:
    """attrs instances, references, dates, enums and containers as plain JSON values.

    Fields declared with ``repr=False`` (indexes, caches, bulky raw data) are left out unless
    ``every_field`` is true (for content hashes of a whole value).
    """
    if getattr(type(value), "as_string", False):
        return str(value)
    if attrs.has(type(value)):
        return {
            f.name.lstrip("_"): to_jsonable(getattr(value, f.name), every_field=every_field)
            for f in attrs.fields(type(value))
            if every_field or f.repr is not False
        }
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Mapping):
        return {str(k): to_jsonable(v, every_field=every_field) for k, v in value.items()}
    if isinstance(value, (frozenset, set)):
        return sorted(to_jsonable(v, every_field=every_field) for v in value)
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v, every_field=every_field) for v in value]
    return value
