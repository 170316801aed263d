"""What goes into the update packs of `nzcli pack`: one `Pack` per workbook, as plain data.

Each action's row shows its description as people read it (theme names, "Lead"), what was
reported last time (the published period before the pack's), and this period's cells, filled in with
what the plan already holds for the period (usually nothing).
"""

from __future__ import annotations

from collections.abc import Sequence

from nzcli.model import Action, Period, Plan, Rag, Stage, Update, format_number
from nzcli.packs import NO_CHANGE, NO_OWNER, Pack, PackColumn, PackRow, fingerprint
from nzcli.vocab import natural_key

# "last time" is the published period before the pack's, as the report's "what changed
# since" has it (a draft is not yet anything an officer said last time)
from .progress import previous_period

#: What --by takes.
GROUPINGS = ("owner", "theme")

__all__ = ["GROUPINGS", "build_packs", "previous_period"]


def pack_columns(period: Period, last: Period | None) -> list[PackColumn]:
    then = last.name if last is not None else "none"
    return [
        PackColumn("id", "ID", 7),
        PackColumn("theme", "Theme", 13),
        PackColumn("section", "Section", 14),
        PackColumn("action", "Action", 40),
        PackColumn("role", "LCC role", 9),
        PackColumn("partners", "Who may be involved", 20),
        PackColumn("owner", "Owner", 14),
        PackColumn("timescale", "Timescale", 10),
        PackColumn("cost", "Cost", 6),
        PackColumn("carbon_saving", "Carbon saving", 8),
        PackColumn("deliverability_score", "Deliverability score", 12),
        PackColumn("last_stage", f"Last time ({then}): stage", 13, last=True),
        PackColumn("last_rag", f"Last time ({then}): RAG", 11, last=True),
        PackColumn("last_update", f"Last time ({then}): update", 36, last=True),
        PackColumn("stage", f"{period.name}: stage", 16, editable=True),
        PackColumn("rag", f"{period.name}: RAG", 14, editable=True),
        PackColumn("update", f"{period.name}: update", 48, editable=True),
    ]


def build_packs(
    plan: Plan, actions: Sequence[Action], period: Period, by: str | None = None
) -> list[Pack]:
    """The packs for `actions` in `period`: one, or one per owner or theme (`by`), in a
    stable order (themes as in the plan; owners alphabetically, "(no owner)" last)."""
    last = previous_period(plan, period)
    theme_order = {t.key: i for i, t in enumerate(plan.themes)}
    ordered = sorted(actions, key=lambda a: (theme_order.get(a.theme, 99), natural_key(a.id)))
    groups: dict[str | None, list[Action]] = {}
    for action in ordered:
        groups.setdefault(_group(plan, action, by), []).append(action)
    if by == "owner":
        names = sorted((g for g in groups if g != NO_OWNER), key=lambda g: (str(g).casefold(), g))
        names += [NO_OWNER] if NO_OWNER in groups else []
        groups = {name: groups[name] for name in names}
    columns = pack_columns(period, last)
    key: list[tuple[str, str, str]] = []
    if plan.keys is not None:
        key = [("Stage", s.label, plan.keys.stage[s]) for s in Stage if s in plan.keys.stage]
        key += [("RAG", r.label, plan.keys.rag[r]) for r in reversed(Rag) if r in plan.keys.rag]
    return [
        Pack(
            plan_title=plan.plan.title,
            organisation=plan.plan.organisation,
            contact=plan.plan.contact,
            period_id=period.id,
            period_name=period.name,
            last_id=last.id if last else None,
            last_name=last.name if last else None,
            group=group,
            columns=columns,
            rows=[_row(plan, a, period, last) for a in members],
            stage_choices=[NO_CHANGE, *(s.label for s in Stage)],
            rag_choices=[NO_CHANGE, *(r.label for r in reversed(Rag))],
            key=key,
        )
        for group, members in groups.items()
    ]


def _group(plan: Plan, action: Action, by: str | None) -> str | None:
    if by == "owner":
        return action.owner or NO_OWNER
    if by == "theme":
        theme = plan.theme(action.theme)
        return theme.name if theme else action.theme
    return None


def _row(plan: Plan, action: Action, period: Period, last: Period | None) -> PackRow:
    theme = plan.theme(action.theme)
    before = action.updates.get(last.id) if last else None
    now = action.updates.get(period.id)
    cells = {
        "id": action.id,
        "theme": theme.name if theme else action.theme,
        "section": action.section or "",
        "action": action.action,
        "role": action.role.label if action.role else "",
        "partners": "; ".join(action.partners),
        "owner": action.owner or "",
        "timescale": action.timescale or "",
        "cost": action.cost or "",
        "carbon_saving": action.carbon_saving or "",
        "deliverability_score": format_number(action.deliverability_score),
        "last_stage": _stage(before),
        "last_rag": _rag(before),
        "last_update": _text(before, last),
        "stage": _stage(now),
        "rag": now.rag.label if now and now.rag else "",
        "update": (now.text or "") if now else "",
    }
    return PackRow(
        action_id=action.id,
        cells=cells,
        fingerprint=fingerprint(action),
        schemes=any(u.schemes for u in action.updates.values()),
    )


def _stage(update: Update | None) -> str:
    return update.stage_label if update is not None else ""


def _rag(update: Update | None) -> str:
    if update is None:
        return ""
    return update.rag.label if update.rag else "Not rated"


def _text(update: Update | None, last: Period | None) -> str:
    if last is None:
        return ""
    if update is None or not update.text:
        return f"No update for {last.name}"
    return update.text
