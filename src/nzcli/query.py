"""Filtering, rows and ordering over a loaded plan: pure functions, plain data, no printing.

Filter semantics (docs/querying.md): a repeated flag is OR, different flags AND; values are
case-insensitive; a range value (timescale S/M, cost M/H) matches any of its members; stage and
RAG read one period (the latest unless another is chosen). The spellings themselves are read
by `nzcli.vocab`.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, fields
from typing import Any

from . import vocab
from .model import (
    RATING_LEVELS,
    TIMESCALE_LEVELS,
    Action,
    Period,
    Plan,
    Rag,
    Stage,
    Update,
    range_members,
)
from .vocab import COLUMNS, natural_key

#: What a terminal table shows unless --columns says otherwise.
DEFAULT_TABLE_COLUMNS: tuple[str, ...] = ("id", "action", "role", "timescale", "stage", "rag")

# ---------------------------------------------------------------------------------------------
# Filters


def _filter(*flags: str, metavar: str, help: str, complete: str | None = None) -> dict[str, Any]:
    """A filter field's metadata: how it is typed on the command line (flags, metavar, what
    completes it) and what it does, for --help and the API's docs."""
    return {"flags": flags, "metavar": metavar, "help": help, "complete": complete}


@dataclass
class Filters:
    """Filter values as a user typed them (checked against the plan by `resolve`).

    The one declaration of the filters: `nzcli.cli.spec` makes the command-line options of
    `list`, `summary`, `report` and `diff` from these fields."""

    theme: list[str] = field(
        default_factory=list,
        metadata=_filter(
            "--theme",
            "-t",
            metavar="THEME",
            complete="theme",
            help='Theme key, name or ID prefix: transport, "Transport", T.',
        ),
    )
    section: list[str] = field(
        default_factory=list,
        metadata=_filter(
            "--section",
            metavar="NAME",
            complete="section",
            help="Section heading, e.g. \"Public Transport\"; 'none' for actions without one.",
        ),
    )
    role: list[str] = field(
        default_factory=list,
        metadata=_filter("--role", metavar="ROLE", complete="role", help="lead, ask or influence."),
    )
    rag: list[str] = field(
        default_factory=list,
        metadata=_filter(
            "--rag",
            metavar="RAG",
            complete="rag",
            help="red, amber (or orange), green, or unrated.",
        ),
    )
    stage: list[str] = field(
        default_factory=list,
        metadata=_filter(
            "--stage",
            metavar="STAGE",
            complete="stage",
            help="discovery, design, delivery or completed (matches any scheme's stage).",
        ),
    )
    timescale: list[str] = field(
        default_factory=list,
        metadata=_filter(
            "--timescale",
            metavar="S|M|L",
            help="S, M or L; matches ranges containing it (L matches M/L).",
        ),
    )
    partner: list[str] = field(
        default_factory=list,
        metadata=_filter(
            "--partner", "-p", metavar="NAME", complete="partner", help="Partner name or alias."
        ),
    )
    objective: list[str] = field(
        default_factory=list,
        metadata=_filter(
            "--objective",
            metavar="N",
            help="Objective number (actions for 'All' objectives match any), or 'all'.",
        ),
    )
    cost: list[str] = field(
        default_factory=list,
        metadata=_filter("--cost", metavar="L|M|H", help="Cost to the council."),
    )
    carbon: list[str] = field(
        default_factory=list, metadata=_filter("--carbon", metavar="L|M|H", help="Carbon saving.")
    )
    min_score: str | None = field(
        default=None,
        metadata=_filter("--min-score", metavar="N", help="Deliverability score at least N."),
    )
    max_score: str | None = field(
        default=None,
        metadata=_filter("--max-score", metavar="N", help="Deliverability score at most N."),
    )
    search: list[str] = field(
        default_factory=list,
        metadata=_filter(
            "--search",
            "-s",
            metavar="TEXT",
            help="Text in the action, the period's update or a partner name (any case).",
        ),
    )
    id: list[str] = field(
        default_factory=list,
        metadata=_filter(
            "--id", metavar="PATTERN", complete="id", help="Action ID or pattern: T17, 'T*', 'B1?'."
        ),
    )
    owner: list[str] = field(
        default_factory=list,
        metadata=_filter(
            "--owner",
            metavar="NAME",
            complete="owner",
            help="The officer or team responsible (any case), or 'none' for no owner.",
        ),
    )
    period: str | None = field(
        default=None,
        metadata=_filter(
            "--period",
            metavar="PERIOD",
            complete="period",
            help="Period for stage, RAG and update: 2023-12, december-2023 (default: latest).",
        ),
    )

    def given(self) -> dict[str, Any]:
        """The filters that were given (not the period), by name."""
        return {
            f.name: getattr(self, f.name)
            for f in fields(self)
            if f.name != "period" and getattr(self, f.name) not in (None, [])
        }


