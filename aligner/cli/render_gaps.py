"""The gap diff as terminal lines (coloured on a terminal, plain in the text format).

Every line is laid out here with the true cell widths of :mod:`aligner.cli._cells`
and printed by rich with ``soft_wrap=True``, so rich neither re-wraps nor crops
what its own width table would mis-measure (Devanagari vowel signs). Colour is a
bonus, never the only signal: every row carries a text marker (``=`` aligned,
``+tl`` only in Tagalog, ``#`` heading), so the diff still reads under
``NO_COLOR``, in a pager or in a captured log. Every text from a document goes
through :func:`~aligner.inert.inert` before it reaches the terminal.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console
from rich.text import Text

from aligner.cli._cells import cell_width, clip, pad, wrap
from aligner.gaps import (
    GapReport,
    GapRow,
    Insertion,
    RowStatus,
    Section,
    SideCounts,
    language_name,
)
from aligner.inert import inert

# One highlight per column position, so each language keeps its colour in a run.
_ONLY_STYLES = ("bold yellow", "bold cyan", "bold magenta")
_QUIET = "dim"
_HINT = "italic"
_SEP = " │ "
_HINT_LINES = 2
_MIN_TITLE = 16  # narrower than this, the section summary gives each version its own line


def only_meaning(report: GapReport, doc: int) -> str:
    """What ``+xx`` says about a sentence, and what it does not (shared by every format)."""
    others = [language_name(d.lang) for e, d in enumerate(report.documents) if e != doc]
    versions = " or ".join(others) + (" version" if len(others) == 1 else " versions")
    return (f"only in {language_name(report.documents[doc].lang)}: no equivalent sentence in the "
            f"{versions}; the topic may still be there, told differently")


def legend(report: GapReport) -> list[tuple[str, str]]:
    """(marker, meaning) pairs, in the order the terminal, text and HTML legends show them."""
    items = [("=", "aligned: each version shown says the same thing")]
    items += [(f"+{doc.lang}", only_meaning(report, d)) for d, doc in enumerate(report.documents)]
    items += [("#", "section heading"),
              ("↳", "where that content would go in the other version: after the aligned "
                    "sentence quoted")]
    return items


def anchor_text(report: GapReport, doc: int, after: int | None) -> str:
    """The hint for one version: after which of its aligned sentences the run belongs."""
    if after is None:
        return "↳ goes before its first sentence"
    text = inert(report.documents[doc].sentences[after].text)
    return f"↳ goes after sentence {after + 1}: “{text}”"


def _lines(text: str, width: int, style: str = "") -> list[Text]:
    return [Text(line, style=style) for line in wrap(text, width)]


def _hanging(label: str, text: str, width: int, label_style: str = "", style: str = "",
             margin: int = 0) -> list[Text]:
    """``label`` then ``text`` wrapped beside it, continuation lines indented under the text."""
    indent = max(cell_width(label) + 1, 2) + margin
    out = []
    for k, line in enumerate(wrap(text, max(width - indent, 8))):
        t = Text(" " * margin)
        t.append(pad(label, indent - margin) if k == 0 else " " * (indent - margin),
                 style=label_style if k == 0 else "")
        t.append(line, style=style)
        out.append(t)
    return out


def _grid(cells: Sequence[tuple[list[str], str]], widths: Sequence[int], seps: Sequence[str]) -> list[Text]:
    """Side-by-side cells, each a list of pre-wrapped lines and a style, padded to true widths."""
    height = max(len(lines) for lines, _ in cells)
    out = []
    for i in range(height):
        pieces = [lines[i] if i < len(lines) else "" for lines, _ in cells]
        last = max((c for c, piece in enumerate(pieces) if piece), default=0)
        t = Text()
        for c in range(last + 1):
            if c:
                t.append(seps[c - 1], style=_QUIET)
            t.append(pieces[c], style=cells[c][1])
            t.append(" " * (widths[c] - cell_width(pieces[c])))
        t.rstrip()
        out.append(t)
    return out


class _Layout:
    """Column widths for one report at one terminal width."""

    def __init__(self, report: GapReport, width: int) -> None:
        self.width = width
        n = len(report.documents)
        self.mark = max(cell_width(f"+{d.lang}") for d in report.documents) + 1
        room = width - self.mark - cell_width(_SEP) * (n - 1)
        base = room // n
        self.cols = [base] * (n - 1) + [room - base * (n - 1)]
        self.widths = [self.mark, *self.cols]
        self.seps = ["", *[_SEP] * (n - 1)]


def _header(report: GapReport, layout: _Layout) -> list[Text]:
    cells: list[tuple[list[str], str]] = [([""], "")]
    for d, doc in enumerate(report.documents):
        lines = [clip(f"{language_name(doc.lang)} ({doc.lang})", layout.cols[d])]
        if doc.name:
            lines.append(clip(inert(doc.name), layout.cols[d]))
        cells.append((lines, _ONLY_STYLES[d]))
    return [*_grid(cells, layout.widths, layout.seps), Text("─" * layout.width, style=_QUIET)]


def _marker(report: GapReport, row: GapRow) -> tuple[str, str]:
    if row.status is RowStatus.HEADING:
        return "#", "bold"
    if row.status is RowStatus.ALIGNED:
        return "=", _QUIET
    doc = row.present[0]
    return f"+{report.documents[doc].lang}", _ONLY_STYLES[doc]


def _hint(report: GapReport, insertion: Insertion | None, doc: int, width: int) -> list[str]:
    if insertion is None:
        return [""]
    anchor = next((a for a in insertion.anchors if a.doc == doc), None)
    if anchor is None:
        return [""]
    lines = wrap(anchor_text(report, doc, anchor.after), width)
    if len(lines) > _HINT_LINES:
        lines = [*lines[:_HINT_LINES - 1], clip(" ".join(lines[_HINT_LINES - 1:]), width)]
    return lines


def _row(report: GapReport, row: GapRow, insertion: Insertion | None, layout: _Layout) -> list[Text]:
    marker, marker_style = _marker(report, row)
    cells: list[tuple[list[str], str]] = [([marker], marker_style)]
    for d, indices in enumerate(row.cells):
        width = layout.cols[d]
        if not indices:
            if row.status is RowStatus.ALIGNED:
                cells.append((["—"], _QUIET))  # this version lacks what the others share
            else:
                cells.append((_hint(report, insertion, d, width), _HINT))
            continue
        text = inert(" ".join(report.documents[d].sentences[s].text for s in indices))
        if row.status is RowStatus.HEADING:
            style = "bold underline"
        elif row.status is RowStatus.ALIGNED:
            style = _QUIET
        else:
            style = _ONLY_STYLES[d]
        cells.append((wrap(text, width), style))
    return _grid(cells, layout.widths, layout.seps)


def _folded(report: GapReport, rows: Sequence[GapRow], layout: _Layout) -> list[Text]:
    cells: list[tuple[list[str], str]] = [(["="], _QUIET)]
    for d in range(len(report.documents)):
        n = sum(len(r.cells[d]) for r in rows)
        noun = "sentence" if n == 1 else "sentences"
        cells.append((wrap(f"… {n} aligned {noun} …", layout.cols[d]), "dim italic"))
    return _grid(cells, layout.widths, layout.seps)


def counts_text(c: SideCounts) -> str:
    """One version's figures in a section, under the columns of :data:`COUNTS_HEAD`."""
    return f"{c.units:>5}{c.aligned:>6}{c.only:>6}{c.only_percent:>5.0f}%"


