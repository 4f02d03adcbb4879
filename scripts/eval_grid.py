"""The grid table of issue 10: every cell of ``grid.py`` x pair x mode, with the bars marked.

For each data set (TICO-19 for tuning, FLORES dev as the test), cell and pair,
the documents are embedded once through ``aligner.embed`` (default encoder and
cache) and aligned in every mode asked for; strict and gap F1 are
micro-averaged over the cell's documents (``aligner.evaluate.score``). Marks
(on the default mode, ``auto``, or the first mode given):
    F  strict F1 < 0.98 (every cell has keep-rates >= 0.35)
    G  gap F1 < 0.97 in the gaps family
    S  strict F1 < 0.97 in small documents
    D  the default more than 0.005 below a forced mode
Then, per mode, a reliability table: beads binned by their score, the mean
score against the share of beads that are correct (a pair bead: exactly a gold
bead; a gap bead: every sentence in it is a gold gap), and the expected
calibration error (ECE, weighted by bin size), pooled and per family; and on the cells where
both sides are whole translations (TRUE_TRANSLATIONS) the scores of the correct pairs (the issue
wants them >= 0.9). ``--set comparable.keep_conf=0.1`` runs a variant of the configuration
(``dataclasses.replace``; its digest is printed). Every mode runs once per document: auto reuses the
forced modes' runs (``align_each``). Usage:
    python scripts/eval_grid.py [--data tico|flores|both] [--modes auto,parallel,comparable]
                                [--family partial,gaps] [--cells 'partial/s0.70 t0.50,...'] [--pairs tl-en]
                                [--bins 10] [--summed-beads] [--set SECTION.FIELD=VALUE ...]
The aligner embeds the merged beads it considers (new texts, cached after the first run); with
``--summed-beads`` they get the normalised sum of their sentences' vectors instead, so a sweep
costs alignment time only (figures then differ slightly from the shipped aligner's).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import grid
import scenarios
from aligner.align import DEFAULT_CONFIG, AlignConfig, align_each
from aligner.embed import embed, get_encoder
from aligner.evaluate import Scores, score

STRICT_BAR, GAP_BAR, SMALL_BAR, DEFAULT_SLACK = 0.98, 0.97, 0.97, 0.005
# cells where both sides are whole translations: their correct pairs should score >= 0.9
TRUE_TRANSLATIONS = {"partial/s1.00 t1.00", "partial-shuffled/s1.00 t1.00", "small/clean"}


def embed_docs(docs: list[scenarios.Scenario], encoder) -> list[tuple[np.ndarray, np.ndarray]]:
    """Every document's vectors, from one cached embed() call per side."""
    src = [x for d in docs for x in d.src]
    tgt = [x for d in docs for x in d.tgt]
    sv, tv = embed(src, encoder), embed(tgt, encoder)
    out, i, j = [], 0, 0
    for d in docs:
        out.append((sv[i: i + len(d.src)], tv[j: j + len(d.tgt)]))
        i, j = i + len(d.src), j + len(d.tgt)
    return out


class SummedBeads:
    """An ``embed`` for the aligner that answers a join of up to MAX_JOIN consecutive sentences of
    the document with the normalised sum of their vectors, and embeds anything else.

    The aligner embeds the merged beads it considers, new texts for every document; under a loaded
    2-core machine that is minutes per cell on first sight. With this, a sweep costs alignment
    time only. Its figures are not the aligner's as shipped: report runs without it.
    """

    MAX_JOIN = 6

    def __init__(self, doc: scenarios.Scenario, sv: np.ndarray, tv: np.ndarray, encoder):
        self.encoder = encoder
        self.known: dict[str, np.ndarray] = {}
        for lines, vecs in ((doc.src, sv), (doc.tgt, tv)):
            for i in range(len(lines)):
                for k in range(2, min(self.MAX_JOIN, len(lines) - i) + 1):
                    v = vecs[i: i + k].sum(axis=0)
                    self.known.setdefault(" ".join(lines[i: i + k]), v / max(float(np.linalg.norm(v)), 1e-12))

    def __call__(self, texts: list[str]) -> np.ndarray:
        rest = [t for t in texts if t not in self.known]
        got = dict(zip(rest, embed(rest, self.encoder))) if rest else {}
        return np.stack([self.known[t] if t in self.known else got[t] for t in texts]).astype(np.float32)


def bead_outcomes(gold, beads) -> list[tuple[float, bool]]:
    """(score, correct) per bead: a pair bead is correct if the gold has it, a gap bead if all its
    sentences are gold gaps."""
    gold_pairs = {(tuple(a), tuple(b)) for a, b in gold if a and b}
    gap_s = {i for a, b in gold if not b for i in a}
    gap_t = {j for a, b in gold if not a for j in b}
    out = []
    for b in beads:
        if b.src and b.tgt:
            ok = (tuple(b.src), tuple(b.tgt)) in gold_pairs
        else:
            ok = all(i in gap_s for i in b.src) and all(j in gap_t for j in b.tgt)
        out.append((float(b.score), ok))
    return out


