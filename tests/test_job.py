"""The main job's library: pairing, triangles, report conservation, atomic and reproducible output."""

from __future__ import annotations

import json

import pytest

from aligner.embed import get_encoder
from aligner.errors import InputError
from aligner.ingest import document_from_text
from aligner.job import JobOptions, base_name, pair_name, run_job
from aligner.pipeline import check_documents, language_pairs, triangle
from aligner.types import Alignment, Bead, Document, Sentence
from test_tmx_support import assert_valid_tmx
from tmx.read import iter_tus


def run(documents, out_dir, **kwargs):
    """run_job with the default encoder, resolved once per call as ``aligner run`` does."""
    kwargs.setdefault("encoder", get_encoder())
    return run_job(documents, out_dir, **kwargs)


def doc(name: str, lang: str, n: int = 1) -> Document:
    sents = tuple(Sentence(f"s{i}", lang, i, i + 1) for i in range(n))
    return Document(name, lang, "text", sents, "x" * n)


def test_pairs_follow_tl_ne_en_and_never_pair_one_language_with_itself():
    docs = [doc("book.en", "en"), doc("lenin.ne", "ne"), doc("web.en", "en"), doc("lenin.tl", "tl")]
    assert language_pairs(docs) == [(3, 1), (3, 0), (3, 2), (1, 0), (1, 2)]


def test_names_drop_language_and_kind_tags():
    tl, ne = doc("lenin.tl.wiki", "tl"), doc("lenin.ne.wiki", "ne")
    book = doc("foundations-of-leninism.en.pdf", "en")
    assert base_name(tl) == "lenin"
    assert pair_name(tl, ne) == "lenin"
    assert pair_name(tl, book) == "lenin+foundations-of-leninism"


def test_triangle_keeps_only_beads_all_three_pairs_agree_on():
    ab = Alignment((Bead((0,), (0,), 0.9), Bead((1,), (1,), 0.8), Bead((2,), (), 0.5)), 3, 2)
    ac = Alignment((Bead((0,), (1,), 0.7), Bead((1,), (0,), 0.9), Bead((2,), (2,), 0.6)), 3, 3)
    # b0-c1 agrees with a0; b1-c2 contradicts a1-c0
    bc = Alignment((Bead((0,), (1,), 0.95), Bead((), (0,), 0.5), Bead((1,), (2,), 0.9)), 2, 3)
    triples = triangle(ab, ac, bc)
    assert [t.members for t in triples] == [((0,), (0,), (1,))]
    assert triples[0].score == pytest.approx(0.7)


def test_triangle_does_not_guess_between_two_partners():
    """a0 has two partners in C (c0 and c1 state one fact): the triple would pick one at random."""
    ab = Alignment((Bead((0,), (0,), 0.9),), 1, 1)
    ac = Alignment((Bead((0,), (0,), 0.9), Bead((0,), (1,), 0.9)), 1, 2)
    for bc in (Alignment((Bead((0,), (0,), 0.9), Bead((), (1,), 0.5)), 1, 2),
               Alignment((Bead((0,), (1,), 0.9), Bead((), (0,), 0.5)), 1, 2)):
        assert triangle(ab, ac, bc) == []


def test_check_documents_refuses_what_cannot_be_aligned():
    with pytest.raises(InputError, match="no sentences"):
        check_documents([doc("a", "tl", 0), doc("b", "ne")], distinct_languages=False)
    with pytest.raises(InputError, match="same language"):
        check_documents([doc("a", "en"), doc("b", "en")], distinct_languages=True)
    with pytest.raises(InputError, match="two languages"):
        check_documents([doc("a", "en"), doc("b", "en")], distinct_languages=False)
    with pytest.raises(InputError, match="--lang"):
        check_documents([doc("a", "und"), doc("b", "en")], distinct_languages=False)


@pytest.fixture(scope="module")
def job(small_corpus):
    root, docs = small_corpus
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", "1700000000")
        first = run(docs, root / "out1", options=JobOptions())
        second = run(docs, root / "out2", options=JobOptions())
    return docs, first, second


def test_report_conserves_every_sentence(job):
    docs, result, _ = job
    report = json.loads((result.out_dir / "report.json").read_text(encoding="utf-8"))
    assert [p["languages"] for p in report["pairs"]] == [["tl", "ne"], ["tl", "en"], ["ne", "en"]]
    for entry, pr in zip(report["pairs"], result.pairs):
        for lang, d in zip(entry["languages"], (docs[pr.src], docs[pr.tgt])):
            counts = entry[lang]
            assert counts["sentences"] == len(d.sentences)
            assert counts["aligned"] + counts["unaligned"] == counts["sentences"]
        assert entry["mode"] in ("parallel", "comparable")
        assert entry["mode_reason"]


