"""The .xlsx format: a `Document` as a workbook (bytes).

The sheets are the document's own (`Document.sheets`) when its command lays a workbook out,
else one sheet of its CSV grid, else one sheet of its blocks. A sheet that is one grid is a
table: the header on the first row, frozen and filtered, repeated on every printed page. Any
other sheet is a page of headings, notices, paragraphs and grids (a trend as its grid), top
to bottom; contents lists and page breaks belong to paged formats and are left out.

Values are written as people read them (`cells.human`: "Amber", "Not rated", "Design");
stage and RAG cells are shaded as well as worded; numbers are numbers; every text is a
string cell, never a formula (`xlsxkit.OPTIONS`).
"""

from __future__ import annotations

from typing import Any

from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from nzcli.errors import UsageError
from nzcli.safety import escape_controls

from .cells import human
from .document import (
    LIST,
    NUMBER,
    RAG,
    STAGE,
    Bars,
    Block,
    Column,
    Document,
    Grid,
    Heading,
    Lines,
    Notice,
    Paragraph,
    Sheet,
    Trend,
)
from .xlsxkit import (
    LINE_HEIGHT,
    MAX_CELL,
    MAX_ROWS,
    STAGE_COLOURS,
    Styles,
    finish,
    lines_needed,
    new_workbook,
    print_setup,
    sheet_names,
    text,
)

#: Widest a column is made, by kind (characters); wider text wraps.
WIDEST = {LIST: 28, NUMBER: 14, STAGE: 16, RAG: 11}
WIDEST_TEXT = 50
#: The most lines a row is made tall enough for (Excel's limit is 409 points).
TALLEST = 30
#: How many rows are looked at to choose a column's width.
SAMPLE = 500


def render(doc: Document, style: Any = None) -> bytes:
    sheets = doc.sheets or _default_sheets(doc)
    cells = sum(
        len(b.rows) * len(b.columns) for s in sheets for b in s.blocks if isinstance(b, Grid)
    )
    workbook, buffer = new_workbook(cells)
    styles = Styles.make(workbook)
    for sheet, name in zip(sheets, sheet_names([s.name for s in sheets]), strict=True):
        worksheet = workbook.add_worksheet(name)
        blocks = sheet.blocks
        if len(blocks) == 1 and isinstance(blocks[0], Grid):
            _table(worksheet, blocks[0], styles, doc.title, name)
        else:
            _page(worksheet, blocks, styles, doc.title, name)
    return finish(workbook, buffer, doc.title, str(doc.meta.get("organisation", "")))


def _default_sheets(doc: Document) -> list[Sheet]:
    if doc.csv is not None:
        return [Sheet(doc.csv.title or "Actions", [doc.csv])]
    if doc.blocks:
        return [Sheet(doc.title, list(doc.blocks))]
    raise UsageError("this command has nothing to write as a workbook; use another --format")


def _table(sheet: Worksheet, grid: Grid, styles: Styles, title: str, name: str) -> None:
    if len(grid.rows) + 1 > MAX_ROWS:
        raise UsageError(
            f"{len(grid.rows):,} rows are more than a sheet holds ({MAX_ROWS - 1:,}); "
            "narrow the selection or use another format"
        )
    widths = _widths(sheet, [grid])
    end = _grid(sheet, 0, grid, styles, widths)
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(end - 1, 1), len(grid.columns) - 1)
    print_setup(sheet, title, name, repeat_header=True)


