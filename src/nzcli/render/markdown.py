"""GitHub-flavoured Markdown: headings, paragraphs and pipe tables that stay tables; a
notice (a draft's banner) as a bold quote. Contents and page breaks are left to the reader
(GitHub lists a page's headings itself).

Every cell is escaped first, so it stays one cell and renders as the text it holds: `|` and
the Markdown punctuation are backslash-escaped, `<`, `>` and `&` become entities (no raw
HTML gets through), newlines become `<br>`. tabulate then lays the escaped cells out as a
pipe table with aligned columns, so the raw Markdown reads as a table too, where people
paste it.
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
            parts.append("#" * block.level + " " + escape_inline(block.text))
        elif isinstance(block, Paragraph):
            parts.append(escape_inline(block.text).replace("\n", "  \n"))
        elif isinstance(block, Notice):
            parts.append(f"> **{escape_inline(block.text)}**")
        elif isinstance(block, (Grid, Trend)):
            grid = block.as_grid() if isinstance(block, Trend) else block
            if grid.title:
                parts.append(f"**{escape_inline(grid.title)}**")
            parts.append(table(grid))
        elif isinstance(block, Bars):
            total = sum(n for _, n in block.items)
            rows = [
                [escape_cell(label), str(n), f"{100 * n / total:.0f}%" if total else "0%"]
                for label, n in block.items
            ]
            parts.append(f"**{escape_inline(block.title)}**")
            parts.append(pipe_table(["", "Actions", "Share"], rows, [False, True, True]))
        elif isinstance(block, Lines):
            parts.append("  \n".join(escape_inline(line) for line in block.lines))
    return "\n\n".join(parts) + "\n"


def render(doc: Document, style: Style) -> str:
    return render_markdown(doc.blocks)
