"""Choose comparable mode's stand-alone rule on held-out TICO-19 scenarios, not on FLORES.

The rule (``_length_agreed`` in aligner/align/comparable.py) lets a pair with no
anchor around it in under the isolated threshold when its length is a
translation's, it is the best by plain cosine both ways and no nearby kept
pair crosses it. Its two thresholds, the confidence floor and the largest
|length z-score|, are picked here on the comparable, reordered and on-topic
scenarios built from TICO-19 lines 600-2099 (``scenarios.build(...,
data="tico")``); the FLORES rows of scripts/eval_alignment.py then show
whether the choice carries over. (The length penalty beside it is not tuned:
scripts/calibrate.py --length-penalty fits it.)

Score: strict F1 per row, averaged over the 9 rows. Many grid points differ
by a pair or two, so the choice follows the one-standard-error rule: the
standard error of the best point's mean comes from resampling the source
articles of every row (1,000 bootstrap draws, the same draws for every
point), and the most conservative point (highest floor, then smallest z)
within one standard error of the best is chosen. Conservative means fewer
pairs kept on weaker evidence, which is what a translation memory wants.

    python scripts/tune_comparable.py [--data tico|flores] [--conf 0.5,0.6] [--z 1.5] [--rank 0.013:2.5]
"""

from __future__ import annotations

import argparse
import itertools
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from dataclasses import replace  # noqa: E402

import scenarios  # noqa: E402
from aligner.align import comparable as C  # noqa: E402
from aligner.align.config import DEFAULT_CONFIG  # noqa: E402
from aligner.embed import embed  # noqa: E402
from aligner.evaluate import PRF  # noqa: E402

ROWS = [(name, s, t) for name in ("comparable", "reordered", "ontopic") for s, t in scenarios.PAIRS]
CONF = (0.5, 0.6, 0.7, 0.75, 0.8, 0.9)  # 0.9 = the isolated threshold: rule off
Z = (1.0, 1.5, 2.0)
DRAWS = 1000


def article_of_source(sc: scenarios.Scenario, data: str) -> np.ndarray:
    """Index of the source article each source sentence comes from."""
    lines = scenarios.load_lines(sc.src_lang, data)
    art_of_row = {r: a for a, rows in enumerate(scenarios.articles_of(data)) for r in rows}
    row_of_text: dict[str, int] = {}
    for r in art_of_row:
        row_of_text.setdefault(lines[r], r)
    return np.array([art_of_row[row_of_text[x]] for x in sc.src])


def counts(sc: scenarios.Scenario, beads, art: np.ndarray, n_art: int) -> np.ndarray:
    """(n_art, 3) true positives, false positives, false negatives of strict non-empty beads."""
    gold = {(a, b) for a, b in sc.gold if a and b}
    test = {(b.src, b.tgt) for b in beads if b.src and b.tgt}
    out = np.zeros((n_art, 3), dtype=np.int64)
    for a, b in test:
        out[art[a[0]], 0 if (a, b) in gold else 1] += 1
    for a, _ in gold - test:
        out[art[a[0]], 2] += 1
    return out


def row_f1(rows: list[np.ndarray]) -> list[float]:
    """Strict F1 of each row from its per-article counts."""
    return [PRF(int(c[0]), int(c[0] + c[1]), int(c[0] + c[2])).f1 for c in (r.sum(axis=0) for r in rows)]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default="tico", choices=("tico", "flores"))
    ap.add_argument("--conf", default=",".join(map(str, CONF)))
    ap.add_argument("--z", default=",".join(map(str, Z)))
    cc = DEFAULT_CONFIG.comparable
    ap.add_argument("--rank", default=f"{cc.length_rank_penalty}:{cc.length_rank_z0}", help="penalty:z0")
    args = ap.parse_args()
    pen, z0 = (float(x) for x in args.rank.split(":"))
    cc = replace(cc, length_rank_penalty=pen, length_rank_z0=z0)
    docs = []
    for name, s, t in ROWS:
        sc = scenarios.build(name, s, t, data=args.data)
        sv = np.asarray(embed(sc.src), dtype=np.float32)
        tv = np.asarray(embed(sc.tgt), dtype=np.float32)
        art = article_of_source(sc, args.data)
        docs.append((f"{name[:4]} {s}-{t}", sc, sv, tv, art, int(art.max()) + 1))
    rng = np.random.default_rng(0)
    draws = [rng.integers(0, n_art, size=(DRAWS, n_art)) for *_, n_art in docs]
    print(f"length penalty {pen} beyond {z0} sd; strict F1 per row on {args.data}")
    print("conf  z    | " + " ".join(f"{d[0]:>12}" for d in docs) + " |   mean   boot SE")
    points = []
    for conf, z in itertools.product([float(x) for x in args.conf.split(",")], [float(x) for x in args.z.split(",")]):
        config = replace(DEFAULT_CONFIG, comparable=replace(cc, length_agreed_conf=conf, length_agree_z=z))
        rows = []
        for _, sc, sv, tv, art, n_art in docs:
            beads = C.align_comparable(sc.src, sc.tgt, sv, tv, config=config, embed=embed,
                                       src_lang=sc.src_lang, tgt_lang=sc.tgt_lang)
            rows.append(counts(sc, beads, art, n_art))
        boot = np.array([np.mean(row_f1([r[d[k]] for r, d in zip(rows, draws)])) for k in range(DRAWS)])
        f1 = row_f1(rows)
        points.append(((conf, z), float(np.mean(f1)), float(boot.std())))
        print(f"{conf:.2f}  {z:.1f}  | " + " ".join(f"{x:12.3f}" for x in f1)
              + f" | {np.mean(f1):.4f}  {boot.std():.4f}", flush=True)
    best = max(points, key=lambda p: p[1])
    within = [p for p in points if p[1] >= best[1] - best[2]]
    chosen = max(within, key=lambda p: (p[0][0], -p[0][1]))
    print(f"best: conf {best[0][0]} z {best[0][1]} mean F1 {best[1]:.4f} (SE {best[2]:.4f})")
    print(f"one-SE choice: conf {chosen[0][0]} z {chosen[0][1]} mean F1 {chosen[1]:.4f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
