"""The sentence-transformers backend, on a tiny random-weight model built here (no hub)."""

from __future__ import annotations

import numpy as np
import pytest

from needs import need_sentence_transformers  # noqa: E402

need_sentence_transformers()  # skips on a light install, fails in CI

from aligner.cache import EmbeddingCache  # noqa: E402
from aligner.embed import embed, get_encoder  # noqa: E402
from tiny_st import WORDS, build_tiny_model  # noqa: E402


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory) -> str:
    return build_tiny_model(tmp_path_factory.mktemp("st"))


def test_st_encoder_shapes_normalisation_and_cache(tiny_model, tmp_path, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    enc = get_encoder(f"st:{tiny_model}", threads=1)
    assert enc.name == f"st:{tiny_model}" and enc.dim == 16
    assert enc.identity.startswith(f"st:{tiny_model}|") and "|model=" in enc.identity
    texts = ["the cat sat on the mat.", "ang pusa sa banig", "", "rain is expected tomorrow"]
    with EmbeddingCache(tmp_path / "c.sqlite") as cache:
        first = embed(texts, enc, cache=cache)
        assert cache.stored == 3
    assert first.shape == (4, 16) and first.dtype == np.float32
    norms = np.linalg.norm(first, axis=1)
    np.testing.assert_allclose(norms[[0, 1, 3]], 1.0, atol=1e-5)
    assert norms[2] == 0.0
    with EmbeddingCache(tmp_path / "c.sqlite") as cache:
        again = embed(texts, enc, cache=cache)
        assert cache.hits == 3 and cache.stored == 0
    assert np.array_equal(first, again)
    assert enc.count_tokens("the cat") == 4  # [CLS] the cat [SEP]
    # a longer text than max_seq_length is truncated, not an error
    long = embed([" ".join(WORDS * 10)], enc, cache=False)
    assert np.linalg.norm(long[0]) == pytest.approx(1.0, abs=1e-5)


def test_missing_or_broken_model_is_a_clear_error(tmp_path, monkeypatch):
    from aligner.errors import ConfigError, EncoderError

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(ConfigError, match="no model folder"):
        get_encoder(f"st:{tmp_path / 'nope'}")
    (tmp_path / "empty").mkdir()
    with pytest.raises(EncoderError, match="could not load"):
        get_encoder(f"st:{tmp_path / 'empty'}")
