"""The HTML page: a titled, self-contained page whose columns declare their language."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from aligner.cli.gaps import format_report
from aligner.gaps import build_report
from aligner.types import Alignment, Bead, Document, Sentence


def doc(name, lang, texts, headings=()):
    return Document(name, lang, "text", tuple(
        Sentence(t, lang, 0, len(t), "heading" if i in headings else "sentence")
        for i, t in enumerate(texts)))


TL = doc("lenin.tl.txt", "tl", ["Kabataan", "Ipinanganak si Lenin sa Simbirsk noong 1870.",
                                 "Nag-aral siya ng batas sa Kazan.", "Namatay siya noong 1924."],
         headings=(0,))
NE = doc("lenin.ne.txt", "ne", ["प्रारम्भिक जीवन", "लेनिनको जन्म १८७० मा सिम्बिर्स्कमा भएको थियो।",
                                 "उनी मार्क्सवादी क्रान्तिकारी थिए।", "उनको मृत्यु १९२४ मा भयो।"],
         headings=(0,))
EN = doc("lenin.en.txt", "en", ["Lenin was born in Simbirsk in 1870 <b>&amp;</b> https://example.org/x.png"])
TL_NE = Alignment((Bead((0,), (0,), 0.9), Bead((1,), (1,), 0.8), Bead((2,), (), 0.0),
                   Bead((), (2,), 0.0), Bead((3,), (3,), 0.8)), 4, 4)
TL_EN = Alignment((Bead((0,), (), 0), Bead((1,), (0,), 0.9), Bead((2,), (), 0), Bead((3,), (), 0)), 4, 1)
NE_EN = Alignment((Bead((0,), (), 0), Bead((1,), (0,), 0.9), Bead((2,), (), 0), Bead((3,), (), 0)), 4, 1)
REPORTS = {
    "two": build_report([TL, NE], {(0, 1): TL_NE}),
    "three": build_report([TL, NE, EN], {(0, 1): TL_NE, (0, 2): TL_EN, (1, 2): NE_EN}),
}

EXTERNAL_TAGS = {"script", "link", "img", "iframe", "object", "embed", "audio", "video", "source",
                 "base", "frame"}


class Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.title, self.tags, self.cells, self.order = [], "", [], [], []
        self.refs, self.styles, self.text = [], [], []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append(tag)
        self.stack.append((tag, a))
        for key in ("src", "href", "srcset", "poster", "data", "action"):
            if key in a:
                self.refs.append(a[key])
        if "style" in a:
            self.styles.append(a["style"])
        cls = a.get("class", "").split()
        if tag == "div" and any(c.startswith("c") and c[1:].isdigit() for c in cls):
            parent = self.stack[-2][1].get("class", "") if len(self.stack) > 1 else ""
            self.cells.append((parent, a.get("lang")))
        if tag in ("section", "nav", "main"):
            self.order.append(tag)

    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data):
        if self.stack and self.stack[-1][0] == "title":
            self.title += data
        if self.stack and self.stack[-1][0] == "style":
            self.styles.append(data)
        self.text.append(data)


def parsed(report, **kw):
    page = Page()
    html = format_report(report, "html", **kw)
    page.feed(html)
    return page, html


@pytest.mark.parametrize("name", REPORTS)
def test_page_has_a_title_and_a_lang_on_every_column(name):
    report = REPORTS[name]
    page, html = parsed(report)
    assert html.startswith("<!DOCTYPE html>")
    assert page.title.startswith("Coverage gaps: ") and "lenin.tl.txt (Tagalog)" in page.title
    langs = [d.lang for d in report.documents]
    rows = [c for c in page.cells if "row" in c[0]]
    assert len(rows) == len(report.rows) * len(langs)
    assert [lang for _, lang in rows] == langs * len(report.rows)


@pytest.mark.parametrize("name", REPORTS)
def test_page_fetches_nothing(name):
    page, html = parsed(REPORTS[name], collapse=True)
    assert not EXTERNAL_TAGS & set(page.tags)
    assert all(ref.startswith("#") for ref in page.refs), page.refs  # links stay on the page
    css = " ".join(page.styles)
    assert "url(" not in css and "@import" not in css and "@font-face" not in css
    # document text is escaped, never markup: the sample's <b> and URL stay text
    if name == "three":
        assert "&lt;b&gt;&amp;amp;&lt;/b&gt;" in html and "<b>&amp;</b>" not in html


def test_coverage_then_navigation_then_the_diff():
    page, html = parsed(REPORTS["two"])
    assert page.order[:3] == ["section", "nav", "main"]
    assert html.index("Tagalog: 3 of 4 sentences have a Nepali counterpart") < html.index("<nav")
    assert 'href="#sec-1"' in html and 'id="sec-1"' in html
    assert "@media print" in html and "grid-template-columns" in html


def test_hint_links_to_the_sentence_it_names():
    page, html = parsed(REPORTS["two"])
    assert 'href="#d1-s1"' in html and 'id="d1-s1"' in html
    assert "↳ goes after" in " ".join(page.text)
