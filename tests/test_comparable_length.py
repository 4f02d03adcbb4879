"""Length as evidence beside the margin: it breaks near ties between two partners
and lets a stand-alone pair a little under the isolated threshold through."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from aligner.align import comparable as C
from aligner.align.config import DEFAULT_CONFIG, NO_SIGNALS, AlignConfig

DIM = 128


def _onto(n: int, offset: int = 0) -> np.ndarray:
    """n on-topic vectors whose cosine with every other such vector is exactly 0.8."""
    e = np.zeros((n, DIM), dtype=np.float64)
    e[:, 0] = 0.8 ** 0.5
    e[np.arange(n), 1 + offset + np.arange(n)] = 0.2 ** 0.5
    return e


def _unit(x: np.ndarray) -> np.ndarray:
    return (x / np.linalg.norm(x, axis=-1, keepdims=True)).astype(np.float32)


def _near_tie_mutual(src0_len: int, src1_len: int, config: AlignConfig = DEFAULT_CONFIG) -> set[tuple[int, int]]:
    """Target 0 is a mix of sources 0 and 1, source 0 a hair closer (margin 1.097 vs 1.093);
    every target is 80 characters, so at tl-en statistics a 100-character source fits and a
    210-character one lies about 5.8 sd out."""
    src = _onto(12)
    tgt = _onto(12, offset=20)
    tgt[0] = 0.51 * src[0] + 0.49 * src[1]
    src, tgt = _unit(src), _unit(tgt)
    src_texts = ["p" * 100 for _ in range(12)]
    src_texts[0], src_texts[1] = "p" * src0_len, "p" * src1_len
    cand, _, _ = C.mine(src, tgt, config, src_texts=src_texts, tgt_texts=["s" * 80] * 12, signals=NO_SIGNALS,
                        src_lang="tl", tgt_lang="en")
    return {(int(i), int(j)) for i, j, m in zip(cand.i, cand.j, cand.mutual) if m}


def test_translation_length_wins_a_near_tie_for_one_target() -> None:
    mutual = _near_tie_mutual(210, 100)
    assert (1, 0) in mutual and (0, 0) not in mutual


def test_between_two_misfits_length_does_not_decide() -> None:
    """Loose equivalents (one side adds a clause) are misfits too: only a fitting rival may win.
    Source 1 at 180 characters lies about 4.6 sd out, less than source 0."""
    mutual = _near_tie_mutual(210, 180)
    assert (0, 0) in mutual and (1, 0) not in mutual


def test_without_the_length_penalty_the_margin_alone_decides() -> None:
    mutual = _near_tie_mutual(210, 100, replace(DEFAULT_CONFIG, comparable=replace(DEFAULT_CONFIG.comparable,
                                                                                   length_rank_penalty=0.0)))
    assert (0, 0) in mutual and (1, 0) not in mutual


def _moved_pair_docs(tgt_len_of_moved: int) -> tuple[list[str], list[str], np.ndarray, np.ndarray]:
    """20 identical pairs, then a lone pair (30, 35) at cosine 0.83 among on-topic 0.8s."""
    src = _onto(40)
    tgt = _onto(40, offset=50)
    tgt[:20] = src[:20]
    alpha = 0.15  # cos = 0.8 + 0.2 * alpha
    tgt[35] = src[30].copy()
    tgt[35, 1 + 30] = 0.2 ** 0.5 * alpha
    tgt[35, 1 + 50 + 35] = 0.2 ** 0.5 * (1 - alpha ** 2) ** 0.5
    src_texts = [f"{i:02d}" + "p" * 98 for i in range(40)]
    tgt_texts = [f"{j:02d}" + "s" * 78 for j in range(40)]
    tgt_texts[35] = "35" + "s" * (tgt_len_of_moved - 2)
    return src_texts, tgt_texts, _unit(src), _unit(tgt)


def test_lone_pair_under_the_isolated_threshold_is_kept_when_its_length_is_a_translations() -> None:
    st_, tt_, sv, tv = _moved_pair_docs(80)  # tl-en: z about 0
    cand, _, _ = C.mine(sv, tv)
    p = int(np.flatnonzero((cand.i == 30) & (cand.j == 35))[0])
    assert DEFAULT_CONFIG.comparable.length_agreed_conf <= cand.conf[p] < DEFAULT_CONFIG.comparable.isolated_conf
    beads = C.align_comparable(st_, tt_, sv, tv, src_lang="tl", tgt_lang="en")
    assert ((30,), (35,)) in {(b.src, b.tgt) for b in beads}


def test_lone_pair_under_the_isolated_threshold_stays_unaligned_when_its_length_is_unusual() -> None:
    st_, tt_, sv, tv = _moved_pair_docs(105)  # tl-en: z about 2.2
    beads = C.align_comparable(st_, tt_, sv, tv, src_lang="tl", tgt_lang="en")
    pairs = {(b.src, b.tgt) for b in beads if not b.is_gap}
    assert ((30,), (35,)) not in pairs
    assert len(pairs) == 20
    # no measured length statistics: the stand-alone pair must reach the isolated threshold
    st_, tt_, sv, tv = _moved_pair_docs(80)
    beads = C.align_comparable(st_, tt_, sv, tv, src_lang="xx", tgt_lang="yy")
    assert ((30,), (35,)) not in {(b.src, b.tgt) for b in beads}


def _crossing_docs(lone_tgt: int) -> tuple[list[str], list[str], np.ndarray, np.ndarray]:
    """Identical pairs k-k for k < 20 except 17, and a lone pair (23, lone_tgt) at cosine 0.83."""
    src = _onto(40)
    tgt = _onto(40, offset=50)
    same = [k for k in range(20) if k != 17]
    tgt[same] = src[same]
    alpha = 0.15
    tgt[lone_tgt] = src[23].copy()
    tgt[lone_tgt, 1 + 23] = 0.2 ** 0.5 * alpha
    tgt[lone_tgt, 1 + 50 + lone_tgt] = 0.2 ** 0.5 * (1 - alpha ** 2) ** 0.5
    src_texts = [f"{i:02d}" + "p" * 98 for i in range(40)]
    tgt_texts = [f"{j:02d}" + "s" * 78 for j in range(40)]
    return src_texts, tgt_texts, _unit(src), _unit(tgt)


@pytest.mark.parametrize("lone_tgt, kept", [(25, True), (17, False)])
def test_lone_pair_that_crosses_a_kept_neighbour_stays_unaligned(lone_tgt: int, kept: bool) -> None:
    """(23, 17) contradicts the order of the kept (19, 19) four sentences away: an on-topic
    sentence confused with a neighbour's partner looks like that; (23, 25) crosses nothing."""
    st_, tt_, sv, tv = _crossing_docs(lone_tgt)
    cand, _, _ = C.mine(sv, tv)
    p = int(np.flatnonzero((cand.i == 23) & (cand.j == lone_tgt))[0])
    assert cand.mutual[p] and DEFAULT_CONFIG.comparable.length_agreed_conf <= cand.conf[p] < DEFAULT_CONFIG.comparable.isolated_conf
    beads = C.align_comparable(st_, tt_, sv, tv, src_lang="tl", tgt_lang="en")
    pairs = {(b.src, b.tgt) for b in beads if not b.is_gap}
    assert (((23,), (lone_tgt,)) in pairs) is kept
    assert {((k,), (k,)) for k in range(20) if k != 17} <= pairs
