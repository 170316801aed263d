"""GitHub-flavoured Markdown: headings, paragraphs and pipe tables that stay tables.

Every cell is escaped so it stays one cell and renders as the text it holds: `|` and the
Markdown punctuation are backslash-escaped, `<`, `>` and `&` become entities (no raw HTML
gets through), newlines become `<br>`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from nzcli.safety import escape_controls

from . import Style
from .cells import human
from .document import NUMBER, Bars, Block, Document, Grid, Heading, Lines, Paragraph

_SPECIAL = re.compile(r"([\\`*_\[\]|~#!])")


def escape_inline(text: str) -> str:
    text = escape_controls(text)
    text = _SPECIAL.sub(r"\\\1", text)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text


def escape_cell(text: str) -> str:
    text = escape_inline(text.replace("\r\n", "\n"))
    return "<br>".join(part.strip() for part in text.split("\n")) if "\n" in text else text


def table(grid: Grid) -> str:
    header = "| " + " | ".join(escape_cell(c.header) for c in grid.columns) + " |"
    rule = "|" + "|".join("---:" if c.kind == NUMBER else "---" for c in grid.columns) + "|"
    lines = [header, rule]
    for row in grid.rows:
        cells = [escape_cell(human(row.get(c.key), c.kind)) or " " for c in grid.columns]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def render_markdown(blocks: Sequence[Block]) -> str:
    parts: list[str] = []
    for block in blocks:
        if isinstance(block, Heading):
            parts.append("#" * block.level + " " + escape_inline(block.text))
        elif isinstance(block, Paragraph):
            parts.append(escape_inline(block.text).replace("\n", "  \n"))
        elif isinstance(block, Grid):
            if block.title:
                parts.append(f"**{escape_inline(block.title)}**")
            parts.append(table(block))
        elif isinstance(block, Bars):
            total = sum(n for _, n in block.items)
            lines = [
                f"**{escape_inline(block.title)}**",
                "",
                "| | Actions | Share |",
                "|---|---:|---:|",
            ]
            for label, n in block.items:
                share = f"{100 * n / total:.0f}%" if total else "0%"
                lines.append(f"| {escape_cell(label)} | {n} | {share} |")
            parts.append("\n".join(lines))
        elif isinstance(block, Lines):
            parts.append("  \n".join(escape_inline(line) for line in block.lines))
    return "\n\n".join(parts) + "\n"


def render(doc: Document, style: Style) -> str:
    return render_markdown(doc.blocks)
