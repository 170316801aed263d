"""The published JSON Schema of every JSON output: `nzcli schema --output-of COMMAND`.

Each output is described once, as pydantic models (`extra="forbid"`, so a key that is not
in the contract fails validation), and its JSON Schema generated from them; docs/schemas/
holds the same schemas, checked against these in CI, and CI validates every command's real
output against its schema. A document's `format_version` is a constant in its schema: a new
version is a new schema. Imported only by `nzcli schema` and the tests (it needs pydantic).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, RootModel

from nzcli import schema as plan_rules
from nzcli.model import Rag, Role, Stage
from nzcli.render import Document
from nzcli.storage.history import HISTORY_FORMAT_VERSION as HISTORY_LINE_VERSION
from nzcli.vocab import GROUPABLE

from .changes import DIFF_FORMAT_VERSION
from .checks import CHECK_FORMAT_VERSION
from .cycle import HISTORY_FORMAT_VERSION, SHEET_FORMAT_VERSION, STATUS_FORMAT_VERSION
from .plan import EXPORT_FORMAT_VERSION
from .queries import (
    LIST_FORMAT_VERSION,
    PARTNERS_FORMAT_VERSION,
    PERIODS_FORMAT_VERSION,
    SHOW_FORMAT_VERSION,
    SUMMARY_FORMAT_VERSION,
    THEMES_FORMAT_VERSION,
)
from .report import REPORT_FORMAT_VERSION

JSON_SCHEMA = "https://json-schema.org/draft/2020-12/schema"


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


Count = Annotated[int, Field(ge=0)]
Score = Annotated[float, Field(ge=0)]
Objectives = list[Annotated[int, Field(ge=1)]] | Literal["all"] | None
#: Filters as given on the command line: each repeatable one a list of the texts given,
#: --min-score and --max-score their text.
Filters = dict[str, list[str] | str]


class PeriodRef(_Out):
    id: str
    name: str


PeriodStatus = Literal["draft", "published"]
#: A date as the data file keeps it: YYYY-MM-DD.
Date = Annotated[str, Field(pattern=r"^\d{4}-\d{2}-\d{2}$")]


class PeriodState(PeriodRef):
    """A period and whether it is still a draft (`sheet`, `status`)."""

    status: PeriodStatus


class SchemeStage(_Out):
    """One entry of a stage: the scheme (null for an action with one stage) and its stage."""

    scheme: str | None
    stage: Stage


#: A stage in JSON: always a list of schemes; [] when the period has none.
Stages = list[SchemeStage]


class Row(_Out):
    """One action in one period, as `list`, `partners NAME` and `report` give it. With
    `list --columns`, only the columns asked for, in that order."""

    id: str = ""
    theme: str = ""
    section: str | None = None
    objectives: Objectives = None
    action: str = ""
    role: Role | None = None
    partners: list[str] = []
    owner: str | None = None
    timescale: str | None = None
    cost: str | None = None
    carbon_saving: str | None = None
    deliverability_score: Score | None = None
    period: str = ""
    stage: Stages = []
    rag: Rag | None = None
    update: str | None = None


class ListOutput(_Out):
    """`nzcli list --format json`."""

    format_version: Literal[LIST_FORMAT_VERSION]  # type: ignore[valid-type]
    period: PeriodRef
    filters: Filters
    #: Actions matched, before --limit.
    count: Count
    actions: list[Row]


class ListLine(Row):
    """One line of `nzcli list --format ndjson`."""

    format_version: Literal[LIST_FORMAT_VERSION]  # type: ignore[valid-type]


class ScoreExplained(_Out):
    printed: Score | None
    rule: Score | None
    working: str | None
    agrees: bool | None
    note: str | None
    why: str | None


class ShowOutput(plan_rules.Action):
    """`nzcli show ID --format json`: the action as in the data file, and its score."""

    model_config = ConfigDict(extra="forbid")
    format_version: Literal[SHOW_FORMAT_VERSION]  # type: ignore[valid-type]
    score: ScoreExplained


class PartnerEntry(_Out):
    partner: str
    aliases: list[str]
    count: Count
    ids: list[str]


class PartnersIndex(_Out):
    """`nzcli partners --format json`."""

    format_version: Literal[PARTNERS_FORMAT_VERSION]  # type: ignore[valid-type]
    period: PeriodRef
    filters: Filters
    partners: list[PartnerEntry]


class PartnerActions(_Out):
    """`nzcli partners NAME --format json`."""

    format_version: Literal[PARTNERS_FORMAT_VERSION]  # type: ignore[valid-type]
    period: PeriodRef
    filters: Filters
    partner: str
    aliases: list[str]
    count: Count
    actions: list[Row]


class PartnersOutput(RootModel[PartnersIndex | PartnerActions]):
    pass


class SectionCount(_Out):
    name: str | None
    actions: Count


class ThemeEntry(_Out):
    key: str
    name: str
    prefix: str
    actions: Count
    sections: list[SectionCount]


class ThemesOutput(_Out):
    """`nzcli themes --format json`."""

    format_version: Literal[THEMES_FORMAT_VERSION]  # type: ignore[valid-type]
    themes: list[ThemeEntry]


class PeriodEntry(_Out):
    id: str
    name: str
    status: PeriodStatus
    #: The date it was published, when known.
    published: Date | None
    updates: Count
    latest: bool


class PeriodsOutput(_Out):
    """`nzcli periods --format json`."""

    format_version: Literal[PERIODS_FORMAT_VERSION]  # type: ignore[valid-type]
    periods: list[PeriodEntry]


class Cell(_Out):
    #: The group's identifier: a theme key, a stage or RAG value, `mixed`, `no_update`,
    #: `not_rated`, a section or partner name, a range value ("S/M"); null for none.
    value: str | None
    label: str
    count: Count


class Group(Cell):
    percent: Annotated[float, Field(ge=0)]
    #: With two --by: the second field's groups within this one, every column listed.
    groups: list[Cell] | None = None


class SummaryOutput(_Out):
    """`nzcli summary --format json`."""

    format_version: Literal[SUMMARY_FORMAT_VERSION]  # type: ignore[valid-type]
    period: PeriodRef
    filters: Filters
    by: Annotated[list[Literal[GROUPABLE]], Field(min_length=1, max_length=2)]  # type: ignore[valid-type]
    total: Count
    groups: list[Group]
    #: With two --by: the second field's totals.
    columns: list[Cell] | None = None


#: The kinds of change, as JSON names them (`kind_id` of `nzcli.diff.KINDS`, in that order;
#: tests/test_contracts.py checks they agree).
DiffKind = Literal[
    "newly_red",
    "rag_worse",
    "stage_back",
    "rag_removed",
    "rag_rated",
    "stage_changed",
    "first_update",
    "new_action",
    "rag_better",
    "stage_forward",
    "not_updated",
]


class Change(_Out):
    id: str
    theme: str
    action: str
    change: str
    stage_a: Stages
    stage_b: Stages
    rag_a: Rag | None
    rag_b: Rag | None
    kinds: Annotated[list[DiffKind], Field(min_length=1)]


class DiffOutput(_Out):
    """`nzcli diff A B --format json`."""

    format_version: Literal[DIFF_FORMAT_VERSION]  # type: ignore[valid-type]
    period_a: PeriodRef
    period_b: PeriodRef
    actions: Count
    changed: Count
    #: How many changes of each kind (kinds with none are left out).
    counts: dict[DiffKind, Annotated[int, Field(ge=1)]]
    changes: list[Change]


#: The report's counting keys (`nzcli.views.report.STAGE_KEYS` and `RAG_KEYS`).
StageKey = Literal["discovery", "design", "delivery", "completed", "mixed", "no_update"]
#: "not_rated": an update without a rating; "no_update": no update for the period.
RagKey = Literal["red", "amber", "green", "not_rated", "no_update"]


class ReportCounts(_Out):
    actions: Count
    stage: dict[StageKey, Count]
    rag: dict[RagKey, Count]


class ReportThemeCounts(ReportCounts):
    theme: str
    name: str


class ReportSummary(_Out):
    themes: list[ReportThemeCounts]
    total: ReportCounts


class ReportKeys(_Out):
    stage: dict[Stage, str | None]
    rag: dict[Rag, str | None]


class ReportSection(_Out):
    name: str | None
    actions: list[Row]


class ReportTheme(_Out):
    key: str
    name: str
    sections: list[ReportSection]


class ReportChange(_Out):
    """An action in one of the report's groups of changes, with what `nzcli diff` says."""

    id: str
    action: str
    change: str


