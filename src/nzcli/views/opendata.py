"""The plan as open data: related tables with types and keys, for `export --format
datapackage` (a Frictionless Data Package) and `export --format sqlite`.

One table per kind of thing, each with a primary key, joined by foreign keys: periods,
themes, sections, partners and their aliases, actions, the partners of each action, each
action's update for each period, and the stages of each update (always a list of schemes,
as in JSON: one row with an empty scheme for an action with one stage).
"""

from __future__ import annotations

import re
from typing import Any

from nzcli.model import PERIOD_ID, Plan, Rag, Role, Stage
from nzcli.render import Document
from nzcli.render.document import Table, TableField

#: Version of the open data tables (their names, fields and keys). Bump on any incompatible
#: change; it is the data package's `format_version` too.
OPENDATA_FORMAT_VERSION = 1

F = TableField
_ID = F("id", description="Action ID, as printed in the plan (T17).", required=True)


def _objectives(value: Any) -> str | None:
    if value is None:
        return None
    return "all" if value == "all" else "; ".join(str(v) for v in value)


def plan_tables(plan: Plan) -> list[Table]:
    """The plan's tables, in an order where every table comes after those it refers to."""
    periods = Table(
        "periods",
        "Reporting periods, oldest first.",
        [
            F("id", description="YYYY-MM.", required=True, pattern=PERIOD_ID.pattern),
            F("name", description="As reports name it.", required=True),
            F("status", description="draft or published.", enum=("draft", "published")),
            F("published", "date", "The date it was published, when known."),
        ],
        [
            {"id": p.id, "name": p.name, "status": p.status, "published": p.published}
            for p in sorted(plan.periods, key=lambda p: p.id)
        ],
        ["id"],
    )
    themes = Table(
        "themes",
        "The plan's themes, in document order.",
        [
            F("key", description="The theme's key (transport).", required=True),
            F("name", required=True),
            F("prefix", description="The letters its action IDs start with.", required=True),
            F("position", "integer", "Its place in the document, from 1.", required=True),
        ],
        [
            {"key": t.key, "name": t.name, "prefix": t.prefix, "position": i}
            for i, t in enumerate(plan.themes, 1)
        ],
        ["key"],
    )
    sections = Table(
        "sections",
        "Section headings within each theme, in document order.",
        [
            F("theme", required=True),
            F("name", required=True),
            F("position", "integer", "Its place in the theme, from 1.", required=True),
        ],
        [
            {"theme": t.key, "name": s, "position": i}
            for t in plan.themes
            for i, s in enumerate(t.sections, 1)
        ],
        ["theme", "name"],
        [(["theme"], "themes", ["key"])],
    )
    partners = Table(
        "partners",
        "Partners named in 'Who may be involved', by their canonical name.",
        [F("name", required=True)],
        [{"name": p.name} for p in plan.partners],
        ["name"],
    )
    aliases = Table(
        "partner_aliases",
        "Other spellings of partners' names.",
        [F("alias", required=True), F("partner", required=True)],
        [{"alias": a, "partner": p.name} for p in plan.partners for a in p.aliases],
        ["alias"],
        [(["partner"], "partners", ["name"])],
    )
    levels = "S, M or L, or a range such as S/M"
    ratings = "L, M or H, or a range such as M/H"
    actions = Table(
        "actions",
        "One row per action, in document order.",
        [
            _ID,
            F("theme", required=True),
            F("section", description="Its section heading; empty when it has none."),
            F("objectives", description="Objective numbers (1; 2), or all."),
            F("action", description="The action, in the plan's words.", required=True),
            F("role", description="The council's role.", enum=tuple(Role.values())),
            F("owner", description="Who is responsible for its updates."),
            F("timescale", description=levels),
            F("cost", description=f"Cost to the council: {ratings}."),
            F("carbon_saving", description=ratings),
            F("deliverability_score", "number", "As printed in the plan."),
            F("score_note", description="Why the printed score differs from the rule."),
            F("added_in", description="The period it was added in."),
            F("position", "integer", "Its place in the data file, from 1.", required=True),
        ],
        [
            {
                "id": a.id,
                "theme": a.theme,
                "section": a.section,
                "objectives": _objectives(a.objectives),
                "action": a.action,
                "role": a.role.value if a.role else None,
                "owner": a.owner,
                "timescale": a.timescale,
                "cost": a.cost,
                "carbon_saving": a.carbon_saving,
                "deliverability_score": a.deliverability_score,
                "score_note": a.score_note,
                "added_in": a.added_in,
                "position": i,
            }
            for i, a in enumerate(plan.actions, 1)
        ],
        ["id"],
        [(["theme"], "themes", ["key"]), (["added_in"], "periods", ["id"])],
    )
    action_partners = Table(
        "action_partners",
        "The partners who may be involved in each action, in the plan's order.",
        [
            F("action_id", required=True),
            F("partner", required=True),
            F("position", "integer", "Its place in the action's list, from 1.", required=True),
        ],
        [
            {"action_id": a.id, "partner": p, "position": i}
            for a in plan.actions
            for i, p in enumerate(a.partners, 1)
        ],
        ["action_id", "partner"],
        [(["action_id"], "actions", ["id"]), (["partner"], "partners", ["name"])],
    )
    updates = Table(
        "updates",
        "Each action's progress update for each period it has one for.",
        [
            F("action_id", required=True),
            F("period", required=True),
            F("rag", description="RAG rating; empty when not rated.", enum=tuple(Rag.values())),
            F("text", description="The update, in the council's words."),
        ],
        [
            {
                "action_id": a.id,
                "period": pid,
                "rag": u.rag.value if u.rag else None,
                "text": u.text,
            }
            for a in plan.actions
            for pid, u in sorted(a.updates.items())
        ],
        ["action_id", "period"],
        [(["action_id"], "actions", ["id"]), (["period"], "periods", ["id"])],
    )
    stages = Table(
        "update_stages",
        "The stage of each update: one row, with no scheme, for an action with one stage; "
        "one row per scheme for a multi-scheme action (T17).",
        [
            F("action_id", required=True),
            F("period", required=True),
            F("position", "integer", "The scheme's place, from 1.", required=True),
            F("scheme", description="The scheme, as printed; empty for a single stage."),
            F("stage", required=True, enum=tuple(Stage.values())),
        ],
        [
            {"action_id": a.id, "period": pid, "position": i, "scheme": scheme, "stage": stage}
            for a in plan.actions
            for pid, u in sorted(a.updates.items())
            for i, (scheme, stage) in enumerate(_stages(u), 1)
        ],
        ["action_id", "period", "position"],
        [(["action_id", "period"], "updates", ["action_id", "period"])],
    )
    return [periods, themes, sections, partners, aliases, actions, action_partners, updates, stages]


def _stages(update: Any) -> list[tuple[str | None, str]]:
    if update.schemes:
        return [(s.scheme, s.stage.value) for s in update.schemes]
    return [(None, update.stage.value)] if update.stage is not None else []


def package_name(title: str) -> str:
    """A data package name from a title: lower case, words joined by '-'."""
    return re.sub(r"[^a-z0-9]+", "-", title.casefold()).strip("-") or "nzcli-plan"


def opendata_view(plan: Plan) -> Document:
    """`nzcli export --format datapackage|sqlite`: the plan's tables."""
    info = plan.plan
    return Document(
        blocks=[],
        tables=plan_tables(plan),
        title=info.title,
        meta={
            "package": {
                "name": package_name(info.title),
                "title": info.title,
                "organisation": info.organisation,
                "source": info.source,
                "contact": info.contact,
                "format_version": OPENDATA_FORMAT_VERSION,
            }
        },
    )
