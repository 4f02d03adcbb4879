"""A persistent store of sentence vectors, so a re-run embeds nothing it has seen.

Keys are ``sha256(text)`` under an encoder *identity* (model, version, engine
build, prefix), so vectors of different encoders or builds never mix. The store
is sqlite in WAL mode with a busy timeout, which lets many runs and batch workers
share one file; a lock held past the timeout is a miss (or a skipped store), never a
reason to rebuild a file other processes are using.
A file that sqlite cannot read (garbage, truncation, a foreign database) is
moved aside and rebuilt: the cache only ever costs a re-embed, never a run.
"""

from __future__ import annotations

import hashlib
import logging
import os
import sqlite3
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

__all__ = ["EmbeddingCache", "CacheInfo", "EncoderEntry", "default_cache_path"]

_log = logging.getLogger(__name__)

SCHEMA_VERSION = "1"
FILE_NAME = "embeddings.sqlite"
_BUSY_TIMEOUT_S = 60.0
_CHUNK = 500  # sqlite host-parameter limit is 999 on old builds


def default_cache_path() -> Path:
    """$ALIGNER_CACHE_DIR, else $XDG_CACHE_HOME/aligner, else ~/.cache/aligner."""
    base = os.environ.get("ALIGNER_CACHE_DIR")
    if not base:
        xdg = os.environ.get("XDG_CACHE_HOME")
        base = os.path.join(xdg, "aligner") if xdg else os.path.join(Path.home(), ".cache", "aligner")
    return Path(base) / FILE_NAME


def _busy(exc: sqlite3.Error) -> bool:
    """Locked or busy past the timeout: another process is working, the file is fine."""
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (5, 6)  # SQLITE_BUSY, SQLITE_LOCKED and their extended codes
    return "locked" in str(exc) or "busy" in str(exc)


def text_key(text: str) -> bytes:
    # surrogatepass: lone surrogates are legal in str and must still get a key
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest()


@dataclass(frozen=True)
class EncoderEntry:
    identity: str
    dim: int
    count: int


@dataclass(frozen=True)
class CacheInfo:
    path: str
    size_bytes: int
    encoders: tuple[EncoderEntry, ...]
    rebuilt: int  # times this process found the file unreadable and rebuilt it

    @property
    def vectors(self) -> int:
        return sum(e.count for e in self.encoders)


