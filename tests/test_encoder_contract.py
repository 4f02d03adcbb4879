"""The ``Encoder`` contract, held against every bundled encoder and a fake.

What the rest of the tool relies on from an encoder: ``dim`` columns of
L2-normalised float32, the same bytes for the same text whatever its batch,
``count_tokens`` as the model counts (prefix included), inputs past the window
cut rather than refused, and an ``identity`` that names everything the vectors
depend on, because the cache files vectors under it. ``embed()`` adds the rule
that text with no letter or digit never reaches ``encode``.
"""

from __future__ import annotations

import hashlib

import numpy as np
import pytest

from aligner.cache import EmbeddingCache
from aligner.embed import E5Encoder, Encoder, MeteredEncoder, embed, get_encoder

SENTENCES = ["the cat sat on the mat.", "ang pusa sa banig", "rain is expected tomorrow", "the cat"]
NOTHING = ["", "   ", "...", "—!?", "\t\n", "«»"]  # no letter or digit: never embedded


class FakeEncoder:
    """The smallest encoder that keeps the contract: a vector from the text's hash."""

    name = "fake"
    dim = 8
    identity = "fake|v1|clean=1"

    def encode(self, texts: list[str]) -> np.ndarray:
        rows = [np.frombuffer(hashlib.sha256(t.encode("utf-8", "surrogatepass")).digest(), np.uint8)[: self.dim]
                for t in texts]
        v = np.asarray(rows, dtype=np.float32).reshape(len(texts), self.dim) + 1.0
        return (v / np.linalg.norm(v, axis=1, keepdims=True)).astype(np.float32)

    def count_tokens(self, text: str) -> int:
        return len(text.split()) + 2


class Spy:
    """Wraps an encoder and records every text that reaches ``encode``."""

    def __init__(self, inner: Encoder):
        self.inner, self.name, self.dim, self.identity = inner, inner.name, inner.dim, inner.identity
        self.seen: list[str] = []

    def encode(self, texts: list[str]) -> np.ndarray:
        self.seen.extend(texts)
        return self.inner.encode(texts)

    def count_tokens(self, text: str) -> int:
        return self.inner.count_tokens(text)


@pytest.fixture(scope="module")
def tiny_st(tmp_path_factory) -> str:
    from needs import need_sentence_transformers
    from tiny_st import build_tiny_model

    need_sentence_transformers()  # skips on a light install, fails in CI
    return build_tiny_model(tmp_path_factory.mktemp("st"))


@pytest.fixture(params=["e5-small", "e5-small passage", "st", "fake", "metered e5-small"])
def encoder(request, embed_cache_dir) -> Encoder:
    kind = request.param
    if kind == "e5-small":
        return get_encoder("e5-small")
    if kind == "e5-small passage":
        return E5Encoder(is_query=False)
    if kind == "st":
        return get_encoder(f"st:{request.getfixturevalue('tiny_st')}")
    if kind == "fake":
        return FakeEncoder()
    return MeteredEncoder(get_encoder("e5-small"))


def test_it_is_an_encoder_with_a_name_a_dimension_and_an_identity(encoder):
    assert isinstance(encoder, Encoder)
    assert isinstance(encoder.name, str) and encoder.name
    assert isinstance(encoder.dim, int) and encoder.dim > 0
    assert isinstance(encoder.identity, str) and encoder.identity.startswith(encoder.name.split(":")[0])


def test_vectors_have_dim_columns_of_unit_float32(encoder):
    out = encoder.encode(SENTENCES)
    assert out.shape == (len(SENTENCES), encoder.dim) and out.dtype == np.float32
    assert out.flags["C_CONTIGUOUS"] and np.isfinite(out).all()
    np.testing.assert_allclose(np.linalg.norm(out, axis=1), 1.0, atol=1e-5)
    assert encoder.encode([]).shape == (0, encoder.dim)


