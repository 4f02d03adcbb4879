"""The cache never writes a file that is not its own, and never hands back a damaged vector."""

from __future__ import annotations

import logging
import sqlite3

import numpy as np
import pytest

from aligner.cache import EmbeddingCache
from aligner.cli import main
from aligner.embed import embed
from aligner.errors import InputError
from test_cache import TEXTS, HashEncoder


def files_beside(path):
    return sorted(p.name for p in path.parent.iterdir())


@pytest.mark.parametrize("content", [b"my notes\nline two\n", b"SQLite format 3\x00 but then text\n" * 8])
def test_a_file_that_is_not_a_cache_is_refused_untouched(tmp_path, content):
    notes = tmp_path / "notes.txt"
    notes.write_bytes(content)
    with EmbeddingCache(notes) as c:
        with pytest.raises(InputError, match="not an aligner embedding cache"):
            embed(TEXTS[:3], HashEncoder(), cache=c)
        with pytest.raises(InputError, match="not an aligner embedding cache"):
            c.info()
    assert notes.read_bytes() == content
    assert files_beside(notes) == ["notes.txt"]


def foreign_db(path, wal=False):
    with sqlite3.connect(path) as conn:
        if wal:
            conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("CREATE TABLE people (name TEXT)")
        conn.execute("INSERT INTO people VALUES ('Ada')")
    conn.close()


@pytest.mark.parametrize("wal", [False, True])
def test_a_foreign_sqlite_database_gets_no_tables(tmp_path, wal):
    db = tmp_path / "app.db"
    foreign_db(db, wal)
    before = db.read_bytes()
    with EmbeddingCache(db) as c:
        with pytest.raises(InputError, match="another program"):
            embed(TEXTS[:3], HashEncoder(), cache=c)
    assert db.read_bytes() == before
    assert files_beside(db) == ["app.db"]  # not even a -wal or -shm
    with sqlite3.connect(db) as conn:
        assert [r[0] for r in conn.execute("SELECT name FROM sqlite_master")] == ["people"]


def test_cli_refuses_foreign_caches_with_exit_2(tmp_path, capsys):
    notes = tmp_path / "notes.txt"
    notes.write_text("keep me\n")
    notes2 = tmp_path / "notes2.txt"
    notes2.write_text("keep me too\n")
    src = tmp_path / "a.txt"
    src.write_text("One sentence here.\nAnother one there.\n")
    db = tmp_path / "app.db"
    foreign_db(db)
    before = db.read_bytes()
    assert main(["cache", "info", "--cache", str(notes)]) == 2
    assert main(["cache", "clear", "--cache", str(db)]) == 2
    assert main(["cache", "verify", "--cache", str(notes)]) == 2
    assert main(["embed", str(src), "--presplit", "-o", str(tmp_path / "v.npy"), "--cache", str(notes2)]) == 2
    err = capsys.readouterr().err
    assert "not an aligner embedding cache" in err and "Traceback" not in err
    assert notes.read_text() == "keep me\n" and notes2.read_text() == "keep me too\n"
    assert db.read_bytes() == before
    assert not (tmp_path / "v.npy").exists()


def test_a_new_cache_carries_our_ids(tmp_path):
    from aligner.cache import APPLICATION_ID, SCHEMA_VERSION

    path = tmp_path / "c.sqlite"
    with EmbeddingCache(path) as c:
        embed(TEXTS[:2], HashEncoder(), cache=c)
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    empty = tmp_path / "empty.sqlite"
    empty.write_bytes(b"")  # nothing to lose: becomes a cache
    with EmbeddingCache(empty) as c:
        embed(TEXTS[:2], HashEncoder(), cache=c)
        assert c.info().vectors == 2


LEGACY_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE encoders (id INTEGER PRIMARY KEY, identity TEXT NOT NULL UNIQUE, dim INTEGER NOT NULL);
CREATE TABLE vectors (enc INTEGER NOT NULL, key BLOB NOT NULL, vec BLOB NOT NULL,
    PRIMARY KEY (enc, key)) WITHOUT ROWID;
