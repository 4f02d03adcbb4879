"""Comparable mode on synthetic vectors shaped like e5 output: on-topic, so
unrelated sentences still sit close together, and translations closer still."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aligner.align.comparable import align_comparable, knn, mine
from aligner.align.order import cover
from aligner.types import Bead

DIM = 64


def _unit(x: np.ndarray) -> np.ndarray:
    return (x / np.linalg.norm(x, axis=-1, keepdims=True)).astype(np.float32)


def _sentences(n: int, rng: np.random.Generator) -> np.ndarray:
    topic = rng.normal(size=DIM)
    topic /= np.linalg.norm(topic)
    return _unit(0.75 * topic + 0.66 * _unit(rng.normal(size=(n, DIM))))


def _translate(v: np.ndarray, rng: np.random.Generator, noise: float = 0.12) -> np.ndarray:
    return _unit(v + noise * _unit(rng.normal(size=v.shape)))


def _texts(n: int, prefix: str) -> list[str]:
    return [f"{prefix} sentence {i}" for i in range(n)]


def _check_cover(beads: list[Bead], n: int, m: int) -> None:
    srcs = [i for b in beads for i in b.src]
    tgts = [j for b in beads for j in b.tgt]
    assert sorted(srcs) == list(range(n))
    assert sorted(tgts) == list(range(m))
    firsts = [min(b.src) for b in beads if b.src]
    assert firsts == sorted(firsts)
    assert all(0.0 <= b.score <= 1.0 for b in beads)


def _run(sv: np.ndarray, tv: np.ndarray) -> list[Bead]:
    return align_comparable(_texts(len(sv), "s"), _texts(len(tv), "t"), sv, tv)


def test_identical_documents_align_one_to_one_with_high_confidence() -> None:
    v = _sentences(30, np.random.default_rng(1))
    beads = _run(v, v.copy())
    assert [(b.src, b.tgt) for b in beads] == [((i,), (i,)) for i in range(30)]
    assert min(b.score for b in beads) > 0.95


def test_empty_side_gives_all_gaps() -> None:
    v = _sentences(5, np.random.default_rng(2))
    empty = np.zeros((0, DIM), dtype=np.float32)
    assert _run(v, empty) == [Bead((i,), (), 1.0) for i in range(5)]
    beads = _run(empty, v)
    assert [(b.src, b.tgt) for b in beads] == [((), (j,)) for j in range(5)]


def test_one_sentence_side() -> None:
    rng = np.random.default_rng(3)
    v = _sentences(8, rng)
    beads = _run(v[3:4], _translate(v, rng))
    _check_cover(beads, 1, 8)
    pairs = [(b.src, b.tgt) for b in beads if not b.is_gap]
    assert pairs == [((0,), (3,))]
    # the other targets are gaps, and sure ones: nothing on the source side resembles them
    assert all(b.score > 0.5 for b in beads if b.is_gap)


def test_comparable_keeps_shared_pairs_and_leaves_the_rest_unaligned() -> None:
    rng = np.random.default_rng(4)
    src = _sentences(60, rng)
    kept = np.sort(rng.choice(60, 25, replace=False))
    extra = _sentences(10, rng)  # target-only, on the same topic
    tgt_rows = [("k", int(i)) for i in kept]
    for e in range(10):
        tgt_rows.insert(int(rng.integers(0, len(tgt_rows) + 1)), ("x", e))
    tgt = np.stack([_translate(src[i], rng) if k == "k" else extra[i] for k, i in tgt_rows])
    beads = _run(src, tgt)
    _check_cover(beads, 60, len(tgt_rows))
    gold = {((i,), (p,)) for p, (k, i) in enumerate(tgt_rows) if k == "k"}
    got = {(b.src, b.tgt) for b in beads if not b.is_gap}
    assert len(got & gold) >= 24
    assert len(got - gold) <= 1


def test_moved_section_is_recovered() -> None:
    rng = np.random.default_rng(5)
    src = _sentences(40, rng)
    order = list(range(20, 40)) + list(range(0, 20))  # second half moved to the front
    tgt = _translate(src[order], rng)
    beads = _run(src, tgt)
    got = {(b.src, b.tgt) for b in beads if not b.is_gap}
    gold = {((i,), (p,)) for p, i in enumerate(order)}
    assert len(got & gold) >= 38


def test_knn_is_blockwise_and_matches_dense_top_k() -> None:
    rng = np.random.default_rng(6)
    a, b = _sentences(600, rng), _sentences(50, rng)
    nb = knn(a, b)
    dense = a @ b.T
    assert np.array_equal(nb.idx[:, 0], dense.argmax(axis=1))
    assert np.allclose(nb.sims, -np.sort(-dense, axis=1)[:, :4], atol=1e-6)


@given(st.integers(1, 9), st.integers(0, 10_000))
@settings(max_examples=40, deadline=None)
def test_knn_ties_are_ordered_by_index_and_short_sides_padded(m: int, seed: int) -> None:
    """Rounded vectors make many exact ties; the order must be (similarity desc, index asc)."""
    rng = np.random.default_rng(seed)
    a = np.round(rng.normal(size=(7, 4)), 0).astype(np.float32)
    b = np.round(rng.normal(size=(m, 4)), 0).astype(np.float32)
    nb = knn(a, b)
    dense = a @ b.T
    kk = min(4, m)
    for r in range(len(a)):
        want = sorted(range(m), key=lambda j: (-dense[r, j], j))[:kk]
        assert nb.idx[r].tolist() == want
        assert nb.sims[r].tolist() == [dense[r, j] for j in want]
    # padding: the mean counts the missing neighbours at BACKGROUND_SIM
    from aligner.align.config import CalibrationConfig

    BACKGROUND_SIM = CalibrationConfig().background_sim

    top = -np.sort(-dense, axis=1)[:, :kk]
    assert np.allclose(nb.mean, (top.sum(axis=1) + (4 - kk) * BACKGROUND_SIM) / 4)


def test_mutual_best_is_symmetric() -> None:
    rng = np.random.default_rng(7)
    a = _sentences(20, rng)
    b = _translate(a[::-1], rng)
    c1, _, _ = mine(a, b)
    c2, _, _ = mine(b, a)
    p1 = set(zip(c1.i[c1.mutual].tolist(), c1.j[c1.mutual].tolist()))
    p2 = set(zip(c2.j[c2.mutual].tolist(), c2.i[c2.mutual].tolist()))
    assert p1 == p2
    assert p1 == {(i, 19 - i) for i in range(20)}


def test_cover_places_target_only_sentences_where_they_fall() -> None:
    """The one bead orderer: a target gap goes before the first bead whose targets follow it."""
    beads = cover([Bead((0,), (0,), 0.9), Bead((2,), (3,), 0.8)], 3, 5)
    assert [(b.src, b.tgt) for b in beads] == [
        ((0,), (0,)), ((1,), ()), ((), (1,)), ((), (2,)), ((2,), (3,)), ((), (4,)),
    ]


@settings(max_examples=30, deadline=None)
@given(n=st.integers(0, 25), m=st.integers(0, 25), seed=st.integers(0, 10_000), shared=st.floats(0, 1))
def test_every_sentence_in_exactly_one_bead(n: int, m: int, seed: int, shared: float) -> None:
    rng = np.random.default_rng(seed)
    src = _sentences(n, rng) if n else np.zeros((0, DIM), np.float32)
    tgt = _sentences(m, rng) if m else np.zeros((0, DIM), np.float32)
    k = int(min(n, m) * shared)
    if k:
        tgt[:k] = _translate(src[rng.choice(n, k, replace=False)], rng)
    beads = _run(src, tgt)
    _check_cover(beads, n, m)
    assert beads == _run(src, tgt)  # deterministic


def _long_texts(n: int, word: str, size: int) -> list[str]:
    return [f"{word} {i:03d} " + "x" * size for i in range(n)]


def test_a_sentence_is_not_paired_with_a_heading() -> None:
    rng = np.random.default_rng(8)
    v = _sentences(30, rng)
    src = _long_texts(30, "pangungusap", 100)
    tgt = _long_texts(30, "sentence", 80)
    tgt[5] = "The Revolution"  # same vector, but a heading no translation of src[5] could be
    beads = align_comparable(src, tgt, v, _translate(v, rng, 0.05), src_lang="tl", tgt_lang="en")
    pairs = {(b.src, b.tgt) for b in beads if not b.is_gap}
    assert ((5,), (5,)) not in pairs
    assert len(pairs) == 29


def test_loosely_related_documents_need_a_fact_beside_the_vectors() -> None:
    # One topic, each sentence its own direction: unrelated pairs all sit at cosine 0.8.
    both = _unit(np.hstack([np.full((80, 1), 0.8 ** 0.5), 0.2 ** 0.5 * np.eye(80)]))
    src, tgt = both[:40], both[40:].copy()
    tgt[7] = src[12]  # the only pair the vectors are sure of
    st_, tt_ = _long_texts(40, "pangungusap", 60), _long_texts(40, "sentence", 50)
    beads = align_comparable(st_, tt_, src, tgt, src_lang="tl", tgt_lang="en")
    assert [b for b in beads if not b.is_gap] == []  # a lone vector match may be chance
    st_[12] += " noong 1902"
    tt_[7] += " in 1902"
    beads = align_comparable(st_, tt_, src, tgt, src_lang="tl", tgt_lang="en")
    assert [(b.src, b.tgt) for b in beads if not b.is_gap] == [((12,), (7,))]


def _facts_docs(identical: int) -> tuple[list[str], list[str], np.ndarray, np.ndarray]:
    """40 on-topic sentences a side (cosine 0.8), the first `identical` pairs the same vector,
    and (30, 33) a little closer (0.82) with two shared distinctive numbers."""
    both = _unit(np.hstack([np.full((80, 1), 0.8 ** 0.5), 0.2 ** 0.5 * np.eye(80)]))
    src, tgt = both[:40], both[40:].copy()
    tgt[:identical] = src[:identical]
    tgt[33] = _unit(src[30] * 0.1 + tgt[33] * 0.9)
    st_, tt_ = _long_texts(40, "pangungusap", 60), _long_texts(40, "sentence", 50)
    st_[30] += " noong 1902 at 1917"
    tt_[33] += " in 1902 and 1917"
    return st_, tt_, src, tgt


def _pair(cand, i: int, j: int) -> int:
    return int(np.flatnonzero((cand.i == i) & (cand.j == j))[0])


def test_shared_facts_lift_a_pair_only_in_loosely_related_documents() -> None:
    """Where documents share translated text the vectors already carry the numbers; the bonus
    would only lift on-topic neighbours. Loose equivalents need it."""
    from aligner.align.config import ALL_SIGNALS

    for identical, loose in ((0, True), (20, False)):
        st_, tt_, sv, tv = _facts_docs(identical)
        cand, _, _ = mine(sv, tv, src_texts=st_, tgt_texts=tt_, signals=ALL_SIGNALS, src_lang="tl", tgt_lang="en")
        p = _pair(cand, 30, 33)
        assert cand.loose is loose
        if loose:
            assert cand.facts[p] == 2 and cand.conf[p] > cand.vector_conf[p] + 0.2
        else:
            assert cand.conf[p] == cand.vector_conf[p]


def test_clauses_are_embedded_only_where_they_can_change_what_is_kept(monkeypatch) -> None:
    """In loosely related documents only corroborated pairs are kept, so only their clauses and
    those of rivals for their sentences are worth embedding; the kept pairs stay the same."""
    from aligner.align import evidence as ev
    from aligner.align.config import ALL_SIGNALS, EvidenceConfig

    st_, tt_, sv, tv = _facts_docs(0)
    rng = np.random.default_rng(3)
    noise = 0.004 * np.asarray(rng.normal(size=(2, *sv.shape)))
    sv, tv = _unit(sv + noise[0]), _unit(tv + noise[1])
    st_ = [f"{t}, at isang mahabang sugnay na tungkol sa iba pang bagay {i}" for i, t in enumerate(st_)]
    tt_ = [f"{t}, and a long clause about some other matter {j}" for j, t in enumerate(tt_)]
    table = {c: _unit(np.asarray(rng.normal(size=sv.shape[1]))) for t in st_ + tt_ for c in ev.clauses(t, EvidenceConfig())}
    table[ev.clauses(st_[30])[0]] = tv[33]  # the shared clause

    def run() -> tuple[list[tuple[tuple[int, ...], tuple[int, ...]]], list[str]]:
        asked: list[str] = []

        def embed(texts: list[str]) -> np.ndarray:
            asked.extend(texts)
            return np.stack([table[t] for t in texts])

        beads = align_comparable(st_, tt_, sv, tv, embed=embed, src_lang="tl", tgt_lang="en")
        return [(b.src, b.tgt) for b in beads if not b.is_gap], asked

    kept, asked = run()
    cand, _, _ = mine(sv, tv, src_texts=st_, tgt_texts=tt_, signals=ALL_SIGNALS, src_lang="tl", tgt_lang="en")
    rivals = {int(i) for i, j in zip(cand.i, cand.j) if j == 33} | {30}
    rivals_t = {int(j) for i, j in zip(cand.i, cand.j) if i == 30} | {33}
    allowed = {c for i in rivals for c in ev.clauses(st_[i])} | {c for j in rivals_t for c in ev.clauses(tt_[j])}
    assert asked and set(asked) <= allowed
    assert kept == [((30,), (33,))]
    monkeypatch.setattr(ev, "clause_can_matter", lambda ci, cj, keepable, n, m: np.ones(len(ci), dtype=bool))
    every_kept, every_asked = run()
    assert every_kept == kept
    assert len(set(every_asked)) > 3 * len(set(asked))  # the work saved


def test_a_clause_can_matter_for_a_keepable_pair_and_its_rivals_only() -> None:
    from aligner.align import evidence as ev

    ci, cj = np.array([0, 0, 1, 2, 3]), np.array([0, 1, 0, 2, 3])
    keepable = np.array([True, False, False, False, False])
    assert ev.clause_can_matter(ci, cj, keepable, 4, 4).tolist() == [True, True, True, False, False]


def _restated_docs(identical: int) -> tuple[list[str], list[str], np.ndarray, np.ndarray]:
    """The loose documents above, with one fact (two numbers) stated twice on the source side
    (35 and its restatement 38) and once on the target side (36)."""
    both = _unit(np.hstack([np.full((80, 1), 0.8 ** 0.5), 0.2 ** 0.5 * np.eye(80)]))
    src, tgt = both[:40], both[40:].copy()
    tgt[:identical] = src[:identical]
    tgt[36] = src[35]
    src[38] = _unit(0.8 * src[35] + 0.2 * src[38])
    st_, tt_ = _long_texts(40, "pangungusap", 60), _long_texts(40, "sentence", 50)
    for i in (35, 38):
        st_[i] += " noong 1897 at 1900"
    tt_[36] += " in 1897 and 1900"
    return st_, tt_, src, tgt


def test_a_fact_stated_twice_gives_two_pairs_in_loosely_related_documents() -> None:
    """Both restatements pair with the one sentence (two 1-1 TUs), and every other sentence is
    still in exactly one bead; documents that share translated text keep one partner each."""
    from aligner.align.config import DEFAULT_CONFIG

    st_, tt_, sv, tv = _restated_docs(0)
    beads = align_comparable(st_, tt_, sv, tv, src_lang="tl", tgt_lang="en")
    assert [(b.src, b.tgt) for b in beads if not b.is_gap] == [((35,), (36,)), ((38,), (36,))]
    assert sorted(i for b in beads for i in b.src) == list(range(40))
    assert sorted(j for b in beads for j in b.tgt) == sorted([*range(40), 36])
    off = replace(DEFAULT_CONFIG, comparable=replace(DEFAULT_CONFIG.comparable, second_partners=False))
    beads = align_comparable(st_, tt_, sv, tv, src_lang="tl", tgt_lang="en", config=off)
    assert [(b.src, b.tgt) for b in beads if not b.is_gap] == [((35,), (36,))]
    st_, tt_, sv, tv = _restated_docs(20)
    pairs = [(b.src, b.tgt) for b in align_comparable(st_, tt_, sv, tv, src_lang="tl", tgt_lang="en")
             if not b.is_gap]
    assert ((35,), (36,)) in pairs and ((38,), (36,)) not in pairs
    assert len({b[1] for b in pairs}) == len(pairs)


def test_the_orderer_allows_a_repeat_only_as_two_one_to_one_pairs() -> None:
    from aligner.align.order import order_beads

    twins = [Bead((0,), (0,), 0.9), Bead((1,), (0,), 0.8), Bead((2,), (1,), 0.7)]
    assert [(b.src, b.tgt) for b in order_beads(twins, 3, 2)] == [((0,), (0,)), ((1,), (0,)), ((2,), (1,))]
    for bad in ([Bead((0, 1), (0,)), Bead((2,), (0,)), Bead((), (1,))],  # a merge shares a sentence
                [Bead((0,), (0,)), Bead((1,), (0,)), Bead((2,), (0,)), Bead((), (1,))],  # three partners
                [Bead((0,), (0,)), Bead((0,), (0,)), Bead((1,), (1,)), Bead((2,), ())]):  # one pair twice
        with pytest.raises(AssertionError):
            order_beads(bad, 3, 2)


def test_a_moved_sentence_is_kept_and_a_far_near_duplicate_is_not() -> None:
    """Both break a parallel stretch alone. A near duplicate (TICO repeats passages) steals the
    partner of the sentence it copies, which takes it back once the duplicate is struck; a moved
    sentence has no rival, so it stands as a pair on its own."""
    rng = np.random.default_rng(4)
    src = _sentences(40, rng)
    tgt = _translate(src, rng)
    order = [*range(20), *range(21, 40), 20]  # source 20's translation moved to the end
    beads = _run(src, tgt[order])
    pairs = {(b.src, b.tgt) for b in beads if not b.is_gap}
    assert ((20,), (39,)) in pairs and len(pairs) == 40
    dup = src.copy()
    dup[30] = _unit(tgt[10] + 0.01 * _unit(rng.normal(size=DIM)))  # a copy of 10, closer to its partner
    keep = [j for j in range(40) if j != 30]  # the duplicate's own partner is missing
    beads = _run(dup, tgt[keep])
    pairs = {(b.src, b.tgt) for b in beads if not b.is_gap}
    assert ((10,), (10,)) in pairs and not any(30 in s for s, _ in pairs)


def test_two_fairly_sure_pairs_in_order_vouch_for_each_other() -> None:
    """A moved section of two sentences has no anchor: its two pairs keep each other, but only
    side by side in the same order, each at chain_conf or more, and never through a used sentence."""
    from aligner.align.comparable import Candidates, _chained
    from aligner.align.config import DEFAULT_CONFIG

    cc = DEFAULT_CONFIG.comparable
    ok, low = cc.chain_conf + 0.1, cc.chain_conf - 0.1
    pairs = [  # (i, j, vector confidence)
        (10, 20, ok), (12, 21, ok),  # side by side, in order: both kept
        (30, 40, ok), (31, 38, ok),  # crossing: neither
        (50, 60, low), (51, 61, ok),  # one below chain_conf: neither
        (70, 80, ok),  # alone: not kept
        (90, 95, ok), (91, 96, ok),  # in order, but source 91 is already aligned
    ]
    i, j, v = (np.array(x) for x in zip(*pairs))
    z = np.zeros(len(pairs))
    cand = Candidates(i=i, j=j, cos=z, margin=z, conf=v.astype(float), mutual=np.ones(len(pairs), dtype=bool),
                      vector_conf=v.astype(float), facts=z)
    used_src, used_tgt = np.zeros(100, dtype=bool), np.zeros(100, dtype=bool)
    used_src[91] = True
    got = _chained(cand, np.arange(len(pairs)), used_src, used_tgt, cc)
    assert sorted((b.src, b.tgt) for b in got) == [((10,), (20,)), ((12,), (21,))]
    assert [b.score for b in got] == [ok, ok]
    assert used_src[[10, 12]].all() and used_tgt[[20, 21]].all() and not used_src[[30, 31, 50, 51, 70, 90]].any()


def test_a_merge_the_vectors_are_not_sure_of_keeps_only_its_best_part(monkeypatch) -> None:
    """A many-to-one bead that fits the lengths better still needs merge_keep_conf: below it the
    bead calibration scores a merge under one half, and its best 1-1 part is kept instead."""
    from typing import Any

    from aligner.align import comparable as C
    from aligner.align.config import DEFAULT_CONFIG

    cc = replace(DEFAULT_CONFIG.comparable, keep_conf=0.15, merge_keep_conf=0.9)
    unused: Any = None  # vectors, neighbourhoods and fit: _bead_conf below stands in for them

    class Lengths:  # the merge fits the lengths far better than either 1-1 part
        @staticmethod
        def misfit(src: tuple[int, ...], tgt: tuple[int, ...]) -> float:
            return 0.0 if len(tgt) == 2 else 1.0

    lengths: Any = Lengths()

    def bead_conf(merged: float):
        parts = {((0,), (0,)): (0.86, 0.6), ((0,), (1,)): (0.70, 0.01)}
        return lambda src, tgt, *_: (0.87, merged) if len(tgt) == 2 else parts[(tuple(src), tuple(tgt))]

    def accept(config) -> tuple:
        b = C._accept((0,), (0, 1), unused, unused, unused, unused, lengths, config, unused)
        assert b is not None
        return b.src, b.tgt, b.score

    got = {}
    for merged in (0.95, 0.9, 0.89, 0.5):
        monkeypatch.setattr(C, "_bead_conf", bead_conf(merged))
        got[merged] = accept(cc)
    assert got[0.95] == ((0,), (0, 1), 0.95) and got[0.9] == ((0,), (0, 1), 0.9)
    assert got[0.89] == got[0.5] == ((0,), (0,), 0.6)
    monkeypatch.setattr(C, "_bead_conf", bead_conf(0.5))
    assert accept(replace(cc, merge_keep_conf=0.0))[:2] == ((0,), (0, 1))  # the rule off: keep_conf alone
