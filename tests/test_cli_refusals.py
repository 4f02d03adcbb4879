"""Values the tool refuses up front: a score outside [0, 1], unknown languages, an empty side."""

from __future__ import annotations

import json

import pytest

from aligner.cli import main


@pytest.fixture
def files(tmp_path):
    en = tmp_path / "a.en.txt"
    en.write_text("The cat sleeps on the mat.\nIt rained all day in Manila.\n", encoding="utf-8")
    tl = tmp_path / "a.tl.txt"
    tl.write_text("Natutulog ang pusa sa banig.\nUmulan buong araw sa Maynila.\n", encoding="utf-8")
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    tmx = tmp_path / "a.tmx"
    tmx.write_text("<tmx/>", encoding="utf-8")
    return {"en": str(en), "tl": str(tl), "empty": str(empty), "tmx": str(tmx), "dir": tmp_path}


@pytest.mark.parametrize("value", ["5", "-0.1", "1.0001", "nan", "inf", "high"])
def test_min_score_outside_0_1_is_a_bad_option(value, files, capsys, no_slow_work):
    commands = [
        ["align", files["en"], files["tl"], "--format", "tmx"],
        ["run", files["en"], files["tl"], "--out", str(files["dir"] / "out")],
        ["tmx", "merge", files["tmx"], "-o", str(files["dir"] / "m.tmx")],
    ]
    for cmd in commands:
        assert main([*cmd, "--min-score", value]) == 3, cmd
        assert "--min-score takes a confidence between 0 and 1" in capsys.readouterr().err
    assert not (files["dir"] / "out").exists()


@pytest.mark.parametrize("value", ["0", "0.5", "1"])
def test_min_score_inside_0_1_is_taken(value):
    from aligner.cli._options import score

    assert score(value) == float(value)


@pytest.mark.parametrize("code", ["xx", "nepali", "e5", "zz-ZZ", "t l"])
def test_unknown_language_codes_are_a_bad_option(code, files, capsys, no_slow_work):
    commands = [
        ["segment", files["en"], "--lang", code],
        ["embed", files["en"], "-o", str(files["dir"] / "v.npy"), "--lang", code],
        ["align", files["en"], files["tl"], "--src-lang", "en", "--tgt-lang", code],
        ["gaps", files["en"], files["tl"], "--lang", "en", code],
        ["run", files["en"], files["tl"], "--lang", code, "tl", "--out", str(files["dir"] / "out")],
    ]
    for cmd in commands:
        assert main(cmd) == 3, cmd
        err = capsys.readouterr().err
        assert "language code" in err and "Traceback" not in err


def test_language_codes_are_taken_in_their_canonical_form(files, capsys):
    for given, canonical in (("EN", "en"), ("eng", "en"), ("tgl", "tl"), ("en_us", "en-US")):
        assert main(["segment", files["en"], "--lang", given, "--format", "jsonl"]) == 0
        records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
        assert {r["lang"] for r in records} == {canonical}


def test_an_unknown_language_in_a_manifest_is_bad_input(files, capsys, no_slow_work):
    manifest = files["dir"] / "manifest.json"
    manifest.write_text(json.dumps({"documents": [{"file": "a.en.txt", "lang": "english"},
                                                  {"file": "a.tl.txt", "lang": "tl"}]}), encoding="utf-8")
    assert main(["run", "--manifest", str(manifest), "--out", str(files["dir"] / "out")]) == 2
    err = capsys.readouterr().err
    assert "manifest.json: a.en.txt: unknown language code 'english'" in err


@pytest.mark.parametrize("command", ["align", "gaps", "run"])
def test_an_empty_side_is_bad_input_for_every_aligning_command(command, files, capsys):
    cmd = [command, files["en"], files["empty"]]
    if command == "run":
        cmd += ["--out", str(files["dir"] / "out")]
    assert main(cmd) == 2
    assert "no sentences found" in capsys.readouterr().err
    assert not (files["dir"] / "out").exists()
