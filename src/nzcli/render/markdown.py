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

from nzcli.safety import escape_controls

from . import Style
from .cells import human
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

_SPECIAL = re.compile(r"([\\`*_\[\]|~#!])")


def escape_inline(text: str) -> str:
    text = escape_controls(text)
    text = _SPECIAL.sub(r"\\\1", text)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text


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


def pipe_table(headers: list[str], rows: list[list[str]], numeric: list[bool]) -> str:
    """Escaped cells as an aligned pipe table (numbers right-aligned). tabulate is told
    that every cell is text already: it must not reformat or re-type what it is given."""
    from tabulate import tabulate

    align = ["right" if n else "left" for n in numeric]
    text: str = tabulate(
        rows, headers, tablefmt="pipe", colalign=align, disable_numparse=True, stralign="left"
    )
    return text


def table(grid: Grid) -> str:
    headers = [escape_cell(c.header) for c in grid.columns]
    rows = [[escape_cell(human(row.get(c.key), c.kind)) for c in grid.columns] for row in grid.rows]
    return pipe_table(headers, rows, [c.kind == NUMBER for c in grid.columns])


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
