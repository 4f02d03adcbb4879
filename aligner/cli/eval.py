"""``aligner eval GOLD TEST``: strict, lax and gap precision/recall/F1."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "eval",
        help="score a bead file against gold",
        description="Score TEST beads against GOLD beads (Vecalign format '[1, 2]:[3]', optional ':score').",
    )
    p.add_argument("gold", metavar="GOLD")
    p.add_argument("test", metavar="TEST")
    p.set_defaults(func=handler)


def handler(args: argparse.Namespace) -> int:
    from aligner.evaluate import read_links, score

    sc = score(read_links(args.gold), read_links(args.test))
    for name, prf in (("strict", sc.strict), ("lax", sc.lax), ("gap", sc.gap)):
        print(f"{name:6s} P {prf.precision:.4f}  R {prf.recall:.4f}  F1 {prf.f1:.4f}")
    return 0
