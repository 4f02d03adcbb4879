"""Rule-based sentence splitting for Nepali, Tagalog, English and a generic fallback,
and the segmentation of cleaned blocks into the units of a ``Document``.

Packaged splitters either refuse Tagalog and Nepali or break Tagalog after titles
such as ``G.`` and ``Sta.``, so the rules live here. The splitter only ever picks
boundaries between characters; it never edits text, so spans always point at the
exact input and nothing is lost or duplicated.

Time is linear in the input: one regex pass over terminator characters, each
candidate looks a bounded distance back (the word before it) and forward (the
whitespace and the first letter after it).
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass
from typing import TYPE_CHECKING

from aligner.types import Sentence, UnitKind

if TYPE_CHECKING:
    from aligner.ingest.blocks import Cleaned

# Terminators that end a sentence even with no space after them (the Nepali
# corpus has "गरिदियो।उच्च"); the Latin ones need whitespace after them.
_NOSPACE_TERMINATORS = "।॥。！？؟"
_TERMINATOR_RUN = re.compile(r"[.!?…।॥。！？؟]+")
_NOSPACE_RUN = re.compile(f"[{_NOSPACE_TERMINATORS}]")
_MAX_PAREN = 80
_CLOSERS = frozenset("\"'”’»)]}›")
_OPENERS = frozenset("\"'“‘«([{‹¿¡")
_BLANK_LINE = re.compile(r"\n[ \t\r\f\v]*\n")
_WIKI_REF = re.compile(r"\[\d{1,3}\]")
_MAX_TOKEN = 40
_QUOTE_MARK = re.compile("[\"“”„«»‘’]")
# A run with one of these ends a sentence even inside a quotation; ?, ! and । alone do not.
_FULL_STOP = re.compile("[.…]")
# After a closing quote: these end the sentence whatever follows; ? and ! only before a capital.
_STRONG_STOP = re.compile("[.…।॥。]")
_MAX_BEFORE_CLOSE = 4  # characters (closers, spaces) between a terminator and the quote it ends
# A quotation up to title length (looks_like_title's bound) is a title or a short question;
# longer ones hold speech, whose sentences FLORES keeps apart (with no bound, ne dev recall 0.9930).
_MAX_QUOTED = 80


@dataclass(frozen=True)
class Rules:
    """What a language's full stop may follow without ending the sentence."""

    # Titles and reference words that are followed by a name or number, never a new sentence.
    prefixes: frozenset[str]
    # Abbreviations that may also end a sentence: split only before an uppercase word.
    ambiguous: frozenset[str] = frozenset()
    # Treat a single letter (or a dotted chain such as J.V) before "." as an initial.
    initials: bool = True
    # Frequent sentence-initial words (ASCII, title case): before one of them a sentence
    # may start with no punctuation before it (see ``_opener_cuts`` for the guards).
    openers: frozenset[str] = frozenset()


