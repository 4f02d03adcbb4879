"""Bertalign imports ``SentenceTransformer`` at module level; the runner hands it vectors through
an ``Encoder`` subclass instead, so loading a model here is an error."""


class SentenceTransformer:
    def __init__(self, *args, **kwargs):
        raise RuntimeError("the benchmark shim gives Bertalign precomputed vectors; no model is loaded")
