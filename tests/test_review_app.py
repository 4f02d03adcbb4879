"""The review app driven by Textual's Pilot (headless): every key and operation."""

from __future__ import annotations

import asyncio
import json

import pytest

from aligner.cli._review_app import ReviewApp
from aligner.review.session import Session
from review_fixture import EN, TL, fake_embed, fake_vectors, make_run
from tmx.read import iter_tus


def run_keys(out, keys, size=(100, 30), check=None):
    """Open the app on ``out``, press ``keys``, call ``check(app)``, and quit with q."""
    result = {}

    async def go():
        app = ReviewApp(Session.open(out), vectors=fake_vectors, embed=fake_embed)
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            for key in keys:
                await pilot.press(key)
                await pilot.pause()
            if check is not None:
                check(app)
            result["cursor"] = app.current
            await pilot.press("q")
            await pilot.pause()
        result["app"] = app
    asyncio.run(go())
    return result


def decisions(out):
    data = json.loads((out / "review.json").read_text(encoding="utf-8"))
    return [(d["status"], len(d["src"]), len(d["tgt"]), d["manual"]) for p in data["pairs"] for d in p["decisions"]]


def links(out):
    s = Session.open(out).pairs[0]
    return {(ln.src, ln.tgt): ln.status for ln in s.links}


@pytest.fixture()
def out(tmp_path):
    return make_run(tmp_path / "out")


def test_rows_read_in_order_with_headings_and_gaps(out):
    def check(app):
        kinds = [(r.kind, r.src, r.tgt) for r in app.rows]
        assert kinds[0] == ("link", (0,), (0,))  # the aligned headings: a link and a landmark
        assert ("gap", (4,), ()) in kinds
        assert [s.title for s in app.sections] == ["Floods", "Recovery"]
        assert app.sections[0].src_total == 5 and app.sections[0].src_linked == 4
    run_keys(out, [], check=check)


def test_confirm_moves_on_and_q_saves_and_writes_the_tmx(out):
    run_keys(out, ["c", "space"])
    assert links(out) == {((0,), (0,)): "confirmed", ((1,), (1,)): "confirmed"}
    levels = [tu.prop("x-ConfirmationLevel") for tu in iter_tus(out / "flood.en-tl.tmx")]
    assert levels[:3] == ["ApprovedTranslation", "ApprovedTranslation", "Draft"]


def test_confirm_everything_above(out):
    run_keys(out, ["down", "down", "C"])
    assert links(out) == {((0,), (0,)): "confirmed", ((1,), (1,)): "confirmed", ((2,), (2,)): "confirmed"}


def test_reject_then_the_pair_is_two_gaps_and_stays_out_of_the_tmx(out):
    def check(app):
        rows = [(r.kind, r.src, r.tgt, r.status) for r in app.rows]
        assert ("gap", (3,), (), "rejected") in rows and ("gap", (), (3,), "rejected") in rows
    run_keys(out, ["down", "down", "down", "x"], check=check)
    assert links(out) == {((3,), (3,)): "rejected"}
    assert EN[3][0] not in [tu.text("en-US") for tu in iter_tus(out / "flood.en-tl.tmx")]


def test_related_is_shown_but_kept_out_of_the_tmx_and_toggles(out):
    def check(app):
        assert app.current.status == "related"
    run_keys(out, ["down", "e"], check=check)
    assert links(out) == {((1,), (1,)): "related"}
    assert EN[1][0] not in [tu.text("en-US") for tu in iter_tus(out / "flood.en-tl.tmx")]
    run_keys(out, ["down", "e"])
    assert links(out) == {}


def test_relink_offers_top_candidates_with_scores_and_links_the_pick(out):
    seen = {}

    def check(app):
        seen["screen"] = type(app.screen).__name__
        seen["options"] = [str(o.prompt) for o in app.screen.query_one("OptionList").options]
    # Row 3 is en 3 <-> tl 3; re-link en 3, and pick the second candidate.
    run_keys(out, ["down", "down", "down", "r"], check=check)
    assert seen["screen"] == "Choose"
    assert len(seen["options"]) == 5
    assert seen["options"][0].endswith(TL[3][0]) and "•" in seen["options"][0]
    scores = [float(o.split()[0]) for o in seen["options"]]
    assert scores == sorted(scores, reverse=True)
    run_keys(out, ["down", "down", "down", "r", "down", "enter"])
    (key, status), = links(out).items()
    assert key[0] == (3,) and key[1] != (3,) and status == "confirmed"
    assert decisions(out) == [("confirmed", 1, 1, True)]


