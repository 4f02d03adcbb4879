"""The grid of document shapes (issue 10): families of scenarios with gold beads.

Built from the same article groups and lines as ``scenarios.py`` (TICO-19 for
tuning with ``data="tico"``, FLORES dev as the test), for every pair of
``scenarios.PAIRS``. Every cell is seeded by data, cell and pair, so every run
sees the same documents. Families:

- ``partial``: a partly translated article, the commonest real shape. Each side
  keeps its own part of every article: a keep mask per side, with removals in
  runs of neighbours (mean run 2), so the sentences found in one version only
  are on-topic neighbours of aligned ones. Source keep-rate x target keep-rate
  in {1.0, 0.85, 0.7, 0.5, 0.35}; ``partial-shuffled`` is the same with the
  target's articles in shuffled order.
- ``merge``: partial cells where some adjacent aligned sentences are joined
  into one on one side (gold 2-1 and 1-2 beads). Which rows may merge is fixed
  per data set and pair (about 12% of rows), so the merged texts are the same in
  every cell and run and the embedding cache holds them after the first run.
- ``insert``: partial cells with unrelated insertions: runs of 1-3 sentences
  from articles kept out of the document, about 15% of each side, put between
  articles. The two sides never share an inserted article.
- ``gaps``: a full translation where one side lacks runs of sentences (12% of
  the rows), with run lengths from several distributions: ``u1-4`` (the
  original gaps scenario's), ``single``, ``geom2`` (geometric, mean 2),
  ``long5-10`` and ``pareto`` (heavy tail, capped at 25).
- ``small``: 40 small documents per cell of 5-15 consecutive sentences, each
  aligned on its own: ``clean``, ``gap`` (one run of 1-2 sentences missing from
  one side, like a translation less a sentence) and ``partial`` (keep 0.85 x 0.85).

A cell yields a list of ``scenarios.Scenario`` (one, or 40 for small
documents); scores are micro-averaged over the list. Gold beads are the
connected components of "a source line and a target line hold the same row",
so 1-1, 2-1, 1-2 and gap beads all come from one rule. Usage (prints the cells):
    python scripts/grid.py [--data tico|flores] [--family partial]
"""

from __future__ import annotations

import random
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import scenarios
from scenarios import Link, Scenario

KEEPS = (1.0, 0.85, 0.7, 0.5, 0.35)
RUN_MEAN = 2.0  # mean length of an on-topic removal run
MERGE_RATE = 0.12  # share of rows that may merge with the next one
INSERT_RATE = 0.15  # unrelated sentences per sentence of each side
GAP_SHARE = 0.12  # rows in gaps in the gaps family
SMALL_DOCS = 40
FAMILIES = ("partial", "partial-shuffled", "merge", "insert", "gaps", "small")
# keep-rate pairs of the merge and insert families: the diagonal, the 0.7 / 0.5 and its mirror
SUBSET = ((1.0, 1.0), (0.85, 0.85), (0.7, 0.5), (0.5, 0.7), (0.35, 0.35))


@dataclass(frozen=True)
class Cell:
    family: str
    name: str
    keep_src: float = 1.0
    keep_tgt: float = 1.0
    shuffled: bool = False
    merges: bool = False
    inserts: bool = False
    gap_runs: str = ""
    small: str = ""

    @property
    def label(self) -> str:
        return f"{self.family}/{self.name}"

    @property
    def is_gap_family(self) -> bool:
        return self.family == "gaps"


def cells(family: str | None = None) -> list[Cell]:
    """Every cell of the grid, or one family's."""
    out: list[Cell] = []
    for shuffled, fam in ((False, "partial"), (True, "partial-shuffled")):
        for ks in KEEPS:
            for kt in KEEPS:
                out.append(Cell(fam, f"s{ks:.2f} t{kt:.2f}", ks, kt, shuffled=shuffled))
    for ks, kt in SUBSET:
        out.append(Cell("merge", f"s{ks:.2f} t{kt:.2f}", ks, kt, merges=True))
    out.append(Cell("merge", "s0.70 t0.50 shuffled", 0.7, 0.5, shuffled=True, merges=True))
    for ks, kt in SUBSET:
        out.append(Cell("insert", f"s{ks:.2f} t{kt:.2f}", ks, kt, inserts=True))
    out.append(Cell("insert", "s0.70 t0.50 shuffled", 0.7, 0.5, shuffled=True, inserts=True))
    out.append(Cell("insert", "s0.70 t0.50 merges", 0.7, 0.5, merges=True, inserts=True))
    for dist in GAP_RUNS:
        out.append(Cell("gaps", dist, gap_runs=dist))
    for kind in ("clean", "gap", "partial"):
        out.append(Cell("small", kind, small=kind))
    if family is not None:
        if family not in FAMILIES:
            raise SystemExit(f"unknown family {family!r}: use one of {', '.join(FAMILIES)}")
        out = [c for c in out if c.family == family]
    return out


