"""The reporting round's documents: the update sheet to fill in (`nzcli sheet`), who still
owes an update (`nzcli status`), and the plan's history (`nzcli history`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from nzcli.model import Action, Period, Plan, Update
from nzcli.query import Selection, order, stage_list, stage_value
from nzcli.render import NUMBER, RAG, STAGE, Column, Document, Grid, Heading, Paragraph
from nzcli.vocab import CARRY

#: Versions of the JSON documents here. Bump on any incompatible change.
SHEET_FORMAT_VERSION = 1
STATUS_FORMAT_VERSION = 1
HISTORY_FORMAT_VERSION = 1

#: The update sheet's columns: the action, last time's answers, then the cells to fill in.
SHEET_COLUMNS = [
    Column("id", "id"),
    Column("theme", "theme"),
    Column("section", "section"),
    Column("action", "action"),
    Column("owner", "owner"),
    Column("previous_period", "previous_period"),
    Column("previous_stage", "previous_stage", STAGE),
    Column("previous_rag", "previous_rag", RAG),
    Column("previous_update", "previous_update"),
    Column("period", "period"),
    Column("stage", "stage", STAGE),
    Column("rag", "rag", RAG),
    Column("update", "update"),
]


def _status(period: Period) -> str:
    return "draft" if period.status == "draft" else "published"


def previous_update(action: Action, period: Period) -> tuple[str, Update] | None:
    """The action's latest update before `period`, with its period id."""
    earlier = [p for p in sorted(action.updates) if p < period.id]
    return (earlier[-1], action.updates[earlier[-1]]) if earlier else None


def sheet_view(plan: Plan, selection: Selection) -> Document:
    """One row per action for officers to fill in for `selection.period`: last time's
    stage, RAG and update beside this period's cells. Where an action has no update for the
    period yet, its stage cell says "no change since last time": left so, `import` carries
    the last stage forward (only if the row gives an update); overwritten, the new stage.
    In JSON the stages are lists of schemes, like every JSON stage, and `carry_stage` is
    true where the sheet's stage cell says "no change since last time"."""
    period = selection.period
    themes = {t.key: t.name for t in plan.themes}
    rows = []
    json_rows = []
    for action in order(plan, selection.apply(plan), period):
        update = action.updates.get(period.id)
        before = previous_update(action, period)
        last = before[1] if before else None
        if update is not None:
            stage = stage_value(update)
        else:
            stage = CARRY if last is not None and last.stages else None
        rows.append(
            {
                "id": action.id,
                "theme": themes.get(action.theme, action.theme),
                "section": action.section,
                "action": action.action,
                "owner": action.owner,
                "previous_period": before[0] if before else None,
                "previous_stage": stage_value(last),
                "previous_rag": last.rag.value if last and last.rag else None,
                "previous_update": last.text if last else None,
                "period": period.id,
                "stage": stage,
                "rag": update.rag.value if update and update.rag else None,
                "update": update.text if update else None,
            }
        )
        # JSON has stages in its one shape (a list of schemes); what the sheet's stage cell
        # says as "no change since last time" is `carry_stage`
        json_rows.append(
            dict(
                rows[-1],
                previous_stage=stage_list(last),
                stage=stage_list(update),
                carry_stage=stage == CARRY,
            )
        )
    grid = Grid(SHEET_COLUMNS, rows)
    return Document(
        blocks=[grid],
        json={
            "format_version": SHEET_FORMAT_VERSION,
            "period": {"id": period.id, "name": period.name, "status": _status(period)},
            "rows": json_rows,
        },
        csv=grid,
        title=f"nzcli sheet {period.id}",
        meta={"count": len(rows)},
    )


