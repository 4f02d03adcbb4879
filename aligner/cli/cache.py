"""``aligner cache info|clear``: what the embedding cache holds, and emptying it."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "cache",
        help="show or clear the embedding cache",
        description="The embedding cache keeps sentence vectors per encoder identity so re-runs embed nothing twice.",
    )
    sub = p.add_subparsers(dest="cache_command", metavar="ACTION")
    sub.required = True
    for name, text in (("info", "where the cache is, its size, vectors per encoder"),
                       ("clear", "delete cached vectors (all, or one encoder's)")):
        q = sub.add_parser(name, help=text, description=text)
        q.add_argument("--cache", metavar="PATH", help="cache file (default: $ALIGNER_CACHE_DIR or ~/.cache/aligner)")
        if name == "clear":
            q.add_argument("--identity", metavar="ID", help="only this encoder identity (see cache info)")
        q.set_defaults(func=handler)


def handler(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.table import Table

    from aligner.cache import EmbeddingCache

    console = Console()
    with EmbeddingCache(args.cache) as cache:
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
