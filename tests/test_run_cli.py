"""`aligner run` as a user meets it: the happy path on a corpus slice and every kind of bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from conftest import corpus_slice


def run_cli(*args, cwd, env_extra=None):
    env = dict(os.environ, **(env_extra or {}))
    env.pop("NO_COLOR", None)
    return subprocess.run([sys.executable, "-m", "aligner", "run", *map(str, args)],
                          cwd=cwd, capture_output=True, text=True, env=env, timeout=600)


def assert_clean_failure(result, out_dir, *needles):
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    for needle in needles:
        assert needle in result.stderr
    assert not out_dir.exists()
    assert not list(out_dir.parent.glob(f".{out_dir.name}.*"))  # no half-written folder


def test_run_writes_tmx_report_and_shows_the_diff(small_corpus):
    root, _ = small_corpus
    out = root / "cli-out"
    result = run_cli("lenin.tl.wiki.txt", "lenin.ne.wiki.txt", "lenin-and-stalin.en.web.txt",
                     "--out", out, cwd=root)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "\x1b[" not in result.stdout  # piped: plain text
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert (out / "lenin.tl-ne.tmx").is_file() and (out / "lenin+lenin-and-stalin.multi.tmx").is_file()
    tl_ne = report["pairs"][0]
    # the summary table and the diff's coverage line agree with the report
    assert f"{tl_ne['tl']['aligned']} / {tl_ne['tl']['sentences']}" in result.stdout
    assert (f"Tagalog: {tl_ne['tl']['aligned']} of {tl_ne['tl']['sentences']} sentences have a Nepali"
            in result.stdout)
    # a second run embeds nothing and says so
    again = run_cli("lenin.tl.wiki.txt", "lenin.ne.wiki.txt", "lenin-and-stalin.en.web.txt",
                    "--out", out, "--no-gaps", cwd=root)
    assert again.returncode == 0
    assert "every sentence came from the cache" in again.stderr


def test_missing_file(tmp_path):
    (tmp_path / "a.tl.txt").write_text(corpus_slice("lenin.tl.wiki.txt", 2), encoding="utf-8")
    result = run_cli("a.tl.txt", "missing.ne.txt", "--out", tmp_path / "out", cwd=tmp_path)
    assert_clean_failure(result, tmp_path / "out", "missing.ne.txt", "no such file")


def test_empty_document(tmp_path):
    (tmp_path / "a.tl.txt").write_text(corpus_slice("lenin.tl.wiki.txt", 2), encoding="utf-8")
    (tmp_path / "b.ne.txt").write_text("", encoding="utf-8")
    result = run_cli("a.tl.txt", "b.ne.txt", "--lang", "tl", "ne", "--out", tmp_path / "out", cwd=tmp_path)
    assert_clean_failure(result, tmp_path / "out", "b.ne", "no sentences")


def test_two_documents_in_the_same_language(tmp_path):
    (tmp_path / "a.txt").write_text(corpus_slice("lenin.tl.wiki.txt", 2), encoding="utf-8")
    (tmp_path / "b.txt").write_text(corpus_slice("lenin.tl.wiki.txt", 3), encoding="utf-8")
    result = run_cli("a.txt", "b.txt", "--out", tmp_path / "out", cwd=tmp_path)
    assert_clean_failure(result, tmp_path / "out", "two languages")


def test_document_in_an_unexpected_language(tmp_path):
    (tmp_path / "a.txt").write_text(corpus_slice("lenin.tl.wiki.txt", 2), encoding="utf-8")
    (tmp_path / "b.txt").write_text(corpus_slice("lenin-and-stalin.en.web.txt", 8), encoding="utf-8")
    result = run_cli("a.txt", "b.txt", "--lang", "tl", "ne", "--out", tmp_path / "out", cwd=tmp_path)
    assert_clean_failure(result, tmp_path / "out", "declared as Nepali (ne)", "looks like English")


def test_no_manifest_outside_the_project(tmp_path):
    result = run_cli("--out", tmp_path / "out", cwd=tmp_path)
    assert_clean_failure(result, tmp_path / "out", "manifest")


@pytest.mark.parametrize("content", [b"\xff\xfe\x00\xd8broken", b"\x00\x01\x02binary\xff"])
def test_undecodable_document(tmp_path, content):
    (tmp_path / "a.tl.txt").write_text(corpus_slice("lenin.tl.wiki.txt", 2), encoding="utf-8")
    (tmp_path / "b.bin").write_bytes(content)
    result = run_cli("a.tl.txt", "b.bin", "--out", tmp_path / "out", cwd=tmp_path)
    assert_clean_failure(result, tmp_path / "out", "b.bin")


def test_diff_all_shows_every_pair_at_one_width(small_corpus):
    import wcwidth

    root, _ = small_corpus
    out = root / "diff-out"
    result = run_cli("lenin.tl.wiki.txt", "lenin.ne.wiki.txt", "lenin-and-stalin.en.web.txt",
                     "--out", out, "--diff", "all", cwd=root, env_extra={"COLUMNS": "120"})
    assert result.returncode == 0, result.stderr
    for k, name in enumerate(["lenin.tl-ne", "lenin+lenin-and-stalin.tl-en",
                              "lenin+lenin-and-stalin.ne-en"], 1):
        assert f"pair {k} of 3: {name}" in result.stdout
    assert result.stdout.count("Summary by section") == 3
    lines = result.stdout.splitlines()
    assert max(wcwidth.wcswidth(line) for line in lines) <= 120
    # the summary table and each diff are laid out at the same width
    assert sum(wcwidth.wcswidth(line) == 120 for line in lines if line[:1] in "┏└━─") >= 4
    one = run_cli("lenin.tl.wiki.txt", "lenin.ne.wiki.txt", "lenin-and-stalin.en.web.txt",
                  "--out", out, "--diff", "ne-en", cwd=root)
    assert "pair 3 of 3: lenin+lenin-and-stalin.ne-en" in one.stdout and "pair 1 of" not in one.stdout


def test_unknown_diff_pair_is_refused_before_any_work(tmp_path):
    (tmp_path / "a.tl.txt").write_text(corpus_slice("lenin.tl.wiki.txt", 2), encoding="utf-8")
    (tmp_path / "b.ne.txt").write_text(corpus_slice("lenin.ne.wiki.txt", 2), encoding="utf-8")
    result = run_cli("a.tl.txt", "b.ne.txt", "--out", tmp_path / "out", "--diff", "tl-en", cwd=tmp_path)
    assert result.returncode == 3
    assert "--diff 'tl-en' names no pair of this run" in result.stderr and "1 a+b.tl-ne" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()
