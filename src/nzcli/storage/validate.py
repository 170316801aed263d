"""Validation: a parsed file checked against the rules, every problem with its line.

`validate_document` runs the pydantic models of `nzcli.schema` over a `Document`'s data,
translates pydantic's messages into the user's words, adds the cross-reference checks of
`nzcli.model.cross_references`, and makes the records of a valid plan.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from nzcli.model import Plan, action_from_data, cross_references, plan_from_data

if TYPE_CHECKING:
    from nzcli import schema

from .yaml_safe import Document, Loc


@dataclass(frozen=True)
class Problem:
    """One error or warning about a data file, with where it is."""

    severity: str  # "error" | "warning"
    message: str
    path: str
    line: int | None = None
    column: int | None = None
    action_id: str = ""
    code: str = ""

    def render(self) -> str:
        where = self.path
        if self.line is not None:
            where += f":{self.line}:{self.column or 1}"
        who = f" {self.action_id}:" if self.action_id else ""
        return f"{where}:{who} {self.severity}: {self.message}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "severity": self.severity,
            "code": self.code,
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "id": self.action_id or None,
            "message": self.message,
        }


def _pydantic_message(err: Mapping[str, Any]) -> str:
    kind = err.get("type", "")
    msg = str(err.get("msg", ""))
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, ") :]
    if kind == "extra_forbidden":
        return "unknown key; remove it or check its spelling (see docs/data-format.md)"
    if kind == "missing":
        return "required key is missing"
    given = err.get("input")
    if kind not in ("value_error",) and isinstance(given, (str, int, float)) and given is not None:
        msg = f"{msg} (got {given!r})"
    return msg


def _loc_label(loc: Loc) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def validate_document(doc: Document) -> tuple[Plan | None, list[Problem]]:
    """Validate a parsed document; every problem is returned, each with its line."""
    problems: list[Problem] = []
    actions_raw = doc.data.get("actions") if isinstance(doc.data, dict) else None

    def action_id(loc: Loc) -> str:
        if len(loc) >= 2 and loc[0] == "actions" and isinstance(loc[1], int):
            with contextlib.suppress(Exception):
                raw_id = actions_raw[loc[1]].get("id")  # type: ignore[index]
                return str(raw_id) if raw_id is not None else ""
        return ""

    def problem(loc: Loc, message: str, code: str) -> Problem:
        line, column = doc.locate(loc)
        return Problem(
            "error", f"{_loc_label(loc)}: {message}", doc.path, line, column, action_id(loc), code
        )

    for line, column, key in doc.duplicate_keys:
        problems.append(
            Problem(
                "error",
                f"duplicate key {key!r}: the same key appears twice in one mapping; keep one",
                doc.path,
                line,
                column,
                code="duplicate-key",
            )
        )
    from pydantic import ValidationError

    from nzcli import schema

    try:
        validated = schema.Plan.model_validate(doc.data)
    except ValidationError as exc:
        seen: set[Loc] = set()
        for err in exc.errors():
            loc = tuple(p for p in err["loc"] if not _is_union_branch(p))
            if loc in seen:
                continue
            seen.add(loc)
            problems.append(problem(loc, _pydantic_message(err), "schema"))
        return None, problems
    if problems:
        return None, problems
    plan = _records(validated).with_source(doc.path)
    for loc, _aid, message in cross_references(plan):
        problems.append(problem(loc, message, "reference"))
    return (plan if not problems else None), problems


def _records(validated: schema.Plan) -> Plan:
    """The records for a validated plan, made an action at a time and each validated action
    let go once made, so that a large plan is not held three times over (the YAML data, the
    validated models and the records): 100,000 actions would need over 2 GB."""
    pending = validated.actions
    validated.actions = []
    data = validated.model_dump(mode="json")
    del validated
    pending.reverse()
    actions = []
    while pending:
        actions.append(action_from_data(pending.pop().model_dump(mode="json")))
    return plan_from_data(data, actions)


def _is_union_branch(part: str | int) -> bool:
    # pydantic adds the union member's name to `loc` ("list[int]", "literal['all']", ...)
    return isinstance(part, str) and (
        "[" in part or part in {"int", "float", "str", "none", "function-after", "bool"}
    )


def id_prefix(problem: Problem) -> str:
    return f"{problem.action_id}: " if problem.action_id else ""
