"""Two-pass parallel alignment (after Liu & Zhu 2022, Bertalign), banded.

Pass 1 keeps the top-k target candidates of every source sentence and picks
the heaviest monotone chain of 1-1 pairs among them: the anchor path.
Pass 2 runs an m-n bead DP (1-0 and 0-1 included, with a real cost) only in a
window around that path. Multi-sentence bead vectors are normalised sums of
sentence vectors, read off cumulative sums, so nothing is embedded up front;
the few multi-sentence beads the DP picks are then embedded for real and the
DP re-run with their true scores.

Memory and time are linear in document length: similarities are computed in
row chunks inside a band, and for long documents the band itself comes from a
sampled mutual-best skeleton rather than a full n x m search.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from aligner.align.calibrate import BeadScorer, lone_evidence
from aligner.align.config import CalibrationConfig, ParallelConfig, ScoreParams
from aligner.align.kernels import bead_dp, fenwick_chain, length_deviation
from aligner.align.scoring import center, confidence, count_tokens, length_ratio, side_means
from aligner.types import Bead

CHUNK = 512  # rows per matrix product (memory, not quality)


def bead_shapes(max_bead: int) -> tuple[np.ndarray, np.ndarray]:
    shapes = [(1, 0), (0, 1)]
    for a in range(1, max_bead + 1):
        for b in range(1, max_bead + 1):
            if a + b <= max_bead + 1:
                shapes.append((a, b))
    arr = np.array(shapes, dtype=np.int64)
    return arr[:, 0].copy(), arr[:, 1].copy()


# ---------------------------------------------------------------- helpers


def _cumsum(vecs: np.ndarray) -> np.ndarray:
    cs = np.zeros((vecs.shape[0] + 1, vecs.shape[1]), dtype=np.float64)
    np.cumsum(vecs, axis=0, dtype=np.float64, out=cs[1:])
    return cs


def _window_norms(cs: np.ndarray, max_bead: int) -> np.ndarray:
    """norms[a-1, i] = |sum of rows i-a .. i-1|, zero where undefined."""
    n1 = cs.shape[0]
    out = np.zeros((max_bead, n1), dtype=np.float64)
    for a in range(1, max_bead + 1):
        if a < n1:
            diff = cs[a:] - cs[:-a]
            out[a - 1, a:] = np.sqrt(np.einsum("ij,ij->i", diff, diff))
    return out


def _band_topk(src: np.ndarray, tgt: np.ndarray, lo: np.ndarray, hi: np.ndarray, k: int):
    """Top-k target columns of each source row, searched only in [lo[i], hi[i])."""
    n = src.shape[0]
    rows, cols, sims = [], [], []
    for start in range(0, n, CHUNK):
        stop = min(n, start + CHUNK)
        c0 = int(lo[start:stop].min())
        c1 = int(hi[start:stop].max())
        if c1 <= c0:
            continue
        block = src[start:stop] @ tgt[c0:c1].T
        colidx = np.arange(c0, c1)
        mask = (colidx[None, :] < lo[start:stop, None]) | (colidx[None, :] >= hi[start:stop, None])
        block[mask] = -np.inf
        kk = min(k, c1 - c0)
        part = np.argpartition(-block, kk - 1, axis=1)[:, :kk]
        for r in range(stop - start):
            for c in sorted(part[r].tolist()):
                v = block[r, c]
                if np.isfinite(v):
                    rows.append(start + r)
                    cols.append(c0 + c)
                    sims.append(float(v))
    return np.array(rows, dtype=np.int64), np.array(cols, dtype=np.int64), np.array(sims, dtype=np.float64)


def _knn_mean(src, tgt, lo, hi, k) -> tuple[np.ndarray, np.ndarray]:
    """Per source row: the mean of its k best similarities in its band (the margin's
    neighbourhood level) and the best one (0 for a row with no candidate).

    The best feeds the bead calibration: a bead the monotone DP chose whose sentences match
    something else far better is usually wrong (articles moved), which the bead's own cosine
    does not show, and a DP gap whose sentence matches something outside the DP's window is not
    a gap. For documents up to ``ParallelConfig.full_search_cells`` the band is the whole other
    document, so this is the best anywhere; above it, the best in the mutual-best skeleton's
    band, where a partner moved further away goes unseen.
    """
    n = src.shape[0]
    rows, _, sims = _band_topk(src, tgt, lo, hi, k)
    tot = np.bincount(rows, weights=sims, minlength=n)
    cnt = np.maximum(np.bincount(rows, minlength=n), 1)
    best = np.full(n, -np.inf)
    np.maximum.at(best, rows, sims)
    return tot / cnt, np.where(np.isfinite(best), best, 0.0)


def mutual_best(src: np.ndarray, tgt: np.ndarray, sample: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mutual nearest neighbours for the sampled source rows, searched over whole documents.

    Linear in document length for a fixed sample size; used for the skeleton of
    long documents and for the signals ``auto`` mode reads.
    """
    if src.shape[0] == 0 or tgt.shape[0] == 0 or sample.size == 0:
        e = np.zeros(0, dtype=np.int64)
        return e, e, np.zeros(0)
    fwd = np.empty(sample.size, dtype=np.int64)
    fsim = np.empty(sample.size)
    for start in range(0, sample.size, CHUNK):
        block = src[sample[start:start + CHUNK]] @ tgt.T
        fwd[start:start + CHUNK] = np.argmax(block, axis=1)
        fsim[start:start + CHUNK] = block[np.arange(block.shape[0]), fwd[start:start + CHUNK]]
    uniq = np.unique(fwd)
    back = {}
    for start in range(0, uniq.size, CHUNK):
        cols = uniq[start:start + CHUNK]
        block = tgt[cols] @ src.T
        for c, r in zip(cols.tolist(), np.argmax(block, axis=1).tolist()):
            back[c] = r
    keep = np.array([back[int(j)] == int(i) for i, j in zip(sample, fwd)], dtype=bool)
    return sample[keep], fwd[keep], fsim[keep]


