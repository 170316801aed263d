"""The quick path: command lines parsed without typer.

Importing typer and building its app takes over 100 ms, more than the whole of a warm
`nzcli list`, and running a command through it 0.3 s more (half of an `update` of the
shipped plan). So `parse` reads a command line itself, from the same declarations typer is
built from (`nzcli.cli.spec`), for every command ("period add" too), and answers None for
anything it is not sure it reads exactly as typer does: help, --version, completion, a
group on its own, an unknown or misspelt option, a missing value or one starting with "-",
`-tX`, `-rq`, `--flag=x`, a wrong number of arguments. Typer then runs the line as it
always would. Every value is text, so reading one needs no conversion; tests/test_fast.py
checks, over made-up command lines, that the command function gets exactly what typer would
give it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

from .spec import (
    COMMANDS,
    GLOBAL_OPTIONS,
    GROUPS,
    Argument,
    Command,
    Option,
    declare_commands,
    defaults,
)

declare_commands()

#: Set (to anything) while a shell asks typer for completions.
COMPLETE_VAR = "_NZCLI_COMPLETE"


class Parsed(NamedTuple):
    """A command line understood: the command, the global options given before it, and the
    values of the command's own parameters."""

    command: Command
    globals: dict[str, Any]
    values: dict[str, Any]


class _NotMine(Exception):
    """A command line for typer to parse."""


def parse(argv: Sequence[str], env: Mapping[str, str]) -> Parsed | None:
    """`argv` (without the program name) as typer would read it, or None to leave it to
    typer."""
    if COMPLETE_VAR in env:
        return None
    try:
        return _parse(list(argv))
    except _NotMine:
        return None


def _parse(args: list[str]) -> Parsed:
    for arg in args:
        if arg == "-" or "\x00" in arg or _undecodable(arg):
            raise _NotMine
    found: dict[str, Any] = {
        option.dest: False if option.flag else None for option in GLOBAL_OPTIONS
    }
    i = 0
    while i < len(args) and args[i].startswith("-"):
        i = _option(args, i, GLOBAL_OPTIONS, found)  # "--" and --help, --version: not mine
    name = args[i] if i < len(args) else ""
    if name in GROUPS and i + 1 < len(args):
        i += 1
        name = f"{name} {args[i]}"  # "period add"
    elif " " in name:
        raise _NotMine  # "period add" as one word is no command typer knows
    if name not in COMMANDS:
        raise _NotMine  # no command (help), a group on its own, or a word typer answers
    command = COMMANDS[name]
    values = defaults(command)
    options = tuple(p for p in command.params if isinstance(p, Option))
    positional: list[str] = []
    i += 1
    while i < len(args):
        arg = args[i]
        if arg == "--":
            positional += args[i + 1 :]
            break
        if arg.startswith("-"):
            i = _option(args, i, options, values)
        else:
            positional.append(arg)
            i += 1
    arguments = [p for p in command.params if isinstance(p, Argument)]
    if arguments and arguments[-1].multiple:  # `import FILE...`: the rest, one or more
        *single, many = arguments
        if len(positional) <= len(single) or any(not a.required for a in single):
            raise _NotMine
        values[many.dest] = positional[len(single) :]
        positional = positional[: len(single)]
        arguments = single
    required = sum(1 for a in arguments if a.required)
    if not required <= len(positional) <= len(arguments):
        raise _NotMine
    for argument, text in zip(arguments, positional, strict=False):
        values[argument.dest] = text
    return Parsed(command, found, values)


def _undecodable(arg: str) -> bool:
    """True for an argument with bytes that are not UTF-8 (lone surrogates in argv)."""
    if arg.isascii():
        return False
    try:
        arg.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _option(args: list[str], i: int, options: Sequence[Option], values: dict[str, Any]) -> int:
    """Read the option at `args[i]` (and its value) into `values`; the index after it."""
    arg = args[i]
    if arg.startswith("--"):
        name, equals, attached = arg.partition("=")
    else:
        name, equals, attached = arg, "", ""  # `-tX`, `-rq`, `-t=X`: not names, so not mine
    option = next((o for o in options if name in o.flags), None)
    if option is None:
        raise _NotMine
    if option.flag:
        if equals:
            raise _NotMine
        values[option.dest] = True
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
    if option.multiple:
        values[option.dest] = [*(values[option.dest] or ()), text]
    else:
        values[option.dest] = text
    return i
