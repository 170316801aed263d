"""Output: commands build a `Document` (plain data); one renderer per format turns it into text.

Renderers never print. `render(doc, fmt, ...)` is the one place a format is chosen.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

FORMATS = ("table", "md", "csv", "json", "html")
EXTENSIONS = {
    ".md": "md",
    ".markdown": "md",
    ".csv": "csv",
    ".json": "json",
    ".html": "html",
    ".htm": "html",
    ".txt": "table",
}

#: Column kinds: how a value is shown in human formats.
TEXT, NUMBER, LIST, STAGE, RAG, OBJECTIVES, LABEL = (
    "text",
    "number",
    "list",
    "stage",
    "rag",
    "objectives",
    "label",
)


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    kind: str = TEXT


@dataclass
class Grid:
    """A table: columns and rows of plain values (dicts keyed by column key)."""

    columns: list[Column]
    rows: list[dict[str, Any]]
    title: str | None = None


@dataclass
class Heading:
    text: str
    level: int = 1


@dataclass
class Paragraph:
    text: str


@dataclass
class Bars:
    """A small bar chart: (label, count) pairs, drawn in the terminal and as SVG in HTML."""

    title: str
    items: list[tuple[str, int]]


Block = Grid | Heading | Paragraph | Bars


@dataclass
class Document:
    """What a command produces: blocks for human formats, a value for JSON, a grid for CSV."""

    blocks: list[Block]
    json: Any
    csv: Grid | None = None
    title: str = "nzcli"
    meta: dict[str, Any] = field(default_factory=dict)


# ---------------------------------------------------------------------------------------------
# Cell text shared by the human formats

_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def escape_controls(text: str) -> str:
    """Control and bidi-override characters as visible escapes (`\\x1b`), so none reach a
    terminal or page. Newline and tab are kept; CR becomes `\\r`."""
    return _CONTROL.sub(
        lambda m: (
            f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100 else f"\\u{ord(m.group()):04x}"
        ),
        text,
    )


def format_number(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return f"{value:g}" if isinstance(value, float) else str(value)


def human(value: Any, kind: str) -> str:
    """A value as a person reads it (tables, Markdown, HTML)."""
    if kind == RAG:
        return str(value).capitalize() if value else "Not rated"
    if value is None:
        return ""
    if kind == STAGE:
        return stage_label(str(value))
    if kind == OBJECTIVES:
        return "All" if value == "all" else ", ".join(str(v) for v in value)
    if kind == NUMBER:
        return format_number(value)
    if kind == LABEL:
        return str(value).capitalize()
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return str(value)


def stage_label(value: str) -> str:
    """ "design" -> "Design"; "A: delivery; B: design" -> "A: Delivery; B: Design"."""
    parts = []
    for part in value.split("; "):
        scheme, sep, stage = part.rpartition(": ")
        parts.append(f"{scheme}{sep}{stage.capitalize()}")
    return "; ".join(parts)


def machine(value: Any) -> str:
    """A value as CSV writes it: lists joined with "; ", numbers plain, null empty."""
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    if isinstance(value, float):
        return format_number(value)
    return str(value)


def pick_format(fmt: str | None, output: str | None, allowed: Sequence[str]) -> str:
    """--format, else the --output extension, else table."""
    from nzcli.errors import UsageError

    if fmt is None and output is not None:
        suffix = output[output.rfind(".") :].casefold() if "." in output else ""
        fmt = EXTENSIONS.get(suffix)
        if fmt is None:
            raise UsageError(
                f"--output: cannot tell the format from {output!r}; add --format "
                f"({', '.join(allowed)})"
            )
    fmt = (fmt or "table").casefold()
    fmt = {"markdown": "md", "text": "table"}.get(fmt, fmt)
    if fmt not in allowed:
        raise UsageError(
            f"--format: {fmt!r} is not available here; use one of {', '.join(allowed)}"
        )
    return fmt


def render(
    doc: Document, fmt: str, *, color: bool = False, width: int = 100, excel: bool = False
) -> str:
    """The one place a renderer is chosen."""
    if fmt == "json":
        from .json import render_json

        return render_json(doc.json)
    if fmt == "csv":
        from .csv import render_csv

        grid = doc.csv or next(b for b in doc.blocks if isinstance(b, Grid))
        return render_csv(grid, excel=excel)
    if fmt == "md":
        from .markdown import render_markdown

        return render_markdown(doc.blocks)
    if fmt == "html":
        from .html import render_html

        return render_html(doc)
    from .table import render_table

    return render_table(doc.blocks, color=color, width=width)
