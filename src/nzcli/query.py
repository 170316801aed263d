"""Pure filtering, sorting and grouping over a loaded plan. Returns plain data, never prints.

Filter semantics (docs/querying.md): a repeated flag is OR, different flags AND; values are
case-insensitive; a range value (timescale S/M, cost M/H) matches any of its members; stage and
RAG read one period (the latest unless another is chosen).
"""

from __future__ import annotations

import difflib
import fnmatch
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from .errors import NotFound, UsageError
from .model import (
    NOT_RATED,
    RATING_LEVELS,
    TIMESCALE_LEVELS,
    Action,
    Period,
    Plan,
    Rag,
    Role,
    Stage,
    Update,
    canonical_range,
    range_members,
)

#: Row columns, in order, with these names in CSV and JSON.
COLUMNS: tuple[str, ...] = (
    "id",
    "theme",
    "section",
    "objectives",
    "action",
    "role",
    "partners",
    "timescale",
    "cost",
    "carbon_saving",
    "deliverability_score",
    "period",
    "stage",
    "rag",
    "update",
)
#: What a terminal table shows unless --columns says otherwise.
DEFAULT_TABLE_COLUMNS: tuple[str, ...] = ("id", "action", "role", "timescale", "stage", "rag")

NO_UPDATE = "no update"
MIXED = "mixed"
#: What `--rag` accepts for "no rating".
UNRATED_WORDS = ("unrated", NOT_RATED, "none", "not-rated")
NO_SECTION = "none"

# ---------------------------------------------------------------------------------------------
# Suggestions


def did_you_mean(value: str, choices: Iterable[str]) -> str:
    """ "; did you mean 'x'?" when a choice is close to `value`, else "."."""
    folded: dict[str, str] = {}
    for c in choices:
        folded.setdefault(c.casefold(), c)  # the first spelling given wins ("transport")
    close = difflib.get_close_matches(value.strip().casefold(), list(folded), n=3, cutoff=0.6)
    if not close:
        return "."
    return "; did you mean " + " or ".join(repr(folded[c]) for c in close) + "?"


def unknown(
    kind: str,
    value: str,
    valid: Sequence[str],
    flag: str | None = None,
    suggest_from: Sequence[str] | None = None,
    limit: int = 40,
) -> UsageError:
    """UsageError: `--flag: unknown kind 'x'; did you mean 'y'? Valid kinds: a, b, c.`"""
    where = f"{flag}: " if flag else ""
    listed = ", ".join(valid[:limit])
    if len(valid) > limit:
        listed += f", … ({len(valid)} in all)"
    hint = did_you_mean(value, suggest_from if suggest_from is not None else valid)
    return UsageError(f"{where}unknown {kind} {value!r}{hint} Valid {kind}s: {listed}.")


# ---------------------------------------------------------------------------------------------
# Periods


_MONTHS = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
]


def resolve_period(plan: Plan, text: str | None) -> Period:
    """`latest`, `2023-12`, `december-2023`, `dec-2023`, `"December 2023"` -> a Period."""
    if text is None or text.strip().casefold() == "latest":
        return plan.latest_period
    wanted = parse_period_id(text)
    for period in plan.periods:
        if period.id == wanted or period.name.casefold() == text.strip().casefold():
            return period
    ordered = sorted(plan.periods, key=lambda p: p.id)
    hint = did_you_mean(text, ["latest", *[p.id for p in ordered], *[p.name for p in ordered]])
    names = ", ".join(f"{p.id} ({p.name})" for p in ordered)
    raise NotFound(f"unknown period {text!r}{hint} Known periods: {names}, or latest.")


def parse_period_id(text: str) -> str | None:
    """ "2023-12", "december-2023", "Dec 2023", "2023 dec" -> "2023-12"; None otherwise."""
    t = text.strip().casefold()
    if re.fullmatch(r"\d{4}-\d{2}", t):
        return t
    m = re.fullmatch(r"([a-z]+)[\s\-_/]+(\d{4})", t)
    year, word = (m.group(2), m.group(1)) if m else (None, None)
    if m is None:
        m = re.fullmatch(r"(\d{4})[\s\-_/]+([a-z]+)", t)
        year, word = (m.group(1), m.group(2)) if m else (None, None)
    if year is None or word is None or len(word) < 3:
        return None
    month = next((i for i, name in enumerate(_MONTHS, 1) if name.startswith(word)), None)
    return f"{year}-{month:02d}" if month else None


