"""The typed model of a climate action plan: plain records, no pydantic and no I/O here.

The YAML file maps one-to-one onto these records. `nzcli.schema` holds the rules (pydantic
models with the same fields) that check a file's data before `nzcli.records.plan_from_data`
makes records of it; what a single field cannot state (cross-references, the deliverability
score rule) is in `nzcli.rules`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum
from functools import cached_property
from typing import Any, Literal

# ---------------------------------------------------------------------------------------------
# Enumerations


class Ordered(str, Enum):
    """A str enum whose declaration order is its natural order (`nzcli.vocab` parses them)."""

    @property
    def rank(self) -> int:
        return list(type(self)).index(self)

    @property
    def label(self) -> str:
        return str(self.value).capitalize()

    @classmethod
    def values(cls) -> list[str]:
        return [m.value for m in cls]


class Role(Ordered):
    """The council's role in an action."""

    LEAD = "lead"
    ASK = "ask"
    INFLUENCE = "influence"


class Stage(Ordered):
    """Project stage, in the order work moves through it."""

    DISCOVERY = "discovery"
    DESIGN = "design"
    DELIVERY = "delivery"
    COMPLETED = "completed"


class Rag(Ordered):
    """RAG rating, worst first. The source's key calls amber "Orange"."""

    RED = "red"
    AMBER = "amber"
    GREEN = "green"


#: The label used wherever an action has no RAG rating for a period.
NOT_RATED = "not rated"

# ---------------------------------------------------------------------------------------------
# Ordinal scales and ranges ("S/M", "M/H")

TIMESCALE_LEVELS: tuple[str, ...] = ("S", "M", "L")
RATING_LEVELS: tuple[str, ...] = ("L", "M", "H")


def range_members(value: str) -> list[str]:
    """The members of a range value: "S/M" -> ["S", "M"]."""
    return value.split("/")


PERIOD_ID = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")

# ---------------------------------------------------------------------------------------------
# Records: the plan as the rest of nzcli reads it
#
# Plain, frozen dataclasses. The rules a valid plan follows (patterns, ranges, "stage or
# schemes") live in `nzcli.schema`, whose pydantic models check a file's data before any
# record is made from it; `plan_from_data` then builds these records from the validated data,
# in JSON form (as validated, or as kept in the plan cache). Keeping pydantic at that edge is
# what lets a cached query skip importing it (about 0.15 s of a 0.2 s `nzcli list`).
# The two sets of classes have the same fields in the same order (tests/test_model.py);
# keyword-only, so that order can be the file's.


@dataclass(frozen=True, kw_only=True)
class PlanInfo:
    """What the plan is: its title, the organisation whose plan it is, where the data came
    from, and whom to contact."""

    title: str
    organisation: str
    source: str | None = None
    #: Who to contact about the plan (a team, an address), as published reports show it.
    contact: str | None = None


@dataclass(frozen=True, kw_only=True)
class Keys:
    """The wording of the stage and RAG keys, as printed in the source document."""

    stage: dict[Stage, str]
    rag: dict[Rag, str]


@dataclass(frozen=True, kw_only=True)
class Period:
    """A reporting period: its id (YYYY-MM, "2023-12") and name ("December 2023")."""

    id: str
    name: str
    #: "draft" while updates are gathered (`period add`), "published" once `period publish`
    #: has run; a file's periods without a status are published.
    status: Literal["draft", "published"] = "published"
    #: The date (YYYY-MM-DD) the period was published, when known.
    published: str | None = None


@dataclass(frozen=True, kw_only=True)
class Theme:
    """A theme of the plan: its key ("transport"), name, the letters its action IDs start
    with, and its section headings in document order."""

    key: str
    name: str
    prefix: str
    sections: list[str] = field(default_factory=list)


@dataclass(frozen=True, kw_only=True)
class Partner:
    """A partner named in "Who may be involved": its canonical name and other spellings."""

    name: str
    aliases: list[str] = field(default_factory=list)


@dataclass(frozen=True, kw_only=True)
class SchemeStage:
    """The stage of one scheme within a multi-scheme action (T17's rail schemes)."""

    scheme: str
    stage: Stage


