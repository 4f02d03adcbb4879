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
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from aligner import __version__, outdir
from aligner.align.config import DEFAULT_CONFIG, AlignConfig
from aligner.formats import TOOL, TmxOptions
from aligner.pipeline import (
    Embedded,
    PairResult,
    ProgressFn,
    Triple,
    align_documents,
    aligned_sets,
    check_documents,
    embed_documents,
    language_pairs,
    triangle,
)
from aligner.review.export import PairFiles
from aligner.review.rundata import REPORT_FILE, RUN_FILE, report_bytes
from aligner.review.state import Resolved
from aligner.types import Document
from tmx.write import multilingual_tus, write_tmx

if TYPE_CHECKING:
    from aligner.embed import Encoder

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
    config: AlignConfig = DEFAULT_CONFIG  # the aligner's numbers; its digest is in the signature and TMX headers
    tmx: TmxOptions = TmxOptions()  # confirmed_only: in the bilingual TMX (aligner review)


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
    tmx = options.tmx
    min_score = "none" if tmx.min_score is None else f"{tmx.min_score:g}"
    return (f"aligner:{__version__}|encoder:{encoder_identity}|mode:{options.mode}"
            f"|config:{options.config.digest()}|lang-codes:{tmx.lang_codes}|min-score:{min_score}"
            + ("|confirmed-only" if tmx.confirmed_only else ""))


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
    return list(dict.fromkeys([*names, REPORT_FILE, RUN_FILE]))


