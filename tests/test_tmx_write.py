import io
import unicodedata

import pytest
from lxml import etree

from aligner.errors import TmxError
from aligner.formats import TOOL
from aligner.types import Alignment, Bead, Document, Sentence
from test_tmx_support import write_checked
from tmx.model import TranslationUnit
from tmx.read import iter_tus, read_header
from tmx.write import alignment_tus, creation_date, write_tmx

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def tu(tuid, en, tl, score=None, **extra):
    props = (("x-score", score),) if score is not None else ()
    segs = (("en", en), ("tl", tl)) + tuple(extra.items())
    return TranslationUnit(tuid=tuid, segs=segs, props=props)


def doc(name, lang, texts):
    return Document(name=name, lang=lang, kind="text",
                    sentences=tuple(Sentence(t, lang, 0, len(t)) for t in texts))


def test_header_has_every_required_attribute_and_pinned_date(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    path = tmp_path / "a.tmx"
    write_checked(path, [tu("1", "Hello.", "Kumusta.")], srclang="en", langs=["en", "tl"], tool=("aligner", "0.1.0"))
    raw = path.read_bytes()
    assert raw.startswith(b"<?xml version='1.0' encoding='UTF-8'?>\n<!DOCTYPE tmx SYSTEM \"tmx14.dtd\">")
    header = read_header(path)
    assert header == {
        "creationtool": "aligner", "creationtoolversion": "0.1.0", "segtype": "sentence", "o-tmf": "aligner",
        "adminlang": "en", "srclang": "en", "datatype": "plaintext", "creationdate": "20231114T221320Z",
        "version": "1.4",
    }


def test_same_input_gives_byte_identical_files(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")
    units = [tu(str(i), f"Sentence {i}.", f"Pangungusap {i}.", score="0.5") for i in range(20)]
    write_checked(tmp_path / "a.tmx", units, srclang="en", langs=["en", "tl"])
    write_checked(tmp_path / "b.tmx", units, srclang="en", langs=["en", "tl"])
    assert (tmp_path / "a.tmx").read_bytes() == (tmp_path / "b.tmx").read_bytes()
    assert creation_date() == "19700101T000000Z"


def test_bad_source_date_epoch_is_reported(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    with pytest.raises(TmxError, match="SOURCE_DATE_EPOCH"):
        creation_date()


def test_text_hygiene_nfc_illegal_chars_and_edge_whitespace(tmp_path):
    decomposed = unicodedata.normalize("NFD", "Café naïve")
    warnings = []
    stats = write_checked(
        tmp_path / "h.tmx",
        [tu("1", f"  {decomposed}\x00\x0b ", "Kape\x1f  \t"), tu("2", "A & B < C > D \"q\"", "x\ufffey")],
        srclang="en", langs=["en", "tl"], on_warning=warnings.append,
    )
    assert stats.illegal_chars_removed == 4
    assert stats.trimmed_segments == 2
    assert any("4 XML-illegal" in w for w in warnings)
    got = list(iter_tus(tmp_path / "h.tmx"))
    assert got[0].segs == (("en", "Café naïve"), ("tl", "Kape"))
    assert unicodedata.is_normalized("NFC", got[0].segs[0][1])
    assert got[1].segs == (("en", 'A & B < C > D "q"'), ("tl", "xy"))


def test_min_score_decides_what_goes_into_the_memory(tmp_path):
    units = [tu("a", "One.", "Isa.", "0.9"), tu("b", "Two.", "Dalawa.", "0.2"), tu("c", "Three.", "Tatlo.")]
    stats = write_checked(tmp_path / "m.tmx", units, srclang="en", langs=["en", "tl"], min_score=0.5)
    assert (stats.written, stats.skipped_min_score) == (2, 1)
    assert [t.tuid for t in iter_tus(tmp_path / "m.tmx")] == ["a", "c"]


def test_lang_code_presets_reach_xml_lang_and_srclang(tmp_path):
    for preset, codes in [("omegat", ["en", "tl", "ne"]), ("trados", ["en-US", "fil-PH", "ne-NP"]),
                          ("bcp47", ["en", "tl", "ne"])]:
        path = tmp_path / f"{preset}.tmx"
        write_checked(path, [tu("1", "Hi.", "Hoy.", ne="नमस्ते")], srclang="en", langs=["en", "tl", "ne"],
                      lang_codes=preset)
        root = etree.parse(str(path)).getroot()
        assert [t.get(XML_LANG) for t in root.iter("tuv")] == codes
        assert root.find("header").get("srclang") == codes[0]


def test_multilingual_file_never_has_a_tu_missing_a_declared_language(tmp_path):
    units = [
        tu("full", "Water.", "Tubig.", ne="पानी"),
        tu("no-ne", "Fire.", "Apoy."),
        TranslationUnit("empty-ne", (("en", "Air."), ("tl", "Hangin."), ("ne", "   "))),
    ]
    stats = write_checked(tmp_path / "multi.tmx", units, srclang="*all*", langs=["en", "tl", "ne"])
    assert (stats.written, stats.skipped_missing_lang, stats.skipped_empty) == (1, 1, 1)
    got = list(iter_tus(tmp_path / "multi.tmx"))
    assert [t.langs for t in got] == [("en", "tl", "ne")]
    assert read_header(tmp_path / "multi.tmx")["srclang"] == "*all*"


def test_bilingual_file_drops_segments_in_undeclared_languages(tmp_path):
    stats = write_checked(tmp_path / "bi.tmx", [tu("1", "Water.", "Tubig.", ne="पानी")],
                          srclang="tl", langs=["tl", "en"])
    assert stats.dropped_tuvs == 1
    assert list(iter_tus(tmp_path / "bi.tmx"))[0].segs == (("tl", "Tubig."), ("en", "Water."))


def test_writer_rejects_unusable_language_setups(tmp_path):
    with pytest.raises(TmxError, match="two or more distinct"):
        write_tmx(tmp_path / "x.tmx", [], tool=TOOL, srclang="en", langs=["en"])
    with pytest.raises(TmxError, match="not among"):
        write_tmx(tmp_path / "x.tmx", [], tool=TOOL, srclang="ne", langs=["en", "tl"])
    with pytest.raises(TmxError, match="collapse"):
        write_tmx(tmp_path / "x.tmx", [], tool=TOOL, srclang="en-US", langs=["en-US", "en-GB"], lang_codes="omegat")
    with pytest.raises(TmxError, match="two segments in en"):
        write_tmx(io.BytesIO(), [TranslationUnit("1", (("en", "a"), ("en", "b"), ("tl", "c")))],
                  tool=TOOL, srclang="en", langs=["en", "tl"])


def test_failed_write_leaves_the_old_file_and_no_temp_file(tmp_path):
    path = tmp_path / "keep.tmx"
    write_checked(path, [tu("1", "Old.", "Luma.")], srclang="en", langs=["en", "tl"])
    before = path.read_bytes()

    def broken():
        yield tu("2", "New.", "Bago.")
        raise RuntimeError("aligner crashed")

    with pytest.raises(RuntimeError):
        write_tmx(path, broken(), tool=TOOL, srclang="en", langs=["en", "tl"])
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.tmx"]


def test_writes_to_an_open_binary_file(tmp_path):
    buf = io.BytesIO()
    stats = write_tmx(buf, [tu("1", "Yes.", "Oo.")], tool=TOOL, srclang="en", langs=["en", "tl"])
    assert stats.written == 1
    assert not buf.getvalue().startswith(b"\xef\xbb\xbf")
    (tmp_path / "f.tmx").write_bytes(buf.getvalue())
    write_checked(tmp_path / "g.tmx", iter_tus(tmp_path / "f.tmx"), srclang="en", langs=["en", "tl"])


def test_a_fact_stated_twice_gives_two_tus_with_their_own_ids(tmp_path):
    src = doc("lenin.en.txt", "en", ["He was exiled in 1897.", "He married.", "In 1897 he went to Siberia."])
    tgt = doc("lenin.tl.txt", "tl", ["Ipinatapon siya sa Siberya noong 1897."])
    alignment = Alignment((Bead((0,), (0,), 0.9), Bead((1,), (), 0.8), Bead((2,), (0,), 0.95)), 3, 1)
    units = list(alignment_tus(alignment, src, tgt, src_lang="en", tgt_lang="tl"))
    assert [u.segs[0][1] for u in units] == ["He was exiled in 1897.", "In 1897 he went to Siberia."]
    assert {u.segs[1][1] for u in units} == {"Ipinatapon siya sa Siberya noong 1897."}
    assert len({u.tuid for u in units}) == 2
    write_checked(tmp_path / "twice.tmx", units, srclang="en", langs=["en", "tl"])
    assert len(list(iter_tus(tmp_path / "twice.tmx"))) == 2


def test_alignment_tus_skip_gaps_and_carry_evidence(tmp_path):
    src = doc("story.en.txt", "en", ["The dog runs.", "It is fast.", "Only in English."])
    tgt = doc("story.tl.txt", "tl", ["Tumatakbo ang aso, mabilis ito."])
    alignment = Alignment(beads=(Bead((0, 1), (0,), 0.87654), Bead((2,), (), 0.0)), n_src=3, n_tgt=1)
    units = list(alignment_tus(alignment, src, tgt, src_lang="en", tgt_lang="tl"))
    assert len(units) == 1
    unit = units[0]
    assert unit.segs == (("en", "The dog runs. It is fast."), ("tl", "Tumatakbo ang aso, mabilis ito."))
    assert dict(unit.props) == {
        "x-score": "0.8765", "x-bead": "2-1", "x-document-en": "story.en.txt", "x-document-tl": "story.tl.txt",
        "x-position-en": "0,1", "x-position-tl": "0",
    }
    again = list(alignment_tus(alignment, src, tgt, src_lang="eng_Latn", tgt_lang="tgl"))[0]
    assert again.tuid == unit.tuid
    changed = doc("story.tl.txt", "tl", ["Tumatakbo ang aso."])
    assert list(alignment_tus(alignment, src, changed, src_lang="en", tgt_lang="tl"))[0].tuid != unit.tuid
    write_checked(tmp_path / "al.tmx", units, srclang="en", langs=["en", "tl"])
    back = list(iter_tus(tmp_path / "al.tmx"))
    assert back == units
    with pytest.raises(TmxError, match="both en"):
        list(alignment_tus(alignment, src, tgt, src_lang="en", tgt_lang="eng"))


def test_write_alignment_tmx_uses_document_languages_and_min_score(tmp_path):
    src = doc("a.ne.txt", "npi", ["पहिलो वाक्य।", "दोस्रो वाक्य।"])
    tgt = doc("a.en.txt", "en", ["First sentence.", "Second sentence."])
    alignment = Alignment(beads=(Bead((0,), (0,), 0.9), Bead((1,), (1,), 0.1)), n_src=2, n_tgt=2)
    from tmx.write import write_alignment_tmx

    path = tmp_path / "pair.tmx"
    stats = write_alignment_tmx(path, alignment, src, tgt, tool=TOOL, lang_codes="trados", min_score=0.5)
    from test_tmx_support import assert_valid_tmx

    assert_valid_tmx(path)
    assert (stats.written, stats.skipped_min_score) == (1, 1)
    assert [u.segs for u in iter_tus(path)] == [(("ne-NP", "पहिलो वाक्य।"), ("en-US", "First sentence."))]
    assert read_header(path)["srclang"] == "ne-NP"
