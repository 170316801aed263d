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
    TEMPLATE,
    Argument,
    Option,
    command,
)

if TYPE_CHECKING:
    from nzcli.model import Plan
    from nzcli.query import Filters, Selection

#: The formats of the query commands, of those that also make a Word paper, and of the
#: report.
QUERY_FORMATS = ("table", "md", "csv", "json")
#: Formats that can be printed on paper: the query formats and Word.
PAPER_FORMATS = (*QUERY_FORMATS, "docx")
#: `list`'s: the paper formats, NDJSON (one action a line) and an Excel workbook.
LIST_FORMATS = (*PAPER_FORMATS, "ndjson", "xlsx")
#: `report`'s: the query formats, the web page, Word and an Excel workbook.
REPORT_FORMATS = (*QUERY_FORMATS, "html", "docx", "xlsx")
#: --format, --output, --data and --color, for commands that write a document.
DOCUMENT = (FORMAT, OUTPUT, DATA)

STRICT = Option("strict", ("--strict",), "Fail (exit 1) on warnings as well as errors.", flag=True)


#: check's --id is the filter's: the same option, and the same patterns, as list's.
CHECK_ID = next(f for f in FILTERS if f.dest == "id")


@command(
    "check",
    STRICT,
    CHECK_ID,
    FORMAT,
    OUTPUT,
    QUIET,
    DATA,
    COLOR,
    formats=("text", "json"),
    read_only=True,
)
def check(ctx: Context, *, strict: bool, id: list[str], out: Out) -> Result:
    """Validate the data file and list every problem.

    Errors (YAML syntax, schema, duplicate IDs or keys, unknown theme, section, partner or
    period) and warnings (a deliverability score that disagrees with the scoring rule or is
    missing, unless the action's score_note explains it; an action with no update for the
    latest period), each as PATH:LINE:COL: ID: message, then a summary line. With --id,
    only those actions' problems (and any error in the file as a whole).

    Exit 0 when there are no errors, 1 when there are (or, with --strict, any warnings).

    Examples:

      nzcli check --strict

      nzcli check --id T17 --id 'B*'
    """
    from nzcli.check import check_file
    from nzcli.views.checks import check_view

    result = check_file(ctx.data_path())
    if id:
        result = result.only(id)
    code = ExitCode.CHECK_FAILED if result.failed(strict) else ExitCode.OK
    return Result(check_view(result, strict), out, code=code)


#: What `export` writes: the plan as JSON, YAML or NDJSON; as a workbook; as open data.
EXPORT_FORMATS = ("json", "yaml", "ndjson", "xlsx", "datapackage", "sqlite")