def test_every_written_tmx_is_valid_and_matches_the_alignment(job):
    docs, result, _ = job
    files = sorted(result.out_dir.glob("*.tmx"))
    assert {f.name for f in files} == {"lenin.tl-ne.tmx", "lenin+lenin-and-stalin.tl-en.tmx",
                                       "lenin+lenin-and-stalin.ne-en.tmx", "lenin+lenin-and-stalin.multi.tmx"}
    for f in files:
        assert_valid_tmx(f)
    tus = list(iter_tus(result.out_dir / "lenin.tl-ne.tmx"))
    beads = [b for b in result.pairs[0].alignment.beads if not b.is_gap]
    assert len(tus) == len(beads)
    for tu, bead in zip(tus, beads):
        assert tu.text("tl") == " ".join(docs[0].sentences[i].text for i in bead.src)
        assert tu.text("ne") == " ".join(docs[1].sentences[i].text for i in bead.tgt)


def test_three_language_tus_exist_in_all_three_pair_alignments(job):
    _, result, _ = job
    links = {(r.src, r.tgt): {(b.src, b.tgt) for b in r.alignment.beads if not b.is_gap} for r in result.pairs}
    triples = result.triples[(0, 1, 2)]
    for t in triples:
        a, b, c = t.members
        assert (a, b) in links[(0, 1)] and (a, c) in links[(0, 2)] and (b, c) in links[(1, 2)]
    multi = list(iter_tus(result.out_dir / "lenin+lenin-and-stalin.multi.tmx"))
    assert len(multi) == len(triples)
    assert all(set(tu.langs) == {"tl", "ne", "en"} for tu in multi)


def test_pinned_runs_are_byte_identical(job):
    _, first, second = job
    names = sorted(p.name for p in first.out_dir.iterdir())
    assert names == sorted(p.name for p in second.out_dir.iterdir())
    for name in names:
        assert (first.out_dir / name).read_bytes() == (second.out_dir / name).read_bytes(), name
    assert json.loads((first.out_dir / "report.json").read_text())["pairs"][0]["timings"] is None


def test_a_failed_run_leaves_the_previous_output_untouched(small_corpus, tmp_path, monkeypatch):
    _, docs = small_corpus
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("previous run")

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("aligner.job.write_tmx", boom)
    with pytest.raises(RuntimeError):
        run(docs, out, options=JobOptions(), force=True)
    assert [p.name for p in tmp_path.iterdir()] == ["out"]
    assert [p.name for p in out.iterdir()] == ["keep.txt"]
    assert (out / "keep.txt").read_text() == "previous run"


def test_document_from_text_with_no_sentences_is_refused():
    empty = document_from_text("   \n", lang="tl")
    with pytest.raises(InputError):
        run([empty, doc("b", "ne")], "/nonexistent/never-written")


@pytest.mark.parametrize("pair", ["lenin.tl-ne.tmx", "lenin+lenin-and-stalin.tl-en.tmx",
                                  "lenin+lenin-and-stalin.ne-en.tmx"])
def test_omegat_applies_every_source_segment_of_the_run_tmx(job, tmp_path, pair):
    """The real CAT tool, on what `aligner run` wrote from the corpus."""
    from needs import need_omegat
    from omegat_check import run_omegat

    need_omegat()
    _, result, _ = job
    src, tgt = pair.rsplit(".", 2)[1].split("-")
    tus = list(iter_tus(result.out_dir / pair))
    assert tus or pair != "lenin.tl-ne.tmx"  # the two lead paragraphs share dates and names
    if not tus:  # nothing aligned: the file must still be valid, and there is nothing to apply
        assert_valid_tmx(result.out_dir / pair)
        return
    sources = list(dict.fromkeys(tu.text(src) for tu in tus))
    applied = run_omegat(src, tgt, sources, result.out_dir / pair, tmp_path)
    assert (applied.segments, applied.right, applied.wrong_language) == (len(sources), len(sources), 0), applied
    assert not applied.load_errors


@pytest.fixture(scope="module")
def flores_job(tmp_path_factory, embed_cache_dir):
    """Three true translations (FLORES dev, first article lines): the triangle must hold almost everywhere."""
    from test_tmx_support import flores_lines

    root = tmp_path_factory.mktemp("flores")
    docs = []
    for code, lang in (("tgl_Latn", "tl"), ("npi_Deva", "ne"), ("eng_Latn", "en")):
        lines = flores_lines(code)[:16]
        sents = []
        pos = 0
        for line in lines:
            sents.append(Sentence(line, lang, pos, pos + len(line)))
            pos += len(line) + 1
        docs.append(Document(f"flores-dev.{lang}", lang, "text", tuple(sents), "\n".join(lines)))
    return docs, run(docs, root / "out", options=JobOptions())


