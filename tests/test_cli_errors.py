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


def _interrupt_self() -> None:
    """Send this process a real SIGINT and spin until its KeyboardInterrupt arrives."""
    os.kill(os.getpid(), signal.SIGINT)
    for _ in range(10_000_000):  # let the handler run
        pass


def test_a_ctrl_c_a_library_swallowed_still_exits_130(monkeypatch, text_file, capsys, ctrl_c_enabled):
    def handler(args):
        try:
            _interrupt_self()
        except KeyboardInterrupt:
            raise RuntimeError("worker failed") from None  # the cause is lost on purpose

    monkeypatch.setattr(aligner.cli.segment, "handler", handler)
    assert main(["segment", str(text_file)]) == 130
    assert capsys.readouterr().err == "aligner: interrupted\n"
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # restored for the caller


def test_a_ctrl_c_a_library_swallowed_whole_still_exits_130(monkeypatch, text_file, capsys, ctrl_c_enabled):
    def handler(args):
        try:
            _interrupt_self()
        except KeyboardInterrupt:
            pass  # swallowed, and the command carries on to the end
        return 0

    monkeypatch.setattr(aligner.cli.segment, "handler", handler)
    assert main(["segment", str(text_file)]) == 130
    assert capsys.readouterr().err == "aligner: interrupted\n"


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


# ---------------------------------------------------------------- the exit codes the README promises
#
# 0 ok, 2 bad input, 3 bad option, 4 encoder failure, 5 bad TMX, 130 interrupted (the Ctrl-C tests
# above). Every mistake on the command line is a bad option, argparse's own usage errors included;
# exit 2 is for the files. Each case runs through main() and must stop before any slow work.

EN = "The cat sleeps on the mat.\nIt rained all day in Manila.\n"
TL = "Natutulog ang pusa sa banig.\nUmulan buong araw sa Maynila.\n"


@pytest.fixture
def place(tmp_path):
    """{en}, {tl}: two small documents; {d}: a folder to write in; {tmx}: a file that is not TMX."""
    (tmp_path / "a.en.txt").write_text(EN, encoding="utf-8")
    (tmp_path / "b.tl.txt").write_text(TL, encoding="utf-8")
    (tmp_path / "not.tmx").write_text("hello, not a translation memory\n", encoding="utf-8")
    (tmp_path / "batch.jsonl").write_text(
        '{"name": "g", "documents": [{"file": "a.en.txt", "lang": "en"}, {"file": "b.tl.txt", "lang": "tl"}]}\n',
        encoding="utf-8")
    return {"en": str(tmp_path / "a.en.txt"), "tl": str(tmp_path / "b.tl.txt"), "d": str(tmp_path),
            "tmx": str(tmp_path / "not.tmx"), "batch": str(tmp_path / "batch.jsonl")}


def _argv(template: str, place: dict[str, str]) -> list[str]:
    return [part.format(**place) for part in template.split()]


# A command line that parses, for every subcommand: bad settings and unknown options are added to it.
VALID = {
    "align": "align {en} {tl}",
    "run": "run {en} {tl} --out {d}/out",
    "batch": "batch {batch} --out {d}/batch",
    "gaps": "gaps {en} {tl}",
    "segment": "segment {en}",
    "embed": "embed {en} -o {d}/v.npy",
    "eval": "eval {en} {en}",
    "review": "review {d}",
    "cache": "cache info --cache {d}/c.sqlite",
    "tmx stats": "tmx stats {tmx}",
    "tmx validate": "tmx validate {tmx}",
    "tmx merge": "tmx merge {tmx} -o {d}/m.tmx",
    "doctor": "doctor --no-timing",
}

# (option and bad value, the subcommands that take the option, what the message says)
BAD_OPTIONS = [
    ("--mode foo", ["align", "run", "batch"], "invalid choice: 'foo'"),
    ("--format foo", ["align", "gaps", "segment", "review"], "invalid choice: 'foo'"),
    ("--width 5", ["gaps"], "between 40 and 200"),
    ("--width wide", ["gaps"], "number of columns"),
    ("--lang np", ["run", "gaps", "segment", "embed"], "unknown language code 'np'"),
    ("--src-lang np", ["align"], "unknown language code 'np'"),
    ("--tgt-lang nepali", ["align"], "unknown language code 'nepali'"),
    ("--min-score 2", ["align", "run", "batch", "tmx merge"], "between 0 and 1"),
    ("--min-score nan", ["align", "run", "batch", "tmx merge"], "between 0 and 1"),
    ("--lang-codes sdl", ["align", "run", "batch", "tmx merge", "review"], "invalid choice: 'sdl'"),
    ("--encoder e5-large", ["align", "run", "gaps", "batch", "embed"], "unknown encoder 'e5-large'"),
    ("--encoder st:./no-such-model", ["align", "run", "gaps", "batch", "embed"], "no model folder"),
    ("--threads 0", ["embed", "batch"], "--threads takes a whole number of at least 1"),
    ("--workers -2", ["batch"], "--workers takes a whole number of at least 1"),
    ("--kind scroll", ["segment"], "invalid choice: 'scroll'"),
    ("--accept-above 1.5", ["review"], "--accept-above takes a confidence between 0 and 1"),
    ("--reject-below -0.1", ["review"], "--reject-below takes a confidence between 0 and 1"),
]
BAD_OPTION_CASES = [pytest.param(command, option, message, id=f"{command}:{option}")
                    for option, commands, message in BAD_OPTIONS for command in commands]