_COMMON_REF = "Vol Vols vol vols No Nos no pp p ch Ch cf Fig fig op"
# Reference words that also end sentences ("4th Russ. ed.) He ...").
_COMMON_AMBIGUOUS = "ed eds Ed ibid Ibid etc"
# Eras and clock times: dotted like initials, but they end a sentence before a capital
# ("in 79 A.D. The", "at 8 a.m. These": the misses on held-out FLORES and TICO-19 text).
_ERA_AND_CLOCK = "A.D B.C B.C.E C.E a.m p.m"
# Sentence openers: pronouns, determiners, connectives, sentence adverbs and the
# prepositions/subordinators that commonly begin a sentence. Words that are also
# frequent one-word titles or names followed by a lowercase verb ("the film Her is",
# "Formula One is", "Plan A is", "the language Hindi at", Tagalog "Mayo"/"May") are left out.
_ENGLISH_OPENERS = (
    "The This That These Those It He She They We There His Its Their Our Many Some Such "
    "However Therefore Thus Moreover Furthermore Meanwhile Nevertheless Nonetheless Besides "
    "Also Instead Then Hence Indeed Finally Later Perhaps Hopefully Fortunately Unfortunately "
    "Otherwise Consequently Additionally Similarly Eventually "
    "In On At After Before During Since From For With By As Although Though While When If "
    "Because Despite According Based Unlike Once Until Unless Under Among"
)
_TAGALOG_OPENERS = (
    "Ang Sa Si Sina Ito Iyon Iyan Ayon Noong Nang Dahil Ngunit Subalit Datapwat Gayunman "
    "Gayunpaman Bukod Mga Maraming Marami Sana Maliban Kung Kapag Habang Pagkatapos Bago "
    "Samantala Kaya Kahit Bagaman Siya Sila Kami Tayo Bilang Para Upang Tulad Ngayon Pero"
)
_ENGLISH = Rules(
    prefixes=frozenset(
        (
            "Mr Mrs Ms Dr Prof St Mt Ft Gen Col Capt Cmdr Lt Sgt Maj Adm Rev Hon Sen Rep "
            "Gov Pres Supt Messrs Mme Mlle "
            "v vs viz approx dept Russ Eng Ger Fr " + _COMMON_REF
        ).split()
    ),
    # Months abbreviate before a day ("Jan. 5") but may end a sentence ("on 1 Jan.").
    ambiguous=frozenset(
        (
            "Co Inc Ltd Bros Corp al Sr Jr Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec "
            + _COMMON_AMBIGUOUS
            + " "
            + _ERA_AND_CLOCK
        ).split()
    ),
    openers=frozenset(_ENGLISH_OPENERS.split()),
)
_TAGALOG = Rules(
    prefixes=frozenset(
        (
            "G Gng Bb Dr Dra Sta Sto St Gob Hen Kap Kgg Pang Sen Rep Prop Pres Atty "
            "Engr Arch Blg blg Tel Mr Mrs Ms Prof Fr v vs " + _COMMON_REF
        ).split()
    ),
    ambiguous=frozenset(("atbp Co Inc Sr Jr " + _COMMON_AMBIGUOUS + " " + _ERA_AND_CLOCK).split()),
    openers=frozenset(_TAGALOG_OPENERS.split()),
)
_NEPALI = Rules(
    prefixes=frozenset("डा श्री सं नं पृ ई प्रा इं मि".split()),  # dotted chains (ई.पू.) are initials
    ambiguous=frozenset(),
)
_GENERIC = Rules(prefixes=frozenset(_COMMON_REF.split()), ambiguous=frozenset(_COMMON_AMBIGUOUS.split()))

RULES: dict[str, Rules] = {"en": _ENGLISH, "tl": _TAGALOG, "fil": _TAGALOG, "ne": _NEPALI}


def rules_for(lang: str) -> Rules:
    return RULES.get(lang.split("-")[0].lower(), _GENERIC)


def split_sentences(text: str, lang: str) -> list[tuple[int, int]]:
    """Sentence spans ``(start, end)`` into ``text``, in order, trimmed of whitespace.

    Blank lines are hard boundaries. Every non-whitespace character of ``text``
    falls in exactly one span.
    """
    rules = rules_for(lang)
    spans: list[tuple[int, int]] = []
    pos = 0
    for m in _BLANK_LINE.finditer(text):
        _split_chunk(text, pos, m.start(), rules, spans)
        pos = m.end()
    _split_chunk(text, pos, len(text), rules, spans)
    return spans


def _split_chunk(text: str, lo: int, hi: int, rules: Rules, out: list[tuple[int, int]]) -> None:
    cuts: list[int] = []
    quotes = _Quotations(text, lo, hi) if _QUOTE_MARK.search(text, lo, hi) else None
    for m in _TERMINATOR_RUN.finditer(text, lo, hi):
        cut = _boundary_after(text, m, hi, rules, quotes.around(m.start()) if quotes else None)
        if cut is not None:
            cuts.append(cut)
    p = text.find("(", lo, hi)
    if p >= 0:
        while p >= 0:
            cut = _after_trailing_paren(text, p, hi)
            if cut is not None:
                cuts.append(cut)
            p = text.find("(", p + 1, hi)
    if rules.openers:
        cuts.extend(_opener_cuts(text, lo, hi, rules.openers, quotes))
    if cuts:
        cuts = sorted(set(cuts))
    start = lo
    for cut in cuts:
        _emit(text, start, cut, out)
        start = cut
    _emit(text, start, hi, out)


def _after_trailing_paren(text: str, p: int, hi: int) -> int | None:
    """A parenthesis after a finished sentence stands alone: "… hours. (Bremer, 1998) The …"."""
    k = p
    while k > 0 and text[k - 1] == " ":
        k -= 1
    if k == p or k == 0 or text[k - 1] not in ".!?।॥":
        return None
    close = text.find(")", p + 1, min(hi, p + _MAX_PAREN + 2))
    if close < 0 or "(" in text[p + 1 : close] or "\n" in text[p + 1 : close]:
        return None
    end = close + 1
    if end >= hi or text[end] != " ":
        return None
    nxt = _first_letter(text, end + 1, hi)
    return end if nxt is not None and not nxt.islower() else None