def find_action(plan: Plan, action_id: str) -> Action:
    """The action with this ID (any case); NotFound suggesting the closest IDs."""
    action = plan.action(action_id)
    if action is not None:
        return action
    ids = sorted((a.id for a in plan.actions), key=natural_key)
    close = difflib.get_close_matches(action_id.strip().upper(), ids, n=3, cutoff=0.5)
    hint = f"; did you mean {' or '.join(close)}?" if close else "."
    raise NotFound(f"no action with ID {action_id!r}{hint} Run `nzcli list` to see all IDs.")


# ---------------------------------------------------------------------------------------------
# Filters


@dataclass
class Filters:
    """Filter values as typed by a user (validated by `resolve`)."""

    theme: list[str] = field(default_factory=list)
    section: list[str] = field(default_factory=list)
    role: list[str] = field(default_factory=list)
    rag: list[str] = field(default_factory=list)
    stage: list[str] = field(default_factory=list)
    timescale: list[str] = field(default_factory=list)
    partner: list[str] = field(default_factory=list)
    objective: list[str] = field(default_factory=list)
    cost: list[str] = field(default_factory=list)
    carbon: list[str] = field(default_factory=list)
    min_score: float | None = None
    max_score: float | None = None
    search: list[str] = field(default_factory=list)
    id: list[str] = field(default_factory=list)
    period: str | None = None

    def any_set(self) -> bool:
        return any(
            getattr(self, name) not in (None, [])
            for name in self.__dataclass_fields__
            if name != "period"
        )


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
    period = resolve_period(plan, filters.period)
    pid = period.id
    preds: list[Predicate] = []

    if filters.theme:
        keys = {_theme_key(plan, t) for t in filters.theme}
        preds.append(lambda a: a.theme in keys)

    if filters.section:
        all_sections = [s for t in plan.themes for s in t.sections]
        wanted: set[str | None] = set()
        for value in filters.section:
            v = value.strip().casefold()
            if v in (NO_SECTION, "(none)"):
                wanted.add(None)
                continue
            found = [s for s in all_sections if s.casefold() == v]
            if not found:
                raise unknown(
                    "section", value, [*dict.fromkeys(all_sections), NO_SECTION], "--section"
                )
            wanted.update(found)
        preds.append(lambda a: a.section in wanted)

    if filters.role:
        roles = {_enum(Role, r, "role", "--role") for r in filters.role}
        preds.append(lambda a: a.role in roles)

    if filters.stage:
        stages = {_enum(Stage, s, "stage", "--stage") for s in filters.stage}
        preds.append(lambda a: bool(stages.intersection(_stages(a, pid))))

    if filters.rag:
        rags: set[Rag | None] = set()
        for value in filters.rag:
            if value.strip().casefold() in UNRATED_WORDS:
                rags.add(None)
            else:
                rags.add(_enum(Rag, value, "RAG rating", "--rag", extra=["unrated"]))
        preds.append(lambda a: _rag(a, pid) in rags)

    if filters.timescale:
        members = _levels(filters.timescale, TIMESCALE_LEVELS, "timescale", "--timescale")
        preds.append(
            lambda a: (
                a.timescale is not None and bool(members.intersection(range_members(a.timescale)))
            )
        )
    if filters.cost:
        cost = _levels(filters.cost, RATING_LEVELS, "cost", "--cost")
        preds.append(
            lambda a: a.cost is not None and bool(cost.intersection(range_members(a.cost)))
        )
    if filters.carbon:
        carbon = _levels(filters.carbon, RATING_LEVELS, "carbon saving", "--carbon")
        preds.append(
            lambda a: (
                a.carbon_saving is not None
                and bool(carbon.intersection(range_members(a.carbon_saving)))
            )
        )

    if filters.partner:
        names = {resolve_partner(plan, p) for p in filters.partner}
        preds.append(lambda a: bool(names.intersection(a.partners)))

    if filters.objective:
        objectives: set[int | str] = set()
        for value in filters.objective:
            v = value.strip().casefold()
            if v == "all":
                objectives.add("all")
            elif v.isdigit() and int(v) > 0:
                objectives.add(int(v))
            else:
                raise UsageError(
                    f"--objective: {value!r} is not an objective; use a number such as 2, or 'all'"
                )
        preds.append(lambda a: _objective_match(a, objectives))

    if filters.min_score is not None:
        low = filters.min_score
        preds.append(lambda a: a.deliverability_score is not None and a.deliverability_score >= low)
    if filters.max_score is not None:
        high = filters.max_score
        preds.append(
            lambda a: a.deliverability_score is not None and a.deliverability_score <= high
        )

    if filters.search:
        needles = [s.casefold() for s in filters.search if s.strip()]
        preds.append(lambda a: any(n in _haystack(a, pid) for n in needles))

    if filters.id:
        patterns = [p.strip().upper() for p in filters.id]
        preds.append(lambda a: any(fnmatch.fnmatchcase(a.id.upper(), p) for p in patterns))

    return Selection(period=period, predicates=preds, filters=filters)


