"""Summary figures for a TMX, computed in one streaming pass."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from tmx.parse import TuElement, iter_elements
from tmx.read import _to_unit


@dataclass(frozen=True)
class TmxStats:
    header: tuple[tuple[str, str], ...]
    n_tus: int
    langs: tuple[tuple[str, int], ...]  # (bcp47, segments)
    prop_types: tuple[tuple[str, int], ...]
    beads: tuple[tuple[str, int], ...]  # x-bead shapes
    n_scored: int
    score_min: float | None
    score_mean: float | None
    score_max: float | None
    n_with_note: int


def compute_stats(path: str | Path) -> TmxStats:
    path = Path(path)
    header: dict[str, str] = {}
    n = 0
    langs: Counter[str] = Counter()
    props: Counter[str] = Counter()
    beads: Counter[str] = Counter()
    total = 0.0
    lo = hi = None
    n_note = 0
    n_scored = 0
    for item in iter_elements(path):
        if isinstance(item, dict):
            header = item
            continue
        assert isinstance(item, TuElement)
        tu = _to_unit(path, item)
        n += 1
        langs.update(tu.langs)
        props.update(t for t, _ in tu.props)
        shape = tu.prop("x-bead")
        if shape:
            beads[shape] += 1
        if tu.note:
            n_note += 1
        score = tu.score
        if score is not None:
            n_scored += 1
            total += score
            lo = score if lo is None else min(lo, score)
            hi = score if hi is None else max(hi, score)
    return TmxStats(
        header=tuple(sorted(header.items())),
        n_tus=n,
        langs=tuple(sorted(langs.items())),
        prop_types=tuple(sorted(props.items())),
        beads=tuple(sorted(beads.items())),
        n_scored=n_scored,
        score_min=lo,
        score_mean=total / n_scored if n_scored else None,
        score_max=hi,
        n_with_note=n_note,
    )
