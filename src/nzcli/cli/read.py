"""The commands that only read: each is its declaration and a body that asks a view for a
document. The quick path (`nzcli.cli.fast`) may run any of them without typer, so this module
imports nothing heavy at import time: each body imports what it needs."""

from __future__ import annotations

from typing import TYPE_CHECKING

from nzcli.errors import ExitCode, OptionError, UsageError

from .context import Context, Out, Result
from .spec import (
    COLOR,
    DATA,
    EXCEL,
    FILTERS,
    FORMAT,
    OUTPUT,
    QUIET,
    Argument,
    Option,
    command,
)

if TYPE_CHECKING:
    from nzcli.model import Plan
    from nzcli.query import Filters, Selection

#: The formats of the query commands, and of the report.
QUERY_FORMATS = ("table", "md", "csv", "json")
REPORT_FORMATS = (*QUERY_FORMATS, "html")
#: --format, --output, --data and --color, for commands that write a document.
DOCUMENT = (FORMAT, OUTPUT, DATA)

STRICT = Option("strict", ("--strict",), "Fail (exit 1) on warnings as well as errors.", flag=True)


@command("check", STRICT, FORMAT, DATA, COLOR, formats=("text", "json"), read_only=True)
def check(ctx: Context, *, strict: bool, out: Out) -> Result:
    """Validate the data file and list every problem.

    Errors (YAML syntax, schema, duplicate IDs or keys, unknown theme, section, partner or
    period) and warnings (a deliverability score that disagrees with the scoring rule or is
    missing; an action with no update for the latest period), each as
    PATH:LINE:COL: ID: message, then a summary line.

    Exit 0 when there are no errors, 1 when there are (or, with --strict, any warnings).

    Example: nzcli check --strict
    """
    from nzcli.check import check_file
    from nzcli.views.checks import check_view

    result = check_file(ctx.data_path())
    code = ExitCode.CHECK_FAILED if result.failed(strict) else ExitCode.OK
    return Result(check_view(result, strict), out, code=code)


@command("export", FORMAT, OUTPUT, DATA, COLOR, formats=("json", "yaml", "xlsx"), read_only=True)
def export(ctx: Context, *, out: Out) -> Result:
    """Export the whole plan, keys exactly as in the YAML file.

    JSON carries a top-level "format_version" (see docs/data-format.md); it is the contract
    scripts build on.

    Example: nzcli export --format json --output plan.json
    """
    from nzcli.views.plan import export_view

    plan = ctx.load()
    doc = export_view(plan, yaml=out.fmt == "yaml")
    if out.fmt == "xlsx":
        from nzcli.views.workbooks import plan_sheets

        doc.sheets = plan_sheets(plan)
    return Result(doc, out)


SORT = Option(
    "sort",
    ("--sort",),
    "Sort by a column (repeat for tie-breaks): id, theme, stage, rag, timescale, "
    "deliverability_score, …",
    "COLUMN",
    multiple=True,
)
REVERSE = Option("reverse", ("--reverse",), "Reverse the order.", flag=True)
COLUMNS = Option(
    "columns",
    ("--columns", "-c"),
    "Columns to show, in order (default: all; the terminal table shows "
    "id,action,role,timescale,stage,rag).",
    "A,B,C",
)
LIMIT = Option("limit", ("--limit", "-n"), "At most N rows.", "N")


@command(
    "list",
    SORT,
    REVERSE,
    COLUMNS,
    LIMIT,
    FORMAT,
    OUTPUT,
    EXCEL,
    DATA,
    FILTERS,
    COLOR,
    formats=(*QUERY_FORMATS, "xlsx"),
    read_only=True,
)
def list_(
    ctx: Context,
    *,
    filters: Filters,
    sort: list[str],
    reverse: bool,
    columns: str | None,
    limit: str | None,
    out: Out,
) -> Result:
    """List actions, one row each, filtered and sorted.

    Stage and RAG come from the latest period unless --period says otherwise. An action
    with no RAG for the period is "not rated" (--rag unrated).

    Examples:

      nzcli list --theme transport --rag red

      nzcli list --stage discovery --timescale S --format csv --output discovery.csv

      nzcli list --partner "Midlands Connect" --columns id,action,stage
    """
    from nzcli import vocab
    from nzcli.query import resolve
    from nzcli.views.queries import list_view

    chosen = vocab.parse_columns(columns)
    count = vocab.parse_count(limit, "--limit") if limit is not None else None
    plan = ctx.load()
    selection = resolve(plan, filters)
    doc = list_view(plan, selection, sort, reverse, chosen, count, table=out.fmt == "table")
    if out.fmt == "xlsx":
        from nzcli.views.workbooks import list_sheets

        doc.sheets = list_sheets(plan, doc)
    return Result(doc, out, messages=_empty(plan, selection, doc.meta["count"]))


