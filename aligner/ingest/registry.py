"""Source kinds by name: which module cleans each one.

A kind is a module in this package with two functions, ``clean(source) ->
list[Block]`` and ``sniff(source) -> bool`` (does the layout alone say it is
this kind?). Adding a kind is one line in ``_MODULES``; modules load on first
use. The order is the order ``guess_kind`` asks them in (``text`` is the
fallback and claims nothing).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from aligner.errors import InputError
from aligner.ingest.blocks import Block, Cleaned

_MODULES: dict[str, str] = {
    "wiki": "aligner.ingest.wiki",
    "pdf": "aligner.ingest.pdf",
    "text": "aligner.ingest.text",
}
KINDS: tuple[str, ...] = tuple(_MODULES)
FALLBACK = "text"


@dataclass(frozen=True)
class SourceKind:
    name: str
    clean: Callable[[str], list[Block]]
    sniff: Callable[[str], bool]


@cache
def source_kind(name: str) -> SourceKind:
    """The cleaner for ``name``; an ``InputError`` listing the known kinds otherwise."""
    if name not in _MODULES:
        raise InputError(f"unknown source kind {name!r}; use one of: {', '.join(KINDS)}")
    module = importlib.import_module(_MODULES[name])
    return SourceKind(name, module.clean, module.sniff)


def clean(source: str, kind: str) -> Cleaned:
    """Split ``source`` into blocks and drop residue, according to its kind."""
    blocks = source_kind(kind).clean(source)
    return Cleaned(source, tuple(b for b in blocks if b.text.strip()))


def sniff_kind(source: str) -> str:
    """The first kind whose layout test accepts ``source``, else the fallback."""
    for name in KINDS:
        if source_kind(name).sniff(source):
            return name
    return FALLBACK
