#!/usr/bin/env python3
"""Embedding throughput: sentences/s and tokens/s with 1 and 2 threads, cold and warm.

Takes the first N unique sentences of the corpus (segmented by the tool; the
corpus has fewer than 2,000, so TICO-19 test lines top it up), embeds
them into an empty cache (cold) and again (warm; must embed 0), each thread
setting in a fresh process because OpenMP fixes its pool at load time. Then
times ``aligner embed --presplit`` on 1,000 already-cached sentences.

    python scripts/bench_embed.py [-n 2000] [--threads 1 2]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


sys.path.insert(0, str(Path(__file__).resolve().parent))
import evaldata  # noqa: E402


def corpus_sentences(n: int) -> tuple[list[str], int]:
    """The corpus's unique sentences, topped up from TICO-19 (en, ne, tl in turn) if short.

    Returns the texts and how many came from the corpus.
    """
    from aligner.embed import has_content
    from aligner.ingest import read_manifest

    seen: dict[str, None] = {}
    for doc in read_manifest(ROOT / "corpus" / "manifest.json"):
        for t in doc.texts:
            if has_content(t):
                seen.setdefault(t, None)
    from_corpus = min(len(seen), n)
    if len(seen) < n:
        cols = [evaldata.tico_lines(lang) for lang in ("en", "ne", "tl")]
        for row in zip(*cols):
            for t in row:
                if len(seen) < n and has_content(t):
                    seen.setdefault(t, None)
    texts = list(seen)[:n]
    if len(texts) < n:
        raise SystemExit(f"only {len(texts)} unique sentences available, asked for {n}")
    return texts, from_corpus


def child(texts_file: str, cache_path: str, threads: int) -> None:
    from aligner.cache import EmbeddingCache
    from aligner.embed import embed, get_encoder

    texts = json.loads(Path(texts_file).read_text(encoding="utf-8"))
    enc = get_encoder(threads=threads)
    tokens = sum(enc.count_tokens(t) for t in texts)  # also loads the engine before timing
    result: dict[str, object] = {"tokens": tokens}
    for run in ("cold", "warm"):
        with EmbeddingCache(cache_path) as cache:
            t0 = time.perf_counter()
            embed(texts, enc, cache=cache)
            result[run] = {"seconds": time.perf_counter() - t0, "embedded": cache.stored, "hits": cache.hits}
    print(json.dumps(result))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-n", type=int, default=2000)
    ap.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--child", nargs=3, metavar=("TEXTS", "CACHE", "THREADS"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args.child[0], args.child[1], int(args.child[2]))
        return 0

    texts, from_corpus = corpus_sentences(args.n)
    with tempfile.TemporaryDirectory() as tmp:
        tfile = Path(tmp) / "texts.json"
        tfile.write_text(json.dumps(texts, ensure_ascii=False), encoding="utf-8")
        print(f"{len(texts)} sentences ({from_corpus} from corpus/, {len(texts) - from_corpus} from TICO-19 test), "
              f"{sum(map(len, texts))} characters; load average {os.getloadavg()[0]:.1f}")
        print("| threads | run | seconds | sentences/s | tokens/s | embedded | from cache |")
        print("|---|---|---|---|---|---|---|")
        last_cache = ""
        for threads in args.threads:
            cache = str(Path(tmp) / f"cache-{threads}.sqlite")
            env = dict(os.environ, OMP_NUM_THREADS=str(threads))
            out = subprocess.run(
                [sys.executable, __file__, "--child", str(tfile), cache, str(threads)],
                check=True, capture_output=True, text=True, env=env,
            ).stdout
            r = json.loads(out.strip().splitlines()[-1])
            for run in ("cold", "warm"):
                s = r[run]["seconds"]
                print(
                    f"| {threads} | {run} | {s:.2f} | {len(texts) / s:.1f} | {r['tokens'] / s:.0f} | "
                    f"{r[run]['embedded']} | {r[run]['hits']} |"
                )
            last_cache = cache

        presplit = Path(tmp) / "cached1000.txt"
        presplit.write_text("".join(t + "\n" for t in texts[:1000]), encoding="utf-8")
        cmd = [str(Path(sys.executable).with_name("aligner")), "embed", str(presplit), "--presplit",
               "--cache", last_cache, "-o", str(Path(tmp) / "out.npy")]
        t0 = time.perf_counter()
        done = subprocess.run(cmd, check=True, capture_output=True, text=True)
        took = time.perf_counter() - t0
        print()
        print(f"aligner embed --presplit of 1,000 cached sentences: {took:.2f}s wall "
              f"({done.stderr.strip()})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
