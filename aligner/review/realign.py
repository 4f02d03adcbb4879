"""Alignments with a person's decisions in them.

``apply_links`` lays decisions over an existing alignment (what the review app
shows and the TMX export writes). ``align_anchored`` is what a re-run does:
confirmed and related links stay fixed, and the unchanged aligner runs on each
stretch between consecutive fixed links, so a correction near the top cannot be
undone by the aligner and an error cannot spread past a confirmed link. Pairs
in comparable mode (content out of order) are not cut: their unfixed sentences
are aligned in one piece around the fixed links.

Rejected links never come back: a bead that pairs sentences of a rejected link
with each other is broken into one-sided gaps (the sentences stay visible, so a
reviewer can re-link them to another partner). Re-aligning the stretch without
that pairing would need a constraint inside the aligner, which it does not offer.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

import numpy as np

from aligner.review.state import CLAIMS, Link
from aligner.types import Alignment, Bead, ReviewInfo


def _gaps(bead: Bead) -> list[Bead]:
    return [Bead((i,), (), bead.score) for i in bead.src] + [Bead((), (j,), bead.score) for j in bead.tgt]


def _rejected(bead: Bead, rejections: Sequence[Link]) -> bool:
    return any(set(bead.src).intersection(r.src) and set(bead.tgt).intersection(r.tgt) for r in rejections)


def _twins(alignment: Alignment, claims: Sequence[Link]) -> list[Bead]:
    """Beads that share one sentence with a confirmed bead of the same alignment, and no
    sentence with any other claim: the second 1-1 pair of a fact one version states twice
    (``comparable._second_partners``), which confirming its twin does not contradict."""
    keys = {(b.src, b.tgt) for b in alignment.beads}
    confirmed = [ln for ln in claims if ln.key in keys and len(ln.src) == 1 == len(ln.tgt)]
    out = []
    for b in alignment.beads:
        if len(b.src) != 1 or len(b.tgt) != 1:
            continue
        over = [ln for ln in claims if set(ln.src) & set(b.src) or set(ln.tgt) & set(b.tgt)]
        if over and all(ln in confirmed and (ln.src == b.src) != (ln.tgt == b.tgt) for ln in over):
            out.append(b)
    return out


def _ordered(beads: Sequence[Bead], n: int, m: int) -> list[Bead]:
    """In order, without the gap beads of sentences a pair still holds: breaking one of two
    pairs that share a sentence leaves that sentence with its other partner."""
    from aligner.align import order_beads

    held_s = {i for b in beads if not b.is_gap for i in b.src}
    held_t = {j for b in beads if not b.is_gap for j in b.tgt}
    return order_beads([b for b in beads if not (b.is_gap and (held_s.intersection(b.src)
                                                               or held_t.intersection(b.tgt)))], n, m)


def apply_links(alignment: Alignment, links: Sequence[Link]) -> Alignment:
    """The alignment as the reviewer left it.

    A confirmed or related link replaces every bead it shares a sentence with;
    what is left of those beads becomes one-sided gaps. Beads pairing rejected
    sentences become gaps too.
    """
    if not links:
        return alignment
    claims = [ln for ln in links if ln.status in CLAIMS]
    rejections = [ln for ln in links if ln.status == "rejected"]
    claimed_s = {i for ln in claims for i in ln.src}
    claimed_t = {j for ln in claims for j in ln.tgt}
    scores = {(b.src, b.tgt): b.score for b in alignment.beads}
    twins = set(_twins(alignment, claims))
    beads: list[Bead] = []
    for bead in alignment.beads:
        if bead in twins and not _rejected(bead, rejections):
            beads.append(bead)
        elif claimed_s.intersection(bead.src) or claimed_t.intersection(bead.tgt):
            beads += [g for g in _gaps(bead) if not (claimed_s.intersection(g.src) or claimed_t.intersection(g.tgt))]
        elif not bead.is_gap and _rejected(bead, rejections):
            beads += _gaps(bead)
        else:
            beads.append(bead)
    for ln in claims:
        score = ln.score if ln.score is not None else scores.get(ln.key, 0.0)
        beads.append(Bead(ln.src, ln.tgt, float(score)))
    return Alignment(tuple(_ordered(beads, alignment.n_src, alignment.n_tgt)), alignment.n_src,
                     alignment.n_tgt, alignment.mode, alignment.info)


def chain(claims: Sequence[Link]) -> list[Link]:
    """The longest run of fixed links increasing on both sides (the stretch boundaries).

    Links off the chain (moved content in comparable texts) stay fixed too; they
    only do not cut the documents into stretches.
    """
    items = sorted((ln for ln in claims if ln.src and ln.tgt), key=lambda ln: (min(ln.src), min(ln.tgt)))
    best: list[list[Link]] = []
    for k, ln in enumerate(items):
        prev = [best[q] for q in range(k) if max(items[q].src) < min(ln.src) and max(items[q].tgt) < min(ln.tgt)]
        base = max(prev, key=len) if prev else []
        best.append([*base, ln])
    return max(best, key=len) if best else []


AlignFn = Callable[..., Alignment]


def align_anchored(src: Sequence[str], tgt: Sequence[str], src_vecs: np.ndarray, tgt_vecs: np.ndarray,
                   links: Sequence[Link], *, align: AlignFn, mode: str = "auto", **kwargs) -> Alignment:
    """Align around fixed links: the same ``align`` on every stretch between them.

    The whole pair is aligned once first, as without a review, for the mode
    (auto mode's choice then holds for every stretch) and as the answer when
    nothing is fixed. In comparable mode the unfixed sentences are aligned in
    one piece (order carries no meaning there).
    """
    n, m = len(src), len(tgt)
    whole = align(src, tgt, src_vecs=src_vecs, tgt_vecs=tgt_vecs, mode=mode, **kwargs)
    claims = [ln for ln in links if ln.status in CLAIMS]
    if not claims:
        return apply_links(whole, links)
    claimed_s = {i for ln in claims for i in ln.src}
    claimed_t = {j for ln in claims for j in ln.tgt}
    # Comparable texts share content out of order: cutting them at the fixed links would
    # forbid every moved link, so the rest is aligned in one piece around them instead.
    cuts = chain(claims) if whole.mode != "comparable" else []
    beads: list[Bead] = []
    lo_s, lo_t = 0, 0
    stretches = 0
    for ln in [*cuts, None]:
        hi_s = min(ln.src) if ln is not None else n
        hi_t = min(ln.tgt) if ln is not None else m
        sub_s = [i for i in range(lo_s, hi_s) if i not in claimed_s]
        sub_t = [j for j in range(lo_t, hi_t) if j not in claimed_t]
        if sub_s or sub_t:
            stretches += 1
            part = align([src[i] for i in sub_s], [tgt[j] for j in sub_t],
                         src_vecs=src_vecs[sub_s], tgt_vecs=tgt_vecs[sub_t], mode=whole.mode, **kwargs)
            for b in part.beads:
                beads.append(Bead(tuple(sub_s[i] for i in b.src), tuple(sub_t[j] for j in b.tgt), b.score))
        if ln is not None:
            lo_s, lo_t = max(ln.src) + 1, max(ln.tgt) + 1
    # Sentences claimed by no stretch: between a chain link's first and last sentence.
    covered_s = claimed_s | {i for b in beads for i in b.src}
    covered_t = claimed_t | {j for b in beads for j in b.tgt}
    beads += [Bead((i,), (), 0.0) for i in range(n) if i not in covered_s]
    beads += [Bead((), (j,), 0.0) for j in range(m) if j not in covered_t]
    scores = {(b.src, b.tgt): b.score for b in whole.beads}
    for ln in claims:
        score = ln.score if ln.score is not None else scores.get(ln.key, 0.0)
        beads.append(Bead(ln.src, ln.tgt, float(score)))
    rejections = [ln for ln in links if ln.status == "rejected"]
    # A confirmed pair's twin in the whole alignment survives the re-alignment if its other
    # sentence came out of it alone.
    for twin in _twins(whole, claims):
        alone = Bead((), twin.tgt) if twin.src[0] in claimed_s else Bead(twin.src, ())
        at = [k for k, b in enumerate(beads) if (b.src, b.tgt) == (alone.src, alone.tgt)]
        if at and not _rejected(twin, rejections):
            beads[at[0]] = twin
    out: list[Bead] = []
    for b in beads:
        fixed = b.src and b.tgt and (claimed_s.intersection(b.src) or claimed_t.intersection(b.tgt))
        out += _gaps(b) if (not fixed and not b.is_gap and _rejected(b, rejections)) else [b]
    info = replace(whole.info, mode_reason=(f"{whole.info.mode_reason or whole.mode}; {len(claims)} reviewed "
                                            f"link(s) kept, {stretches} stretch(es) re-aligned between them"),
                   review=ReviewInfo(fixed=len(claims), chain=len(cuts), stretches=stretches))
    return Alignment(tuple(_ordered(out, n, m)), n, m, whole.mode, info)




def without(alignment: Alignment, links: Sequence[Link], status: str = "related") -> Alignment:
    """The alignment with the beads of ``status`` links broken into gaps (what a TM may learn from)."""
    drop = {ln.key for ln in links if ln.status == status}
    if not drop:
        return alignment
    beads: list[Bead] = []
    for b in alignment.beads:
        beads += _gaps(b) if (b.src, b.tgt) in drop else [b]
    return Alignment(tuple(_ordered(beads, alignment.n_src, alignment.n_tgt)), alignment.n_src, alignment.n_tgt,
                     alignment.mode, alignment.info)


__all__ = ["align_anchored", "apply_links", "chain", "without"]
