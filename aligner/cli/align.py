"""``aligner align SRC TGT``: align two documents and print the beads."""

from __future__ import annotations

import argparse
import sys
from typing import TextIO, cast

from aligner.atomic import atomic_open, check_writable
from aligner.cli import _options
from aligner.errors import InputError
from aligner.formats import FORMATS, write_alignment


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "align",
        help="align the sentences of two documents",
        description="Align SRC and TGT sentence by sentence; sentences with no counterpart become gaps.",
        epilog="output formats: " + "; ".join(f"{f.name}: {f.help}" for f in FORMATS.values()),
    )
    p.add_argument("src", metavar="SRC")
    p.add_argument("tgt", metavar="TGT")
    p.add_argument("--src-lang", type=_options.language, help="ISO 639-1 code of SRC; detected when omitted")
    p.add_argument("--tgt-lang", type=_options.language, help="ISO 639-1 code of TGT; detected when omitted")
    p.add_argument("--presplit", action="store_true", help="one sentence per line: no cleaning, no segmentation")
    _options.add_mode(p)
    p.add_argument("--format", choices=FORMATS, default="beads",
                   help=f"output format: {', '.join(FORMATS)} (default beads; see below)")
    p.add_argument("-o", "--output", metavar="FILE", help="write here instead of standard output")
    _options.add_encoder(p)
    _options.add_tmx(p, what="the TMX output")
    p.set_defaults(func=handler)


def handler(args: argparse.Namespace) -> int:
    if args.output:
        check_writable(args.output)
    from aligner import pipeline
    from aligner.cli._progress import progress_bars
    from aligner.ingest import read_document, read_presplit

    read = read_presplit if args.presplit else read_document
    src = read(args.src, lang=args.src_lang)
    tgt = read(args.tgt, lang=args.tgt_lang)
    for doc in (src, tgt):
        pipeline.check_not_empty(doc)
        pipeline.check_language(doc)
    encoder = _options.encoder(args)
    with progress_bars() as progress:
        embedded = pipeline.embed_documents([src, tgt], encoder, progress=progress)
        [result] = pipeline.align_documents([src, tgt], embedded, [(0, 1)], encoder=encoder,
                                            mode=args.mode, progress=progress)
    a = result.alignment
    print(f"aligner: mode {a.info.mode_reason}", file=sys.stderr)
    options = _options.tmx_options(args)
    if args.output:
        try:
            with atomic_open(args.output, "w") as fh:
                write_alignment(args.format, a, src, tgt, cast(TextIO, fh), options)
        except OSError as exc:
            raise InputError(f"cannot write {args.output}: {exc}") from exc
    else:
        write_alignment(args.format, a, src, tgt, sys.stdout, options)
    return 0
