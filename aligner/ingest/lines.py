"""Sources with one paragraph per line (wiki dumps, web text): the residue both share.

Copied wiki and web pages keep image captions, sister-project boxes, ``[ edit ]``
links and template messages; they carry no sentence of the article, so they are
dropped here, and ``[ edit ]`` marks the section title glued before it.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from aligner.ingest.blocks import Block, BlockBuilder, line_spans

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

# Given one line's text, the (start, end) of a heading's title inside it, or None.
HeadingFinder = Callable[[str], "tuple[int, int] | None"]


def clean_lines(source: str, heading: HeadingFinder, paragraph_kind: Callable[[str], str]) -> list[Block]:
    """One block per non-empty line, minus residue lines and residue inside lines.

    ``heading`` spots a line that is a heading by its markup; ``paragraph_kind``
    names the kind of any other line from its cleaned text.
    """
    blocks: list[Block] = []
    for a, e, _ in line_spans(source):
        line = source[a:e]
        if not line.strip():
            continue
        if _IMAGE_LINE.match(line) or (len(line) < 200 and _SISTER.search(line)):
            continue
        h = heading(line)
        if h is not None:
            b = BlockBuilder(source)
            b.add(a + h[0], a + h[1])
            blocks.append(b.build("heading"))
            continue
        b = BlockBuilder(source)
        _add_clean_line(b, source, a, e, blocks, "paragraph")
        if not b:
            continue
        block = b.build("paragraph")
        kind = paragraph_kind(block.text)
        if kind != block.kind:
            block = Block(kind, block.text, block.pieces)
        blocks.append(block)
    return blocks


def _add_clean_line(builder: BlockBuilder, source: str, a: int, b: int, blocks: list[Block], kind: str) -> None:
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
            builder.reset()
        cursor = e
    builder.add(cursor, b)
