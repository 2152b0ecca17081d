"""The on-disk cache of search indexes: one SQLite file per edition, checked before every use.

Where: ``$EXPORTCTL_CACHE_DIR/search`` if that variable is set, else
``$XDG_CACHE_HOME/exportctl/search``, else ``~/.cache/exportctl/search``.

Each cached index ``<edition>-<key>.sqlite`` has a sidecar ``<edition>-<key>.json`` naming the
content key (a SHA-256 over the index schema version, the tokenizer, every document and the
glossary), the schema version and the SHA-256 of the database file.  A cached index is used only
when all of these match what would be built now and the file's bytes hash to the recorded
value; anything else -- another edition's content, an older schema, a truncated or altered
file, a missing or unreadable sidecar -- is rebuilt and rewritten, never used.  The index is
read into memory, so the file is never written while it is in use.

If the cache directory cannot be written, the index is built in memory and ``cache_note`` says
so; search works the same, only the next process builds again.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sqlite3
import tempfile
import time
from pathlib import Path

from .documents import Document
from .glossary import Glossary
from .index import SCHEMA_VERSION, TOKENIZER, SearchIndex, create_database, regime_rows

__all__ = ["CACHE_ENV", "cache_directory", "content_key", "open_index"]

#: Environment variable naming the cache root (the index goes into its ``search`` folder).
CACHE_ENV = "EXPORTCTL_CACHE_DIR"


def cache_directory() -> Path:
    """Where search indexes are cached (see the module docstring)."""
    override = os.environ.get(CACHE_ENV)
    if override:
        return Path(override) / "search"
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg else Path.home() / ".cache"
    return base / "exportctl" / "search"


def content_key(docs: tuple[Document, ...], glossary: Glossary) -> str:
    """SHA-256 over what the index is built from, and how (schema version, tokenizer)."""
    digest = hashlib.sha256()
    header = {"schema_version": SCHEMA_VERSION, "tokenizer": TOKENIZER}
    digest.update(json.dumps(header, sort_keys=True).encode())
    for doc in docs:
        digest.update(json.dumps(doc.to_data(), sort_keys=True, ensure_ascii=False).encode())
        digest.update(b"\n")
    digest.update(json.dumps(glossary.to_data(), sort_keys=True, ensure_ascii=False).encode())
    return digest.hexdigest()


def _stem(edition_key: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", edition_key)[:64] or "edition"


def _load(db_path: Path, sidecar: Path, key: str) -> tuple[sqlite3.Connection | None, str]:
    """The cached database if it is exactly the one wanted, else None and why not."""
    if not db_path.exists() or not sidecar.exists():
        return None, "no cached index for this content"
    try:
        meta = json.loads(sidecar.read_text(encoding="utf-8"))
        if meta.get("schema_version") != SCHEMA_VERSION or meta.get("content_key") != key:
            return None, "the cached index was built from other content or another schema"
        data = db_path.read_bytes()
        if hashlib.sha256(data).hexdigest() != meta.get("sha256"):
            return None, "the cached index file is damaged (its hash does not match)"
        con = sqlite3.connect(":memory:")
        con.deserialize(data)
        inside = dict(con.execute("SELECT key, value FROM meta").fetchall())
        if inside.get("content_key") != key or inside.get("schema_version") != str(
            SCHEMA_VERSION
        ):
            con.close()
            return None, "the cached index records other content"
        count = con.execute("SELECT count(*) FROM docs").fetchone()[0]
        if count != meta.get("documents"):
            con.close()
            return None, "the cached index is incomplete"
        return con, "read from the cache"
    except (OSError, ValueError, KeyError, TypeError, AttributeError, sqlite3.Error) as exc:
        return None, f"the cached index could not be read ({exc.__class__.__name__})"


def _atomic_write(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _store(
    con: sqlite3.Connection, directory: Path, name: str, key: str, edition_key: str
) -> str | None:
    """Write the index and its sidecar; None when written, else why not."""
    db_path, sidecar = directory / f"{name}.sqlite", directory / f"{name}.json"
    try:
        directory.mkdir(parents=True, exist_ok=True)
        data = con.serialize()
        documents = con.execute("SELECT count(*) FROM docs").fetchone()[0]
        meta = {
            "schema_version": SCHEMA_VERSION,
            "content_key": key,
            "edition_key": edition_key,
            "sha256": hashlib.sha256(data).hexdigest(),
            "documents": documents,
        }
        sidecar.unlink(missing_ok=True)
        _atomic_write(db_path, data)
        _atomic_write(sidecar, (json.dumps(meta, indent=1) + "\n").encode())
    except (OSError, sqlite3.Error, AttributeError) as exc:
        return f"index held in memory: the cache at {directory} cannot be written ({exc})"
    ours = re.compile(re.escape(_stem(edition_key)) + r"-[0-9a-f]{24}\.(?:sqlite|json)")
    for old in directory.iterdir():
        if ours.fullmatch(old.name) and old.stem != name:
            old.unlink(missing_ok=True)  # this edition's index, built from older content
    return None


def open_index(
    docs: tuple[Document, ...], glossary: Glossary, *, edition_key: str, use_cache: bool = True
) -> SearchIndex:
    """The index for ``docs``: from the cache when intact and current, else built (and cached)."""
    start = time.perf_counter()
    key = content_key(docs, glossary)
    if not use_cache:
        con = create_database(docs, key, edition_key)
        return SearchIndex(
            edition_key=edition_key,
            content_key=key,
            glossary=glossary,
            connection=con,
            regime_rows=regime_rows(con),
            origin="built",
            cache_note="cache not used (disabled by the caller)",
            build_seconds=time.perf_counter() - start,
        )
    directory = cache_directory()
    name = f"{_stem(edition_key)}-{key[:24]}"
    cached, why = _load(directory / f"{name}.sqlite", directory / f"{name}.json", key)
    if cached is not None:
        return SearchIndex(
            edition_key=edition_key,
            content_key=key,
            glossary=glossary,
            connection=cached,
            regime_rows=regime_rows(cached),
            origin="cache",
            cache_path=str(directory / f"{name}.sqlite"),
            build_seconds=time.perf_counter() - start,
        )
    con = create_database(docs, key, edition_key)
    elapsed = time.perf_counter() - start
    problem = _store(con, directory, name, key, edition_key)
    return SearchIndex(
        edition_key=edition_key,
        content_key=key,
        glossary=glossary,
        connection=con,
        regime_rows=regime_rows(con),
        origin="built",
        cache_path=None if problem else str(directory / f"{name}.sqlite"),
        cache_note=problem or f"built: {why}",
        build_seconds=elapsed,
    )
