"""The pipeline every command shares: documents -> vectors -> pairwise alignments.

Each document is embedded once, whatever number of pairs it takes part in, and
every pair of documents in different languages is aligned. Same-language
documents (the corpus's two English texts) are never paired or concatenated.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from aligner.errors import InputError
from aligner.types import Alignment, Document

if TYPE_CHECKING:
    from aligner.align.config import AlignConfig
    from aligner.embed import Encoder
    from aligner.review.state import Link

ProgressFn = Callable[[str, int, int], None]

# Pair direction: the corpus's order first (tl-ne, tl-en, ne-en), other codes after, alphabetically.
LANG_ORDER = ("tl", "ne", "en")


def _lang_rank(lang: str) -> tuple[int, str]:
    return (LANG_ORDER.index(lang), "") if lang in LANG_ORDER else (len(LANG_ORDER), lang)


def language_pairs(documents: Sequence[Document]) -> list[tuple[int, int]]:
    """Every pair of documents in different languages, as (source, target) indices."""
    pairs = []
    for i in range(len(documents)):
        for j in range(i + 1, len(documents)):
            if documents[i].lang == documents[j].lang:
                continue
            a, b = sorted((i, j), key=lambda k: (_lang_rank(documents[k].lang), k))
            pairs.append((a, b))
    pairs.sort(key=lambda p: (_lang_rank(documents[p[0]].lang), _lang_rank(documents[p[1]].lang), p))
    return pairs


@dataclass(frozen=True)
class Embedded:
    vectors: tuple[np.ndarray, ...]
    embedded_texts: int  # texts that missed the cache and went through the encoder
    seconds: float


@dataclass(frozen=True)
class PairResult:
    src: int
    tgt: int
    alignment: Alignment
    seconds: float = field(compare=False)


def check_documents(documents: Sequence[Document], *, distinct_languages: bool) -> None:
    """Refuse input the user would not want aligned, before any slow work starts."""
    if len(documents) < 2:
        raise InputError(f"alignment needs at least two documents, got {len(documents)}")
    for doc in documents:
        check_not_empty(doc)
        if doc.lang == "und":
            raise InputError(f"{doc.name}: cannot tell which language this is; give it with --lang")
        check_language(doc)
    langs = [d.lang for d in documents]
    if distinct_languages and len(set(langs)) != len(langs):
        raise InputError(
            "two documents are in the same language "
            f"({', '.join(f'{d.name}: {d.lang}' for d in documents)}); give one document per "
            "language, or set the language with --lang if detection was wrong"
        )
    if len(set(langs)) < 2:
        raise InputError(
            f"all documents are in {langs[0]!r}; alignment needs two languages "
            "(set them with --lang if detection was wrong)"
        )


def check_not_empty(doc: Document) -> None:
    """An empty side would align to all gaps and exit 0, hiding the wrong file or an encoding slip."""
    if not doc.sentences:
        raise InputError(f"{doc.name}: no sentences found; is the file empty?")


def check_language(doc: Document) -> None:
    """A document declared in one language but written in another is a mislabelled input."""
    from aligner.langid import detect, language_name

    seen = detect(" ".join(s.text for s in doc.sentences[:500]))
    if seen not in ("und", doc.lang):
        raise InputError(
            f"{doc.name}: declared as {language_name(doc.lang)} ({doc.lang}) but the text looks like "
            f"{language_name(seen)} ({seen}); fix the language (mind the order of the --lang codes) "
            "or the manifest"
        )


def embed_documents(documents: Sequence[Document], encoder: Encoder, *,
                    progress: ProgressFn | None = None) -> Embedded:
    """Every document's vectors; ``encoder`` is the command's one encoder (never looked up here)."""
    from aligner.embed import embed

    enc = encoder
    t0 = time.perf_counter()
    missed = 0
    vectors = []
    for doc in documents:
        step = f"embedding {doc.name}"
        to_embed = [0]  # embed() reports how many texts missed the cache

        def report(done: int, total: int, step: str = step, to_embed: list[int] = to_embed) -> None:
            to_embed[0] = total
            if progress:
                progress(step, done, total)

        vectors.append(embed(doc.texts, enc, progress=report))
        missed += to_embed[0]
    return Embedded(tuple(vectors), missed, time.perf_counter() - t0)


def align_documents(documents: Sequence[Document], embedded: Embedded, pairs: Sequence[tuple[int, int]],
                    *, encoder: Encoder, mode: str = "auto", config: AlignConfig | None = None,
                    progress: ProgressFn | None = None,
                    reviewed: Mapping[tuple[int, int], Sequence[Link]] | None = None) -> list[PairResult]:
    """Align each pair; a pair with ``reviewed`` links keeps them and is re-aligned only between them."""
    from aligner.align import DEFAULT_CONFIG, align
    from aligner.embed import embed
    from aligner.review.realign import align_anchored

    cfg = DEFAULT_CONFIG if config is None else config

    enc = encoder

    def embed_texts(texts: list[str]) -> np.ndarray:
        return embed(texts, enc)

    results = []
    for n, (i, j) in enumerate(pairs):
        if progress:
            progress("aligning", n, len(pairs))
        t0 = time.perf_counter()
        links = (reviewed or {}).get((i, j))
        if links:
            alignment = align_anchored(documents[i].texts, documents[j].texts, embedded.vectors[i],
                                       embedded.vectors[j], links, align=align, mode=mode, embed=embed_texts,
                                       src_lang=documents[i].lang, tgt_lang=documents[j].lang, config=cfg)
        else:
            alignment = align(documents[i].texts, documents[j].texts, embed=embed_texts,
                              src_vecs=embedded.vectors[i], tgt_vecs=embedded.vectors[j],
                              mode=mode, src_lang=documents[i].lang, tgt_lang=documents[j].lang, config=cfg)
        results.append(PairResult(i, j, alignment, time.perf_counter() - t0))
    if progress:
        progress("aligning", len(pairs), len(pairs))
    return results


def align_every_pair(documents: Sequence[Document], encoder: Encoder, *, mode: str = "auto",
                     progress: ProgressFn | None = None) -> dict[tuple[int, int], Alignment]:
    """Embed each document once and align every pair (i < j), keyed as ``gaps.build_report`` wants."""
    embedded = embed_documents(documents, encoder, progress=progress)
    pairs = [(i, j) for i in range(len(documents)) for j in range(i + 1, len(documents))]
    results = align_documents(documents, embedded, pairs, encoder=encoder, mode=mode, progress=progress)
    return {(r.src, r.tgt): r.alignment for r in results}


def aligned_sets(alignment: Alignment) -> tuple[set[int], set[int]]:
    """Source and target sentences that have a counterpart."""
    src: set[int] = set()
    tgt: set[int] = set()
    for bead in alignment.beads:
        if not bead.is_gap:
            src.update(bead.src)
            tgt.update(bead.tgt)
    return src, tgt


@dataclass(frozen=True)
class Triple:
    """A bead that three pairwise alignments agree on: sentence sets per document."""

    members: tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]
    score: float


def triangle(ab: Alignment, ac: Alignment, bc: Alignment) -> list[Triple]:
    """Beads linking A, B and C only where all three pairwise links say the same.

    A link A-B with the exact sentence sets (a, b) must exist, and so must (a, c)
    and (b, c); any disagreement drops the triple rather than guess, and so does
    a sentence of A with two partners in C (a fact C states twice).
    """
    a_links = [bead for bead in ac.beads if not bead.is_gap]
    twice = {src for src, n in Counter(bead.src for bead in a_links).items() if n > 1}
    a_to_c = {bead.src: bead for bead in a_links if bead.src not in twice}
    bc_links = {(bead.src, bead.tgt): bead for bead in bc.beads if not bead.is_gap}
    out = []
    for bead in ab.beads:
        if bead.is_gap:
            continue
        other = a_to_c.get(bead.src)
        if other is None:
            continue
        third = bc_links.get((bead.tgt, other.tgt))
        if third is None:
            continue
        score = min(bead.score, other.score, third.score)
        out.append(Triple((bead.src, bead.tgt, other.tgt), score))
    return out


__all__ = [
    "Embedded", "PairResult", "Triple", "align_documents", "align_every_pair", "aligned_sets",
    "check_documents", "check_not_empty", "embed_documents", "language_pairs", "triangle",
]
