"""`nzcli report` and `nzcli schema` (registered on the app by importing this module)."""

from __future__ import annotations

import os
from typing import Annotated, Any

import typer

from .cli import (
    DataOption,
    ExcelOption,
    OutputOption,
    app,
    choose_format,
    data_path,
    emit,
    guarded,
    load,
    say,
    with_filters,
    write_output,
)


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
    from .query import resolve
    from .report import build_report, report_document
    from .store import resolve_data_path

    if filters.period is not None:
        raise typer.BadParameter("give the period as the PERIOD argument", param_hint="--period")
    filters.period = period_arg
    form = choose_format(fmt, output, ("table", "md", "csv", "json", "html"))
    plan = load(data)
    selection = resolve(plan, filters)
    shown_path = str(resolve_data_path(data_path(data), os.environ))
    when = None
    if stamp:
        from datetime import datetime, timezone

        when = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    doc = report_document(build_report(plan, selection, shown_path, title, when))
    count = doc.meta["count"]
    if count == 0:
        from .query import empty_reason

        say(empty_reason(plan, selection))
    emit(doc, form, output, excel)
    if output is not None and not quiet:
        period = selection.period
        say(f"wrote the {period.name} report ({count} actions, {form}) to {output}")


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
