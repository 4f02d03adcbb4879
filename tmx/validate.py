"""Checks that predict whether CAT tools will load a TMX, beyond well-formedness.

The rules come from what breaks in practice: OmegaT drops a whole file over
one ``<tuv>`` without ``xml:lang`` or a header without ``srclang``, fills a
missing target ``<tuv>`` with another language's text, and matches segments
byte for byte (so edge whitespace and non-NFC text never match).
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tmx.parse import XML_LANG, TuElement, iter_elements
from tmx.read import seg_text

REQUIRED_HEADER = ("creationtool", "creationtoolversion", "segtype", "o-tmf", "adminlang", "srclang", "datatype")
SEGTYPES = frozenset({"block", "paragraph", "sentence", "phrase"})
_MAX_MESSAGES = 50


@dataclass(frozen=True)
class ValidationReport:
    path: str
    version: str
    n_tus: int
    langs: tuple[tuple[str, int], ...]  # (xml:lang as written, <tuv> count)
    errors: tuple[str, ...]
    warnings: tuple[str, ...]
    n_errors: int  # may exceed len(errors): messages are capped
    n_warnings: int

    @property
    def ok(self) -> bool:
        return self.n_errors == 0


def validate(path: str | Path) -> ValidationReport:
    """Stream the file once and collect every problem; raise TmxError only when it cannot be read."""
    path = Path(path)
    errors: list[str] = []
    warnings: list[str] = []
    n_err = n_warn = 0
    lang_counts: Counter[str] = Counter()
    tu_langs: Counter[frozenset[str]] = Counter()
    tuids: set[str] = set()
    version = ""
    srclang = ""
    n_tus = 0

    def error(msg: str) -> None:
        nonlocal n_err
        n_err += 1
        if len(errors) < _MAX_MESSAGES:
            errors.append(msg)

    def warn(msg: str) -> None:
        nonlocal n_warn
        n_warn += 1
        if len(warnings) < _MAX_MESSAGES:
            warnings.append(msg)

    for item in iter_elements(path):
        if isinstance(item, dict):
            version = item.get("version", "")
            if version != "1.4":
                warn(f"TMX version {version or '(none)'}; tools expect 1.4")
            for attr in REQUIRED_HEADER:
                if not item.get(attr):
                    error(f"<header> lacks the required attribute {attr}")
            if item.get("segtype") and item["segtype"] not in SEGTYPES:
                error(f"<header segtype=\"{item['segtype']}\"> is not one of {', '.join(sorted(SEGTYPES))}")
            srclang = item.get("srclang", "")
            continue
        assert isinstance(item, TuElement)
        n_tus += 1
        _check_tu(item, srclang, version, error, warn, lang_counts, tu_langs, tuids)

    all_langs = set(lang_counts)
    # xml:lang is case-insensitive: tu_langs holds lower case, so fil-PH counts as fil-ph
    # (every region-coded file, Trados' above all, was reported as lacking its own languages).
    shown = {lang.lower(): lang for lang in sorted(all_langs)}
    for langs, count in sorted(tu_langs.items(), key=lambda kv: sorted(kv[0])):
        missing = set(shown) - langs
        if missing:
            error(f"{count} TU(s) lack a <tuv> for {', '.join(sorted(shown[m] for m in missing))}; "
                  "OmegaT fills a missing target with another language's text")
    if srclang and srclang != "*all*" and n_tus and srclang.lower() not in {l.lower() for l in all_langs}:
        error(f"header srclang {srclang} matches no <tuv> language ({', '.join(sorted(all_langs))})")
    if n_tus == 0:
        warn("the file has no <tu>")
    return ValidationReport(
        path=str(path), version=version, n_tus=n_tus, langs=tuple(sorted(lang_counts.items())),
        errors=tuple(errors), warnings=tuple(warnings), n_errors=n_err, n_warnings=n_warn,
    )


def _check_tu(
    item: TuElement,
    srclang: str,
    version: str,
    error: Callable[[str], None],
    warn: Callable[[str], None],
    lang_counts: Counter[str],
    tu_langs: Counter[frozenset[str]],
    tuids: set[str],
) -> None:
    tu = item.element
    where = f"line {item.line}"
    tuid = tu.get("tuid")
    if tuid is not None:
        if tuid in tuids:
            error(f"{where}: tuid {tuid!r} is used twice")
        tuids.add(tuid)
    langs: set[str] = set()
    n_tuv = 0
    for tuv in tu.iterchildren("tuv"):
        n_tuv += 1
        lang = tuv.get(XML_LANG)
        if lang is None:
            legacy = tuv.get("lang")
            if legacy is None:
                error(f"line {tuv.sourceline}: <tuv> without xml:lang; OmegaT rejects the whole file")
                continue
            if version.startswith("1.4"):
                error(f"line {tuv.sourceline}: <tuv lang=\"{legacy}\"> uses the pre-1.4 attribute; write xml:lang")
            lang = legacy
        if lang.lower() in langs:
            error(f"line {tuv.sourceline}: a second <tuv> in {lang} in the same <tu>")
        langs.add(lang.lower())
        lang_counts[lang] += 1
        segs = tuv.findall("seg")
        if len(segs) != 1:
            error(f"line {tuv.sourceline}: <tuv xml:lang=\"{lang}\"> has {len(segs)} <seg> elements, not 1")
            continue
        text = seg_text(segs[0])
        if not text.strip():
            warn(f"line {tuv.sourceline}: empty <seg> in {lang}")
        elif text != text.strip():
            warn(f"line {tuv.sourceline}: <seg> in {lang} has leading/trailing whitespace; OmegaT will not match it")
        if not unicodedata.is_normalized("NFC", text):
            warn(f"line {tuv.sourceline}: <seg> in {lang} is not NFC")
    if n_tuv == 0:
        error(f"{where}: <tu> without any <tuv>")
    elif n_tuv == 1:
        warn(f"{where}: <tu> with a single <tuv> translates nothing")
    tu_langs[frozenset(langs)] += 1
    if srclang and srclang != "*all*" and langs and srclang.lower() not in langs:
        warn(f"{where}: no <tuv> in the source language {srclang}; OmegaT skips this TU")
