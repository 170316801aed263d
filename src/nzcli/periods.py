"""Reporting periods: `nzcli period add` (a draft), `period publish` and `period remove`, as
transactions on the data file (`store.edit_file`), each recorded in the plan's history.

A period is a *draft* while updates are gathered, and *published* once `period publish` has
run: `latest` means the latest published period everywhere, and a published period is
read-only to `update` and `import` unless they are given `--reopen`.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from . import vocab
from .edits import insert_period, publish_period, remove_period, remove_update
from .errors import UsageError
from .model import Action, Period, Plan
from .record import Edits, Outcome
from .storage.files import DEFAULT_LOCK_TIMEOUT
from .storage.history import Journal
from .storage.yaml_safe import Document as YamlDocument
from .store import edit_file

#: How many actions a refusal lists by name before it counts the rest.
LISTED = 40


def add_period(
    path: Path,
    period_text: str,
    name: str | None = None,
    *,
    dry_run: bool = False,
    timeout: float = DEFAULT_LOCK_TIMEOUT,
    journal: Journal | None = None,
) -> Outcome:
    """`nzcli period add`: a new reporting period, a draft, in date order."""
    period_id = vocab.normalise_period_id(period_text)
    label = " ".join((name if name is not None else vocab.default_period_name(period_id)).split())
    if not label:
        raise UsageError("--name is empty; give the period's name, such as 'June 2024'")
    notes: list[str] = []

    def plan_edits(_doc: YamlDocument, plan: Plan) -> Edits:
        notes.clear()
        existing = plan.period(period_id)
        if existing is not None:
            raise UsageError(
                f"period {period_id} ({existing.name}) already exists; `nzcli periods` lists "
                "the periods"
            )
        clash = next((p for p in plan.periods if p.name.casefold() == label.casefold()), None)
        if clash is not None:
            raise UsageError(f"period {clash.id} is already named {clash.name!r}; give --name")
        newest = plan.newest_period
        if period_id < newest.id:
            notes.append(f"{period_id} is earlier than {newest.id} ({newest.name})")
        notes.append(
            f"{period_id} is a draft: `latest` still means "
            f"{_latest(plan)} until `nzcli period publish {period_id}`"
        )
        return {("periods",): lambda periods: insert_period(periods, period_id, label)}

    edit = edit_file(path, plan_edits, dry_run=dry_run, timeout=timeout, journal=journal)
    return Outcome(edit, "add", f"draft period {period_id} ({label})", "", notes, into="to")


def _latest(plan: Plan) -> str:
    latest = plan.latest_published
    return f"{latest.id} ({latest.name})" if latest is not None else "no period (none is published)"


def publish(
    path: Path,
    period_text: str,
    date: str,
    *,
    allow_missing: bool = False,
    dry_run: bool = False,
    timeout: float = DEFAULT_LOCK_TIMEOUT,
    journal: Journal | None = None,
) -> Outcome:
    """`nzcli period publish`: a draft becomes published on `date` (YYYY-MM-DD), and so the
    latest period; refused while actions have no update for it, unless `allow_missing`."""
    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])", date.strip()):
        raise UsageError(f"--date: {date!r} is not a date; give YYYY-MM-DD, such as 2024-07-15")
    day = date.strip()
    notes: list[str] = []
    summary: dict[str, str] = {}

    def plan_edits(_doc: YamlDocument, plan: Plan) -> Edits:
        notes.clear()
        period = _named(plan, period_text)
        summary["what"] = f"period {period.id} ({period.name})"
        if period.status == "published":
            when = f" on {period.published}" if period.published else ""
            raise UsageError(f"{period.id} ({period.name}) is already published{when}")
        missing = plan.without_update(period.id)
        if missing and not allow_missing:
            raise _missing(period.id, missing)
        if missing:
            notes.append(
                f"published with {len(missing)} action{'s' if len(missing) != 1 else ''} "
                f"without an update for {period.id} (--allow-missing); their reports say "
                '"No update for this period"'
            )
        return {("periods",): lambda periods: publish_period(periods, period.id, day)}

    edit = edit_file(path, plan_edits, dry_run=dry_run, timeout=timeout, journal=journal)
    return Outcome(edit, "publish", f"{summary['what']} on {day}", "", notes, into="in")


def _missing(period_id: str, missing: list[Action]) -> UsageError:
    error = UsageError(
        f"{period_id} cannot be published: {len(missing)} action"
        f"{'s have' if len(missing) != 1 else ' has'} no update for it (listed above; "
        f"`nzcli status {period_id}` shows who owes them); record them, or give "
        "--allow-missing to publish without them"
    )
    shown = missing[:LISTED]
    error.details = [
        f"no update for {period_id}: {a.id}" + (f" (owner: {a.owner})" if a.owner else "")
        for a in shown
    ]
    if len(missing) > LISTED:
        error.details.append(f"… and {len(missing) - LISTED} more")
    return error


def remove(
    path: Path,
    period_text: str,
    *,
    dry_run: bool = False,
    timeout: float = DEFAULT_LOCK_TIMEOUT,
    journal: Journal | None = None,
) -> Outcome:
    """`nzcli period remove`: a draft period goes, with every update recorded for it (the
    history keeps them, and `nzcli undo` brings them back). A published period is refused."""
    summary: dict[str, str] = {}
    notes: list[str] = []

    def plan_edits(_doc: YamlDocument, plan: Plan) -> Edits:
        notes.clear()
        period = _named(plan, period_text)
        if period.status == "published":
            raise UsageError(
                f"{period.id} ({period.name}) is published; only a draft period can be removed"
            )
        if len(plan.periods) == 1:
            raise UsageError(f"{period.id} is the plan's only period; a plan needs one")
        edits: Edits = {("periods",): lambda periods: remove_period(periods, period.id)}
        holding = [i for i, a in enumerate(plan.actions) if period.id in a.updates]

        def drop(node: Any) -> None:
            remove_update(node, period.id)

        for index in holding:
            edits[("actions", index)] = drop
        if holding:
            notes.append(
                f"{len(holding)} update{'s' if len(holding) != 1 else ''} for {period.id} "
                "removed with it (kept in the history; `nzcli undo` brings them back)"
            )
        summary["what"] = f"draft period {period.id} ({period.name})"
        return edits

    edit = edit_file(path, plan_edits, dry_run=dry_run, timeout=timeout, journal=journal)
    return Outcome(edit, "remove", summary["what"], "", notes, into="from")


def _named(plan: Plan, text: str) -> Period:
    """The period a PERIOD argument names: an id or name (not `latest`: say which)."""
    if text.strip().casefold() == "latest":
        raise UsageError("name the period (such as 2024-06), not latest")
    return vocab.resolve_period(plan, text)