INSERT INTO meta VALUES ('schema', '1');
"""


def test_a_cache_of_the_previous_release_is_upgraded_and_its_rows_checked(tmp_path):
    from aligner.cache import APPLICATION_ID, text_key

    path = tmp_path / "old.sqlite"
    enc = HashEncoder()
    good = enc.encode(TEXTS[:2])
    conn = sqlite3.connect(path)
    conn.executescript(LEGACY_SCHEMA)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("INSERT INTO encoders VALUES (1, ?, 8)", (enc.identity,))
    bad = (good[1] * 0.5).astype("<f4")  # right length, not a unit vector: damaged
    conn.executemany("INSERT INTO vectors VALUES (1, ?, ?)",
                     [(text_key(TEXTS[0]), good[0].astype("<f4").tobytes()), (text_key(TEXTS[1]), bad.tobytes())])
    conn.commit()
    conn.close()
    enc.encoded.clear()
    with EmbeddingCache(path) as c:
        out = embed(TEXTS[:2], enc, cache=c)
        assert c.hits == 1
    assert enc.encoded == [TEXTS[1]]
    assert np.array_equal(out, good)
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    with EmbeddingCache(path) as c:
        assert c.verify().damaged == 0


def damage_one_vector(path):
    with sqlite3.connect(path) as conn:
        key, vec = conn.execute("SELECT key, vec FROM vectors ORDER BY key LIMIT 1").fetchone()
        v = bytearray(vec)
        v[5] ^= 0x01  # one bit of one float: still a plausible vector
        conn.execute("UPDATE vectors SET vec = ? WHERE key = ?", (bytes(v), key))
    conn.close()


def test_a_damaged_row_is_a_miss_with_one_warning(tmp_path, caplog):
    path = tmp_path / "c.sqlite"
    enc = HashEncoder()
    with EmbeddingCache(path) as c:
        good = embed(TEXTS, enc, cache=c)
    damage_one_vector(path)
    enc.encoded.clear()
    with caplog.at_level(logging.WARNING, logger="aligner.cache"):
        with EmbeddingCache(path) as c:
            again = embed(TEXTS, enc, cache=c)
            embed(TEXTS[:10], HashEncoder(), cache=c)
    assert np.array_equal(again, good)
    assert len(enc.encoded) == 1
    warnings = [r for r in caplog.records if "damaged" in r.getMessage()]
    assert len(warnings) == 1
    with EmbeddingCache(path) as c:  # the re-embedded vector replaced the damaged row
        assert c.verify().damaged == 0


def test_four_kilobytes_overwritten_mid_file_never_give_a_wrong_vector(tmp_path):
    path = tmp_path / "c.sqlite"
    texts = [f"line {i} of a long document" for i in range(3000)]
    enc = HashEncoder()
    with EmbeddingCache(path) as c:
        good = embed(texts, enc, cache=c)
    raw = bytearray(path.read_bytes())
    rng = np.random.default_rng(11)
    mid = len(raw) // 2
    raw[mid : mid + 4096] = rng.integers(0, 256, 4096, dtype=np.uint8).tobytes()
    path.write_bytes(bytes(raw))
    with EmbeddingCache(path) as c:
        again = embed(texts, HashEncoder(), cache=c)
    assert np.array_equal(again, good)


def test_cache_verify_reports_and_drops_damaged_rows(tmp_path, capsys):
    path = tmp_path / "c.sqlite"
    with EmbeddingCache(path) as c:
        embed(TEXTS, HashEncoder(), cache=c)
    assert main(["cache", "verify", "--cache", str(path)]) == 0
    assert "50 rows, 0 damaged" in capsys.readouterr().out
    damage_one_vector(path)
    with sqlite3.connect(path) as conn:  # a damaged key: no text will ever find this row again
        key = conn.execute("SELECT key FROM vectors ORDER BY key DESC LIMIT 1").fetchone()[0]
        conn.execute("UPDATE vectors SET key = ? WHERE key = ?", (b"\x00" + key[1:], key))
    conn.close()
    assert main(["cache", "verify", "--cache", str(path)]) == 2
    assert "50 rows, 2 damaged" in capsys.readouterr().out
    assert main(["cache", "verify", "--cache", str(path), "--drop"]) == 2
    assert "dropped 2" in capsys.readouterr().out
    assert main(["cache", "verify", "--cache", str(path)]) == 0
    assert "48 rows, 0 damaged" in capsys.readouterr().out


def test_a_full_disk_is_a_miss_never_a_rebuild(tmp_path, monkeypatch):
    """SQLITE_FULL / IOERR say nothing about the file: it must stay where it is, with its vectors."""
    path = tmp_path / "c.sqlite"
    enc = HashEncoder()
    with EmbeddingCache(path) as c:
        good = embed(TEXTS, enc, cache=c)
    before = path.read_bytes()
    real_open = EmbeddingCache._open

    def full(self, kind):
        exc = sqlite3.OperationalError("database or disk is full")
        exc.sqlite_errorcode = 13  # SQLITE_FULL
        raise exc

    monkeypatch.setattr(EmbeddingCache, "_open", full)
    with EmbeddingCache(path) as c:
        again = embed(TEXTS, HashEncoder(), cache=c)
        assert c.rebuilt == 0
    assert np.array_equal(again, good)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.sqlite"]
    monkeypatch.setattr(EmbeddingCache, "_open", real_open)
    enc.encoded.clear()
    with EmbeddingCache(path) as c:  # the disk has room again: every vector is still there
        embed(TEXTS, enc, cache=c)
    assert enc.encoded == []


@pytest.mark.parametrize("name", [b"encoders", b"vectors"])
def test_invalid_utf8_in_the_schema_is_damage_not_a_traceback(tmp_path, name):
    """The fault drill hit this: bytes that aren't UTF-8 in a table name raised UnicodeDecodeError."""
    path = tmp_path / "c.sqlite"
    enc = HashEncoder()
    with EmbeddingCache(path) as c:
        good = embed(TEXTS, enc, cache=c)
    raw = bytearray(path.read_bytes())
    at = raw.index(name, 100)  # the first copy after the header is the schema record's name
    raw[at : at + 2] = b"\xc2\x28"  # an invalid UTF-8 sequence, same length
    path.write_bytes(bytes(raw))
    with EmbeddingCache(path) as c:
        again = embed(TEXTS, HashEncoder(), cache=c)
        assert c.rebuilt == 1
        report = c.verify()
    assert np.array_equal(again, good)
    assert (report.rows, report.damaged, report.file_error) == (len(TEXTS), 0, "")  # rebuilt, whole


