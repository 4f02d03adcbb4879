"""Files that appear whole or not at all: a reader never sees half an output."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from aligner.errors import InputError


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextmanager
def atomic_open(path: str | os.PathLike[str], mode: str = "wb") -> Iterator[IO]:
    """Write to a temp file beside ``path`` and rename it over ``path`` only on success.

    Text mode writes UTF-8 with ``\\n`` line ends. The file gets the usual mode
    (0666 less the umask), not mkstemp's 0600. On any error the temp file is removed
    and the target keeps its previous content. OSError from creating the temp file
    propagates so callers can word it for their users.
    """
    target = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    try:
        text: dict[str, Any] = {} if "b" in mode else {"encoding": "utf-8", "newline": "\n"}
        with os.fdopen(fd, mode, **text) as f:
            yield f
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def check_writable(path: str | os.PathLike[str], *, make_parent: bool = False) -> None:
    """Fail now if :func:`atomic_open` could not write ``path``.

    Commands call this before their slow work, so a read-only folder costs the
    user a second, not minutes of embedding and then a traceback. It makes and
    removes one temp file beside ``path``, as the real write will.
    """
    target = Path(path)
    if target.is_dir():
        raise InputError(f"{target}: is a folder; give a file name")
    parent = target.parent
    if make_parent and not parent.exists():
        try:
            parent.mkdir(parents=True)
        except OSError as exc:
            raise InputError(f"{target}: cannot create the folder {parent} ({exc.strerror})") from None
    if not parent.is_dir():
        raise InputError(f"{target}: the folder {parent} does not exist; create it first")
    try:
        fd, probe = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".probe", dir=parent)
    except OSError as exc:
        raise InputError(f"{target}: cannot write in {parent} ({exc.strerror}); "
                         "choose a writable place") from None
    os.close(fd)
    os.unlink(probe)
