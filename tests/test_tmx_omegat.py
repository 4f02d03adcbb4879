"""The real CAT tool: OmegaT 3.6 headless must apply every unique source
segment of our FLORES dev TMX as an exact match in the target language.

The shared script installs the Debian omegat package on first use; the test
fails (does not skip) when it cannot run, because a skipped check would let a
TMX that OmegaT silently drops reach translators.
"""

import os
import re
import subprocess

import pytest

from aligner.types import Alignment, Bead, Document, Sentence
from test_tmx_support import BAD_NEPALI_ROWS, TOOLS, flores_lines, write_checked
from tmx.write import alignment_tus

FILES = {"en": "eng_Latn", "tl": "tgl_Latn", "ne": "npi_Deva"}


def flores_doc(lang: str) -> Document:
    lines = flores_lines(FILES[lang])
    return Document(name=f"flores-dev.{FILES[lang]}", lang=lang, kind="text",
                    sentences=tuple(Sentence(t, lang, 0, len(t)) for t in lines))


def gold_alignment(n: int, pair: tuple[str, str]) -> Alignment:
    """Line i <-> line i; a broken Nepali row becomes a 1-0 and a 0-1 gap."""
    beads = []
    for i in range(n):
        if "ne" in pair and i + 1 in BAD_NEPALI_ROWS:
            beads += [Bead((i,), (), 0.0), Bead((), (i,), 0.0)]
        else:
            beads.append(Bead((i,), (i,), 1.0))
    return Alignment(beads=tuple(beads), n_src=n, n_tgt=n, mode="gold")


def run_omegat(src: str, tgt: str, source_txt, tmx_path) -> str:
    script = TOOLS / "omegat_tmx_check.sh"
    assert script.is_file(), f"missing {script}; set ALIGNER_SHARED_DIR to the shared/ folder"
    env = dict(os.environ, OMEGAT_SENTENCE_SEG="false", OMEGAT_CHECK_STRICT="1")
    out = subprocess.run(["bash", str(script), src, tgt, str(source_txt), str(tmx_path)],
                         capture_output=True, text=True, env=env, timeout=900)
    assert out.returncode == 0, f"OmegaT check failed ({out.returncode}):\n{out.stdout}\n{out.stderr[-3000:]}"
    return out.stdout


@pytest.mark.parametrize("pair", [("en", "tl"), ("en", "ne"), ("tl", "ne")])
def test_omegat_applies_every_flores_segment_as_exact_match(tmp_path, pair):
    src, tgt = pair
    src_doc, tgt_doc = flores_doc(src), flores_doc(tgt)
    units = list(alignment_tus(gold_alignment(len(src_doc.sentences), pair), src_doc, tgt_doc,
                               src_lang=src, tgt_lang=tgt))
    expected_tus = 997 - (len(BAD_NEPALI_ROWS) if "ne" in pair else 0)
    assert len(units) == expected_tus
    tmx_path = tmp_path / f"flores-dev.{src}-{tgt}.tmx"
    stats = write_checked(tmx_path, units, srclang=src, langs=[src, tgt], lang_codes="omegat")
    assert stats.written == expected_tus
    sources = list(dict.fromkeys(u.text(src) for u in units))
    source_txt = tmp_path / f"source.{src}.txt"
    source_txt.write_text("\n".join(sources) + "\n", encoding="utf-8")

    report = run_omegat(src, tgt, source_txt, tmx_path)
    n = len(sources)
    assert f"RESULT: PASS exact_matches={n}/{n}" in report, report
    assert f"target_language_verified: {n}/{n}" in report
    assert re.search(r"^wrong_language: 0$", report, re.M)
    assert "tmx_load_error" not in report


def test_omegat_uses_the_right_language_of_a_multilingual_tmx(tmp_path):
    docs = {lang: flores_doc(lang) for lang in FILES}
    n = 200
    from tmx.model import TranslationUnit
    units = [
        TranslationUnit(f"flores-{i + 1}", tuple((lang, docs[lang].sentences[i].text) for lang in ("en", "tl", "ne")))
        for i in range(n) if i + 1 not in BAD_NEPALI_ROWS
    ]
    tmx_path = tmp_path / "flores-dev.multi.tmx"
    write_checked(tmx_path, units, srclang="*all*", langs=["en", "tl", "ne"], lang_codes="omegat")
    source_txt = tmp_path / "source.tl.txt"
    sources = list(dict.fromkeys(u.text("tl") for u in units))
    source_txt.write_text("\n".join(sources) + "\n", encoding="utf-8")
    report = run_omegat("tl", "ne", source_txt, tmx_path)
    assert f"RESULT: PASS exact_matches={len(sources)}/{len(sources)}" in report, report


def test_omegat_preset_makes_filipino_labels_match_a_tagalog_project(tmp_path):
    # FLORES+ labels the Tagalog text fil_Latn; OmegaT does not match fil to tl.
    en, tl = flores_lines("eng_Latn")[:20], flores_lines("tgl_Latn")[:20]
    from tmx.model import TranslationUnit
    units = [TranslationUnit(f"f{i}", (("en", e), ("fil", t))) for i, (e, t) in enumerate(zip(en, tl))]
    source_txt = tmp_path / "source.en.txt"
    source_txt.write_text("\n".join(en) + "\n", encoding="utf-8")
    good = tmp_path / "omegat.tmx"
    write_checked(good, units, srclang="en", langs=["en", "fil"], lang_codes="omegat")
    assert "RESULT: PASS exact_matches=20/20" in run_omegat("en", "tl", source_txt, good)
    raw = tmp_path / "bcp47.tmx"
    write_checked(raw, units, srclang="en", langs=["en", "fil"], lang_codes="bcp47")
    script = TOOLS / "omegat_tmx_check.sh"
    env = dict(os.environ, OMEGAT_SENTENCE_SEG="false", OMEGAT_CHECK_STRICT="1")
    out = subprocess.run(["bash", str(script), "en", "tl", str(source_txt), str(raw)],
                         capture_output=True, text=True, env=env, timeout=900)
    assert out.returncode == 1 and "RESULT: FAIL" in out.stdout, out.stdout
