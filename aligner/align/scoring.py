"""How alike two beads are, on a scale that one threshold can cut.

Raw e5 cosines sit in a narrow band (unrelated sentences score ~0.75), so a
normalised *sum* of sentence vectors hardly drops when an unrelated sentence is
glued in. Removing each side's mean vector first spreads the scale out: unrelated
pairs fall near 0, translations stay high, and diluted beads lose visibly.
That is what lets a fixed gap cost separate "missing here" from "merged here".
"""

from __future__ import annotations

import math
import re

import numpy as np

from aligner.align.config import ScoreParams

_TOKEN = re.compile(r"\w+|[^\w\s]", re.UNICODE)


def count_tokens(texts: list[str] | tuple[str, ...]) -> int:
    """A tokenizer-free token count, the same on both sides of the cost ratio."""
    return sum(len(_TOKEN.findall(t)) for t in texts)


def side_mean(vecs: np.ndarray, min_rows: int) -> np.ndarray:
    """Mean of the non-zero rows; zero vector when there are too few rows to trust it."""
    vecs = np.asarray(vecs, dtype=np.float32)
    if vecs.ndim != 2 or vecs.shape[0] == 0:
        return np.zeros(vecs.shape[-1] if vecs.ndim == 2 else 0, dtype=np.float32)
    live = np.any(vecs != 0, axis=1)
    if int(live.sum()) < min_rows:
        return np.zeros(vecs.shape[1], dtype=np.float32)
    return vecs[live].mean(axis=0).astype(np.float32)


def side_means(sv: np.ndarray, tv: np.ndarray, min_rows: int) -> tuple[np.ndarray, np.ndarray]:
    """Both sides' means; a side too short to trust borrows the pooled mean of both."""
    ms, mt = side_mean(sv, min_rows), side_mean(tv, min_rows)
    if (not ms.any() or not mt.any()) and sv.ndim == tv.ndim == 2 and sv.shape[1] == tv.shape[1]:
        both = side_mean(np.concatenate([sv, tv]), min_rows)
        ms = ms if ms.any() else both
        mt = mt if mt.any() else both
    return ms, mt


def center(vecs: np.ndarray, mean: np.ndarray) -> np.ndarray:
    """Subtract ``mean`` and renormalise; rows that were zero (no text) stay zero."""
    vecs = np.asarray(vecs, dtype=np.float32)
    if vecs.shape[0] == 0:
        return vecs.copy()
    live = np.any(vecs != 0, axis=1)
    out = vecs - mean[None, :]
    norms = np.linalg.norm(out, axis=1)
    norms[norms == 0] = 1.0
    out = out / norms[:, None]
    out[~live] = 0.0
    return out.astype(np.float32)


def length_ratio(src_texts, tgt_texts) -> float:
    """Characters of source per character of target, over the whole pair."""
    s = sum(len(t) for t in src_texts)
    t = sum(len(x) for x in tgt_texts)
    if s == 0 or t == 0:
        return 1.0
    return s / t


def confidence(sim: float, params: ScoreParams) -> float:
    """Map a centred cosine to (0, 1); the same curve for every pair of languages."""
    z = (sim - params.conf_center) / params.conf_scale
    z = max(-40.0, min(40.0, z))
    return 1.0 / (1.0 + math.exp(-z))
