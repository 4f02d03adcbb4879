"""``aligner align SRC TGT``: align two documents and print the beads."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import TextIO, cast

from aligner.atomic import atomic_open, check_writable
from aligner.cli import _options
from aligner.errors import InputError
from aligner.evaluate import format_bead
from aligner.inert import dumps, inert
from aligner.types import Alignment, Document
from tmx.langcodes import PRESETS, Preset


@dataclass(frozen=True)
class OutputOptions:
    """What goes into a translation memory; formats that list every bead ignore it."""

    lang_codes: Preset = "bcp47"
    min_score: float | None = None


Formatter = Callable[[Alignment, Document, Document, TextIO, OutputOptions], None]


def _beads(a: Alignment, src: Document, tgt: Document, out: TextIO, options: OutputOptions) -> None:
    for b in a.beads:
        out.write(format_bead(b) + "\n")


def _tsv(a: Alignment, src: Document, tgt: Document, out: TextIO, options: OutputOptions) -> None:
    for b in a.beads:
        s = inert(" ".join(src.sentences[i].text for i in b.src))
        t = inert(" ".join(tgt.sentences[j].text for j in b.tgt))
        out.write(f"{b.score:.3f}\t{s}\t{t}\n")


def _jsonl(a: Alignment, src: Document, tgt: Document, out: TextIO, options: OutputOptions) -> None:
    for b in a.beads:
        rec = {"src": list(b.src), "tgt": list(b.tgt), "score": b.score,
               "src_text": " ".join(src.sentences[i].text for i in b.src),
               "tgt_text": " ".join(tgt.sentences[j].text for j in b.tgt)}
        out.write(dumps(rec) + "\n")


# Output formats by name. The TMX writer registers itself here (``FORMATTERS["tmx"] = ...``).
FORMATTERS: dict[str, Formatter] = {"beads": _beads, "tsv": _tsv, "jsonl": _jsonl}


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "align",
        help="align the sentences of two documents",
        description="Align SRC and TGT sentence by sentence; sentences with no counterpart become gaps.",
    )
    p.add_argument("src", metavar="SRC")
    p.add_argument("tgt", metavar="TGT")
    p.add_argument("--src-lang", type=_options.language, help="ISO 639-1 code of SRC; detected when omitted")
    p.add_argument("--tgt-lang", type=_options.language, help="ISO 639-1 code of TGT; detected when omitted")
    p.add_argument("--presplit", action="store_true", help="one sentence per line: no cleaning, no segmentation")
    p.add_argument("--mode", choices=("auto", "parallel", "comparable"), default="auto")
    p.add_argument("--format", default="beads", help=f"output format: {', '.join(FORMATTERS)} (default beads)")
    p.add_argument("-o", "--output", metavar="FILE", help="write here instead of standard output")
    p.add_argument("--encoder", default=None, help="sentence encoder (default: e5-small)")
    p.add_argument("--lang-codes", choices=PRESETS, default="bcp47",
                   help="TMX output: language codes for the CAT tool (default: bcp47)")
    p.add_argument("--min-score", type=_options.score, default=None, metavar="X",
                   help="TMX output: leave out beads with a confidence below X")
    p.set_defaults(func=handler)


def _read(path: str, lang: str | None, presplit: bool) -> Document:
    from aligner.ingest import read_document, read_presplit

    return read_presplit(path, lang=lang) if presplit else read_document(path, lang=lang)


def handler(args: argparse.Namespace) -> int:
    formatter = FORMATTERS.get(args.format)
    if formatter is None:
        raise InputError(f"unknown format {args.format!r}; use one of: {', '.join(FORMATTERS)}")
    if args.output:
        check_writable(args.output)
    from aligner import pipeline
    from aligner.cli._progress import progress_bars
    from aligner.embed import get_encoder

    src = _read(args.src, args.src_lang, args.presplit)
    tgt = _read(args.tgt, args.tgt_lang, args.presplit)
    for doc in (src, tgt):
        pipeline.check_not_empty(doc)
        pipeline.check_language(doc)
    encoder = get_encoder(args.encoder) if args.encoder else get_encoder()
    with progress_bars() as progress:
        embedded = pipeline.embed_documents([src, tgt], encoder, progress=progress)
        [result] = pipeline.align_documents([src, tgt], embedded, [(0, 1)], encoder=encoder,
                                            mode=args.mode, progress=progress)
    a = result.alignment
    print(f"aligner: mode {a.info.mode_reason}", file=sys.stderr)
    options = OutputOptions(lang_codes=args.lang_codes, min_score=args.min_score)
    if args.output:
        try:
            with atomic_open(args.output, "w") as fh:
                formatter(a, src, tgt, cast(TextIO, fh), options)
        except OSError as exc:
            raise InputError(f"cannot write {args.output}: {exc}") from exc
    else:
        formatter(a, src, tgt, sys.stdout, options)
    return 0
