"""Exit codes and the errors that end a command with one (scripts rely on both)."""

from __future__ import annotations

from enum import IntEnum
from typing import Literal

Status = Literal["pass", "fail", "error"]
MARK = {"pass": "✓", "fail": "✗", "error": "!"}  # so that no report is read by its colours alone
NOT_TRIED = "○"  # an optional bonus the answer left out: neither earned nor failed


class ExitCode(IntEnum):
    """What every command exits with; documented in the README."""

    OK = 0  # success; all tests passed
    FAILED = 1  # some tests failed
    USAGE = 2  # a usage error: unknown lesson, missing file, bad option
    NOT_RUN = 3  # the answer could not be run at all
    LESSON_BROKEN = 4  # a lesson plugin (or calccourse itself) is broken
    INTERRUPTED = 130  # Ctrl-C


class CommandError(Exception):
    """An error the user reads as one paragraph, and the exit code it ends the command with."""

    code = ExitCode.LESSON_BROKEN

    def __init__(self, message: str, details: str = "") -> None:
        super().__init__(message)
        self.message, self.details = message, details


class UsageError(CommandError):
    """The command was asked for something it cannot do: exit 2."""

    code = ExitCode.USAGE


def internal_error(error: BaseException) -> CommandError:
    """calccourse's own failure as one paragraph, distinct from the answer's and the lesson's;
    its traceback in the details (``--verbose``)."""
    import traceback

    return CommandError(
        f"calccourse itself failed ({type(error).__name__}: {error}). This is a bug in calccourse, "
        "not in your answer or in the lesson: please report it, with what the same command prints "
        "with --verbose (the traceback).",
        "".join(traceback.format_exception(type(error), error, error.__traceback__)),
    )
