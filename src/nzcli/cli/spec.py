"""One declaration per command and option, from which both parsers are made.

A command is its function (`ctx, **values -> Result`) and a `@command` line naming its
options; an option is declared once here (name, flags, help, completion) and shared by every
command that takes it. `nzcli.cli.app` builds the typer app from these declarations and
`nzcli.cli.fast` parses the common command lines from them without typer; neither declares
anything of its own. Every value arrives as the text the user typed (a flag as True/False, a
repeatable option as a list): `nzcli.vocab` turns text into values, in one place.

This module imports nothing heavy: the quick path reads it on every run.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .context import Result


@dataclass(frozen=True)
class Option:
    """A command-line option. `dest` is the name the command function receives it by."""

    dest: str
    flags: tuple[str, ...]
    help: str
    metavar: str = "TEXT"
    #: A switch: True when given, False when not.
    flag: bool = False
    #: Repeatable: the command receives a list of every value given, in order.
    multiple: bool = False
    #: What completes the value in a shell (a name `nzcli.cli.complete` knows), if anything.
    complete: str | None = None
    #: The section of --help it is listed under.
    panel: str | None = None


@dataclass(frozen=True)
class Argument:
    """A positional argument."""

    dest: str
    metavar: str
    help: str
    required: bool = True
    complete: str | None = None
    #: Takes one or more values: the command receives a list.
    multiple: bool = False


Param = Option | Argument

#: What completes a value, by the metavar it is shown with, for a parameter that names no
#: kind of its own: a PERIOD completes periods wherever it is declared.
COMPLETE_BY_METAVAR = {
    "PERIOD": "period",
    "PERIOD_A": "period",
    "PERIOD_B": "period",
    "STAGE": "stage",
    "RAG": "rag",
    "ROLE": "role",
    "S|M|L": "timescale",
    "L|M|H": "rating",
    "FORMAT": "format",
    "COLUMN": "column",
    "A,B,C": "columns",
    "FIELD": "group",
    "WHEN": "color",
    "OWNER": "owner",
    "ID": "id",
}


def completion_kind(param: Param) -> str | None:
    """The kind of value that completes a parameter (`nzcli.cli.complete`), if any."""
    return param.complete or COMPLETE_BY_METAVAR.get(param.metavar)


@dataclass(frozen=True)
class Command:
    """A command: its name ("list", "period add"), its function, its parameters in --help
    order, and the output formats it offers (the first is the default)."""

    name: str
    function: Callable[..., Result]
    params: tuple[Param, ...]
    formats: tuple[str, ...] = ()

    @property
    def help(self) -> str:
        return self.function.__doc__ or ""

    def option(self, flag: str) -> Option | None:
        return next((p for p in self.params if isinstance(p, Option) and flag in p.flags), None)


#: Every command, by name, in the order --help lists them.
COMMANDS: dict[str, Command] = {}
#: The modules that declare commands (each imports nothing heavy until a command runs: both
#: parsers import them all). A new module of commands is one more name here.
COMMAND_MODULES = (
    "nzcli.cli.read",
    "nzcli.cli.papers",
    "nzcli.cli.progress",
    "nzcli.cli.write",
    "nzcli.cli.cycle",
    "nzcli.cli.packs",
)
#: Command groups ("period add", "period publish"): name -> help.
GROUPS: dict[str, str] = {
    "period": "Reporting periods: add a draft, publish it, remove a draft "
    "(`nzcli periods` lists them).",
}

F = Callable[..., "Result"]


def command(
    name: str,
    *params: Param | tuple[Param, ...],
    formats: tuple[str, ...] = (),
) -> Callable[[F], F]:
    """Declare a command: `@command("list", *FILTERS, SORT, *OUTPUT, formats=...)`.

    The options every command of its kind takes are added where the declaration leaves them
    out (`shared_options`), so they are named, spelled and explained the same everywhere."""
    flat: list[Param] = []
    for item in params:
        flat.extend(item if isinstance(item, tuple) else (item,))
    for option in shared_options(formats):
        if option not in flat:
            flat.append(option)

    def register(function: F) -> F:
        COMMANDS[name] = Command(name, function, tuple(flat), formats)
        return function

    return register


def shared_options(formats: tuple[str, ...]) -> tuple[Option, ...]:
    """What every command takes: --data and --quiet; a command that writes a document also
    --format, --output and --color, and --excel when CSV is one of its formats."""
    if not formats:
        return (DATA, QUIET)
    excel = (EXCEL,) if "csv" in formats else ()
    return (FORMAT, OUTPUT, *excel, QUIET, DATA, COLOR)


# ---------------------------------------------------------------------------------------------
# Options shared by many commands

DATA = Option(
    "data",
    ("--data",),
    "The plan file (default: $NZCLI_DATA, else nzcli.yaml here or in a folder above, else "
    "the shipped plan, read-only).",
    "FILE",
    complete="path",
)
COLOR = Option(
    "color",
    ("--color",),
    "Colour in terminal tables: auto (a terminal without NO_COLOR), always, never.",
    "WHEN",
    complete="color",
)
DEBUG = Option("debug", ("--debug",), "Show a traceback when something goes wrong.", flag=True)
#: The options taken before the command name (--version and --help are typer's own).
GLOBAL_OPTIONS = (DATA, DEBUG, COLOR)

#: `{formats}` and `{default}` are filled in from the command's formats.
FORMAT = Option(
    "fmt",
    ("--format", "-f"),
    "{formats} (default: from --output's extension, else {default}).",
    "FORMAT",
    complete="format",
)
OUTPUT = Option(
    "output",
    ("--output", "-o"),
    "Write to FILE atomically instead of stdout.",
    "FILE",
    complete="path",
)
EXCEL = Option(
    "excel", ("--excel",), "CSV for spreadsheets: UTF-8 BOM, CRLF, formulas defused.", flag=True
)
QUIET = Option(
    "quiet",
    ("--quiet", "-q"),
    "No messages on stderr on success, even with --output (the output itself is written).",
    flag=True,
)
TEMPLATE = Option(
    "template",
    ("--template",),
    "With --format docx: a Word file (.docx or .dotx) whose styles, page and footer the "
    "paper uses (default: nzcli's own).",
    "FILE",
    complete="path",
)
DRY_RUN = Option(
    "dry_run",
    ("--dry-run",),
    "Print the change as a unified diff of the data file and write nothing.",
    flag=True,
)

#: --format, --output, --data and --color: what every command that writes a document takes.
OUTPUT_OPTIONS = (FORMAT, OUTPUT)
#: Options a command function receives together as one `Out` (see `nzcli.cli.context`).
OUT_DESTS = ("fmt", "output", "excel", "quiet", "template")

_FILTERS = "Filters (repeat a flag for OR; different flags combine with AND)"


def _filters() -> tuple[Option, ...]:
    """The filter options, made from the fields of `nzcli.query.Filters` (their one
    declaration), in the same order."""
    from dataclasses import fields

    from nzcli.query import Filters

    return tuple(
        Option(
            f.name,
            f.metadata["flags"],
            f.metadata["help"],
            f.metadata["metavar"],
            multiple=f.default is not None,
            complete=f.metadata["complete"],
            panel=_FILTERS,
        )
        for f in fields(Filters)
    )


#: The filters of `list`, `summary`, `report` and `diff`, in order.
FILTERS = _filters()
FILTER_DESTS = tuple(f.dest for f in FILTERS)


def declare_commands() -> None:
    """Import the modules that declare the commands."""
    import importlib

    for name in COMMAND_MODULES:
        importlib.import_module(name)


def defaults(command: Command) -> dict[str, Any]:
    """What the command function is given for each parameter not on the command line."""
    out: dict[str, Any] = {}
    for param in command.params:
        if isinstance(param, Option):
            out[param.dest] = False if param.flag else None
        else:
            out[param.dest] = None
    return out
