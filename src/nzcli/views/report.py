"""The period progress report: a structure built from the plan, then a `render.Document`.

The report mirrors the council's published update, led by what a committee reads first: a
title, the period (and a banner when it is a draft), the headline counts and what changed
since the previous period; then a summary by theme of stage and RAG counts ("not rated" and
"no update" counted apart, never hidden), the trend across periods, the key to every code,
then each theme's actions section by section with the source's columns.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from nzcli.groups import MIXED, NO_UPDATE
from nzcli.model import NOT_RATED, Action, Plan, Rag, Stage
from nzcli.query import Selection, row, stage_text
from nzcli.render import (
    LABEL,
    LIST,
    NUMBER,
    OBJECTIVES,
    RAG,
    REF,
    STAGE,
    Bars,
    Block,
    Column,
    Contents,
    Document,
    Grid,
    Heading,
    Notice,
    PageBreak,
    Paragraph,
    Trend,
)
from nzcli.vocab import COLUMNS, natural_key

from .codes import key_blocks
from .progress import (
    CHANGE_EXPLAINED,
    CHANGE_GROUPS,
    CHANGE_TITLES,
    RAG_KEYS,
    STAGE_KEYS,
    changes_since,
    counts,
    identifier,
    previous_period,
    trend,
)
from .queries import COLUMN_SPECS

#: Version of the `report --format json` document. Bump on any incompatible change.
#: 2: count keys are identifiers (`no_update`, `not_rated`) and RAG counts have "no update"
#: apart from "not rated"; a stage is a list of schemes; `source` (the data file's name, or
#: --source-label) replaces `data_file` (its path); `draft`, `published`, `contact`,
#: `changes` and `trend` are new.
REPORT_FORMAT_VERSION = 2
NO_UPDATE_TEXT = "No update for this period"
#: What a report of a draft period says in a banner under its title.
DRAFT_TEXT = "Draft — not published. These updates are still being gathered and may change."

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
    source: str,
    title: str | None = None,
    stamp: str | None = None,
) -> dict[str, Any]:
    """The report as plain data (this is also the JSON format). `source` names the data
    (the file's name, or --source-label), never a path on the machine."""
    period = selection.period
    chosen = selection.apply(plan)
    themes_out: list[dict[str, Any]] = []
    summary_rows: list[dict[str, Any]] = []
    by_theme: dict[str, list[Action]] = {}
    for action in chosen:  # one pass, not one per theme
        by_theme.setdefault(action.theme, []).append(action)
    for theme in plan.themes:
        actions = by_theme.get(theme.key)
        if not actions:
            continue
        actions.sort(key=lambda a: natural_key(a.id))
        by_section: dict[str | None, list[Action]] = {}
        for action in actions:
            by_section.setdefault(action.section, []).append(action)
        sections: list[dict[str, Any]] = []
        order = [None, *theme.sections]
        for section in order:
            members = by_section.get(section)
            if members:
                sections.append(
                    {"name": section, "actions": [row(a, period, structured=True) for a in members]}
                )
        summary_rows.append(
            {"theme": theme.key, "name": theme.name, "actions": len(actions)}
            | counts(actions, period)
        )
        themes_out.append({"key": theme.key, "name": theme.name, "sections": sections})
    total = {
        "actions": sum(r["actions"] for r in summary_rows),
        "stage": {k: sum(r["stage"][k] for r in summary_rows) for k in STAGE_KEYS},
        "rag": {k: sum(r["rag"][k] for r in summary_rows) for k in RAG_KEYS},
    }
    keys = plan.keys
    filters = selection.filters.given()
    before = previous_period(plan, period)
    return {
        "format_version": REPORT_FORMAT_VERSION,
        "title": title or f"{plan.plan.title}: progress report, {period.name}",
        "organisation": plan.plan.organisation,
        "period": {"id": period.id, "name": period.name},
        "draft": period.status == "draft",
        "published": period.published,
        "contact": plan.plan.contact,
        "source": source,
        "generated": stamp,
        "filters": filters,
        "keys": {
            "stage": {s.value: keys.stage.get(s) for s in Stage} if keys else {},
            "rag": {r.value: keys.rag.get(r) for r in Rag} if keys else {},
        },
        "summary": {"themes": summary_rows, "total": total},
        "changes": changes_since(chosen, before, period) if before is not None else None,
        "trend": trend(plan, chosen, period),
        "themes": themes_out,
    }


def _words(key: str) -> str:
    """A counting key as a person reads it: "no_update" -> "no update"."""
    return key.replace("_", " ")


def _label(key: str) -> str:
    return _words(key).capitalize()


def _long_date(iso: str) -> str:
    """2024-01-15 -> 15 January 2024 (as written in the plan's metadata when it is not a
    date)."""
    try:
        day = date.fromisoformat(iso)
    except ValueError:
        return iso
    return f"{day.day} {day:%B %Y}"


def _shown_counts(counts_: dict[str, int], always: list[str]) -> list[str]:
    return [k for k in counts_ if counts_[k] or k in always]


def report_document(report: dict[str, Any]) -> Document:
    """Blocks for table/md/html/docx, the report itself for JSON, one row per action for
    CSV."""
    blocks: list[Block] = [Heading(report["title"], 1)]
    if report["draft"]:
        blocks.append(Notice(DRAFT_TEXT))
    blocks.append(Paragraph("\n".join(about_lines(report))))
    blocks.append(Contents())
    blocks += first_page(report)
    blocks += _summary(report)
    blocks += key_blocks(report["keys"])
    blocks.append(PageBreak())  # the actions begin on a page of their own

    csv_rows = []
    for theme in report["themes"]:
        blocks.append(Heading(theme["name"], 2, anchor=theme["key"]))
        cols = theme_columns(theme)
        for section in theme["sections"]:
            shown_rows = []
            for action in section["actions"]:  # each row made once, shared where alike
                as_text = dict(action, stage=stage_text(action["stage"]))
                csv_rows.append(as_text)
                shown_rows.append(_shown(as_text))
            if section["name"]:
                anchor = f"{theme['key']}-{_slug(section['name'])}"
                blocks.append(Heading(section["name"], 3, anchor=anchor))
            blocks.append(Grid(cols, shown_rows, anchor="id"))

    csv = Grid([COLUMN_SPECS[k] for k in COLUMNS], csv_rows)
    return Document(
        blocks=blocks,
        json=report,
        csv=csv,
        title=report["title"],
        meta={"count": report["summary"]["total"]["actions"], "report": report},
    )


def theme_columns(theme: dict[str, Any]) -> list[Column]:
    """A theme's columns in the report: the source's own (fewer for cross-cutting)."""
    return CROSS_CUTTING_COLUMNS if theme["key"] == "cross-cutting" else THEMED_COLUMNS


def shown_actions(section: dict[str, Any]) -> list[dict[str, Any]]:
    """A section's actions as the report shows them: the stage in words, and "No update for
    this period" (RAG "no update") for an action with nothing for the period."""
    return [_shown(dict(a, stage=stage_text(a["stage"]))) for a in section["actions"]]


def _shown(action: dict[str, Any]) -> dict[str, Any]:
    """A row with its stage in words as the report shows it (`shown_actions`): itself, or
    for an action with nothing for the period a copy saying so."""
    if action["update"] is None and action["stage"] is None and action["rag"] is None:
        return dict(action, update=NO_UPDATE_TEXT, rag=NO_UPDATE)
    return action


def _slug(text: str) -> str:
    out = "".join(c if c.isalnum() else "-" for c in text.casefold())
    return "-".join(part for part in out.split("-") if part)


def about_lines(report: dict[str, Any]) -> list[str]:
    """The lines under the title: who, which period, when published, who to contact, the
    data it came from, the filters, the time of writing."""
    period = report["period"]
    lines = [f"{report['organisation']}. Period: {period['name']} ({period['id']})."]
    if report["published"]:
        lines.append(f"Published {_long_date(report['published'])}.")
    if report["contact"]:
        lines.append(f"Contact: {report['contact']}")
    lines.append(f"Data: {report['source']}")
    if report["filters"]:
        shown = "; ".join(
            f"{k.replace('_', '-')}: {', '.join(map(str, v)) if isinstance(v, list) else v}"
            for k, v in report["filters"].items()
        )
        lines.append(f"Filtered: {shown}")
    if report["generated"]:
        lines.append(f"Generated: {report['generated']}")
    return lines


def first_page(report: dict[str, Any]) -> list[Block]:
    """What a committee reads first: the headline counts, and what changed since the
    previous period when there is one."""
    total = report["summary"]["total"]
    stage = total["stage"]
    rag = total["rag"]
    stage_parts = [
        f"{stage[k]} {'mixed (schemes at different stages)' if k == MIXED else _words(k)}"
        for k in _shown_counts(stage, [s.value for s in Stage])
    ]
    rag_parts = [f"{rag[k]} {_words(k)}" for k in _shown_counts(rag, [r.value for r in Rag])]
    noun = "action" if total["actions"] == 1 else "actions"
    blocks: list[Block] = [
        Heading("At a glance", 2, anchor="at-a-glance"),
        Paragraph(
            f"{total['actions']} {noun} in this report.\n"
            f"By stage: {', '.join(stage_parts)}.\n"
            f"By RAG rating: {', '.join(rag_parts)}."
        ),
    ]
    changes = report["changes"]
    if changes is None:
        blocks.append(Paragraph("There is no earlier reporting period to compare with."))
        return blocks
    since = changes["since"]
    blocks.append(Heading(f"What changed since {since['name']}", 2, anchor="changes"))
    columns = [Column("id", "ID", REF), Column("action", "Action"), Column("change", "Change")]
    for group in CHANGE_GROUPS:
        entries = changes[group]
        title = f"{CHANGE_TITLES[group]} ({len(entries)}): {CHANGE_EXPLAINED[group]}"
        if entries:
            blocks.append(Grid(columns, entries, title=title))
        else:
            blocks.append(Paragraph(f"{CHANGE_TITLES[group]}: none ({CHANGE_EXPLAINED[group]})."))
    return blocks


def _count_columns(total: dict[str, Any]) -> tuple[list[str], list[str]]:
    """The stage and RAG counts a summary shows: every stage and RAG value, "not rated",
    and mixed or "no update" when any action is so."""
    stage_cols = _shown_counts(total["stage"], [s.value for s in Stage])
    rag_cols = _shown_counts(total["rag"], [*(r.value for r in Rag), identifier(NOT_RATED)])
    return stage_cols, rag_cols


def summary_grids(report: dict[str, Any]) -> list[Grid]:
    """The summary's two tables: actions by theme and stage, by theme and RAG rating."""
    summary = report["summary"]
    stage_cols, rag_cols = _count_columns(summary["total"])
    entries = [*summary["themes"], {"name": "Total", **summary["total"]}]
    grids = []
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
        grids.append(Grid(columns, rows, title=caption))
    return grids


def _summary(report: dict[str, Any]) -> list[Block]:
    total = report["summary"]["total"]
    blocks: list[Block] = [Heading("Summary", 2, anchor="summary")]
    if total["actions"] == 0:
        blocks.append(Paragraph("No actions match these filters."))
    blocks += summary_grids(report)
    stage_cols, rag_cols = _count_columns(total)
    blocks.append(Bars("By stage", [(_label(k), total["stage"][k]) for k in stage_cols]))
    blocks.append(Bars("By RAG rating", [(_label(k), total["rag"][k]) for k in rag_cols]))
    return blocks + trends(report)


def trends(report: dict[str, Any]) -> list[Trend]:
    """Stage and RAG counts by period (none with one period)."""
    periods = report["trend"]
    if not periods:
        return []
    names = [p["name"] for p in periods]
    out = []
    for kind, all_keys, caption in (
        ("stage", STAGE_KEYS, "Stage by period"),
        ("rag", RAG_KEYS, "RAG rating by period"),
    ):
        shown = [k for k in all_keys if any(p[kind][k] for p in periods)]
        series = [(_label(k), [p[kind][k] for p in periods]) for k in shown]
        out.append(Trend(caption, names, series))
    return out
