"""Round-trip editing: change a few slots of a plan file and leave every other byte alone.

`edit_text` loads only the lines holding an edited slot (an action, the periods list) with
ruamel.yaml's round-trip loader, applies the change, dumps them again in the file's own
indentation (`guess_layout`) and splices them back; comments, blank lines and layout
elsewhere cannot change. A file whose lines do not survive that is round-tripped whole.
"""

from __future__ import annotations

import functools
import io
import re
from collections.abc import Callable, Mapping
from typing import Any

from .yaml_safe import Document, parse_yaml

#: Characters the YAML reader counts as line breaks besides "\n" (they would shift line numbers).
_OTHER_BREAKS = ("\r", "\x85", "\u2028", "\u2029")

#: What `edit_text` is given: a top-level key ("periods",) or an item of one ("actions", 3).
EditSlot = tuple[str] | tuple[str, int]


@functools.cache
def _rt_representer() -> Any:
    from ruamel.yaml.representer import RoundTripRepresenter

    class Representer(RoundTripRepresenter):
        """Writes None as `null` (ruamel's round-trip default is an empty value)."""

    def null(representer: Any, _data: None) -> Any:
        return representer.represent_scalar("tag:yaml.org,2002:null", "null")

    Representer.add_representer(type(None), null)
    return Representer


#: Indentation as ruamel.yaml counts it: (mapping, sequence, dash offset).
Layout = tuple[int, int, int]
#: The data file's layout: keys indented 2, a sequence's dashes 2 under their key.
CANONICAL_LAYOUT: Layout = (2, 4, 2)


def rt_yaml(layout: Layout = CANONICAL_LAYOUT) -> Any:
    """ruamel.yaml round-trip settings matching the data file (a no-op load and dump of
    data/actions.yaml is byte-identical): quotes kept, long strings on one line, the file's
    indentation, None written as `null`. A new instance each time: one used again keeps
    what it read before, and every later load gets slower."""
    from ruamel.yaml import YAML

    mapping, sequence, offset = layout
    yaml = YAML(typ="rt")
    yaml.Representer = _rt_representer()
    yaml.preserve_quotes = True
    yaml.width = 1_000_000
    yaml.allow_unicode = True
    yaml.indent(mapping=mapping, sequence=sequence, offset=offset)
    return yaml


def rt_load(text: str, layout: Layout = CANONICAL_LAYOUT) -> Any:
    """Round-trip load (CommentedMap/CommentedSeq keep comments, order and quoting).

    Only for text `parse_yaml` has already accepted (no tags, aliases or duplicate keys)."""
    return rt_yaml(layout).load(text)


def rt_dump(data: Any, layout: Layout = CANONICAL_LAYOUT) -> str:
    out = io.StringIO()
    rt_yaml(layout).dump(data, out)
    return out.getvalue()


def guess_layout(doc: Document) -> Layout:
    """The indentation a hand-edited file uses, from its first nested mapping and sequence
    (the canonical layout for anything not found or not usable)."""
    if doc.root is None:  # read without positions: the node tree is needed here
        doc = parse_yaml(doc.text, doc.path, route="positioned")
    lines = re.split("\r\n|[\r\n\x85\u2028\u2029]", doc.text)  # as libyaml counts lines
    mapping = sequence = offset = None
    queue = [doc.root] if doc.root is not None else []
    while queue and (mapping is None or sequence is None):
        node = queue.pop(0)
        if getattr(node, "flow_style", False) or not isinstance(node.value, list):
            continue
        if type(node).__name__ != "MappingNode":
            queue.extend(node.value)
            continue
        for key, value in node.value:
            column = key.start_mark.column
            kind = type(value).__name__
            if getattr(value, "flow_style", False) or not isinstance(value.value, list):
                continue
            if not value.value:
                continue
            if kind == "MappingNode" and mapping is None:
                mapping = value.value[0][0].start_mark.column - column
            elif kind == "SequenceNode" and sequence is None:
                item = value.value[0]
                before = lines[item.start_mark.line][: item.start_mark.column].rstrip()
                if before.endswith("-") and not before[:-1].strip():
                    sequence = item.start_mark.column - column
                    offset = len(before) - 1 - column
            queue.append(value)
    m, s, o = CANONICAL_LAYOUT
    mapping = mapping if mapping is not None and mapping >= 1 else m
    if sequence is None or offset is None or offset < 0 or sequence < offset + 2:
        sequence, offset = s, o
    return mapping, sequence, offset


