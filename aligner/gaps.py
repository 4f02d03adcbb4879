"""The coverage-gap diff: which content each version has that the others lack.

Pairwise alignments are merged into rows a reader can follow down the page:
sentences linked (directly or through a third document) share a row, and a
sentence with no counterpart anywhere gets a row of its own. Rendering lives in
the CLI; this module only computes rows, coverage, sections and insertion points
so that the terminal view, the text, JSON and HTML exports and ``aligner run``
all agree.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from aligner.errors import ConfigError, InputError
from aligner.langid import language_name
from aligner.types import Alignment, Document

OPENING = "(before the first heading)"


class RowStatus(enum.Enum):
    """What a row of the diff is: the views style by it, the JSON names it (``GapRow.label``)."""

    ALIGNED = "aligned"  # sentences of two or more versions linked together
    ONLY_IN = "only-in"  # content one version has and the others lack
    HEADING = "heading"  # only headings: a section landmark, aligned or not


@dataclass(frozen=True)
class GapRow:
    """One line of the side-by-side diff.

    ``cells[d]`` holds the indices into ``documents[d].sentences`` shown in
    this row (empty when that document has nothing here). ``only_in`` is the
    language of the one version an ``ONLY_IN`` row comes from. ``score`` is the
    mean score of the beads behind the row.
    """

    cells: tuple[tuple[int, ...], ...]
    status: RowStatus
    score: float | None = None
    only_in: str | None = None

    def __post_init__(self) -> None:
        if (self.status is RowStatus.ONLY_IN) != (self.only_in is not None):
            raise ValueError(f"a {self.status.value} row has only_in={self.only_in!r}")

    @property
    def label(self) -> str:
        """``aligned``, ``heading`` or ``only-in-<lang>``: the row's status in the JSON export."""
        return f"{self.status.value}-{self.only_in}" if self.only_in is not None else self.status.value

    @property
    def present(self) -> tuple[int, ...]:
        return tuple(d for d, cell in enumerate(self.cells) if cell)


@dataclass(frozen=True)
class Coverage:
    """How much of ``documents[doc]`` has a counterpart in ``documents[other]``."""

    doc: int
    other: int
    lang: str
    other_lang: str
    with_counterpart: int
    total: int

    @property
    def percent(self) -> float:
        return 100.0 * self.with_counterpart / self.total if self.total else 0.0

    @property
    def text(self) -> str:
        return (
            f"{language_name(self.lang)}: {self.with_counterpart} of {self.total} sentences "
            f"have {_article(language_name(self.other_lang))} {language_name(self.other_lang)} "
            "counterpart"
        )


@dataclass(frozen=True)
class SideCounts:
    """One document's units (headings included, as in the coverage lines) in a span of rows.

    ``aligned`` units share their row with another version; ``only`` units are
    in rows no other version has, so ``aligned + only == units``.
    """

    units: int
    aligned: int
    only: int

    @property
    def only_percent(self) -> float:
        return 100.0 * self.only / self.units if self.units else 0.0


@dataclass(frozen=True)
class Section:
    """The rows from one heading row to the next (the first section starts at the top).

    ``headings[d]`` is document d's heading text, or None when that version has
    no heading here (or the section is the opening one, before any heading).
    """

    number: int  # 1-based, as the summary lists it
    start: int  # first row index
    stop: int  # one past the last row index
    headings: tuple[str | None, ...]
    counts: tuple[SideCounts, ...]

    @property
    def title(self) -> str:
        names = [h for h in self.headings if h]
        return " / ".join(dict.fromkeys(names)) if names else OPENING


@dataclass(frozen=True)
class Anchor:
    """Where a run would go in ``doc``: after its sentence ``after`` (None: before its first)."""

    doc: int
    after: int | None


@dataclass(frozen=True)
class Insertion:
    """A run of consecutive rows found only in ``doc`` and where each other version would take it.

    The anchor is the last row before the run that two or more versions share,
    so an editor can find it in both texts; rows only another version has are
    skipped, because they are no landmark in the version being edited.
    """

    doc: int
    start: int
    stop: int
    anchors: tuple[Anchor, ...]


