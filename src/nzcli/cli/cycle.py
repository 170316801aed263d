"""The reporting round's editing commands: `init` (a working copy), `period publish`,
`period remove` and `undo`. Each writes through an operation (`nzcli.working_copy`,
`nzcli.periods`, `nzcli.undo`) that records the write in the plan's history."""

from __future__ import annotations

from pathlib import Path

from nzcli.errors import OptionError, UsageError

from .context import Context, Result
from .spec import DATA, DRY_RUN, Argument, Option, command
from .write import _report, journal

# ---------------------------------------------------------------------------------------------
# init

EMPTY = Option("empty", ("--empty",), "An empty plan for another council, not a copy.", flag=True)
TITLE = Option("title", ("--title",), "The plan's title (with --empty; asked if not given).")
ORGANISATION = Option(
    "organisation",
    ("--organisation",),
    "The council or body whose plan it is (with --empty; asked if not given).",
)
FIRST_PERIOD = Option(
    "period",
    ("--period",),
    "The first reporting period, YYYY-MM (with --empty; asked if not given).",
    "PERIOD",
)


def _ask(ctx: Context, question: str, flag: str) -> str:
    """One line from stdin after a question on stderr; UsageError at the end of input."""
    ctx.stderr.write(f"{question}: ")
    ctx.stderr.flush()
    line = ctx.stdin.readline()
    if not line:
        ctx.stderr.write("\n")
        raise UsageError(f"{flag} is required: give it on the command line ({flag} ...)")
    try:
        return line.decode("utf-8-sig").strip()
    except UnicodeDecodeError:
        raise UsageError(f"{flag}: the answer is not UTF-8 text") from None


@command(
    "init",
    Argument("folder", "[DIR]", "The folder for the plan (default: this one).", required=False),
    EMPTY,
    TITLE,
    ORGANISATION,
    FIRST_PERIOD,
)
def init(
    ctx: Context,
    *,
    folder: str | None,
    empty: bool,
    title: str | None,
    organisation: str | None,
    period: str | None,
) -> Result:
    """Make a working copy of the plan to edit: DIR/nzcli.yaml.

    The plan shipped with nzcli is read-only (it lives inside the installed package, and an
    upgrade would replace it). `init` copies it to nzcli.yaml in DIR, or with --empty writes
    an empty plan for another council (asking for its title, organisation and first period
    unless given). nzcli then finds nzcli.yaml from DIR and every folder inside it, as git
    finds .git; --data FILE and $NZCLI_DATA still come first. Its history is kept beside it.

    Examples:

      nzcli init

      nzcli init rutland --empty --title "Rutland Climate Plan" --organisation "Rutland
      County Council" --period 2024-06
    """
    from nzcli.storage.files import DATA_ENV
    from nzcli.working_copy import init_plan

    if ctx.data is not None:  # (every command takes --data; init makes a plan, reads none)
        raise OptionError(
            "init makes DIR/nzcli.yaml and reads no plan file: give the folder as DIR", "--data"
        )
    if not empty and (title is not None or organisation is not None or period is not None):
        raise UsageError("--title, --organisation and --period go with --empty")
    target = Path(folder) if folder else Path(".")
    spec = None
    if empty:
        title = title if title is not None else _ask(ctx, "Plan title", "--title")
        organisation = (
            organisation
            if organisation is not None
            else _ask(ctx, "Organisation", "--organisation")
        )
        period = period if period is not None else _ask(ctx, "First period (YYYY-MM)", "--period")
        spec = (title, organisation, period)
    created = init_plan(target, journal(ctx), empty=spec)
    messages = [f"created {created.path}: {created.what}"]
    where = "this folder" if not folder else str(target)
    messages.append(
        f"nzcli uses it when run in {where} or any folder inside it; from elsewhere, give "
        f"--data {created.path.absolute()} or set {DATA_ENV}"
    )
    if ctx.env.get(DATA_ENV):
        messages.append(f"note: {DATA_ENV} is set ({ctx.env[DATA_ENV]}) and comes first")
    return Result(messages=messages)


# ---------------------------------------------------------------------------------------------
# period publish, period remove

DRAFT = Argument("period_id", "PERIOD", "A draft period: 2024-06, june-2024.", complete="draft")
ALLOW_MISSING = Option(
    "allow_missing",
    ("--allow-missing",),
    "Publish even though some actions have no update for the period.",
    flag=True,
)
DATE = Option("date", ("--date",), "The date of publication (default: today).", "YYYY-MM-DD")


@command("period publish", DRAFT, ALLOW_MISSING, DATE, DRY_RUN, DATA)
def period_publish(
    ctx: Context, *, period_id: str, allow_missing: bool, date: str | None, dry_run: bool
) -> Result:
    """Publish a draft period: it becomes the latest, and read-only.

    Refused while any action has no update for the period (they are listed; `nzcli status
    PERIOD` shows who owes them), unless --allow-missing. The date is recorded in the
    period's `published`. After this, `report latest` (and list, diff, check) read it, and
    `update` and `import` change it only with --reopen.

    Example: nzcli period publish 2024-06
    """
    from datetime import date as today

    from nzcli.periods import publish

    path, timeout = ctx.edit_path(), ctx.lock_timeout()
    day = date if date is not None else today.today().isoformat()
    outcome = publish(
        path,
        period_id,
        day,
        allow_missing=allow_missing,
        dry_run=dry_run,
        timeout=timeout,
        journal=journal(ctx),
    )
    return _report(outcome)


@command("period remove", DRAFT, DRY_RUN, DATA)
def period_remove(ctx: Context, *, period_id: str, dry_run: bool) -> Result:
    """Remove a draft period and the updates recorded for it.

    A published period cannot be removed. The removed updates stay in the history, and
    `nzcli undo` brings them back.

    Example: nzcli period remove 2024-06
    """
    from nzcli.periods import remove

    path, timeout = ctx.edit_path(), ctx.lock_timeout()
    outcome = remove(path, period_id, dry_run=dry_run, timeout=timeout, journal=journal(ctx))
    return _report(outcome)


# ---------------------------------------------------------------------------------------------
# undo


@command("undo", DATA)
def undo(ctx: Context) -> Result:
    """Take back the last change recorded in the plan's history.

    Only while the plan is still as that change left it: if the file was changed since (by
    hand, or by another program), undo says so and changes nothing. The undo is recorded
    too; run it again to go one more change back. `nzcli history` lists the changes.

    Example: nzcli undo
    """
    from nzcli.undo import undo_last

    path, timeout = ctx.edit_path(), ctx.lock_timeout()
    return _report(undo_last(path, journal(ctx), timeout=timeout))