def run_cell(docs, vecs, modes, encoder, summed: bool = False, config=DEFAULT_CONFIG):
    """Per mode: micro-averaged scores, bead outcomes, align seconds (the aligner's own, embedding
    excluded), the modes used and the scores of correct pair beads. Every mode runs once per document
    (``align_each``)."""
    total: dict[str, Scores] = {}
    outcomes: dict[str, list[tuple[float, bool]]] = defaultdict(list)
    secs: dict[str, float] = defaultdict(float)
    used: dict[str, set[str]] = defaultdict(set)
    right: dict[str, list[float]] = defaultdict(list)  # scores of the correct pair beads
    for d, (sv, tv) in zip(docs, vecs):
        bead_embed = SummedBeads(d, sv, tv, encoder) if summed else (lambda x: embed(x, encoder))
        each = align_each(d.src, d.tgt, embed=bead_embed, src_vecs=sv, tgt_vecs=tv, modes=modes,
                          src_lang=d.src_lang, tgt_lang=d.tgt_lang, config=config)
        for mode, a in each.items():
            secs[mode] += a.info.timings.align
            used[mode].add(a.mode)
            sc = score(d.gold, [(b.src, b.tgt) for b in a.beads], len(d.src), len(d.tgt))
            total[mode] = sc if mode not in total else total[mode] + sc
            outcomes[mode] += bead_outcomes(d.gold, a.beads)
            gold_pairs = {(tuple(x), tuple(y)) for x, y in d.gold if x and y}
            right[mode] += [b.score for b in a.beads if not b.is_gap and (b.src, b.tgt) in gold_pairs]
    return total, outcomes, secs, used, right


def reliability(outcomes: list[tuple[float, bool]], bins: int) -> tuple[list[tuple[float, float, int, float, float]], float]:
    """Rows (lo, hi, n, mean score, observed) and the ECE."""
    if not outcomes:
        return [], float("nan")
    p = np.array([o[0] for o in outcomes])
    y = np.array([o[1] for o in outcomes], dtype=float)
    k = np.minimum((p * bins).astype(int), bins - 1)
    rows, ece = [], 0.0
    for b in range(bins):
        m = k == b
        if m.any():
            rows.append((b / bins, (b + 1) / bins, int(m.sum()), float(p[m].mean()), float(y[m].mean())))
            ece += m.sum() / len(p) * abs(p[m].mean() - y[m].mean())
    return rows, float(ece)


def variant(config: AlignConfig, settings: list[str]) -> AlignConfig:
    """``config`` with each ``section.field=value`` replaced (``dataclasses.replace``), values typed
    like the field they replace."""
    for item in settings:
        key, _, value = item.partition("=")
        section, _, name = key.partition(".")
        part = getattr(config, section, None)
        if part is None or not name or not hasattr(part, name):
            raise SystemExit(f"--set {item!r}: no field {key!r} in AlignConfig")
        old = getattr(part, name)
        new = (value.lower() in ("1", "true", "yes")) if isinstance(old, bool) else type(old)(value)
        config = replace(config, **{section: replace(part, **{name: new})})
    return config