def _keep_writing(path: str, batches: int) -> None:
    """Another run filling the same cache, checkpointing its WAL into the main file as it goes."""
    rng = np.random.default_rng(1)
    with EmbeddingCache(path) as c:
        for b in range(batches):
            v = rng.standard_normal((40, 8)).astype(np.float32)
            v /= np.linalg.norm(v, axis=1, keepdims=True)
            c.put_many("writer", 8, ((f"w{b}-{i}", v[i]) for i in range(40)))
            conn = c._connect()
            assert conn is not None
            conn.execute("PRAGMA wal_checkpoint(PASSIVE)")


def test_runs_opening_a_cache_another_run_is_filling_never_rebuild_it(tmp_path):
    # An immutable read of a file being checkpointed sees torn pages: it took a healthy cache for
    # damaged in 2,641 of 33,956 opens under two writers, and the rebuild threw every vector away.
    import multiprocessing

    path = tmp_path / "shared.sqlite"
    with EmbeddingCache(path) as c:
        embed(TEXTS, HashEncoder(), cache=c)
    writer = multiprocessing.get_context("spawn").Process(target=_keep_writing, args=(str(path), 400))
    writer.start()
    opens = rebuilt = 0
    try:
        while writer.is_alive() or opens < 50:
            with EmbeddingCache(path) as c:  # a fresh run: identifies the file, then reads
                got = c.get_many(HashEncoder().identity, HashEncoder().dim, TEXTS)
                rebuilt += c.rebuilt
                assert len(got) == len(TEXTS)
            opens += 1
    finally:
        writer.join(120)
    assert writer.exitcode == 0
    assert opens >= 50 and rebuilt == 0
    with EmbeddingCache(path) as c:
        assert c.verify().rows == len(TEXTS) + 400 * 40