def _theme_key(plan: Plan, value: str) -> str:
    v = value.strip().casefold()
    for theme in plan.themes:
        if v in (theme.key, theme.name.casefold(), theme.prefix.casefold()):
            return theme.key
    valid = [t.key for t in plan.themes]
    raise unknown(
        "theme", value, valid, "--theme", suggest_from=valid + [t.name for t in plan.themes]
    )


def _enum(enum: Any, value: str, kind: str, flag: str, extra: Sequence[str] = ()) -> Any:
    try:
        return enum.parse(value)
    except ValueError:
        raise unknown(kind, value, [*enum.values(), *extra], flag) from None


def _levels(values: Sequence[str], levels: tuple[str, ...], kind: str, flag: str) -> set[str]:
    out: set[str] = set()
    for value in values:
        canonical = canonical_range(value, levels)
        if canonical is None:
            raise UsageError(
                f"{flag}: {value!r} is not a {kind}; valid values: "
                f"{', '.join(levels)} (or a range such as {levels[0]}/{levels[1]})"
            )
        out.update(range_members(canonical))
    return out


def resolve_partner(plan: Plan, name: str, flag: str | None = "--partner") -> str:
    canonical = plan.canonical_partner(name)
    if canonical is not None:
        return canonical
    spellings = [p.name for p in plan.partners] + [a for p in plan.partners for a in p.aliases]
    where = f"{flag}: " if flag else ""
    raise UsageError(
        f"{where}unknown partner {name!r}{did_you_mean(name, spellings)} Run `nzcli "
        f"partners` to list all {len(plan.partners)} partners."
    )


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
        wanted = [r for r in selection.filters.rag if r.strip().casefold() not in UNRATED_WORDS]
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


def row(action: Action, period: Period) -> dict[str, Any]:
    """One action as a row: plain values, `COLUMNS` keys, null for unknown."""
    update = action.updates.get(period.id)
    return {
        "id": action.id,
        "theme": action.theme,
        "section": action.section,
        "objectives": action.objectives,
        "action": action.action,
        "role": action.role.value if action.role else None,
        "partners": list(action.partners),
        "timescale": action.timescale,
        "cost": action.cost,
        "carbon_saving": action.carbon_saving,
        "deliverability_score": action.deliverability_score,
        "period": period.id,
        "stage": stage_value(update),
        "rag": update.rag.value if update and update.rag else None,
        "update": update.text if update else None,
    }


# ---------------------------------------------------------------------------------------------
# Ordering


def natural_key(text: str) -> tuple[Any, ...]:
    """T2 before T10: digits compare as numbers."""
    return tuple(
        (0, int(part), "") if part.isdigit() else (1, 0, part.casefold())
        for part in re.findall(r"\d+|\D+", text)
    )


SORTABLE = (*COLUMNS,)


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
        if column == "period":
            return 0
        if column == "update":
            return (update.text or "").casefold() if update else "\uffff"
        if column == "action":
            return action.action.casefold()
        raise AssertionError(column)

    return key


