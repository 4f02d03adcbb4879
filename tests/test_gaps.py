import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aligner.errors import ConfigError, InputError
from aligner.gaps import OPENING, Anchor, GapRow, RowStatus, build_report, report_to_json
from aligner.types import Alignment, Bead, Document, Sentence


def doc(name, lang, texts, headings=()):
    sents = tuple(
        Sentence(t, lang, 0, len(t), "heading" if i in headings else "sentence")
        for i, t in enumerate(texts)
    )
    return Document(name, lang, "text", sents)


def alignment(beads, n_src, n_tgt):
    return Alignment(tuple(Bead(tuple(s), tuple(t), sc) for s, t, sc in beads), n_src, n_tgt)


def covered_once(report):
    for d, document in enumerate(report.documents):
        seen = [s for row in report.rows for s in row.cells[d]]
        assert sorted(seen) == list(range(len(document.sentences)))


def reads_in_order(report):
    for d in range(len(report.documents)):
        seen = [s for row in report.rows for s in row.cells[d]]
        assert seen == sorted(seen)


TL = doc("a", "tl", ["Pamagat", "isa", "dalawa", "tatlo", "apat"], headings=(0,))
NE = doc("b", "ne", ["शीर्षक", "एक", "नयाँ", "चार"], headings=(0,))
TL_NE = alignment(
    [((0,), (0,), 0.9), ((1,), (1,), 0.8), ((2,), (), 0.0), ((3,), (), 0.0),
     ((), (2,), 0.0), ((4,), (3,), 0.7)],
    5, 4,
)


def test_two_documents_rows_follow_reading_order_and_mark_gaps():
    report = build_report([TL, NE], {(0, 1): TL_NE})
    covered_once(report)
    reads_in_order(report)
    statuses = [(row.status, row.only_in) for row in report.rows]
    only = RowStatus.ONLY_IN
    assert statuses == [(RowStatus.HEADING, None), (RowStatus.ALIGNED, None), (only, "tl"), (only, "tl"),
                        (only, "ne"), (RowStatus.ALIGNED, None)]
    assert [row["status"] for row in report_to_json(report)["rows"]] == [
        "heading", "aligned", "only-in-tl", "only-in-tl", "only-in-ne", "aligned"]
    assert report.rows[1].score == pytest.approx(0.8)
    assert report.gap_sentences(0) == {2, 3}
    assert report.gap_sentences(1) == {2}


def test_coverage_counts_and_sentence():
    report = build_report([TL, NE], {(0, 1): TL_NE})
    by_pair = {(c.lang, c.other_lang): c for c in report.coverage}
    assert by_pair[("tl", "ne")].with_counterpart == 3
    assert by_pair[("tl", "ne")].total == 5
    assert by_pair[("ne", "tl")].text == "Nepali: 3 of 4 sentences have a Tagalog counterpart"
    en = doc("c", "en", ["x"])
    report3 = build_report(
        [TL, NE, en],
        {(0, 1): TL_NE,
         (0, 2): alignment([((0,), (), 0), ((1,), (0,), 0.5), ((2,), (), 0), ((3,), (), 0),
                            ((4,), (), 0)], 5, 1),
         (1, 2): alignment([((0,), (), 0), ((1,), (), 0), ((2,), (), 0), ((3,), (), 0),
                            ((), (0,), 0)], 4, 1)},
    )
    texts = [c.text for c in report3.coverage]
    assert "Tagalog: 1 of 5 sentences have an English counterpart" in texts
    assert "English: 0 of 1 sentences have a Nepali counterpart" in texts


def test_many_to_one_bead_is_one_row():
    a = doc("a", "tl", ["x", "y", "z"])
    b = doc("b", "en", ["xy", "z"])
    report = build_report([a, b], {(0, 1): alignment([((0, 1), (0,), 0.6), ((2,), (1,), 0.9)], 3, 2)})
    assert [row.cells for row in report.rows] == [((0, 1), (0,)), ((2,), (1,))]


def test_three_documents_merge_links_through_the_third():
    tl = doc("a", "tl", ["t0", "t1", "t2"])
    ne = doc("b", "ne", ["n0", "n1"])
    en = doc("c", "en", ["e0", "e1", "e2"])
    # t0-n0-e0 all agree; t1 only linked to e1; e2 only in English; n1 linked to t2 only.
    als = {
        (0, 1): alignment([((0,), (0,), 0.9), ((1,), (), 0), ((2,), (1,), 0.7)], 3, 2),
        (0, 2): alignment([((0,), (0,), 0.8), ((1,), (1,), 0.6), ((2,), (), 0), ((), (2,), 0)], 3, 3),
        (1, 2): alignment([((0,), (0,), 0.7), ((1,), (), 0), ((), (1,), 0), ((), (2,), 0)], 2, 3),
    }
    report = build_report([tl, ne, en], als)
    covered_once(report)
    reads_in_order(report)
    cells = [row.cells for row in report.rows]
    assert ((0,), (0,), (0,)) in cells
    assert ((1,), (), (1,)) in cells
    assert ((2,), (1,), ()) in cells
    assert ((), (), (2,)) in cells
    only = [row.label for row in report.rows if row.only_in]
    assert only == ["only-in-en"]


