"""The ``--out`` folder: the run writes its own files there and touches nothing else.

A folder is shared with the user (their inputs, notes, the review state that
``aligner review`` keeps beside the outputs), so the run never swaps or empties
it. It writes each of its files beside the target under a fixed temp name and
renames it into place, and keeps a marker, ``.aligner-out.json``, with the name
and sha256 of every file it wrote. A file is the tool's only while the marker
names it with that hash: only such a file is replaced or, when a later run no
longer makes it, removed. Anything else is never written over, even with
``force`` (which only lifts the refusal of a folder that holds the inputs or
foreign files).

The marker doubles as a journal, so a run killed at any moment can be finished
or undone by the next one: it lists the temp files that may exist ("writing")
before any is created, and the complete new set ("commit") before the first
rename. An exclusive ``flock`` on the folder makes concurrent runs take turns.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import tempfile
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from aligner import __version__
from aligner.errors import InputError

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX: runs on one folder must not overlap
    fcntl = None  # type: ignore[assignment]

MARKER = ".aligner-out.json"
_MARKER_TMP = MARKER + ".tmp"
_FORMAT = 1


def temp_name(name: str) -> str:
    """The temp file beside ``name``, in its sub-folder when it has one (OmegaT's ``penalty-NN/``)."""
    head, _, tail = name.rpartition("/")
    return f"{head}/.{tail}.aligner-tmp" if head else f".{name}.aligner-tmp"


def _sha256(path: Path) -> str | None:
    h = hashlib.sha256()
    try:
        with open(path, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                h.update(block)
    except FileNotFoundError:
        return None
    return h.hexdigest()


def _read_marker(folder: Path) -> dict | None:
    """The marker's content; None when absent or not one of ours (then nothing here is ours)."""
    try:
        data = json.loads((folder / MARKER).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None
    if not isinstance(data, dict) or data.get("aligner_out") != _FORMAT or not isinstance(data.get("files"), dict):
        return None
    return data


def _fsync_dir(fd: int | None) -> None:
    if fd is not None:
        try:
            os.fsync(fd)
        except OSError:
            pass  # some filesystems cannot sync a folder; the renames are still atomic


def _write_marker(folder: Path, files: dict[str, str], dir_fd: int | None, **journal: object) -> None:
    data = {"aligner_out": _FORMAT, "tool": f"aligner {__version__}", "files": dict(sorted(files.items())),
            **journal}
    tmp = folder / _MARKER_TMP
    try:
        with open(tmp, "w", encoding="utf-8", newline="\n") as f:
            json.dump(data, f, ensure_ascii=False, indent=1)
            f.write("\n")
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, folder / MARKER)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync_dir(dir_fd)


def _remove_if_ours(path: Path, sha: str | None) -> None:
    if sha is not None and _sha256(path) == sha:
        path.unlink(missing_ok=True)
        if path.parent.name.startswith("penalty-"):
            try:
                path.parent.rmdir()
            except OSError:
                pass


def _recover(folder: Path, dir_fd: int | None) -> dict[str, str] | None:
    """Finish or undo what a killed run left; the files the marker names now (None: no marker)."""
    (folder / _MARKER_TMP).unlink(missing_ok=True)  # a reserved name: only a marker write makes it
    marker = _read_marker(folder)
    if marker is None:
        return None
    files = {str(k): str(v) for k, v in marker["files"].items()}
    commit = marker.get("commit")
    pending = marker.get("writing")
    if isinstance(commit, dict):  # every temp was complete: roll forward
        for name in commit:
            tmp = folder / temp_name(name)
            if tmp.exists():
                os.replace(tmp, folder / name)
        for name, sha in files.items():
            if name not in commit:
                _remove_if_ours(folder / name, sha)
        files = {str(k): str(v) for k, v in commit.items()}
        _write_marker(folder, files, dir_fd)
    elif isinstance(pending, list):  # killed while writing temps: drop them
        for name in pending:
            (folder / temp_name(str(name))).unlink(missing_ok=True)
        _write_marker(folder, files, dir_fd)
    return files


def _ours(folder: Path, files: dict[str, str] | None) -> set[str]:
    return {name for name, sha in (files or {}).items() if _sha256(folder / name) == sha}


def owned(out_dir: str | os.PathLike) -> set[str]:
    """The files the folder's marker names that are still as aligner wrote them.

    ``aligner review`` asks before it updates report.json: a report the user
    edited or replaced is theirs, and the review leaves it alone.
    """
    folder = Path(out_dir)
    marker = _read_marker(folder)
    return _ours(folder, {str(k): str(v) for k, v in marker["files"].items()} if marker else None)


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
    except (ValueError, OSError):
        return False
    return True


def _probe_writable(folder: Path) -> None:
    try:
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as exc:
        raise InputError(f"cannot write to {folder}: {exc.strerror or exc}; choose another --out") from None


def _check(folder: Path, names: Iterable[str], files: dict[str, str] | None, inputs: Sequence[str | os.PathLike],
           force: bool) -> None:
    held = [str(p) for p in inputs if _inside(Path(p), folder)]
    if held and not force:
        raise InputError(f"--out {folder} holds the input {held[0]}; choose an output folder of its own "
                         "(or pass --force to write beside the inputs: nothing there is removed or overwritten)")
    ours = _ours(folder, files)
    ours |= {name.split("/", 1)[0] for name in ours if "/" in name}  # sub-folders holding our files
    entries = [p.name for p in folder.iterdir()]
    foreign = sorted(set(entries) - ours - {MARKER})
    if foreign and files is None and not force:
        raise InputError(f"--out {folder} is not empty and was not written by aligner (it holds {foreign[0]}"
                         f"{f' and {len(foreign) - 1} more' if len(foreign) > 1 else ''}); choose an empty or new "
                         "folder, or pass --force to add the outputs beside them (nothing is removed or overwritten)")
    for name in names:
        for candidate in (name, temp_name(name)):
            p = folder / candidate
            if candidate not in ours and (p.exists() or p.is_symlink()):
                raise InputError(f"{p} exists and aligner did not write it (or it was changed since); "
                                 "move it away or delete it, then run again (--force never overwrites it)")


def preflight(out_dir: str | os.PathLike, names: Iterable[str], *, inputs: Sequence[str | os.PathLike] = (),
              force: bool = False) -> None:
    """Everything that can refuse the output folder, checked before any slow work.

    Creates nothing; it only finishes what a killed earlier run left (see ``writing``).
    """
    folder = Path(out_dir)
    names = list(names)
    if folder.exists() or folder.is_symlink():
        if not folder.is_dir():
            raise InputError(f"--out {folder} exists and is not a folder")
        _probe_writable(folder)
        with _locked(folder) as fd:
            files = _recover(folder, fd)
            _check(folder, names, files, inputs, force)
        return
    parent = folder.parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    if not parent.is_dir():
        raise InputError(f"cannot create --out {folder}: {parent} is not a folder")
    _probe_writable(parent)


@contextmanager
def _locked(folder: Path) -> Iterator[int | None]:
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError as exc:
        raise InputError(f"cannot open --out {folder}: {exc.strerror or exc}") from None
    try:
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield fd
    finally:
        os.close(fd)  # closing releases the lock


@contextmanager
def _sigint_deferred() -> Iterator[None]:
    """Ctrl-C during the renames would leave a mixed folder; take it right after them instead."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[object] = []
    previous = signal.signal(signal.SIGINT, lambda *a: caught.append(a))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        if caught:
            raise KeyboardInterrupt


class Writer:
    """Hands out the temp files of one run; ``open(name)`` is only valid for the announced names."""

    def __init__(self, folder: Path, names: Sequence[str]):
        self.folder = folder
        self.names = tuple(names)
        self._done: dict[str, str] = {}

    @contextmanager
    def open(self, name: str) -> Iterator[IO[bytes]]:
        if name not in self.names:
            raise ValueError(f"{name} was not announced to the output folder")
        path = self.folder / temp_name(name)
        if "/" in name:
            path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
        with os.fdopen(fd, "wb") as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        self._done[name] = _sha256(path) or ""


@contextmanager
def writing(out_dir: str | os.PathLike, names: Sequence[str], *, inputs: Sequence[str | os.PathLike] = (),
            force: bool = False, keep: bool = False, drop: Sequence[str] = ()) -> Iterator[Writer]:
    """Write exactly ``names`` into the folder; they appear together when the block succeeds.

    On any error (disk full, Ctrl-C) the temp files go and the folder is as before.
    ``keep`` updates part of a run's output (``aligner review`` rewriting the TMX
    files): the files the marker names stay ours, except ``drop``, which go.
    """
    folder = Path(out_dir)
    created: list[Path] = []
    if not folder.is_dir():
        missing = [folder, *(p for p in folder.parents if not p.exists())]
        try:
            for p in reversed(missing):
                try:
                    p.mkdir()
                    created.append(p)
                except FileExistsError:
                    pass  # a concurrent run made it, or it is a file (refused below)
        except OSError as exc:
            _remove_dirs(created)
            raise InputError(f"cannot create --out {folder}: {exc.strerror or exc}") from None
        if not folder.is_dir():
            _remove_dirs(created)
            raise InputError(f"--out {folder} exists and is not a folder")
    try:
        with _locked(folder) as fd:
            files = _recover(folder, fd)
            _check(folder, names, files, inputs, force)
            writer = Writer(folder, names)
            _write_marker(folder, files or {}, fd, writing=sorted(names))
            try:
                yield writer
                unwritten = sorted(set(names) - set(writer._done))
                if unwritten:
                    raise ValueError(f"announced outputs not written: {unwritten}")
            except BaseException:
                _undo(folder, names, files, fd)
                raise
            new = dict(writer._done)
            gone = files or {}
            if keep:
                gone = {name: sha for name, sha in gone.items() if name in drop and name not in new}
                new = {**{k: v for k, v in (files or {}).items() if k not in gone}, **new}
            with _sigint_deferred():
                try:
                    _write_marker(folder, files or {}, fd, commit=dict(sorted(new.items())))
                except BaseException:
                    _undo(folder, names, files, fd)
                    raise
                # from here on a killed run is rolled forward by the next one, never back
                for name in names:
                    os.replace(folder / temp_name(name), folder / name)
                for name, sha in gone.items():
                    if name not in new:
                        _remove_if_ours(folder / name, sha)
                _fsync_dir(fd)
                _write_marker(folder, new, fd)
    except BaseException:
        _remove_dirs(created)
        raise


def _undo(folder: Path, names: Sequence[str], files: dict[str, str] | None, fd: int | None) -> None:
    for name in names:
        (folder / temp_name(name)).unlink(missing_ok=True)
    try:
        if files is not None:
            _write_marker(folder, files, fd)
        else:
            (folder / MARKER).unlink(missing_ok=True)
    except OSError:
        pass  # the journal still says "writing": the next run cleans up


def _remove_dirs(created: list[Path]) -> None:
    """Folders this run made, if still empty: a failed run leaves no trace."""
    for p in reversed(created):
        try:
            p.rmdir()
        except OSError:
            break


__all__ = ["MARKER", "Writer", "owned", "preflight", "temp_name", "writing"]
