"""The options every subcommand shares, and the parser that turns a bad one into exit 3.

A refused value raises :class:`~aligner.errors.ConfigError`, which argparse
lets through (it only catches ``ValueError`` and ``TypeError``); argparse's own
usage errors (an unknown option, a missing argument, a value outside
``choices``) become a ConfigError too, in :class:`Parser`. So every mistake on
the command line is exit 3, before any file is read; exit 2 is for the inputs.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
from typing import TYPE_CHECKING, NoReturn

from aligner.errors import ConfigError
from aligner.langid import check_code
from tmx.langcodes import PRESETS

if TYPE_CHECKING:
    from aligner.embed import Encoder
    from aligner.formats import TmxOptions

MODES = ("auto", "parallel", "comparable")
MIN_WIDTH, MAX_WIDTH = 40, 200  # gaps --width: narrower cannot hold three columns, wider is unreadable


class Parser(argparse.ArgumentParser):
    """argparse whose usage errors are the README's bad option: exit 3 with the usage line."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        raise ConfigError(f"{message} (see {self.prog} --help)")


def language(text: str) -> str:
    """``--lang`` and friends: a registered language code, in its canonical form."""
    return check_code(text)


def confidence(flag: str):
    """A bead confidence: they lie in [0, 1], so anything else keeps all or nothing."""

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if not 0.0 <= value <= 1.0:
            raise ConfigError(f"{flag} takes a confidence between 0 and 1, got {text!r}")
        return value

    return parse


score = confidence("--min-score")


def count(flag: str):
    """``--threads``, ``--workers``: a whole number of at least 1."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = 0
        if value < 1:
            raise ConfigError(f"{flag} takes a whole number of at least 1, got {text!r}")
        return value

    return parse


def width(text: str) -> int:
    """``--width``: the columns of the side-by-side diff."""
    try:
        value = int(text)
    except ValueError:
        raise ConfigError(f"--width takes a number of columns, got {text!r}") from None
    if not MIN_WIDTH <= value <= MAX_WIDTH:
        raise ConfigError(f"--width must be between {MIN_WIDTH} and {MAX_WIDTH}, got {value}")
    return value


def add_mode(p: argparse.ArgumentParser) -> None:
    p.add_argument("--mode", choices=MODES, default="auto",
                   help="parallel (translations), comparable (same topic, own content) or auto: "
                        "chosen per pair (default)")


def encoder_name(text: str) -> str:
    """``--encoder``: a name a backend takes (checked now; the model loads when the work starts)."""
    from aligner.embed import check_encoder_name

    return check_encoder_name(text)


def add_encoder(p: argparse.ArgumentParser, *, threads: bool = False) -> None:
    p.add_argument("--encoder", type=encoder_name, default=None, metavar="NAME",
                   help="sentence encoder: e5-small (default) or st:NAME_OR_PATH (sentence-transformers)")
    if threads:
        p.add_argument("--threads", type=count("--threads"), metavar="N",
                       help="encoder threads (default: all cores)")


def encoder(args: argparse.Namespace) -> Encoder:
    """The one encoder of the command, loaded here and passed down (exit 3 unknown, 4 broken)."""
    from aligner.embed import DEFAULT_ENCODER, get_encoder

    return get_encoder(args.encoder or DEFAULT_ENCODER, threads=getattr(args, "threads", None))


def add_tmx(p: argparse.ArgumentParser, *, what: str = "the TMX files") -> None:
    p.add_argument("--lang-codes", choices=PRESETS, default="bcp47",
                   help=f"language codes in {what}, for the CAT tool: omegat (en, tl), trados (en-US, fil-PH), "
                        "memoq or bcp47 (default)")
    p.add_argument("--min-score", type=score, default=None, metavar="X",
                   help=f"leave beads with a confidence below X out of {what}")


def tmx_options(args: argparse.Namespace) -> TmxOptions:
    from aligner.formats import TmxOptions

    return TmxOptions(lang_codes=args.lang_codes, min_score=args.min_score,
                      confirmed_only=getattr(args, "confirmed_only", False))


def check_environment() -> None:
    """Settings read from the environment are options too: refuse a bad one before any work."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch is not None:
        try:
            int(epoch)
        except ValueError:
            raise ConfigError(f"SOURCE_DATE_EPOCH={epoch!r} is not an integer number of seconds since 1970; "
                              "set it to one (date +%s) or unset it") from None
