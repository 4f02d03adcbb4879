"""Sentence-boundary recall on FLORES-200 dev, one paragraph per article.

Each FLORES article's lines are joined with a space (for Nepali also with no space
after a danda) and split again; a FLORES line start counts as found when a
predicted sentence starts there. About 10% of FLORES lines hold two sentences, so
precision against FLORES understates; over-splitting is checked on the corpus by
the tests instead.

The last column counts only boundaries after a FLORES line that ends in sentence
punctuation: lines such as "... but they do not accept credit cards" (no full stop)
cannot be found by punctuation, so they are listed with --show-misses.

Then the corpus (no ../shared needed): units per document; on the book, boundary
precision/recall against a hand-checked slice (scripts/data/book_gold_slice.txt,
its first 135 units), hyphenation residue (``weaken- ing``) and cuts between a
colon and the quotation it introduces; on all four documents, cuts right after a
quoted question or title before a word that is not capitalised (``‘के गर्ने ?’ |
उपन्यासले``).

Usage: python scripts/eval_segmentation.py [--eval-dir DIR] [--show-misses N]
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import evaldata  # noqa: E402
from aligner.evaluate import PRF  # noqa: E402
from aligner.ingest import read_manifest  # noqa: E402
from aligner.segment import split_sentences  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
BAR = 0.995


def join(lines: list[str], danda_glued: bool) -> tuple[str, list[int]]:
    text, starts = "", []
    for line in lines:
        if text:
            text += "" if danda_glued and text.endswith("।") else " "
        starts.append(len(text))
        text += line
    return text, starts


_FINAL = tuple(".!?।॥\"”’')")


def score(
    lines: list[str], docs: list[list[int]], lang: str, danda_glued: bool
) -> tuple[int, int, int, int, int, list[str]]:
    gold_n = found = predicted = punct_n = punct_found = 0
    misses: list[str] = []
    for doc in docs:
        text, starts = join([lines[i] for i in doc], danda_glued)
        predicted_starts = {a for a, _ in split_sentences(text, lang)} - {0}
        gold = set(starts[1:])
        gold_n += len(gold)
        predicted += len(predicted_starts)
        hit = gold & predicted_starts
        found += len(hit)
        for k, g in enumerate(starts[1:]):
            if lines[doc[k]].endswith(_FINAL):
                punct_n += 1
                punct_found += g in hit
        for g in sorted(gold - hit):
            misses.append(f"…{text[max(0, g - 60):g]}|{text[g:g + 30]}…")
    return gold_n, found, predicted, punct_n, punct_found, misses


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--eval-dir", type=Path, default=None,
                    help=f"the eval/ folder (default: ${evaldata.SHARED_ENV}/eval, else ../shared/eval)")
    ap.add_argument("--show-misses", type=int, default=0, metavar="N")
    args = ap.parse_args()
    docs = evaldata.flores_articles(args.eval_dir, drop_bad=False)  # segmentation: every row counts
    print(f"FLORES-200 dev: {len(docs)} articles, boundaries between their lines")
    print(
        f"{'language':<10} {'variant':<22} {'gold':>5} {'found':>5} {'recall':>7} {'pred':>5} "
        f"{'precision':>9}   {'recall after a punctuated line':>30}"
    )
    ok = True
    for lang, file in evaldata.FLORES_FILES.items():
        code = file.removesuffix(".dev")
        lines = evaldata.flores_lines(lang, args.eval_dir)
        variants = [("joined with space", False)]
        if lang == "ne":
            variants.append(("no space after danda", True))
        for name, glued in variants:
            gold, found, pred, punct_n, punct_found, misses = score(lines, docs, lang, glued)
            prf = PRF(found, pred, gold)
            ok &= prf.recall >= BAR
            print(
                f"{code:<10} {name:<22} {gold:>5} {found:>5} {prf.recall:>7.4f} {pred:>5} {prf.precision:>9.4f}"
                f"   {punct_found:>5}/{punct_n:<5} = {punct_found / punct_n:.4f}"
            )
            for m in misses[: args.show_misses]:
                print(f"    miss: {m}")
    print(f"bar: recall >= {BAR} for every language and variant: {'met' if ok else 'NOT met'}")
    ok &= corpus_report(args.show_misses)
    return 0 if ok else 1


BOOK_GOLD = ROOT / "scripts" / "data" / "book_gold_slice.txt"
_RESIDUE = re.compile(r"[^\W\d_]+- [a-z]+")  # a line-end hyphen left inside a word: "weaken- ing"
_OPENING = tuple("“\"‘«„")
_QUOTED_END = re.compile(r"[?!]\s*[\"”’»']$")


def _offsets(units: list[str]) -> list[int]:
    """Cumulative lengths without spaces and hyphens, so a dehyphenated word still lines up."""
    out, n = [], 0
    for u in units:
        n += len(re.sub(r"[\s\-]", "", u))
        out.append(n)
    return out


def book_slice(book: list[str]) -> tuple[int, int, int, list[str]]:
    """Boundaries of the book's first units against the hand-checked slice: (gold, predicted, found, misses)."""
    gold_units = BOOK_GOLD.read_text(encoding="utf-8").splitlines()
    gold = _offsets(gold_units)
    pred_all = _offsets(book)
    end = gold[-1]
    pred = [o for o in pred_all if o <= end]
    found = set(gold) & set(pred)
    misses = [u for u, o in zip(gold_units, gold) if o not in found]
    return len(gold), len(pred), len(found), misses


def corpus_report(show: int) -> bool:
    docs = read_manifest(ROOT / "corpus" / "manifest.json")
    print()
    print("corpus units: " + ", ".join(f"{d.name} {len(d.sentences)}" for d in docs))
    book = next(d for d in docs if d.kind == "pdf").texts
    gold, pred, found, misses = book_slice(book)
    prf = PRF(found, pred, gold)
    print(
        f"book, first {gold} units hand-checked ({BOOK_GOLD.name}): boundary precision {prf.precision:.4f} "
        f"recall {prf.recall:.4f} F1 {prf.f1:.4f}"
    )
    for m in misses[:show]:
        print(f"    miss: …{m[-60:]}")
    residue = [m.group() for t in book for m in _RESIDUE.finditer(t)]
    colon_cuts = [a for a, b in zip(book, book[1:]) if a.endswith(":") and b.startswith(_OPENING)]
    print(f"book, hyphenation residue inside units: {len(residue)} {residue[:show] if show else ''}".rstrip())
    print(f"book, cuts between a colon and its quotation: {len(colon_cuts)}")
    quoted = []
    for d in docs:
        for a, b in zip(d.texts, d.texts[1:]):
            if _QUOTED_END.search(a) and b[:1].isalpha() and not b[:1].isupper():
                quoted.append(f"{d.name}: …{a[-30:]} | {b[:20]}…")
    print(f"corpus, cuts after a quoted question or title before an uncapitalised word: {len(quoted)}")
    for q in quoted[:show]:
        print(f"    {q}")
    clean = not residue and not colon_cuts and not quoted and found == gold == pred
    print(f"bar: the book slice exact, no residue, no cut after a colon or a quoted title: {'met' if clean else 'NOT met'}")
    return clean


if __name__ == "__main__":
    sys.exit(main())