#: The names of the filter options, in declaration order.
FILTER_NAMES: tuple[str, ...] = tuple(f.name for f in fields(Filters))
#: Each filter's option ("--min-score") -> its name ("min_score"), for messages in Python.
FILTER_FLAGS: dict[str, str] = {f.metadata["flags"][0]: f.name for f in fields(Filters)}

Predicate = Callable[[Action], bool]


@dataclass
class Selection:
    """Validated filters, ready to apply to one period."""

    period: Period
    predicates: list[Predicate]
    filters: Filters

    def apply(self, plan: Plan) -> list[Action]:
        # one pass per filter, each over what the last kept: no generator per action, and
        # the later filters see only the actions still in (a large plan's hot path)
        actions = list(plan.actions)
        for predicate in self.predicates:
            actions = [a for a in actions if predicate(a)]
        return actions


def resolve(plan: Plan, filters: Filters) -> Selection:
    """Check every filter value against the plan; raise UsageError naming the valid ones."""
    period = vocab.resolve_period(plan, filters.period)
    pid = period.id
    preds: list[Predicate] = []

    if filters.theme:
        keys = {vocab.theme_key(plan, t) for t in filters.theme}
        preds.append(lambda a: a.theme in keys)

    if filters.section:
        wanted: set[str | None] = set()
        for value in filters.section:
            wanted |= vocab.section_names(plan, value)
        preds.append(lambda a: a.section in wanted)

    if filters.role:
        roles = {vocab.parse_role(r) for r in filters.role}
        preds.append(lambda a: a.role in roles)

    if filters.stage:
        stages = {vocab.parse_one_stage(s) for s in filters.stage}
        preds.append(lambda a: bool(stages.intersection(_stages(a, pid))))

    if filters.rag:
        rags = {vocab.parse_rag(r) for r in filters.rag}
        preds.append(lambda a: _rag(a, pid) in rags)

    for values, levels, kind, flag, attribute in (
        (filters.timescale, TIMESCALE_LEVELS, "timescale", "--timescale", "timescale"),
        (filters.cost, RATING_LEVELS, "cost", "--cost", "cost"),
        (filters.carbon, RATING_LEVELS, "carbon saving", "--carbon", "carbon_saving"),
    ):
        if values:
            preds.append(_level_match(values, levels, kind, flag, attribute))

    if filters.partner:
        names = {vocab.partner_name(plan, p) for p in filters.partner}
        preds.append(lambda a: bool(names.intersection(a.partners)))

    if filters.objective:
        objectives = {vocab.parse_objective(v) for v in filters.objective}
        preds.append(lambda a: _objective_match(a, objectives))

    if filters.min_score is not None:
        low = vocab.parse_score(filters.min_score, "--min-score")
        preds.append(lambda a: a.deliverability_score is not None and a.deliverability_score >= low)
    if filters.max_score is not None:
        high = vocab.parse_score(filters.max_score, "--max-score")
        preds.append(
            lambda a: a.deliverability_score is not None and a.deliverability_score <= high
        )

    if filters.search:
        needles = [s.casefold() for s in filters.search if s.strip()]
        preds.append(lambda a: any(n in _haystack(a, pid) for n in needles))

    if filters.owner:
        owners: set[str | None] = set()
        for value in filters.owner:
            owners |= vocab.owner_names(plan, value)
        preds.append(lambda a: a.owner in owners)

    if filters.id:
        patterns = [p.strip().upper() for p in filters.id]
        preds.append(lambda a: any(fnmatch.fnmatchcase(a.id.upper(), p) for p in patterns))

    return Selection(period=period, predicates=preds, filters=filters)