def _page(sheet: Worksheet, blocks: list[Block], styles: Styles, title: str, name: str) -> None:
    blocks = [b.as_grid() if isinstance(b, Trend) else b for b in blocks]
    widths = _widths(sheet, [b for b in blocks if isinstance(b, Grid)])
    row = 0
    for block in blocks:
        if isinstance(block, Heading):
            cell_format = styles.title if block.level == 1 else styles.subtitle
            sheet.write_string(row, 0, text(block.text, "a heading"), cell_format)
            row += 1
        elif isinstance(block, Notice):  # a draft's banner: bold, a line of its own
            sheet.write_string(row, 0, text(block.text, "a notice"), styles.subtitle)
            row += 2
        elif isinstance(block, Lines | Paragraph):
            lines = block.lines if isinstance(block, Lines) else block.text.split("\n")
            for line in lines:
                sheet.write_string(row, 0, text(line, "a line"), styles.caption)
                row += 1
            row += 1
        elif isinstance(block, Grid):
            if block.title:
                sheet.write_string(row, 0, text(block.title, "a table's title"), styles.subtitle)
                row += 1
            row = _grid(sheet, row, block, styles, widths) + 1
        elif isinstance(block, Bars):
            bars = Grid(
                [Column("label", block.title), Column("count", "Actions", NUMBER)],
                [{"label": label, "count": count} for label, count in block.items],
            )
            row = _grid(sheet, row, bars, styles, widths) + 1
    print_setup(sheet, title, name, repeat_header=False)


def _grid(sheet: Worksheet, top: int, grid: Grid, styles: Styles, widths: dict[int, float]) -> int:
    """Write a grid's header at row `top` and its rows below; the row after the last."""
    _height(sheet, top, [c.header for c in grid.columns], widths)
    for c, column in enumerate(grid.columns):
        sheet.write_string(top, c, text(column.header, "a column header"), styles.header)
    for r, values in enumerate(grid.rows, start=top + 1):
        cells = [_cell(values, column, styles) for column in grid.columns]
        _height(sheet, r, [v if isinstance(v, str) else "" for v, _ in cells], widths)
        for c, (value, cell_format) in enumerate(cells):
            if isinstance(value, str):
                if len(value) > MAX_CELL:
                    label = values.get("id") or f"row {r - top}"
                    text(value, f"{label}'s {grid.columns[c].header.lower()}")  # refuses it
                if value or cell_format is not styles.body:
                    sheet.write_string(r, c, value, cell_format)
            else:
                sheet.write_number(r, c, value, cell_format)
    return top + 1 + len(grid.rows)


def _cell(values: dict[str, Any], column: Column, styles: Styles) -> tuple[str | float, Format]:
    """A cell's value (text as shown, with control characters made visible, or a number)
    and its format: numbers plain, stage and RAG shaded."""
    value, kind = values.get(column.key), column.kind
    if kind == NUMBER and isinstance(value, int | float) and not isinstance(value, bool):
        return value, styles.number
    shown = escape_controls(human(value, kind))
    if kind == RAG:
        return shown, styles.rag[value if value in styles.rag else None]
    if kind == STAGE and shown:
        return shown, styles.stage[value if value in STAGE_COLOURS else None]
    return shown, styles.body


def _height(sheet: Worksheet, row: int, shown: list[str], widths: dict[int, float]) -> None:
    lines = max(
        (lines_needed(value, widths.get(c, 8)) for c, value in enumerate(shown) if value),
        default=1,
    )
    if lines > 1:
        sheet.set_row(row, LINE_HEIGHT * min(lines, TALLEST))


def _widths(sheet: Worksheet, grids: list[Grid]) -> dict[int, float]:
    """Each column as wide as its header and its longest line (in the first `SAMPLE` rows
    of each grid), within a cap for its kind."""
    widths: dict[int, float] = {}
    for grid in grids:
        for c, column in enumerate(grid.columns):
            longest = max((len(w) for w in column.header.split()), default=4) + 2
            for values in grid.rows[:SAMPLE]:
                shown = human(values.get(column.key), column.kind)
                longest = max(longest, max((len(line) for line in shown.split("\n")), default=0))
            cap = WIDEST.get(column.kind, WIDEST_TEXT)
            widths[c] = max(widths.get(c, 0), min(longest + 1, cap))
    for c, width in sorted(widths.items()):
        widths[c] = max(width, 6)
        sheet.set_column(c, c, widths[c])
    return widths
