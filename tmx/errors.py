"""What the TMX package raises. It depends on nothing in ``aligner``; the aligner's
CLI maps these to its exit codes (``aligner.errors.exit_code``)."""

from __future__ import annotations


class TmxError(Exception):
    """A TMX file is malformed, hostile or not TMX, or cannot be written as asked."""


class LanguageCodeError(ValueError):
    """A language code or code preset the TMX files cannot carry; the message says what to give."""
