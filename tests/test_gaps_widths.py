"""The gap diff at its true cell widths, script by script, measured against wcwidth.

rich gives Devanagari and Bengali spacing vowel signs width 0; terminals draw
them in a cell each. Each script's sample goes through the wrapping helper and
through a whole rendered diff; no line may be wider than the terminal by
``wcwidth``, and no line may start inside a grapheme (a vowel sign or accent
cut off its letter, half a conjunct, half an emoji sequence).
"""

from __future__ import annotations

import os
import shlex
import subprocess
import time
import unicodedata

import pytest
import wcwidth

from aligner.cli._cells import cell_width, clip, pad, wrap
from aligner.cli.gaps import format_report
from aligner.gaps import build_report
from aligner.types import Alignment, Bead, Document, Sentence
from needs import need_tmux

VIRAMAS = {"\u094d", "\u09cd", "\u0e3a"}
JOINERS = {"\u200c", "\u200d"}

SCRIPTS = {
    # vowel signs ा ि ी ो (Mc, width 1 in a terminal, 0 for rich), virama + conjuncts (क्ष, त्र, स्थ)
    "devanagari": ("ne", "भ्लादिमिर इलिच लेनिन रूसमा बोल्सेविक क्रान्तिको नेता तथा रूसमा साम्यवादी शासनको "
                         "संस्थापक थिए। उनले कजान विश्वविद्यालयमा कानुन पढे र पछि क्षेत्रीय राजनीतिमा लागे।"),
    # ZWJ (eyelash ra: र्‍य) and ZWNJ (explicit virama: क्‌ष) inside words
    "devanagari-zwj": ("ne", "र्\u200dयाली क्\u200cषमा प्रजातन्त्र र्\u200dयाल्स्टनको क्\u200cषत्रिय "
                             "विचारधारा पढ्दै अक्टोबर क्रान्तिको नेतृत्व गरे।" * 2),
    "bengali": ("bn", "ভ্লাদিমির লেনিন রুশ বিপ্লবের নেতা ছিলেন এবং সোভিয়েত রাষ্ট্রের প্রতিষ্ঠাতা হিসেবে "
                      "পরিচিত। তিনি কাজান বিশ্ববিদ্যালয়ে আইন পড়েছিলেন।"),
    # no spaces between words, above/below vowels and tone marks (width 0)
    "thai": ("th", "วลาดีมีร์เลนินเป็นนักปฏิวัติชาวรัสเซียและผู้ก่อตั้งสหภาพโซเวียตเขาเกิดที่ซิมบีร์สค์"
                   "ในปีหนึ่งพันแปดร้อยเจ็ดสิบ"),
    # decomposed accents: e + U+0301, n + U+0303, stacked marks
    "latin-combining": ("vi", "Le\u0302\u0301nin sinh ra o\u031b\u0309 Simbirsk na\u0306m 1870 va\u0300 "
                              "ho\u0323c lua\u0323\u0302t ta\u0323i Kazan; Espan\u0303a, "
                              "Zo\u0308e, cafe\u0301 a\u0336\u0336 " * 2),
    # double-width ideographs and kana, no spaces
    "cjk": ("ja", "ウラジーミル・レーニンはロシアの革命家であり、ソビエト連邦の初代指導者である。"
                  "一八七〇年にシンビルスクで生まれ、カザン大学で法律を学んだ。"),
    # wide emoji, skin tones, ZWJ families, flags, keycaps
    "emoji": ("en", "Lenin 👨\u200d👩\u200d👧 was born 🇷🇺 in 1870 👍🏽 and studied law 📚⚖️ "
                    "at Kazan 🏫 1️⃣ then 🚂🚂🚂🚂🚂🚂🚂🚂🚂🚂🚂🚂🚂🚂🚂🚂 went abroad ✈️🌍"),
}


def _starts_mid_grapheme(line: str) -> bool:
    return bool(line) and (unicodedata.category(line[0]).startswith("M") or line[0] in JOINERS)


def _ends_mid_grapheme(line: str) -> bool:
    return bool(line) and (line[-1] in VIRAMAS | JOINERS)


# Widths a code-point terminal gives (tmux 3.3a: the cursor column after printing the text),
# where wcwidth, which models grapheme-aware terminals, says less. Ours is never below either.
TMUX_33 = [
    ("বাংলা", 5, 4),  # Bengali: two spacing marks in one cluster (া ং) are a cell each
    ("ाा", 2, 0),  # vowel signs with no consonant: a cell each
    ("लेनिनले अब मजदूरहरू र कुन ानहरूका संसारका यस प्रथम राज्यका निर्माणको कार्य आफ्नो हाथमा लिया।",
     80, 78),  # a corpus sentence with a stray vowel sign after a space
    ("காந்தி", 5, 4),  # Tamil
    ("👍🏽", 4, 2),  # a skin tone modifier gets its own two cells
]
SAME = [("क्ष", 2), ("र्\u200dया", 2), ("क्\u200cष", 2), ("e\u0301", 1), ("中文", 4),
        ("ภาษาไทย น้ำ", 10), ("👨\u200d👩\u200d👧", 2)]


