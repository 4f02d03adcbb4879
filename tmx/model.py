"""The TMX domain: what a translation unit is, independent of XML."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TranslationUnit:
    """One ``<tu>``. Languages are BCP-47; ``segs`` keeps the order of the file."""

    tuid: str
    segs: tuple[tuple[str, str], ...]  # (bcp47 lang, text)
    props: tuple[tuple[str, str], ...] = ()  # (type, value), e.g. ("x-score", "0.912")
    note: str | None = None
    # Props inside one language's <tuv>, e.g. memoQ's x-context-pre: ((lang, ((type, value), ...)), ...)
    tuv_props: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = ()

    @property
    def langs(self) -> tuple[str, ...]:
        return tuple(lang for lang, _ in self.segs)

    def text(self, lang: str) -> str | None:
        for seg_lang, text in self.segs:
            if seg_lang == lang:
                return text
        return None

    def prop(self, type_: str) -> str | None:
        for prop_type, value in self.props:
            if prop_type == type_:
                return value
        return None

    @property
    def score(self) -> float | None:
        """The ``x-score`` prop as a float; None when absent or not a number."""
        value = self.prop("x-score")
        if value is None:
            return None
        try:
            return float(value)
        except ValueError:
            return None


@dataclass(frozen=True)
class WriteStats:
    """What ``write_tmx`` did, so callers can warn about what did not reach the memory."""

    written: int
    skipped_min_score: int  # score below --min-score
    skipped_missing_lang: int  # lacked a <tuv> for a declared language
    skipped_empty: int  # a declared language's segment was empty after cleaning
    dropped_tuvs: int  # segments in languages the file does not declare
    illegal_chars_removed: int  # XML-illegal characters removed from segments, props and notes
    trimmed_segments: int  # segments that had leading or trailing whitespace

    @property
    def skipped(self) -> int:
        return self.skipped_min_score + self.skipped_missing_lang + self.skipped_empty
