"""Plain text: headings, paragraphs and lines as they are, one per line (`check`).

A line of a `Lines` block (one of `check`'s problems) stays one line whatever the data in it
holds: a newline in an ID is written as `\\n`, never as a second line that could pass for
another problem."""

from __future__ import annotations

from nzcli.safety import escape_controls, one_line

from . import Style
from .document import Document, Heading, Lines, Notice, Paragraph


def render(doc: Document, style: Style) -> str:
    lines: list[str] = []
    for block in doc.blocks:
        if isinstance(block, Lines):
            lines += [one_line(line) for line in block.lines]
        elif isinstance(block, (Heading, Notice, Paragraph)):
            lines += block.text.split("\n")
    return "".join(escape_controls(line) + "\n" for line in lines)