def test_crossing_links_still_cover_each_sentence_once():
    a = doc("a", "tl", ["a0", "a1", "a2"])
    b = doc("b", "ne", ["b0", "b1", "b2"])
    crossing = alignment([((0,), (2,), 0.5), ((1,), (1,), 0.5), ((2,), (0,), 0.5)], 3, 3)
    report = build_report([a, b], {(0, 1): crossing})
    covered_once(report)
    assert len(report.rows) == 3


def test_same_language_is_refused():
    other = doc("c", "tl", ["isa"])
    with pytest.raises(InputError, match="same language"):
        build_report([TL, other], {(0, 1): alignment([((0,), (0,), 1)], 5, 1)})


def test_alignment_of_other_documents_is_refused():
    wrong = alignment([((0,), (0,), 1.0)], 1, 1)
    with pytest.raises(InputError, match="re-run"):
        build_report([TL, NE], {(0, 1): wrong})
    with pytest.raises(InputError, match="missing"):
        build_report([TL, NE], {})


def test_json_is_deterministic_and_covers_every_sentence():
    first = json.dumps(report_to_json(build_report([TL, NE], {(0, 1): TL_NE})), sort_keys=True)
    second = json.dumps(report_to_json(build_report([TL, NE], {(0, 1): TL_NE})), sort_keys=True)
    assert first == second
    data = json.loads(first)
    for d, document in enumerate(data["documents"]):
        seen = sorted(s for row in data["rows"] for s in row["cells"][d])
        assert seen == list(range(len(document["sentences"])))
    assert data["documents"][1]["sentences"][2]["text"] == "नयाँ"


# Two sections in each version; the second Tagalog section has a run the Nepali lacks.
TL2 = doc("a", "tl", ["Panimula", "isa", "Kabataan", "dalawa", "tatlo", "apat", "lima"], headings=(0, 2))
NE2 = doc("b", "ne", ["परिचय", "एक", "बाल्यकाल", "दुई", "नयाँ", "पाँच"], headings=(0, 2))
TL2_NE2 = alignment(
    [((0,), (0,), 0.9), ((1,), (1,), 0.8), ((2,), (2,), 0.9), ((3,), (3,), 0.8), ((4,), (), 0.0),
     ((5,), (), 0.0), ((), (4,), 0.0), ((6,), (5,), 0.7)],
    7, 6,
)


def test_sections_count_each_version_between_headings():
    report = build_report([TL2, NE2], {(0, 1): TL2_NE2})
    first, second = report.sections
    assert (first.number, first.headings, first.title) == (1, ("Panimula", "परिचय"), "Panimula / परिचय")
    assert [(c.units, c.aligned, c.only) for c in first.counts] == [(2, 2, 0), (2, 2, 0)]
    assert [(c.units, c.aligned, c.only) for c in second.counts] == [(5, 3, 2), (4, 3, 1)]
    assert second.counts[0].only_percent == pytest.approx(40.0)
    assert [(c.units, c.aligned, c.only) for c in report.totals] == [(7, 5, 2), (6, 5, 1)]
    # every row is in exactly one section
    assert [(s.start, s.stop) for s in report.sections] == [(0, 2), (2, len(report.rows))]


def test_text_before_the_first_heading_is_its_own_section():
    a = doc("a", "tl", ["isa", "Pamagat", "dalawa"], headings=(1,))
    b = doc("b", "ne", ["एक", "दुई"])
    report = build_report([a, b], {(0, 1): alignment([((0,), (0,), 0.9), ((1,), (), 0),
                                                      ((2,), (1,), 0.8)], 3, 2)})
    assert [s.title for s in report.sections] == [OPENING, "Pamagat"]
    assert report.sections[1].headings == ("Pamagat", None)


def test_a_section_is_found_by_number_or_by_its_heading_in_any_version():
    report = build_report([TL2, NE2], {(0, 1): TL2_NE2})
    assert report.section("2").number == 2
    assert report.section("kabataan").number == 2  # case ignored
    assert report.section("बाल्यकाल").number == 2  # the Nepali heading
    assert report.section("Pani").number == 1  # a unique part of a heading
    with pytest.raises(ConfigError, match="1 Panimula / परिचय; 2 Kabataan / बाल्यकाल"):
        report.section("Legasiya")
    with pytest.raises(ConfigError, match="matches 2 sections"):
        report.section("a")


