"""Where each top-level key and each action sits in a plan file's text, found from the text.

The optimistic parse has no node tree, so `scan_spans` finds the spans of the top-level keys
and of the items of `actions` from the lines themselves, and proves them by counting: every
top-level key starts a line at column 0 and every action starts a line with a dash at the
list's indentation, so when exactly as many such lines are found as the data has keys and
actions, none of them is a look-alike inside a string. Otherwise there are no spans (and the
callers take their slow, exact ways).

A span runs from its first line to the end of its last line of content: blank lines and
comment lines after it stay outside (as `yaml_rt` splices). The spans locate problems
(`Locator`), and let an edit change one action's lines against a plan taken from the cache
(`nzcli.store`), which proves the span again by parsing it.
"""

from __future__ import annotations

import bisect
import itertools
import re
import weakref
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

#: Where a value sits in a plan's data: ("actions", 3, "rag").
Loc = tuple[str | int, ...]

_TOP_KEY = re.compile(r"\n[^\s#]")  # (a literal first: the regex engine skips ahead)


@dataclass(frozen=True)
class Spans:
    """Character offsets [start, stop) in the text: per top-level key, per action."""

    keys: dict[str, tuple[int, int]]
    actions: list[tuple[int, int]]

    def to_json(self) -> dict[str, Any]:
        flat = [x for span in self.actions for x in span]
        return {"keys": {k: list(v) for k, v in self.keys.items()}, "actions": flat}

    @classmethod
    def from_json(cls, data: Any) -> Spans:
        flat = data["actions"]
        keys = {str(k): (int(v[0]), int(v[1])) for k, v in data["keys"].items()}
        return cls(keys, [(flat[i], flat[i + 1]) for i in range(0, len(flat), 2)])

    def shifted(self, lengths: Mapping[tuple[str] | tuple[str, int], int]) -> Spans:
        """The spans after each slot's text was replaced by text of the length given (slots
        that do not overlap). One pass, whatever the number of slots: an offset moves by the
        change in length of every slot that ends at or before it (so a span holding a slot
        grows with it, and the spans after it move)."""
        ends: list[tuple[int, int]] = []
        for slot, new_length in lengths.items():
            start, stop = self.actions[slot[1]] if len(slot) == 2 else self.keys[slot[0]]
            ends.append((stop, new_length - (stop - start)))
        ends.sort()
        stops = [stop for stop, _ in ends]
        moved = list(itertools.accumulate((delta for _, delta in ends), initial=0))

        def move(offset: int) -> int:
            return offset + moved[bisect.bisect_right(stops, offset)]

        keys = {k: (move(a), move(b)) for k, (a, b) in self.keys.items()}
        return Spans(keys, [(move(a), move(b)) for a, b in self.actions])


def _trim(text: str, start: int, stop: int) -> int:
    """`stop` moved back over trailing blank and comment lines (to the end of the last line
    of content, newline included)."""
    end = stop
    while end > start:
        line_start = text.rfind("\n", start, end - 1) + 1
        if line_start <= start:
            break
        stripped = text[line_start:end].strip()
        if stripped and not stripped.startswith("#"):
            break
        end = line_start
    return end


def scan_spans(text: str, data: Any) -> Spans | None:
    """The spans of a parsed plan's text (`data` its values), or None when the lines do not
    prove them (see the module's docstring)."""
    if not isinstance(data, dict) or "\r" in text or not text.endswith("\n"):
        return None
    starts = [m.start() + 1 for m in _TOP_KEY.finditer(text)]
    if text[:1] not in ("", " ", "\t", "\n", "#"):
        starts.insert(0, 0)
    if len(starts) != len(data):
        return None
    keys: dict[str, tuple[int, int]] = {}
    for key, start, stop in zip(data, starts, [*starts[1:], len(text)], strict=True):
        line = text[start : text.find("\n", start)]
        if not re.match(r"[\"']?" + re.escape(str(key)) + r"[\"']?[ \t]*:", line):
            return None
        keys[str(key)] = (start, _trim(text, start, stop))
    actions: list[tuple[int, int]] = []
    items = data.get("actions")
    if isinstance(items, list) and items and "actions" in keys:
        start, stop = keys["actions"]
        body = text.find("\n", start) + 1
        first = re.compile(r"^([ \t]*)-(?:[ \t]|$)", re.M).search(text, body, stop)
        if first is None:
            return None
        dash = re.compile("\n" + re.escape(first.group(1)) + "-[ \t\n]")
        found = [first.start()] + [m.start() + 1 for m in dash.finditer(text, first.start(), stop)]
        if len(found) != len(items):
            return None
        for a, b in zip(found, [*found[1:], stop], strict=True):
            actions.append((a, _trim(text, a, b)))
    return Spans(keys, actions)


