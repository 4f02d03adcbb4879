"""The review round trip on a corpus slice: confirm, edit a document, re-run, and the
confirmed links survive as fixed anchors and the TMX marks them confirmed; the headless CLI."""

from __future__ import annotations

import dataclasses
import json

import pytest

from aligner.align import DEFAULT_CONFIG
from aligner.cli import main
from aligner.embed import get_encoder
from aligner.formats import TmxOptions
from aligner.ingest import read_document
from aligner.job import JobOptions, run_job
from aligner.review.session import Session
from aligner.review.state import Link, sort_links
from test_tmx_support import assert_valid_tmx
from tmx.read import iter_tus


def run(documents, out_dir, **kwargs):
    """run_job with the default encoder, resolved once per call as ``aligner run`` does."""
    kwargs.setdefault("encoder", get_encoder())
    return run_job(documents, out_dir, **kwargs)

PAIR = 2  # ne-en: the pair of the slice with the most links
# The slice's documents are only loosely related, so auto keeps comparable mode's few corroborated
# pairs (none here), and parallel mode's split test leaves its unlikely pairs as gaps. The review
# workflow needs links to review: parallel mode without the split pairs nearly every sentence.
MODE = "parallel"
PAIR_EVERYTHING = dataclasses.replace(DEFAULT_CONFIG, parallel=dataclasses.replace(DEFAULT_CONFIG.parallel, split=False))


def texts(view, bead):
    return (" ".join(view.src.sentences[i].text for i in bead.src), " ".join(view.tgt.sentences[j].text for j in bead.tgt))


@pytest.fixture(scope="module")
def reviewed(small_corpus, tmp_path_factory):
    root, docs = small_corpus
    out = tmp_path_factory.mktemp("review") / "out"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", "1700000000")
        run(docs, out, options=JobOptions(mode=MODE, config=PAIR_EVERYTHING, tmx=TmxOptions(lang_codes="trados")))
    session = Session.open(out)
    view = session.pairs[PAIR]
    links = [b for b in view.alignment.beads if not b.is_gap]
    assert len(links) >= 4
    confirmed = [Link(b.src, b.tgt, "confirmed", b.score) for b in links[:3]]
    rejected = Link(links[3].src, links[3].tgt, "rejected", links[3].score)
    session = session.with_pair(PAIR, view.with_links(sort_links([*confirmed, rejected])))
    session.save()
    return root, docs, out, [texts(view, b) for b in links[:3]], texts(view, links[3])


def test_saving_marks_the_confirmed_links_in_the_tmx(reviewed):
    _, _, out, confirmed, rejected = reviewed
    path = out / "lenin+lenin-and-stalin.ne-en.tmx"
    assert_valid_tmx(path)
    tus = list(iter_tus(path))
    levels = {(tu.text("ne-NP"), tu.text("en-US")): tu.prop("x-ConfirmationLevel") for tu in tus}
    assert all(levels[t] == "ApprovedTranslation" for t in confirmed)
    assert rejected not in levels
    assert sum(v == "ApprovedTranslation" for v in levels.values()) == 3
    assert all(tu.prop("x-Origin") == "Alignment" for tu in tus)


def test_confirmed_links_survive_a_sentence_inserted_at_the_top_and_a_rerun(reviewed, tmp_path):
    root, docs, out, confirmed, rejected = reviewed
    edited = tmp_path / "lenin.ne.wiki.txt"
    edited.write_text("यो कागजातको सुरुमा थपिएको नयाँ वाक्य हो।\n" + (root / "lenin.ne.wiki.txt").read_text(encoding="utf-8"),
                      encoding="utf-8")
    new_docs = [docs[0], read_document(edited, lang="ne", kind="wiki"), docs[2]]
    assert len(new_docs[1].sentences) == len(docs[1].sentences) + 1
    result = run(new_docs, out, options=JobOptions(mode=MODE, config=PAIR_EVERYTHING, tmx=TmxOptions(lang_codes="trados")))
    pr = result.pairs[PAIR]
    beads = {(" ".join(new_docs[1].sentences[i].text for i in b.src),
              " ".join(new_docs[2].sentences[j].text for j in b.tgt)): b for b in pr.alignment.beads if not b.is_gap}
    for t in confirmed:
        assert t in beads, t  # same sentences, one index further down
    assert rejected not in beads
    assert result.report["pairs"][PAIR]["review"] == {"confirmed": 3, "rejected": 1, "related": 0, "stale": 0}
    tus = list(iter_tus(out / "lenin+lenin-and-stalin.ne-en.tmx"))
    approved = {(tu.text("ne-NP"), tu.text("en-US")) for tu in tus if tu.prop("x-ConfirmationLevel") == "ApprovedTranslation"}
    assert approved == set(confirmed)
    # The review file survived the re-run and now points at the edited document's spans.
    session = Session.open(out)
    view = session.pairs[PAIR]
    assert view.stale == 0 and len(view.links) == 4
    first = min(min(ln.src) for ln in view.links if ln.status == "confirmed")
    assert first >= 1
    data = json.loads((out / "review.json").read_text(encoding="utf-8"))
    assert data["pairs"][0]["documents"][0]["name"] == "lenin.ne.wiki"


