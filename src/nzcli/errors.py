"""Errors raised by the nzcli core, and the exit codes the CLI turns them into.

The core never prints and never exits; `nzcli.cli.run.guard` is the one place that catches
`NzcliError` and maps it to a one-line message and an `ExitCode`, whichever way the command
line was parsed.
"""

from __future__ import annotations

from enum import IntEnum
from pathlib import Path


class ExitCode(IntEnum):
    """Process exit statuses (documented in docs/exit-codes.md)."""

    OK = 0
    CHECK_FAILED = 1
    ERROR = 2


class NzcliError(Exception):
    """Base class for every error nzcli reports to a user."""

    exit_code: ExitCode = ExitCode.ERROR

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
        #: Lines shown before the error's own line (an import's bad rows, one each).
        self.details: list[str] = []

    def __str__(self) -> str:
        return self.message


class UsageError(NzcliError, ValueError):
    """A value is wrong: an unknown theme, a bad period, a filter that cannot match (from
    the command line or the Python API alike; a `ValueError` too)."""


class OptionError(UsageError):
    """A command-line option's value, or a combination of options, that a command rejects.

    Shown as `nzcli: error: HINT: message` (HINT names the option, e.g. `--by`) and never as
    a traceback, even with --debug: the command line is wrong, not nzcli."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.hint}: {self.message}" if self.hint is not None else self.message


class NotFound(UsageError, LookupError):
    """An ID, period or partner that the plan does not have (a `LookupError` too)."""


class DataError(NzcliError):
    """The data file is unreadable or invalid; carries the file and, where known, line/column."""

    def __init__(
        self,
        path: Path | str | None,
        message: str,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        self.path = str(path) if path is not None else None
        self.line = line
        self.column = column
        self.detail = message
        super().__init__(format_location(self.path, line, column) + message)


class MissingFile(DataError, FileNotFoundError):
    """The data file does not exist (a `FileNotFoundError` too). The command line adds how to
    name another (--data FILE, $NZCLI_DATA)."""


class WriteError(NzcliError):
    """A file could not be written; the original is unchanged."""


class LockTimeout(NzcliError):
    """Another nzcli process held the data file's lock for too long."""


def format_location(path: str | None, line: int | None, column: int | None) -> str:
    """`path:line:col: ` with 1-based line and column, omitting what is unknown."""
    if path is None:
        return ""
    parts = [path]
    if line is not None:
        parts.append(str(line))
        if column is not None:
            parts.append(str(column))
    return ":".join(parts) + ": "
