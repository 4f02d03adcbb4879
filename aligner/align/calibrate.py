"""Map alignment scores to confidences in [0, 1] that mean the same everywhere.

A raw ratio margin is not comparable across language pairs (Nepali vectors sit
closer together than Tagalog ones) nor across modes, so every margin a user or
the TMX writer sees goes through :func:`confidence`: a logistic model fitted on
on-topic scenarios where the sentences present in one version only are
neighbours of aligned ones (``scripts/calibrate.py`` rebuilds the fit and
prints its reliability table). A confidence of 0.8 should be right about 80%
of the time whatever the pair.
"""

from __future__ import annotations

import math

import numpy as np

from aligner.align.config import Calibration, CalibrationConfig
from aligner.types import Bead


def confidence(margin: np.ndarray, cos: np.ndarray | None = None, *,
               calibration: Calibration = CalibrationConfig().margin_fit) -> np.ndarray:
    """Probability that a pair with this ratio margin (and cosine) is a true equivalent.

    ``margin`` is cos(x, y) divided by the mean similarity of x and y to their k
    nearest neighbours; ``cos`` defaults to the neutral value 0.9 when a caller
    only has margins.
    """
    m = np.asarray(margin, dtype=np.float64)
    c = np.full_like(m, 0.9) if cos is None else np.asarray(cos, dtype=np.float64)
    z = calibration.bias + calibration.w_margin * (m - 1.0) + calibration.w_cos * c
    out = 1.0 / (1.0 + np.exp(-np.clip(z, -50.0, 50.0)))
    out = np.where((m <= 0) | (c <= 0), 0.0, out)
    return out.astype(np.float64)


_LANG_ALIASES = {"tgl": "tl", "fil": "tl", "npi": "ne", "nep": "ne", "eng": "en"}


def _lang(code: str | None) -> str | None:
    """"en-US", "tgl_Latn", "NE" -> the two-letter code the table uses."""
    if code is None:
        return None
    base = code.replace("_", "-").split("-")[0].lower()
    return _LANG_ALIASES.get(base, base)


def length_sd_unknown(cal: CalibrationConfig) -> float:
    """The widest measured sd, for language pairs without statistics of their own."""
    return max(sd for *_, sd in cal.length_log_ratio)


def length_log_ratio(cal: CalibrationConfig, src_lang: str | None,
                     tgt_lang: str | None) -> tuple[float, float] | None:
    """(mean, sd) of the log length ratio for this pair in either direction, None if unmeasured."""
    s, t = _lang(src_lang), _lang(tgt_lang)
    table = {(a, b): (mu, sd) for a, b, mu, sd in cal.length_log_ratio}
    if (s, t) in table:
        return table[(s, t)]  # type: ignore[index]
    if (t, s) in table:
        mu, sd = table[(t, s)]  # type: ignore[index]
        return -mu, sd
    if s is not None and s == t:
        return 0.0, length_sd_unknown(cal)
    return None


def _logit(p: float) -> float:
    p = min(max(p, 1e-5), 1 - 1e-5)
    return float(np.log(p / (1 - p)))


def bead_features(mode: str, bead: Bead, evidence: tuple[float, ...] | None, n: int, m: int,
                  anchors: int = 0, k: int = 4) -> tuple[float, ...]:
    """What the bead calibration reads, per mode and kind (see CalibrationConfig.beads).

    Parallel: the bead's centred cosine (a gap: its sentence's best in the
    window), the k-NN level of its sentences, and the share of the longer side
    on the anchor chain (low where sections moved, so the monotone DP is often
    wrong), and for pairs that share and the cosine again for merged beads,
    and how far the bead's lengths stray from the document's ratio (the
    evidence's fourth value): the encoder cannot tell a 1-1 part of a true
    merge from the merge, lengths can;
    for a gap, also how far its sentence's best match in the whole other
    document (the evidence's third value) beats its best in the window: where
    articles moved, the monotone DP leaves sentences whose partners sit
    elsewhere as gaps, and the window cannot show it. (The same value for
    pairs, how far the bead falls below its sentences' bests, left the pair
    fit as calibrated as before and moved the split test: docs/results.md.)
    comparable: the logit of its mined confidence. Both: whether the
    bead merges sentences, and 1 / the shorter side, since small documents
    shift every similarity. The k-NN level counts missing neighbours (a side
    shorter than ``k``) as unrelated, 0 on the centred scale: in a one-line
    document the only neighbour is the partner itself.
    """
    inv = 1.0 / max(min(n, m), 1)
    merged = float(len(bead.src) + len(bead.tgt) > 2)
    if mode == "parallel" and evidence is not None:
        sim, level = evidence[0], evidence[1]
        level *= min(k, n, m) / k
        share = anchors / max(n, m, 1)
        if bead.is_gap:
            # a sentence matching something outside the band far better than inside it moved
            return (sim, level, inv, share, max(0.0, evidence[2] - sim))
        # merges are right where the DP follows a translation (high anchor share) and wrong where it
        # glues a sentence whose partner is missing to a neighbour's bead; lengths tell the two
        # apart without the encoder (evidence[3])
        return (sim, level, merged, inv, share, merged * share, merged * sim, evidence[3])
    if bead.is_gap:
        return (_logit(1.0 - bead.score), inv)
    return (_logit(bead.score), merged, inv)


