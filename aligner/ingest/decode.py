"""Bytes on disk to text: UTF-8 or UTF-16 with a BOM, and errors that name the byte offset."""

from __future__ import annotations

import codecs
from pathlib import Path

from aligner.errors import InputError


def read_source(path: str | Path) -> str:
    """The decoded text of a file, with an ``InputError`` for anything a user must fix."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{p}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{p}: is a directory, not a text file") from None
    except OSError as exc:
        raise InputError(f"{p}: cannot read ({exc.strerror})") from None
    return decode(data, str(p))


def decode(data: bytes, path: str) -> str:
    """UTF-8 (with or without BOM) or UTF-16 with BOM; anything else is an ``InputError``."""
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        raise InputError(f"{path}: UTF-32 text (BOM at byte offset 0) is not supported; convert it to UTF-8")
    if data.startswith(codecs.BOM_UTF8):
        skip, encoding = len(codecs.BOM_UTF8), "utf-8"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        skip, encoding = 2, "utf-16-le"
    else:
        skip, encoding = 0, "utf-8"
    text = _decode(data, skip, "utf-16" if encoding == "utf-16-le" else encoding, path)
    nul = text.find("\x00")
    if nul >= 0:
        offset = skip + len(text[:nul].encode(encoding))
        raise InputError(
            f"{path}: binary data (NUL byte) at byte offset {offset}; "
            "give a UTF-8 or UTF-16 (with BOM) text file"
        )
    return text


def _decode(data: bytes, skip: int, encoding: str, path: str) -> str:
    body = data[skip:]
    if encoding == "utf-16":
        encoding = "utf-16-le" if data.startswith(codecs.BOM_UTF16_LE) else "utf-16-be"
    try:
        return body.decode(encoding)
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{path}: cannot decode as {encoding.upper()} at byte offset {skip + exc.start} "
            f"(byte 0x{body[exc.start]:02x}); convert the file to UTF-8"
        ) from None
