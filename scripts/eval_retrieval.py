#!/usr/bin/env python3
"""Bitext retrieval accuracy of an encoder, with cosine and with ratio margin.

For each pair, every source sentence retrieves its nearest target sentence
(and vice versa); accuracy is the share whose nearest neighbour is the gold
translation. Ratio margin (Artetxe & Schwenk 2019, k=4) divides the cosine by
the mean of both sides' k-nearest-neighbour similarities, which removes
"hub" sentences that are close to everything. Vectors go through
``aligner.embed.embed`` and its cache, exactly as the aligner gets them.

    python scripts/eval_retrieval.py [--encoder e5-small] [--prefix query|passage] [--cache PATH]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import evaldata  # noqa: E402
from aligner.cache import EmbeddingCache  # noqa: E402
from aligner.embed import E5Encoder, Encoder, embed, get_encoder  # noqa: E402


def accuracies(a: np.ndarray, b: np.ndarray) -> dict[str, float]:
    """Percent correct, gold = same row, for cosine/margin in both directions."""
    sim = a @ b.T
    marg = evaldata.margin_matrix(a, b)
    gold = np.arange(len(a))
    return {
        "cos a→b": 100 * float((sim.argmax(1) == gold).mean()),
        "cos b→a": 100 * float((sim.argmax(0) == gold).mean()),
        "margin a→b": 100 * float((marg.argmax(1) == gold).mean()),
        "margin b→a": 100 * float((marg.argmax(0) == gold).mean()),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--encoder", default="e5-small")
    ap.add_argument("--prefix", choices=("query", "passage"), help="e5-small only: override the prefix")
    ap.add_argument("--cache", help="cache file (default: the aligner's default cache)")
    ap.add_argument("--eval-dir", type=Path, default=None,
                    help=f"the eval/ folder (default: ${evaldata.SHARED_ENV}/eval, else ../shared/eval)")
    args = ap.parse_args()

    if args.prefix:
        if args.encoder != "e5-small":
            ap.error("--prefix applies to e5-small only")
        enc: Encoder = E5Encoder(is_query=args.prefix == "query")
    else:
        enc = get_encoder(args.encoder)
    cache = EmbeddingCache(args.cache)

    fl = {lang: evaldata.flores_lines(lang, args.eval_dir) for lang in ("en", "tl", "ne")}
    keep = evaldata.good_rows(len(fl["en"]))
    tt = dict(zip(("tgl", "eng"), evaldata.tatoeba_laser(args.eval_dir)))

    t0 = time.perf_counter()
    vec = {name: embed(texts, enc, cache=cache) for name, texts in [*fl.items(), *(("tatoeba." + k, v) for k, v in tt.items())]}
    took = time.perf_counter() - t0

    rows = [
        ("FLORES dev tl→en", vec["tl"], vec["en"], 99.5),
        ("FLORES dev ne→en", vec["ne"][keep], vec["en"][keep], 99.5),
        ("FLORES dev tl→ne", vec["tl"][keep], vec["ne"][keep], 99.5),
        ("Tatoeba tgl→eng (LASER v1)", vec["tatoeba.tgl"], vec["tatoeba.eng"], 89.0),
    ]
    print(f"encoder: {enc.identity}")
    print(f"embedding: {took:.1f}s (cache {cache.path}: {cache.hits} hits, {cache.stored} embedded)")
    print(f"ratio margin k={evaldata.MARGIN_K}; FLORES ne pairs drop rows "
          f"{', '.join(str(r + 1) for r in sorted(evaldata.BAD_NE_ROWS))}")
    print()
    print("| pair (a→b) | n | cos a→b | cos b→a | margin a→b | margin b→a | bar (margin) |")
    print("|---|---|---|---|---|---|---|")
    ok = True
    for name, a, b, bar in rows:
        acc = accuracies(a, b)
        passed = min(acc["margin a→b"], acc["margin b→a"]) >= bar
        ok &= passed
        print(
            f"| {name} | {len(a)} | {acc['cos a→b']:.1f} | {acc['cos b→a']:.1f} | "
            f"{acc['margin a→b']:.1f} | {acc['margin b→a']:.1f} | ≥{bar:g} {'ok' if passed else 'BELOW'} |"
        )
    cache.close()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
