from aligner.cli import main
from aligner.evaluate import format_bead, parse_links, score
from aligner.types import Bead

GOLD = [((0,), (0, 1)), ((1,), (2,)), ((2,), ()), ((), (3,)), ((3, 4), (4,))]


def test_perfect_test_scores_one_everywhere():
    sc = score(GOLD, GOLD)
    assert (sc.strict.f1, sc.lax.f1, sc.gap.f1) == (1.0, 1.0, 1.0)


def test_strict_counts_exact_beads_and_lax_counts_overlaps():
    test = [((0,), (0,)), ((), (1,)), ((1,), (2,)), ((2,), ()), ((), (3,)), ((3,), (4,)), ((4,), ())]
    sc = score(GOLD, test)
    # non-empty test beads: (0)-(0) lax only, (1)-(2) exact, (3)-(4) lax only
    assert sc.strict.tp == 1 and sc.strict.n_test == 3 and sc.strict.n_gold == 3
    assert sc.lax.precision == 1.0 and sc.lax.recall == 1.0
    # unaligned in test: s2, s4, t1, t3; in gold: s2, t3
    assert sc.gap.tp == 2 and sc.gap.n_test == 4 and sc.gap.n_gold == 2


def test_micro_average_adds_counts():
    a = score(GOLD, GOLD)
    b = score(GOLD, [((0, 1, 2, 3, 4), (0, 1, 2, 3, 4))])
    total = a + b
    assert total.strict.tp == 3 and total.strict.n_test == 4 and total.strict.n_gold == 6


def test_bead_format_round_trips():
    beads = [Bead((3, 4), (5,), 0.9123), Bead((), (7,), 0.5), Bead((8,), (), 0.25)]
    text = "\n".join(format_bead(b) for b in beads)
    assert text.splitlines()[0] == "[3, 4]:[5]:0.912"
    assert parse_links(text) == [((3, 4), (5,)), ((), (7,)), ((8,), ())]


def test_eval_cli_prints_three_lines(tmp_path, capsys):
    g = tmp_path / "gold"
    t = tmp_path / "test"
    g.write_text("[0]:[0, 1]\n[1]:[2]\n[2]:[]\n")
    t.write_text("[0]:[0, 1]:0.9\n[1]:[2]:0.8\n[2]:[]:0.7\n")
    assert main(["eval", str(g), str(t)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("strict P 1.0000") and out[2].startswith("gap")


def test_eval_cli_rejects_garbage_with_input_error(tmp_path, capsys):
    g = tmp_path / "gold"
    g.write_text("not a bead\n")
    assert main(["eval", str(g), str(g)]) == 2
    assert "expected" in capsys.readouterr().err
