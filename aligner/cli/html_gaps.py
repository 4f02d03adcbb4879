"""The gap diff as a self-contained HTML page, not a terminal export.

The browser does the wrapping: columns are CSS grid tracks that share the
window's width, and each cell carries ``lang=`` so the browser picks a font and
line-breaking rules for its script. Everything is inline (one ``<style>``, no
script, no font or image fetched), so the page opens offline and can be mailed.
Colour only tints what the text markers already say, and survives printing.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from aligner.cli.render_gaps import anchor_text, legend
from aligner.gaps import (
    GapReport,
    GapRow,
    Insertion,
    RowStatus,
    Section,
    language_name,
)
from aligner.inert import inert

# Tint, rule and marker colour per column position; dark text on every tint (contrast >= 7:1).
_PALETTE = (("#fff1c7", "#a86b00", "#6b4400"), ("#d9f2ef", "#00796b", "#004d43"),
            ("#f3e3f6", "#8e24aa", "#5c1470"))

_CSS = """
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0 auto; padding: 1rem 1.5rem 3rem; max-width: 120rem; color: #1b1b1b;
  background: #fff; font: 16px/1.5 system-ui, "Noto Sans", "Noto Sans Devanagari", sans-serif; }
h1 { font-size: 1.4rem; margin: 0 0 .25rem; }
h2 { font-size: 1.1rem; margin: 1.5rem 0 .5rem; }
.docs { margin: 0 0 1rem; color: #444; }
.coverage { margin: 0 0 1rem; padding-left: 1.2rem; }
.legend { display: grid; grid-template-columns: max-content 1fr; gap: .15rem .75rem;
  margin: 0 0 1rem; font-size: .95rem; }
.legend dt { font: bold .95rem/1.5 ui-monospace, monospace; }
.legend dd { margin: 0; }
table.sections { border-collapse: collapse; font-size: .92rem; margin-bottom: 1rem; }
table.sections th, table.sections td { padding: .15rem .5rem; border-bottom: 1px solid #ddd;
  text-align: right; vertical-align: top; }
table.sections th.title, table.sections td.title { text-align: left; }
table.sections tr.total td { font-weight: bold; border-top: 2px solid #999; }
a { color: #0b4f9c; }
.diff { display: grid; grid-template-columns: 3.2rem repeat(var(--cols), minmax(0, 1fr));
  column-gap: 1rem; }
.row, .head { display: contents; }
.row > div, .head > div { padding: .3rem .5rem; border-top: 1px solid #e4e4e4; min-width: 0;
  overflow-wrap: anywhere; }
.head > div { position: sticky; top: 0; background: #fff; border-top: 0;
  border-bottom: 2px solid #999; font-weight: bold; z-index: 1; }
.head .name { display: block; font-weight: normal; color: #555; font-size: .85rem; }
.mark { font: bold .9rem/1.6 ui-monospace, monospace; white-space: nowrap; }
.row.aligned > div { color: #333; }
.row.heading > div { font-weight: bold; font-size: 1.05rem; border-top: 2px solid #999;
  padding-top: .8rem; }
.missing { color: #777; }
.hint { color: #444; font-style: italic; font-size: .92rem; }
.hint a { color: inherit; }
.sec { grid-column: 1 / -1; margin: 1.2rem 0 .2rem; font-size: .95rem; color: #333;
  font-weight: normal; border: 0; }
.sec b { font-size: 1.05rem; }
details.fold { grid-column: 1 / -1; display: block; }
details.fold > summary { cursor: pointer; color: #555; font-style: italic; padding: .3rem .5rem;
  border-top: 1px solid #e4e4e4; }
details.fold[open] > .inner { display: grid; grid-template-columns: 3.2rem repeat(var(--cols), minmax(0, 1fr));
  column-gap: 1rem; }
@media (max-width: 40rem) {
  .diff, details.fold[open] > .inner { grid-template-columns: 3rem minmax(0, 1fr); }
  .row > div, .head > div { grid-column: 2; }
  .row > .mark, .head > .mark { grid-column: 1; }
  .row > div:empty { display: none; }
}
@media print {
  body { font-size: 10pt; max-width: none; padding: 0; }
  .head > div { position: static; }
  .row, .sec { break-inside: avoid; }
  a { color: inherit; text-decoration: none; }
  .row > div { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  details.fold > summary::after { content: " (folded)"; }
}
"""


def _palette_css(n: int) -> str:
    rules = []
    for d in range(n):
        tint, rule, ink = _PALETTE[d % len(_PALETTE)]
        rules.append(f".only-{d} > .c{d} {{ background: {tint}; box-shadow: inset 4px 0 0 {rule}; }}")
        rules.append(f".only-{d} > .mark, .legend dt.d{d}, th.d{d} {{ color: {ink}; }}")
    return "\n".join(rules)


def _e(text: str) -> str:
    return escape(inert(text), quote=True)


def _doc_label(report: GapReport, d: int) -> str:
    doc = report.documents[d]
    return f"{doc.name or doc.lang} ({language_name(doc.lang)})"


def _sentence_spans(report: GapReport, d: int, indices: Sequence[int]) -> str:
    sentences = report.documents[d].sentences
    return " ".join(f'<span id="d{d}-s{s}" title="sentence {s + 1}">{_e(sentences[s].text)}</span>'
                    for s in indices)


def _hint(report: GapReport, insertion: Insertion | None, d: int) -> str:
    if insertion is None:
        return ""
    anchor = next((a for a in insertion.anchors if a.doc == d), None)
    if anchor is None:
        return ""
    if anchor.after is None:
        return f'<span class="hint" lang="en">{_e(anchor_text(report, d, None))}</span>'
    quote = _e(report.documents[d].sentences[anchor.after].text)
    return (f'<span class="hint"><span lang="en">↳ goes after <a href="#d{d}-s{anchor.after}">'
            f"sentence {anchor.after + 1}</a>:</span> “{quote}”</span>")


def _row(report: GapReport, row: GapRow, insertion: Insertion | None) -> str:
    if row.status is RowStatus.HEADING:
        cls, mark = "heading", "#"
    elif row.status is RowStatus.ALIGNED:
        cls, mark = "aligned", "="
    else:
        cls, mark = f"only only-{row.present[0]}", f"+{report.documents[row.present[0]].lang}"
    cells = [f'<div class="mark">{_e(mark)}</div>']
    for d, indices in enumerate(row.cells):
        lang = escape(report.documents[d].lang, quote=True)
        if indices:
            body = _sentence_spans(report, d, indices)
        elif row.status is RowStatus.ALIGNED:
            body = '<span class="missing" title="this version lacks what the others share">—</span>'
        else:
            body = _hint(report, insertion, d)
        cells.append(f'<div class="c{d}" lang="{lang}">{body}</div>')
    return f'<div class="row {cls}">{"".join(cells)}</div>'


def _counts_cells(report: GapReport, counts) -> str:
    out = []
    for c in counts:
        out.append(f"<td>{c.units}</td><td>{c.aligned}</td><td>{c.only}</td>"
                   f"<td>{c.only_percent:.0f}%</td>")
    return "".join(out)


def _nav(report: GapReport, sections: Sequence[Section]) -> str:
    n = len(report.documents)
    head1 = "".join(f'<th colspan="4" class="d{d}" scope="colgroup">{_e(language_name(doc.lang))} '
                    f"({_e(doc.lang)})</th>" for d, doc in enumerate(report.documents))
    head2 = "<th>sentences</th><th>aligned</th><th>only here</th><th>share</th>" * n
    body = []
    for s in sections:
        title = " / ".join(
            f'<span lang="{escape(report.documents[d].lang, quote=True)}">{_e(h)}</span>'
            for d, h in enumerate(s.headings) if h) or _e(s.title)
        body.append(f'<tr><td>{s.number}</td><td class="title"><a href="#sec-{s.number}">{title}</a>'
                    f"</td>{_counts_cells(report, s.counts)}</tr>")
    if len(sections) > 1:
        body.append(f'<tr class="total"><td></td><td class="title">all sections</td>'
                    f"{_counts_cells(report, report.totals)}</tr>")
    return ('<nav aria-label="Sections"><h2>Sections</h2>\n<table class="sections">'
            f'<thead><tr><th rowspan="2">#</th><th rowspan="2" class="title">section</th>{head1}</tr>'
            f"<tr>{head2}</tr></thead>\n<tbody>\n" + "\n".join(body) + "\n</tbody></table></nav>")


def _section_label(report: GapReport, s: Section) -> str:
    figures = "; ".join(f"{language_name(report.documents[d].lang)} {c.units} sentences, {c.aligned} aligned, {c.only} only here ({c.only_percent:.0f}%)"
                        for d, c in enumerate(s.counts))
    return (f'<h2 class="sec" id="sec-{s.number}"><b>Section {s.number}</b> · {_e(figures)} '
            '· <a href="#top">top</a></h2>')


def page(report: GapReport, *, collapse: bool = False, section: Section | None = None) -> str:
    """The whole page: title, coverage, legend, the section table (navigation), then the diff."""
    n = len(report.documents)
    labels = " · ".join(_doc_label(report, d) for d in range(n))
    sections = report.sections if section is None else (section,)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>Coverage gaps: {_e(labels)}</title>",
        f"<style>{_CSS}{_palette_css(n)}\n</style>",
        "</head>",
        f'<body style="--cols: {n}">',
        '<header id="top"><h1>Coverage gaps</h1>',
        f'<p class="docs">{_e(labels)}</p></header>',
        '<section aria-label="Coverage"><h2>Coverage</h2><ul class="coverage">',
        *(f"<li>{_e(c.text)} ({c.percent:.0f}%)</li>" for c in report.coverage),
        "</ul>",
        '<dl class="legend">',
        *(f'<dt class="{_legend_class(report, m)}">{_e(m)}</dt><dd>{_e(t)}</dd>' for m, t in legend(report)),
        "</dl></section>",
        _nav(report, sections),
        '<main class="diff">',
        '<div class="head"><div class="mark"></div>' + "".join(
            f'<div lang="{escape(doc.lang, quote=True)}">{_e(language_name(doc.lang))} ({_e(doc.lang)})'
            f'<span class="name">{_e(doc.name)}</span></div>' for doc in report.documents) + "</div>",
    ]
    runs = {ins.start: ins for ins in report.insertions}
    for s in sections:
        parts.append(_section_label(report, s))
        pending: list[str] = []
        count = [0] * n
        for k in range(s.start, s.stop):
            row = report.rows[k]
            html_row = _row(report, row, runs.get(k))
            if collapse and row.status is RowStatus.ALIGNED:
                pending.append(html_row)
                for d, cell in enumerate(row.cells):
                    count[d] += len(cell)
                continue
            if pending:
                parts.append(_fold(report, pending, count))
                pending, count = [], [0] * n
            parts.append(html_row)
        if pending:
            parts.append(_fold(report, pending, count))
    parts += ["</main>", "</body>", "</html>", ""]
    return "\n".join(parts)


def _legend_class(report: GapReport, marker: str) -> str:
    for d, doc in enumerate(report.documents):
        if marker == f"+{doc.lang}":
            return f"d{d}"
    return ""


def _fold(report: GapReport, rows: Sequence[str], count: Sequence[int]) -> str:
    what = " · ".join(f"{c} {language_name(report.documents[d].lang)}" for d, c in enumerate(count))
    noun = "row" if len(rows) == 1 else "rows"
    return (f'<details class="fold"><summary>{len(rows)} aligned {noun} folded ({_e(what)} '
            f'sentences); open to read</summary><div class="inner">{"".join(rows)}</div></details>')
