"""`nzcli report` and `nzcli schema` (registered on the app by importing this module)."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from . import commands
from .cli import DataOption, ExcelOption, OutputOption, app, guarded, with_filters
from .runtime import write_output


@app.command()
@guarded
@with_filters
def report(
    filters: Any,
    period_arg: Annotated[
        str,
        typer.Argument(
            metavar="PERIOD",
            help='latest, 2023-12, december-2023, dec-2023 or "December 2023".',
        ),
    ],
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            metavar="FORMAT",
            show_default=False,
            help="table, md, csv, json or html (default: from --output's extension, else table).",
        ),
    ] = None,
    output: OutputOption = None,
    excel: ExcelOption = False,
    title: Annotated[
        str | None,
        typer.Option(
            "--title",
            metavar="TEXT",
            show_default=False,
            help='Title instead of "<plan>: progress report, <period>".',
        ),
    ] = None,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="Print nothing on success, even with --output.")
    ] = False,
    stamp: Annotated[
        bool,
        typer.Option(
            "--stamp",
            help="Add the time of writing (otherwise the same data always gives the same bytes).",
        ),
    ] = False,
    data: DataOption = None,
) -> None:
    """Write the progress report for a period: summary, keys, then every action by theme.

    The filters from `list` apply. Actions with no update for the period are kept and
    marked "No update for this period". Same data, same bytes (unless --stamp), so a cron
    job can skip unchanged files. With --output, one summary line goes to stderr (none
    with --quiet); the file is written atomically.

    Examples:

      nzcli report december-2023 --format md

      nzcli report latest --format html --output progress.html --quiet

      nzcli report latest --format csv --excel --output june-2024.csv
    """
    commands.report(
        filters=filters,
        period_arg=period_arg,
        fmt=fmt,
        output=output,
        excel=excel,
        title=title,
        quiet=quiet,
        stamp=stamp,
        data=data,
    )


@app.command()
@guarded
def schema(output: OutputOption = None) -> None:
    """Print the JSON Schema of the data file, for editors that validate YAML.

    Point your editor's YAML language server at it, e.g. a first line in actions.yaml:
    # yaml-language-server: $schema=nzcli-schema.json

    Example: nzcli schema --output nzcli-schema.json
    """
    import json

    from .schema import Plan

    document = Plan.model_json_schema()
    document = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "nzcli plan file (data/actions.yaml)",
        **document,
    }
    write_output(json.dumps(document, indent=2, ensure_ascii=False) + "\n", output)


__all__ = ["report", "schema"]