def _level_match(
    values: Sequence[str], levels: tuple[str, ...], kind: str, flag: str, attribute: str
) -> Predicate:
    members: set[str] = set()
    for value in values:
        members.update(range_members(vocab.parse_level(value, levels, kind, flag)))

    def match(action: Action) -> bool:
        level = getattr(action, attribute)
        return level is not None and bool(members.intersection(range_members(level)))

    return match


def _objective_match(action: Action, wanted: set[int | str]) -> bool:
    if action.objectives is None:
        return False
    if action.objectives == "all":
        return True  # "All" objectives covers every objective number
    return bool(wanted.intersection(action.objectives))


def _stages(action: Action, period: str) -> list[Stage]:
    update = action.updates.get(period)
    return update.stages if update else []


def _rag(action: Action, period: str) -> Rag | None:
    update = action.updates.get(period)
    return update.rag if update else None


def _haystack(action: Action, period: str) -> str:
    update = action.updates.get(period)
    parts = [action.action, *(action.partners)]
    if update is not None and update.text:
        parts.append(update.text)
    return "\n".join(parts).casefold()


def empty_reason(plan: Plan, selection: Selection) -> str:
    """What to say on stderr when a selection matches nothing."""
    period = selection.period
    if selection.filters.rag and not any(
        (u := a.updates.get(period.id)) is not None and u.rag is not None for a in plan.actions
    ):
        wanted = [r for r in selection.filters.rag if vocab.parse_rag(r) is not None]
        if wanted:
            return (
                f"No actions match: no action has a RAG rating for {period.name} "
                f"({period.id}). Use --rag unrated to list them, or --period for "
                "another period."
            )
    return "No actions match these filters."


# ---------------------------------------------------------------------------------------------
# Rows


def stage_value(update: Update | None) -> str | None:
    """A single stage's value ("design"), or for a multi-scheme action
    "Scheme A: delivery; Scheme B: design" (the form `import` reads back)."""
    if update is None:
        return None
    if update.schemes:
        return "; ".join(f"{s.scheme}: {s.stage.value}" for s in update.schemes)
    return update.stage.value if update.stage is not None else None


def stage_list(update: Update | None) -> list[dict[str, str | None]]:
    """The stage in JSON's one shape: a list of schemes, always. `[{"scheme": null, "stage":
    "design"}]` for an action with one stage; one entry per scheme, in order, for a
    multi-scheme action (T17); `[]` when the period has no stage for it."""
    if update is None:
        return []
    if update.schemes:
        return [{"scheme": s.scheme, "stage": s.stage.value} for s in update.schemes]
    return [{"scheme": None, "stage": update.stage.value}] if update.stage is not None else []


def stage_text(stages: list[dict[str, str | None]]) -> str | None:
    """A `stage_list` as `stage_value` writes it: "design", "A: delivery; B: design"."""
    if not stages:
        return None
    return "; ".join(
        f"{s['scheme']}: {s['stage']}" if s["scheme"] else str(s["stage"]) for s in stages
    )


def row(action: Action, period: Period, structured: bool = False) -> dict[str, Any]:
    """One action as a row: plain values, `COLUMNS` keys, null for unknown. The stage is
    text (`stage_value`) for tables and CSV, or with `structured`, JSON's list of schemes
    (`stage_list`)."""
    update = action.updates.get(period.id)
    return {
        "id": action.id,
        "theme": action.theme,
        "section": action.section,
        "objectives": action.objectives,
        "action": action.action,
        "role": action.role.value if action.role else None,
        "partners": list(action.partners),
        "owner": action.owner,
        "timescale": action.timescale,
        "cost": action.cost,
        "carbon_saving": action.carbon_saving,
        "deliverability_score": action.deliverability_score,
        "period": period.id,
        "stage": stage_list(update) if structured else stage_value(update),
        "rag": update.rag.value if update and update.rag else None,
        "update": update.text if update else None,
    }


# ---------------------------------------------------------------------------------------------
# Ordering


