"""The typed model of a climate action plan: plain records, no pydantic and no I/O here.

The YAML file maps one-to-one onto these records. `nzcli.schema` holds the rules (pydantic
models with the same fields) that check a file's data before `plan_from_data` makes records of
it; cross-references (theme, section, partner, period) are checked by `cross_references`,
which `nzcli.check` and `nzcli.store` both use.
"""

from __future__ import annotations

import re
import typing
from collections.abc import Iterator
from dataclasses import dataclass, field, fields
from enum import Enum
from functools import cached_property
from typing import Any, Literal, TypeVar

_R = TypeVar("_R")

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


# ---------------------------------------------------------------------------------------------
# Building records from validated data, and back


def plan_from_data(data: dict[str, Any], actions: list[Action] | None = None) -> Plan:
    """The records for a validated plan's data in JSON form (``model_dump(mode="json")`` of a
    `nzcli.schema.Plan`, or the same read back from the cache): every key present, in field
    order. `data` is consumed (its dicts become the records' own). `actions`, when given, are
    the plan's actions already made (`action_from_data`), and replace ``data["actions"]``.
    Raises KeyError, TypeError or ValueError for data of any other shape."""
    _check(Plan, data)
    data["plan"] = _record(PlanInfo, data["plan"])
    keys = data["keys"]
    if keys is not None:
        _check(Keys, keys)
        keys["stage"] = {Stage(k): v for k, v in keys["stage"].items()}
        keys["rag"] = {Rag(k): v for k, v in keys["rag"].items()}
        data["keys"] = _new(Keys, keys)
    data["periods"] = [_record(Period, p) for p in data["periods"]]
    data["themes"] = [_record(Theme, t) for t in data["themes"]]
    data["partners"] = [_record(Partner, p) for p in data["partners"]]
    data["actions"] = [action_from_data(a) for a in data["actions"]] if actions is None else actions
    return _new(Plan, data)


def plan_data(plan: Plan) -> dict[str, Any]:
    """The plan as plain JSON data, keys exactly as in the YAML file (every key present)."""
    return record_data(plan)


def plan_json(plan: Plan) -> bytes:
    """The plan as compact JSON, equal to ``json.dumps(plan_data(plan))`` but made by the
    encoder directly (str enums are written as their values): the plan cache's payload."""
    import json

    text = json.dumps(
        plan,
        default=_fields_of,
        ensure_ascii=False,
        separators=(",", ":"),
        check_circular=False,
    )
    return text.encode("utf-8")


def _fields_of(record: Any) -> dict[str, Any]:
    if type(record) not in _RECORDS:
        raise TypeError(f"{type(record).__name__} is not a plan record")
    values: dict[str, Any] = record.__dict__
    names = field_names(type(record))
    if len(values) == len(names):  # just the fields, in order, as records are made
        return values
    return {name: values[name] for name in names}


def record_data(record: Any) -> dict[str, Any]:
    """A record (a plan, an action, ...) as plain JSON data, keys in field order."""
    return typing.cast(dict[str, Any], _plain(record))


_FIELDS: dict[type, tuple[str, ...]] = {}


def field_names(cls: type) -> tuple[str, ...]:
    names = _FIELDS.get(cls)
    if names is None:
        names = _FIELDS[cls] = tuple(f.name for f in fields(cls))
    return names


def _check(cls: type, data: Any) -> None:
    if type(data) is not dict or tuple(data) != field_names(cls):
        raise TypeError(f"{cls.__name__}: expected an object with keys {field_names(cls)}")


_object_setattr = object.__setattr__


def _new(cls: type[_R], values: dict[str, Any]) -> _R:
    record = cls.__new__(cls)
    _object_setattr(record, "__dict__", values)
    return record


def _record(cls: type[_R], values: Any) -> _R:
    _check(cls, values)
    return _new(cls, values)


_ROLES = dict(Role._value2member_map_)
_STAGES = dict(Stage._value2member_map_)
_RAGS = dict(Rag._value2member_map_)
_ACTION_FIELDS = field_names(Action)
_UPDATE_FIELDS = field_names(Update)


def action_from_data(values: Any) -> Action:
    """One action's record from its validated data in JSON form (see `plan_from_data`)."""
    # Written out flat (no helper calls, dicts changed in place): this runs 100,000 times
    # for a large plan, and is most of the time a cached plan takes to load.
    if type(values) is not dict or tuple(values) != _ACTION_FIELDS:
        _check(Action, values)
    role = values["role"]
    if role is not None:
        values["role"] = _ROLES[role]
    updates = values["updates"]
    for period, update in updates.items():
        if type(update) is not dict or tuple(update) != _UPDATE_FIELDS:
            _check(Update, update)
        stage = update["stage"]
        if stage is not None:
            update["stage"] = _STAGES[stage]
        schemes = update["schemes"]
        if schemes is not None:
            update["schemes"] = [_scheme(s) for s in schemes]
        rag = update["rag"]
        if rag is not None:
            update["rag"] = _RAGS[rag]
        record = _make(Update)
        _object_setattr(record, "__dict__", update)
        updates[period] = record
    action = _make(Action)
    _object_setattr(action, "__dict__", values)
    return action


_make = object.__new__


def _scheme(values: Any) -> SchemeStage:
    _check(SchemeStage, values)
    values["stage"] = _STAGES[values["stage"]]
    return _new(SchemeStage, values)


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {_plain(k): _plain(v) for k, v in value.items()}
    if type(value) in _RECORDS:
        return {name: _plain(getattr(value, name)) for name in field_names(type(value))}
    return value


_RECORDS = frozenset({PlanInfo, Keys, Period, Theme, Partner, SchemeStage, Update, Action, Plan})

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


def score_working(action: Action) -> list[tuple[str, str, float]] | None:
    """The rule's working for an action: (what, its value, its points) for timescale, cost
    and carbon saving, whose product is `expected_score`; None when any is unknown."""
    if action.timescale is None or action.cost is None or action.carbon_saving is None:
        return None
    return [
        ("timescale", action.timescale, _points(action.timescale, TIMESCALE_POINTS)),
        ("cost", action.cost, _points(action.cost, COST_POINTS)),
        ("carbon saving", action.carbon_saving, _points(action.carbon_saving, CARBON_POINTS)),
    ]


def format_number(value: object) -> str:
    """18.0 -> "18", 7.5 -> "7.5", 12 -> "12", None -> ""."""
    if value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else f"{value:g}"
    return str(value)
