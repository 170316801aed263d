"""Plan records from validated data, and back to plain JSON data.

`nzcli.storage.validate` validates a file's data with `nzcli.schema` and hands it to
`plan_from_data`; the plan cache (`nzcli.storage.cache`) stores `plan_json` and reads it back
through the same function, so a cached plan and a freshly parsed one are the same records.
"""

from __future__ import annotations

import functools
import typing
from collections.abc import Iterable, Iterator
from dataclasses import fields
from enum import Enum
from typing import TYPE_CHECKING, Any, TypeVar

from .model import (
    Action,
    Keys,
    Partner,
    Period,
    Plan,
    PlanInfo,
    Rag,
    Role,
    SchemeStage,
    Stage,
    Theme,
    Update,
)

if TYPE_CHECKING:
    import json

_R = TypeVar("_R")

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
    encoder directly (str enums are written as their values): the plan cache's payload. It
    takes any plan record (an action: one action's JSON as it stands inside a plan)."""
    text: str = _encoder().encode(plan)
    return text.encode("utf-8")


def records_json(records: Iterable[Any]) -> Iterator[bytes]:
    """`plan_json` of each record, by one encoder (`json.dumps` with options makes a new one
    every call: a third of the time of encoding 100,000 actions one by one)."""
    encode = _encoder().encode
    for record in records:
        yield encode(record).encode("utf-8")


@functools.cache
def _encoder() -> json.JSONEncoder:
    import json

    return json.JSONEncoder(
        default=_fields_of, ensure_ascii=False, separators=(",", ":"), check_circular=False
    )


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

