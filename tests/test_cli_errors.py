"""A message and the promised exit code, never a traceback: unwritable outputs, OSError, Ctrl-C."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

import aligner.cli.segment
import aligner.cli.tmx
import aligner.embed
from aligner.cli import main

ROOT = Path(__file__).resolve().parents[1]

# Places no one can write, root included: procfs and sysfs refuse new files.
UNWRITABLE = [Path("/proc"), Path("/sys")]


@pytest.fixture
def text_file(tmp_path):
    f = tmp_path / "a.en.txt"
    f.write_text("The cat sleeps on the mat.\nIt rained all day in Manila.\n", encoding="utf-8")
    return f


@pytest.mark.parametrize("place", UNWRITABLE, ids=["proc", "sys"])
def test_embed_to_an_unwritable_place_is_refused_before_embedding(place, text_file, capsys, no_slow_work):
    assert main(["embed", str(text_file), "--presplit", "-o", str(place / "aligner-v.npy")]) == 2
    assert "cannot write" in capsys.readouterr().err
    assert main(["embed", str(text_file), "--presplit", "-o", str(place / "new" / "v.npy")]) == 2
    err = capsys.readouterr().err
    assert "cannot" in err and "Traceback" not in err


def test_embed_texts_to_an_unwritable_place_is_refused_before_embedding(text_file, tmp_path, capsys,
                                                                         no_slow_work):
    args = ["embed", str(text_file), "--presplit", "-o", str(tmp_path / "v.npy"),
            "--texts", str(UNWRITABLE[0] / "aligner-t.txt")]
    assert main(args) == 2
    assert "cannot" in capsys.readouterr().err
    assert not (tmp_path / "v.npy").exists()


@pytest.mark.parametrize("place", UNWRITABLE, ids=["proc", "sys"])
def test_tmx_merge_to_an_unwritable_place_is_refused_before_merging(place, tmp_path, capsys, no_slow_work):
    tmx = tmp_path / "a.tmx"
    tmx.write_text("<tmx/>", encoding="utf-8")
    assert main(["tmx", "merge", str(tmx), "-o", str(place / "aligner-m.tmx")]) == 2
    assert "cannot write" in capsys.readouterr().err


def test_outputs_that_are_folders_or_lack_a_folder_are_refused_first(text_file, tmp_path, capsys,
                                                                      no_slow_work):
    assert main(["align", str(text_file), str(text_file), "-o", str(tmp_path)]) == 2
    assert "is a folder" in capsys.readouterr().err
    assert main(["align", str(text_file), str(text_file), "-o", str(tmp_path / "no" / "x.tsv")]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert main(["gaps", str(text_file), str(text_file), "-o", str(UNWRITABLE[1] / "aligner-g.html")]) == 2
    assert "cannot write" in capsys.readouterr().err


def test_an_oserror_is_a_message_and_exit_2(monkeypatch, text_file, capsys):
    def handler(args):
        raise PermissionError(13, "Permission denied", "/somewhere/out.txt")

    monkeypatch.setattr(aligner.cli.segment, "handler", handler)
    assert main(["segment", str(text_file)]) == 2
    err = capsys.readouterr().err
    assert err == "aligner: error: /somewhere/out.txt: Permission denied\n"


def test_an_interrupt_numba_turned_into_a_systemerror_exits_130(monkeypatch, text_file, capsys):
    # What numba raised in 2 of 12 tries when Ctrl-C landed inside a compiled function.
    def handler(args):
        try:
            raise KeyboardInterrupt
        except KeyboardInterrupt as exc:
            raise SystemError("<numba function> returned a result with an exception set") from exc

    monkeypatch.setattr(aligner.cli.segment, "handler", handler)
    assert main(["segment", str(text_file)]) == 130
    assert capsys.readouterr().err == "aligner: interrupted\n"


@pytest.fixture
def ctrl_c_enabled():
    """Python's own SIGINT handler, as in a terminal (a background test run may ignore SIGINT)."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)


def test_a_ctrl_c_a_library_swallowed_still_exits_130(monkeypatch, text_file, capsys, ctrl_c_enabled):
    def handler(args):
        try:
            os.kill(os.getpid(), signal.SIGINT)
            for _ in range(10_000_000):  # let the handler run
                pass
        except KeyboardInterrupt:
            raise RuntimeError("worker failed") from None  # the cause is lost on purpose

    monkeypatch.setattr(aligner.cli.segment, "handler", handler)
    assert main(["segment", str(text_file)]) == 130
    assert capsys.readouterr().err == "aligner: interrupted\n"
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # restored for the caller


def test_other_errors_still_surface(monkeypatch, text_file):
    def handler(args):
        raise SystemError("a real bug")

    monkeypatch.setattr(aligner.cli.segment, "handler", handler)
    with pytest.raises(SystemError):
        main(["segment", str(text_file)])


def _wait_until_sigint_is_caught(proc: subprocess.Popen, limit: float = 60.0) -> bool:
    """Wait until the child's interpreter catches SIGINT (Linux SigCgt), so the delays count from there.

    Before that no program can answer Ctrl-C (the kernel's default action ends it);
    on a loaded machine that window lasted past 0.5 s and made the test flaky.
    """
    import time

    status = Path(f"/proc/{proc.pid}/status")
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            fields = dict(line.split(":\t", 1) for line in status.read_text().splitlines() if ":\t" in line)
        except OSError:
            return False
        if int(fields.get("SigCgt", "0"), 16) & (1 << (signal.SIGINT - 1)):
            return True
        time.sleep(0.005)
    return False


@pytest.mark.parametrize("delay", [0.5, 1.5, 3.0])
def test_ctrl_c_at_any_moment_exits_130_without_a_traceback(delay, tmp_path, embed_cache_dir):
    """A real SIGINT into a real run, during start-up, reading or embedding."""
    corpus = ROOT / "corpus"
    cmd = [sys.executable, "-m", "aligner", "align", str(corpus / "lenin.tl.wiki.txt"),
           str(corpus / "lenin.ne.wiki.txt"), "-o", str(tmp_path / "out.tsv"), "--format", "tsv"]
    env = {**os.environ, "ALIGNER_CACHE_DIR": str(tmp_path / "cache")}
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    catching = _wait_until_sigint_is_caught(proc)
    try:
        proc.communicate(timeout=delay)
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    assert catching, "the interpreter never installed its SIGINT handler"
    assert "Traceback" not in err
    assert proc.returncode == 130, err
    assert err.rstrip().endswith("aligner: interrupted")
    assert not (tmp_path / "out.tsv").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")] == []
