"""Reviewing alignments: decisions, anchored re-alignment, CAT-tool export."""

from aligner.review.realign import align_anchored, apply_links
from aligner.review.state import Link, ReviewState, SentenceIndex, load, resolve, save

__all__ = ["Link", "ReviewState", "SentenceIndex", "align_anchored", "apply_links", "load", "resolve", "save"]
