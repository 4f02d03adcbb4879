"""Re-aligning around confirmed links with the unchanged aligner, on vectors made to order."""

from __future__ import annotations

import numpy as np

from aligner.align import align
from aligner.review.realign import align_anchored, apply_links, chain, without
from aligner.review.state import Link
from aligner.types import Alignment, Bead, ReviewInfo

RNG = np.random.default_rng(7)
N = 14
BASE = RNG.normal(size=(N, 32)).astype(np.float32)


def unit(v: np.ndarray) -> np.ndarray:
    return (v / np.linalg.norm(v, axis=-1, keepdims=True)).astype(np.float32)


SRC = [f"s{i}" for i in range(N)]
TGT = [f"t{i}" for i in range(N)]
VEC = {**{s: unit(BASE[i]) for i, s in enumerate(SRC)},
       **{t: unit(BASE[i] + 0.3 * RNG.normal(size=32)) for i, t in enumerate(TGT)}}


def embed(texts: list[str]) -> np.ndarray:
    return np.stack([unit(np.sum([VEC[w] for w in t.split()], axis=0)) for t in texts])


def vecs(texts):
    return embed(list(texts))


def covers_once(al: Alignment) -> bool:
    return (sorted(i for b in al.beads for i in b.src) == list(range(al.n_src))
            and sorted(j for b in al.beads for j in b.tgt) == list(range(al.n_tgt)))


def run(links, mode="parallel"):
    return align_anchored(SRC, TGT, vecs(SRC), vecs(TGT), links, align=align, mode=mode, embed=embed)


def test_without_links_the_result_is_the_plain_alignment():
    plain = align(SRC, TGT, embed=embed, src_vecs=vecs(SRC), tgt_vecs=vecs(TGT), mode="parallel")
    assert run([]).beads == plain.beads
    assert {(b.src, b.tgt) for b in plain.beads} == {((i,), (i,)) for i in range(N)}


def test_a_confirmed_link_stays_and_nothing_crosses_it():
    # A person links s5 to t8 (against the vectors): the rest must align on either side of it.
    al = run([Link((5,), (8,), "confirmed", 0.99, manual=True)])
    assert covers_once(al)
    assert Bead((5,), (8,), 0.99) in al.beads
    for b in al.beads:
        if b.src and b.tgt and b.src != (5,):
            assert (max(b.src) < 5) == (max(b.tgt) < 8), b
    kept = {(b.src, b.tgt) for b in al.beads}
    assert {((i,), (i,)) for i in range(5)} <= kept  # before the link: untouched
    assert {((i,), (i,)) for i in range(9, N)} <= kept  # after it
    assert al.info.review == ReviewInfo(fixed=1, chain=1, stretches=2)


def test_rejected_pairs_do_not_come_back():
    al = run([Link((3,), (3,), "rejected"), Link((7,), (7,), "confirmed")])
    assert covers_once(al)
    assert not any(3 in b.src and 3 in b.tgt for b in al.beads)
    assert Bead((3,), ()) in [Bead(b.src, b.tgt) for b in al.beads]


def test_crossing_links_stay_fixed_without_cutting_the_documents():
    links = [Link((2,), (2,), "confirmed"), Link((10,), (4,), "confirmed"), Link((6,), (6,), "related")]
    assert [ln.src for ln in chain(links)] == [(2,), (6,)]
    al = run(links, mode="comparable")
    assert covers_once(al)
    keys = {(b.src, b.tgt) for b in al.beads}
    assert {((2,), (2,)), ((10,), (4,)), ((6,), (6,))} <= keys


def test_apply_links_replaces_overlapping_beads_and_leaves_gaps():
    al = Alignment((Bead((0,), (0,), 0.9), Bead((1, 2), (1,), 0.8), Bead((3,), (2,), 0.7)), 4, 3)
    out = apply_links(al, [Link((2,), (2,), "confirmed", 0.95), Link((0,), (0,), "rejected")])
    assert [(b.src, b.tgt) for b in out.beads] == [((0,), ()), ((1,), ()), ((), (0,)), ((), (1,)),
                                                   ((2,), (2,)), ((3,), ())]
    assert covers_once(out)


def test_related_links_are_kept_out_of_what_a_tm_learns():
    al = Alignment((Bead((0,), (0,), 0.9), Bead((1,), (1,), 0.4)), 2, 2)
    out = without(al, [Link((1,), (1,), "related")])
    assert [(b.src, b.tgt) for b in out.beads] == [((0,), (0,)), ((1,), ()), ((), (1,))]


def test_confirming_one_of_two_partners_keeps_the_other():
    """s0 and s2 state the fact of t0 (two 1-1 beads share t0): confirming one pair does not
    contradict the other, and a rejection of one, or a correction, leaves t0 with the other."""
    al = Alignment((Bead((0,), (0,), 0.9), Bead((1,), (1,), 0.8), Bead((2,), (0,), 0.7)), 3, 2)
    out = apply_links(al, [Link((0,), (0,), "confirmed")])
    assert {(b.src, b.tgt) for b in out.beads} == {((0,), (0,)), ((1,), (1,)), ((2,), (0,))}
    out = apply_links(al, [Link((0,), (0,), "confirmed"), Link((2,), (0,), "rejected")])
    assert {(b.src, b.tgt) for b in out.beads} == {((0,), (0,)), ((1,), (1,)), ((2,), ())}
    out = apply_links(al, [Link((0,), (1,), "confirmed", manual=True)])  # s0's partner was wrong
    assert {(b.src, b.tgt) for b in out.beads} == {((0,), (1,)), ((1,), ()), ((2,), (0,))}
    out = without(al, [Link((0,), (0,), "related")])  # t0 keeps its other partner
    assert {(b.src, b.tgt) for b in out.beads} == {((0,), ()), ((1,), (1,)), ((2,), (0,))}


def test_a_rerun_keeps_the_twin_of_a_confirmed_pair():
    """The re-run aligns the unfixed sentences without the confirmed ones, so the second
    partner of a confirmed pair comes back from the whole alignment, not from its stretch."""
    twins = (Bead((0,), (0,), 0.9), Bead((1,), (1,), 0.8), Bead((2,), (0,), 0.7))

    def fake(src, tgt, **kwargs):
        if len(src) == 3:  # the whole pair
            return Alignment(twins, 3, 2, "comparable")
        return Alignment(tuple(Bead((i,), ()) for i in range(len(src))) + tuple(Bead((), (j,)) for j in range(len(tgt))),
                         len(src), len(tgt), "comparable")

    v = np.eye(3, dtype=np.float32)
    al = align_anchored(["a", "b", "c"], ["x", "y"], v, v[:2], [Link((0,), (0,), "confirmed")], align=fake)
    keys = {(b.src, b.tgt) for b in al.beads}
    assert {((0,), (0,)), ((2,), (0,))} <= keys and ((2,), ()) not in keys
