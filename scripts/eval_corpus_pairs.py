"""The pairs comparable mode keeps on the real corpus, and what each evidence signal adds.

For tl-ne, tl-en and ne-en (English = the web article) the kept pairs are
scored against the hand-checked gold in ``scripts/data/corpus_gold.json``
(see ``scripts/data/README.md`` for how it was made): a kept pair is
*right* if the gold calls it equivalent, *related* if the gold calls it
related (same event, different proposition: still wrong for a TMX), else
*wrong*. Recall R is over a maximum one-to-one matching of the gold pairs,
since a 1-1 aligner can keep at most that many; Rp is over all gold pairs
(a sentence whose fact the other version states twice has two). The PDF book has no gold:
its kept pairs are printed to be read.

    python scripts/eval_corpus_pairs.py             # ablation + kept pairs with all signals
    python scripts/eval_corpus_pairs.py --no-pairs  # ablation only

A second table switches off each precision guard of comparable mode in turn
(the length-ratio check and the corroboration asked of loosely related
documents) over all five document pairs; the PDF pairs have no gold, so
their kept pairs are only counted.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from aligner.align.comparable import align_comparable  # noqa: E402
from aligner.align.config import ALL_SIGNALS, DEFAULT_CONFIG, NO_SIGNALS, AlignConfig, Signals  # noqa: E402
from aligner.ingest import read_document  # noqa: E402
from corpus_embed import embed_lines  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "scripts" / "data" / "corpus_gold.json"
DOCS = {
    "tl": ("corpus/lenin.tl.wiki.txt", "tl", "wiki"),
    "ne": ("corpus/lenin.ne.wiki.txt", "ne", "wiki"),
    "web": ("corpus/lenin-and-stalin.en.web.txt", "en", "text"),
    "pdf": ("corpus/foundations-of-leninism.en.pdf.txt", "en", "pdf"),
}
GOLD_PAIRS = [("tl", "ne"), ("tl", "web"), ("ne", "web")]
OTHER_PAIRS = [("tl", "pdf"), ("ne", "pdf")]
VARIANTS: list[tuple[str, Signals]] = [
    ("vectors only", NO_SIGNALS),
    ("+ numbers", replace(NO_SIGNALS, numbers=True)),
    ("+ names", replace(NO_SIGNALS, names=True)),
    ("+ clauses", replace(NO_SIGNALS, clauses=True)),
    ("+ neighbours", replace(NO_SIGNALS, neighbours=True)),
    ("all - numbers", replace(ALL_SIGNALS, numbers=False)),
    ("all - names", replace(ALL_SIGNALS, names=False)),
    ("all - clauses", replace(ALL_SIGNALS, clauses=False)),
    ("all - neighbours", replace(ALL_SIGNALS, neighbours=False)),
    ("all signals", ALL_SIGNALS),
]


def load() -> dict[str, tuple[list[str], np.ndarray]]:
    out = {}
    for key, (path, lang, kind) in DOCS.items():
        texts = read_document(ROOT / path, lang=lang, kind=kind).texts
        out[key] = (texts, embed_lines(texts))
    return out


def gold_sets(docs: dict) -> dict[tuple[str, str], dict[str, set[tuple[int, int]]]]:
    """Gold pairs as indices, found by exact sentence text so a re-segmentation shows up."""
    data = json.loads(GOLD.read_text(encoding="utf-8"))
    out: dict = {}
    for p in data["pairs"]:
        a, b = p["src_doc"], p["tgt_doc"]
        sa, sb = docs[a][0], docs[b][0]
        if p["src"] not in sa or p["tgt"] not in sb:
            print(f"warning: gold pair no longer in the segmented corpus: {p['src'][:60]!r}", file=sys.stderr)
            continue
        out.setdefault((a, b), {"equivalent": set(), "related": set()})[p["grade"]].add(
            (sa.index(p["src"]), sb.index(p["tgt"]))
        )
    return out


def max_matching(pairs: set[tuple[int, int]]) -> int:
    match: dict[int, int] = {}

    def augment(i: int, seen: set[int]) -> bool:
        for a, j in pairs:
            if a == i and j not in seen:
                seen.add(j)
                if j not in match or augment(match[j], seen):
                    match[j] = i
                    return True
        return False

    return sum(augment(i, set()) for i in sorted({a for a, _ in pairs}))


def with_signals(signals: Signals, config: AlignConfig = DEFAULT_CONFIG) -> AlignConfig:
    return replace(config, comparable=replace(config.comparable, signals=signals))


def kept(docs: dict, a: str, b: str, config: AlignConfig) -> list:
    (st, sv), (tt, tv) = docs[a], docs[b]
    beads = align_comparable(st, tt, sv, tv, config=config, embed=embed_lines, src_lang=DOCS[a][1], tgt_lang=DOCS[b][1])
    return [x for x in beads if not x.is_gap]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--no-pairs", action="store_true", help="print the ablation only")
    args = ap.parse_args()
    docs = load()
    gold = gold_sets(docs)
    print("Ablation: kept pairs against the hand-checked gold (right = equivalent)")
    print(f"{'signals':18} " + "  ".join(f"{a}-{b:3} kept right rel wrong   P     R    Rp " for a, b in GOLD_PAIRS))
    for name, sig in VARIANTS:
        cells = []
        for a, b in GOLD_PAIRS:
            g = gold.get((a, b), {"equivalent": set(), "related": set()})
            got = {(x.src[0], x.tgt[0]) if len(x.src) == 1 == len(x.tgt) else (x.src, x.tgt) for x in kept(docs, a, b, with_signals(sig))}
            right = len(got & g["equivalent"])
            rel = len(got & g["related"])
            wrong = len(got) - right - rel
            # not aligner.evaluate.PRF: keeping nothing teaches nothing wrong (P 1.00), and recall
            # is over a maximum one-to-one matching of the gold
            p = right / len(got) if got else 1.0
            r = right / max(max_matching(g["equivalent"]), 1)
            rp = right / max(len(g["equivalent"]), 1)
            cells.append(f"{'':7}{len(got):4d} {right:5d} {rel:3d} {wrong:5d} {p:5.2f} {r:5.2f} {rp:5.2f}")
        print(f"{name:18} " + "  ".join(cells))
    print("\nGuards: kept / right / related / wrong per document pair (PDF: kept only)")
    no_length = replace(DEFAULT_CONFIG, calibration=replace(DEFAULT_CONFIG.calibration, length_z=1e9))
    guards = [("all guards", DEFAULT_CONFIG), ("- length ratio", no_length),
              ("- loose-document", replace(DEFAULT_CONFIG, comparable=replace(DEFAULT_CONFIG.comparable, corroborate_loose=False))),
              ("- both", replace(no_length, comparable=replace(no_length.comparable, corroborate_loose=False)))]
    print(f"{'guards':18} " + "  ".join(f"{a}-{b:3}" .ljust(16) for a, b in GOLD_PAIRS + OTHER_PAIRS))
    for name, config in guards:
        cells = []
        for a, b in GOLD_PAIRS + OTHER_PAIRS:
            g = gold.get((a, b), {"equivalent": set(), "related": set()})
            got = {(x.src[0], x.tgt[0]) if len(x.src) == 1 == len(x.tgt) else (x.src, x.tgt) for x in kept(docs, a, b, config)}
            right, rel = len(got & g["equivalent"]), len(got & g["related"])
            cells.append((f"{len(got)}/{right}/{rel}/{len(got) - right - rel}" if (a, b) in gold else f"{len(got)}").ljust(16))
        print(f"{name:18} " + "  ".join(cells))
    if args.no_pairs:
        return 0
    for a, b in GOLD_PAIRS + OTHER_PAIRS:
        g = gold.get((a, b), {"equivalent": set(), "related": set()})
        pairs = kept(docs, a, b, DEFAULT_CONFIG)
        print(f"\n== {a}-{b}: {len(pairs)} pairs kept (all signals)")
        for x in pairs:
            key = (x.src[0], x.tgt[0]) if len(x.src) == 1 == len(x.tgt) else None
            mark = "right" if key in g["equivalent"] else "rel" if key in g["related"] else "WRONG" if (a, b) in gold else "?"
            st = " ".join(docs[a][0][i] for i in x.src)
            tt = " ".join(docs[b][0][j] for j in x.tgt)
            print(f"[{', '.join(map(str, x.src))}]:[{', '.join(map(str, x.tgt))}] {x.score:.3f} {mark}")
            print(f"   {a}: {st[:220]}")
            print(f"   {b}: {tt[:220]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