def test_three_translations_give_a_three_language_tu_per_sentence(flores_job):
    docs, result = flores_job
    triples = result.triples[(0, 1, 2)]
    assert len(triples) >= 14  # of 16 lines; the rest may merge differently per pair
    links = {(r.src, r.tgt): {(b.src, b.tgt) for b in r.alignment.beads if not b.is_gap} for r in result.pairs}
    for t in triples:
        a, b, c = t.members
        assert (a, b) in links[(0, 1)] and (a, c) in links[(0, 2)] and (b, c) in links[(1, 2)]
    path = result.out_dir / "flores-dev.multi.tmx"
    assert_valid_tmx(path)
    multi = list(iter_tus(path))
    assert len(multi) == len(triples)
    for tu, t in zip(multi, triples):
        assert tu.text("en") == " ".join(docs[2].sentences[i].text for i in t.members[2])
        assert tu.text("ne") == " ".join(docs[1].sentences[i].text for i in t.members[1])


class CountingEncoder:
    """Passes through to the real encoder and remembers every text the model was asked for."""

    def __init__(self, inner):
        self.inner, self.name, self.dim, self.identity = inner, inner.name, inner.dim, inner.identity
        self.texts: list[str] = []

    def encode(self, texts):
        self.texts.extend(texts)
        return self.inner.encode(texts)

    def count_tokens(self, text):
        return self.inner.count_tokens(text)


def test_report_counts_every_text_the_model_embedded_including_clauses(small_corpus, tmp_path, monkeypatch):
    from aligner.embed import get_encoder

    root, docs = small_corpus
    monkeypatch.setenv("ALIGNER_CACHE_DIR", str(tmp_path / "cold-cache"))  # cold: everything is a miss
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    enc = CountingEncoder(get_encoder())
    # Forced parallel embeds the merged beads it chooses; auto would not on these loosely
    # related slices (comparable leads by far, so parallel's merges cannot change the choice).
    result = run(docs, tmp_path / "out", encoder=enc, options=JobOptions(mode="parallel"))
    emb = result.report["embedding"]
    unique_sentences = {t for d in docs for t in d.texts}
    assert emb["documents"]["texts"] == emb["texts_embedded"] > 0
    assert emb["clauses"]["texts"] > 0, "this slice must make the aligner embed merged beads"
    assert emb["documents"]["texts"] + emb["clauses"]["texts"] == emb["texts"] == len(enc.texts)
    assert set(enc.texts[: emb["documents"]["texts"]]) <= unique_sentences
    tokens = sum(min(enc.count_tokens(t), enc.inner.max_input_tokens) for t in enc.texts)
    assert emb["tokens"] == emb["documents"]["tokens"] + emb["clauses"]["tokens"] == tokens
    assert emb["seconds"] == pytest.approx(emb["documents"]["seconds"] + emb["clauses"]["seconds"], abs=2e-3)
    assert emb["seconds"] > 0  # rates are rounded to 0.1
    assert emb["sentences_per_second"] == pytest.approx(emb["texts"] / emb["seconds"], abs=0.06)
    assert emb["tokens_per_second"] == pytest.approx(emb["tokens"] / emb["seconds"], abs=0.06)


def test_a_variant_configuration_is_used_and_named_everywhere(small_corpus, tmp_path):
    """JobOptions.config reaches the aligner, and its digest the signature and every TMX header,
    so an output made with other numbers never passes for the default's."""
    import dataclasses

    from aligner.align import DEFAULT_CONFIG

    _, docs = small_corpus
    variant = dataclasses.replace(DEFAULT_CONFIG, parallel=dataclasses.replace(DEFAULT_CONFIG.parallel, split=False))
    plain = run(docs, tmp_path / "plain", options=JobOptions(mode="parallel"))
    other = run(docs, tmp_path / "other", options=JobOptions(mode="parallel", config=variant))
    assert other.report["signature"] != plain.report["signature"]
    assert f"config:{variant.digest()}" in other.report["signature"]
    assert all(r.alignment.info.config == variant.digest() for r in other.pairs)
    # without the split test parallel mode pairs sentences the default leaves alone
    def links(result) -> int:
        return sum(not b.is_gap for r in result.pairs for b in r.alignment.beads)

    assert links(other) > links(plain)
    for f in sorted((tmp_path / "other").glob("*.tmx")):
        assert f'<prop type="x-aligner-config">{variant.digest()}</prop>' in f.read_text(encoding="utf-8"), f
