"""Comparable mode: mine the sentence pairs that really are equivalent, leave the rest as gaps.

Comparable documents share only part of their content, possibly in another
order. A global monotone DP would drag every sentence into some bead, so this
mode works from the pairs themselves: ratio-margin mining over k neighbours in
both directions keeps mutual best pairs; the confident ones become anchors;
between two consecutive anchors whose text is locally parallel, the parallel
aligner's block DP finds the remaining (also many-to-one) beads; anything whose
calibrated confidence falls under the threshold stays unaligned. Anchors need
not be monotone, so moved sections survive.

Memory stays linear: similarities are computed a block of rows at a time and
only the top k per row are kept, never an n x m matrix.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

import numpy as np

from aligner.align import evidence as ev
from aligner.align.calibrate import confidence, length_log_ratio, length_sd_unknown
from aligner.align.config import DEFAULT_CONFIG, NO_SIGNALS, AlignConfig, Calibration, ComparableConfig, Signals
from aligner.align.kernels import top_k
from aligner.align.order import cover
from aligner.align.parallel import align_block
from aligner.align.scoring import side_mean
from aligner.types import Bead

EmbedFn = Callable[[list[str]], np.ndarray]


@dataclass(frozen=True)
class Neighbourhood:
    """Top-k similarities of every row of one side against the other side."""

    idx: np.ndarray  # (n, k) int64 indices into the other side
    sims: np.ndarray  # (n, k) float32 cosine, best first
    mean: np.ndarray  # (n,) float64 padded k-NN mean, the margin denominator


def knn(a: np.ndarray, b: np.ndarray, config: AlignConfig = DEFAULT_CONFIG) -> Neighbourhood:
    """Blockwise top-k of a against b; short sides are padded with the background similarity."""
    k, rows = config.comparable.k, config.comparable.block_rows
    n, m = a.shape[0], b.shape[0]
    kk = min(k, m)
    idx = np.zeros((n, kk), dtype=np.int64)
    sims = np.zeros((n, kk), dtype=np.float32)
    for lo in range(0, n, rows):
        blk = np.ascontiguousarray(a[lo : lo + rows] @ b.T, dtype=np.float32)
        if kk:
            idx[lo : lo + blk.shape[0]], sims[lo : lo + blk.shape[0]] = top_k(blk, kk)
    total = sims.astype(np.float64).sum(axis=1) + (k - kk) * config.calibration.background_sim
    return Neighbourhood(idx=idx, sims=sims, mean=total / k)


@dataclass(frozen=True)
class Candidates:
    """Distinct (i, j) pairs from either side's k-NN lists with their scores."""

    i: np.ndarray
    j: np.ndarray
    cos: np.ndarray
    margin: np.ndarray
    conf: np.ndarray
    mutual: np.ndarray  # bool: i's best j and j's best i agree
    vector_conf: np.ndarray  # confidence from the vectors alone, before any evidence
    facts: np.ndarray  # shared distinctive numbers + names (0 when evidence is off or not needed)
    loose: bool = False  # too few vector-sure pairs to show shared text (see _too_few_sure)
    length_z: np.ndarray | None = None  # log length ratio in sd from translations; None if unmeasured
    moved: np.ndarray | None = None  # bool: a sure pair out of its neighbours' order, which must not anchor


def ratio_margin(cos: np.ndarray, mean_src: np.ndarray, mean_tgt: np.ndarray) -> np.ndarray:
    denom = (np.asarray(mean_src) + np.asarray(mean_tgt)) / 2.0
    return np.where(denom > 0, np.asarray(cos, dtype=np.float64) / np.maximum(denom, 1e-9), 0.0)


