"""Map alignment scores to confidences in [0, 1] that mean the same everywhere.

A raw ratio margin is not comparable across language pairs (Nepali vectors sit
closer together than Tagalog ones) nor across modes, so every score a user or
the TMX writer sees goes through :func:`confidence`: a logistic model fitted on
on-topic scenarios where the sentences present in one version only are
neighbours of aligned ones (``scripts/calibrate.py`` rebuilds the fit and
prints its reliability table). A confidence of 0.8 should be right about 80%
of the time whatever the pair.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# Similarity of a sentence to unrelated on-topic sentences with e5-small; used to
# pad the k-NN neighbourhood of short documents so that a one-sentence side does
# not make every margin exactly 1.
BACKGROUND_SIM = 0.80


@dataclass(frozen=True)
class Calibration:
    """Logistic weights over (margin - 1) and cosine; fitted by scripts/calibrate.py."""

    bias: float
    w_margin: float
    w_cos: float


# Fitted by scripts/calibrate.py on TICO-19 / FLORES on-topic drop scenarios (6,280 mined pairs).
DEFAULT = Calibration(bias=-3.54, w_margin=177.69, w_cos=0.0)


def confidence(
    margin: np.ndarray, cos: np.ndarray | None = None, *, calibration: Calibration = DEFAULT
) -> np.ndarray:
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


# Mean and standard deviation of log(target chars / source chars) over the
# true FLORES dev pairs (992), by language pair (scripts/calibrate.py --lengths).
LENGTH_LOG_RATIO: dict[tuple[str, str], tuple[float, float]] = {
    ("tl", "en"): (-0.227, 0.127),
    ("ne", "en"): (0.037, 0.143),
    ("tl", "ne"): (-0.264, 0.158),
}
# No FLORES dev true pair lies further than 6 standard deviations from its pair's mean
# (the furthest is 5.5, tl-en); a sentence paired with a heading lies 7-12 away.
LENGTH_Z = 6.0
LENGTH_SD_UNKNOWN = max(sd for _, sd in LENGTH_LOG_RATIO.values())


_LANG_ALIASES = {"tgl": "tl", "fil": "tl", "npi": "ne", "nep": "ne", "eng": "en"}


def _lang(code: str | None) -> str | None:
    """"en-US", "tgl_Latn", "NE" -> the two-letter code the table uses."""
    if code is None:
        return None
    base = code.replace("_", "-").split("-")[0].lower()
    return _LANG_ALIASES.get(base, base)


def length_log_ratio(src_lang: str | None, tgt_lang: str | None) -> tuple[float, float] | None:
    """(mean, sd) of the log length ratio for this pair in either direction, None if unmeasured."""
    src_lang, tgt_lang = _lang(src_lang), _lang(tgt_lang)
    if (src_lang, tgt_lang) in LENGTH_LOG_RATIO:
        return LENGTH_LOG_RATIO[(src_lang, tgt_lang)]  # type: ignore[index]
    if (tgt_lang, src_lang) in LENGTH_LOG_RATIO:
        mu, sd = LENGTH_LOG_RATIO[(tgt_lang, src_lang)]  # type: ignore[index]
        return -mu, sd
    if src_lang is not None and src_lang == tgt_lang:
        return 0.0, LENGTH_SD_UNKNOWN
    return None