@pytest.mark.parametrize("script", SCRIPTS)
def test_measure_is_never_below_wcwidth(script):
    _, text = SCRIPTS[script]
    assert cell_width(text) >= wcwidth.wcswidth(text)
    for word in text.split():
        assert cell_width(word) >= wcwidth.wcswidth(word)
        assert cell_width(pad(word, 40)) == max(40, cell_width(word))


@pytest.mark.parametrize("text, width", SAME)
def test_measure_matches_wcwidth_and_tmux_where_they_agree(text, width):
    assert cell_width(text) == wcwidth.wcswidth(text) == width


@pytest.mark.parametrize("text, terminal, grapheme_aware", TMUX_33)
def test_measure_takes_the_wider_of_the_two_terminal_models(text, terminal, grapheme_aware):
    assert wcwidth.wcswidth(text) == grapheme_aware
    assert cell_width(text) == terminal


@pytest.mark.parametrize("script", SCRIPTS)
@pytest.mark.parametrize("width", [6, 11, 23, 37, 80])
def test_wrap_fits_and_keeps_every_grapheme_whole(script, width):
    _, text = SCRIPTS[script]
    lines = wrap(text, width)
    assert all(wcwidth.wcswidth(line) <= width for line in lines)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    assert not any(_starts_mid_grapheme(line) for line in lines)
    assert not any(_ends_mid_grapheme(line) for line in lines)
    clipped = clip(text, width)
    assert wcwidth.wcswidth(clipped) <= width and text.startswith(clipped[:-1].rstrip())


def _report(lang: str, text: str):
    words = text.split()
    half = max(1, len(words) // 2)
    other = [" ".join(words[:half]), " ".join(words[half:]) or text, text]
    a = Document("a.tl.txt", "tl", "text", tuple(
        Sentence(t, "tl", 0, len(t)) for t in
        ["Ipinanganak si Lenin sa Simbirsk noong 1870 sa isang pamilyang edukado.",
         "Nag-aral siya ng batas sa Kazan.", "Isang pangungusap na walang katumbas."]))
    b = Document(f"b.{lang}.txt", lang, "text", tuple(Sentence(t, lang, 0, len(t)) for t in other))
    al = Alignment((Bead((0,), (0,), 0.9), Bead((1,), (1,), 0.8), Bead((2,), (), 0.0),
                    Bead((), (2,), 0.0)), 3, 3)
    return build_report([a, b], {(0, 1): al})


@pytest.mark.parametrize("script", SCRIPTS)
@pytest.mark.parametrize("width", [40, 80, 160])
def test_rendered_diff_fits_the_terminal(script, width):
    lang, text = SCRIPTS[script]
    out = format_report(_report(lang, text), "text", width=width)
    lines = out.splitlines()
    assert max(wcwidth.wcswidth(line) for line in lines) <= width
    # the whole sample is there (wrapped, so compare without spaces and column rules)
    flat = "".join(line[4:].split("│")[-1] for line in lines).replace(" ", "")
    assert text.replace(" ", "") in flat
    assert not any(_starts_mid_grapheme(part.strip()) for line in lines for part in line.split("│"))


def _tmux_cursor_after(text, tmp_path):
    """The column where a real terminal (tmux) leaves the cursor after printing ``text``."""
    sample = tmp_path / "sample.txt"
    sample.write_text(text, encoding="utf-8")
    sock = tmp_path / "tmux.sock"
    base = ["tmux", "-S", str(sock), "-f", os.devnull]
    subprocess.run([*base, "new-session", "-d", "-x", "400", "-y", "5",
                    f"env LANG=C.UTF-8 cat {shlex.quote(str(sample))}; sleep 30"], check=True)
    try:
        deadline = time.monotonic() + 20
        while True:
            screen = subprocess.run([*base, "capture-pane", "-p"], capture_output=True, text=True).stdout
            if screen.strip() or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        time.sleep(0.2)
        return int(subprocess.run([*base, "display", "-p", "#{cursor_x}"], check=True,
                                  capture_output=True, text=True).stdout)
    finally:
        subprocess.run([*base, "kill-server"], capture_output=True)


@pytest.mark.parametrize("script", SCRIPTS)
def test_no_terminal_draws_a_sample_wider_than_we_measure(script, tmp_path):
    need_tmux()
    _, text = SCRIPTS[script]
    drawn = _tmux_cursor_after(text, tmp_path)
    assert drawn > 0
    assert cell_width(text) >= drawn and cell_width(text) >= wcwidth.wcswidth(text)
    if script != "emoji":  # emoji sequences: terminals disagree, we take the wider
        assert cell_width(text) == drawn
