"""Terminal cell widths that no terminal exceeds, for every script.

rich measures text with its own table (``rich.cells.cell_len``), which files the
Devanagari and Bengali spacing vowel signs (U+093E ा, U+093F ि, U+0940 ी,
U+094B ो, U+09BE া, ...; general category Mc) under width 0. Terminals draw
each in a cell of its own, so a Nepali sentence rich lays out as 61 cells takes
82 and wraps at column 0.

Terminals do not agree with each other either. Grapheme-aware ones (kitty,
ghostty, WezTerm) follow what the ``wcwidth`` package computes: a cluster
such as क्ष or 👨‍👩‍👧 is measured whole. Code-point terminals (tmux 3.3,
xterm, VTE, like glibc's ``wcwidth``) add up each code point: every Mc mark is
a cell, so ``বাং`` is 3 cells where ``wcwidth`` says 2, a lone ``ा`` is 1 where
it says 0, and 👍🏽 is 4 (what follows a ZWJ joins the cell before it). Measured in tmux 3.3a (cursor column after printing):
see ``tests/test_gaps_cli.py``.

So a grapheme cluster here takes the larger of the two counts. A line laid out
with it fits every terminal; where they disagree (emoji sequences, mostly) a
column rule may sit a cell early, never past the edge. The gap diff measures,
wraps and pads every cell here and hands rich finished lines that it must not
re-measure (``soft_wrap=True``: no wrapping, no cropping); rich only adds colour.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

import wcwidth


@lru_cache(maxsize=65536)
def _grapheme_width(g: str) -> int:
    per_codepoint, joined = 0, False
    for ch in g:
        w = wcwidth.wcwidth(ch)
        if joined:  # what follows a ZWJ shares its cell (emoji sequences, eyelash ra)
            w = 0
        elif w == 0 and unicodedata.category(ch) == "Mc":
            w = 1
        elif "\U0001f1e6" <= ch <= "\U0001f1ff":  # a flag's two regional indicators: a cell each
            w = 1
        per_codepoint += max(w, 0)
        joined = ch == "\u200d"
    return max(wcwidth.width(g), per_codepoint)


def graphemes(text: str) -> list[tuple[str, int]]:
    """``text`` as user-perceived characters (UAX #29), each with its width."""
    return [(g, _grapheme_width(g)) for g in wcwidth.iter_graphemes(text)]


def cell_width(text: str) -> int:
    """Columns ``text`` takes in a terminal, at most: the larger of the two counts per cluster."""
    if text.isascii() and text.isprintable():
        return len(text)
    return sum(w for _, w in graphemes(text))


def wrap(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` columns, broken at spaces, else between graphemes.

    Words are split on plain spaces only, so a no-break space keeps its words
    together. A word wider than the line is cut between grapheme clusters, so a
    conjunct, a vowel sign or an emoji sequence is never split.
    """
    lines: list[str] = []
    line, used = "", 0
    for word in text.split(" "):
        if not word:
            continue
        w = cell_width(word)
        if used and used + 1 + w <= width:
            line, used = f"{line} {word}", used + 1 + w
            continue
        if used:
            lines.append(line)
        line, used = word, w
        if w > width:
            line, used = "", 0
            for g, gw in graphemes(word):
                if used + gw > width and used:
                    lines.append(line)
                    line, used = "", 0
                line, used = line + g, used + gw
    if used or not lines:
        lines.append(line)
    return lines


def pad(text: str, width: int) -> str:
    """``text`` followed by spaces up to ``width`` columns."""
    return text + " " * max(0, width - cell_width(text))


def clip(text: str, width: int, ellipsis: str = "…") -> str:
    """``text`` cut to at most ``width`` columns, on a grapheme boundary, marked with ``ellipsis``."""
    if cell_width(text) <= width:
        return text
    room = width - cell_width(ellipsis)
    out, used = [], 0
    for g, gw in graphemes(text):
        if used + gw > room:
            break
        out.append(g)
        used += gw
    return "".join(out).rstrip() + ellipsis