def mine(
    src_vecs: np.ndarray, tgt_vecs: np.ndarray, config: AlignConfig = DEFAULT_CONFIG, *,
    src_texts: Sequence[str] | None = None, tgt_texts: Sequence[str] | None = None,
    signals: Signals = NO_SIGNALS, embed: EmbedFn | None = None,
    src_lang: str | None = None, tgt_lang: str | None = None,
) -> tuple[Candidates, Neighbourhood, Neighbourhood]:
    """Ratio-margin candidates in both directions, with mutual-best flags.

    With texts and signals, pairs sharing a distinctive number join the
    candidates and the evidence bonuses are added to the margin first.
    """
    cc, ec, fit = config.comparable, config.evidence, config.calibration.margin_fit
    fwd, bwd = knn(src_vecs, tgt_vecs, config), knn(tgt_vecs, src_vecs, config)
    n, m = src_vecs.shape[0], tgt_vecs.shape[0]
    ci = np.concatenate([np.repeat(np.arange(n), fwd.idx.shape[1]), bwd.idx.ravel()])
    cj = np.concatenate([fwd.idx.ravel(), np.repeat(np.arange(m), bwd.idx.shape[1])])
    use_text = src_texts is not None and tgt_texts is not None and signals != NO_SIGNALS
    st: Sequence[str] = src_texts if src_texts is not None else ()
    tt: Sequence[str] = tgt_texts if tgt_texts is not None else ()
    if use_text:
        sf, tf = ev.facts(st, ec), ev.facts(tt, ec)
        extra = ev.number_candidates(sf, tf) if signals.numbers else []
        if extra:
            ci = np.concatenate([ci, np.array([p[0] for p in extra])])
            cj = np.concatenate([cj, np.array([p[1] for p in extra])])
    key = np.unique(ci * max(m, 1) + cj)
    ci, cj = key // max(m, 1), key % max(m, 1)
    cos = np.einsum("ij,ij->i", src_vecs[ci], tgt_vecs[cj]).astype(np.float64)
    denom_s, denom_t = fwd.mean[ci], bwd.mean[cj]
    margin = ratio_margin(cos, denom_s, denom_t)
    z = None
    if src_texts is not None and tgt_texts is not None:
        lr = _log_length_ratio(src_texts, tgt_texts, ci, cj)
        z = _length_z(lr, length_log_ratio(config.calibration, src_lang, tgt_lang))
        # A pair whose lengths no translation shows (a sentence and a heading) is no candidate.
        margin = np.where(_length_fits(lr, margin, cos, src_lang, tgt_lang, config), margin, 0.0)
    vector_conf = confidence(margin, cos, calibration=fit)
    loose = _too_few_sure(_mutual(ci, cj, margin, cos, n, m), vector_conf, n, m, cc)
    nums = np.zeros(len(ci))
    nams = np.zeros(len(ci))
    if use_text and loose:
        # Evidence is for loose equivalents. Where the documents share translated
        # text the vectors already carry the shared numbers and names: fitted on
        # the calibration scenarios beside the margin, they are worth ~0 margin
        # (scripts/calibrate.py --evidence), and they lift on-topic neighbours.
        # Evidence may only lift pairs the vectors already relate a little.
        live = np.flatnonzero((cos > 0) & (vector_conf >= ec.floor))
        for p in live.tolist():
            i, j = int(ci[p]), int(cj[p])
            nums[p] = ev.shared_numbers(sf, tf, i, j) if signals.numbers else 0
            nams[p] = ev.shared_name_units(sf, tf, i, j, ec) if signals.names else 0
        if signals.clauses and embed is not None:
            # Only undecided pairs that are some sentence's best guess: clauses cost tokens.
            pos = np.arange(len(ci))
            guess = (_argbest(ci, margin, n)[ci] == pos) | (_argbest(cj, margin, m)[cj] == pos)
            todo = live[(confidence(margin[live], cos[live], calibration=fit) < cc.anchor_conf) & guess[live]]
            if cc.corroborate_loose:
                could = ev.corroborated(nums + nams, vector_conf, cc.corroborated_vector_conf)
                todo = todo[ev.clause_can_matter(ci, cj, could, n, m)[todo]]
            if len(todo):
                cm, _ = ev.clause_margin(st, tt, src_vecs, tgt_vecs, fwd.mean, bwd.mean,
                                         ci[todo], cj[todo], embed, lambda a, b: knn(a, b, config).mean, ec)
                margin[todo] = np.maximum(margin[todo], cm)
        margin = margin + ev.bonus(nums, nams, ec)
    conf = confidence(margin, cos, calibration=fit)
    mutual = _mutual(ci, cj, margin, cos, n, m, _length_excess(z, cc), cc.length_rank_penalty)
    return Candidates(ci, cj, cos, margin, conf, mutual, vector_conf, nums + nams, loose, z), fwd, bwd


def _length_excess(length_z: np.ndarray | None, cc: ComparableConfig) -> np.ndarray | None:
    """How many sd past ``length_rank_z0`` each candidate's length ratio lies (None: not used)."""
    if not cc.length_rank_penalty or length_z is None:
        return None
    return np.maximum(np.abs(length_z) - cc.length_rank_z0, 0.0)


def _mutual(
    ci: np.ndarray, cj: np.ndarray, margin: np.ndarray, cos: np.ndarray, n: int, m: int,
    excess: np.ndarray | None = None, penalty: float = 0.0,
) -> np.ndarray:
    """Whether each candidate is both its source's and its target's best partner
    (by margin, or by _best_fitting when length excesses are given)."""
    if excess is None:
        best_src, best_tgt = _argbest(ci, margin, n), _argbest(cj, margin, m)
    else:
        best_src = _best_fitting(ci, margin, excess, n, penalty)
        best_tgt = _best_fitting(cj, margin, excess, m, penalty)
    pos = np.arange(len(ci))
    return (best_src[ci] == pos) & (best_tgt[cj] == pos) & (cos > 0)


