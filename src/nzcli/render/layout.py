"""Column widths chosen from a grid's content, shared by the terminal, HTML and Word.

Every column gets at least its longest word (so no word is broken), up to a cap where the
format must fold (a terminal at 80 columns); the room left over goes to the columns that
can use it, in proportion to how much text each holds, never wider than its longest line.
So a column of short codes stays narrow, running text gets the width, and one wide cell
(T17's three schemes, one per line) does not size its column for every row.

Pure functions over text lengths: a renderer measures in characters and converts (to
percentages for HTML, to twips for Word).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from nzcli.safety import UNSAFE, escape_controls

from .cells import human, human_column
from .document import STAGE, Column, Grid

_CONTROL = re.compile(f"[{UNSAFE}]")


@dataclass(frozen=True)
class Measure:
    """A column's text: its longest word (header or cells), its longest line, its total
    length; then its cells' longest word, that of most of its rows (`USUAL` of them), and
    the header's longest word (a format may set headers smaller or bolder)."""

    word: int
    line: int
    mass: int
    body: int = 0
    usual: int = 0
    head: int = 0


#: The share of rows whose longest word sets a column's `usual` word.
USUAL = 0.95
#: Fewer rows than this, and every word is usual.
FEW_ROWS = 20


def display(value: Any, kind: str) -> str:
    """A cell's text as the human formats lay it out (and measure it): control characters
    made visible, a stage of several schemes one scheme per line ("A: delivery;" then
    "B: design")."""
    text = escape_controls(human(value, kind))
    return text.replace("; ", ";\n") if kind == STAGE else text


def display_column(values: Sequence[Any], kind: str) -> list[str]:
    """`[display(v, kind) for v in values]`, a column at a time (`human_column`)."""
    shown = human_column(values, kind)
    if _CONTROL.search("".join(shown)) is not None:
        shown = [escape_controls(t) for t in shown]
    return [t.replace("; ", ";\n") for t in shown] if kind == STAGE else shown


#: Web addresses this long may break after a "/" (the HTML page lets them), and any word
#: may break after a hyphen (browsers and Word do): so their pieces, not the whole, set a
#: column's narrowest width.
LONG_WORD = 25
_ADDRESS_BREAK = re.compile(r"(?<=[/-])")
_HYPHEN_BREAK = re.compile(r"(?<=-)(?=.)")


def _word(word: str, hyphens: bool = True) -> int:
    """A word's narrowest width: its longest piece, where it may break (`hyphens`: after
    a hyphen; always: a long web address after a slash)."""
    if ("-" not in word or not hyphens) and (len(word) < LONG_WORD or "/" not in word):
        return len(word)
    address = len(word) >= LONG_WORD and word.startswith(("http://", "https://", "www."))
    if not address and not hyphens:
        return len(word)
    return max(map(len, (_ADDRESS_BREAK if address else _HYPHEN_BREAK).split(word)))


def _text_measure(text: str, hyphens: bool) -> tuple[int, int]:
    """One cell's longest line and narrowest width (its longest word, `_word`)."""
    line = longest = 0
    for part in text.split("\n") if "\n" in text else (text,):
        size = len(part)
        if size > line:
            line = size
        if size <= longest:
            continue  # no longer word in it
        pieces = part.split()
        if (hyphens and "-" in part) or (size >= LONG_WORD and "/" in part):  # may break
            widest = max(  # (`_word` of a word without "-" or "/" is its length)
                (_word(w, hyphens) if "-" in w or "/" in w else len(w) for w in pieces),
                default=0,
            )
        else:
            widest = max(map(len, pieces), default=0)
        if widest > longest:
            longest = widest
    return line, longest


#: Cells at most this long are measured once per distinct text (codes, stages, RAGs).
SHORT_CELL = 40


def measure_text(texts: Iterable[str], header: str = "", hyphens: bool = True) -> Measure:
    """The measure of a header and cells' texts (`hyphens`: words break after hyphens,
    as in a browser or Word; a terminal folds them instead)."""
    line = mass = 0
    words: list[int] = []
    known: dict[str, tuple[int, int]] = {}
    for text in texts:
        size = len(text)
        mass += size
        if size > SHORT_CELL:
            text_line, longest = _text_measure(text, hyphens)
        else:
            done = known.get(text)
            if done is None:
                done = known[text] = _text_measure(text, hyphens)
            text_line, longest = done
        if text_line > line:
            line = text_line
        words.append(longest)
    head = max(map(len, header.split()), default=0)
    line = max(line, len(header))
    words.sort()
    word = max(head, words[-1] if words else 0)
    body = words[-1] if words else 0
    usual_body = body if len(words) < FEW_ROWS else words[int(USUAL * (len(words) - 1))]
    return Measure(word, line, mass + len(header), body, usual_body, head)


