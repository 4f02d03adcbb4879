"""Every command: an output file that is also one of its inputs is refused before any work.

Writing it would replace the input (atomically, but still gone). The check is by
file identity (``samefile``), so a symlink or another spelling of the path counts.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from aligner.errors import InputError

# argparse destinations that name files the command reads, and files it writes
INPUTS = ("src", "tgt", "file", "files", "inputs", "documents", "gold", "test", "manifest", "cache")
OUTPUTS = ("output", "texts")


def _paths(args: argparse.Namespace, names: tuple[str, ...]) -> list[tuple[str, Path]]:
    found = []
    for name in names:
        value = getattr(args, name, None)
        for v in value if isinstance(value, (list, tuple)) else [value]:
            if isinstance(v, (str, os.PathLike)) and str(v):
                found.append((name, Path(v)))
    return found


def _same(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:  # one of them does not exist (yet)
        return os.path.realpath(a) == os.path.realpath(b)


def refuse_inputs_as_outputs(args: argparse.Namespace) -> None:
    outputs = _paths(args, OUTPUTS)
    inputs = _paths(args, INPUTS)
    for k, (opt, out) in enumerate(outputs):
        flag = "-o" if opt == "output" else f"--{opt}"
        for _, inp in inputs:
            if _same(out, inp):
                raise InputError(f"{flag} {out} is also an input ({inp}); writing it would replace that file. "
                                 "Write the output to another file")
        for opt2, other in outputs[k + 1:]:
            if _same(out, other):
                raise InputError(f"{flag} and --{opt2} both name {out}; give them different files")
