"""The one bead orderer: every mode's beads leave the aligner in this order.

Beads with source sentences go in source order; a target-only gap goes right
before the first source bead whose targets come after it, so in monotone text
it sits where it falls in the target and in moved text near its neighbours.

A sentence is in exactly one bead, with one exception: where the other version
states its fact twice, it is in two 1-1 pairs, one per restatement (a second
partner, ``comparable._second_partners``), so a TM gets both TUs and the gap
diff sees both restatements covered.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from aligner.types import Bead


def order_beads(beads: Sequence[Bead], n: int, m: int) -> list[Bead]:
    """Check coverage and put beads in order.

    Raises if a sentence is missing, or repeated other than as the shared side
    of two 1-1 pairs: a silent hole would make the TMX and the gap report lie.
    """
    _check_cover(beads, n, m)
    pairs = sorted((b for b in beads if b.src), key=lambda b: (min(b.src), min(b.tgt, default=-1)))
    gaps_t = sorted((b for b in beads if not b.src), key=lambda b: min(b.tgt))
    out: list[Bead] = []
    gi = 0
    for b in pairs:
        if b.tgt:
            while gi < len(gaps_t) and min(gaps_t[gi].tgt) < min(b.tgt):
                out.append(gaps_t[gi])
                gi += 1
        out.append(b)
    out.extend(gaps_t[gi:])
    return out


def _check_cover(beads: Sequence[Bead], n: int, m: int) -> None:
    for side, size in (("src", n), ("tgt", m)):
        held: dict[int, list[Bead]] = {}
        for b in beads:
            for x in getattr(b, side):
                held.setdefault(x, []).append(b)
        if sorted(held) != list(range(size)):
            raise AssertionError("aligner produced beads that do not cover every sentence")
        for x, bs in held.items():
            if len(bs) > 1 and (len(bs) > 2 or (bs[0].src, bs[0].tgt) == (bs[1].src, bs[1].tgt)
                                or any(len(b.src) != 1 or len(b.tgt) != 1 for b in bs)):
                raise AssertionError(f"{side} sentence {x} is in {len(bs)} beads; only a sentence with two "
                                     "1-1 partners (a fact stated twice) may be in more than one")


def cover(pairs: Sequence[Bead], n_src: int, n_tgt: int,
          src_gap: np.ndarray | None = None, tgt_gap: np.ndarray | None = None) -> list[Bead]:
    """Add a gap bead for every sentence no pair holds (scored from ``src_gap``/``tgt_gap``), in order."""
    used_src = {i for b in pairs for i in b.src}
    used_tgt = {j for b in pairs for j in b.tgt}
    beads = list(pairs)
    beads += [Bead((i,), (), float(src_gap[i]) if src_gap is not None else 0.0)
              for i in range(n_src) if i not in used_src]
    beads += [Bead((), (j,), float(tgt_gap[j]) if tgt_gap is not None else 0.0)
              for j in range(n_tgt) if j not in used_tgt]
    return order_beads(beads, n_src, n_tgt)
