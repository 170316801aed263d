"""The `nzcli` command: the common read commands without typer, everything else with it.

Importing typer takes 50-90 ms, and typer then builds a pydantic adapter for every option of
the command it runs (about 100 ms more): more than the whole of a warm `nzcli list`. So
`main` first tries `parse`, a small parser for the read commands (`list`, `show`, `partners`,
`themes`, `periods`, `summary`, `report`) and the global options --data, --debug and
--color, working from `nzcli._argspec`, which is generated from the typer app and checked
against it by the tests. `parse` takes only command lines whose meaning it knows to be the
same as typer's, and answers None for anything else (help, --version, completion, an unknown
or misspelt option, a missing or odd value, `-tX`, `-rq`, …); typer then runs as before, with
its own messages. A parsed command runs the same function, under the same error handling
(`nzcli.runtime.guard`), as the typer app would: same output, messages and exit codes.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple

from ._argspec import COMMANDS, GLOBAL_DEFAULTS, GLOBAL_OPTIONS

#: Set (to anything) while a shell asks typer for completions.
COMPLETE_VAR = "_NZCLI_COMPLETE"
#: Values of the global --color the quick parser takes (typer reports any other itself).
COLORS = ("auto", "always", "never")


class Parsed(NamedTuple):
    """A command line understood: the command, the global options' values, and the values
    typer would give the command's function, by parameter name."""

    command: str
    globals: dict[str, Any]
    values: dict[str, Any]


class _NotMine(Exception):
    """A command line for typer to parse."""


def parse(argv: Sequence[str], environ: Mapping[str, str] = os.environ) -> Parsed | None:
    """`argv` (without the program name) as typer would read it, or None to leave it to
    typer."""
    if COMPLETE_VAR in environ:
        return None
    try:
        return _parse(list(argv))
    except _NotMine:
        return None


def _parse(args: list[str]) -> Parsed:
    for arg in args:
        _plain_text(arg)
    found: dict[str, Any] = dict(GLOBAL_DEFAULTS)
    i = 0
    while i < len(args) and args[i].startswith("-"):
        i = _option(args, i, GLOBAL_OPTIONS, found)  # "--" and --help, --version: not mine
    if found["color"] not in COLORS:
        raise _NotMine  # typer's own usage message
    if i == len(args) or args[i] not in COMMANDS:
        raise _NotMine  # no command (help), or one typer runs
    command = args[i]
    spec = COMMANDS[command]
    values: dict[str, Any] = dict(spec["defaults"])
    positional: list[str] = []
    i += 1
    while i < len(args):
        arg = args[i]
        if arg == "--":
            positional += args[i + 1 :]
            break
        if arg.startswith("-"):
            i = _option(args, i, spec["options"], values)
        else:
            positional.append(arg)
            i += 1
    arguments = spec["arguments"]
    required = sum(1 for *_, needed in arguments if needed)
    if not required <= len(positional) <= len(arguments):
        raise _NotMine
    for (name, kind, _), text in zip(arguments, positional, strict=False):
        values[name] = _value(text, kind, None)
    return Parsed(command, found, values)


def _plain_text(arg: str) -> None:
    if arg == "-" or "\x00" in arg:
        raise _NotMine
    if not arg.isascii():
        try:
            arg.encode("utf-8")  # undecodable bytes in argv arrive as lone surrogates
        except UnicodeEncodeError:
            raise _NotMine from None


def _option(args: list[str], i: int, options: Mapping[str, Any], values: dict[str, Any]) -> int:
    """Read the option at `args[i]` (and its value) into `values`; the index after it."""
    arg = args[i]
    if arg.startswith("--"):
        name, equals, attached = arg.partition("=")
    else:
        name, equals, attached = arg, "", ""  # `-tX`, `-rq`, `-t=X`: not names, so not mine
    spec = options.get(name)
    if spec is None:
        raise _NotMine
    dest, kind, multiple, minimum = spec
    if kind == "flag":
        if equals:
            raise _NotMine
        values[dest] = True
        return i + 1
    if equals:
        text = attached
        i += 1
    elif i + 1 < len(args):
        text = args[i + 1]
        i += 2
    else:
        raise _NotMine
    if text.startswith("-"):
        raise _NotMine
    value = _value(text, kind, minimum)
    if multiple:
        values[dest] = [*(values[dest] or ()), value]
    else:
        values[dest] = value
    return i


def _value(text: str, kind: str, minimum: int | None) -> Any:
    if kind == "str":
        return text
    if kind == "int":
        if not (text.isascii() and text.isdigit()) or len(text) > 18:
            raise _NotMine
        if text.startswith("0") and text != "0":
            raise _NotMine
        number = int(text)
        if minimum is not None and number < minimum:
            raise _NotMine
        return number
    if kind == "float":
        whole, point, fraction = text.partition(".")
        if len(text) > 20 or not (whole.isascii() and whole.isdigit()):
            raise _NotMine
        if point and not (fraction.isascii() and fraction.isdigit()):
            raise _NotMine
        return float(text)
    if kind == "path":
        return _path(text)
    raise _NotMine


def _path(text: str) -> Path:
    """A Path as typer makes one: it refuses an existing file it cannot read (its message)."""
    if not text:
        raise _NotMine
    try:
        os.stat(text)
    except OSError:
        return Path(text)
    except ValueError:
        raise _NotMine from None
    if not os.access(text, os.R_OK):
        raise _NotMine
    return Path(text)


# ---------------------------------------------------------------------------------------------
# Running


def run(argv: Sequence[str], environ: Mapping[str, str] = os.environ) -> int | None:
    """Run the command line without typer: its exit code, or None if it is typer's to run.

    Exceptions go on up only with --debug (a traceback), as from the typer app."""
    parsed = parse(argv, environ)
    if parsed is None:
        return None
    from . import runtime

    def call() -> None:
        from . import commands

        runtime.STATE.data = parsed.globals["data"]
        runtime.STATE.debug = parsed.globals["debug"]
        runtime.STATE.color = parsed.globals["color"]
        commands.run(parsed.command, parsed.values)

    return runtime.guard(call)


def main(prog_name: str = "nzcli") -> None:
    """Console-script entry point (`nzcli`, `python -m nzcli`).

    As `nzcli.cli.main`: no cyclic garbage collection, and `os._exit` once the output is
    flushed (see docs/performance.md)."""
    import gc

    gc.disable()
    from . import runtime

    runtime.keep_plans()
    code = run(sys.argv[1:])
    if code is None:
        from .cli import main as typer_main

        typer_main(prog_name)
        return
    runtime.exit_now(code)
    raise SystemExit(code)
