"""Fit the bead calibration (``CalibrationConfig.beads``): P(bead correct) per mode and kind.

Every mode's raw bead scores mean different things (parallel's come from a
centred cosine, comparable's from a ratio margin), so neither ``--min-score``
nor auto mode's choice could compare them. Here each mode is run with no bead
fit on the grid's TICO-19 families (``scripts/grid.py``, held out from the
FLORES test), every bead is labelled as ``eval_grid.py`` does (a pair bead is
correct if the gold has it, a gap bead if all its sentences are gold gaps),
and a logistic model over ``calibrate.bead_features`` is fitted per (mode,
kind). Families are weighted equally, so the many partial cells do not drown
small documents or gaps. Prints the fits, as Python to paste into
``aligner/align/config.py``, and a reliability table (ECE) per family and mode
before and after, on the data it was fitted on and, with ``--test flores``, on
FLORES dev.

    python scripts/calibrate_beads.py [--family partial,gaps,small] [--cells 'partial/s0.70 t0.50,...']
                                      [--pairs tl-en] [--modes comparable] [--test flores] [--save F | --load F]
                                      [--scenarios merge:merge]
"""

from __future__ import annotations

import argparse
import pickle
import sys
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import replace
from functools import partial
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import grid  # noqa: E402
import scenarios  # noqa: E402
from aligner.align.calibrate import bead_features, calibrate_beads, lone_evidence, lone_features  # noqa: E402
from aligner.align.config import DEFAULT_CONFIG, BeadFit  # noqa: E402
from aligner.align.modes import DocPair, get_mode  # noqa: E402
from aligner.align.scoring import center, side_means  # noqa: E402
from aligner.embed import embed, get_encoder  # noqa: E402
from calibrate import fit_logistic  # noqa: E402
from eval_grid import bead_outcomes, embed_docs, reliability  # noqa: E402

MODES = ("parallel", "comparable")
# no bead fit, and so no split test in parallel mode: it weighs beads by the fit being made
RAW = replace(DEFAULT_CONFIG, calibration=replace(DEFAULT_CONFIG.calibration, beads=()),
              parallel=replace(DEFAULT_CONFIG.parallel, split=False))


def _scenario_docs(name: str, data: str, s: str, t: str) -> list[scenarios.Scenario]:
    return [scenarios.build(name, s, t, data)]


def _cell_docs(cell: grid.Cell, data: str, s: str, t: str) -> list[scenarios.Scenario]:
    return grid.build(cell, s, t, data)


def _units(data: str, families: list[str], only: set[str] | None
           ) -> Iterator[tuple[str, str, Callable[[str, str], list[scenarios.Scenario]]]]:
    """(family, label, documents of a language pair) per grid cell asked and per
    ``scenario:NAME[:FAMILY]``: one issue-4 scenario (``scenarios.build``), a whole data set
    as one document, whose beads count in FAMILY (default: a family of its own)."""
    for family in families:
        if family.startswith("scenario:"):
            _, name, *into = family.split(":")
            yield (into[0] if into else family), name, partial(_scenario_docs, name, data)
            continue
        for cell in grid.cells(family):
            if only and cell.label not in only:
                continue
            yield family, cell.label, partial(_cell_docs, cell, data)


def _documents(data: str, families: list[str], pairs, encoder, only: set[str] | None, unit: str,
               count: Callable[[], int]) -> Iterator[tuple[str, str, str, scenarios.Scenario, DocPair]]:
    """(family, src lang, tgt lang, document, its DocPair without an embed) for every non-empty
    document of the cells asked, with a progress line per cell."""
    for family, label, build in _units(data, families, only):
        for s, t in pairs:
            docs = build(s, t)
            for d, (sv, tv) in zip(docs, embed_docs(docs, encoder)):
                if not d.src or not d.tgt:
                    continue
                sv, tv = np.asarray(sv, np.float32), np.asarray(tv, np.float32)
                sm, tm = side_means(sv, tv, RAW.parallel.score.min_rows_for_mean)
                yield family, s, t, d, DocPair(d.src, d.tgt, sv, tv, sm, tm, None, s, t)
        print(f"  collected {data} {label}: {count()} {unit} so far", file=sys.stderr, flush=True)


