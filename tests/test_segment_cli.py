"""`aligner segment`: formats, bad input and exit codes."""

from __future__ import annotations

import json

from aligner.cli import main


def test_text_format_one_unit_per_line(tmp_path, capsys):
    f = tmp_path / "a.txt"
    f.write_text("Si G. Santos ay dumating. Umalis siya kahapon.\n", encoding="utf-8")
    assert main(["segment", str(f)]) == 0
    assert capsys.readouterr().out == "Si G. Santos ay dumating.\nUmalis siya kahapon.\n"


def test_jsonl_has_text_span_kind_and_language(tmp_path, capsys):
    f = tmp_path / "b.wiki.txt"
    source = "== Buhay ==\nSi Lenin ay Ruso. Siya ay politiko.\n"
    f.write_text(source, encoding="utf-8")
    assert main(["segment", str(f), "--format", "jsonl"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(r["kind"], r["text"], r["lang"]) for r in rows] == [
        ("heading", "Buhay", "tl"),
        ("sentence", "Si Lenin ay Ruso.", "tl"),
        ("sentence", "Siya ay politiko.", "tl"),
    ]
    assert all(source[r["start"] : r["end"]] == r["text"] for r in rows)


def test_lang_option_overrides_detection(tmp_path, capsys):
    f = tmp_path / "c.txt"
    f.write_text("Si Dr. Cruz ay narito. Oo.\n", encoding="utf-8")
    assert main(["segment", str(f), "--lang", "en", "--format", "jsonl"]) == 0
    assert {json.loads(x)["lang"] for x in capsys.readouterr().out.splitlines()} == {"en"}


def test_empty_file_zero_units_exit_0_note_on_stderr(tmp_path, capsys):
    f = tmp_path / "empty.txt"
    f.write_bytes(b"")
    assert main(["segment", str(f)]) == 0
    out = capsys.readouterr()
    assert out.out == ""
    assert "0 units" in out.err and str(f) in out.err


def test_undecodable_file_exit_2_names_file_and_offset(tmp_path, capsys):
    f = tmp_path / "bad.txt"
    f.write_bytes(b"Magandang araw. " + b"\xc3\x28 oops")
    assert main(["segment", str(f)]) == 2
    err = capsys.readouterr().err
    assert str(f) in err and "byte offset 16" in err


def test_binary_file_exit_2(tmp_path, capsys):
    f = tmp_path / "blob.bin"
    f.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    assert main(["segment", str(f)]) == 2
    assert "byte offset 0" in capsys.readouterr().err


def test_missing_file_exit_2(tmp_path, capsys):
    assert main(["segment", str(tmp_path / "nope.txt")]) == 2
    assert "no such file" in capsys.readouterr().err
