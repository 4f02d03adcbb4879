"""Review state: what a person decided about the links of each document pair.

The state lives in ``review.json`` beside the run's outputs. It names
documents by name, language and a content hash, and sentences by character
span plus a hash of their text, never by sentence index alone: an index
shifts as soon as a sentence is inserted above it, while a text hash lets a
decision find its sentence again after a re-run on an edited document.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from aligner.atomic import atomic_open
from aligner.errors import InputError
from aligner.inert import dumps as inert_dumps
from aligner.types import Document

FORMAT = "aligner-review"
VERSION = 1
STATE_FILE = "review.json"
_REF = re.compile(r"^(\d+)-(\d+):([0-9a-f]{16})$")

Status = Literal["confirmed", "rejected", "related"]
STATUSES: tuple[str, ...] = ("confirmed", "rejected", "related")
# Links that claim their sentences: a re-run keeps them fixed and aligns around them.
CLAIMS = frozenset({"confirmed", "related"})


def text_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def document_digest(doc: Document) -> str:
    """Hash of the decoded original (or of the sentences when there is none)."""
    body = doc.source if doc.source else "\n".join(doc.texts)
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class SentenceRef:
    start: int
    end: int
    digest: str  # text_digest of the sentence text


@dataclass(frozen=True)
class DocRef:
    name: str
    lang: str
    digest: str  # document_digest when the decisions were last written


@dataclass(frozen=True)
class Decision:
    src: tuple[SentenceRef, ...]
    tgt: tuple[SentenceRef, ...]
    status: Status
    score: float | None = None  # the aligner's score of the link when decided
    manual: bool = False  # a person drew this link (re-link, merge, split), not just accepted it


@dataclass(frozen=True)
class PairReview:
    src: DocRef
    tgt: DocRef
    decisions: tuple[Decision, ...] = ()


@dataclass(frozen=True)
class Link:
    """A decision located in the current documents: sentence indices per side."""

    src: tuple[int, ...]
    tgt: tuple[int, ...]
    status: Status
    score: float | None = None
    manual: bool = False

    @property
    def key(self) -> tuple[tuple[int, ...], tuple[int, ...]]:
        return (self.src, self.tgt)


@dataclass(frozen=True)
class Resolved:
    links: tuple[Link, ...]
    stale: int  # decisions whose sentences are no longer in the documents

    def counts(self) -> dict[str, int]:
        """What report.json says about a pair's review: decisions by status, and the stale ones."""
        out = {status: sum(1 for ln in self.links if ln.status == status) for status in STATUSES}
        out["stale"] = self.stale
        return out


@dataclass(frozen=True)
class ReviewState:
    pairs: tuple[PairReview, ...] = ()

    def pair(self, src: str, tgt: str) -> PairReview | None:
        for p in self.pairs:
            if (p.src.name, p.tgt.name) == (src, tgt):
                return p
        return None

    def with_pair(self, review: PairReview) -> ReviewState:
        key = (review.src.name, review.tgt.name)
        rest = [p for p in self.pairs if (p.src.name, p.tgt.name) != key]
        return ReviewState(tuple(sorted([*rest, review], key=lambda p: (p.src.name, p.tgt.name))))

    @property
    def counts(self) -> dict[str, int]:
        out = dict.fromkeys(STATUSES, 0)
        for p in self.pairs:
            for d in p.decisions:
                out[d.status] += 1
        return out


# ---------------------------------------------------------------- locating sentences


class SentenceIndex:
    """Finds a sentence of one document version from a SentenceRef."""

    def __init__(self, doc: Document, digest: str | None = None):
        self.doc = doc
        self.digest = digest or document_digest(doc)
        self.digests = [text_digest(s.text) for s in doc.sentences]
        self.by_span = {(s.start, s.end): i for i, s in enumerate(doc.sentences)}
        self.by_text: dict[str, list[int]] = {}
        for i, d in enumerate(self.digests):
            self.by_text.setdefault(d, []).append(i)

    def ref(self, i: int) -> SentenceRef:
        s = self.doc.sentences[i]
        return SentenceRef(s.start, s.end, self.digests[i])

    def refs(self, indices: Iterable[int]) -> tuple[SentenceRef, ...]:
        return tuple(self.ref(i) for i in indices)

    def find(self, ref: SentenceRef, shift: int = 0) -> int | None:
        """Same span and text first; else the sentence with that text nearest the old place."""
        i = self.by_span.get((ref.start, ref.end))
        if i is not None and self.digests[i] == ref.digest:
            return i
        found = self.by_text.get(ref.digest)
        if not found:
            return None
        return min(found, key=lambda k: (abs(self.doc.sentences[k].start - (ref.start + shift)), k))

    def doc_ref(self) -> DocRef:
        return DocRef(self.doc.name, self.doc.lang, self.digest)


