"""``aligner segment``: show the units a file is cut into."""

from __future__ import annotations

import argparse
import sys

from aligner.cli import _options
from aligner.inert import dumps, inert
from aligner.ingest import KINDS, read_document, read_presplit


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "segment",
        help="split a file into sentences, headings and footnotes",
        description="Decode, clean and segment FILE; print one unit per line (text) or one JSON object per unit (jsonl).",
    )
    p.add_argument("file", metavar="FILE")
    p.add_argument("--lang", type=_options.language, help="ISO 639-1 code (en, tl, ne, ...); detected when omitted")
    p.add_argument("--kind", choices=KINDS, help="source kind; guessed from the file name or layout when omitted")
    p.add_argument("--format", choices=("text", "jsonl"), default="text")
    p.add_argument("--presplit", action="store_true", help="the file already has one sentence per line")
    p.set_defaults(func=handler)


def handler(args: argparse.Namespace) -> int:
    if args.presplit:
        doc = read_presplit(args.file, lang=args.lang)
    else:
        doc = read_document(args.file, lang=args.lang, kind=args.kind)
    if not doc.sentences:
        print(f"aligner: note: {args.file}: no text to segment (0 units)", file=sys.stderr)
        return 0
    out = sys.stdout
    for s in doc.sentences:
        if args.format == "jsonl":
            record = {"text": s.text, "start": s.start, "end": s.end, "kind": s.kind, "lang": s.lang}
            out.write(dumps(record) + "\n")
        else:
            out.write(inert(s.text) + "\n")
    return 0