def test_relink_a_gap_sentence(out):
    # en 4 has no partner; g jumps to it, r offers Tagalog sentences.
    run_keys(out, ["g", "r", "enter"])
    (key, status), = links(out).items()
    assert key[0] == (4,) and len(key[1]) == 1 and status == "confirmed"


def test_merge_a_link_with_the_gap_below(out):
    def check(app):
        assert (app.current.src, app.current.tgt) == ((3, 4), (3,))
    run_keys(out, ["down", "down", "down", "m"], check=check)
    assert links(out) == {((3, 4), (3,)): "confirmed"}


def test_split_a_two_two_link(out):
    def check(app):
        assert ("link", (7,), (6,)) in [(r.kind, r.src, r.tgt) for r in app.rows]
    run_keys(out, ["end", "s"], check=check)
    assert links(out) == {((7,), (6,)): "confirmed", ((8,), (7,)): "confirmed"}


def test_split_refuses_a_one_one_link_and_says_why(out):
    def check(app):
        assert "cannot be split" in app.message
    run_keys(out, ["s"], check=check)
    assert not (out / "review.json").exists() or links(out) == {}


def test_undo_and_clear(out):
    run_keys(out, ["c", "c", "u"])
    assert links(out) == {((0,), (0,)): "confirmed"}
    run_keys(out, ["d"])
    assert links(out) == {}


def test_next_unconfirmed_next_low_and_next_gap(out):
    def check(app):
        assert (app.current.src, app.current.tgt) == ((2,), (2,))  # after confirming 0 and 1: next pending
    run_keys(out, ["c", "c", "home", "n"], check=check)

    def low(app):
        assert (app.current.src, app.current.tgt) == ((3,), (3,))  # 0.35 < 0.5
    run_keys(out, ["l"], check=low)

    def gap(app):
        assert (app.current.kind, app.current.src) == ("gap", (4,))
    run_keys(out, ["g"], check=gap)


def test_filter_cycles_score_bands(out):
    def check(app):
        assert app.band == 2
        assert all(r.kind == "link" and r.score >= 0.8 for r in app.shown)
        assert len(app.shown) == 4
    run_keys(out, ["f", "f", "f"], check=check)

    def back(app):
        assert app.band is None and len(app.shown) == len(app.rows)
    run_keys(out, ["f", "f", "f", "f"], check=back)


def test_search_jumps_to_the_next_match_in_either_language(out):
    def check(app):
        assert app.current.src == (6,)
    run_keys(out, ["slash", *"alkalde", "enter"], check=check)


def test_sections_overview_jumps_to_a_section(out):
    def check(app):
        assert app.current.src == (5,)
    run_keys(out, ["o", "down", "enter"], check=check)


def test_pairs_switch_and_help_opens(out):
    def check(app):
        assert app.k == 0  # one pair: p wraps round
        assert type(app.screen).__name__ == "Choose"
    run_keys(out, ["p", "question_mark"], check=check)


def test_realign_pending_keeps_confirmed_links(out):
    def check(app):
        view = app.session.pairs[0]
        assert ((0,), (0,)) in {(b.src, b.tgt) for b in view.alignment.beads}
        assert "re-aligned" in app.message
    run_keys(out, ["c", "A"], check=check)
    assert links(out) == {((0,), (0,)): "confirmed"}
    assert json.loads((out / "alignments.json").read_text(encoding="utf-8"))["pairs"][0]["beads"]


@pytest.mark.parametrize("size", [(80, 24), (160, 50)])
def test_the_screen_fits_and_uses_the_room(out, size):
    def check(app):
        table = app.query_one("#rows")
        assert table.size.width <= size[0]
        width = table.columns[next(iter(table.columns))].width
        assert width >= 1
        text_w = app._widths()[0]
        assert text_w >= 25
        sidebar = app.query_one("#sections")
        assert sidebar.display == (size[0] >= 140)
        if size[0] >= 140:
            assert text_w >= 55
    run_keys(out, [], size=size, check=check)


def test_moving_keys(out):
    def check(app):
        assert app.current.src == (1,)  # j j k
    run_keys(out, ["j", "j", "k"], check=check)

    def last(app):
        assert app.current.src == (7, 8)
    run_keys(out, ["end"], check=last)

    def first(app):
        assert app.current.src == (0,)
    run_keys(out, ["pagedown", "home"], check=first)

    def back(app):
        assert app.k == 0
    run_keys(out, ["P"], check=back)


def test_escape_cancels_a_relink(out):
    run_keys(out, ["r", "escape"])
    assert not (out / "review.json").exists() or links(out) == {}
