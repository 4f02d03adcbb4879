"""Fault drill (issue 11): faults at random moments, then check that nothing was lost.

    python scripts/fault_drill.py [--tries 50] [--only sigint,sigkill,...] [--seed 1]

A drill, not a test: it takes minutes and needs root for the full-disk
scenario (a small tmpfs mount). Real runs of ``aligner run`` with the default
encoder on tiny documents (slices of corpus/), SOURCE_DATE_EPOCH pinned:

- sigint, sigkill: a cold run (fresh cache folder per try) is interrupted or
  killed at a random moment of its calibrated duration;
- concurrent: two runs at once on one --out and one (cold) cache, different inputs;
- cache-damage: random bytes, 4 KB blocks of noise or zeros written over a warm
  cache anywhere past its 100-byte header (header damage is refused untouched:
  tests/test_cache_safety.py);
- full-disk: --out and the cache on a tmpfs filled to a random few KB;
- hostile: documents with escape sequences, C1 controls, bidi overrides, lone
  surrogates (WTF-8 bytes), NUL, 1 MB lines, Latin-1 and UTF-16 chunks.

After each try: the previous output is untouched (or the run's complete
output is there), no temp file or folder is left, the user's files are all
there, the cache verifies, and a re-run gives byte-identical output. Prints a
table: scenario, tries, failures (and the first few failure reasons).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

EPOCH = "1700000000"
NOTES = "notes.txt"
NOTES_TEXT = "the user's own notes, next to the outputs\n"
TEMP_SIGNS = (".aligner-tmp", ".aligner-out.json.tmp", ".part", ".corrupt-", ".partial-", ".old-")
# tiny documents: the first sentences of three corpus files (2 + 3 + 3 sentences, 784 characters)
SLICES = (("lenin.tl.wiki.txt", 2, "tl"), ("lenin.ne.wiki.txt", 3, "ne"), ("lenin-and-stalin.en.web.txt", 3, "en"))


def snapshot(folder: Path) -> dict[str, bytes]:
    if not folder.exists():
        return {}
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def leftovers(*folders: Path) -> list[str]:
    found = []
    for folder in folders:
        if folder.exists():
            found += [str(p) for p in folder.rglob("*") if any(s in p.name for s in TEMP_SIGNS)]
    return found


class Drill:
    def __init__(self, work: Path, seed: int):
        from aligner.embed import get_encoder

        self.work = work
        self.rng = random.Random(seed)
        self.encoder = get_encoder()
        self.docs_dir = work / "docs"
        self.docs_dir.mkdir()
        self.doc_paths = []
        from aligner.ingest import document_from_text

        for name, n, lang in SLICES:
            head = "\n".join((ROOT / "corpus" / name).read_text(encoding="utf-8").splitlines()[:8]) + "\n"
            sentences = [s.text for s in document_from_text(head, lang=lang).sentences[:n]]
            path = self.docs_dir / name
            path.write_text("\n".join(sentences) + "\n", encoding="utf-8")
            self.doc_paths.append(path)
        self.prev_args = [str(p) for p in self.doc_paths[:2]]  # the previous run: tl, ne
        self.new_args = [str(p) for p in self.doc_paths]  # the run under fault: tl, ne, en
        os.environ["SOURCE_DATE_EPOCH"] = EPOCH
        self.template_cache = work / "template-cache"  # every sentence of the three documents
        self.prev_cache = work / "prev-cache"  # only those of the previous run's two
        self.ref_prev = self.reference(self.prev_args, "ref-prev")
        shutil.copytree(self.template_cache, self.prev_cache)
        self.ref_new = self.reference(self.new_args, "ref-new")
        self.ref_new_omegat = self.reference(self.new_args, "ref-new-omegat", lang_codes="omegat")
        assert set(self.ref_prev) != set(self.ref_new) and self.ref_new != self.ref_new_omegat
        self.cold_seconds = self.calibrate()

    # -- helpers -----------------------------------------------------------

    def documents(self, args: list[str]):
        from aligner.ingest import read_document

        langs = {p.name: lang for p, (_, _, lang) in zip(self.doc_paths, SLICES)}
        return [read_document(a, lang=langs.get(Path(a).name)) for a in args]

    def run_inprocess(self, args: list[str], out: Path, cache_dir: Path, lang_codes: str = "bcp47"):
        from aligner.formats import TmxOptions
        from aligner.job import JobOptions, run_job

        os.environ["ALIGNER_CACHE_DIR"] = str(cache_dir)
        return run_job(self.documents(args), out, encoder=self.encoder, inputs=args,
                       options=JobOptions(tmx=TmxOptions(lang_codes=lang_codes)))  # type: ignore[arg-type]

    def reference(self, args: list[str], name: str, lang_codes: str = "bcp47") -> dict[str, bytes]:
        out = self.work / name
        self.run_inprocess(args, out, self.template_cache, lang_codes)
        return snapshot(out)

    def env(self, cache_dir: Path) -> dict[str, str]:
        return dict(os.environ, ALIGNER_CACHE_DIR=str(cache_dir), SOURCE_DATE_EPOCH=EPOCH,
                    PYTHONPATH=str(ROOT), NO_COLOR="1")

    def cli(self, args: list[str], out: Path, cache_dir: Path, *extra: str) -> subprocess.Popen:
        langs = [lang for _, _, lang in SLICES][: len(args)]
        return subprocess.Popen([sys.executable, "-m", "aligner", "run", *args, "--lang", *langs,
                                 "--out", str(out), "--no-gaps", *extra],
                                env=self.env(cache_dir), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                text=True)

    def calibrate(self) -> float:
        t0 = time.perf_counter()
        cache, out = self.work / "calib-cache", self.work / "calib-out"
        proc = self.cli(self.new_args, out, cache)
        _, err = proc.communicate()
        if proc.returncode != 0:
            sys.exit(f"calibration run failed:\n{err}")
        seconds = time.perf_counter() - t0
        if snapshot(out) != self.ref_new:
            sys.exit("calibration run differs from the in-process reference")
        shutil.rmtree(cache)
        shutil.rmtree(out)
        return seconds

    def try_dir(self, k: int) -> Path:
        d = Path(tempfile.mkdtemp(prefix=f"try{k}-", dir=self.work))
        (d / "keep").mkdir()
        (d / "keep" / "mine.txt").write_text("a file beside --out\n")
        return d

    def previous_output(self, out: Path) -> None:
        """--out as a user has it: the previous run's files, its marker, and the user's notes."""
        out.mkdir(parents=True)
        for name, data in self.ref_prev.items():
            (out / name).write_bytes(data)
        (out / NOTES).write_text(NOTES_TEXT)

    def outputs(self, out: Path) -> dict[str, bytes]:
        return {k: v for k, v in snapshot(out).items() if k != NOTES}

    def after(self, d: Path, out: Path, cache_dir: Path, problems: list[str], *, allow_journal=False) -> None:
        """The checks every scenario ends with."""
        from aligner.cache import EmbeddingCache

        if not (out / NOTES).is_file() or (out / NOTES).read_text() != NOTES_TEXT:
            problems.append("user notes lost or changed")
        if (d / "keep" / "mine.txt").read_text() != "a file beside --out\n":
            problems.append("file beside --out changed")
        extra = sorted(p.name for p in d.iterdir()) != sorted(["keep", out.name, cache_dir.name]) and \
            sorted(p.name for p in d.iterdir()) != sorted(["keep", out.name])
        if extra:
            problems.append(f"unexpected entries beside --out: {sorted(p.name for p in d.iterdir())}")
        if not allow_journal and leftovers(out, d, cache_dir):
            problems.append(f"left behind: {leftovers(out, d, cache_dir)}")
        if cache_dir.exists() and (cache_dir / "embeddings.sqlite").exists():
            with EmbeddingCache(cache_dir / "embeddings.sqlite") as c:
                r = c.verify()
            if not r.ok:
                problems.append(f"cache does not verify: {r}")
        self.run_inprocess(self.new_args, out, cache_dir)
        if self.outputs(out) != self.ref_new:
            problems.append("re-run output differs from the reference")
        if leftovers(out, d, cache_dir):
            problems.append(f"left behind after the re-run: {leftovers(out, d, cache_dir)}")

    def state_is_whole(self, out: Path, problems: list[str], rc, *whole: dict[str, bytes]) -> None:
        got = self.outputs(out)
        if any(got == ref for ref in whole or (self.ref_prev, self.ref_new)):
            return
        problems.append(f"output neither the previous nor the new one (rc {rc}): {sorted(got)}")

    # -- scenarios ------------------------------------------------------------

    def interrupted(self, k: int, sig: int) -> list[str]:
        problems: list[str] = []
        d = self.try_dir(k)
        out, cache = d / "out", d / "cache"
        self.previous_output(out)
        proc = self.cli(self.new_args, out, cache)
        delay = self.rng.uniform(0.0, self.cold_seconds * 1.05)
        try:
            _, err = proc.communicate(timeout=delay)
        except subprocess.TimeoutExpired:
            proc.send_signal(sig)
            _, err = proc.communicate()
        rc = proc.returncode
        if sig == signal.SIGINT:
            if rc not in (0, 130):
                problems.append(f"exit {rc} after SIGINT at {delay:.2f} s")
            if "Traceback" in err:
                problems.append(f"traceback after SIGINT at {delay:.2f} s: {err.strip().splitlines()[-1]}")
            self.state_is_whole(out, problems, rc)
            self.after(d, out, cache, problems)
        else:
            if rc not in (0, -signal.SIGKILL):
                problems.append(f"exit {rc} after SIGKILL at {delay:.2f} s")
            # a killed run cannot clean up: every output file must still be a whole previous or new one,
            # and the next run finishes or undoes what the journal says
            for name, data in self.outputs(out).items():
                if any(s in name for s in TEMP_SIGNS) or name == ".aligner-out.json":
                    continue
                if data != self.ref_prev.get(name) and data != self.ref_new.get(name):
                    problems.append(f"{name} is neither the previous nor the new file")
            self.after(d, out, cache, problems, allow_journal=True)
        shutil.rmtree(d)
        return problems

    def sigint(self, k: int) -> list[str]:
        return self.interrupted(k, signal.SIGINT)

    def sigkill(self, k: int) -> list[str]:
        return self.interrupted(k, signal.SIGKILL)

    def concurrent(self, k: int) -> list[str]:
        problems: list[str] = []
        d = self.try_dir(k)
        out, cache = d / "out", d / "cache"
        self.previous_output(out)
        # both embed the third document into one cache and write different TMX into one folder
        shutil.copytree(self.prev_cache, cache)
        order = [["--lang-codes", "bcp47"], ["--lang-codes", "omegat"]]
        self.rng.shuffle(order)
        procs = [self.cli(self.new_args, out, cache, *order[0])]
        time.sleep(self.rng.uniform(0, 1.0))
        procs.append(self.cli(self.new_args, out, cache, *order[1]))
        for p in procs:
            _, err = p.communicate()
            if p.returncode != 0:
                problems.append(f"a concurrent run exited {p.returncode}: {err.strip().splitlines()[-1:]}")
        self.state_is_whole(out, problems, [p.returncode for p in procs], self.ref_new, self.ref_new_omegat)
        self.after(d, out, cache, problems)
        shutil.rmtree(d)
        return problems

    def cache_damage(self, k: int) -> list[str]:
        from aligner.cache import EmbeddingCache

        problems: list[str] = []
        d = self.try_dir(k)
        out, cache = d / "out", d / "cache"
        self.previous_output(out)
        shutil.copytree(self.template_cache, cache)
        path = cache / "embeddings.sqlite"
        raw = bytearray(path.read_bytes())
        how = self.rng.choice(["bytes", "noise-4k", "zeros-4k"])
        if how == "bytes":
            for _ in range(self.rng.randint(1, 64)):
                raw[self.rng.randrange(100, len(raw))] = self.rng.randrange(256)
        else:
            at = self.rng.randrange(100, len(raw) - 1)
            n = min(4096, len(raw) - at)
            raw[at:at + n] = bytes(self.rng.randrange(256) for _ in range(n)) if how == "noise-4k" else bytes(n)
        path.write_bytes(bytes(raw))
        try:
            self.run_inprocess(self.new_args, out, cache)
        except Exception as exc:  # noqa: BLE001 - a drill reports every failure
            problems.append(f"run failed on a damaged cache ({how}): {exc!r}")
        if self.outputs(out) != self.ref_new:
            problems.append(f"output differs after cache damage ({how})")
        with EmbeddingCache(path) as c:
            c.verify(drop=True)  # rows whose key was damaged no text will ever find again
        self.after(d, out, cache, problems)
        shutil.rmtree(d)
        return problems

    def full_disk(self, k: int) -> list[str]:
        problems: list[str] = []
        d = self.try_dir(k)
        mnt = d / "disk"
        mnt.mkdir()
        subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mnt)], check=True)
        try:
            out, cache = mnt / "out", mnt / "cache"
            self.previous_output(out)
            shutil.copytree(self.prev_cache, cache)  # the third document's vectors are written on the full disk
            filler = mnt / "filler.bin"
            st = os.statvfs(mnt)
            free = st.f_bavail * st.f_frsize
            leave = self.rng.randrange(0, 64 * 1024)
            try:
                with open(filler, "wb") as f:
                    f.write(b"\xa5" * max(0, free - leave))
            except OSError:
                pass
            filler_size = filler.stat().st_size
            prev = self.outputs(out)
            error: Exception | None = None
            try:
                self.run_inprocess(self.new_args, out, cache)
            except OSError as exc:
                error = exc
            except Exception as exc:  # noqa: BLE001
                from aligner.errors import InputError

                error = exc
                if not isinstance(exc, InputError):
                    problems.append(f"full disk gave {exc!r}")
            got = self.outputs(out)
            if error is None and got != self.ref_new:
                problems.append("run succeeded but output differs")
            if error is not None and got != prev:
                problems.append(f"failed run ({error!r}) changed the previous output")
            if filler.stat().st_size != filler_size:
                problems.append("the user's filler file changed")
            if leftovers(out, mnt, cache):
                problems.append(f"left behind on a full disk: {leftovers(out, mnt, cache)}")
            filler.unlink()
            # the disk is the try folder here: its checks, then the re-run on free space
            from aligner.cache import EmbeddingCache

            if (cache / "embeddings.sqlite").exists():
                with EmbeddingCache(cache / "embeddings.sqlite") as c:
                    r = c.verify()
                if not r.ok:
                    problems.append(f"cache does not verify after a full disk: {r}")
            if (out / NOTES).read_text() != NOTES_TEXT:
                problems.append("user notes lost")
            self.run_inprocess(self.new_args, out, cache)
            if self.outputs(out) != self.ref_new:
                problems.append("re-run after freeing space differs")
            if leftovers(out, mnt, cache):
                problems.append(f"left behind after the re-run: {leftovers(out, mnt, cache)}")
        finally:
            subprocess.run(["umount", str(mnt)], check=True)
        shutil.rmtree(d)
        return problems

    def hostile_text(self, k: int) -> bytes:
        rng = self.rng
        base = [ln for p in self.doc_paths[:1] for ln in p.read_text(encoding="utf-8").splitlines() if ln]
        pieces = [
            b"\x1b]0;pwned\x07", b"\x1b[2J\x1b[H", b"\x1b[31mred\x1b[0m", "\u0085\u009b31m".encode(),
            "\u202eevil\u202c".encode(), "\u2066iso\u2069".encode(), b"\x00", b"\x00\x00\x00",
            b"\xed\xa0\x80", b"\xed\xb3\xbf",  # lone surrogates, WTF-8
            "café".encode("latin-1"), "\ufeffçà".encode("utf-16"), b"\r", b"\x0c\x0b", "\u2028".encode(),
        ]
        out = bytearray()
        for line in base:
            words = line.encode("utf-8").split(b" ")
            for _ in range(rng.randint(1, 6)):
                words.insert(rng.randrange(len(words) + 1), rng.choice(pieces))
            out += b" ".join(words) + b"\n"
        if k % 10 == 0:  # a 1 MB line in every tenth try: embedding one costs about a minute here
            piece = rng.choice([b"a", b"\x00", "ड".encode(), b"word ", b"\x1b[0m"])
            out += piece * ((1 << 20) // len(piece)) + b"\n"
        return bytes(out)

    def hostile(self, k: int) -> list[str]:
        from aligner.cli import main

        problems: list[str] = []
        d = self.try_dir(k)
        out, cache = d / "out", d / "cache"
        self.previous_output(out)
        shutil.copytree(self.template_cache, cache)
        bad = d / "keep" / "hostile.tl.txt"
        bad.write_bytes(self.hostile_text(k))
        args = ["run", str(bad), str(self.doc_paths[2]), "--lang", "tl", "en", "--out", str(out), "--no-gaps"]
        os.environ["ALIGNER_CACHE_DIR"] = str(cache)
        prev = self.outputs(out)
        runs = []
        for _ in range(2):
            buf_out, buf_err = io.StringIO(), io.StringIO()
            try:
                with contextlib.redirect_stdout(buf_out), contextlib.redirect_stderr(buf_err):
                    rc = main(args)
            except BaseException as exc:  # noqa: BLE001
                problems.append(f"hostile document escaped main: {exc!r}")
                rc = None
            text = buf_out.getvalue() + buf_err.getvalue()
            raw = [c for c in text if (ord(c) < 32 and c not in "\n\t") or 0x7f <= ord(c) < 0xa0
                   or 0x202a <= ord(c) <= 0x202e or 0x2066 <= ord(c) <= 0x2069]
            if raw:
                problems.append(f"raw control characters reached the terminal: {sorted(set(map(hex, map(ord, raw))))}")
            runs.append((rc, self.outputs(out)))
        rc = runs[0][0]
        if rc not in (0, 2):
            problems.append(f"hostile document: exit {rc}")
        if rc == 2 and runs[0][1] != prev:
            problems.append("a refused hostile document changed the previous output")
        if rc == 0:
            from tmx.validate import validate

            for name in runs[0][1]:
                if name.endswith(".tmx"):
                    report = validate(out / name)
                    if not report.ok:
                        problems.append(f"{name} invalid: {report.errors[:2]}")
            json.loads((out / "report.json").read_text(encoding="utf-8"))
        if runs[0] != runs[1]:
            problems.append("hostile document: the re-run differs")
        if leftovers(out, d, cache):
            problems.append(f"left behind: {leftovers(out, d, cache)}")
        self.after(d, out, cache, problems)
        shutil.rmtree(d)
        return problems


SCENARIOS = ("sigint", "sigkill", "concurrent", "cache-damage", "full-disk", "hostile")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tries", type=int, default=50)
    parser.add_argument("--only", default=",".join(SCENARIOS), help="comma-separated scenarios")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    import logging

    logging.disable(logging.WARNING)  # the drill expects the cache's warnings; it checks outcomes
    with tempfile.TemporaryDirectory(prefix="fault-drill-") as tmp:
        drill = Drill(Path(tmp), args.seed)
        print(f"cold subprocess run: {drill.cold_seconds:.1f} s (kill moments drawn from 0..{drill.cold_seconds * 1.05:.1f} s)",
              flush=True)
        rows: list[tuple[str, int, int, float, list[str]]] = []
        try:
            for name in args.only.split(","):
                run_scenario(drill, name, args.tries, rows)
        except KeyboardInterrupt:  # Ctrl-C: the table of what ran so far
            print("interrupted; the table counts the tries that finished", flush=True)
    print()
    print(f"{'scenario':<14} {'tries':>6} {'failures':>9} {'seconds':>8}")
    for name, tries, failures, seconds, _ in rows:
        print(f"{name:<14} {tries:>6} {failures:>9} {seconds:>8.0f}")


def run_scenario(drill: Drill, name: str, tries: int, rows: list[tuple[str, int, int, float, list[str]]]) -> None:
    fn = getattr(drill, name.replace("-", "_"))
    failures, done = 0, 0
    reasons: list[str] = []
    t0 = time.perf_counter()
    try:
        for k in range(tries):
            problems = fn(k)
            done += 1
            if problems:
                failures += 1
                reasons.extend(problems[:1])
                print(f"    try {k}: {problems[0]}", flush=True)
            if (k + 1) % 10 == 0:
                print(f"    {name}: {k + 1} tries, {failures} failures, {time.perf_counter() - t0:.0f} s", flush=True)
    finally:
        rows.append((name, done, failures, time.perf_counter() - t0, reasons[:3]))
        print(f"  {name}: {failures} failures in {done} tries ({rows[-1][3]:.0f} s)", flush=True)


if __name__ == "__main__":
    main()
