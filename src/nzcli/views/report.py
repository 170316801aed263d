"""The period progress report: a structure built from the plan, then a `render.Document`.

The report mirrors the council's published update: a title, a summary by theme of stage and
RAG counts ("not rated" counted, never hidden), the stage and RAG keys in the source's words,
then each theme's actions section by section with the source's columns.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from nzcli.groups import MIXED, NO_UPDATE, rag_key, stage_key
from nzcli.model import NOT_RATED, Plan, Rag, Stage
from nzcli.query import Selection, row, stage_text
from nzcli.render import (
    LABEL,
    LIST,
    NUMBER,
    OBJECTIVES,
    RAG,
    STAGE,
    Bars,
    Column,
    Document,
    Grid,
    Heading,
    Paragraph,
)
from nzcli.vocab import COLUMNS, natural_key

from .queries import COLUMN_SPECS

#: Version of the `report --format json` document. Bump on any incompatible change.
#: 2: count keys are identifiers (`no_update`, `not_rated`), a stage is a list of schemes.
REPORT_FORMAT_VERSION = 2
NO_UPDATE_TEXT = "No update for this period"
#: What a report of a draft period says on the page, under its title.
DRAFT_TEXT = "Draft — not published"


def identifier(key: str) -> str:
    """A counting key as JSON names it: "not rated" -> "not_rated"."""
    return key.replace(" ", "_")


STAGE_KEYS = [identifier(k) for k in [*(s.value for s in Stage), MIXED, NO_UPDATE]]
RAG_KEYS = [identifier(k) for k in [*(r.value for r in Rag), NOT_RATED]]

#: The source document's columns, in its order.
THEMED_COLUMNS = [
    Column("id", "ID"),
    Column("objectives", "Objective", OBJECTIVES),
    Column("action", "Action"),
    Column("role", "LCC role", LABEL),
    Column("partners", "Who may be involved", LIST),
    Column("timescale", "Timescale"),
    Column("cost", "Cost"),
    Column("carbon_saving", "Carbon saving"),
    Column("deliverability_score", "Deliverability", NUMBER),
    Column("stage", "Stage", STAGE),
    Column("rag", "RAG", RAG),
    Column("update", "Update"),
]
#: Cross-cutting actions carry only stage, RAG and update in the source.
CROSS_CUTTING_COLUMNS = [
    Column("id", "ID"),
    Column("action", "Action"),
    Column("stage", "Stage", STAGE),
    Column("rag", "RAG", RAG),
    Column("update", "Update"),
]


def build_report(
    plan: Plan,
    selection: Selection,
    data_file: str,
    title: str | None = None,
    stamp: str | None = None,
) -> dict[str, Any]:
    """The report as plain data (this is also the JSON format)."""
    period = selection.period
    chosen = selection.apply(plan)
    themes_out: list[dict[str, Any]] = []
    summary_rows: list[dict[str, Any]] = []
    for theme in plan.themes:
        actions = sorted(
            (a for a in chosen if a.theme == theme.key), key=lambda a: natural_key(a.id)
        )
        if not actions:
            continue
        sections: list[dict[str, Any]] = []
        order = [None, *theme.sections]
        for section in order:
            members = [a for a in actions if a.section == section]
            if members:
                sections.append(
                    {"name": section, "actions": [row(a, period, structured=True) for a in members]}
                )
        stage_counts = Counter(identifier(stage_key(a.updates.get(period.id))) for a in actions)
        rag_counts = Counter(identifier(rag_key(a.updates.get(period.id))) for a in actions)
        summary_rows.append(
            {
                "theme": theme.key,
                "name": theme.name,
                "actions": len(actions),
                "stage": {k: stage_counts.get(k, 0) for k in STAGE_KEYS},
                "rag": {k: rag_counts.get(k, 0) for k in RAG_KEYS},
            }
        )
        themes_out.append({"key": theme.key, "name": theme.name, "sections": sections})
    total = {
        "actions": sum(r["actions"] for r in summary_rows),
        "stage": {k: sum(r["stage"][k] for r in summary_rows) for k in STAGE_KEYS},
        "rag": {k: sum(r["rag"][k] for r in summary_rows) for k in RAG_KEYS},
    }
    keys = plan.keys
    filters = selection.filters.given()
    return {
        "format_version": REPORT_FORMAT_VERSION,
        "title": title or f"{plan.plan.title}: progress report, {period.name}",
        "organisation": plan.plan.organisation,
        "period": {"id": period.id, "name": period.name},
        "draft": period.status == "draft",
        "data_file": data_file,
        "generated": stamp,
        "filters": filters,
        "keys": {
            "stage": {s.value: keys.stage.get(s) for s in Stage} if keys else {},
            "rag": {r.value: keys.rag.get(r) for r in Rag} if keys else {},
        },
        "summary": {"themes": summary_rows, "total": total},
        "themes": themes_out,
    }


def _label(key: str) -> str:
    return key.replace("_", " ").capitalize()


def report_document(report: dict[str, Any]) -> Document:
    """Blocks for table/md/html, the report itself for JSON, one row per action for CSV."""
    period = report["period"]
    blocks: list[Any] = [Heading(report["title"], 1)]
    if report.get("draft"):
        blocks.append(Paragraph(f"{DRAFT_TEXT}: {period['name']} is still being gathered."))
    lines = [f"{report['organisation']}. Period: {period['name']} ({period['id']})."]
    lines.append(f"Data: {report['data_file']}")
    if report["filters"]:
        shown = "; ".join(
            f"{k.replace('_', '-')}: {', '.join(map(str, v)) if isinstance(v, list) else v}"
            for k, v in report["filters"].items()
        )
        lines.append(f"Filtered: {shown}")
    if report["generated"]:
        lines.append(f"Generated: {report['generated']}")
    blocks.append(Paragraph("\n".join(lines)))

    summary = report["summary"]
    total = summary["total"]
    blocks.append(Heading("Summary", 2))
    if total["actions"] == 0:
        blocks.append(Paragraph("No actions match these filters."))
    stage_cols = [k for k in STAGE_KEYS if total["stage"][k] or k in [s.value for s in Stage]]
    rag_cols = list(RAG_KEYS)
    entries = [*summary["themes"], {"name": "Total", **total}]
    for kind, keys_, caption in (
        ("stage", stage_cols, "Actions by theme and stage"),
        ("rag", rag_cols, "Actions by theme and RAG rating"),
    ):
        columns = [Column("theme", "Theme"), Column("actions", "Actions", NUMBER)] + [
            Column(k, _label(k), NUMBER) for k in keys_
        ]
        rows = [
            {"theme": e["name"], "actions": e["actions"], **{k: e[kind][k] for k in keys_}}
            for e in entries
        ]
        blocks.append(Grid(columns, rows, title=caption))
    blocks.append(Bars("By stage", [(_label(k), total["stage"][k]) for k in stage_cols]))
    blocks.append(Bars("By RAG rating", [(_label(k), total["rag"][k]) for k in rag_cols]))

    keys = report["keys"]
    if keys["stage"] or keys["rag"]:
        blocks.append(Heading("Key", 2))
        key_rows = [
            {"kind": "Project stage", "value": _label(k), "meaning": v}
            for k, v in keys["stage"].items()
            if v
        ] + [
            {"kind": "RAG rating", "value": _label(k), "meaning": v}
            for k, v in keys["rag"].items()
            if v
        ]
        blocks.append(
            Grid(
                [
                    Column("kind", "Key"),
                    Column("value", "Value"),
                    Column("meaning", "As worded in the plan"),
                ],
                key_rows,
            )
        )

    csv_rows = []
    for theme in report["themes"]:
        blocks.append(Heading(theme["name"], 2))
        cols = CROSS_CUTTING_COLUMNS if theme["key"] == "cross-cutting" else THEMED_COLUMNS
        for section in theme["sections"]:
            shown_rows = []
            for action in section["actions"]:
                action = dict(action, stage=stage_text(action["stage"]))
                csv_rows.append(action)
                if action["update"] is None and action["stage"] is None:
                    action = dict(action, update=NO_UPDATE_TEXT)
                shown_rows.append(action)
            if section["name"]:
                blocks.append(Heading(section["name"], 3))
            blocks.append(Grid(cols, shown_rows))

    csv = Grid([COLUMN_SPECS[k] for k in COLUMNS], csv_rows)
    return Document(
        blocks=blocks,
        json=report,
        csv=csv,
        title=report["title"],
        meta={"count": total["actions"], "report": report},
    )
