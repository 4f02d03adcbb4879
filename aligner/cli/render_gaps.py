"""Rich rendering of a :class:`~aligner.gaps.GapReport`.

Colour is a bonus, never the only signal: every row carries a text marker
(``=`` aligned, ``+tl`` only in Tagalog, ``#`` heading), so the diff still
reads under ``NO_COLOR``, in a pager or in a captured log.
"""

from __future__ import annotations

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from aligner.gaps import ALIGNED, HEADING, GapReport, GapRow, language_name
from aligner.inert import inert

# One highlight per column position, so each language keeps its colour in a run.
_ONLY_STYLES = ("bold yellow", "bold cyan", "bold magenta")
_QUIET = "dim"


def _cell_text(report: GapReport, doc: int, indices: tuple[int, ...]) -> str:
    sentences = report.documents[doc].sentences
    return inert(" ".join(sentences[s].text for s in indices))


def _marker(report: GapReport, row: GapRow) -> Text:
    if row.status == HEADING:
        return Text("#", style="bold")
    if row.status == ALIGNED:
        return Text("=", style=_QUIET)
    doc = row.present[0]
    return Text(f"+{report.documents[doc].lang}", style=_ONLY_STYLES[doc])


def _row_cells(report: GapReport, row: GapRow) -> list[Text]:
    cells: list[Text] = []
    for d, indices in enumerate(row.cells):
        if row.status == ALIGNED and not indices:
            cells.append(Text("—", style=_QUIET))  # this version lacks what the others share
            continue
        text = _cell_text(report, d, indices)
        if row.status == HEADING:
            style = "bold underline"
        elif row.status == ALIGNED:
            style = _QUIET
        else:
            style = _ONLY_STYLES[d]
        cells.append(Text(text, style=style))
    return cells


def _folded(report: GapReport, rows: list[GapRow]) -> list[Text]:
    cells = []
    for d in range(len(report.documents)):
        n = sum(len(r.cells[d]) for r in rows)
        noun = "sentence" if n == 1 else "sentences"
        cells.append(Text(f"… {n} aligned {noun} …", style="dim italic"))
    return cells


def _table(report: GapReport, collapse: bool) -> Table:
    table = Table(
        box=box.SIMPLE_HEAD,
        expand=True,
        show_edge=False,
        pad_edge=False,
        header_style="bold",
    )
    table.add_column("", width=4, no_wrap=True)
    for d, doc in enumerate(report.documents):
        header = Text(f"{language_name(doc.lang)} ({doc.lang})", style=_ONLY_STYLES[d])
        if doc.name:
            header.append(f"\n{inert(doc.name)}", style="dim")
        table.add_column(header, ratio=1, overflow="fold")

    pending: list[GapRow] = []

    def flush() -> None:
        if pending:
            table.add_row(Text("=", style=_QUIET), *_folded(report, pending))
            pending.clear()

    for row in report.rows:
        if collapse and row.status == ALIGNED:
            pending.append(row)
            continue
        flush()
        if row.status == HEADING:
            table.add_section()
        table.add_row(_marker(report, row), *_row_cells(report, row))
    flush()
    return table


def _summary(report: GapReport) -> list[Text]:
    lines = []
    for cov in report.coverage:
        line = Text(f"{cov.text} ", style=_ONLY_STYLES[cov.doc])
        line.append(f"({cov.percent:.0f}%)", style="dim")
        lines.append(line)
    return lines


def render(report: GapReport, console: Console, *, collapse: bool = False) -> None:
    """Print the side-by-side diff and one coverage line per ordered language pair."""
    names = " · ".join(
        f"{inert(doc.name or doc.lang)} ({language_name(doc.lang)})" for doc in report.documents
    )
    console.print(Text(f"Coverage gaps: {names}", style="bold"))
    console.print(
        Text("= aligned   +xx found only in that version   # section heading", style="dim")
    )
    console.print(_table(report, collapse))
    for line in _summary(report):
        console.print(line)
