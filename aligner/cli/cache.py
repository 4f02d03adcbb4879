"""``aligner cache info|clear|verify``: what the embedding cache holds, emptying it, checking it."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "cache",
        help="show, clear or verify the embedding cache",
        description="The embedding cache keeps sentence vectors per encoder identity so re-runs embed nothing twice.",
    )
    sub = p.add_subparsers(dest="cache_command", metavar="ACTION")
    sub.required = True
    for name, text in (("info", "where the cache is, its size, vectors per encoder"),
                       ("clear", "delete cached vectors (all, or one encoder's)"),
                       ("verify", "check every row's checksum; exit 2 if any row (or the file) is damaged")):
        q = sub.add_parser(name, help=text, description=text)
        q.add_argument("--cache", metavar="PATH", help="cache file (default: $ALIGNER_CACHE_DIR or ~/.cache/aligner)")
        if name == "clear":
            q.add_argument("--identity", metavar="ID", help="only this encoder identity (see cache info)")
        if name == "verify":
            q.add_argument("--drop", action="store_true",
                           help="delete the damaged rows (they are embedded again when next needed)")
        q.set_defaults(func=handler)


def handler(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.table import Table

    from aligner.cache import EmbeddingCache

    console = Console()
    with EmbeddingCache(args.cache) as cache:
        if args.cache_command == "verify":
            return _verify(cache, args.drop, console)
        if args.cache_command == "clear":
            n = cache.clear(args.identity)
            console.print(f"removed {n} vectors from {cache.path}", highlight=False)
            return 0
        if not cache.path.exists():
            console.print(f"{cache.path}: no cache yet (0 vectors)", highlight=False)
            return 0
        info = cache.info()
    console.print(f"cache: {info.path}", highlight=False)
    console.print(f"size: {info.size_bytes / 1e6:.1f} MB, {info.vectors} vectors", highlight=False)
    if info.rebuilt:
        console.print("the file was unreadable and has been rebuilt empty", style="yellow")
    if info.encoders:
        table = Table("dim", "vectors", "encoder identity")
        table.columns[2].overflow = "fold"
        for e in info.encoders:
            table.add_row(str(e.dim), str(e.count), e.identity)
        console.print(table)
    return 0


def _verify(cache, drop: bool, console) -> int:
    from aligner.errors import InputError

    if not cache.path.exists():
        raise InputError(f"{cache.path}: no cache there")
    r = cache.verify(drop=drop)
    line = f"{r.path}: {r.rows} rows, {r.damaged} damaged"
    if r.unchecked:
        line += f", {r.unchecked} of the previous release without a checksum (unit length checked)"
    console.print(line, highlight=False, soft_wrap=True)
    if r.file_error:
        console.print(f"sqlite finds the file damaged: {r.file_error}", style="yellow", highlight=False)
    if r.dropped:
        console.print(f"dropped {r.dropped} rows; they are embedded again when next needed", highlight=False)
    elif not r.ok:
        console.print("run `aligner cache verify --drop` to remove them", highlight=False)
    return 0 if r.ok else 2
