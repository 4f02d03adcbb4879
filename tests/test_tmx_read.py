import codecs
import subprocess
import sys

import pytest

from aligner.errors import TmxError
from test_tmx_support import write_checked
from tmx.model import TranslationUnit
from tmx.read import iter_tus, read_header

HEADER = ('<header creationtool="t" creationtoolversion="1" segtype="sentence" o-tmf="t" '
          'adminlang="en" srclang="en" datatype="plaintext"/>')


def tmx_text(body: str, version: str = "1.4", prolog: str = "") -> str:
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n{prolog}<tmx version="{version}">{HEADER}'
            f"<body>{body}</body></tmx>\n")


def put(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return path


def test_round_trip_keeps_segments_languages_scores_props_and_notes(tmp_path):
    units = [
        TranslationUnit(f"id{i}", (("en", f"Line {i} & <more>."), ("ne", f"पङ्क्ति {i}।")),
                        (("x-score", f"{i / 10:.4f}"), ("x-bead", "1-1")), note="checked" if i % 2 else None)
        for i in range(10)
    ]
    write_checked(tmp_path / "rt.tmx", units, srclang="en", langs=["en", "ne"])
    back = list(iter_tus(tmp_path / "rt.tmx"))
    assert back == units
    assert [u.score for u in back] == [i / 10 for i in range(10)]


@pytest.mark.parametrize("version", ["1.1", "1.2", "1.3", "1.4"])
def test_reads_tmx_1_1_to_1_4_with_lang_or_xml_lang(tmp_path, version):
    attr = 'xml:lang="EN-us"' if version == "1.4" else 'lang="EN-us"'
    body = (f'<tu tuid="7"><prop type="x-score">0.5</prop><tuv {attr}><seg>Hi <bpt i="1">&lt;b&gt;</bpt>there'
            f'<ept i="1">&lt;/b&gt;</ept> <hi>you</hi></seg></tuv><tuv lang="TL"><seg>Hoy</seg></tuv></tu>')
    path = put(tmp_path, "v.tmx", tmx_text(body, version))
    (unit,) = list(iter_tus(path))
    assert unit.segs == (("en-US", "Hi there you"), ("tl", "Hoy"))
    assert unit.score == 0.5
    assert read_header(path)["version"] == version


def test_reads_utf16_with_bom(tmp_path):
    text = tmx_text('<tu><tuv xml:lang="ne"><seg>नेपाली</seg></tuv><tuv xml:lang="en"><seg>Nepali</seg></tuv></tu>')
    text = text.replace('encoding="UTF-8"', 'encoding="UTF-16"')
    for bom, codec in [(codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")]:
        path = put(tmp_path, f"{codec}.tmx", bom + text.encode(codec))
        assert [u.segs for u in iter_tus(path)] == [(("ne", "नेपाली"), ("en", "Nepali"))]


def test_xxe_is_rejected_without_reading_the_file(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    prolog = f'<!DOCTYPE tmx [<!ENTITY xxe SYSTEM "file://{secret}">]>\n'
    path = put(tmp_path, "xxe.tmx", tmx_text('<tu><tuv xml:lang="en"><seg>&xxe;</seg></tuv></tu>', prolog=prolog))
    with pytest.raises(TmxError, match="declares XML entities") as info:
        list(iter_tus(path))
    assert "TOP-SECRET" not in str(info.value)


def test_billion_laughs_is_rejected(tmp_path):
    ents = ['<!ENTITY lol0 "lol">'] + [f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)]
    prolog = "<!DOCTYPE tmx [" + "".join(ents) + "]>\n"
    path = put(tmp_path, "lol.tmx", tmx_text('<tu><tuv xml:lang="en"><seg>&lol9;</seg></tuv></tu>', prolog=prolog))
    with pytest.raises(TmxError, match="billion-laughs"):
        read_header(path)


def test_external_dtd_and_undeclared_entities_never_touch_the_network(tmp_path):
    # A remote DTD is not fetched (no_network, load_dtd off); the undeclared entity stays unexpanded
    # and is reported instead of silently becoming text.
    prolog = '<!DOCTYPE tmx SYSTEM "http://192.0.2.1/evil.dtd">\n'
    path = put(tmp_path, "ext.tmx", tmx_text('<tu><tuv xml:lang="en"><seg>a &evil; b</seg></tuv></tu>', prolog=prolog))
    code = (f"import sys\nfrom tmx.read import iter_tus\nfrom aligner.errors import TmxError\n"
            f"try:\n    list(iter_tus({str(path)!r}))\nexcept TmxError as e:\n    print('ERR', e)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=20)
    assert out.stdout.startswith("ERR") and "evil" in out.stdout, out.stdout + out.stderr


def test_truncated_file_gives_a_clear_error(tmp_path):
    full = tmx_text("".join(f'<tu><tuv xml:lang="en"><seg>s{i}</seg></tuv></tu>' for i in range(50)))
    path = put(tmp_path, "cut.tmx", full[: len(full) // 2])
    with pytest.raises(TmxError, match="truncated"):
        list(iter_tus(path))


def test_wrong_encoding_gives_a_clear_error(tmp_path):
    data = tmx_text('<tu><tuv xml:lang="fr"><seg>Ça va, déjà</seg></tuv></tu>').encode("latin-1")
    path = put(tmp_path, "latin1.tmx", data)
    with pytest.raises(TmxError, match="not valid UTF-8.*re-save"):
        list(iter_tus(path))


def test_tuv_without_any_language_is_an_error(tmp_path):
    path = put(tmp_path, "nolang.tmx", tmx_text('<tu><tuv><seg>x</seg></tuv></tu>'))
    with pytest.raises(TmxError, match=r"line \d+: <tuv> without xml:lang"):
        list(iter_tus(path))


@pytest.mark.parametrize(
    ("content", "message"),
    [("", "empty"), ("just text, no markup", "no XML element"), ('<?xml version="1.0"?><html/>', "not <tmx>"),
     ('<tmx version="2.0"><header/><body/></tmx>', "version 2.0 is not supported"),
     ('<tmx version="1.4"><body/></tmx>', "no <header>")],
)
def test_non_tmx_inputs_are_named(tmp_path, content, message):
    path = put(tmp_path, "bad.tmx", content)
    with pytest.raises(TmxError, match=message):
        list(iter_tus(path))


def test_missing_file_is_a_tmx_error(tmp_path):
    with pytest.raises(TmxError, match="no such file"):
        read_header(tmp_path / "absent.tmx")


def test_reader_streams_and_frees_finished_units(tmp_path):
    body = "".join(f'<tu tuid="{i}"><tuv xml:lang="en"><seg>s{i}</seg></tuv><tuv xml:lang="tl"><seg>t{i}</seg></tuv></tu>'
                   for i in range(2000))
    path = put(tmp_path, "many.tmx", tmx_text(body))
    from tmx.parse import TuElement, iter_elements
    seen = 0
    for item in iter_elements(path):
        if isinstance(item, TuElement):
            # only the unit just handed out survives, already emptied: older ones left <body>
            prev = item.element.getprevious()
            assert prev is None or (len(prev) == 0 and prev.getprevious() is None)
            assert item.index == seen
            seen += 1
    assert seen == 2000


def test_xml_lang_wins_over_a_conflicting_legacy_lang(tmp_path):
    path = put(tmp_path, "both.tmx", tmx_text(
        '<tu><tuv lang="en" xml:lang="tl"><seg>Oo</seg></tuv><tuv xml:lang="en"><seg>Yes</seg></tuv></tu>'))
    assert [u.segs for u in iter_tus(path)] == [(("tl", "Oo"), ("en", "Yes"))]


def test_internal_carriage_returns_and_markup_characters_survive(tmp_path):
    unit = TranslationUnit("cr", (("en", "a\rb & <c> ]]> \"d\""), ("tl", "e\nf")), (("x-note", "p\tq\nr"),))
    write_checked(tmp_path / "cr.tmx", [unit], srclang="en", langs=["en", "tl"])
    assert list(iter_tus(tmp_path / "cr.tmx")) == [unit]


def test_deep_nesting_is_refused_not_a_crash(tmp_path):
    seg = "<hi>" * 5000 + "x" + "</hi>" * 5000
    path = put(tmp_path, "deep.tmx", tmx_text(f'<tu><tuv xml:lang="en"><seg>{seg}</seg></tuv></tu>'))
    with pytest.raises(TmxError, match="Excessive depth"):
        list(iter_tus(path))
