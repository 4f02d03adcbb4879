"""The main job: align every language pair of a set of documents and write the results.

The output folder is the user's too: the job writes only its own files there
(see ``aligner.outdir``), checks the folder before the slow work, and a failed
or interrupted run leaves the previous output as it was.
With ``SOURCE_DATE_EPOCH`` set, the TMX dates are pinned and the report leaves
out wall-clock timings, so the same input gives byte-identical files.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from aligner import __version__, outdir
from aligner.inert import dumps
from aligner.pipeline import (
    Embedded, PairResult, ProgressFn, Triple, align_documents, aligned_sets,
    check_documents, embed_documents, language_pairs, triangle,
)
from aligner.types import Document
from tmx.write import alignment_tus, multilingual_tus, write_tmx

_LANG_OR_KIND = re.compile(r"^(?:[a-z]{2,3}(?:-[A-Za-z0-9]+)?|wiki|pdf|text|web|txt)$")


def base_name(doc: Document) -> str:
    """``lenin.tl.wiki`` -> ``lenin``: the name without language and kind tags."""
    parts = doc.name.split(".")
    keep = [p for p in parts[1:] if not _LANG_OR_KIND.match(p) and p != doc.lang]
    return ".".join([parts[0], *keep])


def pair_name(a: Document, b: Document) -> str:
    x, y = base_name(a), base_name(b)
    return x if x == y else f"{x}+{y}"


@dataclass(frozen=True)
class JobOptions:
    mode: str = "auto"
    lang_codes: str = "bcp47"
    min_score: float | None = None


@dataclass(frozen=True)
class JobResult:
    out_dir: Path
    documents: tuple[Document, ...]
    pairs: tuple[PairResult, ...]
    triples: dict  # (a, b, c) document indices -> list[Triple]
    report: dict
    embedded: Embedded


def signature(encoder_identity: str, options: JobOptions) -> str:
    """One line that names everything the output depends on, like sacrebleu's signatures."""
    min_score = "none" if options.min_score is None else f"{options.min_score:g}"
    return (f"aligner:{__version__}|encoder:{encoder_identity}|mode:{options.mode}"
            f"|lang-codes:{options.lang_codes}|min-score:{min_score}")


def trios(documents: Sequence[Document], pairs: Sequence[tuple[int, int]]) -> list[tuple[int, int, int]]:
    """Every trio of distinct languages whose three pairs are among ``pairs``."""
    have = set(pairs)
    return [(a, b, c) for a, b in pairs for a2, c in pairs
            if a2 == a and c != b and (b, c) in have
            and len({documents[a].lang, documents[b].lang, documents[c].lang}) == 3]


def triangles(documents: Sequence[Document], results: Sequence[PairResult]) -> dict:
    """Three-language beads for every trio of distinct languages whose three pairs were aligned."""
    by_pair = {(r.src, r.tgt): r.alignment for r in results}
    return {(a, b, c): triangle(by_pair[(a, b)], by_pair[(a, c)], by_pair[(b, c)])
            for a, b, c in trios(documents, list(by_pair))}


def pair_file(src: Document, tgt: Document) -> str:
    return f"{pair_name(src, tgt)}.{src.lang}-{tgt.lang}.tmx"


def multi_file(docs: Sequence[Document]) -> str:
    return "+".join(dict.fromkeys(base_name(d) for d in docs)) + ".multi.tmx"


def output_names(documents: Sequence[Document], pairs: Sequence[tuple[int, int]]) -> list[str]:
    """The files a run of these pairs writes, known before any embedding."""
    names = [pair_file(documents[a], documents[b]) for a, b in pairs]
    names += [multi_file([documents[i] for i in trio]) for trio in sorted(trios(documents, pairs))]
    return list(dict.fromkeys([*names, "report.json"]))


