"""Provenance: what a decision was made under, and its id.

A decision id hashes the subject's id, the facts the decision read (canonical JSON), the law's id
and the date: the same facts decided under another law (a reform, another edition) or on another
date get another id, and the same facts under the same law and date always get the same id,
in any process.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from functools import lru_cache
from typing import Any

import attrs

__all__ = ["Provenance", "canonical_json", "content_hash", "decision_id", "decision_ids"]


def canonical_json(value: Any) -> str:
    """JSON with sorted keys and no insignificant white space (the input of every hash)."""
    result: str = _ENCODER.encode(value)
    return result


#: What ``json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"),
#: default=str)`` builds on every call, built once (the same text).
_ENCODER = json.JSONEncoder(
    sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str
)


def content_hash(*parts: str) -> str:
    """A short, stable hash of the parts (hex, 16 characters)."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode("utf-8"))
        digest.update(b"\x00")
    return digest.hexdigest()[:16]


def decision_id(subject_id: str, facts_key: str, law_id: str, as_of: dt.date) -> str:
    """The id of a decision: subject, facts (canonical JSON), law id and date."""
    key = f"{subject_id}\x00{facts_key}{_tail(law_id, as_of)}"
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:20]


def decision_ids(facts_key: str, law_id: str, as_of: dt.date) -> Callable[[str], str]:
    """:func:`decision_id` of any subject with these facts under this law and date: what follows
    the subject's id is encoded once (the same ids; for the rows of one fact pattern)."""
    rest = f"\x00{facts_key}{_tail(law_id, as_of)}".encode()
    sha256 = hashlib.sha256

    def of(subject_id: str) -> str:
        return sha256(subject_id.encode() + rest).hexdigest()[:20]

    return of


@lru_cache(maxsize=256)
def _tail(law_id: str, as_of: dt.date) -> str:
    """What every decision id under one law and date hashes after the facts."""
    return f"\x00{law_id}\x00{as_of.isoformat()}"


@attrs.frozen
class Provenance:
    """The law a decision was made under: its id, the date, and any reforms applied."""

    law_id: str
    as_of: dt.date
    reforms: tuple[str, ...] = ()
