"""Benchmark: write N TUs with tmx.write_tmx (streaming), then read them back
with tmx.read.iter_tus, printing wall time and peak RSS for each phase.

Usage: python scripts/bench_tmx.py [--n 1000000] [--out FILE.tmx]
Bars (issue 5): 1,000,000 TUs written in <= 60 s with peak RSS <= 300 MB.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from aligner.formats import TOOL
from tmx.model import TranslationUnit
from tmx.read import iter_tus
from tmx.write import write_tmx

WORDS_EN = "the cat sat on a mat while rain fell over quiet hills and rivers".split()
WORDS_TL = "ang pusa ay umupo sa banig habang umuulan sa mga tahimik na burol".split()


def peak_rss_mb() -> float:
    """Peak resident set size of this process (ru_maxrss is KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_s() -> float:
    """User+system CPU seconds of this process: wall time misleads on a shared machine."""
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def current_rss_mb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def synthetic_tus(n: int) -> Iterator[TranslationUnit]:
    """Realistic-sized TUs (about 80 and 90 characters, six props) made cheaply,
    so the benchmark measures the writer rather than this generator."""
    pool = []
    for k in range(997):
        length = 6 + k % 9
        en = " ".join(WORDS_EN[(k + j) % len(WORDS_EN)] for j in range(length))
        tl = " ".join(WORDS_TL[(k * 7 + j) % len(WORDS_TL)] for j in range(length + 1))
        pool.append((en, tl))
    scores = [f"{k / 1000:.4f}" for k in range(1000)]
    for i in range(n):
        en, tl = pool[i % 997]
        pos = str(i)
        yield TranslationUnit(
            tuid=f"{i:012x}",
            segs=(("en", f"{en} {pos}."), ("tl", f"{tl} {pos}.")),
            props=(
                ("x-score", scores[i % 1000]),
                ("x-bead", "1-1"),
                ("x-document-en", "bench.en.txt"),
                ("x-document-tl", "bench.tl.txt"),
                ("x-position-en", pos),
                ("x-position-tl", pos),
            ),
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    out = args.out or Path(tempfile.mkdtemp(prefix="bench_tmx.")) / "bench.tmx"
    print(f"python {sys.version.split()[0]}, pid {os.getpid()}, start RSS {current_rss_mb():.1f} MB")

    t0 = time.perf_counter()
    for _ in synthetic_tus(args.n):
        pass
    gen_s = time.perf_counter() - t0
    print(f"generate only (no writing): {args.n} TUs in {gen_s:.1f} s")

    t0 = time.perf_counter()
    c0 = cpu_s()
    stats = write_tmx(out, synthetic_tus(args.n), srclang="en", langs=["en", "tl"], tool=TOOL, creationdate="20260101T000000Z")
    write_s = time.perf_counter() - t0
    write_cpu = cpu_s() - c0
    write_peak = peak_rss_mb()
    size_mb = out.stat().st_size / 1e6
    print(f"write (generation included): {stats.written} TUs in {write_s:.1f} s ({stats.written / write_s:,.0f} TU/s, CPU {write_cpu:.1f} s), "
          f"file {size_mb:.1f} MB, peak RSS {write_peak:.1f} MB")

    t0 = time.perf_counter()
    c0 = cpu_s()
    n_read = 0
    n_chars = 0
    for tu in iter_tus(out):
        n_read += 1
        n_chars += len(tu.segs[1][1])
    read_s = time.perf_counter() - t0
    read_cpu = cpu_s() - c0
    read_peak = peak_rss_mb()
    print(f"read:  {n_read} TUs in {read_s:.1f} s ({n_read / read_s:,.0f} TU/s, CPU {read_cpu:.1f} s), peak RSS {read_peak:.1f} MB "
          f"(process peak so far)")
    ok_write = write_s <= 60 and write_peak <= 300
    ok_read = n_read == stats.written
    print(f"bar write<=60s & peak<=300MB: {'PASS' if ok_write else 'FAIL'}; read back all TUs: {'PASS' if ok_read else 'FAIL'}")
    if args.out is None:
        out.unlink()
        out.parent.rmdir()
    return 0 if ok_write and ok_read else 1


if __name__ == "__main__":
    sys.exit(main())