class BeadScorer:
    """The fitted probability that a bead is correct, for one mode and document pair.

    Shared by :func:`calibrate_beads` and the parallel mode's split test, so a
    bead the DP chose and the parts it could be split into are judged on the
    same scale as the scores users see. Plain floats, not numpy: it is called
    once or twice per sentence, where numpy's per-call cost was most of a warm
    corpus run's split test.
    """

    def __init__(self, mode: str, n: int, m: int, cal: CalibrationConfig, anchors: int = 0, k: int = 4):
        self.mode, self.n, self.m, self.anchors, self.k = mode, n, m, anchors, k
        self.fits = {f.kind: tuple(float(w) for w in f.weights) for f in cal.beads if f.mode == mode}

    @staticmethod
    def _logistic(w: tuple[float, ...], x: tuple[float, ...]) -> float:
        z = w[0] + math.fsum(a * b for a, b in zip(w[1:], x))
        return 1.0 / (1.0 + math.exp(-min(50.0, max(-50.0, z))))

    def lone(self, evidence: tuple[float, float]) -> float | None:
        """P(a sentence has no counterpart) from :func:`lone_evidence`; None without a "lone" fit."""
        w = self.fits.get("lone")
        if w is None:
            return None
        return self._logistic(w, lone_features(evidence, self.n, self.m, self.anchors, self.k))

    def has_fit(self, bead: Bead) -> bool:
        return ("gap" if bead.is_gap else "pair") in self.fits

    def __call__(self, bead: Bead, evidence: tuple[float, ...] | None) -> float:
        """Rounded to 4 decimals, and never exactly 0: a 4-decimal 0.0 reads as "no chance",
        and --accept-above 0 would skip it. A bead without a fit keeps its score."""
        w = self.fits.get("gap" if bead.is_gap else "pair")
        if w is None:
            return bead.score
        x = bead_features(self.mode, bead, evidence, self.n, self.m, self.anchors, self.k)
        return max(round(self._logistic(w, tuple(float(v) for v in x)), 4), 1e-4)


def lone_evidence(sims: np.ndarray, k: int = 4) -> tuple[float, float]:
    """(best, k-NN level) of one sentence's centred cosines to the whole other document."""
    if sims.size == 0:
        return 0.0, 0.0
    top = np.sort(sims)[::-1][:k]
    return float(top[0]), float(top.mean())


def lone_features(evidence: tuple[float, float], n: int, m: int, anchors: int, k: int = 4) -> tuple[float, ...]:
    """What the "lone" fit reads: a sentence's best match anywhere in the other document, its
    k-NN level there (short sides counted as in :func:`bead_features`), 1 / the shorter side and
    the anchor share. Fitted on every sentence of the grid's documents, not only on gaps the DP
    chose, so it can judge a sentence that has a partner."""
    best, level = evidence
    return (best, level * min(k, n, m) / k, 1.0 / max(min(n, m), 1), anchors / max(n, m, 1))


def calibrate_beads(mode: str, beads: list[Bead], evidence: tuple[tuple[float, ...], ...] | None,
                    n: int, m: int, cal: CalibrationConfig, anchors: int = 0, k: int = 4) -> list[Bead]:
    """Every bead's score as the fitted probability that it is correct (a gap: that the
    sentence truly has no counterpart); beads of a (mode, kind) without a fit keep their score."""
    scorer = BeadScorer(mode, n, m, cal, anchors, k)
    if not scorer.fits:
        return beads
    return [Bead(b.src, b.tgt, scorer(b, evidence[i] if evidence else None)) if scorer.has_fit(b) else b
            for i, b in enumerate(beads)]
