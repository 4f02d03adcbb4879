"""The aligner embeds beyond the documents only what can change its answer (issue 14)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from aligner.align import DEFAULT_CONFIG, align

DIM = 48


def _unit(x: np.ndarray) -> np.ndarray:
    return (x / np.linalg.norm(x, axis=-1, keepdims=True)).astype(np.float32)


class _Recording:
    """An encoder callback that answers from a table and records every text asked."""

    def __init__(self, table: dict[str, np.ndarray], rng: np.random.Generator):
        self.table, self.rng = table, rng
        self.asked: list[str] = []

    def __call__(self, texts: list[str]) -> np.ndarray:
        self.asked.extend(texts)
        for t in texts:
            if t not in self.table:
                self.table[t] = _unit(np.asarray(self.rng.normal(size=DIM)))
        return np.stack([self.table[t] for t in texts])


def _docs(related: bool) -> tuple[list[str], list[str], dict[str, np.ndarray]]:
    """Two 30-sentence documents on one topic: translations (every third target sentence a
    merge of two source sentences), or unrelated sentences."""
    rng = np.random.default_rng(5)
    topic = _unit(np.asarray(rng.normal(size=DIM)))
    src_v = _unit(0.7 * topic + 0.7 * _unit(np.asarray(rng.normal(size=(30, DIM)))))
    src = [f"pangungusap bilang {i} tungkol sa paksa" for i in range(30)]
    table = dict(zip(src, src_v))
    if related:
        tgt, k = [], 0
        while k < 30:
            size = 2 if k % 3 == 0 and k + 1 < 30 else 1
            text = f"sentence number {k} about the topic" + (" and the next one" if size == 2 else "")
            table[text] = _unit(src_v[k:k + size].sum(axis=0) + 0.05 * np.asarray(rng.normal(size=DIM)))
            table[" ".join(src[k:k + size])] = table[text]
            tgt.append(text)
            k += size
    else:
        tgt = [f"an unrelated sentence {j} on the topic" for j in range(30)]
        table.update(zip(tgt, _unit(0.7 * topic + 0.7 * _unit(np.asarray(rng.normal(size=(30, DIM)))))))
    return src, tgt, table


def _asked(mode: str, related: bool) -> tuple[set[str], str]:
    src, tgt, table = _docs(related)
    rec = _Recording(table, np.random.default_rng(9))
    sv, tv = rec(src), rec(tgt)
    rec.asked.clear()
    out = align(src, tgt, embed=rec, src_vecs=sv, tgt_vecs=tv, mode=mode, src_lang="tl", tgt_lang="en")
    return {t for t in rec.asked if t not in set(src) | set(tgt)}, out.mode


def _merged_asked(mode: str, related: bool) -> tuple[int, str]:
    asked, used = _asked(mode, related)
    return len(asked), used


def test_auto_embeds_no_merged_bead_of_a_parallel_run_that_cannot_be_chosen() -> None:
    forced, _ = _merged_asked("parallel", related=False)
    auto, used = _asked("auto", related=False)
    comparable, _ = _asked("comparable", related=False)
    assert forced > 0  # forced parallel merges on-topic sentences and embeds them
    # what auto asks is what comparable's own block DP between anchors asks, nothing of parallel's
    assert used == "comparable" and auto == comparable


def test_refine_lead_is_the_lead_beyond_which_parallel_is_not_refined() -> None:
    src, tgt, table = _docs(related=False)
    rec = _Recording(table, np.random.default_rng(9))
    sv, tv = rec(src), rec(tgt)
    comparable_only, _ = _asked("comparable", related=False)
    for lead, refined in ((1.0, True), (DEFAULT_CONFIG.mode_choice.refine_lead, False)):
        cfg = dataclasses.replace(DEFAULT_CONFIG, mode_choice=dataclasses.replace(
            DEFAULT_CONFIG.mode_choice, refine_lead=lead))
        rec.asked.clear()
        out = align(src, tgt, embed=rec, src_vecs=sv, tgt_vecs=tv, src_lang="tl", tgt_lang="en", config=cfg)
        asked = set(rec.asked) - set(src) - set(tgt)
        assert out.mode == "comparable"
        # refined: parallel's merged beads asked beyond what comparable's own block DP asks
        assert (asked > comparable_only) is refined and asked >= comparable_only, lead
        assert ("left unembedded" in out.info.mode_reason) is not refined


def test_auto_still_embeds_merged_beads_when_parallel_can_win() -> None:
    forced, _ = _merged_asked("parallel", related=True)
    auto, used = _merged_asked("auto", related=True)
    assert used == "parallel" and forced > 0 and auto == forced


def test_the_alignment_says_how_it_was_made() -> None:
    src, tgt, table = _docs(related=True)
    rec = _Recording(table, np.random.default_rng(9))
    sv, tv = rec(src), rec(tgt)
    a = align(src, tgt, embed=rec, src_vecs=sv, tgt_vecs=tv, src_lang="tl", tgt_lang="en")
    assert a.info.config == DEFAULT_CONFIG.digest()
    assert a.info.mode_reason.startswith(f"{a.mode}: ")
    assert {name for name, _ in a.info.expected_correct} == {"parallel", "comparable"}
    assert a.info.anchors > 0 and a.info.timings.align >= 0 and a.info.tokens_text > 0
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.info.mode_reason = "edited"  # type: ignore[misc]
    forced = align(src, tgt, embed=rec, src_vecs=sv, tgt_vecs=tv, mode="comparable")
    assert forced.info.expected_correct == () and forced.info.mode_reason == "comparable: chosen by the caller"
