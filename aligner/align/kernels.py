"""The numba kernels of the aligner: the heaviest monotone chain, the banded bead DP, and top-k.

They take plain arrays and numbers only, so every threshold stays in the
configuration their callers pass down.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange


@njit(cache=True)
def fenwick_chain(rows, cols, weights, m):
    """Heaviest chain of points strictly increasing in row and column.

    ``rows`` must be sorted. Returns the indices of the chosen points, in order.
    """
    p = rows.shape[0]
    tree_v = np.full(m + 1, -1.0)
    tree_i = np.full(m + 1, -1, dtype=np.int64)
    best = np.zeros(p)
    back = np.full(p, -1, dtype=np.int64)
    start = 0
    while start < p:
        end = start
        while end < p and rows[end] == rows[start]:
            end += 1
        for q in range(start, end):
            # prefix max over columns < cols[q]
            k = cols[q]
            bv = 0.0
            bi = -1
            while k > 0:
                if tree_v[k] > bv:
                    bv = tree_v[k]
                    bi = tree_i[k]
                k -= k & (-k)
            best[q] = bv + weights[q]
            back[q] = bi
        for q in range(start, end):
            k = cols[q] + 1
            while k <= m:
                if best[q] > tree_v[k]:
                    tree_v[k] = best[q]
                    tree_i[k] = q
                k += k & (-k)
        start = end
    if p == 0:
        return np.zeros(0, dtype=np.int64)
    q = int(np.argmax(best))
    chain = []
    while q >= 0:
        chain.append(q)
        q = back[q]
    out = np.empty(len(chain), dtype=np.int64)
    for t in range(len(chain)):
        out[t] = chain[len(chain) - 1 - t]
    return out


@njit(cache=True)
def length_deviation(slen, tlen, i0, i1, j0, j1, ratio, len_smooth):
    """|log| of a bead's source characters against its target characters times ``ratio`` (source
    per target), both padded by ``len_smooth``; ``slen``/``tlen`` are cumulative lengths. The DP's
    length cost and the bead calibration's length feature."""
    ls = slen[i1] - slen[i0] + len_smooth
    lt = (tlen[j1] - tlen[j0]) * ratio + len_smooth
    return abs(np.log(ls / lt))


@njit(cache=True)
def bead_dp(scs, tcs, snorm, tnorm, slen, tlen, lo, hi, off, sa, sb,
             gap_cost, gap_penalty, len_weight, len_smooth, ratio, merge_cost, min_sim,
             over_keys, over_vals, snull, tnull, margin):
    """Banded m-n DP. Cells are boundary points (i, j); row i spans [lo[i], hi[i]]."""
    n = lo.shape[0] - 1
    d = scs.shape[1]
    nshape = sa.shape[0]
    total = off[n + 1]
    D = np.full(total, -np.inf)
    B = np.full(total, -1, dtype=np.int8)
    D[off[0] - lo[0]] = 0.0
    n_over = over_keys.shape[0]
    m1 = hi[n] + 1
    for i in range(n + 1):
        for j in range(lo[i], hi[i] + 1):
            if i == 0 and j == 0:
                continue
            best = -np.inf
            arg = -1
            for s in range(nshape):
                a = sa[s]
                b = sb[s]
                pi = i - a
                pj = j - b
                if pi < 0 or pj < 0:
                    continue
                if pj < lo[pi] or pj > hi[pi]:
                    continue
                prev = D[off[pi] + pj - lo[pi]]
                if prev == -np.inf:
                    continue
                if a == 0 or b == 0:
                    v = -gap_penalty * (a + b)
                else:
                    sim = 0.0
                    found = False
                    if n_over > 0:
                        key = (i * m1 + j) * nshape + s
                        lo_k = 0
                        hi_k = n_over
                        while lo_k < hi_k:
                            mid = (lo_k + hi_k) // 2
                            if over_keys[mid] < key:
                                lo_k = mid + 1
                            else:
                                hi_k = mid
                        if lo_k < n_over and over_keys[lo_k] == key:
                            sim = over_vals[lo_k]
                            found = True
                    if not found:
                        nn = snorm[a - 1, i] * tnorm[b - 1, j]
                        if nn > 0.0:
                            dot = 0.0
                            for k in range(d):
                                dot += (scs[i, k] - scs[pi, k]) * (tcs[j, k] - tcs[pj, k])
                            sim = dot / nn
                    if margin != 0.0:
                        sim -= margin * 0.5 * ((snull[i] - snull[pi]) / a + (tnull[j] - tnull[pj]) / b)
                    if sim < min_sim:
                        continue  # too unlike to pair at all: gaps, never a bloated bead
                    v = (sim - gap_cost - len_weight * length_deviation(slen, tlen, pi, i, pj, j, ratio, len_smooth)
                         - merge_cost * (a + b - 2))
                if prev + v > best:
                    best = prev + v
                    arg = s
            D[off[i] + j - lo[i]] = best
            B[off[i] + j - lo[i]] = arg
    # backtrack
    out = []
    i = n
    j = hi[n]
    while i > 0 or j > 0:
        s = B[off[i] + j - lo[i]]
        if s < 0:
            break
        out.append(s)
        i -= sa[s]
        j -= sb[s]
    res = np.empty(len(out), dtype=np.int64)
    for t in range(len(out)):
        res[t] = out[len(out) - 1 - t]
    return res



@njit(cache=True)
def _top_k_row(x, vi, vv):
    k = vi.shape[0]
    vi[:] = -1
    vv[:] = -np.inf
    for j in range(x.shape[0]):
        v = x[j]
        if v > vv[k - 1]:
            p = k - 1
            while p > 0 and vv[p - 1] < v:
                vv[p] = vv[p - 1]
                vi[p] = vi[p - 1]
                p -= 1
            vv[p] = v
            vi[p] = j


@njit(cache=True)
def _top_k_serial(blk, k):
    r = blk.shape[0]
    idx = np.empty((r, k), np.int64)
    val = np.empty((r, k), np.float32)
    for row in range(r):
        _top_k_row(blk[row], idx[row], val[row])
    return idx, val


@njit(cache=True, parallel=True)
def _top_k_threads(blk, k):
    r = blk.shape[0]
    idx = np.empty((r, k), np.int64)
    val = np.empty((r, k), np.float32)
    for row in prange(r):
        _top_k_row(blk[row], idx[row], val[row])
    return idx, val


# Below this many cells a block is scanned on one thread: waking the OpenMP team costs
# 1-30 ms on a busy machine against microseconds of work (measured, 20x20 block).
TOP_K_THREADED_CELLS = 4_000_000


def top_k(blk: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Each row's k largest values, ordered by value desc then index asc (so ties are stable).

    One pass with a k-slot insertion list: for k = 4 it is ~70x faster than
    argpartition plus a sort, which made the k-NN cost more than the matmul.
    """
    if blk.size >= TOP_K_THREADED_CELLS:
        return _top_k_threads(blk, k)
    return _top_k_serial(blk, k)
