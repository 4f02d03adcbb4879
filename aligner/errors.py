"""Exceptions a user can act on. The CLI maps each class to an exit code."""

from __future__ import annotations


class AlignerError(Exception):
    """Base class: the message must tell the user what to do."""

    exit_code = 1


class InputError(AlignerError):
    """A file is missing, undecodable, empty where content is needed, or in the wrong language."""

    exit_code = 2


class ConfigError(AlignerError):
    """An option names something that does not exist or is not installed."""

    exit_code = 3


class EncoderError(AlignerError):
    """The encoder failed to load or to embed."""

    exit_code = 4


class TmxError(AlignerError):
    """A TMX file is malformed, hostile or not TMX."""

    exit_code = 5
