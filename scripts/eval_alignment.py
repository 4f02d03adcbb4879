"""The alignment table in docs/results.md: every FLORES scenario x pair, then Text+Berg.

Sentences are embedded through ``aligner.embed.embed`` (cached, so re-runs are
cheap). Because cached vectors cost nothing, "embed s" is the *uncached*
encoder time for the same tokens: each language's seconds per token is measured
once, uncached, on a 200-sentence FLORES sample, and multiplied by the tokens
the run embedded. "align s" is measured. Usage:
    python scripts/eval_alignment.py [--mode auto] [--only clean,merge] [--no-textberg] [--bead-kinds]
                                     [--data tico] [--set SECTION.FIELD=VALUE ...]
``--data tico`` builds the same scenarios from TICO-19 (``scenarios.build``), for tuning on it.
``--set`` runs a variant of the configuration (``dataclasses.replace``, as in ``eval_grid.py``).
``--bead-kinds`` adds, per scenario (pairs pooled) and for Text+Berg, how the beads' calibrated
scores compare with how often they are right, by kind (1-1, merged, gap): auto chooses the mode
that expects more sentences in correct beads, so a kind scored far from its hit rate skews that
choice. A pair bead is right if the gold has it, a gap bead if its sentences are gold gaps (as in
``eval_grid.py``'s reliability tables).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import eval_grid  # noqa: E402
import evaldata  # noqa: E402
import scenarios  # noqa: E402
from aligner.align import align  # noqa: E402
from aligner.align.config import DEFAULT_CONFIG  # noqa: E402
from aligner.align.scoring import count_tokens  # noqa: E402
from aligner.embed import embed, get_encoder  # noqa: E402
from aligner.evaluate import Scores, score  # noqa: E402


def token_rate(lang: str, encoder) -> float:
    """Uncached encoder seconds per token for this language."""
    lines = scenarios.load_lines(lang)[::5][:200]
    embed(["warm up the model"], encoder, cache=False)
    t = time.perf_counter()
    embed(lines, encoder, cache=False)
    return (time.perf_counter() - t) / max(1, count_tokens(lines))


def warm_up(encoder, config) -> float:
    """Seconds of one small alignment in every mode, so that "align s" is each pair's own cost.

    The first call in a process loads numba's compiled kernels from their cache (about half a
    second): a once-per-process cost that would otherwise be charged to the first scenario.
    """
    lines = scenarios.load_lines("en")[:12]
    vecs = embed(lines, encoder)
    t = time.perf_counter()
    align(lines, lines, embed=lambda x: embed(x, encoder), src_vecs=vecs, tgt_vecs=vecs, mode="auto",
          src_lang="en", tgt_lang="en", config=config)
    return time.perf_counter() - t


def run_one(src, tgt, mode, encoder, rates, src_lang, tgt_lang, config=DEFAULT_CONFIG):
    sv = embed(src, encoder)
    tv = embed(tgt, encoder)
    a = align(src, tgt, embed=lambda x: embed(x, encoder), src_vecs=sv, tgt_vecs=tv, mode=mode,
              src_lang=src_lang, tgt_lang=tgt_lang, config=config)
    tok_s, tok_t = count_tokens(src), count_tokens(tgt)
    extra = a.info.tokens_embedded
    ratio = (tok_s + tok_t + extra) / (tok_s + tok_t)
    embed_s = tok_s * rates[src_lang] + tok_t * rates[tgt_lang] + extra * max(rates[src_lang], rates[tgt_lang])
    return a, ratio, embed_s, a.info.timings.align


def bead_kinds(gold, beads) -> list[tuple[str, float, bool, int]]:
    """(kind, score, right, sentences) per bead."""
    out = []
    for b, (sc, ok) in zip(beads, eval_grid.bead_outcomes(gold, beads), strict=True):
        kind = "gap" if b.is_gap else "1-1" if len(b.src) == len(b.tgt) == 1 else "merged"
        out.append((kind, sc, ok, len(b.src) + len(b.tgt)))
    return out


def print_bead_kinds(kinds: dict[str, list[tuple[str, float, bool, int]]], mode: str) -> None:
    print(f"\nBeads by kind ({mode}): calibrated score against the share right; sentences in right "
          "beads, expected (score x sentences) against observed\n")
    print("| data | kind | beads | mean score | share right | expected sentences | observed sentences |")
    print("|---|---|---|---|---|---|---|")
    for group, rows in kinds.items():
        for kind in ("1-1", "merged", "gap"):
            got = [r for r in rows if r[0] == kind]
            if not got:
                continue
            exp = sum(sc * n for _, sc, _, n in got)
            obs = sum(n for _, _, ok, n in got if ok)
            print(f"| {group} | {kind} | {len(got)} | {sum(r[1] for r in got) / len(got):.3f} | "
                  f"{sum(r[2] for r in got) / len(got):.3f} | {exp:.0f} | {obs} |")


def fmt(name, pair, sc: Scores, a, ratio, embed_s, align_s, n):
    # with no gaps in the gold, gap F1 is undefined: show how many false gaps were made
    gap = f"{sc.gap.f1:.3f}" if sc.gap.n_gold else f"n/a ({sc.gap.n_test} false)"
    return (f"| {name} | {pair} | {a.mode} | {sc.strict.precision:.3f} | {sc.strict.recall:.3f} | "
            f"{sc.strict.f1:.3f} | {sc.lax.f1:.3f} | {gap} | {n} | {ratio:.2f} | "
            f"{embed_s:.1f} | {align_s:.2f} | {100 * align_s / max(embed_s, 1e-9):.1f}% |")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mode", default="auto")
    ap.add_argument("--only", default=",".join(scenarios.SCENARIOS),
                    help="comma-separated scenarios; '' for Text+Berg alone")
    ap.add_argument("--data", default="flores", choices=("flores", "tico"),
                    help="build the scenarios from FLORES dev (the test) or TICO-19 (the tuning set)")
    ap.add_argument("--no-textberg", action="store_true")
    ap.add_argument("--reasons", action="store_true", help="print auto mode's reason per run")
    ap.add_argument("--bead-kinds", action="store_true",
                    help="print each bead kind's mean score against its share right (the calibration)")
    ap.add_argument("--set", action="append", default=[], metavar="SECTION.FIELD=VALUE",
                    help="run a variant of the configuration, e.g. --set comparable.outlier_run=0 (repeatable)")
    args = ap.parse_args()
    config = eval_grid.variant(DEFAULT_CONFIG, args.set)
    encoder = get_encoder()
    rates = {lang: token_rate(lang, encoder) for lang in ("en", "tl", "ne")}
    warm = warm_up(encoder, config)
    print(f"{args.data}, mode {args.mode}, config {config.digest()}" + (f" ({', '.join(args.set)})" if args.set else "")
          + f"; the aligner's first call in this process (numba's compiled kernels loaded) took {warm:.2f} s, "
            "before the timed runs\n")
    print("| scenario | pair | mode used | strict P | strict R | strict F1 | lax F1 | gap F1 | "
          "sentences | tokens embedded / text | embed s | align s | align/embed |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    kinds: dict[str, list[tuple[str, float, bool, int]]] = defaultdict(list)
    for name in [x for x in args.only.split(",") if x]:
        for s, t in scenarios.PAIRS:
            sc_ = scenarios.build(name, s, t, args.data)
            a, ratio, es, al = run_one(sc_.src, sc_.tgt, args.mode, encoder, rates, s, t, config)
            sc = score(sc_.gold, [(b.src, b.tgt) for b in a.beads], len(sc_.src), len(sc_.tgt))
            kinds[name] += bead_kinds(sc_.gold, a.beads)
            print(fmt(name, f"{s}-{t}", sc, a, ratio, es, al, len(sc_.src) + len(sc_.tgt)), flush=True)
            if args.reasons:
                print(f"|  |  | {a.info.mode_reason} |")
    if not args.no_textberg:
        de_fr_rate = {"de": rates["en"], "fr": rates["en"]}
        total = None
        ratio_n = ratio_d = es_t = al_t = 0.0
        n_all = 0
        modes = set()
        for tb in evaldata.textberg():
            doc, src, tgt = tb.name, tb.de, tb.fr
            a, ratio, es, al = run_one(src, tgt, args.mode, encoder, de_fr_rate, "de", "fr", config)
            sc = score(tb.gold, [(b.src, b.tgt) for b in a.beads], len(src), len(tgt))
            kinds["text+berg"] += bead_kinds(tb.gold, a.beads)
            total = sc if total is None else total + sc
            tok = count_tokens(src) + count_tokens(tgt)
            ratio_n += ratio * tok
            ratio_d += tok
            es_t += es
            al_t += al
            n_all += len(src) + len(tgt)
            modes.add(a.mode)
            print(fmt(f"text+berg {doc}", "de-fr", sc, a, ratio, es, al, len(src) + len(tgt)), flush=True)

        class _A:
            mode = "/".join(sorted(modes))

        assert total is not None  # seven documents were scored
        print(fmt("text+berg (micro)", "de-fr", total, _A, ratio_n / ratio_d, es_t, al_t, n_all))
    if args.bead_kinds:
        print_bead_kinds(kinds, args.mode)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
