"""GitHub-flavoured Markdown: headings, paragraphs and pipe tables that stay tables; a
notice (a draft's banner) as a bold quote. Contents and page breaks are left to the reader
(GitHub lists a page's headings itself).

Every cell is escaped first, so it stays one cell and renders as the text it holds: `|` and
the Markdown punctuation are backslash-escaped, `<`, `>` and `&` become entities (no raw
HTML gets through), newlines become `<br>`. tabulate then lays the escaped cells out as a
pipe table with aligned columns, so the raw Markdown reads as a table too, where people
paste it.

Outside tables, a line break in data (a theme, section, period or organisation name) never
becomes block structure: a heading is one line, and each line of a paragraph is trimmed,
blank lines dropped, and a line that would start a list, a rule, a setext heading or a code
block has that character escaped (`block_safe`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from nzcli.safety import UNSAFE, escape_controls

from . import Style
from .cells import human_column
from .document import (
    NUMBER,
    Bars,
    Block,
    Document,
    Grid,
    Heading,
    Lines,
    Notice,
    Paragraph,
    Trend,
)

#: Markdown punctuation, backslash-escaped; `&`, `<` and `>` as entities: one pass.
_ESCAPES = str.maketrans(
    {c: "\\" + c for c in "\\`*_[]|~#!"} | {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
)


def escape_inline(text: str) -> str:
    return escape_controls(text).translate(_ESCAPES)


#: What at the start of a line would begin a block: a list item (`-`, `+`, `*`, `1.`, `1)`),
#: a thematic break or setext underline (`-`, `=`, `_`, `*`). `#`, `>`, `<`, `|` and the
#: code fences are escaped everywhere already.
_BLOCK_START = re.compile(r"^(\d{1,9})([.)])|^([-+=])")


def block_safe(line: str) -> str:
    """One escaped line (`escape_inline` output) that cannot start a block of its own:
    leading spaces taken off (no indented code), a leading list or rule marker escaped."""
    line = line.strip()
    return _BLOCK_START.sub(lambda m: f"{m[1]}\\{m[2]}" if m[1] else f"\\{m[3]}", line)


def one_line(text: str) -> str:
    """Escaped text for a heading or caption: one line, whatever line breaks it held."""
    return block_safe(" ".join(escape_inline(text).split()))


def paragraph(text: str) -> str:
    """Escaped text for a paragraph: its lines kept as hard line breaks, none of them able to
    end the paragraph or begin another block."""
    lines = [block_safe(line) for line in escape_inline(text.replace("\r\n", "\n")).split("\n")]
    return "  \n".join(line for line in lines if line)


def escape_cell(text: str) -> str:
    text = escape_inline(text.replace("\r\n", "\n"))
    return "<br>".join(part.strip() for part in text.split("\n")) if "\n" in text else text


#: Characters one column wide for tabulate's width function (wcwidth) and for `len`:
#: printable ASCII, Latin-1 (not the soft hyphen), dashes, quotes and bullets, the euro.
#: Tables of these alone are laid out here (`_narrow_pipe_table`); any other, by tabulate.
_NARROW = re.compile(r"[ -~\xa0-\xac\xae-\xff\u2010-\u2027\u2030-\u205e\u20ac]*\Z")
#: Rows from which the narrow layout is used (below, tabulate is quick enough).
NARROW_ROWS = 50


def _narrow_pipe_table(headers: list[str], rows: list[list[str]], numeric: list[bool]) -> str:
    """What tabulate writes for these cells (`pipe`, `disable_numparse`, `colalign`, every
    character one column wide): each cell stripped and padded to its column's width (at
    least its header's and two), one space either side, a colon for the alignment. tabulate
    takes about 7 µs a cell for its type and width checks; this, under one.
    (tests/test_render_stream.py compares the two on generated tables.)"""
    columns = [[cell.strip() for cell in column] for column in zip(*rows, strict=True)]
    widths = [
        max(len(header) + 2, max(map(len, column)))
        for header, column in zip(headers, columns, strict=True)
    ]
    lines = [
        "| "
        + " | ".join(
            h.rjust(w) if n else h.ljust(w)
            for h, w, n in zip(headers, widths, numeric, strict=True)
        )
        + " |",
        "|"
        + "|".join(
            "-" * (w + 1) + ":" if n else ":" + "-" * (w + 1)
            for w, n in zip(widths, numeric, strict=True)
        )
        + "|",
    ]
    padded = [
        [c.rjust(w) for c in column] if n else [c.ljust(w) for c in column]
        for column, w, n in zip(columns, widths, numeric, strict=True)
    ]
    lines.extend("| " + " | ".join(cells) + " |" for cells in zip(*padded, strict=True))
    return "\n".join(lines)


def _narrow_columns(headers: list[str], columns: list[list[str]], numeric: list[bool]) -> str:
    """`_narrow_pipe_table` of the table's columns (each a list of cells): one format
    string lays out a row."""
    columns = [[cell.strip() for cell in column] for column in columns]
    widths = [
        max(len(header) + 2, max(map(len, column)))
        for header, column in zip(headers, columns, strict=True)
    ]
    head = "| " + " | ".join(
        h.rjust(w) if n else h.ljust(w) for h, w, n in zip(headers, widths, numeric, strict=True)
    )
    rule = "|".join(
        "-" * (w + 1) + ":" if n else ":" + "-" * (w + 1)
        for w, n in zip(widths, numeric, strict=True)
    )
    layout = "| " + " | ".join(
        f"{{:{'>' if n else '<'}{w}}}" for w, n in zip(widths, numeric, strict=True)
    )
    lines = [head + " |", "|" + rule + "|"]
    lines.extend(map((layout + " |").format, *columns))
    return "\n".join(lines)


def pipe_table(headers: list[str], rows: list[list[str]], numeric: list[bool]) -> str:
    """Escaped cells as an aligned pipe table (numbers right-aligned). tabulate is told
    that every cell is text already: it must not reformat or re-type what it is given."""
    if (
        len(rows) >= NARROW_ROWS
        and all(len(row) == len(headers) for row in rows)
        and all(_NARROW.match(cell) for cell in headers)
        and all(_NARROW.match(cell) for row in rows for cell in row)
    ):
        return _narrow_pipe_table(headers, rows, numeric)
    return _tabulate(headers, rows, numeric)


def _tabulate(headers: list[str], rows: list[list[str]], numeric: list[bool]) -> str:
    from tabulate import tabulate

    align = ["right" if n else "left" for n in numeric]
    text: str = tabulate(
        rows, headers, tablefmt="pipe", colalign=align, disable_numparse=True, stralign="left"
    )
    return text


#: Cells at most this long are escaped once per distinct text (codes, stages, RAGs).
SHORT_CELL = 40
#: A character `escape_cell` changes (escaped, an entity, a line break or a control
#: character): a cell without one is written as it is.
_SPECIAL = re.compile(f"[\\\\`*_\\[\\]|~#!&<>\r\n{UNSAFE}]")


def escape_cells(texts: list[str]) -> list[str]:
    """`[escape_cell(t) for t in texts]`: only cells holding a special character are
    escaped, short ones once per distinct text."""
    special = _SPECIAL.search
    if special("".join(texts)) is None:  # the usual column: codes, stages, numbers
        return texts
    escaped: dict[str, str] = {}
    out: list[str] = []
    for text in texts:
        if special(text) is None:
            out.append(text)
        elif len(text) > SHORT_CELL:
            out.append(escape_cell(text))
        else:
            done = escaped.get(text)
            if done is None:
                done = escaped[text] = escape_cell(text)
            out.append(done)
    return out


def table(grid: Grid) -> str:
    """The grid as a pipe table, built a column at a time (`reference_table`, in
    tests/test_report_speed.py, is the cell-by-cell form it replaced: the same bytes)."""
    headers = [escape_cell(c.header) for c in grid.columns]
    numeric = [c.kind == NUMBER for c in grid.columns]
    columns = [
        escape_cells(human_column([row.get(c.key) for row in grid.rows], c.kind))
        for c in grid.columns
    ]
    if not columns:
        return pipe_table(headers, [[] for _ in grid.rows], numeric)
    if (
        len(grid.rows) >= NARROW_ROWS
        and all(_NARROW.match(cell) for cell in headers)
        and all(_NARROW.match("".join(column)) for column in columns)
    ):
        return _narrow_columns(headers, columns, numeric)
    return _tabulate(headers, [list(row) for row in zip(*columns, strict=True)], numeric)


def render_markdown(blocks: Sequence[Block]) -> str:
    parts: list[str] = []
    for block in blocks:
        if isinstance(block, Heading):
            parts.append("#" * block.level + " " + one_line(block.text))
        elif isinstance(block, Paragraph):
            parts.append(paragraph(block.text))
        elif isinstance(block, Notice):
            parts.append(f"> **{one_line(block.text)}**")
        elif isinstance(block, (Grid, Trend)):
            grid = block.as_grid() if isinstance(block, Trend) else block
            if grid.title:
                parts.append(f"**{one_line(grid.title)}**")
            parts.append(table(grid))
        elif isinstance(block, Bars):
            total = sum(n for _, n in block.items)
            rows = [
                [escape_cell(label), str(n), f"{100 * n / total:.0f}%" if total else "0%"]
                for label, n in block.items
            ]
            parts.append(f"**{one_line(block.title)}**")
            parts.append(pipe_table(["", "Actions", "Share"], rows, [False, True, True]))
        elif isinstance(block, Lines):
            parts.append("  \n".join(one_line(line) for line in block.lines))
    return "\n\n".join(parts) + "\n"


def render(doc: Document, style: Style) -> str:
    return render_markdown(doc.blocks)
