"""Fit the confidence model of aligner/align/calibrate.py on on-topic scenarios.

Synthetic comparable text with random unrelated sentences is too easy: in real
documents the sentences found in one version only are on-topic neighbours of
aligned ones. So the scenarios here drop *runs* of consecutive sentences from
each side of TICO-19 (COVID-19 documents, sequential lines) and of FLORES dev
articles, and add on-topic filler from the neighbouring lines. Every mutual
best pair mined is labelled right or wrong; a logistic model over the ratio
margin is fitted across all pairs of languages together so a confidence
means the same for each. Raw cosine is left out (weight 0): its level differs
by language pair (tl-ne pairs sit higher than tl-en ones), and with it the
fit was over-confident on tl-ne and under-confident on ne-en. Prints the coefficients and a reliability
table per language pair (predicted confidence vs observed precision).

    python scripts/calibrate.py            # fit and print
    python scripts/calibrate.py --lengths  # length-ratio statistics for the length guard
    python scripts/calibrate.py --length-penalty  # margin a misfit length costs (LENGTH_RANK_PENALTY)
    python scripts/calibrate.py --evidence  # what shared numbers/names add beside the margin in translated text
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from aligner.align.calibrate import confidence, length_log_ratio  # noqa: E402
from aligner.align.comparable import mine  # noqa: E402
from aligner.align.config import DEFAULT_CONFIG, Calibration  # noqa: E402
from corpus_embed import embed_lines  # noqa: E402
from evaldata import TICO_FIT_ROWS, flores_lines, good_rows, tico_lines  # noqa: E402
from scenarios import PAIRS  # noqa: E402

LANGS = ("en", "tl", "ne")


def drop_runs(n: int, frac: float, rng: np.random.Generator) -> np.ndarray:
    """Keep-mask with runs of 1-4 consecutive sentences dropped until about frac is gone."""
    keep = np.ones(n, dtype=bool)
    while (~keep).mean() < frac:
        start = int(rng.integers(0, n))
        keep[start : start + int(rng.integers(1, 5))] = False
    return keep


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float = 1e-3, iters: int = 50) -> np.ndarray:
    """Newton-Raphson for [bias, weights...]; tiny L2 keeps separable data finite."""
    X = np.hstack([np.ones((len(x), 1)), x])
    w = np.zeros(X.shape[1])
    for _ in range(iters):
        p = 1.0 / (1.0 + np.exp(-np.clip(X @ w, -50, 50)))
        g = X.T @ (p - y) + l2 * w
        h = (X * (p * (1 - p))[:, None]).T @ X + l2 * np.eye(len(w))
        w -= np.linalg.solve(h, g)
    return w


def collect(seed: int = 0) -> dict[tuple[str, str], tuple[np.ndarray, np.ndarray]]:
    """Features (margin - 1, cos) and labels of the mutual best pairs of every drop scenario, by pair."""
    parts: dict[tuple[str, str], tuple[list[np.ndarray], list[np.ndarray]]] = {}
    for pair, _, _, si, ti, cand in _drop_candidates(seed):
        mut = np.flatnonzero(cand.mutual)
        xs, ys = parts.setdefault(pair, ([], []))
        xs.append(np.stack([cand.margin[mut] - 1.0, cand.cos[mut]], axis=1))
        ys.append((si[cand.i[mut]] == ti[cand.j[mut]]).astype(np.float64))
    return {pair: (np.vstack(xs), np.concatenate(ys)) for pair, (xs, ys) in parts.items()}


def length_stats() -> None:
    """Mean and sd of log(target chars / source chars) over true FLORES dev pairs (LENGTH_LOG_RATIO),
    and how far in sd the furthest pair lies (LENGTH_Z must exceed it)."""
    text = {lang: flores_lines(lang) for lang in LANGS}
    rows = good_rows(len(text["en"]))
    for s, t in PAIRS:
        lr = np.log(np.array([len(text[t][k]) / len(text[s][k]) for k in rows]))
        z = np.abs(lr - lr.mean()) / lr.std()
        print(f"{s}-{t}: pairs {len(rows)}  mean {lr.mean():.3f}  sd {lr.std():.3f}  furthest {z.max():.1f} sd")


def _drop_candidates(seed: int = 0):
    """Every drop scenario: runs of 1-4 lines dropped from each side of a TICO-19 or FLORES chunk.

    Yields ((src, tgt) languages, kept source texts, kept target texts, their
    row ids (equal ids = a true pair), the mined candidates).
    """
    rng = np.random.default_rng(seed)
    tico = {l: tico_lines(l)[: TICO_FIT_ROWS.stop] for l in LANGS}
    flores = {l: flores_lines(l) for l in LANGS}
    good = np.array(good_rows(len(flores["en"])))
    for s, t in PAIRS:
        for text, rows, step in ((tico, np.array(TICO_FIT_ROWS), 200), (flores, good, 250)):
            sv, tv = embed_lines(text[s]), embed_lines(text[t])
            for frac in (0.2, 0.4, 0.65):
                for chunk in range(0, len(rows), step):
                    part = rows[chunk : chunk + step]
                    si = part[drop_runs(len(part), frac, rng)]
                    ti = part[drop_runs(len(part), frac, rng)]
                    cand, _, _ = mine(sv[si], tv[ti], DEFAULT_CONFIG)
                    yield (s, t), [text[s][k] for k in si], [text[t][k] for k in ti], si, ti, cand


def _margin_worth(xs: list[np.ndarray], ys: list[np.ndarray], names: list[str]) -> None:
    """Fit a logistic over (margin - 1, features...) and print each feature's worth in margin."""
    x, y = np.vstack(xs), np.concatenate(ys)
    w = fit_logistic(x, y)
    print(f"candidates: {len(y)}  true: {int(y.sum())}  weights: " + " ".join(
        f"{n} {v:.3f}" for n, v in zip(["bias", "margin"] + names, w)))
    for n, v in zip(names, w[2:]):
        print(f"margin worth of one unit of {n}: {v / w[1]:+.4f}")