def order(
    plan: Plan,
    actions: list[Action],
    period: Period,
    sort: Sequence[str] = (),
    reverse: bool = False,
) -> list[Action]:
    """Document order of themes, then natural ID; `sort` columns first, in the order given."""
    columns = [normalise_column(c, "--sort") for c in sort]
    theme_rank = {t.key: i for i, t in enumerate(plan.themes)}
    unknown_theme = len(theme_rank)
    # one sort on (theme, natural id): what sorting by id and then, stably, by theme gives
    out = sorted(
        actions, key=lambda a: (theme_rank.get(a.theme, unknown_theme), natural_key(a.id))
    )
    for column in reversed(columns):
        out.sort(key=sort_key(plan, column, period))
    if reverse:
        out.reverse()
    return out


_COLUMN_ALIASES = {
    "carbon": "carbon_saving",
    "score": "deliverability_score",
    "deliverability": "deliverability_score",
    "objective": "objectives",
    "partner": "partners",
    "text": "update",
}


def normalise_column(name: str, flag: str) -> str:
    key = name.strip().casefold().replace("-", "_")
    key = _COLUMN_ALIASES.get(key, key)
    if key not in COLUMNS:
        raise unknown("column", name, list(COLUMNS), flag)
    return key


def parse_columns(text: str | None) -> list[str] | None:
    if text is None:
        return None
    columns = [normalise_column(c, "--columns") for c in text.split(",") if c.strip()]
    if not columns:
        raise UsageError("--columns: give at least one column, such as id,action,stage")
    return columns


# ---------------------------------------------------------------------------------------------
# Grouping (summary)

GROUPABLE = ("theme", "section", "role", "stage", "rag", "timescale", "cost", "carbon_saving")


def stage_key(update: Update | None) -> str:
    """One action's stage for counting: a stage value, "mixed" when its schemes are at
    different stages, or "no update"."""
    stages = set(update.stages) if update is not None else set()
    if not stages:
        return NO_UPDATE
    return MIXED if len(stages) > 1 else next(iter(stages)).value


def rag_key(update: Update | None) -> str:
    """One action's RAG for counting: a RAG value or "not rated"."""
    return update.rag.value if update is not None and update.rag is not None else NOT_RATED


def group_value(plan: Plan, action: Action, by: str, period: Period) -> str:
    """The group an action falls in for `summary --by`."""
    update = action.updates.get(period.id)
    if by == "theme":
        theme = plan.theme(action.theme)
        return theme.name if theme else action.theme
    if by == "section":
        return action.section or "(no section)"
    if by == "role":
        return action.role.label if action.role else "(none)"
    if by == "stage":
        if update is not None and not update.stages:
            return "(none)"
        key = stage_key(update)
        return "Mixed (by scheme)" if key == MIXED else key.capitalize()
    if by == "rag":
        return rag_key(update).capitalize()
    value = {
        "timescale": action.timescale,
        "cost": action.cost,
        "carbon_saving": action.carbon_saving,
    }[by]
    return value or "(none)"


def group_order(plan: Plan, by: str) -> Callable[[str], Any]:
    """Natural order of group labels."""
    if by == "theme":
        names = [t.name for t in plan.themes]
        return lambda v: (names.index(v) if v in names else len(names), v)
    if by == "section":
        sections = list(dict.fromkeys(s for t in plan.themes for s in t.sections))
        return lambda v: (sections.index(v) if v in sections else len(sections), v)
    if by in ("role", "stage", "rag"):
        enum: Any = {"role": Role, "stage": Stage, "rag": Rag}[by]
        labels = [m.label for m in enum]
        return lambda v: (labels.index(v) if v in labels else len(labels), v)
    levels = TIMESCALE_LEVELS if by == "timescale" else RATING_LEVELS

    def scale(v: str) -> Any:
        members = v.split("/")
        if all(m in levels for m in members):
            return (0, tuple(levels.index(m) for m in members))
        return (1, (v,))

    return scale


def normalise_group(name: str) -> str:
    key = name.strip().casefold().replace("-", "_")
    key = {"carbon": "carbon_saving"}.get(key, key)
    if key not in GROUPABLE:
        raise unknown(
            "field",
            name,
            ["theme", "section", "role", "stage", "rag", "timescale", "cost", "carbon"],
            "--by",
        )
    return key
