"""The public entry point: ``align(src, tgt, embed=...) -> Alignment``.

Every mode's bead scores are turned into calibrated probabilities that the
bead is correct, so ``auto`` runs each mode and keeps the one that expects more
sentences in correct beads (``choose.py``); ``--mode`` overrides it.
``Alignment.info["mode_reason"]`` says which mode ran and why.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import replace

import numpy as np

from aligner.align.calibrate import calibrate_beads
from aligner.align.choose import choose_mode, expected_correct
from aligner.align.config import DEFAULT_CONFIG, AlignConfig
from aligner.align.modes import MODES, DocPair, get_mode
from aligner.align.order import order_beads
from aligner.align.scoring import count_tokens, side_means
from aligner.errors import ConfigError, EncoderError, InputError
from aligner.types import Alignment, Bead


def align(src: Sequence[str], tgt: Sequence[str], *, embed: Callable[[list[str]], np.ndarray],
          src_vecs: np.ndarray | None = None, tgt_vecs: np.ndarray | None = None,
          mode: str = "auto", src_lang: str | None = None, tgt_lang: str | None = None,
          config: AlignConfig = DEFAULT_CONFIG) -> Alignment:
    """Align two sentence lists; every sentence ends up in exactly one bead, in source order."""
    if mode != "auto" and mode not in MODES:
        raise ConfigError(f"unknown mode {mode!r}; use auto, {', '.join(sorted(MODES))}")
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
    t1 = time.perf_counter()
    smean, tmean = side_means(src_vecs, tgt_vecs, config.parallel.score.min_rows_for_mean)
    info: dict = {"config": config.digest()}
    counted = _CountingEmbed(embed)
    if n == 0 or m == 0:
        used, reason = ("parallel" if mode == "auto" else mode), "one side is empty: everything is a gap"
        beads = [Bead((i,), (), 1.0) for i in range(n)] + [Bead((), (j,), 1.0) for j in range(m)]
    else:
        pair = DocPair(src, tgt, src_vecs, tgt_vecs, smean, tmean, counted, src_lang, tgt_lang)
        names = config.mode_choice.modes if mode == "auto" else (mode,)
        # Auto mode first runs parallel without embedding its merged beads: they only
        # matter if parallel can still be chosen (see ModeChoiceConfig.refine_lead).
        deferred = mode == "auto" and "parallel" in names and len(names) > 1 and config.parallel.refine
        cheap = replace(config, parallel=replace(config.parallel, refine=False)) if deferred else config

        def run(name: str, cfg: AlignConfig) -> tuple[list[Bead], dict]:
            res = get_mode(name, cfg).align(pair)
            return (calibrate_beads(name, res.beads, res.evidence, n, m, cfg.calibration,
                                    res.info.get("anchors", 0), cfg.parallel.score.margin_k), res.info)

        runs = {name: run(name, cheap if name == "parallel" else config) for name in names}
        note = ""
        if deferred:
            ahead = max(expected_correct(v[0]) for k, v in runs.items() if k != "parallel")
            if ahead - expected_correct(runs["parallel"][0]) > config.mode_choice.refine_lead * (n + m):
                note = "; parallel's merged beads left unembedded: it trails by more than " \
                       f"{config.mode_choice.refine_lead:g} per sentence"
            else:
                runs["parallel"] = run("parallel", config)
        if mode == "auto":
            used, reason = choose_mode({k: v[0] for k, v in runs.items()}, n + m, config.mode_choice)
            reason += note
            info["expected_correct"] = {k: round(expected_correct(v[0]), 2) for k, v in runs.items()}
        else:
            used, reason = mode, f"{mode}: chosen by the caller"
        beads, mode_info = runs[used]
        info.update(mode_info)
        tokens += counted.tokens
        beads = order_beads(beads, n, m)
    timings["align"] = time.perf_counter() - t1 - counted.seconds
    timings["embed"] += counted.seconds
    info.update({"mode_reason": reason, "timings": timings, "tokens_embedded": tokens,
                 "tokens_text": count_tokens(src) + count_tokens(tgt)})
    return Alignment(tuple(beads), n, m, used, info)


class _CountingEmbed:
    """Wraps ``embed`` so the cost of real concatenations is measured, not guessed.

    Texts already embedded in this call (another mode asked for the same
    concatenation) come from memory and are not counted again.
    """

    def __init__(self, embed):
        self._embed = embed
        self._seen: dict[str, np.ndarray] = {}
        self.tokens = 0
        self.seconds = 0.0

    def __call__(self, texts: list[str]) -> np.ndarray:
        new = list(dict.fromkeys(x for x in texts if x not in self._seen))
        if new:
            t = time.perf_counter()
            out = _embed(self._embed, new, "bead")
            self.seconds += time.perf_counter() - t
            self.tokens += count_tokens(new)
            self._seen.update(zip(new, out))
        return np.stack([self._seen[x] for x in texts]) if texts else np.zeros((0, 0), dtype=np.float32)


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
