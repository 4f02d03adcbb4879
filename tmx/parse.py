"""Safe, streaming access to TMX elements.

TMX files come from strangers. The parser never loads a DTD, never touches the
network and never expands entities: a document that declares entities (XXE,
billion laughs) is rejected before lxml sees it, so no input can make us read
local files, fetch URLs or blow up memory.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from tmx.errors import TmxError

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
SUPPORTED_VERSIONS = re.compile(r"^1\.[1-4][a-z]?$")
_PROLOG_LIMIT = 1 << 20
_ROOT_START = re.compile(r"<[A-Za-z_:]")
_ENCODING_DECL = re.compile(r"""^<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")


@dataclass(frozen=True)
class TuElement:
    """A ``<tu>`` element while it is alive, with where it sits in the file."""

    element: etree._Element
    index: int  # 0-based position among the file's TUs
    line: int | None


def _sniff_codec(head: bytes) -> str:
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if head.startswith(b"<\x00?\x00"):
        return "utf-16-le"
    if head.startswith(b"\x00<\x00?"):
        return "utf-16-be"
    return "utf-8"


def check_prolog(path: Path) -> str:
    """Reject entity declarations before parsing; return the declared or sniffed encoding."""
    with open(path, "rb") as f:
        head = f.read(_PROLOG_LIMIT)
    if not head:
        raise TmxError(f"{path}: the file is empty, not TMX")
    codec = _sniff_codec(head)
    text = head.decode(codec, errors="replace")
    match = _ROOT_START.search(text)
    if match is None:
        if len(head) >= _PROLOG_LIMIT:
            raise TmxError(f"{path}: no root element in the first MiB; this is not a TMX file")
        raise TmxError(f"{path}: no XML element found; the file is truncated or not TMX")
    prolog = text[: match.start()]
    if "<!ENTITY" in prolog:
        raise TmxError(
            f"{path}: the document declares XML entities (<!ENTITY ...>), which TMX never needs; "
            "refusing it because entities enable external-entity (XXE) and billion-laughs attacks"
        )
    declared = _ENCODING_DECL.match(prolog.lstrip("\ufeff"))
    return declared.group(1) if declared else codec


def _syntax_error(path: Path, exc: etree.XMLSyntaxError, encoding: str) -> TmxError:
    msg = str(exc)
    low = msg.lower()
    if "not proper utf-8" in low or "encoding" in low or "bytes" in low and "invalid" in low:
        return TmxError(
            f"{path}: the bytes are not valid {encoding} ({msg}); re-save the file as UTF-8 "
            "or fix the encoding in its <?xml ... ?> declaration"
        )
    if "premature end" in low or "extra content" in low or "end of data" in low or "not closed" in low:
        return TmxError(f"{path}: the XML ends early ({msg}); the file is truncated or was cut off while writing")
    return TmxError(f"{path}: not well-formed XML ({msg})")


def _check_root(path: Path, root: etree._Element) -> None:
    if root.tag != "tmx":
        raise TmxError(f"{path}: the root element is <{root.tag}>, not <tmx>; this is not a TMX file")
    version = root.get("version", "")
    if version and not SUPPORTED_VERSIONS.match(version):
        raise TmxError(f"{path}: TMX version {version} is not supported (1.1 to 1.4 are)")


def iter_elements(path: str | Path) -> Iterator[dict[str, str] | TuElement]:
    """Yield the header attributes (``version`` added) once, then every ``<tu>``.

    Each TU element is cleared after the consumer moves on, so memory stays
    bounded however large the file is.
    """
    path = Path(path)
    if not path.is_file():
        raise TmxError(f"{path}: no such file")
    encoding = check_prolog(path)
    context = etree.iterparse(
        str(path),
        events=("end",),
        tag=("header", "tu"),
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    header_seen = False
    index = 0
    try:
        for _, el in context:
            if not header_seen:
                root = el.getroottree().getroot()
                _check_root(path, root)
            if el.tag == "tu":
                if not header_seen:
                    raise TmxError(f"{path}: line {el.sourceline}: <tu> before <header>; TMX needs a header first")
                yield TuElement(el, index, el.sourceline)
                index += 1
                el.clear()
                while el.getprevious() is not None:
                    del el.getparent()[0]
            elif not header_seen and el.getparent() is root:
                header = dict(el.attrib)
                header["version"] = root.get("version", "")
                header_seen = True
                yield header
                el.clear()
        if not header_seen:
            root = context.root
            if root is not None:
                _check_root(path, root)
            raise TmxError(f"{path}: no <header> element; this is not a TMX file")
    except etree.XMLSyntaxError as exc:
        raise _syntax_error(path, exc, encoding) from None
    except UnicodeError as exc:
        raise TmxError(f"{path}: cannot decode the file as {encoding} ({exc}); re-save it as UTF-8") from None
    except LookupError as exc:
        raise TmxError(f"{path}: unknown encoding {encoding!r} ({exc}); re-save the file as UTF-8") from None
