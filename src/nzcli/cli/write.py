"""The commands that change the data file: `period add`, `update` and `import`. Each is its
declaration and a body that calls `nzcli.record` and reports the outcome: the dry run's diff
on stdout, one line (and any notes) on stderr."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from nzcli.errors import UsageError

from .context import Context, Result
from .spec import DATA, DRY_RUN, Argument, Option, command

if TYPE_CHECKING:
    from nzcli.record import Outcome


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
    """Add a reporting period; it becomes the latest.

    Commands that read "the latest period" (list, report, check's no-update warning) move
    on to it. Refuses a period that already exists.

    Example: nzcli period add 2024-06 --name "June 2024"
    """
    from nzcli.record import add_period

    timeout = ctx.lock_timeout()
    return _report(add_period(ctx.data_path(), period_id, name, dry_run=dry_run, timeout=timeout))


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
        help="The period the update is for: 2024-06, june-2024, latest. Required with "
        "--stage, --rag and --text.",
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
        help="Set one scheme's stage (with --stage), e.g. --scheme 'Ivanhoe Line'.",
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
)


@command(
    "update",
    Argument("action_id", "ID", "Action ID (any case): T17.", complete="id"),
    UPDATE_OPTIONS,
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
    add_partner: list[str],
    remove_partner: list[str],
    dry_run: bool,
) -> Result:
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
        add_partners=add_partner,
        remove_partners=remove_partner,
    )
    request.check_shape()
    timeout = ctx.lock_timeout()
    return _report(update_action(ctx.data_path(), request, dry_run=dry_run, timeout=timeout))


# ---------------------------------------------------------------------------------------------
# import

IMPORT_PERIOD = Option(
    "period",
    ("--period",),
    "The period the updates are for (required): 2024-06, june-2024, latest.",
    "PERIOD",
    complete="period",
)


@command(
    "import",
    Argument(
        "csv_file",
        "FILE.csv",
        "A CSV as `nzcli list --format csv` or `nzcli report --format csv` writes it.",
        complete="path",
    ),
    IMPORT_PERIOD,
    DRY_RUN,
    DATA,
)
def import_(ctx: Context, *, csv_file: str, period: str | None, dry_run: bool) -> Result:
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
    from nzcli.record import import_csv

    if period is None:
        raise UsageError(
            "--period is required: the period these updates are for, such as "
            "--period 2024-06 or --period latest"
        )
    raw = _read_input(ctx, csv_file, "import")
    name = "<stdin>" if csv_file == "-" else csv_file
    timeout = ctx.lock_timeout()
    outcome = import_csv(ctx.data_path(), raw, name, period, dry_run=dry_run, timeout=timeout)
    return _report(outcome)
