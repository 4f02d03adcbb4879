"""Time and peak memory of alignment at 1k, 10k and 50k sentences per side.

Parallel mode (default) tiles the FLORES ``gaps`` scenario (tl-en) to each
size; ``--mode comparable`` tiles the ``reordered`` one (moved sections,
stand-alone pairs, evidence) and runs comparable mode. Sentence vectors
come from the embedding cache, once; each copy gets a shared random "topic"
component on both sides so copies stay distinguishable (otherwise every copy
of a sentence would tie with every other and the alignment would be
meaningless). Each size runs in a fresh subprocess so peak RSS is its own.
Prints sentences, align seconds (without the embedding of real concatenations),
peak MB, strict/gap F1 against the tiled gold, and wall seconds including that embedding.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

SIZES = (1000, 10000, 50000)


SCENARIO = {"parallel": "gaps", "comparable": "reordered"}


def one(size: int, mode: str) -> dict:
    import scenarios
    from aligner.align import align
    from aligner.embed import embed
    from aligner.evaluate import score

    sc = scenarios.build(SCENARIO[mode], "tl", "en")
    sv0, tv0 = embed(sc.src), embed(sc.tgt)
    reps = -(-size // len(sc.src))
    rng = np.random.default_rng(0)
    src: list[str] = []
    tgt: list[str] = []
    sv: list[np.ndarray] = []
    tv: list[np.ndarray] = []
    gold = []
    for _ in range(reps):
        topic = rng.standard_normal(int(sv0.shape[1])).astype(np.float32)
        topic *= 0.3 / np.linalg.norm(topic)
        for vecs, out in ((sv0, sv), (tv0, tv)):
            v = vecs + topic
            out.append(v / np.linalg.norm(v, axis=1, keepdims=True))
        for s, t in sc.gold:
            gold.append((tuple(i + len(src) for i in s), tuple(j + len(tgt) for j in t)))
        src += sc.src
        tgt += sc.tgt
    sv_all, tv_all = np.concatenate(sv)[:size], np.concatenate(tv)
    n = size
    src = src[:n]
    if mode == "parallel":
        # cut the target where the source copy ends
        keep = []
        for s, t in gold:
            if s and s[0] >= n:
                break
            keep.append((s, t))
        m = 1 + max(j for _, t in keep for j in t)
    else:
        # moved sections: keep the whole last target copy; partners of cut sources become gaps
        m = min(len(tgt), (1 + (n - 1) // len(sc.src)) * len(sc.tgt))
        keep = [(tuple(i for i in s if i < n), tuple(j for j in t if j < m)) for s, t in gold]
        keep = [(s, t) for s, t in keep if s or t]
    tgt, tv_all = tgt[:m], tv_all[:m]
    t0 = time.perf_counter()
    a = align(src, tgt, embed=embed, src_vecs=sv_all, tgt_vecs=tv_all,
              mode="comparable" if mode == "comparable" else "parallel")
    wall = time.perf_counter() - t0
    align_s = a.info.timings.align  # excludes embedding the few real concatenations
    r = score(keep, [(b.src, b.tgt) for b in a.beads], n, m)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"n": n, "m": m, "align_s": round(align_s, 2), "wall_s": round(wall, 2), "peak_mb": round(peak, 1),
            "strict_f1": round(r.strict.f1, 4), "gap_f1": round(r.gap.f1, 4),
            "tokens_embedded": a.info.tokens_embedded}


def main() -> int:
    if len(sys.argv) == 4 and sys.argv[1] == "--one":
        print(json.dumps(one(int(sys.argv[2]), sys.argv[3])))
        return 0
    mode = "comparable" if sys.argv[1:] == ["--mode", "comparable"] else "parallel"
    print(f"mode {mode}, FLORES {SCENARIO[mode]} tl-en tiled")
    # warm the numba cache so compile time is not counted in the first size
    subprocess.run([sys.executable, __file__, "--one", "200", mode], check=True, capture_output=True)
    print(f"{'src':>6} {'tgt':>6} {'align s':>8} {'s/1k sent':>9} {'peak MB':>8} {'strict F1':>9} {'gap F1':>7} {'wall s':>7}")
    for size in SIZES:
        out = subprocess.run([sys.executable, __file__, "--one", str(size), mode], check=True,
                             capture_output=True, text=True)
        r = json.loads(out.stdout.strip().splitlines()[-1])
        print(f"{r['n']:>6} {r['m']:>6} {r['align_s']:>8.2f} {1000 * r['align_s'] / r['n']:>9.3f} "
              f"{r['peak_mb']:>8.1f} {r['strict_f1']:>9.4f} {r['gap_f1']:>7.4f} {r['wall_s']:>7.2f}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