def collect(data: str, families: list[str], pairs, encoder, only: set[str] | None = None,
            refine: bool = True, modes: tuple[str, ...] = MODES) -> list[dict]:
    """One row per bead: mode, kind, family, features, raw score, correct."""
    rows: list[dict] = []
    emb = (lambda x: embed(x, encoder)) if refine else None
    for family, _, _, d, bare in _documents(data, families, pairs, encoder, only, "beads", lambda: len(rows)):
        n, m = len(d.src), len(d.tgt)
        pair = replace(bare, embed=emb)
        for mode in modes:
            res = get_mode(mode, RAW).align(pair)
            outs = bead_outcomes(d.gold, res.beads)
            for k, (b, (_, ok)) in enumerate(zip(res.beads, outs)):
                ev = res.evidence[k] if res.evidence else None
                rows.append({"mode": mode, "kind": "gap" if b.is_gap else "pair", "family": family,
                             "x": bead_features(mode, b, ev, n, m, res.info.get("anchors", 0)),
                             "raw": b.score, "ok": ok, "bead": b, "ev": ev, "n": n, "m": m,
                             "anchors": res.info.get("anchors", 0)})
    return rows


def collect_lone(data: str, families: list[str], pairs, encoder, only: set[str] | None = None) -> list[dict]:
    """One row per sentence of parallel mode's documents: the "lone" features (its best match and
    k-NN level in the whole other document, 1 / shorter side, anchor share) and whether the gold
    gives it no counterpart. Every sentence, not only the DP's gaps: the split test asks it of
    sentences that sit in pair beads. No merged bead is embedded (the anchors do not need it)."""
    cheap = replace(RAW, parallel=replace(RAW.parallel, refine=False))
    rows: list[dict] = []
    for family, _, _, d, pair in _documents(data, families, pairs, encoder, only, "sentences", lambda: len(rows)):
        n, m = len(d.src), len(d.tgt)
        anchors = get_mode("parallel", cheap).align(pair).info["anchors"]
        sims = center(pair.src_vecs, pair.src_mean) @ center(pair.tgt_vecs, pair.tgt_mean).T
        gap_s = {i for a, b in d.gold if not b for i in a}
        gap_t = {j for a, b in d.gold if not a for j in b}
        for i in range(n):
            rows.append({"family": family, "ok": i in gap_s, "x": lone_features(lone_evidence(sims[i]), n, m, anchors)})
        for j in range(m):
            rows.append({"family": family, "ok": j in gap_t,
                         "x": lone_features(lone_evidence(sims[:, j]), n, m, anchors)})
    return rows


def fit_lone(rows: list[dict]) -> BeadFit:
    x = np.array([r["x"] for r in rows], dtype=np.float64)
    y = np.array([r["ok"] for r in rows], dtype=np.float64)
    w = _family_weights([r["family"] for r in rows])
    return BeadFit("parallel", "lone", tuple(round(float(c), 4) for c in _weighted_logistic(x, y, w)))


def lone_table(rows: list[dict], f: BeadFit, title: str) -> None:
    w = np.asarray(f.weights)
    print(f"\n{title}: ECE of P(lone) per family (sentences)")
    for fam in sorted({r["family"] for r in rows}) + ["all"]:
        sel = [r for r in rows if fam == "all" or r["family"] == fam]
        z = np.array([w[0] + np.dot(w[1:], r["x"]) for r in sel])
        pred = [(float(p), r["ok"]) for p, r in zip(1.0 / (1.0 + np.exp(-np.clip(z, -50, 50))), sel)]
        print(f"| {fam} | {reliability(pred, 10)[1]:.3f} ({len(sel)}) |")


def fit(rows: list[dict]) -> tuple[BeadFit, ...]:
    """The fits of the modes collected, followed by the shipped fits of the others."""
    fits = []
    for mode in MODES:
        for kind in ("pair", "gap"):
            sel = [r for r in rows if r["mode"] == mode and r["kind"] == kind]
            if len(sel) < 20:
                continue
            x = np.array([r["x"] for r in sel], dtype=np.float64)
            y = np.array([r["ok"] for r in sel], dtype=np.float64)
            coef = _weighted_logistic(x, y, _family_weights([r["family"] for r in sel]))
            fits.append(BeadFit(mode, kind, tuple(round(float(c), 4) for c in coef)))
    made = {(f.mode, f.kind) for f in fits}
    return tuple(fits) + tuple(f for f in DEFAULT_CONFIG.calibration.beads if (f.mode, f.kind) not in made)


def _family_weights(families: list[str]) -> np.ndarray:
    """Row weights that give every family the same total, so many partial cells do not drown
    small documents or gaps."""
    count: dict[str, int] = defaultdict(int)
    for f in families:
        count[f] += 1
    return np.array([len(families) / (len(count) * count[f]) for f in families])


