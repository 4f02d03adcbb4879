"""Exceptions a user can act on. The CLI maps each class to an exit code."""

from __future__ import annotations

from tmx.errors import LanguageCodeError, TmxError


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


# The tmx package has its own errors (it depends on nothing here); they are re-exported so
# ``aligner.errors.TmxError`` stays the one TmxError, and mapped to exit codes below.
_TMX_EXIT_CODES: dict[type[Exception], int] = {TmxError: 5, LanguageCodeError: ConfigError.exit_code}

# Everything that is the user's to fix: a message, never a traceback.
USER_ERRORS: tuple[type[Exception], ...] = (AlignerError, *_TMX_EXIT_CODES)


def exit_code(exc: BaseException) -> int:
    if isinstance(exc, AlignerError):
        return exc.exit_code
    for cls, code in _TMX_EXIT_CODES.items():
        if isinstance(exc, cls):
            return code
    return 1


__all__ = ["AlignerError", "ConfigError", "EncoderError", "InputError", "LanguageCodeError", "TmxError",
           "USER_ERRORS", "exit_code"]
