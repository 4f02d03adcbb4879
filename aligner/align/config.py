"""Every tunable number of the aligner, in one frozen configuration passed explicitly.

Scripts make variants with ``dataclasses.replace`` instead of patching module
globals, and :meth:`AlignConfig.digest` names the configuration in run
signatures and TMX headers, so an output always says which numbers made it.
Each field says where its value comes from.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class ScoreParams:
    """Knobs of the parallel bead score; set on Text+Berg dev and FLORES dev scenarios (issue 3)."""

    gap_cost: float = 0.0  # subtracted from every pair bead: the price of claiming a pair
    gap_penalty: float = 0.1  # per sentence left in a 1-0 or 0-1 bead
    len_weight: float = 0.3  # weight of |log length ratio| subtracted from the cosine
    len_smooth: float = 20.0  # characters added to both lengths so short lines are not over-penalised
    merge_cost: float = 0.0  # per sentence beyond 1-1, so ties go to the simpler bead
    min_sim: float = 0.0  # centred cosine below which sentences are never paired
    margin: float = 0.3  # weight of the neighbourhood level subtracted from the cosine
    margin_k: int = 4
    conf_center: float = 0.26  # centred cosine that maps to raw score 0.5 (before calibration)
    conf_scale: float = 0.06
    min_rows_for_mean: int = 8  # a side with fewer live rows borrows the pooled mean


@dataclass(frozen=True)
class ParallelConfig:
    """The two-pass banded aligner (after Bertalign); shapes a-b with a + b <= max_bead + 1."""

    max_bead: int = 4  # Bertalign's default
    top_k: int = 3  # Bertalign's default
    window: int = 5  # Bertalign's default
    anchor_floor: float = 0.2  # centred cosine under which a top-k pair cannot anchor (FLORES dev)
    refine: bool = True  # embed the real concatenation of chosen multi-sentence beads
    # Split a pair bead where the calibration expects more correct sentences from its parts
    # (1-1 pairs and gaps): the DP glued lone sentences into neighbours' beads (TICO gaps family).
    split: bool = True
    # Centred cosine by which a 1-1 part must beat its merged bead before the merge may be split
    # (TICO: true merges gain 0.06 on their best part, 5th percentile -0.014; glues lose 0.02-0.25).
    split_slack: float = 0.02
    full_search_cells: int = 9_000_000  # above n*m this, pass 1 searches a band (memory, not quality)
    skeleton_samples: int = 2000  # sampled rows of the mutual-best skeleton (scaling bench)
    score: ScoreParams = ScoreParams()


@dataclass(frozen=True)
class Signals:
    """Which evidence beside the vector margin comparable mode uses (all on; off for ablations)."""

    numbers: bool = True
    names: bool = True
    clauses: bool = True
    neighbours: bool = True


ALL_SIGNALS = Signals()
NO_SIGNALS = Signals(False, False, False, False)


@dataclass(frozen=True)
class ComparableConfig:
    """Margin mining with anchors; thresholds from calibrate.py, tune_comparable.py (TICO) and the corpus."""

    k: int = 4  # neighbours of the ratio margin (Artetxe & Schwenk 2019)
    anchor_conf: float = 0.9  # mined pairs this sure anchor the block DP
    keep_conf: float = 0.15  # below this a pair between two agreeing anchors stays unaligned
    # ... at an anchor share of keep_share_ref; the need moves with the share in log odds (TICO grid)
    keep_share_slope: float = 2.0
    keep_share_ref: float = 0.5
    isolated_conf: float = 0.9  # a pair no anchor around it supports must be this sure
    neighbour_window: int = 4  # sentences either way in which a kept pair vouches for a neighbour
    # Two unaligned mutual pairs this sure, next to each other in the same order, vouch for each
    # other: a short moved section with no sure pair in it. TICO grid (comparable): 0.3 strict F1
    # summed over 81 rows +0.036, 0.1 +0.023 (losses on insert s0.35); reordered scenario tl-en
    # +0.007, ne-en +0.005, tl-ne unchanged.
    chain_conf: float = 0.3
    max_parallel_gap: int = 12  # longest stretch between anchors still treated as locally parallel
    # An anchor run this short that breaks a parallel stretch is a far near-duplicate (TICO grid)
    outlier_run: int = 2
    merge_slack: float = 0.01  # cosine a many-to-one bead may lose against its best 1-1 part
    merge_length_gain: float = 0.25  # |log length ratio| a merge must improve on its best 1-1 part
    # Mined confidence a many-to-one bead needs at anchor share keep_share_ref, moving with the
    # share as keep_conf does (keep_conf is for 1-1 pairs). Below about 0.95 the bead calibration
    # scores a merge under 0.5, and on the TICO grid (comparable, 81 rows) 128 of the 177 merges
    # scored under 0.5 were wrong. Strict F1 summed over the rows, fixed need: +0.034 at 0.5,
    # +0.118 at 0.8, +0.152 at 0.9, +0.158 at 0.95, +0.160 at 0.97, -0.098 with no merge (1.01);
    # 0.9 moved with the share (slope 1 / 2): +0.164 / +0.186.
    merge_keep_conf: float = 0.9
    min_sure_share: float = 0.05  # vector-sure share of the smaller side below which documents are loose
    # Vector confidence one shared fact may confirm in loosely related documents. Read off the corpus
    # gold (the only loose documents with a gold; no grid family is loose): its two true one-fact
    # pairs past 0.9 with evidence sit at 0.33 and 0.43 from the vectors, its related one at 0.25;
    # 0.7 dropped both true pairs (eval_corpus_pairs.py: tl-ne 5/5 kept right -> 7/7).
    corroborated_vector_conf: float = 0.3
    corroborate_loose: bool = True  # in loosely related documents a pair needs two signals
    # Stand-alone pair rule: floor and |length z|, chosen on held-out TICO by tune_comparable.py.
    length_agreed_conf: float = 0.75
    length_agree_z: float = 1.5
    # A best partner further than length_rank_z0 sd from translations' length ratio costs this much
    # margin per sd: the weight ratio fitted by calibrate.py --length-penalty.
    length_rank_penalty: float = 0.013
    length_rank_z0: float = 2.5
    # In loosely related documents, a sentence whose fact the other version states twice gets a
    # second 1-1 pair (issue 10; corpus gold: the Tagalog article gives Lenin's 1897 exile twice,
    # tl-ne 7/7 kept right -> 8/8). Off for ablations.
    second_partners: bool = True
    block_rows: int = 256  # k-NN rows per matrix product (memory, not quality)
    signals: Signals = ALL_SIGNALS


@dataclass(frozen=True)
class EvidenceConfig:
    """Cheap cross-lingual evidence (numbers, names, clauses); set by reading the corpus pairs."""

    number_bonus: float = 0.02  # margin per shared distinctive number, at most two
    name_bonus: float = 0.015  # margin per shared distinctive name, at most two
    clause_penalty: float = 0.04  # a clause match explains only part of the sentence
    floor: float = 0.02  # vector confidence a pair needs before evidence may lift it
    max_distinct: int = 3  # a number or name in more sentences than this on a side is common
    name_distance: float = 0.3  # normalised edit distance under which two name keys match
    long_sentence: int = 100  # characters; shorter sentences are not split into clauses
    min_clause: int = 25  # characters; shorter clauses are glued to a neighbour


@dataclass(frozen=True)
class Calibration:
    """Logistic weights over (margin - 1) and cosine; fitted by scripts/calibrate.py."""

    bias: float
    w_margin: float
    w_cos: float


@dataclass(frozen=True)
class BeadFit:
    """Logistic weights (bias first) over one mode's features of one kind of bead ("pair" or "gap")."""

    mode: str
    kind: str
    weights: tuple[float, ...]


