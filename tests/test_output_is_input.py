"""`-o` naming an input (or a link to one) is refused with exit 2 before any work: the input stays."""

from __future__ import annotations

import pytest

from aligner.cli import main

TMX = ('<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4"><header creationtool="t" '
       'creationtoolversion="1" segtype="sentence" o-tmf="t" adminlang="en" srclang="en" '
       'datatype="plaintext"/><body><tu><tuv xml:lang="en"><seg>One line.</seg></tuv>'
       '<tuv xml:lang="tl"><seg>Isang linya.</seg></tuv></tu></body></tmx>\n')


@pytest.fixture
def files(tmp_path, monkeypatch):
    monkeypatch.setenv("ALIGNER_CACHE_DIR", str(tmp_path / "cache"))
    en = tmp_path / "a.en.txt"
    en.write_text("The river rose in the night.\nBy morning the bridge was gone.\n", encoding="utf-8")
    tl = tmp_path / "a.tl.txt"
    tl.write_text("Tumaas ang ilog sa gabi.\nPagsapit ng umaga, wala na ang tulay.\n", encoding="utf-8")
    npy = tmp_path / "lines.npy"  # a text file that happens to end in .npy
    npy.write_text("The river rose in the night.\n", encoding="utf-8")
    tmx = tmp_path / "a.tmx"
    tmx.write_text(TMX, encoding="utf-8")
    link = tmp_path / "link.txt"
    link.symlink_to(en)
    return {"en": en, "tl": tl, "npy": npy, "tmx": tmx, "link": link}


def commands(f):
    return [
        ["align", f["en"], f["tl"], "-o", f["tl"]],
        ["align", f["en"], f["tl"], "--format", "tsv", "-o", f["link"]],  # a link to SRC
        ["embed", f["npy"], "--presplit", "-o", f["npy"]],
        ["embed", f["en"], "--presplit", "-o", f["en"].with_suffix(".npy"), "--texts", f["en"]],
        ["tmx", "merge", f["tmx"], "-o", f["tmx"]],
        ["gaps", f["en"], f["tl"], "-o", f["en"]],
    ]


@pytest.mark.parametrize("k", range(6))
def test_an_output_that_is_an_input_is_refused(files, k, capsys, tmp_path):
    argv = [str(a) for a in commands(files)[k]]
    before = {p: p.read_bytes() for p in files.values()}
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "is also an input" in err and "Traceback" not in err
    assert {p: p.read_bytes() for p in files.values()} == before
    assert not (tmp_path / "cache").exists()  # refused before anything was embedded
