"""The quick way to edit a plan file: against a plan already trusted, changing only its lines.

When the cache holds an entry whose key is the data file's current bytes (so its plan is
exactly the file's, validated when the entry was written) and the entry has the spans of the
file's actions and top-level keys, an edit needs neither to parse the whole file nor to
validate it again. `quick_edit`:

1. takes each edited slot's lines (`spans.fragment`) and proves them: parsed on their own,
   they must give exactly the slot's record in the trusted plan;
2. changes them as `yaml_rt` does for the slow path (`edit_fragment`: the same round trip in
   the file's own layout), and splices them into the text;
3. validates only what changed (`validate.validate_slots`: the new values, and the
   cross-references they take part in), and refuses with the slow path's words;
4. returns the new text, plan, spans and cache payload (the payload's lines for the changed
   actions replaced), and each edited slot's plain data before and after (for the history's
   entry, `storage.history`), for `nzcli.store` to write the file and then the new entry.

Anything it cannot do exactly as the slow path would (no spans, a slot whose lines do not
prove themselves, a layout that does not round-trip) returns None, and the slow path runs.
Tests hold both paths to byte-identical files and identical cache entries.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from nzcli.errors import DataError, UsageError
from nzcli.model import Plan
from nzcli.records import plan_from_data

from .cache import Trusted, record_json, replace_actions
from .spans import Spans, fragment
from .validate import id_prefix, validate_slots
from .yaml_rt import EditSlot, Layout, edit_fragment, guess_layout, splice
from .yaml_safe import Document, parse_yaml


@dataclass(frozen=True)
class QuickResult:
    text: str
    plan: Plan
    spans: Spans
    payload: bytes
    #: Each edited slot's plain data (as parsed) before and after the edit.
    before: dict[EditSlot, Any]
    after: dict[EditSlot, Any]


def layout_of(text: str, spans: Spans | None, doc: Document | None = None) -> Layout:
    """The file's indentation as `guess_layout` finds it, from the part of the file before
    its second action (so both paths, with or without a node tree, agree)."""
    if spans is not None and len(spans.actions) >= 2:
        head = text[: spans.actions[1][0]]
        try:
            return guess_layout(parse_yaml(head, "<layout>", route="positioned"))
        except DataError:
            pass
    if doc is None or doc.root is None:
        doc = parse_yaml(text, "<layout>", route="positioned")
    return guess_layout(doc)


def quick_edit(
    text: str,
    path: str,
    trusted: Trusted,
    edits: Mapping[EditSlot, Callable[[Any], None]],
) -> QuickResult | None:
    spans = trusted.spans
    plan = trusted.plan
    if any(slot[0] not in spans.keys for slot in edits) or ("actions",) in edits:
        return None
    if any(len(slot) == 2 and (slot[0] != "actions" or not 0 <= slot[1] < len(spans.actions))
           for slot in edits):
        return None
    layout = layout_of(text, spans)
    pieces: list[tuple[int, int, str]] = []
    lengths: dict[EditSlot, int] = {}
    new_actions: dict[int, Any] = {}
    new_top: dict[str, Any] = {}
    before: dict[EditSlot, Any] = {}
    for slot, change in edits.items():
        source, _framed = fragment(text, spans, slot)
        frame = f"{slot[0]}:\n" if len(slot) == 2 else ""
        old = _parsed(source, slot)
        if old is None or not _proves(old, slot, plan):
            return None
        new = edit_fragment(source, frame, slot, change, layout)
        if new is None:
            return None
        data = _parsed(frame + new, slot)
        if data is None:
            raise UsageError(
                f"refused: the change would break the file; {path} is unchanged"
            )  # pragma: no cover - the round trip writes YAML that parses
        data = shared(data, old)
        before[slot] = old
        if len(slot) == 2:
            new_actions[slot[1]] = data
            start, stop = spans.actions[slot[1]]
        else:
            new_top[slot[0]] = data
            start, stop = spans.keys[slot[0]]
        pieces.append((start, stop, new))
        lengths[slot] = len(new)
    after = splice(text, pieces)
    if after is None:
        return None
    new_plan, problems = validate_slots(plan, path, new_actions, new_top)
    if new_plan is None:
        reasons = "; ".join(f"{id_prefix(p)}{p.message}" for p in problems[:5])
        more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
        raise UsageError(
            f"refused: the change would make the file invalid: {reasons}{more}; "
            f"{path} is unchanged"
        )
    new_spans = spans.shifted(lengths)
    if new_top:
        from .cache import encode_payload

        payload = encode_payload(new_plan)
    else:
        json = {i: record_json(new_plan.actions[i]) for i in new_actions}
        payload = replace_actions(trusted.payload, json, len(plan.actions))
    news: dict[EditSlot, Any] = {("actions", i): v for i, v in new_actions.items()}
    news.update({(k,): v for k, v in new_top.items()})
    return QuickResult(after, new_plan, new_spans, payload, before, news)


def shared(new: Any, old: Any) -> Any:
    """`new` (freshly parsed data) with every string, key or value, that equals the string at
    the same place in `old` replaced by `old`'s: equal values, one copy. An edit keeps each
    edited slot's data before and after until the history has it, and an action's after is
    mostly its before (an import of 32,000 rows held both: about 50 MB at 100,000 actions)."""
    if type(new) is dict and type(old) is dict:
        keys = {key: key for key in old if type(key) is str}
        return {
            (keys.get(key, key) if type(key) is str else key): shared(
                value, old.get(key) if type(key) is str and key in keys else None
            )
            for key, value in new.items()
        }
    if type(new) is list and type(old) is list:
        return [shared(value, old[i] if i < len(old) else None) for i, value in enumerate(new)]
    if type(new) is str and type(old) is str and new == old:
        return old
    return new


def _parsed(source: str, slot: EditSlot) -> Any:
    """The slot's value in a fragment parsed on its own (None if it is not one such value)."""
    try:
        data = parse_yaml(source, "<fragment>").data
    except DataError:
        return None
    if list(data) != [slot[0]]:
        return None
    value = data[slot[0]]
    if len(slot) == 2:
        return value[0] if isinstance(value, list) and len(value) == 1 else None
    return value


def _proves(data: Any, slot: EditSlot, plan: Plan) -> bool:
    """True when the fragment's value is exactly the slot's record in the trusted plan."""
    from nzcli import schema
    from nzcli.records import action_from_data

    try:
        if len(slot) == 2:
            if not isinstance(data, dict):
                return False
            made = action_from_data(schema.Action.model_validate(data).model_dump(mode="json"))
            return bool(made == plan.actions[slot[1]])
        key = slot[0]
        info = {n: getattr(plan, n) for n in ("plan", "keys", "periods", "themes", "partners")}
        from nzcli.records import record_data

        whole: dict[str, Any] = {n: record_data(v) for n, v in info.items()}
        whole[key] = data
        whole["actions"] = []
        made_plan = plan_from_data(schema.Plan.model_validate(whole).model_dump(mode="json"))
        return bool(getattr(made_plan, key) == getattr(plan, key))
    except Exception:
        return False