def _skeleton_band(src: np.ndarray, tgt: np.ndarray, floor: float, samples: int) -> tuple[np.ndarray, np.ndarray]:
    n, m = src.shape[0], tgt.shape[0]
    step = max(1, -(-n // samples))
    sample = np.arange(0, n, step, dtype=np.int64)
    ri, cj, sims = mutual_best(src, tgt, sample)
    ok = sims >= floor
    ri, cj, sims = ri[ok], cj[ok], sims[ok]
    chain = fenwick_chain(ri, cj, sims - floor + 1e-6, m)
    radius = 4 * step + 20
    return _band_from_anchors(ri[chain], cj[chain], n, m, radius, exclusive_hi=True)


def _band_from_anchors(ai: np.ndarray, aj: np.ndarray, n: int, m: int, win: int,
                       exclusive_hi: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Per boundary row i (0..n): columns between the anchors around it, widened by ``win``."""
    rows = np.arange(n + 1)
    if ai.size == 0:
        lo = np.zeros(n + 1, dtype=np.int64)
        hi = np.full(n + 1, m, dtype=np.int64)
    else:
        # previous anchor with ai < i; next anchor with ai >= i
        p = np.searchsorted(ai, rows, side="left") - 1
        lower = np.where(p >= 0, aj[np.clip(p, 0, None)] + 1, 0)
        q = np.searchsorted(ai, rows, side="left")
        upper = np.where(q < ai.size, aj[np.clip(q, None, ai.size - 1)], m)
        lo = np.clip(np.minimum(lower, upper) - win, 0, m).astype(np.int64)
        hi = np.clip(np.maximum(lower, upper) + win, 0, m).astype(np.int64)
    lo = np.minimum.accumulate(lo[::-1])[::-1]  # keep both edges monotone
    hi = np.maximum.accumulate(hi)
    lo[0] = 0
    hi[n] = m
    if exclusive_hi:  # a band over sentence rows, for top-k search
        return lo[:n], np.maximum(hi[1:], lo[:n] + 1)
    return lo, hi


# Per bead: the centred cosine of the bead (a gap: its sentence's best match in the window); the
# mean k-NN level of its sentences; the best centred cosine any of its sentences reaches anywhere
# in the other document (see _knn_mean); and how far the bead's lengths are from the document's
# ratio, |log| as the DP weighs it (a gap: 0): a true merge's parts are each too short for the
# partner, a sentence glued to a neighbour's bead makes the bead too long.
Evidence = tuple[float, float, float, float]


@dataclass(frozen=True)
class BlockResult:
    beads: list[Bead]
    tokens_embedded: int
    anchors: int
    # per bead, the raw evidence the bead calibration reads (see Evidence)
    evidence: tuple[Evidence, ...] = ()
    calibrated: bool = False  # scores are already the calibration's probabilities (the split test ran)


def align_block(src_vecs: np.ndarray, tgt_vecs: np.ndarray, src_texts: Sequence[str],
                tgt_texts: Sequence[str], *, config: ParallelConfig = ParallelConfig(),
                embed: Callable[[list[str]], np.ndarray] | None = None,
                src_mean: np.ndarray | None = None, tgt_mean: np.ndarray | None = None,
                calibration: CalibrationConfig | None = None) -> BlockResult:
    """Monotone alignment of one block with gaps; indices are local to the block.

    Pass ``src_mean``/``tgt_mean`` (see ``scoring.side_mean``) of the whole
    documents when aligning a small block cut out of them, so scores stay on
    the document's scale. With ``calibration`` (and ``config.split``), pair
    beads are split where the calibrated parts expect more correct sentences.
    """
    opts = config
    n, m = len(src_texts), len(tgt_texts)
    if n == 0 or m == 0:
        beads = [Bead((i,), (), 1.0) for i in range(n)] + [Bead((), (j,), 1.0) for j in range(m)]
        return BlockResult(beads, 0, 0, tuple((0.0, 0.0, 0.0, 0.0) for _ in beads))
    sv = np.asarray(src_vecs, dtype=np.float32)
    tv = np.asarray(tgt_vecs, dtype=np.float32)
    if src_mean is None or tgt_mean is None:
        src_mean, tgt_mean = side_means(sv, tv, opts.score.min_rows_for_mean)
    src = center(sv, np.asarray(src_mean, dtype=np.float32))
    tgt = center(tv, np.asarray(tgt_mean, dtype=np.float32))
    sp = opts.score

    # pass 1: anchor path over top-k candidates
    full = n * m <= opts.full_search_cells
    if full:
        blo, bhi = np.zeros(n, dtype=np.int64), np.full(n, m, dtype=np.int64)
    else:
        blo, bhi = _skeleton_band(src, tgt, opts.anchor_floor, opts.skeleton_samples)
    rows, cols, sims = _band_topk(src, tgt, blo, bhi, opts.top_k)
    ok = sims >= opts.anchor_floor
    rows, cols, sims = rows[ok], cols[ok], sims[ok]
    chain = fenwick_chain(rows, cols, sims - opts.anchor_floor + 1e-6, m)
    ai, aj = rows[chain], cols[chain]

    # neighbourhood level of each sentence, for the margin: mean of its k best matches; and its
    # best match in the whole other document (in a band for long ones), for the calibration
    snull, tnull = np.zeros(n + 1), np.zeros(m + 1)
    tlo, thi = (np.zeros(m, dtype=np.int64), np.full(m, n, dtype=np.int64)) if full \
        else _skeleton_band(tgt, src, opts.anchor_floor, opts.skeleton_samples)
    s_level, s_best = _knn_mean(src, tgt, blo, bhi, sp.margin_k)
    t_level, t_best = _knn_mean(tgt, src, tlo, thi, sp.margin_k)
    if sp.margin:
        snull[1:] = np.cumsum(s_level)
        tnull[1:] = np.cumsum(t_level)

    # pass 2: m-n beads in a window around the anchors
    lo, hi = _band_from_anchors(ai, aj, n, m, opts.window)
    off = np.zeros(n + 2, dtype=np.int64)
    off[1:] = np.cumsum(hi - lo + 1)
    scs, tcs = _cumsum(src), _cumsum(tgt)
    snorm, tnorm = _window_norms(scs, opts.max_bead), _window_norms(tcs, opts.max_bead)
    slen = np.concatenate([[0.0], np.cumsum([len(t) for t in src_texts])]).astype(np.float64)
    tlen = np.concatenate([[0.0], np.cumsum([len(t) for t in tgt_texts])]).astype(np.float64)
    # chars per char: whole-document totals, unless few sentences anchor, when one
    # side has content the other lacks and only the anchors are known translations
    if ai.size and ai.size < 0.5 * max(n, m):
        ratio = length_ratio([src_texts[i] for i in ai.tolist()], [tgt_texts[j] for j in aj.tolist()])
    else:
        ratio = length_ratio(src_texts, tgt_texts)
    sa, sb = bead_shapes(opts.max_bead)

    def lendev(i0: int, i1: int, j0: int, j1: int) -> float:
        return float(length_deviation(slen, tlen, i0, i1, j0, j1, ratio, sp.len_smooth))

    def run(keys: np.ndarray, vals: np.ndarray) -> np.ndarray:
        return bead_dp(scs, tcs, snorm, tnorm, slen, tlen, lo, hi, off, sa, sb,
                        sp.gap_cost, sp.gap_penalty, sp.len_weight, sp.len_smooth, ratio, sp.merge_cost, sp.min_sim, keys, vals,
                        snull, tnull, sp.margin)

    shape_index = {(int(x), int(y)): k for k, (x, y) in enumerate(zip(sa, sb))}
    empty_k, empty_v = np.zeros(0, dtype=np.int64), np.zeros(0)
    path = run(empty_k, empty_v)
    tokens = 0
    over: dict[int, float] = {}
    if opts.refine and embed is not None:
        # a few rounds: embed the concatenations the DP chose, re-run with their true scores
        for _ in range(3):
            todo: list[tuple[int, int, int, int, int]] = []
            for (i0, i1, j0, j1) in _candidates(list(_walk(path, sa, sb)), opts.max_bead):
                s = shape_index[(i1 - i0, j1 - j0)]
                key = (i1 * (m + 1) + j1) * sa.size + s
                if key not in over and key not in [t[0] for t in todo]:
                    todo.append((key, i0, i1, j0, j1))
            if not todo:
                break
            stexts, ttexts = [], []
            for _, i0, i1, j0, j1 in todo:
                stexts.append(" ".join(src_texts[i0:i1]))
                ttexts.append(" ".join(tgt_texts[j0:j1]))
            need_s = [t for (_, i0, i1, _, _), t in zip(todo, stexts) if i1 - i0 > 1]
            need_t = [t for (_, _, _, j0, j1), t in zip(todo, ttexts) if j1 - j0 > 1]
            emb_s = _embed_rows(embed, need_s, src_mean)
            emb_t = _embed_rows(embed, need_t, tgt_mean)
            tokens += count_tokens(need_s) + count_tokens(need_t)
            ks = kt = 0
            for (key, i0, i1, j0, j1) in todo:
                if i1 - i0 > 1:
                    u = emb_s[ks]
                    ks += 1
                else:
                    u = src[i0]
                if j1 - j0 > 1:
                    w = emb_t[kt]
                    kt += 1
                else:
                    w = tgt[j0]
                over[key] = float(np.dot(u, w))
            keys = np.array(sorted(over), dtype=np.int64)
            vals = np.array([over[k] for k in keys.tolist()], dtype=np.float64)
            path = run(keys, vals)

    beads = []
    level = []
    for (i0, i1, j0, j1, s) in _walk(path, sa, sb):
        a, b = i1 - i0, j1 - j0
        if a and b:
            key = (i1 * (m + 1) + j1) * sa.size + s
            if key in over:
                sim = over[key]
            else:
                u = scs[i1] - scs[i0]
                w = tcs[j1] - tcs[j0]
                nn = float(np.linalg.norm(u) * np.linalg.norm(w))
                sim = float(np.dot(u, w) / nn) if nn > 0 else 0.0
            beads.append(Bead(tuple(range(i0, i1)), tuple(range(j0, j1)), round(confidence(sim, sp), 4)))
            level.append((sim, 0.5 * ((snull[i1] - snull[i0]) / a + (tnull[j1] - tnull[j0]) / b),
                          float(max(s_best[i0:i1].max(), t_best[j0:j1].max())), lendev(i0, i1, j0, j1)))
        else:
            beads.append(Bead(tuple(range(i0, i1)), tuple(range(j0, j1)), 0.0))
            level.append((0.0, float(snull[i1] - snull[i0] if a else tnull[j1] - tnull[j0]),
                          float(s_best[i0] if a else t_best[j0]), 0.0))
    beads, evidence = _gap_confidence(beads, level, src, tgt, lo, hi, sp)
    if opts.split and calibration is not None:
        scorer = BeadScorer("parallel", n, m, calibration, int(ai.size), sp.margin_k)
        beads, evidence = _split_unlikely(beads, evidence, scorer, src, tgt, lo, hi, snull, tnull, sp,
                                          opts.split_slack, opts.full_search_cells, s_best, t_best, lendev)
        return BlockResult(beads, tokens, int(ai.size), evidence, calibrated=True)
    return BlockResult(beads, tokens, int(ai.size), evidence)


def _embed_rows(embed, texts: list[str], mean: np.ndarray) -> np.ndarray:
    if not texts:
        return np.zeros((0, mean.shape[0]), dtype=np.float32)
    return center(np.asarray(embed(texts), dtype=np.float32), mean)


def _candidates(walk: list[tuple[int, int, int, int, int]], max_bead: int):
    """Beads worth a real embedding: the multi-sentence beads the DP chose.

    (Also embedding each pair grown by a neighbouring gap was tried: no gain on
    Text+Berg dev, a lower gap F1, 20% more tokens.)"""
    for i0, i1, j0, j1, _ in walk:
        a, b = i1 - i0, j1 - j0
        if a and b and a + b > 2:
            yield i0, i1, j0, j1


def _walk(path: np.ndarray, sa: np.ndarray, sb: np.ndarray):
    i = j = 0
    for s in path.tolist():
        a, b = int(sa[s]), int(sb[s])
        yield i, i + a, j, j + b, s
        i += a
        j += b


def _gap_best(src, tgt, lo, hi, i: int | None = None, j: int | None = None) -> tuple[float, int]:
    """A lone sentence's best centred cosine in the band, and where it is: how much it looks
    like it has a partner."""
    n = src.shape[0]
    if i is not None:
        c0, c1 = int(lo[i]), int(max(hi[min(i + 1, n)], lo[i] + 1))
        if c1 <= c0:
            return 0.0, -1
        sims = tgt[c0:c1] @ src[i]
        k = int(np.argmax(sims))
        return float(sims[k]), c0 + k
    assert j is not None
    rows = np.nonzero((lo <= j + 1) & (hi >= j))[0]
    rows = rows[rows < n]
    if not rows.size:
        return 0.0, -1
    sims = src[rows] @ tgt[j]
    k = int(np.argmax(sims))
    return float(sims[k]), int(rows[k])


def _gap_confidence(beads: list[Bead], level: list[Evidence], src, tgt, lo, hi,
                    sp: ScoreParams) -> tuple[list[Bead], tuple[Evidence, ...]]:
    """A gap is as sure as its sentence's best match in the window is poor."""
    out = []
    evidence = []
    for bead, (sim, lev, anywhere, lengths) in zip(beads, level):
        if bead.src and bead.tgt:
            out.append(bead)
            evidence.append((float(sim), float(lev), anywhere, lengths))
            continue
        best = (_gap_best(src, tgt, lo, hi, i=bead.src[0]) if bead.src else _gap_best(src, tgt, lo, hi, j=bead.tgt[0]))[0]
        out.append(Bead(bead.src, bead.tgt, round(1.0 - confidence(best, sp), 4)))
        evidence.append((best, float(lev), anywhere, 0.0))
    return out, tuple(evidence)


def _split_unlikely(beads: list[Bead], evidence: tuple[Evidence, ...], scorer: BeadScorer,
                    src, tgt, lo, hi, snull, tnull, sp: ScoreParams, slack: float, cells: int,
                    s_best: np.ndarray, t_best: np.ndarray, lendev: Callable[[int, int, int, int], float]
                    ) -> tuple[list[Bead], tuple[Evidence, ...]]:
    """Split a pair bead where its parts expect more sentences in correct beads.

    The DP's costs are not probabilities: two lone sentences are paired, or a
    sentence whose partner is missing is glued to a neighbour's bead, whenever
    that beats the flat gap penalty. The calibration knows better, so each pair
    bead is weighed as auto weighs modes (sentences x P(correct)) against all
    its sentences as gaps and, for a merged bead, against each of its 1-1 pairs
    with the rest as gaps, if that pair is more alike than the whole bead by
    ``slack``: a true merge shares more with its partner than any of its parts
    does, a glued sentence dilutes it (TICO merge and gaps cells; the bead
    calibration alone broke true merges, which it scores low). For the
    decision a sentence is lone with 1 - P(correct) of the 1-1 pair with its
    best match in the whole other document (within the band, a sentence whose
    partner moved away looked lone); a gap made here is scored by the "lone"
    fit (P(no counterpart) fitted on every sentence), which calibrates better
    but, used for the decision, split more true merges and pairs (TICO gaps
    gap F1 0.93-0.96 against 0.95-0.97). The pair fit is the one fitted on
    1-1 beads, where the gap fit only ever saw the gaps the DP chose, so it
    cannot judge a sentence that has a partner. That 1-1 pair with its best match
    is weighed without its lengths: the leftover of a true merge is too short for
    its best match, the merged partner, which says nothing about being lone (with
    them, FLORES ``merge`` had twice the false gaps). Every bead leaves with its
    calibrated score. Sub-beads of two or more
    sentences on a side are not tried: they would need new embeddings. ``s_best`` and
    ``t_best`` are every sentence's best match (:func:`_knn_mean`), the evidence's third value.
    """
    def pair_of(i: int, j: int, lengths: bool = True) -> tuple[Bead, Evidence, float]:
        sim = float(src[i] @ tgt[j])
        e = (sim, 0.5 * float(snull[i + 1] - snull[i] + tnull[j + 1] - tnull[j]),
             float(max(s_best[i], t_best[j])), lendev(i, i + 1, j, j + 1) if lengths else 0.0)
        p = scorer(Bead((i,), (j,), 0.0), e)
        return Bead((i,), (j,), p), e, p

    # against the whole other document: a sentence whose partner moved out of the band is not lone.
    # One matrix product for documents of a searchable size: a product per sentence woke the BLAS
    # threads 1,527 times in a corpus run (2 s under load).
    whole = src @ tgt.T if src.shape[0] * tgt.shape[0] <= cells else None
    s_at = whole.argmax(axis=1) if whole is not None else None
    t_at = whole.argmax(axis=0) if whole is not None else None

    def lone(i: int | None = None, j: int | None = None) -> tuple[Bead, float]:
        where: tuple[tuple[int, ...], tuple[int, ...]]
        if i is not None:
            sims = whole[i] if whole is not None else tgt @ src[i]
            at = int(s_at[i]) if s_at is not None else int(np.argmax(sims))
            q, where = 1.0 - pair_of(i, at, False)[2], ((i,), ())
        else:
            assert j is not None
            sims = whole[:, j] if whole is not None else src @ tgt[j]
            at = int(t_at[j]) if t_at is not None else int(np.argmax(sims))
            q, where = 1.0 - pair_of(at, j, False)[2], ((), (j,))
        told = scorer.lone(lone_evidence(sims, sp.margin_k))
        return Bead(where[0], where[1], max(round(q if told is None else told, 4), 1e-4)), q

    def gap_evidence(g: Bead) -> Evidence:
        """What _gap_confidence gives a DP gap, asked only of the gaps the split keeps."""
        if g.src:
            i = g.src[0]
            return _gap_best(src, tgt, lo, hi, i=i)[0], float(snull[i + 1] - snull[i]), float(s_best[i]), 0.0
        j = g.tgt[0]
        return _gap_best(src, tgt, lo, hi, j=j)[0], float(tnull[j + 1] - tnull[j]), float(t_best[j]), 0.0

    out: list[Bead] = []
    out_ev: list[Evidence] = []
    for bead, ev in zip(beads, evidence):
        p = scorer(bead, ev)
        if not (bead.src and bead.tgt):
            out.append(Bead(bead.src, bead.tgt, p))
            out_ev.append(ev)
            continue
        best_val = p * (len(bead.src) + len(bead.tgt))
        best: list[tuple[Bead, Evidence]] = [(Bead(bead.src, bead.tgt, p), ev)]
        if (p >= 0.5 and s_at is not None and t_at is not None and len(bead.src) == len(bead.tgt) == 1
                and s_at[bead.src[0]] == bead.tgt[0] and t_at[bead.tgt[0]] == bead.src[0]):
            # a mutual best pair: each sentence alone has 1 - p, so only p < 0.5 could split it
            out.append(best[0][0])
            out_ev.append(ev)
            continue
        alone = {("s", i): lone(i=i) for i in bead.src} | {("t", j): lone(j=j) for j in bead.tgt}
        if sum(q for _, q in alone.values()) > best_val:
            best_val = sum(q for _, q in alone.values())
            best = [(g, gap_evidence(g)) for g, _ in alone.values()]
        if len(bead.src) + len(bead.tgt) > 2:
            for i in bead.src:
                for j in bead.tgt:
                    pb, pe, p = pair_of(i, j)
                    if pe[0] <= ev[0] + slack:
                        continue  # the merge adds to what this pair shares: not a glued lone sentence
                    rest = [v for key, v in alone.items() if key not in (("s", i), ("t", j))]
                    val = 2 * p + sum(q for _, q in rest)
                    if val > best_val:
                        best_val = val
                        best = [(pb, pe)] + [(g, gap_evidence(g)) for g, _ in rest]
        for b, e in best:
            out.append(b)
            out_ev.append(e)
    return out, tuple(out_ev)