GAP_RUNS: dict[str, Callable[[random.Random], int]] = {
    "u1-4": lambda r: r.randint(1, 4),
    "single": lambda r: 1,
    "geom2": lambda r: _geometric(r, 2.0),
    "long5-10": lambda r: r.randint(5, 10),
    "pareto": lambda r: min(25, int(r.paretovariate(1.5))),
}
GAP_MEANS = {"u1-4": 2.5, "single": 1.0, "geom2": 2.0, "long5-10": 7.5, "pareto": 2.7}


def _geometric(r: random.Random, mean: float) -> int:
    k = 1
    while r.random() > 1.0 / mean:
        k += 1
    return k


def _rng(data: str, key: str, s: str, t: str) -> random.Random:
    return random.Random(zlib.crc32(f"grid:{data}:{key}:{s}-{t}".encode()))


def keep_mask(n: int, keep: float, rng: random.Random) -> list[bool]:
    """A two-state chain whose drop runs average RUN_MEAN and whose kept share is ``keep``."""
    if keep >= 1.0:
        return [True] * n
    leave = 1.0 / RUN_MEAN  # drop -> keep
    enter = min(1.0, (1.0 - keep) / (keep * RUN_MEAN))  # keep -> drop
    state = rng.random() < keep
    out = []
    for _ in range(n):
        out.append(state)
        state = (rng.random() >= enter) if state else (rng.random() < leave)
    return out


# A side is a list of lines, each (text, rows): the rows of the original it translates.
Side = list[tuple[str, tuple[int, ...]]]