def _weighted_logistic(x: np.ndarray, y: np.ndarray, w: np.ndarray, l2: float = 1e-3) -> np.ndarray:
    """Newton-Raphson for [bias, weights...] with per-row weights (fit_logistic's, weighted)."""
    if np.allclose(w, 1.0):
        return fit_logistic(x, y)
    X = np.hstack([np.ones((len(x), 1)), x])
    coef = np.zeros(X.shape[1])
    for _ in range(50):
        p = 1.0 / (1.0 + np.exp(-np.clip(X @ coef, -50, 50)))
        g = X.T @ (w * (p - y)) + l2 * coef
        h = (X * (w * p * (1 - p))[:, None]).T @ X + l2 * np.eye(len(coef))
        coef -= np.linalg.solve(h, g)
    return coef


def table(rows: list[dict], fits: tuple[BeadFit, ...], title: str) -> None:
    cal = replace(DEFAULT_CONFIG.calibration, beads=fits)
    print(f"\n{title}: ECE per family and mode (raw -> calibrated; beads)")
    fams = sorted({r["family"] for r in rows})
    modes = [x for x in MODES if any(r["mode"] == x for r in rows)]
    print("| family | " + " | ".join(modes) + " |")
    print("|---|" + "---|" * len(modes))
    for fam in fams + ["all"]:
        cells = []
        for mode in modes:
            sel = [r for r in rows if r["mode"] == mode and (fam == "all" or r["family"] == fam)]
            raw = [(r["raw"], r["ok"]) for r in sel]
            new = [(calibrate_beads(mode, [r["bead"]], (r["ev"],) if r["ev"] else None, r["n"], r["m"], cal,
                                    r["anchors"])[0].score,
                    r["ok"]) for r in sel]
            cells.append(f"{reliability(raw, 10)[1]:.3f} -> {reliability(new, 10)[1]:.3f} ({len(sel)})")
        print(f"| {fam} | " + " | ".join(cells) + " |")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--family", default=",".join(grid.FAMILIES))
    ap.add_argument("--pairs", default=",".join(f"{s}-{t}" for s, t in scenarios.PAIRS))
    ap.add_argument("--test", default=None, choices=("flores",))
    ap.add_argument("--cells", default=None, help="only these cells, e.g. 'partial/s0.70 t0.50,gaps/u1-4'")
    ap.add_argument("--scenarios", default="",
                    help="also fit on these issue-4 scenarios built from the same data, NAME (a family of its "
                         "own) or NAME:FAMILY (counted in that family), e.g. merge:merge")
    ap.add_argument("--no-refine", action="store_true",
                    help="score merged beads from summed vectors instead of embedding them (much faster)")
    ap.add_argument("--lone", action="store_true",
                    help="fit parallel mode's P(a sentence has no counterpart) over every sentence instead")
    ap.add_argument("--modes", default=",".join(MODES),
                    help="collect and fit these modes only; the others keep their shipped fits")
    ap.add_argument("--save", default=None, help="pickle the collected beads (fit and test) here, to refit quickly")
    ap.add_argument("--load", default=None, help="refit from beads saved with --save, features recomputed")
    args = ap.parse_args()
    families = args.family.split(",") + [f"scenario:{x}" for x in args.scenarios.split(",") if x]
    only = set(args.cells.split(",")) if args.cells else None
    pairs = [tuple(p.split("-")) for p in args.pairs.split(",")]
    modes = tuple(x for x in args.modes.split(",") if x)
    if not set(modes) <= set(MODES):
        ap.error(f"--modes: use {', '.join(MODES)}")
    encoder = get_encoder()
    if args.lone:
        lone_rows = collect_lone("tico", families, pairs, encoder, only)
        f = fit_lone(lone_rows)
        print(f"    BeadFit({f.mode!r}, {f.kind!r}, {f.weights!r}),")
        lone_table(lone_rows, f, "tico (fit)")
        if args.test:
            lone_table(collect_lone(args.test, families, pairs, encoder, only), f, f"{args.test} (test)")
        return 0
    test_rows: list[dict] = []
    if args.load:
        with open(args.load, "rb") as fh:
            saved = pickle.load(fh)
        rows, test_rows = saved["fit"], saved["test"]
        for r in rows + test_rows:  # features as the code defines them now
            r["x"] = bead_features(r["mode"], r["bead"], r["ev"], r["n"], r["m"], r["anchors"])
    else:
        rows = collect("tico", families, pairs, encoder, only, not args.no_refine, modes)
        if args.test:
            test_rows = collect(args.test, families, pairs, encoder, only, not args.no_refine, modes)
    if args.save:
        with open(args.save, "wb") as fh:
            pickle.dump({"fit": rows, "test": test_rows}, fh)
    fits = fit(rows)
    print("beads: tuple[BeadFit, ...] = (")
    for f in fits:
        print(f"    BeadFit({f.mode!r}, {f.kind!r}, {f.weights!r}),")
    print(")")
    table(rows, fits, "tico (fit)")
    if test_rows:
        table(test_rows, fits, f"{args.test or 'test'} (test)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
