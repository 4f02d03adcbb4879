"""The main job: align every language pair of a set of documents and write the results.

Outputs go to a scratch folder beside the destination and replace it in one
rename, so a failed or interrupted run never leaves a half-written folder.
With ``SOURCE_DATE_EPOCH`` set, the TMX dates are pinned and the report leaves
out wall-clock timings, so the same input gives byte-identical files.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from aligner import __version__
from aligner.errors import InputError
from aligner.inert import dumps
from aligner.pipeline import (
    Embedded, PairResult, ProgressFn, Triple, align_documents, aligned_sets,
    check_documents, embed_documents, language_pairs, triangle,
)
from aligner.types import Document

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


def triangles(documents: Sequence[Document], results: Sequence[PairResult]) -> dict:
    """Three-language beads for every trio of distinct languages whose three pairs were aligned."""
    by_pair = {(r.src, r.tgt): r.alignment for r in results}
    out = {}
    for (a, b), ab in by_pair.items():
        for (a2, c), ac in by_pair.items():
            if a2 != a or c == b or (b, c) not in by_pair:
                continue
            if len({documents[a].lang, documents[b].lang, documents[c].lang}) != 3:
                continue
            out[(a, b, c)] = triangle(ab, ac, by_pair[(b, c)])
    return out


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


def _replace_dir(tmp: Path, out_dir: Path) -> None:
    old = None
    if out_dir.exists():
        if not out_dir.is_dir():
            raise InputError(f"{out_dir}: exists and is not a folder")
        old = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.old-", dir=out_dir.parent))
        os.rmdir(old)
        os.rename(out_dir, old)
    os.rename(tmp, out_dir)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def run_job(documents: Sequence[Document], out_dir: str | os.PathLike, *, encoder=None,
            options: JobOptions = JobOptions(), progress: ProgressFn | None = None) -> JobResult:
    from aligner.embed import get_encoder
    from tmx.write import alignment_tus, multilingual_tus, write_tmx

    check_documents(documents, distinct_languages=False)
    out_dir = Path(out_dir)
    enc = encoder if encoder is not None else get_encoder()
    pinned = "SOURCE_DATE_EPOCH" in os.environ
    pairs = language_pairs(documents)
    embedded = embed_documents(documents, enc, progress=progress)
    results = align_documents(documents, embedded, pairs, encoder=enc, mode=options.mode,
                              progress=progress)
    trios = triangles(documents, results)

    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.partial-", dir=out_dir.parent))
    try:
        pair_entries = []
        for r in results:
            src, tgt = documents[r.src], documents[r.tgt]
            file = f"{pair_name(src, tgt)}.{src.lang}-{tgt.lang}.tmx"
            stats = write_tmx(tmp / file,
                              alignment_tus(r.alignment, src, tgt, src_lang=src.lang, tgt_lang=tgt.lang),
                              srclang=src.lang, langs=[src.lang, tgt.lang],
                              lang_codes=options.lang_codes, min_score=options.min_score)  # type: ignore[arg-type]
            pair_entries.append(_pair_report(documents, r, file, stats.written, not pinned))
        multi_entries = []
        for (a, b, c), triples in sorted(trios.items()):
            docs = (documents[a], documents[b], documents[c])
            names = [base_name(d) for d in docs]
            stem = "+".join(dict.fromkeys(names))
            file = f"{stem}.multi.tmx"
            stats = write_tmx(tmp / file, multilingual_tus(triples, docs),
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
        with open(tmp / "report.json", "w", encoding="utf-8", newline="\n") as f:
            f.write(dumps(report, indent=2, sort_keys=False) + "\n")
        os.chmod(tmp, 0o755)
        _replace_dir(tmp, out_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return JobResult(out_dir, tuple(documents), tuple(results), trios, report, embedded)


__all__ = ["JobOptions", "JobResult", "Triple", "base_name", "pair_name", "run_job", "signature", "triangles"]