def status_view(plan: Plan, selection: Selection) -> Document:
    """Who still owes an update for the period: the actions without one, by theme and by
    owner."""
    period = selection.period
    chosen = order(plan, selection.apply(plan), period)
    owing = [a for a in chosen if period.id not in a.updates]
    state = _status(period)
    title = f"Updates still owed for {period.name} ({period.id}, {state})"
    summary = (
        f"{len(owing)} of {len(chosen)} actions have no update for {period.name}."
        if owing
        else f"Every one of the {len(chosen)} actions has an update for {period.name}."
    )
    by_theme: list[dict[str, Any]] = []
    for theme in plan.themes:
        members = [a for a in chosen if a.theme == theme.key]
        missing = [a.id for a in owing if a.theme == theme.key]
        if members:
            by_theme.append(
                {
                    "theme": theme.key,
                    "name": theme.name,
                    "actions": len(members),
                    "owing": len(missing),
                    "ids": missing,
                }
            )
    owners = sorted({a.owner for a in chosen}, key=lambda o: (o is None, (o or "").casefold()))
    by_owner: list[dict[str, Any]] = []
    for owner in owners:
        members = [a for a in chosen if a.owner == owner]
        missing = [a.id for a in owing if a.owner == owner]
        by_owner.append(
            {"owner": owner, "actions": len(members), "owing": len(missing), "ids": missing}
        )
    count_columns = [Column("actions", "Actions", NUMBER), Column("owing", "Owing", NUMBER)]
    ids = Column("ids", "Still to update")
    rows = [_owing_row(plan, a) for a in owing]
    blocks: list[Any] = [
        Heading(title, 1),
        Paragraph(summary),
        Heading("By theme", 2),
        Grid(
            [Column("name", "Theme"), *count_columns, ids],
            [dict(r, ids=", ".join(r["ids"])) for r in by_theme],
        ),
        Heading("By owner", 2),
        Grid(
            [Column("owner", "Owner"), *count_columns, ids],
            [dict(r, owner=r["owner"] or "(no owner)", ids=", ".join(r["ids"])) for r in by_owner],
        ),
    ]
    action_columns = [
        Column("id", "ID"),
        Column("theme", "Theme"),
        Column("owner", "Owner"),
        Column("action", "Action"),
    ]
    if rows:
        blocks += [Heading("Actions without an update", 2), Grid(action_columns, rows)]
    return Document(
        blocks=blocks,
        json={
            "format_version": STATUS_FORMAT_VERSION,
            "period": {"id": period.id, "name": period.name, "status": state},
            "actions": len(chosen),
            "owing": len(owing),
            "by_theme": by_theme,
            "by_owner": by_owner,
            "owing_actions": rows,
        },
        csv=Grid(action_columns, rows),
        title=title,
        meta={"count": len(chosen), "owing": len(owing)},
    )


def _owing_row(plan: Plan, action: Action) -> dict[str, Any]:
    theme = plan.theme(action.theme)
    return {
        "id": action.id,
        "theme": theme.name if theme else action.theme,
        "owner": action.owner,
        "action": action.action,
    }


# ---------------------------------------------------------------------------------------------
# history

HISTORY_COLUMNS = [
    Column("when", "When"),
    Column("command", "Command"),
    Column("action", "Action"),
    Column("period", "Period"),
    Column("field", "Field"),
    Column("before", "Before"),
    Column("after", "After"),
]


def shown(value: Any) -> str | None:
    """A history value in one line: a mapping as `key: value; ...`, a list joined."""
    if value is None:
        return None
    if isinstance(value, dict):
        parts = [f"{k}: {shown(v)}" for k, v in value.items() if v is not None]
        return "; ".join(parts)
    if isinstance(value, list):
        return "; ".join(shown(v) or "" for v in value)
    return str(value)


def history_view(
    entries: Sequence[dict[str, Any]],
    plan_file: str,
    action_id: str | None = None,
    period_id: str | None = None,
) -> Document:
    """The plan's history, newest first: one row per field changed (for an action, a
    period, or both when given)."""

    def wanted(change: dict[str, Any]) -> bool:
        if action_id is not None and change.get("action") != action_id:
            return False
        return period_id is None or change.get("period") == period_id

    kept = []
    for entry in reversed(entries):
        changes = [c for c in entry.get("changes", []) if wanted(c)]
        if not changes and (action_id is not None or period_id is not None):
            continue
        public = {k: v for k, v in entry.items() if k != "undo"}
        kept.append(dict(public, changes=changes))
    rows = []
    for entry in kept:
        command = entry.get("command", "")
        if entry.get("reopened"):
            command += f" (reopened {', '.join(entry['reopened'])})"
        for change in entry["changes"] or [{}]:
            rows.append(
                {
                    "when": entry.get("when"),
                    "command": command,
                    "action": change.get("action"),
                    "period": change.get("period"),
                    "field": change.get("field"),
                    "before": shown(change.get("before")),
                    "after": shown(change.get("after")),
                }
            )
    scope = " ".join(x for x in (action_id, period_id) if x)
    title = f"History of {plan_file}" + (f": {scope}" if scope else "")
    blocks: list[Any] = [Heading(title, 1)]
    if rows:
        blocks.append(Grid(HISTORY_COLUMNS, rows))
    else:
        blocks.append(Paragraph("No changes recorded."))
    return Document(
        blocks=blocks,
        json={"format_version": HISTORY_FORMAT_VERSION, "plan": plan_file, "entries": kept},
        csv=Grid(HISTORY_COLUMNS, rows),
        title=title,
        meta={"count": len(kept)},
    )
