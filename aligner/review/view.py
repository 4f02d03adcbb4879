"""What the review app shows and does, without any terminal: rows, sections, candidates, edits.

Rows come from the gap diff's row model (``aligner.gaps.build_report``), so the
review reads in the same order as ``aligner gaps``: a link is a row with both
cells filled, a sentence without a partner a row with one. Every edit returns
a new PairView, which keeps undo a list of earlier views.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from aligner.errors import InputError
from aligner.review import state as st
from aligner.review.session import PairView

LINK, GAP, HEADING = "link", "gap", "heading"


@dataclass(frozen=True)
class ReviewConfig:
    low_score: float = 0.5  # "next low score" stops below this (the confidence curve's midpoint)
    bands: tuple[tuple[float, float], ...] = ((0.0, 0.5), (0.5, 0.8), (0.8, 1.01))  # filter by score band
    candidates: int = 5  # partners offered when re-linking


@dataclass(frozen=True)
class Row:
    src: tuple[int, ...]
    tgt: tuple[int, ...]
    kind: str  # link, gap or heading (a partnerless heading: a landmark, not a gap)
    score: float | None
    status: str | None  # confirmed, rejected, related, or None (pending)
    heading: bool  # holds a section heading
    section: int

    @property
    def key(self) -> str:
        return f"{','.join(map(str, self.src))}|{','.join(map(str, self.tgt))}"


@dataclass(frozen=True)
class Section:
    title: str
    first: int  # index of its first row
    src_total: int
    src_linked: int
    tgt_total: int
    tgt_linked: int
    confirmed: int
    links: int

    @property
    def coverage(self) -> tuple[float, float]:
        return (100.0 * self.src_linked / self.src_total if self.src_total else 100.0,
                100.0 * self.tgt_linked / self.tgt_total if self.tgt_total else 100.0)


def rows_of(view: PairView) -> tuple[list[Row], list[Section]]:
    """The diff's rows with each link's decision, in the diff's sections.

    Sections are ``aligner gaps``' own (``GapReport.sections``), so the app's
    section list, its coverage and ``aligner gaps --section N`` agree.
    """
    from aligner.gaps import build_report

    report = build_report([view.src, view.tgt], {(0, 1): view.alignment})
    statuses = view.statuses
    rejected_s = {i for ln in view.links if ln.status == "rejected" for i in ln.src}
    rejected_t = {j for ln in view.links if ln.status == "rejected" for j in ln.tgt}
    scores = {(b.src, b.tgt): b.score for b in view.alignment.beads}
    gap_sections = report.sections if report.rows else ()
    rows: list[Row] = []
    confirmed = [0] * len(gap_sections)
    links = [0] * len(gap_sections)
    for k, sec in enumerate(gap_sections):
        for gap_row in report.rows[sec.start:sec.stop]:
            src, tgt = tuple(gap_row.cells[0]), tuple(gap_row.cells[1])
            heading = any(view.src.sentences[i].kind == "heading" for i in src) or any(
                view.tgt.sentences[j].kind == "heading" for j in tgt)
            if src and tgt:
                kind, status = LINK, statuses.get((src, tgt))
                links[k] += 1
                confirmed[k] += status == "confirmed"
            else:
                kind = HEADING if heading else GAP
                status = "rejected" if (rejected_s.intersection(src) or rejected_t.intersection(tgt)) else None
            rows.append(Row(src, tgt, kind, scores.get((src, tgt), gap_row.score), status, heading, k))
    sections = [Section(next((h for h in sec.headings if h), "(start)"), sec.start,
                        sec.counts[0].units, sec.counts[0].aligned, sec.counts[1].units, sec.counts[1].aligned,
                        confirmed[k], links[k])
                for k, sec in enumerate(gap_sections)]
    return rows, sections


# ---------------------------------------------------------------- edits


def _score(row: Row) -> float | None:
    return None if row.score is None else float(row.score)


def confirm(view: PairView, row: Row) -> PairView:
    _need_link(row, "confirm")
    return view.with_links(st.decide(view.links, st.Link(row.src, row.tgt, "confirmed", _score(row))))


def confirm_above(view: PairView, rows: Sequence[Row], upto: int) -> PairView:
    """Confirm every pending link from the top down to row ``upto`` included."""
    links = view.links
    for row in rows[: upto + 1]:
        if row.kind == LINK and row.status is None:
            links = st.decide(links, st.Link(row.src, row.tgt, "confirmed", _score(row)))
    return view.with_links(links)


def reject(view: PairView, row: Row) -> PairView:
    _need_link(row, "reject")
    return view.with_links(st.decide(view.links, st.Link(row.src, row.tgt, "rejected", _score(row))))


def related(view: PairView, row: Row) -> PairView:
    """Mark a link as related (same event, different claim), or unmark it."""
    _need_link(row, "mark as related")
    if row.status == "related":
        return clear(view, row)
    return view.with_links(st.decide(view.links, st.Link(row.src, row.tgt, "related", _score(row))))


def clear(view: PairView, row: Row) -> PairView:
    return view.with_links(st.undecide(view.links, row.src, row.tgt))


def relink(view: PairView, row: Row, partner: int, score: float) -> PairView:
    """Link the row's sentences to ``partner`` on the other side (a person's link: confirmed)."""
    if row.src:
        link = st.Link(row.src, (partner,), "confirmed", score, manual=True)
    else:
        link = st.Link((partner,), row.tgt, "confirmed", score, manual=True)
    return view.with_links(st.decide(view.links, link))


def merge(view: PairView, first: Row, second: Row) -> PairView:
    """One link from two neighbouring rows (e.g. a 1-1 and the gap beside it make a 2-1)."""
    src = tuple(sorted({*first.src, *second.src}))
    tgt = tuple(sorted({*first.tgt, *second.tgt}))
    if not src or not tgt:
        raise InputError("merging these rows leaves one side empty; merge a row that has a sentence on each side")
    scores = [s for s in (_score(first), _score(second)) if s is not None]
    link = st.Link(src, tgt, "confirmed", min(scores) if scores else None, manual=True)
    return view.with_links(st.decide(view.links, link))


def split(view: PairView, row: Row) -> PairView:
    """Cut a multi-sentence link after its first sentence on each side.

    Parts with a sentence on both sides become confirmed links; a one-sided part is left
    as a gap for the aligner (or a re-link) to place.
    """
    _need_link(row, "split")
    if len(row.src) + len(row.tgt) < 3:
        raise InputError("a 1-1 link cannot be split; reject it instead")
    links = st.undecide(view.links, row.src, row.tgt)
    parts = [(row.src[:1], row.tgt[:1]), (row.src[1:], row.tgt[1:])]
    if len(row.src) == 1:
        parts = [(row.src, row.tgt[:1]), ((), row.tgt[1:])]
    elif len(row.tgt) == 1:
        parts = [(row.src[:1], row.tgt), (row.src[1:], ())]
    for s, t in parts:
        if s and t:
            links = st.decide(links, st.Link(s, t, "confirmed", _score(row), manual=True))
    return view.with_links(links)


def _need_link(row: Row, what: str) -> None:
    if row.kind != LINK:
        raise InputError(f"only a link can be {what}ed here; this row has a sentence on one side only "
                         "(re-link it, or merge it with a neighbour)")


# ---------------------------------------------------------------- candidates and moves

Vectors = Callable[[PairView], tuple[np.ndarray, np.ndarray]]


def candidates(view: PairView, row: Row, vectors: tuple[np.ndarray, np.ndarray], k: int = 5
               ) -> list[tuple[int, float]]:
    """The ``k`` most similar sentences on the other side of the row's sentences, by cosine."""
    src_vecs, tgt_vecs = vectors
    if row.src:
        query, pool = src_vecs[list(row.src)].sum(axis=0), tgt_vecs
    else:
        query, pool = tgt_vecs[list(row.tgt)].sum(axis=0), src_vecs
    norm = float(np.linalg.norm(query))
    if norm == 0.0 or pool.shape[0] == 0:
        return []
    sims = pool @ (query / norm)
    order = sorted(range(pool.shape[0]), key=lambda j: (-float(sims[j]), j))[:k]
    return [(j, float(sims[j])) for j in order]


def next_index(rows: Sequence[Row], start: int, test: Callable[[Row], bool]) -> int | None:
    """The first row after ``start`` passing ``test``, wrapping round once."""
    n = len(rows)
    for step in range(1, n + 1):
        k = (start + step) % n
        if test(rows[k]):
            return k
    return None


def search(view: PairView, rows: Sequence[Row], start: int, query: str) -> int | None:
    q = query.casefold()
    if not q:
        return None

    def hit(row: Row) -> bool:
        return any(q in view.src.sentences[i].text.casefold() for i in row.src) or any(
            q in view.tgt.sentences[j].text.casefold() for j in row.tgt)

    return next_index(rows, start, hit)


__all__ = [
    "GAP",
    "HEADING",
    "LINK",
    "ReviewConfig",
    "Row",
    "Section",
    "candidates",
    "clear",
    "confirm",
    "confirm_above",
    "merge",
    "next_index",
    "reject",
    "related",
    "relink",
    "rows_of",
    "search",
    "split",
]
