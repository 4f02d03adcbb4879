"""The alignment modes behind one interface, in a registry (after sacrebleu's metrics).

A mode turns one pair of embedded documents into beads that cover every
sentence once. ``align()`` looks modes up by name, so ``--mode`` and auto
mode's choice go through the same door, and a new mode is one class.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from aligner.align.config import AlignConfig
from aligner.types import Bead

EmbedFn = Callable[[list[str]], np.ndarray]


@dataclass(frozen=True)
class DocPair:
    """What every mode reads: texts, raw sentence vectors, each side's mean, languages."""

    src: Sequence[str]
    tgt: Sequence[str]
    src_vecs: np.ndarray
    tgt_vecs: np.ndarray
    src_mean: np.ndarray
    tgt_mean: np.ndarray
    embed: EmbedFn | None = None
    src_lang: str | None = None
    tgt_lang: str | None = None


@dataclass(frozen=True)
class ModeResult:
    beads: list[Bead]
    info: dict = field(default_factory=dict)
    evidence: tuple[tuple[float, ...], ...] | None = None  # per bead, for the bead calibration
    calibrated: bool = False  # the mode already gave every bead its calibrated score


class AlignMode(ABC):
    """One way to align; ``name`` is what ``--mode`` spells."""

    name: str = ""

    def __init__(self, config: AlignConfig) -> None:
        self.config = config

    @abstractmethod
    def align(self, pair: DocPair) -> ModeResult:
        """Beads covering every sentence of both sides once (any order; align() orders them)."""


MODES: dict[str, type[AlignMode]] = {}


def register(cls: type[AlignMode]) -> type[AlignMode]:
    MODES[cls.name] = cls
    return cls


def get_mode(name: str, config: AlignConfig) -> AlignMode:
    from aligner.errors import ConfigError

    if name not in MODES:
        raise ConfigError(f"unknown mode {name!r}; use auto, {', '.join(sorted(MODES))}")
    return MODES[name](config)


@register
class ParallelMode(AlignMode):
    """Translations in order: the banded two-pass bead DP (aligner/align/parallel.py)."""

    name = "parallel"

    def align(self, pair: DocPair) -> ModeResult:
        from aligner.align.parallel import align_block

        res = align_block(pair.src_vecs, pair.tgt_vecs, list(pair.src), list(pair.tgt),
                          config=self.config.parallel, embed=pair.embed,
                          src_mean=pair.src_mean, tgt_mean=pair.tgt_mean,
                          calibration=self.config.calibration)
        return ModeResult(res.beads, {"anchors": res.anchors}, res.evidence, res.calibrated)


@register
class ComparableMode(AlignMode):
    """Shared content in any order: margin mining with anchors (aligner/align/comparable.py)."""

    name = "comparable"

    def align(self, pair: DocPair) -> ModeResult:
        from aligner.align.comparable import align_comparable

        beads = align_comparable(pair.src, pair.tgt, pair.src_vecs, pair.tgt_vecs, config=self.config,
                                 embed=pair.embed, src_lang=pair.src_lang, tgt_lang=pair.tgt_lang)
        return ModeResult(list(beads))