def _best_fitting(group: np.ndarray, margin: np.ndarray, excess: np.ndarray, size: int,
                  penalty: float) -> np.ndarray:
    """Each sentence's best partner, where length may overturn a near tie.

    If the best by margin has a length no translation shows (excess standard
    deviations beyond length_rank_z0), a rival whose length fits wins when it
    is within ``penalty`` margin per unit of that excess. Only a
    fitting rival may win: between two misfits length says nothing, and loose
    equivalents in real comparable text (one side adds a clause) are misfits.
    """
    best = _argbest(group, margin, size)
    fit = _argbest(group, np.where(excess == 0, margin, -np.inf), size)
    has = (best >= 0) & (fit >= 0)
    has[has] = excess[fit[has]] == 0
    b, f = best[has], fit[has]
    swap = (excess[b] > 0) & (margin[f] >= margin[b] - penalty * excess[b])
    out = best.copy()
    out[np.flatnonzero(has)[swap]] = f[swap]
    return out


def _log_length_ratio(
    src_texts: Sequence[str], tgt_texts: Sequence[str], ci: np.ndarray, cj: np.ndarray
) -> np.ndarray:
    """log(target chars / source chars) of each pair."""
    sl = np.array([max(len(src_texts[i]), 1) for i in ci.tolist()], dtype=np.float64)
    tl = np.array([max(len(tgt_texts[j]), 1) for j in cj.tolist()], dtype=np.float64)
    return np.log(tl / sl)


def _length_z(lr: np.ndarray, stats: tuple[float, float] | None) -> np.ndarray | None:
    """Each pair's log length ratio in standard deviations from this language pair's translations."""
    if stats is None:
        return None
    return (lr - stats[0]) / stats[1]


def _length_fits(
    lr: np.ndarray, margin: np.ndarray, cos: np.ndarray, src_lang: str | None, tgt_lang: str | None,
    config: AlignConfig,
) -> np.ndarray:
    """Whether each pair's log character-length ratio lies within ``length_z`` standard
    deviations of what translations of this language pair show (measured on FLORES).

    For an unmeasured pair the mean comes from the pairs the vectors are sure of,
    if there are enough of them; otherwise nothing is rejected.
    """
    cal = config.calibration
    stats = length_log_ratio(cal, src_lang, tgt_lang)
    if stats is None:
        sure = confidence(margin, cos, calibration=cal.margin_fit) >= config.comparable.anchor_conf
        if sure.sum() < 5:
            return np.ones(len(lr), dtype=bool)
        stats = (float(np.median(lr[sure])), length_sd_unknown(cal))
    mu, sd = stats
    return np.abs(lr - mu) <= cal.length_z * sd


def _argbest(group: np.ndarray, score: np.ndarray, size: int) -> np.ndarray:
    """Position of the highest score per group (ties: lowest position); -1 if none."""
    best = np.full(size, -1, dtype=np.int64)
    if len(group) == 0:
        return best
    order = np.lexsort((np.arange(len(group)), -score, group))
    first = np.ones(len(order), dtype=bool)
    first[1:] = group[order][1:] != group[order][:-1]
    best[group[order][first]] = order[first]
    return best


def _bead_conf(
    src: Sequence[int], tgt: Sequence[int], src_vecs: np.ndarray, tgt_vecs: np.ndarray,
    fwd: Neighbourhood, bwd: Neighbourhood, fit: Calibration,
) -> tuple[float, float]:
    """(cosine, confidence) of a bead from mean-pooled sentence vectors."""
    a = src_vecs[list(src)].sum(axis=0)
    b = tgt_vecs[list(tgt)].sum(axis=0)
    na, nb = float(np.linalg.norm(a)), float(np.linalg.norm(b))
    if na == 0 or nb == 0:
        return 0.0, 0.0
    cos = float(a @ b) / (na * nb)
    margin = ratio_margin(np.array([cos]), fwd.mean[list(src)].mean(), bwd.mean[list(tgt)].mean())
    return cos, float(confidence(margin, np.array([cos]), calibration=fit)[0])


def _anchor_stretches(anchors: list[tuple[int, int]], max_gap: int) -> list[tuple[int, int, int, int]]:
    """Half-open (i0, i1, j0, j1) stretches between consecutive anchors that look parallel."""
    out = []
    for (a_i, a_j), (b_i, b_j) in zip(anchors, anchors[1:]):
        di, dj = b_i - a_i - 1, b_j - a_j - 1
        if b_j > a_j and (di or dj) and max(di, dj) <= max_gap:
            out.append((a_i + 1, b_i, a_j + 1, b_j))
    return out


def align_comparable(
    src_texts: Sequence[str], tgt_texts: Sequence[str], src_vecs: np.ndarray, tgt_vecs: np.ndarray,
    *, config: AlignConfig = DEFAULT_CONFIG, embed: EmbedFn | None = None, src_lang: str | None = None,
    tgt_lang: str | None = None,
) -> list[Bead]:
    """Beads covering every sentence of both sides once, in source order; scores are confidences."""
    n, m = len(src_texts), len(tgt_texts)
    if n == 0 or m == 0:
        return cover([], n, m, np.ones(n), np.ones(m))
    cand, pairs = _kept_beads(src_texts, tgt_texts, src_vecs, tgt_vecs, config, embed=embed,
                              src_lang=src_lang, tgt_lang=tgt_lang)
    # A gap is as sure as the sentence's best candidate is poor.
    best_src = np.zeros(n)
    best_tgt = np.zeros(m)
    np.maximum.at(best_src, cand.i, cand.conf)
    np.maximum.at(best_tgt, cand.j, cand.conf)
    return cover(pairs, n, m, 1.0 - best_src, 1.0 - best_tgt)


