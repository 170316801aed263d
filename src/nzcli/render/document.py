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


@dataclass(frozen=True)
class TableField:
    """A typed column of a `Table`: its type is a Table Schema type (string, integer, number,
    boolean, date)."""

    name: str
    type: str = "string"
    description: str = ""
    required: bool = False
    enum: tuple[str, ...] | None = None
    pattern: str | None = None


@dataclass
class Table:
    """A table with typed fields and keys, for the open data formats (a Frictionless Data
    Package, SQLite): rows of plain values keyed by field name, null for unknown."""

    name: str
    description: str
    fields: list[TableField]
    rows: list[dict[str, Any]]
    primary_key: list[str]
    #: (fields, the table they refer to, its fields)
    foreign_keys: list[tuple[list[str], str, list[str]]] = field(default_factory=list)


@dataclass
class Document:
    """What a command produces: blocks for human formats, a value for JSON, a grid for CSV,
    the records NDJSON writes one a line (for `list` and `export`), and (for `export`) the
    YAML text."""

    blocks: list[Block]
    json: Any = None
    csv: Grid | None = None
    records: list[dict[str, Any]] | None = None
    #: The tables of the open data formats (`export --format datapackage|sqlite`).
    tables: list[Table] | None = None
    yaml: str | None = None
    title: str = "nzcli"
    meta: dict[str, Any] = field(default_factory=dict)
