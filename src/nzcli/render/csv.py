"""CSV renderer (RFC 4180 quoting, one header row, list fields joined with "; ").

Control characters are written as visible escapes (`nzcli.safety.escape_controls`), as in
every other format. `excel=True` is for spreadsheets: a UTF-8 BOM, CRLF line ends, and a `'`
wherever a spreadsheet could start reading a formula in a text cell (`nzcli.safety.neutralise`:
at its start, and after a `;`, `,`, tab or line break inside it, for a spreadsheet that splits
the line differently). Numeric columns stay numbers.
"""

from __future__ import annotations

import csv
import io

from nzcli.safety import FORMULA_START, escape_controls, neutralise, unneutralise

from . import Style
from .cells import machine
from .document import NUMBER, Document, Grid


def _excel_cell(text: str) -> str:
    return neutralise(escape_controls(text))


def render_csv(grid: Grid, *, excel: bool = False) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n" if excel else "\n", quoting=csv.QUOTE_MINIMAL)
    keys = [c.key for c in grid.columns]
    if excel:
        writer.writerow([_excel_cell(k) for k in keys])
        texts = [c.kind != NUMBER for c in grid.columns]
        writer.writerows(
            [
                _excel_cell(machine(row.get(key))) if text else machine(row.get(key))
                for key, text in zip(keys, texts, strict=True)
            ]
            for row in grid.rows
        )
        return out.getvalue()
    writer.writerow(keys)
    # most cells are text already: `machine` only for the others (a large list's CSV)
    writer.writerows(
        [value if type(value) is str else machine(value) for value in map(row.get, keys)]
        for row in grid.rows
    )
    # one pass over the whole text: the line ends are "\n", which it keeps
    return escape_controls(out.getvalue())


def render(doc: Document, style: Style) -> str | bytes:
    grid = doc.csv or next(b for b in doc.blocks if isinstance(b, Grid))
    text = render_csv(grid, excel=style.excel)
    return b"\xef\xbb\xbf" + text.encode("utf-8") if style.excel else text


__all__ = ["FORMULA_START", "neutralise", "render", "render_csv", "unneutralise"]
