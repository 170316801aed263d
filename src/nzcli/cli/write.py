"""The commands that change the data file: `period add`, `update` and `import`. Each is its
declaration and a body that calls an operation (`nzcli.record`, `nzcli.periods`,
`nzcli.imports`) and reports the outcome: the dry run's diff on stdout, one line (and any
notes) on stderr. Each writes the plan `Context.edit_path()` names (never the shipped plan)
and records the write in the plan's history (`journal`)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from nzcli.errors import UsageError

from .context import Context, Result
from .spec import DATA, DRY_RUN, Argument, Option, command

if TYPE_CHECKING:
    from nzcli.model import Plan
    from nzcli.record import Outcome
    from nzcli.storage.history import Journal


def journal(ctx: Context) -> Journal:
    """How this command's write is recorded in the plan's history."""
    from nzcli.storage.history import Journal

    return Journal(ctx.invocation)


def _report(outcome: Outcome) -> Result:
    """The dry run's diff on stdout; the one-line outcome and any notes on stderr."""
    diff = outcome.edit.diff() if outcome.changed and not outcome.edit.written else None
    messages = [f"note: {note}" for note in outcome.notes]
    return Result(text=diff, messages=[*messages, outcome.message()])


def _read_input(ctx: Context, name: str, flag: str) -> bytes:
    """An input file's bytes (`-` is stdin), bounded; UsageError when it cannot be read (a
    missing file, a folder, a FIFO or device, one too large: `storage.files.read_input`)."""
    from nzcli.storage import files

    limit = files.MAX_TEXT_BYTES if flag == "--text-file" else files.MAX_IMPORT_BYTES
    if name == "-":
        return files.read_stream(ctx.stdin, "<stdin>", flag, limit)
    return files.read_input(Path(name), flag, limit)


# ---------------------------------------------------------------------------------------------
# period add

NAME = Option("name", ("--name",), 'Its name (default: from the id, "June 2024").')


@command(
    "period add",
    Argument("period_id", "PERIOD", "The new period's id, YYYY-MM: 2024-06."),
    NAME,
    DRY_RUN,
    DATA,
)
def period_add(ctx: Context, *, period_id: str, name: str | None, dry_run: bool) -> Result:
    """Add a reporting period, as a draft, for this round's updates.

    A draft is where updates are gathered (`update`, `import`, `status` name it); "latest"
    (in `report latest`, `list`, `diff`, `check`) keeps meaning the latest published period
    until `nzcli period publish` publishes it. Refuses a period that already exists.

    Example: nzcli period add 2024-06 --name "June 2024"
    """
    from nzcli.periods import add_period

    path, timeout = ctx.edit_path(), ctx.lock_timeout()
    outcome = add_period(
        path, period_id, name, dry_run=dry_run, timeout=timeout, journal=journal(ctx)
    )
    return _report(outcome)


# ---------------------------------------------------------------------------------------------
# update

_UPDATE = "The period's update"
_ACTION = "The action itself"


def _update_option(
    dest: str, *flags: str, help: str, metavar: str = "TEXT", panel: str = _UPDATE
) -> Option:
    return Option(dest, flags, help, metavar, panel=panel)


