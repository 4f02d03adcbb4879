"""``aligner tmx stats|validate|merge``: inspect, check and combine translation memories."""

from __future__ import annotations

import argparse
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from aligner.atomic import check_writable
from aligner.cli import _options
from aligner.errors import InputError, TmxError
from aligner.formats import TOOL
from aligner.inert import dumps, inert

# tmx.merge, tmx.stats and tmx.validate (lxml) load in the action that needs them, not at start-up.


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("tmx", help="inspect, validate and merge TMX files")
    sub = parser.add_subparsers(dest="tmx_command", metavar="ACTION")
    sub.required = True

    p = sub.add_parser("stats", help="count TUs, languages, scores and bead shapes")
    p.add_argument("file", type=Path)
    p.add_argument("--json", action="store_true", help="print the figures as JSON")
    p.set_defaults(func=_stats)

    p = sub.add_parser("validate", help="check a TMX against what CAT tools need (exit 5 if invalid)")
    p.add_argument("file", type=Path)
    p.set_defaults(func=_validate)

    p = sub.add_parser("merge", help="merge TMX files with the same languages, dropping duplicate TUs")
    p.add_argument("inputs", type=Path, nargs="+", metavar="FILE")
    p.add_argument("-o", "--output", type=Path, required=True)
    _options.add_tmx(p, what="the merged file")
    p.set_defaults(func=_merge)


def _inputs(*paths: Path) -> None:
    """A missing file is bad input (exit 2), as for every command; exit 5 is for files that are not TMX."""
    for path in paths:
        if not path.is_file():
            raise InputError(f"{path}: no such file" if not path.exists() else f"{path}: not a regular file")


def _stats(args: argparse.Namespace) -> int:
    from tmx.stats import compute_stats

    _inputs(args.file)
    st = compute_stats(args.file)
    if args.json:
        print(dumps({
            "header": dict(st.header), "tus": st.n_tus, "langs": dict(st.langs), "props": dict(st.prop_types),
            "beads": dict(st.beads), "scored": st.n_scored, "score_min": st.score_min,
            "score_mean": st.score_mean, "score_max": st.score_max, "notes": st.n_with_note,
        }, indent=2, sort_keys=True))
        return 0
    console = Console()
    header = {k: escape(inert(v)) for k, v in st.header}
    console.print(f"[bold]{escape(inert(str(args.file)))}[/bold]  TMX {header.get('version', '?')}, srclang {header.get('srclang', '?')}, "
                  f"created by {header.get('creationtool', '?')} {header.get('creationtoolversion', '')}")
    table = Table(show_header=True)
    table.add_column("figure")
    table.add_column("value", justify="right")
    table.add_row("translation units", str(st.n_tus))
    for lang, n in st.langs:
        table.add_row(escape(inert(f"segments {lang}")), str(n))
    for shape, n in st.beads:
        table.add_row(f"beads {shape}", str(n))
    if st.n_scored:
        table.add_row("scored TUs", str(st.n_scored))
        table.add_row("score min / mean / max", f"{st.score_min:.3f} / {st.score_mean:.3f} / {st.score_max:.3f}")
    table.add_row("TUs with a note", str(st.n_with_note))
    console.print(table)
    return 0


def _validate(args: argparse.Namespace) -> int:
    from tmx.validate import validate

    _inputs(args.file)
    report = validate(args.file)
    console = Console(stderr=not report.ok)
    for msg in report.errors:
        console.print(f"[red]error[/red]: {escape(inert(msg))}", markup=True, highlight=False)
    for msg in report.warnings:
        console.print(f"[yellow]warning[/yellow]: {escape(inert(msg))}", highlight=False)
    langs = ", ".join(f"{lang}={n}" for lang, n in report.langs)
    summary = (f"{args.file}: TMX {report.version or '?'}, {report.n_tus} TUs ({langs}); "
               f"{report.n_errors} error(s), {report.n_warnings} warning(s)")
    if not report.ok:
        raise TmxError(f"invalid: {summary}")
    console.print(f"valid: {escape(inert(summary))}", highlight=False)
    return 0


def _merge(args: argparse.Namespace) -> int:
    from tmx.merge import merge_tmx

    _inputs(*args.inputs)
    check_writable(args.output)
    options = _options.tmx_options(args)
    stats = merge_tmx(args.inputs, args.output, tool=TOOL, lang_codes=options.lang_codes,
                      min_score=options.min_score)
    w = stats.write
    print(f"{args.output}: {w.written} TUs written from {stats.read} read "
          f"({stats.duplicates} duplicates, {w.skipped_min_score} below --min-score, "
          f"{w.skipped_missing_lang + w.skipped_empty} incomplete)")
    if w.illegal_chars_removed:
        print(f"warning: removed {w.illegal_chars_removed} XML-illegal character(s)")
    return 0
