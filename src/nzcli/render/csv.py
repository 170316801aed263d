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
    keys = [c.key for c in grid.columns]
    writer.writerow(keys)
    if excel:
        texts = [c.kind != NUMBER for c in grid.columns]
        writer.writerows(
            [
                neutralise(machine(row.get(key))) if text else machine(row.get(key))
                for key, text in zip(keys, texts, strict=True)
            ]
            for row in grid.rows
        )
    else:  # most cells are text already: `machine` only for the others (a large list's CSV)
        writer.writerows(
            [value if type(value) is str else machine(value) for value in map(row.get, keys)]
            for row in grid.rows
        )
    return out.getvalue()
