"""The reporting round's read commands: `sheet` (the update sheet to fill in), `status` (who
still owes an update) and `history` (every change to the plan). Like every command module,
it imports nothing heavy at import time: the quick path imports it on every run."""

from __future__ import annotations

from typing import TYPE_CHECKING

from nzcli.errors import OptionError

from .context import Context, Out, Result
from .read import PAPER_FORMATS
from .spec import (
    COLOR,
    DATA,
    EXCEL,
    FILTERS,
    FORMAT,
    OUTPUT,
    TEMPLATE,
    Argument,
    Option,
    command,
)

if TYPE_CHECKING:
    from nzcli.query import Filters

PERIOD = Argument(
    "period_arg", "PERIOD", "The period: 2024-06, june-2024, latest.", complete="period"
)


def _selection(ctx: Context, filters: Filters, period_arg: str):  # type: ignore[no-untyped-def]
    from nzcli.query import resolve

    if filters.period is not None:
        raise OptionError("give the period as the PERIOD argument", "--period")
    filters.period = period_arg
    plan = ctx.load()
    return plan, resolve(plan, filters)


@command(
    "sheet",
    PERIOD,
    FORMAT,
    OUTPUT,
    EXCEL,
    DATA,
    FILTERS,
    COLOR,
    formats=("csv", "json"),
)
def sheet(ctx: Context, *, filters: Filters, period_arg: str, out: Out) -> Result:
    """Write the update sheet for a period: one row per action to fill in and `import`.

    Each row has the action, its owner, last time's stage, RAG and update (previous_*),
    then this period's stage, rag and update cells. Where an action has no update for the
    period yet, its stage cell reads "no change since last time": left so, import carries
    the last stage forward (if the row gives an update); overwrite it to change the stage.
    The filters from `list` apply: one sheet per team with --owner or --theme.

    Examples:

      nzcli sheet 2024-06 --excel --output june-2024.csv

      nzcli sheet 2024-06 --owner "Transport team" --excel --output transport.csv
    """
    from nzcli.views.cycle import sheet_view

    plan, selection = _selection(ctx, filters, period_arg)
    doc = sheet_view(plan, selection)
    messages = []
    if out.path is not None and not out.quiet:
        period = selection.period
        messages.append(
            f"wrote the {period.name} update sheet ({doc.meta['count']} actions) to {out.path}"
        )
    return Result(doc, out, messages=messages)


@command(
    "status",
    PERIOD,
    FORMAT,
    OUTPUT,
    EXCEL,
    TEMPLATE,
    DATA,
    FILTERS,
    COLOR,
    formats=PAPER_FORMATS,
)
def status(ctx: Context, *, filters: Filters, period_arg: str, out: Out) -> Result:
    """Who still owes an update for a period: the actions without one, by theme and owner.

    The filters from `list` apply (--owner, --theme, ...). CSV has one row per action still
    owed (id, theme, owner, action), for a mail merge.

    Examples:

      nzcli status 2024-06

      nzcli status 2024-06 --owner "Transport team" --format csv --output chase.csv

      nzcli status 2024-06 --format docx --output owed.docx
    """
    from nzcli.views.cycle import status_view

    plan, selection = _selection(ctx, filters, period_arg)
    return Result(status_view(plan, selection), out)


HISTORY_ID = Argument(
    "action_id",
    "[ID]",
    "Only changes to this action (any case): T17.",
    required=False,
    complete="id",
)
HISTORY_PERIOD = Option(
    "period", ("--period",), "Only changes for this period: 2024-06.", "PERIOD", complete="period"
)


@command(
    "history",
    HISTORY_ID,
    HISTORY_PERIOD,
    FORMAT,
    OUTPUT,
    DATA,
    COLOR,
    formats=("table", "md", "csv", "json"),
)
def history(ctx: Context, *, action_id: str | None, period: str | None, out: Out) -> Result:
    """Every change recorded to the plan, newest first: when, the command, and each field
    changed (action, period, before, after).

    The history is kept beside the plan (nzcli.yaml.history.jsonl for nzcli.yaml), one JSON
    line per write; `nzcli undo` takes the last change back.

    Examples:

      nzcli history

      nzcli history T1 --period 2024-06
    """
    from nzcli.storage.history import read_history
    from nzcli.views.cycle import history_view
    from nzcli.vocab import find_action, parse_period_id

    path = ctx.data_path()
    plan = ctx.load()
    chosen = find_action(plan, action_id).id if action_id is not None else None
    period_id = None
    if period is not None:
        # (a period removed since is still in the history)
        period_id = parse_period_id(period) or period.strip()
    entries = read_history(path)
    return Result(history_view(entries, str(path), chosen, period_id), out)
