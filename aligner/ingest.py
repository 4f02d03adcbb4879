"""From a file on disk to a segmented ``Document``: decode, clean by source kind, segment.

Cleaning never rewrites the original: it builds *blocks* (paragraphs, headings,
footnotes) out of pieces of the decoded source, with a map from every cleaned
character back to its source offset. That is how each unit keeps the exact span
of text it came from, even after lines are joined and hyphens removed.
"""

from __future__ import annotations

import codecs
import json
import re
import unicodedata
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from aligner.errors import ConfigError, InputError
from aligner.langid import check_code, detect
from aligner.segment import split_sentences
from aligner.types import Document, Sentence, UnitKind

KINDS: tuple[str, ...] = ("wiki", "pdf", "text")

# ---------------------------------------------------------------- decoding


def decode(data: bytes, path: str) -> str:
    """UTF-8 (with or without BOM) or UTF-16 with BOM; anything else is an ``InputError``."""
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        raise InputError(f"{path}: UTF-32 text (BOM at byte offset 0) is not supported; convert it to UTF-8")
    if data.startswith(codecs.BOM_UTF8):
        skip, encoding = len(codecs.BOM_UTF8), "utf-8"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        skip, encoding = 2, "utf-16-le"
    else:
        skip, encoding = 0, "utf-8"
    text = _decode(data, skip, "utf-16" if encoding == "utf-16-le" else encoding, path)
    nul = text.find("\x00")
    if nul >= 0:
        offset = skip + len(text[:nul].encode(encoding))
        raise InputError(
            f"{path}: binary data (NUL byte) at byte offset {offset}; "
            "give a UTF-8 or UTF-16 (with BOM) text file"
        )
    return text


def _decode(data: bytes, skip: int, encoding: str, path: str) -> str:
    body = data[skip:]
    if encoding == "utf-16":
        encoding = "utf-16-le" if data.startswith(codecs.BOM_UTF16_LE) else "utf-16-be"
    try:
        return body.decode(encoding)
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{path}: cannot decode as {encoding.upper()} at byte offset {skip + exc.start} "
            f"(byte 0x{body[exc.start]:02x}); convert the file to UTF-8"
        ) from None


# ---------------------------------------------------------------- blocks


@dataclass(frozen=True)
class Block:
    """A run of cleaned text that no sentence crosses, mapped back to the source.

    ``pieces`` are ``(clean_offset, source_offset, literal)``: from ``clean_offset``
    on, characters come from the source starting at ``source_offset`` (or, if
    ``literal``, all stand for that one source position, e.g. a joined newline).
    """

    kind: str  # "paragraph", "heading", "footnote"
    text: str
    pieces: tuple[tuple[int, int, bool], ...]
    # The tail after the last sentence end is a title glued to "[ edit ]".
    tail_heading: bool = False
    starts: tuple[int, ...] = ()  # the clean offsets of ``pieces``, for bisection

    def __post_init__(self) -> None:
        if len(self.starts) != len(self.pieces):
            object.__setattr__(self, "starts", tuple(p[0] for p in self.pieces))

    def source_offset(self, i: int) -> int:
        j = bisect_right(self.starts, i) - 1
        clean, src, literal = self.pieces[j]
        return src if literal else src + (i - clean)

    def source_span(self, a: int, b: int) -> tuple[int, int]:
        return self.source_offset(a), self.source_offset(b - 1) + 1


