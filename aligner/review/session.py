"""One review of a run's output folder: the run's alignments with the decisions over them.

Immutable: every edit returns a new Session, which is what makes undo in the
app a list of earlier sessions. Saving writes ``review.json`` and rewrites the
bilingual TMX files so they carry the decisions.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from aligner.errors import ConfigError
from aligner.review import export, rundata
from aligner.review import state as st
from aligner.review.realign import apply_links
from aligner.types import Alignment, Bead, Document


@dataclass(frozen=True)
class PairView:
    src: Document
    tgt: Document
    tmx: str
    run: Alignment  # as the run wrote it
    links: tuple[st.Link, ...]
    stale: int
    src_index: st.SentenceIndex
    tgt_index: st.SentenceIndex

    @property
    def name(self) -> str:
        return f"{self.src.name} ↔ {self.tgt.name}"

    @property
    def alignment(self) -> Alignment:
        return apply_links(self.run, self.links)

    @property
    def statuses(self) -> dict[tuple[tuple[int, ...], tuple[int, ...]], str]:
        return export.statuses_of(self.links)

    def status(self, bead: Bead) -> str | None:
        return self.statuses.get((bead.src, bead.tgt))

    def counts(self) -> dict[str, int]:
        out = {s: 0 for s in st.STATUSES}
        for ln in self.links:
            out[ln.status] += 1
        statuses = self.statuses
        out["pending"] = sum(1 for b in self.alignment.beads if not b.is_gap and (b.src, b.tgt) not in statuses)
        out["stale"] = self.stale
        return out

    def with_links(self, links: Sequence[st.Link]) -> PairView:
        return replace(self, links=tuple(links))


@dataclass(frozen=True)
class Session:
    out_dir: Path
    run: rundata.RunData
    state: st.ReviewState
    pairs: tuple[PairView, ...]
    run_changed: bool = False  # a pair was re-aligned in the app: alignments.json is rewritten on save

    @classmethod
    def open(cls, out_dir: str | os.PathLike) -> Session:
        out = Path(out_dir)
        run = rundata.load(out)
        state = st.load(out)
        views = []
        for p in run.pairs:
            si, ti = run.index(p.src), run.index(p.tgt)
            src, tgt = run.documents[p.src], run.documents[p.tgt]
            res = st.resolve(state.pair(src.name, tgt.name), si, ti)
            views.append(PairView(src, tgt, p.tmx, p.alignment, res.links, res.stale, si, ti))
        return cls(out, run, state, tuple(views))

    def with_pair(self, k: int, view: PairView) -> Session:
        pairs = list(self.pairs)
        pairs[k] = view
        return replace(self, pairs=tuple(pairs))

    def decide_by_score(self, accept_above: float | None = None, reject_below: float | None = None) -> Session:
        """Confirm every undecided link scored above X, reject every one below Y."""
        for name, value in (("--accept-above", accept_above), ("--reject-below", reject_below)):
            if value is not None and not 0.0 <= value <= 1.0:
                raise ConfigError(f"{name} must be a score between 0 and 1, got {value:g}")
        if accept_above is not None and reject_below is not None and reject_below > accept_above:
            raise ConfigError(f"--reject-below {reject_below:g} is above --accept-above {accept_above:g}; "
                              "a link cannot be both")
        out = self
        for k, view in enumerate(self.pairs):
            links = list(view.links)
            statuses = view.statuses
            for b in view.alignment.beads:
                if b.is_gap or (b.src, b.tgt) in statuses:
                    continue
                if accept_above is not None and b.score > accept_above:
                    links.append(st.Link(b.src, b.tgt, "confirmed", b.score))
                elif reject_below is not None and b.score < reject_below:
                    links.append(st.Link(b.src, b.tgt, "rejected", b.score))
            out = out.with_pair(k, view.with_links(st.sort_links(links)))
        return out

    def realigned(self, k: int, vectors: tuple, embed) -> Session:
        """Pair ``k`` aligned again around its confirmed and related links (what a re-run would do)."""
        from aligner.align import align
        from aligner.review.realign import align_anchored

        view = self.pairs[k]
        alignment = align_anchored(view.src.texts, view.tgt.texts, vectors[0], vectors[1], view.links,
                                   align=align, mode=view.run.mode or "auto", embed=embed,
                                   src_lang=view.src.lang, tgt_lang=view.tgt.lang)
        pairs = list(self.run.pairs)
        pairs[k] = replace(pairs[k], alignment=alignment)
        out = replace(self, run=replace(self.run, pairs=tuple(pairs)), run_changed=True)
        return out.with_pair(k, replace(view, run=alignment))

    def review_state(self) -> st.ReviewState:
        state = self.state
        for view in self.pairs:
            if view.links or state.pair(view.src.name, view.tgt.name) is not None:
                state = st.with_links(state, view.links, view.src_index, view.tgt_index)
        return state

    def save(self, lang_codes: str | None = None, confirmed_only: bool = False) -> list[export.PairFiles]:
        """review.json, then every pair's TMX rewritten with the decisions, and report.json's
        review counts brought up to date (a report that says 0 confirmed after a review misleads).

        The TMX files (and alignments.json after a re-align) go through the run's
        output-folder marker, so a later ``aligner run`` still knows them as its own.
        """
        from aligner import outdir
        from aligner.formats import TmxOptions
        from tmx.langcodes import PRESETS

        preset = lang_codes or self.run.lang_codes
        if preset not in PRESETS:
            raise ConfigError(f"unknown --lang-codes {preset!r}; choose one of {', '.join(PRESETS)}")
        st.save(self.review_state(), self.out_dir)
        options = TmxOptions(lang_codes=preset,  # type: ignore[arg-type]  # checked against PRESETS above
                              min_score=self.run.min_score, confirmed_only=confirmed_only)
        files = [export.pair_files(v.tmx, v.src, v.tgt, v.alignment, v.statuses, options) for v in self.pairs]
        names = [name for f in files for name in f.groups]
        if self.run_changed:
            names.append(rundata.RUN_FILE)
        drop = export.stale_penalty_files(self.out_dir, files)
        report = self._report(files)
        if report is not None:
            names.append(rundata.REPORT_FILE)
        with outdir.writing(self.out_dir, names, force=True, keep=True, drop=drop) as out:
            for view, f in zip(self.pairs, files):
                for name, tus in f.groups.items():
                    with out.open(name) as sink:
                        export.write_group(sink, tus, view.src, view.tgt, preset, view.alignment.info.config)
            if self.run_changed:
                with out.open(rundata.RUN_FILE) as sink:
                    rundata.write(self.run, sink)
            if report is not None:
                with out.open(rundata.REPORT_FILE) as sink:
                    sink.write(rundata.report_bytes(report))
        return files

    def _report(self, files: Sequence[export.PairFiles]) -> dict | None:
        """The run's report.json with each pair's review counts and TMX files as saved now.

        None when there is no report of the run's own to update (gone, or edited by the user).
        """
        from aligner import outdir

        if rundata.REPORT_FILE not in outdir.owned(self.out_dir):
            return None
        try:
            report = json.loads((self.out_dir / rundata.REPORT_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(report, dict):
            return None
        by_tmx = {view.tmx: (view, f) for view, f in zip(self.pairs, files)}
        for entry in report.get("pairs", []):
            if isinstance(entry, dict) and entry.get("tmx") in by_tmx:
                view, f = by_tmx[entry["tmx"]]
                entry["review"] = st.Resolved(view.links, view.stale).counts()
                entry["tmx_files"] = list(f.groups)
                entry["tus_written"] = f.tus
        return report


__all__ = ["PairView", "Session"]
