"""``aligner batch``: align thousands of document groups, resumably, on a pool or a Dask cluster."""

from __future__ import annotations

import argparse
import os
import sys

from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from rich.text import Text

from aligner.cli import _options
from aligner.cores import cores
from aligner.inert import inert

EXIT_SOME_FAILED = 6
_TABLE_ROWS = 40


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "batch",
        help="align every document group of a JSONL manifest (resumable; process pool or Dask)",
        description=(
            "Run `aligner run` on each group of MANIFEST.jsonl into DIR/<name>/, keep a done-ledger so "
            "a re-run redoes only unfinished groups, and write DIR/batch.json and one merged, "
            "deduplicated TMX per language pair in DIR/merged/. Exit code 6 when some groups failed."
        ),
    )
    p.add_argument("manifest", metavar="MANIFEST.jsonl",
                   help='one group per line: {"name": ..., "documents": [{"file", "lang", "kind"}, ...]}, '
                        "paths relative to the manifest")
    p.add_argument("--out", required=True, metavar="DIR", help="output folder (created; reused to resume)")
    p.add_argument("--workers", type=_options.count("--workers"), default=None, metavar="N",
                   help=f"local worker processes (default: the cores this process may use, {cores()})")
    p.add_argument("--threads", type=_options.count("--threads"), default=None, metavar="N",
                   help="encoder threads per worker (default: cores / workers; 1 on a remote Dask cluster)")
    p.add_argument("--dask", default=None, metavar="ADDRESS",
                   help="run the groups on a dask.distributed scheduler (tcp://host:8786), or 'local' "
                        "for a LocalCluster of --workers processes (needs pip install 'aligner[dask]')")
    p.add_argument("--shard", default=None, metavar="I/N",
                   help="run only groups I, I+N, I+2N, ... (1-based; for Slurm job arrays)")
    _options.add_mode(p)
    _options.add_encoder(p)  # a name: each worker process loads its own
    _options.add_tmx(p)
    p.set_defaults(func=handler)


def handler(args: argparse.Namespace) -> int:
    from aligner.batch import BatchOptions, parse_shard, run_batch
    from aligner.errors import ConfigError
    from aligner.job import JobOptions

    if args.dask and args.dask != "local" and args.workers is not None:
        raise ConfigError("--workers sets the local pool or --dask local; a remote cluster has its own workers")
    options = BatchOptions(
        job=JobOptions(mode=args.mode, tmx=_options.tmx_options(args)),
        encoder=args.encoder,
        workers=args.workers if args.workers is not None else cores(),
        threads=args.threads,
        dask=args.dask,
        shard=parse_shard(args.shard) if args.shard else (1, 1),
    )
    out = Console()
    err = Console(stderr=True)
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), TimeRemainingColumn(), console=err, transient=True,
                  disable=not err.is_terminal) as bar:
        task = None

        def on_start(to_run: int, skipped: int) -> None:
            nonlocal task
            if skipped:
                err.print(f"skipping {skipped} groups already done (same inputs and signature)", highlight=False)
            task = bar.add_task("groups", total=max(to_run, 1), completed=0 if to_run else 1)

        def on_result(result, done: int, total: int) -> None:
            if result.status != "ok":
                err.print(f"[red]failed[/red] {escape(inert(f'{result.name}: {result.error}'))}", highlight=False)
            bar.update(task, completed=done)  # type: ignore[arg-type]

        result = run_batch(args.manifest, args.out, options, on_start=on_start, on_result=on_result)
    _table(result, out)
    sys.stdout.flush()
    report = result.report
    merged = [m for m in report["merged"] if m["tmx"]]
    err.print(
        f"{len(result.ran)} groups run, {result.skipped} skipped (already done), {result.failed} failed; "
        f"{report['ok']} of {report['groups_total']} groups done in all; "
        f"{len(merged)} merged TMX in {os.path.join(args.out, 'merged')}{os.sep}; {result.seconds:.1f} s",
        highlight=False, soft_wrap=True)
    return EXIT_SOME_FAILED if result.failed else 0


def _table(result, console: Console) -> None:
    """This run's groups (and every failure); batch.json has the whole batch."""
    ran = {r.name for r in result.ran}
    rows = [e for e in result.report["groups"] if e["name"] in ran or e["status"] == "failed"]
    if not rows:
        return
    table = Table(title="aligner batch", title_justify="left")
    for col, just in (("group", "left"), ("status", "left"), ("docs", "right"), ("sentences", "right"),
                      ("pairs", "right"), ("TUs", "right"), ("seconds", "right")):
        table.add_column(col, justify=just)  # type: ignore[arg-type]
    seconds = {r.name: r.seconds for r in result.ran}
    for e in rows[:_TABLE_ROWS]:
        ok = e["status"] == "ok"
        table.add_row(Text(inert(e["name"])), e["status"] if ok else f"[red]{e['status']}[/red]",
                      *(str(e[k]) if ok else "-" for k in ("documents", "sentences", "pairs", "tus_written")),
                      f"{seconds[e['name']]:.1f}" if e["name"] in seconds else "-")
    if len(rows) > _TABLE_ROWS:
        table.caption = f"... and {len(rows) - _TABLE_ROWS} more groups in {result.out_dir / 'batch.json'}"
    console.print(table)
