"""Multilingual TUs from beads that three pairwise alignments agree on."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from tmx.langcodes import to_bcp47
from tmx.model import TranslationUnit
from tmx.write import _join, _tuid


def multilingual_tus(triples: Iterable[Any], documents: Sequence[Any]) -> Iterator[TranslationUnit]:
    """One TU per triple (``members``: sentence indices per document, ``score``).

    Props mirror the bilingual TUs so a reviewer can trace every segment back.
    """
    langs = [to_bcp47(d.lang) for d in documents]
    for triple in triples:
        texts = [_join((doc.sentences[i].text for i in idx), lang)
                 for doc, idx, lang in zip(documents, triple.members, langs)]
        positions = [",".join(str(i) for i in idx) for idx in triple.members]
        props: list[tuple[str, str]] = [("x-score", f"{triple.score:.4f}"),
                                        ("x-bead", "-".join(str(len(idx)) for idx in triple.members))]
        props += [(f"x-document-{lang}", doc.name) for doc, lang in zip(documents, langs)]
        props += [(f"x-position-{lang}", pos) for lang, pos in zip(langs, positions)]
        yield TranslationUnit(
            tuid=_tuid(*(d.name for d in documents), *positions, *texts),
            segs=tuple(zip(langs, texts)),
            props=tuple(props),
        )
