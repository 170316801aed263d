"""Validation: a parsed file checked against the rules, every problem with its line.

`validate_document` runs the pydantic models of `nzcli.schema` over a `Document`'s data,
translates pydantic's messages into the user's words, adds the cross-reference checks of
`nzcli.rules.cross_references`, and makes the records of a valid plan.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from nzcli.model import Plan
from nzcli.records import action_from_data, plan_from_data
from nzcli.rules import cross_references

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
        msg = f"{msg} (got {shorten(given)})"
    return shorten_text(msg)


#: Most characters of a value repeated in a message (a 10 MB value is not echoed whole).
MAX_ECHO = 80


def shorten(value: object) -> str:
    """`repr(value)`, cut to MAX_ECHO characters with its length said."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 256:
        return f"a number of about {int(value.bit_length() * 0.30103) + 1:,} digits"
    text = repr(value)
    if len(text) <= MAX_ECHO:
        return text
    size = f"{len(value):,} characters" if isinstance(value, str) else f"{len(text):,} long"
    return f"{text[: MAX_ECHO - 20]}… ({size})"


def shorten_text(message: str, limit: int = 4 * MAX_ECHO) -> str:
    return message if len(message) <= limit else message[: limit - 1] + "…"


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
                if raw_id is None:
                    return ""
                return str(raw_id) if len(str(raw_id)) <= 40 else shorten(str(raw_id))
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
    made = None if problems else _records_by_action(doc.data)
    if made is None:
        validated = _schema_validate(
            doc.data, lambda loc, message: problem(loc, message, "schema")
        )
        if isinstance(validated, list):
            return None, _confirmed(doc, problems + validated)
        if problems:
            return None, _confirmed(doc, problems)
        made = _records(validated)
    plan = made.with_source(doc.path)
    for loc, _aid, message in cross_references(plan):
        problems.append(problem(loc, message, "reference"))
    return (plan if not problems else None), _confirmed(doc, problems)


def _schema_validate(
    data: Any, problem: Callable[[Loc, str], Problem]
) -> schema.Plan | list[Problem]:
    """The data checked against `nzcli.schema`: the validated plan, or one problem per
    location pydantic names (the first message for each; union branches left out of it)."""
    from pydantic import ValidationError

    from nzcli import schema

    try:
        return schema.Plan.model_validate(data)
    except ValidationError as exc:
        problems: list[Problem] = []
        seen: set[Loc] = set()
        for err in exc.errors():
            loc = tuple(p for p in err["loc"] if not _is_union_branch(p))
            if loc not in seen:
                seen.add(loc)
                problems.append(problem(loc, _pydantic_message(err)))
        return problems


def _confirmed(doc: Document, problems: list[Problem]) -> list[Problem]:
    """The problems of a document read by the optimistic route, once libyaml agrees that its
    text is YAML at all: where it does not, its syntax error (a DataError) is the file's
    error, as the positioned route reports it. (Only for a file with problems: a valid plan
    is never read twice.)"""
    if problems and doc.root is None and doc.locator is not None:
        from .yaml_safe import scan_events

        scan_events(doc.text, doc.path)
    return problems


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


def _records_by_action(data: Any) -> Plan | None:
    """The records of valid data, validated an action at a time and each action's model let
    go as soon as its record is made, so that the data, every validated model and every
    record are never held at once (100,000 actions: about 200 MB less at the peak of a cold
    read). None when anything is invalid: `_schema_validate` then validates the whole plan
    at once for its problems, in pydantic's order (the data is left as it was).

    The same records as `_records(schema.Plan.model_validate(data))`: `schema.Plan` has no
    validator of its own, so its actions are validated one by one exactly as in the list."""
    if type(data) is not dict or type(data.get("actions", [])) is not list:
        return None
    from pydantic import ValidationError

    from nzcli import schema

    top = dict(data)
    if "actions" in top:
        top["actions"] = []
    try:
        head = schema.Plan.model_validate(top).model_dump(mode="json")
        validate = schema.Action.model_validate
        actions = [
            action_from_data(validate(item).model_dump(mode="json"))
            for item in data.get("actions", [])
        ]
    except ValidationError:
        return None
    return plan_from_data(head, actions)


def _is_union_branch(part: str | int) -> bool:
    # pydantic adds the union member's name to `loc` ("list[int]", "literal['all']", ...)
    return isinstance(part, str) and (
        "[" in part or part in {"int", "float", "str", "none", "function-after", "bool"}
    )


def id_prefix(problem: Problem) -> str:
    return f"{problem.action_id}: " if problem.action_id else ""


def validate_slots(
    plan: Plan, path: str, actions: Mapping[int, Any], top: Mapping[str, Any]
) -> tuple[Plan | None, list[Problem]]:
    """`plan` (valid) with some actions and top-level values replaced by new data, validated
    as `validate_document` would validate the whole file, but only what changed: the new
    values against the rules, and the cross-references they take part in (all of them when a
    top-level value changed). Problems carry the location label, not a line."""
    import dataclasses

    from nzcli.records import record_data

    order = sorted(actions)
    names = ("plan", "keys", "periods", "themes", "partners")
    data: dict[str, Any] = {n: top[n] if n in top else record_data(getattr(plan, n)) for n in names}
    data["actions"] = [actions[i] for i in order]
    problems: list[Problem] = []

    def real(loc: Loc) -> Loc:
        if len(loc) >= 2 and loc[0] == "actions" and isinstance(loc[1], int):
            return ("actions", order[loc[1]], *loc[2:])
        return loc

    def problem(loc: Loc, message: str, code: str, aid: str = "", mapped: bool = True) -> Problem:
        where = _loc_label(real(loc) if mapped else loc)
        return Problem("error", f"{where}: {message}", path, None, None, aid, code)

    def raw_id(loc: Loc) -> str:
        if len(loc) >= 2 and loc[0] == "actions" and isinstance(loc[1], int):
            with contextlib.suppress(Exception):
                value = data["actions"][loc[1]].get("id")
                return str(value) if value is not None else ""
        return ""

    validated = _schema_validate(
        data, lambda loc, message: problem(loc, message, "schema", raw_id(loc))
    )
    if isinstance(validated, list):
        return None, validated
    part = _records(validated)
    from .payload import replaced_actions

    new_actions = replaced_actions(plan.actions, dict(zip(order, part.actions, strict=True)))
    new_plan = dataclasses.replace(
        plan, **{n: getattr(part, n) for n in names if n in top}, actions=new_actions
    )
    if top:
        checked = cross_references(new_plan)
        for loc, aid, message in checked:
            problems.append(problem(loc, message, "reference", aid, mapped=False))
    else:
        for loc, aid, message in cross_references(part):
            problems.append(problem(loc, message, "reference", aid))
        others = plan._actions_by_id
        for i, action in zip(order, part.actions, strict=True):
            other = others.get(action.id.upper())
            if other is not None and other is not plan.actions[i]:
                first = plan.actions.index(other)
                problems.append(
                    Problem(
                        "error",
                        f"actions[{max(i, first)}].id: duplicate action id {action.id!r} "
                        f"(first used by actions[{min(i, first)}])",
                        path,
                        action_id=action.id,
                        code="reference",
                    )
                )
    return (new_plan if not problems else None), problems
