"""What each query command answers, as a `render.Document` (plain data; nothing printed).

Every JSON document here is an object with a `format_version` first (the `*_FORMAT_VERSION`
constants; bump one on any incompatible change) and has a published JSON Schema
(`nzcli.contracts`, docs/schemas/). Keys are identifiers; a stage is always a list of
schemes (`nzcli.query.stage_list`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from nzcli import vocab
from nzcli.groups import group_order, groups_of
from nzcli.model import Action, Period, Plan, format_number
from nzcli.query import DEFAULT_TABLE_COLUMNS, Selection, order, row
from nzcli.records import record_data
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
from nzcli.rules import expected_score, score_working
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
    "owner": Column("owner", "Owner"),
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


#: Versions of the JSON documents of `list`, `show`, `partners`, `themes`, `periods` and
#: `summary`. Bump one on any incompatible change to its document.
LIST_FORMAT_VERSION = 1
SHOW_FORMAT_VERSION = 1
PARTNERS_FORMAT_VERSION = 1
THEMES_FORMAT_VERSION = 1
PERIODS_FORMAT_VERSION = 1
SUMMARY_FORMAT_VERSION = 1


def period_json(period: Period) -> dict[str, Any]:
    """A period as JSON documents name it."""
    return {"id": period.id, "name": period.name}


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
    fmt: str | None = None,
) -> Document:
    """`nzcli list`: one row per action. `fmt`, when known, spares the forms it does not
    need (a large plan's rows are made once, not twice)."""
    period = selection.period
    actions = order(plan, selection.apply(plan), period, sort, reverse)
    matched = len(actions)
    if limit is not None:
        actions = actions[:limit]
    keys = list(chosen) if chosen else list(DEFAULT_TABLE_COLUMNS if table else COLUMNS)
    machine = fmt in ("json", "ndjson")
    rows = [] if machine else [row(a, period) for a in actions]
    grid = Grid(columns(keys), rows)
    json_rows: list[dict[str, Any]] = []
    if fmt is None or machine:
        full = [row(a, period, structured=True) for a in actions]
        # (rows have every column, in order: with all of them, they are the JSON as they are)
        json_rows = full if keys == list(COLUMNS) else [{k: r[k] for k in keys} for r in full]
    return Document(
        blocks=[grid],
        json={
            "format_version": LIST_FORMAT_VERSION,
            "period": period_json(period),
            "filters": selection.filters.given(),
            "count": matched,
            "actions": json_rows,
        },
        csv=grid,
        records=json_rows,
        title=f"{plan.plan.title}: {matched} actions, {selection.period.name}",
        # count: actions matched before --limit (0 means "no actions match")
        meta={"count": matched, "shown": len(actions), "period": period.id},
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
    score = score_explained(action)
    if score["rule"] is not None:
        fields.append(("Score by the rule", score["working"], TEXT))
    if score["why"]:
        fields.append(("Why they differ", score["why"], TEXT))
    if action.owner:
        fields.append(("Owner", action.owner, TEXT))
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
    data = {"format_version": SHOW_FORMAT_VERSION, **record_data(action), "score": score}
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


def score_explained(action: Action) -> dict[str, Any]:
    """How the deliverability score compares with the rule (docs/deliverability.md): the
    printed score, the rule's, its working, whether they agree, and why they differ where
    they do (the action's `score_note`, or that the document does not say)."""
    working = score_working(action)
    rule = expected_score(action)
    printed = action.deliverability_score
    text = None
    if working is not None and rule is not None:
        parts = " x ".join(
            f"{what} {value} ({format_number(points)})" for what, value, points in working
        )
        text = f"{parts} = {format_number(rule)}"
    agrees = None if printed is None or rule is None else abs(printed - rule) <= 1e-9
    why = None
    if agrees is False or (printed is None and rule is not None):
        why = action.score_note or (
            "the printed score differs from the rule and the plan does not say why"
            if agrees is False
            else "the plan prints no score"
        )
    return {
        "printed": printed,
        "rule": rule,
        "working": text,
        "agrees": agrees,
        "note": action.score_note,
        "why": why,
    }


# ---------------------------------------------------------------------------------------------
# partners


def partners_view(plan: Plan, name: str | None, selection: Selection) -> Document:
    """`nzcli partners`: the partner index (each partner, its action count and IDs, most
    involved first), or with `name` that partner's actions; both over the actions the
    filters select (every partner is listed when no filter is given)."""
    period = selection.period
    chosen = selection.apply(plan)
    if name is not None:
        canonical = vocab.partner_name(plan, name, flag=None)
        actions = order(plan, [a for a in chosen if canonical in a.partners], period)
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
                "format_version": PARTNERS_FORMAT_VERSION,
                "period": period_json(period),
                "filters": selection.filters.given(),
                "partner": canonical,
                "aliases": partner.aliases,
                "count": len(rows),
                "actions": [row(a, period, structured=True) for a in actions],
            },
            csv=Grid(columns(list(COLUMNS)), rows),
            meta={"count": len(rows)},
        )
    filtered = bool(selection.filters.given())
    index: dict[str, list[str]] = {} if filtered else {p.name: [] for p in plan.partners}
    for action in chosen:
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
    return Document(
        blocks=[grid],
        json={
            "format_version": PARTNERS_FORMAT_VERSION,
            "period": period_json(period),
            "filters": selection.filters.given(),
            "partners": rows,
        },
        csv=grid,
        meta={"count": len(rows)},
    )


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
    return Document(
        blocks=[grid],
        json={"format_version": THEMES_FORMAT_VERSION, "themes": json_rows},
        csv=Grid(grid.columns, rows[:-1]),
    )


