"""Fixtures shared by the end-to-end tests: a small real slice of the corpus and one embedding cache."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
# The suite runs on the wheel's engine: thresholds were measured on its vectors, and a native
# build per session would cost a compile. tests/test_engine.py builds one on purpose.
os.environ.setdefault("ALIGNER_NATIVE_ENGINE", "0")


def corpus_slice(name: str, lines: int) -> str:
    text = (CORPUS / name).read_text(encoding="utf-8")
    return "\n".join(text.splitlines()[:lines]) + "\n"


@pytest.fixture(scope="session")
def embed_cache_dir(tmp_path_factory) -> Iterator[Path]:
    """One cache for every end-to-end test, so a sentence is embedded once per session."""
    path = tmp_path_factory.mktemp("embed-cache")
    old = os.environ.get("ALIGNER_CACHE_DIR")
    os.environ["ALIGNER_CACHE_DIR"] = str(path)
    yield path
    if old is None:
        os.environ.pop("ALIGNER_CACHE_DIR", None)
    else:
        os.environ["ALIGNER_CACHE_DIR"] = old


@pytest.fixture(scope="session")
def small_corpus(tmp_path_factory, embed_cache_dir):
    """The first paragraphs of the Tagalog and Nepali articles and of the English web article."""
    from aligner.ingest import read_document

    root = tmp_path_factory.mktemp("corpus")
    (root / "lenin.tl.wiki.txt").write_text(corpus_slice("lenin.tl.wiki.txt", 3), encoding="utf-8")
    (root / "lenin.ne.wiki.txt").write_text(corpus_slice("lenin.ne.wiki.txt", 4), encoding="utf-8")
    (root / "lenin-and-stalin.en.web.txt").write_text(corpus_slice("lenin-and-stalin.en.web.txt", 12),
                                                      encoding="utf-8")
    docs = [read_document(root / "lenin.tl.wiki.txt", lang="tl", kind="wiki"),
            read_document(root / "lenin.ne.wiki.txt", lang="ne", kind="wiki"),
            read_document(root / "lenin-and-stalin.en.web.txt", lang="en", kind="text")]
    return root, docs


@pytest.fixture
def no_slow_work(monkeypatch):
    """Fail the test if a command gets as far as loading an encoder or merging: checks come first."""
    import aligner.embed
    import tmx.merge

    def refuse(*args, **kwargs):
        raise AssertionError("bad options and output places must be refused before any slow work")

    monkeypatch.setattr(aligner.embed, "get_encoder", refuse)
    monkeypatch.setattr(tmx.merge, "merge_tmx", refuse)  # aligner tmx merge imports it when it runs