def _locate(refs: Sequence[SentenceRef], index: SentenceIndex, shift: int) -> tuple[int, ...] | None:
    out = []
    for ref in refs:
        i = index.find(ref, shift)
        if i is None:
            return None
        out.append(i)
    if len(set(out)) != len(out):
        return None
    return tuple(sorted(out))


def _typical_shift(refs: Iterable[SentenceRef], index: SentenceIndex) -> int:
    """How far text moved: the median offset change of sentences whose text is unique."""
    moves = []
    for ref in refs:
        found = index.by_text.get(ref.digest)
        if found and len(found) == 1:
            moves.append(index.doc.sentences[found[0]].start - ref.start)
    moves.sort()
    return moves[len(moves) // 2] if moves else 0


def resolve(review: PairReview | None, src: SentenceIndex, tgt: SentenceIndex) -> Resolved:
    """Each decision in sentence indices of the current documents.

    A decision whose sentences cannot all be found (edited or deleted text),
    or that would claim a sentence an earlier decision already holds, is stale:
    it is kept in the file but has no effect.
    """
    if review is None:
        return Resolved((), 0)
    src_shift = _typical_shift((r for d in review.decisions for r in d.src), src)
    tgt_shift = _typical_shift((r for d in review.decisions for r in d.tgt), tgt)
    links: list[Link] = []
    taken_s: set[int] = set()
    taken_t: set[int] = set()
    stale = 0
    for d in review.decisions:
        s = _locate(d.src, src, src_shift)
        t = _locate(d.tgt, tgt, tgt_shift)
        if s is None or t is None or taken_s.intersection(s) or taken_t.intersection(t):
            stale += 1
            continue
        taken_s.update(s)
        taken_t.update(t)
        links.append(Link(s, t, d.status, d.score, d.manual))
    return Resolved(tuple(links), stale)


# ---------------------------------------------------------------- editing


def decide(links: Sequence[Link], new: Link) -> tuple[Link, ...]:
    """The latest decision wins: every earlier one sharing a sentence with it is dropped."""
    s, t = set(new.src), set(new.tgt)
    kept = [ln for ln in links if not (s.intersection(ln.src) or t.intersection(ln.tgt))]
    return sort_links([*kept, new])


def undecide(links: Sequence[Link], src: Iterable[int], tgt: Iterable[int]) -> tuple[Link, ...]:
    s, t = set(src), set(tgt)
    return sort_links(ln for ln in links if not (s.intersection(ln.src) or t.intersection(ln.tgt)))


def sort_links(links: Iterable[Link]) -> tuple[Link, ...]:
    return tuple(sorted(links, key=lambda ln: (ln.src[:1] or (-1,), ln.tgt[:1] or (-1,), ln.status)))


def pair_review(links: Sequence[Link], src: SentenceIndex, tgt: SentenceIndex,
                stale_from: PairReview | None = None, keep_stale: bool = True) -> PairReview:
    """Links back to a file entry keyed by the current document versions.

    Stale decisions of ``stale_from`` are carried over unchanged, so a person's
    work is never dropped because a document was edited.
    """
    decisions = [Decision(src.refs(ln.src), tgt.refs(ln.tgt), ln.status, ln.score, ln.manual) for ln in links]
    if keep_stale and stale_from is not None:
        live = {(d.src, d.tgt) for d in decisions}
        claimed_s = {r for d in decisions for r in d.src}
        claimed_t = {r for d in decisions for r in d.tgt}
        for d in stale_from.decisions:
            if (d.src, d.tgt) in live:
                continue
            lost = _locate(d.src, src, 0) is None or _locate(d.tgt, tgt, 0) is None
            if lost and not (claimed_s.intersection(d.src) or claimed_t.intersection(d.tgt)):
                decisions.append(d)
    decisions.sort(key=lambda d: (d.src[0].start if d.src else -1, d.tgt[0].start if d.tgt else -1, d.status))
    return PairReview(src.doc_ref(), tgt.doc_ref(), tuple(decisions))


# ---------------------------------------------------------------- file


def state_path(out_dir: str | os.PathLike) -> Path:
    return Path(out_dir) / STATE_FILE


def _refs_json(refs: Sequence[SentenceRef]) -> list[str]:
    return [f"{r.start}-{r.end}:{r.digest}" for r in refs]


def to_json(state: ReviewState) -> dict:
    return {
        "format": FORMAT,
        "version": VERSION,
        "pairs": [
            {
                "documents": [{"name": d.name, "lang": d.lang, "sha256": d.digest} for d in (p.src, p.tgt)],
                "decisions": [
                    {"status": d.status, "src": _refs_json(d.src), "tgt": _refs_json(d.tgt),
                     "score": None if d.score is None else round(d.score, 4), "manual": d.manual}
                    for d in p.decisions
                ],
            }
            for p in state.pairs
        ],
    }


def _refs(data: list, where: str) -> tuple[SentenceRef, ...]:
    out = []
    for item in data:
        m = _REF.match(item) if isinstance(item, str) else None
        if m is None:
            raise InputError(f"{where}: a sentence must be \"START-END:TEXTHASH\", got {item!r}")
        out.append(SentenceRef(int(m[1]), int(m[2]), m[3]))
    return tuple(out)


def from_json(data: object, where: str = STATE_FILE) -> ReviewState:
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise InputError(f"{where}: not an aligner review file (no \"format\": \"{FORMAT}\")")
    version = data.get("version")
    if not isinstance(version, int) or version > VERSION:
        raise InputError(f"{where}: review file version {version!r}; this aligner reads up to {VERSION}, "
                         "so upgrade aligner")
    pairs = []
    try:
        for p in data["pairs"]:
            docs = [DocRef(d["name"], d["lang"], d["sha256"]) for d in p["documents"]]
            if len(docs) != 2:
                raise InputError(f"{where}: a pair names two documents, got {len(docs)}")
            decisions = []
            for d in p["decisions"]:
                if d["status"] not in STATUSES:
                    raise InputError(f"{where}: unknown status {d['status']!r}; use one of {', '.join(STATUSES)}")
                score = d.get("score")
                decisions.append(Decision(_refs(d["src"], where), _refs(d["tgt"], where), d["status"],
                                          None if score is None else float(score), bool(d.get("manual", False))))
            pairs.append(PairReview(docs[0], docs[1], tuple(decisions)))
    except (KeyError, TypeError, ValueError) as exc:
        raise InputError(f"{where}: malformed review file ({type(exc).__name__}: {exc}); "
                         "fix it or move it away to start the review afresh") from None
    return ReviewState(tuple(pairs))


def load(out_dir: str | os.PathLike) -> ReviewState:
    """The state in ``out_dir``; an empty one when no review has been recorded yet."""
    path = state_path(out_dir)
    if not path.exists():
        return ReviewState()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"{path}: cannot read the review file ({exc}); fix it or move it away") from None
    return from_json(data, str(path))


def dumps(state: ReviewState) -> str:
    return inert_dumps(to_json(state), indent=2) + "\n"


def save(state: ReviewState, out_dir: str | os.PathLike) -> Path:
    path = state_path(out_dir)
    try:
        with atomic_open(path, "w") as f:
            f.write(dumps(state))
    except OSError as exc:
        raise InputError(f"{path}: cannot write the review file ({exc.strerror})") from None
    return path


def with_links(state: ReviewState, links: Sequence[Link], src: SentenceIndex, tgt: SentenceIndex) -> ReviewState:
    old = state.pair(src.doc.name, tgt.doc.name)
    return state.with_pair(pair_review(links, src, tgt, stale_from=old))


__all__ = [
    "CLAIMS", "STATE_FILE", "STATUSES", "Decision", "DocRef", "Link", "PairReview", "Resolved",
    "ReviewState", "SentenceIndex", "SentenceRef", "decide", "document_digest", "dumps", "from_json",
    "load", "pair_review", "resolve", "save", "sort_links", "state_path", "text_digest", "to_json", "undecide",
    "with_links",
]
