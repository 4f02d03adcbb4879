"""`aligner batch` killed mid-run (issue 14): SIGKILL, resume, and compare with a clean run and shards.

    python scripts/batch_kill_drill.py [--groups 200] [--after 9] [--workers 2]

The groups are bench_batch.py's (FLORES and TICO articles in turn). The engine is built first,
in a fresh cache folder. A batch is started, its process group is killed with SIGKILL after
``--after`` seconds, and the ledger is read. Then the batch is run again. The drill prints what the
re-run skipped and ran; whether the finished groups' folders kept their inodes and mtimes (nothing
recomputed); whether a scratch folder was left; and whether the resumed output is byte-identical to
a clean run's. It also checks three shards run one after another into one folder, then a plain run.
The tests do the same on 10 groups (tests/test_batch.py); this is the full size, and it prints.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_batch

ROOT = Path(__file__).resolve().parents[1]


def batch(manifest: Path, out: Path, env: dict, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "aligner", "batch", str(manifest), "--out", str(out), *extra],
                          cwd=ROOT, env=env, capture_output=True, text=True)


def state(out: Path, groups: list[str]) -> dict[str, tuple[int, int]]:
    """Each group folder's inode and newest file mtime: unchanged if nothing was recomputed."""
    return {g: ((out / g).stat().st_ino, max(p.stat().st_mtime_ns for p in (out / g).rglob("*"))) for g in groups}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--groups", type=int, default=200)
    ap.add_argument("--after", type=float, default=9.0, help="seconds before the SIGKILL")
    ap.add_argument("--workers", default="2")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        manifest = bench_batch.build_groups(root / "in", args.groups)
        os.environ["ALIGNER_CACHE_DIR"] = str(root / "cache")  # read by bench_batch.env()
        env = bench_batch.env()
        bench_batch.engine_build()
        out = root / "killed"
        proc = subprocess.Popen([sys.executable, "-m", "aligner", "batch", str(manifest), "--out", str(out),
                                 "--workers", args.workers], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, start_new_session=True)
        time.sleep(args.after)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        ledger = [json.loads(line) for f in (out / ".ledger").glob("*.jsonl")
                  for line in f.read_text(encoding="utf-8").splitlines() if line.strip()]
        done = sorted({e["name"] for e in ledger if (out / e["name"]).is_dir()})
        before = state(out, done)
        print(f"{args.groups} groups, --workers {args.workers}: SIGKILL after {args.after:g} s "
              f"(exit {proc.returncode}), {len(done)} groups in the ledger")
        t0 = time.perf_counter()
        again = batch(manifest, out, env, "--workers", args.workers)
        said = [ln.strip() for ln in again.stderr.splitlines() if "skipping" in ln or "groups run" in ln]
        print(f"re-run: exit {again.returncode} in {time.perf_counter() - t0:.1f} s; it said: {' | '.join(said)}")
        print(f"finished groups untouched (inode and newest mtime): {before == state(out, done)}; scratch folders left: "
              f"{sorted(p.name for p in out.iterdir() if p.name.startswith('.g'))}")
        clean = root / "clean"
        batch(manifest, clean, env, "--workers", args.workers)
        shards = root / "shards"
        for i in (1, 2, 3):
            batch(manifest, shards, env, "--workers", "1", "--shard", f"{i}/3")
        batch(manifest, shards, env, "--workers", "1")
        ref = bench_batch.tree(clean)
        print(f"files: {len(ref)}; resumed == clean run: {bench_batch.tree(out) == ref}; "
              f"3 shards + a plain run == clean run: {bench_batch.tree(shards) == ref}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
