"""The review round trip on FLORES dev scenarios: review, edit a document, re-run.

A simulated reviewer walks the first --review links of each pair in reading
order, confirming those the gold has and rejecting the others. Then one
sentence is inserted at the top of the source document and `aligner run` runs
again on the same --out. Printed per scenario: links confirmed and rejected,
how many confirmed links survive (same sentence texts still linked), how many
rejected pairs come back, how many TUs the Trados TMX marks ApprovedTranslation,
strict F1 against the gold before the review and after the re-run, and the
time of both runs. Reads FLORES through ALIGNER_SHARED_DIR (evaldata.py);
embeddings come from the default cache.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from aligner.embed import get_encoder  # noqa: E402
from aligner.evaluate import score  # noqa: E402
from aligner.formats import TmxOptions  # noqa: E402
from aligner.job import JobOptions, run_job  # noqa: E402
from aligner.review.session import Session  # noqa: E402
from aligner.review.state import Link, sort_links  # noqa: E402
from aligner.types import Document  # noqa: E402
from evaldata import presplit_document  # noqa: E402
from scenarios import build  # noqa: E402
from tmx.read import iter_tus  # noqa: E402

INSERTED = {"tl": "Isang bagong pangungusap sa simula ng dokumento.", "en": "A new sentence at the top of the document.",
            "ne": "कागजातको सुरुमा एउटा नयाँ वाक्य।"}


def pairs_of(alignment, src: Document, tgt: Document) -> set[tuple[str, str]]:
    return {(" ".join(src.sentences[i].text for i in b.src), " ".join(tgt.sentences[j].text for j in b.tgt))
            for b in alignment.beads if not b.is_gap}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scenarios", nargs="+", default=["clean", "gaps", "merge", "comparable"])
    ap.add_argument("--pair", nargs=2, default=["tl", "en"])
    ap.add_argument("--review", type=int, default=200, help="links the reviewer reads per pair")
    args = ap.parse_args()
    s, t = args.pair
    print(f"pair {s}-{t}, reviewer reads the first {args.review} links; trados TMX")
    print("scenario   | links | confirmed | rejected | survive | rejected back | approved TUs | F1 before | "
          "F1 after | run 1 s | re-run s | modes, stretches")
    encoder = get_encoder()
    for name in args.scenarios:
        sc = build(name, s, t)
        src, tgt = presplit_document(f"{name}.{s}", s, sc.src), presplit_document(f"{name}.{t}", t, sc.tgt)
        gold = {(tuple(a), tuple(b)) for a, b in sc.gold}
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "out"
            t0 = time.perf_counter()
            first = run_job([src, tgt], out, encoder=encoder, options=JobOptions(tmx=TmxOptions(lang_codes="trados")))
            t1 = time.perf_counter() - t0
            al = first.pairs[0].alignment
            f1_before = score(sc.gold, [(b.src, b.tgt) for b in al.beads], len(sc.src), len(sc.tgt)).strict.f1
            session = Session.open(out)
            view = session.pairs[0]
            read = [b for b in view.alignment.beads if not b.is_gap][: args.review]
            links = [Link(b.src, b.tgt, "confirmed" if (b.src, b.tgt) in gold else "rejected", b.score) for b in read]
            session.with_pair(0, view.with_links(sort_links(links))).save()
            confirmed = pairs_of(type(al)(tuple(b for b in read if (b.src, b.tgt) in gold), al.n_src, al.n_tgt),
                                 src, tgt)
            rejected = pairs_of(type(al)(tuple(b for b in read if (b.src, b.tgt) not in gold), al.n_src, al.n_tgt),
                                src, tgt)
            edited = presplit_document(src.name, s, [INSERTED[s], *sc.src])
            t0 = time.perf_counter()
            second = run_job([edited, tgt], out, encoder=encoder, options=JobOptions(tmx=TmxOptions(lang_codes="trados")))
            t2 = time.perf_counter() - t0
            al2 = second.pairs[0].alignment
            review = al2.info.review
            now = pairs_of(al2, edited, tgt)
            shifted = [(tuple(i + 1 for i in a), tuple(b)) for a, b in sc.gold]
            f1_after = score(shifted, [(b.src, b.tgt) for b in al2.beads], len(sc.src) + 1, len(sc.tgt)).strict.f1
            approved = sum(tu.prop("x-ConfirmationLevel") == "ApprovedTranslation"
                           for tu in iter_tus(out / first.report["pairs"][0]["tmx"]))
            print(f"{name:10} | {sum(not b.is_gap for b in al.beads):5} | {len(confirmed):9} | {len(rejected):8} | "
                  f"{len(confirmed & now):7} | {len(rejected & now):13} | {approved:12} | {f1_before:9.3f} | "
                  f"{f1_after:8.3f} | {t1:7.1f} | {t2:8.1f} | {al.mode}/{al2.mode} {review.stretches if review else 0}")


if __name__ == "__main__":
    main()
