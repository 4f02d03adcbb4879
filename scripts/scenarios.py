"""FLORES dev scenario documents with gold beads, for scoring the aligners.

Each builder returns a ``Scenario``: source lines, target lines (one sentence
per line, as ``--presplit`` reads them) and gold beads in the Vecalign format.
Builders are seeded by scenario and pair, so every run sees the same documents.
Articles come from ``metadata_dev.tsv``; the five broken Nepali rows are
dropped from every language.

``data="tico"`` builds the same scenarios from TICO-19 test lines 600-2099
instead: a held-out set (another domain, never used for the confidence fit,
which took lines 0-599) on which comparable mode's thresholds are chosen, so
that the FLORES rows stay an evaluation. TICO has no document ids; from line
600 on its lines run in document order, so consecutive chunks sized like the
FLORES articles stand in for articles.
"""

from __future__ import annotations

import os
import random
import zlib
from dataclasses import dataclass
from pathlib import Path

SHARED_ENV = "ALIGNER_SHARED_DIR"  # the same setting the TMX checks read (docs/design.md, Evaluations)


def _repo_roots(root: Path) -> list[Path]:
    """This checkout, then the main checkout when this one is a git worktree."""
    roots = [root]
    git = root / ".git"
    if git.is_file():  # a worktree: ".git" holds "gitdir: <main>/.git/worktrees/<name>"
        gitdir = Path(git.read_text(encoding="utf-8").split(":", 1)[1].strip())
        common = gitdir / "commondir"
        main_git = (gitdir / common.read_text(encoding="utf-8").strip()).resolve() if common.exists() else gitdir
        roots.append(main_git.parent)
    return roots


def eval_dir() -> Path:
    """The shared evaluation data: ``$ALIGNER_SHARED_DIR/eval``, else ``../shared/eval`` beside the
    repository (beside the main checkout when running from a git worktree)."""
    if os.environ.get(SHARED_ENV):
        return Path(os.environ[SHARED_ENV]) / "eval"
    tried = [r.parent / "shared" / "eval" for r in _repo_roots(Path(__file__).resolve().parents[1])]
    return next((p for p in tried if p.is_dir()), tried[0])


EVAL = eval_dir()
FLORES = EVAL / "flores" / "dev"
FILES = {"en": "eng_Latn.dev", "tl": "tgl_Latn.dev", "ne": "npi_Deva.dev"}
TICO = EVAL / "tico19" / "test"
TICO_FILES = {"en": "tico19-test.eng", "tl": "tico19-test.tgl", "ne": "tico19-test.nep"}
TICO_ROWS = range(600, 2100)  # lines 0-599 fit the confidence model (scripts/calibrate.py)
BAD_NE_ROWS = {210, 241, 573, 844, 845}  # 0-based; see eval/README.md
PAIRS = (("tl", "en"), ("ne", "en"), ("tl", "ne"))
SCENARIOS = ("clean", "merge", "gaps", "comparable", "reordered", "ontopic")

Link = tuple[tuple[int, ...], tuple[int, ...]]


@dataclass(frozen=True)
class Scenario:
    name: str
    src_lang: str
    tgt_lang: str
    src: list[str]
    tgt: list[str]
    gold: list[Link]


def _read(path: Path) -> str:
    if not path.exists():
        raise SystemExit(f"{path} not found: set {SHARED_ENV} to the shared/ folder that holds eval/")
    return path.read_text(encoding="utf-8")


def load_lines(lang: str, data: str = "flores") -> list[str]:
    path = TICO / TICO_FILES[lang] if data == "tico" else FLORES / FILES[lang]
    return [line.strip() for line in _read(path).splitlines()]


def articles() -> list[list[int]]:
    """Row indices grouped by source article, broken rows removed."""
    rows = _read(FLORES / "metadata_dev.tsv").splitlines()[1:]
    out: list[list[int]] = []
    last = None
    for i, row in enumerate(rows):
        url = row.split("\t")[0]
        if url != last:
            out.append([])
            last = url
        if i not in BAD_NE_ROWS:
            out[-1].append(i)
    return [a for a in out if a]


def tico_articles() -> list[list[int]]:
    """TICO rows 600-2099 cut into consecutive chunks with the FLORES article sizes' distribution."""
    sizes = [len(a) for a in articles()]
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
    return articles() if data == "flores" else tico_articles()


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
