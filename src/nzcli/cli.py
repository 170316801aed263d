"""The command-line interface: parse options, call the core, render, write.

The read commands' bodies are in `nzcli.commands`, and what every command shares (global
options, output, turning an `NzcliError` into a message and an exit code) in
`nzcli.runtime`, so that `nzcli.entry` can run the common read commands without typer.
Heavy modules (pydantic, ruamel.yaml, Rich, renderers) are imported inside the commands that need
them, so `nzcli --help` stays quick.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from . import __version__, commands, runtime
from .commands import FILTER_NAMES, pop_filters
from .errors import ExitCode, OptionError
from .runtime import STATE as STATE  # the global options: tests set them
from .runtime import State as State
from .runtime import data_path, load, set_color, write_output

F = TypeVar("F", bound=Callable[..., Any])

app = typer.Typer(
    name="nzcli",
    help=(
        "Query and report on a council's climate action plan, kept as one YAML file.\n\n"
        "The data file is --data FILE, else $NZCLI_DATA, else the plan shipped with nzcli "
        "(Leicestershire County Council's Net Zero Action Plan)."
    ),
    no_args_is_help=True,
    add_completion=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"nzcli {__version__}")
        raise typer.Exit()


DataOption = Annotated[
    Path | None,
    typer.Option(
        "--data",
        help="The plan file (default: $NZCLI_DATA, else the shipped plan).",
        metavar="FILE",
        show_default=False,
    ),
]


@app.callback()
def _global(
    data: DataOption = None,
    debug: Annotated[
        bool, typer.Option("--debug", help="Show a traceback when something goes wrong.")
    ] = False,
    color: Annotated[
        str,
        typer.Option(
            "--color",
            help="Colour in terminal tables: auto (a terminal without NO_COLOR), always, never.",
            metavar="WHEN",
        ),
    ] = "auto",
    version: Annotated[
        bool | None,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = None,
) -> None:
    STATE.data = data
    STATE.debug = debug
    try:
        set_color(color)
    except OptionError as exc:
        raise typer.BadParameter(exc.message, param_hint=exc.hint) from None


def fail(message: str, code: ExitCode = ExitCode.ERROR) -> None:
    """Print `nzcli: error: message` on stderr and exit."""
    raise typer.Exit(runtime.fail(message, code))


def with_options(
    func: Callable[..., Any],
    drop: str | None,
    extra: list[tuple[str, Any, Any]],
    wrapper: Callable[..., Any],
) -> Any:
    """Give `wrapper` the signature typer reads: `func`'s parameters (less `drop`) plus
    `extra` (name, type, typer.Option), each defaulting to None."""
    import inspect
    import typing

    hints = typing.get_type_hints(func, include_extras=True)
    signature = inspect.signature(func)
    kept = [
        p.replace(annotation=hints.get(p.name, p.annotation))
        for p in signature.parameters.values()
        if p.name != drop
    ]
    added = [
        inspect.Parameter(
            name,
            inspect.Parameter.KEYWORD_ONLY,
            default=None,
            annotation=Annotated[annotation, option],
        )
        for name, annotation, option in extra
    ]
    functools.update_wrapper(wrapper, func)
    annotations = {p.name: p.annotation for p in kept + added}
    if "return" in hints:
        annotations["return"] = hints["return"]
    wrapper.__annotations__ = annotations
    wrapper.__signature__ = signature.replace(parameters=kept + added)  # type: ignore[attr-defined]
    return wrapper


def guarded(func: F) -> F:
    """Turn core errors into one line on stderr and an exit code (a traceback with --debug),
    as `runtime.guard` does for both ways into nzcli.

    A command with a --format option also takes --color after its name."""
    import inspect

    takes_color = "fmt" in inspect.signature(func).parameters

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        def call() -> None:
            try:
                if takes_color:
                    set_color(kwargs.pop("color", None))
                func(*args, **kwargs)
            except typer.BadParameter as exc:
                hint = exc.param_hint if isinstance(exc.param_hint, str) else None
                raise OptionError(exc.message, hint) from exc

        code = runtime.guard(call, passthrough=(typer.Exit, typer.Abort))
        if code:
            raise typer.Exit(code)

    if not takes_color:
        functools.update_wrapper(wrapper, func)
        return wrapper  # type: ignore[return-value]
    color = typer.Option(
        "--color",
        metavar="WHEN",
        show_default=False,
        help="Colour in terminal tables: auto, always or never.",
    )
    return with_options(func, None, [("color", str | None, color)], wrapper)  # type: ignore[no-any-return]


# ---------------------------------------------------------------------------------------------
# check


@app.command()
@guarded
def check(
    strict: Annotated[
        bool, typer.Option("--strict", help="Fail (exit 1) on warnings as well as errors.")
    ] = False,
    fmt: Annotated[
        str, typer.Option("--format", "-f", help="text or json.", metavar="FORMAT")
    ] = "text",
    data: DataOption = None,
) -> None:
    """Validate the data file and list every problem.

    Errors (YAML syntax, schema, duplicate IDs or keys, unknown theme, section, partner or
    period) and warnings (a deliverability score that disagrees with the scoring rule or is
    missing; an action with no update for the latest period), each as
    PATH:LINE:COL: ID: message, then a summary line.

    Exit 0 when there are no errors, 1 when there are (or, with --strict, any warnings).

    Example: nzcli check --strict
    """
    from .check import check_file
    from .store import resolve_data_path

    if fmt not in ("text", "json"):
        raise typer.BadParameter(
            f"{fmt!r} is not a format; use text or json", param_hint="--format"
        )
    result = check_file(resolve_data_path(data_path(data), os.environ))
    failed = result.failed(strict)
    if fmt == "json":
        import json

        payload = {
            "format_version": 1,
            "path": result.path,
            "actions": result.actions,
            "errors": len(result.errors),
            "warnings": len(result.warnings),
            "ok": not failed,
            "problems": [p.as_dict() for p in result.problems],
        }
        write_output(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", None)
    else:
        lines = [p.render() for p in result.problems]
        lines.append(result.summary())
        write_output("\n".join(lines) + "\n", None)
    if failed:
        raise typer.Exit(int(ExitCode.CHECK_FAILED))


# ---------------------------------------------------------------------------------------------
# export


@app.command()
@guarded
def export(
    fmt: Annotated[
        str, typer.Option("--format", "-f", help="json or yaml.", metavar="FORMAT")
    ] = "json",
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="Write to FILE (atomically) instead of stdout.", metavar="FILE"
        ),
    ] = None,
    data: DataOption = None,
) -> None:
    """Export the whole plan, keys exactly as in the YAML file.

    JSON carries a top-level "format_version" (see docs/data-format.md); it is the contract
    scripts build on.

    Example: nzcli export --format json --output plan.json
    """
    from .export import export_json, export_yaml

    if fmt not in ("json", "yaml"):
        raise typer.BadParameter(
            f"{fmt!r} is not a format; use json or yaml", param_hint="--format"
        )
    plan = load(data)
    text = export_json(plan) if fmt == "json" else export_yaml(plan)
    write_output(text, output)


# ---------------------------------------------------------------------------------------------
# Shared options: filters, format, output


def _complete(kind: str) -> Callable[[str], list[str]]:
    """Shell completion of filter values from the data file."""

    def complete(incomplete: str) -> list[str]:
        try:
            plan = load(None)
        except Exception:
            return []
        values: list[str] = {
            "theme": lambda: [t.key for t in plan.themes],
            "partner": lambda: [p.name for p in plan.partners],
            "period": lambda: ["latest", *plan.period_ids],
            "id": lambda: [a.id for a in plan.actions],
            "section": lambda: list(dict.fromkeys(x for t in plan.themes for x in t.sections)),
        }[kind]()
        return [v for v in values if v.casefold().startswith(incomplete.casefold())]

    return complete


_FILTER_HELP = "Filters (repeat a flag for OR; different flags combine with AND)"


def _opt(*names: str, help: str, kind: str | None = None, metavar: str = "TEXT") -> Any:
    return typer.Option(
        *names,
        help=help,
        metavar=metavar,
        show_default=False,
        rich_help_panel=_FILTER_HELP,
        autocompletion=_complete(kind) if kind else None,
    )


FILTER_PARAMS: list[tuple[str, Any, Any]] = [
    (
        "theme",
        list[str] | None,
        _opt(
            "--theme",
            "-t",
            kind="theme",
            metavar="THEME",
            help='Theme key, name or ID prefix: transport, "Transport", T.',
        ),
    ),
    (
        "section",
        list[str] | None,
        _opt(
            "--section",
            kind="section",
            metavar="NAME",
            help="Section heading, e.g. \"Public Transport\"; 'none' for actions without one.",
        ),
    ),
    ("role", list[str] | None, _opt("--role", metavar="ROLE", help="lead, ask or influence.")),
    (
        "rag",
        list[str] | None,
        _opt("--rag", metavar="RAG", help="red, amber (or orange), green, or unrated."),
    ),
    (
        "stage",
        list[str] | None,
        _opt(
            "--stage",
            metavar="STAGE",
            help="discovery, design, delivery or completed (matches any scheme's stage).",
        ),
    ),
    (
        "timescale",
        list[str] | None,
        _opt(
            "--timescale",
            metavar="S|M|L",
            help="S, M or L; matches ranges containing it (L matches M/L).",
        ),
    ),
    (
        "partner",
        list[str] | None,
        _opt("--partner", "-p", kind="partner", metavar="NAME", help="Partner name or alias."),
    ),
    (
        "objective",
        list[str] | None,
        _opt(
            "--objective",
            metavar="N",
            help="Objective number (actions for 'All' objectives match any), or 'all'.",
        ),
    ),
    ("cost", list[str] | None, _opt("--cost", metavar="L|M|H", help="Cost to the council.")),
    ("carbon", list[str] | None, _opt("--carbon", metavar="L|M|H", help="Carbon saving.")),
    (
        "min_score",
        float | None,
        _opt("--min-score", metavar="N", help="Deliverability score at least N."),
    ),
    (
        "max_score",
        float | None,
        _opt("--max-score", metavar="N", help="Deliverability score at most N."),
    ),
    (
        "search",
        list[str] | None,
        _opt(
            "--search",
            "-s",
            metavar="TEXT",
            help="Text in the action, the period's update or a partner name (any case).",
        ),
    ),
    (
        "id",
        list[str] | None,
        _opt("--id", kind="id", metavar="PATTERN", help="Action ID or pattern: T17, 'T*', 'B1?'."),
    ),
    (
        "period",
        str | None,
        _opt(
            "--period",
            kind="period",
            metavar="PERIOD",
            help="Period for stage, RAG and update: 2023-12, december-2023 (default: latest).",
        ),
    ),
]


assert tuple(name for name, _, _ in FILTER_PARAMS) == FILTER_NAMES


def with_filters(func: F) -> F:
    """Add the shared filter options to a command; it receives them as `filters=`."""

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        filters = pop_filters(kwargs)
        return func(*args, filters=filters, **kwargs)

    return with_options(func, "filters", FILTER_PARAMS, wrapper)  # type: ignore[no-any-return]


FormatOption = Annotated[
    str | None,
    typer.Option(
        "--format",
        "-f",
        metavar="FORMAT",
        show_default=False,
        help="table, md, csv or json (default: from --output's extension, else table).",
    ),
]
OutputOption = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        metavar="FILE",
        show_default=False,
        help="Write to FILE atomically instead of stdout.",
    ),
]
ExcelOption = Annotated[
    bool,
    typer.Option("--excel", help="CSV for spreadsheets: UTF-8 BOM, CRLF, formulas defused."),
]


# ---------------------------------------------------------------------------------------------
# Query commands


@app.command("list")
@guarded
@with_filters
def list_(
    filters: Any,
    sort: Annotated[
        list[str] | None,
        typer.Option(
            "--sort",
            metavar="COLUMN",
            show_default=False,
            help="Sort by a column (repeat for tie-breaks): id, theme, stage, rag, "
            "timescale, deliverability_score, …",
        ),
    ] = None,
    reverse: Annotated[bool, typer.Option("--reverse", help="Reverse the order.")] = False,
    columns: Annotated[
        str | None,
        typer.Option(
            "--columns",
            "-c",
            metavar="A,B,C",
            show_default=False,
            help="Columns to show, in order (default: all; the terminal table shows "
            "id,action,role,timescale,stage,rag).",
        ),
    ] = None,
    limit: Annotated[
        int | None,
        typer.Option(
            "--limit", "-n", min=0, metavar="N", show_default=False, help="At most N rows."
        ),
    ] = None,
    fmt: FormatOption = None,
    output: OutputOption = None,
    excel: ExcelOption = False,
    data: DataOption = None,
) -> None:
    """List actions, one row each, filtered and sorted.

    Stage and RAG come from the latest period unless --period says otherwise. An action
    with no RAG for the period is "not rated" (--rag unrated).

    Examples:

      nzcli list --theme transport --rag red

      nzcli list --stage discovery --timescale S --format csv --output discovery.csv

      nzcli list --partner "Midlands Connect" --columns id,action,stage
    """
    commands.list_(
        filters=filters,
        sort=sort,
        reverse=reverse,
        columns=columns,
        limit=limit,
        fmt=fmt,
        output=output,
        excel=excel,
        data=data,
    )


@app.command()
@guarded
def show(
    action_id: Annotated[
        str,
        typer.Argument(
            metavar="ID", help="Action ID (any case): T17.", autocompletion=_complete("id")
        ),
    ],
    fmt: FormatOption = None,
    output: OutputOption = None,
    data: DataOption = None,
) -> None:
    """Show one action in full: every field, partners, and each period's stage, RAG and update.

    Example: nzcli show t17
    """
    commands.show(action_id=action_id, fmt=fmt, output=output, data=data)


@app.command()
@guarded
def partners(
    name: Annotated[
        str | None,
        typer.Argument(
            metavar="[NAME]",
            show_default=False,
            autocompletion=_complete("partner"),
            help="A partner (or alias): list the actions involving it.",
        ),
    ] = None,
    period: Annotated[
        str | None,
        typer.Option(
            "--period",
            metavar="PERIOD",
            show_default=False,
            help="Period for stage and RAG (default: latest).",
        ),
    ] = None,
    fmt: FormatOption = None,
    output: OutputOption = None,
    data: DataOption = None,
) -> None:
    """The partner index: each partner with its action count and IDs, most involved first.

    With NAME, that partner's actions.

    Examples: nzcli partners;  nzcli partners "Midlands Connect"
    """
    commands.partners(name=name, period=period, fmt=fmt, output=output, data=data)


@app.command()
@guarded
def themes(fmt: FormatOption = None, output: OutputOption = None, data: DataOption = None) -> None:
    """Themes in document order, with their sections and action counts.

    Example: nzcli themes --format md
    """
    commands.themes(fmt=fmt, output=output, data=data)


@app.command()
@guarded
def periods(fmt: FormatOption = None, output: OutputOption = None, data: DataOption = None) -> None:
    """Reporting periods, oldest first, marking the latest.

    Example: nzcli periods
    """
    commands.periods(fmt=fmt, output=output, data=data)


@app.command()
@guarded
@with_filters
def summary(
    filters: Any,
    by: Annotated[
        list[str] | None,
        typer.Option(
            "--by",
            "-b",
            metavar="FIELD",
            show_default=False,
            help="Group by theme, section, role, stage, rag, timescale, cost or carbon; "
            "twice for a cross-tabulation (default: theme).",
        ),
    ] = None,
    fmt: FormatOption = None,
    output: OutputOption = None,
    excel: ExcelOption = False,
    data: DataOption = None,
) -> None:
    """Count actions by a field, with percentages; with two --by, a cross-tabulation.

    Examples:

      nzcli summary --by stage

      nzcli summary --by theme --by stage --role lead
    """
    commands.summary(filters=filters, by=by, fmt=fmt, output=output, excel=excel, data=data)


def main(prog_name: str = "nzcli") -> None:
    """Console-script entry point.

    One short-lived process, so: no cyclic garbage collection (reference counting frees what
    a command makes; the collector would only scan a large plan's millions of objects again
    and again: a warm `list` of 100,000 actions spends 0.3 s after loading instead of 1.2 s),
    and, once the command is done and its output flushed, the process ends at once, without
    freeing the plan object by object or tearing the interpreter down (0.04 s of a warm `list`
    of the shipped plan, 0.24 s of one of 100,000 actions). nzcli registers no atexit
    handlers, and every file it writes is closed by then. See docs/performance.md.
    """
    import gc

    gc.disable()
    runtime.keep_plans()
    try:
        app(prog_name=prog_name)
    except SystemExit as done:
        runtime.exit_now(done.code)
        raise


from . import cli_edit as _cli_edit  # noqa: E402,F401  (registers the editing commands)
from . import cli_report as _cli_report  # noqa: E402,F401  (registers report and schema)