class ReportChanges(_Out):
    """What changed since the previous published period (each action in at most one
    group)."""

    since: PeriodRef
    #: Rated red this period and not red in the previous one (`diff`'s `newly_red`).
    newly_red: list[ReportChange]
    #: RAG worse (but not red), or stage moved back.
    slipped: list[ReportChange]
    #: Stage completed this period.
    completed: list[ReportChange]


class ReportTrendPeriod(PeriodRef):
    """One period's counts in the trend."""

    stage: dict[StageKey, Count]
    rag: dict[RagKey, Count]


class ReportOutput(_Out):
    """`nzcli report PERIOD --format json`."""

    format_version: Literal[REPORT_FORMAT_VERSION]  # type: ignore[valid-type]
    title: str
    organisation: str
    period: PeriodRef
    #: True for a report of a draft period (the page says "Draft — not published").
    draft: bool
    #: When the period was published (null for a draft, or when the file does not say).
    published: Date | None
    #: Who to contact about the plan, as the plan gives it.
    contact: str | None
    #: The data's name: the data file's name or --source-label, never a path.
    source: str
    generated: str | None
    filters: Filters
    keys: ReportKeys
    summary: ReportSummary
    #: Null when there is no earlier published period to compare with.
    changes: ReportChanges | None
    #: Counts for each published period up to this one (and this one), oldest first; empty
    #: when there is only one.
    trend: list[ReportTrendPeriod]
    themes: list[ReportTheme]