def edit_text(
    doc: Document,
    edits: Mapping[EditSlot, Callable[[Any], None]],
    layout: Layout | None = None,
) -> str:
    """Apply round-trip edits to a parsed document and return the new text.

    Each edit gets the round-trip node at its slot (the `periods` sequence, an action's
    mapping, ...) and changes it in place. Only the lines holding an edited slot are loaded,
    changed and dumped again; every other line is copied as it was, so comments, blank lines
    and layout elsewhere cannot change. When a slot's lines do not survive a no-op round trip
    unchanged (unusual layout), the whole file is round-tripped instead. `layout`: the file's
    indentation (default: `guess_layout`).
    """
    text = doc.text
    if not edits:
        return text
    layout = layout or guess_layout(doc)
    spliced = None if any(b in text for b in _OTHER_BREAKS) else _splice(doc, edits, layout)
    if spliced is not None:
        return spliced
    root = rt_load(text, layout)
    for slot, change in edits.items():
        change(_rt_slot(root, slot))
    return rt_dump(root, layout)


def _rt_slot(root: Any, slot: EditSlot) -> Any:
    node = root[slot[0]]
    return node[slot[1]] if len(slot) == 2 else node


def edit_fragment(
    fragment: str, frame: str, slot: EditSlot, change: Callable[[Any], None], layout: Layout
) -> str | None:
    """A slot's lines changed: `fragment` is `frame` (`actions:` for an action, else empty)
    and the slot's lines, loaded alone; the changed lines without the frame, or None when
    the lines do not survive a no-op round trip (an unusual layout). An edit of an action's
    updates alone is made line by line when it can be (`line_edit`: the same text, without
    the round trip's 10 ms an action)."""
    if len(slot) == 2:
        from .line_edit import edit_updates

        lined = edit_updates(fragment, frame, change, layout[0])
        if lined is not None:
            return lined
    data = rt_load(fragment, layout)
    if not _same_but_nulls(fragment, rt_dump(data, layout)):
        return None
    change(_rt_slot(data, (slot[0], 0) if len(slot) == 2 else slot))
    dumped = rt_dump(data, layout)
    if not dumped.startswith(frame):
        return None
    return dumped[len(frame) :]


def splice(text: str, pieces: list[tuple[int, int, str]]) -> str | None:
    """`text` with each [start, stop) range replaced (in one pass); None if ranges overlap."""
    pieces = sorted(pieces)
    out: list[str] = []
    at = 0
    for start, stop, new in pieces:
        if start < at:
            return None  # overlapping slots
        out += (text[at:start], new)
        at = stop
    out.append(text[at:])
    return "".join(out)


def _splice(
    doc: Document, edits: Mapping[EditSlot, Callable[[Any], None]], layout: Layout
) -> str | None:
    lines = doc.text.splitlines(keepends=True)
    if not lines or not lines[-1].endswith("\n"):
        return None
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))
    pieces: list[tuple[int, int, str]] = []
    for slot, change in edits.items():
        span = _slot_lines(doc.root, slot, lines)
        if span is None:
            return None
        start, stop, frame = span
        new = edit_fragment(frame + "".join(lines[start:stop]), frame, slot, change, layout)
        if new is None:
            return None
        pieces.append((offsets[start], offsets[stop], new))
    return splice(doc.text, pieces)


def _same_but_nulls(original: str, dumped: str) -> bool:
    """True when a no-op round trip gave the same text, but for nulls now spelled `null`
    (`rag:` or `rag: ~` in a hand-edited file): those lines are in the edited slot anyway."""
    if original == dumped:
        return True
    old, new = original.split("\n"), dumped.split("\n")
    if len(old) != len(new):
        return False
    for before, after in zip(old, new, strict=True):
        if before == after:
            continue
        spelt = re.fullmatch(r"(.*?:)[ \t]*(~|null|Null|NULL)?", before)
        if spelt is None or after != spelt.group(1) + " null":
            return False
    return True


def _slot_lines(root: Any, slot: EditSlot, lines: list[str]) -> tuple[int, int, str] | None:
    """(first line, line after the last, frame) of a slot's text, 0-based; None if unsure.

    A top-level key runs from its key to the last line holding its content (comments and
    blank lines after it stay outside); an item of a top-level sequence likewise from its
    dash, framed by `key:` so it loads as a one-item sequence."""
    pair = next((kv for kv in root.value if str(kv[0].value) == slot[0]), None)
    if pair is None:
        return None
    key_node, value = pair
    if key_node.start_mark.column != 0:
        return None
    if len(slot) == 1:
        return key_node.start_mark.line, _last_line(value) + 1, ""
    items = value.value if type(value).__name__ == "SequenceNode" else None
    index = slot[1]
    if getattr(value, "flow_style", False) or not items or not 0 <= index < len(items):
        return None
    item = items[index]
    start = item.start_mark.line
    if lines[start][: item.start_mark.column].strip() != "-":
        return None
    return start, _last_line(item) + 1, f"{slot[0]}:\n"


def _last_line(node: Any) -> int:
    """0-based index of the last line holding any of a node's content."""
    value = node.value
    if isinstance(value, list) and not getattr(node, "flow_style", False) and value:
        parts = [p for entry in value for p in (entry if isinstance(entry, tuple) else (entry,))]
        return max(_last_line(part) for part in parts)
    end = node.end_mark
    if end.column == 0 and end.line > node.start_mark.line:
        return int(end.line) - 1
    return int(end.line)