@dataclass(frozen=True)
class GapReport:
    documents: tuple[Document, ...]
    rows: tuple[GapRow, ...]
    coverage: tuple[Coverage, ...]
    sections: tuple[Section, ...] = ()
    insertions: tuple[Insertion, ...] = ()

    @property
    def totals(self) -> tuple[SideCounts, ...]:
        """Each document's counts over all sections."""
        return tuple(
            SideCounts(*(sum(getattr(s.counts[d], f) for s in self.sections)
                         for f in ("units", "aligned", "only")))
            for d in range(len(self.documents))
        )

    def section(self, name: str) -> Section:
        """The section a user means by ``name``: its number, or a heading in any version.

        An exact heading (case and surrounding space ignored) wins; otherwise
        the heading must be the only one containing ``name``.
        """
        key = name.strip().casefold()
        if key.isdigit() and 1 <= int(key) <= len(self.sections):
            return self.sections[int(key) - 1]
        exact = [s for s in self.sections
                 if any(h and h.strip().casefold() == key for h in s.headings)
                 or s.title.casefold() == key]
        if len(exact) == 1:
            return exact[0]
        partial = exact or [s for s in self.sections
                            if key and any(h and key in h.casefold() for h in s.headings)]
        if len(partial) == 1:
            return partial[0]
        listing = "; ".join(f"{s.number} {s.title}" for s in (partial or self.sections))
        if partial:
            raise ConfigError(f"section {name!r} matches {len(partial)} sections ({listing}); "
                             "give its number or the whole heading")
        raise ConfigError(f"no section is called {name!r}; the sections are: {listing} "
                         "(give a number or a heading)")

    def gap_sentences(self, doc: int) -> frozenset[int]:
        """Sentences of ``documents[doc]`` that no other version has (headings included)."""
        out: set[int] = set()
        for row in self.rows:
            if len(row.present) == 1 and row.present[0] == doc:
                out.update(row.cells[doc])
        return frozenset(out)


