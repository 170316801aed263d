"""CSV renderer (RFC 4180 quoting, one header row, list fields joined with "; ").

`excel=True` is for spreadsheets: CRLF line ends (the caller adds the UTF-8 BOM) and a `'`
before any text cell a spreadsheet would run as a formula. Numeric columns stay numbers.
"""

from __future__ import annotations

import csv
import io

from . import NUMBER, Grid, machine

#: A text cell starting with one of these is a formula to a spreadsheet.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """Prefix `'` to a cell a spreadsheet would evaluate; Excel shows it as plain text."""
    return "'" + text if text.startswith(FORMULA_START) else text


def unneutralise(text: str) -> str:
    """Undo `neutralise` (used by `nzcli import`)."""
    if text.startswith("'") and text[1:].startswith(FORMULA_START):
        return text[1:]
    return text


def render_csv(grid: Grid, *, excel: bool = False) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n" if excel else "\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow([c.key for c in grid.columns])
    for row in grid.rows:
        cells = []
        for column in grid.columns:
            text = machine(row.get(column.key))
            if excel and column.kind != NUMBER:
                text = neutralise(text)
            cells.append(text)
        writer.writerow(cells)
    return out.getvalue()
