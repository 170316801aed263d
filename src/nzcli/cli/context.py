"""The context a command runs in, and the result it returns.

A `Context` is made once per process (`Context.from_process`) or by a test, and passed to
every command: the environment, the streams, and the global options. Nothing in nzcli reads
`os.environ` or writes `sys.stdout` behind its back. A command returns a `Result`: a
document to render (and where), text to print as it is, messages, an exit code;
`nzcli.cli.run.emit` writes it.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from nzcli.errors import ExitCode

if TYPE_CHECKING:
    from nzcli.model import Plan
    from nzcli.render import Document, Style

#: What --color takes.
COLOR_CHOICES = ("auto", "always", "never")


@dataclass
class Context:
    """Where a command runs: environment, streams, and the global options' values."""

    env: Mapping[str, str]
    stdout: IO[bytes]
    stderr: IO[str]
    stdin: IO[bytes]
    #: True when stdout is a terminal.
    terminal: bool = False
    #: --data as given (before or after the command name); None when not given.
    data: str | None = None
    #: --color: auto, always or never.
    color: str = "auto"
    debug: bool = False
    #: The command being run, as a command line (`update T1 --period 2024-06 --stage
    #: delivery`), for the history of the plan (set by `nzcli.cli.run.run_command`).
    invocation: str = ""
    #: Plans this process loaded, kept alive until it ends (see `nzcli.cli.main`).
    plans: list[Plan] = field(default_factory=list, repr=False)
    #: For tests: called with (command name, context, the function's keyword arguments)
    #: instead of running the command.
    record: Callable[[str, Context, dict[str, Any]], None] | None = field(default=None, repr=False)

    @classmethod
    def from_process(cls) -> Context:
        """The context of this process: its environment and standard streams."""
        return cls(
            env=os.environ,
            stdout=sys.stdout.buffer,
            stderr=sys.stderr,
            stdin=sys.stdin.buffer,
            terminal=sys.stdout.isatty(),
        )

    # -- the plan ------------------------------------------------------------------------

    def data_path(self) -> Path:
        """The plan file commands read and write: --data, else the environment's, else
        nzcli.yaml here or in a folder above, else the shipped plan
        (`nzcli.store.resolve_data_path`, the one place this is decided)."""
        from nzcli.errors import OptionError
        from nzcli.store import resolve_data_path

        if self.data == "":
            raise OptionError("give a file name", "--data")
        return resolve_data_path(Path(self.data) if self.data is not None else None, self.env)

    def edit_path(self) -> Path:
        """The plan file an editing command writes: `data_path()`, refused when it is the
        plan shipped with nzcli (`nzcli init` makes a working copy)."""
        from nzcli.store import refuse_shipped

        return refuse_shipped(self.data_path())

    def load(self) -> Plan:
        """The validated plan (from the cache when it can be)."""
        from nzcli.store import load_plan

        plan = load_plan(self.data_path(), self.env)
        self.plans.append(plan)
        return plan

    def lock_timeout(self) -> float:
        from nzcli.storage.files import lock_timeout

        return lock_timeout(self.env)

    # -- output --------------------------------------------------------------------------

    def style(
        self, output: Path | None, excel: bool = False, template: Path | None = None
    ) -> Style:
        """How to render for where the output goes: colour only on a terminal (and never
        with NO_COLOR), the terminal's width, or $COLUMNS, else 80; the Word template."""
        from nzcli.render import Style

        return Style(
            color=self._color(output), width=self._width(output), excel=excel, template=template
        )

    def _color(self, output: Path | None) -> bool:
        if output is not None or self.color == "never":
            return False
        if self.color == "always":
            return True
        if self.env.get("NO_COLOR") or self.env.get("TERM") == "dumb":
            return False
        return self.terminal

    def _width(self, output: Path | None) -> int:
        if output is None and self.terminal:
            import shutil

            return shutil.get_terminal_size((80, 24)).columns
        columns = self.env.get("COLUMNS", "")
        return int(columns) if columns.isdigit() and 40 <= int(columns) <= 10_000 else 80

    def say(self, message: str) -> None:
        """One line on stderr, whatever the message holds: control characters, line breaks
        among them, are written as visible escapes (`nzcli.safety.one_line`), so data in a
        message can never move the cursor, retitle the terminal or forge a second line."""
        from nzcli.safety import one_line

        self.stderr.write(one_line(message) + "\n")
        self.stderr.flush()


@dataclass(frozen=True)
class Out:
    """Where and how a command's document is written: --format (already chosen), --output,
    --excel, --quiet, --template."""

    fmt: str
    path: Path | None = None
    excel: bool = False
    quiet: bool = False
    template: Path | None = None


@dataclass
class Result:
    """What a command returns: a document to write (with `out`), text to print as it is (a
    dry run's diff), messages for stderr, the exit code, and files to write."""

    document: Document | None = None
    out: Out | None = None
    text: str | None = None
    messages: list[str] = field(default_factory=list)
    code: ExitCode = ExitCode.OK
    #: Files to write as they are (`nzcli pack`'s workbooks), each atomically, folders made.
    files: list[tuple[Path, bytes]] = field(default_factory=list)
