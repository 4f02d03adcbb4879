import json

from aligner.cli import main
from aligner.cli.align import FORMATTERS


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


def test_align_cli_unknown_format_is_an_input_error(tmp_path):
    f = tmp_path / "a.txt"
    f.write_text("One.\n")
    assert main(["align", str(f), str(f), "--presplit", "--format", "nope"]) == 2
    assert {"beads", "tsv", "jsonl"} <= set(FORMATTERS)
