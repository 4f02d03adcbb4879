"""Properties every alignment must have, on synthetic vectors (no encoder needed)."""

from __future__ import annotations

import re

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from aligner.align import align, order_beads
from aligner.align.calibrate import BeadScorer, calibrate_beads
from aligner.align.config import DEFAULT_CONFIG, ParallelConfig
from aligner.align.parallel import align_block
from aligner.types import Bead

DIM = 32


def _vecs(ids: list[int]) -> np.ndarray:
    """One random unit vector per concept id: the same id on both sides means a translation."""
    out = np.zeros((len(ids), DIM), dtype=np.float32)
    for k, c in enumerate(ids):
        v = np.random.default_rng(c).standard_normal(DIM).astype(np.float32)
        out[k] = v / np.linalg.norm(v)
    return out


def _texts(ids: list[int]) -> list[str]:
    return [f"sentence number {c} with some words" for c in ids]


def _fake_embed(texts: list[str]) -> np.ndarray:
    """The vector of a concatenation: the normalised sum of its concepts' vectors."""
    out = np.zeros((len(texts), DIM), dtype=np.float32)
    for k, t in enumerate(texts):
        ids = [int(w) for w in re.findall(r"number (\d+)", t)]
        v = _vecs(ids).sum(axis=0)
        out[k] = v / np.linalg.norm(v) if np.linalg.norm(v) else v
    return out


_no_embed = _fake_embed


def _check_cover(a) -> None:
    src = [i for b in a.beads for i in b.src]
    tgt = [j for b in a.beads for j in b.tgt]
    assert sorted(src) == list(range(a.n_src))
    assert sorted(tgt) == list(range(a.n_tgt))
    # source order; targets of pair beads increase too (monotone parallel mode)
    firsts = [b.src[0] for b in a.beads if b.src]
    assert firsts == sorted(firsts)
    for b in a.beads:
        assert all(0 <= i < a.n_src for i in b.src) and all(0 <= j < a.n_tgt for j in b.tgt)
        assert list(b.src) == sorted(b.src) and list(b.tgt) == sorted(b.tgt)
        assert 0.0 <= b.score <= 1.0


concepts = st.lists(st.integers(0, 400), min_size=0, max_size=25, unique=True)


@settings(max_examples=40, deadline=None)
@given(concepts, concepts)
def test_every_sentence_in_exactly_one_bead_sorted_and_in_bounds(s_ids, t_ids):
    a = align(_texts(s_ids), _texts(t_ids), embed=_no_embed, src_vecs=_vecs(s_ids),
              tgt_vecs=_vecs(t_ids), mode="parallel")
    _check_cover(a)


@settings(max_examples=15, deadline=None)
@given(st.lists(st.integers(0, 400), min_size=1, max_size=30, unique=True))
def test_identical_documents_align_one_to_one_with_high_confidence(ids):
    v = _vecs(ids)
    a = align(_texts(ids), _texts(ids), embed=_no_embed, src_vecs=v, tgt_vecs=v.copy(), mode="parallel")
    assert [(b.src, b.tgt) for b in a.beads] == [((k,), (k,)) for k in range(len(ids))]
    assert min(b.score for b in a.beads) > 0.95


def test_empty_side_gives_all_gaps():
    ids = [1, 2, 3]
    a = align(_texts(ids), [], embed=_no_embed, src_vecs=_vecs(ids), tgt_vecs=np.zeros((0, DIM)), mode="parallel")
    assert [(b.src, b.tgt) for b in a.beads] == [((0,), ()), ((1,), ()), ((2,), ())]
    b = align([], _texts(ids), embed=_no_embed, src_vecs=np.zeros((0, DIM)), tgt_vecs=_vecs(ids))
    assert [(x.src, x.tgt) for x in b.beads] == [((), (0,)), ((), (1,)), ((), (2,))]


def test_one_sentence_side_pairs_with_its_translation():
    t_ids = [5, 6, 7, 8, 9, 10]
    a = align(_texts([8]), _texts(t_ids), embed=_no_embed, src_vecs=_vecs([8]), tgt_vecs=_vecs(t_ids),
              mode="parallel")
    _check_cover(a)
    pairs = [(b.src, b.tgt) for b in a.beads if b.src and b.tgt]
    assert pairs == [((0,), (3,))]


