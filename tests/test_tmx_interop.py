"""translate-toolkit (translate.storage.tmx.tmxfile) must read every file we write.

What it loses, checked below: its unit API exposes only a source and a target
(by default the first two <tuv>s, so a third language needs an explicit
sourcelanguage/targetlanguage), and no <prop> (x-score, x-bead, ...) is
exposed: those stay only in the raw ``xmlelement``. tuid (getid) and <note> survive.
"""

import pytest
from translate.storage.tmx import tmxfile

from test_tmx_support import flores_lines, write_checked
from tmx.model import TranslationUnit
from tmx.read import iter_tus

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
CODES = {"bcp47": {"en": "en", "tl": "tl", "ne": "ne"},
         "omegat": {"en": "en", "tl": "tl", "ne": "ne"},
         "trados": {"en": "en-US", "tl": "fil-PH", "ne": "ne-NP"}}


def flores_units(n: int = 30) -> list[TranslationUnit]:
    en, tl, ne = (flores_lines(c)[:n] for c in ("eng_Latn", "tgl_Latn", "npi_Deva"))
    units = [
        TranslationUnit(f"flores-{i + 1}", (("en", e), ("tl", t), ("ne", p)),
                        (("x-score", f"{0.5 + i / 100:.4f}"), ("x-bead", "1-1")),
                        note="a <note> & more" if i == 0 else None)
        for i, (e, t, p) in enumerate(zip(en, tl, ne))
    ]
    units.append(TranslationUnit("hostile", (("en", "AT&T <b> \"q\" 'a'"), ("tl", "x & y"), ("ne", "क < ख"))))
    return units


def tt_units(path, src=None, tgt=None):
    with open(path, "rb") as f:
        return tmxfile(f, sourcelanguage=src, targetlanguage=tgt).units


@pytest.mark.parametrize("preset", ["bcp47", "omegat", "trados"])
@pytest.mark.parametrize(("src", "tgt"), [("en", "tl"), ("en", "ne"), ("tl", "ne")])
def test_bilingual_files_round_trip_through_ours_and_translate_toolkit(tmp_path, preset, src, tgt):
    units = flores_units()
    path = tmp_path / f"{src}-{tgt}.tmx"
    stats = write_checked(path, units, srclang=src, langs=[src, tgt], lang_codes=preset)
    assert stats.written == len(units)
    ours = list(iter_tus(path))
    codes = CODES[preset]
    assert [u.segs for u in ours] == [((codes[src] if preset != "bcp47" else src, u.text(src)),
                                       (codes[tgt] if preset != "bcp47" else tgt, u.text(tgt))) for u in units]
    assert [u.score for u in ours] == [u.score for u in units]
    theirs = tt_units(path)
    assert len(theirs) == len(units)
    for mine, tt in zip(units, theirs):
        assert (tt.source, tt.target) == (mine.text(src), mine.text(tgt))
        assert [n.get(XML_LANG) for n in tt.getlanguageNodes()] == [codes[src], codes[tgt]]
        assert tt.getid() == mine.tuid
        raw_props = {p.get("type"): p.text for p in tt.xmlelement.iterfind("prop")}
        assert raw_props == dict(mine.props)
    assert theirs[0].getnotes() == "a <note> & more"


def test_multilingual_file_keeps_three_languages_in_both_readers(tmp_path):
    units = flores_units()
    path = tmp_path / "multi.tmx"
    write_checked(path, units, srclang="*all*", langs=["en", "tl", "ne"], lang_codes="trados")
    assert [u.segs for u in iter_tus(path)] == [
        tuple((CODES["trados"][lang], text) for lang, text in u.segs) for u in units
    ]
    # Default API: first two <tuv>s only; the third language needs explicit languages.
    default = tt_units(path)
    assert [(u.source, u.target) for u in default] == [(u.text("en"), u.text("tl")) for u in units]
    for src, tgt in [("fil-PH", "ne-NP"), ("en-US", "ne-NP")]:
        picked = tt_units(path, src, tgt)
        key = {"fil-PH": "tl", "ne-NP": "ne", "en-US": "en"}
        assert [(u.source, u.target) for u in picked] == [(u.text(key[src]), u.text(key[tgt])) for u in units]
