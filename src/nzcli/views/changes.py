"""`nzcli diff` as a Document: a summary line of counts and one row per changed action."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence, Set
from typing import Any

from nzcli.diff import KINDS, ActionChange, change_row, diff_periods
from nzcli.model import Action, Period
from nzcli.query import stage_list
from nzcli.render import RAG, STAGE, Block, Column, Document, Grid, Heading, Paragraph

#: Version of the `diff --format json` document. Bump on any incompatible change.
DIFF_FORMAT_VERSION = 1


def kind_id(kind: str) -> str:
    """A kind of change as JSON names it: "RAG worse" -> "rag_worse"."""
    return kind.casefold().replace(" ", "_")


def _json_change(row: dict[str, Any], change: ActionChange) -> dict[str, Any]:
    return dict(
        row,
        stage_a=stage_list(change.before),
        stage_b=stage_list(change.after),
        kinds=[kind_id(k) for k in change.kinds],
    )


def diff_view(
    actions: Sequence[Action],
    a: Period,
    b: Period,
    only: Set[str] = frozenset(),
    hide: Set[str] = frozenset(),
) -> Document:
    """What changed from period `a` to period `b`, most worrying first. `only`: just the
    changes of those kinds; `hide`: not the changes whose every kind is hidden."""
    every = diff_periods(actions, a, b)
    changes = [
        c
        for c in every
        if (not only or not only.isdisjoint(c.kinds)) and not set(c.kinds) <= hide
    ]
    counts = Counter(k for c in changes for k in c.kinds)
    listed = ", ".join(f"{counts[k]} {k}" for k in KINDS if counts[k])
    left_out = len(every) - len(changes)
    summary = (
        f"{a.name} ({a.id}) → {b.name} ({b.id}): {len(changes)} of {len(actions)} actions "
        f"changed" + (f": {listed}." if listed else ".")
    )
    if left_out:
        summary += f" ({left_out} more left out by --only/--hide.)"
    rows = [change_row(c) for c in changes]
    shown = [_shown(r, c) for r, c in zip(rows, changes, strict=True)]
    columns = [
        Column("id", "ID"),
        Column("theme", "Theme"),
        Column("action", "Action"),
        Column("change", "Change"),
        Column("stage_a", f"Stage {a.id}", STAGE),
        Column("stage_b", f"Stage {b.id}", STAGE),
        Column("rag_a", f"RAG {a.id}", RAG),
        Column("rag_b", f"RAG {b.id}", RAG),
    ]
    blocks: list[Block] = [Heading(f"Changes from {a.name} to {b.name}", 1), Paragraph(summary)]
    if rows:
        blocks.append(Grid(columns, shown))
    csv_columns = [Column(c.key, c.key, c.kind) for c in columns]
    return Document(
        blocks=blocks,
        json={
            "format_version": DIFF_FORMAT_VERSION,
            "period_a": {"id": a.id, "name": a.name},
            "period_b": {"id": b.id, "name": b.name},
            "actions": len(actions),
            "changed": len(changes),
            "counts": {kind_id(k): counts[k] for k in KINDS if counts[k]},
            "changes": [_json_change(r, c) for r, c in zip(rows, changes, strict=True)],
        },
        csv=Grid(csv_columns, rows),
        title=f"nzcli diff {a.id} {b.id}",
        meta={"count": len(changes), "summary": summary},
    )


def _shown(row: dict[str, Any], change: ActionChange) -> dict[str, Any]:
    """The row as people read it: "no update" rather than blank where a period has none."""
    shown = dict(row)
    for side, update in (("a", change.before), ("b", change.after)):
        if update is None:
            shown[f"stage_{side}"] = shown[f"rag_{side}"] = "no update"
    return shown
