"""Byte-identity check: every output of the CLI at one commit against another.

A refactor that only moves code must not change a byte of what users get. This
runs a fixed set of commands (the corpus main job, ``align`` on FLORES
scenarios in every output format, ``gaps`` as text, JSON and HTML, ``tmx
merge|stats|validate``, ``segment``, ``embed``, ``eval``) with the clock pinned
(``SOURCE_DATE_EPOCH``) and the wheel's engine (``ALIGNER_NATIVE_ENGINE=0``),
and records the sha256 of every file written and of every stdout.

    python scripts/check_outputs.py --against COMMIT      # that commit's code vs this tree's
    python scripts/check_outputs.py --save FP.json        # this tree's fingerprint
    python scripts/check_outputs.py --compare FP.json     # this tree against a saved one

``--against`` unpacks COMMIT with ``git archive`` into a temp folder and runs
the same commands with that code (``python -m aligner`` from there), on the
same inputs, built once from this tree. Compare a branch with its merge-base
(``--against $(git merge-base HEAD main)``): main's aligner changes under
other work, and only the same align code can give the same bytes. The
embedding cache is the default one, so vectors are shared and runs are warm.
Prints one line per file (equal / DIFFERENT / only in one) and exits 1 if any differ.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

EPOCH = "1700000000"
# (scenario, source language, target language, [(format, extra options), ...])
SCENARIO_RUNS: tuple[tuple[str, str, str, list[tuple[str, list[str]]]], ...] = (
    ("gaps", "tl", "en", [("beads", []), ("tmx", [])]),
    ("merge", "ne", "en", [("tsv", []), ("jsonl", [])]),
    ("comparable", "tl", "ne", [("beads", []), ("tmx", ["--lang-codes", "omegat", "--min-score", "0.5"])]),
)
CORPUS = ("lenin.tl.wiki.txt", "lenin.ne.wiki.txt", "foundations-of-leninism.en.pdf.txt")


def build_inputs(where: Path) -> dict[str, Path]:
    """Presplit scenario files and their gold, written once and shared by both runs."""
    from scenarios import build

    files: dict[str, Path] = {"_root": where}
    for name, s, t, _ in SCENARIO_RUNS:
        sc = build(name, s, t)
        for side, lines in (("src", sc.src), ("tgt", sc.tgt)):
            p = where / f"{name}.{s}-{t}.{side}.txt"
            p.write_text("".join(x + "\n" for x in lines), encoding="utf-8")
            files[f"{name}.{side}"] = p
        gold = where / f"{name}.{s}-{t}.gold"
        gold.write_text("".join(f"{list(a)}:{list(b)}\n" for a, b in sc.gold), encoding="utf-8")
        files[f"{name}.gold"] = gold
    return files


def commands(inputs: dict[str, Path], out: Path) -> list[tuple[str, list[str]]]:
    """(label, aligner arguments); outputs go under ``out``, stdout is recorded under the label."""
    corpus = ROOT / "corpus"
    runs: list[tuple[str, list[str]]] = [
        ("run", ["run", "--manifest", str(corpus / "manifest.json"), "--out", str(out / "run"), "--diff", "all"]),
    ]
    for name, s, t, formats in SCENARIO_RUNS:
        src, tgt = str(inputs[f"{name}.src"]), str(inputs[f"{name}.tgt"])
        for fmt, extra in formats:
            label = f"align.{name}.{s}-{t}.{fmt}"
            runs.append((label, ["align", src, tgt, "--presplit", "--src-lang", s, "--tgt-lang", t,
                                 "--format", fmt, "-o", str(out / f"{label}.out"), *extra]))
        runs.append((f"eval.{name}", ["eval", str(inputs[f"{name}.gold"]), str(out / f"align.{name}.{s}-{t}.beads.out")]
                     if any(f == "beads" for f, _ in formats) else []))
    runs = [r for r in runs if r[1]]
    tl, ne, en = (str(corpus / f) for f in CORPUS)
    runs += [
        ("align.corpus.tl-ne.tmx", ["align", tl, ne, "--format", "tmx", "-o", str(out / "align.corpus.tl-ne.tmx")]),
        ("align.corpus.tl-ne.stdout", ["align", tl, ne, "--format", "tsv"]),
        ("gaps.stdout", ["gaps", tl, ne, en, "--format", "text", "--width", "120"]),
        ("gaps.collapse.stdout", ["gaps", tl, ne, "--collapse", "--section", "1"]),
        ("gaps.json", ["gaps", tl, ne, en, "-o", str(out / "gaps.json")]),
        ("gaps.html", ["gaps", tl, ne, en, "-o", str(out / "gaps.html")]),
        ("gaps.txt", ["gaps", tl, en, "-o", str(out / "gaps.txt"), "--width", "80"]),
        ("segment.tl", ["segment", tl]),
        ("segment.en", ["segment", en, "--format", "jsonl"]),
        ("embed", ["embed", str(inputs["gaps.src"]), "--presplit", "-o", str(out / "embed.npy"),
                   "--texts", str(out / "embed.txt")]),
    ]
    tmx_files = [out / "run" / "lenin.tl-ne.tmx", out / "align.gaps.tl-en.tmx.out"]
    runs += [
        ("tmx.merge", ["tmx", "merge", str(tmx_files[0]), str(out / "align.corpus.tl-ne.tmx"),
                       "-o", str(out / "merged.tmx"), "--lang-codes", "trados"]),
        ("tmx.stats", ["tmx", "stats", str(tmx_files[0]), "--json"]),
        ("tmx.stats.table", ["tmx", "stats", str(tmx_files[1])]),
        ("tmx.validate", ["tmx", "validate", str(out / "merged.tmx")]),
    ]
    return runs


def fingerprint(code: Path, inputs: dict[str, Path], out: Path) -> dict[str, str]:
    """Run every command with ``code``'s aligner; sha256 of each stdout and each file under ``out``."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "ALIGNER_NATIVE_ENGINE": "0", "COLUMNS": "120",
           "PYTHONPATH": str(code), "PYTHONHASHSEED": "0", "NO_COLOR": "1"}
    env.pop("FORCE_COLOR", None)
    sums: dict[str, str] = {}
    for label, args in commands(inputs, out):
        t0 = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "aligner", *args], cwd=code, env=env,
                              capture_output=True, stdin=subprocess.DEVNULL)
        print(f"  {label}: exit {proc.returncode}, {time.perf_counter() - t0:.1f} s", flush=True)
        if proc.returncode != 0:
            print(proc.stderr.decode("utf-8", "replace")[-2000:], file=sys.stderr)
        sums[f"exit:{label}"] = str(proc.returncode)
        sums[f"stdout:{label}"] = hashlib.sha256(proc.stdout).hexdigest()
    for f in sorted(p for p in out.rglob("*") if p.is_file()):
        sums[f"file:{f.relative_to(out)}"] = hashlib.sha256(f.read_bytes()).hexdigest()
    return sums


