"""A trusted plan for an edit, its actions made from the cache payload only when asked for.

An edit of one action of a 100,000-action plan needs that action, the plan's periods,
themes and partners, and the ids of the others (`Plan.action`, duplicate ids); making all
100,000 records from the cache (`cache.Entry.load`) took 1.3 s and 600 MB of the edit. The
payload holds one action a line (`cache.encode_payload`), each line starting with its id
(`{"id":"T1",...}`: ids are letters and digits, `nzcli.schema.Action.id`, so they need no
escaping), so `trusted_plan` reads the payload's first line (everything but the actions) and
finds every action's line and id in one pass; `PayloadActions` makes an action's record
(`records.action_from_data`, as a full load does) when it is first read, and keeps it.

`PayloadActions` is a `Sequence` standing in for the plan's list of actions: indexing,
slicing, `len`, iteration, `index` and `in` behave as on the list a full load makes, giving
equal records (`tests/test_payload_actions.py`). Anything that reads every action (a
top-level edit's cross-references, a new payload) makes them all, as before.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, cast, overload

from nzcli.model import Action, Plan
from nzcli.records import action_from_data, plan_from_data

#: An action's line in the payload, and its id: the newline before it, then `{"id":"...",`
#: (in a payload a newline is only ever between lines: JSON writes one in a string as \n).
_ACTION_LINE = re.compile(rb'\n\{"id":"([A-Za-z0-9]+)",')


class CorruptPayload(ValueError):
    """An action's line did not make a record (the entry is not as nzcli wrote it)."""


class PayloadActions(Sequence[Action]):
    """A plan's actions, made from their payload lines when first read (see the module)."""

    def __init__(
        self,
        payload: bytes,
        starts: list[int],
        ids: dict[str, int],
        made: dict[int, Action] | None = None,
    ) -> None:
        self._payload = payload
        self._starts = starts
        self._ids = ids  # upper-case id -> index
        self._made: dict[int, Action] = {} if made is None else made

    def __len__(self) -> int:
        return len(self._starts)

    @overload
    def __getitem__(self, index: int) -> Action: ...

    @overload
    def __getitem__(self, index: slice) -> list[Action]: ...

    def __getitem__(self, index: int | slice) -> Action | list[Action]:
        if isinstance(index, slice):
            return [self._action(i) for i in range(*index.indices(len(self)))]
        n = len(self)
        i = index + n if index < 0 else index
        if not 0 <= i < n:
            raise IndexError("list index out of range")
        return self._action(i)

    def _action(self, i: int) -> Action:
        made = self._made.get(i)
        if made is None:
            if not self._payload:
                raise CorruptPayload(f"action {i} was not read before the payload was let go")
            start = self._starts[i]
            line = self._payload[start : self._payload.index(b"\n", start)]
            try:
                made = action_from_data(json.loads(line.removesuffix(b",")))
            except (KeyError, TypeError, ValueError) as exc:
                raise CorruptPayload(f"action {i} of the cache payload: {exc}") from None
            self._made[i] = made
        return made

    def __iter__(self) -> Iterator[Action]:
        for i in range(len(self)):
            yield self._action(i)

    def index(self, value: Any, start: int = 0, stop: int | None = None) -> int:
        """The first index holding `value` (found by its id: ids are unique in a valid plan)."""
        stop = len(self) if stop is None else stop
        if isinstance(value, Action):
            i = self._ids.get(value.id.upper())
            if i is not None and start <= i < stop:
                found = self._action(i)
                if found is value or found == value:
                    return i
        return super().index(value, start, stop)  # (not found by its id: every one is read)

    def __contains__(self, value: object) -> bool:
        try:
            self.index(value)
        except ValueError:
            return False
        return True

    def by_id(self) -> Mapping[str, Action]:
        """What `Plan._actions_by_id` holds (upper-case id -> action), made as it is read."""
        return _ById(self)

    def replaced(self, actions: Mapping[int, Action]) -> PayloadActions:
        """These actions with some replaced (the edited ones)."""
        ids = dict(self._ids)
        for i in actions:
            old = self._action(i).id.upper()
            if ids.get(old) == i:
                del ids[old]
        for i, action in actions.items():
            ids[action.id.upper()] = i
        return PayloadActions(self._payload, self._starts, ids, {**self._made, **actions})


class _ById(Mapping[str, Action]):
    def __init__(self, actions: PayloadActions) -> None:
        self._actions = actions

    def __getitem__(self, key: str) -> Action:
        return self._actions._action(self._actions._ids[key])

    def __iter__(self) -> Iterator[str]:
        return iter(self._actions._ids)

    def __len__(self) -> int:
        return len(self._actions._ids)


def trusted_plan(payload: bytes, count: int) -> Plan:
    """The plan of a cache payload of `count` actions (as many as the entry's spans), its
    actions made when read (see the module). Raises ValueError (or KeyError, TypeError) for a
    payload not laid out as `encode_payload` lays it out."""
    head_end = payload.index(b"\n")
    head = json.loads(payload[:head_end] + b"]}")
    found = _ACTION_LINE.findall(payload, head_end)  # each action line's id, in order
    starts: list[int] = []  # where each line after the head starts (the last closes the list)
    find, at = payload.find, head_end
    while at != -1:
        starts.append(at + 1)
        at = find(b"\n", at + 1)
    if not len(found) == count == len(starts) - 1 - (not found):
        raise ValueError("the payload does not hold one action a line")
    del starts[count:]
    ids = dict(zip((name.decode("ascii").upper() for name in found), range(count), strict=True))
    if len(ids) != count:
        raise ValueError("two actions of the payload have one id")
    actions = PayloadActions(payload, starts, ids)
    plan = plan_from_data(head, cast(list[Action], actions))
    plan.__dict__["_actions_by_id"] = actions.by_id()  # (Plan's cached index, made as read)
    return plan


def release_payload(*plans: Plan) -> None:
    """Let the plans' payload go (a large plan's is 60 MB) once an edit has read what it
    reads: the actions made so far stay; reading any other is an error."""
    for plan in plans:
        if isinstance(plan.actions, PayloadActions):
            plan.actions._payload = b""


def replaced_actions(actions: Sequence[Action], new: Mapping[int, Action]) -> list[Action]:
    """`actions` with the actions at some indexes replaced: a new list, or, for actions made
    from a payload, new `PayloadActions` (nothing else is made)."""
    if isinstance(actions, PayloadActions):
        return cast(list[Action], actions.replaced(new))
    out = list(actions)
    for i, action in new.items():
        out[i] = action
    return out
