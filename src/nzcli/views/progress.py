"""What a report says about progress beyond one period's counts: what changed since the
previous period (new reds, slipped, completed) and the trend of stage and RAG across periods.

Plain data for the report's JSON; `nzcli.views.report` turns it into blocks. The changes
come from `nzcli.diff` (the rules `nzcli diff` uses); the counts from `nzcli.groups`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from nzcli.diff import NEWLY_RED, RAG_WORSE, STAGE_BACK, diff_periods
from nzcli.groups import MIXED, NO_UPDATE, rag_key, stage_key
from nzcli.model import NOT_RATED, Action, Period, Plan, Rag, Stage, Update


def identifier(key: str) -> str:
    """A counting key as JSON names it: "not rated" -> "not_rated"."""
    return key.replace(" ", "_")


#: The order stage and RAG counts are listed in, everywhere in a report; as JSON names them
#: (identifiers: `no_update`, `not_rated`).
STAGE_KEYS = [identifier(k) for k in [*(s.value for s in Stage), MIXED, NO_UPDATE]]
RAG_KEYS = [identifier(k) for k in [*(r.value for r in Rag), NOT_RATED, NO_UPDATE]]

#: What changed since the previous period, in the order a committee reads it.
CHANGE_GROUPS = ("newly_red", "slipped", "completed")
CHANGE_TITLES = {
    "newly_red": "Newly red",
    "slipped": "Slipped",
    "completed": "Completed",
}
CHANGE_EXPLAINED = {
    "newly_red": "rated red this period, and not red in the previous one",
    "slipped": "RAG rating worse (but not red) or stage moved back",
    "completed": "stage completed this period",
}


def report_rag_key(update: Update | None) -> str:
    """One action's RAG as the report counts it: a RAG value, "not rated" (an update
    without a rating), or "no update" (none for the period), never one for the other.
    (`summary --by rag` still counts both as not rated: `nzcli.groups.rag_key`.)"""
    return NO_UPDATE if update is None else rag_key(update)


def counts(actions: Sequence[Action], period: Period) -> dict[str, dict[str, int]]:
    """Stage and RAG counts for `period`, every key present (zeros included)."""
    stages: Counter[str] = Counter()
    rags: Counter[str] = Counter()
    pid = period.id
    for action in actions:  # one pass: each update looked up once
        update = action.updates.get(pid)
        if update is None:
            stages[NO_UPDATE] += 1
            rags[NO_UPDATE] += 1
            continue
        if update.schemes:
            stages[stage_key(update)] += 1
        else:  # (stage_key of a single stage, without making the list of stages)
            stages[NO_UPDATE if update.stage is None else update.stage.value] += 1
        rags[NOT_RATED if update.rag is None else update.rag.value] += 1
    return {"stage": _by_identifier(stages, STAGE_KEYS), "rag": _by_identifier(rags, RAG_KEYS)}


def _by_identifier(counted: Counter[str], keys: list[str]) -> dict[str, int]:
    """Counts by counting key, as JSON names them (`identifier`), every one of `keys`."""
    out = dict.fromkeys(keys, 0)
    for key, n in counted.items():
        name = identifier(key)
        if name in out:
            out[name] += n
    return out


def reported_periods(plan: Plan, period: Period) -> list[Period]:
    """The periods up to and including `period`, oldest first: the published ones, and
    `period` itself (a draft when the report is of a draft)."""
    return [
        p
        for p in sorted(plan.periods, key=lambda p: p.id)
        if (p.id < period.id and p.status != "draft") or p.id == period.id
    ]


def previous_period(plan: Plan, period: Period) -> Period | None:
    """The published period before `period`, if there is one."""
    earlier = reported_periods(plan, period)[:-1]
    return earlier[-1] if earlier else None


def changes_since(actions: Sequence[Action], before: Period, period: Period) -> dict[str, Any]:
    """What changed from `before` to `period`, by group (each action in at most one):
    newly red, slipped (RAG worse but not red, or stage back), completed. Each entry is the
    action's ID, its text and what `nzcli diff` says changed."""
    groups: dict[str, list[dict[str, Any]]] = {name: [] for name in CHANGE_GROUPS}
    for change in diff_periods(actions, before, period):
        old, new = change.before, change.after
        entry = {
            "id": change.action.id,
            "action": change.action.action,
            "change": "; ".join(change.descriptions),
        }
        if NEWLY_RED in change.kinds:  # (as `nzcli diff` says: red now, not red before)
            groups["newly_red"].append(entry)
        elif RAG_WORSE in change.kinds or STAGE_BACK in change.kinds:
            groups["slipped"].append(entry)
        elif stage_key(new) == Stage.COMPLETED.value and stage_key(old) != Stage.COMPLETED.value:
            groups["completed"].append(entry)
    return {"since": {"id": before.id, "name": before.name}, **groups}


def trend(plan: Plan, actions: Sequence[Action], period: Period) -> list[dict[str, Any]]:
    """Stage and RAG counts for each reported period up to `period`, oldest first (empty
    when there is only one)."""
    periods = reported_periods(plan, period)
    if len(periods) < 2:
        return []
    return [{"id": p.id, "name": p.name, **counts(actions, p)} for p in periods]
