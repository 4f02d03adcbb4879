"""The embedding cache: hits, isolation by identity, corruption recovery, two writers."""

from __future__ import annotations

import hashlib
import multiprocessing as mp
import sqlite3

import numpy as np
import pytest

from aligner.cache import EmbeddingCache, default_cache_path
from aligner.embed import embed
from aligner.errors import InputError


class HashEncoder:
    """Deterministic stand-in: a vector from the text's hash, counting what it encodes."""

    name = "hash"
    dim = 8

    def __init__(self, identity: str = "hash|v1"):
        self.identity = identity
        self.encoded: list[str] = []

    def encode(self, texts: list[str]) -> np.ndarray:
        self.encoded.extend(texts)
        rows = [np.frombuffer(hashlib.sha256(t.encode("utf-8", "surrogatepass")).digest()[:32], np.int8)
                for t in texts]
        v = np.asarray(rows, dtype=np.float32)[:, : self.dim] + 0.5
        return (v / np.linalg.norm(v, axis=1, keepdims=True)).astype(np.float32)

    def count_tokens(self, text: str) -> int:
        return len(text.split()) + 2


TEXTS = [f"sentence number {i}" for i in range(50)]


def test_second_run_embeds_nothing(tmp_path):
    path = tmp_path / "c.sqlite"
    enc = HashEncoder()
    with EmbeddingCache(path) as c:
        first = embed(TEXTS, enc, cache=c)
        assert c.stored == 50 and c.hits == 0
    enc.encoded.clear()
    with EmbeddingCache(path) as c:
        second = embed(TEXTS[::-1], enc, cache=c)
        assert c.hits == 50 and c.stored == 0
    assert enc.encoded == []
    assert np.array_equal(second[::-1], first)


def test_identities_do_not_share_vectors(tmp_path):
    with EmbeddingCache(tmp_path) as c:  # a directory gets the default file name
        embed(TEXTS[:5], HashEncoder("hash|v1"), cache=c)
        other = HashEncoder("hash|v2")
        embed(TEXTS[:5], other, cache=c)
        assert other.encoded == TEXTS[:5]
        info = c.info()
    assert [(e.identity, e.count) for e in info.encoders] == [("hash|v1", 5), ("hash|v2", 5)]
    assert info.path.endswith("embeddings.sqlite") and info.size_bytes > 0


def test_clear_one_encoder_or_all(tmp_path):
    with EmbeddingCache(tmp_path / "c.sqlite") as c:
        embed(TEXTS[:5], HashEncoder("a"), cache=c)
        embed(TEXTS[:3], HashEncoder("b"), cache=c)
        assert c.clear("a") == 5
        assert [e.identity for e in c.info().encoders] == ["b"]
        assert c.clear() == 3
        assert c.info().vectors == 0


@pytest.mark.parametrize("damage", ["truncate", "page-noise"])
def test_a_damaged_file_of_ours_is_rebuilt_not_fatal(tmp_path, damage):
    path = tmp_path / "c.sqlite"
    enc = HashEncoder()
    with EmbeddingCache(path) as c:
        good = embed(TEXTS, enc, cache=c)
    raw = path.read_bytes()
    if damage == "truncate":
        path.write_bytes(raw[: len(raw) // 3])
    else:  # the header (magic, application id) intact, every page after the first one noise
        path.write_bytes(raw[:4096] + bytes(range(256)) * ((len(raw) - 4096) // 256))
    enc.encoded.clear()
    with EmbeddingCache(path) as c:
        again = embed(TEXTS, enc, cache=c)
        assert np.array_equal(again, good)
        assert c.info().vectors == 50  # the rebuilt (or repaired) file holds the re-embedded vectors
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert not list(tmp_path.glob("*.corrupt-*"))


@pytest.mark.parametrize("damage", ["garbage", "zero-header"])
def test_a_file_without_our_header_is_refused_untouched(tmp_path, damage):
    """Without the header nothing says the file is ours: it could be anyone's, so it is left alone."""
    path = tmp_path / "c.sqlite"
    with EmbeddingCache(path) as c:
        embed(TEXTS, HashEncoder(), cache=c)
    raw = path.read_bytes()
    path.write_bytes(b"this is not a database\n" * 500 if damage == "garbage" else b"\0" * 100 + raw[100:])
    before = path.read_bytes()
    with EmbeddingCache(path) as c:
        with pytest.raises(InputError, match="remove the file if it is a damaged cache"):
            embed(TEXTS, HashEncoder(), cache=c)
    assert path.read_bytes() == before


def test_damaged_row_is_a_miss(tmp_path):
    path = tmp_path / "c.sqlite"
    enc = HashEncoder()
    with EmbeddingCache(path) as c:
        embed(TEXTS[:3], enc, cache=c)
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE vectors SET vec = x'0102'")
    enc.encoded.clear()
    with EmbeddingCache(path) as c:
        embed(TEXTS[:3], enc, cache=c)
    assert sorted(enc.encoded) == sorted(TEXTS[:3])


def test_unwritable_location_disables_cache_but_embeds(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    c = EmbeddingCache(blocker / "sub" / "c.sqlite")  # parent is a file: cannot mkdir
    out = embed(TEXTS[:2], HashEncoder(), cache=c)
    assert out.shape == (2, 8) and c.disabled_reason


def _writer(path: str, offset: int, n: int) -> None:
    enc = HashEncoder()
    with EmbeddingCache(path) as c:
        for i in range(0, n, 10):
            embed([f"shared {j}" for j in range(i, i + 10)] + [f"own {offset} {i}"], enc, cache=c)


def test_two_processes_share_one_cache(tmp_path):
    path = str(tmp_path / "c.sqlite")
    ctx = mp.get_context("spawn")
    procs = [ctx.Process(target=_writer, args=(path, k, 200)) for k in range(2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
        assert p.exitcode == 0
    with EmbeddingCache(path) as c:
        assert c.info().vectors == 200 + 2 * 20
        enc = HashEncoder()
        embed([f"shared {j}" for j in range(200)], enc, cache=c)
        assert enc.encoded == []


def test_default_path_follows_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("ALIGNER_CACHE_DIR", str(tmp_path / "a"))
    assert default_cache_path() == tmp_path / "a" / "embeddings.sqlite"
    monkeypatch.delenv("ALIGNER_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "x"))
    assert default_cache_path() == tmp_path / "x" / "aligner" / "embeddings.sqlite"


def test_a_lock_held_by_another_process_is_a_miss_never_a_rebuild(tmp_path):
    """Many batch workers share one file: "database is locked" must not move it aside."""
    path = tmp_path / "c.sqlite"
    with EmbeddingCache(path) as c:
        embed(TEXTS[:3], HashEncoder(), cache=c)
    holder = sqlite3.connect(str(path), isolation_level=None)
    holder.execute("PRAGMA journal_mode = DELETE")  # a rollback journal: an exclusive lock blocks readers
    holder.execute("BEGIN EXCLUSIVE")
    try:
        c = EmbeddingCache(path, busy_timeout_s=0.2)
        enc = HashEncoder()
        out = embed(TEXTS[:3], enc, cache=c)
        assert enc.encoded == TEXTS[:3] and out.shape == (3, 8)  # answered by the encoder
        assert c.rebuilt == 0 and not c.disabled_reason
        c.close()
    finally:
        holder.execute("COMMIT")
        holder.close()
    assert not list(tmp_path.glob("*.corrupt-*"))
    with EmbeddingCache(path) as c:  # the vectors are still there once the lock is gone
        enc = HashEncoder()
        embed(TEXTS[:3], enc, cache=c)
        assert enc.encoded == [] and c.rebuilt == 0
