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
class Timings:
    """Seconds of one alignment: in the encoder (documents and whatever the aligner asked for), and the rest."""

    embed: float = 0.0
    align: float = 0.0


@dataclass(frozen=True)
class ReviewInfo:
    """How a re-alignment around reviewed links went (aligner.review.realign)."""

    fixed: int  # confirmed or related links kept as they are
    chain: int  # of those, the links on the monotone chain that cut the documents
    stretches: int  # stretches re-aligned between them


@dataclass(frozen=True)
class AlignInfo:
    """What an alignment records beside its beads, so a report can say how it was made."""

    config: str = ""  # AlignConfig.digest() of the numbers that made it
    mode_reason: str = ""  # which mode ran and why
    expected_correct: tuple[tuple[str, float], ...] = ()  # auto: sentences each mode expects in correct beads
    anchors: int = 0  # parallel: pairs on its anchor chain
    timings: Timings = Timings()
    tokens_embedded: int = 0  # tokens the aligner embedded (documents it was not given vectors for, merges, clauses)
    tokens_text: int = 0  # tokens of both documents
    review: ReviewInfo | None = None


@dataclass(frozen=True)
class Alignment:
    """Every sentence of both sides in exactly one bead, beads in source order; except that a
    sentence may be in two 1-1 beads where the other version states its fact twice."""

    beads: tuple[Bead, ...]
    n_src: int
    n_tgt: int
    mode: str = ""
    info: AlignInfo = field(default_factory=AlignInfo, compare=False, hash=False)
