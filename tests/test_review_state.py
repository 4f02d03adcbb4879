"""review.json: decisions keyed by text hashes and spans survive edits, file round trip, clear errors."""

from __future__ import annotations

import json

import pytest

from aligner.errors import InputError
from aligner.review import state as st
from aligner.types import Document, Sentence


def doc(name: str, lang: str, texts: list[str]) -> Document:
    sents, pos = [], 0
    for t in texts:
        sents.append(Sentence(t, lang, pos, pos + len(t)))
        pos += len(t) + 1
    return Document(name, lang, "text", tuple(sents), "\n".join(texts))


SRC = [f"Source sentence number {i}." for i in range(6)]
TGT = [f"Target sentence number {i}." for i in range(6)]


def review_of(links, src: Document, tgt: Document) -> st.ReviewState:
    return st.with_links(st.ReviewState(), links, st.SentenceIndex(src), st.SentenceIndex(tgt))


def test_decisions_find_their_sentences_after_a_sentence_is_inserted_at_the_top():
    src, tgt = doc("a.tl", "tl", SRC), doc("b.en", "en", TGT)
    links = [st.Link((1,), (1,), "confirmed", 0.9), st.Link((3, 4), (3,), "related"), st.Link((5,), (4,), "rejected")]
    state = review_of(links, src, tgt)
    edited = doc("a.tl", "tl", ["A new first sentence.", *SRC])
    res = st.resolve(state.pair("a.tl", "b.en"), st.SentenceIndex(edited), st.SentenceIndex(tgt))
    assert res.stale == 0
    assert [(ln.src, ln.tgt, ln.status) for ln in res.links] == [
        ((2,), (1,), "confirmed"), ((4, 5), (3,), "related"), ((6,), (4,), "rejected")]


def test_a_decision_on_an_edited_sentence_goes_stale_but_stays_in_the_file():
    src, tgt = doc("a.tl", "tl", SRC), doc("b.en", "en", TGT)
    state = review_of([st.Link((1,), (1,), "confirmed"), st.Link((2,), (2,), "confirmed")], src, tgt)
    edited = doc("a.tl", "tl", [SRC[0], "Source sentence number one, rewritten.", *SRC[2:]])
    si, ti = st.SentenceIndex(edited), st.SentenceIndex(tgt)
    res = st.resolve(state.pair("a.tl", "b.en"), si, ti)
    assert res.stale == 1 and [ln.src for ln in res.links] == [(2,)]
    carried = st.with_links(state, res.links, si, ti).pair("a.tl", "b.en")
    assert len(carried.decisions) == 2  # the stale one is kept for the person to see
    assert carried.src.digest == st.document_digest(edited)


def test_repeated_sentences_resolve_to_the_copy_nearest_the_old_place():
    texts = ["Yes.", "Intro.", "Yes.", "Middle.", "Yes."]
    src, tgt = doc("a.tl", "tl", texts), doc("b.en", "en", TGT[:5])
    # "Intro." is unique: it tells how far the text moved, and the copy of "Yes." nearest
    # its old place plus that move is the one the decision meant.
    state = review_of([st.Link((1,), (1,), "confirmed"), st.Link((2,), (2,), "confirmed")], src, tgt)
    edited = doc("a.tl", "tl", ["Inserted line here.", *texts])
    res = st.resolve(state.pair("a.tl", "b.en"), st.SentenceIndex(edited), st.SentenceIndex(tgt))
    assert [ln.src for ln in res.links] == [(2,), (3,)]


def test_the_latest_decision_wins_over_any_sharing_a_sentence():
    links = st.decide([st.Link((1,), (1,), "confirmed"), st.Link((2,), (2,), "rejected")],
                      st.Link((1,), (2,), "confirmed", manual=True))
    assert [(ln.src, ln.tgt) for ln in links] == [((1,), (2,))]
    assert st.undecide(links, (1,), ()) == ()


def test_file_round_trip_is_stable_and_atomic(tmp_path):
    src, tgt = doc("a.tl", "tl", SRC), doc("b.en", "en", TGT)
    state = review_of([st.Link((0,), (0,), "confirmed", 0.91234), st.Link((2,), (), "rejected")], src, tgt)
    st.save(state, tmp_path)
    text = (tmp_path / "review.json").read_text(encoding="utf-8")
    assert st.load(tmp_path) == st.from_json(json.loads(text))
    assert st.dumps(st.load(tmp_path)) == text
    data = json.loads(text)
    assert data["format"] == "aligner-review" and data["version"] == 1
    assert data["pairs"][0]["decisions"][0]["src"] == [f"0-{len(SRC[0])}:{st.text_digest(SRC[0])}"]
    assert [p.name for p in tmp_path.iterdir()] == ["review.json"]


def test_no_file_is_an_empty_review(tmp_path):
    assert st.load(tmp_path) == st.ReviewState()


@pytest.mark.parametrize(("content", "needle"), [
    ("{not json", "cannot read"),
    ('{"format": "other"}', "not an aligner review file"),
    ('{"format": "aligner-review", "version": 99, "pairs": []}', "upgrade aligner"),
    ('{"format": "aligner-review", "version": 1, "pairs": [{"documents": []}]}', "two documents"),
    ('{"format": "aligner-review", "version": 1, "pairs": [{}]}', "malformed"),
    ('{"format": "aligner-review", "version": 1, "pairs": [{"documents": [{"name": "a", "lang": "tl", '
     '"sha256": "x"}, {"name": "b", "lang": "en", "sha256": "y"}], "decisions": [{"status": "maybe", '
     '"src": [], "tgt": []}]}]}', "unknown status"),
    ('{"format": "aligner-review", "version": 1, "pairs": [{"documents": [{"name": "a", "lang": "tl", '
     '"sha256": "x"}, {"name": "b", "lang": "en", "sha256": "y"}], "decisions": [{"status": "confirmed", '
     '"src": [[0, 1]], "tgt": []}]}]}', "START-END:TEXTHASH"),
])
def test_a_broken_review_file_is_refused_with_what_to_do(tmp_path, content, needle):
    (tmp_path / "review.json").write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=needle):
        st.load(tmp_path)
