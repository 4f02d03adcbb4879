"""FLORES dev scenario documents with gold beads, for scoring the aligners.

Each builder returns a ``Scenario``: source lines, target lines (one sentence
per line, as ``--presplit`` reads them) and gold beads in the Vecalign format.
Builders are seeded by scenario and pair, so every run sees the same documents.
Lines and articles come from ``evaldata.py`` (FLORES articles from
``metadata_dev.tsv``); the five broken Nepali rows are dropped from every language.

``data="tico"`` builds the same scenarios from TICO-19 test lines 600-2099
instead: a held-out set (another domain, never used for the confidence fit,
which took lines 0-599) on which comparable mode's thresholds are chosen, so
that the FLORES rows stay an evaluation. TICO has no document ids; from line
600 on its lines run in document order, so consecutive chunks sized like the
FLORES articles stand in for articles.
"""

from __future__ import annotations

import random
import zlib
from dataclasses import dataclass

import evaldata
from aligner.evaluate import Link

TICO_ROWS = evaldata.TICO_HELD_OUT_ROWS  # lines 0-599 fit the confidence model (scripts/calibrate.py)
PAIRS = (("tl", "en"), ("ne", "en"), ("tl", "ne"))
SCENARIOS = ("clean", "merge", "gaps", "comparable", "reordered", "ontopic")


@dataclass(frozen=True)
class Scenario:
    name: str
    src_lang: str
    tgt_lang: str
    src: list[str]
    tgt: list[str]
    gold: list[Link]


def load_lines(lang: str, data: str = "flores") -> list[str]:
    """One language of a scenario data set (FLORES dev or TICO-19 test), one sentence per row."""
    return evaldata.tico_lines(lang) if data == "tico" else evaldata.flores_lines(lang)


def tico_articles() -> list[list[int]]:
    """TICO rows 600-2099 cut into consecutive chunks with the FLORES article sizes' distribution."""
    sizes = [len(a) for a in evaldata.flores_articles()]
    rng = random.Random(zlib.crc32(b"tico-articles"))
    out: list[list[int]] = []
    k = TICO_ROWS.start
    while k < TICO_ROWS.stop:
        size = rng.choice(sizes)
        out.append(list(range(k, min(k + size, TICO_ROWS.stop))))
        k += size
    return out


def _rng(name: str, s: str, t: str) -> random.Random:
    return random.Random(zlib.crc32(f"{name}:{s}-{t}".encode()))


def articles_of(data: str) -> list[list[int]]:
    """The article row groups of a scenario data set."""
    if data not in ("flores", "tico"):
        raise ValueError(f"unknown scenario data {data!r}: use flores or tico")
    return evaldata.flores_articles() if data == "flores" else tico_articles()


def build(name: str, s: str, t: str, data: str = "flores") -> Scenario:
    arts = articles_of(data)
    S, T = load_lines(s, data), load_lines(t, data)
    rng = _rng(name if data == "flores" else f"tico:{name}", s, t)
    return _BUILDERS[name](name, s, t, S, T, arts, rng)


def _clean(name, s, t, S, T, arts, rng):
    rows = [i for a in arts for i in a]
    return Scenario(name, s, t, [S[i] for i in rows], [T[i] for i in rows],
                    [((k,), (k,)) for k in range(len(rows))])


def _merge(name, s, t, S, T, arts, rng, p=0.25):
    src, tgt, gold = [], [], []
    for art in arts:
        k = 0
        while k < len(art):
            r = rng.random()
            if k + 1 < len(art) and r < p:
                a, b = art[k], art[k + 1]
                if rng.random() < 0.5:  # 2-1
                    gold.append(((len(src), len(src) + 1), (len(tgt),)))
                    src += [S[a], S[b]]
                    tgt.append(T[a] + " " + T[b])
                else:  # 1-2
                    gold.append(((len(src),), (len(tgt), len(tgt) + 1)))
                    src.append(S[a] + " " + S[b])
                    tgt += [T[a], T[b]]
                k += 2
            else:
                gold.append(((len(src),), (len(tgt),)))
                src.append(S[art[k]])
                tgt.append(T[art[k]])
                k += 1
    return Scenario(name, s, t, src, tgt, gold)


