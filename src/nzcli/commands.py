"""The read commands themselves (`list`, `show`, `partners`, `themes`, `periods`, `summary`,
`report`), without typer.

Each function takes the values its command's options give, already converted (a `Filters`,
lists, an int, Paths). `nzcli.cli` declares the options and calls these; `nzcli.entry`
parses a command line itself and calls the same functions (see `run`). A value a command
rejects raises `OptionError`, shown as `nzcli: error: --option: message` (exit 2).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .errors import OptionError
from .runtime import choose_format, data_path, emit, load, say, set_color

#: The filter options shared by list, summary and report (and `diff`), in declaration order.
FILTER_NAMES = (
    "theme",
    "section",
    "role",
    "rag",
    "stage",
    "timescale",
    "partner",
    "objective",
    "cost",
    "carbon",
    "min_score",
    "max_score",
    "search",
    "id",
    "period",
)
#: Filters given once at most (the others may be repeated, and are lists).
SINGLE_FILTERS = ("min_score", "max_score", "period")


def pop_filters(values: dict[str, Any]) -> Any:
    """Take the filter options' values out of `values` (a command's keyword arguments, None
    for an option not given) and return them as one `Filters`."""
    from .query import Filters  # here, not at import: `nzcli --help` skips the query code

    given: dict[str, Any] = {name: values.pop(name, None) for name in FILTER_NAMES}
    for name, value in given.items():
        if value is None and name not in SINGLE_FILTERS:
            given[name] = []
    return Filters(**given)


# ---------------------------------------------------------------------------------------------
# The commands


def list_(
    filters: Any,
    sort: list[str] | None,
    reverse: bool,
    columns: str | None,
    limit: int | None,
    fmt: str | None,
    output: Path | None,
    excel: bool,
    data: Path | None,
) -> None:
    from .query import parse_columns, resolve
    from .views import list_view

    form = choose_format(fmt, output)
    chosen = parse_columns(columns)
    plan = load(data)
    selection = resolve(plan, filters)
    doc = list_view(plan, selection, sort or (), reverse, chosen, limit, table=form == "table")
    if doc.meta["count"] == 0:
        from .query import empty_reason

        say(empty_reason(plan, selection))
    emit(doc, form, output, excel)


def show(action_id: str, fmt: str | None, output: Path | None, data: Path | None) -> None:
    from .query import find_action
    from .views import show_view

    form = choose_format(fmt, output)
    plan = load(data)
    emit(show_view(plan, find_action(plan, action_id)), form, output)


def partners(
    name: str | None, period: str | None, fmt: str | None, output: Path | None, data: Path | None
) -> None:
    from .query import resolve_period
    from .views import partners_view

    form = choose_format(fmt, output)
    plan = load(data)
    emit(partners_view(plan, name, resolve_period(plan, period)), form, output)


def themes(fmt: str | None, output: Path | None, data: Path | None) -> None:
    from .views import themes_view

    form = choose_format(fmt, output)
    emit(themes_view(load(data)), form, output)


def periods(fmt: str | None, output: Path | None, data: Path | None) -> None:
    from .views import periods_view

    form = choose_format(fmt, output)
    emit(periods_view(load(data)), form, output)


def summary(
    filters: Any,
    by: list[str] | None,
    fmt: str | None,
    output: Path | None,
    excel: bool,
    data: Path | None,
) -> None:
    from .query import normalise_group, resolve
    from .views import summary_view

    groups = [normalise_group(b) for b in (by or ["theme"])]
    if len(groups) > 2:
        raise OptionError("give --by once or twice", "--by")
    form = choose_format(fmt, output)
    plan = load(data)
    selection = resolve(plan, filters)
    doc = summary_view(plan, selection, groups)
    if doc.meta["count"] == 0:
        from .query import empty_reason

        say(empty_reason(plan, selection))
    emit(doc, form, output, excel)


def report(
    filters: Any,
    period_arg: str,
    fmt: str | None,
    output: Path | None,
    excel: bool,
    title: str | None,
    quiet: bool,
    stamp: bool,
    data: Path | None,
) -> None:
    from .query import resolve
    from .report import build_report, report_document
    from .store import resolve_data_path

    if filters.period is not None:
        raise OptionError("give the period as the PERIOD argument", "--period")
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


# ---------------------------------------------------------------------------------------------
# Running one from the values its options give

#: Command name -> the name of its function in this module.
FUNCTIONS = {
    "list": "list_",
    "show": "show",
    "partners": "partners",
    "themes": "themes",
    "periods": "periods",
    "summary": "summary",
    "report": "report",
}
#: The commands that take the filter options.
FILTERED = ("list", "summary", "report")


def run(command: str, values: dict[str, Any]) -> None:
    """Run `command` given every option's value as typer gives them to the CLI function
    (`color` and each filter option included): --color after the command first, then the
    filters gathered into one `Filters`, then the command. Raises what the command raises;
    `runtime.guard` turns that into a message and an exit code."""
    values = dict(values)
    set_color(values.pop("color", None))
    if command in FILTERED:
        values["filters"] = pop_filters(values)
    # looked up now, not bound at import, so a test can replace a command
    function: Callable[..., None] = globals()[FUNCTIONS[command]]
    function(**values)
