"""Ingest: decoding, cleaning by kind, spans back into the original file."""

from __future__ import annotations

import codecs
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aligner.errors import InputError
from aligner.ingest import decode, document_from_text, read_document, read_manifest, read_presplit

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


def test_decode_utf8_bom_and_utf16():
    text = "Sí Lenin। ang"
    assert decode(text.encode("utf-8"), "f") == text
    assert decode(codecs.BOM_UTF8 + text.encode("utf-8"), "f") == text
    assert decode(codecs.BOM_UTF16_LE + text.encode("utf-16-le"), "f") == text
    assert decode(codecs.BOM_UTF16_BE + text.encode("utf-16-be"), "f") == text


def test_undecodable_names_file_and_offset():
    with pytest.raises(InputError, match=r"some/file\.txt.*byte offset 5"):
        decode(b"hello\xff world", "some/file.txt")


def test_binary_nul_is_an_error_with_offset():
    with pytest.raises(InputError, match=r"bin\.dat.*byte offset 3"):
        decode(b"abc\x00def", "bin.dat")


def test_spans_point_into_the_original_source():
    doc = read_document(CORPUS / "foundations-of-leninism.en.pdf.txt")
    for s in doc.sentences:
        original = doc.source[s.start : s.end]
        assert original[0] == s.text[0]
        assert original[-1] == s.text[-1] or s.kind == "footnote" or original[-1].isdigit()


def test_manifest_reads_all_four_documents():
    docs = read_manifest(CORPUS / "manifest.json")
    manifest = json.loads((CORPUS / "manifest.json").read_text())
    assert [d.lang for d in docs] == [e["lang"] for e in manifest["documents"]]
    assert [d.kind for d in docs] == [e["kind"] for e in manifest["documents"]]
    assert [d.name for d in docs] == [
        "lenin.tl.wiki",
        "lenin.ne.wiki",
        "foundations-of-leninism.en.pdf",
        "lenin-and-stalin.en.web",
    ]
    assert all(len(d.sentences) > 50 for d in docs)


def test_corpus_files_are_the_seeds_byte_for_byte():
    import hashlib

    manifest = json.loads((CORPUS / "manifest.json").read_text())
    for entry in manifest["documents"]:
        digest = hashlib.sha256((CORPUS / entry["file"]).read_bytes()).hexdigest()
        assert digest in entry["source"]


def test_presplit_keeps_lines_and_skips_empty(tmp_path):
    f = tmp_path / "x.txt"
    f.write_text("First one. Still first.\n\n  Second line  \n", encoding="utf-8")
    doc = read_presplit(f, lang="en")
    assert doc.texts == ["First one. Still first.", "Second line"]
    assert [doc.source[s.start : s.end] for s in doc.sentences] == doc.texts


def test_nfc_normalisation_of_unit_text():
    doc = document_from_text("Cafe\u0301 ay masarap. Oo.", lang="tl")
    assert doc.texts == ["Café ay masarap.", "Oo."]
    assert doc.source[doc.sentences[0].start : doc.sentences[0].end] == "Cafe\u0301 ay masarap."


def test_empty_text_gives_no_units():
    doc = document_from_text("", lang=None)
    assert doc.sentences == ()
    assert doc.lang == "und"


def test_nul_in_utf16_reports_the_byte_offset():
    data = codecs.BOM_UTF16_LE + "ab\x00c".encode("utf-16-le")
    with pytest.raises(InputError, match=r"u16\.txt.*byte offset 6"):
        decode(data, "u16.txt")


def test_utf32_is_refused_with_advice():
    with pytest.raises(InputError, match="UTF-32.*convert it to UTF-8"):
        decode(codecs.BOM_UTF32_LE + "hi".encode("utf-32-le"), "x.txt")


def test_pdf_footnote_lines_are_joined_and_dehyphenated():
    text = (
        "The party of the working \n\n"
        "1. Lenin refers to “Social-De-\n"
        "mocracy and a Provisional Revolutionary Govern-\n"
        "ment.”\n"
        " class is the vanguard. It leads the anti-\n"
        "Tsarist struggle.\n"
    )
    doc = document_from_text(text, lang="en", kind="pdf")
    assert [(s.kind, s.text) for s in doc.sentences] == [
        ("sentence", "The party of the working class is the vanguard."),
        ("footnote", "Lenin refers to “Social-Democracy and a Provisional Revolutionary Government.”"),
        ("sentence", "It leads the anti-Tsarist struggle."),
    ]


def test_pdf_hyphen_kept_when_the_document_spells_the_compound_with_one():
    text = "It was a well-known fact and well-\nknown to all. Another expo-\nsition follows.\n"
    doc = document_from_text(text, lang="en", kind="pdf")
    assert doc.texts == ["It was a well-known fact and well-known to all.", "Another exposition follows."]


def test_pdf_page_numbers_and_repeated_running_headers_are_dropped():
    page = "A Short History\n\n"
    text = (
        "Lenin returned in April and \n\n\n- 12 -\n\n"
        + page
        + "spoke at the station. He was met by a crowd. \n\nPage 13 of 90\n\n"
        + page
        + "The crowd cheered. \n\n"
        + page
        + "Then he left.\n"
    )
    doc = document_from_text(text, lang="en", kind="pdf")
    assert doc.texts == [
        "Lenin returned in April and spoke at the station.",
        "He was met by a crowd.",
        "The crowd cheered.",
        "Then he left.",
    ]


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_any_bytes_decode_or_raise_an_input_error_with_an_offset(data):
    try:
        text = decode(data, "f.bin")
    except InputError as exc:
        assert "f.bin" in str(exc) and "byte offset" in str(exc)
    else:
        assert "\x00" not in text


def test_unknown_kind_is_an_input_error(tmp_path):
    f = tmp_path / "a.txt"
    f.write_text("Hello there.", encoding="utf-8")
    with pytest.raises(InputError, match="unknown source kind 'html'"):
        read_document(f, kind="html")


def test_name_defaults_to_the_file_stem_and_kind_is_guessed_from_the_name(tmp_path):
    f = tmp_path / "notes.en.wiki.txt"
    f.write_text("== Intro ==\nThe text is here. More of the text.\n", encoding="utf-8")
    doc = read_document(f)
    assert (doc.name, doc.kind, doc.lang) == ("notes.en.wiki", "wiki", "en")
    assert [(s.kind, s.text) for s in doc.sentences] == [
        ("heading", "Intro"),
        ("sentence", "The text is here."),
        ("sentence", "More of the text."),
    ]
    assert read_document(f, name="x", lang="tl").name == "x"
