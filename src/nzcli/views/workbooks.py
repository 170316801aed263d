"""How `list`, `report` and `export` lay out their .xlsx workbooks (`Document.sheets`).

- `list`: one table of the listed actions, theme names rather than keys.
- `report`: a summary sheet (what the report's first page says: title, draft banner, period,
  publication, contact, source, headline counts, what changed, stage and RAG counts by
  theme), the key in the plan's own words, then one sheet per theme, each one table with a
  Section column.
- `export`: the whole plan, one sheet per kind of record, headed by the YAML file's own keys
  (as the JSON export is), every field of every record: nothing is left out.
"""

from __future__ import annotations

from typing import Any

from nzcli.model import Action, Plan
from nzcli.records import field_names, plan_data
from nzcli.render import (
    NUMBER,
    TEXT,
    Block,
    Column,
    Document,
    Grid,
    Heading,
    Notice,
    Paragraph,
    Sheet,
)

from .report import (
    DRAFT_TEXT,
    about_lines,
    first_page,
    shown_actions,
    summary_grids,
    theme_columns,
    trends,
)

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
    """The report's workbook (report v2, as `nzcli.views.report` lays the report out): a
    summary (title, the draft banner, who, when published, contact, source, the headline
    counts, what changed, counts by theme with "not rated" and "no update" apart, the trend
    across periods), the key,
    then one sheet per theme."""
    blocks: list[Block] = [Heading(report["title"], 1)]
    if report["draft"]:
        blocks.append(Notice(DRAFT_TEXT))
    blocks.append(Paragraph("\n".join(about_lines(report))))
    blocks += first_page(report)
    blocks.append(Heading("Summary", 2))
    blocks += summary_grids(report)
    blocks += trends(report)
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
        base = theme_columns(theme)
        columns = [base[0], SECTION, *base[1:]]
        rows = [
            dict(action, section=section["name"])
            for section in theme["sections"]
            for action in shown_actions(section)
        ]
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
