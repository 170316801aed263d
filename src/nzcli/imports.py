"""`nzcli import`: sheets of updates checked against the plan, then applied in one write.

The sheets arrive read (`storage.sheets.Sheet`: rows of cells that know where they came
from, whatever the file type), so one check serves CSV and workbooks alike. Every problem
is found before anything changes, each named by its cell (`june.csv:12: T5: 'update'
(column O): ...`); if there is any, nothing is imported. Several sheets are one
all-or-nothing step.

What a cell means: blank is "unchanged" (never "erase"); `no change since last time` (or
"no change", "unchanged", "as before") in a stage or RAG cell carries the previous period's
value forward into a new update, where the row gives an update at all; a spreadsheet error
value is refused. A sheet made for another period is refused unless `--period` names that
period or `--force` is given; a published period is read-only unless `--reopen`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import vocab
from .edits import KEEP, ActionValues, UpdateFields, apply_action_values, apply_update
from .errors import UsageError
from .model import Action, Period, Plan, Stage
from .record import Edits, Outcome, check_open
from .storage.files import DEFAULT_LOCK_TIMEOUT
from .storage.history import Journal
from .storage.sheets import Cell, Sheet, SheetRow, is_error_value
from .storage.yaml_safe import Document as YamlDocument
from .store import edit_file

#: How many action IDs a note names before it counts the rest.
NAMED = 12


class ImportRejected(UsageError):
    """An import with bad rows: nothing was applied; `details` has one line per problem."""

    def __init__(self, message: str, problems: list[str]) -> None:
        super().__init__(message)
        self.details = problems


@dataclass
class Planned:
    """One row's changes, checked: the action (and its index in the file), the update's new
    fields for the period, and its new owner (None: unchanged)."""

    index: int
    action: Action
    fields: UpdateFields
    owner: str | None
    where: str


@dataclass
class Checked:
    """What the sheets ask for, checked against the plan."""

    period: Period
    planned: list[Planned] = field(default_factory=list)
    rows: int = 0
    notes: list[str] = field(default_factory=list)


def target_period(plan: Plan, sheets: Sequence[Sheet], period_text: str | None) -> Period:
    """The period to import into: --period, else the one the sheets say they were made for."""
    if period_text is not None:
        return vocab.resolve_period(plan, period_text)
    said = {p for sheet in sheets for p in sheet.periods()}
    if len(said) == 1:
        return vocab.resolve_period(plan, said.pop())
    why = (
        f"the sheets were made for different periods ({', '.join(sorted(said))})"
        if said
        else "the sheet does not say which period it is for"
    )
    raise UsageError(
        f"--period is required: {why}; give the period these updates are for, such as "
        "--period 2024-06"
    )


def check_sheets(
    plan: Plan,
    sheets: Sequence[Sheet],
    period: Period,
    *,
    force: bool = False,
) -> Checked:
    """Every row of every sheet checked against the plan; ImportRejected listing every
    problem (by cell) before any change."""
    problems: list[str] = []
    bad_rows: set[str] = set()
    seen: dict[str, str] = {}
    checked = Checked(period)
    no_stage: list[str] = []

    def bad(where: str, message: str) -> None:
        problems.append(f"{where}: {message}")
        bad_rows.add(where)

    for sheet in sheets:
        for said, where in sorted(sheet.periods().items()):
            if said != period.id and not force:
                bad(
                    sheet.name,
                    f"made for {said} ({where} says so), not {period.id}: import it with "
                    f"--period {said}, or give --force to record its values for {period.id}",
                )
        for row in sheet.rows:
            checked.rows += 1
            result = _check_row(plan, row, period, seen, bad, plan.position)
            if result is None:
                continue
            if row.where not in bad_rows:
                checked.planned.append(result)
                if _new_without_stage(result, period):
                    no_stage.append(result.action.id)
    if problems:
        count = len(bad_rows)
        files = ", ".join(s.name for s in sheets)
        raise ImportRejected(
            f"{files}: {count} problem{'s' if count != 1 else ''} (listed above); nothing was "
            "imported and the data file is unchanged",
            problems,
        )
    if no_stage:
        named = ", ".join(no_stage[:NAMED]) + (
            f" and {len(no_stage) - NAMED} more" if len(no_stage) > NAMED else ""
        )
        checked.notes.append(
            f"{len(no_stage)} new update{'s' if len(no_stage) != 1 else ''} for {period.id} "
            f"{'have' if len(no_stage) != 1 else 'has'} no stage (blank stage cell): {named}; "
            "to carry the last stage forward, write 'no change since last time' in the cell"
        )
    return checked


def _new_without_stage(planned: Planned, period: Period) -> bool:
    fields = planned.fields
    return (
        period.id not in planned.action.updates
        and not fields.empty()
        and fields.stage is KEEP
        and any(u.stages for u in planned.action.updates.values())
    )


def _check_row(
    plan: Plan,
    row: SheetRow,
    period: Period,
    seen: dict[str, str],
    bad: Callable[[str, str], None],
    position: Callable[[Action], int],
) -> Planned | None:
    if not any(c.text for c in row.cells.values()):
        return None
    id_cell = row.cells["id"]
    errors = [c for c in row.cells.values() if c.text and is_error_value(c.text)]
    label = id_cell.text if id_cell.text and not is_error_value(id_cell.text) else "?"
    for cell in errors:
        bad(
            cell.where,
            f"{label}: {cell.column}: {cell.text!r} is a spreadsheet error value, not a value "
            "to import (the words that were there are lost): retype the cell as text (start "
            "it with ' to keep a leading =, + or -)",
        )
    if errors:
        return None
    if not id_cell.text:
        bad(row.where, f"no action ID in the {id_cell.column} column")
        return None
    action = plan.action(id_cell.text)
    if action is None:
        bad(row.where, f"{id_cell.text}: unknown action ID")
        return None
    if action.id in seen:
        bad(row.where, f"{action.id}: also at {seen[action.id]}; give each action once")
        return None
    seen[action.id] = row.where
    fields = UpdateFields()
    ok = True
    answered = any(
        row.text(k) and not vocab.is_carry(row.text(k)) for k in ("stage", "rag", "update")
    )
    stage_cell, rag_cell = row.cells.get("stage"), row.cells.get("rag")
    if stage_cell is not None and stage_cell.text:
        ok &= _read(
            stage_cell, action, bad, lambda: _stage(stage_cell, action, period, answered, fields)
        )
    if rag_cell is not None and rag_cell.text:
        ok &= _read(rag_cell, action, bad, lambda: _rag(rag_cell, action, period, answered, fields))
    if row.text("update"):
        fields.text = vocab.clean_text(row.text("update"))
    owner = vocab.clean_text(row.text("owner")) or None
    if owner == action.owner:
        owner = None
    if not ok or (fields.empty() and owner is None):
        return None
    return Planned(position(action), action, fields, owner, row.where)


def _read(
    cell: Cell, action: Action, bad: Callable[[str, str], None], read: Callable[[], None]
) -> bool:
    try:
        read()
    except UsageError as exc:
        bad(cell.where, f"{action.id}: {cell.column}: {exc.message}")
        return False
    return True


def _previous(action: Action, period: Period) -> Any:
    earlier = [p for p in sorted(action.updates) if p < period.id]
    return action.updates[earlier[-1]] if earlier else None


def _stage(
    cell: Cell, action: Action, period: Period, answered: bool, fields: UpdateFields
) -> None:
    if not vocab.is_carry(cell.text):
        fields.stage = vocab.parse_stage(cell.text, None)
        return
    if not answered or period.id in action.updates:
        return  # no update given (nothing to carry into), or one already there: unchanged
    earlier = [u for p, u in sorted(action.updates.items()) if p < period.id and u.stages]
    if not earlier:
        raise UsageError(
            "no earlier stage to carry forward; write the stage (discovery, design, delivery "
            "or completed)"
        )
    last = earlier[-1]
    fields.stage = (
        [(s.scheme, s.stage) for s in last.schemes] if last.schemes else Stage(last.stage)
    )


def _rag(cell: Cell, action: Action, period: Period, answered: bool, fields: UpdateFields) -> None:
    if not vocab.is_carry(cell.text):
        fields.rag = vocab.parse_rag(cell.text, None)
        return
    if not answered or period.id in action.updates:
        return
    previous = _previous(action, period)
    if previous is None:
        raise UsageError("no earlier RAG rating to carry forward; write red, amber or green")
    fields.rag = previous.rag


#: Sheets read against the plan as it is under the lock (a returned update pack is checked
#: against each action's current state): called with the plan and a list for notes; raises
#: a UsageError (with `details`, one line per problem) when the files cannot be imported.
SheetReader = Callable[[Plan, list[str]], Sequence[Sheet]]


def import_sheets(
    path: Path,
    sheets: Sequence[Sheet] | SheetReader,
    period_text: str | None,
    *,
    force: bool = False,
    reopen: bool = False,
    dry_run: bool = False,
    timeout: float = DEFAULT_LOCK_TIMEOUT,
    journal: Journal | None = None,
) -> Outcome:
    """`nzcli import`: every row of every sheet checked first, then all applied in one
    write (or none). `sheets` are read already, or read by a `SheetReader` under the lock."""
    notes: list[str] = []
    changed: dict[str, list[str]] = {}
    summary: dict[str, Any] = {}
    read: list[Sequence[Sheet]] = [sheets] if not callable(sheets) else []

    def plan_edits(_doc: YamlDocument, plan: Plan) -> Edits:
        notes.clear()
        changed.clear()
        if callable(sheets):
            read[:] = [sheets(plan, notes)]
        current = read[0]
        period = target_period(plan, current, period_text)
        summary["period"] = period
        for sheet in current:
            bound = sheet.bound_period
            if bound is not None and bound != period.id:
                raise UsageError(
                    f"{sheet.name}: this update pack is for {_period_name(plan, bound)}, not "
                    f"{period.id} ({period.name}); import it with --period {bound}, or make "
                    f"a pack for {period.id} (nzcli pack {period.id})"
                )
        reopened = check_open(period, reopen, journal)
        if reopened is not None:
            summary["reopened"] = reopened
        checked = check_sheets(plan, current, period, force=force)
        summary["rows"] = checked.rows
        notes.extend(checked.notes)
        for sheet in current:
            said = sorted(p for p in sheet.periods() if p != period.id)
            if said:
                notes.append(
                    f"{sheet.name} was made for {', '.join(said)}; its values are recorded "
                    f"for {period.id} ({period.name}) (--force)"
                )
        known = set(notes)
        return {
            ("actions", item.index): _change(item, period.id, changed, notes, known)
            for item in checked.planned
        }

    edit = edit_file(path, plan_edits, dry_run=dry_run, timeout=timeout, journal=journal)
    if edit.written and "reopened" in summary:
        notes.insert(0, summary["reopened"])
    period: Period = summary["period"]
    rows: int = summary["rows"]
    count = sum(1 for fields in changed.values() if fields)
    names = ", ".join(s.name for s in read[0])
    what = (
        f"{count} update{'s' if count != 1 else ''} for {period.id} from {names} "
        f"({rows - count} of {rows} rows unchanged)"
    )
    unchanged = f"every row of {names} matches {period.id} already, or is blank"
    return Outcome(edit, "import", what, unchanged, notes, into="into")


def _period_name(plan: Plan, period_id: str) -> str:
    found = next((p for p in plan.periods if p.id == period_id), None)
    return f"{period_id} ({found.name})" if found is not None else period_id


def _change(
    item: Planned,
    period_id: str,
    changed: dict[str, list[str]],
    notes: list[str],
    known: set[str],
) -> Callable[[Any], None]:
    def change(node: Any) -> None:
        mine: list[str] = []
        fields = (
            apply_update(node, item.action, period_id, item.fields, mine)
            if not item.fields.empty()
            else []
        )
        if item.owner is not None:
            fields += apply_action_values(
                node, item.action, ActionValues(values={"owner": item.owner}), mine
            )
        changed[item.action.id] = fields
        for note in mine:  # each note once (a set: a long import's notes are not searched)
            if note not in known:
                notes.append(note)
                known.add(note)

    return change
