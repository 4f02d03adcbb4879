"""What ``aligner review`` needs from a run, saved beside its outputs.

``alignments.json`` holds every document's sentences (text, kind, span) and
every pair's beads with scores, gaps included, plus the options the TMX files
were written with, so the review works from the output folder alone: the
source files may have moved, and TMX keeps neither gaps nor headings.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from aligner.errors import InputError
from aligner.inert import dumps
from aligner.types import Alignment, Bead, Document, Sentence

RUN_FILE = "alignments.json"
REPORT_FILE = "report.json"  # the run's report; aligner review updates its review counts
FORMAT = "aligner-alignments"
VERSION = 1


@dataclass(frozen=True)
class RunPair:
    src: int
    tgt: int
    tmx: str  # file name of the pair's TMX in the output folder
    alignment: Alignment


@dataclass(frozen=True)
class RunData:
    documents: tuple[Document, ...]
    pairs: tuple[RunPair, ...]
    encoder: str  # get_encoder() name, for candidate vectors from the cache
    lang_codes: str
    min_score: float | None
    digests: tuple[str, ...]  # document_digest of each original, for the review file

    def index(self, d: int):
        from aligner.review.state import SentenceIndex

        return SentenceIndex(self.documents[d], digest=self.digests[d])


def to_json(data: RunData) -> dict:
    return {
        "format": FORMAT,
        "version": VERSION,
        "encoder": data.encoder,
        "lang_codes": data.lang_codes,
        "min_score": data.min_score,
        "documents": [
            {"name": d.name, "lang": d.lang, "kind": d.kind, "sha256": digest,
             "sentences": [[s.start, s.end, s.kind, s.text] for s in d.sentences]}
            for d, digest in zip(data.documents, data.digests)
        ],
        "pairs": [
            {"src": p.src, "tgt": p.tgt, "tmx": p.tmx, "mode": p.alignment.mode,
             "beads": [[list(b.src), list(b.tgt), round(float(b.score), 4)] for b in p.alignment.beads]}
            for p in data.pairs
        ],
    }


def write(data: RunData, sink: IO[bytes]) -> None:
    sink.write((dumps(to_json(data), separators=(",", ":")) + "\n").encode("utf-8"))


def load(out_dir: str | os.PathLike) -> RunData:
    folder = Path(out_dir)
    path = folder / RUN_FILE
    if not folder.is_dir():
        raise InputError(f"{folder}: no such folder; give the --out folder of an `aligner run`")
    if not path.is_file():
        raise InputError(f"{path}: missing; this folder was not written by `aligner run` "
                         "(or by an older version): run it again to review the result")
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        if raw.get("format") != FORMAT or not isinstance(raw.get("version"), int):
            raise ValueError("not an aligner alignments file")
        if raw["version"] > VERSION:
            raise InputError(f"{path}: written by a newer aligner (version {raw['version']}); upgrade aligner")
        docs = []
        digests = []
        for d in raw["documents"]:
            source_kind = d["kind"]
            sents = tuple(Sentence(text, d["lang"], start, end, kind) for start, end, kind, text in d["sentences"])
            docs.append(Document(d["name"], d["lang"], source_kind, sents))
            digests.append(d["sha256"])
        pairs = []
        for p in raw["pairs"]:
            n, m = len(docs[p["src"]].sentences), len(docs[p["tgt"]].sentences)
            beads = tuple(Bead(tuple(s), tuple(t), float(score)) for s, t, score in p["beads"])
            pairs.append(RunPair(p["src"], p["tgt"], p["tmx"], Alignment(beads, n, m, p["mode"])))
    except InputError:
        raise
    except (OSError, ValueError, KeyError, TypeError, IndexError) as exc:
        raise InputError(f"{path}: cannot read it ({exc}); run `aligner run` again to rewrite it") from None
    return RunData(tuple(docs), tuple(pairs), raw["encoder"], raw["lang_codes"], raw.get("min_score"),
                   tuple(digests))



def report_bytes(report: dict) -> bytes:
    """report.json as the run writes it; aligner review rewrites it the same way."""
    return (dumps(report, indent=2, sort_keys=False) + "\n").encode("utf-8")

__all__ = ["REPORT_FILE", "RUN_FILE", "RunData", "RunPair", "load", "report_bytes", "write"]
