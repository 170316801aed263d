"""Recording progress: `nzcli period add`, `update`, `import` and `diff` (registered on the
app by importing this module). The work is in `nzcli.edit`; this module parses options,
prints one line per outcome on stderr and, with --dry-run, the YAML diff on stdout."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any

import typer

from .cli import DataOption, ExcelOption, FormatOption, OutputOption, app, guarded, with_filters
from .errors import UsageError
from .runtime import choose_format, data_path, emit, load, say, write_output

_UPDATE_PANEL = "The period's update"
_ACTION_PANEL = "The action itself"

DryRunOption = Annotated[
    bool,
    typer.Option(
        "--dry-run",
        help="Print the change as a unified diff of the data file and write nothing.",
    ),
]


def _target(data: Path | None) -> Path:
    """The data file a write goes to: --data, else $NZCLI_DATA, else the shipped plan."""
    from .store import resolve_data_path

    return resolve_data_path(data_path(data), os.environ)


def _timeout() -> float:
    from .store import lock_timeout

    return lock_timeout(os.environ)


def _report(outcome: Any) -> None:
    """The dry run's diff on stdout; the one-line outcome and any notes on stderr."""
    if outcome.changed and not outcome.edit.written:
        write_output(outcome.edit.diff(), None)
    for note in outcome.notes:
        say(f"note: {note}")
    say(outcome.message())


def _read_input(path: Path, flag: str) -> bytes:
    """An input file's bytes (`-` is stdin); UsageError when it cannot be read."""
    import sys

    if str(path) == "-":
        return sys.stdin.buffer.read()
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise UsageError(f"{flag}: {path}: no such file") from None
    except IsADirectoryError:
        raise UsageError(f"{flag}: {path}: is a directory, not a file") from None
    except OSError as exc:
        raise UsageError(f"{flag}: {path}: cannot read: {exc.strerror or exc}") from None


# ---------------------------------------------------------------------------------------------
# period add