def _empty(plan: Plan, selection: Selection, count: int) -> list[str]:
    """The line to print when a selection matched nothing."""
    if count:
        return []
    from nzcli.query import empty_reason

    return [empty_reason(plan, selection)]


@command(
    "show",
    Argument("action_id", "ID", "Action ID (any case): T17.", complete="id"),
    DOCUMENT,
    COLOR,
    formats=QUERY_FORMATS,
    read_only=True,
)
def show(ctx: Context, *, action_id: str, out: Out) -> Result:
    """Show one action in full: every field, partners, and each period's stage, RAG and update.

    Example: nzcli show t17
    """
    from nzcli.views.queries import show_view
    from nzcli.vocab import find_action

    plan = ctx.load()
    return Result(show_view(plan, find_action(plan, action_id)), out)


PARTNER_PERIOD = Option(
    "period",
    ("--period",),
    "Period for stage and RAG (default: latest).",
    "PERIOD",
    complete="period",
)


@command(
    "partners",
    Argument(
        "name",
        "[NAME]",
        "A partner (or alias): list the actions involving it.",
        required=False,
        complete="partner",
    ),
    PARTNER_PERIOD,
    DOCUMENT,
    COLOR,
    formats=QUERY_FORMATS,
    read_only=True,
)
def partners(ctx: Context, *, name: str | None, period: str | None, out: Out) -> Result:
    """The partner index: each partner with its action count and IDs, most involved first.

    With NAME, that partner's actions.

    Examples: nzcli partners;  nzcli partners "Midlands Connect"
    """
    from nzcli.views.queries import partners_view
    from nzcli.vocab import resolve_period

    plan = ctx.load()
    return Result(partners_view(plan, name, resolve_period(plan, period)), out)


@command("themes", DOCUMENT, COLOR, formats=QUERY_FORMATS, read_only=True)
def themes(ctx: Context, *, out: Out) -> Result:
    """Themes in document order, with their sections and action counts.

    Example: nzcli themes --format md
    """
    from nzcli.views.queries import themes_view

    return Result(themes_view(ctx.load()), out)


@command("periods", DOCUMENT, COLOR, formats=QUERY_FORMATS, read_only=True)
def periods(ctx: Context, *, out: Out) -> Result:
    """Reporting periods, oldest first, marking the latest.

    Example: nzcli periods
    """
    from nzcli.views.queries import periods_view

    return Result(periods_view(ctx.load()), out)


BY = Option(
    "by",
    ("--by", "-b"),
    "Group by theme, section, role, stage, rag, timescale, cost or carbon; "
    "twice for a cross-tabulation (default: theme).",
    "FIELD",
    multiple=True,
    complete="group",
)


@command(
    "summary",
    BY,
    FORMAT,
    OUTPUT,
    EXCEL,
    DATA,
    FILTERS,
    COLOR,
    formats=QUERY_FORMATS,
    read_only=True,
)
def summary(ctx: Context, *, filters: Filters, by: list[str], out: Out) -> Result:
    """Count actions by a field, with percentages; with two --by, a cross-tabulation.

    Examples:

      nzcli summary --by stage

      nzcli summary --by theme --by stage --role lead
    """
    from nzcli.query import resolve
    from nzcli.views.queries import summary_view
    from nzcli.vocab import parse_group

    groups = [parse_group(b) for b in (by or ["theme"])]
    if len(groups) > 2:
        raise OptionError("give --by once or twice", "--by")
    plan = ctx.load()
    selection = resolve(plan, filters)
    doc = summary_view(plan, selection, groups)
    return Result(doc, out, messages=_empty(plan, selection, doc.meta["count"]))