@command("export", FORMAT, OUTPUT, QUIET, DATA, COLOR, formats=EXPORT_FORMATS, read_only=True)
def export(ctx: Context, *, out: Out) -> Result:
    """Export the whole plan: as JSON, YAML, NDJSON or an Excel workbook, or as open data.

    JSON has the data file's keys exactly, with a top-level "format_version" (its schema:
    `nzcli schema --output-of export`); NDJSON is one action a line. YAML is the data file's
    own text, with its comments and layout. xlsx is a workbook of every record, one sheet
    per kind (plan, keys, periods, themes, partners, actions, updates), headed by the YAML
    file's keys. datapackage writes a Frictionless Data Package
    into the --output folder (datapackage.json and one CSV per table: actions, partners,
    updates, ...); sqlite one SQLite database of the same tables with their keys
    (docs/open-data.md).

    Examples:

      nzcli export --format json --output plan.json

      nzcli export --format datapackage --output plan-data

      nzcli export --output plan.sqlite

      nzcli export --output plan.xlsx
    """
    if out.fmt in ("datapackage", "sqlite"):
        from nzcli.views.opendata import opendata_view

        return Result(opendata_view(ctx.load()), out)
    from nzcli.views.plan import export_view

    if out.fmt == "xlsx":
        from nzcli.views.workbooks import plan_sheets

        plan = ctx.load()
        doc = export_view(plan)
        doc.sheets = plan_sheets(plan)
        return Result(doc, out)
    if out.fmt != "yaml":
        return Result(export_view(ctx.load()), out)
    from nzcli.storage.files import decode_text, read_bytes

    # the file's own text, once it is known to be a valid plan: the same bytes before and
    # after loading (an editor saving in between is caught, not half exported)
    path = ctx.data_path()
    before = read_bytes(path)
    plan = ctx.load()
    if read_bytes(path) != before:
        from nzcli.errors import DataError

        raise DataError(path, "the file changed while it was read; run the command again")
    return Result(export_view(plan, text=decode_text(before, path)), out)


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
    TEMPLATE,
    DATA,
    FILTERS,
    COLOR,
    formats=LIST_FORMATS,
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

      nzcli list --theme transport --format docx --output transport.docx
    """
    from nzcli import vocab
    from nzcli.query import resolve
    from nzcli.views.queries import list_view

    chosen = vocab.parse_columns(columns)
    count = vocab.parse_count(limit, "--limit") if limit is not None else None
    plan = ctx.load()
    selection = resolve(plan, filters)
    table = out.fmt == "table"
    doc = list_view(plan, selection, sort, reverse, chosen, count, table=table, fmt=out.fmt)
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


@command(
    "partners",
    Argument(
        "name",
        "[NAME]",
        "A partner (or alias): list the actions involving it.",
        required=False,
        complete="partner",
    ),
    FORMAT,
    OUTPUT,
    EXCEL,
    QUIET,
    DATA,
    FILTERS,
    COLOR,
    formats=QUERY_FORMATS,
    read_only=True,
)
def partners(ctx: Context, *, filters: Filters, name: str | None, out: Out) -> Result:
    """The partner index: each partner with its action count and IDs, most involved first.

    With NAME, that partner's actions. The filters from `list` apply: only the actions
    they select are counted and listed.

    Examples:

      nzcli partners

      nzcli partners "Midlands Connect" --rag red

      nzcli partners --theme transport
    """
    from nzcli.query import resolve
    from nzcli.views.queries import partners_view

    plan = ctx.load()
    selection = resolve(plan, filters)
    doc = partners_view(plan, name, selection)
    messages = _empty(plan, selection, doc.meta["count"]) if filters.given() else []
    return Result(doc, out, messages=messages)


@command("themes", DOCUMENT, COLOR, formats=QUERY_FORMATS, read_only=True)
def themes(ctx: Context, *, out: Out) -> Result:
    """Themes in document order, with their sections and action counts.

    Example: nzcli themes --format md
    """
    from nzcli.views.queries import themes_view

    return Result(themes_view(ctx.load()), out)


@command("periods", DOCUMENT, COLOR, formats=QUERY_FORMATS, read_only=True)
def periods(ctx: Context, *, out: Out) -> Result:
    """Reporting periods, oldest first: draft or published, and which is the latest.

    "latest" is the latest published period; a draft (`period add`) is where a round's
    updates are gathered until `period publish`.

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


ONLY = Option(
    "only",
    ("--only",),
    "Only changes of this kind (repeatable): newly-red, rag-worse, stage-back, rag-removed, "
    "rag-rated, stage-changed, first-update, new-action, rag-better, stage-forward, "
    "not-updated.",
    "KIND",
    multiple=True,
    complete="change",
)
HIDE = Option(
    "hide",
    ("--hide",),
    "Leave out changes of this kind (repeatable), e.g. --hide not-updated.",
    "KIND",
    multiple=True,
    complete="change",
)


@command(
    "diff",
    PERIOD_A,
    PERIOD_B,
    ONLY,
    HIDE,
    FORMAT,
    OUTPUT,
    EXCEL,
    TEMPLATE,
    DATA,
    FILTERS,
    COLOR,
    formats=PAPER_FORMATS,
    read_only=True,
)
def diff(
    ctx: Context,
    *,
    filters: Filters,
    period_a: str,
    period_b: str,
    only: list[str],
    hide: list[str],
    out: Out,
) -> Result:
    """What changed between two periods, most worrying first.

    One row per changed action, in the order a committee wants: newly red, RAG worse
    (green → amber), stage moved back; then RAG removed, newly rated, other stage changes,
    first updates and new actions (added_in), RAG better, stage moved forward; and last,
    actions updated in PERIOD_A but not (yet) in PERIOD_B. Then a summary line of counts.
    --only and --hide choose kinds (a change of several kinds is hidden only when all its
    kinds are). Changes to the update text alone are not listed. The filters from `list`
    apply; --stage and --rag read PERIOD_B unless --period says otherwise.

    Examples:

      nzcli diff 2023-12 2024-06

      nzcli diff december-2023 latest --theme transport --format md --output changes.md

      nzcli diff 2023-12 2024-06 --hide not-updated
    """
    from nzcli.query import order, resolve
    from nzcli.views.changes import diff_view
    from nzcli.vocab import parse_change_kinds, resolve_period

    chosen = parse_change_kinds(only, "--only")
    hidden = parse_change_kinds(hide, "--hide")

    plan = ctx.load()
    a = resolve_period(plan, period_a)
    b = resolve_period(plan, period_b)
    if a.id == b.id:
        raise UsageError(f"PERIOD_A and PERIOD_B are both {a.id}; give two different periods")
    if filters.period is None:
        filters.period = b.id
    selection = resolve(plan, filters)
    actions = order(plan, selection.apply(plan), b)
    return Result(diff_view(actions, a, b, chosen, hidden), out)