def length_penalty() -> None:
    """What a length beyond LENGTH_RANK_Z0 sd is worth in margin, from the same drop scenarios.

    A logistic model over (margin - 1, excess sd) on every candidate with margin
    > 0.99 (not only mutual pairs: the penalty decides between rivals); the
    ratio of the two weights is the margin one sd of excess is worth.
    """
    from aligner.align.comparable import _length_z, _log_length_ratio

    xs, ys = [], []
    z0 = DEFAULT_CONFIG.comparable.length_rank_z0
    for (s, t), src, tgt, si, ti, cand in _drop_candidates():
        z = _length_z(_log_length_ratio(src, tgt, cand.i, cand.j), length_log_ratio(DEFAULT_CONFIG.calibration, s, t))
        assert cand.margin is not None and z is not None  # mine() fills both for every candidate set
        live = cand.margin > 0.99
        excess = np.maximum(np.abs(z[live]) - z0, 0.0)
        xs.append(np.stack([cand.margin[live] - 1.0, excess], axis=1))
        ys.append((si[cand.i[live]] == ti[cand.j[live]]).astype(np.float64))
    _margin_worth(xs, ys, ["excess sd"])


def evidence_worth() -> None:
    """What shared numbers and names are worth beside the margin in documents that share translated text.

    The same drop scenarios (translations with on-topic neighbours): every
    candidate the evidence could lift (vector confidence >= EVIDENCE_FLOOR),
    features as comparable mode counts them (at most two of each).
    """
    from aligner.align import evidence as ev

    xs, ys = [], []
    for _, src, tgt, si, ti, cand in _drop_candidates():
        ec = DEFAULT_CONFIG.evidence
        live = np.flatnonzero((cand.vector_conf >= ec.floor) & (cand.cos > 0))
        sf, tf = ev.facts(src, ec), ev.facts(tgt, ec)
        nums = [ev.shared_numbers(sf, tf, int(cand.i[p]), int(cand.j[p])) for p in live]
        names = [ev.shared_name_units(sf, tf, int(cand.i[p]), int(cand.j[p]), ec) for p in live]
        xs.append(np.stack([cand.margin[live] - 1.0, np.minimum(nums, 2), np.minimum(names, 2)], axis=1))
        ys.append((si[cand.i[live]] == ti[cand.j[live]]).astype(np.float64))
    _margin_worth(xs, ys, ["shared numbers", "shared names"])


def main() -> int:
    if "--lengths" in sys.argv:
        length_stats()
        return 0
    if "--length-penalty" in sys.argv:
        length_penalty()
        return 0
    if "--evidence" in sys.argv:
        evidence_worth()
        return 0
    data = collect()
    x = np.vstack([d[0] for d in data.values()])
    y = np.concatenate([d[1] for d in data.values()])
    w = fit_logistic(x[:, :1], y)
    cal = Calibration(bias=round(float(w[0]), 2), w_margin=round(float(w[1]), 2), w_cos=0.0)
    print(f"pairs mined: {len(y)}  true: {int(y.sum())}  false: {int(len(y) - y.sum())}")
    print(f"fitted: {cal}")
    bins = [0.0, 0.2, 0.5, 0.7, 0.9, 0.97, 1.0001]
    print(f"{'pair':6} {'bin':>11} {'n':>5} {'mean conf':>9} {'precision':>9}")
    for (s, t), (xp, yp) in data.items():
        c = confidence(xp[:, 0] + 1.0, xp[:, 1], calibration=cal)
        for lo, hi in zip(bins, bins[1:]):
            sel = (c >= lo) & (c < hi)
            if sel.any():
                print(f"{s}-{t:3} {lo:5.2f}-{min(hi, 1):4.2f} {int(sel.sum()):5d} {c[sel].mean():9.3f} {yp[sel].mean():9.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