PERIOD_A = Argument(
    "period_a", "PERIOD_A", "The earlier period: 2023-12, december-2023.", complete="period"
)
PERIOD_B = Argument("period_b", "PERIOD_B", "The later period: 2024-06, latest.", complete="period")


@command(
    "diff",
    PERIOD_A,
    PERIOD_B,
    FORMAT,
    OUTPUT,
    EXCEL,
    DATA,
    FILTERS,
    COLOR,
    formats=QUERY_FORMATS,
    read_only=True,
)
def diff(ctx: Context, *, filters: Filters, period_a: str, period_b: str, out: Out) -> Result:
    """What changed between two periods, most worrying first.

    One row per changed action: RAG worse (amber → red), stage moved back, updated in
    PERIOD_A but not in PERIOD_B, newly rated, first updates and new actions (added_in),
    RAG better, stage moved forward; then a summary line of counts. Changes to the update
    text alone are not listed. The filters from `list` apply; --stage and --rag read
    PERIOD_B unless --period says otherwise.

    Examples:

      nzcli diff 2023-12 2024-06

      nzcli diff december-2023 latest --theme transport --format md --output changes.md
    """
    from nzcli.query import order, resolve
    from nzcli.views.changes import diff_view
    from nzcli.vocab import resolve_period

    plan = ctx.load()
    a = resolve_period(plan, period_a)
    b = resolve_period(plan, period_b)
    if a.id == b.id:
        raise UsageError(f"PERIOD_A and PERIOD_B are both {a.id}; give two different periods")
    if filters.period is None:
        filters.period = b.id
    selection = resolve(plan, filters)
    actions = order(plan, selection.apply(plan), b)
    return Result(diff_view(actions, a, b), out)


REPORT_PERIOD = Argument(
    "period_arg",
    "PERIOD",
    'latest, 2023-12, december-2023, dec-2023 or "December 2023".',
    complete="period",
)
TITLE = Option("title", ("--title",), 'Title instead of "<plan>: progress report, <period>".')
STAMP = Option(
    "stamp",
    ("--stamp",),
    "Add the time of writing (otherwise the same data always gives the same bytes).",
    flag=True,
)


@command(
    "report",
    REPORT_PERIOD,
    FORMAT,
    OUTPUT,
    EXCEL,
    TITLE,
    QUIET,
    STAMP,
    DATA,
    FILTERS,
    COLOR,
    formats=(*REPORT_FORMATS, "xlsx"),
    read_only=True,
)
def report(
    ctx: Context, *, filters: Filters, period_arg: str, title: str | None, stamp: bool, out: Out
) -> Result:
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
    from nzcli.query import resolve
    from nzcli.views.report import build_report, report_document

    if filters.period is not None:
        raise OptionError("give the period as the PERIOD argument", "--period")
    filters.period = period_arg
    plan = ctx.load()
    selection = resolve(plan, filters)
    when = None
    if stamp:
        from datetime import datetime, timezone

        when = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    doc = report_document(build_report(plan, selection, str(ctx.data_path()), title, when))
    if out.fmt == "xlsx":
        from nzcli.views.workbooks import report_sheets

        doc.sheets = report_sheets(doc.meta["report"])
    count = doc.meta["count"]
    messages = _empty(plan, selection, count)
    if out.path is not None and not out.quiet:
        period = selection.period
        messages.append(
            f"wrote the {period.name} report ({count} actions, {out.fmt}) to {out.path}"
        )
    return Result(doc, out, messages=messages)


@command("schema", OUTPUT, formats=("json",), read_only=True)
def schema(ctx: Context, *, out: Out) -> Result:
    """Print the JSON Schema of the data file, for editors that validate YAML.

    Point your editor's YAML language server at it, e.g. a first line in actions.yaml:
    # yaml-language-server: $schema=nzcli-schema.json

    Example: nzcli schema --output nzcli-schema.json
    """
    from nzcli.views.plan import schema_view

    return Result(schema_view(), out)


__all__ = ["FILTERS"]
