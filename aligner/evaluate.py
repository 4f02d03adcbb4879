"""Scoring alignments against gold, the way Vecalign and Bertalign report it.

Strict: a test bead counts only if the gold has exactly that bead. Lax: it
counts if it shares a source and a target sentence with some gold bead. Both
ignore beads with an empty side; those are scored separately as gap P/R/F1
over the sentences left unaligned, since finding what one version lacks is
half of this tool's job.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from aligner.errors import InputError
from aligner.types import Bead

Link = tuple[tuple[int, ...], tuple[int, ...]]


@dataclass(frozen=True)
class PRF:
    tp: int
    n_test: int
    n_gold: int

    @property
    def precision(self) -> float:
        return self.tp / self.n_test if self.n_test else 1.0 if not self.n_gold else 0.0

    @property
    def recall(self) -> float:
        return self.tp / self.n_gold if self.n_gold else 1.0 if not self.n_test else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def __add__(self, other: PRF) -> PRF:
        return PRF(self.tp + other.tp, self.n_test + other.n_test, self.n_gold + other.n_gold)


@dataclass(frozen=True)
class Scores:
    strict: PRF
    lax: PRF
    gap: PRF

    def __add__(self, other: Scores) -> Scores:
        """Micro-average: add counts across documents."""
        return Scores(self.strict + other.strict, self.lax + other.lax, self.gap + other.gap)


def format_bead(bead: Bead) -> str:
    return f"[{', '.join(map(str, bead.src))}]:[{', '.join(map(str, bead.tgt))}]:{bead.score:.3f}"


def parse_links(text: str, where: str = "input") -> list[Link]:
    """Parse ``[1, 2]:[3]`` lines, with or without a trailing ``:score``."""
    links: list[Link] = []
    for lineno, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line:
            continue
        parts = line.split(":")
        if len(parts) not in (2, 3):
            raise InputError(f"{where}:{lineno}: expected '[src]:[tgt]' or '[src]:[tgt]:score', got {line!r}")
        try:
            s, t = ast.literal_eval(parts[0]), ast.literal_eval(parts[1])
            if not isinstance(s, list) or not isinstance(t, list):
                raise ValueError
            links.append((tuple(int(x) for x in s), tuple(int(x) for x in t)))
        except (ValueError, SyntaxError) as exc:
            raise InputError(f"{where}:{lineno}: cannot read bead {line!r}") from exc
    return links


def read_links(path: str | Path) -> list[Link]:
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read bead file {p}: {exc}") from exc
    return parse_links(text, str(p))


def _unaligned(links: Sequence[Link], n_src: int, n_tgt: int) -> set[tuple[str, int]]:
    aligned_s = {i for s, t in links if s and t for i in s}
    aligned_t = {j for s, t in links if s and t for j in t}
    out = {("s", i) for i in range(n_src) if i not in aligned_s}
    out |= {("t", j) for j in range(n_tgt) if j not in aligned_t}
    return out


def score(gold: Iterable[Link], test: Iterable[Link], n_src: int | None = None,
          n_tgt: int | None = None) -> Scores:
    """Scores of one document. Sizes default to the largest index in either file."""
    gold = [(tuple(s), tuple(t)) for s, t in gold]
    test = [(tuple(s), tuple(t)) for s, t in test]
    if n_src is None:
        n_src = 1 + max((i for s, _ in gold + test for i in s), default=-1)
    if n_tgt is None:
        n_tgt = 1 + max((j for _, t in gold + test for j in t), default=-1)
    g = [x for x in gold if x[0] and x[1]]
    t = [x for x in test if x[0] and x[1]]
    gset, tset = set(g), set(t)
    strict = PRF(len(tset & gset), len(t), len(g))

    def overlap_test(pool: list[Link]):
        by_src: dict[int, set[int]] = {}
        tgt_of = [set(y[1]) for y in pool]
        for k, y in enumerate(pool):
            for i in y[0]:
                by_src.setdefault(i, set()).add(k)

        def overlaps(x: Link) -> bool:
            xt = set(x[1])
            return any(xt & tgt_of[k] for i in x[0] for k in by_src.get(i, ()))

        return overlaps

    in_gold, in_test = overlap_test(g), overlap_test(t)
    lax_tp_p = sum(1 for x in t if in_gold(x))
    lax_tp_r = sum(1 for x in g if in_test(x))
    # lax precision and recall have different numerators; keep both exact via two PRFs' views
    lax = _LaxPRF(lax_tp_p, len(t), len(g), lax_tp_r)
    gu, tu = _unaligned(gold, n_src, n_tgt), _unaligned(test, n_src, n_tgt)
    gap = PRF(len(gu & tu), len(tu), len(gu))
    return Scores(strict, lax, gap)


@dataclass(frozen=True)
class _LaxPRF(PRF):
    tp_recall: int = 0

    @property
    def recall(self) -> float:
        return self.tp_recall / self.n_gold if self.n_gold else 1.0 if not self.n_test else 0.0

    def __add__(self, other: PRF) -> PRF:
        tr = other.tp_recall if isinstance(other, _LaxPRF) else other.tp
        return _LaxPRF(self.tp + other.tp, self.n_test + other.n_test, self.n_gold + other.n_gold,
                       self.tp_recall + tr)