UPDATE_OPTIONS = (
    _update_option(
        "period",
        "--period",
        metavar="PERIOD",
        help="The period the update is for: 2024-06, june-2024 (a draft; a published "
        "period needs --reopen). Required with --stage, --rag, --text and --clear.",
    ),
    _update_option(
        "stage",
        "--stage",
        metavar="STAGE",
        help="discovery, design, delivery or completed; for an action with schemes, "
        "'Scheme A: delivery; Scheme B: design', or one scheme with --scheme.",
    ),
    _update_option(
        "scheme",
        "--scheme",
        metavar="NAME",
        help="Set one scheme's stage (with --stage), e.g. --scheme Ivanhoe.",
    ),
    _update_option(
        "rag", "--rag", metavar="RAG", help="red, amber (or orange), green, or unrated."
    ),
    _update_option("text", "--text", help="The progress update's words."),
    _update_option(
        "append_text",
        "--append-text",
        help="Add words to the end of the period's update (after a space).",
    ),
    _update_option(
        "text_file",
        "--text-file",
        metavar="FILE",
        help="Read the update's words from FILE (UTF-8; - for stdin).",
    ),
    _update_option(
        "timescale", "--timescale", metavar="S|M|L", panel=_ACTION, help="S, M, L or S/M."
    ),
    _update_option("cost", "--cost", metavar="L|M|H", panel=_ACTION, help="Cost: L, M, H or M/H."),
    _update_option("carbon", "--carbon", metavar="L|M|H", panel=_ACTION, help="Carbon saving."),
    _update_option("score", "--score", metavar="N", panel=_ACTION, help="Deliverability score."),
    _update_option("role", "--role", metavar="ROLE", panel=_ACTION, help="lead, ask or influence."),
    _update_option(
        "owner",
        "--owner",
        metavar="NAME",
        panel=_ACTION,
        help="The officer or team responsible for the action's updates.",
    ),
    Option(
        "add_partner",
        ("--add-partner",),
        "Add a partner from the plan's partner list (repeatable).",
        "NAME",
        multiple=True,
        complete="partner",
        panel=_ACTION,
    ),
    Option(
        "remove_partner",
        ("--remove-partner",),
        "Remove a partner (repeatable).",
        "NAME",
        multiple=True,
        complete="partner",
        panel=_ACTION,
    ),
    Option(
        "clear",
        ("--clear",),
        "Clear a field: stage, rag or text (the period's update), or owner (repeatable). "
        "An update left with nothing is removed.",
        "FIELD",
        multiple=True,
        complete="clear",
    ),
)

REOPEN = Option(
    "reopen",
    ("--reopen",),
    "Allow changing a published period (a correction; the history records it).",
    flag=True,
)


@command(
    "update",
    Argument("action_id", "ID", "Action ID (any case): T17.", complete="id"),
    UPDATE_OPTIONS,
    REOPEN,
    DRY_RUN,
    DATA,
)
def update(
    ctx: Context,
    *,
    action_id: str,
    period: str | None,
    stage: str | None,
    scheme: str | None,
    rag: str | None,
    text: str | None,
    append_text: str | None,
    text_file: str | None,
    timescale: str | None,
    cost: str | None,
    carbon: str | None,
    score: str | None,
    role: str | None,
    owner: str | None,
    add_partner: list[str],
    remove_partner: list[str],
    clear: list[str],
    reopen: bool,
    dry_run: bool,
) -> Result:
    """Record an action's update for a period, or change the action's own fields.

    Creates the period's update when it has none; otherwise changes only the fields given
    (--clear empties one). A published period is read-only unless --reopen. The file is
    checked before it is written (a change that would make it invalid is refused), written
    atomically under a lock ($NZCLI_LOCK_TIMEOUT seconds, default 10) and recorded in the
    plan's history (`nzcli history`, `nzcli undo`). Comments, order and layout elsewhere in
    the file stay exactly as they were.

    With --scheme on a period that has no update yet, the other schemes' stages are carried
    forward from the previous period (a note says so).

    Examples:

      nzcli update T1 --period 2024-06 --stage delivery --rag green --text "LTP4 adopted."

      nzcli update T17 --period 2024-06 --scheme Ivanhoe --stage delivery

      nzcli update T3 --timescale M --add-partner "Midlands Connect" --dry-run

      nzcli update T5 --period 2024-06 --clear rag --owner "Transport team"
    """
    from nzcli.record import UpdateRequest, update_action

    if text is not None and text_file is not None:
        raise UsageError("give --text or --text-file, not both")
    if text_file is not None:
        raw = _read_input(ctx, text_file, "--text-file")
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
        owner=owner,
        add_partners=add_partner,
        remove_partners=remove_partner,
        clear=clear,
        reopen=reopen,
    )
    request.check_shape()
    path, timeout = ctx.edit_path(), ctx.lock_timeout()
    return _report(
        update_action(path, request, dry_run=dry_run, timeout=timeout, journal=journal(ctx))
    )


# ---------------------------------------------------------------------------------------------
# import