def _kept_beads(
    src_texts: Sequence[str], tgt_texts: Sequence[str], src_vecs: np.ndarray, tgt_vecs: np.ndarray,
    config: AlignConfig, *, embed: EmbedFn | None, src_lang: str | None = None, tgt_lang: str | None = None,
) -> tuple[Candidates, list[Bead]]:
    cc = config.comparable
    keep, isolated, anchor, signals = cc.keep_conf, cc.isolated_conf, cc.anchor_conf, cc.signals
    fit = config.calibration.margin_fit
    n, m = len(src_texts), len(tgt_texts)
    src_vecs = np.asarray(src_vecs, dtype=np.float32)
    tgt_vecs = np.asarray(tgt_vecs, dtype=np.float32)
    cand, fwd, bwd = mine(src_vecs, tgt_vecs, config, src_texts=src_texts, tgt_texts=tgt_texts, signals=signals,
                          embed=embed, src_lang=src_lang, tgt_lang=tgt_lang)
    cand = _without_outliers(cand, n, m, cc)
    mut = np.flatnonzero(cand.mutual)
    sure = mut[cand.conf[mut] >= anchor]
    if cand.moved is not None:
        sure = sure[~cand.moved[sure]]
    anchors = sorted(zip(cand.i[sure].tolist(), cand.j[sure].tolist()))
    keep = _shared_need(cc.keep_conf, len(anchors), n, m, cc)
    cc = replace(cc, keep_conf=keep, merge_keep_conf=_shared_need(cc.merge_keep_conf, len(anchors), n, m, cc))
    used_src = np.zeros(n, dtype=bool)
    used_tgt = np.zeros(m, dtype=bool)
    beads: list[Bead] = []
    conf_of = {(int(a), int(b)): float(c) for a, b, c in zip(cand.i[sure], cand.j[sure], cand.conf[sure])}
    for a_i, a_j in anchors:
        beads.append(Bead((a_i,), (a_j,), conf_of[(a_i, a_j)]))
        used_src[a_i] = used_tgt[a_j] = True

    means = _doc_means(src_vecs, tgt_vecs, config.parallel.score.min_rows_for_mean)
    mutual_pairs = set(zip(cand.i[mut].tolist(), cand.j[mut].tolist()))
    lengths = _LengthModel.fit(src_texts, tgt_texts, anchors)
    stretches = _anchor_stretches(anchors, cc.max_parallel_gap)
    in_stretch = np.zeros(len(cand.i), dtype=bool)
    for i0, i1, j0, j1 in stretches:
        in_stretch |= (cand.i >= i0) & (cand.i < i1) & (cand.j >= j0) & (cand.j < j1)
    for i0, i1, j0, j1 in stretches:
        if i1 <= i0 or j1 <= j0:
            continue
        local = align_block(src_vecs[i0:i1], tgt_vecs[j0:j1], list(src_texts[i0:i1]), list(tgt_texts[j0:j1]),
                            config=config.parallel, embed=embed, src_mean=means["src_mean"],
                            tgt_mean=means["tgt_mean"])
        for b in local.beads:
            if b.is_gap:
                continue
            src = tuple(i0 + x for x in b.src)
            tgt = tuple(j0 + y for y in b.tgt)
            bead = _accept(src, tgt, src_vecs, tgt_vecs, fwd, bwd, lengths, cc, fit)
            if bead is not None and len(bead.src) == 1 == len(bead.tgt) and (bead.src[0], bead.tgt[0]) not in mutual_pairs:
                # An on-topic sentence whose own partner is missing lands next to the
                # neighbour's partner in the DP; only a mutual best pair is trusted.
                bead = None
            if bead is not None and not used_src[list(bead.src)].any() and not used_tgt[list(bead.tgt)].any():
                beads.append(bead)
                used_src[list(bead.src)] = True
                used_tgt[list(bead.tgt)] = True

    # Remaining mutual best pairs: inside a stretch the anchors vouch for them,
    # outside (moved or isolated sentences) they must stand on their own.
    order = mut[np.lexsort((cand.j[mut], cand.i[mut], -cand.conf[mut]))]
    for p in order:
        i, j, c = int(cand.i[p]), int(cand.j[p]), float(cand.conf[p])
        if c >= (keep if in_stretch[p] else isolated) and not used_src[i] and not used_tgt[j]:
            beads.append(Bead((i,), (j,), c))
            used_src[i] = used_tgt[j] = True
    beads += _length_agreed(cand, mut, beads, used_src, used_tgt, fwd, bwd, cc)
    if signals.neighbours:
        beads += _neighbour_pass(cand, mut, beads, used_src, used_tgt, cc)
        beads += _chained(cand, mut, used_src, used_tgt, cc)
    beads = _grown(beads, used_src, used_tgt, src_vecs, tgt_vecs, fwd, bwd, lengths, cc, fit)
    if cand.loose and cc.corroborate_loose:
        beads = _corroborated(cand, beads, cc)
    beads += _second_partners(cand, beads, n, m, cc)
    return cand, beads


