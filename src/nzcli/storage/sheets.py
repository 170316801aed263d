"""Reading the spreadsheets officers send back: rows of (id, stage, RAG, update).

`parse_csv` reads a CSV as `nzcli list/report --format csv` writes it (with or without
--excel). Every failure is a `UsageError` naming the file and line.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Final

from nzcli.errors import UsageError
from nzcli.safety import unneutralise


@dataclass(frozen=True)
class SheetRow:
    """One data row of an import file (cells un-prefixed and stripped; "" = blank)."""

    line: int
    id: str
    stage: str = ""
    rag: str = ""
    text: str = ""
    period: str = ""


#: Header names (any case) for the columns import reads; other columns are ignored.
IMPORT_COLUMNS: Final = {
    "id": "id",
    "stage": "stage",
    "rag": "rag",
    "update": "update",
    "text": "update",
    "period": "period",
}


def parse_csv(data: bytes, name: str) -> list[SheetRow]:
    """Rows of a CSV written by `nzcli list/report --format csv` (with or without --excel):
    BOM and CRLF accepted, `'`-defused cells restored. Raises UsageError for a file that is
    not such a CSV (not UTF-8, no `id` column, broken quoting)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise UsageError(
            f"{name}:{line}: not UTF-8 (byte 0x{data[exc.start]:02x}); in the spreadsheet, "
            "save as 'CSV UTF-8 (Comma delimited)' and import that file"
        ) from None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    header: list[str] | None = None
    columns: dict[str, int] = {}
    rows: list[SheetRow] = []
    line = 1
    try:
        for record in reader:
            start, line = line, reader.line_num + 1
            cells = [unneutralise(c).strip() for c in record]
            if not any(cells):
                continue
            if header is None:
                header = cells
                columns = _import_columns(header, name, start)
                continue
            got = {k: (cells[i] if i < len(cells) else "") for k, i in columns.items()}
            rows.append(
                SheetRow(
                    start,
                    got["id"],
                    got.get("stage", ""),
                    got.get("rag", ""),
                    got.get("update", ""),
                    got.get("period", ""),
                )
            )
    except csv.Error as exc:
        raise UsageError(f"{name}:{line}: not valid CSV: {exc}") from None
    if header is None:
        raise UsageError(
            f"{name}: the file is empty; expected a header row, then one row per action"
        )
    return rows


def _import_columns(header: list[str], name: str, line: int) -> dict[str, int]:
    columns: dict[str, int] = {}
    for i, cell in enumerate(header):
        key = IMPORT_COLUMNS.get(" ".join(cell.split()).casefold())
        if key is None:
            continue
        if key in columns:
            raise UsageError(f"{name}:{line}: the {key!r} column appears twice; keep one")
        columns[key] = i
    if "id" not in columns:
        hint = (
            "; the cells seem to be separated by ';' — save the file with commas"
            if len(header) == 1 and ";" in header[0]
            else ""
        )
        raise UsageError(
            f"{name}:{line}: no 'id' column{hint}; the first row must name the columns as "
            "`nzcli list --format csv` writes them (id, …, stage, rag, update)"
        )
    if not {"stage", "rag", "update"} & set(columns):
        raise UsageError(f"{name}:{line}: nothing to import: no 'stage', 'rag' or 'update' column")
    return columns