@dataclass(frozen=True)
class CalibrationConfig:
    """How raw margins become confidences, and what translations' lengths look like."""

    # Fitted by scripts/calibrate.py on TICO-19 / FLORES on-topic drop scenarios (6,280 mined pairs).
    margin_fit: Calibration = Calibration(bias=-3.54, w_margin=177.69, w_cos=0.0)
    # Similarity of a sentence to unrelated on-topic sentences with e5-small; pads the k-NN of
    # short documents so that a one-sentence side does not make every margin exactly 1.
    background_sim: float = 0.80
    # Mean and sd of log(target chars / source chars) over the 992 true FLORES dev pairs
    # (scripts/calibrate.py --lengths).
    length_log_ratio: tuple[tuple[str, str, float, float], ...] = (
        ("tl", "en", -0.227, 0.127),
        ("ne", "en", 0.037, 0.143),
        ("tl", "ne", -0.264, 0.158),
    )
    # No FLORES dev true pair lies further than 5.5 sd from its pair's mean; a sentence paired
    # with a heading lies 7-12 away.
    length_z: float = 6.0
    # P(bead correct) per mode and kind of bead, over calibrate.bead_features: fitted by
    # scripts/calibrate.py --beads on the TICO-19 grid families (FLORES dev stays the test).
    # A (mode, kind) without a fit keeps the mode's raw score.
    # Features: calibrate.bead_features. Fitted on 27 TICO cells (partial 1.0x1.0, 1.0x0.85, 0.85x0.85,
    # 0.7x0.5, 0.5x0.7, 0.5x0.5, 0.35x0.35, 1.0x0.35; shuffled 1.0x1.0, 0.85x0.85, 0.7x0.5, 0.35x0.35;
    # merge 1.0, 0.85, 0.7x0.5, 0.35; insert 0.85, 0.7x0.5, 0.35; all five gaps; small clean, gap,
    # partial) x 3 pairs, 189,691 beads, merged beads scored from summed vectors (--no-refine).
    beads: tuple[BeadFit, ...] = (
        # Pair fit refitted on the same cells and protocol (scripts/calibrate_beads.py --modes parallel
        # --no-refine, 90,903 beads) when it gained the bead's length deviation (calibrate.bead_features):
        # the split test had cut true merges whose 1-1 part looked as alike as the whole bead
        # (docs/results.md, "Lengths in the pair fit").
        BeadFit("parallel", "pair", (-2.7926, 25.3958, -21.9272, -14.3163, -15.0354, 4.306, 12.426, -3.3188, -6.4694)),
        # Refitted on the same cells (scripts/calibrate_beads.py --modes parallel --no-refine, 90,950
        # beads) when the gap features gained how far a sentence's best match in the whole other
        # document beats its best in the window: forced parallel on shuffled articles, ECE of the
        # unsplit beads 0.079 -> 0.045 (TICO), 0.129 -> 0.041 (FLORES); the pair fit refitted to the
        # same weights.
        BeadFit("parallel", "gap", (0.9875, -18.4447, 22.5062, 7.8093, 8.0163, -23.4028)),
        BeadFit("comparable", "pair", (3.4083, 0.4159, -4.5719, -7.3913)),
        BeadFit("comparable", "gap", (1.234, -0.3015, 9.8319)),
        # P(a sentence has no counterpart) over calibrate.lone_features, fitted on every sentence
        # of the same 27 TICO cells (163,240; scripts/calibrate_beads.py --lone): the split test's
        # judge of a sentence that sits in a pair bead, which the gap fit never saw.
        BeadFit("parallel", "lone", (7.4776, -33.356, 25.4676, 8.538, -2.2257)),
    )


