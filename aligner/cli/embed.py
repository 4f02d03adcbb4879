"""``aligner embed FILE -o OUT.npy``: one vector per sentence, for this tool's
cache or for tools that take external embeddings (vecalign and the like)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Literal

from aligner.atomic import atomic_open, check_writable
from aligner.cli import _options
from aligner.errors import InputError


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "embed",
        help="write one sentence vector per sentence to a .npy file",
        description=(
            "Segment FILE (or take its lines as they are with --presplit) and write a float32 "
            "[n, dim] .npy array, row i for sentence i, L2-normalised. Texts with no letter or "
            "digit get a zero row. Vectors come from and go to the embedding cache."
        ),
    )
    p.add_argument("file", metavar="FILE")
    p.add_argument("-o", "--output", required=True, metavar="OUT.npy", help="where to write the array")
    p.add_argument(
        "--presplit",
        action="store_true",
        help="FILE has one sentence per line: one row per line, empty lines give zero rows",
    )
    p.add_argument("--lang", type=_options.language, help="ISO 639-1 code for segmentation; detected when omitted")
    _options.add_encoder(p, threads=True)
    p.add_argument("--cache", metavar="PATH", help="cache file (default: $ALIGNER_CACHE_DIR or ~/.cache/aligner)")
    p.add_argument("--no-cache", action="store_true", help="neither read nor write the cache")
    p.add_argument("--texts", metavar="OUT.txt", help="also write the embedded sentences, one per line")
    p.set_defaults(func=handler)


def _save_atomic(path: Path, array) -> None:
    import numpy as np

    with atomic_open(path, "wb") as f:
        np.save(f, array)


def handler(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from aligner.cache import EmbeddingCache
    from aligner.embed import count_long, embed, has_content

    out = Path(args.output)
    if out.suffix != ".npy":
        raise InputError(f"{out}: the output must be a .npy file (numpy adds .npy otherwise)")
    check_writable(out, make_parent=True)
    if args.texts:
        check_writable(args.texts, make_parent=True)
    from aligner.ingest import presplit_lines, read_document

    texts = presplit_lines(args.file) if args.presplit else read_document(args.file, lang=args.lang).texts
    encoder = _options.encoder(args)
    cache: EmbeddingCache | Literal[False] = False if args.no_cache else EmbeddingCache(args.cache)
    err = Console(stderr=True)
    with Progress(
        TextColumn("embedding"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
        console=err, transient=True, disable=not err.is_terminal,
    ) as bar:
        task = bar.add_task("embed", total=None)
        embedded = [0]

        def report(done: int, total: int) -> None:
            embedded[0] = total
            bar.update(task, completed=done, total=total)

        vectors = embed(texts, encoder, cache=cache, progress=report)
    _save_atomic(out, vectors)
    if args.texts:
        with atomic_open(args.texts, "w") as f:
            f.write("".join(t.replace("\n", " ") + "\n" for t in texts))
    empty = sum(1 for t in texts if not has_content(t))
    long = count_long(encoder, texts)
    msg = f"{out}: {len(texts)} rows x {encoder.dim}, {embedded[0]} texts embedded"
    if cache:
        msg += f", {cache.hits} from cache"
        cache.close()
    if empty:
        msg += f", {empty} without letters or digits (zero rows)"
    if long:
        how = getattr(encoder, "long_input", "truncate")
        msg += f", {long} over {getattr(encoder, 'max_tokens', '?')} tokens ({how}ed)"
    print(msg, file=sys.stderr)
    return 0