def test_headless_accept_and_reject_then_json(small_corpus, tmp_path, capsys):
    _, docs = small_corpus
    out = tmp_path / "out"
    run(docs, out, options=JobOptions(mode=MODE, config=PAIR_EVERYTHING))
    session = Session.open(out)
    scores = [b.score for v in session.pairs for b in v.alignment.beads if not b.is_gap]
    x = sorted(scores)[len(scores) // 2]
    low = min(0.05, x / 2)  # calibrated scores of forced parallel pairs on this loose slice are low
    assert main(["review", str(out), "--accept-above", f"{x}", "--reject-below", f"{low}", "--format", "json"]) == 0
    state = json.loads(capsys.readouterr().out)
    statuses = [d["status"] for p in state["pairs"] for d in p["decisions"]]
    assert statuses.count("confirmed") == sum(s > x for s in scores)
    assert statuses.count("rejected") == sum(s < low for s in scores)
    assert json.loads((out / "review.json").read_text(encoding="utf-8")) == state
    # Decided links keep their decision on a second pass with other thresholds.
    assert main(["review", str(out), "--accept-above", "0", "--format", "json"]) == 0
    again = json.loads(capsys.readouterr().out)
    assert [d["status"] for p in again["pairs"] for d in p["decisions"]].count("rejected") == statuses.count("rejected")
    marked = [tu for f in out.glob("*.*-*.tmx") for tu in iter_tus(f) if tu.prop("x-review") == "confirmed"]
    assert len(marked) == len(scores) - statuses.count("rejected")


@pytest.mark.parametrize(("args", "code", "needle"), [
    (["--accept-above", "1.5"], 3, "between 0 and 1"),
    (["--accept-above", "0.5", "--reject-below", "0.7"], 3, "cannot be both"),
])
def test_bad_thresholds_exit_3(small_corpus, tmp_path, capsys, args, code, needle):
    _, docs = small_corpus
    run(docs, tmp_path / "out", options=JobOptions(mode=MODE, config=PAIR_EVERYTHING))
    assert main(["review", str(tmp_path / "out"), *args]) == code
    assert needle in capsys.readouterr().err
    assert not (tmp_path / "out" / "review.json").exists()


def test_a_folder_that_is_no_run_output_exits_2(tmp_path, capsys):
    assert main(["review", str(tmp_path)]) == 2
    assert "aligner run" in capsys.readouterr().err
    assert main(["review", str(tmp_path / "missing")]) == 2


def test_omegat_run_writes_penalty_folders_that_review_and_rerun_keep_in_order(small_corpus, tmp_path):
    from aligner.outdir import MARKER

    _, docs = small_corpus
    out = tmp_path / "out"
    result = run(docs, out, options=JobOptions(mode=MODE, config=PAIR_EVERYTHING, tmx=TmxOptions(lang_codes="omegat")))
    entry = result.report["pairs"][PAIR]
    penalty_files = [f for f in entry["tmx_files"] if f.startswith("penalty-")]
    assert penalty_files and all((out / f).is_file() for f in penalty_files)
    marker = json.loads((out / MARKER).read_text(encoding="utf-8"))["files"]
    assert set(penalty_files) <= set(marker)
    for f in entry["tmx_files"]:
        assert_valid_tmx(out / f)
    # Confirm every link of the pair: its penalty files go, the main file holds them all.
    session = Session.open(out)
    view = session.pairs[PAIR]
    beads = [b for b in view.alignment.beads if not b.is_gap]
    session.with_pair(PAIR, view.with_links(sort_links(Link(b.src, b.tgt, "confirmed", b.score) for b in beads))).save()
    assert not any((out / f).exists() for f in penalty_files)
    assert len(list(iter_tus(out / entry["tmx"]))) == len(beads)
    marker = json.loads((out / MARKER).read_text(encoding="utf-8"))["files"]
    assert not set(penalty_files) & set(marker) and entry["tmx"] in marker
    # The next run still knows every file as its own and keeps the links confirmed.
    again = run(docs, out, options=JobOptions(mode=MODE, config=PAIR_EVERYTHING, tmx=TmxOptions(lang_codes="omegat")))
    assert [f for f in again.report["pairs"][PAIR]["tmx_files"] if f.startswith("penalty-")] == []
    assert again.report["pairs"][PAIR]["review"]["confirmed"] == len(beads)
