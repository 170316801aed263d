"""Editing an action's updates line by line: the lines of the periods an edit changes, and no
others, written as the round trip would write them.

Recording officers' updates (`nzcli update --period`, `nzcli import`) changes an action's
`updates:` and nothing else, and ruamel.yaml's round trip of a whole action (load, no-op
check, dump) was 10 ms of every row of an import. `edit_updates` does such an edit from the
lines instead, when the action's updates are laid out as nzcli writes them:

- the action's text has no comment and no tab, and its `updates:` is a block mapping of
  periods, each a block mapping of `stage`, `rag` and `text` with one-line plain or quoted
  values, indented by the layout's mapping indent (as `yaml_rt` would dump them);
- the edit (the same `change` the round trip gets) reads and changes only `updates`: it is
  given the action as a mapping holding only its updates, made from the parsed data, and
  anything else it touches (another key of the action) sends the edit back to the round trip;
- every value it writes is one `yaml_scalar` can write as ruamel.yaml would (else, again, the
  round trip).

Then a period whose update is unchanged keeps its lines byte for byte; a changed one keeps
its key line and the lines of the values that did not change, and gets a line for each new
value; a new period's update is inserted where the round trip inserts it, its key quoted as
the file writes period ids. Anything else returns None, and `yaml_rt.edit_fragment` takes the
round trip. Tests hold the two to the same text for random edits of the shipped plan, and
`yaml_scalar` to ruamel.yaml's own output for random text.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator
from typing import Any

from nzcli.model import PERIOD_ID, Update
from nzcli.records import field_names

#: What a period's update may hold, in the order the file writes it (the record's fields),
#: and those written here (one-line values; `schemes` is a list: the round trip writes it).
_UPDATE_KEYS = field_names(Update)
_LINE_KEYS = tuple(key for key in _UPDATE_KEYS if key != "schemes")


class _Unhandled(Exception):
    """The edit reads or changes more than an action's updates."""


class _UpdatesOnly:
    """An action's round-trip mapping, as far as an edit of its updates needs one: `updates`
    and nothing else (any other key raises `_Unhandled`)."""

    def __init__(self, updates: Any) -> None:
        self.updates = updates

    def _key(self, key: object) -> None:
        if key != "updates":
            raise _Unhandled(key)

    def get(self, key: str, default: Any = None) -> Any:
        self._key(key)
        return self.updates

    def __getitem__(self, key: str) -> Any:
        self._key(key)
        return self.updates

    def __contains__(self, key: object) -> bool:
        self._key(key)
        return True

    def __setitem__(self, key: str, value: Any) -> None:
        raise _Unhandled(key)

    def __delitem__(self, key: str) -> None:
        raise _Unhandled(key)

    def __iter__(self) -> Iterator[str]:
        raise _Unhandled("keys")

    def insert(self, *_args: Any) -> None:
        raise _Unhandled("insert")


# ---------------------------------------------------------------------------------------------
# Scalars as ruamel.yaml writes them (width 1,000,000, unicode allowed)

#: Words a plain scalar must not be (they read as null or a boolean in one YAML or another).
_RESERVED = frozenset({"null", "true", "false", "yes", "no", "on", "off", "y", "n"})
#: A first character that makes a scalar quoted.
_INDICATORS = frozenset("#&*!|>'\"%@`")


def _writable(char: str) -> bool:
    """Printable as it is in a scalar (no line break, control, BOM or surrogate)."""
    if " " <= char <= "~":
        return True
    return (
        "\xa0" <= char <= "\U0010ffff"
        and char not in "\u2028\u2029\ufeff\ufffe\uffff"
        and not "\ud800" <= char <= "\udfff"
    )


def _in_double_quotes(char: str) -> bool:
    """Written as it is between double quotes (else ruamel.yaml escapes it: NBSP as `\\_`,
    characters beyond U+FFFF as `\\U...`)."""
    return " " <= char <= "~" or (
        ("\xa1" <= char <= "\ud7ff" or "\ue000" <= char <= "\ufffd")
        and char not in "\u2028\u2029\ufeff"
    )