IMPORT_PERIOD = Option(
    "period",
    ("--period",),
    "The period the updates are for: 2024-06, june-2024 (default: the one the sheets "
    "say they were made for).",
    "PERIOD",
    complete="period",
)
FORCE = Option(
    "force",
    ("--force",),
    "Import a sheet made for another period into --period all the same; take an update "
    "pack's answers for actions that changed in the plan since the pack was made.",
    flag=True,
)


@command(
    "import",
    Argument(
        "files",
        "FILE...",
        "Sheets: CSV as `nzcli sheet`, `list` or `report --format csv` write them (- for "
        "stdin); Excel workbooks (.xlsx): update packs from `nzcli pack`, or any with a "
        "header row.",
        complete="path",
        multiple=True,
    ),
    IMPORT_PERIOD,
    FORCE,
    REOPEN,
    DRY_RUN,
    DATA,
)
def import_(
    ctx: Context,
    *,
    files: list[str],
    period: str | None,
    force: bool,
    reopen: bool,
    dry_run: bool,
) -> Result:
    """Record many updates at once from spreadsheets (CSV or Excel), all or nothing.

    Reads the columns id, stage, rag, update and owner, by the headers people use: the
    export's own, the council's document's ("Action ID", "Project stage", "Project Status",
    "RAG", "December 2023 Update"), "Progress update", "Owner", any case and spacing;
    other columns are ignored. A sheet without an id or an update column is refused,
    naming the columns it has. A blank cell leaves that field as it is; "no change since
    last time" in a stage (or RAG) cell carries last period's value into a new update. For
    an action with schemes, stage is 'Scheme A: delivery; Scheme B: design'.

    A file ending .xlsx is read as a workbook: an update pack from `nzcli pack` (its
    yellow cells; it imports into the period it was made for), or the first sheet of any
    other workbook, whose first row names the columns. Formulas and error values are
    refused, and in a pack so is any change outside the yellow cells, or an answer for an
    action that has changed in the plan since the pack was made (unless --force).

    Every row of every file is checked first: if any is bad (an unknown ID or value, an
    action given twice, a spreadsheet error value such as #NAME? or Err:509), each is listed
    as FILE:LINE (or FILE: SHEET!CELL): ID: column: reason and nothing is imported (exit
    2). A sheet made for another period is refused unless --period names that period or
    --force is given; a published period is read-only unless --reopen. Otherwise every
    change is written at once, atomically, and recorded in the history.

    Examples:

      nzcli import june-2024.csv --dry-run

      nzcli import transport.csv waste.csv --period 2024-06

      nzcli import update-packs-2024-12/*.xlsx
    """
    from nzcli.imports import import_sheets
    from nzcli.storage.sheets import Sheet, is_workbook, parse_csv

    if not files:
        raise UsageError("give the sheet to import: nzcli import FILE.csv")
    if files.count("-") > 1:
        raise UsageError("- (stdin) can be given once")
    csv_sheets: dict[int, Sheet] = {}
    for i, name in enumerate(files):
        if name == "-" or not is_workbook(name):
            raw = _read_input(ctx, name, "import")
            csv_sheets[i] = parse_csv(raw, "<stdin>" if name == "-" else name)
    books = [name for name in files if name != "-" and is_workbook(name)]

    def read(plan: Plan, notes: list[str]) -> list[Sheet]:
        """Every file's sheet, in the order given; the workbooks read under the lock, so a
        pack's answers are checked against each action as it is now (--force: even when
        it has changed since the pack was made)."""
        if not books:
            return list(csv_sheets.values())
        from nzcli.storage.workbook import workbook_sheets

        from_books = iter(workbook_sheets(books, plan, allow_stale=force, notes=notes))
        return [csv_sheets[i] if i in csv_sheets else next(from_books) for i in range(len(files))]

    path, timeout = ctx.edit_path(), ctx.lock_timeout()
    outcome = import_sheets(
        path,
        read,
        period,
        force=force,
        reopen=reopen,
        dry_run=dry_run,
        timeout=timeout,
        journal=journal(ctx),
    )
    return _report(outcome)
