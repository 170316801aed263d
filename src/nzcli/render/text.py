"""Plain text: headings, paragraphs and lines exactly as they are, one per line (`check`)."""

from __future__ import annotations

from nzcli.safety import escape_controls

from . import Style
from .document import Document, Heading, Lines, Notice, Paragraph


def render(doc: Document, style: Style) -> str:
    lines: list[str] = []
    for block in doc.blocks:
        if isinstance(block, Lines):
            lines += block.lines
        elif isinstance(block, (Heading, Notice, Paragraph)):
            lines += block.text.split("\n")
    return "".join(escape_controls(line) + "\n" for line in lines)
