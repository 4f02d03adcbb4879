"""What an aligned pair can be written as (``aligner align --format``), and the TMX options.

Every format is listed in ``FORMATS`` below, so ``--format`` and its help know
them all without importing a writer first. A format writes text to a stream;
the TMX one writes UTF-8 bytes to the stream's buffer when it has one.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import TextIO

from aligner import __version__
from aligner.evaluate import format_bead
from aligner.inert import dumps, inert
from aligner.types import Alignment, Document
from tmx.langcodes import Preset
from tmx.write import write_alignment_tmx

TOOL = ("aligner", __version__)  # creationtool and creationtoolversion of every TMX the tool writes


@dataclass(frozen=True)
class TmxOptions:
    """What goes into a translation memory the tool writes (align, run, batch, review)."""

    lang_codes: Preset = "bcp47"  # the CAT tool's language codes
    min_score: float | None = None  # beads scored below are left out
    confirmed_only: bool = False  # only links a person confirmed (aligner review); align has none
    # Width of the OmegaT score bands in points: a TU scored 0.87 goes to penalty-20
    # (band 80-89), so OmegaT shows its exact match at 80%, the band's lower edge.
    # Unconfirmed TUs never land in a 100% band (at least penalty-10).
    penalty_step: int = 10


Writer = Callable[[Alignment, Document, Document, TextIO, TmxOptions], None]


@dataclass(frozen=True)
class Format:
    name: str
    help: str
    write: Writer


def _beads(a: Alignment, src: Document, tgt: Document, out: TextIO, options: TmxOptions) -> None:
    for b in a.beads:
        out.write(format_bead(b) + "\n")


def _tsv(a: Alignment, src: Document, tgt: Document, out: TextIO, options: TmxOptions) -> None:
    for b in a.beads:
        s = inert(" ".join(src.sentences[i].text for i in b.src))
        t = inert(" ".join(tgt.sentences[j].text for j in b.tgt))
        out.write(f"{b.score:.3f}\t{s}\t{t}\n")


def _jsonl(a: Alignment, src: Document, tgt: Document, out: TextIO, options: TmxOptions) -> None:
    for b in a.beads:
        rec = {"src": list(b.src), "tgt": list(b.tgt), "score": b.score,
               "src_text": " ".join(src.sentences[i].text for i in b.src),
               "tgt_text": " ".join(tgt.sentences[j].text for j in b.tgt)}
        out.write(dumps(rec) + "\n")


def config_props(alignment: Alignment) -> tuple[tuple[str, str], ...]:
    """The header prop naming the aligner configuration that made ``alignment`` (if it says)."""
    digest = alignment.info.config
    return (("x-aligner-config", digest),) if digest else ()


def _tmx(a: Alignment, src: Document, tgt: Document, out: TextIO, options: TmxOptions) -> None:
    def write(sink) -> None:
        write_alignment_tmx(sink, a, src, tgt, tool=TOOL, lang_codes=options.lang_codes, min_score=options.min_score,
                            header_props=config_props(a))

    buffer = getattr(out, "buffer", None)
    if buffer is not None:
        out.flush()
        write(buffer)
        buffer.flush()
        return
    data = io.BytesIO()
    write(data)
    out.write(data.getvalue().decode("utf-8"))


FORMATS: dict[str, Format] = {f.name: f for f in (
    Format("beads", "one bead per line, '[0, 1]:[0]:0.912' (Vecalign's format, what aligner eval reads)", _beads),
    Format("tsv", "score, source text, target text", _tsv),
    Format("jsonl", "one JSON object per bead: indices, score and both texts", _jsonl),
    Format("tmx", "a bilingual TMX 1.4b for CAT tools (--lang-codes, --min-score)", _tmx),
)}


def write_alignment(fmt: str, alignment: Alignment, src: Document, tgt: Document, out: TextIO,
                    options: TmxOptions = TmxOptions()) -> None:
    FORMATS[fmt].write(alignment, src, tgt, out, options)


__all__ = ["FORMATS", "TOOL", "Format", "TmxOptions", "config_props", "write_alignment"]
