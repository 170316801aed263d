"""Recording progress: `nzcli update`, `period add` and `import` as transactions on the data
file. Each checks its values against the plan it reads under the lock, changes the
round-trip nodes (`nzcli.edits`) and lets `store.edit_file` validate and write the result.

Nothing here prints or exits: each returns an `Outcome` for the command line to report.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import vocab
from .edits import (
    ActionValues,
    UpdateFields,
    apply_action_values,
    apply_update,
    check_scheme,
    insert_period,
)
from .errors import UsageError
from .model import Action, Period, Plan
from .storage.files import DEFAULT_LOCK_TIMEOUT
from .storage.sheets import SheetRow, parse_csv
from .storage.yaml_rt import EditSlot
from .storage.yaml_safe import Document as YamlDocument
from .store import Edit, edit_file

Edits = dict[EditSlot, Callable[[Any], None]]


@dataclass
class Outcome:
    """What an edit did, for the command line to report."""

    edit: Edit
    verb: str  # "update", "add", "import"
    what: str  # "T1 for 2024-06"
    unchanged: str  # why nothing changed, when nothing did
    notes: list[str] = field(default_factory=list)
    into: str = "in"  # "updated T1 in FILE", "added period ... to FILE"

    @property
    def changed(self) -> bool:
        return self.edit.changed

    def message(self) -> str:
        """One line for stderr."""
        path = self.edit.path
        if not self.edit.changed:
            return f"no change: {self.unchanged}; {path} is unchanged"
        if not self.edit.written:
            return f"dry run: would {self.verb} {self.what} {self.into} {path}; nothing was written"
        past = {"add": "added", "import": "imported"}.get(self.verb, f"{self.verb}d")
        return f"{past} {self.what} {self.into} {path}"


# ---------------------------------------------------------------------------------------------
# nzcli update


@dataclass
class UpdateRequest:
    """`nzcli update` as typed: raw text, checked against the plan by `update_action`."""

    action_id: str
    period: str | None = None
    stage: str | None = None
    scheme: str | None = None
    rag: str | None = None
    text: str | None = None
    append_text: str | None = None
    timescale: str | None = None
    cost: str | None = None
    carbon: str | None = None
    score: str | None = None
    role: str | None = None
    add_partners: list[str] = field(default_factory=list)
    remove_partners: list[str] = field(default_factory=list)

    def touches_update(self) -> bool:
        return any(v is not None for v in (self.stage, self.rag, self.text, self.append_text))

    def touches_action(self) -> bool:
        return bool(
            any(
                v is not None
                for v in (self.timescale, self.cost, self.carbon, self.score, self.role)
            )
            or self.add_partners
            or self.remove_partners
        )

    def check_shape(self) -> None:
        """Refuse combinations that make no sense before the data file is read."""
        if self.scheme is not None:
            if self.stage is None:
                raise UsageError(
                    "--scheme goes with --stage: --scheme 'Ivanhoe Line' --stage delivery"
                )
            if ":" in self.stage:
                raise UsageError(
                    "--scheme takes one stage (--stage delivery); to set every scheme, drop "
                    "--scheme and give --stage 'Scheme A: delivery; Scheme B: design'"
                )
        if not self.touches_update() and not self.touches_action():
            raise UsageError(
                "nothing to change: give --stage, --rag or --text with --period, or an action "
                "field (--timescale, --cost, --carbon, --score, --role, --add-partner, "
                "--remove-partner); see `nzcli update --help`"
            )
        if self.touches_update() and self.period is None:
            raise UsageError(
                "--period is required with --stage, --rag and --text: the period the update "
                "is for, such as --period 2024-06 or --period latest"
            )
        if self.text is not None and not vocab.clean_text(self.text):
            raise UsageError("--text is empty; give the progress update's words")
        if self.append_text is not None:
            if self.text is not None:
                raise UsageError("give --text or --append-text, not both")
            if not vocab.clean_text(self.append_text):
                raise UsageError("--append-text is empty; give the words to add")
        for flag, value in (
            ("--stage", self.stage),
            ("--rag", self.rag),
            ("--scheme", self.scheme),
            ("--timescale", self.timescale),
            ("--cost", self.cost),
            ("--carbon", self.carbon),
            ("--score", self.score),
            ("--role", self.role),
        ):
            if value is not None and not value.strip():
                raise UsageError(f"{flag} is empty")


def update_action(
    path: Path,
    request: UpdateRequest,
    *,
    dry_run: bool = False,
    timeout: float = DEFAULT_LOCK_TIMEOUT,
) -> Outcome:
    """`nzcli update`: change one action's update for a period and/or the action's fields."""
    request.check_shape()
    notes: list[str] = []
    summary: dict[str, Any] = {}

    def plan_edits(_doc: YamlDocument, plan: Plan) -> Edits:
        notes.clear()
        action = vocab.find_action(plan, request.action_id)
        index = plan.actions.index(action)
        period = None
        if request.period is not None:
            period = vocab.resolve_period(plan, request.period)
        fields = _request_fields(request, action)
        if request.append_text is not None and period is not None:
            # read under the lock, so concurrent appends all survive
            before = action.updates.get(period.id)
            words = vocab.clean_text(request.append_text)
            fields.text = f"{before.text} {words}" if before and before.text else words
        action_values = _request_action_values(request, plan, action)
        summary.update(action=action, period=period)

        def change(node: Any) -> None:
            notes.clear()
            changed: list[str] = []
            if period is not None and not fields.empty():
                changed += apply_update(node, action, period.id, fields, notes)
            changed += apply_action_values(node, action, action_values, notes)
            summary["changed"] = list(dict.fromkeys(changed))

        return {("actions", index): change}

    edit = edit_file(path, plan_edits, dry_run=dry_run, timeout=timeout)
    action: Action = summary["action"]
    period: Period | None = summary["period"]
    changed: list[str] = summary.get("changed", [])
    for_period = f" for {period.id}" if period is not None and request.touches_update() else ""
    what = f"{action.id}{for_period}"
    if changed:
        what += f" ({', '.join(changed)})"
    unchanged = f"{action.id}{for_period} already has these values"
    return Outcome(edit, "update", what, unchanged, list(notes))


def _request_fields(request: UpdateRequest, action: Action) -> UpdateFields:
    fields = UpdateFields()
    if request.stage is not None:
        if request.scheme is not None:
            name = check_scheme(action, request.scheme)
            fields.scheme = (name, vocab.parse_one_stage(request.stage))
        else:
            fields.stage = vocab.parse_stage(request.stage)
    if request.rag is not None:
        fields.rag = vocab.parse_rag(request.rag)
    if request.text is not None:
        fields.text = vocab.clean_text(request.text)
    return fields


def _request_action_values(request: UpdateRequest, plan: Plan, action: Action) -> ActionValues:
    out = ActionValues()
    if request.timescale is not None:
        out.values["timescale"] = vocab.parse_timescale(request.timescale)
    if request.cost is not None:
        out.values["cost"] = vocab.parse_rating(request.cost, "cost", "--cost")
    if request.carbon is not None:
        out.values["carbon_saving"] = vocab.parse_rating(
            request.carbon, "carbon saving", "--carbon"
        )
    if request.score is not None:
        out.values["deliverability_score"] = vocab.parse_score(request.score)
    if request.role is not None:
        out.values["role"] = vocab.parse_role(request.role).value
    out.add = [
        vocab.partner_name(plan, p, "--add-partner", adding=True) for p in request.add_partners
    ]
    out.remove = [
        vocab.partner_name(plan, p, "--remove-partner", adding=True)
        for p in request.remove_partners
    ]
    both = set(out.add) & set(out.remove)
    if both:
        raise UsageError(f"{', '.join(sorted(both))}: both added and removed; give one")
    return out


# ---------------------------------------------------------------------------------------------
# nzcli period add


def add_period(
    path: Path,
    period_text: str,
    name: str | None = None,
    *,
    dry_run: bool = False,
    timeout: float = DEFAULT_LOCK_TIMEOUT,
) -> Outcome:
    """`nzcli period add`: a new reporting period, in date order (normally the latest)."""
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
        latest = plan.latest_period
        if period_id < latest.id:
            notes.append(
                f"{period_id} is earlier than {latest.id} ({latest.name}), which stays the "
                "latest period"
            )

        return {("periods",): lambda periods: insert_period(periods, period_id, label)}

    edit = edit_file(path, plan_edits, dry_run=dry_run, timeout=timeout)
    return Outcome(edit, "add", f"period {period_id} ({label})", "", notes, into="to")


class ImportRejected(UsageError):
    """An import with bad rows: nothing was applied; `details` has one line per bad row."""

    def __init__(self, message: str, problems: list[str]) -> None:
        super().__init__(message)
        self.details = problems


def plan_import(
    plan: Plan, rows: Sequence[SheetRow], period_id: str, name: str
) -> list[tuple[int, Action, UpdateFields, int]]:
    """Check every row against the plan: (action index, action, fields, line) for each row
    that sets something. Raises ImportRejected listing every bad row, before any change."""
    problems: list[str] = []
    bad_lines: set[int] = set()
    seen: dict[str, int] = {}
    planned: list[tuple[int, Action, UpdateFields, int]] = []
    position = {id(a): i for i, a in enumerate(plan.actions)}  # not .index(): import is linear

    def bad(row: SheetRow, message: str) -> None:
        problems.append(f"{name}:{row.line}: {message}")
        bad_lines.add(row.line)

    for row in rows:
        if not row.id:
            bad(row, "no action ID in the 'id' column")
            continue
        action = plan.action(row.id)
        if action is None:
            bad(row, f"{row.id}: unknown action ID")
            continue
        if action.id in seen:
            bad(row, f"{action.id}: also on line {seen[action.id]}; give each action once")
            continue
        seen[action.id] = row.line
        fields = UpdateFields()
        if row.stage:
            try:
                fields.stage = vocab.parse_stage(row.stage, None)
            except UsageError as exc:
                bad(row, f"{action.id}: stage: {exc.message}")
        if row.rag:
            try:
                fields.rag = vocab.parse_rag(row.rag, None)
            except UsageError as exc:
                bad(row, f"{action.id}: rag: {exc.message}")
        if row.text:
            fields.text = vocab.clean_text(row.text)
        if not fields.empty() and row.line not in bad_lines:
            planned.append((position[id(action)], action, fields, row.line))
    if problems:
        count = len(bad_lines)
        raise ImportRejected(
            f"{name}: {count} bad row{'s' if count != 1 else ''} (listed above); nothing was "
            "imported and the data file is unchanged",
            problems,
        )
    return planned


def import_csv(
    path: Path,
    data: bytes,
    name: str,
    period_text: str,
    *,
    dry_run: bool = False,
    timeout: float = DEFAULT_LOCK_TIMEOUT,
) -> Outcome:
    """`nzcli import`: every row checked first, then all applied in one write (or none)."""
    rows = parse_csv(data, name)
    notes: list[str] = []
    changed: dict[str, list[str]] = {}
    summary: dict[str, Any] = {}

    def plan_edits(_doc: YamlDocument, plan: Plan) -> Edits:
        notes.clear()
        changed.clear()
        period = vocab.resolve_period(plan, period_text)
        summary["period"] = period
        planned = plan_import(plan, rows, period.id, name)
        exported = sorted({r.period for r in rows if r.period and r.period != period.id})
        if exported:
            notes.append(
                f"{name} was exported for {', '.join(exported)}; its values are recorded for "
                f"{period.id} ({period.name})"
            )
        edits: Edits = {}
        known = set(notes)
        for index, action, fields, _line in planned:
            edits[("actions", index)] = _import_change(
                action, period.id, fields, changed, notes, known
            )
        return edits

    edit = edit_file(path, plan_edits, dry_run=dry_run, timeout=timeout)
    period: Period = summary["period"]
    count = sum(1 for fields in changed.values() if fields)
    what = (
        f"{count} update{'s' if count != 1 else ''} for {period.id} from {name} "
        f"({len(rows) - count} of {len(rows)} rows unchanged)"
    )
    unchanged = f"every row of {name} matches {period.id} already, or is blank"
    return Outcome(edit, "import", what, unchanged, notes, into="into")


def _import_change(
    action: Action,
    period_id: str,
    fields: UpdateFields,
    changed: dict[str, list[str]],
    notes: list[str],
    known: set[str],
) -> Callable[[Any], None]:
    def change(node: Any) -> None:
        mine: list[str] = []
        changed[action.id] = apply_update(node, action, period_id, fields, mine)
        for note in mine:  # each note once (a set: a long import's notes are not searched)
            if note not in known:
                notes.append(note)
                known.add(note)

    return change
