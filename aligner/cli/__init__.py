"""The command line. Each subcommand lives in its own module in this package
and exposes ``register(subparsers)``; the module's parser sets ``func``.

This package is the only place that prints or uses rich; the library below it
reports through return values, callbacks and exceptions.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys

from aligner import __version__
from aligner.errors import AlignerError
from aligner.inert import inert_lines


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="aligner",
        description="Align sentences across languages, write TMX, show coverage gaps.",
    )
    parser.add_argument("--version", action="version", version=f"aligner {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        register = getattr(module, "register", None)
        if register is not None:
            register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except AlignerError as exc:
        print(f"aligner: error: {inert_lines(str(exc))}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("aligner: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
