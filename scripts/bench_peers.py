"""Side by side with the peers (issue 10): Bertalign 2.0.1, a margin-mining baseline and our aligner
on the grid of ``grid.py``, with the same vectors (our default encoder, through the shared cache).

- **Bertalign 2.0.1**, the PyPI package, at its defaults (max_align 5, top_k 3, win 5, skip -0.1,
  margin and length penalty on), in its own Python >= 3.12 venv without torch, created on first use
  under ``~/.cache/aligner-peers/`` (``$ALIGNER_PEERS_DIR`` moves it; ``$BERTALIGN_PYTHON`` names
  the interpreter, else python3.12/3.13 on PATH or a pyenv 3.12/3.13). It gets
  ``pip install --no-deps bertalign==2.0.1`` plus numpy, numba, scipy (numba's ``np.dot``) and sentence-splitter;
  ``scripts/bertalign_shim/`` stands in for torch (its one top-k call, in numpy), for
  sentence-transformers (our vectors come through an ``Encoder`` subclass instead) and for lingua
  (language detection only names the languages when lines are pre-split). Its windows of 2-4
  sentences get the normalised sum of their sentences' vectors (see ``runner.py``), not a fresh
  embedding of the joined text.
- **margin**: ratio-margin mining in 20 lines (cosine over the mean of each side's 4 best
  neighbours, Artetxe & Schwenk 2019): mutual best pairs above a threshold, every other sentence a
  gap. The threshold is chosen on the TICO grid (best micro strict F1 over all its cells) and
  applied to FLORES.
- **ours**: ``aligner.align.align`` in the default mode (``auto``). It embeds the merged beads it
  considers (new texts); ``--summed-beads`` gives it summed sentence vectors instead, the same
  footing as Bertalign's windows here, and a run that costs alignment time only.

Per cell and pair: strict F1 and gap F1 of each system (micro-averaged over the cell's documents)
and align seconds per document pair (vectors given; ours excludes the merged beads it embeds).
Usage:
    python scripts/bench_peers.py [--data flores|tico|both] [--family partial,gaps] [--pairs tl-en]
                                  [--cells 'partial/s0.70 t0.50,gaps/u1-4'] [--summed-beads]
                                  [--threshold 1.06]  # skip the TICO choice
``--cells`` only narrows the rows benchmarked; the margin threshold is still chosen on every TICO
cell of the families, so a subset run uses the same threshold as a full one.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import shutil
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import eval_grid
import evaldata
import grid
import scenarios
from aligner.align import align
from aligner.align.config import DEFAULT_CONFIG
from aligner.embed import embed, get_encoder
from aligner.evaluate import Scores, score

BERTALIGN = "bertalign==2.0.1"
PEER_DEPS = ("numpy", "numba", "scipy", "sentence-splitter")  # its code without torch (numba np.dot needs scipy)
SHIM = Path(__file__).resolve().parent / "bertalign_shim" / "runner.py"
SYSTEMS = ("ours", "bertalign", "margin")
THRESHOLDS = np.round(np.arange(0.96, 1.1001, 0.005), 3)  # e5 ratio margins of true pairs sit just above 1


def margin_pairs(sv: np.ndarray, tv: np.ndarray) -> list[tuple[int, int, float]]:
    """Mutual best pairs by ratio margin (the aligner's, over each side's 4 best neighbours), with their margins."""
    n, m = len(sv), len(tv)
    if n == 0 or m == 0:
        return []
    margin = evaldata.margin_matrix(sv, tv)
    best_t, best_s = margin.argmax(axis=1), margin.argmax(axis=0)
    return [(i, int(best_t[i]), float(margin[i, best_t[i]])) for i in range(n) if best_s[best_t[i]] == i]


def margin_align(n: int, m: int, pairs: list[tuple[int, int, float]], threshold: float) -> list[tuple]:
    """The pairs at or above ``threshold`` as 1-1 beads; every other sentence a gap."""
    kept = [(i, j) for i, j, x in pairs if x >= threshold]
    used_s, used_t = {i for i, _ in kept}, {j for _, j in kept}
    return ([((i,), (j,)) for i, j in kept] + [((i,), ()) for i in range(n) if i not in used_s]
            + [((), (j,)) for j in range(m) if j not in used_t])


# ---------------------------------------------------------------- Bertalign in its own venv


def peer_python() -> Path:
    """The Python of Bertalign's venv, created (with the install above) on first use."""
    home = Path(os.environ.get("ALIGNER_PEERS_DIR", Path.home() / ".cache" / "aligner-peers"))
    venv = home / "bertalign-2.0.1"
    py = venv / "bin" / "python"
    if py.exists():
        return py
    candidates = [os.environ.get("BERTALIGN_PYTHON"), shutil.which("python3.12"), shutil.which("python3.13"),
                  *sorted(glob.glob(str(Path.home() / ".pyenv" / "versions" / "3.1[23]*" / "bin" / "python")))]
    base = next((c for c in candidates if c and _is_312(c)), None)
    if not base:
        raise SystemExit("Bertalign 2.0.1 needs Python >= 3.12: set BERTALIGN_PYTHON to one")
    print(f"creating {venv} with {base} (once)", file=sys.stderr)
    subprocess.run([base, "-m", "venv", str(venv)], check=True)
    pip = [str(py), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
    subprocess.run(pip + ["--no-deps", BERTALIGN], check=True)
    subprocess.run(pip + list(PEER_DEPS), check=True)
    return py


def _is_312(python: str) -> bool:
    """Whether this interpreter runs and is >= 3.12 (a pyenv shim may exist and fail)."""
    check = [python, "-c", "import sys; sys.exit(sys.version_info < (3, 12))"]
    return subprocess.run(check, check=False, capture_output=True).returncode == 0


class Bertalign:
    """One long-lived runner process (numba compiles once), fed one document at a time."""

    def __init__(self, pad: np.ndarray):
        self.proc = subprocess.Popen([str(peer_python()), str(SHIM)], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE)
        self.pad = pad.astype("<f4")
        rng = np.random.default_rng(0)  # one small document first, so numba's compile time is not timed
        warm = rng.standard_normal((6, pad.shape[0])).astype(np.float32)
        self.align([f"s{i}" for i in range(6)], [f"t{i}" for i in range(6)], warm, warm)

    def align(self, src, tgt, sv, tv) -> tuple[list[tuple], float]:
        head = json.dumps({"src": list(src), "tgt": list(tgt), "dim": int(sv.shape[1])}) + "\n"
        stdin, stdout = self.proc.stdin, self.proc.stdout
        assert stdin is not None and stdout is not None  # both are pipes
        stdin.write(head.encode("utf-8"))
        for a in (sv, tv, self.pad[None, :]):
            stdin.write(np.ascontiguousarray(a, dtype="<f4").tobytes())
        stdin.flush()
        line = stdout.readline()
        if not line:
            raise SystemExit("the Bertalign runner stopped (its error is above)")
        out = json.loads(line)
        return [(tuple(a), tuple(b)) for a, b in out["beads"]], out["seconds"]

    def close(self) -> None:
        if self.proc.stdin is not None:
            self.proc.stdin.close()
        self.proc.wait()


# ---------------------------------------------------------------- the run


def documents(data: str, families, pairs, encoder, only: set[str] | None = None):
    """(cell, pair, [(scenario, src vecs, tgt vecs)]) over the chosen grid (the cells in ``only``)."""
    for family in families:
        for cell in grid.cells(family):
            if only is not None and cell.label not in only:
                continue
            for s, t in pairs:
                docs = grid.build(cell, s, t, data)
                sv = embed([x for d in docs for x in d.src], encoder)
                tv = embed([x for d in docs for x in d.tgt], encoder)
                out, i, j = [], 0, 0
                for d in docs:
                    out.append((d, sv[i: i + len(d.src)], tv[j: j + len(d.tgt)]))
                    i, j = i + len(d.src), j + len(d.tgt)
                yield cell, f"{s}-{t}", out


def choose_threshold(families, pairs, encoder) -> float:
    """The margin threshold with the best micro strict F1 over every TICO cell of the run."""
    totals: dict[float, Scores | None] = {float(x): None for x in THRESHOLDS}
    for _, _, docs in documents("tico", families, pairs, encoder):
        for d, sv, tv in docs:
            pairs = margin_pairs(sv, tv)
            for x, prev in totals.items():
                sc = score(d.gold, margin_align(len(d.src), len(d.tgt), pairs, x), len(d.src), len(d.tgt))
                totals[x] = sc if prev is None else prev + sc
    scored = {x: sc for x, sc in totals.items() if sc is not None}
    best = max(scored, key=lambda x: (scored[x].strict.f1, -x))
    print(f"margin threshold chosen on TICO: {best:.3f} (micro strict F1 {scored[best].strict.f1:.4f}; "
          + ", ".join(f"{x:.3f}: {scored[x].strict.f1:.3f}" for x in list(scored)[::2]) + ")")
    return best


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default="flores", choices=("tico", "flores", "both"))
    ap.add_argument("--family", default=None, help="comma-separated families (default: all)")
    ap.add_argument("--pairs", default=",".join(f"{s}-{t}" for s, t in scenarios.PAIRS))
    ap.add_argument("--summed-beads", action="store_true",
                    help="our merged beads get summed sentence vectors, like Bertalign's windows here")
    ap.add_argument("--cells", default=None,
                    help="only these cells, e.g. 'partial/s0.70 t0.50,gaps/u1-4' (the threshold is still "
                         "chosen on every TICO cell of the families)")
    ap.add_argument("--threshold", type=float, default=None, help="margin threshold (default: chosen on TICO)")
    args = ap.parse_args()
    families = args.family.split(",") if args.family else list(grid.FAMILIES)
    only = set(args.cells.split(",")) if args.cells else None
    if only is not None:
        known = {c.label for f in families for c in grid.cells(f)}
        if only - known:
            raise SystemExit(f"unknown cells (or not in --family): {', '.join(sorted(only - known))}")
    pairs = [tuple(p.split("-")) for p in args.pairs.split(",")]
    datas = ("tico", "flores") if args.data == "both" else (args.data,)
    encoder = get_encoder()
    threshold = args.threshold if args.threshold is not None else choose_threshold(families, pairs, encoder)
    peer = Bertalign(embed(["PAD"], encoder)[0])
    warm = embed(["Ito ay isang pangungusap.", "Ito ay isa pa."], encoder)  # compile our kernels untimed
    align(["Ito ay isang pangungusap.", "Ito ay isa pa."], ["This is a sentence.", "This is another."],
          embed=lambda x: embed(x, encoder), src_vecs=warm, tgt_vecs=embed(["This is a sentence.", "This is another."], encoder))
    try:
        for data in datas:
            print(f"\n### {data} ({'tuning' if data == 'tico' else 'test'})"
                  + (", our merged beads as summed vectors" if args.summed_beads else "")
                  + f", config {DEFAULT_CONFIG.digest()}\n")
            print("| cell | pair | strict ours | strict bertalign | strict margin | gap ours | gap bertalign | "
                  "gap margin | s/doc ours | s/doc bertalign | s/doc margin |")
            print("|---|---|---|---|---|---|---|---|---|---|---|")
            fam_f1: dict[tuple[str, str], list[float]] = defaultdict(list)
            secs: dict[str, float] = defaultdict(float)
            n_docs = 0
            for cell, pair, docs in documents(data, families, pairs, encoder, only):
                tot: dict[str, Scores] = {}
                cell_secs: dict[str, float] = defaultdict(float)
                for d, sv, tv in docs:
                    bead_embed = (eval_grid.SummedBeads(d, sv, tv, encoder) if args.summed_beads
                                  else (lambda x: embed(x, encoder)))
                    a = align(d.src, d.tgt, embed=bead_embed, src_vecs=sv, tgt_vecs=tv,
                              src_lang=d.src_lang, tgt_lang=d.tgt_lang)
                    cell_secs["ours"] += a.info.timings.align
                    links = {"ours": [(b.src, b.tgt) for b in a.beads]}
                    links["bertalign"], sec = peer.align(d.src, d.tgt, sv, tv)
                    cell_secs["bertalign"] += sec
                    t0 = time.perf_counter()
                    links["margin"] = margin_align(len(sv), len(tv), margin_pairs(sv, tv), threshold)
                    cell_secs["margin"] += time.perf_counter() - t0
                    for name in SYSTEMS:
                        sc = score(d.gold, links[name], len(d.src), len(d.tgt))
                        tot[name] = tot[name] + sc if name in tot else sc
                n_docs += len(docs)
                gap = {k: f"{v.gap.f1:.3f}" if v.gap.n_gold else f"n/a ({v.gap.n_test})" for k, v in tot.items()}
                print(f"| {cell.label} | {pair} | " + " | ".join(f"{tot[k].strict.f1:.3f}" for k in SYSTEMS)
                      + " | " + " | ".join(gap[k] for k in SYSTEMS) + " | "
                      + " | ".join(f"{cell_secs[k] / len(docs):.3f}" for k in SYSTEMS) + " |", flush=True)
                for k in SYSTEMS:
                    fam_f1[(cell.family, k)].append(tot[k].strict.f1)
                    secs[k] += cell_secs[k]
            print(f"\n{data}: strict F1 per family, mean (worst) over its cells and pairs\n")
            print("| family | " + " | ".join(SYSTEMS) + " |")
            print("|---|" + "---|" * len(SYSTEMS))
            for family in [f for f in families if (f, SYSTEMS[0]) in fam_f1]:
                print(f"| {family} | " + " | ".join(
                    f"{np.mean(fam_f1[(family, k)]):.3f} ({min(fam_f1[(family, k)]):.3f})" for k in SYSTEMS) + " |")
            print(f"\n{data}: {n_docs} document pairs; align s per pair: "
                  + ", ".join(f"{k} {secs[k] / max(n_docs, 1):.3f}" for k in SYSTEMS)
                  + f"; margin threshold {threshold:.3f}")
    finally:
        peer.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