def _shared_need(need: float, anchors: int, n: int, m: int, cc: ComparableConfig) -> float:
    """The confidence a kept pair (``keep_conf``) or a merge (``merge_keep_conf``) needs, given how
    much the documents share.

    The mined confidence is fitted at one share of sentences with a partner;
    where anchors say more is shared, a middling pair is more likely right (a
    prior in odds), and where little is, on-topic neighbours outnumber the
    missing partners. The anchor share over sqrt(n m) stands in for the
    share of sentences with a partner; ``keep_share_slope`` 0 turns it off.
    """
    if not cc.keep_share_slope or not 0.0 < need < 1.0:
        return need
    share = min(max(anchors / max(float(np.sqrt(n * m)), 1.0), 0.02), 0.98)
    ref = cc.keep_share_ref
    z = _logit(need) - cc.keep_share_slope * (_logit(share) - _logit(ref))
    return float(1.0 / (1.0 + np.exp(-z)))


def _logit(p: float) -> float:
    return float(np.log(p / (1.0 - p)))


def _outlier_anchors(ai: np.ndarray, aj: np.ndarray, max_gap: int, window: int, run: int) -> np.ndarray:
    """Positions (into ``ai``, sorted) of anchors that break an otherwise parallel stretch.

    Anchors are cut into runs where each next anchor (in source order) follows
    the previous one closely in the target too. A run of at most ``run``
    anchors whose two neighbouring runs would join into one parallel stretch
    without it, while its targets lie more than ``window`` outside that
    stretch, is a near duplicate found far away (TICO's articles repeat whole
    passages), not a moved section: a moved section leaves its neighbours'
    runs apart.
    """
    k = ai.size
    if k < 3:
        return np.zeros(0, dtype=np.int64)

    def close(a: int, b: int) -> bool:
        di, dj = int(ai[b] - ai[a]), int(aj[b] - aj[a])
        return dj > 0 and max(di, dj) - 1 <= max_gap

    starts = [0] + [x for x in range(1, k) if not close(x - 1, x)]
    bounds = list(zip(starts, starts[1:] + [k]))
    out: list[int] = []
    for r in range(1, len(bounds) - 1):
        lo, hi = bounds[r]
        if hi - lo > run:
            continue
        left, right = bounds[r - 1][1] - 1, bounds[r + 1][0]
        if not close(left, right):
            continue
        j0, j1 = int(aj[left]) - window, int(aj[right]) + window
        if all(not (j0 <= int(aj[x]) <= j1) for x in range(lo, hi)):
            out.extend(range(lo, hi))
    return np.array(out, dtype=np.int64)


def _without_outliers(cand: Candidates, n: int, m: int, cc: ComparableConfig) -> Candidates:
    """Candidates with the outlier anchors (``_outlier_anchors``) struck out and mutual best
    pairs recomputed, so a sentence whose near duplicate took its partner gets it back.

    An outlier whose sentences no other sure pair then claims, and whose target lies outside
    the target's parallel stretches, was no near duplicate's theft but a moved sentence (a
    short moved section): it comes back, marked ``moved`` so it does not anchor.
    """
    before = cand
    excess = _length_excess(cand.length_z, cc)
    struck = np.zeros(len(cand.i), dtype=bool)
    for _ in range(2):
        sure = np.flatnonzero(cand.mutual & (cand.conf >= cc.anchor_conf))
        sure = sure[np.lexsort((cand.j[sure], cand.i[sure]))]
        bad = _outlier_anchors(cand.i[sure], cand.j[sure], cc.max_parallel_gap, cc.neighbour_window,
                               cc.outlier_run)
        if not bad.size:
            break
        struck[sure[bad]] = True
        margin = np.where(struck, 0.0, cand.margin)
        mutual = _mutual(cand.i, cand.j, margin, cand.cos, n, m, excess, cc.length_rank_penalty) & ~struck
        cand = replace(cand, margin=margin, conf=np.where(struck, 0.0, cand.conf), mutual=mutual)
    if not struck.any():
        return cand
    claimed_i = np.zeros(n, dtype=bool)
    claimed_j = np.zeros(m, dtype=bool)
    claims = cand.mutual & (cand.conf >= cc.anchor_conf)  # a near duplicate is as sure as what it copies
    claimed_i[cand.i[claims]] = True
    claimed_j[cand.j[claims]] = True
    moved = struck & ~claimed_i[cand.i] & ~claimed_j[cand.j]
    if not moved.any():
        return cand
    # ... and whose target does not sit inside a parallel stretch of the target, where it would
    # fill the place of a sentence the source lacks (the copy's original was dropped)
    sure = np.flatnonzero(claims)
    by_t = sure[np.argsort(cand.j[sure], kind="stable")]
    tj, ti = cand.j[by_t], cand.i[by_t]
    for p in np.flatnonzero(moved).tolist():
        k = int(np.searchsorted(tj, cand.j[p]))
        if 0 < k < len(tj):
            di, dj = int(ti[k] - ti[k - 1]), int(tj[k] - tj[k - 1])
            if di > 0 and max(di, dj) - 1 <= cc.max_parallel_gap:
                moved[p] = False
    if not moved.any():
        return cand
    margin = np.where(moved, before.margin, cand.margin)
    mutual = _mutual(cand.i, cand.j, margin, cand.cos, n, m, excess, cc.length_rank_penalty) & ~(struck & ~moved)
    return replace(cand, margin=margin, conf=np.where(moved, before.conf, cand.conf), mutual=mutual, moved=moved)


