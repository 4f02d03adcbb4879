"""Bilingual TMX files that each CAT tool reads the review from.

- ``trados``: every TU gets ``x-Origin=Alignment`` and ``x-ConfirmationLevel``
  ``Draft`` (unreviewed) or ``ApprovedTranslation`` (confirmed): names of
  Trados' TranslationUnitOrigin and ConfirmationLevel values, which its TMX
  import parses and import filters can select on.
- ``memoq``: TU props ``aligned=yes`` and, once confirmed, ``corrected=yes``;
  the neighbouring source sentences as ``x-context-pre``/``x-context-post``
  props in the source ``<tuv>`` (memoQ's context, for 101% matches), their
  text wrapped in an escaped ``<seg>`` as memoQ writes them.
- ``omegat``: OmegaT shows no props, but it lowers every match from a TM whose
  path matches ``penalty-(\\d+)`` by that many points. Confirmed TUs go to the
  main file, the others to ``penalty-NN/`` beside it, NN from their score band,
  so an unreviewed exact match shows at 100 - NN %.
- ``bcp47``: confirmed TUs get ``x-review=confirmed``.

Related links (same event, different claim) are never written: a TM would
offer them as translations.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from aligner.formats import TOOL, TmxOptions
from aligner.types import Alignment, Bead, Document
from tmx.model import TranslationUnit

PENALTY_PREFIX = "penalty-"


@dataclass(frozen=True)
class Written:
    files: tuple[str, ...]  # paths relative to the output folder
    tus: int
    confirmed: int


def penalty(score: float, step: int = 10) -> int:
    band = math.floor(max(0.0, min(score, 1.0)) * 100 / step) * step
    return max(step, 100 - band)


def penalty_dir(nn: int) -> str:
    return f"{PENALTY_PREFIX}{nn:02d}"


def review_props(status: str | None, preset: str) -> list[tuple[str, str]]:
    """The TU props that tell a CAT tool whether a person confirmed the unit.

    One definition for the pair files and the three-language file, so both say the same.
    """
    confirmed = status == "confirmed"
    if preset == "trados":
        return [("x-Origin", "Alignment"), ("x-ConfirmationLevel", "ApprovedTranslation" if confirmed else "Draft")]
    if preset == "memoq":
        return [("aligned", "yes"), *([("corrected", "yes")] if confirmed else [])]
    if confirmed:
        return [("x-review", "confirmed")]
    return []


def _marked(tu: TranslationUnit, bead: Bead, status: str | None, preset: str, src_doc: Document,
            src_lang: str) -> TranslationUnit:
    props = [*tu.props, *review_props(status, preset)]
    tuv_props: tuple = ()
    if preset == "memoq":
        context = []
        first, last = min(bead.src), max(bead.src)
        if first > 0:
            context.append(("x-context-pre", f"<seg>{src_doc.sentences[first - 1].text.strip()}</seg>"))
        if last + 1 < len(src_doc.sentences):
            context.append(("x-context-post", f"<seg>{src_doc.sentences[last + 1].text.strip()}</seg>"))
        tuv_props = ((src_lang, tuple(context)),) if context else ()
    return TranslationUnit(tu.tuid, tu.segs, tuple(props), tu.note, tuv_props)


def review_tus(alignment: Alignment, src_doc: Document, tgt_doc: Document,
               statuses: Mapping[tuple[tuple[int, ...], tuple[int, ...]], str], preset: str
               ) -> Iterator[tuple[Bead, str | None, TranslationUnit]]:
    from tmx.langcodes import to_bcp47
    from tmx.write import alignment_tus

    links = [b for b in alignment.beads if not b.is_gap]
    tus = alignment_tus(alignment, src_doc, tgt_doc, src_lang=src_doc.lang, tgt_lang=tgt_doc.lang)
    src_lang = to_bcp47(src_doc.lang)
    for bead, tu in zip(links, tus, strict=True):
        status = statuses.get((bead.src, bead.tgt))
        if status == "related":
            continue
        yield bead, status, _marked(tu, bead, status, preset, src_doc, src_lang)


@dataclass(frozen=True)
class PairFiles:
    """The TUs of one pair's TMX, by file name relative to the output folder."""

    main: str
    groups: dict[str, list[TranslationUnit]]
    confirmed: int

    @property
    def tus(self) -> int:
        return sum(len(tus) for tus in self.groups.values())


