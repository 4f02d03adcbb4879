"""The public entry point: ``align(src, tgt, embed=...) -> Alignment``.

Every mode's bead scores are turned into calibrated probabilities that the
bead is correct, so ``auto`` runs each mode and keeps the one that expects more
sentences in correct beads (``choose.py``); ``--mode`` overrides it.
``Alignment.info.mode_reason`` says which mode ran and why.
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
from aligner.types import AlignInfo, Alignment, Bead, Timings


def align(src: Sequence[str], tgt: Sequence[str], *, embed: Callable[[list[str]], np.ndarray],
          src_vecs: np.ndarray | None = None, tgt_vecs: np.ndarray | None = None,
          mode: str = "auto", src_lang: str | None = None, tgt_lang: str | None = None,
          config: AlignConfig = DEFAULT_CONFIG) -> Alignment:
    """Align two sentence lists; every sentence ends up in one bead (two 1-1 beads for a
    sentence whose fact the other version states twice), in source order."""
    return align_each(src, tgt, embed=embed, src_vecs=src_vecs, tgt_vecs=tgt_vecs, modes=(mode,),
                      src_lang=src_lang, tgt_lang=tgt_lang, config=config)[mode]


def align_each(src: Sequence[str], tgt: Sequence[str], *, embed: Callable[[list[str]], np.ndarray],
               src_vecs: np.ndarray | None = None, tgt_vecs: np.ndarray | None = None,
               modes: Sequence[str] = ("auto",), src_lang: str | None = None, tgt_lang: str | None = None,
               config: AlignConfig = DEFAULT_CONFIG) -> dict[str, Alignment]:
    """The alignment in each of ``modes`` (``auto`` included), every mode run once.

    ``align(mode=x)`` is ``align_each(modes=(x,))[x]``; asking for ``auto`` and
    the forced modes together (the grid evaluation) costs one run of each mode.
    An alignment's ``info.timings.align`` counts the modes it needed.
    """
    for mode in modes:
        if mode != "auto" and mode not in MODES:
            raise ConfigError(f"unknown mode {mode!r}; use auto, {', '.join(sorted(MODES))}")
    src, tgt = list(src), list(tgt)
    n, m = len(src), len(tgt)
    tokens = 0
    t0 = time.perf_counter()
    if src_vecs is None:
        src_vecs = _embed(embed, src, "source")
        tokens += count_tokens(src)
    if tgt_vecs is None:
        tgt_vecs = _embed(embed, tgt, "target")
        tokens += count_tokens(tgt)
    embed_s = time.perf_counter() - t0
    src_vecs = _check(src_vecs, n, "source")
    tgt_vecs = _check(tgt_vecs, m, "target")
    t1 = time.perf_counter()
    smean, tmean = side_means(src_vecs, tgt_vecs, config.parallel.score.min_rows_for_mean)
    counted = _CountingEmbed(embed)
    setup_s = time.perf_counter() - t1
    out: dict[str, Alignment] = {}
    if n == 0 or m == 0:
        gaps = tuple([Bead((i,), (), 1.0) for i in range(n)] + [Bead((), (j,), 1.0) for j in range(m)])
        for mode in modes:
            empty = AlignInfo(config=config.digest(), mode_reason="one side is empty: everything is a gap",
                              timings=Timings(embed=embed_s, align=setup_s), tokens_embedded=tokens,
                              tokens_text=count_tokens(src) + count_tokens(tgt))
            out[mode] = Alignment(gaps, n, m, "parallel" if mode == "auto" else mode, empty)
        return out
    pair = DocPair(src, tgt, src_vecs, tgt_vecs, smean, tmean, counted, src_lang, tgt_lang)
    runs: dict[str, tuple[list[Bead], dict]] = {}
    secs: dict[str, tuple[float, float]] = {}  # run: (align seconds, embed seconds)

    def run(name: str, key: str, cfg: AlignConfig) -> tuple[list[Bead], dict]:
        if key not in runs:
            t, e = time.perf_counter(), counted.seconds
            res = get_mode(name, cfg).align(pair)
            beads_ = res.beads if res.calibrated else calibrate_beads(
                name, res.beads, res.evidence, n, m, cfg.calibration, res.info.get("anchors", 0),
                cfg.parallel.score.margin_k)
            runs[key] = (order_beads(beads_, n, m), res.info)
            spent = counted.seconds - e
            secs[key] = (time.perf_counter() - t - spent, spent)
        return runs[key]

    for mode in modes:
        expected: tuple[tuple[str, float], ...] = ()
        note = ""
        if mode == "auto":
            names = config.mode_choice.modes
            # The choice runs parallel without its split test: split-made gaps carry the "lone"
            # fit's scores, which overstated parallel's expectation on partly translated articles
            # (FLORES partial s0.35 x 0.35 ne-en: parallel chosen at 0.832, comparable 0.889).
            # If parallel wins, its beads are then split (below).
            split = "parallel" in names and config.parallel.split
            chooser = replace(config, parallel=replace(config.parallel, split=False)) if split else config
            pkey = "parallel-unsplit" if split else "parallel"
            # Auto first runs parallel without embedding its merged beads: they only
            # matter if parallel can still be chosen (see ModeChoiceConfig.refine_lead).
            deferred = "parallel" in names and len(names) > 1 and config.parallel.refine
            cheap = replace(chooser, parallel=replace(chooser.parallel, refine=False))
            first = {k: (k, config) for k in names}
            if "parallel" in names:
                first["parallel"] = (pkey + "-unrefined", cheap) if deferred else (pkey, chooser)
            got = {k: run(k, *first[k]) for k in names}
            ran = [first[k][0] for k in names]
            if deferred:
                ahead = max(expected_correct(v[0]) for k, v in got.items() if k != "parallel")
                if ahead - expected_correct(got["parallel"][0]) > config.mode_choice.refine_lead * (n + m):
                    note = "; parallel's merged beads left unembedded: it trails by more than " \
                           f"{config.mode_choice.refine_lead:g} per sentence"
                else:
                    got["parallel"] = run("parallel", pkey, chooser)
                    ran.append(pkey)
            used, reason = choose_mode({k: v[0] for k, v in got.items()}, n + m, config.mode_choice)
            reason += note
            expected = tuple((k, round(expected_correct(v[0]), 2)) for k, v in got.items())
            beads, mode_info = got[used]
            if used == "parallel" and split:
                beads, mode_info = run("parallel", "parallel", config)
                ran.append("parallel")
                reason += "; then its pair beads weighed against their parts (split)"
        else:
            ran, used, reason = [mode], mode, f"{mode}: chosen by the caller"
            beads, mode_info = run(mode, mode, config)
        timings = Timings(embed=embed_s + sum(secs[k][1] for k in ran), align=setup_s + sum(secs[k][0] for k in ran))
        info = AlignInfo(config=config.digest(), mode_reason=reason, expected_correct=expected,
                         anchors=int(mode_info.get("anchors", 0)), timings=timings,
                         tokens_embedded=tokens + counted.tokens, tokens_text=count_tokens(src) + count_tokens(tgt))
        out[mode] = Alignment(tuple(beads), n, m, used, info)
    return out


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
