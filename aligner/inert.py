"""Make document text harmless to show: a document is hostile input.

A terminal obeys escape sequences wherever they come from, so a sentence holding
``ESC ] 0 ; … BEL`` retitles the window and ``ESC [ 2 J`` clears it; bidi
overrides reorder what a reader sees (CVE-2021-42574, "Trojan Source"). Every
text the tool shows or writes as text passes through :func:`inert`, and every
JSON it writes through :func:`dumps`.

What is escaped, and why:

- C0 and C1 controls and DEL (category ``Cc``): terminals act on them; C1 codes
  (U+0080–U+009F, e.g. U+009B = CSI) act even when they arrive as UTF-8.
- Bidi embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069): they
  reorder the text around them. The bidi *marks* (U+200E LRM, U+200F RLM,
  U+061C ALM) stay: they are ordinary zero-width letters of direction that
  reorder nothing beyond themselves, and real Arabic and Hebrew text uses them.
- U+2028 and U+2029 (line and paragraph separators): a one-line field must stay
  one line.
- Lone surrogates: no encoder can write them, so they would crash the output.

ZWJ and ZWNJ (U+200D, U+200C) stay: Devanagari needs them to choose between
conjunct and half forms. So do other format characters (soft hyphen, ZWSP).

An escaped character shows as ``\\x1b`` (below U+0100) or ``\\u202e``: visible,
greppable, and one per character. The escape is for the eye only; the data
itself (TMX, the cache) keeps the text as it was.
"""

from __future__ import annotations

import json
import re
from typing import Any

_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
# json.dumps escapes C0 itself, and its indent puts raw newlines between values.
_UNSAFE_IN_JSON = re.compile("[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def _json_escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def inert(text: str) -> str:
    """``text`` with every character a terminal could act on shown as an escape."""
    return _UNSAFE.sub(_escape, text)


def inert_lines(text: str) -> str:
    """:func:`inert` on each line: for messages whose line breaks are meant."""
    return "\n".join(inert(line) for line in text.split("\n"))


def dumps(obj: Any, **kwargs: Any) -> str:
    """``json.dumps`` keeping non-ASCII letters readable but every unsafe character escaped.

    ``ensure_ascii=False`` escapes only C0 controls; C1 controls, bidi overrides
    and lone surrogates would go out raw. Here they become ``\\uXXXX`` escapes,
    which any JSON reader turns back into the same text.
    """
    return _UNSAFE_IN_JSON.sub(_json_escape, json.dumps(obj, ensure_ascii=False, **kwargs))
