"""``aligner gaps A B [C]``: what each version has that the others lack.

Output goes where the reader is: a coloured diff on a terminal, plain text
when piped (so pagers and logs get no escape codes), or JSON / HTML on
request. Files written with ``-o`` appear atomically, never half-written.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console

from aligner.atomic import atomic_open, check_writable
from aligner.cli import _options
from aligner.cli._options import MAX_WIDTH, MIN_WIDTH
from aligner.errors import ConfigError, InputError

if TYPE_CHECKING:
    from aligner.gaps import GapReport, Section
    from aligner.types import Document

# The renderers (wcwidth, the HTML page) load when a report is written: `aligner run --no-gaps`
# and every other command only register this module's options.
__all__ = ["register", "write_report", "format_report", "output_width", "select_pairs"]

FORMATS = ("auto", "text", "json", "html")


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "gaps",
        help="show side by side which content only one version has",
        description=(
            "Align 2 or 3 documents in different languages and show them side by side: "
            "aligned sentences quietly, content found in one version only highlighted, "
            "and how much of each document has a counterpart in each other one."
        ),
    )
    p.add_argument("files", nargs="+", metavar="FILE", help="2 or 3 documents, one per language")
    p.add_argument(
        "--lang",
        nargs="+",
        type=_options.language,
        metavar="CODE",
        help="language of each file, in order (default: detected)",
    )
    p.add_argument(
        "--presplit",
        action="store_true",
        help="the files hold one sentence per line already; do not segment them",
    )
    p.add_argument("--collapse", action="store_true", help="fold runs of aligned rows to a count")
    p.add_argument("--section", metavar="NAME",
                   help="show one section: its number in the summary, or (part of) its heading in any version")
    p.add_argument("--format", choices=FORMATS, default="auto", help="output format (default: auto)")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")
    p.add_argument(
        "--width",
        type=_options.width,
        metavar="N",
        help=f"text width ({MIN_WIDTH}-{MAX_WIDTH}; default: the terminal's, or 100 for files)",
    )
    _options.add_encoder(p)
    p.set_defaults(func=handler)


def format_report(
    report: GapReport, fmt: str, *, width: int = 100, collapse: bool = False,
    section: Section | None = None,
) -> str:
    """The report as text, JSON or HTML, with no terminal codes."""
    from aligner.cli.html_gaps import page
    from aligner.cli.render_gaps import render
    from aligner.gaps import report_to_json
    from aligner.inert import dumps

    if fmt == "json":
        return dumps(report_to_json(report), indent=2, sort_keys=True) + "\n"
    if fmt == "html":
        return page(report, collapse=collapse, section=section)
    if fmt == "text":
        buf = io.StringIO()
        console = Console(file=buf, width=width, force_terminal=False, no_color=True)
        render(report, console, collapse=collapse, section=section)
        return buf.getvalue()
    raise ValueError(f"unknown format {fmt!r}")


def _check_output(output: str | None) -> None:
    if output is not None:
        check_writable(output)


def _atomic_write(path: Path, text: str) -> None:
    _check_output(str(path))
    try:
        with atomic_open(path, "w") as f:
            f.write(text)
    except OSError as exc:
        raise InputError(f"{path}: cannot write there ({exc.strerror})") from None


def write_report(
    report: GapReport,
    *,
    fmt: str = "auto",
    output: str | None = None,
    collapse: bool = False,
    width: int | None = None,
    section: str | None = None,
    console: Console | None = None,
) -> None:
    """Send the report where it belongs; ``auto`` picks by file suffix or by the terminal."""
    from aligner.cli.render_gaps import render

    chosen = report.section(section) if section is not None else None
    if output is not None:
        if fmt == "auto":
            suffix = Path(output).suffix.lower()
            fmt = {".json": "json", ".html": "html", ".htm": "html"}.get(suffix, "text")
        text = format_report(report, fmt, width=width or 100, collapse=collapse, section=chosen)
        _atomic_write(Path(output), text)
        return
    if fmt == "auto":
        console = console or Console(width=width)
        if console.is_terminal:
            render(report, console, collapse=collapse, section=chosen)
            return
        fmt = "text"
    sys.stdout.write(format_report(report, fmt, width=width or output_width(), collapse=collapse,
                                   section=chosen))
    sys.stdout.flush()


def output_width() -> int:
    """The terminal's width, else $COLUMNS, else 100: one width for everything piped.

    rich alone would lay a piped table out at 80 columns; ``aligner run`` passes
    this width to its summary too, so a log holds one consistent width.
    """
    if sys.stdout.isatty():
        return max(MIN_WIDTH, min(MAX_WIDTH, Console().width))
    columns = os.environ.get("COLUMNS", "")
    return max(MIN_WIDTH, min(MAX_WIDTH, int(columns))) if columns.isdigit() else 100


def select_pairs(spec: str, documents: Sequence[Document], pairs: Sequence[tuple[int, int]]) -> list[int]:
    """Which of ``pairs`` ``aligner run --diff SPEC`` shows, checked before any slow work.

    SPEC is ``all``, a pair's name as in report.json (``lenin.tl-ne``), a
    language pair (``tl-en``: every pair of those languages, either way round)
    or the pair's 1-based number in the run's summary table.
    """
    from aligner.job import pair_file

    names = [pair_file(documents[a], documents[b]).removesuffix(".tmx") for a, b in pairs]
    key = spec.strip()
    if not pairs:
        return []  # the job itself says why there is nothing to align
    if key == "all":
        return list(range(len(pairs)))
    if key.isdigit() and 1 <= int(key) <= len(pairs):
        return [int(key) - 1]
    if key in names:
        return [names.index(key)]
    langs = key.split("-")
    if len(langs) == 2:
        wanted = set(langs)
        hits = [k for k, (a, b) in enumerate(pairs)
                if {documents[a].lang, documents[b].lang} == wanted]
        if hits:
            return hits
    listing = ", ".join(f"{k + 1} {name}" for k, name in enumerate(names))
    raise ConfigError(f"--diff {spec!r} names no pair of this run; give all, a language pair such "
                      f"as tl-ne, or one of: {listing}")


def handler(args: argparse.Namespace) -> int:
    from aligner.cli._progress import progress_bars
    from aligner.gaps import build_report
    from aligner.ingest import read_documents
    from aligner.pipeline import align_every_pair, check_documents

    if not 2 <= len(args.files) <= 3:
        raise InputError(f"aligner gaps takes 2 or 3 files, got {len(args.files)}")
    _check_output(args.output)
    documents = read_documents(args.files, args.lang, presplit=args.presplit)
    check_documents(documents, distinct_languages=True)
    encoder = _options.encoder(args)
    with progress_bars() as progress:
        alignments = align_every_pair(documents, encoder, progress=progress)
    report = build_report(documents, alignments)
    write_report(
        report, fmt=args.format, output=args.output, collapse=args.collapse, width=args.width,
        section=args.section,
    )
    return 0
