"""Changes to a plan file's round-trip nodes: an action's update for a period, its own fields,
a new period. Used by `nzcli.record` inside a `store.edit_file` transaction.

The nodes are ruamel.yaml's `CommentedMap`/`CommentedSeq`, so everything not changed keeps its
comments, order, quoting and layout; new keys go in the schema's key order. Values arrive
already parsed (`nzcli.vocab`); a combination the file cannot take raises `UsageError`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Final, Literal

from .errors import UsageError
from .model import Action, Rag, Stage, Update
from .records import field_names
from .vocab import did_you_mean

#: Key order of the data file's mappings, from the model (new keys are inserted in this order).
ACTION_KEYS: Final = field_names(Action)
UPDATE_KEYS: Final = field_names(Update)


class _Keep(Enum):
    KEEP = "keep"


#: "Leave this field as it is" (as opposed to None, which writes `null`).
KEEP: Final = _Keep.KEEP

Keep = Literal[_Keep.KEEP]

# ---------------------------------------------------------------------------------------------
# Round-trip helpers


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _set(node: Any, key: str, value: Any, order: Sequence[str]) -> bool:
    """Set `key` (inserting it in schema order when absent); False when it already held it."""
    if key in node:
        if _plain(node[key]) == _plain(value):
            return False
        node[key] = value
        return True
    node.insert(_position(list(node), key, order), key, value)
    return True


def _position(keys: list[Any], key: str, order: Sequence[str]) -> int:
    rank = order.index(key)
    position = 0
    for i, existing in enumerate(keys):
        if existing in order and order.index(existing) < rank:
            position = i + 1
    return position


def _replace_key(node: Any, old: str, new: str, value: Any) -> None:
    """Put `new: value` where `old` was (stage <-> schemes); just drop `old` if `new` is there
    already (`stage: null` beside `schemes`)."""
    if new in node:
        del node[old]
        node[new] = value
        return
    position = list(node).index(old)
    del node[old]
    node.insert(position, new, value)


def _schemes_node(schemes: Sequence[tuple[str, Stage]]) -> Any:
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    return CommentedSeq(
        [CommentedMap([("scheme", name), ("stage", stage.value)]) for name, stage in schemes]
    )


def _period_key(period_id: str) -> Any:
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString

    return DoubleQuotedScalarString(period_id)  # "2024-06": as the file writes period ids


# ---------------------------------------------------------------------------------------------
# A period's update for one action


@dataclass
class UpdateFields:
    """New values for one action's update for one period; KEEP leaves a field as it is,
    None clears it (`update --clear stage|rag|text`)."""

    stage: Stage | list[tuple[str, Stage]] | Keep | None = KEEP
    scheme: tuple[str, Stage] | Keep = KEEP  # one scheme's stage (update --scheme)
    rag: Rag | Keep | None = KEEP
    text: str | Keep | None = KEEP

    def empty(self) -> bool:
        return all(v is KEEP for v in (self.stage, self.scheme, self.rag, self.text))


def known_schemes(action: Action) -> list[str]:
    """Scheme names used in any of an action's updates, most recent period's first."""
    names: dict[str, str] = {}
    for period_id in sorted(action.updates, reverse=True):
        for scheme in action.updates[period_id].schemes or []:
            names.setdefault(scheme.scheme.casefold(), scheme.scheme)
    return list(names.values())


def _carried_schemes(action: Action, period_id: str) -> tuple[str, list[tuple[str, Stage]]] | None:
    """The schemes of the latest update before `period_id` that has a stage, with its period
    (None when there is none); UsageError when that update has one stage, not schemes."""
    earlier = [p for p in sorted(action.updates) if p < period_id and action.updates[p].stages]
    if not earlier:
        return None
    chosen = action.updates[earlier[-1]]
    if not chosen.schemes:
        raise UsageError(
            f"--scheme: {action.id}'s latest update before {period_id} ({earlier[-1]}) has one "
            "stage, not schemes; give every scheme's stage: "
            "--stage 'Scheme A: delivery; Scheme B: design'"
        )
    return earlier[-1], [(s.scheme, s.stage) for s in chosen.schemes]


def check_scheme(action: Action, name: str) -> str:
    """The canonical spelling of one of the action's schemes; UsageError naming them."""
    known = known_schemes(action)
    if not known:
        raise UsageError(
            f"--scheme: {action.id} has no schemes (only multi-scheme actions such as T17 "
            "do); set its stage with --stage alone"
        )
    for spelling in known:
        if spelling.casefold() == " ".join(name.split()).casefold():
            return spelling
    raise UsageError(
        f"--scheme: {action.id} has no scheme {name!r}{did_you_mean(name, known)} Its schemes: "
        f"{'; '.join(known)}. To add a scheme, give every scheme's stage: "
        "--stage 'Scheme A: delivery; Scheme B: design'."
    )