class _Builder:
    def __init__(self, source: str) -> None:
        self._source = source
        self._parts: list[str] = []
        self._pieces: list[tuple[int, int, bool]] = []
        self._len = 0

    def __bool__(self) -> bool:
        return self._len > 0

    def add(self, a: int, b: int) -> None:
        if a < b:
            self._pieces.append((self._len, a, False))
            self._parts.append(self._source[a:b])
            self._len += b - a

    def literal(self, s: str, at: int) -> None:
        if s:
            self._pieces.append((self._len, at, True))
            self._parts.append(s)
            self._len += len(s)

    def last_char(self) -> str:
        return self._parts[-1][-1] if self._parts else ""

    def tail(self, n: int) -> str:
        return self._parts[-1][-n:] if self._parts else ""

    def drop_last_char(self) -> None:
        self._parts[-1] = self._parts[-1][:-1]
        self._len -= 1
        if not self._parts[-1]:
            self._parts.pop()
            self._pieces.pop()

    def build(self, kind: str, tail_heading: bool = False) -> Block:
        return Block(kind, "".join(self._parts), tuple(self._pieces), tail_heading)


# ---------------------------------------------------------------- residue common to all kinds

# "[ edit ]" (and its Tagalog/Nepali forms) ends a section title glued before it.
_EDIT = re.compile(r"\[\s*(?:edit|baguhin|सम्पादन(?: गर्नुहोस्)?)\s*\]")
_TEMPLATE = re.compile(r"code: [a-z]{2,3} promoted to code: [a-z]{2,3}")
_IMAGE_LINE = re.compile(
    r"\s*(?:\[\[)?(?:(?:thumb|thumbnail|frameless|frame|upright|left|right|center|\d+px)\||"
    r"(?:File|Image|Larawan|Talaksan|चित्र|फाइल):)"
)
_SISTER = re.compile(
    r"sister projects|kapatid na proyekto|भातृ योजना|Wikimedia Commons|विकिमिडिया कमन्स", re.I
)
_WIKI_HEADING = re.compile(r"[ \t]*(=+)[ \t]*(\S.*?)[ \t]*\1[ \t]*")
_TERMINAL = frozenset(".!?।॥…:;\"”’)»")
_MAX_TITLE = 80


def _lines(source: str) -> list[tuple[int, int, int]]:
    """``(start, end_of_content, end_with_newline)`` for each line; CR is content-trimmed."""
    out = []
    a = 0
    for line in source.split("\n"):
        b = a + len(line)
        e = b - 1 if line.endswith("\r") else b
        nl = b + 1 if b < len(source) else b
        if a < len(source):
            out.append((a, e, nl))
        a = b + 1
    return out


def _add_clean_line(builder: _Builder, source: str, a: int, b: int, blocks: list[Block], kind: str) -> None:
    """Add ``source[a:b]`` minus residue; ``[ edit ]`` closes the block as a titled section end."""
    cursor = a
    cuts: list[tuple[int, int, bool]] = []
    for rx, is_edit in ((_EDIT, True), (_TEMPLATE, False)):
        cuts.extend((m.start(), m.end(), is_edit) for m in rx.finditer(source, a, b))
    for s, e, is_edit in sorted(cuts):
        if s < cursor:
            continue
        builder.add(cursor, s)
        if is_edit and builder:
            blocks.append(builder.build(kind, tail_heading=True))
            builder.__init__(source)
        cursor = e
    builder.add(cursor, b)


# ---------------------------------------------------------------- wiki and plain text


def _clean_lines(source: str, *, wiki: bool) -> list[Block]:
    blocks: list[Block] = []
    for a, e, _ in _lines(source):
        line = source[a:e]
        if not line.strip():
            continue
        if _IMAGE_LINE.match(line) or (len(line) < 200 and _SISTER.search(line)):
            continue
        h = _WIKI_HEADING.fullmatch(line) if wiki else None
        if h is not None:
            b = _Builder(source)
            b.add(a + h.start(2), a + h.end(2))
            blocks.append(b.build("heading"))
            continue
        b = _Builder(source)
        _add_clean_line(b, source, a, e, blocks, "paragraph")
        if not b:
            continue
        block = b.build("paragraph")
        if not wiki and _looks_like_title(block.text):
            block = Block("heading", block.text, block.pieces)
        blocks.append(block)
    return blocks