def test_missing_sentences_become_gaps_not_merges():
    s_ids = list(range(100, 140))
    t_ids = [c for c in s_ids if c not in (110, 111, 125)] + []
    t_ids.insert(20, 999)  # a target-only sentence
    a = align(_texts(s_ids), _texts(t_ids), embed=_no_embed, src_vecs=_vecs(s_ids), tgt_vecs=_vecs(t_ids),
              mode="parallel")
    gaps_src = sorted(s_ids[b.src[0]] for b in a.beads if b.src and not b.tgt)
    gaps_tgt = [t_ids[b.tgt[0]] for b in a.beads if b.tgt and not b.src]
    assert gaps_src == [110, 111, 125]
    assert gaps_tgt == [999]
    assert all(len(b.src) <= 1 and len(b.tgt) <= 1 for b in a.beads)


def test_merged_target_sentence_becomes_a_two_to_one_bead():
    s_ids = list(range(200, 230))
    sv = _vecs(s_ids)
    tv = np.delete(sv, 11, axis=0).copy()
    both = sv[10] + sv[11]
    tv[10] = both / np.linalg.norm(both)  # target 10 says what source 10 and 11 say
    t_texts = _texts(s_ids[:10]) + [_texts([210])[0] + " " + _texts([211])[0]] + _texts(s_ids[12:])
    a = align(_texts(s_ids), t_texts, embed=_no_embed, src_vecs=sv, tgt_vecs=tv, mode="parallel")
    assert ((10, 11), (10,)) in [(b.src, b.tgt) for b in a.beads]


def test_align_block_uses_local_indices():
    ids = [3, 4, 5]
    beads = align_block(_vecs(ids), _vecs(ids), _texts(ids), _texts(ids)).beads
    assert [(b.src, b.tgt) for b in beads] == [((0,), (0,)), ((1,), (1,)), ((2,), (2,))]


def test_same_input_gives_identical_output():
    s_ids, t_ids = list(range(50, 80)), list(range(52, 85))

    def run():
        return align(_texts(s_ids), _texts(t_ids), embed=_no_embed, src_vecs=_vecs(s_ids),
                     tgt_vecs=_vecs(t_ids), mode="auto").beads

    assert run() == run()


def test_normalise_places_target_gaps_where_they_fall():
    beads = [Bead((0,), (0,)), Bead((1,), (2,)), Bead((), (1,))]
    out = order_beads(beads, 2, 3)
    assert [(b.src, b.tgt) for b in out] == [((0,), (0,)), ((), (1,)), ((1,), (2,))]


def test_parallel_scores_see_partners_that_moved_out_of_the_band() -> None:
    """Two articles in swapped order: forced parallel pairs one article and leaves the other as
    gaps on both sides. Those sentences do have partners (elsewhere in the document), so their
    gaps must score low, while a gap whose sentence matches nothing better outside the window
    keeps a high score."""
    a, b = list(range(100, 112)), list(range(200, 212))
    s, t = a + b, b + a
    res = align_block(_vecs(s), _vecs(t), _texts(s), _texts(t), config=ParallelConfig(split=False),
                      embed=_fake_embed)
    beads = calibrate_beads("parallel", res.beads, res.evidence, len(s), len(t), DEFAULT_CONFIG.calibration,
                            res.anchors)
    gaps = [g for g in beads if g.is_gap]
    assert len(gaps) == 24  # one article moved: 12 gaps a side
    assert all(g.score < 0.1 for g in gaps)
    pairs = [p for p in beads if not p.is_gap]
    assert all(s[p.src[0]] == t[p.tgt[0]] and p.score > 0.9 for p in pairs)
    scorer = BeadScorer("parallel", 24, 24, DEFAULT_CONFIG.calibration, anchors=12)
    gap = Bead((0,), (), 0.0)
    assert scorer(gap, (0.1, 0.05, 0.9)) < 0.5 < scorer(gap, (0.1, 0.05, 0.1))
