"""Segment hygiene. OmegaT matches segments byte for byte after NFC, so what
goes into ``<seg>`` must be NFC, XML-legal and free of edge whitespace."""

from __future__ import annotations

import re
import unicodedata

# Characters XML 1.0 forbids (plus lone surrogates, which lxml rejects).
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def remove_illegal(text: str) -> tuple[str, int]:
    """Text without XML-illegal characters, and how many were removed."""
    cleaned, n = _ILLEGAL_XML.subn("", text)
    return cleaned, n


def clean_segment(text: str) -> tuple[str, int, bool]:
    """(NFC text without illegal characters or edge whitespace, chars removed, was trimmed)."""
    cleaned, n = _ILLEGAL_XML.subn("", text)
    cleaned = unicodedata.normalize("NFC", cleaned)
    stripped = cleaned.strip()
    return stripped, n, stripped != cleaned
