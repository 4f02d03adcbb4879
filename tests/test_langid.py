"""Language detection from script plus function words."""

from __future__ import annotations

from pathlib import Path

import pytest

from aligner.langid import detect

FLORES = Path(__file__).resolve().parent / "data" / "flores" / "dev"  # lines 1-250 of FLORES-200 dev
CORPUS = Path(__file__).resolve().parent.parent / "corpus"


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("The foundations of Leninism is a big subject, and it was the work of his life.", "en"),
        ("Si Lenin ay isang politiko ng Rusya at ang kanyang mga ideya ay tinatawag na Leninismo.", "tl"),
        ("लेनिनको परिवार मध्यमवर्गीय थियो । उनी रूसमा बोल्सेविक क्रान्तिको नेता थिए ।", "ne"),
        ("यह एक किताब है और इस में कई कहानियाँ हैं।", "hi"),
        ("Владимир Ильич Ульянов", "ru"),
        ("", "und"),
        ("12345 ... !!!", "und"),
        ("Xyzzy plugh", "und"),
    ],
)
def test_detect_short_texts(text, lang):
    assert detect(text) == lang


@pytest.mark.parametrize(
    ("name", "lang"),
    [
        ("lenin.tl.wiki.txt", "tl"),
        ("lenin.ne.wiki.txt", "ne"),
        ("foundations-of-leninism.en.pdf.txt", "en"),
        ("lenin-and-stalin.en.web.txt", "en"),
    ],
)
def test_detect_corpus_documents(name, lang):
    assert detect((CORPUS / name).read_text(encoding="utf-8")) == lang


@pytest.mark.parametrize(("code", "lang"), [("eng_Latn", "en"), ("tgl_Latn", "tl"), ("npi_Deva", "ne")])
def test_detect_flores_lines(code, lang):
    lines = (FLORES / f"{code}.dev").read_text(encoding="utf-8").splitlines()[:200]
    right = sum(detect(line) == lang for line in lines)
    assert right >= 190