@dataclass(frozen=True)
class ModeChoiceConfig:
    """How auto mode chooses: it runs each mode and keeps the one whose calibrated beads put
    more sentences in correct beads (expected); a later mode must win by ``margin`` per sentence."""

    modes: tuple[str, ...] = ("parallel", "comparable")
    margin: float = 0.0
    # Expected correct sentences per sentence by which another mode may lead parallel run
    # without its merged beads embedded, beyond which embedding them cannot change the choice:
    # embedding them moved parallel's expectation by at most 0.064 per sentence on TICO merge
    # cells (tl-en s1.00/0.85/0.70) and 0.065 on the FLORES comparable scenario (tl-en), where
    # comparable leads by 0.17-0.18 before and 0.11-0.14 after; on the corpus pairs it leads by
    # 0.42-0.60. At 0.2 those FLORES documents embedded 1.31-1.40 tokens per token of text.
    # (The choice runs parallel without its split test; see api.align_each.)
    refine_lead: float = 0.1


@dataclass(frozen=True)
class AlignConfig:
    """The whole aligner's numbers; ``AlignConfig()`` is what the CLI runs."""

    parallel: ParallelConfig = ParallelConfig()
    comparable: ComparableConfig = ComparableConfig()
    evidence: EvidenceConfig = EvidenceConfig()
    calibration: CalibrationConfig = CalibrationConfig()
    mode_choice: ModeChoiceConfig = ModeChoiceConfig()

    def digest(self) -> str:
        """12 hex digits naming every number above (sha256 of its canonical JSON)."""
        text = json.dumps(asdict(self), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


DEFAULT_CONFIG = AlignConfig()