def apply_update(
    node: Any, action: Action, period_id: str, fields: UpdateFields, notes: list[str]
) -> list[str]:
    """Change an action's round-trip mapping: its update for `period_id`. Returns the names of
    the fields that changed (empty when the update already held these values)."""
    from ruamel.yaml.comments import CommentedMap

    updates = node.get("updates")
    existing = updates.get(period_id) if updates is not None else None
    entry = existing if existing is not None else CommentedMap()
    changed: list[str] = []

    if isinstance(fields.stage, Stage):
        value = fields.stage.value
        if "schemes" in entry:
            _replace_key(entry, "schemes", "stage", value)
            notes.append(
                f"{action.id}: its schemes for {period_id} are replaced by one stage, {value}"
            )
            changed.append("stage")
        elif _set(entry, "stage", value, UPDATE_KEYS):
            changed.append("stage")
    elif isinstance(fields.stage, list) and _set_schemes(entry, fields.stage):
        changed.append("stage")
    elif fields.stage is None and (entry.get("stage") is not None or entry.get("schemes")):
        if "schemes" in entry:
            _replace_key(entry, "schemes", "stage", None)
        else:
            entry["stage"] = None
        changed.append("stage")
    if not isinstance(fields.scheme, _Keep) and _set_one_scheme(
        entry, action, period_id, fields.scheme, notes
    ):
        changed.append("stage")
    if not isinstance(fields.rag, _Keep):
        value_rag = fields.rag.value if fields.rag is not None else None
        if _set(entry, "rag", value_rag, UPDATE_KEYS):
            changed.append("rag")
    if not isinstance(fields.text, _Keep) and _set(entry, "text", fields.text, UPDATE_KEYS):
        changed.append("text")

    if changed and existing is not None and not any(entry.get(k) for k in UPDATE_KEYS):
        del updates[period_id]  # nothing left: the action has no update for the period
        notes.append(f"{action.id}: its update for {period_id} is now empty and is removed")
    if changed and existing is None:
        for key in ("rag", "text") if "schemes" in entry else ("stage", "rag", "text"):
            if key not in entry:  # a new update has every key, null where not given
                _set(entry, key, None, UPDATE_KEYS)
        if updates is None:
            updates = CommentedMap()
            _set(node, "updates", updates, ACTION_KEYS)
        keys = [str(k) for k in updates]
        position = sum(1 for k in keys if k < period_id)
        updates.insert(position, _period_key(period_id), entry)
    return changed


def _set_schemes(entry: Any, schemes: Sequence[tuple[str, Stage]]) -> bool:
    wanted = [{"scheme": name, "stage": stage.value} for name, stage in schemes]
    if "stage" in entry:
        _replace_key(entry, "stage", "schemes", _schemes_node(schemes))
        return True
    if _plain(entry.get("schemes")) == wanted:
        return False
    return _set(entry, "schemes", _schemes_node(schemes), UPDATE_KEYS)


