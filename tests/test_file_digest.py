"""The encoder identity's file digests: remembered across runs for large files, never stale."""

from __future__ import annotations

import hashlib
import json
import os

from aligner import embed


def _big(path, fill: bytes) -> None:
    path.write_bytes(fill * (embed._LARGE // len(fill) + 1))


def test_a_large_file_is_hashed_once_across_processes_and_again_when_it_changes(tmp_path, monkeypatch):
    monkeypatch.setenv("ALIGNER_CACHE_DIR", str(tmp_path / "cache"))
    model = tmp_path / "model.bin"
    _big(model, b"a")
    first = embed._file_digest(model)
    assert first == hashlib.sha256(model.read_bytes()).hexdigest()[:16]
    memo = json.loads((tmp_path / "cache" / embed._DIGESTS_FILE).read_text(encoding="utf-8"))
    assert list(memo.values()) == [first]

    embed._DIGESTS.clear()  # a new process: the memo on disk answers, nothing is hashed

    def no_hashing(*args):
        raise AssertionError("hashed again")

    with monkeypatch.context() as m:
        m.setattr(embed.hashlib, "sha256", no_hashing)
        assert embed._file_digest(model) == first

    _big(model, b"b")  # same size, new content and mtime
    os.utime(model, ns=(1, 1))
    embed._DIGESTS.clear()
    assert embed._file_digest(model) == hashlib.sha256(model.read_bytes()).hexdigest()[:16] != first


def test_a_damaged_or_unwritable_memo_costs_only_a_hash(tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    cache.mkdir()
    monkeypatch.setenv("ALIGNER_CACHE_DIR", str(cache))
    (cache / embed._DIGESTS_FILE).write_text("{not json", encoding="utf-8")
    model = tmp_path / "model.bin"
    _big(model, b"c")
    embed._DIGESTS.clear()
    assert embed._file_digest(model) == hashlib.sha256(model.read_bytes()).hexdigest()[:16]
    monkeypatch.setenv("ALIGNER_CACHE_DIR", str(tmp_path / "file-not-folder" / "x"))
    (tmp_path / "file-not-folder").write_text("", encoding="utf-8")
    embed._DIGESTS.clear()
    assert embed._file_digest(model) == hashlib.sha256(model.read_bytes()).hexdigest()[:16]


def test_small_files_leave_no_memo(tmp_path, monkeypatch):
    monkeypatch.setenv("ALIGNER_CACHE_DIR", str(tmp_path / "cache"))
    small = tmp_path / "config.json"
    small.write_text("{}", encoding="utf-8")
    assert embed._file_digest(small) == hashlib.sha256(b"{}").hexdigest()[:16]
    assert not (tmp_path / "cache" / embed._DIGESTS_FILE).exists()
