"""The evaluation data the scripts read: where it is, how each set is read, and its known defects.

One setting says where: ``$ALIGNER_SHARED_DIR`` names the ``shared/`` folder that holds ``eval/``.
Without it the scripts look for ``../shared`` beside the repository, and beside the main checkout
when they run from a git worktree (a worktree has no data of its own beside it). Every reader
takes the ``eval/`` folder as ``root`` (default: that one), so the tests read the slices under
``tests/data``, which keep the same layout.

The sets (provenance and licences in ``eval/README.md``): FLORES-200 dev (en/tl/ne with
article metadata), TICO-19 test, the LASER Tatoeba tgl-eng test, Text+Berg de-fr with its gold.
Scores use ``aligner.evaluate`` (strict, lax, gap and ``PRF``), and the ratio margin is the
aligner's own (``aligner.align.comparable.ratio_margin``), so a script measures what ships.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from aligner.align.comparable import ratio_margin
from aligner.evaluate import Link, read_links
from aligner.types import Document, Sentence

SHARED_ENV = "ALIGNER_SHARED_DIR"  # the same setting the TMX checks read (docs/design.md, Evaluations)
SHARED_NAME = "shared"  # the folder beside the repository that the setting defaults to
REPO = Path(__file__).resolve().parents[1]

FLORES_FILES = {"en": "eng_Latn.dev", "tl": "tgl_Latn.dev", "ne": "npi_Deva.dev"}
TICO_FILES = {"en": "tico19-test.eng", "tl": "tico19-test.tgl", "ne": "tico19-test.nep"}
# FLORES-200 v1.0 npi_Deva.dev rows that are not translations of the English row (eval/README.md,
# facebookresearch/flores #62 and #67), as 0-based row indices, the way every reader here counts:
# the README's 1-based lines 211, 242, 574, 845 and 846.
BAD_NE_ROWS = frozenset({210, 241, 573, 844, 845})
TICO_FIT_ROWS = range(0, 600)  # fitted the confidence model (scripts/calibrate.py)
TICO_HELD_OUT_ROWS = range(600, 2100)  # scenarios and grid cells for choosing thresholds
TEXTBERG_DOCS = tuple(f"{d:03d}" for d in range(1, 8))
MARGIN_K = 4  # neighbours per side in the ratio margin (Artetxe & Schwenk 2019)


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


def eval_dir(repo: Path = REPO) -> Path:
    """``$ALIGNER_SHARED_DIR/eval``, else the first ``../shared/eval`` beside ``repo`` or its main checkout."""
    if os.environ.get(SHARED_ENV):
        return Path(os.environ[SHARED_ENV]) / "eval"
    tried = [r.parent / SHARED_NAME / "eval" for r in _repo_roots(repo)]
    return next((p for p in tried if p.is_dir()), tried[0])


def read_lines(path: Path) -> list[str]:
    """One stripped sentence per line (row i = line i); a missing file says which setting to fix."""
    if not path.is_file():
        raise SystemExit(f"{path} not found: set {SHARED_ENV} to the shared/ folder that holds eval/")
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]


def flores_dir(root: Path | None = None) -> Path:
    return (root or eval_dir()) / "flores" / "dev"


def flores_lines(lang: str, root: Path | None = None) -> list[str]:
    """FLORES-200 dev in ``lang`` (en, tl, ne); every language has the same rows."""
    return read_lines(flores_dir(root) / FLORES_FILES[lang])


def flores_articles(root: Path | None = None, *, drop_bad: bool = True) -> list[list[int]]:
    """Row indices grouped by source article (consecutive rows with one URL in ``metadata_dev.tsv``).

    With ``drop_bad`` the broken Nepali rows leave every language's articles (the scenarios
    keep all three languages on the same rows), and an article left empty goes.
    """
    rows = read_lines(flores_dir(root) / "metadata_dev.tsv")[1:]
    out: list[list[int]] = []
    last = None
    for i, row in enumerate(rows):
        url = row.split("\t")[0]
        if url != last:
            out.append([])
            last = url
        if not (drop_bad and i in BAD_NE_ROWS):
            out[-1].append(i)
    return [a for a in out if a]


def good_rows(n: int) -> list[int]:
    """Rows 0..n-1 without the broken Nepali ones."""
    return [i for i in range(n) if i not in BAD_NE_ROWS]


def tico_lines(lang: str, root: Path | None = None) -> list[str]:
    """TICO-19 test in ``lang`` (en, tl, ne): no document ids; the lines run in document order."""
    return read_lines((root or eval_dir()) / "tico19" / "test" / TICO_FILES[lang])


def tatoeba_laser(root: Path | None = None) -> tuple[list[str], list[str]]:
    """The LASER v1 Tatoeba tgl-eng test (Tagalog lines, English lines; line i translates line i)."""
    folder = (root or eval_dir()) / "tatoeba" / "laser_v1"
    return read_lines(folder / "tatoeba.tgl-eng.tgl"), read_lines(folder / "tatoeba.tgl-eng.eng")


@dataclass(frozen=True)
class TextbergDoc:
    """One Text+Berg document: German and French sentences and the human gold (not strictly monotone)."""

    name: str
    de: list[str]
    fr: list[str]
    gold: list[Link]


def textberg(root: Path | None = None, names: tuple[str, ...] = TEXTBERG_DOCS) -> list[TextbergDoc]:
    folder = (root or eval_dir()) / "textberg" / "text+berg"
    return [TextbergDoc(name, read_lines(folder / "de" / name), read_lines(folder / "fr" / name),
                        read_links(folder / "gold" / name)) for name in names]


def presplit_document(name: str, lang: str, lines: list[str]) -> Document:
    """The Document of a file holding these lines, one sentence per line (no cleaning, no splitting)."""
    sentences, pos = [], 0
    for line in lines:
        sentences.append(Sentence(line, lang, pos, pos + len(line)))
        pos += len(line) + 1
    return Document(name, lang, "text", tuple(sentences), "\n".join(lines) + "\n")


def knn_means(sim: np.ndarray, k: int = MARGIN_K) -> tuple[np.ndarray, np.ndarray]:
    """Each row's and each column's mean over its k best similarities (fewer when the side is short)."""
    fwd = -np.sort(-sim, axis=1)[:, : min(k, sim.shape[1])].mean(axis=1)
    bwd = -np.sort(-sim, axis=0)[: min(k, sim.shape[0]), :].mean(axis=0)
    return fwd, bwd


def margin_matrix(src_vecs: np.ndarray, tgt_vecs: np.ndarray, k: int = MARGIN_K) -> np.ndarray:
    """The aligner's ratio margin of every (source, target) pair of two sets of unit vectors."""
    sim = src_vecs @ tgt_vecs.T
    fwd, bwd = knn_means(sim, k)
    return ratio_margin(sim, fwd[:, None], bwd[None, :])
