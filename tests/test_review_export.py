"""Each CAT tool's TMX from a review: Trados confirmation levels, memoQ props and context,
OmegaT penalty folders; translate-toolkit reads every preset and every file is valid TMX."""

from __future__ import annotations

import pytest
from translate.storage.tmx import tmxfile

from aligner.formats import TmxOptions
from aligner.review.export import penalty, write_pair
from aligner.types import Alignment, Bead, Document, Sentence
from test_tmx_support import assert_valid_tmx
from tmx.read import iter_tus

EN = ["The river flooded the town.", "Schools closed for a week.", "Aid arrived on Monday.",
      "The mayor thanked the volunteers.", "Rebuilding will take a year."]
TL = ["Binaha ng ilog ang bayan.", "Sarado ang mga paaralan nang isang linggo.", "Dumating ang tulong noong Lunes.",
      "Nagpasalamat ang alkalde sa mga boluntaryo.", "Isang taon ang muling pagtatayo."]


def doc(name, lang, texts):
    sents, pos = [], 0
    for t in texts:
        sents.append(Sentence(t, lang, pos, pos + len(t)))
        pos += len(t) + 1
    return Document(name, lang, "text", tuple(sents), "\n".join(texts))


SRC, TGT = doc("flood.en", "en", EN), doc("flood.tl", "tl", TL)
SCORES = [0.97, 0.87, 0.55, 0.42, 0.91]
ALIGNMENT = Alignment(tuple(Bead((i,), (i,), s) for i, s in enumerate(SCORES)), 5, 5, "parallel")
STATUSES = {((0,), (0,)): "confirmed", ((3,), (3,)): "related", ((4,), (4,)): "confirmed"}


def raw_tu_props(path):
    with open(path, "rb") as f:
        units = tmxfile(f).units
    return units, [{p.get("type"): p.text for p in u.xmlelement.iterfind("prop")} for u in units]


def test_penalty_bands_put_an_exact_match_at_the_lower_edge_of_its_score_band():
    assert [penalty(s) for s in (1.0, 0.97, 0.90, 0.87, 0.55, 0.42, 0.05)] == [10, 10, 10, 20, 50, 60, 100]
    assert penalty(0.87, step=5) == 15


def test_trados_gets_origin_alignment_and_confirmation_levels(tmp_path):
    written = write_pair(tmp_path, "flood.en-tl.tmx", SRC, TGT, ALIGNMENT, STATUSES, TmxOptions("trados"))
    path = tmp_path / "flood.en-tl.tmx"
    assert_valid_tmx(path)
    assert written.files == ("flood.en-tl.tmx",) and written.tus == 4 and written.confirmed == 2
    units, props = raw_tu_props(path)
    assert [u.source for u in units] == [EN[0], EN[1], EN[2], EN[4]]  # the related pair is no translation
    assert all(p["x-Origin"] == "Alignment" for p in props)
    assert [p["x-ConfirmationLevel"] for p in props] == ["ApprovedTranslation", "Draft", "Draft", "ApprovedTranslation"]
    assert [tu.segs[0][0] for tu in iter_tus(path)] == ["en-US"] * 4


def test_memoq_gets_aligned_corrected_and_the_source_context(tmp_path):
    write_pair(tmp_path, "flood.en-tl.tmx", SRC, TGT, ALIGNMENT, STATUSES, TmxOptions("memoq"))
    path = tmp_path / "flood.en-tl.tmx"
    assert_valid_tmx(path)
    units, props = raw_tu_props(path)
    assert all(p["aligned"] == "yes" for p in props)
    assert [p.get("corrected") for p in props] == ["yes", None, None, "yes"]
    assert [(u.source, u.target) for u in units] == [(EN[i], TL[i]) for i in (0, 1, 2, 4)]
    src_tuvs = [u.xmlelement.find("tuv") for u in units]
    context = [{p.get("type"): p.text for p in tuv.iterfind("prop")} for tuv in src_tuvs]
    assert context[0] == {"x-context-post": f"<seg>{EN[1]}</seg>"}
    assert context[1] == {"x-context-pre": f"<seg>{EN[0]}</seg>", "x-context-post": f"<seg>{EN[2]}</seg>"}
    assert context[3] == {"x-context-pre": f"<seg>{EN[3]}</seg>"}
    text = path.read_text(encoding="utf-8")
    assert "&lt;seg&gt;" in text  # memoQ's escaped <seg> inside the prop, which the DTD allows
    assert all(tuv.getnext().find("prop") is None for tuv in src_tuvs)  # target <tuv>: no context


def test_omegat_keeps_confirmed_in_the_main_file_and_the_rest_under_penalty_folders(tmp_path):
    written = write_pair(tmp_path, "flood.en-tl.tmx", SRC, TGT, ALIGNMENT, STATUSES, TmxOptions("omegat"))
    assert written.files == ("flood.en-tl.tmx", "penalty-20/flood.en-tl.tmx", "penalty-50/flood.en-tl.tmx")
    by_file = {}
    for name in written.files:
        assert_valid_tmx(tmp_path / name)
        with open(tmp_path / name, "rb") as f:
            by_file[name] = [u.source for u in tmxfile(f).units]
    assert by_file == {"flood.en-tl.tmx": [EN[0], EN[4]], "penalty-20/flood.en-tl.tmx": [EN[1]],
                       "penalty-50/flood.en-tl.tmx": [EN[2]]}
    # Confirming the 0.87 pair later moves it to the main file and removes its penalty file.
    more = {**STATUSES, ((1,), (1,)): "confirmed"}
    again = write_pair(tmp_path, "flood.en-tl.tmx", SRC, TGT, ALIGNMENT, more, TmxOptions("omegat"))
    assert again.files == ("flood.en-tl.tmx", "penalty-50/flood.en-tl.tmx")
    assert not (tmp_path / "penalty-20").exists()


@pytest.mark.parametrize("preset", ["bcp47", "omegat", "trados", "memoq"])
def test_confirmed_only_writes_what_a_person_approved(tmp_path, preset):
    options = TmxOptions(preset, confirmed_only=True)
    written = write_pair(tmp_path, "f.tmx", SRC, TGT, ALIGNMENT, STATUSES, options)
    assert written.files == ("f.tmx",)
    assert_valid_tmx(tmp_path / "f.tmx")
    with open(tmp_path / "f.tmx", "rb") as f:
        assert [u.source for u in tmxfile(f).units] == [EN[0], EN[4]]
    if preset == "bcp47":
        assert [tu.prop("x-review") for tu in iter_tus(tmp_path / "f.tmx")] == ["confirmed", "confirmed"]


def test_min_score_never_drops_a_confirmed_link(tmp_path):
    low = {((2,), (2,)): "confirmed"}
    write_pair(tmp_path, "f.tmx", SRC, TGT, ALIGNMENT, low, TmxOptions("bcp47", min_score=0.9))
    assert [tu.text("en") for tu in iter_tus(tmp_path / "f.tmx")] == [EN[0], EN[2], EN[4]]
