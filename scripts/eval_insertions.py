"""Do the diff's insertion hints point where the missing content belongs?

On the FLORES dev ``gaps`` scenario of ``scripts/scenarios.py`` (runs of 1-4
sentences dropped from one side), each pair is aligned exactly as ``aligner
gaps`` does it. For every gold run of one-side-only sentences the gold position
in the other version is the sentence of the last 1-1 gold bead before the run
(none: the run opens the document). The hint is right when the first of the
diff's one-version runs holding a sentence of the gold run names that same
sentence (when the aligner glues a run's first sentences to a neighbour, the
rest still shows as a run, and its hint is what the editor reads). A gold run
none of whose sentences the diff shows as one-version-only counts as wrong.
Bar: >= 95% of runs right on every pair.
Usage:
    python scripts/eval_insertions.py [--pairs tl-en,ne-en,tl-ne] [--scenario gaps]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import scenarios  # noqa: E402
from aligner.embed import get_encoder  # noqa: E402
from aligner.gaps import GapReport, build_report  # noqa: E402
from aligner.pipeline import align_every_pair  # noqa: E402
from evaldata import presplit_document  # noqa: E402

BAR = 0.95


def gold_runs(sc: scenarios.Scenario) -> list[tuple[int, list[int], int | None]]:
    """(side that keeps the run, its sentences, gold anchor in the other side) per run.

    The gold beads must be in reading order, as the parallel builders (clean,
    merge, gaps) write them.
    """
    runs: list[tuple[int, list[int], int | None]] = []
    last: list[int | None] = [None, None]  # last aligned sentence per side
    prev_side = None
    for src, tgt in sc.gold:
        if src and tgt:
            last = [max(src), max(tgt)]
            prev_side = None
            continue
        side, sentence = (0, src[0]) if src else (1, tgt[0])
        if side != prev_side:
            runs.append((side, [], last[1 - side]))
        runs[-1][1].append(sentence)
        prev_side = side
    return runs


def hinted_anchor(report: GapReport, side: int, sentences: list[int]) -> int | None | str:
    """The sentence the diff says the run goes after, or "missed" if it shows none of it as a run."""
    rows = {k for k, row in enumerate(report.rows) for s in row.cells[side] if s in sentences}
    for ins in report.insertions:  # in row order, so the first hit is the run's first part
        if ins.doc == side and any(ins.start <= k < ins.stop for k in rows):
            return next(a.after for a in ins.anchors if a.doc == 1 - side)
    return "missed"


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scenario", default="gaps", choices=("clean", "merge", "gaps"))
    ap.add_argument("--pairs", default=",".join(f"{s}-{t}" for s, t in scenarios.PAIRS))
    args = ap.parse_args()
    pairs = [tuple(p.split("-")) for p in args.pairs.split(",")]

    print("| scenario | pair | gold runs | hint right | not shown as a run | wrong sentence | share right |")
    print("|---|---|---|---|---|---|---|")
    failed, total, right_all = [], 0, 0
    for s, t in pairs:
        sc = scenarios.build(args.scenario, s, t)
        docs = [presplit_document(f"{args.scenario}.{s}", s, sc.src),
                presplit_document(f"{args.scenario}.{t}", t, sc.tgt)]
        report = build_report(docs, align_every_pair(docs, get_encoder()))
        runs = gold_runs(sc)
        right = missed = 0
        for side, sentences, gold in runs:
            got = hinted_anchor(report, side, sentences)
            missed += got == "missed"
            right += got == gold
        share = right / len(runs) if runs else 1.0
        total, right_all = total + len(runs), right_all + right
        print(f"| {args.scenario} | {s}-{t} | {len(runs)} | {right} | {missed} | "
              f"{len(runs) - right - missed} | {share:.3f} |", flush=True)
        if share < BAR:
            failed.append(f"{s}-{t}")
    print(f"| **all pairs** | | {total} | {right_all} | | | **{right_all / total:.3f}** |")
    print(f"\nbar: >= {BAR:.0%} of runs with the right hint on every pair; "
          + ("all pairs pass" if not failed else f"below the bar: {', '.join(failed)}"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
