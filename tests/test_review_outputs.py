"""What a review leaves in the output folder besides review.json: report.json's counts, the
three-language TMX's marks, and the app's sections, which are the diff's own."""

from __future__ import annotations

import dataclasses
import json

import pytest

from aligner.align import DEFAULT_CONFIG
from aligner.embed import get_encoder
from aligner.formats import TmxOptions
from aligner.gaps import build_report
from aligner.job import JobOptions, run_job
from aligner.review import state as st
from aligner.review.session import Session
from aligner.review.view import rows_of
from aligner.types import Document, Sentence
from review_fixture import make_run
from test_tmx_support import assert_valid_tmx
from tmx.read import iter_tus


def run(documents, out_dir, **kwargs):
    """run_job with the default encoder, resolved once per call as ``aligner run`` does."""
    kwargs.setdefault("encoder", get_encoder())
    return run_job(documents, out_dir, **kwargs)

# The corpus slice is loosely related, and parallel mode's split test leaves its unlikely pairs as
# gaps: without the split, parallel mode pairs nearly every sentence, links for a review to decide on.
MODE = "parallel"
PAIR_EVERYTHING = dataclasses.replace(DEFAULT_CONFIG, parallel=dataclasses.replace(DEFAULT_CONFIG.parallel, split=False))


def _review(out):
    return [p["review"] for p in json.loads((out / "report.json").read_text(encoding="utf-8"))["pairs"]]


def test_a_review_brings_report_json_up_to_date(small_corpus, tmp_path):
    _, docs = small_corpus
    out = tmp_path / "out"
    run(docs[:2], out, options=JobOptions(mode=MODE, config=PAIR_EVERYTHING, tmx=TmxOptions(lang_codes="trados")))
    assert _review(out) == [{"confirmed": 0, "rejected": 0, "related": 0, "stale": 0}]

    session = Session.open(out).decide_by_score(accept_above=0.5, reject_below=0.5)
    view = session.pairs[0]
    confirmed = sum(ln.status == "confirmed" for ln in view.links)
    rejected = sum(ln.status == "rejected" for ln in view.links)
    assert confirmed + rejected > 0
    session.save()
    assert _review(out) == [{"confirmed": confirmed, "rejected": rejected, "related": 0, "stale": 0}]
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))["pairs"][0]
    assert report["tus_written"] == len(list(iter_tus(out / report["tmx"])))

    # The next run reads the same decisions and writes the same counts; it still owns the report.
    run(docs[:2], out, options=JobOptions(mode=MODE, config=PAIR_EVERYTHING, tmx=TmxOptions(lang_codes="trados")))
    assert _review(out) == [{"confirmed": confirmed, "rejected": rejected, "related": 0, "stale": 0}]


def test_a_report_the_user_edited_is_left_alone(small_corpus, tmp_path):
    _, docs = small_corpus
    out = tmp_path / "out"
    run(docs[:2], out, options=JobOptions(mode=MODE, config=PAIR_EVERYTHING))
    mine = b'{"my": "notes"}\n'
    (out / "report.json").write_bytes(mine)
    Session.open(out).decide_by_score(accept_above=0.0).save()  # no refusal: the report is just not updated
    assert (out / "report.json").read_bytes() == mine
    assert json.loads((out / "review.json").read_text(encoding="utf-8"))["pairs"]


def _three_translations(lines=8):
    from test_tmx_support import flores_lines

    docs = []
    for code, lang in (("tgl_Latn", "tl"), ("npi_Deva", "ne"), ("eng_Latn", "en")):
        sents, pos = [], 0
        for line in flores_lines(code)[:lines]:
            sents.append(Sentence(line, lang, pos, pos + len(line)))
            pos += len(line) + 1
        docs.append(Document(f"flores-dev.{lang}", lang, "text", tuple(sents),
                             "\n".join(s.text for s in sents)))
    return docs


def _levels(path):
    return [dict(tu.props).get("x-ConfirmationLevel") for tu in iter_tus(path)]


@pytest.mark.parametrize("confirm", ["all", "one pair"])
def test_the_three_language_tmx_marks_what_all_three_links_confirm(embed_cache_dir, tmp_path, confirm):
    docs = _three_translations()
    out = tmp_path / "out"
    options = JobOptions(tmx=TmxOptions(lang_codes="trados"))
    first = run(docs, out, options=options)
    multi = out / "flores-dev.multi.tmx"
    triples = first.triples[(0, 1, 2)]
    assert len(triples) >= 6
    assert _levels(multi) == ["Draft"] * len(triples)

    session = Session.open(out)
    for k, view in enumerate(session.pairs):
        if confirm == "all" or (view.src.lang, view.tgt.lang) == ("tl", "ne"):
            links = [st.Link(b.src, b.tgt, "confirmed", b.score) for b in view.alignment.beads if not b.is_gap]
            session = session.with_pair(k, view.with_links(links))
    session.save()
    run(docs, out, options=options)
    assert_valid_tmx(multi)
    expected = "ApprovedTranslation" if confirm == "all" else "Draft"
    assert _levels(multi) == [expected] * len(triples)
    pair_levels = _levels(out / "flores-dev.tl-ne.tmx")
    assert set(pair_levels) == {"ApprovedTranslation"}


def test_bcp47_marks_confirmed_three_language_tus_like_the_pair_files(embed_cache_dir, tmp_path):
    docs = _three_translations(4)
    out = tmp_path / "out"
    run(docs, out)
    session = Session.open(out)
    for k, view in enumerate(session.pairs):
        links = [st.Link(b.src, b.tgt, "confirmed", b.score) for b in view.alignment.beads if not b.is_gap]
        session = session.with_pair(k, view.with_links(links))
    session.save()
    run(docs, out)
    marks = [dict(tu.props).get("x-review") for tu in iter_tus(out / "flores-dev.multi.tmx")]
    assert marks and set(marks) == {"confirmed"}


def _sections(view):
    report = build_report([view.src, view.tgt], {(0, 1): view.alignment})
    return [(s.start, s.counts[0].units, s.counts[0].aligned, s.counts[1].units, s.counts[1].aligned)
            for s in report.sections]


def test_the_app_sections_are_the_diffs_sections(tmp_path):
    view = Session.open(make_run(tmp_path / "out")).pairs[0]
    rows, sections = rows_of(view)
    assert [(s.first, s.src_total, s.src_linked, s.tgt_total, s.tgt_linked) for s in sections] == _sections(view)
    assert [s.title for s in sections] == ["Floods", "Recovery"]

    # Re-link the English heading "Recovery" to a Tagalog sentence: the diff starts no section at
    # a row that is not all headings, so neither does the app (it used to start its own there).
    relinked = view.with_links([st.Link((5,), (5,), "confirmed", None)])
    rows, sections = rows_of(relinked)
    assert [(s.first, s.src_total, s.src_linked, s.tgt_total, s.tgt_linked) for s in sections] == _sections(relinked)
    for k, s in enumerate(sections):
        stop = sections[k + 1].first if k + 1 < len(sections) else len(rows)
        assert all(r.section == k for r in rows[s.first:stop])
    assert sum(s.links for s in sections) == sum(r.kind == "link" for r in rows)
