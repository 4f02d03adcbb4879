"""Embedding for the comparable-mode scripts: through aligner.embed and its default cache."""

from __future__ import annotations

import numpy as np

from aligner.embed import embed


def embed_lines(lines: list[str]) -> np.ndarray:
    """L2-normalised float32 rows, one per line (zero rows for lines with no letter or digit)."""
    return np.asarray(embed(list(lines)), dtype=np.float32)
