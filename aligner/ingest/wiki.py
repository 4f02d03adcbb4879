"""Wikipedia articles copied as text: ``== Title ==`` headings, one paragraph per line."""

from __future__ import annotations

import re

from aligner.ingest.blocks import Block
from aligner.ingest.lines import clean_lines

_HEADING = re.compile(r"[ \t]*(=+)[ \t]*(\S.*?)[ \t]*\1[ \t]*")
_HEADING_LINE = re.compile(r"(?m)^==+[^=\n]+==+[ \t]*$")


def clean(source: str) -> list[Block]:
    return clean_lines(source, _heading, lambda text: "paragraph")


def sniff(source: str) -> bool:
    """Any ``== Title ==`` line means wiki markup."""
    return _HEADING_LINE.search(source) is not None


def _heading(line: str) -> tuple[int, int] | None:
    h = _HEADING.fullmatch(line)
    return h.span(2) if h is not None else None