# A capitalised ASCII word after a letter or digit and whitespace, then punctuation or
# a word (checked against the opener list in code: one small regex is several times
# faster than an alternation of every opener). Only the first space of a run may
# start a match and the rest is taken possessively, so long runs of spaces stay linear.
_CAPITAL_WORD = re.compile(r"\s(?<=[^\W_]\s)\s*+(?P<o>[A-Z][a-z]+)(?=[,;:]|\s+(?P<w>[^\W\d_]))")


_BRACKET = re.compile("[()\\[\\]{}]")


def _opener_cuts(
    text: str, lo: int, hi: int, openers: frozenset[str], quotes: _Quotations | None
) -> list[int]:
    """Boundaries with no punctuation before them: "… acting selfishly Hopefully, most …".

    FLORES and web text drop final stops, so a frequent sentence opener after a word
    may start a sentence. Guards keep titles whole: the opener must be followed by
    punctuation or a lowercase word ("the lectures The Foundations of Leninism" and
    "The Hague" stay), the word before it must not be a possessive ("Stalin's On the
    …"), and nothing is cut inside brackets or quotations. One pass: the bracket
    depth is carried forward from candidate to candidate.
    """
    cuts: list[int] = []
    depth = 0
    pos = lo
    for m in _CAPITAL_WORD.finditer(text, lo, hi):
        if m.group("o") not in openers:
            continue
        s = m.start()
        if s == lo:
            continue
        for q in _BRACKET.finditer(text, pos, s):
            depth = depth + 1 if q.group() in "([{" else max(0, depth - 1)
        pos = s
        if depth or (quotes is not None and quotes.around(s) is not None):
            continue
        w = m.group("w")
        if w is not None and (not w.islower() or _inside_title(text, s, m.start("w"), lo, hi)):
            continue
        if s - lo >= 2 and text[s - 1] == "s" and text[s - 2] in "'’":
            continue
        cuts.append(m.start("o"))
    return cuts


def _inside_title(text: str, before: int, w: int, lo: int, hi: int) -> bool:
    """A title-case name running across the opener: "Reserbadong Parke Para sa Mga Hayop".

    Titles keep short function words lowercase, so a capitalised word before the
    opener and another one after its lowercase word mean one name, not two sentences.
    """
    a = before
    floor = max(lo, before - _MAX_TOKEN)
    while a > floor and text[a - 1].isalnum():
        a -= 1
    if not text[a].isupper():
        return False
    k = w
    limit = min(hi, w + _MAX_TOKEN)
    while k < limit and text[k].isalpha():
        k += 1
    if k >= limit or text[k] != " ":
        return False
    return k + 1 < hi and text[k + 1].isupper()


def _emit(text: str, a: int, b: int, out: list[tuple[int, int]]) -> None:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    if a < b:
        out.append((a, b))


def _boundary_after(
    text: str, m: re.Match[str], hi: int, rules: Rules, quote: tuple[int, int, bool] | None = None
) -> int | None:
    """The offset where the next sentence may start, or None if this is no sentence end.

    ``quote`` is the innermost quotation around the terminator: the offsets of its
    closing mark and whether it is short (title length). At its end the cut comes
    after the closing mark. Inside a short quotation ``?``, ``!`` and ``।`` do not
    cut (a quoted title or question goes on), and after one ending in ``?`` or ``!``
    only a capital starts a sentence. Long quotations hold speech, cut as usual.
    """
    run = m.group()
    j = m.end()
    closed = short = False
    if quote is not None:
        close_start, close_end, short = quote
        if close_start - j <= _MAX_BEFORE_CLOSE and all(
            text[x] in _CLOSERS or text[x].isspace() for x in range(j, close_start)
        ):
            j, closed = close_end, True
        elif short and not _FULL_STOP.search(run):
            return None
    while j < hi:
        if text[j] in _CLOSERS:
            if text[j] in "\"'" and j + 1 < hi and text[j + 1].isalnum():
                break  # a straight quote glued to the next word opens it: `।"अन्तत`
            j += 1
            continue
        ref = _WIKI_REF.match(text, j, hi)
        if ref is None:
            break
        j = ref.end()
    if j >= hi:
        return None  # the chunk ends here anyway
    if not text[j].isspace():
        if closed and text[j].isupper():
            return j  # the closing quote glued to the next sentence: `umiiyak."Silang`
        if _NOSPACE_RUN.search(run) and not _is_mark(text[j]):
            return j
        return None
    k = j
    while k < hi and text[k].isspace():
        k += 1
    if k >= hi:
        return None
    nxt = _first_letter(text, k, hi)
    if nxt is not None and nxt.islower():
        return None  # a lowercase word goes on the same sentence: "Kautsky and Co. about"
    if closed and short and not _STRONG_STOP.search(run) and not (nxt is not None and nxt.isupper()):
        return None  # a quoted question or title inside the sentence: `‘के गर्ने ?’ उपन्यासले`
    if len(run) > 1 or run != ".":
        return j
    token = _token_before(text, m.start())
    if not token:
        return j
    if token in rules.prefixes or token + "." in rules.prefixes:
        return None
    if token in rules.ambiguous:
        return j if nxt is not None and nxt.isupper() else None
    if rules.initials and _is_initial(token):
        return None
    return j