def _article(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"


def _check(documents: Sequence[Document], alignments: Mapping[tuple[int, int], Alignment]) -> None:
    if not 2 <= len(documents) <= 3:
        raise InputError(f"the gap diff compares 2 or 3 documents, got {len(documents)}")
    langs = [d.lang for d in documents]
    if len(set(langs)) != len(langs):
        raise InputError(
            "two documents are in the same language "
            f"({', '.join(f'{d.name}: {d.lang}' for d in documents)}); "
            "the gap diff needs one document per language"
        )
    for key, al in alignments.items():
        i, j = key
        if not (0 <= i < j < len(documents)):
            raise InputError(f"alignment key {key} must be (i, j) with i < j < {len(documents)}")
        n_i, n_j = len(documents[i].sentences), len(documents[j].sentences)
        if (al.n_src, al.n_tgt) != (n_i, n_j):
            raise InputError(
                f"alignment {key} covers {al.n_src}x{al.n_tgt} sentences but the documents "
                f"have {n_i} and {n_j}; re-run the alignment on these documents"
            )
        for bead in al.beads:
            if any(not 0 <= s < n_i for s in bead.src) or any(not 0 <= t < n_j for t in bead.tgt):
                raise InputError(f"alignment {key} has a bead outside the documents: {bead}")
    for i in range(len(documents)):
        for j in range(i + 1, len(documents)):
            if (i, j) not in alignments:
                raise InputError(f"missing the alignment of documents {i} and {j}")


class _Components:
    """Union-find over (document, sentence) nodes."""

    def __init__(self) -> None:
        self.parent: dict[tuple[int, int], tuple[int, int]] = {}

    def find(self, x: tuple[int, int]) -> tuple[int, int]:
        self.parent.setdefault(x, x)
        root = x
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[x] != root:
            self.parent[x], x = root, self.parent[x]
        return root

    def union(self, a: tuple[int, int], b: tuple[int, int]) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def _reading_order(groups: list[tuple[tuple[int, ...], ...]], sizes: Sequence[int]) -> list[int]:
    """Order groups so that every document reads top to bottom.

    A group is emitted once it starts at the next unread sentence of every
    document it touches. Crossing links make that impossible sometimes; then
    the group holding the next sentence of the first unfinished document goes
    first, so every sentence still appears exactly once.
    """
    owner: list[list[int]] = [[-1] * n for n in sizes]
    for g, cells in enumerate(groups):
        for d, cell in enumerate(cells):
            for s in cell:
                owner[d][s] = g
    done = [[False] * n for n in sizes]
    pointer = [0] * len(sizes)
    order: list[int] = []

    def advance(d: int) -> None:
        while pointer[d] < sizes[d] and done[d][pointer[d]]:
            pointer[d] += 1

    while len(order) < len(groups):
        ready = None
        for d in range(len(sizes)):
            if pointer[d] >= sizes[d]:
                continue
            g = owner[d][pointer[d]]
            cells = groups[g]
            if all(not cell or min(cell) == pointer[e] for e, cell in enumerate(cells)):
                ready = g
                break
        if ready is None:
            first = next(d for d in range(len(sizes)) if pointer[d] < sizes[d])
            ready = owner[first][pointer[first]]
        order.append(ready)
        for d, cell in enumerate(groups[ready]):
            for s in cell:
                done[d][s] = True
            advance(d)
    return order


def build_report(
    documents: Sequence[Document], alignments: Mapping[tuple[int, int], Alignment]
) -> GapReport:
    """Merge pairwise alignments of 2 or 3 documents into diff rows and coverage.

    ``alignments[(i, j)]`` (i < j) aligns ``documents[i]`` (bead src) with
    ``documents[j]`` (bead tgt).
    """
    documents = tuple(documents)
    _check(documents, alignments)
    sizes = [len(d.sentences) for d in documents]

    comps = _Components()
    for d, n in enumerate(sizes):
        for s in range(n):
            comps.find((d, s))
    # (i, j) -> counterpart flags per side, for coverage
    linked: dict[tuple[int, int], list[bool]] = {}
    bead_scores: list[tuple[tuple[int, int], float, bool]] = []  # (node, score, is_link)
    for (i, j) in sorted(alignments):
        al = alignments[(i, j)]
        has_i = [False] * sizes[i]
        has_j = [False] * sizes[j]
        for bead in al.beads:
            nodes = [(i, s) for s in bead.src] + [(j, t) for t in bead.tgt]
            if not bead.is_gap:
                for s in bead.src:
                    has_i[s] = True
                for t in bead.tgt:
                    has_j[t] = True
                for node in nodes[1:]:
                    comps.union(nodes[0], node)
            bead_scores.append((nodes[0], float(bead.score), not bead.is_gap))
        linked[(i, j)] = has_i
        linked[(j, i)] = has_j

    members: dict[tuple[int, int], list[list[int]]] = {}
    for d, n in enumerate(sizes):
        for s in range(n):
            members.setdefault(comps.find((d, s)), [[] for _ in sizes])[d].append(s)
    roots = sorted(members)
    index_of = {root: g for g, root in enumerate(roots)}
    groups = [tuple(tuple(cell) for cell in members[root]) for root in roots]

    scores: list[list[float]] = [[] for _ in groups]
    for node, score, is_link in bead_scores:
        g = index_of[comps.find(node)]
        n_present = sum(1 for cell in groups[g] if cell)
        if is_link == (n_present > 1):
            scores[g].append(score)

    rows: list[GapRow] = []
    for g in _reading_order(groups, sizes):
        cells = groups[g]
        present = [d for d, cell in enumerate(cells) if cell]
        kinds = {documents[d].sentences[s].kind for d in present for s in cells[d]}
        only_in = None
        if kinds == {"heading"}:
            status = RowStatus.HEADING
        elif len(present) == 1:
            status, only_in = RowStatus.ONLY_IN, documents[present[0]].lang
        else:
            status = RowStatus.ALIGNED
        mean = sum(scores[g]) / len(scores[g]) if scores[g] else None
        rows.append(GapRow(cells=cells, status=status, score=mean, only_in=only_in))

    coverage = tuple(
        Coverage(
            doc=a,
            other=b,
            lang=documents[a].lang,
            other_lang=documents[b].lang,
            with_counterpart=sum(linked[(a, b)]),
            total=sizes[a],
        )
        for a in range(len(documents))
        for b in range(len(documents))
        if a != b
    )
    rows_t = tuple(rows)
    return GapReport(documents=documents, rows=rows_t, coverage=coverage,
                     sections=_sections(documents, rows_t), insertions=_insertions(rows_t))


def _sections(documents: Sequence[Document], rows: Sequence[GapRow]) -> tuple[Section, ...]:
    starts = [k for k, row in enumerate(rows) if row.status is RowStatus.HEADING]
    if not starts or starts[0] != 0:
        starts.insert(0, 0)
    out = []
    for n, (start, stop) in enumerate(zip(starts, [*starts[1:], len(rows)]), 1):
        first = rows[start] if rows else None
        headings = tuple(
            " ".join(documents[d].sentences[s].text for s in first.cells[d]) or None
            if first is not None and first.status is RowStatus.HEADING else None
            for d in range(len(documents))
        )
        counts = []
        for d in range(len(documents)):
            units = aligned = 0
            for row in rows[start:stop]:
                k = len(row.cells[d])
                units += k
                if len(row.present) > 1:
                    aligned += k
            counts.append(SideCounts(units=units, aligned=aligned, only=units - aligned))
        out.append(Section(number=n, start=start, stop=stop, headings=headings,
                           counts=tuple(counts)))
    return tuple(out)


def _insertions(rows: Sequence[GapRow]) -> tuple[Insertion, ...]:
    if not rows:
        return ()
    n_docs = len(rows[0].cells)
    last_shared: list[int | None] = [None] * n_docs  # per document: its last sentence in a shared row
    out = []
    k = 0
    while k < len(rows):
        row = rows[k]
        if len(row.present) > 1:
            for d in row.present:
                last_shared[d] = max(row.cells[d])
            k += 1
            continue
        doc = row.present[0]
        stop = k + 1
        while stop < len(rows) and rows[stop].present == (doc,):
            stop += 1
        anchors = tuple(Anchor(doc=e, after=last_shared[e]) for e in range(n_docs) if e != doc)
        out.append(Insertion(doc=doc, start=k, stop=stop, anchors=anchors))
        k = stop
    return tuple(out)


def report_to_json(report: GapReport) -> dict:
    """A plain-data view of the report; stable key order and rounded scores keep it byte-stable."""
    return {
        "documents": [
            {
                "name": doc.name,
                "lang": doc.lang,
                "kind": doc.kind,
                "sentences": [
                    {"text": s.text, "kind": s.kind, "start": s.start, "end": s.end}
                    for s in doc.sentences
                ],
            }
            for doc in report.documents
        ],
        "rows": [
            {
                "cells": [list(cell) for cell in row.cells],
                "status": row.label,
                "score": None if row.score is None else round(row.score, 4),
            }
            for row in report.rows
        ],
        "coverage": [
            {
                "lang": c.lang,
                "other_lang": c.other_lang,
                "doc": c.doc,
                "other": c.other,
                "with_counterpart": c.with_counterpart,
                "total": c.total,
                "percent": round(c.percent, 2),
                "text": c.text,
            }
            for c in report.coverage
        ],
        "sections": [
            {
                "number": sec.number,
                "title": sec.title,
                "headings": list(sec.headings),
                "rows": [sec.start, sec.stop],
                "sides": [_counts_json(report, d, c) for d, c in enumerate(sec.counts)],
            }
            for sec in report.sections
        ],
        "totals": [_counts_json(report, d, c) for d, c in enumerate(report.totals)],
        "insertions": [
            {
                "lang": report.documents[ins.doc].lang,
                "doc": ins.doc,
                "rows": [ins.start, ins.stop],
                "sentences": [s for row in report.rows[ins.start:ins.stop] for s in row.cells[ins.doc]],
                "after": [
                    {
                        "doc": a.doc,
                        "lang": report.documents[a.doc].lang,
                        "sentence": a.after,
                        "text": None if a.after is None else report.documents[a.doc].sentences[a.after].text,
                    }
                    for a in ins.anchors
                ],
            }
            for ins in report.insertions
        ],
    }


def _counts_json(report: GapReport, doc: int, c: SideCounts) -> dict:
    return {"lang": report.documents[doc].lang, "units": c.units, "aligned": c.aligned,
            "only": c.only, "only_percent": round(c.only_percent, 2)}