def pair_files(file: str, src_doc: Document, tgt_doc: Document, alignment: Alignment,
               statuses: Mapping[tuple[tuple[int, ...], tuple[int, ...]], str],
               options: TmxOptions = TmxOptions()) -> PairFiles:
    """Which TU goes to which file: ``file``, and for OmegaT ``penalty-NN/file`` beside it."""
    preset = options.lang_codes
    groups: dict[str, list[TranslationUnit]] = {file: []}
    confirmed = 0
    for bead, status, tu in review_tus(alignment, src_doc, tgt_doc, statuses, preset):
        if status == "confirmed":
            confirmed += 1
        elif options.confirmed_only:
            continue
        if options.min_score is not None and status != "confirmed" and bead.score < options.min_score:
            continue
        if preset == "omegat" and status != "confirmed":
            name = f"{penalty_dir(penalty(bead.score, options.penalty_step))}/{file}"
        else:
            name = file
        groups.setdefault(name, []).append(tu)
    return PairFiles(file, dict(sorted(groups.items())), confirmed)


def write_group(sink, tus: Sequence[TranslationUnit], src_doc: Document, tgt_doc: Document, preset: str,
                config_digest: str | None = None):
    """``config_digest`` names the aligner configuration in the header; an alignment that does not
    say which made it (run data from before the digest existed) gets no such prop rather than the
    current default's, which may not be the one."""
    from tmx import write as tmx_write

    props = (("x-aligner-config", config_digest),) if config_digest else ()
    return tmx_write.write_tmx(sink, tus, srclang=src_doc.lang, langs=[src_doc.lang, tgt_doc.lang], tool=TOOL,
                               lang_codes=preset,  # type: ignore[arg-type]
                               header_props=props)


def stale_penalty_files(out_dir: str | os.PathLike, files: Sequence[PairFiles]) -> list[str]:
    """Penalty files an earlier export left for these pairs that the new one does not write."""
    out = Path(out_dir)
    keep = {name for f in files for name in f.groups}
    found = []
    for f in files:
        for d in sorted(out.glob(f"{PENALTY_PREFIX}*")):
            name = f"{d.name}/{f.main}"
            if d.is_dir() and (d / f.main).is_file() and name not in keep:
                found.append(name)
    return found


def write_pair(out_dir: str | os.PathLike, file: str, src_doc: Document, tgt_doc: Document,
               alignment: Alignment, statuses: Mapping[tuple[tuple[int, ...], tuple[int, ...]], str],
               options: TmxOptions = TmxOptions()) -> Written:
    """Write one pair's files straight into a folder (no run marker): for library use and tests."""
    from aligner.atomic import atomic_open

    out = Path(out_dir)
    pf = pair_files(file, src_doc, tgt_doc, alignment, statuses, options)
    written = 0
    for name, tus in pf.groups.items():
        (out / name).parent.mkdir(exist_ok=True)
        with atomic_open(out / name, "wb") as f:
            written += write_group(f, tus, src_doc, tgt_doc, options.lang_codes, alignment.info.config).written
    for name in stale_penalty_files(out, [pf]):
        (out / name).unlink()
        if not any((out / name).parent.iterdir()):
            (out / name).parent.rmdir()
    return Written(tuple(pf.groups), written, pf.confirmed)


def statuses_of(links: Sequence) -> dict[tuple[tuple[int, ...], tuple[int, ...]], str]:
    return {(ln.src, ln.tgt): ln.status for ln in links}


__all__ = ["PairFiles", "Written", "pair_files", "penalty", "penalty_dir", "review_props",
           "review_tus", "stale_penalty_files", "statuses_of", "write_group", "write_pair"]
