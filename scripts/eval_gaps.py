"""How well the coverage-gap diff finds content present in one version only.

On the FLORES dev scenarios built by ``scripts/scenarios.py`` (the parallel
helper's builders), each pair is embedded and aligned exactly as ``aligner gaps``
does it, the diff is built, and the sentences it shows as "only in <lang>" are
scored against the gold: gold gap sentences are those in 1-0 / 0-1 gold beads.
Precision, recall and F1 are micro-averaged over both sides' sentences.
Usage:
    python scripts/eval_gaps.py [--only gaps,comparable] [--pairs tl-en,ne-en,tl-ne]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import scenarios  # noqa: E402
from aligner.embed import get_encoder  # noqa: E402
from aligner.evaluate import PRF  # noqa: E402
from aligner.gaps import build_report  # noqa: E402
from aligner.pipeline import align_every_pair  # noqa: E402
from evaldata import presplit_document  # noqa: E402

BAR = 0.95


def gold_gaps(sc: scenarios.Scenario) -> tuple[set[int], set[int]]:
    src = {i for a, b in sc.gold if not b for i in a}
    tgt = {j for a, b in sc.gold if not a for j in b}
    return src, tgt


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", default="gaps,comparable")
    ap.add_argument("--pairs", default=",".join(f"{s}-{t}" for s, t in scenarios.PAIRS))
    args = ap.parse_args()
    pairs = [tuple(p.split("-")) for p in args.pairs.split(",")]

    print("| scenario | pair | mode | sentences | gold gaps | reported | P | R | F1 | coverage (src / tgt) | s |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    failed = []
    for name in args.only.split(","):
        total: PRF | None = None
        for s, t in pairs:
            sc = scenarios.build(name, s, t)
            docs = [presplit_document(f"{name}.{s}", s, sc.src), presplit_document(f"{name}.{t}", t, sc.tgt)]
            start = time.perf_counter()
            alignments = align_every_pair(docs, get_encoder())
            report = build_report(docs, alignments)
            secs = time.perf_counter() - start
            gold_src, gold_tgt = gold_gaps(sc)
            pred_src, pred_tgt = report.gap_sentences(0), report.gap_sentences(1)
            tp = len(gold_src & pred_src) + len(gold_tgt & pred_tgt)
            n_pred, n_gold = len(pred_src) + len(pred_tgt), len(gold_src) + len(gold_tgt)
            prf = PRF(tp, n_pred, n_gold)
            total = prf if total is None else total + prf
            cov = {(c.doc, c.other): c for c in report.coverage}
            coverage = f"{cov[(0, 1)].percent:.1f}% / {cov[(1, 0)].percent:.1f}%"
            print(f"| {name} | {s}-{t} | {alignments[(0, 1)].mode} | {len(sc.src) + len(sc.tgt)} | "
                  f"{n_gold} | {n_pred} | {prf.precision:.3f} | {prf.recall:.3f} | {prf.f1:.3f} | {coverage} | {secs:.1f} |",
                  flush=True)
            if prf.f1 < BAR:
                failed.append(f"{name} {s}-{t}")
        assert total is not None  # at least one pair was scored
        print(f"| **{name}, all pairs** | | | | {total.n_gold} | {total.n_test} | {total.precision:.3f} | "
              f"{total.recall:.3f} | **{total.f1:.3f}** | | |", flush=True)
    print(f"\nbar: gap F1 >= {BAR} on every row; "
          + ("all rows pass" if not failed else f"below the bar: {', '.join(failed)}"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
