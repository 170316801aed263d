"""The typed model of a climate action plan (pydantic v2). No I/O here.

The YAML file maps one-to-one onto these models: `Plan.model_validate(data)` checks the
shape and values of every field; cross-references (theme, section, partner, period) are
checked by `cross_references`, which `nzcli.check` and `nzcli.store` both use.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from enum import Enum
from functools import cached_property
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    field_validator,
    model_validator,
)

# ---------------------------------------------------------------------------------------------
# Enumerations


class _Ordered(str, Enum):
    """A str enum whose declaration order is its natural order."""

    @property
    def rank(self) -> int:
        return list(type(self)).index(self)

    @property
    def label(self) -> str:
        return str(self.value).capitalize()

    @classmethod
    def parse(cls, text: str) -> _Ordered:
        """Case-insensitive lookup by value or alias; raises ValueError listing valid values."""
        key = text.strip().lower()
        key = _ALIASES.get(cls.__name__, {}).get(key, key)
        for member in cls:
            if member.value == key:
                return member
        raise ValueError(f"{text!r} is not a {cls.__name__.lower()}")

    @classmethod
    def values(cls) -> list[str]:
        return [m.value for m in cls]


class Role(_Ordered):
    """The council's role in an action."""

    LEAD = "lead"
    ASK = "ask"
    INFLUENCE = "influence"


class Stage(_Ordered):
    """Project stage, in the order work moves through it."""

    DISCOVERY = "discovery"
    DESIGN = "design"
    DELIVERY = "delivery"
    COMPLETED = "completed"


class Rag(_Ordered):
    """RAG rating, worst first. The source's key calls amber "Orange"."""

    RED = "red"
    AMBER = "amber"
    GREEN = "green"


#: Other spellings accepted on the command line (never written to the data file).
_ALIASES: dict[str, dict[str, str]] = {
    "Stage": {
        "complete": "completed",
        "in discovery": "discovery",
        "in design": "design",
        "in delivery": "delivery",
    },
    "Rag": {"orange": "amber", "r": "red", "a": "amber", "g": "green"},
}

#: The label used wherever an action has no RAG rating for a period.
NOT_RATED = "not rated"

# ---------------------------------------------------------------------------------------------
# Ordinal scales and ranges ("S/M", "M/H")

TIMESCALE_LEVELS: tuple[str, ...] = ("S", "M", "L")
RATING_LEVELS: tuple[str, ...] = ("L", "M", "H")
TIMESCALE_NAMES = {"S": "short", "M": "medium", "L": "long"}
RATING_NAMES = {"L": "low", "M": "medium", "H": "high"}


def range_members(value: str) -> list[str]:
    """The members of a range value: "S/M" -> ["S", "M"]."""
    return value.split("/")


def canonical_range(text: str, levels: tuple[str, ...]) -> str | None:
    """Normalise user input such as "s / m" or "M-L" to "S/M"; None when it is not a range."""
    parts = [p for p in re.split(r"[\s/,\-]+", text.strip().upper()) if p]
    if not parts or any(p not in levels for p in parts):
        return None
    return "/".join(sorted(set(parts), key=levels.index))


def _range_validator(levels: tuple[str, ...], what: str) -> Any:
    def validate(value: str) -> str:
        members = value.split("/")
        ranks = [levels.index(m) if m in levels else -1 for m in members]
        if -1 in ranks or ranks != sorted(set(ranks)):
            allowed = ", ".join(levels)
            hint = canonical_range(value, levels)
            suggestion = f" (did you mean {hint!r}?)" if hint and hint != value else ""
            raise ValueError(
                f"{value!r} is not a {what}; use one of {allowed}, or a range in that order "
                f"joined by '/', such as {levels[0]}/{levels[1]}{suggestion}"
            )
        return value

    return AfterValidator(validate)


Timescale = Annotated[str, _range_validator(TIMESCALE_LEVELS, "timescale")]
Rating = Annotated[str, _range_validator(RATING_LEVELS, "rating")]

PERIOD_ID = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")

# ---------------------------------------------------------------------------------------------
# Models


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True, use_enum_values=False)


class PlanInfo(_Model):
    title: str
    organisation: str
    source: str | None = None


class Keys(_Model):
    """The wording of the stage and RAG keys, as printed in the source document."""

    stage: dict[Stage, str]
    rag: dict[Rag, str]


class Period(_Model):
    id: str
    name: str

    @field_validator("id")
    @classmethod
    def _id_format(cls, value: str) -> str:
        if not PERIOD_ID.match(value):
            raise ValueError(f"period id {value!r} must be YYYY-MM, such as 2024-06")
        return value