period_app = typer.Typer(
    name="period",
    help="Reporting periods: add the next one (`nzcli periods` lists them).",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(period_app, name="period")


@period_app.command("add")
@guarded
def period_add(
    period_id: Annotated[
        str,
        typer.Argument(metavar="PERIOD", help="The new period's id, YYYY-MM: 2024-06."),
    ],
    name: Annotated[
        str | None,
        typer.Option(
            "--name",
            metavar="TEXT",
            show_default=False,
            help='Its name (default: from the id, "June 2024").',
        ),
    ] = None,
    dry_run: DryRunOption = False,
    data: DataOption = None,
) -> None:
    """Add a reporting period; it becomes the latest.

    Commands that read "the latest period" (list, report, check's no-update warning) move
    on to it. Refuses a period that already exists.

    Example: nzcli period add 2024-06 --name "June 2024"
    """
    from .edit import add_period

    _report(add_period(_target(data), period_id, name, dry_run=dry_run, timeout=_timeout()))


# ---------------------------------------------------------------------------------------------
# update


def _option(*names: str, help: str, panel: str, metavar: str = "TEXT") -> Any:
    return typer.Option(
        *names, help=help, metavar=metavar, show_default=False, rich_help_panel=panel
    )


@app.command()
@guarded
def update(
    action_id: Annotated[str, typer.Argument(metavar="ID", help="Action ID (any case): T17.")],
    period: Annotated[
        str | None,
        _option(
            "--period",
            metavar="PERIOD",
            panel=_UPDATE_PANEL,
            help="The period the update is for: 2024-06, june-2024, latest. Required with "
            "--stage, --rag and --text.",
        ),
    ] = None,
    stage: Annotated[
        str | None,
        _option(
            "--stage",
            metavar="STAGE",
            panel=_UPDATE_PANEL,
            help="discovery, design, delivery or completed; for an action with schemes, "
            "'Scheme A: delivery; Scheme B: design', or one scheme with --scheme.",
        ),
    ] = None,
    scheme: Annotated[
        str | None,
        _option(
            "--scheme",
            metavar="NAME",
            panel=_UPDATE_PANEL,
            help="Set one scheme's stage (with --stage), e.g. --scheme 'Ivanhoe Line'.",
        ),
    ] = None,
    rag: Annotated[
        str | None,
        _option(
            "--rag",
            metavar="RAG",
            panel=_UPDATE_PANEL,
            help="red, amber (or orange), green, or unrated.",
        ),
    ] = None,
    text: Annotated[
        str | None,
        _option("--text", panel=_UPDATE_PANEL, help="The progress update's words."),
    ] = None,
    append_text: Annotated[
        str | None,
        _option(
            "--append-text",
            metavar="TEXT",
            panel=_UPDATE_PANEL,
            help="Add words to the end of the period's update (after a space).",
        ),
    ] = None,
    text_file: Annotated[
        Path | None,
        _option(
            "--text-file",
            metavar="FILE",
            panel=_UPDATE_PANEL,
            help="Read the update's words from FILE (UTF-8; - for stdin).",
        ),
    ] = None,
    timescale: Annotated[
        str | None,
        _option("--timescale", metavar="S|M|L", panel=_ACTION_PANEL, help="S, M, L or S/M."),
    ] = None,
    cost: Annotated[
        str | None,
        _option("--cost", metavar="L|M|H", panel=_ACTION_PANEL, help="Cost: L, M, H or M/H."),
    ] = None,
    carbon: Annotated[
        str | None,
        _option("--carbon", metavar="L|M|H", panel=_ACTION_PANEL, help="Carbon saving."),
    ] = None,
    score: Annotated[
        str | None,
        _option("--score", metavar="N", panel=_ACTION_PANEL, help="Deliverability score."),
    ] = None,
    role: Annotated[
        str | None,
        _option("--role", metavar="ROLE", panel=_ACTION_PANEL, help="lead, ask or influence."),
    ] = None,
    add_partner: Annotated[
        list[str] | None,
        _option(
            "--add-partner",
            metavar="NAME",
            panel=_ACTION_PANEL,
            help="Add a partner from the plan's partner list (repeatable).",
        ),
    ] = None,
    remove_partner: Annotated[
        list[str] | None,
        _option(
            "--remove-partner",
            metavar="NAME",
            panel=_ACTION_PANEL,
            help="Remove a partner (repeatable).",
        ),
    ] = None,
    dry_run: DryRunOption = False,
    data: DataOption = None,
) -> None:
    """Record an action's update for a period, or change the action's own fields.

    Creates the period's update when it has none; otherwise changes only the fields given.
    The file is checked before it is written (a change that would make it invalid is
    refused) and written atomically under a lock ($NZCLI_LOCK_TIMEOUT seconds, default 10).
    Comments, order and layout elsewhere in the file stay exactly as they were.

    With --scheme on a period that has no update yet, the other schemes' stages are carried
    forward from the previous period (a note says so).

    Examples:

      nzcli update T1 --period 2024-06 --stage delivery --rag green --text "LTP4 adopted."

      nzcli update T17 --period latest --scheme "Ivanhoe Line" --stage delivery

      nzcli update T3 --timescale M --add-partner "Midlands Connect" --dry-run
    """
    from .edit import UpdateRequest, update_action

    if text is not None and text_file is not None:
        raise UsageError("give --text or --text-file, not both")
    if text_file is not None:
        raw = _read_input(text_file, "--text-file")
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise UsageError(f"--text-file: {text_file}: not UTF-8; save it as UTF-8") from None
    request = UpdateRequest(
        action_id=action_id,
        period=period,
        stage=stage,
        scheme=scheme,
        rag=rag,
        text=text,
        append_text=append_text,
        timescale=timescale,
        cost=cost,
        carbon=carbon,
        score=score,
        role=role,
        add_partners=list(add_partner or []),
        remove_partners=list(remove_partner or []),
    )
    request.check_shape()
    _report(update_action(_target(data), request, dry_run=dry_run, timeout=_timeout()))


# ---------------------------------------------------------------------------------------------
# import


@app.command("import")
@guarded
def import_(
    csv_file: Annotated[
        Path,
        typer.Argument(
            metavar="FILE.csv",
            help="A CSV as `nzcli list --format csv` or `nzcli report --format csv` writes it.",
        ),
    ],
    period: Annotated[
        str | None,
        typer.Option(
            "--period",
            metavar="PERIOD",
            show_default=False,
            help="The period the updates are for (required): 2024-06, june-2024, latest.",
        ),
    ] = None,
    dry_run: DryRunOption = False,
    data: DataOption = None,
) -> None:
    """Record many updates at once from a spreadsheet (CSV).

    Reads the columns id, stage, rag and update (others are ignored); a blank cell leaves
    that field as it is. For an action with schemes, stage is 'Scheme A: delivery; Scheme
    B: design'. Accepts what Excel saves: a BOM, CRLF line ends and cells defused with a
    leading ' by --excel. Every row is checked first: if any is bad, each bad row is listed
    as FILE:LINE: ID: reason and nothing is imported (exit 2). Otherwise every change is
    written at once, atomically.

    Examples:

      nzcli import june-2024.csv --period 2024-06 --dry-run

      nzcli import june-2024.csv --period 2024-06
    """
    from .edit import ImportRejected, import_csv

    if period is None:
        raise UsageError(
            "--period is required: the period these updates are for, such as "
            "--period 2024-06 or --period latest"
        )
    raw = _read_input(csv_file, "import")
    name = "<stdin>" if str(csv_file) == "-" else str(csv_file)
    try:
        outcome = import_csv(_target(data), raw, name, period, dry_run=dry_run, timeout=_timeout())
    except ImportRejected as exc:
        for problem in exc.problems:
            say(problem)
        raise
    _report(outcome)


# ---------------------------------------------------------------------------------------------
# diff


@app.command()
@guarded
@with_filters
def diff(
    filters: Any,
    period_a: Annotated[
        str, typer.Argument(metavar="PERIOD_A", help="The earlier period: 2023-12, december-2023.")
    ],
    period_b: Annotated[
        str, typer.Argument(metavar="PERIOD_B", help="The later period: 2024-06, latest.")
    ],
    fmt: FormatOption = None,
    output: OutputOption = None,
    excel: ExcelOption = False,
    data: DataOption = None,
) -> None:
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
    from .edit import diff_view
    from .query import order, resolve, resolve_period

    form = choose_format(fmt, output)
    plan = load(data)
    a = resolve_period(plan, period_a)
    b = resolve_period(plan, period_b)
    if a.id == b.id:
        raise UsageError(f"PERIOD_A and PERIOD_B are both {a.id}; give two different periods")
    if filters.period is None:
        filters.period = b.id
    selection = resolve(plan, filters)
    actions = order(plan, selection.apply(plan), b)
    emit(diff_view(actions, a, b), form, output, excel)
