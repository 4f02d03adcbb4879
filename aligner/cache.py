"""A persistent store of sentence vectors, so a re-run embeds nothing it has seen.

Keys are ``sha256(text)`` under an encoder *identity* (model, version, engine
build, prefix), so vectors of different encoders or builds never mix. The store
is sqlite in WAL mode with a busy timeout, which lets many runs and batch workers
share one file; a lock held past the timeout is a miss (or a skipped store), never a
reason to rebuild a file other processes are using.

The path is the user's to choose, so the cache opens only a file that is its
own: sqlite's magic header plus our ``application_id`` (or the three tables of
the previous release, which has none). Anything else (notes, another
program's database) is refused untouched. Every row carries a checksum of its
encoder identity, key and vector; a row that fails it is a miss, re-embedded
and overwritten. A file of ours that sqlite cannot read any more is moved aside
and rebuilt: damage to the cache only ever costs a re-embed, never a run.
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

from aligner.errors import InputError

__all__ = ["APPLICATION_ID", "SCHEMA_VERSION", "CacheInfo", "EmbeddingCache", "EncoderEntry", "VerifyReport",
           "default_cache_path"]

_log = logging.getLogger(__name__)

APPLICATION_ID = 0x416C6E45  # "AlnE" in the sqlite header: this file is an aligner embedding cache
SCHEMA_VERSION = 2  # PRAGMA user_version; the previous release wrote 0 and no checksums
_LEGACY_TABLES = frozenset({"meta", "encoders", "vectors"})
_MAGIC = b"SQLite format 3\x00"
_UNIT_TOLERANCE = 1e-3  # |norm^2 - 1| of an L2-normalised float32 row; damage is far larger
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


def _damaged(exc: BaseException) -> bool:
    """The file itself is broken (only then is rebuilding it right).

    A full disk, an I/O error, a read-only place or a lock is not damage: the
    file stays, this call is a miss.
    """
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (11, 26)  # SQLITE_CORRUPT, SQLITE_NOTADB
    return not (isinstance(exc, sqlite3.OperationalError) and _busy(exc))  # our own checks raise damage


def text_key(text: str) -> bytes:
    # surrogatepass: lone surrogates are legal in str and must still get a key
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest()


def row_checksum(identity: str, key: bytes, vec: bytes) -> bytes:
    """What a row must hash to: a flipped bit in the vector, the key or the encoder shows."""
    h = hashlib.blake2b(digest_size=16)
    h.update(identity.encode("utf-8", "surrogatepass") + b"\0")
    h.update(key)
    h.update(vec)
    return h.digest()


def _sound(identity: str, dim: int, key: bytes, vec: bytes, checksum: bytes | None) -> bool:
    if len(vec) != 4 * dim:
        return False
    if checksum is not None:
        return bytes(checksum) == row_checksum(identity, bytes(key), bytes(vec))
    # a row of the previous release has no checksum: only a finite unit vector passes
    v = np.frombuffer(vec, dtype="<f4").astype(np.float64)
    return bool(np.isfinite(v).all()) and abs(float(v @ v) - 1.0) < _UNIT_TOLERANCE


def _not_ours(path: Path, why: str) -> InputError:
    return InputError(f"{path} is not an aligner embedding cache ({why}); it was left as it is. "
                      "Pass --cache a new file name (or remove the file if it is a damaged cache)")


def _lenient_text(raw: bytes) -> str:
    """Damaged bytes in a text column decode to a name nothing matches, never to a UnicodeDecodeError."""
    return raw.decode("utf-8", "surrogateescape")


def _identify(path: Path, timeout_s: float) -> str:
    """"new", "ours" or "legacy"; refuses anything else."""
    try:
        with open(path, "rb") as f:
            head = f.read(100)
    except (FileNotFoundError, NotADirectoryError):
        return "new"  # (other OSErrors disable the cache, as an unwritable place does)
    if not head:
        return "new"  # an empty file holds nothing to lose
    if not head.startswith(_MAGIC):
        raise _not_ours(path, "it is not an sqlite database")
    if head[68:72] == APPLICATION_ID.to_bytes(4, "big"):
        # Ours by its header: no immutable read. That read ignores the locks, so while another run
        # checkpoints it sees torn pages and called a healthy cache damaged (2,641 of 33,956 reads
        # under two writers), and the rebuild then threw every vector away. Real damage shows up,
        # with sqlite's error code, when the file is opened the normal way.
        version = int.from_bytes(head[60:64], "big")
        if version > SCHEMA_VERSION:
            raise InputError(f"{path} is a cache of a newer aligner (schema {version}, this one reads "
                             f"{SCHEMA_VERSION}); use that release, or pass --cache another file")
        return "ours"
    try:
        # immutable: read the main file only, so nothing (no -wal, no -shm) appears beside a file not ours
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True, timeout=timeout_s)
        conn.text_factory = _lenient_text
        try:
            app = conn.execute("PRAGMA application_id").fetchone()[0]
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            schema = (conn.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
                      if tables == _LEGACY_TABLES else None)
        finally:
            conn.close()
    except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:  # a damaged schema's message may not be UTF-8
        if isinstance(exc, sqlite3.OperationalError) and _busy(exc):
            raise  # in use: the caller embeds without the cache this time
        raise _not_ours(path, "sqlite cannot read it") from None
    # app is never ours here: the immutable read sees the same header bytes checked above
    if app == 0 and not tables:
        return "new"  # an empty database, or one a concurrent run is creating right now
    if app == 0 and schema is not None and schema[0] == "1":
        return "legacy"
    raise _not_ours(path, "it is a database of another program")


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


@dataclass(frozen=True)
class VerifyReport:
    path: str
    rows: int
    damaged: int  # rows whose checksum (or, without one, unit length) fails
    unchecked: int  # rows of the previous release, without a checksum, that look sound
    dropped: int
    file_error: str = ""  # sqlite found the file itself damaged; --drop rebuilds it

    @property
    def ok(self) -> bool:
        return not self.damaged and not self.file_error


_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS encoders (
    id INTEGER PRIMARY KEY, identity TEXT NOT NULL UNIQUE, dim INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS vectors (
    enc INTEGER NOT NULL, key BLOB NOT NULL, vec BLOB NOT NULL, sum BLOB,
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
        self.damaged = 0  # rows this object found damaged and treated as misses
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
            kind = _identify(self.path, self.busy_timeout_s)  # InputError for a file not ours: never touched
            self._conn = self._open(kind)
        except sqlite3.OperationalError as exc:
            if not _busy(exc):
                self._rebuild(exc)
            else:  # a miss this time; the next call tries again
                _log.warning("embedding cache %s is busy (%s); embedding without it for now", self.path, exc)
        except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:
            self._rebuild(exc)
        except OSError as exc:
            self.disabled_reason = f"cannot create cache at {self.path}: {exc}"
            _log.warning("embedding cache disabled: %s", self.disabled_reason)
        return self._conn

    def _open(self, kind: str) -> sqlite3.Connection:
        if kind == "new":
            self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(
            str(self.path), timeout=self.busy_timeout_s, isolation_level=None, check_same_thread=False
        )
        conn.text_factory = _lenient_text
        try:
            conn.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout_s * 1000)}")
            if kind in ("new", "legacy"):
                self._stamp(conn)
            conn.execute("PRAGMA journal_mode = WAL").fetchone()
            conn.execute("PRAGMA synchronous = NORMAL")
        except BaseException:
            conn.close()
            raise
        return conn

    def _stamp(self, conn: sqlite3.Connection) -> None:
        """Make a new file ours, or upgrade one of the previous release, in one transaction.

        A new file gets its ids before WAL mode, so they are in the header on disk
        at once. An old file gets the checksum column; its rows keep working
        (checked for unit length) and are replaced by checksummed ones as they
        are re-embedded. ``meta`` keeps schema 1 so that an older aligner
        sharing the file goes on reading it.
        """
        conn.execute("BEGIN IMMEDIATE")
        try:
            app = conn.execute("PRAGMA application_id").fetchone()[0]
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if app != APPLICATION_ID:
                if tables and tables != _LEGACY_TABLES:
                    raise _not_ours(self.path, "it is a database of another program")
                for stmt in _SCHEMA.strip().split(";"):
                    if stmt.strip():
                        conn.execute(stmt)
                columns = {r[1] for r in conn.execute("PRAGMA table_info(vectors)")}
                if "sum" not in columns:
                    conn.execute("ALTER TABLE vectors ADD COLUMN sum BLOB")
                conn.execute("INSERT OR IGNORE INTO meta VALUES ('schema', '1')")
                conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise

    def _rebuild(self, exc: BaseException) -> None:
        """Move a damaged file of ours aside and start empty; anything else is only a miss.

        If the new file cannot be made either (say the disk is full), the old one
        is put back and the cache is off for this run: nothing is left beside it.
        """
        self.close()
        self._enc_ids.clear()
        if not _damaged(exc):
            _log.warning("embedding cache %s: %s; embedding without it for now", self.path, exc)
            return
        _log.warning("embedding cache %s is unreadable (%s); rebuilding it", self.path, exc)
        self.rebuilt += 1
        aside = self.path.with_name(f"{self.path.name}.corrupt-{os.getpid()}")
        moved = False
        try:
            if self.path.exists():
                os.replace(self.path, aside)
                moved = True
            for suffix in ("-wal", "-shm"):
                side = self.path.with_name(self.path.name + suffix)
                if side.exists():
                    side.unlink()
            self._conn = self._open("new")
            aside.unlink(missing_ok=True)
        except (OSError, sqlite3.DatabaseError) as exc2:
            self.close()
            if moved:
                try:
                    for suffix in ("-wal", "-shm", "-journal"):  # the failed new file's, not the old one's
                        self.path.with_name(self.path.name + suffix).unlink(missing_ok=True)
                    os.replace(aside, self.path)
                except OSError:
                    pass
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
        """Vectors already stored for ``texts``; absent or damaged rows are left out.

        The first damaged row this object meets is logged once, with the count so far.
        """
        with self._lock:
            before = self.damaged
            found = self._get_many(identity, dim, texts, retry=True)
            if self.damaged and not before:
                _log.warning("embedding cache %s: %d damaged vector(s) ignored and embedded again; "
                             "`aligner cache verify --drop` finds and removes damaged rows",
                             self.path, self.damaged)
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
                    f"SELECT key, vec, sum FROM vectors WHERE enc = ? AND key IN ({marks})", (enc, *chunk)
                ).fetchall()
                for key, blob, checksum in rows:
                    text = by_key.get(bytes(key))
                    if text is None or not _sound(identity, dim, key, blob, checksum):
                        self.damaged += 1  # a miss; put_many overwrites it
                        continue
                    found[text] = np.frombuffer(blob, dtype="<f4")
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
            key, blob = text_key(text), v.tobytes()
            rows.append((key, blob, row_checksum(identity, key, blob)))
        if not rows:
            return
        with self._lock:
            self._put(identity, dim, rows, retry=True)

    def _put(self, identity: str, dim: int, rows: list[tuple[bytes, bytes, bytes]], retry: bool) -> None:
        conn = self._connect()
        if conn is None:
            return
        try:
            enc = self._enc_id(conn, identity, dim, create=True)
            conn.execute("BEGIN IMMEDIATE")
            try:
                conn.executemany(
                    "INSERT OR REPLACE INTO vectors (enc, key, vec, sum) VALUES (?, ?, ?, ?)",
                    [(enc, k, v, c) for k, v, c in rows],
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

    def verify(self, drop: bool = False) -> VerifyReport:
        """Check every row (and the file); with ``drop``, delete the damaged rows.

        A file sqlite itself finds damaged cannot be repaired row by row: ``drop``
        rebuilds it empty (it only costs a re-embed).
        """
        with self._lock:
            conn = self._connect()
            if conn is None:
                raise InputError(self.disabled_reason or f"cannot open the cache {self.path}")
            rows = unchecked = dropped = 0
            bad: list[tuple[int, bytes]] = []
            file_error = ""
            try:
                check = [r[0] for r in conn.execute("PRAGMA quick_check").fetchall()]
                if check != ["ok"]:
                    file_error = "; ".join(check[:3])
                encoders = {int(r[0]): (r[1], int(r[2])) for r in conn.execute("SELECT id, identity, dim FROM encoders")}
                for enc, key, blob, checksum in conn.execute("SELECT enc, key, vec, sum FROM vectors"):
                    rows += 1
                    entry = encoders.get(int(enc))
                    if entry is None or not _sound(entry[0], entry[1], key, blob, checksum):
                        bad.append((enc, bytes(key)))
                    elif checksum is None:
                        unchecked += 1
                if drop and bad and not file_error:
                    conn.execute("BEGIN IMMEDIATE")
                    try:
                        conn.executemany("DELETE FROM vectors WHERE enc = ? AND key = ?", bad)
                        conn.execute("COMMIT")
                    except BaseException:
                        if conn.in_transaction:
                            conn.execute("ROLLBACK")
                        raise
                    dropped = len(bad)
            except sqlite3.DatabaseError as exc:
                if isinstance(exc, sqlite3.OperationalError) and _busy(exc):
                    raise InputError(f"{self.path} is in use by another process ({exc}); "
                                     "verify it when that run has finished") from None
                file_error = str(exc)
            if file_error and drop:
                self._rebuild(sqlite3.DatabaseError(file_error))
                dropped = rows
            return VerifyReport(str(self.path), rows, len(bad), unchecked, dropped, file_error)
