import json

import pytest

from aligner.cli import main
from test_tmx_support import assert_valid_tmx, write_checked
from tmx.model import TranslationUnit
from tmx.read import iter_tus
from tmx.validate import validate

HEADER = ('<header creationtool="t" creationtoolversion="1" segtype="sentence" o-tmf="t" '
          'adminlang="en" srclang="en" datatype="plaintext"/>')


def unit(tuid, en, tl, score):
    return TranslationUnit(tuid, (("en", en), ("tl", tl)), (("x-score", score), ("x-bead", "1-1")))


@pytest.fixture
def two_files(tmp_path):
    a = tmp_path / "a.tmx"
    b = tmp_path / "b.tmx"
    write_checked(a, [unit("1", "Yes.", "Oo.", "0.9"), unit("2", "No.", "Hindi.", "0.3")], srclang="en", langs=["en", "tl"])
    write_checked(b, [unit("1", "Yes. ", "Oo.", "0.8"), unit("9", "Maybe.", "Siguro.", "0.7")],
                  srclang="en", langs=["en", "tl"], lang_codes="trados")
    return a, b


def test_stats_json_reports_counts_and_scores(two_files, capsys):
    assert main(["tmx", "stats", str(two_files[0]), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["tus"] == 2
    assert data["langs"] == {"en": 2, "tl": 2}
    assert data["beads"] == {"1-1": 2}
    assert (data["score_min"], data["score_max"]) == (0.3, 0.9)
    assert data["header"]["creationtool"] == "aligner"


def test_stats_table_prints(two_files, capsys):
    assert main(["tmx", "stats", str(two_files[1])]) == 0
    out = capsys.readouterr().out
    assert "translation units" in out and "fil-PH" in out


def test_merge_deduplicates_across_files_and_code_styles(two_files, tmp_path, capsys):
    out = tmp_path / "merged.tmx"
    assert main(["tmx", "merge", *map(str, two_files), "-o", str(out), "--lang-codes", "omegat"]) == 0
    assert "3 TUs written from 4 read (1 duplicates" in capsys.readouterr().out
    assert_valid_tmx(out)
    units = list(iter_tus(out))
    assert [u.segs for u in units] == [(("en", "Yes."), ("tl", "Oo.")), (("en", "No."), ("tl", "Hindi.")),
                                       (("en", "Maybe."), ("tl", "Siguro."))]
    assert [u.tuid for u in units] == ["1", "2", "9"]
    assert main(["tmx", "validate", str(out)]) == 0


def test_merge_min_score_and_tuid_clash(two_files, tmp_path):
    a, _ = two_files
    c = tmp_path / "c.tmx"
    write_checked(c, [unit("1", "Other.", "Iba.", "0.95")], srclang="en", langs=["en", "tl"])
    out = tmp_path / "m.tmx"
    assert main(["tmx", "merge", str(a), str(c), "-o", str(out), "--min-score", "0.5"]) == 0
    assert_valid_tmx(out)
    assert [(u.tuid, u.text("en")) for u in iter_tus(out)] == [("1", "Yes."), ("1-2", "Other.")]


def test_merge_refuses_files_with_different_languages(two_files, tmp_path, capsys):
    ne = tmp_path / "ne.tmx"
    write_checked(ne, [TranslationUnit("1", (("en", "Yes."), ("ne", "हो।")))], srclang="en", langs=["en", "ne"])
    assert main(["tmx", "merge", str(two_files[0]), str(ne), "-o", str(tmp_path / "x.tmx")]) == 5
    assert "same languages" in capsys.readouterr().err
    assert not (tmp_path / "x.tmx").exists()


def test_validate_flags_what_breaks_cat_tools(tmp_path, capsys):
    bad = tmp_path / "bad.tmx"
    header = HEADER.replace(' segtype="sentence"', "")
    bad.write_text(
        f'<?xml version="1.0" encoding="UTF-8"?><tmx version="1.4">{header}<body>'
        '<tu tuid="1"><tuv lang="en"><seg>Hi</seg></tuv><tuv xml:lang="tl"><seg>Hoy </seg></tuv></tu>'
        '<tu tuid="1"><tuv xml:lang="en"><seg>Bye</seg></tuv></tu>'
        "</body></tmx>", encoding="utf-8")
    report = validate(bad)
    text = "\n".join(report.errors)
    assert "lacks the required attribute segtype" in text
    assert 'uses the pre-1.4 attribute' in text
    assert "tuid '1' is used twice" in text
    assert "lack a <tuv> for tl" in text
    assert any("leading/trailing whitespace" in w for w in report.warnings)
    assert main(["tmx", "validate", str(bad)]) == 5
    assert "invalid" in capsys.readouterr().err


@pytest.mark.parametrize("preset", ["trados", "memoq", "omegat", "bcp47"])
def test_a_file_we_write_for_any_cat_tool_validates(tmp_path, capsys, preset):
    # Region codes (fil-PH) were compared against their lower case and reported as missing: every
    # Trados file failed validate with exit 5 (seen with scripts/check_outputs.py's merged TMX).
    path = tmp_path / f"{preset}.tmx"
    tus = [TranslationUnit(str(i), (("tl", f"Oo {i}."), ("ne-NP", f"हो {i}।"))) for i in range(3)]
    write_checked(path, tus, srclang="tl", langs=["tl", "ne-NP"], lang_codes=preset)
    assert validate(path).errors == ()
    assert main(["tmx", "validate", str(path)]) == 0
    assert "valid:" in capsys.readouterr().out
    lacking = tmp_path / "lacking.tmx"
    write_checked(lacking, tus, srclang="tl", langs=["tl", "ne-NP"], lang_codes="trados")
    text = lacking.read_text(encoding="utf-8").replace('<tuv xml:lang="ne-NP"><seg>हो 0।</seg></tuv>', "", 1)
    lacking.write_text(text, encoding="utf-8")
    assert any("1 TU(s) lack a <tuv> for ne-NP" in e for e in validate(lacking).errors)


def test_validate_hostile_file_exits_with_tmx_error(tmp_path, capsys):
    evil = tmp_path / "evil.tmx"
    evil.write_text('<?xml version="1.0"?><!DOCTYPE tmx [<!ENTITY a "aaaa">]><tmx version="1.4"/>')
    assert main(["tmx", "validate", str(evil)]) == 5
    assert "entities" in capsys.readouterr().err


def test_align_format_tmx_writes_a_valid_bilingual_tmx(tmp_path, monkeypatch):
    import io

    from aligner.formats import write_alignment

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1")
    from aligner.types import Alignment, Bead, Document, Sentence

    def doc(name, lang, texts):
        return Document(name, lang, "text", tuple(Sentence(t, lang, 0, len(t)) for t in texts))

    src = doc("a.en.txt", "en", ["One.", "Two.", "Extra."])
    tgt = doc("a.tl.txt", "tl", ["Isa.", "Dalawa."])
    alignment = Alignment((Bead((0,), (0,), 0.9), Bead((1,), (1,), 0.8), Bead((2,), (), 0.0)), 3, 2)
    path = tmp_path / "pair.tmx"
    with open(path, "w", encoding="utf-8") as fh:
        write_alignment("tmx", alignment, src, tgt, fh)
    assert_valid_tmx(path)
    assert [u.segs for u in iter_tus(path)] == [(("en", "One."), ("tl", "Isa.")), (("en", "Two."), ("tl", "Dalawa."))]
    text = io.StringIO()
    write_alignment("tmx", alignment, src, tgt, text)
    assert text.getvalue() == path.read_text(encoding="utf-8")