class Theme(_Model):
    key: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")
    name: str
    prefix: str = Field(pattern=r"^[A-Z]{1,3}$")
    sections: list[str] = Field(default_factory=list)


class Partner(_Model):
    name: str = Field(min_length=1)
    aliases: list[str] = Field(default_factory=list)


class SchemeStage(_Model):
    """The stage of one scheme within a multi-scheme action (T17's rail schemes)."""

    scheme: str = Field(min_length=1)
    stage: Stage


class Update(_Model):
    """One action's progress report for one period."""

    stage: Stage | None = None
    schemes: list[SchemeStage] | None = None
    rag: Rag | None = None
    text: str | None = None

    @model_validator(mode="after")
    def _one_kind_of_stage(self) -> Update:
        if self.stage is not None and self.schemes is not None:
            raise ValueError("give either 'stage' or 'schemes', not both")
        if self.schemes is not None and not self.schemes:
            raise ValueError("'schemes' needs at least one scheme")
        return self

    @property
    def stages(self) -> list[Stage]:
        """Every stage this update reports (one, or one per scheme)."""
        if self.schemes:
            return [s.stage for s in self.schemes]
        return [self.stage] if self.stage is not None else []

    @property
    def stage_label(self) -> str:
        """Stage in words: "Design", or "MMLe: Delivery; Ivanhoe Line: Design"."""
        if self.schemes:
            return "; ".join(f"{s.scheme}: {s.stage.label}" for s in self.schemes)
        return self.stage.label if self.stage is not None else ""


