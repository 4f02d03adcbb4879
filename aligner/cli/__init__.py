"""The command line. Each subcommand lives in its own module in this package,
listed in ``COMMANDS``, and exposes ``register(subparsers)``; its parser sets ``func``.

This package is the only place that prints or uses rich; the library below it
reports through return values, callbacks and exceptions.
"""

from __future__ import annotations

import argparse
import importlib
import signal
import sys
import threading
from typing import Any

from aligner import __version__
from aligner.cli._options import Parser, check_environment
from aligner.cli._outputs import refuse_inputs_as_outputs
from aligner.errors import USER_ERRORS, exit_code
from aligner.inert import inert_lines

# The subcommands' modules, in the order --help lists them; a new command is one more name here.
COMMANDS = ("align", "batch", "cache", "doctor", "embed", "eval", "gaps", "review", "run", "segment", "tmx")


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="aligner",
        description="Align sentences across languages, write TMX, show coverage gaps.",
        epilog="exit codes: 0 ok, 2 bad input, 3 bad option (any command-line mistake), 4 encoder failure, "
               "5 bad TMX, 6 some batch groups failed, 130 interrupted",
    )
    parser.add_argument("--version", action="version", version=f"aligner {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name in COMMANDS:
        importlib.import_module(f"{__name__}.{name}").register(sub)
    return parser


def _caused_by_interrupt(exc: BaseException) -> bool:
    seen: set[int] = set()
    link: BaseException | None = exc
    while link is not None and id(link) not in seen:
        if isinstance(link, KeyboardInterrupt):
            return True
        seen.add(id(link))
        link = link.__cause__ or link.__context__
    return False


class _InterruptWatch:
    """Remember that Ctrl-C came, whatever a library turns the KeyboardInterrupt into.

    numba re-raises an interrupt that lands inside a compiled function as a
    ``SystemError`` (seen in 2 of 12 tries); other libraries wrap it too. The
    handler still raises KeyboardInterrupt as Python's default does.
    """

    def __init__(self) -> None:
        self.fired = False
        self._previous: Any = None  # the SIGINT handler to restore

    def _handler(self, signum, frame) -> None:
        self.fired = True
        signal.default_int_handler(signum, frame)

    def __enter__(self) -> _InterruptWatch:
        # A process started with SIGINT ignored (a background job) keeps ignoring it.
        if (threading.current_thread() is threading.main_thread()
                and signal.getsignal(signal.SIGINT) is not signal.SIG_IGN):
            self._previous = signal.signal(signal.SIGINT, self._handler)
        return self

    def __exit__(self, *exc_info) -> None:
        if self._previous is not None:
            signal.signal(signal.SIGINT, self._previous)


def main(argv: list[str] | None = None) -> int:
    with _InterruptWatch() as interrupt:
        try:
            args = build_parser().parse_args(argv)
            check_environment()
            refuse_inputs_as_outputs(args)
            code = int(args.func(args) or 0)
            # A library that swallowed the KeyboardInterrupt whole let the command finish; the user
            # still asked it to stop (seen under load: exit 0 after a Ctrl-C at 0.5 s).
            return _interrupted() if interrupt.fired else code
        except USER_ERRORS as exc:
            if interrupt.fired:
                return _interrupted()
            print(f"aligner: error: {inert_lines(str(exc))}", file=sys.stderr)
            return exit_code(exc)
        except BrokenPipeError:
            return 0
        except OSError as exc:
            if interrupt.fired:
                return _interrupted()
            where = f"{exc.filename}: " if exc.filename is not None else ""
            print(f"aligner: error: {inert_lines(where + (exc.strerror or str(exc)))}", file=sys.stderr)
            return 2
        except BaseException as exc:
            if interrupt.fired or _caused_by_interrupt(exc):
                return _interrupted()
            raise


def _interrupted() -> int:
    print("aligner: interrupted", file=sys.stderr)
    return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
