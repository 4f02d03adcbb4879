"""Plain text, one paragraph per line; a short line without final punctuation is a heading."""

from __future__ import annotations

from aligner.ingest.blocks import Block
from aligner.ingest.lines import clean_lines
from aligner.segment import looks_like_title


def clean(source: str) -> list[Block]:
    return clean_lines(source, lambda line: None, lambda text: "heading" if looks_like_title(text) else "paragraph")


def sniff(source: str) -> bool:
    """Plain text is what is left when no other kind recognises the layout."""
    return False