def _no_bool(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError("must be a number")
    return value


Objectives = list[Annotated[int, Field(ge=1)]] | Literal["all"] | None


class Action(_Model):
    id: str = Field(pattern=r"^[A-Z]{1,3}[0-9]+[a-z]?$")
    theme: str
    section: str | None = None
    objectives: Objectives = None
    action: str = Field(min_length=1)
    role: Role | None = None
    partners: list[str] = Field(default_factory=list)
    timescale: Timescale | None = None
    cost: Rating | None = None
    carbon_saving: Rating | None = None
    deliverability_score: Annotated[int | float | None, Field(ge=0)] = None
    updates: dict[str, Update] = Field(default_factory=dict)
    added_in: str | None = None

    @field_validator("deliverability_score", mode="before")
    @classmethod
    def _score_is_number(cls, value: Any) -> Any:
        return _no_bool(value)

    def update_for(self, period: str) -> Update | None:
        return self.updates.get(period)

    @property
    def objectives_label(self) -> str:
        if self.objectives is None:
            return ""
        if self.objectives == "all":
            return "All"
        return ", ".join(str(o) for o in self.objectives)


class Plan(_Model):
    """A whole plan: metadata, keys, periods, themes, partner vocabulary and actions."""

    plan: PlanInfo
    keys: Keys | None = None
    periods: list[Period] = Field(min_length=1)
    themes: list[Theme] = Field(min_length=1)
    partners: list[Partner] = Field(default_factory=list)
    actions: list[Action] = Field(default_factory=list)

    _source: str | None = PrivateAttr(default=None)

    @property
    def source_path(self) -> str | None:
        """The file this plan was loaded from, when it came from a file."""
        return self._source

    # -- indexes (built once per loaded plan) -------------------------------------------------

    @cached_property
    def _actions_by_id(self) -> dict[str, Action]:
        return {a.id.upper(): a for a in self.actions}

    @cached_property
    def _themes_by_key(self) -> dict[str, Theme]:
        return {t.key: t for t in self.themes}

    @cached_property
    def _partner_lookup(self) -> dict[str, str]:
        """Casefolded name or alias -> canonical name."""
        lookup: dict[str, str] = {}
        for p in self.partners:
            lookup.setdefault(p.name.casefold(), p.name)
            for alias in p.aliases:
                lookup.setdefault(alias.casefold(), p.name)
        return lookup

    def action(self, action_id: str) -> Action | None:
        return self._actions_by_id.get(action_id.strip().upper())

    def theme(self, key: str) -> Theme | None:
        return self._themes_by_key.get(key)

    def canonical_partner(self, name: str) -> str | None:
        return self._partner_lookup.get(name.strip().casefold())

    @property
    def period_ids(self) -> list[str]:
        return sorted(p.id for p in self.periods)

    @property
    def latest_period(self) -> Period:
        return max(self.periods, key=lambda p: p.id)

    def period(self, period_id: str) -> Period | None:
        return next((p for p in self.periods if p.id == period_id), None)

    def actions_in_theme(self, key: str) -> Iterator[Action]:
        return (a for a in self.actions if a.theme == key)


# ---------------------------------------------------------------------------------------------
# Cross-references: things a single field cannot know


def cross_references(plan: Plan) -> Iterator[tuple[tuple[str | int, ...], str, str]]:
    """Yield (location, action id or "", message) for each broken cross-reference."""
    period_ids = {p.id for p in plan.periods}
    seen_periods: set[str] = set()
    for i, period in enumerate(plan.periods):
        if period.id in seen_periods:
            yield ("periods", i, "id"), "", f"duplicate period id {period.id!r}"
        seen_periods.add(period.id)

    seen_keys: set[str] = set()
    seen_prefixes: set[str] = set()
    for i, theme in enumerate(plan.themes):
        if theme.key in seen_keys:
            yield ("themes", i, "key"), "", f"duplicate theme key {theme.key!r}"
        if theme.prefix in seen_prefixes:
            yield ("themes", i, "prefix"), "", f"duplicate theme prefix {theme.prefix!r}"
        seen_keys.add(theme.key)
        seen_prefixes.add(theme.prefix)

    names: dict[str, str] = {}
    for i, entry in enumerate(plan.partners):
        for j, spelling in enumerate([entry.name, *entry.aliases]):
            folded = spelling.casefold()
            if folded in names and names[folded] != entry.name:
                loc: tuple[str | int, ...] = (
                    ("partners", i, "name") if j == 0 else ("partners", i, "aliases", j - 1)
                )
                yield (
                    loc,
                    "",
                    (f"partner spelling {spelling!r} is already used by {names[folded]!r}"),
                )
            names.setdefault(folded, entry.name)
    canonical = {p.name for p in plan.partners}
    theme_keys = sorted(plan._themes_by_key)

    seen_ids: dict[str, int] = {}
    for i, action in enumerate(plan.actions):
        aid = action.id
        if aid.upper() in seen_ids:
            yield (
                ("actions", i, "id"),
                aid,
                (f"duplicate action id {aid!r} (first used by actions[{seen_ids[aid.upper()]}])"),
            )
        else:
            seen_ids[aid.upper()] = i
        action_theme = plan.theme(action.theme)
        if action_theme is None:
            yield (
                ("actions", i, "theme"),
                aid,
                (f"unknown theme {action.theme!r}; known themes: {', '.join(theme_keys)}"),
            )
        else:
            if not aid.startswith(action_theme.prefix):
                yield (
                    ("actions", i, "id"),
                    aid,
                    (
                        f"id does not start with theme {action_theme.key!r}'s "
                        f"prefix {action_theme.prefix!r}"
                    ),
                )
            if action.section is not None and action.section not in action_theme.sections:
                yield (
                    ("actions", i, "section"),
                    aid,
                    (
                        f"unknown section {action.section!r} for theme {action_theme.key!r}; "
                        f"known sections: {', '.join(action_theme.sections) or '(none)'}"
                    ),
                )
        for j, partner in enumerate(action.partners):
            if partner in canonical:
                continue
            known = plan.canonical_partner(partner)
            hint = (
                f"; {partner!r} is an alias of {known!r}, use the canonical name"
                if known
                else "; add it to the partners list first"
            )
            yield ("actions", i, "partners", j), aid, f"unknown partner {partner!r}{hint}"
        if len(set(action.partners)) != len(action.partners):
            yield ("actions", i, "partners"), aid, "a partner is listed twice"
        for period_id in action.updates:
            if period_id not in period_ids:
                yield (
                    ("actions", i, "updates", period_id),
                    aid,
                    (
                        f"unknown period {period_id!r}; "
                        f"known periods: {', '.join(sorted(period_ids))}"
                    ),
                )
        if action.added_in is not None and action.added_in not in period_ids:
            yield ("actions", i, "added_in"), aid, f"unknown period {action.added_in!r}"


# ---------------------------------------------------------------------------------------------
# The deliverability score rule (docs/deliverability.md)

#: Points per level: sooner, cheaper and bigger-saving actions score higher.
TIMESCALE_POINTS = {"S": 3, "M": 2, "L": 1}
COST_POINTS = {"L": 3, "M": 2, "H": 1}
CARBON_POINTS = {"L": 1, "M": 2, "H": 3}


def _points(value: str, table: dict[str, int]) -> float:
    members = range_members(value)
    return sum(table[m] for m in members) / len(members)


def expected_score(action: Action) -> float | None:
    """timescale points x cost points x carbon-saving points; a range scores its members' mean.

    None when any of the three is unknown.
    """
    if action.timescale is None or action.cost is None or action.carbon_saving is None:
        return None
    return (
        _points(action.timescale, TIMESCALE_POINTS)
        * _points(action.cost, COST_POINTS)
        * _points(action.carbon_saving, CARBON_POINTS)
    )


def format_number(value: float | None) -> str:
    """18.0 -> "18", 7.5 -> "7.5", None -> ""."""
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"
