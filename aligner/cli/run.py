"""``aligner run``: the main job on the corpus, or on the documents given."""

from __future__ import annotations

import argparse
import os
import sys
import time

from rich.console import Console
from rich.table import Table
from rich.text import Text

from aligner.cli import _options
from aligner.cli._progress import progress_bars
from aligner.inert import inert
from aligner.ingest import DEFAULT_MANIFEST


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "run",
        help="align every language pair of the corpus (or of the documents given), write TMX and a report",
        description=(
            "Ingest, segment and embed every document once, align every pair of documents in "
            "different languages, write one bilingual TMX per pair, a three-language TMX where "
            "all pairwise links agree, and report.json; then show what only one version has."
        ),
    )
    p.add_argument("documents", nargs="*", metavar="DOC",
                   help=f"documents to align (default: those listed in {DEFAULT_MANIFEST})")
    p.add_argument("--manifest", default=None, metavar="FILE",
                   help=f"corpus manifest to read when no DOC is given (default: {DEFAULT_MANIFEST})")
    p.add_argument("--lang", nargs="+", metavar="CODE", type=_options.language,
                   help="language of each DOC, in order (default: detected)")
    p.add_argument("--out", default="out", metavar="DIR",
                   help="output folder (default: out); only the run's own files are written or replaced there")
    p.add_argument("--force", action="store_true",
                   help="write into a folder that holds the inputs or files aligner did not write "
                        "(still never removes or overwrites them)")
    _options.add_mode(p)
    _options.add_encoder(p)
    _options.add_tmx(p)
    p.add_argument("--confirmed-only", action="store_true",
                   help="bilingual TMX: only links confirmed in OUT/review.json (see aligner review)")
    p.add_argument("--no-gaps", action="store_true", help="do not show the gap diff at the end")
    p.add_argument("--diff", metavar="PAIR", default="1",
                   help="which pairs' gap diff to show: all, a language pair (tl-en: every such pair), "
                        "a pair's name (lenin.tl-ne) or its number in the summary (default: 1)")
    p.add_argument("--collapse", action=argparse.BooleanOptionalAction, default=False,
                   help="fold aligned rows of the gap diff to a count (default: off)")
    p.set_defaults(func=handler)


def _summary(result, console: Console) -> None:
    table = Table(title="aligner run", title_justify="left")
    for col, just in (("pair", "left"), ("mode", "left"), ("source: aligned / sentences", "right"),
                      ("target: aligned / sentences", "right"), ("TUs", "right")):
        table.add_column(col, justify=just)  # type: ignore[arg-type]
    for entry in result.report["pairs"]:
        src, tgt = entry["languages"]
        s, t = entry[src], entry[tgt]
        table.add_row(
            Text(inert(f"{entry['documents'][0]} ↔ {entry['documents'][1]}")),  # a name is not markup
            entry["mode"],
            f"{src}: {s['aligned']} / {s['sentences']} ({s['coverage_percent']:.1f}%)",
            f"{tgt}: {t['aligned']} / {t['sentences']} ({t['coverage_percent']:.1f}%)",
            str(entry["tus_written"]),
        )
    console.print(table)
    for entry in result.report["multilingual"]:
        console.print(Text(f"three-language TMX {inert(entry['tmx'])}: {entry['tus_written']} TUs "
                           "agreed by all three pairs"))


def handler(args: argparse.Namespace) -> int:
    from aligner.cli.gaps import output_width, select_pairs
    from aligner.ingest import read_inputs
    from aligner.job import JobOptions, run_job
    from aligner.pipeline import language_pairs

    out = Console(width=output_width())  # the diff's width too, so piped output has one width
    err = Console(stderr=True)
    t0 = time.perf_counter()
    documents, inputs = read_inputs(args.documents, args.lang, args.manifest)
    shown = [] if args.no_gaps else select_pairs(args.diff, documents, language_pairs(documents))
    encoder = _options.encoder(args)
    options = JobOptions(mode=args.mode, tmx=_options.tmx_options(args))
    with progress_bars(err) as progress:
        result = run_job(documents, args.out, encoder=encoder, options=options, progress=progress,
                         inputs=inputs, force=args.force)
    elapsed = time.perf_counter() - t0
    _summary(result, out)
    sys.stdout.flush()
    n = result.embedded.embedded_texts
    warm = "warm run: every sentence came from the cache" if n == 0 else f"embedded {n} new sentences"
    err.print(f"{warm}; {len(documents)} documents, {len(result.pairs)} pairs in {elapsed:.1f} s; "
              f"wrote {inert(args.out)}{os.sep}", markup=False)  # wrapped by rich: no line past the terminal
    _show_gaps(result, shown, args.collapse, out)
    return 0


def _show_gaps(result, shown: list[int], collapse: bool, out: Console) -> None:
    """The diff of each pair chosen with --diff: the content only one version has."""
    from aligner.cli.gaps import write_report
    from aligner.gaps import build_report

    for k in shown:
        pair = result.pairs[k]
        docs = [result.documents[pair.src], result.documents[pair.tgt]]
        report = build_report(docs, {(0, 1): pair.alignment})
        out.print(f"\n{'━' * out.width}\npair {k + 1} of {len(result.pairs)}: "
                  f"{inert(result.report['pairs'][k]['name'])}", soft_wrap=True, markup=False,
                  highlight=False)
        sys.stdout.flush()
        write_report(report, collapse=collapse, width=out.width)
