"""Sentence alignment: ``align()``, its modes and its one configuration (re-exports only)."""

from aligner.align.api import align, align_each
from aligner.align.choose import choose_mode, expected_correct
from aligner.align.config import (
    ALL_SIGNALS,
    DEFAULT_CONFIG,
    NO_SIGNALS,
    AlignConfig,
    Calibration,
    CalibrationConfig,
    ComparableConfig,
    EvidenceConfig,
    ModeChoiceConfig,
    ParallelConfig,
    ScoreParams,
    Signals,
)
from aligner.align.modes import MODES, AlignMode, DocPair, ModeResult, get_mode, register
from aligner.align.order import cover, order_beads
from aligner.align.parallel import align_block

__all__ = [
    "ALL_SIGNALS", "DEFAULT_CONFIG", "MODES", "NO_SIGNALS", "AlignConfig", "AlignMode", "Calibration",
    "CalibrationConfig", "ComparableConfig", "DocPair", "EvidenceConfig", "ModeChoiceConfig", "ModeResult",
    "ParallelConfig", "ScoreParams", "Signals", "align", "align_block", "align_each", "choose_mode", "cover", "expected_correct",
    "get_mode", "order_beads", "register",
]
