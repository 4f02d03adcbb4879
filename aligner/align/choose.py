"""Auto mode's choice between ``parallel`` and ``comparable``, with the reason it gives."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from aligner.align.config import AlignConfig
from aligner.align.kernels import fenwick_chain
from aligner.align.parallel import mutual_best


@dataclass(frozen=True)
class ModeSignals:
    length_ratio: float  # longer side / shorter side, in sentences
    anchor_density: float  # confident mutual-best pairs per sentence of the longer side
    anchor_order: float  # share of those pairs on one monotone chain
    anchors: int


def mode_signals(src: np.ndarray, tgt: np.ndarray, config: AlignConfig) -> ModeSignals:
    """Signals from centred vectors; linear in length because the source is sampled."""
    n, m = src.shape[0], tgt.shape[0]
    if n == 0 or m == 0:
        return ModeSignals(float("inf") if max(n, m) else 1.0, 0.0, 1.0, 0)
    step = max(1, -(-n // config.parallel.skeleton_samples))
    sample = np.arange(0, n, step, dtype=np.int64)
    ri, cj, sims = mutual_best(src, tgt, sample)
    ok = sims >= config.mode_choice.anchor_sim
    ri, cj = ri[ok], cj[ok]
    density = ri.size / (sample.size * max(n, m) / n)
    if ri.size:
        chain = fenwick_chain(ri, cj, np.ones(ri.size), m)
        order = chain.size / ri.size
    else:
        order = 1.0
    return ModeSignals(max(n, m) / min(n, m), float(density), float(order), int(ri.size))


def choose_mode(sig: ModeSignals, config: AlignConfig) -> tuple[str, str]:
    mc = config.mode_choice
    facts = (f"length ratio {sig.length_ratio:.2f}, anchor density {sig.anchor_density:.2f}, "
             f"anchor order {sig.anchor_order:.2f}")
    if sig.anchors == 0:
        return "parallel", f"no confident anchors; parallel keeps every sentence as a gap or pair ({facts})"
    reasons = []
    if sig.length_ratio > mc.max_length_ratio:
        reasons.append(f"length ratio > {mc.max_length_ratio}")
    if sig.anchor_density < mc.min_density:
        reasons.append(f"anchor density < {mc.min_density}")
    if sig.anchor_order < mc.min_order:
        reasons.append(f"anchor order < {mc.min_order} (moved sections)")
    if reasons:
        return "comparable", "comparable: " + "; ".join(reasons) + f" ({facts})"
    return "parallel", f"parallel: translations in order ({facts})"