def marks(cell: grid.Cell, f1: dict[str, float], gap: dict[str, float], default: str) -> str:
    out = []
    if f1[default] < STRICT_BAR:
        out.append("F")
    if cell.is_gap_family and gap[default] < GAP_BAR:
        out.append("G")
    if cell.family == "small" and f1[default] < SMALL_BAR:
        out.append("S")
    if any(f1[default] < f1[m] - DEFAULT_SLACK for m in f1 if m != default):
        out.append("D")
    return " ".join(out)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default="both", choices=("tico", "flores", "both"))
    ap.add_argument("--modes", default="auto,parallel,comparable")
    ap.add_argument("--family", default=None, help="comma-separated families (default: all): "
                    + ", ".join(grid.FAMILIES))
    ap.add_argument("--pairs", default=",".join(f"{s}-{t}" for s, t in scenarios.PAIRS))
    ap.add_argument("--bins", type=int, default=10)
    ap.add_argument("--summed-beads", action="store_true",
                    help="merged beads get the normalised sum of their sentences' vectors instead of an "
                         "embedding: alignment time only, for sweeps; not the shipped aligner's figures")
    ap.add_argument("--cells", default=None, help="only these cells, e.g. 'partial/s0.70 t0.50,gaps/u1-4'")
    ap.add_argument("--set", action="append", default=[], metavar="SECTION.FIELD=VALUE",
                    help="run a variant of the configuration, e.g. --set comparable.keep_conf=0.1 (repeatable)")
    args = ap.parse_args()
    config = variant(DEFAULT_CONFIG, args.set)
    modes = args.modes.split(",")
    default = "auto" if "auto" in modes else modes[0]
    families = args.family.split(",") if args.family else list(grid.FAMILIES)
    pairs = [tuple(p.split("-")) for p in args.pairs.split(",")]
    datas = ("tico", "flores") if args.data == "both" else (args.data,)
    encoder = get_encoder()

    for data in datas:
        role = "tuning" if data == "tico" else "test"
        print(f"\n### {data} ({role})" + (", merged beads as summed vectors" if args.summed_beads else "")
              + f", config {config.digest()}" + (f" ({', '.join(args.set)})" if args.set else "") + "\n")
        print("| cell | pair | " + " | ".join(f"strict {m}" for m in modes) + " | "
              + " | ".join(f"gap {m}" for m in modes) + f" | {default} chose | marks |")
        print("|---|---|" + "---|" * (2 * len(modes) + 2))
        rel: dict[tuple[str, str], list[tuple[float, bool]]] = defaultdict(list)
        secs: dict[str, float] = defaultdict(float)
        true_scores: dict[tuple[str, str], list[float]] = defaultdict(list)
        worst: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(lambda: 1.0))
        failed: dict[str, int] = defaultdict(int)
        n_rows = 0
        start = time.perf_counter()
        for family in families:
            for cell in grid.cells(family):
                if args.cells and cell.label not in args.cells.split(","):
                    continue
                for s, t in pairs:
                    docs = grid.build(cell, s, t, data)
                    vecs = embed_docs(docs, encoder)
                    f1, gap, gap_txt, chose = {}, {}, {}, ""
                    scs, outs_, secs_, used_, right_ = run_cell(docs, vecs, modes, encoder, args.summed_beads,
                                                                config)
                    if cell.label in TRUE_TRANSLATIONS:
                        for mode in modes:
                            true_scores[(mode, cell.family)] += right_[mode]
                    for mode in modes:
                        sc, outs, sec, used = scs[mode], outs_[mode], secs_[mode], used_[mode]
                        f1[mode], gap[mode] = sc.strict.f1, sc.gap.f1
                        # with no gold gaps, gap F1 is undefined: show how many false gaps were made
                        gap_txt[mode] = f"{sc.gap.f1:.3f}" if sc.gap.n_gold else f"n/a ({sc.gap.n_test})"
                        rel[(mode, cell.family)] += outs
                        secs[mode] += sec
                        worst[cell.family][mode] = min(worst[cell.family][mode], sc.strict.f1)
                        if mode == default:
                            chose = "/".join(sorted(used))
                    mk = marks(cell, f1, gap, default)
                    for m in mk.split():
                        failed[m] += 1
                    n_rows += 1
                    print(f"| {cell.label} | {s}-{t} | " + " | ".join(f"{f1[m]:.3f}" for m in modes) + " | "
                          + " | ".join(gap_txt[m] for m in modes) + f" | {chose} | {mk} |", flush=True)
        wall = time.perf_counter() - start
        print(f"\n{data}: {n_rows} rows; marked: " + (", ".join(f"{k} {v}" for k, v in sorted(failed.items()))
                                                     or "none")
              + "; align s " + ", ".join(f"{m} {secs[m]:.1f}" for m in modes) + f"; wall {wall:.0f} s")
        print("\nworst strict F1 per family: | family | " + " | ".join(modes) + " |")
        for family in families:
            print(f"| {family} | " + " | ".join(f"{worst[family][m]:.3f}" for m in modes) + " |")

        if true_scores:
            print(f"\ntrue translations ({data}: {', '.join(sorted(TRUE_TRANSLATIONS))}): scores of the "
                  "correct pairs\n")
            print("| cells | mode | correct pairs | mean | 5th percentile | share >= 0.9 |")
            print("|---|---|---|---|---|---|")
            for (mode, fam), got in sorted(true_scores.items()):
                arr = np.array(got)
                print(f"| {fam} | {mode} | {arr.size} | {arr.mean():.3f} | {np.percentile(arr, 5):.3f} | "
                      f"{(arr >= 0.9).mean():.3f} |")
        print(f"\nreliability ({data}): ECE per family and mode (beads)\n")
        print("| family | " + " | ".join(modes) + " |")
        print("|---|" + "---|" * len(modes))
        for family in families:
            cells_ = []
            for m in modes:
                _, ece = reliability(rel[(m, family)], args.bins)
                cells_.append(f"{ece:.3f} ({len(rel[(m, family)])})")
            print(f"| {family} | " + " | ".join(cells_) + " |")
        for m in modes:
            pooled = [o for f in families for o in rel[(m, f)]]
            rows, ece = reliability(pooled, args.bins)
            print(f"\n{data} {m}: pooled ECE {ece:.3f} over {len(pooled)} beads\n")
            print("| score bin | beads | mean score | observed correct |")
            print("|---|---|---|---|")
            for lo, hi, n, ps, ob in rows:
                print(f"| {lo:.1f}-{hi:.1f} | {n} | {ps:.3f} | {ob:.3f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
