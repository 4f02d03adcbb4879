"""Option types shared by the subcommands.

A refused value raises :class:`~aligner.errors.ConfigError`, which argparse
lets through (it only catches ``ValueError`` and ``TypeError``), so ``main``
reports it with exit 3 like every other bad option, before any file is read.
"""

from __future__ import annotations

import math

from aligner.errors import ConfigError
from aligner.langid import check_code


def language(text: str) -> str:
    """``--lang`` and friends: a registered language code, in its canonical form."""
    return check_code(text)


def score(text: str) -> float:
    """``--min-score``: bead confidences lie in [0, 1], so anything else keeps all or nothing."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not 0.0 <= value <= 1.0:
        raise ConfigError(f"--min-score takes a confidence between 0 and 1, got {text!r}")
    return value
