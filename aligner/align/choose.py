"""Auto mode's choice: run every mode and keep the one expected to be right more often.

Bead scores are calibrated probabilities (``calibrate.calibrate_beads``), so
the sum over beads of score x sentences in the bead is the number of sentences
each mode expects to have put in a correct bead (a pair that is a gold bead,
or a gap that truly has no counterpart). That is comparable across modes, which
summary statistics of the documents were not: they fell off a cliff on partly
translated articles.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from aligner.align.config import ModeChoiceConfig
from aligner.types import Bead


def expected_correct(beads: Sequence[Bead]) -> float:
    """Sentences expected in correct beads, under the calibration."""
    return float(sum(b.score * (len(b.src) + len(b.tgt)) for b in beads))


def choose_mode(candidates: Mapping[str, Sequence[Bead]], total: int, cfg: ModeChoiceConfig) -> tuple[str, str]:
    """(mode, reason): the first mode unless a later one expects more sentences right by ``cfg.margin``."""
    exp = {name: expected_correct(beads) for name, beads in candidates.items()}
    names = list(candidates)
    best = names[0]
    for name in names[1:]:
        if exp[name] > exp[best] + cfg.margin * total:
            best = name
    facts = ", ".join(f"{name} {exp[name]:.1f}" for name in names)
    return best, (f"{best}: expects more sentences in correct beads ({facts} of {total})" if best != names[0]
                  else f"{best}: expects at least as many sentences in correct beads ({facts} of {total})")
