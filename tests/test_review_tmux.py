"""`aligner review` in a real terminal (tmux), as a person uses it: open, confirm three
links, re-link one, quit, open again, and the decisions are there; at 80x24 and 160x50."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from needs import need_tmux
from review_fixture import make_run

ROOT = Path(__file__).resolve().parents[1]


class Tmux:
    def __init__(self, tmp: Path, size: tuple[int, int]):
        need_tmux()
        self.cmd = ["tmux", "-L", f"review-{os.getpid()}-{size[0]}", "-f", os.devnull]
        self.tmp = tmp
        self.size = size

    def start(self, out: Path, done: Path) -> None:
        env = {**os.environ, "PYTHONPATH": str(ROOT), "TERM": "xterm-256color",
               "ALIGNER_CACHE_DIR": str(self.tmp / "cache")}
        env.pop("NO_COLOR", None)
        # Textual draws on stderr, so the exit status, not stderr, tells a crash.
        line = f"{sys.executable} -m aligner review {out}; echo $? > {done}"
        subprocess.run([*self.cmd, "new-session", "-d", "-x", str(self.size[0]), "-y", str(self.size[1]),
                        "-s", "r", line], check=True, env=env, cwd=self.tmp)

    def screen(self) -> str:
        return subprocess.run([*self.cmd, "capture-pane", "-p", "-t", "r"], capture_output=True, text=True).stdout

    def keys(self, *keys: str) -> None:
        for key in keys:
            subprocess.run([*self.cmd, "send-keys", "-t", "r", key], check=True)
            time.sleep(0.4)

    def wait_for(self, needle: str, timeout: float = 120) -> str:
        end = time.time() + timeout
        while time.time() < end:
            screen = self.screen()
            if needle in screen:
                return screen
            time.sleep(0.3)
        raise AssertionError(f"{needle!r} never appeared; screen:\n{self.screen()}")

    def kill(self) -> None:
        subprocess.run([*self.cmd, "kill-server"], check=False, capture_output=True)


def wait_file(path: Path, timeout: float = 120) -> None:
    end = time.time() + timeout
    while time.time() < end and not (path.exists() and path.read_text().strip()):
        time.sleep(0.3)
    assert path.exists(), f"{path} never appeared"


@pytest.mark.parametrize("size", [(80, 24), (160, 50)])
def test_confirm_three_relink_one_quit_and_reopen(tmp_path, size):
    out = make_run(tmp_path / "out")
    tmux = Tmux(tmp_path, size)
    try:
        tmux.start(out, tmp_path / "done1")
        screen = tmux.wait_for("pending")
        lines = screen.splitlines()
        assert len(lines) <= size[1] and all(len(line) <= size[0] for line in lines)
        assert "The river flooded the town." in screen and "Binaha ng ilog ang bayan." in screen
        if size[0] >= 140:
            assert "section" in screen and "Recovery" in screen  # the coverage sidebar has room here
        tmux.keys("c", "c", "c")
        tmux.wait_for("✓3")
        tmux.keys("End", "r")
        tmux.wait_for("re-link to", timeout=180)  # first use loads the encoder for the candidates
        tmux.keys("Enter")
        tmux.wait_for("✓4")
        tmux.keys("q")
        wait_file(tmp_path / "done1")
        tmux.kill()
        assert (tmp_path / "done1").read_text().strip() == "0"

        data = json.loads((out / "review.json").read_text(encoding="utf-8"))
        decisions = data["pairs"][0]["decisions"]
        assert [d["status"] for d in decisions] == ["confirmed"] * 4
        assert [len(d["src"]) for d in decisions if d["manual"]] == [2]  # the 2-2 link, re-linked
        assert sum(not d["manual"] for d in decisions) == 3

        tmux.start(out, tmp_path / "done2")
        screen = tmux.wait_for("pending")
        assert "✓4" in screen
        assert screen.count("✓") >= 4  # the confirmed rows are marked on screen
        tmux.keys("q")
        wait_file(tmp_path / "done2")
        assert (tmp_path / "done2").read_text().strip() == "0"
    finally:
        tmux.kill()
    assert json.loads((out / "review.json").read_text(encoding="utf-8")) == data