class ExportOutput(plan_rules.Plan):
    """`nzcli export --format json`: the plan, keys exactly as in the data file."""

    model_config = ConfigDict(extra="forbid")
    format_version: Literal[EXPORT_FORMAT_VERSION]  # type: ignore[valid-type]


class ExportLine(plan_rules.Action):
    """One line of `nzcli export --format ndjson`: an action as in the data file."""

    model_config = ConfigDict(extra="forbid")
    format_version: Literal[EXPORT_FORMAT_VERSION]  # type: ignore[valid-type]


class Problem(_Out):
    severity: Literal["error", "warning"]
    code: str
    path: str
    line: Annotated[int, Field(ge=1)] | None
    column: Annotated[int, Field(ge=1)] | None
    id: str | None
    message: str


class CheckOutput(_Out):
    """`nzcli check --format json`."""

    format_version: Literal[CHECK_FORMAT_VERSION]  # type: ignore[valid-type]
    path: str
    actions: Count
    errors: Count
    warnings: Count
    ok: bool
    problems: list[Problem]


class SheetRow(_Out):
    id: str
    theme: str
    section: str | None
    action: str
    owner: str | None
    #: The period of the action's last update before this one, and its answers.
    previous_period: str | None
    previous_stage: Stages
    previous_rag: Rag | None
    previous_update: str | None
    period: str
    #: This period's answers so far ([] and nulls where it has no update yet).
    stage: Stages
    rag: Rag | None
    update: str | None
    #: The sheet's stage cell says "no change since last time": left so, `nzcli import`
    #: carries previous_stage forward.
    carry_stage: bool


class SheetOutput(_Out):
    """`nzcli sheet PERIOD --format json`."""

    format_version: Literal[SHEET_FORMAT_VERSION]  # type: ignore[valid-type]
    period: PeriodState
    rows: list[SheetRow]