@lru_cache(maxsize=8)
def _crossing(window: int) -> tuple[tuple[int, int], ...]:
    """Offsets (di, dj) at which a kept pair would cross a pair within the neighbour window."""
    return tuple((di, dj) for di in range(-window, window + 1) for dj in range(-window, window + 1) if di * dj < 0)


def _length_agreed(
    cand: Candidates, mut: np.ndarray, kept: list[Bead], used_src: np.ndarray, used_tgt: np.ndarray,
    fwd: Neighbourhood, bwd: Neighbourhood, cc: ComparableConfig,
) -> list[Bead]:
    """Stand-alone pairs under the isolated threshold that three further checks agree on.

    A pair in a moved section has no anchor around it, so it must stand on its
    own; the margin alone is not enough there, but evidence the margin does
    not use is: a length ratio typical of this language pair's translations
    (Gale-Church's signal), being the best by plain cosine in both directions
    too (the margin's k-NN mean can flatter a pair that is only one of several
    close matches), and no kept pair within the neighbour window whose order it
    contradicts (an on-topic sentence confused with its neighbour's partner
    crosses that neighbour's pair).
    """
    z_all = cand.length_z
    if z_all is None:
        return []
    floor = min(cc.isolated_conf, cc.length_agreed_conf)
    crossing = _crossing(cc.neighbour_window)
    kept_at = {(b.src[0], b.tgt[0]) for b in kept if len(b.src) == 1 == len(b.tgt)}
    out: list[Bead] = []
    order = mut[np.lexsort((cand.j[mut], cand.i[mut], -cand.conf[mut]))]
    for p in order:
        i, j, c = int(cand.i[p]), int(cand.j[p]), float(cand.conf[p])
        if c < floor or used_src[i] or used_tgt[j]:
            continue
        if abs(z_all[p]) > cc.length_agree_z:
            continue
        if fwd.idx[i, 0] != j or bwd.idx[j, 0] != i:
            continue
        if any((i + di, j + dj) in kept_at for di, dj in crossing):
            continue
        out.append(Bead((i,), (j,), c))
        used_src[i] = used_tgt[j] = True
        kept_at.add((i, j))
    return out


def _too_few_sure(mutual: np.ndarray, vector_conf: np.ndarray, n: int, m: int, cc: ComparableConfig) -> bool:
    """Whether the vectors alone are sure of too few pairs to show the documents share text.

    Translations sharing a section give dozens of vector-sure pairs (hundreds
    on the FLORES scenarios); documents that only share a topic give zero or
    one, and then that one is as likely a coincidence of n x m comparisons.
    The need grows with the documents, as the chance of such a coincidence does.
    """
    need = max(1, int(np.ceil(cc.min_sure_share * min(n, m))))
    return int((mutual & (vector_conf >= cc.anchor_conf)).sum()) < need


def _corroborated(cand: Candidates, beads: list[Bead], cc: ComparableConfig) -> list[Bead]:
    """In loosely related documents a pair needs two independent signals.

    Either two shared facts (numbers, dates, names), or one fact and vectors
    that are already likely right on their own. A single shared year or name
    is what on-topic text shares anyway; vectors alone are not enough either.
    """
    at = {(int(i), int(j)): p for p, (i, j) in enumerate(zip(cand.i, cand.j))}
    out = []
    for b in beads:
        p = at.get((b.src[0], b.tgt[0])) if len(b.src) == 1 == len(b.tgt) else None
        if p is None:
            continue
        if ev.corroborated(cand.facts[p], cand.vector_conf[p], cc.corroborated_vector_conf):
            out.append(b)
    return out