def _looks_like_title(text: str) -> bool:
    t = text.strip()
    return 0 < len(t) <= _MAX_TITLE and t[-1] not in _TERMINAL and t[-1] != ","


# ---------------------------------------------------------------- PDF-extracted text

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


def _clean_pdf(source: str) -> list[Block]:
    lines = _lines(source)
    n = len(lines)
    text_of = [source[a:e] for a, e, _ in lines]
    stripped = [t.strip() for t in text_of]
    blank = [not s for s in stripped]
    role = ["body"] * n  # body, drop, heading, footnote-start, footnote

    def alone(i: int) -> bool:
        return (i == 0 or blank[i - 1]) and (i + 1 >= n or blank[i + 1])

    # Page numbers between blank lines, and the running header that follows one.
    for i, s in enumerate(stripped):
        if 0 < len(s) <= 16 and alone(i) and _PAGE_NUMBER.fullmatch(text_of[i]):
            role[i] = "drop"
            j = i + 1
            while j < n and blank[j]:
                j += 1
            if j < n and len(stripped[j]) <= 70 and not text_of[j].endswith(" ") and not stripped[j].endswith("."):
                role[j] = "drop"
    # Running headers with no page number nearby: the same short line, standing alone, 3+ times.
    lonely = [i for i, s in enumerate(stripped) if 0 < len(s) <= 60 and alone(i)]
    repeats = Counter(stripped[i] for i in lonely)
    for i in lonely:
        s = stripped[i]
        if role[i] == "body" and repeats[s] >= _MIN_HEADER_REPEATS and s[-1] not in ".?!":
            role[i] = "drop"
    # Footnotes: numbered in sequence, after a blank line, until the body resumes.
    expected = 1
    numbers: set[int] = set()
    in_note = False
    for i, t in enumerate(text_of):
        if role[i] == "drop" or blank[i]:
            in_note = False
            continue
        m = _FOOTNOTE_START.match(t) if t[:1].isdigit() else None
        if m and i > 0 and (blank[i - 1] or in_note) and expected <= int(m.group(1)) <= expected + 2:
            role[i] = "footnote-start"
            numbers.add(int(m.group(1)))
            expected = int(m.group(1)) + 1
            in_note = True
        elif in_note and not t[:1].isspace():
            role[i] = "footnote"
        else:
            in_note = False
    # Headings: chapter lines, and short unpunctuated lines that open after a blank line.
    for i, s in enumerate(stripped):
        if role[i] != "body" or not s or len(s) > 60:
            continue
        t = text_of[i]
        if _CHAPTER.fullmatch(t):
            role[i] = "heading"
        elif (
            (i == 0 or blank[i - 1])
            and not t.endswith((" ", "\t"))
            and s[-1] not in _TERMINAL
            and s[-1] not in _NOT_TITLE_END
            and not s[-1].isdigit()
            and s[0].isupper()
        ):
            role[i] = "heading"

    vocab = _Vocabulary(source)
    refs = _footnote_refs(source, numbers)
    ref_starts = [r[0] for r in refs]
    blocks: list[Block] = []
    para = _Builder(source)
    notes: list[Block] = []
    note: _Builder | None = None
    prev_end = ""  # how the previous body line ended: "", "space", "hyphen", "dash"
    prev_nl = 0
    note_end, note_nl = "", 0

    def close_paragraph() -> None:
        nonlocal para, prev_end
        if para:
            blocks.append(para.build("paragraph"))
        para = _Builder(source)
        prev_end = ""
        blocks.extend(notes)
        notes.clear()

    def close_note() -> None:
        nonlocal note
        if note is not None and note:
            notes.append(note.build("footnote"))
        note = None

    for i, (a, e, nl) in enumerate(lines):
        r = role[i]
        if r != "footnote":
            close_note()
        if blank[i] or r == "drop":
            continue
        if r == "heading":
            close_paragraph()
            h = _Builder(source)
            s = source[a:e]
            lead = len(s) - len(s.lstrip())
            h.add(a + lead, a + len(s.rstrip()))
            blocks.append(h.build("heading"))
            continue
        if r == "footnote-start":
            m = _FOOTNOTE_START.match(source, a, e)
            note = _Builder(source)
            _add_body_line(note, source, m.end() if m else a, e, refs, ref_starts)
            note_end, note_nl = _line_end(text_of[i]) or "space", e
            continue
        if r == "footnote":
            assert note is not None
            _join(note, source, note_nl, a, e, note_end, vocab)
            _add_body_line(note, source, a, e, refs, ref_starts)
            note_end, note_nl = _line_end(text_of[i]) or "space", e
            continue
        # body line
        if para:
            _join(para, source, prev_nl, a, e, prev_end, vocab)
        _add_body_line(para, source, a, e, refs, ref_starts)
        prev_end, prev_nl = _line_end(text_of[i]), e
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
    builder: _Builder, source: str, a: int, e: int, refs: list[tuple[int, int]], ref_starts: list[int]
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