class ThemeOwing(_Out):
    theme: str
    name: str
    actions: Count
    owing: Count
    #: The IDs of its actions without an update for the period.
    ids: list[str]


class OwnerOwing(_Out):
    #: null for the actions with no owner.
    owner: str | None
    actions: Count
    owing: Count
    ids: list[str]


class OwingAction(_Out):
    id: str
    #: The theme's name.
    theme: str
    owner: str | None
    action: str


class StatusOutput(_Out):
    """`nzcli status PERIOD --format json`: who still owes an update."""

    format_version: Literal[STATUS_FORMAT_VERSION]  # type: ignore[valid-type]
    period: PeriodState
    actions: Count
    owing: Count
    by_theme: list[ThemeOwing]
    by_owner: list[OwnerOwing]
    owing_actions: list[OwingAction]


class FieldChange(_Out):
    """One field a write changed. `before` and `after` are the data file's own values
    (null where there was none): a period, an action or an update as the file keeps it."""

    action: str | None
    period: str | None
    field: str
    before: Any
    after: Any


class HistoryEntry(_Out):
    """One write, as recorded in the history beside the plan (without its undo patch)."""

    #: The version of the history file's line.
    format_version: Literal[HISTORY_LINE_VERSION]  # type: ignore[valid-type]
    id: str
    when: str
    user: str
    command: str
    changes: list[FieldChange]
    #: The published periods this write changed (--reopen).
    reopened: list[str] | None = None
    #: The id of the entry this write undid (`nzcli undo`).
    undoes: str | None = None
    sha_before: str | None
    sha_after: str


class HistoryOutput(_Out):
    """`nzcli history --format json`: the plan's writes, newest first."""

    format_version: Literal[HISTORY_FORMAT_VERSION]  # type: ignore[valid-type]
    plan: str
    entries: list[HistoryEntry]


#: Output name -> (the model of its document, its version). "list" and "export" have an
#: NDJSON form too ("list-ndjson", "export-ndjson": the schema of one line).
OUTPUTS: dict[str, type[BaseModel]] = {
    "list": ListOutput,
    "list-ndjson": ListLine,
    "show": ShowOutput,
    "partners": PartnersOutput,
    "themes": ThemesOutput,
    "periods": PeriodsOutput,
    "summary": SummaryOutput,
    "diff": DiffOutput,
    "report": ReportOutput,
    "export": ExportOutput,
    "export-ndjson": ExportLine,
    "check": CheckOutput,
    "sheet": SheetOutput,
    "status": StatusOutput,
    "history": HistoryOutput,
}


def output_schema(name: str) -> dict[str, Any]:
    """The JSON Schema of output `name` (a key of `OUTPUTS`)."""
    model = OUTPUTS[name]
    body = model.model_json_schema()
    version = _version(model)
    return {
        "$schema": JSON_SCHEMA,
        "$id": f"urn:nzcli:output:{name}:{version}",
        "title": f"nzcli {name.replace('-ndjson', ' --format ndjson (one line)')} output",
        **{k: v for k, v in body.items() if k != "title"},
    }


def _version(model: type[BaseModel]) -> int:
    if issubclass(model, RootModel):
        return _version(PartnersIndex)
    annotation = model.model_fields["format_version"].annotation
    (value,) = annotation.__args__  # type: ignore[union-attr]
    return int(value)


def plan_schema() -> dict[str, Any]:
    """The JSON Schema of the data file itself (`nzcli schema`)."""
    return {
        "$schema": JSON_SCHEMA,
        "$id": "urn:nzcli:plan",
        "title": "nzcli plan file (data/actions.yaml)",
        **plan_rules.Plan.model_json_schema(),
    }


def schema_view(output_of: str | None = None) -> Document:
    """The JSON Schema of the data file, for editors that validate YAML; or, with
    `output_of`, of that command's JSON output."""
    if output_of is None:
        return Document(blocks=[], json=plan_schema(), title="nzcli schema")
    return Document(blocks=[], json=output_schema(output_of), title=f"nzcli schema {output_of}")
