import io
import re

import pytest
import wcwidth
from rich.console import Console

from aligner.cli.render_gaps import render
from aligner.gaps import build_report
from aligner.types import Alignment, Bead, Document, Sentence

ANSI = re.compile(r"\x1b\[")


def doc(name, lang, texts, headings=()):
    sents = tuple(
        Sentence(t, lang, 0, len(t), "heading" if i in headings else "sentence")
        for i, t in enumerate(texts)
    )
    return Document(name, lang, "text", sents)


TL = doc(
    "lenin.tl.txt", "tl",
    ["Kabataan", "Si Lenin ay ipinanganak sa Simbirsk noong 1870.",
     "Nag-aral siya ng batas sa Kazan at sa Saint Petersburg bago siya ipinatapon.",
     "Ang kanyang kapatid na si Aleksandr ay binitay noong 1887.",
     "Namatay siya noong 1924 sa Gorki."],
    headings=(0,),
)
NE = doc(
    "lenin.ne.txt", "ne",
    ["प्रारम्भिक जीवन", "लेनिनको जन्म १८७० मा सिम्बिर्स्कमा भएको थियो।",
     "उनी मार्क्सवादी क्रान्तिकारी थिए।", "उनको मृत्यु १९२४ मा गोर्कीमा भयो।"],
    headings=(0,),
)
ALIGN = Alignment(
    (Bead((0,), (0,), 0.9), Bead((1,), (1,), 0.8), Bead((2,), (), 0.0), Bead((3,), (), 0.0),
     Bead((), (2,), 0.0), Bead((4,), (3,), 0.85)),
    5, 4,
)
REPORT = build_report([TL, NE], {(0, 1): ALIGN})


def rendered(width, *, collapse=False, **console_kw):
    buf = io.StringIO()
    console = Console(file=buf, width=width, **console_kw)
    render(REPORT, console, collapse=collapse)
    return buf.getvalue()


@pytest.mark.parametrize("width", [80, 120, 160, 200])
def test_plain_output_fits_width_and_shows_both_languages(width):
    out = rendered(width, force_terminal=False)
    assert not ANSI.search(out)
    assert max(wcwidth.wcswidth(line) for line in out.splitlines()) <= width
    assert "Simbirsk" in out and "सिम्बिर्स्कमा" in out
    assert "Nepali: 3 of 4 sentences have a Tagalog counterpart" in out
    assert "Tagalog: 3 of 5 sentences have a Nepali counterpart" in out


def test_rows_found_in_one_version_carry_a_text_marker():
    lines = rendered(160, force_terminal=False).splitlines()
    tl_only = [line for line in lines if line.startswith("+tl")]
    ne_only = [line for line in lines if line.startswith("+ne")]
    assert len(tl_only) == 2 and "Kazan" in tl_only[0]
    assert len(ne_only) == 1 and "क्रान्तिकारी" in ne_only[0]
    heading = next(line for line in lines if line.startswith("#"))
    assert "Kabataan" in heading and "प्रारम्भिक" in heading


def test_collapse_folds_aligned_rows_to_a_count():
    out = rendered(120, force_terminal=False, collapse=True)
    rows = [line for line in out.splitlines() if line.startswith("=")]
    assert rows and all("1 aligned sentence" in line for line in rows)
    assert "Gorki" not in out  # no run follows it, so no hint quotes it
    assert "Kazan" in out


def test_terminal_output_is_coloured_unless_no_color(monkeypatch):
    coloured = rendered(100, force_terminal=True)
    assert re.search(r"\x1b\[[0-9;]*3[0-9]m", coloured)
    monkeypatch.setenv("NO_COLOR", "1")
    plain = rendered(100, force_terminal=True)
    assert not re.search(r"\x1b\[[0-9;]*3[0-9]m", plain)
    assert "+tl" in plain


def test_three_columns_fit_80_and_show_a_missing_version():
    en = doc("lenin.en.txt", "en", ["Lenin was born in Simbirsk in 1870.", "He died in 1924."])
    tl_en = Alignment((Bead((0,), (), 0), Bead((1,), (0,), 0.9), Bead((2,), (), 0),
                       Bead((3,), (), 0), Bead((4,), (), 0)), 5, 2)
    ne_en = Alignment((Bead((0,), (), 0), Bead((1,), (0,), 0.9), Bead((2,), (), 0),
                       Bead((3,), (1,), 0.8)), 4, 2)
    report = build_report([TL, NE, en], {(0, 1): ALIGN, (0, 2): tl_en, (1, 2): ne_en})
    buf = io.StringIO()
    render(report, Console(file=buf, width=80, force_terminal=False))
    lines = buf.getvalue().splitlines()
    assert max(wcwidth.wcswidth(line) for line in lines) <= 80
    # Gorki row: Tagalog and Nepali share it, English links only to Nepali, so all three meet
    gorki = next(line for line in lines if "Namatay" in line)
    assert gorki.startswith("=") and "He died" in gorki
    assert "English: 2 of 2 sentences have a Nepali counterpart" in buf.getvalue()


def test_an_aligned_row_shows_a_dash_for_the_version_that_lacks_it():
    en = doc("lenin.en.txt", "en", ["Lenin was born in Simbirsk in 1870."])
    tl_en = Alignment((Bead((0,), (), 0), Bead((1,), (0,), 0.9), Bead((2,), (), 0),
                       Bead((3,), (), 0), Bead((4,), (), 0)), 5, 1)
    ne_en = Alignment((Bead((0,), (), 0), Bead((1,), (), 0), Bead((2,), (), 0),
                       Bead((3,), (), 0), Bead((), (0,), 0)), 4, 1)
    report = build_report([TL, NE, en], {(0, 1): ALIGN, (0, 2): tl_en, (1, 2): ne_en})
    buf = io.StringIO()
    render(report, Console(file=buf, width=120, force_terminal=False))
    gorki = next(line for line in buf.getvalue().splitlines() if "Gorki" in line)
    assert gorki.startswith("=") and gorki.rstrip().endswith("—")