def test_same_text_same_vector_whatever_the_batch(encoder):
    alone = encoder.encode([SENTENCES[0]])
    again = encoder.encode([SENTENCES[0]])
    assert alone.tobytes() == again.tobytes()
    in_batch = encoder.encode([SENTENCES[2], SENTENCES[0], SENTENCES[1]])[1]
    np.testing.assert_allclose(in_batch, alone[0], atol=1e-5)  # padding must not leak into the vector
    different = encoder.encode([SENTENCES[1]])[0]
    assert float(different @ alone[0]) < 0.9999


def test_text_without_letters_or_digits_never_reaches_the_encoder(encoder):
    spy = Spy(encoder)
    out = embed([*NOTHING, SENTENCES[0], NOTHING[2]], spy, cache=False)
    assert spy.seen == [SENTENCES[0]]
    assert not out[: len(NOTHING)].any() and not out[-1].any()  # zero rows: cosine 0 to everything
    np.testing.assert_allclose(out[len(NOTHING)], encoder.encode([SENTENCES[0]])[0], atol=1e-6)


def test_count_tokens_is_the_models_count(encoder):
    counts = [encoder.count_tokens(t) for t in SENTENCES]
    assert all(isinstance(n, int) and n >= 3 for n in counts)  # at least the special tokens and a word
    assert encoder.count_tokens(SENTENCES[0]) == counts[0]
    assert encoder.count_tokens("the cat the cat the cat") > encoder.count_tokens("the cat")


def test_input_past_the_window_is_cut_not_refused(encoder):
    limit = getattr(encoder, "max_input_tokens", None) or getattr(encoder, "max_tokens", None)
    if limit is None:
        assert isinstance(encoder, FakeEncoder)  # only the fake has no window: it takes any length
        limit = 64
    words = "the cat sat on the mat and ang pusa sa banig".split()
    long = " ".join(words * (limit // len(words) + 4))
    assert encoder.count_tokens(long) > limit
    [vec] = encoder.encode([long])
    assert np.linalg.norm(vec) == pytest.approx(1.0, abs=1e-5)
    if not isinstance(encoder, FakeEncoder):  # what lies past the window does not change the vector
        np.testing.assert_allclose(encoder.encode([long + " rain is expected tomorrow"])[0], vec, atol=1e-5)


def test_the_identity_names_everything_the_vectors_depend_on(encoder, tmp_path):
    assert "clean=" in encoder.identity  # the input-cleaning policy is versioned too
    with EmbeddingCache(tmp_path / "c.sqlite") as cache:
        first = embed(SENTENCES, encoder, cache=cache)
        assert cache.stored == len(set(SENTENCES))
    with EmbeddingCache(tmp_path / "c.sqlite") as cache:
        assert np.array_equal(embed(SENTENCES, encoder, cache=cache), first)
        assert cache.hits == len(set(SENTENCES)) and cache.stored == 0


def test_identities_differ_where_vectors_do(tiny_st):
    query, passage, st = get_encoder("e5-small"), E5Encoder(is_query=False), get_encoder(f"st:{tiny_st}")
    assert len({query.identity, passage.identity, st.identity, FakeEncoder.identity}) == 4
    assert E5Encoder().identity == query.identity  # the same settings give the same identity
    assert MeteredEncoder(query).identity == query.identity  # metering changes no vector


def test_e5_prefix_is_query_on_both_sides_and_counted():
    query, passage = get_encoder("e5-small"), E5Encoder(is_query=False)
    assert "|prefix=query|" in query.identity and "|prefix=passage|" in passage.identity
    # the prefix is part of what the model reads: counted, and it moves the vector
    assert query.count_tokens("") > 2 and query.count_tokens("the cat") != passage.count_tokens("the cat")
    a, b = query.encode([SENTENCES[0]])[0], passage.encode([SENTENCES[0]])[0]
    assert float(a @ b) < 0.99


def test_metered_encoder_counts_tokens_as_fed_capped_at_the_window():
    inner = get_encoder("e5-small")
    metered = MeteredEncoder(inner)
    long = " ".join(["the cat sat on the mat"] * 600)
    metered.encode([SENTENCES[0], long])
    cap = inner.max_input_tokens
    assert metered.meter.texts == 2
    assert metered.meter.tokens == inner.count_tokens(SENTENCES[0]) + min(inner.count_tokens(long), cap)
    assert metered.meter.seconds > 0
