"""The period papers, read-only: `diff` (what changed between two periods) and `report` (the
progress report for one). Like `nzcli.cli.read`, this module imports nothing heavy at import
time: the quick path (`nzcli.cli.fast`) imports it on every run."""

from __future__ import annotations

from typing import TYPE_CHECKING

from nzcli.errors import OptionError, UsageError

from .context import Context, Out, Result
from .read import PAPER_FORMATS, REPORT_FORMATS, empty_notes
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
    from nzcli.query import Filters

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
    messages = empty_notes(plan, selection, count)
    if out.path is not None and not out.quiet:
        period = selection.period
        messages.append(
            f"wrote the {period.name} report ({count} actions, {out.fmt}) to {out.path}"
        )
    return Result(doc, out, messages=messages)