def _join(para: _Builder, source: str, prev_nl: int, a: int, e: int, prev_end: str, vocab: _Vocabulary) -> None:
    """Prepare to append the next line: drop a hyphen that splits a word, else add a space."""
    if prev_end == "hyphen" and para.last_char() == "-":
        head = _word_before(para)
        tail_m = _WORDS.match(source, a, e)
        tail = tail_m.group() if tail_m else ""
        if head and tail and tail[0].islower() and _dehyphenate(head, tail, vocab):
            para.drop_last_char()
        return
    if prev_end != "dash":
        para.literal(" ", prev_nl)


def _word_before(para: _Builder) -> str:
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


# ---------------------------------------------------------------- cleaning and segmentation


@dataclass(frozen=True)
class Cleaned:
    """The cleaned text of a document as blocks; segmentation never crosses a block."""

    source: str
    blocks: tuple[Block, ...]

    @property
    def text(self) -> str:
        return "\n\n".join(b.text for b in self.blocks)


def clean(source: str, kind: str) -> Cleaned:
    """Split ``source`` into blocks and drop residue, according to its kind."""
    if kind == "pdf":
        blocks = _clean_pdf(source)
    elif kind in ("wiki", "text"):
        blocks = _clean_lines(source, wiki=kind == "wiki")
    else:
        raise InputError(f"unknown source kind {kind!r}; use one of: {', '.join(KINDS)}")
    return Cleaned(source, tuple(b for b in blocks if b.text.strip()))


@dataclass(frozen=True)
class Unit:
    """A unit with its span in the cleaned block as well as in the source."""

    block: int
    clean_start: int
    clean_end: int
    sentence: Sentence


def segment_cleaned(cleaned: Cleaned, lang: str) -> list[Unit]:
    """Units in source order. Headings stay whole; paragraphs and footnotes are split."""
    units: list[Unit] = []
    for bi, block in enumerate(cleaned.blocks):
        if block.kind == "heading":
            spans = _trimmed(block.text)
        else:
            spans = split_sentences(block.text, lang)
        kind: UnitKind = "footnote" if block.kind == "footnote" else (
            "heading" if block.kind == "heading" else "sentence"
        )
        for si, (a, b) in enumerate(spans):
            text = unicodedata.normalize("NFC", " ".join(block.text[a:b].split()))
            unit_kind = kind
            if block.tail_heading and si == len(spans) - 1 and _looks_like_title(text):
                unit_kind = "heading"
            start, end = block.source_span(a, b)
            units.append(Unit(bi, a, b, Sentence(text, lang, start, end, unit_kind)))
    units.sort(key=lambda u: u.sentence.start)
    return units


def _trimmed(text: str) -> list[tuple[int, int]]:
    a, b = 0, len(text)
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return [(a, b)] if a < b else []


# ---------------------------------------------------------------- public API