def _gaps(name, s, t, S, T, arts, rng, p=0.034):
    rows = [i for a in arts for i in a]
    src, tgt, gold = [], [], []
    k = 0
    while k < len(rows):
        r = rng.random()
        if r < 2 * p:
            run = rng.randint(1, 4)
            side_src = r < p  # the source keeps the run, the target lacks it
            for i in rows[k:k + run]:
                if side_src:
                    gold.append(((len(src),), ()))
                    src.append(S[i])
                else:
                    gold.append(((), (len(tgt),)))
                    tgt.append(T[i])
            k += run
            continue
        i = rows[k]
        gold.append(((len(src),), (len(tgt),)))
        src.append(S[i])
        tgt.append(T[i])
        k += 1
    return Scenario(name, s, t, src, tgt, gold)


def _comparable_parts(S, T, arts, rng, keep=0.35, extra=0.15):
    """Source articles, the target's kept rows per article, and unrelated target rows."""
    order = list(range(len(arts)))
    rng.shuffle(order)
    n_pool = round(len(arts) * 0.15)
    pool_arts, src_arts = sorted(order[:n_pool]), sorted(order[n_pool:])
    pool = [i for a in pool_arts for i in arts[a]]
    rng.shuffle(pool)
    n_src = sum(len(arts[a]) for a in src_arts)
    unrelated = pool[: round(extra * n_src)]
    blocks = []
    for a in src_arts:
        kept = [i for i in arts[a] if rng.random() < keep]
        blocks.append((a, kept))
    return src_arts, blocks, unrelated


def _assemble(name, s, t, S, T, arts, src_arts, blocks, unrelated, rng):
    src_rows = [i for a in src_arts for i in arts[a]]
    src_pos = {i: k for k, i in enumerate(src_rows)}
    # scatter unrelated rows between target blocks
    slots: dict[int, list[int]] = {}
    for u in unrelated:
        slots.setdefault(rng.randrange(len(blocks) + 1), []).append(u)
    tgt, gold = [], []
    aligned: dict[int, int] = {}
    for b, (_, kept) in enumerate(blocks):
        for u in slots.get(b, []):
            gold.append(((), (len(tgt),)))
            tgt.append(T[u])
        for i in kept:
            aligned[src_pos[i]] = len(tgt)
            tgt.append(T[i])
    for u in slots.get(len(blocks), []):
        gold.append(((), (len(tgt),)))
        tgt.append(T[u])
    for k in range(len(src_rows)):
        gold.append(((k,), (aligned[k],)) if k in aligned else ((k,), ()))
    return Scenario(name, s, t, [S[i] for i in src_rows], tgt, gold)


def _comparable(name, s, t, S, T, arts, rng):
    src_arts, blocks, unrelated = _comparable_parts(S, T, arts, rng)
    return _assemble(name, s, t, S, T, arts, src_arts, blocks, unrelated, rng)


def _reordered(name, s, t, S, T, arts, rng):
    src_arts, blocks, unrelated = _comparable_parts(S, T, arts, rng)
    blocks = list(blocks)
    rng.shuffle(blocks)
    return _assemble(name, s, t, S, T, arts, src_arts, blocks, unrelated, rng)


def _ontopic(name, s, t, S, T, arts, rng, keep=0.35, own=0.15):
    """Target-only sentences are on-topic: neighbours from the same article the source lacks."""
    src, tgt, gold = [], [], []
    for art in arts:
        for i in art:
            r = rng.random()
            if r < keep:
                gold.append(((len(src),), (len(tgt),)))
                src.append(S[i])
                tgt.append(T[i])
            elif r < keep + own:
                gold.append(((), (len(tgt),)))
                tgt.append(T[i])
            else:
                gold.append(((len(src),), ()))
                src.append(S[i])
    return Scenario(name, s, t, src, tgt, gold)


_BUILDERS = {"clean": _clean, "merge": _merge, "gaps": _gaps, "comparable": _comparable,
             "reordered": _reordered, "ontopic": _ontopic}


if __name__ == "__main__":
    from collections import Counter

    for name in SCENARIOS:
        sc = build(name, "tl", "en")
        shapes = Counter(f"{len(a)}-{len(b)}" for a, b in sc.gold)
        print(f"{name:11s} src {len(sc.src):4d} tgt {len(sc.tgt):4d} {dict(shapes)}")
