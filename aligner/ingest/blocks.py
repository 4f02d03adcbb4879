"""The block model every cleaner produces: cleaned text mapped back to the source.

Cleaning never rewrites the original: it builds *blocks* (paragraphs, headings,
footnotes) out of pieces of the decoded source, with a map from every cleaned
character back to its source offset. That is how each unit keeps the exact span
of text it came from, even after lines are joined and hyphens removed.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass


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


@dataclass(frozen=True)
class Cleaned:
    """The cleaned text of a document as blocks; segmentation never crosses a block."""

    source: str
    blocks: tuple[Block, ...]

    @property
    def text(self) -> str:
        return "\n\n".join(b.text for b in self.blocks)


class BlockBuilder:
    """Collects source ranges and inserted literals into one ``Block``."""

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

    def reset(self) -> None:
        self._parts, self._pieces, self._len = [], [], 0


def line_spans(source: str) -> list[tuple[int, int, int]]:
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