def run_at(code: Path, inputs: dict[str, Path], what: str) -> dict[str, str]:
    """One run into the same folder each time (paths appear in some stdouts), emptied afterwards."""
    print(f"{what}: {code}", flush=True)
    found = subprocess.run([sys.executable, "-c", "import aligner, tmx; print(aligner.__file__, tmx.__file__)"],
                           cwd=code, env={**os.environ, "PYTHONPATH": str(code)}, capture_output=True, text=True,
                           check=True).stdout.split()
    if not all(Path(f).resolve().is_relative_to(code.resolve()) for f in found):
        raise SystemExit(f"{code}: python imports {found}, not this code")
    out = inputs["_root"] / "out"
    out.mkdir()
    try:
        return fingerprint(code, inputs, out)
    finally:
        shutil.rmtree(out)


def unpack(commit: str, where: Path) -> Path:
    archive = where / "code.tar"
    with open(archive, "wb") as f:
        subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", commit], stdout=f, check=True)
    code = where / "code"
    with tarfile.open(archive) as tar:
        tar.extractall(code, filter="data")
    return code


def describe(commit: str) -> str:
    return subprocess.run(["git", "-C", str(ROOT), "log", "-1", "--format=%h %s", commit],
                          capture_output=True, text=True, check=True).stdout.strip()


def compare(before: dict[str, str], after: dict[str, str], names: tuple[str, str]) -> int:
    differ = 0
    for key in sorted(set(before) | set(after)):
        a, b = before.get(key), after.get(key)
        if a == b:
            state = "equal"
        elif a is None or b is None:
            state = f"only in {names[0] if b is None else names[1]}"
            differ += 1
        else:
            state = "DIFFERENT"
            differ += 1
        shown = a if key.startswith("exit:") else (a or b or "")[:16]
        print(f"{state:>12}  {key}  {shown}")
    files = sum(1 for k in set(before) | set(after) if k.startswith("file:"))
    outs = sum(1 for k in set(before) | set(after) if k.startswith("stdout:"))
    print(f"\n{files} files and {outs} stdouts compared ({names[0]} vs {names[1]}): "
          + ("all byte-identical" if not differ else f"{differ} differ"))
    return 1 if differ else 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    g = ap.add_mutually_exclusive_group(required=True)
    g.add_argument("--against", metavar="COMMIT", help="run COMMIT's code and this tree's, compare")
    g.add_argument("--save", metavar="FILE", help="write this tree's fingerprint to FILE")
    g.add_argument("--compare", metavar="FILE", help="compare this tree with a saved fingerprint")
    args = ap.parse_args()
    # One fixed folder: paths show in some stdouts, and a kept fingerprint must see the same ones.
    work = Path(tempfile.gettempdir()) / "aligner-check-outputs"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir()
    try:
        inputs = build_inputs(work)
        if args.save:
            Path(args.save).write_text(json.dumps(run_at(ROOT, inputs, "this tree"), indent=1, sort_keys=True) + "\n")
            return 0
        if args.compare:
            before = json.loads(Path(args.compare).read_text())
            return compare(before, run_at(ROOT, inputs, "this tree"), (args.compare, "this tree"))
        commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", args.against], capture_output=True,
                                text=True, check=True).stdout.strip()
        # a commit's outputs on the same inputs and commands never change
        key = hashlib.sha256(json.dumps(commands(inputs, Path("out")), default=str).encode()
                             + b"".join(p.read_bytes() for k, p in sorted(inputs.items()) if k != "_root")).hexdigest()[:12]
        kept = Path(tempfile.gettempdir()) / f"aligner-outputs-{commit[:12]}-{key}.json"
        if kept.is_file():
            print(f"before ({describe(commit)}): fingerprint kept from an earlier check, {kept}")
            before = json.loads(kept.read_text())
        else:
            with tempfile.TemporaryDirectory(prefix="check-code-") as code_tmp:
                before = run_at(unpack(commit, Path(code_tmp)), inputs, f"before ({describe(commit)})")
            kept.write_text(json.dumps(before, indent=1, sort_keys=True) + "\n")
        after = run_at(ROOT, inputs, "after (this tree)")
        return compare(before, after, (commit[:10], "this tree"))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