def fragment(text: str, spans: Spans, slot: tuple[str] | tuple[str, int]) -> tuple[str, int]:
    """A slot's text as a YAML document of its own (an action framed as the only item of
    `actions`) and the number of lines put in front of it."""
    if len(slot) == 2:
        start, stop = spans.actions[slot[1]]
        return f"{slot[0]}:\n" + text[start:stop], 1
    start, stop = spans.keys[slot[0]]
    return text[start:stop], 0


class Locator:
    """(line, column) of a location in a document parsed without positions: the spans of its
    text, then the span holding the location parsed on its own, with positions."""

    def __init__(self, doc: Any, locate_fragment: Callable[[str, Loc], Any]) -> None:
        # A weak reference: the document holds its locator, and a cycle between them would
        # keep a whole plan's text and data while the garbage collector is off (as it is in
        # the `nzcli` process), and every fragment an edit parses.
        self._doc = weakref.ref(doc)
        self.locate_fragment = locate_fragment
        self._spans: Spans | bool | None = False
        self._counted = (0, 0)

    @property
    def doc(self) -> Any:
        doc = self._doc()
        if doc is None:  # pragma: no cover - a locator is reached through its document
            raise ReferenceError("the document of this locator is gone")
        return doc

    @property
    def spans(self) -> Spans | None:
        if self._spans is False:
            self._spans = scan_spans(self.doc.text, self.doc.data)
        return self._spans  # type: ignore[return-value]

    def __call__(self, loc: Loc) -> tuple[int | None, int | None]:
        text = self.doc.text
        spans = self.spans
        if not loc and spans is not None and spans.keys:
            return self._line_of(min(start for start, _ in spans.keys.values()))
        data = self.doc.data
        if isinstance(data, dict) and str(loc[0]) not in {str(k) for k in data}:
            # a key the file does not have: where the top-level mapping starts
            if spans is not None and spans.keys:
                return self._line_of(min(start for start, _ in spans.keys.values()))
            return self._whole(())
        if spans is None or str(loc[0]) not in spans.keys:
            return self._whole(loc)
        key = str(loc[0])
        if key == "actions" and len(loc) >= 2 and isinstance(loc[1], int):
            if not 0 <= loc[1] < len(spans.actions):
                return self._line_of(spans.keys[key][0])
            slot: tuple[str] | tuple[str, int] = (key, loc[1])
            inner: Loc = (key, 0, *loc[2:])
            start = spans.actions[loc[1]][0]
        else:
            slot, inner, start = (key,), loc, spans.keys[key][0]
        if len(slot) == 2 and len(loc) == 3:
            quick = self._key_line(spans.actions[slot[1]], str(loc[2]))
            if quick is not None:
                return quick
        source, framed = fragment(text, spans, slot)
        found = self.locate_fragment(source, inner)
        if found is None:
            return self._whole(loc)
        line, column = found
        return self._lines_before(start) + line - framed, column

    def _key_line(self, span: tuple[int, int], key: str) -> tuple[int, int] | None:
        """An action's own key, found by its line: at the column of the action's first key
        (lines of a value there would be keys themselves), once; else None."""
        text = self.doc.text
        start, stop = span
        first = re.compile(r"[ \t]*-[ \t]+").match(text, start)
        if first is None:
            return None
        column = first.end() - start
        name = re.escape(key)
        pattern = re.compile(
            rf"^(?:[ \t]*-[ \t]+|[ ]{{{column}}})[\"']?{name}[\"']?[ \t]*:(?:[ \t]|$)", re.M
        )
        hits = [m for m in pattern.finditer(text, start, stop)]
        if len(hits) != 1:
            return None
        hit = hits[0]
        if hit.start() == start and not text.startswith(" " * column, start):
            at = first.end()  # on the dash's line
        elif hit.start() != start:
            at = hit.start() + column
        else:
            at = first.end()
        if text[at] in "\"'" or text.startswith(key, at):
            return self._lines_before(at) + 1, at - text.rfind("\n", 0, at)
        return None

    def _line_of(self, offset: int) -> tuple[int, int]:
        return self._lines_before(offset) + 1, 1

    def _lines_before(self, offset: int) -> int:
        """Line breaks before `offset`, counted on from the last offset asked about (`check`
        asks in file order: counting from the start each time made it quadratic)."""
        last, lines = self._counted
        if offset < last:
            last, lines = 0, 0
        text: str = self.doc.text
        lines += text.count("\n", last, offset)
        self._counted = (offset, lines)
        return lines

    def _whole(self, loc: Loc) -> tuple[int | None, int | None]:
        """The whole text parsed with positions (a file whose lines prove no spans)."""
        found = self.locate_fragment(self.doc.text, loc)
        return found if found is not None else (None, None)