def measure(
    *grids: Grid, text: Callable[[Any, Column], str] | None = None, hyphens: bool = True
) -> list[Measure]:
    """Each column's measure over its header and every row's displayed text, over one
    grid or several with the same columns (sized alike, so they line up)."""
    columns = grids[0].columns
    if text is None:  # a column at a time (`display_column`)
        return [
            measure_text(
                display_column([row.get(column.key) for g in grids for row in g.rows], column.kind),
                column.header,
                hyphens,
            )
            for column in columns
        ]
    show = text
    return [
        measure_text(
            (show(row.get(column.key), column) for g in grids for row in g.rows),
            column.header,
            hyphens,
        )
        for column in columns
    ]


def floors(
    measures: Sequence[Measure],
    usual: bool = False,
    short: int = 0,
    extra: int = 0,
    header: float = 1.0,
) -> list[int]:
    """Each column's narrowest width: its longest word (with `usual`, the longest word of
    most rows: a rare longer word folds, where the format can fold), or its longest line
    when that is at most `short` (codes kept on one line); `extra` more for safety where
    widths are estimates (proportional fonts). `header` scales the header's word (a
    smaller bold header's is about 0.9 of a body word of as many letters)."""
    out = []
    for m in measures:
        if m.line <= short:
            narrowest = m.line
        else:
            narrowest = max(m.usual if usual else m.body, math.ceil(m.head * header))
        out.append(max(1, narrowest) + extra)
    return out


def share(measures: Sequence[Measure], total: int, start: Sequence[int]) -> list[int]:
    """Widths from `start` up to `total`: the room shared by text held, each column up to
    its longest line."""
    widths = list(start)
    room = total - sum(widths)
    while room > 0:
        open_ = [i for i, m in enumerate(measures) if widths[i] < m.line]
        if not open_:
            break
        weight = sum(max(measures[i].mass, 1) for i in open_)
        given = 0
        for i in open_:
            step = min(measures[i].line - widths[i], room * max(measures[i].mass, 1) // weight)
            widths[i] += step
            given += step
        if given == 0:  # less than one unit each is left: the largest holders first
            for i in sorted(open_, key=lambda i: -measures[i].mass)[:room]:
                widths[i] += 1
                given += 1
        room -= given
    return widths


#: Rows looked at to balance a grid's columns (evenly spaced through a longer one).
SAMPLE_ROWS = 400


def sample(*grids: Grid, limit: int = SAMPLE_ROWS) -> list[list[tuple[int, ...]]]:
    """The displayed line lengths of each cell, row by row, of at most `limit` rows taken
    evenly through the grids (all of them when there are fewer)."""
    rows = [row for g in grids for row in g.rows]
    if len(rows) > limit:
        rows = [rows[i * len(rows) // limit] for i in range(limit)]
    columns = grids[0].columns
    return [
        [tuple(len(p) for p in display(row.get(c.key), c.kind).split("\n")) for c in columns]
        for row in rows
    ]


def _lines(lengths: tuple[int, ...], width: int) -> int:
    return sum(-(-n // width) if n else 1 for n in lengths)


def fit(
    measures: Sequence[Measure],
    rows: Sequence[Sequence[tuple[int, ...]]],
    total: int,
    start: Sequence[int],
) -> list[int]:
    """Widths adding up to `total` (when the `start` widths fit) that make the rows as
    short as they can be: room is given, a few units at a time, to the column whose cells
    set the most rows' heights and would shorten them most; what no row needs is shared
    by text held (`share`). A row's height is its tallest cell's lines."""
    widths = list(start)
    room = total - sum(widths)
    if room <= 0 or not rows:
        return share(measures, total, widths) if room > 0 else widths
    ncols = len(widths)
    step = max(1, room // 60)
    lines = [[_lines(cell, widths[j]) for j, cell in enumerate(row)] for row in rows]
    while room > 0:
        gains = [0.0] * ncols
        for r, row_lines in enumerate(lines):
            top = max(row_lines)
            if top == 1:
                continue
            tallest = [j for j in range(ncols) if row_lines[j] == top]
            for j in tallest:
                grow = min(step, room, measures[j].line - widths[j])
                if grow <= 0:
                    continue
                after = _lines(rows[r][j], widths[j] + grow)
                if len(tallest) == 1:
                    others = max((n for k, n in enumerate(row_lines) if k != j), default=1)
                    gains[j] += (top - max(others, after)) / grow
                else:  # tied: each shares the credit for shortening its own cell
                    gains[j] += (top - after) / len(tallest) / grow
        best = max(range(ncols), key=lambda j: (gains[j], -j))
        if gains[best] <= 0:
            return share(measures, total, widths)
        grow = min(step, room, measures[best].line - widths[best])
        widths[best] += grow
        room -= grow
        for r, row in enumerate(rows):
            lines[r][best] = _lines(row[best], widths[best])
    return widths


def widths_for(
    *grids: Grid,
    total: int,
    usual: bool = False,
    short: int = 0,
    extra: int = 0,
    hyphens: bool = True,
    header: float = 1.0,
) -> list[int]:
    """Column widths for grids alike, `total` units across: each column at least its
    narrowest (`floors`), the rest where it shortens the rows most (`fit`)."""
    measures = measure(*grids, hyphens=hyphens)
    narrowest = floors(measures, usual, short, extra, header)
    return fit(measures, sample(*grids), total, narrowest)