def gold_of(src: Side, tgt: Side) -> list[Link]:
    """Beads as connected components of "the lines hold the same row"; lone lines are gaps."""
    where_t: dict[int, int] = {r: j for j, (_, rows) in enumerate(tgt) for r in rows}
    parent = list(range(len(src) + len(tgt)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for i, (_, rows) in enumerate(src):
        for r in rows:
            if r in where_t:
                parent[find(i)] = find(len(src) + where_t[r])
    groups: dict[int, tuple[list[int], list[int]]] = {}
    for x in range(len(src) + len(tgt)):
        g = groups.setdefault(find(x), ([], []))
        (g[0] if x < len(src) else g[1]).append(x if x < len(src) else x - len(src))
    return sorted(((tuple(a), tuple(b)) for a, b in groups.values()),
                  key=lambda link: (link[0][0] if link[0] else -1, link[1][0] if link[1] else -1))


def _scenario(name: str, s: str, t: str, src: Side, tgt: Side) -> Scenario:
    return Scenario(name, s, t, [x for x, _ in src], [x for x, _ in tgt], gold_of(src, tgt))


def _may_merge(data: str, s: str, t: str, row: int) -> str:
    """'' or the side ('src'/'tgt') on which ``row`` joins the next row; fixed per data and pair."""
    h = zlib.crc32(f"merge:{data}:{s}-{t}:{row}".encode())
    if (h % 10_000) >= MERGE_RATE * 10_000:
        return ""
    return "src" if (h >> 16) & 1 else "tgt"


def _partial(cell: Cell, data: str, s: str, t: str) -> Scenario:
    S, T = scenarios.load_lines(s, data), scenarios.load_lines(t, data)
    arts = scenarios.articles_of(data)
    rng = _rng(data, cell.label, s, t)
    pools: tuple[list[int], list[int]] = ([], [])
    if cell.inserts:  # articles kept out of the document, half for each side
        order = list(range(len(arts)))
        rng.shuffle(order)
        n_pool = round(len(arts) * 2 * INSERT_RATE / (1 + 2 * INSERT_RATE))
        out_arts = order[:n_pool]
        pools = ([i for a in out_arts[::2] for i in arts[a]], [i for a in out_arts[1::2] for i in arts[a]])
        arts = [arts[a] for a in sorted(order[n_pool:])]
    src_blocks: list[Side] = []
    tgt_blocks: list[Side] = []
    for art in arts:
        ms, mt = keep_mask(len(art), cell.keep_src, rng), keep_mask(len(art), cell.keep_tgt, rng)
        sb: Side = [(S[i], (i,)) for i, k in zip(art, ms) if k]
        tb: Side = [(T[i], (i,)) for i, k in zip(art, mt) if k]
        if cell.merges:
            sb, tb = _merge_block(sb, tb, S, T, data, s, t)
        src_blocks.append(sb)
        tgt_blocks.append(tb)
    if cell.shuffled:
        rng.shuffle(tgt_blocks)
    if cell.inserts:
        src_blocks = _insert(src_blocks, pools[0], S, rng)
        tgt_blocks = _insert(tgt_blocks, pools[1], T, rng)
    src = [x for b in src_blocks for x in b]
    tgt = [x for b in tgt_blocks for x in b]
    return _scenario(cell.label, s, t, src, tgt)


def _merge_block(sb: Side, tb: Side, S: list[str], T: list[str], data: str, s: str, t: str) -> tuple[Side, Side]:
    """Join rows r and r+1 on one side where both sides hold both, next to each other."""
    s_next = {sb[k][1][0]: sb[k + 1][1][0] for k in range(len(sb) - 1)}
    t_next = {tb[k][1][0]: tb[k + 1][1][0] for k in range(len(tb) - 1)}
    join: dict[int, str] = {}
    skip = set()
    for r, nxt in s_next.items():
        side = _may_merge(data, s, t, r)
        if side and r not in skip and t_next.get(r) == nxt == r + 1:
            join[r] = side
            skip.add(nxt)

    def fold(block: Side, lines: list[str], side: str) -> Side:
        out: Side = []
        k = 0
        while k < len(block):
            r = block[k][1][0]
            if join.get(r) == side:
                out.append((lines[r] + " " + lines[r + 1], (r, r + 1)))
                k += 2
            else:
                out.append(block[k])
                k += 1
        return out

    return fold(sb, S, "src"), fold(tb, T, "tgt")


def _insert(blocks: list[Side], pool: list[int], lines: list[str], rng: random.Random) -> list[Side]:
    """Runs of 1-3 pool lines between blocks, INSERT_RATE per line of the side."""
    want = round(INSERT_RATE * sum(len(b) for b in blocks))
    pool = list(pool)
    rng.shuffle(pool)
    out = [list(b) for b in blocks]
    used = 0
    while used < min(want, len(pool)):
        run = pool[used: used + rng.randint(1, 3)]
        used += len(run)
        # an unrelated row gets a negative id: it can never meet its translation
        out.insert(rng.randrange(len(out) + 1), [(lines[u], (-1 - u,)) for u in run])
    return out


def _gaps(cell: Cell, data: str, s: str, t: str) -> Scenario:
    S, T = scenarios.load_lines(s, data), scenarios.load_lines(t, data)
    rows = [i for a in scenarios.articles_of(data) for i in a]
    rng = _rng(data, cell.label, s, t)
    mean = GAP_MEANS[cell.gap_runs]
    start = GAP_SHARE / (mean * (1 - GAP_SHARE) + GAP_SHARE)  # a run starts here: rows in gaps ~ GAP_SHARE
    src: Side = []
    tgt: Side = []
    k = 0
    while k < len(rows):
        if rng.random() < start:
            run = rows[k: k + GAP_RUNS[cell.gap_runs](rng)]
            side = src if rng.random() < 0.5 else tgt
            side += [((S if side is src else T)[i], (i,)) for i in run]
            k += len(run)
            continue
        src.append((S[rows[k]], (rows[k],)))
        tgt.append((T[rows[k]], (rows[k],)))
        k += 1
    return _scenario(cell.label, s, t, src, tgt)


def _small(cell: Cell, data: str, s: str, t: str) -> list[Scenario]:
    S, T = scenarios.load_lines(s, data), scenarios.load_lines(t, data)
    rows = [i for a in scenarios.articles_of(data) for i in a]
    rng = _rng(data, cell.label, s, t)
    stride = len(rows) // SMALL_DOCS
    out = []
    for d in range(SMALL_DOCS):
        size = rng.randint(5, 15)
        at = d * stride + rng.randrange(max(1, stride - size))
        part = rows[at: at + size]
        if cell.small == "partial":
            ms, mt = keep_mask(len(part), 0.85, rng), keep_mask(len(part), 0.85, rng)
        else:
            ms, mt = [True] * len(part), [True] * len(part)
        if cell.small == "gap":
            run = rng.randint(1, 2)
            at = rng.randrange(len(part) - run + 1)
            for k in range(at, at + run):
                (ms if rng.random() < 0.5 else mt)[k] = False
        src: Side = [(S[i], (i,)) for i, k in zip(part, ms) if k]
        tgt: Side = [(T[i], (i,)) for i, k in zip(part, mt) if k]
        out.append(_scenario(f"{cell.label}#{d}", s, t, src, tgt))
    return out


def build(cell: Cell, s: str, t: str, data: str = "flores") -> list[Scenario]:
    """The documents of one cell for one pair."""
    if cell.small:
        return _small(cell, data, s, t)
    if cell.gap_runs:
        return [_gaps(cell, data, s, t)]
    return [_partial(cell, data, s, t)]


def every(data: str = "flores", family: str | None = None) -> Iterator[tuple[Cell, str, str, list[Scenario]]]:
    for cell in cells(family):
        for s, t in scenarios.PAIRS:
            yield cell, s, t, build(cell, s, t, data)


if __name__ == "__main__":
    import argparse
    from collections import Counter

    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default="flores", choices=("flores", "tico"))
    ap.add_argument("--family", default=None)
    args = ap.parse_args()
    for cell, s, t, docs in every(args.data, args.family):
        shapes = Counter(f"{len(a)}-{len(b)}" for d in docs for a, b in d.gold)
        n_s, n_t = sum(len(d.src) for d in docs), sum(len(d.tgt) for d in docs)
        print(f"{cell.label:28s} {s}-{t} docs {len(docs):2d} src {n_s:4d} tgt {n_t:4d} {dict(sorted(shapes.items()))}")