def test_insertion_hints_name_the_last_shared_sentence_before_each_run():
    report = build_report([TL2, NE2], {(0, 1): TL2_NE2})
    runs = [(ins.doc, [s for row in report.rows[ins.start:ins.stop] for s in row.cells[ins.doc]],
             ins.anchors) for ins in report.insertions]
    # tl 4-5 go after ne 3 ("दुई", aligned with tl 3); ne 4 goes after tl 3, not after the tl-only run
    assert runs == [(0, [4, 5], (Anchor(doc=1, after=3),)), (1, [4], (Anchor(doc=0, after=3),))]
    data = report_to_json(report)
    assert data["insertions"][0]["after"] == [{"doc": 1, "lang": "ne", "sentence": 3, "text": "दुई"}]
    assert data["sections"][1]["sides"][0] == {"lang": "tl", "units": 5, "aligned": 3, "only": 2,
                                               "only_percent": 40.0}


def test_a_run_at_the_very_start_goes_before_the_first_sentence():
    a = doc("a", "tl", ["bago", "isa"])
    b = doc("b", "ne", ["एक"])
    report = build_report([a, b], {(0, 1): alignment([((0,), (), 0), ((1,), (0,), 0.9)], 2, 1)})
    assert [ins.anchors for ins in report.insertions] == [(Anchor(doc=1, after=None),)]


def test_three_versions_get_one_anchor_per_other_version():
    tl = doc("a", "tl", ["t0", "t1"])
    ne = doc("b", "ne", ["n0"])
    en = doc("c", "en", ["e0", "e1"])
    als = {
        (0, 1): alignment([((0,), (0,), 0.9), ((1,), (), 0)], 2, 1),
        (0, 2): alignment([((0,), (0,), 0.9), ((1,), (), 0), ((), (1,), 0)], 2, 2),
        (1, 2): alignment([((0,), (0,), 0.9), ((), (1,), 0)], 1, 2),
    }
    report = build_report([tl, ne, en], als)
    by_doc = {ins.doc: ins.anchors for ins in report.insertions}
    assert by_doc[0] == (Anchor(doc=1, after=0), Anchor(doc=2, after=0))
    assert by_doc[2] == (Anchor(doc=0, after=0), Anchor(doc=1, after=0))


@st.composite
def monotone_alignment(draw):
    """A random monotone alignment built from 1-1, 1-0, 0-1 and 2-1 beads."""
    shapes = draw(st.lists(st.sampled_from([(1, 1), (1, 0), (0, 1), (2, 1), (1, 2)]),
                           min_size=1, max_size=25))
    beads, i, j = [], 0, 0
    for a, b in shapes:
        beads.append((tuple(range(i, i + a)), tuple(range(j, j + b)), 0.5))
        i, j = i + a, j + b
    return beads, i, j


@settings(max_examples=60, deadline=None)
@given(monotone_alignment())
def test_random_monotone_alignments_give_ordered_complete_rows(data):
    beads, n, m = data
    a = doc("a", "tl", [f"a{k}" for k in range(n)])
    b = doc("b", "en", [f"b{k}" for k in range(m)])
    report = build_report([a, b], {(0, 1): alignment(beads, n, m)})
    covered_once(report)
    reads_in_order(report)
    gaps_a = {k for s, t, _ in beads if not t for k in s}
    assert report.gap_sentences(0) == gaps_a
    linked = sum(len(s) for s, t, _ in beads if s and t)
    assert report.coverage[0].with_counterpart == linked
    # every one-version row is in exactly one insertion run, whose anchor precedes it
    in_runs = sorted(k for ins in report.insertions for k in range(ins.start, ins.stop))
    assert in_runs == [k for k, row in enumerate(report.rows) if len(row.present) == 1]
    for ins in report.insertions:
        (anchor,) = ins.anchors
        first_other = min((s for row in report.rows[ins.stop:] for s in row.cells[anchor.doc]),
                          default=None)
        if anchor.after is not None and first_other is not None:
            assert anchor.after < first_other
    assert sum(c.units for c in report.totals) == n + m


def test_a_row_is_only_in_one_language_exactly_when_its_status_says_so():
    assert GapRow(((0,), ()), RowStatus.ONLY_IN, only_in="tl").label == "only-in-tl"
    assert GapRow(((0,), (0,)), RowStatus.ALIGNED).label == "aligned"
    with pytest.raises(ValueError):
        GapRow(((0,), ()), RowStatus.ONLY_IN)
    with pytest.raises(ValueError):
        GapRow(((0,), (0,)), RowStatus.ALIGNED, only_in="tl")
