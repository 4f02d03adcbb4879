import json

import pytest

from aligner.cli import main
from aligner.formats import FORMATS


def test_align_cli_presplit_beads_cover_both_files(tmp_path, capsys):
    src = tmp_path / "src.txt"
    tgt = tmp_path / "tgt.txt"
    src.write_text("The cat sleeps on the mat.\nIt rained all day in Manila.\nThe market opens at nine.\n")
    tgt.write_text("Natutulog ang pusa sa banig.\nUmulan buong araw sa Maynila.\nBumubukas ang palengke nang alas-nuwebe.\n")
    out = tmp_path / "out.jsonl"
    assert main(["align", str(src), str(tgt), "--presplit", "--src-lang", "en", "--tgt-lang", "tl",
                 "--mode", "parallel", "--format", "jsonl", "-o", str(out)]) == 0
    recs = [json.loads(x) for x in out.read_text().splitlines()]
    assert [(r["src"], r["tgt"]) for r in recs] == [([0], [0]), ([1], [1]), ([2], [2])]
    assert "mode" in capsys.readouterr().err


def test_align_cli_unknown_format_is_a_bad_option_and_help_lists_every_format(tmp_path, capsys):
    f = tmp_path / "a.txt"
    f.write_text("One.\n")
    assert main(["align", str(f), str(f), "--presplit", "--format", "nope"]) == 3
    assert "invalid choice: 'nope'" in capsys.readouterr().err
    assert set(FORMATS) == {"beads", "tsv", "jsonl", "tmx"}
    with pytest.raises(SystemExit) as done:
        main(["align", "--help"])
    assert done.value.code == 0
    shown = " ".join(capsys.readouterr().out.split())  # argparse wraps the help
    assert all(f"{name}:" in shown for name in FORMATS) and "{beads,tsv,jsonl,tmx}" in shown


def test_align_tmx_output_takes_lang_codes_and_min_score(tmp_path, embed_cache_dir):
    from test_tmx_support import assert_valid_tmx
    from tmx.read import iter_tus

    src = tmp_path / "src.txt"
    tgt = tmp_path / "tgt.txt"
    src.write_text("The cat sleeps on the mat.\nIt rained all day in Manila.\nThe market opens at nine.\n")
    tgt.write_text("Natutulog ang pusa sa banig.\nUmulan buong araw sa Maynila.\nBumubukas ang palengke nang alas-nuwebe.\n")
    args = ["align", str(src), str(tgt), "--presplit", "--src-lang", "en", "--tgt-lang", "tl",
            "--mode", "parallel", "--format", "tmx"]
    every = tmp_path / "all.tmx"
    assert main([*args, "--lang-codes", "trados", "-o", str(every)]) == 0
    assert_valid_tmx(every)
    tus = list(iter_tus(every))
    assert len(tus) == 3
    assert 'xml:lang="fil-PH"' in every.read_text(encoding="utf-8")
    scores = sorted(tu.score for tu in tus)
    kept = tmp_path / "kept.tmx"
    assert main([*args, "--min-score", str((scores[0] + scores[1]) / 2), "-o", str(kept)]) == 0
    assert_valid_tmx(kept)
    assert len(list(iter_tus(kept))) == 2