def _pair_report(documents: Sequence[Document], r: PairResult, file: str, written: int,
                 timings: bool) -> dict:
    src, tgt = documents[r.src], documents[r.tgt]
    a_src, a_tgt = aligned_sets(r.alignment)
    entry: dict = {
        "name": file.rsplit(".", 1)[0],
        "tmx": file,
        "languages": [src.lang, tgt.lang],
        "documents": [src.name, tgt.name],
        "mode": r.alignment.mode,
        "mode_reason": r.alignment.info.get("mode_reason", ""),
        "beads": len(r.alignment.beads),
        "tus_written": written,
    }
    for doc, aligned in ((src, a_src), (tgt, a_tgt)):
        n = len(doc.sentences)
        entry[doc.lang] = {
            "sentences": n,
            "aligned": len(aligned),
            "unaligned": n - len(aligned),
            "coverage_percent": round(100.0 * len(aligned) / n, 2) if n else 0.0,
        }
    if timings:
        t = r.alignment.info.get("timings", {})
        entry["timings"] = {"align_seconds": round(r.seconds, 3),
                            **{f"{k}_seconds": round(v, 3) for k, v in sorted(t.items())}}
    else:
        entry["timings"] = None
    return entry


def run_job(documents: Sequence[Document], out_dir: str | os.PathLike, *, encoder=None,
            options: JobOptions = JobOptions(), progress: ProgressFn | None = None,
            inputs: Sequence[str | os.PathLike] = (), force: bool = False) -> JobResult:
    """Align, then write the outputs into ``out_dir`` beside whatever else is there.

    ``inputs`` are the files the documents came from: a folder holding one is
    refused unless ``force``. The folder is checked before embedding, so a bad
    ``--out`` costs nothing.
    """
    from aligner.embed import get_encoder

    check_documents(documents, distinct_languages=False)
    out_dir = Path(out_dir)
    pairs = language_pairs(documents)
    names = output_names(documents, pairs)
    outdir.preflight(out_dir, names, inputs=inputs, force=force)
    enc = encoder if encoder is not None else get_encoder()
    pinned = "SOURCE_DATE_EPOCH" in os.environ
    embedded = embed_documents(documents, enc, progress=progress)
    results = align_documents(documents, embedded, pairs, encoder=enc, mode=options.mode,
                              progress=progress)
    found = triangles(documents, results)

    with outdir.writing(out_dir, names, inputs=inputs, force=force) as out:
        pair_entries = []
        for r in results:
            src, tgt = documents[r.src], documents[r.tgt]
            file = pair_file(src, tgt)
            with out.open(file) as f:
                stats = write_tmx(f, alignment_tus(r.alignment, src, tgt, src_lang=src.lang, tgt_lang=tgt.lang),
                                  srclang=src.lang, langs=[src.lang, tgt.lang],
                                  lang_codes=options.lang_codes, min_score=options.min_score)  # type: ignore[arg-type]
            pair_entries.append(_pair_report(documents, r, file, stats.written, not pinned))
        multi_entries = []
        for (a, b, c), triples in sorted(found.items()):
            docs = (documents[a], documents[b], documents[c])
            file = multi_file(docs)
            with out.open(file) as f:
                stats = write_tmx(f, multilingual_tus(triples, docs),
                                  srclang="*all*", langs=[d.lang for d in docs],
                                  lang_codes=options.lang_codes, min_score=options.min_score)  # type: ignore[arg-type]
            multi_entries.append({"tmx": file, "languages": [d.lang for d in docs],
                                  "documents": [d.name for d in docs], "tus_written": stats.written})
        report = {
            "signature": signature(enc.identity, options),
            "documents": [{"name": d.name, "lang": d.lang, "kind": d.kind,
                           "sentences": len(d.sentences)} for d in documents],
            "pairs": pair_entries,
            "multilingual": multi_entries,
            "embedding": None if pinned else {"texts_embedded": embedded.embedded_texts,
                                              "seconds": round(embedded.seconds, 3)},
        }
        with out.open("report.json") as f:
            f.write((dumps(report, indent=2, sort_keys=False) + "\n").encode("utf-8"))
    return JobResult(out_dir, tuple(documents), tuple(results), found, report, embedded)


__all__ = ["JobOptions", "JobResult", "Triple", "base_name", "multi_file", "output_names", "pair_file", "pair_name",
           "run_job", "signature", "triangles", "trios"]
