"""Running a command: its values gathered for its function, its result written, and the one
place an error becomes a message and an exit code.

Both parsers end here: `nzcli.cli.app` (typer) and `nzcli.cli.fast` hand `run_command` the
command and the text of every option as the user gave it.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from nzcli.errors import ExitCode, MissingFile, NzcliError, OptionError
from nzcli.storage.files import DATA_ENV

from .context import COLOR_CHOICES, Context, Out, Result
from .spec import COMMANDS, FILTER_DESTS, Command, Option


def apply_globals(ctx: Context, values: Mapping[str, Any]) -> None:
    """The options given before the command name (--data, --debug, --color), as parsed."""
    ctx.debug = bool(values.get("debug"))
    for name in ("data", "color"):
        if values.get(name) is not None:
            setattr(ctx, name, values[name])


def run_command(ctx: Context, command: Command, values: Mapping[str, Any]) -> int:
    """Run `command` with its options' `values` (as parsed: text, True/False, lists of text,
    None for an option not given); the exit code. Errors become one line on stderr."""

    def call() -> int:
        ctx.invocation = invocation(command, values)
        kwargs = gather(ctx, command, values)
        if ctx.record is not None:
            ctx.record(command.name, ctx, kwargs)
            return 0
        result = COMMANDS[command.name].function(ctx, **kwargs)
        if values.get("quiet") and result.code == ExitCode.OK:
            result.messages = []  # --quiet: nothing on stderr on success, for any command
        return emit(ctx, result)

    return guard(ctx, call)


def invocation(command: Command, values: Mapping[str, Any]) -> str:
    """The command as one canonical command line (for the plan's history): its name, then
    each argument and option given (but --data: the history is the plan's own), in
    declaration order, shell-quoted."""
    import shlex

    from .spec import Argument

    words = command.name.split()
    for param in command.params:
        value = values.get(param.dest)
        if param.dest == "data" or value is None or value is False or value == []:
            continue
        if isinstance(param, Argument):
            words.extend(value if isinstance(value, list) else [value])
        elif param.flag:
            words.append(param.flags[0])
        else:
            for item in value if isinstance(value, list) else [value]:
                words.extend([param.flags[0], item])
    return shlex.join(words)


def gather(ctx: Context, command: Command, values: Mapping[str, Any]) -> dict[str, Any]:
    """The command function's keyword arguments: --data and --color applied to the context,
    the filters as one `Filters`, --format/--output/--excel/--quiet/--template as one `Out`,
    repeatable options as lists."""
    rest = dict(values)
    data = rest.pop("data", None)
    if data is not None:
        ctx.data = data
    color = rest.pop("color", None)
    if color is not None:
        ctx.color = color
    if ctx.color not in COLOR_CHOICES:
        raise OptionError(f"use {', '.join(COLOR_CHOICES[:-1])} or {COLOR_CHOICES[-1]}", "--color")
    for param in command.params:
        if isinstance(param, Option) and param.multiple and rest.get(param.dest) is None:
            rest[param.dest] = []
    kwargs: dict[str, Any] = {}
    if set(FILTER_DESTS) <= set(rest):
        from nzcli.query import Filters

        kwargs["filters"] = Filters(**{name: rest.pop(name) for name in FILTER_DESTS})
    if command.formats:
        kwargs["out"] = _out(command, rest)
    else:
        rest.pop("quiet", None)  # (applied to the result by `run_command`)
    kwargs.update(rest)
    return kwargs


def _path(text: str, flag: str) -> Path:
    if not text:
        raise OptionError("give a file name", flag)
    return Path(text)


def _out(command: Command, values: dict[str, Any]) -> Out:
    from nzcli.render import FORMATS, format_for

    fmt = values.pop("fmt", None)
    given = values.pop("output", None)
    output = _path(given, "--output") if given is not None else None
    excel = bool(values.pop("excel", False))
    quiet = bool(values.pop("quiet", False))
    template_given = values.pop("template", None)
    chosen = format_for(fmt, given, command.formats)
    if excel and chosen != "csv":
        raise OptionError("--excel goes with --format csv", "--excel")
    if FORMATS[chosen].folder and output is None:
        raise OptionError(f"--format {chosen} writes a folder of files; give --output DIR")
    template = _path(template_given, "--template") if template_given is not None else None
    if template is not None and chosen != "docx":
        raise OptionError("--template goes with --format docx", "--template")
    return Out(chosen, output, excel, quiet, template)


# ---------------------------------------------------------------------------------------------
# Output


def emit(ctx: Context, result: Result) -> int:
    """Write a command's result: its document rendered in the chosen format (to --output or
    stdout; a binary format, such as xlsx, docx or sqlite, never to a terminal), its files
    (`nzcli pack`'s workbooks), its text, then its messages on stderr; its exit code."""
    if result.document is not None and result.out is not None:
        from nzcli.render import FORMATS, render

        out = result.out
        if FORMATS[out.fmt].binary and out.path is None and ctx.terminal:
            raise OptionError(
                f"{out.fmt} is a file, not text for a terminal; give --output FILE.{out.fmt}",
                "--format",
            )
        style = ctx.style(out.path, out.excel, out.template)
        write(ctx, render(result.document, out.fmt, style), out.path)
    for path, data in result.files:
        _folder(path)
        write(ctx, data, path)
    if result.text:
        write(ctx, result.text, None)
    for message in result.messages:
        ctx.say(message)
    return int(result.code)


def _folder(path: Path) -> None:
    """Make the folders a file of `Result.files` goes into."""
    from nzcli.errors import WriteError

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise WriteError(f"{path.parent}: cannot make the folder: {exc.strerror or exc}") from None


def write(ctx: Context, data: str | bytes | dict[str, bytes], path: Path | None) -> None:
    """The one place output is written: to `path` atomically, else to stdout, as bytes; a
    folder format's files into the folder `path`, each atomically, in order."""
    if isinstance(data, dict):
        from nzcli.storage.files import write_folder

        assert path is not None  # `_out` asks for --output
        write_folder(path, data)
        return
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if path is not None:
        from nzcli.storage.files import atomic_write

        _not_the_data_file(ctx, path)
        atomic_write(path, raw)
        return
    ctx.stdout.write(raw)
    ctx.stdout.flush()


def _not_the_data_file(ctx: Context, path: Path) -> None:
    """Refuse `--output` naming the data file (itself, or through a link): the report would
    replace the plan."""
    from nzcli.errors import UsageError
    from nzcli.storage.files import same_file

    try:
        data = ctx.data_path()
    except NzcliError:
        return
    if same_file(path, data):
        raise UsageError(
            f"--output {path} is the data file ({data}); the output would replace the plan: "
            "give another file name"
        )


# ---------------------------------------------------------------------------------------------
# Errors


def fail(ctx: Context, message: str, code: ExitCode = ExitCode.ERROR) -> int:
    """Print `nzcli: error: message` on stderr; the exit code to end with."""
    ctx.say(f"nzcli: error: {message}")
    return int(code)


def guard(ctx: Context, call: Callable[[], int]) -> int:
    """Run a command; turn what goes wrong into one line on stderr and an exit code.

    A traceback (the exception raised on) with --debug, except for a usage error."""
    try:
        return call()
    except OptionError as exc:
        # a combination of options checked inside a command: a usage error, one line
        return fail(ctx, str(exc))
    except NzcliError as exc:
        if ctx.debug:
            raise
        for line in exc.details:
            ctx.say(line)
        message = str(exc)
        if isinstance(exc, MissingFile):  # the data file: say how to name another
            message += f"; pass --data FILE or set {DATA_ENV}"
        return fail(ctx, message, exc.exit_code)
    except KeyboardInterrupt:
        ctx.say("nzcli: interrupted")
        return 130
    except BrokenPipeError:
        # The reader went away (`nzcli list | head`): not an error worth a message.
        with contextlib.suppress(OSError):
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115
        return 0
    except Exception as exc:
        if ctx.debug:
            raise
        return fail(
            ctx, f"internal error: {type(exc).__name__}: {exc} (run with --debug for a traceback)"
        )