class _Quotations:
    """The quotations of a chunk, found once: which one (if any) is around an offset.

    Curly and angle quotes say whether they open or close. A straight ``"`` opens
    when a word follows it and space precedes it, closes in the opposite case, and
    otherwise (glued on both sides, or standing alone) alternates. ``’`` between
    letters is an apostrophe. A doubled ``""`` (CSV residue) counts as one mark. A
    mark that opens while its family is open restarts the quotation, one that
    closes with nothing open is ignored: only matched pairs count.
    """

    def __init__(self, text: str, lo: int, hi: int) -> None:
        # Per family (double, single): (open, close_start, close_end) in order. Within a
        # family quotations never overlap, so at most one of them can hold an offset.
        self.spans: dict[str, list[tuple[int, int, int]]] = {'"': [], "'": []}
        open_at: dict[str, int] = {}
        skip = -1
        for q in _QUOTE_MARK.finditer(text, lo, hi):
            i = q.start()
            if i <= skip:
                continue
            c = q.group()
            end = i + 1
            if c == '"' and end < hi and text[end] == '"':
                end += 1
                skip = end - 1
            family = "'" if c in "‘’" else '"'
            before = text[i - 1] if i > lo else " "
            after = text[end] if end < hi else " "
            if c in "“„«‘":
                opens = True
            elif c in "”»":
                opens = False
            elif c == "’":
                if before.isalpha() and after.isalpha():
                    continue
                opens = False
            else:
                spaced_before = before.isspace() or before in "([{"
                spaced_after = after.isspace() or after in ".,;:!?)]}।"
                if spaced_before != spaced_after:
                    opens = spaced_before
                else:
                    opens = family not in open_at
            if opens:
                open_at[family] = i
            elif family in open_at:
                self.spans[family].append((open_at.pop(family), i, end))
        self._opens = {f: [a for a, _, _ in spans] for f, spans in self.spans.items()}

    def around(self, t: int) -> tuple[int, int, bool] | None:
        """``(close_start, close_end, short)`` of the innermost quotation holding offset ``t``."""
        best = None
        for family, spans in self.spans.items():
            k = bisect_right(self._opens[family], t) - 1
            if k >= 0:
                a, cs, ce = spans[k]
                if t < cs and (best is None or a > best[0]):
                    best = (a, cs, ce)
        return (best[1], best[2], best[2] - best[0] <= _MAX_QUOTED) if best else None


def _is_initial(token: str) -> bool:
    """``J``, ``J.V``, ``U.S``, ``यु.एस``: initials and dotted abbreviations.

    Devanagari has no case, so a lone akshara (``डा``) counts as an initial too.
    """
    if len(token) > 3 and "." not in token:
        return False
    parts = token.split(".")
    letters = [sum(1 for c in part if c.isalpha()) for part in parts]
    if len(parts) == 1:
        return letters[0] == 1 and len(token) <= 3 and not token[-1].islower() and not token[-1].isdigit()
    return all(1 <= n <= 2 for n in letters)


def _token_before(text: str, end: int) -> str:
    """The word before a full stop: letters, marks and inner dots (``J.V``, ``italics.—J`` gives ``J``)."""
    a = end
    floor = max(0, end - _MAX_TOKEN)
    while a > floor:
        c = text[a - 1]
        if c.isalpha() or c == "." or unicodedata.category(c).startswith("M"):
            a -= 1
        else:
            break
    return text[a:end].lstrip(".")


def _first_letter(text: str, k: int, hi: int) -> str | None:
    limit = min(hi, k + 4)
    while k < limit and text[k] in _OPENERS:
        k += 1
    if k < hi and text[k].isalpha():
        return text[k]
    return None


def _is_mark(ch: str) -> bool:
    return unicodedata.category(ch).startswith("M")


# ---------------------------------------------------------------- units of a cleaned document

# What a sentence (as opposed to a title) may end with.
TITLE_END = frozenset(".!?।॥…:;\"”’)»")
_MAX_TITLE = 80


def looks_like_title(text: str) -> bool:
    """Short and without the punctuation that ends a sentence (a comma ends neither)."""
    t = text.strip()
    return 0 < len(t) <= _MAX_TITLE and t[-1] not in TITLE_END and t[-1] != ","


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
            if block.tail_heading and si == len(spans) - 1 and looks_like_title(text):
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
