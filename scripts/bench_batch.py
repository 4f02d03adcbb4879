"""`aligner batch` throughput: groups/s and peak memory per worker at 1 and 2 local workers and on a
2-worker dask cluster started as real processes, and how time grows with the number of groups.

    python scripts/bench_batch.py [--groups 200] [--threads 1] [--no-dask] [--cold]

Each group is one article in Tagalog, Nepali and English (3 documents, 3 pairs), alternately a
FLORES dev article and a TICO-19 chunk (scripts/scenarios.py). A first run fills the default
embedding cache (shared with the other scripts), so the timed runs measure the batch itself; every
timed run writes a fresh folder with SOURCE_DATE_EPOCH pinned, and their outputs are compared byte
for byte. With --cold there is no warm-up: every timed run starts from its own empty cache, so it
measures a corpus builder's first pass, where embedding is the work; the native engine (which lives
beside the cache) is built in each fresh cache before its run and its time printed apart, as in
bench_run.py: a once-per-machine cost. The cluster is `dask scheduler` and `dask worker --nworkers 2 --nthreads 1` on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import scenarios

ROOT = Path(__file__).resolve().parents[1]
EPOCH = "1700000000"


def build_groups(root: Path, n: int) -> Path:
    """n groups, FLORES and TICO articles in turn, as files plus a JSONL manifest."""
    sources = {data: (scenarios.articles_of(data), {lang: scenarios.load_lines(lang, data)
                                                     for lang in ("tl", "ne", "en")})
               for data in ("flores", "tico")}
    lines = []
    taken = {"flores": 0, "tico": 0}
    for g in range(n):
        data = ("flores", "tico")[g % 2]
        arts, text = sources[data]
        if taken[data] >= len(arts):
            data = "tico" if data == "flores" else "flores"
            arts, text = sources[data]
        rows = arts[taken[data] % len(arts)]
        taken[data] += 1
        name = f"{data}-{g:04d}"
        folder = root / name
        folder.mkdir(parents=True)
        docs = []
        for lang in ("tl", "ne", "en"):
            (folder / f"{name}.{lang}.txt").write_text("\n".join(text[lang][r] for r in rows) + "\n", encoding="utf-8")
            docs.append({"file": f"{name}/{name}.{lang}.txt", "lang": lang, "kind": "text"})
        lines.append(json.dumps({"name": name, "documents": docs}))
    manifest = root / f"groups-{n}.jsonl"
    manifest.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return manifest


def head(manifest: Path, n: int) -> Path:
    out = manifest.with_name(f"groups-first-{n}.jsonl")
    out.write_text("\n".join(manifest.read_text(encoding="utf-8").splitlines()[:n]) + "\n", encoding="utf-8")
    return out


def env() -> dict:
    return dict(os.environ, SOURCE_DATE_EPOCH=EPOCH, PYTHONPATH=str(ROOT))


def batch(manifest: Path, out: Path, *extra: str) -> dict:
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "aligner", "batch", str(manifest), "--out", str(out), *extra],
                          cwd=ROOT, env=env(), capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    if proc.returncode not in (0, 6):  # 6: some groups failed (real data: a TICO "Tagalog" chunk in English)
        sys.exit(f"aligner batch {' '.join(extra)} failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    ledger = [json.loads(line) for f in sorted((out / ".ledger").glob("*.jsonl"))
              for line in f.read_text(encoding="utf-8").splitlines()]
    peak: dict[int, float] = {}
    for e in ledger:
        peak[e["pid"]] = max(peak.get(e["pid"], 0.0), e["peak_rss_mb"])
    groups = len(ledger)  # ok and failed: each was read, checked and counted
    failed = sum(1 for e in ledger if e["status"] != "ok")
    return {"seconds": seconds, "groups": groups, "failed": failed, "groups_per_s": groups / seconds,
            "workers_seen": len(peak), "peak_mb": max(peak.values()) if peak else 0.0}


def engine_build() -> float:
    """Build (or find) the native engine in the current cache folder, untimed by the runs.

    The engine lives beside the embedding cache, so an empty cache would otherwise make every cold
    run compile and probe it again: a once-per-machine cost (as in bench_run.py), not a batch's.
    """
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "aligner", "doctor", "--no-timing"], cwd=ROOT, env=env(),
                          capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"aligner doctor failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    return time.perf_counter() - t0


def tree(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and ".ledger" not in p.parts}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_cluster(logs: Path) -> tuple[str, list[subprocess.Popen]]:
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    dask = str(Path(sys.executable).with_name("dask"))  # the `dask` command of this environment
    sched = subprocess.Popen([dask, "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
                             cwd=ROOT, env=env(), stdout=open(logs / "scheduler.log", "w"), stderr=subprocess.STDOUT)
    time.sleep(3)
    worker = subprocess.Popen([dask, "worker", address, "--nworkers", "2",
                               "--nthreads", "1", "--host", "127.0.0.1", "--no-dashboard"],
                              cwd=ROOT, env=env(), stdout=open(logs / "worker.log", "w"), stderr=subprocess.STDOUT)
    from distributed import Client

    with Client(address, timeout="60s") as client:
        client.wait_for_workers(2, timeout=120)
    return address, [worker, sched]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--groups", type=int, default=200)
    parser.add_argument("--threads", type=int, default=1, help="encoder threads per worker (default 1)")
    parser.add_argument("--no-dask", action="store_true")
    parser.add_argument("--cold", action="store_true", help="each timed run from an empty cache (no warm-up)")
    args = parser.parse_args()
    threads = ["--threads", str(args.threads)]
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        manifest = build_groups(root / "in", args.groups)
        print(f"{args.groups} groups (FLORES dev and TICO-19 articles in turn, 3 documents each), "
              f"{'cold: each run from an empty cache' if args.cold else 'warm cache'}; "
              f"{os.cpu_count()} cores; load average before: {os.getloadavg()[0]:.1f}", flush=True)
        builds: list[float] = []

        def fresh_cache(label: str) -> None:
            if args.cold:  # read by env(), and by the dask workers started after it
                os.environ["ALIGNER_CACHE_DIR"] = str(root / f"cache-{label}")
                builds.append(engine_build())

        if not args.cold:
            warm = batch(manifest, root / "warm-up", "--workers", "2", *threads)
            print(f"warm-up (fills the embedding cache): {warm['seconds']:.1f} s", flush=True)
        rows = []
        runs = [("1 worker (in-process)", ["--workers", "1"]), ("2 workers (process pool)", ["--workers", "2"])]
        for label, extra in runs:
            fresh_cache(label.split()[0])
            rows.append((label, batch(manifest, root / label.split()[0], *extra, *threads)))
            print(f"  {label}: {rows[-1][1]['seconds']:.1f} s", flush=True)
        outputs = [root / "1", root / "2"]
        if not args.no_dask:
            fresh_cache("dask")
            address, procs = start_cluster(root)
            try:
                rows.append(("dask cluster, 2 worker processes", batch(manifest, root / "dask", "--dask", address,
                                                                       *threads)))
                print(f"  dask: {rows[-1][1]['seconds']:.1f} s", flush=True)
            finally:
                for p in procs:
                    p.terminate()
                    p.wait(30)
            outputs.append(root / "dask")
        same = len({hash(frozenset(tree(o).items())) for o in outputs}) == 1
        linear = []
        for n in (args.groups // 4, args.groups // 2):
            fresh_cache(f"lin-{n}")
            r = batch(head(manifest, n), root / f"lin-{n}", "--workers", "2", *threads)
            linear.append((n, r))
        linear.append((args.groups, rows[1][1]))
        load_after = os.getloadavg()[0]

    base = rows[0][1]["groups_per_s"]
    print()
    print("| run | groups (failed) | seconds | groups/s | vs 1 worker | peak RSS per worker (MB) |")
    print("|---|---|---|---|---|---|")
    for label, r in rows:
        print(f"| {label} | {r['groups']} ({r['failed']}) | {r['seconds']:.1f} | {r['groups_per_s']:.2f} | "
              f"{r['groups_per_s'] / base:.2f}x | {r['peak_mb']:.0f} |")
    print()
    print("| groups (2 workers) | seconds | seconds per group |")
    print("|---|---|---|")
    for n, r in linear:
        print(f"| {n} | {r['seconds']:.1f} | {r['seconds'] / n:.3f} |")
    print()
    print(f"outputs of {', '.join(str(o.name) for o in outputs)} byte-identical: {same}")
    if builds:
        print(f"native engine built (or found) in each fresh cache before its run, untimed: "
              f"{', '.join(f'{b:.1f}' for b in builds)} s")
    print(f"load average after: {load_after:.1f} (1-minute; other jobs on the machine count)")


if __name__ == "__main__":
    main()
