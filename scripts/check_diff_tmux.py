"""Run the coverage diff in a real terminal (tmux) and measure every line it shows.

The terminal is the judge of widths: tmux lays the output out, ``capture-pane -J``
joins the lines it had to wrap, and each captured line is measured with
``wcwidth``. A line wider than the terminal is one the terminal wrapped at
column 0. rich's own measure of the same line is printed beside it, since rich
undercounts Devanagari vowel signs. Also counted: lines holding Devanagari and
lines holding Latin letters, so both languages are seen on screen.
Usage:
    python scripts/check_diff_tmux.py [--widths 80,160] [--cwd DIR] [-- ARGS...]
ARGS default to ``run --diff all --out <temp folder>`` on the corpus.
"""

from __future__ import annotations

import argparse
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import wcwidth
from rich.cells import cell_len

ROOT = Path(__file__).resolve().parents[1]
DEVANAGARI = re.compile("[\u0900-\u097f]")
LATIN = re.compile("[A-Za-z]{3}")


def capture(argv: list[str], width: int, cwd: Path, tmp: Path, height: int = 50) -> str:
    sock, done, conf = tmp / f"tmux-{width}.sock", tmp / f"done-{width}", tmp / "tmux.conf"
    conf.write_text("set -g history-limit 500000\n", encoding="utf-8")
    shell = (f"cd {shlex.quote(str(cwd))} && env -u NO_COLOR TERM=xterm-256color {shlex.join(argv)}; "
             f"echo $? > {shlex.quote(str(done))}; sleep 600")
    base = ["tmux", "-S", str(sock), "-f", str(conf)]
    subprocess.run([*base, "new-session", "-d", "-s", "diff", "-x", str(width), "-y", str(height), shell],
                   check=True)
    try:
        while not done.exists() or not done.read_text().strip():
            time.sleep(0.5)
        code = done.read_text().strip()
        if code != "0":
            raise SystemExit(f"the command exited with {code} in tmux")
        return subprocess.run([*base, "capture-pane", "-p", "-J", "-t", "diff", "-S", "-", "-E", "-"],
                              check=True, capture_output=True, text=True).stdout
    finally:
        subprocess.run([*base, "kill-server"], capture_output=True, check=False)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--widths", default="80,160")
    ap.add_argument("--cwd", default=str(ROOT), help="project folder to run in (default: this one)")
    ap.add_argument("args", nargs="*")
    args = ap.parse_args()
    if shutil.which("tmux") is None:
        raise SystemExit("tmux is not installed")
    cwd = Path(args.cwd)
    print("| width | lines | wider than the terminal (wcwidth) | widest (wcwidth) | widest (rich) "
          "| lines with Devanagari | lines with Latin |")
    print("|---|---|---|---|---|---|---|")
    worst = 0
    with tempfile.TemporaryDirectory(prefix="diff-tmux-") as t:
        tmp = Path(t)
        extra = args.args or ["run", "--diff", "all", "--out", str(tmp / "out")]
        argv = [sys.executable, "-m", "aligner", *extra]
        for width in (int(w) for w in args.widths.split(",")):
            lines = [line.rstrip() for line in capture(argv, width, cwd, tmp).splitlines()]
            while lines and not lines[-1]:
                lines.pop()
            over = sum(wcwidth.wcswidth(line) > width for line in lines)
            worst = max(worst, over)
            print(f"| {width} | {len(lines)} | {over} | {max(map(wcwidth.wcswidth, lines))} | "
                  f"{max(map(cell_len, lines))} | {sum(bool(DEVANAGARI.search(x)) for x in lines)} | "
                  f"{sum(bool(LATIN.search(x)) for x in lines)} |", flush=True)
    print(f"\ncommand: aligner {shlex.join(extra)}  (in {cwd})")
    return 1 if worst else 0


if __name__ == "__main__":
    sys.exit(main())
