"""What a command answers, as plain data: a `Document` of blocks, plus its JSON and CSV forms.

Views (`nzcli.views`) build Documents; renderers (one module per format, registered in
`nzcli.render`) turn them into text or bytes. Nothing here knows a format.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

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
class Lines:
    """Lines shown exactly as they are, one per line (`nzcli check`'s problems)."""

    lines: list[str]


@dataclass
class Bars:
    """A small bar chart: (label, count) pairs, drawn in the terminal and as SVG in HTML."""

    title: str
    items: list[tuple[str, int]]


Block = Grid | Heading | Paragraph | Lines | Bars


@dataclass
class Sheet:
    """One sheet of a workbook (.xlsx): its name and its blocks, top to bottom. A sheet that
    is one Grid and nothing else is a table: its header on the first row, frozen, filtered."""

    name: str
    blocks: list[Block]


@dataclass
class Document:
    """What a command produces: blocks for human formats, a value for JSON, a grid for CSV,
    (for `export`) the YAML text, and (for .xlsx, when a command lays its workbook out)
    its sheets."""

    blocks: list[Block]
    json: Any = None
    csv: Grid | None = None
    yaml: str | None = None
    sheets: list[Sheet] | None = None
    title: str = "nzcli"
    meta: dict[str, Any] = field(default_factory=dict)