def _second_partners(cand: Candidates, beads: list[Bead], n: int, m: int, cc: ComparableConfig) -> list[Bead]:
    """A second 1-1 pair for a sentence whose fact the other version states twice.

    Independently written articles restate facts (the Tagalog Lenin article gives
    his 1897 exile twice, the Nepali once; a TM should learn both pairs), and the
    one-to-one pass leaves the restatement unpaired although its best match is a
    sentence that already has a partner. Only in loosely related documents: where
    versions share translated text, each statement has its own translation, and a
    sentence whose partner is missing finds a near duplicate of it instead (TICO
    repeats passages). The pair stands on its own, out of any anchor's order, so
    it must be as sure as an isolated pair, corroborated like any loose pair, and
    the restatement's best match; each paired sentence gets at most one more.
    """
    if not cc.second_partners or not cand.loose or not beads:
        return []
    ones = [b for b in beads if len(b.src) == 1 == len(b.tgt)]
    single_src, single_tgt = {b.src[0] for b in ones}, {b.tgt[0] for b in ones}
    used_src = {i for b in beads for i in b.src}
    used_tgt = {j for b in beads for j in b.tgt}
    best_of_src, best_of_tgt = _argbest(cand.i, cand.margin, n), _argbest(cand.j, cand.margin, m)
    sure = cand.conf >= cc.isolated_conf
    if cc.corroborate_loose:
        sure &= ev.corroborated(cand.facts, cand.vector_conf, cc.corroborated_vector_conf)
    live = np.flatnonzero(sure)
    out: list[Bead] = []
    for p in live[np.lexsort((cand.j[live], cand.i[live], -cand.conf[live]))].tolist():
        i, j = int(cand.i[p]), int(cand.j[p])
        if i in single_src and j not in used_tgt and best_of_tgt[j] == p:
            single_src.discard(i)
            used_tgt.add(j)
        elif j in single_tgt and i not in used_src and best_of_src[i] == p:
            single_tgt.discard(j)
            used_src.add(i)
        else:
            continue
        out.append(Bead((i,), (j,), float(cand.conf[p])))
    return out


def _neighbour_pass(
    cand: Candidates, mut: np.ndarray, kept: list[Bead], used_src: np.ndarray, used_tgt: np.ndarray,
    cc: ComparableConfig,
) -> list[Bead]:
    """Mutual pairs next to a kept pair, in the same order, need only the in-stretch threshold.

    This is the neighbours' alignment for text whose sections moved: a pair
    inside a moved section has no anchor on either side in source order, but
    its kept neighbours within a few sentences are in the same relative order.
    Repeats until nothing changes, so a section fills in from its anchor.
    """
    out: list[Bead] = []
    # Only pairs the vectors alone are sure of may vouch: evidence must not chain.
    keep, win = cc.keep_conf, cc.neighbour_window
    sure = {(int(a), int(b)) for a, b, v in zip(cand.i, cand.j, cand.vector_conf) if v >= cc.anchor_conf}
    kept_at = {(b.src[0], b.tgt[0]) for b in kept if len(b.src) == 1 == len(b.tgt)} & sure
    order = mut[np.lexsort((cand.j[mut], cand.i[mut], -cand.conf[mut]))]
    changed = True
    while changed:
        changed = False
        for p in order:
            i, j, c = int(cand.i[p]), int(cand.j[p]), float(cand.conf[p])
            if c < keep or used_src[i] or used_tgt[j]:
                continue
            if any(
                (i + di, j + dj) in kept_at
                for di in range(-win, win + 1) if di
                for dj in (range(1, win + 1) if di > 0 else range(-win, 0))
            ):
                out.append(Bead((i,), (j,), c))
                used_src[i] = used_tgt[j] = True
                if float(cand.vector_conf[p]) >= cc.anchor_conf:
                    kept_at.add((i, j))
                changed = True
    return out


def _chained(cand: Candidates, mut: np.ndarray, used_src: np.ndarray, used_tgt: np.ndarray,
             cc: ComparableConfig) -> list[Bead]:
    """Unaligned mutual pairs that sit next to another in the same order, both fairly sure.

    A moved section of two or three sentences has no anchor and often no pair
    sure enough to vouch alone; two unrelated mutual pairs rarely fall within a
    few sentences of each other in the same order, so the pair of them vouches.
    Only vector confidence counts, so evidence cannot chain.
    """
    win = cc.neighbour_window
    at = {(int(cand.i[p]), int(cand.j[p])): int(p) for p in mut if cand.vector_conf[p] >= cc.chain_conf
          and not used_src[cand.i[p]] and not used_tgt[cand.j[p]]}
    out: list[Bead] = []
    for i, j in sorted(at):
        if used_src[i] or used_tgt[j]:
            continue
        mates = [(i + di, j + dj) for di in range(1, win + 1) for dj in range(1, win + 1)
                 if (i + di, j + dj) in at and not used_src[i + di] and not used_tgt[j + dj]]
        if not mates:
            continue
        q = min(mates, key=lambda x: (x[0] - i + x[1] - j, x))
        for x, y in ((i, j), q):
            out.append(Bead((x,), (y,), float(cand.conf[at[(x, y)]])))
            used_src[x] = used_tgt[y] = True
    return out