REPORT_PERIOD = Argument(
    "period_arg",
    "PERIOD",
    'latest, 2023-12, december-2023, dec-2023 or "December 2023".',
    complete="period",
)
TITLE = Option("title", ("--title",), 'Title instead of "<plan>: progress report, <period>".')
SOURCE_LABEL = Option(
    "source_label",
    ("--source-label",),
    "How the report names its data (default: the data file's name, never its path).",
)
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
    TEMPLATE,
    TITLE,
    SOURCE_LABEL,
    QUIET,
    STAMP,
    DATA,
    FILTERS,
    COLOR,
    formats=REPORT_FORMATS,
    read_only=True,
)
def report(
    ctx: Context,
    *,
    filters: Filters,
    period_arg: str,
    title: str | None,
    source_label: str | None,
    stamp: bool,
    out: Out,
) -> Result:
    """Write the progress report for a period: the headline counts and what changed since
    the previous period, a summary, the key, then every action by theme.

    The filters from `list` apply. Actions with no update for the period are kept and
    marked "No update for this period"; a draft period's report says so in a banner. The
    report names its data by the file's name (or --source-label), never by its path. Same
    data, same bytes (unless --stamp), so a cron job can skip unchanged files. With
    --output, one summary line goes to stderr (none with --quiet); the file is written
    atomically.

    Examples:

      nzcli report december-2023 --format md

      nzcli report latest --format docx --template council.dotx --output paper.docx

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
    if source_label is not None and not source_label.strip():
        raise OptionError("give a label, or leave the option out", "--source-label")
    source = source_label if source_label is not None else ctx.data_path().name
    doc = report_document(build_report(plan, selection, source, title, when))
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


#: What `schema --output-of` takes: every command with a JSON output, and the NDJSON lines.
SCHEMA_OUTPUTS = (
    "list",
    "list-ndjson",
    "show",
    "partners",
    "themes",
    "periods",
    "summary",
    "diff",
    "report",
    "export",
    "export-ndjson",
    "check",
    "sheet",
    "status",
    "history",
)
OUTPUT_OF = Option(
    "output_of",
    ("--output-of",),
    "The schema of a command's JSON output instead: "
    + ", ".join(SCHEMA_OUTPUTS)
    + " (-ndjson: one line of --format ndjson).",
    "COMMAND",
    complete="output",
)


@command("schema", OUTPUT_OF, FORMAT, OUTPUT, QUIET, DATA, formats=("json",), read_only=True)
def schema(ctx: Context, *, output_of: str | None, out: Out) -> Result:
    """Print the JSON Schema of the data file, or of a command's JSON output.

    The data file's schema is for editors that validate YAML: point your editor's YAML
    language server at it, e.g. a first line in actions.yaml:
    # yaml-language-server: $schema=nzcli-schema.json

    With --output-of, the schema of that command's --format json document (the contract
    scripts build on; docs/schemas/ has them all). The schemas do not depend on the data
    file; --data is accepted like everywhere else.

    Examples:

      nzcli schema --output nzcli-schema.json

      nzcli schema --output-of list --output list.schema.json
    """
    from nzcli.views.plan import schema_view
    from nzcli.vocab import parse_choice

    chosen = (
        None
        if output_of is None
        else parse_choice(output_of, SCHEMA_OUTPUTS, "--output-of", "output")
    )
    return Result(schema_view(chosen), out)


__all__ = ["FILTERS"]
