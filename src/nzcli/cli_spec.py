"""Write `nzcli/_argspec.py`, the grammar `nzcli.entry` parses, from the typer app itself.

    python -m nzcli.cli_spec            # rewrite src/nzcli/_argspec.py
    NZCLI_UPDATE_GOLDEN=1 python -m pytest tests/test_entry.py   # the same

tests/test_entry.py fails when the checked-in file and the app disagree. Only what the quick
parser can reproduce exactly is allowed in a quick command's options (strings, ints with a
minimum, floats, Paths with typer's default checks, flags, repeatable strings, plain
positional arguments); anything else makes this generator fail, so that a new kind of
option is noticed, not silently parsed differently from typer.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from .cli import app
from .commands import FUNCTIONS

#: The global options the quick parser takes; any other (--version, --help, completion)
#: goes to typer.
GLOBAL_NAMES = ("data", "debug", "color")

TARGET = Path(__file__).with_name("_argspec.py")

_HEADER = '''"""The command-line grammar of the commands `nzcli.entry` runs without typer.

Generated from the typer app by `python -m nzcli.cli_spec`; do not edit. tests/test_entry.py
fails when this file and the app disagree (NZCLI_UPDATE_GOLDEN=1 rewrites it).

An option: (parameter name, kind, repeatable, minimum); kind is "flag", "str", "int",
"float" or "path". An argument: (parameter name, kind, required). `defaults`: what the
command function receives for an option or argument not given.
"""

from __future__ import annotations

from typing import Any

Option = tuple[str, str, bool, "int | None"]
Argument = tuple[str, str, bool]

'''

_PATH_DEFAULTS = {
    "exists": False,
    "file_okay": True,
    "dir_okay": True,
    "writable": False,
    "readable": True,
    "resolve_path": False,
    "allow_dash": False,
    "path_type": None,
}


def _q(value: Any) -> str:
    """A literal as ruff formats it (double quotes): every name and default is a plain word."""
    text = repr(value)
    if '"' in text or "\\" in text:
        raise ValueError(f"cannot quote {value!r}")
    return text.replace("'", '"')


def _kind(param: Any, where: str) -> tuple[str, bool]:
    """(kind, repeatable) of a parameter, or ValueError if the quick parser cannot copy it."""
    info = param.type_descriptor.parameter_info
    annotation = param.type_descriptor.annotation
    if info.parser is not None or param.type_descriptor.is_choice:
        raise ValueError(f"{where}: custom parser or choices")
    if param.type_descriptor.is_path:
        for name, expected in _PATH_DEFAULTS.items():
            if getattr(info, name) != expected:
                raise ValueError(f"{where}: Path option with {name}={getattr(info, name)!r}")
    if param.multiple:
        if annotation != list[str]:
            raise ValueError(f"{where}: repeatable option of type {annotation}")
        return "str", True
    if getattr(param, "is_flag", False):
        if annotation is not bool or param.secondary_opts or not param.is_bool_flag:
            raise ValueError(f"{where}: a flag that is not a plain --flag")
        return "flag", False
    kinds = {str: "str", int: "int", float: "float", Path: "path"}
    if annotation not in kinds:
        raise ValueError(f"{where}: type {annotation}")
    if annotation is not int and param.min is not None:
        raise ValueError(f"{where}: a minimum on a {annotation}")
    if param.max is not None or info.clamp:
        raise ValueError(f"{where}: a maximum or clamp")
    return kinds[annotation], False


def _check_plain(param: Any, where: str) -> None:
    checks = {
        "nargs": param.nargs == 1,
        "envvar": param.envvar is None,
        "callback": param.callback is None,
        "eager": not param.is_eager,
        "exposed": param.expose_value,
        "default": param.default is None or isinstance(param.default, (bool, str)),
    }
    if isinstance(param, typer.core.TyperOption):
        checks.update(
            prompt=param.prompt is None,
            count=not param.count,
            secondary=not param.secondary_opts,
        )
    bad = [name for name, ok in checks.items() if not ok]
    if bad:
        raise ValueError(f"{where}: not a plain parameter ({', '.join(bad)})")


def _options(params: list[Any], where: str) -> tuple[dict[str, tuple[Any, ...]], dict[str, Any]]:
    options: dict[str, tuple[Any, ...]] = {}
    defaults: dict[str, Any] = {}
    for param in params:
        if not isinstance(param, typer.core.TyperOption):
            continue
        at = f"{where} {param.opts[0]}"
        _check_plain(param, at)
        kind, multiple = _kind(param, at)
        minimum = param.min if kind == "int" else None
        for name in param.opts:
            options[name] = (param.name, kind, multiple, minimum)
        defaults[param.name] = param.default
    return options, defaults


def generate() -> str:
    """The text of `_argspec.py` for the app as it is now."""
    root: Any = typer.main.get_command(app)
    wanted = [p for p in root.params if p.name in GLOBAL_NAMES]
    options, defaults = _options(wanted, "nzcli")
    lines = []
    lines.append("GLOBAL_OPTIONS: dict[str, Option] = {\n")
    lines += [f"    {_q(name)}: {_q(value)},\n" for name, value in sorted(options.items())]
    lines.append("}\n")
    lines.append(f"GLOBAL_DEFAULTS: dict[str, Any] = {_q(defaults)}\n\n")
    lines.append("COMMANDS: dict[str, dict[str, Any]] = {\n")
    for command in sorted(FUNCTIONS):
        cmd = root.commands[command]
        where = f"nzcli {command}"
        options, defaults = _options(cmd.params, where)
        arguments = []
        for param in cmd.params:
            if isinstance(param, typer.core.TyperArgument):
                at = f"{where} {param.name}"
                _check_plain(param, at)
                kind, multiple = _kind(param, at)
                if multiple or kind == "flag":
                    raise ValueError(f"{at}: not a single-value argument")
                arguments.append((param.name, kind, bool(param.required)))
                defaults[param.name] = param.default
        if any(not required for *_, required in arguments[:-1]):
            raise ValueError(f"{where}: an optional argument before another")
        lines.append(f"    {_q(command)}: {{\n")
        lines.append('        "options": {\n')
        for name, value in sorted(options.items()):
            lines.append(f"            {_q(name)}: {_q(value)},\n")
        lines.append("        },\n")
        lines.append(f'        "arguments": {_q(arguments)},\n')
        lines.append('        "defaults": {\n')
        lines += [f"            {_q(name)}: {_q(value)},\n" for name, value in defaults.items()]
        lines.append("        },\n")
        lines.append("    },\n")
    lines.append("}\n")
    return _HEADER + "".join(lines)


def main() -> None:
    TARGET.write_text(generate(), encoding="utf-8")
    print(f"wrote {TARGET}")


if __name__ == "__main__":
    main()