def _single_quoted(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _double_quoted(value: str) -> str | None:
    if '"' in value or "\\" in value or not all(map(_in_double_quotes, value)):
        return None  # (escapes: left to ruamel.yaml)
    return '"' + value + '"'


def yaml_scalar(value: Any, style: str | None = None) -> str | None:
    """`value` (None or text) as ruamel.yaml's round-trip dump writes it after `key: `, or
    None when it is not sure (the caller then lets ruamel.yaml write it).

    `style` is the quoting of the value it replaces (`"` or `'`): ruamel.yaml keeps it for
    new text in an existing key (`CommentedMap.__setitem__`). Without one: plain for text
    starting with a letter that reads back as text; quoted for text that cannot be plain
    because of `: `, ` #`, a closing `:` or an indicator first (single quotes, or double
    quotes when it holds a `'`, as ruamel.yaml prefers)."""
    if value is None:
        return "null"
    if type(value) is not str or not value or value != value.strip(" "):
        return None
    if not all(map(_writable, value)):
        return None
    if style == '"':
        return _double_quoted(value)
    if style == "'":
        return _single_quoted(value)
    if style is not None:
        return None
    cannot_be_plain = (
        ": " in value or value.endswith(":") or " #" in value or value[0] in _INDICATORS
    )
    if cannot_be_plain:
        return _single_quoted(value) if "'" not in value else _double_quoted(value)
    if value[0].isascii() and value[0].isalpha() and value.casefold() not in _RESERVED:
        return value
    return None


# ---------------------------------------------------------------------------------------------
# The edit


def edit_updates(
    fragment: str, frame: str, change: Callable[[Any], None], mapping_indent: int
) -> str | None:
    """An action's lines (`fragment`: `frame` and one action, as `yaml_rt.edit_fragment`
    gets them) with `change` applied to its updates, without the frame; None when this
    cannot be done line by line (see the module)."""
    if "#" in fragment or "\t" in fragment or not fragment.startswith(frame):
        return None
    root = _compose(fragment)
    if root is None:
        return None
    found = _updates_of(root, fragment, mapping_indent)
    if found is None:
        return None
    lines, first, last, column, entries, before = found
    updates = _round_trip(before)
    try:
        change(_UpdatesOnly(updates))
    except _Unhandled:
        return None
    new_lines = _updates_lines(entries, before, updates, column, mapping_indent)
    if new_lines is None:
        return None
    return "".join([*lines[:first], *new_lines, *lines[last:]])[len(frame) :]


#: A period's update in the file: its key's line, and each value's line and quoting.
_Entry = tuple[str, dict[str, tuple[str, str | None]]]


def _compose(text: str) -> Any:
    """The node tree of a fragment of a file already read and trusted (so it has no tags,
    anchors or repeated keys), by libyaml's composer with no type resolution: every scalar a
    string, as written, with its style and marks (0.15 ms an action; the positioned parse,
    with its checks and data, 0.7 ms). None if libyaml does not take it."""
    try:
        composer = _composer()(text)
        try:
            return composer.get_single_node()
        finally:
            composer.dispose()
    except Exception:
        return None


_KINDS = {"ScalarNode": "str", "SequenceNode": "seq", "MappingNode": "map"}


@functools.cache
def _composer() -> Any:
    from _ruamel_yaml import CParser  # ruamel.yaml.clib: libyaml
    from ruamel.yaml.resolver import BaseResolver

    tags = {kind: f"tag:yaml.org,2002:{name}" for kind, name in _KINDS.items()}

    class Composer(CParser, BaseResolver):  # type: ignore[misc]
        def __init__(self, text: str) -> None:
            CParser.__init__(self, text)
            BaseResolver.__init__(self)

        def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
            # Every node its kind's default tag, as BaseResolver gives it (a trusted file has
            # no tags), without BaseResolver's search of resolvers for each of them.
            return tags[kind.__name__]

    return Composer


#: Plain scalars that read as null in the plan file.
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
#: A plain scalar that could read as anything but text or null (a number, a boolean, ...).
_NOT_TEXT = re.compile(r"[-+.0-9]|(?:true|false|True|False|TRUE|FALSE)\Z")


def _value(node: Any) -> tuple[bool, Any]:
    """(True, the value) of an update's scalar as the plan's data has it (text or None), or
    (False, None) for one that might read as something else."""
    if node.style:  # quoted: text
        return True, node.value
    if node.value in _NULLS:
        return True, None
    return (False, None) if _NOT_TEXT.match(node.value) else (True, node.value)


def _updates_of(
    root: Any, text: str, indent: int
) -> tuple[list[str], int, int, int, dict[str, _Entry], dict[str, dict[str, Any]]] | None:
    """The fragment's lines, the first and past-the-last line of its updates' periods, the
    periods' column, each period's entry, and the updates' data; None unless laid out as the
    module says."""
    if _kind(root) != "MappingNode" or len(root.value) != 1:
        return None
    items = root.value[0][1]
    if _kind(items) != "SequenceNode" or len(items.value) != 1:
        return None
    action = items.value[0]
    if _kind(action) != "MappingNode" or action.flow_style:
        return None
    pair = next((kv for kv in action.value if kv[0].value == "updates"), None)
    if pair is None:
        return None
    key, periods = pair
    if _kind(periods) != "MappingNode" or periods.flow_style or not periods.value:
        return None
    lines = text.splitlines(keepends=True)
    if not lines or not lines[-1].endswith("\n"):
        return None
    column = key.start_mark.column + indent
    entries: dict[str, _Entry] = {}
    data: dict[str, dict[str, Any]] = {}
    line = key.start_mark.line + 1  # every line from here to the last period's is theirs
    for period_key, entry in periods.value:
        if (
            _kind(period_key) != "ScalarNode"
            or (period_key.start_mark.line, period_key.start_mark.column) != (line, column)
            or _kind(entry) != "MappingNode"
            or entry.flow_style
            or not entry.value
        ):
            return None
        values: dict[str, tuple[str, str | None]] = {}
        period = data[str(period_key.value)] = {}
        for name, value in entry.value:
            line += 1
            if (
                _kind(name) != "ScalarNode"
                or name.value not in _UPDATE_KEYS
                or _kind(value) != "ScalarNode"
                or (name.start_mark.line, name.start_mark.column) != (line, column + indent)
                or value.end_mark.line != line
            ):
                return None
            known, period[name.value] = _value(value)
            if not known:
                return None
            values[name.value] = (lines[line], value.style or None)  # ('' when plain)
        entries[str(period_key.value)] = (lines[period_key.start_mark.line], values)
        line += 1
    if line < len(lines) and lines[line].strip() and _indent(lines[line]) > key.start_mark.column:
        return None  # (more of the updates after the last period: not laid out as ours)
    if len(data) != len(periods.value):
        return None  # (a period written twice: the file's reader refuses it)
    return lines, key.start_mark.line + 1, line, column, entries, data


def _kind(node: Any) -> str:
    return type(node).__name__


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _round_trip(updates: Any) -> Any:
    """An action's updates (parsed data) as the round-trip mappings an edit changes."""
    from ruamel.yaml.comments import CommentedMap

    return CommentedMap((period, CommentedMap(entry.items())) for period, entry in updates.items())


def _updates_lines(
    entries: dict[str, _Entry], before: Any, updates: Any, column: int, indent: int
) -> list[str] | None:
    """The periods' lines after the edit (None when one cannot be written line by line)."""
    if not isinstance(updates, dict) or not updates:
        return None  # (no update left: the round trip writes `updates: {}`)
    out: list[str] = []
    for period, entry in updates.items():
        if (
            not isinstance(period, str)
            or not isinstance(entry, dict)
            or not entry
            or any(name not in _LINE_KEYS for name in entry)
        ):
            return None
        old = entries.get(period)
        kept: dict[str, tuple[str, str | None]] = {}
        if old is None:
            if not PERIOD_ID.match(period):
                return None
            out.append(" " * column + f'"{period}":\n')  # (as `edits._period_key` writes it)
        else:
            out.append(old[0])
            kept = old[1]
        was = before.get(period) or {}
        for name, value in entry.items():
            line, style = kept.get(name, ("", None))
            if line and _same(was.get(name), value):
                out.append(line)
                continue
            text = yaml_scalar(value, style if type(value) is str else None)
            if text is None:
                return None
            out.append(" " * (column + indent) + f"{name}: {text}\n")
    return out


def _same(old: Any, new: Any) -> bool:
    """The same value, as text or null (so its line can stay as it is)."""
    return old == new and (old is None or type(old) is str) and (new is None or type(new) is str)
