"""Recording progress: `nzcli update` as a transaction on the data file, and the `Outcome`
every editing operation returns (`nzcli.periods` adds, publishes and removes periods;
`nzcli.imports` imports sheets; `nzcli.undo` takes a change back). Each checks its values
against the plan it reads under the lock, changes the round-trip nodes (`nzcli.edits`) and
lets `store.edit_file` validate, record in the history and write the result.

Nothing here prints or exits: each returns an `Outcome` for the command line to report.
"""

from __future__ import annotations

from collections.abc import Callable
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
)
from .errors import UsageError
from .model import Action, Period, Plan
from .storage.files import DEFAULT_LOCK_TIMEOUT
from .storage.history import Journal
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
        irregular = {"add": "added", "import": "imported", "undo": "undid", "publish": "published"}
        past = irregular.get(self.verb, f"{self.verb}d")
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
    owner: str | None = None
    add_partners: list[str] = field(default_factory=list)
    remove_partners: list[str] = field(default_factory=list)
    #: Fields to clear: stage, rag, text (the period's update) or owner (`--clear`).
    clear: list[str] = field(default_factory=list)
    #: Allow changing a published period (recorded in the history).
    reopen: bool = False

    def cleared(self) -> list[str]:
        """The fields `--clear` names, checked and in a fixed order."""
        return vocab.parse_clear(self.clear)

    def touches_update(self) -> bool:
        return any(
            v is not None for v in (self.stage, self.rag, self.text, self.append_text)
        ) or bool(set(self.cleared()) & {"stage", "rag", "text"})

    def touches_action(self) -> bool:
        return bool(
            any(
                v is not None
                for v in (self.timescale, self.cost, self.carbon, self.score, self.role, self.owner)
            )
            or self.add_partners
            or self.remove_partners
            or "owner" in self.cleared()
        )

    def check_shape(self) -> None:
        """Refuse combinations that make no sense before the data file is read."""
        if self.scheme is not None:
            if self.stage is None:
                raise UsageError(
                    "--scheme goes with --stage: --scheme Ivanhoe --stage delivery"
                )
            if ":" in self.stage:
                raise UsageError(
                    "--scheme takes one stage (--stage delivery); to set every scheme, drop "
                    "--scheme and give --stage 'Scheme A: delivery; Scheme B: design'"
                )
        if not self.touches_update() and not self.touches_action():
            raise UsageError(
                "nothing to change: give --stage, --rag, --text or --clear with --period, or an "
                "action field (--owner, --timescale, --cost, --carbon, --score, --role, "
                "--add-partner, --remove-partner); see `nzcli update --help`"
            )
        if self.touches_update() and self.period is None:
            raise UsageError(
                "--period is required with --stage, --rag, --text and --clear: the period the "
                "update is for, such as --period 2024-06"
            )
        for name, value in (
            ("stage", self.stage),
            ("rag", self.rag),
            ("text", self.text if self.text is not None else self.append_text),
            ("owner", self.owner),
        ):
            if value is not None and name in self.cleared():
                raise UsageError(f"--clear {name} and --{name} both given; give one")
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
            ("--owner", self.owner),
        ):
            if value is not None and not value.strip():
                raise UsageError(f"{flag} is empty")


def update_action(
    path: Path,
    request: UpdateRequest,
    *,
    dry_run: bool = False,
    timeout: float = DEFAULT_LOCK_TIMEOUT,
    journal: Journal | None = None,
) -> Outcome:
    """`nzcli update`: change one action's update for a period and/or the action's fields.

    A published period is read-only unless the request says `reopen` (the history records
    the reopening)."""
    request.check_shape()
    notes: list[str] = []
    opened: list[str] = []
    summary: dict[str, Any] = {}

    def plan_edits(_doc: YamlDocument, plan: Plan) -> Edits:
        notes.clear()
        opened.clear()
        action = vocab.find_action(plan, request.action_id)
        index = plan.position(action)
        period = None
        if request.period is not None:
            period = vocab.resolve_period(plan, request.period)
            if request.touches_update():
                note = check_open(period, request.reopen, journal)
                if note is not None:
                    opened.append(note)
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

    edit = edit_file(path, plan_edits, dry_run=dry_run, timeout=timeout, journal=journal)
    action: Action = summary["action"]
    period: Period | None = summary["period"]
    changed: list[str] = summary.get("changed", [])
    for_period = f" for {period.id}" if period is not None and request.touches_update() else ""
    what = f"{action.id}{for_period}"
    if changed:
        what += f" ({', '.join(changed)})"
    unchanged = f"{action.id}{for_period} already has these values"
    # (said only of a write: a dry run or no change reopens nothing)
    return Outcome(edit, "update", what, unchanged, [*(opened if edit.written else []), *notes])


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
    cleared = request.cleared()
    if "stage" in cleared:
        fields.stage = None
    if "rag" in cleared:
        fields.rag = None
    if "text" in cleared:
        fields.text = None
    return fields


def check_open(period: Period, reopen: bool, journal: Journal | None) -> str | None:
    """Refuse to change a published period unless `reopen` (`update` and `import` alike):
    record the reopening in the history, and return the note saying so (None for a draft)."""
    if period.status != "published":
        return None
    if not reopen:
        raise UsageError(
            f"{period.id} ({period.name}) is published and read-only; to correct it, give "
            "--reopen (the history records the reopening)"
        )
    if journal is not None:
        journal.reopened.append(period.id)
    return f"{period.id} ({period.name}) is published: reopened (--reopen)"


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
    if request.owner is not None:
        out.values["owner"] = vocab.clean_text(request.owner)
    elif "owner" in request.cleared() and action.owner is not None:
        out.values["owner"] = None
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