COUNTS_HEAD = f"{'sent':>5}{'=':>6}{'+':>6}{'+%':>6}"
COUNTS_KEY = ("sent: its sentences (headings included), =: aligned, +: only in this version, "
              "+%: their share of its sentences")
_BLOCK = len(COUNTS_HEAD)


def _summary(report: GapReport, sections: Sequence[Section], width: int, totals: bool) -> list[Text]:
    """A table (section, then each version's figures); too narrow for that, one line per version."""
    n = len(report.documents)
    num_w = len(str(len(report.sections))) + 1
    title_w = width - num_w - n * (_BLOCK + 2)
    out = [Text("Summary by section", style="bold"), *_lines(COUNTS_KEY, width, _QUIET)]
    rows = [(str(s.number), inert(s.title), s.counts) for s in sections]
    if totals and len(sections) > 1:
        rows.append(("", "all sections", report.totals))
    if title_w >= _MIN_TITLE:
        widths, seps = [num_w, title_w, *[_BLOCK] * n], ["", *["  "] * n]
        out += _grid([([""], ""), (["section"], "bold"),
                      *[([" " + clip(f"{language_name(d.lang)} ({d.lang})", _BLOCK - 1)], _ONLY_STYLES[k])
                        for k, d in enumerate(report.documents)]], widths, seps)
        out += _grid([([""], ""), ([""], ""), *[([COUNTS_HEAD], _QUIET)] * n], widths, seps)
        for number, title, counts in rows:
            out += _grid([([number], ""), (wrap(title, title_w), "" if number else "bold"),
                          *[([counts_text(c)], "") for c in counts]], widths, seps)
        return out
    code_w = max(cell_width(d.lang) for d in report.documents) + 2
    widths, seps = [code_w, _BLOCK], [""]
    out += _grid([([""], ""), ([COUNTS_HEAD], _QUIET)], widths, seps)
    for number, title, counts in rows:
        out += _hanging(number, title, width, style="" if number else "bold")
        for d, c in enumerate(counts):
            out += _grid([([f"  {report.documents[d].lang}"], _ONLY_STYLES[d]), ([counts_text(c)], "")],
                         widths, seps)
    return out


