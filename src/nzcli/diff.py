"""What changed for each action between two periods: pure functions over the model.

`nzcli diff` shows the result (`nzcli.views.changes`); the kinds are listed most worrying
first, the order rows are sorted and counts listed in.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Final

from .model import Action, Period, Rag, Stage, Update
from .query import stage_value
from .vocab import CHANGE_KINDS, natural_key

#: Kinds of change, in the order a committee wants them: newly red and RAG worse first,
#: then stages moving back, then the rest; "not updated" last (the order rows are sorted
#: and counts listed in).
(
    NEWLY_RED,
    RAG_WORSE,
    STAGE_BACK,
    RAG_DROPPED,
    RAG_RATED,
    STAGE_CHANGED,
    FIRST_UPDATE,
    NEW,
    RAG_BETTER,
    STAGE_FORWARD,
    NOT_UPDATED,
) = CHANGE_KINDS
KINDS: Final = CHANGE_KINDS

DIFF_COLUMNS: Final = ("id", "theme", "action", "change", "stage_a", "stage_b", "rag_a", "rag_b")


@dataclass
class ActionChange:
    action: Action
    kinds: list[str]
    descriptions: list[str]
    before: Update | None
    after: Update | None

    def sort_key(self) -> tuple[Any, ...]:
        rank = min(KINDS.index(k) for k in self.kinds)
        rag = self.after.rag.rank if self.after and self.after.rag else len(Rag)
        return (rank, rag, natural_key(self.action.id))


def compare(action: Action, a: Period, b: Period) -> ActionChange | None:
    """How one action changed from period `a` to period `b` (None when it did not). The
    update text is not compared: it changes every period."""
    before, after = action.updates.get(a.id), action.updates.get(b.id)
    kinds: list[str] = []
    words: list[str] = []
    low, high = sorted((a.id, b.id))
    if action.added_in is not None and low < action.added_in <= high and a.id < b.id:
        kinds.append(NEW)
        words.append(f"new action (added in {action.added_in})")
    if before is not None and after is None:
        kinds.append(NOT_UPDATED)
        words.append(f"updated in {a.id} but not in {b.id}")
    elif before is None and after is not None and NEW not in kinds:
        kinds.append(FIRST_UPDATE)
        words.append(f"no update in {a.id}; updated in {b.id}")
        if after.rag is Rag.RED:
            kinds.append(NEWLY_RED)
            words.append("RAG red")
    elif before is not None and after is not None:
        stage = _stage_change(before, after)
        if stage is not None:
            kinds.append(stage[0])
            words.append(stage[1])
        rag = _rag_change(before.rag, after.rag)
        if rag is not None:
            kinds.append(rag[0])
            words.append(rag[1])
    if NEW in kinds and before is None and after is not None and after.rag is Rag.RED:
        kinds.append(NEWLY_RED)
        words.append("RAG red")
    if not kinds:
        return None
    return ActionChange(action, kinds, words, before, after)


def _stage_map(update: Update) -> dict[str, Stage]:
    if update.schemes:
        return {s.scheme: s.stage for s in update.schemes}
    return {"": update.stage} if update.stage is not None else {}


def _stage_change(before: Update, after: Update) -> tuple[str, str] | None:
    old, new = _stage_map(before), _stage_map(after)
    if old == new or not new:
        return None  # (a later update that gives no stage reports none: not a change)
    common = [k for k in old if k in new and old[k] != new[k]]
    if old and new and set(old) == set(new):
        ups = [k for k in common if new[k].rank > old[k].rank]
        downs = [k for k in common if new[k].rank < old[k].rank]
        parts = [f"{k + ': ' if k else ''}{old[k].value} → {new[k].value}" for k in common]
        text = "stage " + "; ".join(parts)
        if ups and not downs:
            return STAGE_FORWARD, text
        if downs and not ups:
            return STAGE_BACK, text
        return STAGE_CHANGED, text
    text = f"stage {stage_value(before) or 'none'} → {stage_value(after) or 'none'}"
    if old and new and (set(old) == {""} or set(new) == {""}):
        low_old = min(s.rank for s in old.values())
        low_new = min(s.rank for s in new.values())
        if low_new > low_old:
            return STAGE_FORWARD, text
        if low_new < low_old:
            return STAGE_BACK, text
    return STAGE_CHANGED, text


def _rag_change(old: Rag | None, new: Rag | None) -> tuple[str, str] | None:
    if old == new:
        return None
    text = f"RAG {old.value if old else 'not rated'} → {new.value if new else 'not rated'}"
    if new is Rag.RED:
        return NEWLY_RED, text
    if old is None:
        return RAG_RATED, text
    if new is None:
        return RAG_DROPPED, text
    return (RAG_WORSE if new.rank < old.rank else RAG_BETTER), text


def diff_periods(actions: Iterable[Action], a: Period, b: Period) -> list[ActionChange]:
    """Every changed action, most worrying first (RAG worsening, then stage moving back...)."""
    changes = [c for c in (compare(action, a, b) for action in actions) if c is not None]
    return sorted(changes, key=ActionChange.sort_key)


def change_row(change: ActionChange) -> dict[str, Any]:
    """One changed action as plain values, `DIFF_COLUMNS` keys (the CSV and JSON row)."""
    before, after = change.before, change.after
    return {
        "id": change.action.id,
        "theme": change.action.theme,
        "action": change.action.action,
        "change": "; ".join(change.descriptions),
        "stage_a": stage_value(before),
        "stage_b": stage_value(after),
        "rag_a": before.rag.value if before and before.rag else None,
        "rag_b": after.rag.value if after and after.rag else None,
    }