def _set_one_scheme(
    entry: Any, action: Action, period_id: str, scheme: tuple[str, Stage], notes: list[str]
) -> bool:
    from ruamel.yaml.comments import CommentedMap

    name, stage = scheme
    if entry.get("stage") is not None and not entry.get("schemes"):
        raise UsageError(
            f"--scheme: {action.id}'s update for {period_id} has one stage "
            f"({entry['stage']}), not schemes; give every scheme's stage instead: "
            "--stage 'Scheme A: delivery; Scheme B: design'"
        )
    if entry.get("schemes"):
        for item in entry["schemes"]:
            if str(item.get("scheme", "")).casefold() == name.casefold():
                return _set(item, "stage", stage.value, ("scheme", "stage"))
        entry["schemes"].append(CommentedMap([("scheme", name), ("stage", stage.value)]))
        return True
    carried = _carried_schemes(action, period_id)
    base = carried[1] if carried else []
    if not any(n.casefold() == name.casefold() for n, _ in base):
        base.append((name, stage))
    merged = [(n, stage if n.casefold() == name.casefold() else s) for n, s in base]
    others = [f"{n}: {s.value}" for n, s in merged if n.casefold() != name.casefold()]
    if carried and others:
        notes.append(
            f"{action.id}: the other schemes' stages for {period_id} are carried forward from "
            f"{carried[0]} ({'; '.join(others)}); change them with --scheme NAME --stage STAGE"
        )
    if "stage" in entry:  # `stage: null`
        _replace_key(entry, "stage", "schemes", _schemes_node(merged))
    elif "schemes" in entry:
        entry["schemes"] = _schemes_node(merged)
    else:
        _set(entry, "schemes", _schemes_node(merged), UPDATE_KEYS)
    return True


@dataclass
class ActionValues:
    """New values for an action's own fields, already checked against the plan."""

    values: dict[str, Any] = field(default_factory=dict)
    add: list[str] = field(default_factory=list)
    remove: list[str] = field(default_factory=list)


def apply_action_values(
    node: Any, action: Action, values: ActionValues, notes: list[str]
) -> list[str]:
    from ruamel.yaml.comments import CommentedSeq

    changed = [key for key, value in values.values.items() if _set(node, key, value, ACTION_KEYS)]
    if not values.add and not values.remove:
        return changed
    partners = node.get("partners")
    if partners is None:
        partners = CommentedSeq()
        _set(node, "partners", partners, ACTION_KEYS)
    listed = [str(p) for p in partners]
    for name in dict.fromkeys(values.add):
        if name in listed:
            notes.append(f"{action.id} already lists {name!r}")
            continue
        partners.append(name)
        listed.append(name)
        changed.append("partners")
    for name in dict.fromkeys(values.remove):
        if name not in listed:
            notes.append(f"{action.id} does not list {name!r}; nothing to remove")
            continue
        del partners[listed.index(name)]
        listed.remove(name)
        changed.append("partners")
    return list(dict.fromkeys(changed))


#: Key order of a period in the data file.
PERIOD_KEYS: Final = ("id", "name", "status", "published")


def insert_period(periods: Any, period_id: str, name: str, status: str = "draft") -> None:
    """Add a period to the round-trip `periods` sequence, in date order (a draft: the
    updates are still being gathered)."""
    from ruamel.yaml.comments import CommentedMap

    position = sum(1 for p in periods if str(p.get("id", "")) < period_id)
    periods.insert(
        position,
        CommentedMap([("id", _period_key(period_id)), ("name", name), ("status", status)]),
    )


def publish_period(periods: Any, period_id: str, date: str) -> None:
    """Mark a period of the round-trip `periods` sequence published on `date` (YYYY-MM-DD)."""
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString

    node = next(p for p in periods if str(p.get("id", "")) == period_id)
    _set(node, "status", "published", PERIOD_KEYS)
    _set(node, "published", DoubleQuotedScalarString(date), PERIOD_KEYS)


def remove_period(periods: Any, period_id: str) -> None:
    """Take a period out of the round-trip `periods` sequence."""
    index = next(i for i, p in enumerate(periods) if str(p.get("id", "")) == period_id)
    del periods[index]


def remove_update(node: Any, period_id: str) -> bool:
    """Take an action's update for a period out of its round-trip mapping; False when it
    had none."""
    updates = node.get("updates")
    if updates is None or period_id not in updates:
        return False
    del updates[period_id]
    return True
