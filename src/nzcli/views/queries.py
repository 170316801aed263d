"""What each query command answers, as a `render.Document` (plain data; nothing printed)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from nzcli import vocab
from nzcli.groups import group_order, group_value
from nzcli.model import Action, Period, Plan, record_data
from nzcli.query import DEFAULT_TABLE_COLUMNS, Selection, order, row
from nzcli.render import (
    LABEL,
    LIST,
    NUMBER,
    OBJECTIVES,
    RAG,
    STAGE,
    TEXT,
    Bars,
    Column,
    Document,
    Grid,
    Heading,
    Paragraph,
    human,
)
from nzcli.vocab import COLUMNS, natural_key

#: How each row column is headed and shown in human formats.
COLUMN_SPECS: dict[str, Column] = {
    "id": Column("id", "ID"),
    "theme": Column("theme", "Theme"),
    "section": Column("section", "Section"),
    "objectives": Column("objectives", "Objective", OBJECTIVES),
    "action": Column("action", "Action"),
    "role": Column("role", "Role", LABEL),
    "partners": Column("partners", "Who may be involved", LIST),
    "timescale": Column("timescale", "Timescale"),
    "cost": Column("cost", "Cost"),
    "carbon_saving": Column("carbon_saving", "Carbon saving"),
    "deliverability_score": Column("deliverability_score", "Deliverability", NUMBER),
    "period": Column("period", "Period"),
    "stage": Column("stage", "Stage", STAGE),
    "rag": Column("rag", "RAG", RAG),
    "update": Column("update", "Update"),
}


def columns(keys: Sequence[str]) -> list[Column]:
    return [COLUMN_SPECS[k] for k in keys]


# ---------------------------------------------------------------------------------------------
# list


def list_view(
    plan: Plan,
    selection: Selection,
    sort: Sequence[str] = (),
    reverse: bool = False,
    chosen: Sequence[str] | None = None,
    limit: int | None = None,
    table: bool = False,
) -> Document:
    actions = order(plan, selection.apply(plan), selection.period, sort, reverse)
    matched = len(actions)
    if limit is not None:
        actions = actions[:limit]
    rows = [row(a, selection.period) for a in actions]
    keys = list(chosen) if chosen else list(DEFAULT_TABLE_COLUMNS if table else COLUMNS)
    grid = Grid(columns(keys), rows)
    # (rows have every column, in order: with all of them, the rows are the JSON as they are)
    json_rows = rows if keys == list(COLUMNS) else [{k: r[k] for k in keys} for r in rows]
    return Document(
        blocks=[grid],
        json=json_rows,
        csv=grid,
        title=f"{plan.plan.title}: {matched} actions, {selection.period.name}",
        # count: actions matched before --limit (0 means "no actions match")
        meta={"count": matched, "shown": len(rows), "period": selection.period.id},
    )


# ---------------------------------------------------------------------------------------------
# show


def show_view(plan: Plan, action: Action) -> Document:
    theme = plan.theme(action.theme)
    fields: list[tuple[str, Any, str]] = [
        ("ID", action.id, TEXT),
        ("Theme", theme.name if theme else action.theme, TEXT),
        ("Section", action.section or "(no section heading)", TEXT),
        ("Objective", action.objectives, OBJECTIVES),
        ("Action", action.action, TEXT),
        ("LCC role", action.role.value if action.role else None, LABEL),
        ("Who may be involved", action.partners, LIST),
        ("Timescale", action.timescale, TEXT),
        ("Cost to Leicestershire", action.cost, TEXT),
        ("Carbon saving", action.carbon_saving, TEXT),
        ("Deliverability score", action.deliverability_score, NUMBER),
    ]
    if action.added_in:
        fields.append(("Added in", action.added_in, TEXT))
    field_grid = Grid(
        [Column("field", "Field"), Column("value", "Value")],
        [{"field": name, "value": human(value, kind)} for name, value, kind in fields],
    )
    periods = sorted(plan.periods, key=lambda p: p.id)
    update_rows = [row(action, p) for p in periods]
    update_grid = Grid(
        columns(["period", "stage", "rag", "update"]),
        [dict(r, period=f"{p.name} ({p.id})") for r, p in zip(update_rows, periods, strict=True)],
    )
    for r in update_grid.rows:
        if r["update"] is None and r["stage"] is None:
            r["update"] = "No update for this period"
    data = record_data(action)
    return Document(
        blocks=[
            Heading(f"{action.id}: {action.action}", 1),
            field_grid,
            Heading("Progress by period", 2),
            update_grid,
        ],
        json=data,
        csv=Grid(columns(list(COLUMNS)), update_rows),
        title=action.id,
    )


# ---------------------------------------------------------------------------------------------
# partners


def partners_view(plan: Plan, name: str | None, period: Period) -> Document:
    if name is not None:
        canonical = vocab.partner_name(plan, name, flag=None)
        actions = order(plan, [a for a in plan.actions if canonical in a.partners], period)
        rows = [row(a, period) for a in actions]
        keys = ["id", "theme", "action", "role", "stage", "rag"]
        partner = next(p for p in plan.partners if p.name == canonical)
        aka = f" (also written {', '.join(partner.aliases)})" if partner.aliases else ""
        return Document(
            blocks=[
                Heading(f"{canonical}{aka}: {len(rows)} actions", 1),
                Grid(columns(keys), rows),
            ],
            json={
                "partner": canonical,
                "aliases": partner.aliases,
                "actions": [{k: r[k] for k in COLUMNS} for r in rows],
            },
            csv=Grid(columns(list(COLUMNS)), rows),
            meta={"count": len(rows)},
        )
    index: dict[str, list[str]] = {p.name: [] for p in plan.partners}
    for action in plan.actions:
        for partner_name in action.partners:
            index.setdefault(partner_name, []).append(action.id)
    aliases = {p.name: p.aliases for p in plan.partners}
    theme_rank = {t.key: i for i, t in enumerate(plan.themes)}
    id_key = {
        a.id: (theme_rank.get(a.theme, len(theme_rank)), natural_key(a.id)) for a in plan.actions
    }
    entries = sorted(index.items(), key=lambda kv: (-len(kv[1]), kv[0].casefold()))
    rows = [
        {
            "partner": name_,
            "aliases": aliases.get(name_, []),
            "count": len(ids),
            "ids": sorted(ids, key=id_key.__getitem__),  # themes in document order
        }
        for name_, ids in entries
    ]
    grid = Grid(
        [
            Column("partner", "Partner"),
            Column("aliases", "Also written", LIST),
            Column("count", "Actions", NUMBER),
            Column("ids", "IDs", LIST),
        ],
        rows,
    )
    return Document(blocks=[grid], json=rows, csv=grid, meta={"count": len(rows)})


# ---------------------------------------------------------------------------------------------
# themes, periods


def themes_view(plan: Plan) -> Document:
    counts = Counter((a.theme, a.section) for a in plan.actions)
    rows: list[dict[str, Any]] = []
    json_rows = []
    for theme in plan.themes:
        total = sum(n for (t, _), n in counts.items() if t == theme.key)
        sections = [{"name": s, "actions": counts.get((theme.key, s), 0)} for s in theme.sections]
        unsectioned = counts.get((theme.key, None), 0)
        if unsectioned:
            sections.insert(0, {"name": None, "actions": unsectioned})
        json_rows.append(
            {
                "key": theme.key,
                "name": theme.name,
                "prefix": theme.prefix,
                "actions": total,
                "sections": sections,
            }
        )
        rows.append(
            {
                "key": theme.key,
                "name": theme.name,
                "prefix": theme.prefix,
                "actions": total,
                "sections": [
                    f"{s['name'] or '(no section heading)'} ({s['actions']})" for s in sections
                ],
            }
        )
    rows.append(
        {"key": "", "name": "Total", "prefix": "", "actions": len(plan.actions), "sections": []}
    )
    grid = Grid(
        [
            Column("key", "Key"),
            Column("name", "Theme"),
            Column("prefix", "Prefix"),
            Column("actions", "Actions", NUMBER),
            Column("sections", "Sections", LIST),
        ],
        rows,
    )
    return Document(blocks=[grid], json=json_rows, csv=Grid(grid.columns, rows[:-1]))


def periods_view(plan: Plan) -> Document:
    latest = plan.latest_period.id
    counts = Counter(pid for a in plan.actions for pid in a.updates)
    rows = [
        {"id": p.id, "name": p.name, "updates": counts.get(p.id, 0), "latest": p.id == latest}
        for p in sorted(plan.periods, key=lambda p: p.id)
    ]
    shown = [dict(r, latest="latest" if r["latest"] else "") for r in rows]
    grid = Grid(
        [
            Column("id", "Period"),
            Column("name", "Name"),
            Column("updates", "Updates", NUMBER),
            Column("latest", "Latest"),
        ],
        shown,
    )
    return Document(blocks=[grid], json=rows, csv=grid)


# ---------------------------------------------------------------------------------------------
# summary


def summary_view(plan: Plan, selection: Selection, by: Sequence[str]) -> Document:
    actions = selection.apply(plan)
    period = selection.period
    total = len(actions)
    label = {"carbon_saving": "Carbon saving", "rag": "RAG"}
    if len(by) == 1:
        field = by[0]
        counts = Counter(group_value(plan, a, field, period) for a in actions)
        keys = sorted(counts, key=group_order(plan, field))
        rows = [
            {
                "group": k,
                "count": counts[k],
                "percent": round(100 * counts[k] / total, 1) if total else 0.0,
            }
            for k in keys
        ]
        rows.append({"group": "Total", "count": total, "percent": 100.0 if total else 0.0})
        header = label.get(field, field.capitalize())
        grid = Grid(
            [
                Column("group", header),
                Column("count", "Actions", NUMBER),
                Column("percent", "%", NUMBER),
            ],
            rows,
        )
        blocks: list[Any] = [
            Paragraph(f"{total} actions, {period.name} ({period.id})"),
            Bars(
                f"By {header.lower() if field != 'rag' else 'RAG'}",
                [(k, counts[k]) for k in keys],
            ),
            grid,
        ]
        json_rows = [
            {field: r["group"], "count": r["count"], "percent": r["percent"]} for r in rows
        ]
        return Document(
            blocks=blocks,
            json=json_rows,
            csv=Grid(
                [
                    Column(field, field),
                    Column("count", "count", NUMBER),
                    Column("percent", "percent", NUMBER),
                ],
                json_rows,
            ),
            meta={"count": total},
        )
    first, second = by
    cells = Counter(
        (group_value(plan, a, first, period), group_value(plan, a, second, period)) for a in actions
    )
    row_keys = sorted({k[0] for k in cells}, key=group_order(plan, first))
    col_keys = sorted({k[1] for k in cells}, key=group_order(plan, second))
    rows = []
    for rk in row_keys:
        r: dict[str, Any] = {"group": rk}
        for ck in col_keys:
            r[ck] = cells.get((rk, ck), 0)
        r["Total"] = sum(cells.get((rk, ck), 0) for ck in col_keys)
        rows.append(r)
    totals: dict[str, Any] = {"group": "Total"}
    for ck in col_keys:
        totals[ck] = sum(cells.get((rk, ck), 0) for rk in row_keys)
    totals["Total"] = total
    rows.append(totals)
    head = f"{label.get(first, first.capitalize())} \\ {label.get(second, second.capitalize())}"
    cols = (
        [Column("group", head)]
        + [Column(ck, ck, NUMBER) for ck in col_keys]
        + [Column("Total", "Total", NUMBER)]
    )
    grid = Grid(cols, rows)
    json_rows = [{first: r["group"], **{k: v for k, v in r.items() if k != "group"}} for r in rows]
    csv_cols = [Column(first, first), *cols[1:]]
    return Document(
        blocks=[Paragraph(f"{total} actions, {period.name} ({period.id})"), grid],
        json=json_rows,
        csv=Grid(csv_cols, json_rows),
        meta={"count": total},
    )