@dataclass(frozen=True, kw_only=True)
class Update:
    """One action's progress report for one period."""

    stage: Stage | None = None
    schemes: list[SchemeStage] | None = None
    rag: Rag | None = None
    text: str | None = None

    @property
    def stages(self) -> list[Stage]:
        """Every stage this update reports (one, or one per scheme)."""
        if self.schemes:
            return [s.stage for s in self.schemes]
        return [self.stage] if self.stage is not None else []

    @property
    def stage_label(self) -> str:
        """Stage in words: "Design", or "MMLe: Delivery; Ivanhoe: Design"."""
        if self.schemes:
            return "; ".join(f"{s.scheme}: {s.stage.label}" for s in self.schemes)
        return self.stage.label if self.stage is not None else ""


@dataclass(frozen=True, kw_only=True)
class Action:
    """One action of the plan, as the data file holds it.

    `updates` maps a period id ("2023-12") to that period's `Update`; `update_for` finds
    one by period in any form. `role`, `timescale`, `cost`, `carbon_saving` and the score
    are None where the plan gives none (the cross-cutting actions)."""

    id: str
    theme: str
    section: str | None = None
    objectives: list[int] | Literal["all"] | None = None
    action: str
    role: Role | None = None
    partners: list[str] = field(default_factory=list)
    #: The officer or team responsible for the action's updates.
    owner: str | None = None
    timescale: str | None = None
    cost: str | None = None
    carbon_saving: str | None = None
    deliverability_score: int | float | None = None
    #: Why the printed score differs from the rule, where the council's document says so.
    score_note: str | None = None
    updates: dict[str, Update] = field(default_factory=dict)
    added_in: str | None = None

    def update_for(self, period: str | Period) -> Update | None:
        """This action's update for a period, or None when it has none for it.

        `period` is a `Period` (`action.update_for(plan.latest_period)`) or a period id in
        any form a user types it: "2023-12", "december-2023", "Dec 2023". An action does not
        know its plan's periods, so "latest" and period names are refused (ValueError):
        use `plan.update_for(action, "latest")` for those.

            >>> t17.update_for(plan.latest_period).stages
            [<Stage.DELIVERY: 'delivery'>, <Stage.DESIGN: 'design'>, <Stage.DISCOVERY: ...>]
        """
        if isinstance(period, Period):
            return self.updates.get(period.id)
        if not isinstance(period, str):
            raise TypeError(f"update_for() takes a Period or a period id, not {period!r}")
        if period in self.updates:
            return self.updates[period]
        from .vocab import parse_period_id

        wanted = parse_period_id(period)
        if wanted is None:
            from .errors import UsageError

            raise UsageError(
                f"update_for({period!r}): not a period id; give a Period, an id such as "
                "'2023-12', or use plan.update_for(action, period) for 'latest' or a "
                "period's name"
            )
        return self.updates.get(wanted)


