"""Text extracted from a PDF: hard-wrapped lines, page furniture, footnotes, hyphenation.

Cleaning runs as small passes. The first ones give every line a role (page
furniture to drop, heading, footnote, body), each looking at the roles set
before it; the last one assembles the body and footnote lines into blocks,
joining wrapped lines and removing the hyphens that only split a word.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass

from aligner.ingest.blocks import Block, BlockBuilder, line_spans
from aligner.segment import TITLE_END

_PAGE_NUMBER = re.compile(
    r"[ \t]*(?:[-–—][ \t]*)?\d{1,4}(?:[ \t]*[-–—])?[ \t]*"
    r"|[ \t]*(?:Page|page|p\.)[ \t]*\d{1,4}(?:[ \t]*(?:of|/)[ \t]*\d{1,4})?[ \t]*"
)
_MIN_HEADER_REPEATS = 3
_CHAPTER = re.compile(r"[ \t]*(?:Chapter|CHAPTER|Part|PART)[ \t]+[IVXLC\d]+\.?[ \t]*")
_FOOTNOTE_START = re.compile(r"(\d{1,3})(?:\.[ \t\u2002\u2003]+|[\u2002\u2003 \t]+)(?=\S)")
_DIGITS = re.compile(r"\d+")
_REF_BEFORE = frozenset(".,;:!?”’\"')]")
_REF_AFTER = frozenset(".,;:!?)]”’\"")
_WORDS = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
_DASHES = "—–"
_NOT_TITLE_END = frozenset(",-" + _DASHES)
_OPENING_QUOTES = frozenset("“\"‘«„")

# Line roles.
BODY, DROP, HEADING, NOTE_START, NOTE = "body", "drop", "heading", "footnote-start", "footnote"


@dataclass
class Layout:
    """The lines of a PDF text and the role each pass gives them."""

    source: str
    spans: list[tuple[int, int, int]]  # as ``line_spans``
    text: list[str]  # each line without its newline
    stripped: list[str]
    roles: list[str]
    footnote_numbers: set[int]
    # Body lines that end a paragraph by their layout but whose sentence goes on.
    continued: set[int]

    @classmethod
    def of(cls, source: str) -> Layout:
        spans = line_spans(source)
        text = [source[a:e] for a, e, _ in spans]
        stripped = [t.strip() for t in text]
        return cls(source, spans, text, stripped, [BODY] * len(spans), set(), set())

    def blank(self, i: int) -> bool:
        return not self.stripped[i]

    def alone(self, i: int) -> bool:
        """Blank lines (or the file's edge) on both sides."""
        return (i == 0 or self.blank(i - 1)) and (i + 1 >= len(self.spans) or self.blank(i + 1))


def clean(source: str) -> list[Block]:
    layout = Layout.of(source)
    drop_page_numbers(layout)
    drop_running_headers(layout)
    mark_footnotes(layout)
    mark_headings(layout)
    join_quotations(layout)
    return assemble(layout)


def sniff(source: str) -> bool:
    """Hard-wrapped text: many lines of 40 to 100 characters that end in a space or a hyphen."""
    lines = source.splitlines()
    if len(lines) < 20:
        return False
    wrapped = sum(1 for ln in lines if ln.endswith((" ", "-")) and 40 <= len(ln) <= 100)
    return wrapped >= 0.3 * len(lines)


def drop_page_numbers(layout: Layout) -> None:
    """Page numbers between blank lines, and the running header that follows one."""
    n = len(layout.spans)
    for i, s in enumerate(layout.stripped):
        if 0 < len(s) <= 16 and layout.alone(i) and _PAGE_NUMBER.fullmatch(layout.text[i]):
            layout.roles[i] = DROP
            j = i + 1
            while j < n and layout.blank(j):
                j += 1
            if (
                j < n
                and len(layout.stripped[j]) <= 70
                and not layout.text[j].endswith(" ")
                and not layout.stripped[j].endswith(".")
            ):
                layout.roles[j] = DROP


def drop_running_headers(layout: Layout) -> None:
    """Running headers with no page number nearby: the same short line, standing alone, 3+ times."""
    stripped = layout.stripped
    lonely = [i for i, s in enumerate(stripped) if 0 < len(s) <= 60 and layout.alone(i)]
    repeats = Counter(stripped[i] for i in lonely)
    for i in lonely:
        s = stripped[i]
        if layout.roles[i] == BODY and repeats[s] >= _MIN_HEADER_REPEATS and s[-1] not in ".?!":
            layout.roles[i] = DROP


def mark_footnotes(layout: Layout) -> None:
    """Footnotes: numbered in sequence, after a blank line, until the body resumes."""
    expected = 1
    in_note = False
    roles = layout.roles
    for i, t in enumerate(layout.text):
        if roles[i] == DROP or layout.blank(i):
            in_note = False
            continue
        m = _FOOTNOTE_START.match(t) if t[:1].isdigit() else None
        if m and i > 0 and (layout.blank(i - 1) or in_note) and expected <= int(m.group(1)) <= expected + 2:
            roles[i] = NOTE_START
            layout.footnote_numbers.add(int(m.group(1)))
            expected = int(m.group(1)) + 1
            in_note = True
        elif in_note and not t[:1].isspace():
            roles[i] = NOTE
        else:
            in_note = False


def mark_headings(layout: Layout) -> None:
    """Chapter lines, and short unpunctuated lines that open after a blank line."""
    for i, s in enumerate(layout.stripped):
        if layout.roles[i] != BODY or not s or len(s) > 60:
            continue
        t = layout.text[i]
        if _CHAPTER.fullmatch(t):
            layout.roles[i] = HEADING
        elif (
            (i == 0 or layout.blank(i - 1))
            and not t.endswith((" ", "\t"))
            and s[-1] not in TITLE_END
            and s[-1] not in _NOT_TITLE_END
            and not s[-1].isdigit()
            and s[0].isupper()
        ):
            layout.roles[i] = HEADING


def join_quotations(layout: Layout) -> None:
    """A line ending in a colon goes on into the quotation it introduces (``Manifesto:`` / ``“The …``).

    The PDF sets the quotation off as its own paragraph, but the colon leaves the
    sentence open; blank lines and dropped page furniture may stand between.
    """
    n = len(layout.spans)
    for i, s in enumerate(layout.stripped):
        if layout.roles[i] != BODY or not s.endswith(":") or layout.text[i] != layout.text[i].rstrip():
            continue
        j = i + 1
        while j < n and (layout.blank(j) or layout.roles[j] == DROP):
            j += 1
        if j < n and layout.roles[j] == BODY and layout.stripped[j][:1] in _OPENING_QUOTES:
            layout.continued.add(i)


def assemble(layout: Layout) -> list[Block]:
    """Blocks from the roles: body lines join into paragraphs, each footnote into its own block.

    A footnote's blocks follow the paragraph it interrupts, so a sentence that runs
    across a page bottom stays whole.
    """
    source = layout.source
    vocab = _Vocabulary(source)
    refs = _footnote_refs(source, layout.footnote_numbers)
    ref_starts = [r[0] for r in refs]
    blocks: list[Block] = []
    para = BlockBuilder(source)
    notes: list[Block] = []
    note: BlockBuilder | None = None
    prev_end = ""  # how the previous body line ended: "", "space", "hyphen", "dash"
    prev_nl = 0
    note_end, note_nl = "", 0

    def close_paragraph() -> None:
        nonlocal para, prev_end
        if para:
            blocks.append(para.build("paragraph"))
        para = BlockBuilder(source)
        prev_end = ""
        blocks.extend(notes)
        notes.clear()

    def close_note() -> None:
        nonlocal note
        if note is not None and note:
            notes.append(note.build("footnote"))
        note = None

    for i, (a, e, _) in enumerate(layout.spans):
        r = layout.roles[i]
        if r != NOTE:
            close_note()
        if layout.blank(i) or r == DROP:
            continue
        if r == HEADING:
            close_paragraph()
            h = BlockBuilder(source)
            s = source[a:e]
            lead = len(s) - len(s.lstrip())
            h.add(a + lead, a + len(s.rstrip()))
            blocks.append(h.build("heading"))
            continue
        if r == NOTE_START:
            m = _FOOTNOTE_START.match(source, a, e)
            note = BlockBuilder(source)
            _add_body_line(note, source, m.end() if m else a, e, refs, ref_starts)
            note_end, note_nl = _line_end(layout.text[i]) or "space", e
            continue
        if r == NOTE:
            assert note is not None
            a = _join(note, source, note_nl, a, e, note_end, vocab)
            _add_body_line(note, source, a, e, refs, ref_starts)
            note_end, note_nl = _line_end(layout.text[i]) or "space", e
            continue
        if para:
            a = _join(para, source, prev_nl, a, e, prev_end, vocab)
        _add_body_line(para, source, a, e, refs, ref_starts)
        prev_end, prev_nl = _line_end(layout.text[i]) or ("space" if i in layout.continued else ""), e
        if not prev_end:
            close_paragraph()
    close_note()
    close_paragraph()
    return blocks


def _line_end(raw: str) -> str:
    """How a PDF line ends: "space" or "hyphen" or "dash" (the paragraph goes on), "" (it ends)."""
    stripped = raw.rstrip()
    if raw != stripped:
        return "space"
    if stripped.endswith("-") and len(stripped) > 1 and stripped[-2].isalpha():
        return "hyphen"
    if stripped.endswith(tuple(_DASHES)):
        return "dash"
    return ""


def _footnote_refs(source: str, numbers: set[int]) -> list[tuple[int, int]]:
    """Spans of footnote numbers glued to the word or punctuation before them."""
    refs = []
    n = len(source)
    for m in _DIGITS.finditer(source):
        a, b = m.span()
        if b - a > 3 or a == 0 or int(m.group()) not in numbers:
            continue
        before = source[a - 1]
        if not (before.isalpha() or before in _REF_BEFORE):
            continue
        if b < n and not (source[b].isspace() or source[b] in _REF_AFTER):
            continue
        refs.append((a, b))
    return refs


class _Vocabulary:
    """The hyphenated compounds the document spells in-line (``anti-Tsarist``, ``well-known``).

    Built on first use: most documents never need it.
    """

    def __init__(self, source: str) -> None:
        self._source = source
        self._compounds: set[str] | None = None

    def has_compound(self, word: str) -> bool:
        if self._compounds is None:
            src = self._source
            self._compounds = set()
            a = src.find("-")
            while a >= 0:
                lo = a
                while lo > 0 and src[lo - 1].isalpha() and a - lo < 40:
                    lo -= 1
                hi = a + 1
                while hi < len(src) and src[hi].isalpha() and hi - a < 40:
                    hi += 1
                if lo < a < hi - 1:
                    self._compounds.add(src[lo:hi].lower())
                a = src.find("-", a + 1)
        return word in self._compounds


def _add_body_line(
    builder: BlockBuilder, source: str, a: int, e: int, refs: list[tuple[int, int]], ref_starts: list[int]
) -> None:
    """Add a line, leaving out footnote reference digits glued to words (``Enrollment1``)."""
    cursor = a
    k = bisect_right(ref_starts, a - 1)
    while k < len(refs) and refs[k][0] < e:
        s, t = refs[k]
        builder.add(cursor, s)
        cursor = t
        k += 1
    builder.add(cursor, e)


def _join(
    para: BlockBuilder, source: str, prev_nl: int, a: int, e: int, prev_end: str, vocab: _Vocabulary
) -> int:
    """Prepare to append the line ``source[a:e]``: drop a hyphen that splits a word, else add a space.

    Returns where the line's text starts: after a hyphen, past the spaces some
    extractions put at the start of the next line (``weaken-`` / `` ing``).
    """
    if prev_end == "hyphen" and para.last_char() == "-":
        while a < e and source[a] in " \t":
            a += 1
        head = _word_before(para)
        tail_m = _WORDS.match(source, a, e)
        tail = tail_m.group() if tail_m else ""
        if head and tail and tail[0].islower() and _dehyphenate(head, tail, vocab):
            para.drop_last_char()
        return a
    if prev_end != "dash":
        para.literal(" ", prev_nl)
    return a


def _word_before(para: BlockBuilder) -> str:
    """The letters before the final hyphen."""
    tail = para.tail(60)
    end = len(tail) - 1
    a = end
    while a > 0 and tail[a - 1].isalpha():
        a -= 1
    return tail[a:end]


def _dehyphenate(head: str, tail: str, vocab: _Vocabulary) -> bool:
    """Join ``expo-``/``sition`` unless the document itself spells the pair with a hyphen."""
    return not vocab.has_compound(f"{head}-{tail}".lower())
