"""Counting rules: which group an action falls in for `summary --by` and the report's counts.

One rule for every count nzcli prints: an action with schemes at different stages counts
once, as "mixed"; an action with no update for the period is "no update"; one with an
update but no RAG is "not rated".
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .model import (
    NOT_RATED,
    RATING_LEVELS,
    TIMESCALE_LEVELS,
    Action,
    Period,
    Plan,
    Rag,
    Role,
    Stage,
    Update,
)

NO_UPDATE = "no update"
MIXED = "mixed"


def stage_key(update: Update | None) -> str:
    """One action's stage for counting: a stage value, "mixed" when its schemes are at
    different stages, or "no update"."""
    stages = set(update.stages) if update is not None else set()
    if not stages:
        return NO_UPDATE
    return MIXED if len(stages) > 1 else next(iter(stages)).value


def rag_key(update: Update | None) -> str:
    """One action's RAG for counting: a RAG value or "not rated"."""
    return update.rag.value if update is not None and update.rag is not None else NOT_RATED


def group_value(plan: Plan, action: Action, by: str, period: Period) -> str:
    """The group an action falls in for `summary --by` (for `partner`, its first partner's;
    `groups_of` gives every group)."""
    update = action.updates.get(period.id)
    if by == "partner":
        return action.partners[0] if action.partners else "(none)"
    if by == "theme":
        theme = plan.theme(action.theme)
        return theme.name if theme else action.theme
    if by == "section":
        return action.section or "(no section)"
    if by == "role":
        return action.role.label if action.role else "(none)"
    if by == "stage":
        if update is not None and not update.stages:
            return "(none)"
        key = stage_key(update)
        return "Mixed (by scheme)" if key == MIXED else key.capitalize()
    if by == "rag":
        return rag_key(update).capitalize()
    value = {
        "timescale": action.timescale,
        "cost": action.cost,
        "carbon_saving": action.carbon_saving,
    }[by]
    return value or "(none)"


def group_id(plan: Plan, action: Action, by: str, period: Period) -> str | None:
    """The group an action falls in as JSON names it: an identifier (a theme key, a stage
    value, `mixed`, `no_update`, `not_rated`), a section or partner name, a range value
    ("S/M"), or null for none (no section, no role, an update without a stage)."""
    update = action.updates.get(period.id)
    if by == "theme":
        return action.theme
    if by == "section":
        return action.section
    if by == "role":
        return action.role.value if action.role else None
    if by == "stage":
        if update is not None and not update.stages:
            return None
        return stage_key(update).replace(" ", "_")
    if by == "rag":
        return rag_key(update).replace(" ", "_")
    if by == "partner":
        return action.partners[0] if action.partners else None
    value: str | None = {
        "timescale": action.timescale,
        "cost": action.cost,
        "carbon_saving": action.carbon_saving,
    }[by]
    return value


def groups_of(plan: Plan, action: Action, by: str, period: Period) -> list[tuple[str | None, str]]:
    """Every group an action falls in, as (identifier, label): one, except by partner, where
    an action counts once for each of its partners (and once as "(none)" with none)."""
    if by == "partner":
        if not action.partners:
            return [(None, "(none)")]
        return [(p, p) for p in action.partners]
    return [(group_id(plan, action, by, period), group_value(plan, action, by, period))]


def group_order(plan: Plan, by: str) -> Callable[[str], Any]:
    """Natural order of group labels."""
    if by == "partner":
        names = [p.name for p in plan.partners]
        return lambda v: (names.index(v) if v in names else len(names), v.casefold())
    if by == "theme":
        names = [t.name for t in plan.themes]
        return lambda v: (names.index(v) if v in names else len(names), v)
    if by == "section":
        sections = list(dict.fromkeys(s for t in plan.themes for s in t.sections))
        return lambda v: (sections.index(v) if v in sections else len(sections), v)
    if by in ("role", "stage", "rag"):
        enum: Any = {"role": Role, "stage": Stage, "rag": Rag}[by]
        labels = [m.label for m in enum]
        return lambda v: (labels.index(v) if v in labels else len(labels), v)
    levels = TIMESCALE_LEVELS if by == "timescale" else RATING_LEVELS

    def scale(v: str) -> Any:
        members = v.split("/")
        if all(m in levels for m in members):
            return (0, tuple(levels.index(m) for m in members))
        return (1, (v,))

    return scale