def _doc_means(src_vecs: np.ndarray, tgt_vecs: np.ndarray, min_rows: int) -> dict[str, np.ndarray]:
    """Whole-document means for the block aligner, so a small block keeps the document's scale."""
    return {"src_mean": side_mean(src_vecs, min_rows), "tgt_mean": side_mean(tgt_vecs, min_rows)}


@dataclass(frozen=True)
class _LengthModel:
    """Target/source character ratio seen on the anchors: a cheap check on merged beads."""

    src_len: tuple[int, ...]
    tgt_len: tuple[int, ...]
    ratio: float

    @staticmethod
    def fit(src_texts: Sequence[str], tgt_texts: Sequence[str], anchors: list[tuple[int, int]]) -> _LengthModel:
        sl = tuple(len(t) for t in src_texts)
        tl = tuple(len(t) for t in tgt_texts)
        r = [tl[j] / sl[i] for i, j in anchors if sl[i] and tl[j]]
        ratio = float(np.median(r)) if len(r) >= 3 else (sum(tl) / max(sum(sl), 1) or 1.0)
        return _LengthModel(sl, tl, ratio)

    def misfit(self, src: Sequence[int], tgt: Sequence[int]) -> float:
        s = sum(self.src_len[i] for i in src)
        t = sum(self.tgt_len[j] for j in tgt)
        return abs(float(np.log(max(t, 1) / (self.ratio * max(s, 1)))))


def _grown(
    beads: list[Bead], used_src: np.ndarray, used_tgt: np.ndarray, src_vecs: np.ndarray, tgt_vecs: np.ndarray,
    fwd: Neighbourhood, bwd: Neighbourhood, lengths: _LengthModel, cc: ComparableConfig, fit: Calibration,
) -> list[Bead]:
    """Kept pairs grown by an unaligned neighbouring sentence where ``_accept`` takes the merge.

    An anchor is a 1-1 pair, and the block DP runs only between anchors, so a
    merged sentence whose best 1-1 part anchors was never offered as a merge:
    its other half stayed a gap (most of the merge family's misses on TICO).
    """
    out = []
    n, m = used_src.shape[0], used_tgt.shape[0]
    for b in beads:
        for _ in range(2):  # up to 3-1 / 1-3
            if len(b.src) > 1 and len(b.tgt) > 1:
                break
            tries: list[tuple[tuple[int, ...], tuple[int, ...]]] = []
            if len(b.tgt) == 1:
                tries += [(b.src + (b.src[-1] + 1,), b.tgt), ((b.src[0] - 1,) + b.src, b.tgt)]
            if len(b.src) == 1:
                tries += [(b.src, b.tgt + (b.tgt[-1] + 1,)), (b.src, (b.tgt[0] - 1,) + b.tgt)]
            best = None
            for src, tgt in tries:
                if min(src) < 0 or max(src) >= n or min(tgt) < 0 or max(tgt) >= m:
                    continue
                if used_src[[i for i in src if i not in b.src]].any() or used_tgt[[j for j in tgt if j not in b.tgt]].any():
                    continue
                got = _accept(src, tgt, src_vecs, tgt_vecs, fwd, bwd, lengths, cc, fit)
                if got is not None and got.src == src and got.tgt == tgt and (best is None or got.score > best.score):
                    best = got
            if best is None:
                break
            used_src[list(best.src)] = True
            used_tgt[list(best.tgt)] = True
            b = best
        out.append(b)
    return out


def _accept(
    src: tuple[int, ...], tgt: tuple[int, ...], src_vecs: np.ndarray, tgt_vecs: np.ndarray,
    fwd: Neighbourhood, bwd: Neighbourhood, lengths: _LengthModel, cc: ComparableConfig, fit: Calibration,
) -> Bead | None:
    """A block bead if confident; a many-to-one bead only if it fits the lengths clearly
    better than its best 1-1 part, since pooled on-topic vectors flatter any merge."""
    keep = cc.keep_conf
    cos, conf = _bead_conf(src, tgt, src_vecs, tgt_vecs, fwd, bwd, fit)
    if len(src) == 1 and len(tgt) == 1:
        return Bead(src, tgt, conf) if conf >= keep else None
    best: tuple[float, float, int, int] | None = None
    for i in src:
        for j in tgt:
            c1, f1 = _bead_conf((i,), (j,), src_vecs, tgt_vecs, fwd, bwd, fit)
            if best is None or c1 > best[0]:
                best = (c1, f1, i, j)
    assert best is not None
    one_side = len(src) == 1 or len(tgt) == 1
    better_fit = one_side and lengths.misfit(src, tgt) <= lengths.misfit((best[2],), (best[3],)) - cc.merge_length_gain
    if better_fit and cos >= best[0] - cc.merge_slack and conf >= max(keep, cc.merge_keep_conf):
        return Bead(src, tgt, conf)
    if best[1] >= keep:
        return Bead((best[2],), (best[3],), best[1])
    return None