@dataclass(frozen=True, kw_only=True)
class Plan:
    """A whole plan: metadata, keys, periods, themes, partner vocabulary and actions.

    Load one with `nzcli.load_plan()`. Ask it what `nzcli list` would answer with
    `filter`, turn it into rows with `to_records` or a pandas DataFrame with
    `to_dataframe`, and find periods in any form a user types them with `period`:

        >>> plan = nzcli.load_plan()
        >>> [a.id for a in plan.filter(theme="transport", stage="design")][:3]
        ['T1', 'T3', 'T4']
    """

    plan: PlanInfo
    keys: Keys | None = None
    periods: list[Period]
    themes: list[Theme]
    partners: list[Partner] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)

    @property
    def source_path(self) -> str | None:
        """The file this plan was loaded from, when it came from a file."""
        return self.__dict__.get("_source")

    def with_source(self, path: str | None) -> Plan:
        """Note the file this plan came from (returns the plan itself)."""
        self.__dict__["_source"] = path
        return self

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
        """The action with this ID, any case ("t17"), or None."""
        return self._actions_by_id.get(action_id.strip().upper())

    def position(self, action: Action) -> int:
        """The index of `action` in `actions` (ValueError if it is not there), found by its
        id: as quick for the last of 100,000 actions as for the first."""
        actions = self.actions
        if type(actions) is not list:  # made as read (nzcli.storage.payload): its own index
            return actions.index(action)
        i = self._positions.get(action.id.upper())
        if i is None or (actions[i] is not action and actions[i] != action):
            return actions.index(action)
        return i

    @cached_property
    def _positions(self) -> dict[str, int]:
        return {a.id.upper(): i for i, a in enumerate(self.actions)}

    def theme(self, key: str) -> Theme | None:
        """The theme with this key ("transport"), or None."""
        return self._themes_by_key.get(key)

    def canonical_partner(self, name: str) -> str | None:
        """A partner's canonical name from its name or any alias, any case, or None."""
        return self._partner_lookup.get(name.strip().casefold())

    @property
    def period_ids(self) -> list[str]:
        """Every period's id, oldest first."""
        return sorted(p.id for p in self.periods)

    @property
    def latest_period(self) -> Period:
        """What "latest" means: the latest published period (a draft is still being
        gathered); the newest period only while none is published yet."""
        return self.latest_published or self.newest_period

    @property
    def latest_published(self) -> Period | None:
        """The latest published period; None while every period is a draft."""
        published = [p for p in self.periods if p.status == "published"]
        return max(published, key=lambda p: p.id) if published else None

    @property
    def newest_period(self) -> Period:
        """The period with the latest id, draft or published."""
        return max(self.periods, key=lambda p: p.id)

    @property
    def drafts(self) -> list[Period]:
        """The draft periods, oldest first."""
        return sorted((p for p in self.periods if p.status == "draft"), key=lambda p: p.id)

    def period(self, period: str | Period | None = None) -> Period | None:
        """A period of this plan by any name a user gives it: "latest" (or None), an id
        ("2023-12"), "december-2023", "Dec 2023", its name ("December 2023"), or a `Period`;
        None when the plan has no such period. (`nzcli.vocab.resolve_period`, which the
        command line uses, is the one reading of these.)"""
        if isinstance(period, Period):
            return next((p for p in self.periods if p.id == period.id), None)
        exact = next((p for p in self.periods if p.id == period), None)
        if exact is not None:
            return exact
        from .errors import NotFound
        from .vocab import resolve_period

        try:
            return resolve_period(self, period)
        except NotFound:
            return None

    def update_for(self, action: Action | str, period: str | Period | None = None) -> Update | None:
        """An action's (or an action ID's) update for a period in any form `period` takes
        ("latest" when not given); None when it has none for it. Raises NotFound (a
        LookupError) for an ID or period the plan does not have."""
        from .vocab import find_action, resolve_period

        chosen = resolve_period(self, period.id if isinstance(period, Period) else period)
        found = action if isinstance(action, Action) else find_action(self, action)
        return found.updates.get(chosen.id)

    # -- the Python API: the command line's answers as data ---------------------------------

    def filter(self, **filters: Any) -> list[Action]:
        """The actions `nzcli list` shows for these filters, in its order (themes in
        document order, then natural ID order): one implementation of the filters,
        `nzcli.query.resolve`, for the command line and Python alike.

        Each filter is a keyword named like its option (`theme`, `section`, `role`, `rag`,
        `stage`, `timescale`, `partner`, `objective`, `cost`, `carbon`, `min_score`,
        `max_score`, `search`, `id`, `owner`, `period`), and takes what the option takes, in any
        case, or a list of those (OR); different filters combine with AND. Enums, numbers
        and Periods are accepted as well as text:

            >>> plan.filter(theme="transport", rag=["red", "amber"])
            >>> plan.filter(stage=Stage.DESIGN, partner="Midlands Connect", period="latest")
            >>> plan.filter(rag="unrated", period=plan.latest_period)

        Raises UsageError (a ValueError) naming the valid values for one that is not, and
        TypeError for a keyword that is not a filter.
        """
        from .api import select

        return select(self, filters)

    def to_records(
        self, period: str | Period | None = None, **filters: Any
    ) -> list[dict[str, Any]]:
        """Each action (those `filter(**filters)` selects; all by default) as a plain dict,
        the row `nzcli list --format json` gives: `id`, `theme`, `section`, `objectives`,
        `action`, `role`, `partners`, `owner`, `timescale`, `cost`, `carbon_saving`,
        `deliverability_score`, `period`, `stage` (a list of {scheme, stage}), `rag`,
        `update`, for `period` (default: the latest)."""
        from .api import records

        return records(self, period, filters)

    def to_dataframe(self, period: str | Period | None = None, **filters: Any) -> Any:
        """The rows of `to_records` as a pandas DataFrame indexed by action ID, with the
        stage as text ("design"; "MMLe: delivery; Ivanhoe: design") so it filters like any
        column. Needs pandas (`pip install 'nzcli[dataframe]'`), imported only here."""
        from .api import dataframe

        return dataframe(self, period, filters)

    def without_update(self, period_id: str) -> list[Action]:
        """The actions with no update for a period (who still owes one), in file order."""
        return [a for a in self.actions if period_id not in a.updates]


def format_number(value: object) -> str:
    """18.0 -> "18", 7.5 -> "7.5", 12 -> "12", None -> ""."""
    if value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else f"{value:g}"
    return str(value)
