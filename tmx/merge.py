"""Merging TMX files into one memory without duplicate units."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from tmx.errors import TmxError
from tmx.langcodes import Preset, convert
from tmx.model import TranslationUnit, WriteStats
from tmx.read import iter_tus, read_header
from tmx.text import clean_segment
from tmx.write import ALL_LANGS, write_tmx


@dataclass(frozen=True)
class MergeStats:
    read: int
    duplicates: int
    write: WriteStats


def _key(tu: TranslationUnit) -> tuple[tuple[str, str], ...]:
    # Duplicates are judged on what would be written: cleaned text per language.
    return tuple(sorted((lang, clean_segment(text)[0]) for lang, text in tu.segs))


def _family(lang: str) -> str:
    # Tools disagree on regions and on tl vs fil; the language itself is what must agree.
    return convert(lang, "omegat")


def merge_tmx(
    inputs: Sequence[str | Path],
    output: str | os.PathLike[str],
    *,
    tool: tuple[str, str],
    lang_codes: Preset = "bcp47",
    min_score: float | None = None,
    origins: Sequence[str] | None = None,
) -> MergeStats:
    """Merge files with the same languages; the first of identical TUs wins.

    Languages are matched by primary subtag (``en-US`` = ``en``, ``fil-PH`` =
    ``tl``) and take the first file's codes. Files must share their language
    set: merging en-tl with en-ne would give TUs that lack a language, which
    OmegaT fills with the wrong text.

    ``tool`` is the (name, version) of the program writing the merged file.
    ``origins``, one per input, adds an ``x-origin`` prop to each TU kept from that
    input, so a merged memory still says where each unit came from.
    """
    if len(inputs) < 1:
        raise TmxError("nothing to merge: give at least one TMX file")
    if origins is not None and len(origins) != len(inputs):
        raise ValueError(f"{len(origins)} origins for {len(inputs)} inputs")
    lang_sets: list[dict[str, str]] = []  # family -> code, per file
    srclangs: list[str] = []
    for path in inputs:
        langs: dict[str, str] = {}
        for tu in iter_tus(path):
            for lang in tu.langs:
                langs.setdefault(_family(lang), lang)
        lang_sets.append(langs)
        src = read_header(path).get("srclang", "")
        srclangs.append(src if src in ("", ALL_LANGS) else _family(src))
    first = lang_sets[0]
    for path, langs in zip(inputs, lang_sets):
        if set(langs) != set(first):
            raise TmxError(
                f"{path} has languages {sorted(langs.values())} but {inputs[0]} has {sorted(first.values())}; "
                "merge only files with the same languages"
            )
    srclang = first[srclangs[0]] if len(set(srclangs)) == 1 and srclangs[0] in first else ALL_LANGS
    langs_out = list(first.values())
    if srclang != ALL_LANGS:
        langs_out.remove(srclang)
        langs_out.insert(0, srclang)
    counts = {"read": 0, "duplicates": 0}

    def unique() -> Iterator[TranslationUnit]:
        seen: set[tuple[tuple[str, str], ...]] = set()
        tuids: set[str] = set()
        for k, path in enumerate(inputs):
            for tu in iter_tus(path):
                counts["read"] += 1
                tu = replace(tu, segs=tuple((first[_family(lang)], text) for lang, text in tu.segs))
                key = _key(tu)
                if key in seen:
                    counts["duplicates"] += 1
                    continue
                seen.add(key)
                if tu.tuid in tuids:  # two files used the same id for different units
                    n = 2
                    while f"{tu.tuid}-{n}" in tuids:
                        n += 1
                    tu = replace(tu, tuid=f"{tu.tuid}-{n}")
                if tu.tuid:
                    tuids.add(tu.tuid)
                if origins is not None:
                    tu = replace(tu, props=(*tu.props, ("x-origin", origins[k])))
                yield tu

    stats = write_tmx(output, unique(), srclang=srclang, langs=langs_out, tool=tool, lang_codes=lang_codes, min_score=min_score)
    return MergeStats(read=counts["read"], duplicates=counts["duplicates"], write=stats)
