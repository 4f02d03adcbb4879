"""scripts/evaldata.py: the readers on the slices in tests/data (same layout as the eval folder),
the one list of broken Nepali rows, and where the data folder is looked for."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import evaldata
from aligner.types import Document

DATA = Path(__file__).resolve().parent / "data"


def test_flores_lines_are_stripped_rows_of_the_same_length_in_every_language():
    lines = {lang: evaldata.flores_lines(lang, DATA) for lang in ("en", "tl", "ne")}
    assert {lang: len(x) for lang, x in lines.items()} == {"en": 250, "tl": 250, "ne": 250}
    raw_tl = (DATA / "flores" / "dev" / "tgl_Latn.dev").read_text(encoding="utf-8").splitlines()
    assert any(x != x.rstrip() for x in raw_tl)  # the file has trailing spaces ...
    assert lines["tl"] == [x.strip() for x in raw_tl]  # ... which the reader strips
    assert all(x and x == x.strip() for x in lines["tl"])


def test_flores_articles_group_consecutive_rows_of_one_url():
    urls = [row.split("\t")[0] for row in
            (DATA / "flores" / "dev" / "metadata_dev.tsv").read_text(encoding="utf-8").splitlines()[1:]]
    every = evaldata.flores_articles(DATA, drop_bad=False)
    assert [i for a in every for i in a] == list(range(250))
    assert all(len({urls[i] for i in a}) == 1 for a in every)
    assert all(urls[a[-1]] != urls[b[0]] for a, b in zip(every, every[1:]))
    good = evaldata.flores_articles(DATA)
    assert [i for a in good for i in a] == [i for i in range(250) if i not in (210, 241)]


def test_the_broken_nepali_rows_are_0_based():
    en, ne = evaldata.flores_lines("en", DATA), evaldata.flores_lines("ne", DATA)
    # Line 242 of the file (row 241) is a Nepali sentence about a car stolen in 2005 beside an
    # English one about a lunar probe: a 1-based list read as rows would miss it.
    assert 241 in evaldata.BAD_NE_ROWS and 242 not in evaldata.BAD_NE_ROWS
    assert "2005" in ne[241] and "2005" not in en[241]
    assert len(evaldata.BAD_NE_ROWS) == 5
    assert evaldata.good_rows(250) == [i for i in range(250) if i not in (210, 241)]


def test_tico_and_tatoeba_readers_give_line_aligned_rows():
    tico = {lang: evaldata.tico_lines(lang, DATA) for lang in ("en", "tl", "ne")}
    assert {len(x) for x in tico.values()} == {20}
    assert tico["tl"][0] == "mga gaano na katagal ang mga sintomas na ito?"
    tgl, eng = evaldata.tatoeba_laser(DATA)
    assert len(tgl) == len(eng) == 20
    assert all(x and x == x.strip() for x in tgl + eng)


def test_textberg_reads_sentences_and_gold_links():
    (doc,) = evaldata.textberg(DATA, names=("005",))
    assert (doc.name, len(doc.de), len(doc.fr), len(doc.gold)) == ("005", 36, 40, 35)
    assert doc.gold[0] == ((0,), (0,))
    assert all(i < len(doc.de) for s, _ in doc.gold for i in s)
    assert all(j < len(doc.fr) for _, t in doc.gold for j in t)
    assert any(len(s) != 1 or len(t) != 1 for s, t in doc.gold)  # not only 1-1 links


def test_a_missing_file_names_the_setting(tmp_path):
    with pytest.raises(SystemExit, match=evaldata.SHARED_ENV):
        evaldata.flores_lines("en", tmp_path)


def test_the_data_folder_comes_from_the_setting_else_beside_the_checkout(tmp_path, monkeypatch):
    monkeypatch.delenv(evaldata.SHARED_ENV, raising=False)
    beside = tmp_path / evaldata.SHARED_NAME / "eval"
    beside.mkdir(parents=True)
    main = tmp_path / "main"
    (main / ".git" / "worktrees" / "wt").mkdir(parents=True)
    assert evaldata.eval_dir(main) == beside
    # a git worktree elsewhere has no data beside it: the main checkout's is used
    wt = tmp_path / "worktrees" / "wt"
    wt.mkdir(parents=True)
    (wt / ".git").write_text(f"gitdir: {main / '.git' / 'worktrees' / 'wt'}\n", encoding="utf-8")
    (main / ".git" / "worktrees" / "wt" / "commondir").write_text("../..\n", encoding="utf-8")
    assert evaldata.eval_dir(wt) == beside
    monkeypatch.setenv(evaldata.SHARED_ENV, str(tmp_path / "elsewhere"))
    assert evaldata.eval_dir(wt) == tmp_path / "elsewhere" / "eval"


def test_presplit_document_offsets_point_into_its_source():
    lines = ["Una.", "Ikalawa, at huli."]
    doc = evaldata.presplit_document("d", "tl", lines)
    assert isinstance(doc, Document) and doc.source == "Una.\nIkalawa, at huli.\n"
    assert [doc.source[s.start:s.end] for s in doc.sentences] == lines


def test_margin_matrix_is_cosine_over_the_mean_of_both_sides_k_best():
    rng = np.random.default_rng(3)
    a = rng.standard_normal((6, 8))
    b = rng.standard_normal((5, 8))
    a /= np.linalg.norm(a, axis=1, keepdims=True)
    b /= np.linalg.norm(b, axis=1, keepdims=True)
    sim = a @ b.T
    got = evaldata.margin_matrix(a, b, k=2)
    for i in range(6):
        for j in range(5):
            row = np.sort(sim[i])[-2:].mean()
            col = np.sort(sim[:, j])[-2:].mean()
            want = sim[i, j] / ((row + col) / 2) if row + col > 0 else 0.0
            assert got[i, j] == pytest.approx(want)
    # k beyond a side's length: the mean of all it has
    short = evaldata.margin_matrix(a[:1], b, k=4)
    assert short[0, 0] == pytest.approx(sim[0, 0] / ((np.sort(sim[0])[-4:].mean() + sim[0, 0]) / 2))
