"""The typer app, built mechanically from the declarations in `nzcli.cli.spec`.

Typer gives nzcli its --help, shell completion and the parsing of every command line the
quick path leaves to it. Each command's function signature is made here from its declared
parameters (every value typed as text; `nzcli.vocab` reads it), and its body is
`run_command`, the same as the quick path's. Usage errors are one line, like every error.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from typing import Annotated, Any

import typer

from nzcli.errors import ExitCode
from nzcli.version import __version__

from . import complete
from .context import Context
from .run import apply_globals, fail, run_command
from .spec import COMMANDS, GLOBAL_OPTIONS, GROUPS, Argument, Command, Param, declare_commands

declare_commands()  # every module in spec.READ_MODULES and spec.OTHER_MODULES

HELP = (
    "Query and report on a council's climate action plan, kept as one YAML file.\n\n"
    "The data file is --data FILE, else $NZCLI_DATA, else the plan shipped with nzcli "
    "(Leicestershire County Council's Net Zero Action Plan)."
)
SETTINGS: dict[str, Any] = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def _context(typer_ctx: typer.Context) -> Context:
    """The nzcli Context this run was given (`main` passes it as typer's `obj`)."""
    root = typer_ctx.find_root()
    if not isinstance(root.obj, Context):
        root.obj = Context.from_process()
    return root.obj


def _completer(kind: str | None, formats: Sequence[str]) -> Callable[..., list[str]] | None:
    if kind is None or kind == "path":
        return None

    def values(ctx: typer.Context, incomplete: str) -> list[str]:
        data = ctx.params.get("data") or ctx.find_root().params.get("data")
        return complete.values(kind, incomplete, data, _context(ctx).env, tuple(formats))

    return values


def _parameter(param: Param, formats: Sequence[str] = ()) -> inspect.Parameter:
    """The typed, annotated function parameter typer reads for a declared parameter."""
    keyword = inspect.Parameter.KEYWORD_ONLY
    completion = _completer(param.complete, formats)
    if isinstance(param, Argument):
        argument = typer.Argument(
            metavar=param.metavar,
            help=param.help,
            show_default=False,
            autocompletion=completion,
        )
        if param.required:
            return inspect.Parameter(param.dest, keyword, annotation=Annotated[str, argument])
        return inspect.Parameter(
            param.dest, keyword, default=None, annotation=Annotated[str | None, argument]
        )
    text = param.help
    if formats:
        listed = f"{', '.join(formats[:-1])} or {formats[-1]}" if len(formats) > 1 else formats[0]
        text = text.format(formats=listed, default=formats[0])
    if param.flag:
        info = typer.Option(*param.flags, help=text, rich_help_panel=param.panel)
        return inspect.Parameter(
            param.dest, keyword, default=False, annotation=Annotated[bool, info]
        )
    info = typer.Option(
        *param.flags,
        help=text,
        metavar=param.metavar,
        show_default=False,
        rich_help_panel=param.panel,
        autocompletion=completion,
    )
    kind: Any = list[str] | None if param.multiple else str | None
    return inspect.Parameter(param.dest, keyword, default=None, annotation=Annotated[kind, info])


def _signed(function: Callable[..., Any], params: list[inspect.Parameter]) -> Callable[..., Any]:
    """Give `function` the signature typer reads: a typer.Context, then `params`."""
    first = inspect.Parameter(
        "typer_ctx", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=typer.Context
    )
    signature = inspect.Signature([first, *params])
    function.__signature__ = signature  # type: ignore[attr-defined]
    function.__annotations__ = {p.name: p.annotation for p in signature.parameters.values()}
    return function


def _command_function(command: Command) -> Callable[..., Any]:
    def invoke(typer_ctx: typer.Context, **values: Any) -> None:
        code = run_command(_context(typer_ctx), COMMANDS[command.name], values)
        if code:
            raise typer.Exit(code)

    invoke.__name__ = command.function.__name__
    invoke.__doc__ = command.help
    return _signed(invoke, [_parameter(p, command.formats) for p in command.params])


def _show_version(value: bool) -> None:
    if value:
        typer.echo(f"nzcli {__version__}")
        raise typer.Exit()


def _global_options(typer_ctx: typer.Context, **values: Any) -> None:
    apply_globals(_context(typer_ctx), values)


def build() -> typer.Typer:
    """The typer app for every declared command."""
    app = typer.Typer(
        name="nzcli",
        help=HELP,
        no_args_is_help=True,
        add_completion=True,
        rich_markup_mode=None,
        pretty_exceptions_enable=False,
        context_settings=SETTINGS,
    )
    version = inspect.Parameter(
        "version",
        inspect.Parameter.KEYWORD_ONLY,
        default=None,
        annotation=Annotated[
            bool | None,
            typer.Option(
                "--version", callback=_show_version, is_eager=True, help="Show the version."
            ),
        ],
    )
    callback = _signed(_global_options, [*(_parameter(p) for p in GLOBAL_OPTIONS), version])
    callback.__doc__ = None
    app.callback()(callback)
    groups: dict[str, typer.Typer] = {}
    for command in COMMANDS.values():
        *group, name = command.name.split()
        target = app
        if group:
            if group[0] not in groups:
                groups[group[0]] = typer.Typer(
                    name=group[0],
                    help=GROUPS[group[0]],
                    no_args_is_help=True,
                    rich_markup_mode=None,
                )
            target = groups[group[0]]
        target.command(name)(_command_function(command))
    for name, sub in groups.items():
        app.add_typer(sub, name=name)
    return app


app = build()


def run(argv: Sequence[str], ctx: Context, prog_name: str = "nzcli") -> int:
    """Run a command line through typer; its exit code. Typer's own usage errors become one
    `nzcli: error:` line, like nzcli's."""
    try:
        code = app(args=list(argv), prog_name=prog_name, obj=ctx, standalone_mode=False)
    except typer.Abort:
        return fail(ctx, "aborted")
    except Exception as exc:
        # typer's (vendored click's) ClickException: a usage error, with a message to show
        if not hasattr(exc, "format_message") or not hasattr(exc, "exit_code"):
            raise
        if type(exc).__name__ == "NoArgsIsHelpError":
            typer.echo(exc.format_message(), err=True)
            return int(exc.exit_code)
        where = getattr(getattr(exc, "ctx", None), "command_path", prog_name)
        return fail(ctx, f"{exc.format_message()} (see `{where} --help`)", ExitCode.ERROR)
    return int(code or 0)