def _pair_report(documents: Sequence[Document], r: PairResult, file: str, written: PairFiles,
                 timings: bool, resolved: Resolved | None) -> dict:
    src, tgt = documents[r.src], documents[r.tgt]
    a_src, a_tgt = aligned_sets(r.alignment)
    entry: dict = {
        "name": file.rsplit(".", 1)[0],
        "tmx": file,
        "languages": [src.lang, tgt.lang],
        "documents": [src.name, tgt.name],
        "mode": r.alignment.mode,
        "mode_reason": r.alignment.info.mode_reason,
        "beads": len(r.alignment.beads),
        "tus_written": written.tus,
        "tmx_files": list(written.groups),
        "review": _review_counts(resolved),
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
        t = r.alignment.info.timings
        entry["timings"] = {"align_seconds": round(t.align, 3), "embed_seconds": round(t.embed, 3)}
    else:
        entry["timings"] = None
    return entry


def _embedding_report(embedded, documents, clauses) -> dict:
    """Every second spent in the encoder: the documents, then the clauses the aligner asked for."""
    total = documents + clauses
    return {"texts_embedded": embedded.embedded_texts,  # document sentences that missed the cache
            **total.as_report(),
            "documents": documents.as_report(), "clauses": clauses.as_report(),
            "documents_wall_seconds": round(embedded.seconds, 3)}  # with cache lookups


def _review_counts(resolved: Resolved | None) -> dict:
    return (resolved or Resolved((), 0)).counts()


def _multi_marked(tus, triples: Sequence[Triple], trio: tuple[int, int, int],
                  statuses: dict, preset: str):
    """Three-language TUs with the review marks of the pair files: confirmed when a person
    confirmed all three pairwise links the TU rests on."""
    from aligner.review.export import review_props

    a, b, c = trio
    for tu, t in zip(tus, triples, strict=True):
        m = t.members
        legs = (((a, b), (m[0], m[1])), ((a, c), (m[0], m[2])), ((b, c), (m[1], m[2])))
        confirmed = all(statuses[pair].get(link) == "confirmed" for pair, link in legs)
        yield replace(tu, props=(*tu.props, *review_props("confirmed" if confirmed else None, preset)))


def run_job(documents: Sequence[Document], out_dir: str | os.PathLike, *, encoder: Encoder,
            options: JobOptions = JobOptions(), progress: ProgressFn | None = None,
            inputs: Sequence[str | os.PathLike] = (), force: bool = False) -> JobResult:
    """Align, then write the outputs into ``out_dir`` beside whatever else is there.

    ``inputs`` are the files the documents came from: a folder holding one is
    refused unless ``force``. The folder is checked before embedding, so a bad
    ``--out`` costs nothing. Decisions in ``out_dir/review.json`` (aligner
    review) are read: confirmed and related links stay fixed and only the rest
    is re-aligned. The run never writes review.json; it is the reviewer's.
    """
    from aligner.embed import MeteredEncoder
    from aligner.review import export, rundata
    from aligner.review import state as review_state
    from aligner.review.realign import without

    check_documents(documents, distinct_languages=False)
    out_dir = Path(out_dir)
    pairs = language_pairs(documents)
    names = output_names(documents, pairs)
    outdir.preflight(out_dir, names, inputs=inputs, force=force)
    state = review_state.load(out_dir) if out_dir.is_dir() else review_state.ReviewState()
    indexes = [review_state.SentenceIndex(d) for d in documents]
    resolved = {(i, j): review_state.resolve(state.pair(documents[i].name, documents[j].name), indexes[i],
                                             indexes[j]) for i, j in pairs}
    enc = MeteredEncoder(encoder)
    pinned = "SOURCE_DATE_EPOCH" in os.environ
    embedded = embed_documents(documents, enc, progress=progress)
    after_documents = enc.meter
    results = align_documents(documents, embedded, pairs, encoder=enc, mode=options.mode, config=options.config,
                              progress=progress, reviewed={k: v.links for k, v in resolved.items()})
    clauses = enc.meter - after_documents
    # Related links are no translations: keep them out of every TM, the three-language one included.
    found = triangles(documents, [PairResult(r.src, r.tgt, without(r.alignment, resolved[(r.src, r.tgt)].links),
                                             r.seconds) for r in results])
    export_options = options.tmx
    files = [export.pair_files(pair_file(documents[r.src], documents[r.tgt]), documents[r.src], documents[r.tgt],
                               r.alignment, export.statuses_of(resolved[(r.src, r.tgt)].links), export_options)
             for r in results]
    extra = [name for f in files for name in f.groups if name not in names]  # OmegaT's penalty-NN/ files

    with outdir.writing(out_dir, [*names, *extra], inputs=inputs, force=force) as out:
        pair_entries = []
        for r, pf in zip(results, files):
            src, tgt = documents[r.src], documents[r.tgt]
            for name, tus in pf.groups.items():
                with out.open(name) as f:
                    export.write_group(f, tus, src, tgt, export_options.lang_codes, options.config.digest())
            pair_entries.append(_pair_report(documents, r, pf.main, pf, not pinned, resolved[(r.src, r.tgt)]))
        multi_entries = []
        statuses = {k: export.statuses_of(v.links) for k, v in resolved.items()}
        for (a, b, c), triples in sorted(found.items()):
            docs = (documents[a], documents[b], documents[c])
            file = multi_file(docs)
            tus = _multi_marked(multilingual_tus(triples, docs), triples, (a, b, c), statuses, export_options.lang_codes)
            with out.open(file) as f:
                stats = write_tmx(f, tus,
                                  srclang="*all*", langs=[d.lang for d in docs], tool=TOOL,
                                  lang_codes=export_options.lang_codes, min_score=export_options.min_score,
                                  header_props=(("x-aligner-config", options.config.digest()),))
            multi_entries.append({"tmx": file, "languages": [d.lang for d in docs],
                                  "documents": [d.name for d in docs], "tus_written": stats.written})
        report = {
            "signature": signature(enc.identity, options),
            "documents": [{"name": d.name, "lang": d.lang, "kind": d.kind,
                           "sentences": len(d.sentences)} for d in documents],
            "pairs": pair_entries,
            "multilingual": multi_entries,
            "embedding": None if pinned else _embedding_report(embedded, after_documents, clauses),
        }
        with out.open(REPORT_FILE) as f:
            f.write(report_bytes(report))
        run = rundata.RunData(tuple(documents), tuple(rundata.RunPair(r.src, r.tgt, pf.main, r.alignment)
                                                      for r, pf in zip(results, files)),
                              getattr(enc, "name", ""), export_options.lang_codes, export_options.min_score,
                              tuple(ix.digest for ix in indexes))
        with out.open(RUN_FILE) as f:
            rundata.write(run, f)
    return JobResult(out_dir, tuple(documents), tuple(results), found, report, embedded)


__all__ = ["JobOptions", "JobResult", "Triple", "base_name", "multi_file", "output_names", "pair_file", "pair_name",
           "run_job", "signature", "triangles", "trios"]
