"""The commands that only read: each is its declaration and a body that asks a view for a
document. The quick path (`nzcli.cli.fast`) imports this module on every run, so it imports
nothing heavy at import time: each body imports what it needs."""

from __future__ import annotations

from typing import TYPE_CHECKING

from nzcli.errors import ExitCode, OptionError

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


@command("export", FORMAT, OUTPUT, QUIET, DATA, COLOR, formats=EXPORT_FORMATS)
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
    return Result(doc, out, messages=empty_notes(plan, selection, doc.meta["count"]))


def empty_notes(plan: Plan, selection: Selection, count: int) -> list[str]:
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
    messages = empty_notes(plan, selection, doc.meta["count"]) if filters.given() else []
    return Result(doc, out, messages=messages)


@command("themes", DOCUMENT, COLOR, formats=QUERY_FORMATS)
def themes(ctx: Context, *, out: Out) -> Result:
    """Themes in document order, with their sections and action counts.

    Example: nzcli themes --format md
    """
    from nzcli.views.queries import themes_view

    return Result(themes_view(ctx.load()), out)


@command("periods", DOCUMENT, COLOR, formats=QUERY_FORMATS)
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
    return Result(doc, out, messages=empty_notes(plan, selection, doc.meta["count"]))


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


@command("schema", OUTPUT_OF, FORMAT, OUTPUT, QUIET, DATA, formats=("json",))
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
    from nzcli.views.schemas import schema_view
    from nzcli.vocab import parse_choice

    chosen = (
        None
        if output_of is None
        else parse_choice(output_of, SCHEMA_OUTPUTS, "--output-of", "output")
    )
    return Result(schema_view(chosen), out)


__all__ = ["FILTERS"]
