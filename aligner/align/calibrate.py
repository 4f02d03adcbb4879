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


def bead_features(mode: str, bead: Bead, evidence: tuple[float, float] | None, n: int, m: int,
                  anchors: int = 0, k: int = 4) -> tuple[float, ...]:
    """What the bead calibration reads, per mode and kind (see CalibrationConfig.beads).

    Parallel: the bead's centred cosine (a gap: its sentence's best in the
    window), the k-NN level of its sentences, and the share of the longer side
    on the anchor chain (low where sections moved, so the monotone DP is often
    wrong), and for pairs that share and the cosine again for merged beads;
    comparable: the logit of its mined confidence. Both: whether the
    bead merges sentences, and 1 / the shorter side, since small documents
    shift every similarity. The k-NN level counts missing neighbours (a side
    shorter than ``k``) as unrelated, 0 on the centred scale: in a one-line
    document the only neighbour is the partner itself.
    """
    inv = 1.0 / max(min(n, m), 1)
    merged = float(len(bead.src) + len(bead.tgt) > 2)
    if mode == "parallel" and evidence is not None:
        sim, level = evidence
        level *= min(k, n, m) / k
        share = anchors / max(n, m, 1)
        if bead.is_gap:
            return (sim, level, inv, share)
        # merges are right where the DP follows a translation (high anchor share) and wrong where it
        # glues a sentence whose partner is missing to a neighbour's bead
        return (sim, level, merged, inv, share, merged * share, merged * sim)
    if bead.is_gap:
        return (_logit(1.0 - bead.score), inv)
    return (_logit(bead.score), merged, inv)


def calibrate_beads(mode: str, beads: list[Bead], evidence: tuple[tuple[float, float], ...] | None,
                    n: int, m: int, cal: CalibrationConfig, anchors: int = 0, k: int = 4) -> list[Bead]:
    """Every bead's score as the fitted probability that it is correct (a gap: that the
    sentence truly has no counterpart); beads of a (mode, kind) without a fit keep their score."""
    fits = {(f.mode, f.kind): np.asarray(f.weights) for f in cal.beads if f.mode == mode}
    if not fits:
        return beads
    out = []
    for i, b in enumerate(beads):
        w = fits.get((mode, "gap" if b.is_gap else "pair"))
        if w is None:
            out.append(b)
            continue
        x = bead_features(mode, b, evidence[i] if evidence else None, n, m, anchors, k)
        z = float(w[0] + np.dot(w[1:], x))
        # never exactly 0: a 4-decimal 0.0 reads as "no chance", and --accept-above 0 would skip it
        out.append(Bead(b.src, b.tgt, max(round(1.0 / (1.0 + np.exp(-np.clip(z, -50.0, 50.0))), 4), 1e-4)))
    return out