def sort_key(plan: Plan, column: str, period: Period) -> Callable[[Action], Any]:
    """A key function giving the natural order of a column (unknowns sort last)."""
    theme_rank = {t.key: i for i, t in enumerate(plan.themes)}
    section_rank = {(t.key, s): j for t in plan.themes for j, s in enumerate(t.sections)}
    pid = period.id

    def scale(value: str | None, levels: tuple[str, ...]) -> tuple[Any, ...]:
        if value is None:
            return (1, ())
        return (0, tuple(levels.index(m) for m in range_members(value)))

    def key(action: Action) -> Any:
        update = action.updates.get(pid)
        if column == "id":
            return natural_key(action.id)
        if column == "theme":
            return theme_rank.get(action.theme, len(theme_rank))
        if column == "section":
            return (
                theme_rank.get(action.theme, 99),
                section_rank.get((action.theme, action.section or ""), 999),
            )
        if column == "role":
            return action.role.rank if action.role else 99
        if column == "stage":
            stages = update.stages if update else []
            return min((s.rank for s in stages), default=99)
        if column == "rag":
            return update.rag.rank if update and update.rag else 99
        if column == "timescale":
            return scale(action.timescale, TIMESCALE_LEVELS)
        if column == "cost":
            return scale(action.cost, RATING_LEVELS)
        if column == "carbon_saving":
            return scale(action.carbon_saving, RATING_LEVELS)
        if column == "deliverability_score":
            s = action.deliverability_score
            return (s is None, s or 0)
        if column == "objectives":
            o = action.objectives
            return (0, ()) if o == "all" else (2, ()) if o is None else (1, tuple(o))
        if column == "partners":
            return [p.casefold() for p in action.partners]
        if column == "owner":
            return (action.owner is None, (action.owner or "").casefold())
        if column == "period":
            return 0
        if column == "update":
            return (update.text or "").casefold() if update else "\uffff"
        if column == "action":
            return action.action.casefold()
        raise AssertionError(column)

    return key


def blank(column: str, period: Period) -> Callable[[Action], bool]:
    """Whether an action has no value in a column for the period (sorted last, both ways)."""
    pid = period.id

    def update_of(action: Action) -> Update | None:
        return action.updates.get(pid)

    tests: dict[str, Callable[[Action], bool]] = {
        "section": lambda a: a.section is None,
        "objectives": lambda a: a.objectives is None,
        "role": lambda a: a.role is None,
        "partners": lambda a: not a.partners,
        "timescale": lambda a: a.timescale is None,
        "cost": lambda a: a.cost is None,
        "carbon_saving": lambda a: a.carbon_saving is None,
        "deliverability_score": lambda a: a.deliverability_score is None,
        "stage": lambda a: not ((u := update_of(a)) is not None and u.stages),
        "rag": lambda a: (u := update_of(a)) is None or u.rag is None,
        "update": lambda a: (u := update_of(a)) is None or not u.text,
    }
    return tests.get(column, lambda a: False)


def order(
    plan: Plan,
    actions: list[Action],
    period: Period,
    sort: Sequence[str] = (),
    reverse: bool = False,
) -> list[Action]:
    """Document order of themes, then natural ID; `sort` columns first, in the order given.

    `reverse` reverses the order, except that actions with no value in a sort column (no
    score, not rated, no section...) stay last, whichever way the rest is sorted."""
    columns = [vocab.parse_column(c, "--sort") for c in sort]
    theme_rank = {t.key: i for i, t in enumerate(plan.themes)}
    unknown_theme = len(theme_rank)
    # one sort on (theme, natural id): what sorting by id and then, stably, by theme gives
    out = sorted(
        actions,
        key=lambda a: (theme_rank.get(a.theme, unknown_theme), natural_key(a.id)),
        reverse=reverse,
    )
    for column in reversed(columns):
        empty = blank(column, period)
        filled = [a for a in out if not empty(a)]
        filled.sort(key=sort_key(plan, column, period), reverse=reverse)
        out = filled + [a for a in out if empty(a)]  # stable passes keep earlier ties
    return out


__all__ = [
    "COLUMNS",
    "DEFAULT_TABLE_COLUMNS",
    "FILTER_FLAGS",
    "FILTER_NAMES",
    "Filters",
    "Selection",
    "empty_reason",
    "order",
    "resolve",
    "row",
    "stage_list",
    "stage_text",
    "stage_value",
]