_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS encoders (
    id INTEGER PRIMARY KEY, identity TEXT NOT NULL UNIQUE, dim INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS vectors (
    enc INTEGER NOT NULL, key BLOB NOT NULL, vec BLOB NOT NULL,
    PRIMARY KEY (enc, key)) WITHOUT ROWID;
"""


class EmbeddingCache:
    """sqlite-backed vector store; every failure degrades to a cache miss.

    ``hits``, ``misses`` and ``stored`` count this object's lookups, so a caller
    can show that a warm run embedded nothing.
    """

    def __init__(self, path: str | os.PathLike | None = None, *, busy_timeout_s: float = _BUSY_TIMEOUT_S):
        p = Path(path) if path is not None else default_cache_path()
        if p.is_dir():
            p = p / FILE_NAME
        self.path = p
        self.busy_timeout_s = busy_timeout_s
        self.hits = 0
        self.misses = 0
        self.stored = 0
        self.rebuilt = 0
        self.disabled_reason = ""  # set when even a rebuilt file cannot be used
        self._conn: sqlite3.Connection | None = None
        self._enc_ids: dict[str, int] = {}
        self._lock = threading.Lock()

    # -- connection management -------------------------------------------

    def _connect(self) -> sqlite3.Connection | None:
        if self._conn is not None:
            return self._conn
        if self.disabled_reason:
            return None
        try:
            self._conn = self._open()
        except sqlite3.OperationalError as exc:
            if not _busy(exc):
                self._rebuild(exc)
            else:  # a miss this time; the next call tries again
                _log.warning("embedding cache %s is busy (%s); embedding without it for now", self.path, exc)
        except sqlite3.DatabaseError as exc:
            self._rebuild(exc)
        except OSError as exc:
            self.disabled_reason = f"cannot create cache at {self.path}: {exc}"
            _log.warning("embedding cache disabled: %s", self.disabled_reason)
        return self._conn

    def _open(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(
            str(self.path), timeout=self.busy_timeout_s, isolation_level=None, check_same_thread=False
        )
        try:
            conn.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout_s * 1000)}")
            # Reading the schema is what detects a non-database or truncated header.
            conn.execute("PRAGMA journal_mode = WAL").fetchone()
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.executescript(_SCHEMA)
            row = conn.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
            if row is None:
                conn.execute("INSERT OR IGNORE INTO meta VALUES ('schema', ?)", (SCHEMA_VERSION,))
            elif row[0] != SCHEMA_VERSION:
                raise sqlite3.DatabaseError(f"cache schema {row[0]!r}, expected {SCHEMA_VERSION!r}")
        except BaseException:
            conn.close()
            raise
        return conn

    def _rebuild(self, exc: BaseException) -> None:
        """Move an unreadable file aside and start empty; disable if that fails too."""
        _log.warning("embedding cache %s is unreadable (%s); rebuilding it", self.path, exc)
        self.close()
        self._enc_ids.clear()
        self.rebuilt += 1
        aside = self.path.with_name(f"{self.path.name}.corrupt-{os.getpid()}")
        try:
            if self.path.exists():
                os.replace(self.path, aside)
            for suffix in ("-wal", "-shm"):
                side = self.path.with_name(self.path.name + suffix)
                if side.exists():
                    side.unlink()
            self._conn = self._open()
            aside.unlink(missing_ok=True)
        except (OSError, sqlite3.DatabaseError) as exc2:
            self._conn = None
            self.disabled_reason = f"cache at {self.path} unusable even after rebuild: {exc2}"
            _log.warning("embedding cache disabled: %s", self.disabled_reason)

    def close(self) -> None:
        if self._conn is not None:
            try:
                self._conn.close()
            except sqlite3.Error:
                pass
            self._conn = None

    def __enter__(self) -> EmbeddingCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _enc_id(self, conn: sqlite3.Connection, identity: str, dim: int, create: bool) -> int | None:
        if identity in self._enc_ids:
            return self._enc_ids[identity]
        row = conn.execute("SELECT id, dim FROM encoders WHERE identity = ?", (identity,)).fetchone()
        if row is None:
            if not create:
                return None
            conn.execute("INSERT OR IGNORE INTO encoders (identity, dim) VALUES (?, ?)", (identity, dim))
            row = conn.execute("SELECT id, dim FROM encoders WHERE identity = ?", (identity,)).fetchone()
        if row[1] != dim:
            raise sqlite3.DatabaseError(f"encoder {identity!r} stored with dim {row[1]}, expected {dim}")
        self._enc_ids[identity] = int(row[0])
        return int(row[0])

    # -- public API ---------------------------------------------------------

    def get_many(self, identity: str, dim: int, texts: Sequence[str]) -> dict[str, np.ndarray]:
        """Vectors already stored for ``texts``; absent or damaged rows are left out."""
        with self._lock:
            found = self._get_many(identity, dim, texts, retry=True)
        self.hits += len(found)
        self.misses += len(set(texts)) - len(found)
        return found

    def _get_many(self, identity: str, dim: int, texts: Sequence[str], retry: bool) -> dict[str, np.ndarray]:
        conn = self._connect()
        if conn is None or not texts:
            return {}
        by_key = {text_key(t): t for t in texts}
        keys = list(by_key)
        found: dict[str, np.ndarray] = {}
        try:
            enc = self._enc_id(conn, identity, dim, create=False)
            if enc is None:
                return {}
            for i in range(0, len(keys), _CHUNK):
                chunk = keys[i : i + _CHUNK]
                marks = ",".join("?" * len(chunk))
                rows = conn.execute(
                    f"SELECT key, vec FROM vectors WHERE enc = ? AND key IN ({marks})", (enc, *chunk)
                ).fetchall()
                for key, blob in rows:
                    if len(blob) != 4 * dim:
                        continue  # a damaged row is a miss; put_many overwrites it
                    found[by_key[bytes(key)]] = np.frombuffer(blob, dtype="<f4")
        except sqlite3.OperationalError as exc:
            if _busy(exc):
                return found
            if not retry:
                return {}
            self._rebuild(exc)
            return self._get_many(identity, dim, texts, retry=False)
        except sqlite3.DatabaseError as exc:
            if not retry:
                return {}
            self._rebuild(exc)
            return self._get_many(identity, dim, texts, retry=False)
        return found

    def put_many(self, identity: str, dim: int, items: Iterable[tuple[str, np.ndarray]]) -> None:
        rows = []
        for text, vec in items:
            v = np.ascontiguousarray(vec, dtype="<f4")
            if v.shape != (dim,):
                raise ValueError(f"vector of shape {v.shape} for dim {dim}")
            rows.append((text_key(text), v.tobytes()))
        if not rows:
            return
        with self._lock:
            self._put(identity, dim, rows, retry=True)

    def _put(self, identity: str, dim: int, rows: list[tuple[bytes, bytes]], retry: bool) -> None:
        conn = self._connect()
        if conn is None:
            return
        try:
            enc = self._enc_id(conn, identity, dim, create=True)
            conn.execute("BEGIN IMMEDIATE")
            try:
                conn.executemany(
                    "INSERT OR REPLACE INTO vectors (enc, key, vec) VALUES (?, ?, ?)",
                    [(enc, k, v) for k, v in rows],
                )
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
            self.stored += len(rows)
        except sqlite3.OperationalError as exc:
            # Locked for longer than the busy timeout, disk full, read-only: skip storing.
            _log.warning("embedding cache: could not store %d vectors: %s", len(rows), exc)
        except sqlite3.DatabaseError as exc:
            if retry:
                self._rebuild(exc)
                self._put(identity, dim, rows, retry=False)

    def info(self) -> CacheInfo:
        entries: list[EncoderEntry] = []
        with self._lock:
            conn = self._connect() if self.path.exists() else None
            if conn is not None:
                try:
                    rows = conn.execute(
                        "SELECT e.identity, e.dim, COUNT(v.key) FROM encoders e "
                        "LEFT JOIN vectors v ON v.enc = e.id GROUP BY e.id ORDER BY e.identity"
                    ).fetchall()
                    entries = [EncoderEntry(r[0], int(r[1]), int(r[2])) for r in rows]
                except sqlite3.DatabaseError as exc:
                    if not (isinstance(exc, sqlite3.OperationalError) and _busy(exc)):
                        self._rebuild(exc)
        size = 0
        for suffix in ("", "-wal"):
            f = self.path.with_name(self.path.name + suffix)
            if f.exists():
                size += f.stat().st_size
        return CacheInfo(str(self.path), size, tuple(entries), self.rebuilt)

    def clear(self, identity: str | None = None) -> int:
        """Delete every vector (or one encoder's); returns how many were removed."""
        with self._lock:
            conn = self._connect()
            if conn is None:
                return 0
            try:
                conn.execute("BEGIN IMMEDIATE")
                if identity is None:
                    n = conn.execute("SELECT COUNT(*) FROM vectors").fetchone()[0]
                    conn.execute("DELETE FROM vectors")
                    conn.execute("DELETE FROM encoders")
                else:
                    row = conn.execute("SELECT id FROM encoders WHERE identity = ?", (identity,)).fetchone()
                    n = 0
                    if row is not None:
                        n = conn.execute("SELECT COUNT(*) FROM vectors WHERE enc = ?", (row[0],)).fetchone()[0]
                        conn.execute("DELETE FROM vectors WHERE enc = ?", (row[0],))
                        conn.execute("DELETE FROM encoders WHERE id = ?", (row[0],))
                conn.execute("COMMIT")
            except sqlite3.DatabaseError as exc:
                if conn.in_transaction:
                    try:
                        conn.execute("ROLLBACK")
                    except sqlite3.Error:
                        pass
                if isinstance(exc, sqlite3.OperationalError) and _busy(exc):
                    from aligner.errors import InputError

                    raise InputError(f"{self.path} is in use by another process ({exc}); "
                                     "clear it when that run has finished") from None
                self._rebuild(exc)
                return 0
            self._enc_ids.clear()
            try:
                conn.execute("VACUUM")
            except sqlite3.OperationalError:
                pass  # another process holds it open; space is reclaimed later
            return int(n)
