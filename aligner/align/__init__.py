"""The public entry point: ``align(src, tgt, embed=...) -> Alignment``.

``auto`` mode reads three signals off a mutual-best search (length ratio,
anchor density, anchor order) and picks ``parallel`` for translations and
``comparable`` for documents that share only part of their content or move it
around. ``Alignment.info["mode_reason"]`` says which and why.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from aligner.align.parallel import (
    SKELETON_SAMPLES,
    ParallelOptions,
    _fenwick_chain,
    align_block,
    align_block_detailed,
    mutual_best,
)
from aligner.align.scoring import ScoreParams, center, count_tokens, side_means
from aligner.errors import ConfigError, EncoderError, InputError
from aligner.types import Alignment, Bead

Mode = Literal["auto", "parallel", "comparable"]
Progress = Callable[[str, int, int], None]

__all__ = ["align", "align_block", "choose_mode", "ModeSignals", "ParallelOptions", "ScoreParams"]


@dataclass(frozen=True)
class ModeSignals:
    length_ratio: float  # longer side / shorter side, in sentences
    anchor_density: float  # confident mutual-best pairs per sentence of the longer side
    anchor_order: float  # share of those pairs on one monotone chain
    anchors: int


# thresholds of auto mode
ANCHOR_SIM = 0.3  # centred cosine for a mutual-best pair to count as an anchor
MIN_DENSITY = 0.5
MIN_ORDER = 0.8
MAX_LENGTH_RATIO = 1.6


def mode_signals(src: np.ndarray, tgt: np.ndarray) -> ModeSignals:
    """Signals from centred vectors; linear in length because the source is sampled."""
    n, m = src.shape[0], tgt.shape[0]
    if n == 0 or m == 0:
        return ModeSignals(float("inf") if max(n, m) else 1.0, 0.0, 1.0, 0)
    step = max(1, -(-n // SKELETON_SAMPLES))
    sample = np.arange(0, n, step, dtype=np.int64)
    ri, cj, sims = mutual_best(src, tgt, sample)
    ok = sims >= ANCHOR_SIM
    ri, cj = ri[ok], cj[ok]
    density = ri.size / (sample.size * max(n, m) / n)
    if ri.size:
        chain = _fenwick_chain(ri, cj, np.ones(ri.size), m)
        order = chain.size / ri.size
    else:
        order = 1.0
    return ModeSignals(max(n, m) / min(n, m), float(density), float(order), int(ri.size))


def choose_mode(sig: ModeSignals) -> tuple[str, str]:
    facts = (f"length ratio {sig.length_ratio:.2f}, anchor density {sig.anchor_density:.2f}, "
             f"anchor order {sig.anchor_order:.2f}")
    if sig.anchors == 0:
        return "parallel", f"no confident anchors; parallel keeps every sentence as a gap or pair ({facts})"
    reasons = []
    if sig.length_ratio > MAX_LENGTH_RATIO:
        reasons.append(f"length ratio > {MAX_LENGTH_RATIO}")
    if sig.anchor_density < MIN_DENSITY:
        reasons.append(f"anchor density < {MIN_DENSITY}")
    if sig.anchor_order < MIN_ORDER:
        reasons.append(f"anchor order < {MIN_ORDER} (moved sections)")
    if reasons:
        return "comparable", "comparable: " + "; ".join(reasons) + f" ({facts})"
    return "parallel", f"parallel: translations in order ({facts})"


def align(src: Sequence[str], tgt: Sequence[str], *, embed: Callable[[list[str]], np.ndarray],
          src_vecs: np.ndarray | None = None, tgt_vecs: np.ndarray | None = None,
          mode: Mode = "auto", src_lang: str | None = None, tgt_lang: str | None = None,
          progress: Progress | None = None, options: ParallelOptions | None = None) -> Alignment:
    """Align two sentence lists; every sentence ends up in exactly one bead, in source order."""
    if mode not in ("auto", "parallel", "comparable"):
        raise ConfigError(f"unknown mode {mode!r}; use auto, parallel or comparable")
    src, tgt = list(src), list(tgt)
    n, m = len(src), len(tgt)
    timings: dict[str, float] = {}
    tokens = 0
    t0 = time.perf_counter()
    if src_vecs is None:
        src_vecs = _embed(embed, src, "source")
        tokens += count_tokens(src)
    if tgt_vecs is None:
        tgt_vecs = _embed(embed, tgt, "target")
        tokens += count_tokens(tgt)
    timings["embed"] = time.perf_counter() - t0
    src_vecs = _check(src_vecs, n, "source")
    tgt_vecs = _check(tgt_vecs, m, "target")
    if progress:
        progress("align", 0, 1)
    t1 = time.perf_counter()
    smean, tmean = side_means(src_vecs, tgt_vecs)
    info: dict = {}
    if n == 0 or m == 0:
        used, reason = ("parallel" if mode == "auto" else mode), "one side is empty: everything is a gap"
        beads = [Bead((i,), (), 1.0) for i in range(n)] + [Bead((), (j,), 1.0) for j in range(m)]
    else:
        if mode == "auto":
            sig = mode_signals(center(src_vecs, smean), center(tgt_vecs, tmean))
            used, reason = choose_mode(sig)
            info["signals"] = sig.__dict__.copy()
        else:
            used, reason = mode, f"{mode}: chosen by the caller"
        counted = _CountingEmbed(embed)
        if used == "comparable":
            try:
                from aligner.align.comparable import align_comparable
            except ImportError:  # the comparable aligner is not installed in this build
                used = "parallel"
                reason += "; comparable mode unavailable, used parallel"
            else:
                beads = list(align_comparable(src, tgt, src_vecs, tgt_vecs, embed=counted,
                                              src_lang=src_lang, tgt_lang=tgt_lang))
        if used == "parallel":
            res = align_block_detailed(src_vecs, tgt_vecs, src, tgt, embed=counted, options=options,
                                       src_mean=smean, tgt_mean=tmean)
            beads = res.beads
            info["anchors"] = res.anchors
        tokens += counted.tokens
        beads = normalise_beads(beads, n, m)
    timings["align"] = time.perf_counter() - t1 - (counted.seconds if n and m else 0.0)
    if n and m:
        timings["embed"] += counted.seconds
    if progress:
        progress("align", 1, 1)
    info.update({"mode_reason": reason, "timings": timings, "tokens_embedded": tokens,
                 "tokens_text": count_tokens(src) + count_tokens(tgt)})
    return Alignment(tuple(beads), n, m, used, info)


class _CountingEmbed:
    """Wraps ``embed`` so the cost of real concatenations is measured, not guessed."""

    def __init__(self, embed):
        self._embed = embed
        self.tokens = 0
        self.seconds = 0.0

    def __call__(self, texts: list[str]) -> np.ndarray:
        t = time.perf_counter()
        out = _embed(self._embed, texts, "bead")
        self.seconds += time.perf_counter() - t
        self.tokens += count_tokens(texts)
        return out


def _embed(embed, texts: list[str], what: str) -> np.ndarray:
    if not texts:
        return np.zeros((0, 0), dtype=np.float32)
    try:
        out = np.asarray(embed(texts), dtype=np.float32)
    except Exception as exc:  # the encoder's own errors, reported once with context
        if isinstance(exc, EncoderError):
            raise
        raise EncoderError(f"embedding the {what} sentences failed: {exc}") from exc
    return out


def _check(vecs: np.ndarray, n: int, what: str) -> np.ndarray:
    vecs = np.asarray(vecs, dtype=np.float32)
    if n == 0:
        return vecs.reshape(0, vecs.shape[1] if vecs.ndim == 2 else 0)
    if vecs.ndim != 2 or vecs.shape[0] != n:
        raise InputError(f"{what} vectors have shape {vecs.shape}, expected {n} rows, one per sentence")
    return vecs


def normalise_beads(beads: Sequence[Bead], n: int, m: int) -> list[Bead]:
    """Check coverage and order beads by source, target-only gaps where they fall.

    Raises if a sentence is missing or repeated: a silent hole would make the
    TMX and the gap report lie.
    """
    seen_s = sorted(i for b in beads for i in b.src)
    seen_t = sorted(j for b in beads for j in b.tgt)
    if seen_s != list(range(n)) or seen_t != list(range(m)):
        raise AssertionError("aligner produced beads that do not cover every sentence exactly once")

    pairs = sorted((b for b in beads if b.src), key=lambda b: min(b.src))
    gaps_t = sorted((b for b in beads if not b.src), key=lambda b: min(b.tgt))
    # place each target-only bead before the first source bead whose targets come after it
    out: list[Bead] = []
    gi = 0
    for b in pairs:
        if b.tgt:
            while gi < len(gaps_t) and min(gaps_t[gi].tgt) < min(b.tgt):
                out.append(gaps_t[gi])
                gi += 1
        out.append(b)
    out.extend(gaps_t[gi:])
    return out
