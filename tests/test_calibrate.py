from __future__ import annotations

import numpy as np

from aligner.align.calibrate import confidence
from aligner.align.config import Calibration, CalibrationConfig


def test_confidence_is_a_probability_and_rises_with_margin() -> None:
    margins = np.linspace(0.9, 1.3, 41)
    c = confidence(margins, np.full_like(margins, 0.85))
    assert np.all((c >= 0) & (c <= 1))
    assert np.all(np.diff(c) >= 0)
    assert c[0] < 0.1 and c[-1] > 0.9


def test_zero_vectors_get_zero_confidence() -> None:
    assert confidence(np.array([0.0]), np.array([0.0]))[0] == 0.0
    assert confidence(np.array([1.2]), np.array([0.0]))[0] == 0.0


def test_calibration_is_explicit_and_replaceable() -> None:
    flat = Calibration(bias=0.0, w_margin=0.0, w_cos=0.0)
    assert np.allclose(confidence(np.array([1.1, 1.3]), calibration=flat), 0.5)
    assert CalibrationConfig().margin_fit.w_margin > 0


def test_length_statistics_are_found_whatever_the_code_spelling() -> None:
    from aligner.align.calibrate import length_log_ratio

    cal = CalibrationConfig()
    stats = length_log_ratio(cal, "tl", "en")
    assert stats is not None
    mu, sd = stats
    assert length_log_ratio(cal, "tgl_Latn", "en-US") == (mu, sd)
    assert length_log_ratio(cal, "en", "tl") == (-mu, sd)  # the other direction flips the mean
    assert length_log_ratio(cal, "de", "fr") is None
    assert (length_log_ratio(cal, "de", "de") or (None,))[0] == 0.0
