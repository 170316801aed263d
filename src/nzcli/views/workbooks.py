"""How `list`, `report` and `export` lay out their .xlsx workbooks (`Document.sheets`).

- `list`: one table of the listed actions, theme names rather than keys.
- `report`: a summary sheet (title, period, stage and RAG counts by theme), the key in the
  plan's own words, then one sheet per theme, each one table with a Section column.
- `export`: the whole plan, one sheet per kind of record, headed by the YAML file's own keys
  (as the JSON export is), every field of every record: nothing is left out.
"""

from __future__ import annotations

from typing import Any

from nzcli.model import Action, Plan, field_names, plan_data
from nzcli.render import NUMBER, TEXT, Column, Document, Grid, Heading, Paragraph, Sheet

from .report import CROSS_CUTTING_COLUMNS, NO_UPDATE_TEXT, THEMED_COLUMNS

SECTION = Column("section", "Section")


def list_sheets(plan: Plan, doc: Document) -> list[Sheet]:
    """The listed actions as one table; theme keys become theme names."""
    grid = doc.csv if doc.csv is not None else Grid([], [])
    names = {t.key: t.name for t in plan.themes}
    rows = [
        dict(r, theme=names.get(r["theme"], r["theme"])) if "theme" in r else r for r in grid.rows
    ]
    return [Sheet("Actions", [Grid(grid.columns, rows)])]


def report_sheets(report: dict[str, Any]) -> list[Sheet]:
    """The report's workbook: summary, key, then one sheet per theme."""
    period = report["period"]
    lines = [f"{report['organisation']}. Period: {period['name']} ({period['id']})."]
    if report["filters"]:
        shown = "; ".join(
            f"{k.replace('_', '-')}: {', '.join(map(str, v)) if isinstance(v, list) else v}"
            for k, v in report["filters"].items()
        )
        lines.append(f"Filtered: {shown}")
    if report["generated"]:
        lines.append(f"Generated: {report['generated']}")
    summary = report["summary"]
    entries = [*summary["themes"], {"name": "Total", **summary["total"]}]
    blocks: list[Any] = [Heading(report["title"], 1), Paragraph("\n".join(lines))]
    for kind, caption in (
        ("stage", "Actions by theme and stage"),
        ("rag", "Actions by theme and RAG rating"),
    ):
        keys = list(summary["total"][kind])
        columns = [Column("theme", "Theme"), Column("actions", "Actions", NUMBER)] + [
            Column(k, k.capitalize(), NUMBER) for k in keys
        ]
        rows = [
            {"theme": e["name"], "actions": e["actions"], **{k: e[kind][k] for k in keys}}
            for e in entries
        ]
        blocks.append(Grid(columns, rows, title=caption))
    sheets = [Sheet("Summary", blocks)]

    key_rows = [
        {"kind": label, "value": value.capitalize(), "meaning": meaning}
        for kind, label in (("stage", "Project stage"), ("rag", "RAG rating"))
        for value, meaning in report["keys"][kind].items()
        if meaning
    ]
    if key_rows:
        key = Grid(
            [
                Column("kind", "Key"),
                Column("value", "Value"),
                Column("meaning", "As worded in the plan"),
            ],
            key_rows,
        )
        sheets.append(Sheet("Key", [key]))

    for theme in report["themes"]:
        base = CROSS_CUTTING_COLUMNS if theme["key"] == "cross-cutting" else THEMED_COLUMNS
        columns = [base[0], SECTION, *base[1:]]
        rows = []
        for section in theme["sections"]:
            for action in section["actions"]:
                if action["update"] is None and action["stage"] is None:
                    action = dict(action, update=NO_UPDATE_TEXT)
                rows.append(dict(action, section=section["name"]))
        sheets.append(Sheet(theme["name"], [Grid(columns, rows)]))
    return sheets


def plan_sheets(plan: Plan) -> list[Sheet]:
    """The whole plan: Plan, Keys, Periods, Themes, Partners, Actions, Updates."""
    data = plan_data(plan)
    sheets = [
        Sheet("Plan", [_records([{"field": k, "value": v} for k, v in data["plan"].items()])])
    ]
    keys = data["keys"] or {"stage": {}, "rag": {}}
    sheets.append(
        Sheet(
            "Keys",
            [
                _records(
                    [
                        {"key": kind, "value": value, "wording": wording}
                        for kind in ("stage", "rag")
                        for value, wording in keys[kind].items()
                    ],
                    ["key", "value", "wording"],
                )
            ],
        )
    )
    for name in ("periods", "themes", "partners"):
        sheets.append(Sheet(name.capitalize(), [_records(data[name])]))
    actions = [{k: v for k, v in a.items() if k != "updates"} for a in data["actions"]]
    fields = [k for k in field_names(Action) if k != "updates"]
    sheets.append(Sheet("Actions", [_records(actions, fields)]))
    updates = [
        {"action": a["id"], "period": period, **update}
        for a in data["actions"]
        for period, update in a["updates"].items()
    ]
    update_fields = ["action", "period", "stage", "schemes", "rag", "text"]
    for update in updates:
        if update["schemes"] is not None:
            update["schemes"] = [f"{s['scheme']}: {s['stage']}" for s in update["schemes"]]
    sheets.append(Sheet("Updates", [_records(updates, update_fields)]))
    return sheets


def _records(records: list[dict[str, Any]], keys: list[str] | None = None) -> Grid:
    """Records as a grid headed by their own keys: lists in one cell ("; " between items),
    a column of numbers as numbers."""
    names = keys if keys is not None else (list(records[0]) if records else ["value"])
    rows = [{k: _plain(r.get(k)) for k in names} for r in records]
    columns = [Column(k, k, NUMBER if _numbers([r[k] for r in rows]) else TEXT) for k in names]
    return Grid(columns, rows)


def _numbers(values: list[Any]) -> bool:
    present = [v for v in values if v is not None]
    return bool(present) and all(
        isinstance(v, int | float) and not isinstance(v, bool) for v in present
    )


def _plain(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return value
