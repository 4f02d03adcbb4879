"""Hostile text stays inert: no control character a terminal could act on leaves the tool raw."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from aligner.cli import main
from aligner.cli.gaps import format_report
from aligner.gaps import build_report
from aligner.inert import dumps, inert
from aligner.types import Alignment, Bead, Document, Sentence
from needs import need_tmux

ROOT = Path(__file__).resolve().parents[1]

# Everything a terminal acts on, or that reorders or breaks a line (see aligner/inert.py).
RAW = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")

OSC_TITLE = "\x1b]0;PWNED\x07"
CSI = "\x1b[2J\x1b[31m"
C1_CSI = "\u009b31m"
BIDI = "\u202e\u2066"
# ESC ] 0 ; title BEL retitles the window; ESC [ 2 J clears it; U+009B is CSI as one C1 code.
HOSTILE_EN = (f"The cat {OSC_TITLE}sleeps on the mat.\n"
              f"It rained {CSI}all day in Manila.\n"
              f"The market {C1_CSI}opens at {BIDI}nine.\n")
HOSTILE_TL = ("Natutulog ang pusa sa banig.\nUmulan buong araw sa Maynila.\n"
              "Bumubukas ang palengke nang alas-nuwebe \x7f\x85.\n")


def assert_inert(text: str) -> None:
    found = RAW.findall(text)
    assert not found, f"raw control characters in output: {found!r}"


def test_inert_escapes_controls_bidi_and_surrogates_visibly():
    assert inert(OSC_TITLE) == "\\x1b]0;PWNED\\x07"
    assert inert("a\x00b\tc\nd") == "a\\x00b\\x09c\\x0ad"
    assert inert(C1_CSI) == "\\x9b31m"
    assert inert("\x7f\x85") == "\\x7f\\x85"
    assert inert(BIDI) == "\\u202e\\u2066"
    assert inert("\u2028\u2029") == "\\u2028\\u2029"
    assert inert("x\ud800y") == "x\\ud800y"
    for text in (HOSTILE_EN, HOSTILE_TL):
        assert_inert(inert(text))


def test_inert_keeps_scripts_joiners_and_bidi_marks():
    # ZWJ / ZWNJ choose Devanagari conjunct or half forms; LRM / RLM / ALM reorder nothing else.
    text = "क्\u200dष क्\u200cष नेपाल Tagalog ñ \u200e\u200f\u061c\u00ad\u200b"
    assert inert(text) == text


def test_dumps_keeps_json_escaped_and_round_trips():
    record = {"text": HOSTILE_EN + "\ud800 नेपाल"}
    # What the standard library lets through: C1, bidi and surrogates stay raw.
    assert RAW.search(json.dumps(record, ensure_ascii=False))
    for kwargs in ({}, {"indent": 2, "sort_keys": True}):
        out = dumps(record, **kwargs)
        assert_inert(out.replace("\n", ""))
        assert json.loads(out) == record
        assert "नेपाल" in out  # letters stay readable, not \u-escaped


def test_segment_prints_hostile_text_inert(tmp_path, capsys):
    f = tmp_path / "hostile.en.txt"
    f.write_text(HOSTILE_EN, encoding="utf-8")
    for fmt in ("text", "jsonl"):
        assert main(["segment", str(f), "--lang", "en", "--format", fmt]) == 0
        out = capsys.readouterr().out
        assert_inert(out)
        assert "PWNED" in out and "Manila" in out
    records = [json.loads(line) for line in out.splitlines()]
    assert any(OSC_TITLE in r["text"] for r in records)  # JSON still carries the exact text


def test_segment_presplit_keeps_nul_visible(tmp_path, capsys):
    f = tmp_path / "nul.txt"
    f.write_bytes(b"One sentence with \x1b[8m hidden text.\n")
    assert main(["segment", str(f), "--presplit", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert_inert(out)
    assert "\\x1b[8m hidden" in out


@pytest.mark.parametrize("fmt", ["tsv", "jsonl"])
def test_align_tsv_and_jsonl_are_inert(tmp_path, capsys, embed_cache_dir, fmt):
    src, tgt = tmp_path / "src.txt", tmp_path / "tgt.txt"
    src.write_text(HOSTILE_EN, encoding="utf-8")
    tgt.write_text(HOSTILE_TL, encoding="utf-8")
    args = ["align", str(src), str(tgt), "--presplit", "--src-lang", "en", "--tgt-lang", "tl",
            "--mode", "parallel", "--format", fmt]
    assert main(args) == 0
    printed = capsys.readouterr().out
    out = tmp_path / f"out.{fmt}"
    assert main([*args, "-o", str(out)]) == 0
    written = out.read_text(encoding="utf-8")
    assert written == printed
    assert len(written.splitlines()) == 3
    if fmt == "tsv":
        # A tab is TSV's own separator: exactly two per line, then nothing raw in the fields.
        assert all(len(line.split("\t")) == 3 for line in written.splitlines())
        assert_inert(written.replace("\t", " "))
        assert "\\x1b]0;PWNED\\x07" in written
    else:
        assert_inert(written)
        assert OSC_TITLE in json.loads(written.splitlines()[0])["src_text"]


def _hostile_report():
    def doc(name, lang, texts):
        return Document(name, lang, "text",
                        tuple(Sentence(t, lang, 0, len(t), "sentence") for t in texts))

    en = doc(f"evil{OSC_TITLE}.en.txt", "en", HOSTILE_EN.rstrip("\n").split("\n"))
    tl = doc("tl.txt", "tl", HOSTILE_TL.rstrip("\n").split("\n"))
    alignment = Alignment((Bead((0,), (0,), 0.9), Bead((1,), (), 0.0), Bead((2,), (1, 2), 0.5)), 3, 3)
    return build_report([en, tl], {(0, 1): alignment})


@pytest.mark.parametrize("fmt", ["text", "html", "json"])
def test_gaps_formats_are_inert(fmt):
    out = format_report(_hostile_report(), fmt, width=120)
    assert_inert(out)
    assert "PWNED" in out
    if fmt == "json":
        data = json.loads(out)
        assert OSC_TITLE in data["documents"][0]["name"]


def test_gaps_terminal_view_is_inert():
    import io

    from rich.console import Console

    from aligner.cli.render_gaps import render

    buf = io.StringIO()
    render(_hostile_report(), Console(file=buf, width=120, force_terminal=True, color_system="truecolor"))
    out = buf.getvalue()
    # rich's own styles are CSI sequences; nothing else may carry an ESC or a C1 code.
    without_styles = re.sub(r"\x1b\[[0-9;]*m", "", out)
    assert_inert(without_styles.replace("\n", ""))
    assert "\\x1b]0;PWNED\\x07" in without_styles and "\\x9b31m" in without_styles


def test_error_messages_are_inert(tmp_path, capsys):
    missing = tmp_path / f"no{OSC_TITLE}such.txt"
    assert main(["segment", str(missing)]) == 2
    err = capsys.readouterr().err
    assert_inert(err.replace("\n", ""))
    assert "\\x1b]0;PWNED" in err


def test_tmux_pane_title_survives_a_hostile_document(tmp_path):
    """The reported attack, end to end: print a document in a real terminal and read its title."""
    need_tmux()
    f = tmp_path / "hostile.en.txt"
    f.write_text(HOSTILE_EN, encoding="utf-8")
    socket = f"aligner-inert-{os.getpid()}"
    done = tmp_path / "done"
    cmd = f"{sys.executable} -m aligner segment {f} --lang en; touch {done}; sleep 30"
    tmux = ["tmux", "-L", socket, "-f", os.devnull]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    subprocess.run([*tmux, "new-session", "-d", "-x", "120", "-y", "20", "-s", "t", cmd],
                   check=True, env=env, cwd=ROOT)
    try:
        for _ in range(300):
            if done.exists():
                break
            time.sleep(0.1)
        assert done.exists(), "aligner segment did not finish inside tmux"
        title = subprocess.run([*tmux, "display-message", "-p", "-t", "t", "#{pane_title}"],
                               check=True, capture_output=True, text=True).stdout.strip()
        screen = subprocess.run([*tmux, "capture-pane", "-p", "-t", "t"],
                                check=True, capture_output=True, text=True).stdout
    finally:
        subprocess.run([*tmux, "kill-server"], check=False)
    assert "PWNED" not in title
    assert "\\x1b]0;PWNED\\x07" in screen
    assert "all day in Manila" in screen


def test_run_summary_shows_hostile_document_names_inert_and_not_as_markup():
    import io
    from types import SimpleNamespace

    from rich.console import Console

    from aligner.cli.run import _summary

    side = {"aligned": 1, "sentences": 2, "coverage_percent": 50.0}
    name = f"evil{OSC_TITLE}[link=https://example.invalid]x[/link]"
    report = {"pairs": [{"languages": ["en", "tl"], "documents": [name, "b"], "mode": "parallel",
                         "en": side, "tl": side, "tus_written": 1}],
              "multilingual": [{"tmx": f"{name}.multi.tmx", "tus_written": 0}]}
    buf = io.StringIO()
    _summary(SimpleNamespace(report=report), Console(file=buf, width=200, force_terminal=True))
    out = buf.getvalue()
    without_styles = re.sub(r"\x1b\[[0-9;]*m", "", out)
    assert_inert(without_styles.replace("\n", ""))  # no OSC 8 hyperlink either
    assert "[link=https://example.invalid]" in without_styles and "\\x1b]0;PWNED" in without_styles
