"""Terminal cell widths that match what terminals draw, for every script.

rich measures text with its own table (``rich.cells.cell_len``), which gives the
Devanagari and Bengali spacing vowel signs (U+093E ा, U+093F ि, U+0940 ी,
U+094B ो, U+09BE া, ...; general category Mc) width 0. Terminals (glibc's
wcwidth, tmux, xterm, VTE) draw each of them in a cell of its own, so a Nepali
sentence rich lays out as 61 cells takes 82 and wraps at column 0. The
``wcwidth`` package follows the terminals: Mc marks take a cell, nonspacing
marks (virama, nukta, combining Latin accents), ZWJ and ZWNJ take none, East
Asian wide letters and emoji take two, and it wraps on grapheme clusters, so a
conjunct or an emoji sequence is never cut in half.

The gap diff therefore measures, wraps and pads every cell here and hands rich
finished lines that it must not re-measure (``soft_wrap=True``: no wrapping,
no cropping). rich only adds the colours.
"""

from __future__ import annotations

import wcwidth


def cell_width(text: str) -> int:
    """Columns ``text`` takes in a terminal."""
    return wcwidth.width(text)


def wrap(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` columns, broken at spaces, else between graphemes."""
    return wcwidth.wrap(text, width, break_on_hyphens=False) or [""]


def pad(text: str, width: int) -> str:
    """``text`` followed by spaces up to ``width`` columns."""
    return text + " " * max(0, width - cell_width(text))


def clip(text: str, width: int, ellipsis: str = "…") -> str:
    """``text`` cut to at most ``width`` columns, on a grapheme boundary, marked with ``ellipsis``."""
    if cell_width(text) <= width:
        return text
    return wcwidth.clip(text, 0, width - cell_width(ellipsis)).rstrip() + ellipsis