def lines(report: GapReport, width: int, *, collapse: bool = False,
          section: Section | None = None) -> list[Text]:
    """Every line of the diff, none wider than ``width`` terminal cells."""
    layout = _Layout(report, width)
    names = " · ".join(
        f"{inert(doc.name or doc.lang)} ({language_name(doc.lang)})" for doc in report.documents
    )
    out = _lines(f"Coverage gaps: {names}", width, "bold")
    for marker, meaning in legend(report):
        d = next((k for k, doc in enumerate(report.documents) if marker == f"+{doc.lang}"), None)
        # indented, so that only diff rows start with a marker (grep '^+tl' finds them)
        out += _hanging(marker, meaning, width, _ONLY_STYLES[d] if d is not None else "bold", _QUIET,
                        margin=2)
    if section is None:
        for cov in report.coverage:
            out += _lines(f"{cov.text} ({cov.percent:.0f}%)", width, _ONLY_STYLES[cov.doc])
    out.append(Text(""))
    sections = report.sections if section is None else [section]
    out += _summary(report, sections, width, totals=section is None)
    out.append(Text(""))
    if section is not None:
        out += _lines(f"Section {section.number} of {len(report.sections)}: {inert(section.title)}",
                      width, "bold")
    out += _header(report, layout)

    start, stop = (0, len(report.rows)) if section is None else (section.start, section.stop)
    runs = {ins.start: ins for ins in report.insertions}
    pending: list[GapRow] = []
    for k in range(start, stop):
        row = report.rows[k]
        if collapse and row.status is RowStatus.ALIGNED:
            pending.append(row)
            continue
        if pending:
            out += _folded(report, pending, layout)
            pending = []
        if row.status is RowStatus.HEADING and k > start:
            out.append(Text("─" * width, style=_QUIET))
        out += _row(report, row, runs.get(k), layout)
    if pending:
        out += _folded(report, pending, layout)
    return out


def render(report: GapReport, console: Console, *, collapse: bool = False,
           section: Section | None = None) -> None:
    """Print the legend, coverage, the summary by section, then the side-by-side diff."""
    for line in lines(report, console.width, collapse=collapse, section=section):
        console.print(line, soft_wrap=True)
