"""The real CAT tool: OmegaT 3.6 headless must apply every unique source segment
of our FLORES dev TMX as an exact match in the target language.

Only these tests (and the corpus one in test_job.py) need OmegaT. Without it they
skip with the reason on a developer's machine; in CI (``CI=true``) they fail,
because ``.ci/run`` installs the package and a skipped check would let a TMX that
OmegaT silently drops reach translators. No test installs anything.
"""

import pytest

from aligner.types import Alignment, Bead, Document, Sentence
from needs import need_omegat
from omegat_check import run_omegat
from test_tmx_support import BAD_NEPALI_ROWS, FLORES_LINES, flores_lines, write_checked
from tmx.model import TranslationUnit
from tmx.write import alignment_tus

FILES = {"en": "eng_Latn", "tl": "tgl_Latn", "ne": "npi_Deva"}


@pytest.fixture(autouse=True)
def _omegat():
    need_omegat()


def flores_doc(lang: str) -> Document:
    lines = flores_lines(FILES[lang])
    return Document(name=f"flores-dev.{FILES[lang]}", lang=lang, kind="text",
                    sentences=tuple(Sentence(t, lang, 0, len(t)) for t in lines))


def gold_alignment(n: int, pair: tuple[str, str]) -> Alignment:
    """Line i <-> line i; a broken Nepali row becomes a 1-0 and a 0-1 gap."""
    beads = []
    for i in range(n):
        if "ne" in pair and i in BAD_NEPALI_ROWS:
            beads += [Bead((i,), (), 0.0), Bead((), (i,), 0.0)]
        else:
            beads.append(Bead((i,), (i,), 1.0))
    return Alignment(beads=tuple(beads), n_src=n, n_tgt=n, mode="gold")


def assert_all_applied(result, n: int) -> None:
    assert (result.segments, result.right, result.wrong_language) == (n, n, 0), result
    assert not result.load_errors, result.load_errors


@pytest.mark.parametrize("pair", [("en", "tl"), ("en", "ne"), ("tl", "ne")])
def test_omegat_applies_every_flores_segment_as_exact_match(tmp_path, pair):
    src, tgt = pair
    src_doc, tgt_doc = flores_doc(src), flores_doc(tgt)
    units = list(alignment_tus(gold_alignment(len(src_doc.sentences), pair), src_doc, tgt_doc,
                               src_lang=src, tgt_lang=tgt))
    expected_tus = FLORES_LINES - (len(BAD_NEPALI_ROWS) if "ne" in pair else 0)
    assert len(units) == expected_tus
    tmx_path = tmp_path / f"flores-dev.{src}-{tgt}.tmx"
    stats = write_checked(tmx_path, units, srclang=src, langs=[src, tgt], lang_codes="omegat")
    assert stats.written == expected_tus
    sources = list(dict.fromkeys(u.text(src) for u in units))
    assert_all_applied(run_omegat(src, tgt, sources, tmx_path, tmp_path), len(sources))


def test_omegat_uses_the_right_language_of_a_multilingual_tmx(tmp_path):
    docs = {lang: flores_doc(lang) for lang in FILES}
    units = [
        TranslationUnit(f"flores-{i + 1}", tuple((lang, docs[lang].sentences[i].text) for lang in ("en", "tl", "ne")))
        for i in range(FLORES_LINES) if i not in BAD_NEPALI_ROWS
    ]
    tmx_path = tmp_path / "flores-dev.multi.tmx"
    write_checked(tmx_path, units, srclang="*all*", langs=["en", "tl", "ne"], lang_codes="omegat")
    sources = list(dict.fromkeys(u.text("tl") for u in units))
    assert_all_applied(run_omegat("tl", "ne", sources, tmx_path, tmp_path), len(sources))


def test_omegat_preset_makes_filipino_labels_match_a_tagalog_project(tmp_path):
    # FLORES+ labels the Tagalog text fil_Latn; OmegaT does not match fil to tl.
    en, tl = flores_lines("eng_Latn")[:20], flores_lines("tgl_Latn")[:20]
    units = [TranslationUnit(f"f{i}", (("en", e), ("fil", t))) for i, (e, t) in enumerate(zip(en, tl))]
    good = tmp_path / "omegat.tmx"
    write_checked(good, units, srclang="en", langs=["en", "fil"], lang_codes="omegat")
    assert_all_applied(run_omegat("en", "tl", en, good, tmp_path / "good"), 20)
    raw = tmp_path / "bcp47.tmx"
    write_checked(raw, units, srclang="en", langs=["en", "fil"], lang_codes="bcp47")
    result = run_omegat("en", "tl", en, raw, tmp_path / "raw")
    assert result.segments == 20 and result.right == 0, result
