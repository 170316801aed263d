"""Reading a plan file's text before any node tree exists: bounds from the text alone
(`prescan`), libyaml's event stream (`scan_events`, iterative and bounded), locating a value by
walking the events (`locate_by_events`), and positions as an editor counts them. Used by
`nzcli.storage.yaml_safe` (see its docstring for the order of the steps)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from nzcli.errors import DataError

#: Deepest nesting a plan file may have (a real plan needs about 6).
MAX_DEPTH = 64
#: Most YAML nodes a file may hold (a 100,000-action plan has about 4 million, and the
#: prescan's bound for it is about 9 million): refused from the text alone, before parsing.
MAX_NODES = 20_000_000
#: Where a value sits in a plan's data: ("actions", 3, "rag").
Loc = tuple[str | int, ...]

_SAFE_TAGS = frozenset({"str", "int", "float", "bool", "null", "map", "seq"})
_SAFE_TAG_URIS = frozenset(f"tag:yaml.org,2002:{name}" for name in _SAFE_TAGS)


#: Line breaks for libyaml that are not line breaks for an editor (YAML 1.1's NEL, LS, PS).
_ODD_BREAKS = re.compile("[\x85\u2028\u2029]")


def user_position(text: str, mark: Any) -> tuple[int, int]:
    """1-based (line, column) of a libyaml mark as an editor counts them: libyaml also breaks
    lines at NEL, U+2028 and U+2029, which would shift every later line number."""
    index = getattr(mark, "index", None)
    if index is None or not text or not _ODD_BREAKS.search(text, 0, index):
        return mark.line + 1, mark.column + 1
    line = text.count("\n", 0, index) + 1
    start = text.rfind("\n", 0, index) + 1
    return line, index - start + 1



# ---------------------------------------------------------------------------------------------
# 1. The prescan: bounds from the text alone


@dataclass(frozen=True)
class Prescan:
    """What the text alone says about a file (every bound errs on the safe side)."""

    #: At least as many nodes as the file can hold.
    nodes: int
    #: The file could nest deeper than MAX_DEPTH (only `scan_events` can tell).
    deep: bool
    #: It could hold a tag, an anchor, an alias, a directive, a document marker or a complex
    #: key (only `scan_events` can tell).
    properties: bool
    #: Text the optimistic parser may read otherwise than libyaml (tabs, NEL or U+2028/2029
    #: line breaks, a byte-order mark inside the text): the positioned route reads it.
    exotic: bool


#: Most nesting the prescan lets through without asking `scan_events`: block nesting is at
#: most the leading run of spaces and indicators plus a few, flow nesting at most the number
#: of brackets that open a non-empty collection.
_SAFE_INDENT = MAX_DEPTH // 2 - 4
_SAFE_OPENERS = MAX_DEPTH // 2
_DEEP_INDENT = re.compile(rb"^[ \t?:-]{%d}" % (_SAFE_INDENT + 1), re.M)
#: What may stand before a node property (a tag, an anchor, an alias) or a complex key's `?`:
#: the start of a line, whitespace or a flow indicator. Text such as "R&D" or "Act now!" has
#: none; "Food & Drink" neither (an anchor's name cannot start with a space).
_BEFORE_PROPERTY = frozenset(b" \t\r\n[{,:")
_BEFORE_QUESTION = frozenset(b" \t\r\n[{,")
_NOT_A_NAME = frozenset(b" \t\r\n]},")
#: Bytes that follow a complex key's `?` (and nothing: the end of the text).
_AFTER_QUESTION = frozenset(b" \t\r\n")

# The prescan reads the text's UTF-8 bytes, not the text: counting and searching one byte a
# character is several times quicker than in Python's two- or four-byte strings (a plan with
# one "—" or "£" is stored two bytes a character), and every character it looks for is ASCII
# or is looked for by its UTF-8 bytes, which occur in UTF-8 only where the character does.

#: Characters libyaml's reader refuses (yaml-rs takes them): the positioned route refuses them.
_UNPRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")
#: The printable ASCII bytes, tab and the two line breaks: none is in `_UNPRINTABLE`, so it
#: is searched in the rest alone (a few thousand characters in an English plan).
_PLAIN_ASCII = bytes(range(0x20, 0x7F)) + b"\t\n\r"


def _rest(data: bytes) -> bytes:
    """The bytes of the characters of the text `data` encodes that are not `_PLAIN_ASCII`.
    Deleting whole ASCII characters (single bytes, never part of another character's bytes)
    leaves the other characters' bytes intact and in order, so a character's UTF-8 bytes
    occur in the rest exactly when the character occurs in the text and is not plain ASCII."""
    return data.translate(None, _PLAIN_ASCII)


def _has_unprintable(rest: bytes) -> bool:
    """`_UNPRINTABLE` occurs in the text (`rest`: from `_rest`)."""
    return bool(rest) and _UNPRINTABLE.search(rest.decode("utf-8", "surrogatepass")) is not None


#: What could be a YAML timestamp (2024-06-30): ruamel.yaml types it, and nzcli refuses that
#: tag, so such a file is read by the positioned route. Searched for as `[0-9]{4}-[0-9][0-9]?-
#: [0-9]` would be, but with two substring searches in a copy of the bytes where every ASCII
#: digit is "0", "-" stays and every other byte is " " (a regular expression with no literal
#: to look for first reads 66 MB at about 45 MB/s).
_TIMESTAMP_MAP = bytes(
    0x30 if 0x30 <= b <= 0x39 else 0x2D if b == 0x2D else 0x20 for b in range(256)
)
_TIMESTAMP_SHAPES = (b"0000-0-0", b"0000-00-0")


def _has_timestamp(data: bytes) -> bool:
    shapes = data.translate(_TIMESTAMP_MAP)
    return any(shape in shapes for shape in _TIMESTAMP_SHAPES)


#: Characters the optimistic parser may read otherwise than libyaml: a tab, and (as UTF-8
#: bytes, looked for in `_rest`) NEL, U+2028 and U+2029 line breaks, a byte-order mark inside
#: the text.
_EXOTIC_WIDE = tuple(char.encode("utf-8") for char in "\x85\u2028\u2029\ufeff")


#: A block scalar's header (`|`, `>-`, `|2+ # note`) as the last thing in the text: an empty
#: block scalar at the end of the stream, which yaml-rs reads as "\n" and libyaml (the
#: positioned route, and the YAML spec) as "" — such a file is read by the positioned route.
_LAST_BLOCK_HEADER = re.compile(r"(?:^|[\s:-])[|>][0-9+-]*[ \t]*(?:#[^\n]*)?\Z")
#: How much of the text's end is looked at for it (the rest of the text is not copied).
_TAIL = 4096


def _ends_in_empty_block(text: str) -> bool:
    tail = text[-_TAIL:].rstrip()
    if not tail:
        return len(text) >= _TAIL  # (only blank lines in the tail: look no further, be careful)
    # A match ends the tail and holds no line break but the one it may start with: so it is
    # searched for in the tail's last line and the break before it (a tenth of the time).
    return _LAST_BLOCK_HEADER.search(tail[max(tail.rfind("\n"), 0) :]) is not None


def _occurs(
    data: bytes, char: bytes, before: frozenset[int], after: Callable[[bytes], bool]
) -> bool:
    """True when `char` occurs after one of `before` (or first) and before a byte for which
    `after` holds (or last: `after` gets b""): one `bytes.find` per occurrence of `char`."""
    at = data.find(char)
    while at != -1:
        if (at == 0 or data[at - 1] in before) and after(data[at + 1 : at + 2]):
            return True
        at = data.find(char, at + 1)
    return False


def _has_properties(data: bytes) -> bool:
    """Could the text hold a tag, anchor, alias, directive, document marker or complex key?"""
    if _occurs(data, b"!", _BEFORE_PROPERTY, lambda _next: True):
        return True
    for char in (b"&", b"*"):
        if _occurs(data, char, _BEFORE_PROPERTY, lambda nxt: not nxt or nxt[0] not in _NOT_A_NAME):
            return True
    if _occurs(data, b"?", _BEFORE_QUESTION, lambda nxt: not nxt or nxt[0] in _AFTER_QUESTION):
        return True
    if data.startswith((b"%", b"---", b"...")) or any(
        marker in data for marker in (b"\n%", b"\n---", b"\n...")
    ):
        return True
    # a flow collection as a mapping key: `[a, b]: c`
    for close in (b"]", b"}"):
        at = data.find(close)
        while at != -1:
            rest = data[at + 1 : at + 40].lstrip(b" \t")
            if rest.startswith(b":") and rest[1:2] in (b"", b" ", b"\t", b"\r", b"\n"):
                return True
            at = data.find(close, at + 1)
    return False


def prescan(text: str) -> Prescan:
    """Bounds from the text alone: a few passes of `bytes.count` and `bytes.find` over its
    UTF-8 bytes (see above; a lone surrogate is kept as its three bytes)."""
    data = text.encode("utf-8", "surrogatepass")
    count = data.count
    openers = count(b"[") + count(b"{") - count(b"[]") - count(b"{}")
    # Every node but the root is a mapping key or value (an entry needs ':', '?', ',' or '{')
    # or a sequence item (after '-', '[' or ',').
    nodes = (
        1
        + 2 * (count(b":") + count(b"?") + count(b",") + count(b"{"))
        + count(b"-")
        + count(b"[")
    )
    deep = openers > _SAFE_OPENERS or b"\n" + b" " * (_SAFE_INDENT + 1) in data
    if not deep and any(run in data for run in (b"- -", b"-\t", b"? ", b"?\t", b"\t", b": -")):
        deep = _DEEP_INDENT.search(data) is not None  # indicators mixed into an indentation
    rest = _rest(data)
    exotic = (
        b"\t" in data
        or any(char in rest for char in _EXOTIC_WIDE)
        or _has_unprintable(rest)
        or _has_timestamp(data)
        or _ends_in_empty_block(text)
    )
    return Prescan(nodes, deep, _has_properties(data), exotic)


# ---------------------------------------------------------------------------------------------
# 2. The event scan: exact, with positions, bounded


@dataclass
class Scan:
    """What `scan_events` found in a file that it did not refuse."""

    duplicates: list[tuple[int, int, str]] = field(default_factory=list)
    #: An explicit tag of the plain-data set (`!!str 12`): the positioned route reads it.
    tags: bool = False
    #: A mapping key that is a list or mapping: the positioned route reports it.
    complex_keys: bool = False


def scan_events(text: str, path: str) -> Scan:
    """Walk libyaml's events once: refuse anchors, aliases, tags outside the plain-data set,
    nesting deeper than MAX_DEPTH, more than MAX_NODES nodes, syntax errors and more than one
    document, each with its position; collect repeated mapping keys. Memory: one frame per
    open collection."""
    from _ruamel_yaml import CParser  # ruamel.yaml.clib: libyaml's parser
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    def refuse(message: str, mark: Any) -> DataError:
        line, column = user_position(text, mark)
        return DataError(path, message, line, column)

    parser = CParser(text)
    found = Scan()
    # per open collection: [is_mapping, expecting_a_key, keys seen]
    stack: list[list[Any]] = []
    nodes = documents = 0
    try:
        while True:
            event = parser.get_event()
            kind = type(event).__name__
            if kind == "StreamEndEvent":
                break
            if kind == "DocumentStartEvent":
                documents += 1
                if documents > 1:
                    raise refuse(
                        "the file holds more than one YAML document; keep one plan per file",
                        event.start_mark,
                    )
                continue
            if kind in ("MappingEndEvent", "SequenceEndEvent"):
                stack.pop()
                continue
            if kind not in ("ScalarEvent", "MappingStartEvent", "SequenceStartEvent",
                            "AliasEvent"):
                continue
            nodes += 1
            if nodes > MAX_NODES:
                raise DataError(path, f"the file is too large (more than {MAX_NODES:,} YAML nodes)")
            if kind == "AliasEvent" or event.anchor is not None:
                raise refuse(
                    "YAML anchors and aliases (&, *) are not allowed; write each value out in full",
                    event.start_mark,
                )
            tag = event.tag
            if tag is not None and tag != "!":
                if tag not in _SAFE_TAG_URIS:
                    shown = tag.replace("tag:yaml.org,2002:", "!!")
                    raise refuse(
                        f"YAML tag {shown!r} is not allowed; a plan holds only plain data",
                        event.start_mark,
                    )
                found.tags = True
            elif tag == "!":
                found.tags = True  # the non-specific tag: the positioned route decides
            parent = stack[-1] if stack else None
            is_key = parent is not None and parent[0] and parent[1]
            if parent is not None and parent[0]:
                parent[1] = not parent[1]
            if is_key:
                if kind == "ScalarEvent":
                    assert parent is not None
                    if event.value in parent[2]:
                        line, column = user_position(text, event.start_mark)
                        found.duplicates.append((line, column, event.value))
                    parent[2].add(event.value)
                else:
                    found.complex_keys = True
            if len(stack) + 1 > MAX_DEPTH:
                raise refuse(
                    f"the YAML is nested too deeply (more than {MAX_DEPTH} levels)",
                    event.start_mark,
                )
            if kind in ("MappingStartEvent", "SequenceStartEvent"):
                stack.append([kind == "MappingStartEvent", True, set()])
    except MarkedYAMLError as exc:
        raise _marked_error(exc, path, text) from None
    except YAMLError as exc:  # the reader's: a control character, ...
        raise DataError(path, f"YAML error: {_one_line(str(exc))}") from None
    found.duplicates.sort()
    return found



def locate_by_events(text: str, loc: Loc) -> tuple[int, int] | None:
    """(line, column) of `loc`, found as `locate_in` finds it, by walking libyaml's events up
    to it (memory: none to speak of; time: up to the location)."""
    from _ruamel_yaml import CParser
    from ruamel.yaml.error import YAMLError

    parser = CParser(text)

    def next_event() -> tuple[str, Any]:
        event = parser.get_event()
        return type(event).__name__, event

    def skip(kind: str) -> None:
        if kind not in ("MappingStartEvent", "SequenceStartEvent"):
            return
        depth = 1
        while depth:
            inner, _ = next_event()
            if inner in ("MappingStartEvent", "SequenceStartEvent"):
                depth += 1
            elif inner in ("MappingEndEvent", "SequenceEndEvent"):
                depth -= 1

    try:
        kind, event = next_event()
        while kind in ("StreamStartEvent", "DocumentStartEvent"):
            kind, event = next_event()
        mark = event.start_mark
        for part in loc:
            if kind == "MappingStartEvent":
                while True:
                    key_kind, key = next_event()
                    if key_kind == "MappingEndEvent":
                        return user_position(text, mark)
                    if key_kind == "ScalarEvent" and key.value == str(part):
                        mark = key.start_mark
                        kind, event = next_event()
                        break
                    skip(key_kind)
                    skip(next_event()[0])
            elif kind == "SequenceStartEvent" and isinstance(part, int):
                for _ in range(part):
                    item_kind, _item = next_event()
                    if item_kind == "SequenceEndEvent":
                        return user_position(text, mark)
                    skip(item_kind)
                kind, event = next_event()
                if kind == "SequenceEndEvent":
                    return user_position(text, mark)
                mark = event.start_mark
            else:
                break
    except YAMLError:
        pass
    return user_position(text, mark)



def _marked_error(exc: Any, path: str, text: str = "") -> DataError:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or getattr(exc, "context", None) or str(exc)
    name = type(exc).__name__
    if name == "DuplicateKeyError":
        key_mark = getattr(exc, "problem_mark", None)
        text = _one_line(str(getattr(exc, "problem", "")))
        return DataError(
            path,
            f"duplicate key: {text}",
            *(user_position(text, key_mark) if key_mark else (None, None)),
        )
    message = _one_line(str(problem))
    if "constructor for the tag" in message:
        message = "a YAML tag that is not allowed; a plan holds only plain data"
    else:
        message = f"YAML syntax error: {message}"
    if mark is None:
        return DataError(path, message)
    return DataError(path, message, *user_position(text, mark))


def _one_line(text: str) -> str:
    return " ".join(text.split())
