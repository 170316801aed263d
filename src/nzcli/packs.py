"""Update packs: the workbook officers fill in, as a contract between the code that writes it
(`nzcli.render.pack`) and the code that reads it back (`nzcli.storage.workbook`).

A pack is plain data (`Pack`, built by `nzcli.views.pack`): which actions, the columns, the
values packed into each cell, the lists for the dropdowns, and each action's fingerprint.
The names of the sheets, the metadata's keys and the pack's wording live here so that the
writer and the reader cannot drift apart.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from .model import Action
from .records import record_data

#: What the metadata sheet says a workbook is, and the version of its layout. Bump
#: PACK_VERSION on any change the reader must know about.
PACK_FORMAT = "nzcli update pack"
PACK_VERSION = 1

INSTRUCTIONS_SHEET = "Instructions"
UPDATES_SHEET = "Updates"
LISTS_SHEET = "Lists"
#: The hidden sheet of metadata (very hidden in Excel: not listed under Unhide).
META_SHEET = "nzcli"

#: The dropdowns' explicit "keep what was reported last time" choice.
NO_CHANGE = "No change since last time"
#: What `--by owner` calls the actions that have no owner.
NO_OWNER = "(no owner)"

#: The editable columns' keys, in order.
EDITABLE = ("stage", "rag", "update")


@dataclass(frozen=True)
class PackColumn:
    """A column of the Updates sheet: its key, header and width; `last` for a "last time"
    column, `editable` for one the officer fills in."""

    key: str
    header: str
    width: float
    last: bool = False
    editable: bool = False


@dataclass(frozen=True)
class PackRow:
    """One action's row: the text of each cell as packed (keyed by column key; "" for
    blank), and whether its stage is reported per scheme (no dropdown then)."""

    action_id: str
    cells: dict[str, str]
    fingerprint: str
    schemes: bool = False


@dataclass(frozen=True)
class Pack:
    """Everything one pack workbook holds."""

    plan_title: str
    organisation: str
    contact: str | None
    period_id: str
    period_name: str
    last_id: str | None
    last_name: str | None
    #: The owner or theme this pack is for (None: every selected action).
    group: str | None
    columns: list[PackColumn]
    rows: list[PackRow]
    #: The dropdowns' choices: stage and RAG, each starting with NO_CHANGE.
    stage_choices: list[str]
    rag_choices: list[str]
    #: The plan's key, as worded in the plan: (kind, value, meaning).
    key: list[tuple[str, str, str]] = field(default_factory=list)


def fingerprint(action: Action) -> str:
    """A digest of an action's whole state (every field, every period's update), blind to
    fields that are empty, so that a field added to nzcli later does not make old packs
    stale."""
    data = _pruned(record_data(action))
    blob = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:32]


def _pruned(value: Any) -> Any:
    if isinstance(value, dict):
        out = {k: _pruned(v) for k, v in value.items()}
        return {k: v for k, v in out.items() if v not in (None, [], {})}
    if isinstance(value, list):
        return [_pruned(v) for v in value]
    return value


#: Metadata keys, in the order the metadata sheet lists them (column A, from row 1).
META_KEYS = (
    "format",
    "version",
    "plan",
    "organisation",
    "period",
    "period_name",
    "last_period",
    "group",
    "columns",
    "actions",
)
#: The metadata sheet's table of actions starts on this row (1-based): a header row
#: ("action", "row", "fingerprint", then each column's key), then one row per action.
META_TABLE_ROW = len(META_KEYS) + 2
