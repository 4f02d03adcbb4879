"""Whole-corpus main job, cold (empty embedding cache) then warm: prints both times.

    python scripts/bench_run.py [--keep-cache DIR]

Cold embeds every sentence of the four corpus documents; warm must embed none.
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


def run(out: Path, cache: Path) -> tuple[float, str]:
    env = dict(os.environ, ALIGNER_CACHE_DIR=str(cache), SOURCE_DATE_EPOCH="1700000000")
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "aligner", "run", "--out", str(out), "--no-gaps"],
                          cwd=ROOT, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - t0
    if proc.returncode != 0:
        sys.exit(f"aligner run failed ({proc.returncode}):\n{proc.stderr}")
    status = [ln for ln in proc.stderr.splitlines() if "documents," in ln]
    return elapsed, status[-1] if status else "?"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--keep-cache", metavar="DIR", help="use (and keep) this cache folder")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        cache = Path(args.keep_cache) if args.keep_cache else Path(tmp) / "cache"
        cold, cold_msg = run(Path(tmp) / "cold", cache)
        warm, warm_msg = run(Path(tmp) / "warm", cache)
        report = json.loads((Path(tmp) / "warm" / "report.json").read_text(encoding="utf-8"))
        same = all((Path(tmp) / "cold" / p.name).read_bytes() == p.read_bytes()
                   for p in (Path(tmp) / "warm").iterdir())
    sentences = sum(d["sentences"] for d in report["documents"])
    print(f"documents: {len(report['documents'])}, sentences: {sentences}, pairs: {len(report['pairs'])}")
    print(f"cold run: {cold:7.1f} s   ({cold_msg})")
    print(f"warm run: {warm:7.1f} s   ({warm_msg})")
    print(f"cold and warm outputs byte-identical (SOURCE_DATE_EPOCH pinned): {same}")
    for p in report["pairs"]:
        a, b = p["languages"]
        print(f"  {p['tmx']:<45} {p['mode']:<11} {a} {p[a]['aligned']}/{p[a]['sentences']}"
              f"  {b} {p[b]['aligned']}/{p[b]['sentences']}  TUs {p['tus_written']}")


if __name__ == "__main__":
    main()
