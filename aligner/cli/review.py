"""``aligner review OUT``: check a run's links in the terminal, or decide by score headless."""

from __future__ import annotations

import argparse
import sys

from rich.console import Console
from rich.table import Table
from rich.text import Text

from aligner.cli import _options
from aligner.errors import InputError
from aligner.inert import inert
from tmx.langcodes import PRESETS


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "review",
        help="review the links of an `aligner run` folder: confirm, reject, re-link; CAT-tool TMX",
        description=(
            "Open the links of an `aligner run` output folder in a terminal app, or record "
            "decisions without it (--accept-above, --reject-below). Decisions go to OUT/review.json; "
            "the bilingual TMX files are rewritten to carry them, and a later `aligner run --out OUT` "
            "keeps confirmed links and re-aligns only between them."
        ),
    )
    p.add_argument("out", metavar="OUT", help="the --out folder of an `aligner run`")
    p.add_argument("--accept-above", type=_options.confidence("--accept-above"), metavar="X",
                   help="confirm every undecided link scored above X")
    p.add_argument("--reject-below", type=_options.confidence("--reject-below"), metavar="Y",
                   help="reject every undecided link scored below Y")
    p.add_argument("--format", choices=("app", "text", "json"), default=None,
                   help="app: the interactive review (default on a terminal); text: a summary; "
                        "json: the review state")
    p.add_argument("--lang-codes", choices=PRESETS, default=None,
                   help="CAT tool to write the TMX files for (default: the run's --lang-codes)")
    p.add_argument("--confirmed-only", action="store_true",
                   help="write only links a person confirmed to the bilingual TMX files")
    p.set_defaults(func=handler)


def _summary(session, console: Console) -> None:
    table = Table(title=Text(f"aligner review {inert(str(session.out_dir))}"), title_justify="left")
    for col in ("pair", "confirmed", "rejected", "related", "pending", "stale"):
        table.add_column(col, justify="left" if col == "pair" else "right")
    for view in session.pairs:
        c = view.counts()
        table.add_row(Text(inert(view.name)), *(str(c[k]) for k in ("confirmed", "rejected", "related", "pending", "stale")))
    console.print(table)


def handler(args: argparse.Namespace) -> int:
    from aligner.review.session import Session
    from aligner.review.state import dumps

    session = Session.open(args.out)
    headless = args.accept_above is not None or args.reject_below is not None
    fmt = args.format or ("text" if headless or not (sys.stdin.isatty() and sys.stdout.isatty()) else "app")
    if fmt == "app":
        if headless:
            raise InputError("--accept-above/--reject-below record decisions without the app; drop --format app")
        if not (sys.stdin.isatty() and sys.stdout.isatty()):
            raise InputError("the review app needs a terminal; use --accept-above/--reject-below or "
                             "--format json|text here")
        from aligner.cli._review_app import run_app

        run_app(session, lang_codes=args.lang_codes, confirmed_only=args.confirmed_only)
        return 0
    if headless or args.lang_codes or args.confirmed_only:
        session = session.decide_by_score(args.accept_above, args.reject_below)
        session.save(args.lang_codes, args.confirmed_only)
    if fmt == "json":
        sys.stdout.write(dumps(session.review_state()))
    else:
        _summary(session, Console())
    return 0
