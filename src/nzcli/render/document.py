"""What a command answers, as plain data: a `Document` of blocks, plus its JSON and CSV forms.

Views (`nzcli.views`) build Documents; renderers (one module per format, registered in
`nzcli.render`) turn them into text or bytes. Nothing here knows a format.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

#: Column kinds: how a value is shown in human formats. REF is an action ID that links to
#: the action's row where the format can link (HTML).
TEXT, NUMBER, LIST, STAGE, RAG, OBJECTIVES, LABEL, REF = (
    "text",
    "number",
    "list",
    "stage",
    "rag",
    "objectives",
    "label",
    "ref",
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
    #: The column whose value names each row, for formats with links (`#T17` in HTML).
    anchor: str | None = None


@dataclass
class Heading:
    text: str
    level: int = 1
    #: A name to link to (`#transport`), for formats with links and a contents list.
    anchor: str | None = None


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


@dataclass
class Trend:
    """Counts across periods, oldest first: one stacked bar per period in HTML, a grid in
    the other formats. `series` is (label, one count per period) pairs."""

    title: str
    periods: list[str]
    series: list[tuple[str, list[int]]]

    def as_grid(self) -> Grid:
        """The same counts as a grid: one row per period, one column per label."""
        columns = [Column("period", "Period")] + [
            Column(f"s{i}", label, NUMBER) for i, (label, _) in enumerate(self.series)
        ]
        rows = [
            {"period": name, **{f"s{i}": counts[p] for i, (_, counts) in enumerate(self.series)}}
            for p, name in enumerate(self.periods)
        ]
        return Grid(columns, rows, title=self.title)


@dataclass
class Notice:
    """A message shown prominently, before anything else it precedes (a draft's banner)."""

    text: str


@dataclass
class Contents:
    """Where a contents list of the anchored headings goes, in formats that can link."""

    title: str = "Contents"


@dataclass
class PageBreak:
    """The end of a page in paged formats (the Word paper's first page); ignored elsewhere."""


Block = Grid | Heading | Paragraph | Lines | Bars | Trend | Notice | Contents | PageBreak


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
class Sheet:
    """One sheet of a workbook (.xlsx): its name and its blocks, top to bottom. A sheet that
    is one Grid and nothing else is a table: its header on the first row, frozen, filtered."""

    name: str
    blocks: list[Block]


@dataclass
class Document:
    """What a command produces: blocks for human formats, a value for JSON, a grid for CSV,
    the records NDJSON writes one a line (for `list` and `export`), (for `export`) the
    YAML text, and (for .xlsx, when a command lays its workbook out) its sheets."""

    blocks: list[Block]
    json: Any = None
    csv: Grid | None = None
    records: list[dict[str, Any]] | None = None
    #: The tables of the open data formats (`export --format datapackage|sqlite`).
    tables: list[Table] | None = None
    yaml: str | None = None
    sheets: list[Sheet] | None = None
    title: str = "nzcli"
    meta: dict[str, Any] = field(default_factory=dict)
