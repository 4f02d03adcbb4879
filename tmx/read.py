"""Reading TMX 1.1 to 1.4 into TranslationUnits, streaming."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from lxml import etree

from tmx.errors import LanguageCodeError, TmxError
from tmx.langcodes import to_bcp47
from tmx.model import TranslationUnit
from tmx.parse import XML_LANG, TuElement, iter_elements

# Inline elements whose content is native markup, not translatable text.
_CODE_TAGS = frozenset({"bpt", "ept", "ph", "it", "ut"})
_LANG_CACHE: dict[str, str] = {}


def seg_text(seg: etree._Element) -> str:
    """The translatable text of a ``<seg>``: inline codes dropped, ``<hi>`` kept."""
    if len(seg) == 0:
        return seg.text or ""
    parts = [seg.text or ""]
    for child in seg:
        if isinstance(child, etree._Entity):
            raise TmxError(
                f"line {child.sourceline}: entity reference {child.text} in <seg>; it is not declared "
                "and would be lost, so write the character itself"
            )
        if isinstance(child.tag, str) and child.tag not in _CODE_TAGS:
            parts.append(seg_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def tuv_lang(tuv: etree._Element) -> str | None:
    """``xml:lang`` (TMX 1.4) or ``lang`` (TMX 1.1 to 1.3)."""
    return tuv.get(XML_LANG) or tuv.get("lang")


def _to_unit(path: Path, item: TuElement) -> TranslationUnit:
    tu = item.element
    segs: list[tuple[str, str]] = []
    props: list[tuple[str, str]] = []
    notes: list[str] = []
    for child in tu:
        tag = child.tag
        if tag == "tuv":
            lang = tuv_lang(child)
            if not lang:
                raise TmxError(f"{path}: line {child.sourceline}: <tuv> without xml:lang (or lang); add the language")
            code = _LANG_CACHE.get(lang)
            if code is None:
                try:
                    code = to_bcp47(lang)
                except LanguageCodeError as exc:
                    raise TmxError(f"{path}: line {child.sourceline}: {exc}") from None
                if len(_LANG_CACHE) < 256:
                    _LANG_CACHE[lang] = code
            lang = code
            seg = child.find("seg")
            if seg is None:
                raise TmxError(f"{path}: line {child.sourceline}: <tuv xml:lang=\"{lang}\"> has no <seg>")
            try:
                segs.append((lang, seg_text(seg)))
            except TmxError as exc:
                raise TmxError(f"{path}: {exc}") from None
        elif tag == "prop":
            props.append((child.get("type", ""), child.text or ""))
        elif tag == "note":
            notes.append(child.text or "")
    return TranslationUnit(
        tuid=tu.get("tuid", ""),
        segs=tuple(segs),
        props=tuple(props),
        note="\n".join(notes) if notes else None,
    )


def iter_tus(path: str | Path) -> Iterator[TranslationUnit]:
    """Every TU of the file in order; languages are canonical BCP-47 (case, ``_``)."""
    path = Path(path)
    for item in iter_elements(path):
        if isinstance(item, TuElement):
            yield _to_unit(path, item)


def read_header(path: str | Path) -> dict[str, str]:
    """The ``<header>`` attributes plus ``version`` from ``<tmx>``; reads no further."""
    for item in iter_elements(path):
        if isinstance(item, dict):
            return item
    raise TmxError(f"{path}: no <header> element; this is not a TMX file")  # pragma: no cover
