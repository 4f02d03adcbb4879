"""The domain, as frozen dataclasses shared by every stage of the pipeline.

Spans are character offsets into the *decoded original file* (before NFC and
cleaning), so a user can always find the exact text a sentence came from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

UnitKind = Literal["sentence", "heading", "footnote"]
SourceKind = str  # a name registered in aligner.ingest.registry (wiki, pdf, text, ...)


@dataclass(frozen=True)
class Sentence:
    text: str
    lang: str
    start: int
    end: int
    kind: UnitKind = "sentence"


@dataclass(frozen=True)
class Document:
    name: str
    lang: str
    kind: SourceKind
    sentences: tuple[Sentence, ...]
    source: str = ""  # the decoded original text the spans point into

    @property
    def texts(self) -> list[str]:
        return [s.text for s in self.sentences]


@dataclass(frozen=True)
class Bead:
    """Source and target sentence indices; an empty side is a gap (1-0 or 0-1)."""

    src: tuple[int, ...]
    tgt: tuple[int, ...]
    score: float = 0.0

    @property
    def is_gap(self) -> bool:
        return not self.src or not self.tgt

    @property
    def shape(self) -> str:
        return f"{len(self.src)}-{len(self.tgt)}"


@dataclass(frozen=True)
class Alignment:
    """Every sentence of both sides in exactly one bead, beads in source order."""

    beads: tuple[Bead, ...]
    n_src: int
    n_tgt: int
    mode: str = ""
    info: dict = field(default_factory=dict, compare=False, hash=False)