@pytest.mark.parametrize("command, option, message", BAD_OPTION_CASES)
def test_a_bad_option_value_exits_3_before_any_work(command, option, message, place, capsys, no_slow_work):
    assert main(_argv(f"{VALID[command]} {option}", place)) == 3
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert not (Path(place["d"]) / "out").exists() and not (Path(place["d"]) / "batch").exists()


@pytest.mark.parametrize("command", list(VALID))
def test_an_unknown_option_is_a_bad_option_for_every_command(command, place, capsys, no_slow_work):
    assert main(_argv(f"{VALID[command]} --frobnicate", place)) == 3
    err = capsys.readouterr().err
    assert "unrecognized arguments: --frobnicate" in err and "usage: aligner" in err


@pytest.mark.parametrize("argv, message", [
    ("", "required: COMMAND"),
    ("align {en}", "required: TGT"),
    ("eval {en}", "required: TEST"),
    ("tmx merge {tmx}", "required: -o/--output"),
    ("embed {en}", "required: -o/--output"),
    ("batch {batch}", "required: --out"),
    ("cache", "required: ACTION"),
    ("tmx", "required: ACTION"),
    ("frobnicate", "invalid choice: 'frobnicate'"),
])
def test_argparse_usage_errors_are_bad_options_too(argv, message, place, capsys, no_slow_work):
    assert main(_argv(argv, place)) == 3
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


@pytest.mark.parametrize("command", list(VALID))
def test_a_bad_source_date_epoch_is_a_bad_option_for_every_command(command, place, capsys, monkeypatch,
                                                                  no_slow_work):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "abc")  # was exit 5, the code for a bad TMX
    assert main(_argv(VALID[command], place)) == 3
    err = capsys.readouterr().err
    assert "SOURCE_DATE_EPOCH='abc' is not an integer number of seconds" in err


@pytest.mark.parametrize("argv", [
    "align {d}/missing.txt {tl}", "gaps {en} {d}/missing.txt", "segment {d}/missing.txt",
    "embed {d}/missing.txt -o {d}/v.npy", "run {d}/missing.txt {tl} --out {d}/out", "eval {d}/missing {en}",
    "tmx stats {d}/missing.tmx", "tmx validate {d}/missing.tmx", "tmx merge {d}/missing.tmx -o {d}/m.tmx",
    "batch {d}/missing.jsonl --out {d}/batch", "review {d}/missing",
])
def test_a_missing_input_is_bad_input_for_every_command(argv, place, capsys, no_slow_work):
    assert main(_argv(argv, place)) == 2
    err = capsys.readouterr().err
    assert "missing" in err and "Traceback" not in err


@pytest.mark.parametrize("argv", ["tmx stats {tmx}", "tmx validate {tmx}", "tmx merge {tmx} -o {d}/m.tmx"])
def test_a_file_that_is_not_tmx_exits_5(argv, place, capsys):
    assert main(_argv(argv, place)) == 5
    err = capsys.readouterr().err
    assert "not.tmx" in err and "Traceback" not in err
    assert not (Path(place["d"]) / "m.tmx").exists()


@pytest.fixture
def broken_model(tmp_path):
    """A folder sentence-transformers cannot load: the name is fine, loading fails (exit 4)."""
    folder = tmp_path / "broken-model"
    folder.mkdir()
    (folder / "config.json").write_text('{"model_type": "no-such-architecture"}', encoding="utf-8")
    return folder


@pytest.mark.parametrize("argv", [
    "align {en} {tl} --src-lang en --tgt-lang tl", "gaps {en} {tl} --lang en tl",
    "run {en} {tl} --lang en tl --out {d}/out", "embed {en} -o {d}/v.npy", "batch {batch} --out {d}/batch",
])
def test_an_encoder_that_fails_to_load_exits_4(argv, place, broken_model, capsys, monkeypatch):
    from needs import need_sentence_transformers

    need_sentence_transformers()
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")
    assert main([*_argv(argv, place), "--encoder", f"st:{broken_model}"]) == 4
    err = capsys.readouterr().err
    assert "could not load sentence-transformers model" in err and "Traceback" not in err
    assert not (Path(place["d"]) / "out").exists()