def periods_view(plan: Plan) -> Document:
    latest = plan.latest_period.id
    counts = Counter(pid for a in plan.actions for pid in a.updates)
    rows = [
        {
            "id": p.id,
            "name": p.name,
            "status": p.status,
            "published": p.published,
            "updates": counts.get(p.id, 0),
            "latest": p.id == latest,
        }
        for p in sorted(plan.periods, key=lambda p: p.id)
    ]
    shown = [dict(r, latest="latest" if r["latest"] else "") for r in rows]
    grid = Grid(
        [
            Column("id", "Period"),
            Column("name", "Name"),
            Column("status", "Status"),
            Column("published", "Published"),
            Column("updates", "Updates", NUMBER),
            Column("latest", "Latest"),
        ],
        shown,
    )
    return Document(
        blocks=[grid],
        json={"format_version": PERIODS_FORMAT_VERSION, "periods": rows},
        csv=grid,
    )


# ---------------------------------------------------------------------------------------------
# summary


def summary_view(plan: Plan, selection: Selection, by: Sequence[str]) -> Document:
    """`nzcli summary`: actions counted by one field, or cross-tabulated by two. By partner,
    an action counts once for each of its partners (the percentages then add up to more than
    100)."""
    actions = selection.apply(plan)
    period = selection.period
    total = len(actions)
    label = {"carbon_saving": "Carbon saving", "rag": "RAG"}
    # label -> identifier, for JSON; every label has one identifier
    ids: dict[str, dict[str, str | None]] = {field: {} for field in by}

    def groups(action: Action, field: str) -> list[str]:
        found = groups_of(plan, action, field, period)
        for ident, text in found:
            ids[field].setdefault(text, ident)
        return [text for _, text in found]

    def percent(n: int) -> float:
        return round(100 * n / total, 1) if total else 0.0

    envelope: dict[str, Any] = {
        "format_version": SUMMARY_FORMAT_VERSION,
        "period": period_json(period),
        "filters": selection.filters.given(),
        "by": list(by),
        "total": total,
    }
    if len(by) == 1:
        field = by[0]
        counts = Counter(g for a in actions for g in groups(a, field))
        keys = sorted(counts, key=group_order(plan, field))
        rows = [{"group": k, "count": counts[k], "percent": percent(counts[k])} for k in keys]
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
        csv_rows = [{field: r["group"], "count": r["count"], "percent": r["percent"]} for r in rows]
        envelope["groups"] = [
            {"value": ids[field][k], "label": k, "count": counts[k], "percent": percent(counts[k])}
            for k in keys
        ]
        return Document(
            blocks=blocks,
            json=envelope,
            csv=Grid(
                [
                    Column(field, field),
                    Column("count", "count", NUMBER),
                    Column("percent", "percent", NUMBER),
                ],
                csv_rows,
            ),
            meta={"count": total},
        )
    first, second = by
    cells = Counter(
        (g1, g2) for a in actions for g1 in groups(a, first) for g2 in groups(a, second)
    )
    row_keys = sorted({k[0] for k in cells}, key=group_order(plan, first))
    col_keys = sorted({k[1] for k in cells}, key=group_order(plan, second))
    row_totals = Counter(g for a in actions for g in set(groups(a, first)))
    col_totals = Counter(g for a in actions for g in set(groups(a, second)))
    rows = []
    for rk in row_keys:
        r: dict[str, Any] = {"group": rk}
        for ck in col_keys:
            r[ck] = cells.get((rk, ck), 0)
        r["Total"] = row_totals[rk]
        rows.append(r)
    totals: dict[str, Any] = {"group": "Total"}
    for ck in col_keys:
        totals[ck] = col_totals[ck]
    totals["Total"] = total
    rows.append(totals)
    head = f"{label.get(first, first.capitalize())} \\ {label.get(second, second.capitalize())}"
    cols = (
        [Column("group", head)]
        + [Column(ck, ck, NUMBER) for ck in col_keys]
        + [Column("Total", "Total", NUMBER)]
    )
    grid = Grid(cols, rows)
    csv_rows = [{first: r["group"], **{k: v for k, v in r.items() if k != "group"}} for r in rows]
    csv_cols = [Column(first, first), *cols[1:]]
    envelope["groups"] = [
        {
            "value": ids[first][rk],
            "label": rk,
            "count": row_totals[rk],
            "percent": percent(row_totals[rk]),
            "groups": [
                {"value": ids[second][ck], "label": ck, "count": cells.get((rk, ck), 0)}
                for ck in col_keys
            ],
        }
        for rk in row_keys
    ]
    envelope["columns"] = [
        {"value": ids[second][ck], "label": ck, "count": col_totals[ck]} for ck in col_keys
    ]
    return Document(
        blocks=[Paragraph(f"{total} actions, {period.name} ({period.id})"), grid],
        json=envelope,
        csv=Grid(csv_cols, csv_rows),
        meta={"count": total},
    )