def guess_kind(source: str, path: str = "") -> str:
    """The kind named in the file name (``x.en.pdf.txt``), else from the layout, else text."""
    parts = Path(path).name.lower().split(".")
    for kind in KINDS:
        if kind in parts[1:]:
            return kind
    if re.search(r"(?m)^==+[^=\n]+==+[ \t]*$", source):
        return "wiki"
    lines = source.splitlines()
    if len(lines) >= 20:
        wrapped = sum(1 for ln in lines if ln.endswith((" ", "-")) and 40 <= len(ln) <= 100)
        if wrapped >= 0.3 * len(lines):
            return "pdf"
    return "text"


def document_from_text(
    text: str, *, lang: str | None = None, kind: str | None = "text", name: str = "text"
) -> Document:
    """Clean and segment a decoded text; spans point into ``text``."""
    kind = kind or guess_kind(text)
    cleaned = clean(text, kind)
    if lang is None:
        lang = detect(" ".join(b.text for b in cleaned.blocks[:200]))
    units = segment_cleaned(cleaned, lang)
    return Document(name, lang, kind, tuple(u.sentence for u in units), text)  # type: ignore[arg-type]


def read_source(path: str | Path) -> str:
    p = Path(path)
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{p}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{p}: is a directory, not a text file") from None
    except OSError as exc:
        raise InputError(f"{p}: cannot read ({exc.strerror})") from None
    return decode(data, str(p))


def _stem(path: Path) -> str:
    return path.name.split(".", 1)[0] if not path.name.startswith(".") else path.name


def read_document(
    path: str | Path, *, lang: str | None = None, kind: str | None = None, name: str | None = None
) -> Document:
    """Read, decode, clean per kind (guessed when None), detect the language when None, segment."""
    p = Path(path)
    source = read_source(p)
    if kind is not None and kind not in KINDS:
        raise InputError(f"unknown source kind {kind!r}; use one of: {', '.join(KINDS)}")
    kind = kind or guess_kind(source, str(p))
    return document_from_text(source, lang=lang, kind=kind, name=name or p.stem)


def read_presplit(path: str | Path, *, lang: str | None = None, name: str | None = None) -> Document:
    """One sentence per line, as given: no cleaning, no splitting; empty lines skipped."""
    p = Path(path)
    source = read_source(p)
    spans: list[tuple[int, int]] = []
    for a, e, _ in _lines(source):
        line = source[a:e]
        if not line.strip():
            continue
        lead = len(line) - len(line.lstrip())
        spans.append((a + lead, a + len(line.rstrip())))
    if lang is None:
        lang = detect(" ".join(source[a:b] for a, b in spans[:500]))
    sentences = tuple(
        Sentence(unicodedata.normalize("NFC", source[a:b]), lang, a, b, "sentence") for a, b in spans
    )
    return Document(name or p.stem, lang, "text", sentences, source)


def read_manifest(path: str | Path) -> list[Document]:
    """The documents a corpus manifest lists, paths relative to the manifest."""
    p = Path(path)
    try:
        manifest = json.loads(read_source(p))
    except json.JSONDecodeError as exc:
        raise InputError(f"{p}: not valid JSON ({exc.msg} at line {exc.lineno})") from None
    entries = manifest.get("documents") if isinstance(manifest, dict) else None
    if not isinstance(entries, list):
        raise InputError(f'{p}: expected {{"documents": [{{"file": ..., "lang": ..., "kind": ...}}]}}')
    docs = []
    for entry in entries:
        if not isinstance(entry, dict) or "file" not in entry:
            raise InputError(f"{p}: every document needs a \"file\" entry, got {entry!r}")
        file = p.parent / entry["file"]
        lang = entry.get("lang")
        if lang is not None:
            try:
                lang = check_code(str(lang))
            except ConfigError as exc:
                raise InputError(f"{p}: {entry['file']}: {exc}") from None
        docs.append(read_document(file, lang=lang, kind=entry.get("kind"), name=file.stem))
    return docs
