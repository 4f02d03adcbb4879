"""Conservation: whatever the input, segmentation loses and duplicates nothing."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from aligner.ingest import clean, document_from_text
from aligner.segment import segment_cleaned, split_sentences

# Pieces that trigger every rule: terminators, abbreviations, initials, quotes,
# wiki headings and residue, hard-wrapped and hyphenated lines, footnote numbers.
TOKENS = [
    "Ang", "the", "Dr.", "G.", "J.", "V.", "J.V.", "St.", "atbp.", "etc.", "Jan.", "3.5", "12",
    "word", "expo-", "sition", "anti-", "Tsarist", "लेनिन", "डा.", "गरिदियो।", "।", "॥", "उच्च",
    ".", "?", "!", "...", "…", '"', "“", "”", "‘", "’", "(", ")", "[", "]", "[ edit ]", "[1]",
    "== Heading ==", "thumb|right|230px|x", "code: rus promoted to code: ru", "1.", "2. ", "40",
    " ", " ", "  ", "\n", "\n\n", "\n \n", "\r\n", "\t", "\u2003", "e\u0301", "\u0301", "-", "—", "|",
    "=", "Chapter I.", "Enrollment1", "x",
]
texts = st.one_of(
    st.lists(st.sampled_from(TOKENS), max_size=60).map(" ".join),
    st.lists(st.sampled_from(TOKENS), max_size=60).map("".join),
    st.text(max_size=200),
)
langs = st.sampled_from(["en", "tl", "ne", "de"])


def non_ws_positions(text: str, a: int = 0, b: int | None = None) -> list[int]:
    b = len(text) if b is None else b
    return [i for i in range(a, b) if not text[i].isspace()]


@settings(max_examples=200, deadline=None)
@given(texts, langs)
def test_split_sentences_covers_every_non_space_character_once(text, lang):
    spans = split_sentences(text, lang)
    covered: list[int] = []
    prev_end = 0
    for a, b in spans:
        assert prev_end <= a < b <= len(text)
        assert not text[a].isspace() and not text[b - 1].isspace()
        covered.extend(non_ws_positions(text, a, b))
        prev_end = b
    assert covered == non_ws_positions(text)


@settings(max_examples=200, deadline=None)
@given(texts, langs, st.sampled_from(["wiki", "pdf", "text"]))
def test_units_cover_the_cleaned_text_exactly_once(text, lang, kind):
    cleaned = clean(text, kind)
    units = segment_cleaned(cleaned, lang)
    by_block: dict[int, list[tuple[int, int]]] = {}
    for u in units:
        by_block.setdefault(u.block, []).append((u.clean_start, u.clean_end))
    for bi, block in enumerate(cleaned.blocks):
        spans = sorted(by_block.get(bi, []))
        covered: list[int] = []
        prev_end = 0
        for a, b in spans:
            assert prev_end <= a < b  # in order, no overlap
            covered.extend(non_ws_positions(block.text, a, b))
            prev_end = b
        assert covered == non_ws_positions(block.text)  # nothing lost, nothing twice
    # Source spans are real, trimmed and in source order.
    starts = [u.sentence.start for u in units]
    assert starts == sorted(starts)
    for u in units:
        s = u.sentence
        assert 0 <= s.start < s.end <= len(text)
        assert not text[s.start].isspace() and not text[s.end - 1].isspace()
        assert s.text and s.text == " ".join(s.text.split())


@settings(max_examples=200, deadline=None)
@given(texts, langs, st.sampled_from(["wiki", "text"]))
def test_source_spans_never_overlap_without_footnotes(text, lang, kind):
    doc = document_from_text(text, lang=lang, kind=kind)
    prev_end = 0
    for s in doc.sentences:
        assert prev_end <= s.start
        prev_end = s.end


def test_pdf_sentence_encloses_the_footnote_that_interrupts_it():
    # The one documented exception to non-overlap: a page-bottom footnote inside a sentence.
    text = "It is an international \n\n1. A note here.\n phenomenon rooted in history.\n"
    doc = document_from_text(text, lang="en", kind="pdf")
    assert [(s.kind, s.text) for s in doc.sentences] == [
        ("sentence", "It is an international phenomenon rooted in history."),
        ("footnote", "A note here."),
    ]
    outer, note = doc.sentences
    assert outer.start < note.start < note.end < outer.end
