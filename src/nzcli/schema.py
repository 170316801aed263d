"""The rules a plan file's data must follow: pydantic models, one per record in `nzcli.model`.

`Plan.model_validate(data)` checks the shape and value of every field of a parsed file (the
messages and locations `nzcli check` reports come from here); `nzcli.store` then turns the
validated data into the `nzcli.model` records the rest of nzcli reads. This module is
imported only when a file is validated (not for a plan taken from the cache) and by
`nzcli schema`, which prints these models as JSON Schema: so the class names are the
records' names.
"""

from __future__ import annotations

import itertools
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

from .model import PERIOD_ID, RATING_LEVELS, TIMESCALE_LEVELS, Rag, Role, Stage
from .vocab import canonical_range


def _range_validator(levels: tuple[str, ...], what: str) -> Any:
    # Every range there is (each level, or levels in order joined by "/"): a handful, so a
    # valid value is a set lookup (three an action; 300,000 calls for a large plan).
    ranges = frozenset(
        "/".join(members)
        for size in range(1, len(levels) + 1)
        for members in itertools.combinations(levels, size)
    )

    def validate(value: str) -> str:
        if value in ranges:
            return value
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


#: Longest text value a plan file may hold, in characters (the longest in the shipped plan
#: is under 2,000): a runaway value is refused, with its place, before anything shows it.
MAX_TEXT = 100_000
#: Largest score or objective number (the rule's scores are at most 27; objectives are
#: numbered from 1): anything larger is a mistake, and a huge one breaks output.
MAX_NUMBER = 1_000_000


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", use_enum_values=False, str_max_length=MAX_TEXT)


class PlanInfo(_Model):
    title: str
    organisation: str
    source: str | None = None
    contact: str | None = None


class Keys(_Model):
    """The wording of the stage and RAG keys, as printed in the source document."""

    stage: dict[Stage, str]
    rag: dict[Rag, str]


class Period(_Model):
    id: str
    name: str
    status: Literal["draft", "published"] = "published"
    published: Annotated[str, Field(pattern=r"^\d{4}-\d{2}-\d{2}$")] | None = None

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


def _no_bool(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError("must be a number")
    return value


Objectives = list[Annotated[int, Field(ge=1, le=MAX_NUMBER)]] | Literal["all"] | None


class Action(_Model):
    id: str = Field(pattern=r"^[A-Z]{1,3}[0-9]{1,9}[a-z]?$")
    theme: str
    section: str | None = None
    objectives: Objectives = None
    action: str = Field(min_length=1)
    role: Role | None = None
    partners: list[str] = Field(default_factory=list)
    owner: str | None = None
    timescale: Timescale | None = None
    cost: Rating | None = None
    carbon_saving: Rating | None = None
    deliverability_score: Annotated[
        int | float | None, Field(ge=0, le=MAX_NUMBER, allow_inf_nan=False)
    ] = None
    score_note: str | None = None
    updates: dict[str, Update] = Field(default_factory=dict)
    added_in: str | None = None

    @field_validator("deliverability_score", mode="before")
    @classmethod
    def _score_is_number(cls, value: Any) -> Any:
        return _no_bool(value)


class Plan(_Model):
    """A whole plan: metadata, keys, periods, themes, partner vocabulary and actions."""

    plan: PlanInfo
    keys: Keys | None = None
    periods: list[Period] = Field(min_length=1)
    #: Required, but may be empty: a plan `nzcli init --empty` made has no themes yet.
    themes: list[Theme]
    partners: list[Partner] = Field(default_factory=list)
    actions: list[Action] = Field(default_factory=list)
